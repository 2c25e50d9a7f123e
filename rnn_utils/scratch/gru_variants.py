"""Two more GRUs from scratch in NumPy: the simplified GRU and the reset-after form.

Taught in notebook 04, next to the full GRU of :mod:`rnn_utils.scratch.gru` (the reset-before
form of seed 003: Γ_r multiplies c<t-1> *before* the candidate's matmul, Keras's
``GRU(reset_after=False)``):

- the **simplified GRU** has no relevance gate (Γ_r ≡ 1): parameters ``Wu``, ``bu``, ``Wc``, ``bc``;
- the **reset-after GRU** applies Γ_r *after* the matmul, to W_cc c<t-1> + b'_c: the form of
  the first arXiv version of Cho et al. (2014, arXiv:1406.1078v1), cuDNN's, and Keras's default
  ``reset_after=True``. Seed 001's eq. (10) can be read this way (with b'_c = 0), though the
  post it follows writes the reset-before form. Parameters ``Wu``, ``bu``, ``Wr``, ``br``,
  ``Wc``, ``bc`` as for the full GRU, plus the candidate's recurrent bias ``bc_rec`` (n_a,),
  which Γ_r also scales (the recurrent biases of Keras's z and r blocks would only add to
  ``bu`` and ``br``, so they are left out).

Forward passes only (the notebook trains the Keras layers). :func:`keras_gru_weights` maps
parameters to Keras's GRU weights for either form (Keras's z = 1 − Γ_u, so the z block holds the
negated Γ_u weights; see :mod:`rnn_utils.scratch.keras_weights`).
"""

from __future__ import annotations

import numpy as np

from rnn_utils.scratch.core import CELL_KEYS, check_array, check_sequence_inputs, sigmoid
from rnn_utils.scratch.keras_weights import to_keras_weights

SIMPLIFIED_KEYS = ("Wu", "bu", "Wc", "bc")
RESET_AFTER_KEYS = CELL_KEYS["gru"] + ("bc_rec",)


def _check(params, keys, form):
    """Validate a parameter dict of ``form``; return (float64 dict, n_x, n_a)."""
    if not isinstance(params, dict) or sorted(params) != sorted(keys):
        got = sorted(params) if isinstance(params, dict) else type(params).__name__
        raise ValueError(f"{form} params must have exactly the keys {list(keys)}, got {got}")
    n_a = np.shape(params["bu"])[0] if np.ndim(params["bu"]) == 1 else -1
    if n_a < 1 or np.ndim(params["Wu"]) != 2 or np.shape(params["Wu"])[1] <= n_a:
        raise ValueError(
            f"params['bu'] must be (n_a,) and params['Wu'] (n_a, n_a + n_x), got shapes "
            f"{np.shape(params['bu'])} and {np.shape(params['Wu'])}"
        )
    n_x = np.shape(params["Wu"])[1] - n_a
    p = {}
    for key in keys:
        shape, symbolic = ((n_a,), "(n_a,)") if key.startswith("b") else ((n_a, n_a + n_x), "")
        p[key] = check_array(params[key], f"params[{key!r}]", shape, symbolic or "(n_a, n_a+n_x)")
    return p, n_x, n_a


def simplified_gru_step(xt, c_prev, params):
    """One step of the simplified GRU (no relevance gate, Γ_r ≡ 1).

    Γ_u = σ(W_u[c<t-1>, x<t>] + b_u), c̃<t> = tanh(W_c[c<t-1>, x<t>] + b_c),
    c<t> = Γ_u * c̃<t> + (1 − Γ_u) * c<t-1>  (and a<t> = c<t>).

    Args:
        xt: x<t>, (m, n_x). c_prev: c<t-1>, (m, n_a).
        params: ``"Wu"``, ``"Wc"`` (n_a, n_a + n_x) and ``"bu"``, ``"bc"`` (n_a,).

    Returns:
        c<t>, (m, n_a).

    Example:
        >>> p = {"Wu": np.zeros((2, 3)), "bu": np.zeros(2), "Wc": np.ones((2, 3))}
        >>> p["bc"] = np.zeros(2)
        >>> simplified_gru_step(np.ones((1, 1)), np.zeros((1, 2)), p).round(3)  # Γ_u = 0.5
        array([[0.381, 0.381]])
    """
    p, n_x, n_a = _check(params, SIMPLIFIED_KEYS, "simplified GRU")
    xt = check_array(xt, "xt", (None, n_x), "(m, n_x)")
    c_prev = check_array(c_prev, "c_prev", (xt.shape[0], n_a), "(m, n_a)")
    concat = np.concatenate([c_prev, xt], axis=1)
    gate_u = sigmoid(concat @ p["Wu"].T + p["bu"])
    c_tilde = np.tanh(concat @ p["Wc"].T + p["bc"])
    return gate_u * c_tilde + (1.0 - gate_u) * c_prev


def gru_reset_after_step(xt, a_prev, params):
    """One step of the reset-after GRU (Γ_r scales the candidate's recurrent term).

    With W_c = [W_cc | W_cx] split into its a<t-1> and x<t> columns:
    c̃<t> = tanh(W_cx x<t> + b_c + Γ_r * (W_cc a<t-1> + b'_c)); Γ_u, Γ_r and the update of
    a<t> are those of the full GRU. ``bc_rec`` is b'_c.

    Args:
        xt: x<t>, (m, n_x). a_prev: a<t-1>, (m, n_a).
        params: the full GRU's ``Wu, bu, Wr, br, Wc, bc`` plus ``bc_rec`` (n_a,).

    Returns:
        a<t>, (m, n_a).

    Example:
        >>> from rnn_utils.scratch import init_params
        >>> p = {k: v for k, v in init_params("gru", 3, 4, 2).items() if k not in ("Wy", "by")}
        >>> p["bc_rec"] = np.zeros(4)
        >>> gru_reset_after_step(np.ones((5, 3)), np.zeros((5, 4)), p).shape
        (5, 4)
    """
    p, n_x, n_a = _check(params, RESET_AFTER_KEYS, "reset-after GRU")
    xt = check_array(xt, "xt", (None, n_x), "(m, n_x)")
    a_prev = check_array(a_prev, "a_prev", (xt.shape[0], n_a), "(m, n_a)")
    concat = np.concatenate([a_prev, xt], axis=1)
    gate_u = sigmoid(concat @ p["Wu"].T + p["bu"])
    gate_r = sigmoid(concat @ p["Wr"].T + p["br"])
    recurrent = a_prev @ p["Wc"][:, :n_a].T + p["bc_rec"]
    c_tilde = np.tanh(xt @ p["Wc"][:, n_a:].T + p["bc"] + gate_r * recurrent)
    return gate_u * c_tilde + (1.0 - gate_u) * a_prev


def variant_forward(step, x, a0, params):
    """Run ``step`` (one of the steps above, or the full GRU's) over a sequence.

    Args:
        step: ``step(xt, a_prev, params) -> a_next``.
        x: (m, T_x, n_x). a0: a<0>, (m, n_a). params: the step's parameters.

    Returns:
        The states a<1..T_x>, (m, T_x, n_a).

    Example:
        >>> p = {"Wu": np.zeros((2, 3)), "bu": np.zeros(2), "Wc": np.ones((2, 3))}
        >>> p["bc"] = np.zeros(2)
        >>> variant_forward(simplified_gru_step, np.ones((4, 6, 1)), np.zeros((4, 2)), p).shape
        (4, 6, 2)
    """
    x, a0 = np.asarray(x, np.float64), np.asarray(a0, np.float64)
    if x.ndim != 3 or a0.ndim != 2:
        raise ValueError(f"expected x (m, T_x, n_x) and a0 (m, n_a), got {x.shape} and {a0.shape}")
    x, a0 = check_sequence_inputs(x, a0, x.shape[-1], a0.shape[-1])
    states, a = [], a0
    for t in range(x.shape[1]):
        a = step(x[:, t], a, params)
        states.append(a)
    return np.stack(states, axis=1)


def simplified_as_full(params, strength=30.0):
    """The full GRU with Γ_r pinned open: W_r = 0 and b_r = ``strength`` (σ(30) = 1 − 9e-14).

    Example:
        >>> p = {"Wu": np.zeros((2, 3)), "bu": np.zeros(2), "Wc": np.ones((2, 3))}
        >>> p["bc"] = np.zeros(2)
        >>> sorted(simplified_as_full(p))
        ['Wc', 'Wr', 'Wu', 'bc', 'br', 'bu']
    """
    p, _, n_a = _check(params, SIMPLIFIED_KEYS, "simplified GRU")
    return {**p, "Wr": np.zeros_like(p["Wu"]), "br": np.full(n_a, float(strength))}


def keras_gru_weights(params, reset_after):
    """``[kernel, recurrent_kernel, bias]`` of a Keras GRU computing the same function.

    Args:
        params: full GRU parameters (``Wu, bu, Wr, br, Wc, bc``), plus ``bc_rec`` when
            ``reset_after`` is True.
        reset_after: False for the reset-before form (bias (3n_a,)), True for the reset-after
            form (bias (2, 3n_a): row 0 input biases, row 1 recurrent biases; b'_c sits in
            row 1 of the h block, where Keras multiplies it by r).

    Returns:
        The list for ``layer.set_weights`` (float64).

    Example:
        >>> from rnn_utils.scratch import init_params
        >>> p = {k: v for k, v in init_params("gru", 3, 4, 2).items() if k not in ("Wy", "by")}
        >>> [w.shape for w in keras_gru_weights({**p, "bc_rec": np.zeros(4)}, True)]
        [(3, 12), (4, 12), (2, 12)]
    """
    keys = RESET_AFTER_KEYS if reset_after else CELL_KEYS["gru"]
    p, _, n_a = _check(params, keys, "reset-after GRU" if reset_after else "GRU")
    kernel, recurrent, bias = to_keras_weights("gru", {k: p[k] for k in CELL_KEYS["gru"]})["rnn"]
    if not reset_after:
        return [kernel, recurrent, bias]
    recurrent_bias = np.concatenate([np.zeros(2 * n_a), p["bc_rec"]])
    return [kernel, recurrent, np.stack([bias, recurrent_bias])]
