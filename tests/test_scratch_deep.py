"""The NumPy deep RNN (rnn_utils.scratch.deep): Keras equivalence, gradient check, bad input."""

import numpy as np
import pytest

import rnn_utils  # noqa: F401  (quiet TensorFlow before it loads)
from rnn_utils.scratch import gradient_check, loss_and_grads, state_gradient_norms
from rnn_utils.scratch.deep import (
    deep_forward,
    deep_loss_and_grads,
    deep_state_gradient_norms,
    deep_to_keras_weights,
    init_deep_params,
)

KINDS = ("rnn", "gru", "lstm")


def _keras_stack(kind, n_x, units, n_y, bidirectional=False, ours=False, residual=False):
    import keras

    from rnn_utils import layers as ours_layers

    lib = ours_layers if ours else keras.layers
    cls = {"rnn": lib.SimpleRNN, "gru": lib.GRU, "lstm": lib.LSTM}[kind]
    extra = {"reset_after": False} if kind == "gru" else {}

    def make(n):
        layer = cls(n, return_sequences=True, **extra)
        return lib.Bidirectional(layer) if bidirectional else layer

    rnn = [make(n) for n in units]
    if ours:
        rnn = [ours_layers.DeepRNN(layers=rnn, return_sequences=True, residual=residual)]
    model = keras.Sequential([keras.Input((None, n_x)), *rnn, keras.layers.Dense(n_y, "softmax")])
    return model


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("bidirectional", [False, True])
def test_numpy_stack_equals_keras_and_deep_rnn(kind, bidirectional):
    params = init_deep_params(kind, 3, [4, 5], 2, seed=1, bidirectional=bidirectional)
    x = np.random.default_rng(0).normal(size=(2, 6, 3))
    _, y_hat = deep_forward(kind, x, params)
    for ours in (False, True):
        model = _keras_stack(kind, 3, [4, 5], 2, bidirectional, ours=ours)
        model.set_weights(deep_to_keras_weights(kind, params))
        out = np.asarray(model(x.astype("float32")))
        assert np.abs(out - y_hat).max() < 1e-5


def test_residual_stack_equals_deep_rnn_residual():
    params = init_deep_params("gru", 4, [4, 4, 4], 3, seed=2)
    x = np.random.default_rng(1).normal(size=(2, 5, 4))
    acts_res, y_res = deep_forward("gru", x, params, residual=True)
    acts, _ = deep_forward("gru", x, params)
    assert np.abs(acts_res[0] - acts[0] - x).max() < 1e-12  # n_x = n_a: layer 1 is residual too
    model = _keras_stack("gru", 4, [4, 4, 4], 3, ours=True, residual=True)
    model.set_weights(deep_to_keras_weights("gru", params))
    assert np.abs(np.asarray(model(x.astype("float32"))) - y_res).max() < 1e-5


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(
    "bidirectional, residual", [(False, False), (True, False), (False, True), (True, True)]
)
def test_gradients_match_central_differences(kind, bidirectional, residual):
    params = init_deep_params(kind, 3, [3, 3], 2, seed=3, bidirectional=bidirectional)
    rng = np.random.default_rng(2)
    x, y = rng.normal(size=(2, 4, 3)), rng.integers(0, 2, size=(2, 4))
    mask = np.array([[1, 1, 1, 0], [1, 1, 1, 1]])

    def f(p):
        return deep_loss_and_grads(kind, x, y, p, mask=mask, residual=residual)

    assert max(gradient_check(f, params, max_entries=6).values()) < 1e-6


@pytest.mark.parametrize("kind", KINDS)
def test_one_layer_stack_equals_single_layer_bptt(kind):
    deep = init_deep_params(kind, 3, [4], 2, seed=4)
    flat = {key.replace("[1]", ""): value for key, value in deep.items()}
    rng = np.random.default_rng(3)
    x, y = rng.normal(size=(2, 5, 3)), rng.integers(0, 2, size=(2, 5))
    loss_deep, grads_deep = deep_loss_and_grads(kind, x, y, deep)
    loss, grads = loss_and_grads(kind, x, y, np.zeros((2, 4)), flat)
    assert np.isclose(loss_deep, loss)
    for key, value in grads_deep.items():
        assert np.allclose(value, grads[key.replace("[1]", "")])


@pytest.mark.parametrize("kind", KINDS)
def test_padded_steps_are_skipped_in_both_directions(kind):
    """Notebook 06's lesson, for a stack: a padded row gives what the row gives alone."""
    rng = np.random.default_rng(5)
    params = init_deep_params(kind, 3, [4, 3], 2, seed=5, bidirectional=True)
    params = {k: v + rng.normal(scale=0.3, size=v.shape) for k, v in params.items()}  # biases too
    x, y = rng.normal(size=(2, 6, 3)), rng.integers(0, 2, size=(2, 6))
    mask = np.array([[1, 1, 1, 1, 0, 0], [1, 1, 1, 1, 1, 1]])
    _, y_hat = deep_forward(kind, x, params, mask=mask)
    _, alone = deep_forward(kind, x[:1, :4], params)
    assert np.abs(y_hat[0, :4] - alone[0]).max() < 1e-12
    _, unmasked = deep_forward(kind, x, params)
    assert np.abs(unmasked[0, :4] - alone[0]).max() > 1e-3  # the backward copies read the pads
    loss, _ = deep_loss_and_grads(kind, x, y, params, mask=mask)
    first, _ = deep_loss_and_grads(kind, x[:1, :4], y[:1, :4], params)
    second, _ = deep_loss_and_grads(kind, x[1:], y[1:], params)
    assert np.isclose(loss, (first + second) / 2)


@pytest.mark.parametrize("kind", KINDS)
def test_one_layer_state_gradient_norms_equal_single_layer_bptt(kind):
    deep = init_deep_params(kind, 3, [4], 2, seed=1)
    flat = {key.replace("[1]", ""): value for key, value in deep.items()}
    x = np.random.default_rng(0).normal(size=(2, 6, 3))
    expected = state_gradient_norms(kind, x, np.zeros((2, 4)), flat, t_loss=3)
    assert np.allclose(deep_state_gradient_norms(kind, x, deep, t_loss=3)[0, :4], expected)


def test_state_gradient_norms_shape_and_zeros_after_the_loss_step():
    params = init_deep_params("rnn", 2, [3, 3, 3], 2)
    norms = deep_state_gradient_norms("rnn", np.ones((2, 6, 2)), params, t_loss=3)
    assert norms.shape == (3, 6)
    assert np.all(norms[:, 4:] == 0) and np.all(norms[:, :4] > 0)
    with pytest.raises(ValueError, match="t_loss"):
        deep_state_gradient_norms("rnn", np.ones((2, 6, 2)), params, t_loss=6)


def test_bad_input_raises_clear_errors():
    params = init_deep_params("rnn", 3, [4, 5], 2)
    x = np.ones((2, 6, 3))
    with pytest.raises(ValueError, match=r"expected \(m, T_x, n_x\)"):
        deep_forward("rnn", np.ones((2, 6, 4)), params)
    with pytest.raises(ValueError, match="unexpected key"):
        deep_forward("rnn", x, {**params, "Waa": params["Waa[1]"]})
    with pytest.raises(ValueError, match="layer 2 reads"):
        deep_forward("rnn", x, {**params, "Wax[2]": np.ones((5, 3))})
    with pytest.raises(ValueError, match="without gaps"):
        deep_forward("rnn", x, {k.replace("[2]", "[3]"): v for k, v in params.items()})
    with pytest.raises(ValueError, match="output layer"):
        deep_forward("rnn", x, {k: v for k, v in params.items() if k != "by"})
    with pytest.raises(ValueError, match="Wya"):
        deep_forward("rnn", x, {**params, "Wya": np.ones((2, 4))})
    with pytest.raises(ValueError, match="non-empty list"):
        init_deep_params("rnn", 3, [], 2)
    with pytest.raises(ValueError, match="kind"):
        deep_forward("cnn", x, params)
