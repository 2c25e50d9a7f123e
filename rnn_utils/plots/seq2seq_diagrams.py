"""Encoder–decoder pictures for notebook 08: the architecture drawn by code, attention heatmaps.

Matplotlib only, in the style of :mod:`rnn_utils.plots.diagrams` (same cells, nodes, arrows and
``gid`` tags, so :func:`rnn_utils.plots.diagrams.count_parts` counts them; the attention
connections carry the extra tag ``"attention"``):

- :func:`draw_encoder_decoder`: the encoder reads x<1..T_x>, its last state starts the decoder,
  which reads y<0> = <bos>, y<1>, … (teacher forcing) and writes ŷ<1..T_y>; with
  ``attention=True`` every encoder activation also feeds each decoder step's context;
- :func:`plot_attention`: the weights α<t,t'> of one word as a phonemes × letters heatmap.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib.axes import Axes
from matplotlib.patches import FancyArrowPatch

from rnn_utils.plots.diagrams import _arrow, _cell, _check_length, _finish, _fit_figsize, _math
from rnn_utils.plots.diagrams import _node as _diagram_node
from rnn_utils.plots.style import COURSE_COLORS, new_axes

__all__ = ["count_attention_links", "draw_encoder_decoder", "plot_attention"]

_DECODER_FACE = "#F6DDE0"  # the decoder tint of diagrams.draw_architecture
_LINK_Y = 0.36  # attention links leave and reach the top edge of the cells


def _node(ax, x, y, color, text):
    """A diagram node whose label shrinks when it is a long token such as ``<bos>``."""
    patch = _diagram_node(ax, x, y, color, text)
    if text and not text.startswith("$") and len(text) > 3:
        ax.texts[-1].set_fontsize(6)
    return patch


def _labels(tokens, n, name, first=1):
    if tokens is None:
        return [_math(name, str(t)) for t in range(first, first + n)]
    tokens = list(tokens)
    if len(tokens) != n or not all(isinstance(t, str) for t in tokens):
        raise ValueError(f"expected {n} token strings for {name}, got {tokens!r}.")
    return tokens


def draw_encoder_decoder(
    T_x: int = 4,
    T_y: int = 3,
    attention: bool = False,
    source_tokens: Sequence[str] | None = None,
    target_tokens: Sequence[str] | None = None,
    ax: Axes | None = None,
) -> Axes:
    """Draw an unrolled encoder–decoder (T_x encoder cells, T_y decoder cells).

    The decoder cell t reads the previous target y<t-1> (``<bos>`` at t = 1: teacher forcing
    during training, its own ŷ<t-1> when decoding) and writes ŷ<t>; its state starts from the
    encoder's last state (the single arrow between the two halves, the *bottleneck*).

    Args:
        T_x, T_y: source and target lengths (≥ 1 each).
        attention: also draw the links from every encoder cell to the first decoder cell (tag
            ``"attention"``): its context c<1> = Σ_t' α<1,t'> a<t'> reads every a<t'> (each
            decoder step has such links; one step's are drawn to keep the picture legible).
        source_tokens: T_x labels for the inputs (default x<1>…x<T_x>).
        target_tokens: T_y labels for the outputs (default ŷ<1>…ŷ<T_y>); the decoder's inputs
            are then <bos> and the first T_y - 1 of them.
        ax: Axes to draw on; a new figure when None.

    Returns:
        The Axes: T_x + T_y cells, T_x + 2·T_y nodes, (T_x + T_y - 1) + T_x + 2·T_y arrows, and
        T_x attention links when ``attention`` (:func:`count_attention_links`).

    Example:
    >>> from rnn_utils.plots.diagrams import count_parts
    >>> count_parts(draw_encoder_decoder(3, 2))
    {'cell': 5, 'node': 7, 'arrow': 11, 'backward': 0}
    """
    T_x, T_y = _check_length("T_x", T_x), _check_length("T_y", T_y)
    x_labels = _labels(source_tokens, T_x, "x")
    y_labels = _labels(target_tokens, T_y, r"\hat{y}")
    if target_tokens is None:
        in_labels = ["<bos>"] + [_math("y", str(t)) for t in range(1, T_y)]
    else:
        in_labels = ["<bos>", *y_labels[:-1]]
    step, gap = 1.4, 0.6
    n = T_x + T_y
    xs = [i * step + (gap if i >= T_x else 0.0) for i in range(n)]
    xlim, ylim = (xs[0] - 0.9, xs[-1] + 0.9), (-1.9, 2.1)
    ax = new_axes(ax, figsize=_fit_figsize(xlim, ylim, (9.0, 3.2)))
    state, inp, out = COURSE_COLORS["state"], COURSE_COLORS["input"], COURSE_COLORS["output"]
    cells = []
    for i, x in enumerate(xs):
        cells.append(_cell(ax, x, 0.0, None, face=_DECODER_FACE if i >= T_x else "white"))
        if i > 0:
            _arrow(ax, cells[i - 1], cells[i], state)
    for t in range(T_x):
        node = _node(ax, xs[t], -1.3, inp, x_labels[t])
        _arrow(ax, node, cells[t], inp)
    for t in range(T_y):
        i = T_x + t
        fed = _node(ax, xs[i], -1.3, COURSE_COLORS["muted"], in_labels[t])
        _arrow(ax, fed, cells[i], COURSE_COLORS["muted"])
        y_node = _node(ax, xs[i], 1.3, out, y_labels[t])
        _arrow(ax, cells[i], y_node, out)
    if attention:  # the links of the first decoder step (every step has the same T_x links)
        end = (xs[T_x] - 0.15, _LINK_Y)
        for s in range(T_x):
            link = FancyArrowPatch(
                (xs[s] + 0.1, _LINK_Y),
                end,
                connectionstyle="arc3,rad=-0.4",
                arrowstyle="-|>",
                mutation_scale=7,
                color=COURSE_COLORS["gate"],
                linewidth=0.9,
                gid="attention",
            )
            ax.add_patch(link)
        ax.text(
            xs[T_x] - 0.35,
            1.0,
            r"$\alpha^{\langle 1,t'\rangle}$",
            ha="right",
            fontsize=9,
            color=COURSE_COLORS["gate"],
        )
    ax.text((xs[0] + xs[T_x - 1]) / 2, 1.9, "encoder", ha="center", fontsize=9)
    ax.text((xs[T_x] + xs[-1]) / 2, 1.9, "decoder", ha="center", fontsize=9)
    _finish(ax, xlim, ylim)
    return ax


def count_attention_links(ax: Axes) -> int:
    """Number of attention links drawn by :func:`draw_encoder_decoder` on ``ax``."""
    return sum(patch.get_gid() == "attention" for patch in ax.patches)


def plot_attention(
    weights,
    letters: Sequence[str],
    phonemes: Sequence[str],
    ax: Axes | None = None,
    title: str | None = None,
) -> Axes:
    """Draw attention weights α<t,t'> as a heatmap: one row per output phoneme, one column per
    input letter (each row sums to 1).

    Args:
        weights: array (T_y, T_x) (a leading batch axis of size 1 is accepted).
        letters: the T_x letters (column labels).
        phonemes: the T_y output tokens (row labels).
        ax: Axes to draw on; a new figure when None.
        title: optional Axes title.

    Returns:
        The Axes, with the image in ``ax.images[0]``.

    Example:
    >>> import numpy as np
    >>> ax = plot_attention(np.full((2, 3), 1 / 3), list("abc"), ["AE", "B"])
    >>> ax.images[0].get_array().shape
    (2, 3)
    """
    values = np.asarray(weights, dtype=float)
    if values.ndim == 3 and values.shape[0] == 1:
        values = values[0]
    if values.ndim != 2:
        raise ValueError(f"weights must have shape (T_y, T_x), got shape {values.shape}.")
    letters, phonemes = list(letters), list(phonemes)
    if values.shape != (len(phonemes), len(letters)):
        raise ValueError(
            f"weights has shape {values.shape} but there are {len(phonemes)} phonemes (rows) "
            f"and {len(letters)} letters (columns)."
        )
    figsize = (1.2 + 0.35 * len(letters), 0.8 + 0.3 * len(phonemes))
    ax = new_axes(ax, figsize)
    ax.imshow(values, cmap="Blues", vmin=0.0, vmax=1.0, interpolation="nearest")
    ax.set_xticks(np.arange(len(letters)))
    ax.set_xticklabels(letters)
    ax.set_yticks(np.arange(len(phonemes)))
    ax.set_yticklabels(phonemes)
    ax.tick_params(length=0, labelsize=8)
    ax.grid(False)
    if title:
        ax.set_title(title, fontsize=9)
    return ax
