"""Measuring an encoder–decoder: errors by word length, by output position, and by phoneme.

Taught in notebook 08. NumPy and ``rapidfuzz`` only (no TensorFlow), so the functions work on
predictions from any decoder:

- :func:`error_rates_by_length`: word and phoneme error rate for each source length (the
  bottleneck plot: without attention, long words suffer most);
- :func:`positionwise_error`: the share of wrong tokens at each output position t, to compare
  teacher forcing (every step sees the true prefix y<1..t-1>) with feeding back the model's own
  predictions (exposure bias: one early mistake derails the rest);
- :func:`confusion_counts`: which reference phoneme turns into which predicted phoneme, from a
  minimal edit alignment (substitutions, deletions ``(p, "-")`` and insertions ``("-", p)``);
- :func:`beam_fixes`: the words that greedy search gets wrong and beam search gets right.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

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
    "beam_fixes",
    "confusion_counts",
    "error_rates_by_length",
    "is_correct",
    "positionwise_error",
]

GAP = "-"  # the other side of an insertion or a deletion in :func:`confusion_counts`


def _check_lengths(**named):
    sizes = {name: len(value) for name, value in named.items()}
    if len(set(sizes.values())) > 1:
        raise ValueError(f"expected one entry per word in each argument, got sizes {sizes}.")


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
    if max_positions is None:
        max_positions = max((len(t) for t in targets), default=0)
    if isinstance(max_positions, bool) or not isinstance(max_positions, int) or max_positions < 1:
        raise ValueError(f"max_positions must be a positive int, got {max_positions!r}.")
    wrong = np.zeros(max_positions)
    seen = np.zeros(max_positions)
    for prediction, target in zip(predictions, targets, strict=True):
        prediction, target = list(prediction), list(target)
        for t in range(min(len(target), max_positions)):
            seen[t] += 1
            wrong[t] += t >= len(prediction) or prediction[t] != target[t]
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(seen > 0, wrong / np.maximum(seen, 1), np.nan)


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
