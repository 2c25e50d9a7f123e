"""Truncated BPTT helpers: stream rows, stateful chunked training and scoring, bad input."""

import numpy as np
import pytest

import rnn_utils  # noqa: F401  (quiet TensorFlow before it loads)

keras = rnn_utils.import_keras_quietly()

from rnn_utils.layers import LSTM  # noqa: E402
from rnn_utils.truncated_bptt import (  # noqa: E402
    stream_lm,
    stream_nll,
    stream_rows,
    train_truncated,
)

V = 5


def _stream(n=121, seed=0):
    return np.random.default_rng(seed).integers(0, V, size=n)


def test_stream_rows_are_contiguous_and_shifted_by_one():
    ids = _stream()
    x, y = stream_rows(ids, n_rows=4, chunk_len=7)
    assert x.shape == y.shape == (4, 28)  # 120 // 4 = 30 -> 28, a multiple of 7
    for r in range(4):
        np.testing.assert_array_equal(x[r], ids[r * 28 : (r + 1) * 28])
        np.testing.assert_array_equal(y[r], ids[r * 28 + 1 : (r + 1) * 28 + 1])


@pytest.mark.parametrize(
    "ids, n_rows, chunk_len, message",
    [
        (np.zeros((2, 3), int), 1, 1, "1-D"),
        (np.zeros(5), 1, 1, "int token ids"),
        (np.arange(5), 0, 1, "n_rows"),
        (np.arange(5), 1, 0, "chunk_len"),
        (np.arange(5), 2, 3, "too short"),
    ],
)
def test_stream_rows_rejects_bad_input(ids, n_rows, chunk_len, message):
    with pytest.raises(ValueError, match=message):
        stream_rows(ids, n_rows, chunk_len)


@pytest.mark.parametrize("layer_class", [LSTM, keras.layers.LSTM])
def test_carried_chunks_equal_one_pass_over_the_rows(layer_class):
    x, y = stream_rows(_stream(), n_rows=3, chunk_len=5)
    stateful = stream_lm(layer_class, 6, V, batch_size=3, stateful=True, seed=1)
    stateless = stream_lm(LSTM, 6, V, seed=2)
    stateless.set_weights(stateful.get_weights())
    nll, probs = stream_nll(stateful, x, y, chunk_len=5, carry=True)
    whole = np.asarray(stateless(np.eye(V, dtype="float32")[x]))
    np.testing.assert_allclose(probs, whole, atol=1e-6)
    chosen = np.take_along_axis(whole, y[..., None], axis=-1)
    assert nll == pytest.approx(-np.log(chosen).mean(), rel=1e-5)


def test_reset_reads_every_chunk_from_a_zero_state():
    x, y = stream_rows(_stream(), n_rows=3, chunk_len=5)
    stateful = stream_lm(LSTM, 6, V, batch_size=3, stateful=True, seed=1)
    stateless = stream_lm(LSTM, 6, V)
    stateless.set_weights(stateful.get_weights())
    _, probs = stream_nll(stateful, x, y, chunk_len=5, carry=False)
    chunks = np.eye(V, dtype="float32")[x].reshape(3, -1, 5, V).transpose(1, 0, 2, 3)
    expected = np.concatenate([np.asarray(stateless(c)) for c in chunks], axis=1)
    np.testing.assert_allclose(probs, expected, atol=1e-6)


def test_train_truncated_learns_a_periodic_stream_and_leaves_the_state_reset():
    ids = np.tile(np.arange(V), 40)  # 0 1 2 3 4 0 1 ...: the next token is always known
    x, y = stream_rows(ids, n_rows=4, chunk_len=10)
    model = stream_lm(LSTM, 8, V, batch_size=4, stateful=True)
    losses = train_truncated(model, x, y, chunk_len=10, epochs=15, lr=3e-2, carry=True)
    assert len(losses) == 15 and losses[-1] < 0.5 * losses[0]
    nll, _ = stream_nll(model, x, y, chunk_len=10)
    assert nll < 0.5
    for state in model.layers[0].states:
        assert not np.any(np.asarray(state))


def test_bad_models_and_shapes_raise_clear_errors():
    x, y = stream_rows(_stream(), n_rows=3, chunk_len=5)
    with pytest.raises(ValueError, match="no stateful layer"):
        train_truncated(stream_lm(LSTM, 4, V), x, y, chunk_len=5, epochs=1)
    model = stream_lm(LSTM, 4, V, batch_size=2, stateful=True)
    with pytest.raises(ValueError, match="batches of 2 rows, got 3"):
        stream_nll(model, x, y, chunk_len=5)
    model = stream_lm(LSTM, 4, V, batch_size=3, stateful=True)
    with pytest.raises(ValueError, match="multiple of chunk_len=3"):
        stream_nll(model, x, y, chunk_len=3)
    with pytest.raises(ValueError, match="lr must be > 0"):
        train_truncated(model, x, y, chunk_len=5, epochs=1, lr=0)
    with pytest.raises(ValueError, match="fixed batch_size"):
        stream_lm(LSTM, 4, V, stateful=True)
