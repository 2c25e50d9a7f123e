"""Diagrams drawn by code: the unrolled RNN and the five architecture types.

Matplotlib only (no TensorFlow), so the figures render anywhere. Every function draws on a given
Axes (or a new one), returns it, and tags what it adds with a ``gid`` so a test or a notebook can
count the parts of a picture:

- ``"cell"``: one box per time step of the recurrent cell (the same weights at every step);
- ``"node"``: the circles for a<0>, x<t>, ŷ<t>, L<t> and L;
- ``"arrow"``: forward-pass arrows; ``"backward"``: dashed backpropagation arrows.

Colours follow :data:`rnn_utils.plots.style.COURSE_COLORS`: input green, state red, output blue.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Circle, FancyArrowPatch, FancyBboxPatch, Patch

from rnn_utils.plots.style import COURSE_COLORS, new_axes

__all__ = [
    "ARCHITECTURE_EXAMPLES",
    "ARCHITECTURE_KINDS",
    "architecture_layout",
    "count_parts",
    "draw_architecture",
    "draw_architectures",
    "draw_unrolled_rnn",
]

ARCHITECTURE_KINDS = (
    "one-to-one",
    "one-to-many",
    "many-to-one",
    "many-to-many",
    "encoder-decoder",
)

# One task per architecture type, shown under each drawing.
ARCHITECTURE_EXAMPLES = {
    "one-to-one": "plain network",
    "one-to-many": "music generation",
    "many-to-one": "sentiment",
    "many-to-many": "name tagging",
    "encoder-decoder": "translation",
}

# Default lengths per kind: (T_x, T_y).
_DEFAULT_LENGTHS = {
    "one-to-one": (1, 1),
    "one-to-many": (1, 3),
    "many-to-one": (3, 1),
    "many-to-many": (3, 3),
    "encoder-decoder": (3, 2),
}

_CELL_W, _CELL_H, _NODE_R = 0.9, 0.7, 0.36


def _math(name: str, superscript: str) -> str:
    """Mathtext for a symbol with an angle-bracket time index, e.g. a^<t>."""
    return rf"${name}^{{\langle {superscript}\rangle}}$"


def _check_length(name: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an int >= 1, got {value!r}")
    if value < 1:
        raise ValueError(f"{name} must be >= 1 (at least one time step), got {value}")
    return value


def _cell(ax: Axes, x: float, y: float, text: str | None, face: str = "white") -> Patch:
    box = FancyBboxPatch(
        (x - _CELL_W / 2, y - _CELL_H / 2),
        _CELL_W,
        _CELL_H,
        boxstyle="round,pad=0.02,rounding_size=0.12",
        facecolor=face,
        edgecolor=COURSE_COLORS["state"],
        linewidth=1.5,
        gid="cell",
    )
    ax.add_patch(box)
    if text:
        ax.text(x, y, text, ha="center", va="center", fontsize=9)
    return box


def _node(ax: Axes, x: float, y: float, color: str, text: str | None) -> Patch:
    circle = Circle((x, y), _NODE_R, facecolor="white", edgecolor=color, linewidth=1.3, gid="node")
    ax.add_patch(circle)
    if text:
        ax.text(x, y, text, ha="center", va="center", fontsize=9, color=color)
    return circle


def _arrow(
    ax: Axes,
    start: Patch,
    end: Patch,
    color: str,
    *,
    backward: bool = False,
    offset: tuple[float, float] = (0.0, 0.0),
    label: str | None = None,
    label_offset: tuple[float, float] = (0.0, 0.0),
) -> FancyArrowPatch:
    """An arrow from patch ``start`` to patch ``end`` (clipped at their edges)."""
    (x0, y0), (x1, y1) = _center(start), _center(end)
    dx, dy = offset
    arrow = FancyArrowPatch(
        (x0 + dx, y0 + dy),
        (x1 + dx, y1 + dy),
        patchA=start,
        patchB=end,
        arrowstyle="-|>",
        mutation_scale=10,
        shrinkA=2,
        shrinkB=2,
        color=color,
        linewidth=1.2,
        linestyle="--" if backward else "-",
        gid="backward" if backward else "arrow",
    )
    ax.add_patch(arrow)
    if label:
        lx, ly = (x0 + x1) / 2 + dx + label_offset[0], (y0 + y1) / 2 + dy + label_offset[1]
        ax.text(lx, ly, label, ha="center", va="center", fontsize=8, color=color)
    return arrow


def _center(patch: Patch) -> tuple[float, float]:
    if isinstance(patch, Circle):
        return patch.center
    return (patch.get_x() + patch.get_width() / 2, patch.get_y() + patch.get_height() / 2)


def _fit_figsize(
    xlim: tuple[float, float], ylim: tuple[float, float], max_size: tuple[float, float] = (8.0, 4.0)
) -> tuple[float, float]:
    """The largest figure size within ``max_size`` with the aspect ratio of the data box."""
    width, height = xlim[1] - xlim[0], ylim[1] - ylim[0]
    scale = min(max_size[0] / width, max_size[1] / height, 0.9)
    return (width * scale, height * scale)


def _finish(ax: Axes, xlim: tuple[float, float], ylim: tuple[float, float]) -> None:
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    ax.set_aspect("equal")
    ax.axis("off")


def count_parts(ax: Axes) -> dict[str, int]:
    """Count the tagged parts of a diagram drawn by this module.

    Returns:
        A dict ``{"cell": n, "node": n, "arrow": n, "backward": n}``.

    Example:
        >>> counts = count_parts(draw_unrolled_rnn(T=3))  # doctest: +SKIP
        >>> counts["cell"]  # doctest: +SKIP
        3
    """
    counts = {"cell": 0, "node": 0, "arrow": 0, "backward": 0}
    for patch in ax.patches:
        gid = patch.get_gid()
        if gid in counts:
            counts[gid] += 1
    return counts


def draw_unrolled_rnn(
    T: int = 4,
    ax: Axes | None = None,
    show_outputs: bool = True,
    show_loss: bool = False,
    show_backward: bool = False,
    labels: bool = True,
) -> Axes:
    """Draw a vanilla RNN unrolled over ``T`` time steps.

    One box per step holds a<t> = g(W_aa a<t-1> + W_ax x<t> + b_a); x<t> enters from below,
    ŷ<t> = g(W_ya a<t> + b_y) leaves from above, and a<0> → a<1> → ... → a<T> runs left to right.

    Args:
        T: number of time steps (T_x), ``>= 1``.
        ax: Axes to draw on; a new figure is made when ``None``.
        show_outputs: draw ŷ<t> above every cell.
        show_loss: draw the per-step losses L<t> and the total loss L = Σ_t L<t>
            (needs ``show_outputs``).
        show_backward: draw the backpropagation-through-time arrows (dashed, state colour):
            L<t> → ŷ<t> → a<t> and a<t+1> → a<t>, the two terms of ∂L/∂a<t>
            (needs ``show_loss``).
        labels: write the symbols and the weight names (W_ax, W_aa, W_ya); ``False`` draws
            the bare structure (e.g. for an exercise).

    Returns:
        The Axes. Parts carry gids (see :func:`count_parts`): ``T`` cells; arrows: ``T`` state
        arrows (a<0> → a<1> and between cells), ``T`` input arrows, plus ``T`` output arrows,
        plus ``2T`` loss arrows; backward: ``3T - 1`` dashed arrows.

    Example:
        >>> ax = draw_unrolled_rnn(T=3, show_loss=True, show_backward=True)  # doctest: +SKIP
    """
    T = _check_length("T", T)
    if show_loss and not show_outputs:
        raise ValueError("show_loss=True needs show_outputs=True: the losses L<t> compare ŷ<t>")
    if show_backward and not show_loss:
        raise ValueError("show_backward=True needs show_loss=True: gradients flow from L<t>")
    top = 4.8 if show_loss else (2.0 if show_outputs else 0.6)
    xlim, ylim = (-0.6, T * 2.0 + 0.7), (-2.0, top)
    ax = new_axes(ax, figsize=_fit_figsize(xlim, ylim))

    state, inp, out = COURSE_COLORS["state"], COURSE_COLORS["input"], COURSE_COLORS["output"]
    loss_color = COURSE_COLORS["muted"]
    step = 2.0
    a0 = _node(ax, 0.0, 0.0, state, _math("a", "0") if labels else None)
    previous = a0
    cells, outputs, losses = [], [], []
    for t in range(1, T + 1):
        x = t * step
        cell = _cell(ax, x, 0.0, _math("a", str(t)) if labels else None)
        cells.append(cell)
        _arrow(
            ax,
            previous,
            cell,
            state,
            label=r"$W_{aa}$" if labels and t > 1 else None,
            label_offset=(0.0, 0.22),
        )
        x_node = _node(ax, x, -1.5, inp, _math("x", str(t)) if labels else None)
        _arrow(ax, x_node, cell, inp, label=r"$W_{ax}$" if labels else None, label_offset=(0.4, 0))
        if show_outputs:
            y_node = _node(ax, x, 1.5, out, _math(r"\hat{y}", str(t)) if labels else None)
            _arrow(
                ax, cell, y_node, out, label=r"$W_{ya}$" if labels else None, label_offset=(-0.4, 0)
            )
            outputs.append(y_node)
        if show_loss:
            loss_node = _node(ax, x, 2.8, loss_color, _math("L", str(t)) if labels else None)
            _arrow(ax, outputs[-1], loss_node, loss_color)
            losses.append(loss_node)
        previous = cell

    if show_loss:
        total = _node(ax, (T + 1) * step / 2, 4.3, loss_color, r"$L$" if labels else None)
        for loss_node in losses:
            _arrow(ax, loss_node, total, loss_color)
    if show_backward:
        back = (0.28, 0.0)  # draw beside the forward arrows, not on top of them
        for t in range(T):
            _arrow(ax, losses[t], outputs[t], state, backward=True, offset=back)
            _arrow(ax, outputs[t], cells[t], state, backward=True, offset=back)
            if t + 1 < T:
                _arrow(ax, cells[t + 1], cells[t], state, backward=True, offset=(0.0, -0.22))
    _finish(ax, xlim, ylim)
    return ax


def architecture_layout(kind: str, T_x: int | None = None, T_y: int | None = None) -> dict:
    """Validate an architecture kind and its lengths and say which steps read and write.

    Args:
        kind: one of :data:`ARCHITECTURE_KINDS`.
        T_x: input length (default depends on ``kind``; ``1`` for one-to-one and one-to-many).
        T_y: output length (default depends on ``kind``; ``1`` for one-to-one and many-to-one).

    Returns:
        A dict with ``T_x``, ``T_y``, ``n_cells`` and the 0-based cell indices ``inputs``
        (cells that read an x<t>) and ``outputs`` (cells that emit a ŷ<t>).

    Example:
        >>> architecture_layout("many-to-one", T_x=4)["outputs"]
        [3]
    """
    if kind not in ARCHITECTURE_KINDS:
        raise ValueError(
            f"unknown architecture kind {kind!r}; expected one of {ARCHITECTURE_KINDS}"
        )
    default_x, default_y = _DEFAULT_LENGTHS[kind]
    T_x = _check_length("T_x", default_x if T_x is None else T_x)
    T_y = _check_length("T_y", default_y if T_y is None else T_y)
    if kind == "one-to-one" and (T_x, T_y) != (1, 1):
        raise ValueError(f"one-to-one needs T_x = T_y = 1, got T_x={T_x}, T_y={T_y}")
    if kind == "one-to-many" and T_x != 1:
        raise ValueError(f"one-to-many reads a single input: T_x must be 1, got {T_x}")
    if kind == "many-to-one" and T_y != 1:
        raise ValueError(f"many-to-one writes a single output: T_y must be 1, got {T_y}")
    if kind == "many-to-many" and T_x != T_y:
        raise ValueError(
            f"many-to-many emits one output per input: needs T_x = T_y, got T_x={T_x}, "
            f"T_y={T_y} (use 'encoder-decoder' for different lengths)"
        )
    if kind == "encoder-decoder":
        n_cells = T_x + T_y
        inputs, outputs = list(range(T_x)), list(range(T_x, n_cells))
    else:
        n_cells = max(T_x, T_y)
        inputs = list(range(T_x)) if kind != "one-to-many" else [0]
        outputs = [n_cells - 1] if kind in ("one-to-one", "many-to-one") else list(range(n_cells))
    return {"T_x": T_x, "T_y": T_y, "n_cells": n_cells, "inputs": inputs, "outputs": outputs}


def draw_architecture(
    kind: str,
    ax: Axes | None = None,
    T_x: int | None = None,
    T_y: int | None = None,
    labels: bool = True,
) -> Axes:
    """Draw one of the five RNN architecture types as an unrolled chain of cells.

    Args:
        kind: ``"one-to-one"``, ``"one-to-many"``, ``"many-to-one"``, ``"many-to-many"``
            (T_x = T_y) or ``"encoder-decoder"`` (many-to-many with T_x ≠ T_y: the encoder
            reads all of x, then the decoder writes ŷ).
        ax: Axes to draw on; a new figure is made when ``None``.
        T_x: number of input steps (see :func:`architecture_layout` for defaults and rules).
        T_y: number of output steps.
        labels: write the kind, an example task and the symbols.

    Returns:
        The Axes, with ``n_cells`` cells, one node per x<t> and ŷ<t>, and
        ``(n_cells - 1) + len(inputs) + len(outputs)`` arrows (see :func:`count_parts`).

    Example:
        >>> ax = draw_architecture("many-to-one", T_x=4)  # doctest: +SKIP
    """
    layout = architecture_layout(kind, T_x, T_y)
    n_cells = layout["n_cells"]
    step = 1.4
    ax = new_axes(ax, figsize=_fit_figsize((0.0, max(n_cells * step, 2.0)), (-1.8, 1.8)))
    decoder_face = "#F6DDE0"  # a light tint of the state colour marks the decoder
    cells = []
    for i in range(n_cells):
        decoder = kind == "encoder-decoder" and i >= layout["T_x"]
        cells.append(_cell(ax, i * step, 0.0, None, face=decoder_face if decoder else "white"))
        if i > 0:
            _arrow(ax, cells[i - 1], cells[i], COURSE_COLORS["state"])
    for t, i in enumerate(layout["inputs"], start=1):
        x_node = _node(
            ax, i * step, -1.3, COURSE_COLORS["input"], _math("x", str(t)) if labels else None
        )
        _arrow(ax, x_node, cells[i], COURSE_COLORS["input"])
    for t, i in enumerate(layout["outputs"], start=1):
        name = r"\hat{y}"
        text = _math(name, str(t)) if labels else None
        y_node = _node(ax, i * step, 1.3, COURSE_COLORS["output"], text)
        _arrow(ax, cells[i], y_node, COURSE_COLORS["output"])
    if labels:
        ax.set_title(f"{kind}\n({ARCHITECTURE_EXAMPLES[kind]})", fontsize=8)
    center, span = (n_cells - 1) * step / 2, max(n_cells * step, 2.0)  # room for the title
    _finish(ax, (center - span / 2, center + span / 2), (-1.8, 1.8))
    return ax


def draw_architectures(figsize: tuple[float, float] = (10.0, 3.0)) -> Figure:
    """Draw the five architecture types side by side, each with its default lengths.

    Args:
        figsize: figure size in inches (the course keeps it at most (10, 3)).

    Returns:
        The Figure; ``fig.axes`` holds one Axes per kind, in :data:`ARCHITECTURE_KINDS` order.

    Example:
        >>> fig = draw_architectures()  # doctest: +SKIP
    """
    widths = [max(1.8, architecture_layout(kind)["n_cells"]) for kind in ARCHITECTURE_KINDS]
    fig, axes = plt.subplots(
        1, len(ARCHITECTURE_KINDS), figsize=figsize, gridspec_kw={"width_ratios": widths}
    )
    for kind, ax in zip(ARCHITECTURE_KINDS, axes, strict=True):
        draw_architecture(kind, ax=ax)
    fig.tight_layout()
    return fig
