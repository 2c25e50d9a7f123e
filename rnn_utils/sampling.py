"""Sampling from a language model: greedy, temperature and top-k choices, and the sampling loop.

A language model gives, at step t, the distribution ŷ<t> = P(y<t> | y<1>, ..., y<t-1>) over the
vocabulary. To generate a new sequence we pick one token y<t> from ŷ<t> and feed it back as the
next input x<t+1>, until the end-of-sequence token comes out (or a length limit is hit).

How the token is picked changes what comes out:

- ``greedy``: always the most likely token (deterministic; little diversity, often repetitive).
- temperature τ: sample from p_i^(1/τ) / Σ_j p_j^(1/τ) (the same as softmax(logits / τ)); τ < 1
  sharpens the distribution towards greedy, τ > 1 flattens it towards uniform.
- top-k: keep only the k most likely tokens, renormalise, then sample.

All functions take NumPy probability vectors and an explicit ``numpy.random.Generator`` so every
draw is reproducible.

Example:
    >>> import numpy as np
    >>> probs = np.array([0.1, 0.6, 0.3])
    >>> greedy(probs)
    1
    >>> apply_temperature(probs, 0.5).round(3)
    array([0.022, 0.783, 0.196])
    >>> sample_token(probs, np.random.default_rng(0), top_k=1)
    1
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from rnn_utils.scratch.core import softmax

__all__ = [
    "SampledSequence",
    "apply_temperature",
    "check_probabilities",
    "greedy",
    "sample_sequence",
    "sample_token",
    "top_k_filter",
]

STRATEGIES = ("sample", "greedy")


def check_probabilities(probs, atol: float = 1e-6) -> np.ndarray:
    """Validate a probability vector ŷ<t> and return it as float64, renormalised exactly.

    Args:
        probs: 1-D array-like of non-negative numbers summing to 1 (within ``atol``).
        atol: accepted deviation of the sum from 1.

    Returns:
        A float64 copy that sums to 1.

    Raises:
        ValueError: not 1-D, empty, negative or non-finite entries, or a sum far from 1.
    """
    try:
        p = np.array(probs, dtype=np.float64)
    except (TypeError, ValueError) as error:
        raise TypeError(f"probs must be a numeric 1-D array, got {type(probs).__name__}") from error
    if p.ndim != 1 or p.size == 0:
        raise ValueError(f"probs must be a non-empty 1-D vector (n_y,), got shape {p.shape}")
    if not np.all(np.isfinite(p)) or np.any(p < 0):
        raise ValueError("probs must hold finite, non-negative probabilities")
    total = p.sum()
    if abs(total - 1.0) > atol:
        raise ValueError(f"probs must sum to 1 (got {total:.6g}); pass softmax outputs, not logits")
    return p / total


def _check_rng(rng) -> np.random.Generator:
    if not isinstance(rng, np.random.Generator):
        raise TypeError(
            "rng must be a numpy.random.Generator, e.g. np.random.default_rng(0); "
            f"got {type(rng).__name__}"
        )
    return rng


def greedy(probs) -> int:
    """The most likely token: argmax_i ŷ<t>_i (the lowest index wins a tie).

    Example:
        >>> greedy([0.2, 0.5, 0.3])
        1
    """
    return int(np.argmax(check_probabilities(probs)))


def apply_temperature(probs, temperature: float) -> np.ndarray:
    """Rescale a distribution by a temperature τ: p_i^(1/τ) / Σ_j p_j^(1/τ).

    Computed in log space, so a small τ does not underflow. Zero probabilities stay zero; τ = 1
    leaves the distribution unchanged; τ → 0 puts all the mass on the argmax.

    Args:
        probs: probability vector (n_y,).
        temperature: τ > 0.

    Returns:
        The rescaled probability vector (n_y,).
    """
    p = check_probabilities(probs)
    if isinstance(temperature, bool) or not isinstance(temperature, int | float | np.number):
        raise TypeError(f"temperature must be a positive number, got {temperature!r}")
    if not (np.isfinite(temperature) and temperature > 0):
        raise ValueError(f"temperature must be a finite number > 0, got {temperature!r}")
    with np.errstate(divide="ignore"):  # log 0 = −inf keeps impossible tokens impossible
        return softmax(np.log(p) / float(temperature))


def top_k_filter(probs, k: int) -> np.ndarray:
    """Keep the k most likely tokens, zero the rest and renormalise.

    Ties at the k-th place are broken by the lower index, so exactly k entries stay (fewer if
    some of them are zero).

    Args:
        probs: probability vector (n_y,).
        k: number of tokens to keep, 1 ≤ k ≤ n_y.

    Returns:
        The filtered probability vector (n_y,).
    """
    p = check_probabilities(probs)
    if isinstance(k, bool) or not isinstance(k, int | np.integer):
        raise TypeError(f"k must be an int, got {k!r}")
    if not 1 <= k <= p.size:
        raise ValueError(f"k must be in [1, n_y={p.size}], got {k}")
    keep = np.argsort(-p, kind="stable")[:k]
    filtered = np.zeros_like(p)
    filtered[keep] = p[keep]
    return filtered / filtered.sum()


def sample_token(probs, rng, temperature: float = 1.0, top_k: int | None = None) -> int:
    """Draw one token from ŷ<t>, after an optional temperature and top-k filter.

    The temperature is applied first, then the top-k filter (both keep the ranking, so the
    order does not change which tokens survive).

    Args:
        probs: probability vector ŷ<t> (n_y,).
        rng: a ``numpy.random.Generator``.
        temperature: τ > 0 (1 = sample from the model as it is).
        top_k: keep only the k most likely tokens (None = keep all).

    Returns:
        The sampled token id (int).
    """
    rng = _check_rng(rng)
    p = apply_temperature(probs, temperature)
    if top_k is not None:
        p = top_k_filter(p, top_k)
    return int(rng.choice(p.size, p=p))


@dataclass(frozen=True)
class SampledSequence:
    """One generated sequence.

    Attributes:
        tokens: the chosen ids y<1>, ..., y<T>, without the end token.
        log_probs: log ŷ<t>[y<t>] under the model's *unmodified* distribution for every choice,
            the end token included when it was chosen.
        ended: True if the end token was chosen, False if ``max_length`` cut the sequence.
    """

    tokens: list[int]
    log_probs: np.ndarray
    ended: bool

    @property
    def mean_log_prob(self) -> float:
        """Average log-likelihood per chosen token (end token included when chosen)."""
        return float(np.mean(self.log_probs)) if self.log_probs.size else 0.0


def sample_sequence(
    step_fn: Callable[[Any, Any], tuple[Any, Any]],
    initial_state: Any,
    end_token: int,
    max_length: int,
    rng: np.random.Generator | None = None,
    strategy: str = "sample",
    temperature: float = 1.0,
    top_k: int | None = None,
    start_token: Any = None,
) -> SampledSequence:
    """Generate a sequence by feeding each chosen token back into the model.

    At each step: ``probs, state = step_fn(previous_token, state)`` gives ŷ<t>; a token y<t>
    is chosen from it (greedy or sampled); y<t> becomes the next call's input x<t+1>. The loop
    stops when ``end_token`` is chosen or after ``max_length`` tokens.

    Args:
        step_fn: ``step_fn(token, state) -> (probs, new_state)``: one step of the model.
            On the first call ``token`` is ``start_token``.
        initial_state: the model's state before the first step, e.g. a<0>.
        end_token: id of the end-of-sequence token.
        max_length: the most tokens to generate (the end token included), ≥ 1.
        rng: a ``numpy.random.Generator``; required unless ``strategy="greedy"``.
        strategy: ``"sample"`` (with ``temperature`` and ``top_k``) or ``"greedy"``.
        temperature: τ > 0 for ``"sample"``.
        top_k: optional top-k filter for ``"sample"``.
        start_token: what the first call receives, e.g. None for the zero vector x<1> = 0.

    Returns:
        A :class:`SampledSequence`.

    Example:
        >>> table = np.array([[0.0, 1.0, 0.0], [0.0, 0.0, 1.0], [1.0, 0.0, 0.0]])
        >>> step = lambda token, state: (table[0 if token is None else token], state)
        >>> sample_sequence(step, None, end_token=0, max_length=5, strategy="greedy").tokens
        [1, 2]
    """
    if not callable(step_fn):
        raise TypeError(f"step_fn must be callable as step_fn(token, state), got {step_fn!r}")
    if strategy not in STRATEGIES:
        raise ValueError(f"strategy must be one of {STRATEGIES}, got {strategy!r}")
    if isinstance(max_length, bool) or not isinstance(max_length, int) or max_length < 1:
        raise ValueError(f"max_length must be an int >= 1, got {max_length!r}")
    if strategy == "sample":
        rng = _check_rng(rng)
    tokens, log_probs = [], []
    token, state = start_token, initial_state
    for _ in range(max_length):
        probs, state = step_fn(token, state)
        p = check_probabilities(probs)
        if strategy == "greedy":
            token = greedy(p)
        else:
            token = sample_token(p, rng, temperature=temperature, top_k=top_k)
        with np.errstate(divide="ignore"):
            log_probs.append(float(np.log(p[token])))
        if token == end_token:
            return SampledSequence(tokens, np.array(log_probs), ended=True)
        tokens.append(token)
    return SampledSequence(tokens, np.array(log_probs), ended=False)
