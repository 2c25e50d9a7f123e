"""Language-model helpers: data layout, n-gram baselines, NLL, optimisers, training loops."""

import numpy as np
import pytest

from rnn_utils.language_model import (
    SGD,
    Adam,
    NGramModel,
    keras_sgd_run,
    lm_arrays,
    masked_nll_per_token,
    relu_rnn_model,
    train_scratch_rnn,
)
from rnn_utils.scratch import init_params, rnn_forward

# a tiny corpus over 4 tokens, 0 = end of sequence
CORPUS = [[1, 2, 3, 0], [1, 2, 0], [2, 3, 0], [1, 3, 3, 0], [1, 2, 3, 0]]


@pytest.mark.parametrize("order", [1, 2, 3])
@pytest.mark.parametrize("k", [0.1, 1.0])
def test_ngram_probabilities_sum_to_one_for_every_history(order, k):
    model = NGramModel(order, n_classes=4, k=k).fit(CORPUS)
    for history in ([], [1], [1, 2], [3, 3], [2, 2, 2]):  # seen and unseen contexts
        p = model.next_token_probs(history)
        assert p.shape == (4,) and np.all(p > 0)
        assert p.sum() == pytest.approx(1.0, abs=1e-12)


def test_ngram_counts_give_the_add_k_formula():
    bigram = NGramModel(2, n_classes=4, k=0.5).fit(CORPUS)
    # after token 2: next tokens 3, 0, 3, 3 -> counts [1, 0, 0, 3]
    np.testing.assert_allclose(bigram.next_token_probs([1, 2]), np.array([1.5, 0.5, 0.5, 3.5]) / 6)
    unigram = NGramModel(1, n_classes=4, k=1.0).fit(CORPUS)
    counts = np.bincount(np.concatenate(CORPUS), minlength=4)
    np.testing.assert_allclose(unigram.next_token_probs([3]), (counts + 1) / (counts.sum() + 4))


def test_ngram_nll_is_the_mean_negative_log_probability():
    model = NGramModel(3, n_classes=4, k=1.0).fit(CORPUS)
    held_out = [[1, 3, 0], [2, 0]]
    logs = np.concatenate([model.sequence_log_probs(s) for s in held_out])
    assert model.nll_per_token(held_out) == pytest.approx(-logs.mean())
    # a longer context fits the training data better than counts of single tokens
    nll = [NGramModel(o, 4, k=0.1).fit(CORPUS).nll_per_token(CORPUS) for o in (1, 2, 3)]
    assert nll[0] > nll[1] > nll[2]
    assert nll[0] < np.log(4)  # the unigram beats the uniform guess


def test_lm_arrays_shift_targets_into_inputs():
    x, y, mask = lm_arrays([[2, 1, 0], [3, 0]], n_classes=4)
    assert x.shape == (2, 3, 4)
    np.testing.assert_array_equal(x[:, 0], 0.0)  # x<1> = 0
    np.testing.assert_array_equal(x[0, 1:].argmax(-1), [2, 1])  # x<t> = y<t-1>
    np.testing.assert_array_equal(x[1, 1], np.eye(4)[3])
    np.testing.assert_array_equal(x[1, 2], 0.0)  # padding step
    np.testing.assert_array_equal(mask, [[1, 1, 1], [1, 1, 0]])
    x_cut, y_cut, _ = lm_arrays([[2, 1, 0]], n_classes=4, max_len=2)
    assert y_cut.tolist() == [[2, 1]] and x_cut.shape == (1, 2, 4)


def test_masked_nll_ignores_padding():
    y_hat = np.full((1, 3, 2), 0.5)
    y_hat[0, 2] = [1e-9, 1 - 1e-9]
    y = np.array([[0, 1, 0]])
    assert masked_nll_per_token(y_hat, y, [[1, 1, 0]]) == pytest.approx(np.log(2))
    assert masked_nll_per_token(y_hat, y, [[1, 1, 1]]) > 5 * np.log(2)


def test_adam_and_sgd_minimise_a_quadratic():
    target = np.array([1.0, -2.0])
    for opt in (SGD(lr=0.1), Adam(lr=0.1)):
        params = {"w": np.zeros(2)}
        for _ in range(300):
            params = opt.step(params, {"w": 2 * (params["w"] - target)})
        np.testing.assert_allclose(params["w"], target, atol=1e-3)


def test_train_scratch_rnn_learns_a_deterministic_chain():
    # every sequence is 1 2 3 0: a perfect model has NLL 0
    x, y, mask = lm_arrays([[1, 2, 3, 0]] * 8, n_classes=4)
    params = init_params("rnn", 4, 8, 4, seed=0)
    run = train_scratch_rnn(params, x, y, mask, Adam(0.05), epochs=40, batch_size=4)
    assert run.first_nonfinite_step is None and len(run.losses) == 80
    assert run.losses[0] > 1.0 and run.losses[-1] < 0.05
    _, y_hat, _ = rnn_forward(x, np.zeros((8, 8)), run.params)
    assert masked_nll_per_token(y_hat, y, mask) == pytest.approx(run.losses[-1], rel=0.5)
    assert params["Waa"] is not run.params["Waa"]  # the input dict is untouched


def test_train_scratch_rnn_reports_the_first_non_finite_loss():
    x, y, mask = lm_arrays([[1, 2, 3, 0]] * 4, n_classes=4)
    params = init_params("rnn", 4, 3, 4, seed=0)
    params["by"] = np.array([np.nan, 0.0, 0.0, 0.0])
    run = train_scratch_rnn(params, x, y, mask, SGD(0.1), epochs=3, batch_size=4)
    assert run.first_nonfinite_step == 0 and len(run.losses) == 1


def test_keras_sgd_run_explodes_without_clipping_and_not_with_it():
    import rnn_utils  # noqa: F401  (quiet TensorFlow first)

    def model(seed):
        return relu_rnn_model(4, 8, 4, radius=3.0, seed=seed, T=10)

    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(8, 10, 4)), rng.integers(0, 4, size=(8, 10))
    exploded = keras_sgd_run(model(0), x, y, lr=1.0, steps=20)
    assert exploded.first_nonfinite_step is not None
    clipped = keras_sgd_run(model(0), x, y, lr=1.0, steps=20, clip=0.1)
    assert clipped.first_nonfinite_step is None and np.all(np.isfinite(clipped.losses))


def test_keras_sgd_run_with_a_mask_measures_the_nll_per_real_token():
    import keras

    import rnn_utils  # noqa: F401  (quiet TensorFlow first)
    from rnn_utils.scratch import softmax

    x, y, mask = lm_arrays([[1, 2, 3, 0], [2, 0], [3, 1, 0]], n_classes=4)
    model = relu_rnn_model(4, 6, 4, radius=0.9, seed=0)
    expected = masked_nll_per_token(
        softmax(keras.ops.convert_to_numpy(model(x)).astype(np.float64)), y, mask
    )
    run = keras_sgd_run(model, x, y, lr=0.1, steps=2, mask=mask)
    assert abs(run.losses[0] - expected) < 1e-5
    # the padding does not count: changing a padded target leaves the loss unchanged
    y_other = y.copy()
    y_other[1, 3] = 3
    again = keras_sgd_run(
        relu_rnn_model(4, 6, 4, radius=0.9, seed=0), x, y_other, 0.1, 1, None, mask
    )
    assert again.losses[0] == pytest.approx(run.losses[0], abs=1e-6)
    with pytest.raises(ValueError, match="mask must be a 0/1 array"):
        keras_sgd_run(model, x, y, lr=0.1, steps=1, mask=mask[:, :2])


@pytest.mark.parametrize(
    "call, error, match",
    [
        (lambda: NGramModel(0, 4), ValueError, "order"),
        (lambda: NGramModel(2, 4, k=0), ValueError, "add-k"),
        (lambda: NGramModel(2, 4).fit([[1, 5]]), ValueError, "outside"),
        (lambda: NGramModel(2, 4).fit("abc"), TypeError, "list of id lists"),
        (lambda: NGramModel(2, 4).fit([[0.5, 1.0]]), TypeError, "integer ids"),
        (lambda: NGramModel(2, 4).next_token_probs([1]), ValueError, "not fitted"),
        (lambda: lm_arrays([[]], 4), ValueError, "non-empty"),
        (lambda: masked_nll_per_token(np.ones((2, 3)), [[0]], [[1]]), ValueError, "y_hat"),
        (lambda: SGD(lr=0), ValueError, "lr"),
        (lambda: Adam(beta1=1.0), ValueError, "beta1"),
        (
            lambda: train_scratch_rnn({}, np.zeros((1, 2, 4)), [[0, 0]], [[1, 1]], "adam"),
            TypeError,
            "optimizer",
        ),
    ],
)
def test_bad_arguments_raise_clear_errors(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_relu_rnn_model_sets_the_spectral_radius():
    import rnn_utils  # noqa: F401

    model = relu_rnn_model(3, 6, 2, radius=2.5, seed=1)
    recurrent = model.layers[0].get_weights()[1]
    assert np.isclose(np.max(np.abs(np.linalg.eigvals(recurrent))), 2.5, rtol=1e-5)
    assert model.output_shape == (None, None, 2)
