"""Bidirectional RNNs from scratch in NumPy: both directions, the merge, padding masks, BPTT.

Taught in notebook 06. A forward cell reads x<1>, …, x<T_x> and gives a→<t>; a second cell
with its own weights reads x<T_x>, …, x<1> and gives a←<t>; the prediction at t sees both,
ŷ<t> = softmax(W_y [a→<t>, a←<t>] + b_y) (the ``"concat"`` merge; ``"sum"``, ``"mul"`` and
``"ave"`` combine the two element-wise, as ``keras.layers.Bidirectional`` does). The cells are
the one-step functions of :mod:`rnn_utils.scratch.rnn`, :mod:`~rnn_utils.scratch.gru` and
:mod:`~rnn_utils.scratch.lstm`; the Keras twin is :class:`rnn_utils.layers.Bidirectional`.

Parameters live in one flat dict (so :func:`~rnn_utils.scratch.gradient_check` can perturb it):
the forward cell's keys prefixed ``"fwd_"`` (``"fwd_Waa"``, …), the backward cell's prefixed
``"bwd_"``, and the output layer ``"Wy"`` (n_y, 2 n_a for concat, else n_y, n_a) and ``"by"``.
A ``mask`` (m, T_x) of 1 (real token) and 0 (padding) makes both directions skip padded steps:
the state is carried over unchanged and the output there is 0, as in Keras.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from rnn_utils.scratch.bptt import _cross_entropy, backprop_direction, run_direction
from rnn_utils.scratch.core import (
    CELL_KEYS,
    check_array,
    check_mask,
    check_params,
    check_sequence_inputs,
    check_targets,
    init_params,
    softmax,
)
from rnn_utils.scratch.keras_weights import to_keras_weights

__all__ = [
    "MERGE_MODES",
    "BidirectionalOutput",
    "bidirectional_forward",
    "bidirectional_loss_and_grads",
    "init_bidirectional_params",
    "merge_directions",
    "split_bidirectional_params",
    "to_keras_bidirectional_weights",
]

MERGE_MODES = ("concat", "sum", "mul", "ave", None)
_DIRECTIONS = ("fwd", "bwd")


class BidirectionalOutput(NamedTuple):
    """What :func:`bidirectional_forward` returns.

    Attributes:
        a_fwd: a→<t> for every t, (m, T_x, n_a), read from x<1..t> (0 on padded steps).
        a_bwd: a←<t> for every t, (m, T_x, n_a), read from x<t..T_x>, in time order.
        merged: the merged activations (m, T_x, 2 n_a or n_a); ``(a_fwd, a_bwd)`` for None.
        y_hat: ŷ<t> (m, T_x, n_y), or None when ``params`` has no output layer.
        cache: what :func:`bidirectional_loss_and_grads` needs for the backward pass.
    """

    a_fwd: np.ndarray
    a_bwd: np.ndarray
    merged: np.ndarray | tuple[np.ndarray, np.ndarray]
    y_hat: np.ndarray | None
    cache: dict


def _check_merge_mode(merge_mode):
    if merge_mode not in MERGE_MODES:
        raise ValueError(f"merge_mode must be one of {MERGE_MODES}, got {merge_mode!r}")
    return merge_mode


def init_bidirectional_params(kind, n_x, n_a, n_y=None, merge_mode="concat", seed=0):
    """Random parameters of a bidirectional ``"rnn"``, ``"gru"`` or ``"lstm"``.

    Each direction is drawn like :func:`~rnn_utils.scratch.init_params` (seeds ``seed`` and
    ``seed + 1``), so the two directions have different weights.

    Args:
        kind: the cell, ``"rnn"``, ``"gru"`` or ``"lstm"``.
        n_x, n_a: input size and hidden size of EACH direction.
        n_y: number of classes of ŷ<t>, or None for no output layer.
        merge_mode: decides the width of W_y: 2 n_a for ``"concat"``, n_a otherwise (an
            output layer needs a merge, so not with None).
        seed: seed of the NumPy generators.

    Returns:
        A flat dict: ``"fwd_<key>"`` and ``"bwd_<key>"`` for the cells' keys, plus ``"Wy"``
        and ``"by"`` when ``n_y`` is given.

    Example:
        >>> params = init_bidirectional_params("gru", n_x=3, n_a=4, n_y=2)
        >>> params["fwd_Wu"].shape, params["bwd_Wu"].shape, params["Wy"].shape
        ((4, 7), (4, 7), (2, 8))
    """
    _check_merge_mode(merge_mode)
    if n_y is not None and merge_mode is None:
        raise ValueError("merge_mode=None returns two sequences: give n_y=None (no W_y)")
    params = {}
    for offset, direction in enumerate(_DIRECTIONS):
        cell = init_params(kind, n_x, n_a, n_y or 1, seed=seed + offset)
        params.update({f"{direction}_{key}": cell[key] for key in CELL_KEYS[kind]})
    if n_y is not None:
        width = 2 * n_a if merge_mode == "concat" else n_a
        rng = np.random.default_rng(seed + 2)
        params["Wy"] = rng.standard_normal((n_y, width)) / np.sqrt(width)
        params["by"] = np.zeros(n_y)
    return params


def split_bidirectional_params(kind, params, merge_mode="concat"):
    """Check a flat bidirectional parameter dict and split it.

    Returns:
        ``(forward_cell, backward_cell, output)``: two cell dicts in the plain seed keys
        (``"Waa"``, …) and ``{"Wy", "by"}`` (empty without an output layer).
    """
    _check_merge_mode(merge_mode)
    cells, n_a = [], None
    for direction in _DIRECTIONS:
        prefix = f"{direction}_"
        cell = {key[len(prefix) :]: value for key, value in params.items() if key[:4] == prefix}
        try:
            cell, _, size, _ = check_params(kind, cell, with_output=False)
        except ValueError as error:
            raise ValueError(f"the {direction!r} direction: {error}") from None
        if n_a is not None and size != n_a:
            raise ValueError(f"both directions need the same n_a, got {n_a} and {size}")
        cells.append(cell)
        n_a = size
    unknown = [k for k in params if k[:4] not in ("fwd_", "bwd_") and k not in ("Wy", "by")]
    if unknown:
        raise ValueError(f"unexpected key(s) {unknown}: expected fwd_*, bwd_*, 'Wy', 'by'")
    output = {}
    if "Wy" in params or "by" in params:
        if merge_mode is None:
            raise ValueError("merge_mode=None has no single output: drop 'Wy' and 'by'")
        width = 2 * n_a if merge_mode == "concat" else n_a
        w_y = check_array(params.get("Wy"), "Wy", (None, width), f"(n_y, {width})")
        b_y = check_array(params.get("by"), "by", (w_y.shape[0],), "(n_y,)")
        output = {"Wy": w_y, "by": b_y}
    return cells[0], cells[1], output


def merge_directions(a_fwd, a_bwd, merge_mode="concat"):
    """Merge a→<t> and a←<t> like ``keras.layers.Bidirectional``.

    ``"concat"`` gives [a→<t>, a←<t>] (2 n_a features); ``"sum"``, ``"mul"`` and ``"ave"``
    combine them element-wise (n_a features); None returns the pair unchanged.

    Example:
        >>> merge_directions(np.ones((1, 2, 3)), np.ones((1, 2, 3)), "concat").shape
        (1, 2, 6)
    """
    _check_merge_mode(merge_mode)
    if np.shape(a_fwd) != np.shape(a_bwd):
        raise ValueError(f"a_fwd {np.shape(a_fwd)} and a_bwd {np.shape(a_bwd)} must match")
    if merge_mode == "concat":
        return np.concatenate([a_fwd, a_bwd], axis=-1)
    if merge_mode == "sum":
        return a_fwd + a_bwd
    if merge_mode == "mul":
        return a_fwd * a_bwd
    if merge_mode == "ave":
        return (a_fwd + a_bwd) / 2.0
    return a_fwd, a_bwd


def _merge_backward(d_merged, a_fwd, a_bwd, merge_mode):
    """dL/da→ and dL/da← from dL/d(merged)."""
    if merge_mode == "concat":
        n_a = a_fwd.shape[-1]
        return d_merged[..., :n_a], d_merged[..., n_a:]
    if merge_mode == "sum":
        return d_merged, d_merged
    if merge_mode == "mul":
        return d_merged * a_bwd, d_merged * a_fwd
    return d_merged / 2.0, d_merged / 2.0


def bidirectional_forward(kind, x, params, mask=None, merge_mode="concat"):
    """Forward pass of a bidirectional RNN over whole sequences.

    a→<t> = cell(x<t>, a→<t-1>) for t = 1..T_x and a←<t> = cell'(x<t>, a←<t+1>) for
    t = T_x..1, both from zero initial states; then the merge and, when ``params`` holds
    ``"Wy"`` and ``"by"``, ŷ<t> = softmax(W_y merged<t> + b_y).

    Args:
        kind: the cell, ``"rnn"``, ``"gru"`` or ``"lstm"``.
        x: inputs, (m, T_x, n_x).
        params: flat dict from :func:`init_bidirectional_params`.
        mask: optional (m, T_x), 1 on real tokens and 0 on padding: both directions skip the
            padded steps. Without it, padded steps are read like words: with right padding the
            backward direction reads them first (a←<t> is wrong at every real token) and the
            forward direction last (a→<t> is right at the real tokens, its final state is not);
            with left padding the roles swap.
        merge_mode: ``"concat"`` (the seed's [a→<t>, a←<t>]), ``"sum"``, ``"mul"``, ``"ave"``
            or None.

    Returns:
        A :class:`BidirectionalOutput` ``(a_fwd, a_bwd, merged, y_hat, cache)``.

    Example:
        >>> params = init_bidirectional_params("rnn", n_x=2, n_a=3, n_y=4)
        >>> out = bidirectional_forward("rnn", np.ones((5, 6, 2)), params)
        >>> out.merged.shape, out.y_hat.shape
        ((5, 6, 6), (5, 6, 4))
    """
    fwd, bwd, output = split_bidirectional_params(kind, params, merge_mode)
    n_x = fwd["Wax"].shape[1] if kind == "rnn" else fwd["Wc"].shape[1] - fwd["bc"].shape[0]
    n_a = fwd["ba"].shape[0] if kind == "rnn" else fwd["bc"].shape[0]
    x, _ = check_sequence_inputs(x, np.zeros((len(np.asarray(x)), n_a)), n_x, n_a)
    mask = check_mask(mask, x.shape[0], x.shape[1])
    a_fwd, _, caches_fwd = run_direction(kind, x, fwd, mask, reverse=False)
    a_bwd, _, caches_bwd = run_direction(kind, x, bwd, mask, reverse=True)
    merged = merge_directions(a_fwd, a_bwd, merge_mode)
    y_hat = softmax(merged @ output["Wy"].T + output["by"]) if output else None
    cache = {
        "kind": kind,
        "mask": mask,
        "merge_mode": merge_mode,
        "cells": (fwd, bwd),
        "caches": (caches_fwd, caches_bwd),
    }
    return BidirectionalOutput(a_fwd, a_bwd, merged, y_hat, cache)


def bidirectional_loss_and_grads(kind, x, y, params, mask=None, merge_mode="concat"):
    """Softmax cross-entropy of a bidirectional tagger and its gradients, by BPTT both ways.

    The loss is summed over the real steps (over every step, padding included, when no mask
    is given) and averaged over the batch, as in
    :func:`~rnn_utils.scratch.loss_and_grads`. Each direction's gradient is carried back in
    the opposite order of its own forward pass: the forward cell's from T_x down to 1, the
    backward cell's from 1 up to T_x.

    Args:
        kind, x, params, mask, merge_mode: as in :func:`bidirectional_forward` (``params``
            must hold ``"Wy"`` and ``"by"``; ``merge_mode`` cannot be None).
        y: integer class ids, (m, T_x).

    Returns:
        ``(loss, grads)`` with ``grads`` keyed like ``params``.

    Example:
        >>> from rnn_utils.scratch import gradient_check
        >>> params = init_bidirectional_params("lstm", n_x=2, n_a=3, n_y=4, merge_mode="mul")
        >>> x = np.random.default_rng(0).normal(size=(2, 4, 2))
        >>> y = np.array([[0, 1, 2, 3], [3, 2, 1, 0]])
        >>> f = lambda p: bidirectional_loss_and_grads("lstm", x, y, p, merge_mode="mul")
        >>> max(gradient_check(f, params, max_entries=5).values()) < 1e-6
        True
    """
    if merge_mode is None or "Wy" not in params:
        raise ValueError("the loss needs an output layer ('Wy', 'by') and a merge_mode")
    out = bidirectional_forward(kind, x, params, mask, merge_mode)
    cache = out.cache
    m, t_x, _ = out.merged.shape
    y, mask = check_targets(y, cache["mask"], m, t_x, params["by"].shape[0])
    loss, dlogits = _cross_entropy(out.y_hat, y, mask)
    grads = {
        "Wy": np.einsum("mty,mta->ya", dlogits, out.merged),
        "by": dlogits.sum(axis=(0, 1)),
    }
    d_merged = dlogits @ np.asarray(params["Wy"], dtype=np.float64)
    d_directions = _merge_backward(d_merged, out.a_fwd, out.a_bwd, merge_mode)
    for direction, da_out, cell, caches, reverse in zip(
        _DIRECTIONS, d_directions, cache["cells"], cache["caches"], (False, True), strict=True
    ):
        cell_grads = backprop_direction(kind, da_out, caches, cell, mask, reverse)[0]
        grads.update({f"{direction}_{key}": value for key, value in cell_grads.items()})
    return loss, {key: grads[key] for key in params}


def to_keras_bidirectional_weights(kind, params, merge_mode="concat"):
    """Weights for ``Bidirectional(...)`` (Keras's or ours) and the ``Dense`` output layer.

    Both wrappers list the forward layer's weights, then the backward layer's, each in the
    layout of :func:`~rnn_utils.scratch.to_keras_weights` (for the GRU: ``reset_after=False``).

    Args:
        kind: the cell, ``"rnn"``, ``"gru"`` or ``"lstm"``.
        params: flat dict from :func:`init_bidirectional_params`.
        merge_mode: the merge the output layer was made for (it fixes the width of W_y).

    Returns:
        ``{"bidirectional": [6 arrays], "dense": [W_yᵀ, b_y] or None}``.

    Example:
        >>> params = init_bidirectional_params("lstm", n_x=3, n_a=4, n_y=2)
        >>> [w.shape for w in to_keras_bidirectional_weights("lstm", params)["bidirectional"]]
        [(3, 16), (4, 16), (16,), (3, 16), (4, 16), (16,)]
    """
    fwd, bwd, output = split_bidirectional_params(kind, params, merge_mode)
    weights = to_keras_weights(kind, fwd)["rnn"] + to_keras_weights(kind, bwd)["rnn"]
    dense = [output["Wy"].T.copy(), output["by"].copy()] if output else None
    return {"bidirectional": weights, "dense": dense}
