"""Measuring an encoder–decoder: errors by word length, by output position, and by phoneme.

Taught in notebook 08. NumPy and ``rapidfuzz`` only (no TensorFlow), so the functions work on
predictions from any decoder:

- :func:`error_rates_by_length`: word and phoneme error rate for each source length (the
  bottleneck plot: without attention, long words suffer most);
- :func:`positionwise_error`: the share of wrong tokens at each output position t, compared slot
  by slot (no alignment: after one missing or extra token every later slot counts as wrong);
- :func:`aligned_errors`, :func:`aligned_positionwise_error` and :func:`error_after_prefix`:
  the same question after a minimal edit alignment, to compare teacher forcing (every step reads
  the true prefix y<1..t-1>) with feeding back the model's own predictions (exposure bias: does
  a wrong prefix make the next token more likely to be wrong?);
- :func:`confusion_counts`: which reference phoneme turns into which predicted phoneme, from a
  minimal edit alignment (substitutions, deletions ``(p, "-")`` and insertions ``("-", p)``);
- :func:`beam_fixes`: the words that greedy search gets wrong and beam search gets right.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import NamedTuple

import numpy as np
from rapidfuzz.distance import Levenshtein

from rnn_utils.seq2seq.metrics import (
    check_references,
    closest_reference,
    is_correct,
    phoneme_error_rate,
    word_error_rate,
)

__all__ = [
    "GAP",
    "PrefixErrors",
    "aligned_errors",
    "aligned_positionwise_error",
    "beam_fixes",
    "confusion_counts",
    "error_after_prefix",
    "error_rates_by_length",
    "is_correct",
    "positionwise_error",
]

GAP = "-"  # the other side of an insertion or a deletion in :func:`confusion_counts`


def _check_lengths(**named):
    sizes = {name: len(value) for name, value in named.items()}
    if len(set(sizes.values())) > 1:
        raise ValueError(f"expected one entry per word in each argument, got sizes {sizes}.")


def _check_positions(max_positions, targets) -> int:
    """``max_positions``, or the longest target's length when it is None; must be >= 1."""
    if max_positions is None:
        max_positions = max((len(t) for t in targets), default=0)
    if isinstance(max_positions, bool) or not isinstance(max_positions, int) or max_positions < 1:
        raise ValueError(f"max_positions must be a positive int, got {max_positions!r}.")
    return max_positions


def error_rates_by_length(words, predictions, references) -> dict[int, dict[str, float]]:
    """WER and PER of the words of each length (number of letters).

    Args:
        words: the source words (strings).
        predictions: one phoneme sequence per word.
        references: one list of correct pronunciations per word.

    Returns:
        ``{length: {"words": n, "wer": ..., "per": ...}}``, sorted by length; PER is
        Σ edit distance / Σ length of the closest reference, over the words of that length.

    Example:
    >>> rates = error_rates_by_length(
    ...     ["ab", "cd", "efg"], [("A",), ("K",), ("E", "F")], [[("A",)], [("D",)], [("E", "F")]]
    ... )
    >>> rates[2]
    {'words': 2, 'wer': 0.5, 'per': 0.5}
    """
    _check_lengths(words=words, predictions=predictions, references=references)
    groups: dict[int, list[int]] = {}
    for i, word in enumerate(words):
        groups.setdefault(len(word), []).append(i)
    rates = {}
    for length, rows in sorted(groups.items()):
        preds, refs = [predictions[i] for i in rows], [references[i] for i in rows]
        rates[length] = {
            "words": len(rows),
            "wer": word_error_rate(preds, refs),
            "per": phoneme_error_rate(preds, refs),
        }
    return rates


def positionwise_error(predictions, targets, max_positions: int | None = None) -> np.ndarray:
    """Share of wrong tokens at each output position t = 1, 2, … (no alignment: position by
    position, a missing token counts as wrong).

    Without an alignment, one inserted or deleted token shifts every later token by one slot,
    and all those slots count as wrong even when the tokens are right. For the output of a
    decoder that reads its own predictions, use :func:`aligned_positionwise_error`.

    Args:
        predictions: one token sequence per example (what the decoder emitted).
        targets: one reference token sequence per example.
        max_positions: number of positions to report (default: the longest target).

    Returns:
        Array (max_positions,): at position t, the share of targets with at least t tokens
        whose t-th predicted token differs from the t-th target token (NaN where no target
        is that long).

    Example:
    >>> positionwise_error([[1, 2, 3], [1, 5]], [[1, 2, 4], [1, 2, 3]]).tolist()
    [0.0, 0.5, 1.0]
    """
    _check_lengths(predictions=predictions, targets=targets)
    max_positions = _check_positions(max_positions, targets)
    wrong = np.zeros(max_positions)
    seen = np.zeros(max_positions)
    for prediction, target in zip(predictions, targets, strict=True):
        prediction, target = list(prediction), list(target)
        for t in range(min(len(target), max_positions)):
            seen[t] += 1
            wrong[t] += t >= len(prediction) or prediction[t] != target[t]
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(seen > 0, wrong / np.maximum(seen, 1), np.nan)


def aligned_errors(prediction, target) -> np.ndarray:
    """Which positions of ``target`` a prediction gets wrong, after a minimal edit alignment.

    The prediction is aligned with the target by the fewest insertions, deletions and
    substitutions (Levenshtein, ``rapidfuzz``), with their common prefix always matched.
    Target position t (0-based here) is wrong when its token is substituted or deleted, or
    when a predicted token is inserted just before it (an insertion after the last target
    token counts at the last position). So a prediction that starts with the target's first
    t - 1 tokens has no error before t (for t up to the target's length), and its first error
    is at the first token where it leaves the target.

    Args:
        prediction: the predicted token sequence.
        target: the reference token sequence (not empty).

    Returns:
        Boolean array (len(target),).

    Example:
    >>> aligned_errors([1, 3, 4], [1, 2, 3, 4]).tolist()  # 2 missing, 3 and 4 right
    [False, True, False, False]
    """
    prediction, target = list(prediction), list(target)
    if not target:
        raise ValueError("target must have at least one token.")
    wrong = np.zeros(len(target), dtype=bool)
    common = 0
    while common < min(len(prediction), len(target)) and prediction[common] == target[common]:
        common += 1
    rest = Levenshtein.editops(target[common:], prediction[common:])
    for op in rest:
        wrong[min(common + op.src_pos, len(target) - 1)] = True
    return wrong


def aligned_positionwise_error(
    predictions, targets, max_positions: int | None = None
) -> np.ndarray:
    """Share of targets wrong at each position t = 1, 2, … after a minimal edit alignment.

    Like :func:`positionwise_error`, but each prediction is first aligned with its target
    (:func:`aligned_errors`), so a missing or extra token counts once, where it happens, and
    does not shift the later ones.

    Args:
        predictions: one token sequence per example.
        targets: one reference token sequence per example.
        max_positions: number of positions to report (default: the longest target).

    Returns:
        Array (max_positions,): at position t, the share of targets with at least t tokens
        whose t-th token is wrong in the alignment (NaN where no target is that long).

    Example:
    >>> aligned_positionwise_error([[1, 3, 4], [1, 2]], [[1, 2, 3, 4], [1, 2]]).tolist()
    [0.0, 0.5, 0.0, 0.0]
    """
    _check_lengths(predictions=predictions, targets=targets)
    max_positions = _check_positions(max_positions, targets)
    wrong = np.zeros(max_positions)
    seen = np.zeros(max_positions)
    for prediction, target in zip(predictions, targets, strict=True):
        errors = aligned_errors(prediction, target)[:max_positions]
        seen[: len(errors)] += 1
        wrong[: len(errors)] += errors
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(seen > 0, wrong / np.maximum(seen, 1), np.nan)


class PrefixErrors(NamedTuple):
    """Error rates at positions t >= 2 of :func:`error_after_prefix`, with their counts."""

    right_prefix: float  # P(error at t | no error before t)
    after_error: float  # P(error at t | an error at some position before t)
    n_right_prefix: int  # positions counted in each case
    n_after_error: int


def error_after_prefix(predictions, targets, max_positions: int | None = None) -> PrefixErrors:
    """P(error at t | the prefix is right) and P(error at t | an earlier error), t >= 2.

    Errors are those of :func:`aligned_errors`. "The prefix is right" means no error at
    positions 1..t-1, i.e. the prediction starts with y<1..t-1>. A decoder that reads its own
    predictions then reads exactly what teacher forcing would give it, so the first rate is the
    same in both modes; the second shows what a wrong prefix does to the following tokens.

    Args:
        predictions: one token sequence per example.
        targets: one reference token sequence per example.
        max_positions: only positions t <= max_positions count (default: all).

    Returns:
        :class:`PrefixErrors`; a rate is NaN when no position falls in its case.

    Example:
    >>> error_after_prefix([[1, 5, 6], [1, 2, 3, 4]], [[1, 2, 3], [1, 2, 3, 4]])
    PrefixErrors(right_prefix=0.25, after_error=1.0, n_right_prefix=4, n_after_error=1)
    """
    _check_lengths(predictions=predictions, targets=targets)
    max_positions = _check_positions(max_positions, targets)
    counts = np.zeros((2, 2), dtype=int)  # [earlier error?, error now?]
    for prediction, target in zip(predictions, targets, strict=True):
        errors = aligned_errors(prediction, target)[:max_positions]
        earlier = np.logical_or.accumulate(errors)[:-1]  # any error before t, for t = 2..
        np.add.at(counts, (earlier.astype(int), errors[1:].astype(int)), 1)
    n_right, n_after = (int(n) for n in counts.sum(axis=1))
    right = counts[0, 1] / n_right if n_right else float("nan")
    after = counts[1, 1] / n_after if n_after else float("nan")
    return PrefixErrors(float(right), float(after), n_right, n_after)


def confusion_counts(predictions, references) -> Counter:
    """Counts of ``(reference phoneme, predicted phoneme)`` pairs in a minimal edit alignment.

    Each prediction is aligned with its closest reference by Levenshtein edit operations
    (``rapidfuzz``): a substitution counts ``(ref, pred)``, a deletion ``(ref, GAP)`` and an
    insertion ``(GAP, pred)``. Correct words add nothing.

    Example:
    >>> sorted(confusion_counts([("F", "AY", "N", "Z")], [[("F", "IY", "N")]]).items())
    [(('-', 'Z'), 1), (('IY', 'AY'), 1)]
    """
    check_references(predictions, references)
    counts: Counter = Counter()
    for prediction, options in zip(predictions, references, strict=True):
        _, reference = closest_reference(prediction, options)
        ref, pred = list(reference), list(prediction)
        for op in Levenshtein.editops(ref, pred):
            if op.tag == "replace":
                counts[(ref[op.src_pos], pred[op.dest_pos])] += 1
            elif op.tag == "delete":
                counts[(ref[op.src_pos], GAP)] += 1
            else:
                counts[(GAP, pred[op.dest_pos])] += 1
    return counts


def beam_fixes(
    words: Sequence[str], greedy, beam, references
) -> list[tuple[str, tuple[str, ...], tuple[str, ...]]]:
    """``(word, greedy prediction, beam prediction)`` for each word that greedy search gets
    wrong and beam search gets right.

    Example:
    >>> beam_fixes(["ab"], [("A",)], [("B",)], [[("B",)]])
    [('ab', ('A',), ('B',))]
    """
    _check_lengths(words=words, greedy=greedy, beam=beam, references=references)
    greedy_ok, beam_ok = is_correct(greedy, references), is_correct(beam, references)
    return [
        (word, tuple(g), tuple(b))
        for word, g, b, g_ok, b_ok in zip(words, greedy, beam, greedy_ok, beam_ok, strict=True)
        if b_ok and not g_ok
    ]
