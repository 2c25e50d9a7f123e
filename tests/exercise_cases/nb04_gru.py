"""Right and planted wrong answers for notebook 04's exercise checks."""

from __future__ import annotations

import numpy as np

from exercise_cases import Case, Planted
from rnn_utils.exercises import nb04_gru as checks


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


# --------------------------------------------------------------------------- reset before


def reset_before(xt, a_prev, p, gate=sigmoid, swap=False, where="before", order="ax", wu_t=False):
    n_a = a_prev.shape[1]
    both = np.concatenate([a_prev, xt] if order == "ax" else [xt, a_prev], axis=1)
    update = gate(both @ (p["Wu"] if wu_t else p["Wu"].T) + p["bu"])
    reset = sigmoid(both @ p["Wr"].T + p["br"])
    if where == "before":
        reset_input = np.concatenate(
            [reset * a_prev, xt] if order == "ax" else [xt, reset * a_prev], axis=1
        )
        candidate = np.tanh(reset_input @ p["Wc"].T + p["bc"])
    elif where == "after":
        candidate = np.tanh(
            xt @ p["Wc"][:, n_a:].T + reset * (a_prev @ p["Wc"][:, :n_a].T) + p["bc"]
        )
    else:  # no reset gate at all
        candidate = np.tanh(both @ p["Wc"].T + p["bc"])
    if swap:
        return update * a_prev + (1 - update) * candidate
    return update * candidate + (1 - update) * a_prev


# --------------------------------------------------------------------------- reset after


def reset_after(xt, a_prev, p, gate_u=sigmoid, gate_r=sigmoid, swap=False, bias="in", before=False):
    n_a = a_prev.shape[1]
    both = np.concatenate([a_prev, xt], axis=1)
    update = gate_u(both @ p["Wu"].T + p["bu"])
    reset = gate_r(both @ p["Wr"].T + p["br"])
    w_cc, w_cx = p["Wc"][:, :n_a], p["Wc"][:, n_a:]
    if before:  # the precedence slip: reset * a_prev @ w_cc.T is (reset * a_prev) @ w_cc.T
        recurrent = reset * a_prev @ w_cc.T + reset * p["bc_rec"]
    elif bias == "in":
        recurrent = reset * (a_prev @ w_cc.T + p["bc_rec"])
    elif bias == "out":
        recurrent = reset * (a_prev @ w_cc.T) + p["bc_rec"]
    else:
        recurrent = reset * (a_prev @ w_cc.T)
    candidate = np.tanh(xt @ w_cx.T + p["bc"] + recurrent)
    if swap:
        return (1 - update) * candidate + update * a_prev
    return update * candidate + (1 - update) * a_prev


# --------------------------------------------------------------------------- parameter count


def param_count(n_x, n_a, reset_after):
    per_block = n_a * (n_a + n_x) + n_a * (2 if reset_after else 1)
    return 3 * per_block


def param_count_no_bias(n_x, n_a, reset_after):
    return 3 * n_a * (n_a + n_x)


def param_count_one_row(n_x, n_a, reset_after):
    return 3 * n_a * (n_a + n_x + 1)


def param_count_two_gates(n_x, n_a, reset_after):
    return 2 * n_a * (n_a + n_x + (2 if reset_after else 1))


def param_count_swapped(n_x, n_a, reset_after):
    return param_count(n_a, n_x, reset_after)


def param_count_as_text(n_x, n_a, reset_after):
    return str(param_count(n_x, n_a, reset_after))


# --------------------------------------------------------------------------- update gate


def update_gate_backward(da_next, cache, slope="right", sign=1, inputs="concat", mean=False):
    gate_u, c_tilde, a_prev = cache["gate_u"], cache["c_tilde"], cache["a_prev"]
    d_gamma = sign * da_next * (c_tilde - a_prev)
    if slope == "right":
        dz = d_gamma * gate_u * (1 - gate_u)
    elif slope == "tanh":
        dz = d_gamma * (1 - gate_u**2)
    else:
        dz = d_gamma * gate_u
    return {
        "gamma_u": d_gamma,
        "Wu": dz.T @ cache[inputs],
        "bu": dz.mean(axis=0) if mean else dz.sum(axis=0),
    }


def update_gate_transposed(da_next, cache):
    grads = update_gate_backward(da_next, cache)
    return grads | {"Wu": grads["Wu"].T}


def update_gate_forgets_old(da_next, cache):
    gate_u = cache["gate_u"]
    d_gamma = da_next * cache["c_tilde"]
    dz = d_gamma * gate_u * (1 - gate_u)
    return {"gamma_u": d_gamma, "Wu": dz.T @ cache["concat"], "bu": dz.sum(axis=0)}


CASES = [
    Case(
        checks.check_gru_step_reset_before,
        reset_before,
        [
            Planted(
                "tanh in Γ_u",
                lambda x, a, p: reset_before(x, a, p, gate=np.tanh),
                "tanh where sigmoid belongs in Γ_u",
            ),
            Planted(
                "Γ_u roles swapped", lambda x, a, p: reset_before(x, a, p, swap=True), "swapped"
            ),
            Planted(
                "reset after the matmul",
                lambda x, a, p: reset_before(x, a, p, where="after"),
                "after the matmul",
            ),
            Planted(
                "no reset", lambda x, a, p: reset_before(x, a, p, where="none"), "Γ_r is left out"
            ),
            Planted(
                "[x, a]",
                lambda x, a, p: reset_before(x, a, p, order="xa"),
                r"\[x<t>, a<t-1>\] instead",
            ),
            Planted(
                "W_u not transposed",
                lambda x, a, p: reset_before(x, a, p, wu_t=True),
                r"raised ValueError.*W_u has shape",
            ),
        ],
    ),
    Case(
        checks.check_gru_step_reset_after,
        reset_after,
        [
            Planted(
                "tanh in Γ_u",
                lambda x, a, p: reset_after(x, a, p, gate_u=np.tanh),
                "tanh where sigmoid belongs in Γ_u",
            ),
            Planted(
                "tanh in Γ_r",
                lambda x, a, p: reset_after(x, a, p, gate_r=np.tanh),
                "tanh where sigmoid belongs in Γ_r",
            ),
            Planted(
                "Γ_u roles swapped", lambda x, a, p: reset_after(x, a, p, swap=True), "swapped"
            ),
            Planted(
                "reset before the matmul",
                lambda x, a, p: reset_after(x, a, p, before=True),
                "before the matmul",
            ),
            Planted(
                "b'_c outside",
                lambda x, a, p: reset_after(x, a, p, bias="out"),
                "outside the product",
            ),
            Planted("b'_c missing", lambda x, a, p: reset_after(x, a, p, bias="none"), "left out"),
        ],
    ),
    Case(
        checks.check_gru_param_count,
        param_count,
        [
            Planted("no biases", param_count_no_bias, "biases are left out"),
            Planted("one bias row", param_count_one_row, "one bias row here"),
            Planted("two blocks", param_count_two_gates, "two blocks"),
            Planted("n_x and n_a swapped", param_count_swapped, "swapped"),
            Planted("a string", param_count_as_text, "a number"),
        ],
    ),
    Case(
        checks.check_update_gate_backward,
        update_gate_backward,
        [
            Planted(
                "tanh' for σ'",
                lambda d, c: update_gate_backward(d, c, slope="tanh"),
                "tanh's derivative",
            ),
            Planted(
                "σ for σ'",
                lambda d, c: update_gate_backward(d, c, slope="sigma"),
                "written Γ_u instead",
            ),
            Planted(
                "roles swapped",
                lambda d, c: update_gate_backward(d, c, sign=-1),
                "roles of Γ_u and 1 - Γ_u",
            ),
            Planted(
                "candidate's input",
                lambda d, c: update_gate_backward(d, c, inputs="concat_reset"),
                "candidate's input",
            ),
            Planted(
                "db_u averaged", lambda d, c: update_gate_backward(d, c, mean=True), "averaged"
            ),
            Planted("dW_u transposed", update_gate_transposed, r"dW_u .*looks transposed"),
            Planted("old state forgotten", update_gate_forgets_old, "is forgotten"),
        ],
    ),
]
