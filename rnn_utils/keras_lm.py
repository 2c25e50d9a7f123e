"""The course's Keras character language model: one recipe, trained the same way everywhere.

Notebook 03 trains a ``SimpleRNN`` language model on the census names; notebook 04 (GRU) and the
notebooks after it compare other cells with it on the same split. This module is the one home of
that recipe, so a comparison re-trains the other model here instead of quoting a number:
recurrent layer (``return_sequences=True``) → softmax ``Dense``, Adam, sparse cross-entropy with
the padding mask as per-step sample weight, weights seeded before the layer is built.
"""

from __future__ import annotations

from rnn_utils.language_model import masked_nll_per_token

__all__ = ["train_keras_lm"]


def train_keras_lm(layer_class, units, data, epochs, batch_size, lr, seed=0):
    """Train a character LM ``layer_class(units)`` → softmax; return ``(model, history, nll)``.

    Args:
        layer_class: a recurrent layer class taking ``(units, return_sequences=True)``, e.g.
            ``rnn_utils.layers.SimpleRNN`` or ``GRU``.
        units: n_a.
        data: ``(x_train, y_train, mask_train, x_test, y_test, mask_test)`` from
            :func:`rnn_utils.language_model.lm_arrays` (one-hot x, integer y, 0/1 mask).
        epochs, batch_size, lr: the training budget (Adam's learning rate).
        seed: seeds the initial weights and the batch order.

    Returns:
        The trained model, its Keras ``History`` and the held-out NLL per character
        (:func:`rnn_utils.language_model.masked_nll_per_token`).
    """
    import keras

    x_train, y_train, mask_train, x_test, y_test, mask_test = data
    if x_train.ndim != 3:
        raise ValueError(f"x_train must be one-hot (m, T, V), got shape {x_train.shape}.")
    vocab = x_train.shape[-1]
    keras.utils.set_random_seed(seed)
    model = keras.Sequential(
        [
            keras.Input((None, vocab)),
            layer_class(units, return_sequences=True),
            keras.layers.Dense(vocab, activation="softmax"),
        ]
    )
    model.compile(optimizer=keras.optimizers.Adam(lr), loss="sparse_categorical_crossentropy")
    history = model.fit(
        x_train, y_train, sample_weight=mask_train, epochs=epochs, batch_size=batch_size, verbose=0
    )
    nll = masked_nll_per_token(model.predict(x_test, verbose=0), y_test, mask_test)
    return model, history, nll
