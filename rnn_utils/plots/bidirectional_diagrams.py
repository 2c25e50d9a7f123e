"""The bidirectional RNN drawn by code, for notebook 06.

Matplotlib only, in the style of :mod:`rnn_utils.plots.diagrams` (same cells, nodes, arrows and
``gid`` tags, so :func:`rnn_utils.plots.diagrams.count_parts` counts the parts). A forward row
of cells reads x<1> … x<T_x> left to right (a→<t>); a second row, tinted, reads them right to
left (a←<t>); every ŷ<t> takes one arrow from each row: ŷ<t> = g(W_y [a→<t>, a←<t>] + b_y).
"""

from __future__ import annotations

from collections.abc import Sequence

from matplotlib.axes import Axes

from rnn_utils.plots.diagrams import _arrow, _cell, _check_length, _finish, _fit_figsize, _node
from rnn_utils.plots.style import COURSE_COLORS, new_axes

__all__ = ["draw_bidirectional_rnn"]

_BACKWARD_FACE = "#FBEFD9"  # a light tint of the gate colour marks the backward row
_ROWS = {"x": -1.5, "fwd": 0.0, "bwd": 1.25, "y": 2.75}


def _curved(ax, start, end, color, rad):
    """A forward-pass arrow (tag ``"arrow"``) bent into an arc, to pass beside another cell."""
    arrow = _arrow(ax, start, end, color)
    arrow.set_connectionstyle(f"arc3,rad={rad}")
    return arrow


def draw_bidirectional_rnn(
    T: int = 4, tokens: Sequence[str] | None = None, ax: Axes | None = None, labels: bool = True
) -> Axes:
    """Draw a bidirectional RNN unrolled over ``T`` steps.

    Args:
        T: number of time steps T_x (ignored when ``tokens`` is given), ``>= 1``.
        tokens: optional words to write in the input nodes instead of x<1> … x<T>.
        ax: Axes to draw on; a new figure when None.
        labels: write the symbols (a→<t>, a←<t>, x<t>, ŷ<t>).

    Returns:
        The Axes: ``2T`` cells (T forward, T backward), ``2T + 2`` nodes (x<t>, ŷ<t>, the
        initial states a→<0> and a←<T+1>) and ``6T`` arrows: T in each recurrent chain, two
        from every x<t> (one per direction) and two into every ŷ<t>.

    Example:
    >>> from rnn_utils.plots.diagrams import count_parts
    >>> count_parts(draw_bidirectional_rnn(3))
    {'cell': 6, 'node': 8, 'arrow': 18, 'backward': 0}
    """
    if tokens is not None:
        tokens = list(tokens)
        if not tokens or not all(isinstance(t, str) for t in tokens):
            raise ValueError(f"tokens must be a non-empty list of strings, got {tokens!r}")
        T = len(tokens)
    T = _check_length("T", T)
    step = 1.8
    xs = [t * step for t in range(1, T + 1)]
    xlim, ylim = (-0.7, (T + 1) * step + 0.7), (-2.1, 3.3)
    ax = new_axes(ax, figsize=_fit_figsize(xlim, ylim, (8.0, 3.6)))
    state, inp, out = COURSE_COLORS["state"], COURSE_COLORS["input"], COURSE_COLORS["output"]

    def text(name, t):
        return rf"${name}^{{\langle {t}\rangle}}$" if labels else None

    forward = [
        _cell(ax, x, _ROWS["fwd"], text(r"\overrightarrow{a}", t + 1)) for t, x in enumerate(xs)
    ]
    backward = [
        _cell(ax, x, _ROWS["bwd"], text(r"\overleftarrow{a}", t + 1), face=_BACKWARD_FACE)
        for t, x in enumerate(xs)
    ]
    start = _node(ax, 0.0, _ROWS["fwd"], state, text(r"\overrightarrow{a}", 0))
    end = _node(ax, (T + 1) * step, _ROWS["bwd"], state, text(r"\overleftarrow{a}", T + 1))
    for t in range(T):
        _arrow(ax, forward[t - 1] if t else start, forward[t], state)
        _arrow(ax, backward[t + 1] if t + 1 < T else end, backward[t], state)
        word = tokens[t] if tokens is not None else None
        x_node = _node(ax, xs[t], _ROWS["x"], inp, word if word is not None else text("x", t + 1))
        if word is not None and len(word) > 3:
            ax.texts[-1].set_fontsize(7 if len(word) < 7 else 5.5)
        _arrow(ax, x_node, forward[t], inp)
        _curved(ax, x_node, backward[t], inp, rad=0.45)  # around the forward cell
        y_node = _node(ax, xs[t], _ROWS["y"], out, text(r"\hat{y}", t + 1))
        _curved(ax, forward[t], y_node, out, rad=-0.45)  # around the backward cell
        _arrow(ax, backward[t], y_node, out)
    _finish(ax, xlim, ylim)
    return ax
