"""One time step of the from-scratch RNN, LSTM and GRU cells: forward and backward, in NumPy.

Shapes are batch-major: ``xt`` is (m, n_x), ``a_prev`` is (m, n_a). Weights act on column
vectors as in the seed notation, so W a<t-1> becomes ``a_prev @ W.T`` for a batch. For the
gated cells, ``[a<t-1>, x<t>]`` is the concatenation along the feature axis, (m, n_a + n_x).

Each ``*_cell_forward`` returns a ``cache`` (a dict of the step's intermediate values and its
parameters) that the matching ``*_cell_backward`` consumes. The backward functions take the
total gradient on the step's new state (from ŷ<t> and from step t+1) and return a dict of
gradients keyed like the parameters, plus ``"xt"``, ``"a_prev"`` (and ``"c_prev"`` for the LSTM).
"""

from __future__ import annotations

import numpy as np

from rnn_utils.scratch_core import (
    OUTPUT_KEYS,
    check_array,
    check_params,
    output_forward,
    sigmoid,
)


def _check_step(kind, xt, a_prev, params):
    """Validate one step's inputs; the output layer is optional for a single step."""
    p, n_x, n_a, _ = check_params(kind, params, with_output=OUTPUT_KEYS[kind][0] in params)
    xt = check_array(xt, "xt", (None, n_x), "(m, n_x)")
    a_prev = check_array(a_prev, "a_prev", (xt.shape[0], n_a), "(m, n_a)")
    return p, xt, a_prev


def _prediction(kind, a_next, p):
    w_key, b_key = OUTPUT_KEYS[kind]
    return output_forward(a_next, p[w_key], p[b_key]) if w_key in p else None


def _check_upstream(name, grad, like):
    return check_array(grad, name, like.shape, "(m, n_a)")


# --- vanilla RNN -------------------------------------------------------------------------------


def rnn_step(xt, a_prev, p):
    """a<t> = tanh(W_aa a<t-1> + W_ax x<t> + b_a), without input checks; returns (a_next, cache)."""
    a_next = np.tanh(a_prev @ p["Waa"].T + xt @ p["Wax"].T + p["ba"])
    return a_next, {"xt": xt, "a_prev": a_prev, "a_next": a_next, "params": p}


def rnn_cell_forward(xt, a_prev, params):
    """One step of the vanilla RNN: a<t> = tanh(W_aa a<t-1> + W_ax x<t> + b_a).

    Args:
        xt: x<t>, array of shape (m, n_x).
        a_prev: a<t-1>, array of shape (m, n_a).
        params: dict with ``"Waa"`` (n_a, n_a), ``"Wax"`` (n_a, n_x), ``"ba"`` (n_a,) and,
            optionally, the output layer ``"Wya"`` (n_y, n_a), ``"by"`` (n_y,).

    Returns:
        ``(a_next, yt_pred, cache)``: a<t> (m, n_a); ŷ<t> = softmax(W_ya a<t> + b_y) (m, n_y),
        or None without the output keys; the cache for :func:`rnn_cell_backward`.

    Example:
        >>> from rnn_utils.scratch import init_params
        >>> params = init_params("rnn", n_x=3, n_a=5, n_y=2)
        >>> a1, y1, cache = rnn_cell_forward(np.ones((4, 3)), np.zeros((4, 5)), params)
        >>> a1.shape, y1.shape
        ((4, 5), (4, 2))
    """
    p, xt, a_prev = _check_step("rnn", xt, a_prev, params)
    a_next, cache = rnn_step(xt, a_prev, p)
    return a_next, _prediction("rnn", a_next, p), cache


def rnn_cell_backward(da_next, cache):
    """Backward pass of one vanilla-RNN step.

    Args:
        da_next: dL/da<t>, (m, n_a): the total gradient reaching a<t>.
        cache: the cache returned by :func:`rnn_cell_forward` for this step.

    Returns:
        dict with ``"xt"`` (m, n_x), ``"a_prev"`` (m, n_a) and ``"Waa"``, ``"Wax"``, ``"ba"``.

    Example:
        >>> from rnn_utils.scratch import init_params
        >>> params = init_params("rnn", n_x=3, n_a=5, n_y=2)
        >>> a1, _, cache = rnn_cell_forward(np.ones((4, 3)), np.zeros((4, 5)), params)
        >>> grads = rnn_cell_backward(np.ones_like(a1), cache)
        >>> grads["Wax"].shape, grads["a_prev"].shape
        ((5, 3), (4, 5))
    """
    p, a_next = cache["params"], cache["a_next"]
    da_next = _check_upstream("da_next", da_next, a_next)
    dz = da_next * (1.0 - a_next**2)  # tanh' = 1 - tanh²
    return {
        "xt": dz @ p["Wax"],
        "a_prev": dz @ p["Waa"],
        "Waa": dz.T @ cache["a_prev"],
        "Wax": dz.T @ cache["xt"],
        "ba": dz.sum(axis=0),
    }


# --- LSTM ----------------------------------------------------------------------------------------


def lstm_step(xt, a_prev, c_prev, p):
    """One LSTM step without input checks; returns (a_next, c_next, cache)."""
    concat = np.concatenate([a_prev, xt], axis=1)  # [a<t-1>, x<t>]
    gate_f = sigmoid(concat @ p["Wf"].T + p["bf"])
    gate_u = sigmoid(concat @ p["Wu"].T + p["bu"])
    c_tilde = np.tanh(concat @ p["Wc"].T + p["bc"])
    gate_o = sigmoid(concat @ p["Wo"].T + p["bo"])
    c_next = gate_u * c_tilde + gate_f * c_prev
    tanh_c = np.tanh(c_next)
    a_next = gate_o * tanh_c
    cache = {
        "concat": concat,
        "c_prev": c_prev,
        "gate_f": gate_f,
        "gate_u": gate_u,
        "c_tilde": c_tilde,
        "gate_o": gate_o,
        "tanh_c": tanh_c,
        "a_next": a_next,
        "params": p,
    }
    return a_next, c_next, cache


def lstm_cell_forward(xt, a_prev, c_prev, params):
    """One step of the standard LSTM, on the concatenation [a<t-1>, x<t>].

    Γ_f = σ(W_f[a<t-1>, x<t>] + b_f), Γ_u = σ(W_u[...] + b_u), c̃<t> = tanh(W_c[...] + b_c),
    Γ_o = σ(W_o[...] + b_o), c<t> = Γ_u * c̃<t> + Γ_f * c<t-1>, a<t> = Γ_o * tanh(c<t>).

    The output gate reads [a<t-1>, x<t>], as in Keras's ``LSTM``. One of the course's seed texts
    writes Γ_o from [c<t-1>, x<t>]: that is the *peephole* variant, available as
    ``rnn_utils.cells.LSTMCell(peephole=True)``, not this function.

    Args:
        xt: x<t>, (m, n_x).
        a_prev: a<t-1>, (m, n_a).
        c_prev: c<t-1>, (m, n_a).
        params: dict with ``"Wf"``, ``"Wu"``, ``"Wc"``, ``"Wo"`` of shape (n_a, n_a + n_x) and
            ``"bf"``, ``"bu"``, ``"bc"``, ``"bo"`` (n_a,); optionally ``"Wy"`` (n_y, n_a) and
            ``"by"`` (n_y,) for ŷ<t>.

    Returns:
        ``(a_next, c_next, yt_pred, cache)``; ``yt_pred`` is None without the output keys.

    Example:
        >>> from rnn_utils.scratch import init_params
        >>> params = init_params("lstm", n_x=3, n_a=5, n_y=2)
        >>> a0, c0 = np.zeros((4, 5)), np.zeros((4, 5))
        >>> a1, c1, y1, cache = lstm_cell_forward(np.ones((4, 3)), a0, c0, params)
        >>> c1.shape
        (4, 5)
    """
    p, xt, a_prev = _check_step("lstm", xt, a_prev, params)
    c_prev = check_array(c_prev, "c_prev", a_prev.shape, "(m, n_a)")
    a_next, c_next, cache = lstm_step(xt, a_prev, c_prev, p)
    return a_next, c_next, _prediction("lstm", a_next, p), cache


def lstm_cell_backward(da_next, dc_next, cache):
    """Backward pass of one LSTM step.

    Args:
        da_next: dL/da<t>, (m, n_a), the total gradient reaching a<t>.
        dc_next: dL/dc<t> coming from step t+1, (m, n_a) (zeros at the last step).
        cache: the cache returned by :func:`lstm_cell_forward` for this step.

    Returns:
        dict with ``"xt"``, ``"a_prev"``, ``"c_prev"`` and the gradients of the eight cell
        parameters ``"Wf"``, ``"bf"``, ``"Wu"``, ``"bu"``, ``"Wc"``, ``"bc"``, ``"Wo"``, ``"bo"``.

    Example:
        >>> from rnn_utils.scratch import init_params
        >>> params = init_params("lstm", n_x=3, n_a=5, n_y=2)
        >>> a0 = c0 = np.zeros((4, 5))
        >>> a1, c1, _, cache = lstm_cell_forward(np.ones((4, 3)), a0, c0, params)
        >>> grads = lstm_cell_backward(np.ones_like(a1), np.zeros_like(c1), cache)
        >>> grads["Wo"].shape, grads["c_prev"].shape
        ((5, 8), (4, 5))
    """
    p = cache["params"]
    da_next = _check_upstream("da_next", da_next, cache["a_next"])
    dc_next = _check_upstream("dc_next", dc_next, cache["a_next"])
    gate_f, gate_u, gate_o = cache["gate_f"], cache["gate_u"], cache["gate_o"]
    c_tilde, tanh_c = cache["c_tilde"], cache["tanh_c"]
    # c<t> reaches the loss directly (via step t+1) and through a<t> = Γ_o * tanh(c<t>).
    dc = dc_next + da_next * gate_o * (1.0 - tanh_c**2)
    dz = {  # gradients on each gate's pre-activation (σ' = σ(1-σ), tanh' = 1 - tanh²)
        "o": da_next * tanh_c * gate_o * (1.0 - gate_o),
        "u": dc * c_tilde * gate_u * (1.0 - gate_u),
        "c": dc * gate_u * (1.0 - c_tilde**2),
        "f": dc * cache["c_prev"] * gate_f * (1.0 - gate_f),
    }
    grads = {"c_prev": dc * gate_f}
    dconcat = 0.0
    for g in ("f", "u", "c", "o"):
        grads["W" + g] = dz[g].T @ cache["concat"]
        grads["b" + g] = dz[g].sum(axis=0)
        dconcat = dconcat + dz[g] @ p["W" + g]
    n_a = da_next.shape[1]
    grads["a_prev"], grads["xt"] = dconcat[:, :n_a], dconcat[:, n_a:]
    return grads


# --- GRU -----------------------------------------------------------------------------------------


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
    p, xt, a_prev = _check_step("gru", xt, a_prev, params)
    a_next, cache = gru_step(xt, a_prev, p)
    return a_next, _prediction("gru", a_next, p), cache


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
    da_next = _check_upstream("da_next", da_next, cache["a_next"])
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
