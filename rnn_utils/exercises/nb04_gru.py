"""Checks of notebook 04's exercises: the GRU step in both forms, its size, and the gradients
of its update gate.

Each ``check_*`` calls the learner's function on inputs of its own (m = 3 examples, n_x = 4,
n_a = 5; a non-zero a<t-1> and non-zero biases) and compares the result with the course's code:
:func:`rnn_utils.scratch.gru_cell_forward` (seed 003's reset-before form),
:func:`rnn_utils.scratch.gru_variants.gru_reset_after_step` (Keras's default form),
:func:`rnn_utils.depth.layer_param_count` and :func:`rnn_utils.scratch.gru_cell_backward`. The
usual mistakes are recomputed, where possible by the same functions on altered parameters
(Γ_u's weights negated swap the roles of Γ_u and 1 − Γ_u), so that a wrong answer is told which
one it matches.
"""

from __future__ import annotations

import numpy as np

from rnn_utils import scratch
from rnn_utils.depth import layer_param_count
from rnn_utils.exercises import ExerciseError, call, expect_close, expect_shape, passed
from rnn_utils.scratch.gru_variants import gru_reset_after_step, simplified_gru_step

M, N_X, N_A = 3, 4, 5
STEP_HINT = "W_u has shape (n_a, n_a + n_x): [a<t-1>, x<t>] @ W_u.T is (m, n_a)"
TANH_U = "you use tanh where sigmoid belongs in Γ_u"
TANH_R = "you use tanh where sigmoid belongs in Γ_r"
SWAPPED = "Γ_u and 1 - Γ_u are swapped (Γ_u weights a<t-1>, as Keras's z does, not c̃<t>)"
RESET_BEFORE = "Γ_r multiplies a<t-1> before the matmul (r * a @ W is (r * a) @ W in Python)"


def _inputs():
    """x<t> (m, n_x), a<t-1> (m, n_a) and GRU parameters with non-zero biases and b'_c."""
    rng = np.random.default_rng(0)
    full = scratch.init_params("gru", N_X, N_A, 2, seed=1)
    p = {key: full[key] for key in scratch.CELL_KEYS["gru"]}
    p |= {key: 0.5 * rng.normal(size=N_A) for key in ("bu", "br", "bc", "bc_rec")}
    return rng.normal(size=(M, N_X)), rng.uniform(-0.9, 0.9, size=(M, N_A)), p


def _without(p, *keys):
    return {key: value for key, value in p.items() if key not in keys}


def _update_gate_negated(p):
    """σ(−z) = 1 − σ(z): with W_u and b_u negated, Γ_u and 1 − Γ_u trade places."""
    return p | {"Wu": -p["Wu"], "bu": -p["bu"]}


def _input_first(p):
    """Weights that read [x<t>, a<t-1>] the way the right ones read [a<t-1>, x<t>]."""
    swap = {k: np.concatenate([p[k][:, N_X:], p[k][:, :N_X]], axis=1) for k in ("Wu", "Wr", "Wc")}
    return p | swap


def _step(xt, a_prev, p, reset="after", gate_u=scratch.sigmoid, gate_r=scratch.sigmoid, b="in"):
    """One GRU step with a mistake switched on. ``reset``: ``"before"`` (Γ_r * a<t-1>, then
    W_cc) or ``"after"`` (W_cc a<t-1>, then Γ_r); ``b``, where b'_c goes: ``"in"`` (scaled by
    Γ_r), ``"out"`` (added after it) or ``"none"``."""
    concat = np.concatenate([a_prev, xt], axis=1)
    gamma_u, gamma_r = gate_u(concat @ p["Wu"].T + p["bu"]), gate_r(concat @ p["Wr"].T + p["br"])
    w_cc, w_cx = p["Wc"][:, :N_A], p["Wc"][:, N_A:]
    b_in = p.get("bc_rec", 0.0) if b == "in" else 0.0
    if reset == "before":
        recurrent = (gamma_r * a_prev) @ w_cc.T + gamma_r * b_in
    else:
        recurrent = gamma_r * (a_prev @ w_cc.T + b_in)
    c_tilde = np.tanh(xt @ w_cx.T + p["bc"] + recurrent + (p["bc_rec"] if b == "out" else 0.0))
    return gamma_u * c_tilde + (1.0 - gamma_u) * a_prev


def _check_step(fn, p, expected, mistakes, reference):
    xt, a_prev, _ = _inputs()
    mine = call(fn, xt, a_prev, dict(p), hint=STEP_HINT)
    mine = expect_shape(mine, (M, N_A), "a<t>", "(m, n_a)")
    expect_close(mine, expected, "a<t>", mistakes, reference=reference)


# --------------------------------------------------------------------------- the two forms


def check_gru_step_reset_before(fn):
    """One step of the full GRU in seed 003's form: Γ_r * a<t-1> before the candidate's matmul."""
    xt, a_prev, p = _inputs()
    p = _without(p, "bc_rec")
    mistakes = [
        (TANH_U, _step(xt, a_prev, p, "before", gate_u=np.tanh)),
        (TANH_R, _step(xt, a_prev, p, "before", gate_r=np.tanh)),
        (SWAPPED, scratch.gru_cell_forward(xt, a_prev, _update_gate_negated(p))[0]),
        (
            "Γ_r is applied after the matmul, Γ_r * (W_cc a<t-1>), instead of before it",
            gru_reset_after_step(xt, a_prev, p | {"bc_rec": np.zeros(N_A)}),
        ),
        (
            "Γ_r is left out: c̃<t> reads a<t-1> itself",
            simplified_gru_step(xt, a_prev, _without(p, "Wr", "br")),
        ),
        (
            "the concatenation is [x<t>, a<t-1>] instead of [a<t-1>, x<t>]",
            scratch.gru_cell_forward(xt, a_prev, _input_first(p))[0],
        ),
    ]
    expected = scratch.gru_cell_forward(xt, a_prev, p)[0]
    _check_step(fn, p, expected, mistakes, "rnn_utils.scratch.gru_cell_forward")
    passed("your step equals rnn_utils.scratch.gru_cell_forward (the reset before the matmul)")


def check_gru_step_reset_after(fn):
    """One step of the reset-after GRU, Γ_r * (W_cc a<t-1> + b'_c): Keras's default form."""
    xt, a_prev, p = _inputs()
    mistakes = [
        (TANH_U, _step(xt, a_prev, p, gate_u=np.tanh)),
        (TANH_R, _step(xt, a_prev, p, gate_r=np.tanh)),
        (SWAPPED, gru_reset_after_step(xt, a_prev, _update_gate_negated(p))),
        (RESET_BEFORE, _step(xt, a_prev, p, "before")),
        (
            RESET_BEFORE + ", and b'_c is outside the product",
            _step(xt, a_prev, p, "before", b="out"),
        ),
        ("b'_c is added outside the product with Γ_r", _step(xt, a_prev, p, b="out")),
        ("b'_c (p['bc_rec']) is left out", _step(xt, a_prev, p, b="none")),
    ]
    expected = gru_reset_after_step(xt, a_prev, p)
    _check_step(fn, p, expected, mistakes, "rnn_utils.scratch.gru_variants.gru_reset_after_step")
    passed("your step equals gru_reset_after_step, one step of Keras's GRU(reset_after=True)")


# --------------------------------------------------------------------------- parameters

SIZES = [(2, 32), (27, 64), (7, 3)]  # (n_x, n_a)


def _counts(formula):
    """``formula(n_x, n_a, bias_rows)`` for every size, reset_after False then True."""
    return np.array([formula(n_x, n_a, rows) for rows in (1, 2) for n_x, n_a in SIZES], float)


def check_gru_param_count(fn):
    """Parameters of Keras's GRU layer in both forms, for three (n_x, n_a)."""
    mine = []
    for reset_after in (False, True):
        for n_x, n_a in SIZES:
            count = call(fn, n_x, n_a, reset_after, hint="return a number")
            if isinstance(count, bool) or not isinstance(count, int | float | np.number):
                raise ExerciseError(f"return the count, a number, got {type(count).__name__}")
            mine.append(count)
    expected = [
        layer_param_count("gru", n_x, n_a, reset_after=ra) for ra in (0, 1) for n_x, n_a in SIZES
    ]
    mistakes = [
        ("the biases are left out", _counts(lambda x, a, rows: 3 * a * (a + x))),
        (
            "reset_after=True has one bias row here, not two",
            _counts(lambda x, a, rows: 3 * a * (a + x + 1)),
        ),
        (
            "reset_after=False has two bias rows here, not one",
            _counts(lambda x, a, rows: 3 * a * (a + x + 2)),
        ),
        (
            "two blocks are counted, not three (Γ_u, Γ_r and c̃)",
            _counts(lambda x, a, rows: 2 * a * (a + x + rows)),
        ),
        ("n_x and n_a are swapped", _counts(lambda x, a, rows: 3 * x * (x + a + rows))),
        (
            "the recurrent weights (n_a × n_a per block) are left out",
            _counts(lambda x, a, rows: 3 * a * (x + rows)),
        ),
    ]
    label = "the count at (n_x, n_a) = (2, 32), (27, 64), (7, 3), reset_after=False then True"
    reference = "rnn_utils.depth.layer_param_count"
    expect_close(np.array(mine, float), expected, label, mistakes, atol=0.5, reference=reference)
    passed("your counts equal layer_param_count, and so Keras's count_params(), in both forms")


# --------------------------------------------------------------------------- the update gate


def _update_gate(da_next, cache, slope="σ(1 - σ)", sign=1.0, inputs="concat", keep_old=True):
    """dΓ_u, dW_u, db_u of one step with a mistake switched on (defaults: right)."""
    gate = cache["gate_u"]
    old = cache["a_prev"] if keep_old else 0.0
    d_gate = sign * da_next * (cache["c_tilde"] - old)
    derivative = {"σ(1 - σ)": gate * (1 - gate), "1 - σ²": 1 - gate**2, "σ": gate, "1": 1.0}
    dz = d_gate * derivative[slope]
    return {"gamma_u": d_gate, "Wu": dz.T @ cache[inputs], "bu": dz.sum(axis=0)}


REFERENCE = "rnn_utils.scratch.gru_cell_backward (dΓ_u: δa * (c̃<t> - a<t-1>))"


def check_update_gate_backward(fn):
    """dL/dΓ_u, dL/dW_u and dL/db_u of one full-GRU step, from dL/da<t> and the step's cache."""
    xt, a_prev, p = _inputs()
    _, _, cache = scratch.gru_cell_forward(xt, a_prev, _without(p, "bc_rec"))
    da_next = np.random.default_rng(1).normal(size=(M, N_A))
    mine = call(fn, da_next, cache, hint="dW_u = dz_uᵀ [a<t-1>, x<t>] has shape (n_a, n_a + n_x)")
    right = scratch.gru_cell_backward(da_next, cache)
    expected = {
        "gamma_u": _update_gate(da_next, cache)["gamma_u"],
        "Wu": right["Wu"],
        "bu": right["bu"],
    }
    mistakes = [
        (
            "σ' is written 1 - Γ_u² (tanh's derivative) instead of Γ_u (1 - Γ_u)",
            _update_gate(da_next, cache, "1 - σ²"),
        ),
        ("σ' is written Γ_u instead of Γ_u (1 - Γ_u)", _update_gate(da_next, cache, "σ")),
        ("σ' is left out (dz_u = dΓ_u)", _update_gate(da_next, cache, "1")),
        (
            "dΓ_u is δa (a<t-1> - c̃<t>): the roles of Γ_u and 1 - Γ_u are swapped",
            _update_gate(da_next, cache, sign=-1.0),
        ),
        (
            "dΓ_u is δa c̃<t>: the - a<t-1> of (1 - Γ_u) a<t-1> is forgotten",
            _update_gate(da_next, cache, keep_old=False),
        ),
        (
            "dW_u uses [Γ_r * a<t-1>, x<t>], the candidate's input, not [a<t-1>, x<t>]",
            _update_gate(da_next, cache, inputs="concat_reset"),
        ),
        ("db_u is averaged over the examples instead of summed", {"bu": right["bu"] / M}),
    ]
    if not isinstance(mine, dict):
        raise ExerciseError(
            f"return a dict with 'gamma_u', 'Wu' and 'bu', got {type(mine).__name__}"
        )
    names = {
        "gamma_u": ("dΓ_u", "(m, n_a)"),
        "Wu": ("dW_u", "(n_a, n_a + n_x)"),
        "bu": ("db_u", "(n_a,)"),
    }
    for key, (what, symbolic) in names.items():
        if key not in mine:
            raise ExerciseError(f"your dict has no key {key!r} (keys: {sorted(mine)})")
        value = expect_shape(mine[key], expected[key].shape, what, symbolic)
        relevant = [(d, wrong[key]) for d, wrong in mistakes if key in wrong]
        expect_close(value, expected[key], what, relevant, reference=REFERENCE)
    passed("dΓ_u, and dW_u and db_u as rnn_utils.scratch.gru_cell_backward computes them")
