"""Charts shared by the notebooks: training curves and hidden-state heatmaps.

Every function draws on a Matplotlib ``Axes`` (a new figure when ``ax`` is None), returns that
``Axes`` and never calls ``plt.show()``, so a notebook can combine several charts in one figure.
Inputs are validated first: bad shapes or unknown metric names raise a ``ValueError`` or
``TypeError`` that names what was expected.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from rnn_utils.plots.style import COURSE_CYCLE, new_axes


def _history_dict(history: Any) -> Mapping[str, Sequence[float]]:
    """Accept a ``keras.callbacks.History`` or the dict it holds (``history.history``)."""
    data = getattr(history, "history", history)
    if not isinstance(data, Mapping):
        raise TypeError(
            "history must be a dict {metric name: list of per-epoch values} or a "
            f"keras History object; got {type(history).__name__}"
        )
    if not data:
        raise ValueError("history is empty: train for at least one epoch first")
    return data


def _curve(data: Mapping[str, Sequence[float]], name: str) -> np.ndarray:
    try:
        values = np.asarray(data[name], dtype=float)
    except (TypeError, ValueError) as error:
        raise TypeError(f"history[{name!r}] must be a list of numbers") from error
    if values.ndim != 1 or values.size == 0:
        raise ValueError(
            f"history[{name!r}] must be a non-empty 1-D list of per-epoch values; "
            f"got shape {values.shape}"
        )
    return values


def plot_history(
    history: Any,
    metrics: str | Sequence[str] | None = None,
    ax=None,
    title: str | None = None,
    figsize: tuple[float, float] = (4.0, 3.0),
):
    """Plot per-epoch training curves, each metric with its ``val_`` twin when present.

    Args:
        history: ``model.fit(...)``'s return value (a ``keras.callbacks.History``) or its
            ``.history`` dict ``{name: [value per epoch]}``.
        metrics: the metric name(s) to draw, without the ``val_`` prefix, e.g. ``"loss"`` or
            ``["loss", "accuracy"]``. Default: every non-``val_`` key of the history.
            Training curves are solid, validation curves dashed, in the same Axes.
        ax: a Matplotlib ``Axes`` to draw on; None creates a figure of size ``figsize``.
        title: the Axes title; default: the metric names joined with " / ".
        figsize: figure size when ``ax`` is None.

    Returns:
        The Matplotlib ``Axes`` (epochs on x, starting at 1).

    Raises:
        TypeError: ``history`` is neither a dict nor a History, or a curve is not numeric.
        ValueError: empty history, an unknown metric (the message lists the available ones),
            or curves of different lengths.

    Example:
        >>> ax = plot_history({"loss": [0.9, 0.5], "val_loss": [1.0, 0.7]}, metrics="loss")
        >>> len(ax.get_lines())
        2
    """
    data = _history_dict(history)
    if metrics is None:
        metrics = [name for name in data if not name.startswith("val_")] or list(data)
    elif isinstance(metrics, str):
        metrics = [metrics]
    else:
        metrics = list(metrics)
    if not metrics:
        raise ValueError("metrics is empty: name at least one metric, e.g. 'loss'")
    available = sorted(data)
    for name in metrics:
        if not isinstance(name, str):
            raise TypeError(f"metric names must be strings; got {name!r}")
        if name not in data:
            raise ValueError(f"metric {name!r} is not in the history; available: {available}")

    curves = []  # (label, values, linestyle, shade index)
    for i, name in enumerate(metrics):
        curves.append((f"train {name}", _curve(data, name), "-", i))
        if f"val_{name}" in data:
            curves.append((f"val {name}", _curve(data, f"val_{name}"), "--", i))
    lengths = {len(values) for _, values, _, _ in curves}
    if len(lengths) != 1:
        raise ValueError(f"all curves must have one value per epoch; got lengths {sorted(lengths)}")

    ax = new_axes(ax, figsize)
    epochs = np.arange(1, lengths.pop() + 1)
    for label, values, style, shade in curves:
        color = COURSE_CYCLE[shade % len(COURSE_CYCLE)]
        ax.plot(epochs, values, linestyle=style, color=color, marker=".", label=label)
    ax.set_xlabel("epoch")
    ax.set_ylabel(metrics[0] if len(metrics) == 1 else "value")
    ax.set_title(title if title is not None else " / ".join(metrics))
    if len(epochs) <= 12:
        ax.set_xticks(epochs)
    ax.legend()
    return ax


def plot_state_heatmap(
    states: Any,
    tokens: Sequence[str],
    ax=None,
    title: str = "hidden state $a^{\\langle t\\rangle}$",
    max_units: int | None = None,
    figsize: tuple[float, float] | None = None,
):
    """Draw the hidden states a<1>, ..., a<T> of one sequence as a units × time heatmap.

    Each column is one time step t, labelled with its token; each row is one unit of a<t>.
    The colour scale is centred on 0 and spans [-1, 1] (tanh's range) unless the states go
    beyond it, in which case it spans [-m, m] with m the largest |value|.

    Args:
        states: array of shape ``(T, n_a)``: a<t> for t = 1..T (e.g. one row of a
            ``return_sequences=True`` output). A leading batch axis of size 1 is accepted.
        tokens: the T tokens x<1>, ..., x<T> (strings), used as column labels.
        ax: a Matplotlib ``Axes``; None creates a figure sized to the sequence.
        title: the Axes title.
        max_units: draw only the first ``max_units`` units (rows); None draws all n_a.
        figsize: figure size when ``ax`` is None.

    Returns:
        The Matplotlib ``Axes`` holding the image (``ax.images[0]``) and a colorbar.

    Raises:
        TypeError: ``tokens`` is not a sequence of strings, or ``states`` is not numeric.
        ValueError: ``states`` is not 2-D ``(T, n_a)``, T differs from ``len(tokens)``,
            or ``max_units`` is not a positive int.

    Example:
        >>> import numpy as np
        >>> ax = plot_state_heatmap(np.zeros((3, 4)), ["I", "like", "RNNs"])
        >>> ax.images[0].get_array().shape
        (4, 3)
    """
    try:
        values = np.asarray(states, dtype=float)
    except (TypeError, ValueError) as error:
        raise TypeError("states must be a numeric array of shape (T, n_a)") from error
    if values.ndim == 3 and values.shape[0] == 1:
        values = values[0]
    if values.ndim != 2 or 0 in values.shape:
        raise ValueError(
            f"states must have shape (T, n_a) (time steps × units); got shape {values.shape}"
        )
    if isinstance(tokens, str) or not isinstance(tokens, Sequence):
        raise TypeError("tokens must be a list of strings, one per time step")
    tokens = list(tokens)
    if not all(isinstance(tok, str) for tok in tokens):
        raise TypeError("tokens must be a list of strings, one per time step")
    if len(tokens) != values.shape[0]:
        raise ValueError(
            f"states has T={values.shape[0]} time steps but {len(tokens)} tokens were given"
        )
    if max_units is not None:
        if isinstance(max_units, bool) or not isinstance(max_units, int) or max_units < 1:
            raise ValueError(f"max_units must be a positive int or None; got {max_units!r}")
        values = values[:, :max_units]

    n_steps, n_units = values.shape
    if figsize is None:
        figsize = (min(8.0, 1.5 + 0.45 * n_steps), min(4.0, 1.2 + 0.18 * n_units))
    ax = new_axes(ax, figsize)
    limit = max(1.0, float(np.abs(values).max()))
    image = ax.imshow(
        values.T, aspect="auto", cmap="RdBu_r", vmin=-limit, vmax=limit, interpolation="nearest"
    )
    ax.set_xticks(np.arange(n_steps))
    ax.set_xticklabels(tokens, rotation=45, ha="right")
    ax.set_xlabel("time step t (token $x^{\\langle t\\rangle}$)")
    ax.set_ylabel("unit of $a^{\\langle t\\rangle}$")
    ax.set_title(title)
    ax.grid(False)
    ax.figure.colorbar(image, ax=ax, fraction=0.04, pad=0.02)
    return ax
