"""Tests for rnn_utils.plots.bidirectional_diagrams (Agg backend, no TensorFlow)."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

from rnn_utils.plots.bidirectional_diagrams import draw_bidirectional_rnn  # noqa: E402
from rnn_utils.plots.diagrams import count_parts  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.mark.parametrize("T", [1, 4])
def test_parts_per_step(T):
    assert count_parts(draw_bidirectional_rnn(T)) == {
        "cell": 2 * T,
        "node": 2 * T + 2,
        "arrow": 6 * T,
        "backward": 0,
    }


def test_tokens_replace_the_inputs_and_set_T():
    ax = draw_bidirectional_rnn(tokens=["Swift", "is", "fast"])
    texts = [t.get_text() for t in ax.texts]
    assert {"Swift", "is", "fast"} <= set(texts)
    assert count_parts(ax)["cell"] == 6
    assert any("overleftarrow" in t for t in texts) and any("overrightarrow" in t for t in texts)
    assert not draw_bidirectional_rnn(2, labels=False).texts


def test_bad_arguments():
    with pytest.raises(ValueError, match=">= 1"):
        draw_bidirectional_rnn(0)
    with pytest.raises(ValueError, match="tokens"):
        draw_bidirectional_rnn(tokens=[])
    with pytest.raises(TypeError, match="int"):
        draw_bidirectional_rnn(2.5)
