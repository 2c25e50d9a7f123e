"""The LSTM from scratch in NumPy: one step forward and backward, in seed notation.

Taught in notebook 05: gates Γ_f, Γ_u, Γ_o, candidate c̃<t>, memory cell c<t>. Whole sequences
and BPTT: :mod:`rnn_utils.scratch.bptt`. The Keras twin is :mod:`rnn_utils.layers.lstm`.
``[a<t-1>, x<t>]`` is the concatenation along the feature axis, (m, n_a + n_x).
"""

from __future__ import annotations

import numpy as np

from rnn_utils.scratch.core import check_array, check_step, check_upstream, sigmoid, step_prediction


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

    The output gate reads [a<t-1>, x<t>], as in Keras's ``LSTM``. Seed 003 writes Γ_o from
    [c<t-1>, x<t>]: that is neither this standard LSTM nor the peephole LSTM (which keeps
    [a<t-1>, x<t>] and adds a diagonal term p_o * c<t>, the new cell; see
    ``rnn_utils.layers.LSTMCell(peephole=True)``). It is most likely a slip for a<t-1>; notebook
    05, section 2, shows that it computes a different function.

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
    p, xt, a_prev = check_step("lstm", xt, a_prev, params)
    c_prev = check_array(c_prev, "c_prev", a_prev.shape, "(m, n_a)")
    a_next, c_next, cache = lstm_step(xt, a_prev, c_prev, p)
    return a_next, c_next, step_prediction("lstm", a_next, p), cache


def lstm_gate_gradients(da_next, dc_next, cache):
    """The gradients reaching the memory cell and each gate of one LSTM step (backward, part 1).

    With σ' = σ(1 − σ) and tanh' = 1 − tanh², from a<t> = Γ_o * tanh(c<t>) and
    c<t> = Γ_u * c̃<t> + Γ_f * c<t-1>:

    - dc = dc_next + da_next * Γ_o * (1 − tanh²(c<t>)): c<t> reaches the loss directly (through
      step t+1) and through a<t>;
    - dz_o = da_next * tanh(c<t>) * Γ_o (1 − Γ_o);
    - dz_u = dc * c̃<t> * Γ_u (1 − Γ_u);  dz_c = dc * Γ_u * (1 − c̃<t>²);
    - dz_f = dc * c<t-1> * Γ_f (1 − Γ_f),

    each dz the gradient on a gate's pre-activation (W[a<t-1>, x<t>] + b). Part 2,
    :func:`lstm_cell_backward`, turns them into the gradients of the weights and the inputs.

    Args:
        da_next: dL/da<t>, (m, n_a), the total gradient reaching a<t>.
        dc_next: dL/dc<t> coming from step t+1, (m, n_a) (zeros at the last step).
        cache: the cache returned by :func:`lstm_cell_forward` for this step.

    Returns:
        dict with ``"dc"`` (the total dL/dc<t>) and ``"dz_f"``, ``"dz_u"``, ``"dz_c"``,
        ``"dz_o"``, each (m, n_a).

    Example:
        >>> from rnn_utils.scratch import init_params
        >>> params = init_params("lstm", n_x=3, n_a=5, n_y=2)
        >>> a0 = c0 = np.zeros((4, 5))
        >>> a1, c1, _, cache = lstm_cell_forward(np.ones((4, 3)), a0, c0, params)
        >>> sorted(lstm_gate_gradients(np.ones_like(a1), np.zeros_like(c1), cache))
        ['dc', 'dz_c', 'dz_f', 'dz_o', 'dz_u']
    """
    da_next = check_upstream("da_next", da_next, cache["a_next"])
    dc_next = check_upstream("dc_next", dc_next, cache["a_next"])
    gate_f, gate_u, gate_o = cache["gate_f"], cache["gate_u"], cache["gate_o"]
    c_tilde, tanh_c = cache["c_tilde"], cache["tanh_c"]
    dc = dc_next + da_next * gate_o * (1.0 - tanh_c**2)
    return {
        "dc": dc,
        "dz_f": dc * cache["c_prev"] * gate_f * (1.0 - gate_f),
        "dz_u": dc * c_tilde * gate_u * (1.0 - gate_u),
        "dz_c": dc * gate_u * (1.0 - c_tilde**2),
        "dz_o": da_next * tanh_c * gate_o * (1.0 - gate_o),
    }


def lstm_cell_backward(da_next, dc_next, cache):
    """Backward pass of one LSTM step (part 2: from the gates' gradients to W, b and the inputs).

    With dz_g from :func:`lstm_gate_gradients`: dW_g = dz_gᵀ [a<t-1>, x<t>], db_g = Σ_batch dz_g,
    d[a<t-1>, x<t>] = Σ_g dz_g W_g, and dL/dc<t-1> = dc * Γ_f.

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
    gates = lstm_gate_gradients(da_next, dc_next, cache)  # part 1: dc and each gate's dz
    grads = {"c_prev": gates["dc"] * cache["gate_f"]}
    dconcat = 0.0
    for g in ("f", "u", "c", "o"):
        dz = gates["dz_" + g]
        grads["W" + g] = dz.T @ cache["concat"]
        grads["b" + g] = dz.sum(axis=0)
        dconcat = dconcat + dz @ p["W" + g]
    n_a = cache["a_next"].shape[1]
    grads["a_prev"], grads["xt"] = dconcat[:, :n_a], dconcat[:, n_a:]
    return grads
