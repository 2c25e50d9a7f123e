"""Notebook 07's helpers: parameter budgets, path lengths, LM training curves, the grid diagram."""

import math

import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")

from rnn_utils.depth import (  # noqa: E402
    fit_lm,
    layer_param_count,
    lm_param_count,
    path_lengths,
    seconds_per_step,
    sequential_waves,
    width_for_budget,
)
from rnn_utils.plots.deep_diagrams import count_tagged, draw_deep_rnn  # noqa: E402
from rnn_utils.plots.diagrams import count_parts  # noqa: E402


@pytest.mark.parametrize("kind", ["rnn", "gru", "lstm"])
@pytest.mark.parametrize("bidirectional", [False, True])
def test_param_counts_match_keras(kind, bidirectional):
    from rnn_utils import import_keras_quietly

    keras = import_keras_quietly()
    cls = {"rnn": keras.layers.SimpleRNN, "gru": keras.layers.GRU, "lstm": keras.layers.LSTM}
    layer = cls[kind](7, return_sequences=True)
    layer = keras.layers.Bidirectional(layer) if bidirectional else layer
    layer.build((None, None, 5))
    assert layer.count_params() == layer_param_count(kind, 5, 7, bidirectional=bidirectional)


def test_lm_param_count_matches_a_keras_model_with_a_head():
    from rnn_utils import import_keras_quietly

    keras = import_keras_quietly()
    model = keras.Sequential(
        [
            keras.Input((None, 11)),
            keras.layers.GRU(6, return_sequences=True),
            keras.layers.GRU(4, return_sequences=True),
            keras.layers.Dense(9, activation="relu"),
            keras.layers.Dense(11, activation="softmax"),
        ]
    )
    assert model.count_params() == lm_param_count("gru", 11, [6, 4], head=9)


def test_width_for_budget_is_the_closest_width():
    budget = lm_param_count("lstm", 27, [50])
    for depth in (1, 2, 3):
        n = width_for_budget("lstm", 27, depth, budget)
        gap = abs(lm_param_count("lstm", 27, [n] * depth) - budget)
        for other in (n - 1, n + 1):
            assert gap <= abs(lm_param_count("lstm", 27, [other] * depth) - budget)
    assert width_for_budget("lstm", 27, 1, budget) == 50
    n = width_for_budget("gru", 27, 1, budget, head=True)
    assert abs(lm_param_count("gru", 27, [n], head=n) - budget) < 0.05 * budget


def test_path_lengths_of_the_grid():
    for depth, T in ((1, 1), (2, 5), (4, 7)):
        assert path_lengths(depth, T) == (T + depth, T + depth, math.comb(T + depth - 2, depth - 1))
        assert path_lengths(depth, T, start=T) == (depth + 1, depth + 1, 1)
    assert path_lengths(1, 6, head=2) == (9, 9, 1)  # 1 in, 5 right, 2 hidden, 1 softmax
    shortest, longest, count = path_lengths(4, 6, residual=True)
    assert (shortest, longest) == (7, 10) and count > math.comb(8, 3)


def test_bad_arguments_raise_clear_errors():
    with pytest.raises(ValueError, match="kind"):
        layer_param_count("cnn", 3, 4)
    with pytest.raises(ValueError, match="n_a must be a positive int"):
        layer_param_count("rnn", 3, 0)
    with pytest.raises(ValueError, match="non-empty list"):
        lm_param_count("rnn", 5, [])
    with pytest.raises(ValueError, match="depth=1"):
        width_for_budget("gru", 27, 2, 1000, head=True)
    with pytest.raises(ValueError, match="start"):
        path_lengths(2, 3, start=4)
    with pytest.raises(ValueError, match="outside the grid"):
        draw_deep_rnn(2, 3, path=[(3, 1)])


def test_fit_lm_records_curves_and_seconds_per_step():
    from rnn_utils import import_keras_quietly

    keras = import_keras_quietly()
    rng = np.random.default_rng(0)
    y = rng.integers(0, 4, size=(16, 5))
    x = np.eye(4)[np.roll(y, 1, axis=1)]
    mask = np.ones((16, 5))
    keras.utils.set_random_seed(0)
    model = keras.Sequential(
        [keras.Input((None, 4)), keras.layers.SimpleRNN(3, return_sequences=True),
         keras.layers.Dense(4, activation="softmax")]
    )  # fmt: skip
    result = fit_lm(model, (x, y, mask, x, y, mask), epochs=2, batch_size=8, lr=0.01, curves=True)
    assert len(result["train_curve"]) == len(result["heldout_curve"]) == 2
    assert result["heldout"] == result["heldout_curve"][-1]
    assert np.isclose(result["train_curve"][-1], result["heldout_curve"][-1])  # same data
    short = fit_lm(model, (x, y, mask, x[:, :3], y[:, :3], mask[:, :3]), 1, 8, 0.01, curves=True)
    assert len(short["heldout_curve"]) == 1  # held-out sequences of another length
    with pytest.raises(ValueError, match="one-hot"):
        fit_lm(model, (y, y, mask, x, y, mask), epochs=1, batch_size=8, lr=0.01)
    assert seconds_per_step(model, x, y, sample_weight=mask, repeats=2) > 0


def test_diagram_parts():
    ax = draw_deep_rnn(depth=3, T=4, residual=True, path=[(1, 1), (1, 2), (2, 2), (3, 2)])
    parts = count_parts(ax)
    assert parts["cell"] == 12 and parts["node"] == 8
    assert parts["arrow"] == 4 * 2 + 3 * 3 + 2 * 4  # up, right, x -> a[1] and a[L] -> y
    assert count_tagged(ax, "residual") == 4 * 2 and count_tagged(ax, "path") == 3


@pytest.mark.parametrize("depth, T", [(1, 1), (1, 7), (3, 12), (8, 20)])
def test_sequential_waves_are_the_anti_diagonals(depth, T):
    assert sequential_waves(depth, T) == T + depth - 1
