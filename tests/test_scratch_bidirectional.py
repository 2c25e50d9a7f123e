"""Tests for rnn_utils.scratch.bidirectional: gradients, masking, merges, Keras layout, errors."""

import numpy as np
import pytest

from rnn_utils.scratch import gradient_check, rnn_forward
from rnn_utils.scratch.bidirectional import (
    MERGE_MODES,
    bidirectional_forward,
    bidirectional_loss_and_grads,
    init_bidirectional_params,
    merge_directions,
    split_bidirectional_params,
    to_keras_bidirectional_weights,
)

KINDS = ("rnn", "gru", "lstm")
MODES = [mode for mode in MERGE_MODES if mode is not None]


def _batch(m=3, t_x=5, n_x=2, n_y=3, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(m, t_x, n_x))
    y = rng.integers(0, n_y, size=(m, t_x))
    mask = np.ones((m, t_x))
    mask[1, 3:] = 0  # right padding
    mask[2, 1:] = 0
    return x, y, mask


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("merge_mode", MODES)
def test_gradients_match_central_differences_with_a_mask(kind, merge_mode):
    x, y, mask = _batch()
    params = init_bidirectional_params(kind, 2, 3, 3, merge_mode=merge_mode, seed=1)

    def f(p):
        return bidirectional_loss_and_grads(kind, x, y, p, mask=mask, merge_mode=merge_mode)

    errors = gradient_check(f, params, max_entries=6)
    assert set(errors) == set(params)
    assert max(errors.values()) < 1e-6, errors


def test_forward_direction_is_the_plain_rnn_and_backward_reads_reversed_input():
    x, _, _ = _batch()
    params = init_bidirectional_params("rnn", 2, 4, None, seed=3)
    out = bidirectional_forward("rnn", x, params)
    fwd, bwd, _ = split_bidirectional_params("rnn", params)
    with_output = {**fwd, "Wya": np.zeros((1, 4)), "by": np.zeros(1)}
    a_fwd = rnn_forward(x, np.zeros((3, 4)), with_output)[0]
    a_rev = rnn_forward(x[:, ::-1], np.zeros((3, 4)), {**with_output, **bwd})[0]
    assert np.allclose(out.a_fwd, a_fwd) and np.allclose(out.a_bwd, a_rev[:, ::-1])


@pytest.mark.parametrize("kind", KINDS)
def test_masked_padded_batch_equals_each_unpadded_sentence(kind):
    x, _, mask = _batch()
    params = init_bidirectional_params(kind, 2, 3, 4, seed=2)
    padded = bidirectional_forward(kind, x, params, mask=mask)
    naive = bidirectional_forward(kind, x, params)  # reads the padding
    for i, length in enumerate(mask.sum(axis=1).astype(int)):
        alone = bidirectional_forward(kind, x[i : i + 1, :length], params)
        assert np.allclose(padded.y_hat[i, :length], alone.y_hat[0], atol=1e-12)
        assert np.all(padded.merged[i, length:] == 0)
        assert np.allclose(naive.a_fwd[i, :length], alone.a_fwd[0])  # forward: unaffected
        if length < x.shape[1]:
            assert not np.allclose(naive.a_bwd[i, :length], alone.a_bwd[0])


def test_merge_modes():
    a, b = np.full((1, 2, 3), 2.0), np.full((1, 2, 3), 4.0)
    assert merge_directions(a, b, "concat").shape == (1, 2, 6)
    assert np.all(merge_directions(a, b, "sum") == 6.0)
    assert np.all(merge_directions(a, b, "mul") == 8.0)
    assert np.all(merge_directions(a, b, "ave") == 3.0)
    pair = merge_directions(a, b, None)
    assert pair[0] is a and pair[1] is b
    with pytest.raises(ValueError, match="must match"):
        merge_directions(a, b[..., :2], "sum")


@pytest.mark.parametrize("kind, blocks", [("rnn", 1), ("gru", 3), ("lstm", 4)])
def test_keras_layout(kind, blocks):
    params = init_bidirectional_params(kind, 3, 4, 2, merge_mode="sum")
    weights = to_keras_bidirectional_weights(kind, params, merge_mode="sum")
    shapes = [w.shape for w in weights["bidirectional"]]
    assert shapes == [(3, 4 * blocks), (4, 4 * blocks), (4 * blocks,)] * 2
    assert [w.shape for w in weights["dense"]] == [(4, 2), (2,)]


def test_keras_equivalence_with_a_mask():
    keras = pytest.importorskip("keras")
    x, _, mask = _batch(n_x=3)
    params = init_bidirectional_params("lstm", 3, 4, None, seed=5)
    ref = bidirectional_forward("lstm", x, params, mask=mask).merged
    layer = keras.layers.Bidirectional(keras.layers.LSTM(4, return_sequences=True))
    layer.build(x.shape)
    layer.set_weights(to_keras_bidirectional_weights("lstm", params)["bidirectional"])
    got = keras.ops.convert_to_numpy(layer(x.astype("float32"), mask=mask.astype(bool)))
    assert np.abs(got - ref).max() < 1e-5


def test_bad_inputs_raise_clear_errors():
    x, y, mask = _batch()
    params = init_bidirectional_params("gru", 2, 3, 3)
    with pytest.raises(ValueError, match="merge_mode must be one of"):
        bidirectional_forward("gru", x, params, merge_mode="max")
    with pytest.raises(ValueError, match=r"\(m, T_x\)"):
        bidirectional_forward("gru", x, params, mask=mask[:, :2])
    with pytest.raises(ValueError, match="only 0"):
        bidirectional_forward("gru", x, params, mask=mask * 2)
    with pytest.raises(ValueError, match=r"\(m, T_x, n_x\)"):
        bidirectional_forward("gru", x[..., :1], params)
    with pytest.raises(ValueError, match="'bwd' direction"):
        bidirectional_forward("gru", x, {k: v for k, v in params.items() if k != "bwd_Wr"})
    with pytest.raises(ValueError, match=r"Wy .*\(n_y, 3\)"):
        bidirectional_forward("gru", x, params, merge_mode="sum")  # W_y is (n_y, 2 n_a)
    with pytest.raises(ValueError, match="unexpected key"):
        bidirectional_forward("gru", x, {**params, "Wya": params["Wy"]})
    with pytest.raises(ValueError, match="output layer"):
        bidirectional_loss_and_grads("gru", x, y, params, merge_mode=None)
    with pytest.raises(ValueError, match="n_y=None"):
        init_bidirectional_params("gru", 2, 3, 3, merge_mode=None)


@pytest.mark.parametrize("kind", KINDS)
def test_direction_backprop_also_returns_the_input_gradient(kind):
    """dL/dx<t> = the sum of what both directions send to x<t> (checked by differences)."""
    from rnn_utils.scratch.bptt import _cross_entropy, backprop_direction

    x, y, mask = _batch()
    params = init_bidirectional_params(kind, 2, 3, 3, seed=7)

    def loss_and_dx(p):
        out = bidirectional_forward(kind, p["x"], params, mask=mask)
        loss, dlogits = _cross_entropy(out.y_hat, y, mask)
        d_merged = dlogits @ params["Wy"]
        dx = np.zeros_like(p["x"])
        for d_dir, cell, caches, reverse in zip(
            (d_merged[..., :3], d_merged[..., 3:]),
            out.cache["cells"],
            out.cache["caches"],
            (False, True),
            strict=True,
        ):
            dx += backprop_direction(kind, d_dir, caches, cell, mask, reverse)[1]
        return loss, {"x": dx}

    assert gradient_check(loss_and_dx, {"x": x})["x"] < 1e-6
