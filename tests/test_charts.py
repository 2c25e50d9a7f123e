"""Chart helpers: what they draw, their labels, and the errors bad input raises."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from rnn_utils.plots.charts import plot_history, plot_state_heatmap  # noqa: E402

HISTORY = {
    "loss": [0.9, 0.6, 0.4],
    "accuracy": [0.5, 0.7, 0.8],
    "val_loss": [1.0, 0.8, 0.7],
    "val_accuracy": [0.4, 0.6, 0.7],
}


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def test_history_draws_train_and_val_curves_with_their_values():
    ax = plot_history(HISTORY, metrics="loss")
    lines = ax.get_lines()
    assert [line.get_label() for line in lines] == ["train loss", "val loss"]
    np.testing.assert_allclose(lines[0].get_xdata(), [1, 2, 3])
    np.testing.assert_allclose(lines[0].get_ydata(), HISTORY["loss"])
    np.testing.assert_allclose(lines[1].get_ydata(), HISTORY["val_loss"])
    assert lines[0].get_linestyle() == "-" and lines[1].get_linestyle() == "--"
    assert ax.get_xlabel() == "epoch" and ax.get_ylabel() == "loss"
    assert ax.get_title() == "loss"
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["train loss", "val loss"]


def test_history_default_metrics_and_history_object_on_given_axes():
    class FakeHistory:  # what keras.callbacks.History exposes
        history = {"loss": [1.0, 0.5], "accuracy": [0.2, 0.9]}

    fig, ax = plt.subplots()
    returned = plot_history(FakeHistory(), ax=ax, title="run")
    assert returned is ax and ax.get_title() == "run"
    assert [line.get_label() for line in ax.get_lines()] == ["train loss", "train accuracy"]
    assert len(fig.axes) == 1


@pytest.mark.parametrize(
    "history, metrics, error, match",
    [
        ({}, None, ValueError, "empty"),
        ([0.1, 0.2], None, TypeError, "dict"),
        (HISTORY, "f1", ValueError, "available"),
        (HISTORY, [], ValueError, "at least one"),
        ({"loss": [1.0, 0.5], "val_loss": [1.0]}, "loss", ValueError, "lengths"),
        ({"loss": ["a", "b"]}, "loss", TypeError, "numbers"),
        ({"loss": [[1.0, 2.0]]}, "loss", ValueError, "1-D"),
    ],
)
def test_history_bad_input_raises_clear_errors(history, metrics, error, match):
    with pytest.raises(error, match=match):
        plot_history(history, metrics=metrics)


def test_heatmap_draws_units_by_time_with_token_labels():
    states = np.arange(12, dtype=float).reshape(3, 4) / 20 - 0.3  # (T=3, n_a=4)
    ax = plot_state_heatmap(states, ["deploy", "the", "cluster"])
    (image,) = ax.images
    np.testing.assert_allclose(image.get_array(), states.T)
    assert image.get_clim() == (-1.0, 1.0)
    assert [t.get_text() for t in ax.get_xticklabels()] == ["deploy", "the", "cluster"]
    assert r"a^{\langle t\rangle}" in ax.get_title()
    assert len(ax.figure.axes) == 2  # the heatmap and its colorbar


def test_heatmap_batch_axis_max_units_and_wide_colour_range():
    states = np.zeros((1, 2, 5))
    states[0, 1, 0] = -3.0
    ax = plot_state_heatmap(states, ["a", "b"], max_units=3)
    assert ax.images[0].get_array().shape == (3, 2)
    assert ax.images[0].get_clim() == (-3.0, 3.0)


@pytest.mark.parametrize(
    "states, tokens, kwargs, error, match",
    [
        (np.zeros(4), ["a"] * 4, {}, ValueError, r"\(T, n_a\)"),
        (np.zeros((2, 3, 4)), ["a"] * 3, {}, ValueError, r"\(T, n_a\)"),
        (np.zeros((3, 4)), ["a", "b"], {}, ValueError, "T=3"),
        (np.zeros((2, 4)), "ab", {}, TypeError, "strings"),
        (np.zeros((2, 4)), ["a", 1], {}, TypeError, "strings"),
        (np.zeros((2, 4)), ["a", "b"], {"max_units": 0}, ValueError, "max_units"),
        ([["x", "y"]], ["a"], {}, TypeError, "numeric"),
    ],
)
def test_heatmap_bad_input_raises_clear_errors(states, tokens, kwargs, error, match):
    with pytest.raises(error, match=match):
        plot_state_heatmap(states, tokens, **kwargs)
