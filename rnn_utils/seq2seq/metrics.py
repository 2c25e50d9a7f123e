"""Word and phoneme error rates for grapheme-to-phoneme conversion (notebook 08).

A word may have several correct pronunciations (CMUdict lists 2 or more for about 7 % of its
words), so both rates compare a prediction with the *closest* reference:

- word error rate (WER): share of words whose prediction equals none of the references;
- phoneme error rate (PER): Σ edit distance to the closest reference / Σ that reference's length,
  the edit distance counting phoneme insertions, deletions and substitutions (Levenshtein,
  computed by the maintained ``rapidfuzz`` library on phoneme sequences).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from rapidfuzz.distance import Levenshtein

__all__ = [
    "check_references",
    "closest_reference",
    "is_correct",
    "phoneme_error_rate",
    "word_error_rate",
]


def check_references(predictions, references):
    """Raise a clear error unless there is one prediction and one non-empty list of
    pronunciations per word."""
    if len(predictions) != len(references):
        raise ValueError(
            f"got {len(predictions)} predictions for {len(references)} words; "
            "expected one prediction per word."
        )
    for i, options in enumerate(references):
        if isinstance(options, str) or not options or isinstance(options[0], str):
            raise ValueError(
                f"references[{i}] must be a non-empty list of pronunciations (each a sequence "
                f"of phonemes), got {options!r}."
            )


def is_correct(predictions, references) -> np.ndarray:
    """Boolean array: does each prediction equal one of its word's references?

    Example:
    >>> is_correct([("F", "IY"), ("T",)], [[("F", "IY")], [("D",)]]).tolist()
    [True, False]
    """
    check_references(predictions, references)
    return np.array(
        [
            tuple(p) in {tuple(r) for r in options}
            for p, options in zip(predictions, references, strict=True)
        ],
        dtype=bool,
    )


def closest_reference(prediction: Sequence[str], options: Sequence[Sequence[str]]):
    """``(edit distance, reference)`` of the reference closest to ``prediction``.

    Example:
    >>> closest_reference(("F", "IY"), [("F", "AY"), ("F", "IY", "N")])
    (1, ('F', 'AY'))
    """
    pairs = [(Levenshtein.distance(list(prediction), list(ref)), tuple(ref)) for ref in options]
    return min(pairs, key=lambda pair: (pair[0], len(pair[1])))


def word_error_rate(predictions, references) -> float:
    """Share of words whose predicted phonemes match none of their reference pronunciations.

    Args:
        predictions: one phoneme sequence per word.
        references: one list of correct pronunciations per word.

    Example:
    >>> word_error_rate([("F", "IY"), ("T", "UW")], [[("F", "IY")], [("T", "Y", "UW")]])
    0.5
    """
    wrong = int(np.sum(~is_correct(predictions, references)))
    return wrong / max(len(predictions), 1)


def phoneme_error_rate(predictions, references) -> float:
    """Σ edit distance to the closest reference / Σ length of that reference.

    Example:
    >>> phoneme_error_rate([("F", "IY", "N")], [[("F", "IY", "N", "IH", "K", "S")]])
    0.5
    """
    check_references(predictions, references)
    errors = length = 0
    for prediction, options in zip(predictions, references, strict=True):
        distance, reference = closest_reference(prediction, options)
        errors += distance
        length += len(reference)
    return errors / max(length, 1)
