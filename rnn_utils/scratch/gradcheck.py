"""Gradient checking against central differences, and gradient clipping (by value, by norm).

Taught in notebook 03; every notebook after it checks its hand-written backward passes here.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np


def _check_clip_arguments(grads, threshold, name):
    if not isinstance(grads, Mapping):
        raise TypeError(f"grads must be a dict of arrays, got {type(grads).__name__}")
    if isinstance(threshold, bool) or not isinstance(threshold, int | float | np.number):
        raise TypeError(f"{name} must be a positive number, got {threshold!r}")
    if not threshold > 0:
        raise ValueError(f"{name} must be positive, got {threshold!r}")


def clip_gradients(grads, max_value):
    """Clip every gradient element-wise to [−max_value, max_value] (against exploding gradients).

    Args:
        grads: dict of gradient arrays (e.g. from :func:`rnn_loss_and_grads`).
        max_value: positive threshold.

    Returns:
        A new dict with the same keys; the input arrays are left untouched.

    Example:
        >>> clip_gradients({"Waa": np.array([[-7.0, 0.5]])}, 5.0)["Waa"]
        array([[-5. ,  0.5]])
    """
    _check_clip_arguments(grads, max_value, "max_value")
    return {key: np.clip(np.asarray(g), -max_value, max_value) for key, g in grads.items()}


def clip_gradients_by_norm(grads, max_norm):
    """Rescale all gradients together when their global norm exceeds ``max_norm``.

    The global norm is ‖g‖ = √(Σ_keys Σ_entries g²), over every array at once. When ‖g‖ >
    max_norm every array is multiplied by max_norm / ‖g‖, so the update keeps its direction and
    only gets shorter; otherwise the gradients are returned unchanged (as copies). This is what
    Keras optimizers do with ``global_clipnorm`` (``clipnorm`` instead rescales each variable's
    gradient by its own norm).

    Args:
        grads: dict of gradient arrays (e.g. from :func:`rnn_loss_and_grads`).
        max_norm: positive threshold on the global norm.

    Returns:
        A new dict with the same keys; the input arrays are left untouched.

    Example:
        >>> grads = {"Waa": np.array([[3.0, 0.0]]), "ba": np.array([4.0])}  # global norm 5
        >>> clip_gradients_by_norm(grads, 1.0)["Waa"]
        array([[0.6, 0. ]])
    """
    _check_clip_arguments(grads, max_norm, "max_norm")
    arrays = {key: np.array(g, dtype=np.float64) for key, g in grads.items()}
    norm = np.sqrt(sum(np.sum(g**2) for g in arrays.values()))
    scale = max_norm / norm if norm > max_norm else 1.0
    return {key: g * scale for key, g in arrays.items()}


def _relative_error(analytic, numeric):
    denominator = np.linalg.norm(analytic) + np.linalg.norm(numeric)
    return 0.0 if denominator == 0 else float(np.linalg.norm(analytic - numeric) / denominator)


def gradient_check(f, params, eps=1e-5, max_entries=None, seed=0):
    """Compare analytic gradients with central differences, key by key.

    For each checked entry θ_i: g_num_i = (L(θ + eps·e_i) − L(θ − eps·e_i)) / (2·eps).

    Args:
        f: callable ``f(params) -> (loss, grads)``; ``grads`` must hold every key of ``params``.
        params: dict of arrays to perturb (float64 copies are used; the input is not modified).
        eps: finite-difference step.
        max_entries: check at most this many randomly chosen entries per key (all when None).
        seed: seed for choosing the entries.

    Returns:
        dict ``{key: ‖g − g_num‖ / (‖g‖ + ‖g_num‖)}`` over the checked entries (0 when both
        vanish). Below about 1e-7 in float64 means the backward pass is right.

    Example:
        >>> f = lambda p: (float(np.sum(p["w"] ** 2)), {"w": 2 * p["w"]})
        >>> gradient_check(f, {"w": np.array([1.0, -2.0])})["w"] < 1e-9
        True
    """
    if not callable(f):
        raise TypeError(f"f must be callable as f(params) -> (loss, grads), got {f!r}")
    if not isinstance(params, Mapping):
        raise TypeError(f"params must be a dict of arrays, got {type(params).__name__}")
    if not eps > 0:
        raise ValueError(f"eps must be positive, got {eps!r}")
    if max_entries is not None and (not isinstance(max_entries, int) or max_entries < 1):
        raise ValueError(f"max_entries must be a positive int or None, got {max_entries!r}")
    work = {key: np.array(value, dtype=np.float64) for key, value in params.items()}
    _, grads = f(work)
    rng = np.random.default_rng(seed)
    errors = {}
    for key, value in work.items():
        if key not in grads:
            raise ValueError(f"f returned no gradient for key {key!r}")
        analytic = np.asarray(grads[key], dtype=np.float64)
        if analytic.shape != value.shape:
            raise ValueError(
                f"gradient for {key!r} has shape {analytic.shape}; expected {value.shape}"
            )
        flat = value.reshape(-1)  # a view: perturbing it perturbs work[key]
        indices = np.arange(flat.size)
        if max_entries is not None and flat.size > max_entries:
            indices = rng.choice(flat.size, size=max_entries, replace=False)
        numeric = np.empty(indices.size)
        for j, i in enumerate(indices):
            original = flat[i]
            flat[i] = original + eps
            loss_plus = f(work)[0]
            flat[i] = original - eps
            loss_minus = f(work)[0]
            flat[i] = original
            numeric[j] = (loss_plus - loss_minus) / (2.0 * eps)
        errors[key] = _relative_error(analytic.reshape(-1)[indices], numeric)
    return errors
