"""The five architecture types of notebook 01 as tiny Keras models on ``rnn_utils`` layers.

One home for the models the notebook builds and its quiz experiments measure; the diagrams of
the same types are drawn by :mod:`rnn_utils.plots.diagrams`.
"""

import keras

from rnn_utils.layers import SimpleRNN
from rnn_utils.plots.diagrams import ARCHITECTURE_KINDS


def build_tiny_model(kind, T_x, T_y, n_x=10, n_y=4, units=8):
    """A small, untrained model of one architecture type.

    Args:
        kind: one of ``rnn_utils.plots.diagrams.ARCHITECTURE_KINDS``.
        T_x, T_y: input and output lengths (1 where the type has no sequence).
        n_x, n_y: sizes of x<t> and ŷ<t>. units: n_a.

    Returns:
        A ``keras.Model``. The encoder-decoder takes two inputs: the source x<1..T_x> and the
        previous outputs y<0..T_y-1> that its decoder reads.

    Example:
    >>> tuple(build_tiny_model("many-to-many", T_x=5, T_y=5).output_shape)
    (None, 5, 4)
    """
    if kind not in ARCHITECTURE_KINDS:
        raise ValueError(f"kind must be one of {ARCHITECTURE_KINDS}, got {kind!r}")
    if kind == "one-to-one":
        x_in = keras.Input((n_x,))
        return keras.Model(x_in, keras.layers.Dense(n_y)(x_in), name=kind)
    if kind == "one-to-many":
        x_in = keras.Input((n_x,))
        steps = keras.layers.RepeatVector(T_y)(x_in)  # the single x fed to all T_y steps
        a = SimpleRNN(units, return_sequences=True)(steps)
        return keras.Model(x_in, keras.layers.Dense(n_y)(a), name=kind)
    x_in = keras.Input((T_x, n_x))
    if kind == "many-to-one":
        a_last = SimpleRNN(units)(x_in)  # only a<T_x>
        return keras.Model(x_in, keras.layers.Dense(n_y)(a_last), name=kind)
    if kind == "many-to-many":
        a = SimpleRNN(units, return_sequences=True)(x_in)  # a<1..T_x>
        return keras.Model(x_in, keras.layers.Dense(n_y)(a), name=kind)
    # encoder-decoder: the encoder's last state starts the decoder
    _, a_encoder = SimpleRNN(units, return_state=True)(x_in)
    y_previous = keras.Input((T_y, n_y))  # the decoder reads y<0..T_y-1>
    a = SimpleRNN(units, return_sequences=True)(y_previous, initial_state=[a_encoder])
    return keras.Model([x_in, y_previous], keras.layers.Dense(n_y)(a), name=kind)
