"""rnn_utils.seq2seq: attention equal to Keras's layers, masking, exact decoding on toy models."""

import itertools

import keras
import numpy as np
import pytest

from rnn_utils.seq2seq import (
    AdditiveAttention,
    LuongAttention,
    beam_search,
    greedy_search,
    normalised_score,
)

RNG = np.random.default_rng(0)
QUERY = RNG.normal(size=(3, 4, 5)).astype("float32")  # (batch, T_y, d_s)
VALUES = RNG.normal(size=(3, 6, 5)).astype("float32")  # (batch, T_x, d_a)
MASK = np.arange(6)[None, :] < np.array([[6], [4], [2]])  # right-padded sources


def _max_err(a, b):
    return float(np.max(np.abs(np.asarray(a) - np.asarray(b))))


@pytest.mark.parametrize("masked", [False, True])
def test_additive_attention_equals_keras_with_projected_inputs(masked):
    ours = AdditiveAttention(7)
    mask = MASK if masked else None
    context, weights = ours(QUERY, VALUES, source_mask=mask)
    q = QUERY @ np.asarray(ours.query_kernel)
    k = VALUES @ np.asarray(ours.key_kernel)
    theirs = keras.layers.AdditiveAttention(use_scale=True)
    theirs([q, VALUES, k])  # build
    theirs.set_weights([np.asarray(ours.v)])
    keras_mask = None if mask is None else [None, mask]
    ref_context, ref_weights = theirs([q, VALUES, k], mask=keras_mask, return_attention_scores=True)
    assert _max_err(context, ref_context) <= 1e-5
    assert _max_err(weights, ref_weights) <= 1e-5


@pytest.mark.parametrize("score", ["dot", "general"])
@pytest.mark.parametrize("masked", [False, True])
def test_luong_attention_equals_keras_dot_attention(score, masked):
    ours = LuongAttention(score)
    mask = MASK if masked else None
    context, weights = ours(QUERY, VALUES, source_mask=mask)
    q = QUERY @ np.asarray(ours.kernel) if score == "general" else QUERY
    keras_mask = None if mask is None else [None, mask]
    ref_context, ref_weights = keras.layers.Attention()(
        [q, VALUES], mask=keras_mask, return_attention_scores=True
    )
    assert _max_err(context, ref_context) <= 1e-5
    assert _max_err(weights, ref_weights) <= 1e-5


@pytest.mark.parametrize("layer", [AdditiveAttention(4), LuongAttention("dot")])
def test_padded_positions_get_zero_weight_and_weights_sum_to_one(layer):
    _, weights = layer(QUERY, VALUES, source_mask=MASK)
    weights = np.asarray(weights)
    assert np.all(weights[~np.broadcast_to(MASK[:, None, :], weights.shape)] == 0.0)
    np.testing.assert_allclose(weights.sum(-1), 1.0, atol=1e-6)


def test_single_query_step_matches_the_sequence_form():
    layer = AdditiveAttention(4)
    context_seq, weights_seq = layer(QUERY, VALUES)
    context_one, weights_one = layer(QUERY[:, 2], VALUES)
    assert tuple(context_one.shape) == (3, 5) and tuple(weights_one.shape) == (3, 6)
    assert _max_err(context_one, np.asarray(context_seq)[:, 2]) <= 1e-6
    assert _max_err(weights_one, np.asarray(weights_seq)[:, 2]) <= 1e-6


def test_attention_errors_name_the_expected_shapes():
    with pytest.raises(ValueError, match=r"\(batch, T_x, d\)"):
        AdditiveAttention(4)(QUERY, VALUES[0])
    with pytest.raises(ValueError, match="same size"):
        LuongAttention("dot")(QUERY, VALUES[..., :3])
    with pytest.raises(ValueError, match='"dot" or "general"'):
        LuongAttention("cosine")
    with pytest.raises(ValueError, match="positive int"):
        AdditiveAttention(0)


def test_attention_layers_round_trip_through_config():
    for layer in (AdditiveAttention(3), LuongAttention("general")):
        clone = type(layer).from_config(layer.get_config())
        assert clone.get_config() == layer.get_config()


# --- decoding on a toy "model": a fixed table of next-token log-probabilities ---------------
BOS, EOS, VOCAB, MAX_LEN = 0, 1, 4, 4


def _toy_step(seed):
    """A step function whose log-probs depend on (source row, previous token, step count)."""
    rng = np.random.default_rng(seed)
    table = np.log(rng.dirichlet(np.ones(VOCAB) * 0.7, size=(2, VOCAB, MAX_LEN + 1)))
    table[..., BOS] = -np.inf  # bos is never produced

    def step(tokens, states):
        source, t = states
        return table[source, tokens, t], [source, t + 1]

    return step, table


def _exhaustive_best(table, source, length_penalty):
    best, best_seq = -np.inf, None
    for n in range(1, MAX_LEN + 1):
        for body in itertools.product(range(2, VOCAB), repeat=n - 1):
            for last in [EOS] if n < MAX_LEN else [EOS, *range(2, VOCAB)]:
                seq = [*body, last]
                prev, total = BOS, 0.0
                for t, tok in enumerate(seq):
                    total += table[source, prev, t, tok]
                    prev = tok
                score = normalised_score(total, n, length_penalty)
                if score > best:
                    best, best_seq = score, seq
    return best_seq[:-1] if best_seq[-1] == EOS else best_seq


@pytest.mark.parametrize("seed", range(5))
def test_beam_width_one_equals_greedy(seed):
    step, _ = _toy_step(seed)
    states = [np.array([0, 1]), np.zeros(2, dtype=int)]
    greedy = greedy_search(step, states, 2, BOS, EOS, MAX_LEN)
    beam = beam_search(step, states, 2, BOS, EOS, MAX_LEN, beam_width=1)
    assert greedy.tokens == beam.tokens
    np.testing.assert_allclose(greedy.log_probs, beam.log_probs)
    np.testing.assert_array_equal(greedy.lengths, beam.lengths)


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("length_penalty", [0.0, 1.0])
def test_wide_beam_finds_the_exhaustive_optimum(seed, length_penalty):
    step, table = _toy_step(seed)
    states = [np.array([0, 1]), np.zeros(2, dtype=int)]
    # 3 non-eos tokens and 4 steps: at most 27 live prefixes, so a beam of 64 prunes nothing.
    result = beam_search(
        step, states, 2, BOS, EOS, MAX_LEN, beam_width=64, length_penalty=length_penalty
    )
    for source in (0, 1):
        assert result.tokens[source] == _exhaustive_best(table, source, length_penalty)


def _summed_log_prob(table, source, tokens):
    total, prev = 0.0, BOS
    for t, tok in enumerate([*tokens, EOS][:MAX_LEN]):
        total, prev = total + table[source, prev, t, tok], tok
    return total


@pytest.mark.parametrize("length_penalty", [0.0, 1.0])
def test_the_hypotheses_are_the_final_beam_best_first_with_their_log_probs(length_penalty):
    step, table = _toy_step(3)
    states = [np.array([0, 1]), np.zeros(2, dtype=int)]
    result = beam_search(
        step, states, 2, BOS, EOS, MAX_LEN, beam_width=5, length_penalty=length_penalty
    )
    for source in (0, 1):
        hypotheses = result.hypotheses[source]
        assert len(hypotheses) == 5 and hypotheses[0][0] == result.tokens[source]
        assert len({tuple(tokens) for tokens, _ in hypotheses}) == 5  # five different outputs
        scores = [
            normalised_score(lp, min(len(tokens) + 1, MAX_LEN), length_penalty)
            for tokens, lp in hypotheses
        ]
        assert scores == sorted(scores, reverse=True)
        for tokens, log_prob in hypotheses:
            assert log_prob == pytest.approx(_summed_log_prob(table, source, tokens))
    greedy = greedy_search(step, states, 2, BOS, EOS, MAX_LEN)
    pairs = zip(greedy.tokens, greedy.log_probs, strict=True)
    assert greedy.hypotheses == [[(tokens, lp)] for tokens, lp in pairs]


def test_beam_search_is_never_worse_than_greedy_on_the_summed_score():
    step, _ = _toy_step(7)
    states = [np.array([0, 1]), np.zeros(2, dtype=int)]
    greedy = greedy_search(step, states, 2, BOS, EOS, MAX_LEN)
    beam = beam_search(step, states, 2, BOS, EOS, MAX_LEN, beam_width=8, length_penalty=0.0)
    assert np.all(beam.log_probs >= greedy.log_probs - 1e-12)


def test_decoding_errors_are_clear():
    step, _ = _toy_step(0)
    with pytest.raises(ValueError, match="batch size 2"):
        greedy_search(step, [np.zeros(3)], 2, BOS, EOS, MAX_LEN)
    with pytest.raises(ValueError, match="beam_width"):
        beam_search(step, [np.zeros(2)], 2, BOS, EOS, MAX_LEN, beam_width=0)
    with pytest.raises(ValueError, match="bos and eos"):
        greedy_search(step, [np.zeros(2)], 2, EOS, EOS, MAX_LEN)
