"""rnn_utils.seq2seq.analysis: error rates by length and position, confusions, beam fixes."""

import numpy as np
import pytest
from rapidfuzz.distance import Levenshtein

from rnn_utils.seq2seq import greedy_search
from rnn_utils.seq2seq.analysis import (
    GAP,
    aligned_errors,
    aligned_positionwise_error,
    beam_fixes,
    confusion_counts,
    error_after_prefix,
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


def test_aligned_errors_mark_each_edit_once_where_it_happens():
    target = [1, 2, 3, 4, 5]
    assert aligned_errors(target, target).tolist() == [False] * 5
    assert aligned_errors([1, 3, 4, 5], target).tolist() == [False, True, False, False, False]
    assert aligned_errors([1, 2, 9, 3, 4, 5], target).tolist() == [False, False, True, False, False]
    assert aligned_errors([1, 2, 3, 4, 5, 6], target).tolist() == [False] * 4 + [True]
    assert aligned_errors([1, 7, 3, 4, 5], target).tolist() == [False, True, False, False, False]
    assert aligned_errors([], target).all()


def test_aligned_errors_keep_the_right_prefix_and_count_at_most_the_edit_distance():
    rng = np.random.default_rng(0)
    for _ in range(500):
        target = rng.integers(0, 3, size=rng.integers(1, 7)).tolist()
        prediction = rng.integers(0, 3, size=rng.integers(0, 8)).tolist()
        wrong = aligned_errors(prediction, target)
        prefix = 0
        while prefix < min(len(target), len(prediction)) and target[prefix] == prediction[prefix]:
            prefix += 1
        # the common prefix is matched (a prediction that runs on past the whole target is
        # wrong at the last position, where the extra tokens are counted)
        assert not wrong[: min(prefix, len(target) - 1)].any()
        if prediction != target:
            assert wrong[min(prefix, len(target) - 1)]  # the first error is where they part
        assert wrong.sum() <= Levenshtein.distance(target, prediction)
        assert wrong.any() == (prediction != target)


def test_one_missing_token_shifts_every_later_slot_without_alignment():
    predictions, targets = [[1, 3, 4, 5, 6]], [[1, 2, 3, 4, 5, 6]]
    np.testing.assert_allclose(positionwise_error(predictions, targets), [0, 1, 1, 1, 1, 1])
    np.testing.assert_allclose(aligned_positionwise_error(predictions, targets), [0, 1, 0, 0, 0, 0])
    err = aligned_positionwise_error([[1]], [[1]], max_positions=3)
    assert err[0] == 0.0 and np.isnan(err[1:]).all()


def _toy_decoder(seed=0, vocab=6, sources=5):
    """A fixed random table log P(y<t> | y<t-1>, source) as a step function (0 = bos, 1 = eos)."""
    rng = np.random.default_rng(seed)
    table = np.log(rng.dirichlet(np.full(vocab, 0.5), size=(sources, vocab)))

    def step(tokens, states):
        (source,) = states
        return table[source, tokens], [source]

    return table, step


def test_a_right_prefix_gives_the_same_error_rate_with_teacher_forcing_and_own_predictions():
    table, step = _toy_decoder()
    rng = np.random.default_rng(1)
    source = rng.integers(0, 5, size=300)
    # references: sampled sequences ending in eos (id 1), never containing bos (id 0)
    lengths = rng.integers(2, 7, size=len(source))
    targets = [[*rng.integers(2, 6, size=n - 1).tolist(), 1] for n in lengths]
    forced = [
        [int(np.argmax(table[s, prev])) for prev in [0, *target[:-1]]]
        for s, target in zip(source, targets, strict=True)
    ]
    result = greedy_search(step, [source], len(source), 0, 1, 8)
    own = [t + [1] * int(n > len(t)) for t, n in zip(result.tokens, result.lengths, strict=True)]
    tf, fr = error_after_prefix(forced, targets), error_after_prefix(own, targets)
    assert tf.n_right_prefix == fr.n_right_prefix > 0
    assert tf.right_prefix == pytest.approx(fr.right_prefix)
    right = [[p == t for p, t in zip(rows, targets, strict=True)] for rows in (forced, own)]
    assert right[0] == right[1] and 0 < sum(right[0]) < len(targets)  # whole words: the same


def test_error_after_prefix_counts_positions_from_two_on():
    rates = error_after_prefix([[1, 5, 6], [1, 2, 3, 4]], [[1, 2, 3], [1, 2, 3, 4]])
    assert rates == (0.25, 1.0, 4, 1)
    rates = error_after_prefix([[1, 2]], [[1, 2]], max_positions=1)
    assert rates.n_right_prefix == rates.n_after_error == 0 and np.isnan(rates.right_prefix)


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
    with pytest.raises(ValueError, match="max_positions must be a positive int"):
        aligned_positionwise_error([[1]], [[1]], max_positions=True)
    with pytest.raises(ValueError, match="at least one token"):
        aligned_errors([1], [])
    with pytest.raises(ValueError, match="one entry per word"):
        error_after_prefix([[1]], [[1], [2]])
