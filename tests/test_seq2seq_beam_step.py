"""``rnn_utils.seq2seq.decoding.beam_step``: one step of beam search, and ``beam_search``'s
``select`` argument, through which notebook 08 runs the learner's own step."""

import itertools

import numpy as np
import pytest

from rnn_utils.seq2seq.decoding import beam_search, beam_step

EOS = 2


def _by_hand(scores, done, log_probs, width):
    """Every candidate of one source listed and sorted: (score, parent, token) of the best."""
    k, vocab = log_probs.shape
    candidates = []
    for j, w in itertools.product(range(k), range(vocab)):
        if done[j]:
            score = scores[j] if w == EOS else -np.inf  # a finished hypothesis only repeats eos
        else:
            score = scores[j] + log_probs[j, w]
        candidates.append((-score, j * vocab + w, j, w))
    best = sorted(candidates)[:width]
    return [-c[0] for c in best], [c[2] for c in best], [c[3] for c in best]


@pytest.mark.parametrize("seed", range(5))
def test_beam_step_keeps_the_best_candidates_of_all_hypotheses(seed):
    rng = np.random.default_rng(seed)
    b, k, vocab, width = 3, 4, 5, 4
    scores = -rng.uniform(0, 3, size=(b, k))
    scores[0, 2:] = -np.inf  # empty slots, as at the start of a search
    done = rng.uniform(size=(b, k)) < 0.3
    log_probs = np.log(rng.dirichlet(np.ones(vocab), size=(b, k)))
    kept, parent, token = beam_step(scores, done, log_probs, EOS, width)
    assert kept.shape == parent.shape == token.shape == (b, width)
    for i in range(b):
        want = _by_hand(scores[i], done[i], log_probs[i], width)
        np.testing.assert_allclose(kept[i], want[0], rtol=1e-12)
        assert parent[i].tolist() == want[1] and token[i].tolist() == want[2]


def _toy_decoder(seed=0, vocab=6):
    table = np.random.default_rng(seed).normal(size=(vocab, vocab))

    def step(tokens, states):
        logits = table[tokens] + states[0]
        return logits - np.log(np.exp(logits).sum(axis=1, keepdims=True)), states

    return step, [np.random.default_rng(seed + 1).normal(size=(3, vocab))]


def test_beam_search_runs_the_select_function_it_is_given():
    step, states = _toy_decoder()
    calls = []

    def recording(*args):
        calls.append(args[-1])
        return beam_step(*args)

    default = beam_search(step, states, 3, 0, EOS, 6, beam_width=3)
    chosen = beam_search(step, states, 3, 0, EOS, 6, beam_width=3, select=recording)
    assert calls and set(calls) == {3}  # called once per step with the beam width
    assert chosen.tokens == default.tokens
    np.testing.assert_allclose(chosen.log_probs, default.log_probs, rtol=1e-12)
    np.testing.assert_array_equal(chosen.lengths, default.lengths)


def test_the_beam_is_never_worse_than_keeping_the_best_token_of_each_hypothesis():
    step, states = _toy_decoder(seed=3)

    def best_of_each(scores, done, log_probs, eos, width):  # k greedy searches, not a beam
        token = log_probs.argmax(axis=-1)
        kept = scores + log_probs.max(axis=-1)
        return kept, np.broadcast_to(np.arange(width), kept.shape), token

    right = beam_search(step, states, 3, 0, EOS, 6, beam_width=3, length_penalty=0.0)
    wrong = beam_search(
        step, states, 3, 0, EOS, 6, beam_width=3, select=best_of_each, length_penalty=0.0
    )
    assert np.all(right.log_probs >= wrong.log_probs - 1e-12)
