"""Tests for the cells of rnn_utils.layers: Keras weight layout, keras.layers.RNN, peepholes."""

import _layer_helpers as h
import keras
import numpy as np
import pytest
import tensorflow as tf

from rnn_utils.layers import LSTM, GRUCell, LSTMCell, SimpleRNNCell

CELLS = [
    (SimpleRNNCell, keras.layers.SimpleRNNCell, {}),
    (GRUCell, keras.layers.GRUCell, {}),
    (GRUCell, keras.layers.GRUCell, {"reset_after": False}),
    (LSTMCell, keras.layers.LSTMCell, {}),
]


@pytest.mark.parametrize("ours, theirs, kwargs", CELLS)
def test_weight_names_and_shapes_match_keras(ours, theirs, kwargs):
    a, b = ours(5, **kwargs), theirs(5, **kwargs)
    a.build((None, 3)), b.build((None, 3))
    assert [(w.name, w.shape) for w in a.weights] == [(w.name, w.shape) for w in b.weights]
    assert a.state_size == b.state_size and a.output_size == b.output_size


def test_gru_bias_shapes():
    for reset_after, shape in [(True, (2, 12)), (False, (12,))]:
        cell = GRUCell(4, reset_after=reset_after)
        cell.build((None, 3))
        assert tuple(cell.bias.shape) == shape


def test_lstm_unit_forget_bias_initialisation():
    cell = LSTMCell(3)
    cell.build((None, 2))
    np.testing.assert_array_equal(np.asarray(cell.bias), [0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0])
    plain = LSTMCell(3, unit_forget_bias=False)
    plain.build((None, 2))
    assert not np.any(np.asarray(plain.bias))


@pytest.mark.parametrize("ours, theirs, kwargs", CELLS)
def test_cell_inside_keras_rnn_matches_builtin(ours, theirs, kwargs):
    rng = np.random.default_rng(2)
    x = rng.normal(size=(3, 6, 3)).astype("float32")
    mask = h.right_padded_mask(rng, 3, 6)
    a = keras.layers.RNN(ours(4, **kwargs), return_sequences=True, return_state=True)
    b = keras.layers.RNN(theirs(4, **kwargs), return_sequences=True, return_state=True)
    a(x), b(x)
    b.set_weights(h.random_weights(b, rng))
    a.set_weights(b.get_weights())
    err = h.max_abs_diff(a(x, mask=mask), b(x, mask=mask))
    assert h.record("output", err) <= 1e-5


def test_cell_config_round_trip():
    for cell in [SimpleRNNCell(3, activation="relu"), GRUCell(3, reset_after=False),
                 LSTMCell(3, peephole=True, unit_forget_bias=False)]:  # fmt: skip
        clone = type(cell).from_config(cell.get_config())
        assert clone.get_config() == cell.get_config()


# --- peephole LSTM (no Keras equivalent) ----------------------------------------------------
def _peephole_layer(rng, zero_peepholes=False, dtype="float32"):
    layer = LSTM(3, peephole=True, return_sequences=True, return_state=True, dtype=dtype)
    layer(np.zeros((1, 4, 2), dtype))
    weights = h.random_weights(layer, rng)
    if zero_peepholes:
        weights[3:] = [np.zeros_like(w) for w in weights[3:]]
    layer.set_weights(weights)
    return layer


def test_peephole_weights_are_zero_initialised_vectors():
    layer = LSTM(3, peephole=True)
    layer(np.zeros((1, 2, 2), "float32"))
    names = [w.name for w in layer.weights]
    assert names[3:] == ["peephole_input", "peephole_forget", "peephole_output"]
    assert all(w.shape == (3,) and not np.any(np.asarray(w)) for w in layer.weights[3:])


def test_peephole_with_zero_weights_is_the_plain_lstm():
    rng = np.random.default_rng(4)
    x = rng.normal(size=(2, 5, 2)).astype("float32")
    peep = _peephole_layer(rng, zero_peepholes=True)
    plain = LSTM(3, return_sequences=True, return_state=True)
    plain(x)
    plain.set_weights(peep.get_weights()[:3])
    assert h.max_abs_diff(peep(x), plain(x)) <= 1e-6
    peep.set_weights(peep.get_weights()[:3] + [np.full(3, 0.5, "float32")] * 3)
    assert h.max_abs_diff(peep(x), plain(x)) > 1e-3  # and the peepholes do matter


def test_peephole_gradient_check_float64():
    rng = np.random.default_rng(6)
    layer = _peephole_layer(rng, dtype="float64")
    x = tf.constant(rng.normal(size=(2, 4, 2)))
    probe = rng.normal(size=(2, 4, 3))

    def loss():
        seq, a_last, c_last = layer(x)
        return tf.reduce_sum(seq * probe) + tf.reduce_sum(c_last) + tf.reduce_sum(a_last**2)

    with tf.GradientTape() as tape:
        value = loss()
    grads = tape.gradient(value, [w.value for w in layer.weights])
    eps, worst = 1e-6, 0.0
    for var, grad in zip(layer.weights, grads, strict=True):
        flat = np.asarray(var).reshape(-1)
        for idx in rng.choice(flat.size, size=min(4, flat.size), replace=False):
            original = flat.copy()
            for sign in (+1, -1):
                shifted = original.copy()
                shifted[idx] += sign * eps
                var.assign(shifted.reshape(var.shape))
                if sign > 0:
                    up = float(loss())
                else:
                    down = float(loss())
            var.assign(original.reshape(var.shape))
            numeric = (up - down) / (2 * eps)
            analytic = float(np.asarray(grad).reshape(-1)[idx])
            worst = max(worst, abs(numeric - analytic) / max(1.0, abs(numeric)))
    assert worst < 1e-7, f"peephole LSTM gradient check: relative error {worst}"
