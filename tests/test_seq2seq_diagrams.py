"""rnn_utils.plots.seq2seq_diagrams: the encoder–decoder diagram and the attention heatmap."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from rnn_utils.plots.diagrams import count_parts  # noqa: E402
from rnn_utils.plots.seq2seq_diagrams import (  # noqa: E402
    count_attention_links,
    draw_encoder_decoder,
    plot_attention,
)


@pytest.mark.parametrize(("T_x", "T_y"), [(1, 1), (4, 3), (6, 2)])
def test_encoder_decoder_has_one_cell_per_step_and_the_documented_arrows(T_x, T_y):
    ax = draw_encoder_decoder(T_x, T_y)
    counts = count_parts(ax)
    assert counts["cell"] == T_x + T_y
    assert counts["node"] == T_x + 2 * T_y
    assert counts["arrow"] == (T_x + T_y - 1) + T_x + 2 * T_y
    assert count_attention_links(ax) == 0
    assert count_attention_links(draw_encoder_decoder(T_x, T_y, attention=True)) == T_x
    plt.close("all")


def test_tokens_label_the_nodes_and_feed_the_decoder():
    ax = draw_encoder_decoder(3, 2, source_tokens=list("abc"), target_tokens=["AE", "B"])
    texts = [t.get_text() for t in ax.texts]
    assert {"a", "b", "c", "AE", "B", "<bos>"} <= set(texts)
    assert texts.count("AE") == 2  # written as ŷ<1> and read back as the decoder's y<1>
    with pytest.raises(ValueError, match="expected 3 token strings"):
        draw_encoder_decoder(3, 2, source_tokens=["a"])
    with pytest.raises(ValueError, match=">= 1"):
        draw_encoder_decoder(0, 2)
    plt.close("all")


def test_attention_heatmap_has_phonemes_as_rows_and_checks_shapes():
    weights = np.random.default_rng(0).dirichlet(np.ones(4), size=3)
    ax = plot_attention(weights[None], list("abcd"), ["P", "Q", "R"], title="w")
    assert ax.images[0].get_array().shape == (3, 4)
    assert [t.get_text() for t in ax.get_yticklabels()] == ["P", "Q", "R"]
    with pytest.raises(ValueError, match="3 phonemes"):
        plot_attention(weights, list("abc"), ["P", "Q", "R"])
    with pytest.raises(ValueError, match=r"\(T_y, T_x\)"):
        plot_attention(np.ones(3), list("abc"), ["P"])
    plt.close("all")
