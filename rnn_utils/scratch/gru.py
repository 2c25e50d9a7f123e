"""The gated recurrent unit from scratch in NumPy: one step forward and backward, seed notation.

Taught in notebook 04 (the reset-before form of seed 003: Γ_r acts on c<t-1> before the
matmul, Γ_u weights the candidate). Whole sequences and BPTT: :mod:`rnn_utils.scratch.bptt`.
The Keras twin is :mod:`rnn_utils.layers.gru` (Keras's z = 1 − Γ_u). ``[a<t-1>, x<t>]`` is the
concatenation along the feature axis, (m, n_a + n_x).
"""

from __future__ import annotations

import numpy as np

from rnn_utils.scratch.core import check_step, check_upstream, sigmoid, step_prediction


def gru_step(xt, a_prev, p):
    """One full-GRU step without input checks; returns (a_next, cache)."""
    concat = np.concatenate([a_prev, xt], axis=1)  # [a<t-1>, x<t>]
    gate_u = sigmoid(concat @ p["Wu"].T + p["bu"])
    gate_r = sigmoid(concat @ p["Wr"].T + p["br"])
    concat_reset = np.concatenate([gate_r * a_prev, xt], axis=1)  # [Γ_r * a<t-1>, x<t>]
    c_tilde = np.tanh(concat_reset @ p["Wc"].T + p["bc"])
    a_next = gate_u * c_tilde + (1.0 - gate_u) * a_prev
    cache = {
        "concat": concat,
        "concat_reset": concat_reset,
        "a_prev": a_prev,
        "gate_u": gate_u,
        "gate_r": gate_r,
        "c_tilde": c_tilde,
        "a_next": a_next,
        "params": p,
    }
    return a_next, cache


def gru_cell_forward(xt, a_prev, params):
    """One step of the full GRU (with the relevance gate Γ_r), on [a<t-1>, x<t>].

    Γ_u = σ(W_u[a<t-1>, x<t>] + b_u), Γ_r = σ(W_r[a<t-1>, x<t>] + b_r),
    c̃<t> = tanh(W_c[Γ_r * a<t-1>, x<t>] + b_c), a<t> = Γ_u * c̃<t> + (1 − Γ_u) * a<t-1>.

    The reset multiplies a<t-1> *before* the candidate's matmul. This is Keras's
    ``GRU(reset_after=False)``, whose update gate z keeps the old state: z = 1 − Γ_u.

    Args:
        xt: x<t>, (m, n_x).
        a_prev: a<t-1> (the GRU's memory c<t-1> = a<t-1>), (m, n_a).
        params: dict with ``"Wu"``, ``"Wr"``, ``"Wc"`` of shape (n_a, n_a + n_x) and ``"bu"``,
            ``"br"``, ``"bc"`` (n_a,); optionally ``"Wy"`` (n_y, n_a) and ``"by"`` (n_y,).

    Returns:
        ``(a_next, yt_pred, cache)``; ``yt_pred`` is None without the output keys.

    Example:
        >>> from rnn_utils.scratch import init_params
        >>> params = init_params("gru", n_x=3, n_a=5, n_y=2)
        >>> a1, y1, cache = gru_cell_forward(np.ones((4, 3)), np.zeros((4, 5)), params)
        >>> a1.shape
        (4, 5)
    """
    p, xt, a_prev = check_step("gru", xt, a_prev, params)
    a_next, cache = gru_step(xt, a_prev, p)
    return a_next, step_prediction("gru", a_next, p), cache


def gru_cell_backward(da_next, cache):
    """Backward pass of one full-GRU step.

    Args:
        da_next: dL/da<t>, (m, n_a), the total gradient reaching a<t>.
        cache: the cache returned by :func:`gru_cell_forward` for this step.

    Returns:
        dict with ``"xt"``, ``"a_prev"`` and ``"Wu"``, ``"bu"``, ``"Wr"``, ``"br"``, ``"Wc"``,
        ``"bc"``.

    Example:
        >>> from rnn_utils.scratch import init_params
        >>> params = init_params("gru", n_x=3, n_a=5, n_y=2)
        >>> a1, _, cache = gru_cell_forward(np.ones((4, 3)), np.zeros((4, 5)), params)
        >>> grads = gru_cell_backward(np.ones_like(a1), cache)
        >>> grads["Wr"].shape, grads["xt"].shape
        ((5, 8), (4, 3))
    """
    p = cache["params"]
    da_next = check_upstream("da_next", da_next, cache["a_next"])
    a_prev, gate_u, gate_r, c_tilde = (cache[k] for k in ("a_prev", "gate_u", "gate_r", "c_tilde"))
    n_a = da_next.shape[1]
    dz_c = da_next * gate_u * (1.0 - c_tilde**2)
    dz_u = da_next * (c_tilde - a_prev) * gate_u * (1.0 - gate_u)
    dconcat_reset = dz_c @ p["Wc"]
    d_reset_a = dconcat_reset[:, :n_a]  # gradient on Γ_r * a<t-1>
    dz_r = d_reset_a * a_prev * gate_r * (1.0 - gate_r)
    dconcat = dz_u @ p["Wu"] + dz_r @ p["Wr"]
    return {
        "xt": dconcat[:, n_a:] + dconcat_reset[:, n_a:],
        "a_prev": dconcat[:, :n_a] + d_reset_a * gate_r + da_next * (1.0 - gate_u),
        "Wu": dz_u.T @ cache["concat"],
        "bu": dz_u.sum(axis=0),
        "Wr": dz_r.T @ cache["concat"],
        "br": dz_r.sum(axis=0),
        "Wc": dz_c.T @ cache["concat_reset"],
        "bc": dz_c.sum(axis=0),
    }
