"""Deep (stacked) RNNs from scratch in NumPy: L recurrent layers, forward pass and BPTT.

Taught in notebook 07. Layer l reads the activation sequence of layer l − 1, in seed notation
a^[l]<t> = g(W^[l] [a^[l]<t-1>, a^[l-1]<t>] + b^[l]) with a^[0]<t> = x<t>, and the softmax
output reads the top layer, ŷ<t> = softmax(W_y a^[L]<t> + b_y). Every layer is one of the
single-layer cells of :mod:`rnn_utils.scratch.rnn`, :mod:`~rnn_utils.scratch.gru` or
:mod:`~rnn_utils.scratch.lstm`, used unchanged, run over time (forward and BPTT, one direction
at a time) by :func:`rnn_utils.scratch.bptt.run_direction` and its BPTT, the one home of the
NumPy time loop. Two options mirror :class:`rnn_utils.layers.DeepRNN`: *bidirectional* layers
(a forward and a backward copy whose activations are concatenated) and *residual* connections:
when the two sizes match, layer l passes up o^[l]<t> = a^[l]<t> + o^[l-1]<t> (o^[0] = x), while
its own recurrence keeps using its state a^[l]<t-1>. Initial states are zeros, as in Keras.

All parameters live in ONE flat dict, so :func:`rnn_utils.scratch.gradient_check` works on it
unchanged: layer l's cell keys carry the suffix ``[l]`` (``"Waa[1]"``, ``"Wu[2]"``, 1-based),
the backward copy of a bidirectional layer ``[l]back``, and the output layer keeps the keys of
:data:`rnn_utils.scratch.core.OUTPUT_KEYS` (``"Wya"``/``"by"`` for the RNN, ``"Wy"``/``"by"``).
"""

from __future__ import annotations

import re

import numpy as np

from rnn_utils.scratch.bptt import (
    _cross_entropy,
    backprop_direction,
    run_direction,
    single_step_loss,
)
from rnn_utils.scratch.core import (
    CELL_KEYS,
    OUTPUT_KEYS,
    check_array,
    check_kind,
    check_mask,
    check_params,
    check_targets,
    init_params,
    output_forward,
)
from rnn_utils.scratch.keras_weights import to_keras_weights

__all__ = [
    "deep_forward",
    "deep_loss_and_grads",
    "deep_state_gradient_norms",
    "deep_to_keras_weights",
    "init_deep_params",
]

_KEY = re.compile(r"^(?P<name>[A-Za-z]+)\[(?P<layer>\d+)\](?P<back>back)?$")


def init_deep_params(kind, n_x, units, n_y, seed=0, bidirectional=False):
    """Random parameters of a stack of ``len(units)`` layers of ``kind`` and a softmax output.

    Each layer is drawn by :func:`rnn_utils.scratch.init_params` (weights N(0, 1)/√fan_in,
    zero biases, b_f = 1) with its own seed. A bidirectional layer has two copies and hands
    2 · units[l] features to the layer above.

    Args:
        kind: ``"rnn"``, ``"lstm"`` or ``"gru"``.
        n_x: input size.
        units: list of n_a^[l], bottom to top.
        n_y: number of output classes.
        seed: base seed: layer l uses seed + l, its backward copy seed + 100 + l, the softmax
            layer seed itself.
        bidirectional: make every layer bidirectional.

    Returns:
        A flat dict (see the module docstring).

    Example:
        >>> params = init_deep_params("rnn", n_x=3, units=[5, 4], n_y=2)
        >>> params["Wax[2]"].shape, params["Wya"].shape
        ((4, 5), (2, 4))
    """
    check_kind(kind)
    if not isinstance(units, list | tuple) or not units:
        raise ValueError(f"units must be a non-empty list of layer sizes, got {units!r}")
    params, n_in = {}, n_x
    for layer, n_a in enumerate(units, start=1):
        for suffix, offset in (("", 0), ("back", 100)) if bidirectional else (("", 0),):
            p = init_params(kind, n_in, n_a, n_y, seed=seed + offset + layer)
            params |= {f"{key}[{layer}]{suffix}": p[key] for key in CELL_KEYS[kind]}
        n_in = n_a * (2 if bidirectional else 1)
    output = init_params(kind, 1, n_in, n_y, seed=seed)  # only its output layer is used
    return params | {key: output[key] for key in OUTPUT_KEYS[kind]}


def _split(kind, params):
    """Group a flat dict by layer: ``([(forward, backward or None), ...], output, n_x)``."""
    check_kind(kind)
    grouped, output = {}, {}
    for key, value in params.items():
        if key in OUTPUT_KEYS[kind]:
            output[key] = value
            continue
        match = _KEY.match(key)
        if match is None:
            raise ValueError(
                f"params has an unexpected key {key!r}: expected cell keys with a layer suffix "
                f"such as 'Waa[1]' or 'Waa[1]back', or the output keys {OUTPUT_KEYS[kind]}"
            )
        layer, back = int(match["layer"]), bool(match["back"])
        grouped.setdefault(layer, ({}, {}))[back][match["name"]] = value
    if sorted(grouped) != list(range(1, len(grouped) + 1)):
        raise ValueError(f"layers must be numbered 1..L without gaps, got {sorted(grouped)}")
    missing = [key for key in OUTPUT_KEYS[kind] if key not in output]
    if missing:
        raise ValueError(f"params is missing the output layer key(s) {missing}")
    layers, n_in, n_x = [], None, None
    for layer in sorted(grouped):
        pair = []
        for p in grouped[layer]:
            if p:
                p, n_feat, n_a, _ = check_params(kind, p, with_output=False)
                if n_in is not None and n_feat != n_in:
                    raise ValueError(
                        f"layer {layer} reads {n_feat} features but layer {layer - 1} gives "
                        f"{n_in}: W^[{layer}] must have shape (n_a, n_a + n_a^[{layer - 1}])"
                    )
                n_x = n_feat if n_x is None else n_x
                pair.append((p, n_a))
        if not grouped[layer][0]:
            raise ValueError(f"layer {layer} has only a backward copy: add its forward keys")
        if len(pair) == 2 and pair[0][1] != pair[1][1]:
            raise ValueError(f"the two directions of layer {layer} have different sizes")
        n_in = sum(n_a for _, n_a in pair)
        layers.append((pair[0][0], pair[1][0] if len(pair) == 2 else None))
    w_key, b_key = OUTPUT_KEYS[kind]
    b_y = check_array(output[b_key], f"params[{b_key!r}]", (None,), "(n_y,)")
    w_y = check_array(output[w_key], f"params[{w_key!r}]", (b_y.size, n_in), "(n_y, n^[L])")
    return layers, {w_key: w_y, b_key: b_y}, n_x


def _forward(kind, x, layers, residual, padding):
    """Run the stack; returns (outputs of every layer, caches of every direction).

    ``padding`` (m, T_x) is 1 at real steps: every direction skips the padded ones (notebook 06)."""
    outputs, caches, below = [], [], x
    for pair in layers:  # (forward copy, backward copy or None), bottom layer first
        runs = [
            run_direction(kind, below, p, padding, reverse)
            for p, reverse in zip(pair, (False, True), strict=True)
            if p is not None
        ]
        out = np.concatenate([a for a, _, _ in runs], axis=-1)
        if residual and out.shape[-1] == below.shape[-1]:
            out = out + below  # o^[l] = a^[l] + o^[l-1]
        outputs.append(out)
        caches.append([direction_caches for _, _, direction_caches in runs])
        below = out
    return outputs, caches


def _check_x(x, n_x):
    x = check_array(x, "x", (None, None, n_x), "(m, T_x, n_x)", f" (n_x={n_x} from params)")
    if x.shape[1] == 0:
        raise ValueError("x has no time steps: expected shape (m, T_x, n_x) with T_x >= 1")
    return x


def deep_forward(kind, x, params, residual=False, mask=None):
    """Forward pass of a deep RNN: every layer's activation sequence and ŷ<t>.

    Args:
        kind: ``"rnn"``, ``"lstm"`` or ``"gru"`` (every layer has the same cell).
        x: inputs x<1..T_x>, (m, T_x, n_x).
        params: flat dict from :func:`init_deep_params` (suffixes ``[l]`` / ``[l]back``).
        residual: add a layer's input to the output it passes up when their sizes match
            (o^[l] = a^[l] + o^[l-1]; the recurrence keeps a^[l]).
        mask: optional 0/1 array (m, T_x), 1 at real steps; padded steps carry every state over
            and output 0, in both directions (as Keras's layers do inside ``Bidirectional`` or
            with ``zero_output_for_mask=True``; on their own they repeat the carried state).

    Returns:
        ``(activations, y_hat)``: a list of the L sequences each layer passes up (a^[l], or
        o^[l] = a^[l] + o^[l-1] with ``residual``), each
        (m, T_x, n^[l]) (both directions concatenated for a bidirectional layer), and
        ŷ (m, T_x, n_y).

    Example:
        >>> params = init_deep_params("gru", n_x=3, units=[5, 5, 4], n_y=2)
        >>> acts, y_hat = deep_forward("gru", np.ones((2, 7, 3)), params)
        >>> [a.shape for a in acts], y_hat.shape
        ([(2, 7, 5), (2, 7, 5), (2, 7, 4)], (2, 7, 2))
    """
    layers, output, n_x = _split(kind, params)
    x = _check_x(x, n_x)
    outputs, _ = _forward(kind, x, layers, residual, check_mask(mask, *x.shape[:2]))
    w_key, b_key = OUTPUT_KEYS[kind]
    return outputs, output_forward(outputs[-1], output[w_key], output[b_key])


def _loss_and_backward(kind, x, y, params, mask, residual, padding):
    layers, output, n_x = _split(kind, params)
    x = _check_x(x, n_x)
    y, mask = check_targets(y, mask, x.shape[0], x.shape[1], output[OUTPUT_KEYS[kind][1]].size)
    padding = check_mask(padding, *x.shape[:2])
    outputs, caches = _forward(kind, x, layers, residual, padding)
    w_key, b_key = OUTPUT_KEYS[kind]
    y_hat = output_forward(outputs[-1], output[w_key], output[b_key])
    loss, dlogits = _cross_entropy(y_hat, y, mask)
    grads = {w_key: np.einsum("mtk,mta->ka", dlogits, outputs[-1]), b_key: dlogits.sum(axis=(0, 1))}
    d_out, state_grads = dlogits @ output[w_key], []
    for index in reversed(range(len(layers))):
        below = outputs[index - 1] if index else x
        d_below, n_seen, totals = 0.0, 0, []
        for p, reverse, cache in zip(
            layers[index], (False, True), [*caches[index], None][:2], strict=True
        ):
            if p is None:
                continue
            n_a = p["ba" if kind == "rnn" else "bc"].shape[0]
            step_grads, dx, da_total, _ = backprop_direction(
                kind, d_out[..., n_seen : n_seen + n_a], cache, p, padding, reverse
            )
            suffix = f"[{index + 1}]" + ("back" if reverse else "")
            grads |= {key + suffix: g for key, g in step_grads.items()}
            d_below, n_seen = d_below + dx, n_seen + n_a
            totals.append(da_total)
        if residual and d_out.shape[-1] == below.shape[-1]:
            d_below = d_below + d_out  # the identity path o^[l-1] -> o^[l]
        state_grads.insert(0, np.concatenate(totals, axis=-1))
        d_out = d_below
    return loss, grads, state_grads


def deep_loss_and_grads(kind, x, y, params, mask=None, residual=False):
    """Loss of a deep RNN and its gradients by BPTT through every layer and every step.

    The gradient reaching layer l at step t has two sources: layer l at step t + 1 (through
    time) and layer l + 1 at step t (through depth); the backward pass adds them, top layer
    first, last step first. The loss is :func:`rnn_utils.scratch.loss_and_grads`'s: the masked
    cross-entropy summed over time and averaged over the batch.

    Args:
        kind: ``"rnn"``, ``"lstm"`` or ``"gru"``.
        x: inputs, (m, T_x, n_x).
        y: integer targets, (m, T_x), in [0, n_y).
        params: flat dict from :func:`init_deep_params`.
        mask: optional 0/1 array (m, T_x), 1 at real steps: padded steps count in no loss and,
            as in :func:`deep_forward`, are skipped by every direction.
        residual: as in :func:`deep_forward`.

    Returns:
        ``(loss, grads)`` with one gradient per key of ``params``.

    Example:
        >>> from rnn_utils.scratch import gradient_check
        >>> params = init_deep_params("lstm", n_x=2, units=[3, 3], n_y=2, bidirectional=True)
        >>> x, y = np.random.default_rng(0).normal(size=(2, 4, 2)), np.zeros((2, 4), int)
        >>> f = lambda p: deep_loss_and_grads("lstm", x, y, p)
        >>> max(gradient_check(f, params, max_entries=5).values()) < 1e-7
        True
    """
    loss, grads, _ = _loss_and_backward(kind, x, y, params, mask, residual, padding=mask)
    return loss, {key: grads[key] for key in params}


def deep_state_gradient_norms(kind, x, params, t_loss=None, y=None, residual=False):
    """‖∂L<t_loss>/∂a^[l]<t>‖ for every layer l and step t: how much gradient reaches each unit.

    The loss is the cross-entropy of the single step ``t_loss`` (0-based; default the last).
    The gradient at a^[l]<t> is the total one, from step t + 1 and from layer l + 1 (both
    directions concatenated for a bidirectional layer); with ``residual`` it is the gradient at
    the layer's state a^[l]<t>, not at the o^[l]<t> it passes up.

    Args:
        kind, x, params, residual: as in :func:`deep_forward`.
        t_loss: the step whose loss is differentiated.
        y: integer targets (m, T_x); only column ``t_loss`` is used. Defaults to class 0.

    Returns:
        Array (L, T_x): entry [l − 1, t] is the Frobenius norm over the batch of ∂L/∂a^[l]
        at step ``t`` (zero after ``t_loss``, which the loss does not depend on).

    Example:
        >>> params = init_deep_params("rnn", n_x=3, units=[4, 4, 4], n_y=2)
        >>> deep_state_gradient_norms("rnn", np.ones((2, 6, 3)), params).shape
        (3, 6)
    """
    x, t_loss, y, mask = single_step_loss(np.asarray(x, dtype=np.float64), t_loss, y)
    _, _, state_grads = _loss_and_backward(kind, x, y, params, mask, residual, padding=None)
    return np.stack([np.sqrt(np.sum(g**2, axis=(0, 2))) for g in state_grads])


def deep_to_keras_weights(kind, params):
    """The weights of the stack in Keras's order, for ``model.set_weights``.

    Order: layer 1 (forward ``[kernel, recurrent_kernel, bias]``, then the backward copy's),
    layer 2, …, then the ``Dense`` output ``[kernel, bias]`` — the order of ``get_weights()``
    of a ``keras.Sequential`` of built-in layers (``Bidirectional`` wrappers included), and of
    ``rnn_utils.layers.DeepRNN`` followed by ``Dense``. The GRU is the seed-003 form, Keras's
    ``GRU(reset_after=False)``; see :func:`rnn_utils.scratch.to_keras_weights`.

    Example:
        >>> params = init_deep_params("lstm", n_x=3, units=[5, 4], n_y=2)
        >>> [w.shape for w in deep_to_keras_weights("lstm", params)][3:]
        [(5, 16), (4, 16), (16,), (4, 2), (2,)]
    """
    layers, output, _ = _split(kind, params)
    weights = []
    for pair in layers:
        for p in pair:
            if p is not None:
                weights += to_keras_weights(kind, p)["rnn"]
    w_key, b_key = OUTPUT_KEYS[kind]
    return weights + [output[w_key].T.copy(), output[b_key].copy()]
