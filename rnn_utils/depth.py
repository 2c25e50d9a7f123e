"""Experiment helpers of notebook 07 (deep RNNs): parameter budgets, paths, training curves, cost.

- :func:`layer_param_count`, :func:`lm_param_count`, :func:`width_for_budget`: how many weights a
  stack has, and the width that puts stacks of different depths on the same budget;
- :func:`path_lengths`: the paths from x<t'> to ŷ<T> through the layers × time grid (their
  length counted in weight layers crossed, with or without residual shortcuts and per-step heads);
- :func:`fit_lm`: the course's character-LM recipe (as :func:`rnn_utils.keras_lm.train_keras_lm`)
  for any model, recording train and held-out NLL per character after every epoch;
- :func:`seconds_per_step`: the median wall time of one training step.

The NumPy stack itself is :mod:`rnn_utils.scratch.deep`; the Keras layer is
:class:`rnn_utils.layers.DeepRNN`; the grid is drawn by :mod:`rnn_utils.plots.deep_diagrams`.
"""

from __future__ import annotations

import time

import numpy as np

from rnn_utils.language_model import masked_nll_per_token

__all__ = [
    "fit_lm",
    "layer_param_count",
    "lm_param_count",
    "path_lengths",
    "seconds_per_step",
    "sequential_waves",
    "width_for_budget",
]

_GATES = {"rnn": 1, "gru": 3, "lstm": 4}


def _check_positive(name, value):
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 1:
        raise ValueError(f"{name} must be a positive int, got {value!r}")
    return int(value)


def layer_param_count(kind, n_in, n_a, bidirectional=False, reset_after=True):
    """Weights of one recurrent layer reading n_in features: gates · n_a · (n_a + n_in + 1).

    Each gate (1 for the RNN, 3 for the GRU, 4 for the LSTM) has W (n_a, n_a + n_in) and b
    (n_a,); Keras's default ``GRU(reset_after=True)`` has a second bias row (+3 n_a). A
    bidirectional layer has two such copies.

    Example:
        >>> layer_param_count("lstm", n_in=10, n_a=20)
        2480
        >>> layer_param_count("gru", 10, 20, reset_after=False, bidirectional=True)
        3720
    """
    if kind not in _GATES:
        raise ValueError(f"kind must be one of {tuple(_GATES)}, got {kind!r}")
    n_in, n_a = _check_positive("n_in", n_in), _check_positive("n_a", n_a)
    gates = _GATES[kind]
    count = gates * n_a * (n_a + n_in + 1) + (gates * n_a if kind == "gru" and reset_after else 0)
    return count * (2 if bidirectional else 1)


def lm_param_count(kind, vocab, units, head=0):
    """Weights of a language model: stack ``units`` → optional ReLU ``Dense(head)`` → softmax.

    Args:
        kind: ``"rnn"``, ``"gru"`` (Keras's default ``reset_after=True``) or ``"lstm"``.
        vocab: V, the input and output size.
        units: list of layer widths, bottom to top.
        head: width of a per-step hidden ``Dense`` layer between the stack and the softmax
            (seed 001's "deep output network"); 0 for none.

    Example:
        >>> lm_param_count("gru", 27, [64])  # GRU(64) + Dense(27)
        19611
    """
    if not isinstance(units, list | tuple) or not units:
        raise ValueError(f"units must be a non-empty list of layer widths, got {units!r}")
    count, n_in = 0, vocab
    for n_a in units:
        count, n_in = count + layer_param_count(kind, n_in, n_a), n_a
    if head:
        count, n_in = count + (n_in + 1) * _check_positive("head", head), head
    return count + (n_in + 1) * vocab


def width_for_budget(kind, vocab, depth, budget, head=False):
    """The layer width n whose ``depth``-layer stack (all layers n wide) is closest to ``budget``.

    With ``head=True`` the model is one layer of width n and a per-step ReLU ``Dense(n)`` head.

    Example:
        >>> budget = lm_param_count("gru", 27, [64])
        >>> n = width_for_budget("gru", 27, depth=2, budget=budget)
        >>> n, lm_param_count("gru", 27, [n, n])
        (40, 19227)
    """
    depth, budget = _check_positive("depth", depth), _check_positive("budget", budget)
    if head and depth != 1:
        raise ValueError(f"head=True describes a one-layer stack: use depth=1, got {depth}")

    def count(n):
        return lm_param_count(kind, vocab, [n] * depth, head=n if head else 0)

    return min(range(1, 4 * int(np.sqrt(budget)) + 2), key=lambda n: abs(count(n) - budget))


def path_lengths(depth, T, start=1, head=0, residual=False):
    """Lengths of the paths from x<start> to ŷ<T> through a depth × time grid (1-based steps).

    A path's length is the number of weight layers it crosses: one per recurrent step (right,
    a^[l]<t-1> → a^[l]<t>), one per layer (up, a^[l-1]<t> → a^[l]<t>), one per hidden layer of
    the per-step ``head``, one for the softmax. A residual shortcut a^[l] + a^[l-1] crosses no
    weights, so it may replace an upward step at no cost. Layer 1's shortcut x → a^[1] (which
    ``DeepRNN`` adds only when n_x = n^[1]) is left out.

    Returns:
        ``(shortest, longest, count)``: the extreme lengths and the number of distinct paths.

    Example:
        >>> path_lengths(depth=3, T=5)  # every path: 4 right, 2 up, the input and the softmax
        (8, 8, 15)
        >>> path_lengths(depth=3, T=5, residual=True)[:2]
        (6, 8)
    """
    depth, T = _check_positive("depth", depth), _check_positive("T", T)
    start = _check_positive("start", start)
    if start > T:
        raise ValueError(f"start must be a step in [1, T={T}], got {start}")
    none = (np.inf, -np.inf, 0)  # (shortest, longest, count) when there is no path

    def join(*options):  # options: ((shortest, longest, count), cost of the last edge)
        live = [(p, cost) for p, cost in options if p[2]]
        if not live:
            return none
        return (
            min(p[0] + cost for p, cost in live),
            max(p[1] + cost for p, cost in live),
            sum(p[2] for p, _ in live),
        )

    states = [none] * (depth + 1)  # the cells' states a^[l]<t-1>, what step t reads
    for t in range(start, T + 1):
        outputs = [(0, 0, 1) if t == start else none]  # "layer 0" is x<t>
        for layer in range(1, depth + 1):
            states[layer] = join((outputs[layer - 1], 1), (states[layer], 1))  # up, right
            shortcut = (outputs[layer - 1], 0) if residual and layer > 1 else (none, 0)
            outputs.append(join((states[layer], 0), shortcut))
    shortest, longest, count = outputs[depth]
    return int(shortest + head + 1), int(longest + head + 1), int(count)


def sequential_waves(depth, T):
    """How many waves a depth × T grid needs when every cell whose inputs are ready runs at once.

    Cell (l, t) waits for its left neighbour (l, t − 1) and the cell below (l − 1, t), so it
    runs in wave 1 + max of theirs: the anti-diagonals run one after another.

    Example:
        >>> sequential_waves(depth=3, T=12)  # T + L − 1
        14
    """
    depth, T = _check_positive("depth", depth), _check_positive("T", T)
    wave = np.zeros((depth + 1, T + 1), dtype=int)  # row 0 / column 0: the inputs, a<0>
    for layer in range(1, depth + 1):
        for t in range(1, T + 1):
            wave[layer, t] = 1 + max(wave[layer, t - 1], wave[layer - 1, t])
    return int(wave.max())


def fit_lm(model, data, epochs, batch_size, lr, seed=0, curves=False):
    """Train a character language model with the course's recipe; return its NLL per character.

    Same recipe as :func:`rnn_utils.keras_lm.train_keras_lm` (Adam, sparse cross-entropy, the
    padding mask as per-step sample weight, a new seeded batch order every epoch), for any
    ``model`` mapping one-hot (m, T, V) to softmax (m, T, V), e.g. a ``DeepRNN`` stack. The
    batches are fed with ``train_on_batch``, which skips ``fit``'s per-epoch set-up: small
    experiments with many short epochs run several times faster.

    Args:
        model: an uncompiled Keras model (build it right after ``keras.utils.set_random_seed``).
        data: ``(x_train, y_train, mask_train, x_test, y_test, mask_test)`` from
            :func:`rnn_utils.language_model.lm_arrays`.
        epochs, batch_size, lr: the budget.
        seed: seeds the batch order.
        curves: also measure train and held-out NLL (dropout off) after every epoch.

    Returns:
        dict with ``"heldout"`` (final held-out NLL per character) and, with ``curves``,
        ``"train_curve"`` and ``"heldout_curve"`` (one value per epoch).
    """
    import keras

    x_train, y_train, mask_train, x_test, y_test, mask_test = data
    if x_train.ndim != 3 or x_test.ndim != 3:
        raise ValueError(f"x must be one-hot (m, T, V), got {x_train.shape} and {x_test.shape}")
    epochs, batch_size = (
        _check_positive("epochs", epochs),
        _check_positive("batch_size", batch_size),
    )

    def nll(x, y, mask):
        return masked_nll_per_token(model.predict_on_batch(x), y, mask)  # one batch: no loop

    model.compile(optimizer=keras.optimizers.Adam(lr), loss="sparse_categorical_crossentropy")
    rng = np.random.default_rng(seed)
    result = {"train_curve": [], "heldout_curve": []}
    for _ in range(epochs):
        order = rng.permutation(len(x_train))
        for first in range(0, len(order), batch_size):
            batch = order[first : first + batch_size]
            model.train_on_batch(x_train[batch], y_train[batch], sample_weight=mask_train[batch])
        if curves:
            train_nll, heldout_nll = _two_nlls(model, data)
            result["train_curve"].append(train_nll)
            result["heldout_curve"].append(heldout_nll)
    if not curves:
        return {"heldout": nll(x_test, y_test, mask_test)}
    return {**result, "heldout": result["heldout_curve"][-1]}


def _two_nlls(model, data):
    """Train and held-out NLL per character, from one forward pass when the lengths agree."""
    x_train, y_train, mask_train, x_test, y_test, mask_test = data
    if x_train.shape[1:] != x_test.shape[1:]:
        return tuple(
            masked_nll_per_token(model.predict_on_batch(x), y, mask)
            for x, y, mask in ((x_train, y_train, mask_train), (x_test, y_test, mask_test))
        )
    y_hat = model.predict_on_batch(np.concatenate([x_train, x_test]))
    m = len(x_train)
    return (
        masked_nll_per_token(y_hat[:m], y_train, mask_train),
        masked_nll_per_token(y_hat[m:], y_test, mask_test),
    )


def seconds_per_step(model, x, y, sample_weight=None, repeats=7):
    """Median wall time (s) of ``model.train_on_batch`` on one batch, after one warm-up call.

    The model must be compiled. It is trained by these steps: time it after the experiment.

    Example:
        >>> import keras
        >>> model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
        >>> model.compile("sgd", "mse")
        >>> seconds_per_step(model, np.ones((4, 3)), np.ones((4, 1)), repeats=3) > 0
        True
    """
    repeats = _check_positive("repeats", repeats)
    model.train_on_batch(x, y, sample_weight=sample_weight)  # trace once
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        model.train_on_batch(x, y, sample_weight=sample_weight)
        times.append(time.perf_counter() - start)
    return float(np.median(times))
