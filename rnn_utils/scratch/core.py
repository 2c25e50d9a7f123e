"""Shared pieces of the NumPy from-scratch RNNs: parameter layout, input checks, activations.

Everything here is plain NumPy in float64. Arrays are batch-major like Keras: an input sequence
``x`` has shape ``(m, T_x, n_x)``, one time step ``xt`` has shape ``(m, n_x)``. Weights keep the
seed notation's column-vector shapes, so a pre-activation is written ``a_prev @ W_aa.T``.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

KINDS = ("rnn", "lstm", "gru")

#: Keys of the recurrent cell's parameters, per kind (seed notation).
CELL_KEYS = {
    "rnn": ("Waa", "Wax", "ba"),
    "lstm": ("Wf", "bf", "Wu", "bu", "Wc", "bc", "Wo", "bo"),
    "gru": ("Wu", "bu", "Wr", "br", "Wc", "bc"),
}

#: Keys of the softmax output layer ŷ<t> = softmax(W_y a<t> + b_y), per kind.
OUTPUT_KEYS = {"rnn": ("Wya", "by"), "lstm": ("Wy", "by"), "gru": ("Wy", "by")}


def check_kind(kind: str) -> str:
    """Return ``kind`` if it is one of ``"rnn"``, ``"lstm"``, ``"gru"``; raise otherwise."""
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}, got {kind!r}")
    return kind


def expected_shapes(kind: str, n_x: int, n_a: int, n_y: int | None) -> dict:
    """Shape of every parameter of ``kind``, with its symbolic name for error messages.

    Returns:
        ``{key: (shape, "symbolic shape")}``; the output layer is left out when ``n_y`` is None.
    """
    check_kind(kind)
    if kind == "rnn":
        shapes = {
            "Waa": ((n_a, n_a), "(n_a, n_a)"),
            "Wax": ((n_a, n_x), "(n_a, n_x)"),
            "ba": ((n_a,), "(n_a,)"),
        }
    else:
        shapes = {}
        for key in CELL_KEYS[kind]:
            if key.startswith("W"):
                shapes[key] = ((n_a, n_a + n_x), "(n_a, n_a + n_x)")
            else:
                shapes[key] = ((n_a,), "(n_a,)")
    if n_y is not None:
        w_key, b_key = OUTPUT_KEYS[kind]
        shapes[w_key] = ((n_y, n_a), "(n_y, n_a)")
        shapes[b_key] = ((n_y,), "(n_y,)")
    return shapes


def _as_float_array(value, name: str) -> np.ndarray:
    try:
        array = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError) as error:
        raise TypeError(f"{name} must be a numeric array, got {type(value).__name__}") from error
    return array


def check_params(kind: str, params, with_output: bool = True) -> tuple[dict, int, int, int | None]:
    """Validate a parameter dict and return it as float64 arrays with its sizes.

    Args:
        kind: ``"rnn"``, ``"lstm"`` or ``"gru"``.
        params: dict keyed in the seed notation (see :data:`CELL_KEYS`, :data:`OUTPUT_KEYS`).
        with_output: whether the output layer's keys are required (else they are forbidden).

    Returns:
        ``(params, n_x, n_a, n_y)``; ``n_y`` is None when ``with_output`` is False.
    """
    check_kind(kind)
    if not isinstance(params, Mapping):
        raise TypeError(f"params must be a dict of arrays, got {type(params).__name__}")
    wanted = CELL_KEYS[kind] + (OUTPUT_KEYS[kind] if with_output else ())
    missing = [key for key in wanted if key not in params]
    if missing:
        raise ValueError(
            f"params is missing key(s) {missing} for the {kind} model; expected keys {list(wanted)}"
        )
    extra = [key for key in params if key not in wanted]
    if extra:
        raise ValueError(
            f"params has unexpected key(s) {extra} for the {kind} model; "
            f"expected keys {list(wanted)}"
        )
    arrays = {key: _as_float_array(params[key], f"params[{key!r}]") for key in wanted}
    bias_key = CELL_KEYS[kind][2] if kind == "rnn" else CELL_KEYS[kind][1]
    if arrays[bias_key].ndim != 1:
        raise ValueError(
            f"params[{bias_key!r}] must have shape (n_a,), got {arrays[bias_key].shape}"
        )
    n_a = arrays[bias_key].shape[0]
    weight_key = "Wax" if kind == "rnn" else CELL_KEYS[kind][0]
    if arrays[weight_key].ndim != 2:
        raise ValueError(
            f"params[{weight_key!r}] must be a 2-D matrix, got shape {arrays[weight_key].shape}"
        )
    n_x = arrays[weight_key].shape[1] - (0 if kind == "rnn" else n_a)
    n_y = None
    if with_output:
        b_key = OUTPUT_KEYS[kind][1]
        if arrays[b_key].ndim != 1:
            raise ValueError(f"params[{b_key!r}] must have shape (n_y,), got {arrays[b_key].shape}")
        n_y = arrays[b_key].shape[0]
    for key, (shape, symbolic) in expected_shapes(kind, n_x, n_a, n_y).items():
        if arrays[key].shape != shape:
            raise ValueError(
                f"params[{key!r}] has shape {arrays[key].shape}; expected {symbolic} = {shape} "
                f"(n_x={n_x}, n_a={n_a}" + (f", n_y={n_y})" if n_y is not None else ")")
            )
    return arrays, n_x, n_a, n_y


def check_array(value, name: str, shape: tuple, symbolic: str, note: str = "") -> np.ndarray:
    """Return ``value`` as float64 and check its shape; ``None`` entries in ``shape`` are free."""
    array = _as_float_array(value, name)
    ok = array.ndim == len(shape) and all(
        want is None or have == want for have, want in zip(array.shape, shape, strict=True)
    )
    if not ok:
        shown = ", ".join("?" if s is None else str(s) for s in shape)
        shown = f"({shown},)" if len(shape) == 1 else f"({shown})"
        raise ValueError(f"{name} has shape {array.shape}; expected {symbolic} = {shown}{note}")
    return array


def check_sequence_inputs(x, a0, n_x: int, n_a: int) -> tuple[np.ndarray, np.ndarray]:
    """Check ``x`` of shape (m, T_x, n_x) and ``a0`` of shape (m, n_a); return them as float64."""
    sizes = f" (n_x={n_x}, n_a={n_a} from params)"
    x = check_array(x, "x", (None, None, n_x), "(m, T_x, n_x)", sizes)
    if x.shape[1] == 0:
        raise ValueError("x has no time steps: expected shape (m, T_x, n_x) with T_x >= 1")
    a0 = check_array(a0, "a0", (x.shape[0], n_a), "(m, n_a)", sizes)
    return x, a0


def check_targets(y, mask, m: int, t_x: int, n_y: int) -> tuple[np.ndarray, np.ndarray]:
    """Check integer targets ``y`` (m, T_x) in [0, n_y) and a 0/1 ``mask`` (m, T_x)."""
    y = np.asarray(y)
    if y.shape != (m, t_x):
        raise ValueError(f"y has shape {y.shape}; expected (m, T_x) = {(m, t_x)}")
    if y.size and not np.issubdtype(y.dtype, np.integer):
        if not np.all(np.equal(np.mod(y, 1), 0)):
            raise TypeError(f"y must hold integer class ids, got dtype {y.dtype}")
    y = y.astype(np.int64)
    if y.size and (y.min() < 0 or y.max() >= n_y):
        raise ValueError(f"y holds class ids in [{y.min()}, {y.max()}]; expected [0, n_y={n_y})")
    return y, check_mask(mask, m, t_x)


def check_mask(mask, m: int, t_x: int) -> np.ndarray:
    """A 0/1 ``mask`` (m, T_x), 1 at real steps; all ones when ``mask`` is None."""
    if mask is None:
        return np.ones((m, t_x))
    mask = check_array(mask, "mask", (m, t_x), "(m, T_x)")
    if not np.all((mask == 0) | (mask == 1)):
        raise ValueError("mask must hold only 0 (padded step) and 1 (real step)")
    return mask


def sigmoid(z: np.ndarray) -> np.ndarray:
    """σ(z) = 1 / (1 + e^(−z)), computed without overflow for large |z|."""
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def softmax(z: np.ndarray) -> np.ndarray:
    """Softmax over the last axis (shifted by the max for stability)."""
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def target_log_probs(y_hat: np.ndarray, y: np.ndarray) -> np.ndarray:
    """log ŷ<t>[y<t>] for integer targets y (m, T) and distributions y_hat (m, T, n_y).

    A probability of exactly 0 is clamped to the smallest positive float64, so the result is
    finite (about −708) rather than −inf.
    """
    picked = np.take_along_axis(y_hat, np.asarray(y, np.int64)[..., None], axis=-1)[..., 0]
    return np.log(np.maximum(picked, np.finfo(np.float64).tiny))


def output_forward(a: np.ndarray, w_y: np.ndarray, b_y: np.ndarray) -> np.ndarray:
    """ŷ<t> = softmax(W_y a<t> + b_y) for ``a`` of shape (..., n_a); returns (..., n_y)."""
    return softmax(a @ w_y.T + b_y)


def init_params(kind: str, n_x: int, n_a: int, n_y: int, seed: int = 0, scale=None) -> dict:
    """Random parameters for a from-scratch ``"rnn"``, ``"lstm"`` or ``"gru"`` model.

    Weights are drawn from a normal distribution: ``scale * N(0, 1)``, or, when ``scale`` is
    None, ``N(0, 1) / sqrt(fan_in)`` (fan_in = number of columns). Biases start at zero, except
    the LSTM forget-gate bias b_f, which starts at 1 like Keras's ``unit_forget_bias=True``.

    Args:
        kind: ``"rnn"``, ``"lstm"`` or ``"gru"``.
        n_x: input size (size of x<t>).
        n_a: hidden size (size of a<t>).
        n_y: output size (number of classes of ŷ<t>).
        seed: seed of the NumPy generator.
        scale: standard deviation of the weights, or None for 1/sqrt(fan_in).

    Returns:
        A dict keyed in the seed notation (rnn: Waa, Wax, ba, Wya, by; lstm: Wf, bf, Wu, bu,
        Wc, bc, Wo, bo, Wy, by; gru: Wu, bu, Wr, br, Wc, bc, Wy, by).

    Example:
        >>> params = init_params("rnn", n_x=3, n_a=5, n_y=2, seed=0)
        >>> params["Waa"].shape, params["Wax"].shape
        ((5, 5), (5, 3))
    """
    check_kind(kind)
    for name, size in (("n_x", n_x), ("n_a", n_a), ("n_y", n_y)):
        if not isinstance(size, int | np.integer) or size < 1:
            raise ValueError(f"{name} must be a positive int, got {size!r}")
    if scale is not None and not scale > 0:
        raise ValueError(f"scale must be positive or None, got {scale!r}")
    rng = np.random.default_rng(seed)
    params = {}
    for key, (shape, _) in expected_shapes(kind, n_x, n_a, n_y).items():
        if len(shape) == 1:
            params[key] = np.ones(shape) if key == "bf" else np.zeros(shape)
        else:
            std = scale if scale is not None else 1.0 / np.sqrt(shape[1])
            params[key] = std * rng.standard_normal(shape)
    return params


def scale_to_spectral_radius(matrix, radius: float) -> np.ndarray:
    """Return ``matrix`` rescaled so that its spectral radius (largest |eigenvalue|) is ``radius``.

    The spectral radius of W_aa decides whether ∂L/∂a<t> shrinks (< 1) or grows (> 1) as it is
    carried back through many time steps, so experiments on vanishing and exploding gradients set
    it directly. Works for a seed-notation W_aa and for Keras's recurrent_kernel (= W_aa^T) alike.

    Example:
        >>> w = scale_to_spectral_radius(np.array([[0.0, 2.0], [0.5, 0.0]]), 3.0)
        >>> float(np.max(np.abs(np.linalg.eigvals(w))))  # doctest: +ELLIPSIS
        3.0...
    """
    matrix = np.asarray(matrix, dtype=float)
    if matrix.ndim != 2 or matrix.shape[0] != matrix.shape[1]:
        raise ValueError(f"expected a square matrix, got shape {matrix.shape}")
    if not radius > 0:
        raise ValueError(f"radius must be > 0, got {radius!r}")
    current = np.max(np.abs(np.linalg.eigvals(matrix)))
    if current == 0:
        raise ValueError("the matrix is nilpotent (spectral radius 0): it cannot be rescaled")
    return matrix * (radius / current)


def check_step(kind, xt, a_prev, params):
    """Validate one step's inputs; the output layer is optional for a single step."""
    p, n_x, n_a, _ = check_params(kind, params, with_output=OUTPUT_KEYS[kind][0] in params)
    xt = check_array(xt, "xt", (None, n_x), "(m, n_x)")
    a_prev = check_array(a_prev, "a_prev", (xt.shape[0], n_a), "(m, n_a)")
    return p, xt, a_prev


def step_prediction(kind, a_next, p):
    """ŷ<t> of one step when ``p`` holds the output layer, else None."""
    w_key, b_key = OUTPUT_KEYS[kind]
    return output_forward(a_next, p[w_key], p[b_key]) if w_key in p else None


def check_upstream(name, grad, like):
    """Check an upstream gradient dL/da<t> (or dL/dc<t>) has the shape of ``like``."""
    return check_array(grad, name, like.shape, "(m, n_a)")
