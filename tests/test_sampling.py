"""Sampling from a language model: greedy, temperature, top-k and the feed-back loop."""

import numpy as np
import pytest

from rnn_utils.sampling import (
    apply_temperature,
    check_probabilities,
    greedy,
    sample_sequence,
    sample_token,
    top_k_filter,
)

PROBS = np.array([0.05, 0.4, 0.1, 0.3, 0.15])


def test_greedy_is_argmax_on_random_distributions():
    rng = np.random.default_rng(1)
    for _ in range(50):
        p = rng.dirichlet(np.ones(7))
        assert greedy(p) == int(np.argmax(p))


def test_temperature_one_is_identity_and_small_temperature_approaches_greedy():
    np.testing.assert_allclose(apply_temperature(PROBS, 1.0), PROBS, atol=1e-12)
    mass_on_argmax = [apply_temperature(PROBS, t)[1] for t in (1.0, 0.5, 0.2, 0.05, 0.01)]
    assert all(b > a for a, b in zip(mass_on_argmax, mass_on_argmax[1:], strict=False))
    assert mass_on_argmax[-1] > 1 - 1e-9
    rng = np.random.default_rng(0)
    draws = [sample_token(PROBS, rng, temperature=0.01) for _ in range(200)]
    assert set(draws) == {greedy(PROBS)}


def test_high_temperature_flattens_towards_uniform():
    flat = apply_temperature(PROBS, 1000.0)
    np.testing.assert_allclose(flat, np.full(5, 0.2), atol=1e-3)
    # order is kept and entropy grows with the temperature
    entropy = lambda p: -np.sum(p * np.log(p))  # noqa: E731
    assert entropy(apply_temperature(PROBS, 2.0)) > entropy(PROBS)
    np.testing.assert_array_equal(np.argsort(apply_temperature(PROBS, 2.0)), np.argsort(PROBS))


def test_temperature_matches_softmax_of_scaled_logits():
    logits = np.array([2.0, -1.0, 0.5])
    probs = np.exp(logits) / np.exp(logits).sum()
    scaled = np.exp(logits / 0.7) / np.exp(logits / 0.7).sum()
    np.testing.assert_allclose(apply_temperature(probs, 0.7), scaled, rtol=1e-10)


def test_zero_probabilities_stay_zero_under_temperature():
    p = apply_temperature([0.0, 0.5, 0.5], 0.3)
    assert p[0] == 0.0 and abs(p.sum() - 1) < 1e-12


def test_top_k_keeps_the_k_largest_and_renormalises():
    filtered = top_k_filter(PROBS, 2)
    np.testing.assert_allclose(filtered, [0, 0.4 / 0.7, 0, 0.3 / 0.7, 0], atol=1e-12)
    assert np.count_nonzero(top_k_filter(PROBS, 3)) == 3
    np.testing.assert_allclose(top_k_filter(PROBS, 5), PROBS)


def test_top_k_never_samples_outside_the_top_k():
    rng = np.random.default_rng(0)
    draws = {sample_token(PROBS, rng, top_k=2) for _ in range(500)}
    assert draws == {1, 3}


def test_empirical_frequencies_match_probabilities():
    rng = np.random.default_rng(42)
    n = 20_000
    draws = np.array([sample_token(PROBS, rng) for _ in range(n)])
    freq = np.bincount(draws, minlength=5) / n
    # 4 standard errors of a binomial proportion
    assert np.all(np.abs(freq - PROBS) < 4 * np.sqrt(PROBS * (1 - PROBS) / n))


def test_sampling_is_reproducible_with_the_same_generator_seed():
    a = [sample_token(PROBS, np.random.default_rng(7)) for _ in range(5)]
    b = [sample_token(PROBS, np.random.default_rng(7)) for _ in range(5)]
    assert a == b


def _chain_step(table):
    """A Markov-chain 'model': the next-token distribution depends on the previous token."""

    def step(token, state):
        row = table[0] if token is None else table[token]
        return row, state + [token]

    return step


def test_sample_sequence_feeds_the_chosen_token_back():
    # token 1 -> always 2, token 2 -> always 0 (end); the start row favours 1
    table = np.array([[0.1, 0.8, 0.1], [0.0, 0.0, 1.0], [1.0, 0.0, 0.0]])
    seen = []

    def step(token, state):
        seen.append(token)
        return _chain_step(table)(token, state)

    out = sample_sequence(step, [], end_token=0, max_length=10, strategy="greedy")
    assert out.tokens == [1, 2] and out.ended
    assert seen == [None, 1, 2]  # each call received the previous choice
    np.testing.assert_allclose(out.log_probs, np.log([0.8, 1.0, 1.0]))
    assert out.mean_log_prob == pytest.approx(np.log(0.8) / 3)


def test_sample_sequence_stops_at_max_length_and_uses_rng():
    table = np.tile([0.0, 0.5, 0.5], (3, 1))  # the end token 0 is never chosen
    out = sample_sequence(
        _chain_step(table), [], end_token=0, max_length=6, rng=np.random.default_rng(0)
    )
    assert len(out.tokens) == 6 and not out.ended and set(out.tokens) <= {1, 2}
    np.testing.assert_allclose(out.log_probs, np.log(0.5))


def test_log_probs_are_under_the_unmodified_model():
    table = np.array([[0.2, 0.5, 0.3], [0.2, 0.5, 0.3], [0.2, 0.5, 0.3]])
    out = sample_sequence(
        _chain_step(table), [], 0, 4, rng=np.random.default_rng(3), temperature=0.05
    )
    assert out.tokens == [1, 1, 1, 1]
    np.testing.assert_allclose(out.log_probs, np.log(0.5))


@pytest.mark.parametrize(
    "call, error, match",
    [
        (lambda: check_probabilities([0.5, 0.6]), ValueError, "sum to 1"),
        (lambda: check_probabilities([[0.5, 0.5]]), ValueError, "1-D"),
        (lambda: check_probabilities([1.5, -0.5]), ValueError, "non-negative"),
        (lambda: greedy([]), ValueError, "non-empty"),
        (lambda: apply_temperature(PROBS, 0.0), ValueError, "temperature"),
        (lambda: apply_temperature(PROBS, "hot"), TypeError, "temperature"),
        (lambda: top_k_filter(PROBS, 0), ValueError, "k must be in"),
        (lambda: top_k_filter(PROBS, 6), ValueError, "k must be in"),
        (lambda: top_k_filter(PROBS, 2.0), TypeError, "k must be an int"),
        (lambda: sample_token(PROBS, rng=0), TypeError, "Generator"),
        (lambda: sample_sequence(None, None, 0, 3), TypeError, "step_fn"),
        (lambda: sample_sequence(lambda t, s: (PROBS, s), None, 0, 0), ValueError, "max_length"),
        (
            lambda: sample_sequence(lambda t, s: (PROBS, s), None, 0, 3, strategy="beam"),
            ValueError,
            "strategy",
        ),
        (lambda: sample_sequence(lambda t, s: (PROBS, s), None, 0, 3), TypeError, "Generator"),
    ],
)
def test_bad_arguments_raise_clear_errors(call, error, match):
    with pytest.raises(error, match=match):
        call()
