"""``scratch.lstm.lstm_gate_gradients``: the first half of one LSTM step's backward pass.

It returns dL/dc<t> in total and the gradient on each gate's pre-activation; the checks of
notebook 05's backward exercise compare against it, and ``lstm_cell_backward`` is built on it.
"""

import numpy as np

from rnn_utils.scratch import init_params, lstm_cell_backward, lstm_cell_forward
from rnn_utils.scratch.lstm import lstm_gate_gradients

N_X, N_A, N_Y = 2, 4, 3


def _problem(m, seed=0):
    rng = np.random.default_rng(seed)
    params = init_params("lstm", N_X, N_A, N_Y, seed=seed)
    params |= {key: rng.normal(size=N_A) for key in ("bf", "bu", "bc", "bo")}
    xt, a_prev, c_prev = rng.normal(size=(m, N_X)), *rng.uniform(-1, 1, size=(2, m, N_A))
    da_next, dc_next = rng.normal(size=(2, m, N_A))
    return params, xt, a_prev, c_prev, da_next, dc_next


def _loss(params, xt, a_prev, c_prev, da_next, dc_next):
    """A scalar whose gradients on a<t> and c<t> are da_next and dc_next."""
    a_next, c_next, _, _ = lstm_cell_forward(xt, a_prev, c_prev, params)
    return float(np.sum(da_next * a_next) + np.sum(dc_next * c_next))


def test_gate_gradients_match_central_differences_of_the_biases():
    # one example: the gradient on a gate's pre-activation is the gradient on its bias
    params, xt, a_prev, c_prev, da_next, dc_next = _problem(m=1)
    cache = lstm_cell_forward(xt, a_prev, c_prev, params)[3]
    gates = lstm_gate_gradients(da_next, dc_next, cache)
    eps = 1e-6
    for g in "fuco":
        numeric = np.empty(N_A)
        for i in range(N_A):
            shifted = [
                {**params, "b" + g: params["b" + g] + s * eps * np.eye(N_A)[i]} for s in (1, -1)
            ]
            plus, minus = (_loss(p, xt, a_prev, c_prev, da_next, dc_next) for p in shifted)
            numeric[i] = (plus - minus) / (2 * eps)
        np.testing.assert_allclose(gates["dz_" + g][0], numeric, rtol=1e-6, atol=1e-9)


def test_total_cell_gradient_adds_the_path_through_a():
    params, xt, a_prev, c_prev, da_next, dc_next = _problem(m=3, seed=1)
    cache = lstm_cell_forward(xt, a_prev, c_prev, params)[3]
    gates = lstm_gate_gradients(da_next, dc_next, cache)
    through_a = da_next * cache["gate_o"] * (1 - cache["tanh_c"] ** 2)
    np.testing.assert_allclose(gates["dc"], dc_next + through_a, rtol=1e-12)
    without_a = lstm_gate_gradients(np.zeros_like(da_next), dc_next, cache)
    np.testing.assert_allclose(without_a["dc"], dc_next, rtol=1e-12)
    assert np.all(without_a["dz_o"] == 0.0)  # Γ_o only reaches the loss through a<t>


def test_cell_backward_is_built_on_the_gate_gradients():
    params, xt, a_prev, c_prev, da_next, dc_next = _problem(m=3, seed=2)
    cache = lstm_cell_forward(xt, a_prev, c_prev, params)[3]
    gates = lstm_gate_gradients(da_next, dc_next, cache)
    grads = lstm_cell_backward(da_next, dc_next, cache)
    for g in "fuco":
        np.testing.assert_allclose(grads["b" + g], gates["dz_" + g].sum(axis=0), rtol=1e-12)
        np.testing.assert_allclose(grads["W" + g], gates["dz_" + g].T @ cache["concat"], rtol=1e-12)
    np.testing.assert_allclose(grads["c_prev"], gates["dc"] * cache["gate_f"], rtol=1e-12)
