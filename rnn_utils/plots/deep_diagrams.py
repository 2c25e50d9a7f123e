"""The deep RNN's grid of units drawn by code, for notebook 07: layers up, time to the right.

Matplotlib only, in the style of :mod:`rnn_utils.plots.diagrams` (same cells, nodes, arrows and
``gid`` tags, so :func:`rnn_utils.plots.diagrams.count_parts` counts them). Cell (l, t) is
a^[l]<t> = g(W^[l] [a^[l]<t-1>, a^[l-1]<t>] + b^[l]): it receives one arrow from the left (its own
layer one step earlier: the *time* direction) and one from below (the layer under it at the same
step: the *depth* direction). Residual shortcuts o^[l] = a^[l] + o^[l-1] are drawn as curved arrows
tagged ``"residual"``; a highlighted path is drawn over the grid with the tag ``"path"``.
"""

from __future__ import annotations

from matplotlib.axes import Axes
from matplotlib.patches import FancyArrowPatch

from rnn_utils.plots.diagrams import _arrow, _cell, _check_length, _finish, _fit_figsize, _node
from rnn_utils.plots.style import COURSE_COLORS, new_axes

__all__ = ["count_tagged", "draw_deep_rnn"]

_STEP_X, _STEP_Y = 1.7, 1.3


def _label(name: str, layer: int | None, t: int) -> str:
    sup = (rf"[{layer}]" if layer is not None else "") + rf"\langle {t}\rangle"
    return rf"${name}^{{{sup}}}$"


def _curve(ax, start, end, color, gid, rad=-0.5, style="-"):
    arrow = FancyArrowPatch(
        start,
        end,
        connectionstyle=f"arc3,rad={rad}",
        arrowstyle="-|>",
        mutation_scale=8,
        color=color,
        linewidth=1.0,
        linestyle=style,
        gid=gid,
    )
    ax.add_patch(arrow)
    return arrow


def draw_deep_rnn(
    depth: int = 3,
    T: int = 4,
    residual: bool = False,
    path: list[tuple[int, int]] | None = None,
    ax: Axes | None = None,
) -> Axes:
    """Draw a deep RNN unrolled in time: ``depth`` rows of ``T`` cells, x<t> below, ŷ<t> above.

    Args:
        depth: number of stacked recurrent layers L (≥ 1).
        T: number of time steps (≥ 1).
        residual: draw the shortcut of every layer above the first: layer l - 1's output
            o^[l-1]<t>, added to a^[l]<t> in what layer l passes up, o^[l]<t>.
        path: optional list of grid positions ``(layer, t)`` (1-based) to highlight, in order,
            e.g. one path from x<1> to ŷ<T>.
        ax: Axes to draw on; a new figure when None.

    Returns:
        The Axes: ``depth · T`` cells, ``2T`` nodes, ``T(depth − 1) + depth(T − 1) + 2T``
        arrows, plus ``T(depth − 1)`` residual arrows and ``len(path) − 1`` path arrows.

    Example:
    >>> from rnn_utils.plots.diagrams import count_parts
    >>> ax = draw_deep_rnn(depth=2, T=3, residual=True)
    >>> count_parts(ax), count_tagged(ax, "residual")
    ({'cell': 6, 'node': 6, 'arrow': 13, 'backward': 0}, 3)
    """
    depth, T = _check_length("depth", depth), _check_length("T", T)
    for position in path or []:
        layer, t = position
        if not (1 <= layer <= depth and 1 <= t <= T):
            raise ValueError(f"path position {position} is outside the grid (1..{depth}, 1..{T})")
    xlim = (-1.0, (T - 1) * _STEP_X + 1.2)
    ylim = (-0.65, (depth + 1) * _STEP_Y + 0.5)
    ax = new_axes(ax, figsize=_fit_figsize(xlim, ylim, (7.0, 4.2)))
    state, inp, out = COURSE_COLORS["state"], COURSE_COLORS["input"], COURSE_COLORS["output"]
    cells = {}
    for t in range(1, T + 1):
        x = (t - 1) * _STEP_X
        below = _node(ax, x, 0.0, inp, _label("x", None, t))
        for layer in range(1, depth + 1):
            cell = _cell(ax, x, layer * _STEP_Y, _label("a", layer, t))
            cells[layer, t] = cell
            _arrow(ax, below, cell, inp if layer == 1 else state)
            if t > 1:
                _arrow(ax, cells[layer, t - 1], cell, state)
            if residual and layer > 1:  # from the right edge of the cell below to this one
                x_edge = x + 0.47
                _curve(ax, (x_edge, (layer - 1) * _STEP_Y), (x_edge, layer * _STEP_Y),
                       COURSE_COLORS["gate"], "residual", rad=0.6, style="--")  # fmt: skip
            below = cell
        top = _node(ax, x, (depth + 1) * _STEP_Y, out, _label(r"\hat{y}", None, t))
        _arrow(ax, below, top, out)
    for a, b in zip(path or [], (path or [])[1:], strict=False):
        (x0, y0), (x1, y1) = (((p[1] - 1) * _STEP_X, p[0] * _STEP_Y) for p in (a, b))
        _curve(ax, (x0, y0), (x1, y1), COURSE_COLORS["gate"], "path", rad=0.0)
        ax.patches[-1].set_linewidth(3.0)
        ax.patches[-1].set_alpha(0.6)
    ax.annotate("", xy=(xlim[1], -0.45), xytext=(xlim[0] + 0.1, -0.45),
                arrowprops={"arrowstyle": "->", "color": COURSE_COLORS["muted"]})  # fmt: skip
    ax.text(xlim[1], -0.3 - 0.02, "time t", ha="right", fontsize=8, color=COURSE_COLORS["muted"])
    ax.annotate("", xy=(xlim[0] + 0.05, ylim[1] - 0.9), xytext=(xlim[0] + 0.05, 0.5),
                arrowprops={"arrowstyle": "->", "color": COURSE_COLORS["muted"]})  # fmt: skip
    ax.text(xlim[0] + 0.12, ylim[1] - 1.0, "layer l", fontsize=8, rotation=90,
            va="top", color=COURSE_COLORS["muted"])  # fmt: skip
    _finish(ax, xlim, ylim)
    return ax


def count_tagged(ax: Axes, gid: str) -> int:
    """Number of patches of ``ax`` tagged ``gid`` (e.g. ``"residual"`` or ``"path"``).

    Example:
    >>> count_tagged(draw_deep_rnn(2, 3, path=[(1, 1), (1, 2), (2, 2)]), "path")
    2
    """
    return sum(patch.get_gid() == gid for patch in ax.patches)
