"""Truncated BPTT on one long token stream: parallel rows, chunks, a stateful language model.

Taught in notebook 05 (LSTM). A text too long to backpropagate through in one piece is cut into
``n_rows`` contiguous rows (one per batch entry) and each row into consecutive chunks of
``chunk_len`` steps. A *stateful* recurrent layer keeps its final state a<T>, c<T> after a batch
and starts the next batch from it, so chunk k+1 of a row continues where chunk k stopped:
information flows forward across chunk borders without limit, while each gradient stops at the
border of its chunk (the carried state enters the next chunk as a constant). Resetting the state
before every chunk instead makes each chunk an independent sequence.

- :func:`stream_rows`: cut one id stream into ``(x_ids, y_ids)`` rows, y<t> = x<t+1>;
- :func:`stream_lm`: one-hot inputs → recurrent layer → softmax ``Dense``, optionally stateful;
- :func:`train_truncated`: Adam over the chunks in order, the state carried or reset;
- :func:`stream_nll`: held-out negative log-likelihood per token, the state carried or reset.
"""

from __future__ import annotations

import numpy as np

from rnn_utils.language_model import masked_nll_per_token
from rnn_utils.long_range import check_int

__all__ = ["stream_lm", "stream_nll", "stream_rows", "train_truncated"]


def stream_rows(ids, n_rows, chunk_len):
    """Cut one stream of token ids into ``n_rows`` contiguous rows of whole chunks.

    Row r holds the tokens ``ids[r * L : (r + 1) * L]`` as inputs and the tokens one step later
    as targets, L = the largest multiple of ``chunk_len`` with n_rows · L + 1 ≤ len(ids); the
    few tokens left at the end are dropped.

    Args:
        ids: 1-D sequence of int token ids (the whole text).
        n_rows: number of parallel rows (the batch size of a stateful model).
        chunk_len: steps per chunk (the truncation length of BPTT).

    Returns:
        ``(x_ids, y_ids)``, int64 arrays of shape (n_rows, L) with ``y_ids[:, t] = x_ids[:, t+1]``
        inside a row.

    Example:
    >>> x, y = stream_rows(np.arange(11), n_rows=2, chunk_len=2)
    >>> x.tolist(), y.tolist()
    ([[0, 1, 2, 3], [4, 5, 6, 7]], [[1, 2, 3, 4], [5, 6, 7, 8]])
    """
    ids = np.asarray(ids)
    if ids.ndim != 1 or not np.issubdtype(ids.dtype, np.integer):
        raise ValueError(f"ids must be a 1-D array of int token ids, got shape {ids.shape}.")
    n_rows, chunk_len = check_int("n_rows", n_rows), check_int("chunk_len", chunk_len)
    length = (len(ids) - 1) // n_rows // chunk_len * chunk_len
    if length == 0:
        raise ValueError(
            f"the stream ({len(ids)} tokens) is too short for {n_rows} rows of at least one "
            f"chunk of {chunk_len} steps: need at least {n_rows * chunk_len + 1} tokens."
        )
    used = n_rows * length
    x_ids = ids[:used].reshape(n_rows, length).astype(np.int64)
    y_ids = ids[1 : used + 1].reshape(n_rows, length).astype(np.int64)
    return x_ids, y_ids


def stream_lm(layer_class, units, vocab_size, batch_size=None, stateful=False, seed=0):
    """A character language model for streams: one-hot x<t> → recurrent layer → softmax.

    Args:
        layer_class: a recurrent layer class, e.g. ``rnn_utils.layers.LSTM`` or
            ``keras.layers.LSTM``; called as ``layer_class(units, return_sequences=True)``
            (plus ``stateful=True`` when asked).
        units: n_a.
        vocab_size: n_x = n_y.
        batch_size: fixed batch size (required by a stateful layer), or None.
        stateful: keep the last state of each batch row as the next batch's initial state.
        seed: seeds the initial weights.

    Returns:
        An uncompiled ``keras.Sequential``, (batch, T, vocab_size) → (batch, T, vocab_size).

    Example:
    >>> import keras
    >>> model = stream_lm(keras.layers.LSTM, 4, 5, batch_size=2, stateful=True)
    >>> model.output_shape, model.layers[0].stateful
    ((2, None, 5), True)
    """
    import keras

    units, vocab_size = check_int("units", units), check_int("vocab_size", vocab_size, 2)
    if stateful and batch_size is None:
        raise ValueError("a stateful model needs a fixed batch_size (the number of rows).")
    if batch_size is not None:
        batch_size = check_int("batch_size", batch_size)
    keras.utils.set_random_seed(check_int("seed", seed, 0))
    extra = {"stateful": True} if stateful else {}
    return keras.Sequential(
        [
            keras.Input(batch_shape=(batch_size, None, vocab_size)),
            layer_class(units, return_sequences=True, **extra),
            keras.layers.Dense(vocab_size, activation="softmax"),
        ]
    )


def _stateful_layers(model, x_ids):
    layers = [layer for layer in model.layers if getattr(layer, "stateful", False)]
    if not layers:
        raise ValueError("model has no stateful layer: use stream_lm(..., stateful=True).")
    x_ids = np.asarray(x_ids)
    if x_ids.ndim != 2:
        raise ValueError(f"x_ids must have shape (n_rows, L), got {x_ids.shape}.")
    batch = model.inputs[0].shape[0]
    if batch != x_ids.shape[0]:
        raise ValueError(
            f"the stateful model takes batches of {batch} rows, got {x_ids.shape[0]} rows."
        )
    return layers


def _chunks(x_ids, y_ids, chunk_len, vocab_size):
    chunk_len = check_int("chunk_len", chunk_len)
    x_ids, y_ids = np.asarray(x_ids), np.asarray(y_ids)
    if x_ids.shape != y_ids.shape or x_ids.shape[1] % chunk_len:
        raise ValueError(
            f"x_ids and y_ids must have the same shape (n_rows, L), L a multiple of "
            f"chunk_len={chunk_len}; got {x_ids.shape} and {y_ids.shape}."
        )
    one_hot = np.eye(vocab_size, dtype="float32")
    for start in range(0, x_ids.shape[1], chunk_len):
        part = slice(start, start + chunk_len)
        yield one_hot[x_ids[:, part]], y_ids[:, part]


def _reset(layers):
    for layer in layers:
        layer.reset_state()


def train_truncated(model, x_ids, y_ids, chunk_len, epochs, lr=5e-3, carry=True, clipnorm=None):
    """Train a stateful stream LM by truncated BPTT: one update per chunk, chunks in order.

    The state is reset at the start of every epoch (each row restarts at its beginning). With
    ``carry=True`` it is then carried from chunk to chunk; with ``carry=False`` it is reset
    before every chunk too, so each chunk is read from a zero state.

    Args:
        model: a stateful model from :func:`stream_lm` whose batch size is ``n_rows``.
        x_ids, y_ids: (n_rows, L) from :func:`stream_rows`.
        chunk_len: steps per chunk; L must be a multiple of it.
        epochs: passes over the stream. lr: Adam's learning rate.
        carry: carry the state across chunk borders (True) or reset it (False).
        clipnorm: optional per-weight norm clipping threshold (Keras's ``clipnorm``: each
            weight's gradient is rescaled by its own norm).

    Returns:
        List of the mean training loss (nats per token) of each epoch.

    Example:
    >>> import keras
    >>> x, y = stream_rows(np.arange(41) % 5, n_rows=2, chunk_len=4)
    >>> model = stream_lm(keras.layers.LSTM, 3, 5, batch_size=2, stateful=True)
    >>> len(train_truncated(model, x, y, chunk_len=4, epochs=2))
    2
    """
    import keras

    layers = _stateful_layers(model, x_ids)
    epochs = check_int("epochs", epochs)
    if not lr > 0:
        raise ValueError(f"lr must be > 0, got {lr!r}.")
    vocab_size = model.inputs[0].shape[-1]
    model.compile(
        optimizer=keras.optimizers.Adam(lr, clipnorm=clipnorm),
        loss="sparse_categorical_crossentropy",
    )
    losses = []
    for _ in range(epochs):
        _reset(layers)
        epoch = []
        for x, y in _chunks(x_ids, y_ids, chunk_len, vocab_size):
            if not carry:
                _reset(layers)
            epoch.append(float(model.train_on_batch(x, y)))
        losses.append(float(np.mean(epoch)))
    _reset(layers)
    return losses


def stream_nll(model, x_ids, y_ids, chunk_len, carry=True):
    """Held-out NLL per token of a stateful stream LM, read chunk by chunk.

    Args:
        model: a stateful model from :func:`stream_lm` whose batch size is ``n_rows``.
        x_ids, y_ids: (n_rows, L) from :func:`stream_rows` (e.g. of the held-out text).
        chunk_len: steps per chunk; L must be a multiple of it.
        carry: carry the state across chunks (the whole row is read as one sequence) or reset
            it before every chunk.

    Returns:
        ``(nll, probs)``: the mean −log ŷ<t>[y<t>] over every token in nats, and the predicted
        distributions, (n_rows, L, vocab_size).

    Example:
    >>> import keras
    >>> x, y = stream_rows(np.arange(41) % 5, n_rows=2, chunk_len=4)
    >>> model = stream_lm(keras.layers.LSTM, 3, 5, batch_size=2, stateful=True)
    >>> nll, probs = stream_nll(model, x, y, chunk_len=4)
    >>> probs.shape, bool(abs(nll - np.log(5)) < 0.5)
    ((2, 20, 5), True)
    """
    layers = _stateful_layers(model, x_ids)
    vocab_size = model.inputs[0].shape[-1]
    _reset(layers)
    parts = []
    for x, _ in _chunks(x_ids, y_ids, chunk_len, vocab_size):
        if not carry:
            _reset(layers)
        parts.append(np.asarray(model.predict_on_batch(x)))
    _reset(layers)
    probs = np.concatenate(parts, axis=1)
    y_ids = np.asarray(y_ids)
    return masked_nll_per_token(probs, y_ids, np.ones(y_ids.shape)), probs
