"""The vanilla RNN from scratch in NumPy: one step forward and backward, in seed notation.

Taught in notebooks 02 and 03: a<t> = tanh(W_aa a<t-1> + W_ax x<t> + b_a), ŷ<t> = softmax(W_ya a<t>
+ b_y). Whole sequences and BPTT: :mod:`rnn_utils.scratch.bptt`. The Keras twin is
:mod:`rnn_utils.layers.simple_rnn`. Shapes are batch-major (``xt`` is (m, n_x)); each
``*_cell_forward`` returns a ``cache`` that the matching ``*_cell_backward`` consumes.
"""

from __future__ import annotations

import numpy as np

from rnn_utils.scratch.core import check_step, check_upstream, step_prediction


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
    p, xt, a_prev = check_step("rnn", xt, a_prev, params)
    a_next, cache = rnn_step(xt, a_prev, p)
    return a_next, step_prediction("rnn", a_next, p), cache


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
    da_next = check_upstream("da_next", da_next, a_next)
    dz = da_next * (1.0 - a_next**2)  # tanh' = 1 - tanh²
    return {
        "xt": dz @ p["Wax"],
        "a_prev": dz @ p["Waa"],
        "Waa": dz.T @ cache["a_prev"],
        "Wax": dz.T @ cache["xt"],
        "ba": dz.sum(axis=0),
    }


# --- LSTM ----------------------------------------------------------------------------------------
