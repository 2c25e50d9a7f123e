"""rnn_utils.seq2seq.analysis: error rates by length and position, confusions, beam fixes."""

import numpy as np
import pytest

from rnn_utils.seq2seq.analysis import (
    GAP,
    beam_fixes,
    confusion_counts,
    error_rates_by_length,
    is_correct,
    positionwise_error,
)
from rnn_utils.seq2seq.metrics import phoneme_error_rate, word_error_rate

WORDS = ["cat", "dog", "phone", "tough"]
REFS = [
    [("K", "AE", "T")],
    [("D", "AO", "G"), ("D", "AA", "G")],
    [("F", "OW", "N")],
    [("T", "AH", "F")],
]
PREDS = [("K", "AE", "T"), ("D", "AA", "G"), ("P", "OW", "N", "IY"), ("T", "AW")]


def test_is_correct_accepts_any_reference():
    assert is_correct(PREDS, REFS).tolist() == [True, True, False, False]


def test_rates_by_length_add_up_to_the_overall_rates():
    rates = error_rates_by_length(WORDS, PREDS, REFS)
    assert sorted(rates) == [3, 5]
    assert rates[3] == {"words": 2, "wer": 0.0, "per": 0.0}
    # phone: P for F + inserted IY = 2 edits; tough: AW for AH + deleted F = 2 edits; 6 phonemes
    assert rates[5]["wer"] == 1.0 and rates[5]["per"] == pytest.approx(4 / 6)
    n = sum(r["words"] for r in rates.values())
    assert sum(r["wer"] * r["words"] for r in rates.values()) / n == word_error_rate(PREDS, REFS)
    assert phoneme_error_rate(PREDS, REFS) == pytest.approx(4 / 12)


def test_confusions_count_substitutions_insertions_and_deletions():
    counts = confusion_counts(PREDS, REFS)
    assert counts == {("F", "P"): 1, (GAP, "IY"): 1, ("AH", "AW"): 1, ("F", GAP): 1}
    assert sum(counts.values()) == 4  # = the total edit distance


def test_positionwise_error_counts_missing_tokens_as_wrong():
    err = positionwise_error([[1, 2], [1, 3, 4]], [[1, 2, 5], [2, 3, 4]])
    np.testing.assert_allclose(err, [0.5, 0.0, 0.5])  # position 3: missing, right
    err = positionwise_error([[1]], [[1]], max_positions=3)
    assert err[0] == 0.0 and np.isnan(err[1:]).all()


def test_beam_fixes_lists_only_greedy_mistakes_that_beam_repairs():
    greedy = [("K", "AE", "T"), ("D", "OW", "G"), ("F", "OW", "N"), ("T", "AW")]
    beam = [("K", "AE", "T"), ("D", "AO", "G"), ("F", "OW", "N"), ("T", "AA")]
    assert beam_fixes(WORDS, greedy, beam, REFS) == [("dog", ("D", "OW", "G"), ("D", "AO", "G"))]


def test_bad_inputs_raise_clear_errors():
    with pytest.raises(ValueError, match="one entry per word"):
        error_rates_by_length(WORDS[:2], PREDS, REFS)
    with pytest.raises(ValueError, match="non-empty list of pronunciations"):
        confusion_counts([("A",)], [("A",)])
    with pytest.raises(ValueError, match="max_positions must be a positive int"):
        positionwise_error([[1]], [[1]], max_positions=0)
