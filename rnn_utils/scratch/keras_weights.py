"""Map from-scratch parameters (seed notation) to and from Keras's built-in weight layout.

Keras multiplies row vectors, ``x @ kernel + h @ recurrent_kernel + bias``, so its matrices are
the transposes of the seed's column-vector ones, split into the part acting on x<t> (kernel) and
the part acting on a<t-1> (recurrent kernel). Gate blocks are concatenated along the last axis:

- ``SimpleRNN``: kernel (n_x, n_a) = W_axᵀ, recurrent_kernel (n_a, n_a) = W_aaᵀ, bias = b_a.
- ``LSTM``: gate order i, f, c, o with Keras i = Γ_u; kernel (n_x, 4n_a), recurrent (n_a, 4n_a).
- ``GRU(reset_after=False)``: gate order z, r, h; kernel (n_x, 3n_a), recurrent (n_a, 3n_a),
  bias (3n_a,). Keras's z keeps the old state, h = z·h_prev + (1 − z)·h̃, so z = 1 − Γ_u.
  Since 1 − σ(s) = σ(−s), the z-block holds the *negated* Γ_u weights and bias.
- ``Dense``: kernel (n_a, n_y) = W_yᵀ, bias = b_y.
"""

from __future__ import annotations

import numpy as np

from rnn_utils.scratch.core import CELL_KEYS, OUTPUT_KEYS, check_kind, check_params

# (seed gate letter, sign) in Keras's block order; the GRU's z block is −Γ_u.
_KERAS_BLOCKS = {
    "lstm": (("u", 1.0), ("f", 1.0), ("c", 1.0), ("o", 1.0)),
    "gru": (("u", -1.0), ("r", 1.0), ("c", 1.0)),
}


def to_keras_weights(kind, params):
    """Convert seed-notation parameters to the weight lists of Keras's built-in layers.

    Args:
        kind: ``"rnn"`` (``SimpleRNN``), ``"lstm"`` (``LSTM``) or ``"gru"``
            (``GRU(reset_after=False)``).
        params: parameter dict of ``kind``; the output-layer keys are optional.

    Returns:
        ``{"rnn": [kernel, recurrent_kernel, bias], "dense": [kernel, bias] or None}``, ready
        for ``layer.set_weights``. The map is linear, so it also converts gradients.

    Example:
        >>> from rnn_utils.scratch import init_params
        >>> weights = to_keras_weights("gru", init_params("gru", n_x=3, n_a=5, n_y=2))
        >>> [w.shape for w in weights["rnn"]], [w.shape for w in weights["dense"]]
        ([(3, 15), (5, 15), (15,)], [(5, 2), (2,)])
    """
    check_kind(kind)
    p, _, n_a, _ = check_params(kind, params, with_output=OUTPUT_KEYS[kind][0] in params)
    if kind == "rnn":
        rnn = [p["Wax"].T.copy(), p["Waa"].T.copy(), p["ba"].copy()]
    else:
        blocks = _KERAS_BLOCKS[kind]
        rnn = [
            np.concatenate([sign * p["W" + g][:, n_a:].T for g, sign in blocks], axis=1),
            np.concatenate([sign * p["W" + g][:, :n_a].T for g, sign in blocks], axis=1),
            np.concatenate([sign * p["b" + g] for g, sign in blocks]),
        ]
    w_key, b_key = OUTPUT_KEYS[kind]
    dense = [p[w_key].T.copy(), p[b_key].copy()] if w_key in p else None
    return {"rnn": rnn, "dense": dense}


def _as_weight_list(weights, name, count):
    if not isinstance(weights, list | tuple) or len(weights) != count:
        got = f"a list of {len(weights)}" if isinstance(weights, list | tuple) else type(weights)
        raise ValueError(
            f"{name} must be a list of {count} arrays (Keras get_weights() order), got {got}"
        )
    return [np.asarray(w, dtype=np.float64) for w in weights]


def from_keras_weights(kind, rnn_weights, dense_weights=None):
    """Convert Keras built-in weights back to seed-notation parameters.

    Args:
        kind: ``"rnn"``, ``"lstm"`` or ``"gru"`` (the GRU must use ``reset_after=False``).
        rnn_weights: ``[kernel, recurrent_kernel, bias]`` from the recurrent layer's
            ``get_weights()``.
        dense_weights: ``[kernel, bias]`` of the ``Dense`` output layer, or None to return
            only the cell's parameters.

    Returns:
        The parameter dict of ``kind`` (see :func:`init_params`).

    Example:
        >>> from rnn_utils.scratch import init_params
        >>> params = init_params("lstm", n_x=3, n_a=5, n_y=2, seed=1)
        >>> w = to_keras_weights("lstm", params)
        >>> back = from_keras_weights("lstm", w["rnn"], w["dense"])
        >>> bool(np.allclose(back["Wo"], params["Wo"]))
        True
    """
    check_kind(kind)
    kernel, recurrent, bias = _as_weight_list(rnn_weights, "rnn_weights", 3)
    gates = 1 if kind == "rnn" else len(_KERAS_BLOCKS[kind])
    if recurrent.ndim != 2 or recurrent.shape[1] != gates * recurrent.shape[0]:
        raise ValueError(
            f"recurrent_kernel has shape {recurrent.shape}; expected (n_a, {gates} * n_a) "
            f"for a Keras {kind} layer"
        )
    n_a = recurrent.shape[0]
    if kernel.ndim != 2 or kernel.shape[1] != gates * n_a:
        raise ValueError(f"kernel has shape {kernel.shape}; expected (n_x, {gates * n_a})")
    if bias.shape != (gates * n_a,):
        hint = " (use GRU(reset_after=False))" if kind == "gru" and bias.ndim == 2 else ""
        raise ValueError(f"bias has shape {bias.shape}; expected ({gates * n_a},){hint}")
    if kind == "rnn":
        params = {"Waa": recurrent.T.copy(), "Wax": kernel.T.copy(), "ba": bias.copy()}
    else:
        params = {}
        for i, (g, sign) in enumerate(_KERAS_BLOCKS[kind]):
            cols = slice(i * n_a, (i + 1) * n_a)
            params["W" + g] = sign * np.concatenate([recurrent[:, cols].T, kernel[:, cols].T], 1)
            params["b" + g] = sign * bias[cols]
        params = {key: params[key] for key in CELL_KEYS[kind]}
    if dense_weights is not None:
        dense_kernel, dense_bias = _as_weight_list(dense_weights, "dense_weights", 2)
        w_key, b_key = OUTPUT_KEYS[kind]
        params[w_key], params[b_key] = dense_kernel.T.copy(), dense_bias.copy()
    check_params(kind, params, with_output=dense_weights is not None)
    return params
