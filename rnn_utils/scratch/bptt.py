"""Whole sequences from scratch, for all three cells: forward passes, the loss, and BPTT.

Taught in notebook 03 (and reused by 04 and 05). One home for the time loop: the cells' steps
come from :mod:`rnn_utils.scratch.rnn`, :mod:`~rnn_utils.scratch.gru` and
:mod:`~rnn_utils.scratch.lstm`.

Time is the second axis, 0-based: ``x[:, t]`` is the seed's x<t+1> and ``a[:, t]`` is a<t+1>;
``a0`` is a<0>. The loss is the softmax cross-entropy of every step, summed over time and
averaged over the batch:  L = (1/m) Σ_i Σ_t mask[i, t] · (−log ŷ<t>_i[y_i<t>]).
"""

from __future__ import annotations

import numpy as np

from rnn_utils.scratch.core import (
    CELL_KEYS,
    OUTPUT_KEYS,
    check_array,
    check_params,
    check_sequence_inputs,
    check_targets,
    output_forward,
    target_log_probs,
)
from rnn_utils.scratch.gru import gru_cell_backward, gru_step
from rnn_utils.scratch.lstm import lstm_cell_backward, lstm_step
from rnn_utils.scratch.rnn import rnn_cell_backward, rnn_step


def run_direction(kind, x, p, mask=None, reverse=False, a0=None, c0=None):
    """Run the cell over time, left to right or (``reverse``) right to left: the NumPy time loop.

    Inputs are already checked. A padded step (``mask`` 0) carries the states over and outputs
    0, so a right-to-left pass starts at each row's last real token (notebook 06). Used for one
    layer here, for both directions in :mod:`rnn_utils.scratch.bidirectional` and for every
    layer of :mod:`rnn_utils.scratch.deep`.

    Returns:
        ``(a, c, caches)``: outputs a<t> (m, T_x, n_a); for the LSTM the cells c<t> (else None);
        each step's cache, by time index.
    """
    m, t_x, _ = x.shape
    n_a = p["ba" if kind == "rnn" else "bc"].shape[0]
    a = np.zeros((m, t_x, n_a))
    c = np.zeros_like(a) if kind == "lstm" else None
    a_prev = np.zeros((m, n_a)) if a0 is None else a0
    c_prev = np.zeros((m, n_a)) if c0 is None else c0
    caches = [None] * t_x
    for t in reversed(range(t_x)) if reverse else range(t_x):
        keep = 1.0 if mask is None else mask[:, t, None]
        if kind == "rnn":
            a_new, caches[t] = rnn_step(x[:, t], a_prev, p)
        elif kind == "gru":
            a_new, caches[t] = gru_step(x[:, t], a_prev, p)
        else:
            a_new, c_new, caches[t] = lstm_step(x[:, t], a_prev, c_prev, p)
            c_prev = c_new if mask is None else keep * c_new + (1.0 - keep) * c_prev
            c[:, t] = c_prev
        a_prev = a_new if mask is None else keep * a_new + (1.0 - keep) * a_prev
        a[:, t] = keep * a_prev
    return a, c, caches


def backprop_direction(kind, da_out, caches, p, mask=None, reverse=False):
    """BPTT through :func:`run_direction`, visiting the steps in the opposite order.

    ``da_out`` (m, T_x, n_a) is dL/da<t> from each step's output (ŷ<t>, or the layer above).

    Returns:
        ``(grads, dx, da_total, da0)``: the cell's parameter gradients, dL/dx<t> (m, T_x, n_x),
        the total dL/da<t> reaching each step's state — from its output and from the next step
        processed — (m, T_x, n_a), and dL/da<0>.
    """
    m, t_x, n_a = da_out.shape
    grads = {key: np.zeros_like(p[key]) for key in CELL_KEYS[kind]}
    dx, da_total = None, np.empty_like(da_out)
    da_carry, dc_carry = np.zeros((m, n_a)), np.zeros((m, n_a))
    for t in range(t_x) if reverse else reversed(range(t_x)):
        keep = 1.0 if mask is None else mask[:, t, None]
        da_total[:, t] = da_carry + keep * da_out[:, t]  # the output at t is keep * a<t>
        if kind == "rnn":
            step = rnn_cell_backward(keep * da_total[:, t], caches[t])
        elif kind == "gru":
            step = gru_cell_backward(keep * da_total[:, t], caches[t])
        else:
            step = lstm_cell_backward(keep * da_total[:, t], keep * dc_carry, caches[t])
            dc_carry = (1.0 - keep) * dc_carry + step["c_prev"]
        if dx is None:
            dx = np.empty((m, t_x, step["xt"].shape[1]))
        dx[:, t] = step["xt"]
        da_carry = (1.0 - keep) * da_total[:, t] + step["a_prev"]
        for key in grads:
            grads[key] += step[key]
    return grads, dx, da_total, da_carry


def _run_forward(kind, x, a0, p, c0=None):
    """One layer left to right from a<0> (inputs already checked): (a, y_hat, c, caches)."""
    a, c, caches = run_direction(kind, x, p, a0=a0, c0=c0)
    w_key, b_key = OUTPUT_KEYS[kind]
    return a, output_forward(a, p[w_key], p[b_key]), c, caches


def _cross_entropy(y_hat, y, mask):
    """Masked softmax cross-entropy; returns (loss, dL/dlogits) with dL/dlogits = (ŷ − y)/m."""
    m = y_hat.shape[0]
    loss = -np.sum(mask * target_log_probs(y_hat, y)) / m
    dlogits = y_hat.copy()  # softmax + cross-entropy: dL/dlogits = ŷ − one_hot(y)
    np.put_along_axis(dlogits, y[..., None], np.take_along_axis(y_hat, y[..., None], -1) - 1.0, -1)
    return float(loss), dlogits * (mask[..., None] / m)


def _initial_cell(kind, c0, a0):
    """c<0> for the LSTM (zeros when None, else checked); None for the other cells."""
    if kind != "lstm":
        if c0 is not None:
            raise ValueError(f"c0 is only used by the lstm, not by the {kind}")
        return None
    if c0 is None:
        return np.zeros_like(a0)
    return check_array(c0, "c0", a0.shape, "(m, n_a)")


def sequence_forward(kind, x, a0, params, c0=None):
    """Forward pass of a whole sequence for ``kind`` in ``"rnn"``, ``"lstm"``, ``"gru"``.

    Returns:
        ``(a, y_hat, c, caches)``; ``c`` is None except for the LSTM.
    """
    p, n_x, n_a, _ = check_params(kind, params)
    x, a0 = check_sequence_inputs(x, a0, n_x, n_a)
    return _run_forward(kind, x, a0, p, _initial_cell(kind, c0, a0))


def rnn_forward(x, a0, params):
    """Forward pass of the vanilla RNN over a whole sequence.

    Args:
        x: inputs x<1..T_x>, shape (m, T_x, n_x).
        a0: initial state a<0>, shape (m, n_a).
        params: ``"Waa"``, ``"Wax"``, ``"ba"``, ``"Wya"``, ``"by"`` (see :func:`init_params`).

    Returns:
        ``(a, y_hat, caches)``: the states a<t> (m, T_x, n_a), the predictions ŷ<t>
        (m, T_x, n_y), and one cache per step for the backward pass.

    Example:
        >>> from rnn_utils.scratch import init_params
        >>> params = init_params("rnn", n_x=3, n_a=5, n_y=2)
        >>> a, y_hat, caches = rnn_forward(np.ones((4, 7, 3)), np.zeros((4, 5)), params)
        >>> a.shape, y_hat.shape, len(caches)
        ((4, 7, 5), (4, 7, 2), 7)
    """
    a, y_hat, _, caches = sequence_forward("rnn", x, a0, params)
    return a, y_hat, caches


def lstm_forward(x, a0, params, c0=None):
    """Forward pass of the LSTM (see :func:`lstm_cell_forward`) over a whole sequence.

    Args:
        x: inputs, (m, T_x, n_x).
        a0: initial hidden state a<0>, (m, n_a).
        params: ``"Wf"``, ``"bf"``, ``"Wu"``, ``"bu"``, ``"Wc"``, ``"bc"``, ``"Wo"``, ``"bo"``,
            ``"Wy"``, ``"by"``.
        c0: initial memory cell c<0>, (m, n_a); zeros when None.

    Returns:
        ``(a, y_hat, c, caches)`` with a and c of shape (m, T_x, n_a), y_hat (m, T_x, n_y).

    Example:
        >>> from rnn_utils.scratch import init_params
        >>> params = init_params("lstm", n_x=3, n_a=5, n_y=2)
        >>> a, y_hat, c, caches = lstm_forward(np.ones((4, 7, 3)), np.zeros((4, 5)), params)
        >>> c.shape
        (4, 7, 5)
    """
    return sequence_forward("lstm", x, a0, params, c0=c0)


def gru_forward(x, a0, params):
    """Forward pass of the full GRU (see :func:`gru_cell_forward`) over a whole sequence.

    Args:
        x: inputs, (m, T_x, n_x).
        a0: initial state a<0>, (m, n_a).
        params: ``"Wu"``, ``"bu"``, ``"Wr"``, ``"br"``, ``"Wc"``, ``"bc"``, ``"Wy"``, ``"by"``.

    Returns:
        ``(a, y_hat, caches)`` with a of shape (m, T_x, n_a) and y_hat (m, T_x, n_y).

    Example:
        >>> from rnn_utils.scratch import init_params
        >>> params = init_params("gru", n_x=3, n_a=5, n_y=2)
        >>> a, y_hat, caches = gru_forward(np.ones((4, 7, 3)), np.zeros((4, 5)), params)
        >>> y_hat.shape
        (4, 7, 2)
    """
    a, y_hat, _, caches = sequence_forward("gru", x, a0, params)
    return a, y_hat, caches


def _prepare(kind, x, y, a0, params, mask, c0):
    p, n_x, n_a, n_y = check_params(kind, params)
    x, a0 = check_sequence_inputs(x, a0, n_x, n_a)
    y, mask = check_targets(y, mask, x.shape[0], x.shape[1], n_y)
    return p, x, y, a0, mask, _initial_cell(kind, c0, a0)


def _loss_and_backward(kind, p, x, y, a0, mask, c0):
    a, y_hat, _, caches = _run_forward(kind, x, a0, p, c0)
    loss, dlogits = _cross_entropy(y_hat, y, mask)
    w_key, b_key = OUTPUT_KEYS[kind]
    grads = {w_key: np.einsum("mtk,mta->ka", dlogits, a), b_key: dlogits.sum(axis=(0, 1))}
    cell_grads, _, da_total, da0 = backprop_direction(kind, dlogits @ p[w_key], caches, p)
    grads.update(cell_grads)
    grads["a0"] = da0
    return loss, grads, da_total


def loss_and_grads(kind, x, y, a0, params, mask=None, c0=None):
    """Loss and its gradients by backpropagation through time, for any of the three cells.

    Args:
        kind: ``"rnn"``, ``"lstm"`` or ``"gru"``.
        x: inputs, (m, T_x, n_x).
        y: integer targets y<t>, (m, T_x), each in [0, n_y).
        a0: initial state a<0>, (m, n_a).
        params: parameter dict of ``kind`` (see :func:`init_params`).
        mask: optional (m, T_x) array of 0/1; steps with 0 (padding) are left out of the loss.
        c0: LSTM only: initial memory cell c<0>, zeros when None.

    Returns:
        ``(loss, grads)``: the scalar loss and a dict with one gradient per key of ``params``
        (same shapes) plus ``"a0"``, dL/da<0> (m, n_a).
    """
    p, x, y, a0, mask, c0 = _prepare(kind, x, y, a0, params, mask, c0)
    loss, grads, _ = _loss_and_backward(kind, p, x, y, a0, mask, c0)
    return loss, {key: grads[key] for key in (*params, "a0")}


def rnn_loss_and_grads(x, y, a0, params, mask=None):
    """:func:`loss_and_grads` for the vanilla RNN.

    Example:
        >>> from rnn_utils.scratch import init_params
        >>> params = init_params("rnn", n_x=3, n_a=5, n_y=2)
        >>> x, y = np.ones((4, 7, 3)), np.zeros((4, 7), dtype=int)
        >>> loss, grads = rnn_loss_and_grads(x, y, np.zeros((4, 5)), params)
        >>> sorted(grads)
        ['Waa', 'Wax', 'Wya', 'a0', 'ba', 'by']
    """
    return loss_and_grads("rnn", x, y, a0, params, mask=mask)


def lstm_loss_and_grads(x, y, a0, params, mask=None, c0=None):
    """:func:`loss_and_grads` for the LSTM (``c0`` defaults to zeros)."""
    return loss_and_grads("lstm", x, y, a0, params, mask=mask, c0=c0)


def gru_loss_and_grads(x, y, a0, params, mask=None):
    """:func:`loss_and_grads` for the full GRU."""
    return loss_and_grads("gru", x, y, a0, params, mask=mask)


def single_step_loss(x, t_loss=None, y=None):
    """Checked ``(x, t_loss, y, mask)`` for a loss on the single step ``t_loss`` only.

    ``t_loss`` defaults to the last step, ``y`` to class 0; ``mask`` (m, T_x) is 1 at ``t_loss``
    and 0 elsewhere. Shared by the state-gradient norms of one layer and of a stack."""
    x = np.asarray(x)
    if x.ndim != 3:
        raise ValueError(f"x has shape {x.shape}; expected (m, T_x, n_x)")
    m, t_x = x.shape[:2]
    t_loss = t_x - 1 if t_loss is None else t_loss
    if not isinstance(t_loss, int | np.integer) or not 0 <= t_loss < t_x:
        raise ValueError(f"t_loss must be an int step index in [0, T_x={t_x}), got {t_loss!r}")
    y = np.zeros((m, t_x), dtype=np.int64) if y is None else y
    mask = np.zeros((m, t_x))
    mask[:, t_loss] = 1.0
    return x, t_loss, y, mask


def state_gradient_norms(kind, x, a0, params, t_loss=None, y=None, c0=None):
    """‖∂L<t_loss>/∂a<t>‖ for every step t ≤ t_loss, by the backward recursion of BPTT.

    The loss is the cross-entropy of the single step ``t_loss`` (0-based index on the time
    axis), so the norms show how the gradient of one output fades (vanishing) or grows
    (exploding) as it travels back in time. For the LSTM, a<t> is the hidden state and the
    gradient is the one reaching a<t> with c<t> held as a separate state.

    Args:
        kind: ``"rnn"``, ``"lstm"`` or ``"gru"``.
        x: inputs, (m, T_x, n_x).
        a0: initial state a<0>, (m, n_a).
        params: parameter dict of ``kind``.
        t_loss: the step whose loss is differentiated; defaults to the last step, T_x − 1.
        y: integer targets (m, T_x); only column ``t_loss`` is used. Defaults to class 0.
        c0: LSTM only: initial memory cell, zeros when None.

    Returns:
        Array of shape (t_loss + 1,): entry t is the Frobenius norm over the batch of
        ∂L/∂a[:, t] (the state after reading x[:, t]).

    Example:
        >>> from rnn_utils.scratch import init_params
        >>> params = init_params("rnn", n_x=3, n_a=5, n_y=2)
        >>> norms = state_gradient_norms("rnn", np.ones((4, 9, 3)), np.zeros((4, 5)), params)
        >>> norms.shape
        (9,)
    """
    x_arr, t_loss, y, mask = single_step_loss(x, t_loss, y)
    p, x, y, a0, mask, c0 = _prepare(kind, x_arr, y, a0, params, mask, c0)
    steps = slice(0, t_loss + 1)  # later steps do not affect L<t_loss>
    _, _, da_total = _loss_and_backward(kind, p, x[:, steps], y[:, steps], a0, mask[:, steps], c0)
    return np.sqrt(np.sum(da_total**2, axis=(0, 2)))


def rnn_state_gradient_norms(x, a0, params, t_loss=None, y=None):
    """:func:`state_gradient_norms` for the vanilla RNN."""
    return state_gradient_norms("rnn", x, a0, params, t_loss=t_loss, y=y)


def lstm_state_gradient_norms(x, a0, params, t_loss=None, y=None, c0=None):
    """:func:`state_gradient_norms` for the LSTM."""
    return state_gradient_norms("lstm", x, a0, params, t_loss=t_loss, y=y, c0=c0)


def gru_state_gradient_norms(x, a0, params, t_loss=None, y=None):
    """:func:`state_gradient_norms` for the full GRU."""
    return state_gradient_norms("gru", x, a0, params, t_loss=t_loss, y=y)
