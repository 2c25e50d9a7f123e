"""Tests for rnn_utils.plots.diagrams: part counts, argument checks, PNG export (Agg backend)."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402
from matplotlib.patches import FancyArrowPatch  # noqa: E402

from rnn_utils.plots import COURSE_COLORS  # noqa: E402
from rnn_utils.plots.diagrams import (  # noqa: E402
    ARCHITECTURE_KINDS,
    architecture_layout,
    count_parts,
    draw_architecture,
    draw_architectures,
    draw_unrolled_rnn,
)


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _texts(ax):
    return [text.get_text() for text in ax.texts]


@pytest.mark.parametrize("T", [1, 4])
def test_unrolled_rnn_counts_cells_nodes_and_arrows(T):
    plain = count_parts(draw_unrolled_rnn(T=T, show_outputs=False))
    assert plain == {"cell": T, "node": 1 + T, "arrow": 2 * T, "backward": 0}

    with_outputs = count_parts(draw_unrolled_rnn(T=T))
    assert with_outputs == {"cell": T, "node": 1 + 2 * T, "arrow": 3 * T, "backward": 0}

    full = count_parts(draw_unrolled_rnn(T=T, show_loss=True, show_backward=True))
    # nodes: a<0>, x, ŷ, L<t> per step, and the total L; backward: L<t>→ŷ<t>→a<t>, a<t+1>→a<t>
    assert full == {"cell": T, "node": 2 + 3 * T, "arrow": 5 * T, "backward": 3 * T - 1}


def test_backward_arrows_are_dashed_and_state_coloured():
    ax = draw_unrolled_rnn(T=3, show_loss=True, show_backward=True)
    backward = [p for p in ax.patches if p.get_gid() == "backward"]
    forward = [p for p in ax.patches if p.get_gid() == "arrow"]
    assert len(backward) == 8
    state_rgba = matplotlib.colors.to_rgba(COURSE_COLORS["state"])
    for arrow in backward:
        assert isinstance(arrow, FancyArrowPatch)
        assert arrow.get_linestyle() == "--"
        assert arrow.get_edgecolor() == pytest.approx(state_rgba)
    assert all(arrow.get_linestyle() == "-" for arrow in forward)


def test_unrolled_rnn_labels_weights_and_time_indices():
    ax = draw_unrolled_rnn(T=3)
    texts = _texts(ax)
    assert texts.count(r"$W_{ax}$") == 3
    assert texts.count(r"$W_{ya}$") == 3
    assert texts.count(r"$W_{aa}$") == 2  # between cells; a<0> enters unlabelled
    assert r"$a^{\langle 0\rangle}$" in texts and r"$x^{\langle 3\rangle}$" in texts
    assert _texts(draw_unrolled_rnn(T=3, labels=False)) == []


def test_unrolled_rnn_draws_on_given_axes():
    fig, ax = plt.subplots()
    assert draw_unrolled_rnn(T=2, ax=ax) is ax
    assert count_parts(ax)["cell"] == 2


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"T": 0}, "T must be >= 1"),
        ({"T": -2}, "T must be >= 1"),
        ({"show_outputs": False, "show_loss": True}, "show_loss=True needs show_outputs"),
        ({"show_backward": True}, "show_backward=True needs show_loss"),
    ],
)
def test_unrolled_rnn_rejects_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        draw_unrolled_rnn(**kwargs)


def test_unrolled_rnn_rejects_non_int_T_and_non_axes():
    with pytest.raises(TypeError, match="T must be an int"):
        draw_unrolled_rnn(T=2.5)
    with pytest.raises(TypeError, match="ax must be a matplotlib Axes"):
        draw_unrolled_rnn(T=2, ax="left")


@pytest.mark.parametrize(
    ("kind", "T_x", "T_y", "cells", "inputs", "outputs"),
    [
        ("one-to-one", None, None, 1, 1, 1),
        ("one-to-many", None, 4, 4, 1, 4),
        ("many-to-one", 5, None, 5, 5, 1),
        ("many-to-many", 3, 3, 3, 3, 3),
        ("encoder-decoder", 4, 2, 6, 4, 2),
    ],
)
def test_architecture_counts(kind, T_x, T_y, cells, inputs, outputs):
    ax = draw_architecture(kind, T_x=T_x, T_y=T_y)
    counts = count_parts(ax)
    assert counts["cell"] == cells
    assert counts["node"] == inputs + outputs
    assert counts["arrow"] == (cells - 1) + inputs + outputs
    assert counts["backward"] == 0
    assert kind in ax.get_title()


def test_many_to_one_reads_every_step_and_writes_at_the_last():
    layout = architecture_layout("many-to-one", T_x=4)
    assert layout["inputs"] == [0, 1, 2, 3] and layout["outputs"] == [3]
    decoder = architecture_layout("encoder-decoder", T_x=3, T_y=2)
    assert decoder["inputs"] == [0, 1, 2] and decoder["outputs"] == [3, 4]


@pytest.mark.parametrize(
    ("kind", "kwargs", "message"),
    [
        ("two-to-two", {}, "unknown architecture kind 'two-to-two'"),
        ("many-to-many", {"T_x": 3, "T_y": 2}, "needs T_x = T_y"),
        ("one-to-many", {"T_x": 2}, "T_x must be 1"),
        ("many-to-one", {"T_y": 2}, "T_y must be 1"),
        ("one-to-one", {"T_x": 2}, "one-to-one needs T_x = T_y = 1"),
        ("encoder-decoder", {"T_x": 0}, "T_x must be >= 1"),
        ("many-to-one", {"T_x": 0}, "T_x must be >= 1"),
    ],
)
def test_architecture_rejects_bad_arguments(kind, kwargs, message):
    with pytest.raises(ValueError, match=message):
        draw_architecture(kind, **kwargs)


def test_draw_architectures_one_panel_per_kind(tmp_path):
    fig = draw_architectures()
    assert len(fig.axes) == len(ARCHITECTURE_KINDS)
    width, height = fig.get_size_inches()
    assert width <= 10 and height <= 3
    cells = [count_parts(ax)["cell"] for ax in fig.axes]
    assert cells == [1, 3, 3, 3, 5]
    path = tmp_path / "architectures.png"
    fig.savefig(path)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_unrolled_rnn_saves_to_png(tmp_path):
    ax = draw_unrolled_rnn(T=4, show_loss=True, show_backward=True)
    width, height = ax.figure.get_size_inches()
    assert width <= 8 and height <= 4
    path = tmp_path / "unrolled.png"
    ax.figure.savefig(path)
    assert path.stat().st_size > 1000
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
