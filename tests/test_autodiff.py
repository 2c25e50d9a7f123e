"""rnn_utils.autodiff: the same gradients on TensorFlow (here) and JAX (in a subprocess)."""

import importlib.util
import os
import subprocess
import sys

import keras
import numpy as np
import pytest

from rnn_utils.autodiff import value_and_gradients, value_and_weight_gradients, weight_gradients_fn
from rnn_utils.layers import LSTM


def test_gradients_of_a_function_of_tensors_match_the_analytic_ones():
    a = np.array([[1.0, -2.0], [0.5, 3.0]])
    b = np.array([2.0, -1.0])
    value, (da, db, unused) = value_and_gradients(
        lambda a, b, c: keras.ops.sum(keras.ops.tanh(keras.ops.matmul(a, b))), a, b, np.ones(3)
    )
    z = a @ b
    assert value == pytest.approx(np.tanh(z).sum())
    np.testing.assert_allclose(da, np.outer(1 - np.tanh(z) ** 2, b), rtol=1e-12)
    np.testing.assert_allclose(db, a.T @ (1 - np.tanh(z) ** 2), rtol=1e-12)
    assert np.array_equal(unused, np.zeros(3)), "an input the value ignores gets zeros"


def test_weight_gradients_match_central_differences_and_leave_the_weights_alone():
    rng = np.random.default_rng(0)
    model = keras.Sequential([keras.Input((3, 2)), LSTM(4), keras.layers.Dense(1)])
    model.build((None, 3, 2))
    model.set_weights([rng.normal(size=w.shape) * 0.5 for w in model.get_weights()])
    x = rng.normal(size=(5, 3, 2)).astype("float32")
    before = [w.copy() for w in model.get_weights()]

    def loss():
        return keras.ops.mean(model(x) ** 2)

    value, grads = value_and_weight_gradients(loss, model.trainable_variables)
    assert all(np.array_equal(w, v) for w, v in zip(before, model.get_weights(), strict=True))
    assert value == pytest.approx(float(loss()), rel=1e-6)
    bias = model.trainable_variables[-1]  # the Dense bias: d loss / d b = mean(2 y)
    expected = float(np.mean(2 * keras.ops.convert_to_numpy(model(x))))
    assert grads[-1].item() == pytest.approx(expected, rel=1e-5)
    assert [g.shape for g in grads] == [tuple(v.shape) for v in model.trainable_variables]
    assert bias.path.endswith("bias")


# Run here on TensorFlow and in the JAX subprocess below (where the function is compiled once).
REUSED_FN_CHECK = """
rng = np.random.default_rng(1)
model = keras.Sequential([keras.Input((4, 3)), LSTM(5), keras.layers.Dense(2)])
x = rng.normal(size=(6, 4, 3)).astype("float32")
loss = lambda: keras.ops.mean(model(x) ** 2)
loss_and_grads = weight_gradients_fn(loss, model.trainable_variables)
values = []
for step in range(3):  # each call differentiates at the weights the last update assigned
    value, grads = loss_and_grads()
    expected_value, expected = value_and_weight_gradients(loss, model.trainable_variables)
    assert abs(value - expected_value) < 1e-6 * max(1.0, expected_value), (value, expected_value)
    for g, e in zip(grads, expected, strict=True):
        assert np.abs(g - e).max() < 1e-5, np.abs(g - e).max()
    for v, g in zip(model.trainable_variables, grads, strict=True):
        v.assign(keras.ops.convert_to_numpy(v.value) - 0.1 * g)
    values.append(value)
assert values[0] > values[1] > values[2], values  # gradient descent: the weights moved
"""


def test_the_reusable_gradient_function_follows_the_weights():
    names = {"np": np, "keras": keras, "LSTM": LSTM, "weight_gradients_fn": weight_gradients_fn}
    exec(REUSED_FN_CHECK, names | {"value_and_weight_gradients": value_and_weight_gradients})


def test_a_stateful_layer_carries_its_state_inside_but_keeps_its_stored_state():
    layer = LSTM(3, stateful=True, return_sequences=True)
    x1, x2 = (np.full((1, 4, 2), v, "float32") for v in (0.5, -0.5))
    layer(x1)
    layer.reset_state()

    def last(x1, x2):
        with keras.StatelessScope():
            layer(x1)
            return keras.ops.sum(layer(x2)[0, -1])

    value, (d1, d2) = value_and_gradients(last, x1, x2)
    assert np.all(d1 == 0) and np.any(d2 != 0), "the gradient stops at the chunk border"
    carried = keras.ops.convert_to_numpy(keras.ops.sum(layer(x2)[0, -1]))  # from zero state
    assert value != pytest.approx(float(carried)), "the first chunk's state reached the second"
    assert all(np.all(keras.ops.convert_to_numpy(s) != 0) for s in layer.states)


def test_integer_inputs_are_refused_with_a_clear_error():
    with pytest.raises(TypeError, match="input 0 must be a floating-point array"):
        value_and_gradients(lambda x: keras.ops.sum(x), np.arange(3))
    with pytest.raises(ValueError, match="at least one input"):
        value_and_gradients(lambda: 0.0)


@pytest.mark.skipif(importlib.util.find_spec("jax") is None, reason="jax is not installed")
def test_the_same_gradients_on_jax():
    script = (
        "import numpy as np, keras\n"
        "from rnn_utils.autodiff import value_and_gradients\n"
        "a = np.array([[1.0, -2.0], [0.5, 3.0]]); b = np.array([2.0, -1.0])\n"
        "f = lambda a, b: keras.ops.sum(keras.ops.tanh(keras.ops.matmul(a, b)))\n"
        "v, (da, db) = value_and_gradients(f, a, b)\n"
        "s = 1 - np.tanh(a @ b) ** 2\n"
        "# JAX computes in float32 here: 1 - tanh^2 near saturation keeps ~4 digits\n"
        "assert np.allclose(da, np.outer(s, b), rtol=1e-3)\n"
        "assert np.allclose(db, a.T @ s, rtol=1e-3)\n"
        "from rnn_utils.autodiff import value_and_weight_gradients, weight_gradients_fn\n"
        "from rnn_utils.layers import LSTM\n"
        + REUSED_FN_CHECK
        + "import doctest, rnn_utils.autodiff as m\n"
        "assert doctest.testmod(m).failed == 0\n"
        "print('backend', keras.backend.backend())\n"
    )
    env = {**os.environ, "KERAS_BACKEND": "jax"}
    result = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "backend jax" in result.stdout
