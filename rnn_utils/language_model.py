"""Language-model helpers: data layout, count-based n-gram baselines, NLL, training loops.

A language model estimates, at every step t, P(y<t> | y<1>, ..., y<t-1>). A sequence here is a
list of target ids y<1>, ..., y<T> that ends with the end-of-sequence id, so the model is also
scored on *when* to stop. The recurrent model reads x<1> = 0 (a zero vector) and then
x<t> = y<t-1> (one-hot): :func:`lm_arrays` builds that layout with padding and a mask.

Scores are the held-out negative log-likelihood per token, −(1/N) Σ log P(y<t> | history),
in nats (lower is better; a uniform guess over n_y tokens scores log n_y).

- :class:`NGramModel`: counts of (context, next token) with add-k smoothing; order 1 is the
  unigram model, order 2 the bigram, order 3 the trigram.
- :func:`masked_nll_per_token`: the same score for any model's predictions ŷ<t>.
- :class:`SGD`, :class:`Adam`, :func:`train_scratch_rnn`: a small NumPy training loop over
  :func:`rnn_utils.scratch.loss_and_grads` (minibatches, optional gradient clipping).
- :func:`keras_sgd_run`: plain SGD on a Keras model with TensorFlow autodiff (for the
  exploding-gradient demo), with the same clipping function.

Example:
    >>> model = NGramModel(order=2, n_classes=3, k=1.0).fit([[1, 2, 0], [1, 0]])
    >>> model.next_token_probs([1]).round(3)
    array([0.4, 0.2, 0.4])
    >>> round(model.nll_per_token([[1, 2, 0]]), 3)
    0.707
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from rnn_utils.scratch import clip_gradients, loss_and_grads, scale_to_spectral_radius
from rnn_utils.scratch.core import check_params, target_log_probs
from rnn_utils.text import one_hot, pad_sequences

__all__ = [
    "SGD",
    "Adam",
    "NGramModel",
    "TrainingRun",
    "keras_sgd_run",
    "lm_arrays",
    "masked_nll_per_token",
    "relu_rnn_model",
    "train_scratch_rnn",
]


def _check_sequences(sequences, n_classes: int) -> list[list[int]]:
    if isinstance(sequences, str | bytes) or not isinstance(sequences, Sequence | np.ndarray):
        raise TypeError("sequences must be a list of id lists, e.g. [[3, 5, 0], [7, 0]]")
    checked = []
    for i, seq in enumerate(sequences):
        ids = np.asarray(seq)
        if ids.ndim != 1 or ids.size == 0:
            raise ValueError(f"sequence {i} must be a non-empty 1-D list of ids, got {seq!r}")
        if not np.issubdtype(ids.dtype, np.integer):
            raise TypeError(f"sequence {i} must hold integer ids, got dtype {ids.dtype}")
        if ids.min() < 0 or ids.max() >= n_classes:
            raise ValueError(f"sequence {i} has ids outside [0, n_classes={n_classes})")
        checked.append([int(t) for t in ids])
    if not checked:
        raise ValueError("sequences is empty: expected at least one sequence")
    return checked


def lm_arrays(sequences, n_classes: int, max_len: int | None = None):
    """Pack target sequences into the arrays of a recurrent language model.

    Args:
        sequences: lists of target ids y<1..T> in [0, n_classes), each ending with the end id.
        n_classes: n_y = n_x, the vocabulary size.
        max_len: padded length T (default: the longest sequence); longer ones are cut.

    Returns:
        ``(x, y, mask)``: one-hot inputs x (m, T, n_classes) with x<1> = 0 and
        x<t> = one_hot(y<t-1>); integer targets y (m, T) (0 on padding); float mask (m, T),
        1 on real steps.

    Example:
        >>> x, y, mask = lm_arrays([[2, 1, 0], [1, 0]], n_classes=3)
        >>> x.shape, y.tolist(), mask.tolist()
        ((2, 3, 3), [[2, 1, 0], [1, 0, 0]], [[1.0, 1.0, 1.0], [1.0, 1.0, 0.0]])
    """
    seqs = _check_sequences(sequences, n_classes)
    if max_len is not None and (not isinstance(max_len, int) or max_len < 1):
        raise ValueError(f"max_len must be a positive int, got {max_len!r}")
    y, mask = pad_sequences(seqs, max_len)
    y, mask = y.astype(np.int64), mask.astype(np.float64)
    x = np.zeros(y.shape + (n_classes,))
    x[:, 1:] = one_hot(y[:, :-1], n_classes) * mask[:, 1:, None]  # zero on padded steps
    return x, y, mask


def masked_nll_per_token(y_hat, y, mask) -> float:
    """Average −log ŷ<t>[y<t>] over the real (mask = 1) steps, in nats (the per-step loss
    of :mod:`rnn_utils.scratch`, averaged over tokens instead of summed per sequence).

    Args:
        y_hat: predicted distributions (m, T, n_y).
        y: integer targets (m, T).
        mask: 0/1 array (m, T).

    Returns:
        The negative log-likelihood per token (float).
    """
    y_hat, y, mask = np.asarray(y_hat, np.float64), np.asarray(y), np.asarray(mask, np.float64)
    if y_hat.ndim != 3 or y.shape != y_hat.shape[:2] or mask.shape != y.shape:
        raise ValueError(
            f"expected y_hat (m, T, n_y), y (m, T) and mask (m, T); got shapes {y_hat.shape}, "
            f"{y.shape} and {mask.shape}"
        )
    if mask.sum() == 0:
        raise ValueError("mask has no real step to score")
    return float(-np.sum(mask * target_log_probs(y_hat, y)) / mask.sum())


class NGramModel:
    """Count-based n-gram language model with add-k (Laplace when k = 1) smoothing.

    P(y<t> = v | the previous order−1 tokens h) = (count(h, v) + k) / (count(h) + k · n_classes).
    Histories shorter than order−1 are padded on the left with a virtual start symbol (id
    ``n_classes``), so the first tokens are predicted from "start of sequence".

    Args:
        order: n (1 = unigram, 2 = bigram, 3 = trigram, ...).
        n_classes: the number of possible next tokens (n_y), end token included.
        k: the smoothing pseudo-count, > 0, so unseen continuations keep some probability.
    """

    def __init__(self, order: int, n_classes: int, k: float = 1.0):
        for name, value in (("order", order), ("n_classes", n_classes)):
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"{name} must be an int >= 1, got {value!r}")
        if isinstance(k, bool) or not isinstance(k, int | float) or not k > 0:
            raise ValueError(f"k must be a number > 0 (add-k smoothing), got {k!r}")
        self.order, self.n_classes, self.k = order, n_classes, float(k)
        self.counts: dict[tuple[int, ...], np.ndarray] = {}

    def _context(self, history: Sequence[int]) -> tuple[int, ...]:
        width = self.order - 1
        if width == 0:
            return ()
        padded = [self.n_classes] * width + [int(t) for t in history]
        return tuple(padded[-width:])

    def fit(self, sequences) -> NGramModel:
        """Count every (context, next token) pair of the training sequences; returns self."""
        counts = defaultdict(lambda: np.zeros(self.n_classes))
        for seq in _check_sequences(sequences, self.n_classes):
            for t, token in enumerate(seq):
                counts[self._context(seq[:t])][token] += 1
        self.counts = dict(counts)
        return self

    def next_token_probs(self, history: Sequence[int]) -> np.ndarray:
        """P(y<t> | history) for every token (n_classes,); sums to 1."""
        if not self.counts:
            raise ValueError("the model is not fitted: call fit(sequences) first")
        row = self.counts.get(self._context(history))
        if row is None:
            return np.full(self.n_classes, 1.0 / self.n_classes)
        return (row + self.k) / (row.sum() + self.k * self.n_classes)

    def sequence_log_probs(self, sequence: Sequence[int]) -> np.ndarray:
        """log P(y<t> | y<1..t-1>) of every token of one sequence."""
        seq = _check_sequences([sequence], self.n_classes)[0]
        return np.log([self.next_token_probs(seq[:t])[tok] for t, tok in enumerate(seq)])

    def nll_per_token(self, sequences) -> float:
        """Held-out negative log-likelihood per token (nats) over all sequences."""
        seqs = _check_sequences(sequences, self.n_classes)
        total = sum(-self.sequence_log_probs(s).sum() for s in seqs)
        return float(total / sum(len(s) for s in seqs))


# --------------------------------------------------------------------------- optimisers


class SGD:
    """Plain gradient descent: θ ← θ − lr · g.

    Args:
        lr: learning rate > 0.
    """

    def __init__(self, lr: float = 0.1):
        if not lr > 0:
            raise ValueError(f"lr must be > 0, got {lr!r}")
        self.lr = lr

    def step(self, params: dict, grads: dict) -> dict:
        """Return the updated parameters (a new dict; the inputs are not modified)."""
        return {key: value - self.lr * grads[key] for key, value in params.items()}


class Adam:
    """Adam (Kingma & Ba, 2015) with bias correction, on a dict of NumPy arrays.

    m ← β1 m + (1−β1) g;  v ← β2 v + (1−β2) g²;  θ ← θ − lr · m̂ / (√v̂ + ε).

    Args:
        lr: learning rate > 0. beta1, beta2: decay rates in [0, 1). eps: ε > 0.
    """

    def __init__(self, lr: float = 0.01, beta1: float = 0.9, beta2: float = 0.999, eps=1e-8):
        if not lr > 0:
            raise ValueError(f"lr must be > 0, got {lr!r}")
        if not (0 <= beta1 < 1 and 0 <= beta2 < 1):
            raise ValueError(f"beta1 and beta2 must be in [0, 1), got {beta1!r}, {beta2!r}")
        self.lr, self.beta1, self.beta2, self.eps = lr, beta1, beta2, eps
        self.t, self.m, self.v = 0, {}, {}

    def step(self, params: dict, grads: dict) -> dict:
        """Return the updated parameters (a new dict; the inputs are not modified)."""
        self.t += 1
        updated = {}
        for key, value in params.items():
            g = grads[key]
            self.m[key] = self.beta1 * self.m.get(key, 0.0) + (1 - self.beta1) * g
            self.v[key] = self.beta2 * self.v.get(key, 0.0) + (1 - self.beta2) * g * g
            m_hat = self.m[key] / (1 - self.beta1**self.t)
            v_hat = self.v[key] / (1 - self.beta2**self.t)
            updated[key] = value - self.lr * m_hat / (np.sqrt(v_hat) + self.eps)
        return updated


# --------------------------------------------------------------------------- training loops


@dataclass
class TrainingRun:
    """What a training loop returns.

    Attributes:
        params: the final parameters.
        losses: the training loss per token after each update's forward pass.
        first_nonfinite_step: index of the first update whose loss was NaN or ±inf (None if
            none was); the loop stops there.
    """

    params: dict
    losses: list[float] = field(default_factory=list)
    first_nonfinite_step: int | None = None


def train_scratch_rnn(
    params: dict,
    x,
    y,
    mask,
    optimizer,
    epochs: int = 1,
    batch_size: int = 32,
    clip: float | None = None,
    kind: str = "rnn",
    seed: int = 0,
    callback: Callable[[int, float], None] | None = None,
) -> TrainingRun:
    """Train a from-scratch model with BPTT (:func:`rnn_utils.scratch.loss_and_grads`).

    Each epoch shuffles the sequences (``numpy.random.default_rng(seed + epoch)``) and makes one
    update per minibatch; a<0> = 0. The loss of the scratch model is summed over time and
    averaged over the batch; the recorded loss is per token (divided by the real steps).

    Args:
        params: initial parameters of ``kind`` (see :func:`rnn_utils.scratch.init_params`).
        x, y, mask: arrays from :func:`lm_arrays` (or any (m, T, n_x), (m, T), (m, T)).
        optimizer: an object with ``step(params, grads) -> params`` (:class:`SGD`, :class:`Adam`).
        epochs: passes over the data, ≥ 1.
        batch_size: sequences per update, ≥ 1.
        clip: element-wise gradient clipping threshold (None = no clipping).
        kind: ``"rnn"``, ``"gru"`` or ``"lstm"``.
        seed: seed of the shuffling.
        callback: called as ``callback(epoch, mean_loss_per_token)`` after each epoch.

    Returns:
        A :class:`TrainingRun`.
    """
    if not hasattr(optimizer, "step"):
        raise TypeError(f"optimizer must have a step(params, grads) method, got {optimizer!r}")
    for name, value in (("epochs", epochs), ("batch_size", batch_size)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ValueError(f"{name} must be an int >= 1, got {value!r}")
    x, y, mask = np.asarray(x, np.float64), np.asarray(y), np.asarray(mask, np.float64)
    if x.ndim != 3 or y.shape != x.shape[:2] or mask.shape != y.shape:
        raise ValueError(
            f"expected x (m, T, n_x), y (m, T), mask (m, T); got {x.shape}, {y.shape}, {mask.shape}"
        )
    _, _, n_a, _ = check_params(kind, params)
    run = TrainingRun(params={k: np.array(v, np.float64) for k, v in params.items()})
    for epoch in range(epochs):
        order = np.random.default_rng(seed + epoch).permutation(len(x))
        epoch_losses = []
        for start in range(0, len(x), batch_size):
            idx = order[start : start + batch_size]
            with np.errstate(over="ignore", invalid="ignore"):
                loss, grads = loss_and_grads(
                    kind, x[idx], y[idx], np.zeros((len(idx), n_a)), run.params, mask=mask[idx]
                )
            per_token = loss * len(idx) / mask[idx].sum()
            run.losses.append(per_token)
            epoch_losses.append(per_token)
            if not np.isfinite(per_token):
                run.first_nonfinite_step = len(run.losses) - 1
                return run
            grads = {key: grads[key] for key in run.params}
            if clip is not None:
                grads = clip_gradients(grads, clip)
            run.params = optimizer.step(run.params, grads)
        if callback is not None:
            callback(epoch, float(np.mean(epoch_losses)))
    return run


def keras_sgd_run(
    model, x, y, lr: float, steps: int, clip: float | None = None, mask=None
) -> TrainingRun:
    """Full-batch SGD on a Keras model with the backend's autodiff, stopping at a NaN/inf loss.

    The loss is the sparse categorical cross-entropy of the model's logits per token: averaged
    over the real steps (mask = 1) when ``mask`` is given — the quantity
    :func:`masked_nll_per_token` computes for the softmax of the same logits — and over every
    step otherwise. Gradients come from :func:`rnn_utils.autodiff.weight_gradients_fn` (any
    Keras backend; compiled once on JAX) and, when ``clip`` is given, are clipped element-wise
    by :func:`rnn_utils.scratch.clip_gradients` before the update θ ← θ − lr · g.

    Args:
        model: a built Keras model mapping x (m, T, n_x) to logits (m, T, n_y).
        x: inputs (m, T, n_x). y: integer targets (m, T).
        lr: learning rate > 0. steps: number of updates ≥ 1.
        clip: element-wise clipping threshold or None.
        mask: optional 0/1 array (m, T) (e.g. from :func:`lm_arrays`); padded steps (0) are
            left out of the loss and of its average.

    Returns:
        A :class:`TrainingRun` whose ``params`` maps each variable's path to its final value.
    """
    import keras

    from rnn_utils.autodiff import weight_gradients_fn

    if not lr > 0:
        raise ValueError(f"lr must be > 0, got {lr!r}")
    if isinstance(steps, bool) or not isinstance(steps, int) or steps < 1:
        raise ValueError(f"steps must be an int >= 1, got {steps!r}")
    x = np.asarray(x, np.float32)
    y = np.asarray(y, np.int64)
    if x.ndim != 3 or y.shape != x.shape[:2]:
        raise ValueError(f"expected x (m, T, n_x) and y (m, T); got {x.shape} and {y.shape}")
    if mask is None:
        loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
        weight, n_tokens = None, 1.0
    else:
        weight = np.asarray(mask, np.float32)
        if weight.shape != y.shape or not np.isin(weight, (0.0, 1.0)).all() or weight.sum() == 0:
            raise ValueError(
                f"mask must be a 0/1 array of shape (m, T) = {y.shape} with at least one 1; "
                f"got shape {weight.shape}"
            )
        # the sum over real steps of −log softmax(logits)[y], divided by their number below
        loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True, reduction="sum")
        n_tokens = float(weight.sum())
    variables = model.trainable_variables
    run = TrainingRun(params={})
    loss_and_gradients = weight_gradients_fn(
        lambda: loss_fn(y, model(x), sample_weight=weight) / n_tokens, variables
    )
    for step in range(steps):
        loss, gradients = loss_and_gradients()
        run.losses.append(loss)
        if not np.isfinite(run.losses[-1]):
            run.first_nonfinite_step = step
            break
        grads = {v.path: g for v, g in zip(variables, gradients, strict=True)}
        if clip is not None:
            grads = clip_gradients(grads, clip)
        with np.errstate(over="ignore", invalid="ignore"):
            for v in variables:
                v.assign(keras.ops.convert_to_numpy(v.value) - lr * grads[v.path])
    run.params = {v.path: keras.ops.convert_to_numpy(v.value) for v in variables}
    return run


def relu_rnn_model(n_x: int, n_a: int, n_y: int, radius: float, seed: int = 0, T=None):
    """A Keras ReLU ``SimpleRNN`` + ``Dense`` (logits) whose W_aa has spectral radius ``radius``.

    With a ReLU the state is unbounded, so a radius above 1 makes activations and gradients grow
    geometrically with T: the textbook setting in which plain SGD ends in NaN and clipping
    rescues it (:func:`keras_sgd_run`).

    Args:
        n_x, n_a, n_y: input, state and output sizes. radius: spectral radius of W_aa (> 0).
        seed: seed of the Keras initialisers. T: fixed sequence length, or None for any.
    """
    import keras

    from rnn_utils.layers import SimpleRNN

    keras.utils.set_random_seed(seed)
    rnn = SimpleRNN(n_a, activation="relu", return_sequences=True)
    model = keras.Sequential([keras.Input((T, n_x)), rnn, keras.layers.Dense(n_y)])
    kernel, recurrent, bias = rnn.get_weights()
    rnn.set_weights([kernel, scale_to_spectral_radius(recurrent, radius), bias])
    return model
