"""The course's plot style and colours, so every figure in the course looks the same.

Diagrams drawn by code (unrolled RNN, the five architecture types) live in
:mod:`rnn_utils.plots.diagrams`; charts of results (training curves, hidden-state heatmaps) in
:mod:`rnn_utils.plots.charts`. Both use :data:`COURSE_COLORS`.
"""

from __future__ import annotations

import matplotlib as mpl

COURSE_COLORS = {
    "input": "#4C9F70",  # x<t>
    "state": "#D1495B",  # a<t>, c<t>
    "output": "#2E86AB",  # ŷ<t>
    "gate": "#EDAE49",  # Γ
    "muted": "#8D99AE",
}

#: The colour cycle of the course's line charts, in the order curves are drawn.
COURSE_CYCLE = [COURSE_COLORS[k] for k in ("output", "state", "input", "gate", "muted")]

COURSE_STYLE = {
    "figure.figsize": (7.0, 3.6),
    "figure.dpi": 80,
    "savefig.dpi": 80,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.titlesize": 11,
    "axes.labelsize": 10,
    "legend.fontsize": 9,
    "legend.frameon": False,
    "font.size": 10,
    "image.cmap": "RdBu_r",
    "axes.prop_cycle": mpl.cycler(color=COURSE_CYCLE),
}


def use_course_style() -> None:
    """Apply the course's matplotlib style (small, clean figures that keep notebooks light)."""
    mpl.rcParams.update(COURSE_STYLE)


def new_axes(ax=None, figsize=(7.0, 3.6)):
    """Return ``ax``, or the Axes of a new figure of ``figsize`` when ``ax`` is None."""
    from matplotlib.axes import Axes

    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(figsize=figsize)
    elif not isinstance(ax, Axes):
        raise TypeError(f"ax must be a matplotlib Axes or None, got {type(ax).__name__}")
    return ax
