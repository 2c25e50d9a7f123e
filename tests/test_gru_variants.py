"""rnn_utils.scratch.gru_variants: the simplified GRU and the reset-after GRU, against Keras."""

import numpy as np
import pytest

import rnn_utils  # noqa: F401  (quiet TensorFlow before it loads)
from rnn_utils.scratch import gru_forward, init_params, to_keras_weights
from rnn_utils.scratch.core import CELL_KEYS
from rnn_utils.scratch.gru import gru_step
from rnn_utils.scratch.gru_variants import (
    gru_reset_after_step,
    keras_gru_weights,
    simplified_as_full,
    simplified_gru_step,
    variant_forward,
)

N_X, N_A = 3, 5


def _full(seed=0):
    p = init_params("gru", N_X, N_A, 2, seed=seed, scale=0.8)
    p = {k: p[k] for k in CELL_KEYS["gru"]}
    rng = np.random.default_rng(seed + 10)
    return {**p, "bu": rng.normal(size=N_A), "br": rng.normal(size=N_A)}


def _x(m=4, T=7, seed=1):
    return np.random.default_rng(seed).normal(size=(m, T, N_X))


def _keras_states(params, reset_after, x, ours):
    import keras

    from rnn_utils.layers import GRU

    cls = GRU if ours else keras.layers.GRU
    layer = cls(N_A, return_sequences=True, reset_after=reset_after, dtype="float64")
    layer.build(x.shape)
    layer.set_weights(keras_gru_weights(params, reset_after))
    return np.asarray(layer(x))


def _simple(seed=0):
    return {k: _full(seed)[k] for k in ("Wu", "bu", "Wc", "bc")}


def _reset_after_params(seed=0):
    return {**_full(seed), "bc_rec": np.random.default_rng(seed + 20).normal(size=N_A)}


@pytest.mark.parametrize("ours", [True, False])
def test_reset_after_form_equals_keras_reset_after_true(ours):
    params, x = _reset_after_params(), _x()
    mine = variant_forward(gru_reset_after_step, x, np.zeros((4, N_A)), params)
    assert np.max(np.abs(mine - _keras_states(params, True, x, ours))) < 1e-12


@pytest.mark.parametrize("ours", [True, False])
def test_seed_form_equals_keras_reset_after_false(ours):
    params, x = _full(), _x()
    mine = variant_forward(lambda xt, a, p: gru_step(xt, a, p)[0], x, np.zeros((4, N_A)), params)
    assert np.max(np.abs(mine - _keras_states(params, False, x, ours))) < 1e-12
    with_output = {**params, "Wy": np.zeros((2, N_A)), "by": np.zeros(2)}
    assert np.allclose(mine, gru_forward(x, np.zeros((4, N_A)), with_output)[0])


def test_the_two_forms_are_different_functions_unless_the_reset_gate_is_open():
    params, x = _full(), _x()
    after = {**params, "bc_rec": np.zeros(N_A)}
    a0 = np.zeros((4, N_A))
    before = variant_forward(lambda xt, a, p: gru_step(xt, a, p)[0], x, a0, params)
    assert np.max(np.abs(before - variant_forward(gru_reset_after_step, x, a0, after))) > 1e-2
    open_gate = {**params, "Wr": np.zeros_like(params["Wr"]), "br": np.full(N_A, 60.0)}
    same = variant_forward(lambda xt, a, p: gru_step(xt, a, p)[0], x, a0, open_gate)
    other = variant_forward(gru_reset_after_step, x, a0, {**open_gate, "bc_rec": np.zeros(N_A)})
    assert np.max(np.abs(same - other)) < 1e-12


def test_simplified_gru_is_the_full_gru_with_the_reset_gate_pinned_open():
    full = _full()
    simple = _simple()
    x, a0 = _x(), np.zeros((4, N_A))
    mine = variant_forward(simplified_gru_step, x, a0, simple)
    pinned = simplified_as_full(simple)
    via_full = variant_forward(lambda xt, a, p: gru_step(xt, a, p)[0], x, a0, pinned)
    assert np.max(np.abs(mine - via_full)) < 1e-11
    assert not np.allclose(
        mine, variant_forward(lambda xt, a, p: gru_step(xt, a, p)[0], x, a0, full)
    )


def test_keras_weights_of_the_seed_form_match_to_keras_weights():
    params = _full()
    ours = keras_gru_weights(params, reset_after=False)
    reference = to_keras_weights("gru", params)["rnn"]
    assert all(np.array_equal(a, b) for a, b in zip(ours, reference, strict=True))
    bias = keras_gru_weights({**params, "bc_rec": np.ones(N_A)}, True)[2]
    assert bias.shape == (2, 3 * N_A) and np.all(bias[1, : 2 * N_A] == 0)
    assert np.all(bias[1, 2 * N_A :] == 1) and np.allclose(bias[0, :N_A], -params["bu"])


@pytest.mark.parametrize(
    "call, message",
    [
        (
            lambda: simplified_gru_step(np.ones((1, N_X)), np.zeros((1, N_A)), _full()),
            "exactly the keys",
        ),
        (lambda: keras_gru_weights(_full(), True), "exactly the keys"),
        (
            lambda: gru_reset_after_step(
                np.ones((1, N_X + 1)), np.zeros((1, N_A)), _reset_after_params()
            ),
            r"xt has shape \(1, 4\); expected \(m, n_x\)",
        ),
        (
            lambda: simplified_gru_step(np.ones((2, N_X)), np.zeros((1, N_A)), _simple()),
            r"c_prev has shape \(1, 5\)",
        ),
        (
            lambda: variant_forward(simplified_gru_step, np.ones((2, N_X)), np.zeros((2, N_A)), {}),
            "expected x",
        ),
        (
            lambda: simplified_as_full(
                {"Wu": np.zeros((2, 2)), "bu": np.zeros(2), "Wc": 0, "bc": 0}
            ),
            "must be",
        ),
    ],
)
def test_bad_input_raises_a_clear_error(call, message):
    with pytest.raises(ValueError, match=message):
        call()
