"""Checks of notebook 07's exercises: a stack's size, its forward pass, the paths through its
grid, and the forward pass with residual connections.

Each ``check_*`` calls the learner's function on inputs of its own and compares the result with
the course's code: :func:`rnn_utils.depth.layer_param_count`, :func:`rnn_utils.scratch.deep_forward`
(plain and ``residual=True``) and :func:`rnn_utils.depth.path_lengths`. The stacks are vanilla
RNN layers given as a list of ``{"Waa", "Wax", "ba"}`` dicts, bottom first, with non-zero biases;
two neighbouring layers have the same width, so a state that leaks from one layer into the next
changes numbers instead of crashing. The usual mistakes are recomputed by :func:`_stack` (a
stack in which one known mistake can be switched on), so that a wrong answer is told which one
it matches.
"""

from __future__ import annotations

from math import comb

import numpy as np

from rnn_utils import scratch
from rnn_utils.depth import layer_param_count, path_lengths
from rnn_utils.exercises import ExerciseError, call, expect_close, expect_shape, passed

M, T_X, N_X = 2, 7, 3
LEAK = "layer l + 1 starts from layer l's last state instead of a^[l+1]<0> = 0 (a state leaks)"
LATE = "a^[l]<t> is stored one step late (the state before step t)"


def _layers(units, seed):
    """``(x, layers, flat)``: inputs (m, T_x, n_x) and a vanilla-RNN stack of widths ``units``,
    as the list the learner gets and as the flat dict of :func:`scratch.deep_forward`."""
    rng = np.random.default_rng(seed)
    flat = scratch.init_deep_params("rnn", N_X, units, 2, seed=seed)
    for layer, n_a in enumerate(units, start=1):
        flat[f"ba[{layer}]"] = 0.5 * rng.normal(size=n_a)
    numbers = range(1, len(units) + 1)
    layers = [{k: flat[f"{k}[{layer}]"] for k in ("Waa", "Wax", "ba")} for layer in numbers]
    return rng.normal(size=(M, T_X, N_X)), layers, flat


class _Layers(list):
    """The list of layer dicts a check passes; in an error message it shows shapes, not numbers."""

    def __repr__(self):
        shapes = (", ".join(f"{k}: array{np.shape(v)}" for k, v in p.items()) for p in self)
        return "[" + ", ".join("{" + s + "}" for s in shapes) + "]"


def _stack(x, layers, residual=False, mistake=None):
    """The outputs of every layer, with one known mistake switched on (None: right)."""
    outputs, below, a_last = [], x, None
    for p in layers:
        n_a = p["ba"].size
        source = x if mistake == "stack input" else below  # what the shortcut adds
        shortcut = residual and source.shape[-1] == n_a
        shortcut = shortcut and not (mistake == "skip layer 1" and not outputs)
        leaks = mistake == LEAK and a_last is not None and a_last.shape[-1] == n_a
        a_prev = a_last if leaks else np.zeros((len(x), n_a))
        a, out = np.zeros((len(x), T_X, n_a)), np.zeros((len(x), T_X, n_a))
        for t in range(T_X):
            add = source[:, t] if shortcut else 0.0
            z = a_prev @ p["Waa"].T + below[:, t] @ p["Wax"].T + p["ba"]
            a_next = np.tanh(z + add) if mistake == "inside" else np.tanh(z)
            a[:, t] = a_prev if mistake == LATE else a_next
            out[:, t] = a[:, t] if mistake == "inside" else a[:, t] + add
            a_prev = out[:, t] if mistake == "recur on o" else a_next
        a_last = a_prev
        outputs.append(a if mistake == "return a" else out)
        below = a if mistake == "feed a" else out
    return outputs


def _expect_stack(mine, expected, mistakes, what):
    """A list of one (m, T_x, n^[l]) array per layer, equal to ``expected``. A mistake is named
    when every layer matches it (one layer alone can match several mistakes)."""
    if mine is None:
        raise ExerciseError("your function returned None: did you forget a return statement?")
    if not isinstance(mine, list | tuple) or len(mine) != len(expected):
        got = len(mine) if isinstance(mine, list | tuple) else type(mine).__name__
        raise ExerciseError(f"return a list of {len(expected)} arrays, one per layer, got {got}")
    layers = range(len(expected))
    names = [f"{what}^[{layer + 1}]" for layer in layers]
    symbolic = [f"(m, T_x, n^[{layer + 1}])" for layer in layers]
    mine = [expect_shape(mine[i], expected[i].shape, names[i], symbolic[i]) for i in layers]
    if all(np.allclose(mine[i], expected[i], rtol=0, atol=1e-8) for i in layers):
        return
    for description, wrong in mistakes:
        if all(np.allclose(mine[i], wrong[i], rtol=0, atol=1e-8) for i in layers):
            first = next(
                i for i in layers if not np.allclose(mine[i], expected[i], rtol=0, atol=1e-8)
            )
            raise ExerciseError(
                f"{names[first]} differs from the reference, and every layer matches what you "
                f"get when {description}"
            )
    for i in layers:
        expect_close(mine[i], expected[i], names[i], [(d, wrong[i]) for d, wrong in mistakes])


# --------------------------------------------------------------------------- parameters

CONFIGS = [(10, [32, 32, 16]), (7, [3, 9])]  # (n_x, units)
GATES = {"rnn": 1, "gru": 3, "lstm": 4}


def _counts(formula, chained=True):
    """``formula(kind, n_in, n_a)`` summed over the layers of every stack, rnn, gru, lstm;
    ``chained=False``: every layer reads n_x features (the mistake)."""
    values = []
    for kind in GATES:
        for n_x, units in CONFIGS:
            inputs = [n_x, *units[:-1]] if chained else [n_x] * len(units)
            values.append(
                sum(formula(kind, n_in, n_a) for n_in, n_a in zip(inputs, units, strict=True))
            )
    return np.array(values, dtype=float)


def _one_block(kind, n_in, n_a):
    return n_a * (n_a + n_in + (2 if kind == "gru" else 1))


def check_stack_param_count(fn):
    """Parameters of a stack of Keras layers (GRU: Keras's default reset_after=True)."""
    mine = []
    for kind in GATES:
        for n_x, units in CONFIGS:
            count = call(fn, kind, n_x, list(units), hint="kind is 'rnn', 'gru' or 'lstm'")
            if isinstance(count, bool) or not isinstance(count, int | float | np.number):
                raise ExerciseError(f"return the count, a number, got {type(count).__name__}")
            mine.append(count)
    mistakes = [
        (
            "every layer is counted as reading x (n_x inputs), not the layer below",
            _counts(layer_param_count, chained=False),
        ),
        (
            "the GRU's second bias row (reset_after=True, Keras's default) is left out",
            _counts(lambda k, n_in, n_a: layer_param_count(k, n_in, n_a, reset_after=False)),
        ),
        ("one block per layer for every cell (the GRU has 3, the LSTM 4)", _counts(_one_block)),
        ("the biases are left out", _counts(lambda k, n_in, n_a: GATES[k] * n_a * (n_a + n_in))),
        (
            "n^[l] and n^[l-1] are swapped",
            _counts(lambda k, n_in, n_a: layer_param_count(k, n_a, n_in)),
        ),
    ]
    expected = _counts(layer_param_count)
    what = "the counts of the rnn, gru, lstm stacks (n_x = 10, units [32, 32, 16]; n_x = 7, [3, 9])"
    reference = "rnn_utils.depth.layer_param_count, layer by layer"
    expect_close(
        np.array(mine, dtype=float), expected, what, mistakes, atol=0.5, reference=reference
    )
    passed("your counts equal Keras's count_params() for RNN, GRU and LSTM stacks")


# --------------------------------------------------------------------------- the stack


def check_deep_rnn_forward(fn):
    """The activation sequences a^[1..L] of a stack of vanilla RNN layers, bottom first: first
    a stack of equal widths (a leaking state changes numbers), then one of three widths."""
    hint = "layer l reads a^[l-1] (n^[l-1] features; below = a after each layer) and starts at 0"
    for units, seed in (([5, 5, 5], 0), ([4, 6, 5], 2)):
        x, layers, flat = _layers(units, seed)
        mine = call(fn, x, _Layers(dict(p) for p in layers), hint=hint)
        mistakes = [
            (LEAK, _stack(x, layers, mistake=LEAK)),
            (LATE, _stack(x, layers, mistake=LATE)),
        ]
        _expect_stack(mine, scratch.deep_forward("rnn", x, flat)[0], mistakes, "a")
    passed("your stack equals rnn_utils.scratch.deep_forward, layer by layer")


# --------------------------------------------------------------------------- paths

GRIDS = [(1, 5), (2, 5), (3, 4), (4, 6), (3, 10)]  # (depth L, steps T)


def check_paths_to_last_output(fn):
    """(length, count) of the paths from x<1> to ŷ<T> through an L × T grid, for five grids."""
    lengths, counts = [], []
    for depth, T in GRIDS:
        result = call(fn, depth, T, hint="return a pair (length, count)")
        if not isinstance(result, tuple | list) or len(result) != 2:
            raise ExerciseError(f"return a pair (length, count), got {result!r}")
        lengths.append(result[0])
        counts.append(result[1])
    right = [path_lengths(depth, T) for depth, T in GRIDS]
    expect_close(
        np.array(lengths, dtype=float),
        [shortest for shortest, _, _ in right],
        "the length of the paths for (L, T) = " + ", ".join(map(str, GRIDS)),
        [
            (
                "the input edge or the softmax is not counted (T + L - 1)",
                [t + d - 1 for d, t in GRIDS],
            ),
            (
                "neither the input edge nor the softmax is counted (T + L - 2)",
                [t + d - 2 for d, t in GRIDS],
            ),
            ("the length is the number of cells, L · T", [t * d for d, t in GRIDS]),
        ],
        reference="rnn_utils.depth.path_lengths",
    )
    expect_close(
        np.array(counts, dtype=float),
        [count for _, _, count in right],
        "the number of paths for (L, T) = " + ", ".join(map(str, GRIDS)),
        [
            (
                "the count is C(T + L - 1, L - 1): one step right too many",
                [comb(t + d - 1, d - 1) for d, t in GRIDS],
            ),
            (
                "the count is C(T + L - 2, L): one step up too many",
                [comb(t + d - 2, d) for d, t in GRIDS],
            ),
            (
                "the count is C(T + L, L): the input edge and the softmax counted as moves",
                [comb(t + d, d) for d, t in GRIDS],
            ),
            (
                "the count is T + L - 1, the number of waves, not of paths",
                [t + d - 1 for d, t in GRIDS],
            ),
            ("the count is L · T, the number of cells", [t * d for d, t in GRIDS]),
        ],
        reference="rnn_utils.depth.path_lengths",
    )
    passed("your lengths and counts equal rnn_utils.depth.path_lengths for the five grids")


# --------------------------------------------------------------------------- residual


def check_residual_forward(fn):
    """o^[1..L] of a residual stack: o^[l] = a^[l] + o^[l-1] where the widths match, else a^[l]."""
    x, layers, flat = _layers([3, 5, 5, 4], seed=1)  # shortcuts at layers 1 (n_x = 3) and 3
    hint = "each layer starts at a^[l]<0> = 0 and adds o^[l-1] only where its width is n^[l]"
    mine = call(fn, x, _Layers(dict(p) for p in layers), hint=hint)
    expected = scratch.deep_forward("rnn", x, flat, residual=True)[0]
    mistakes = [
        ("o^[l-1] is added inside tanh, before the activation, not to a^[l]", "inside"),
        ("layer l + 1 reads a^[l] instead of o^[l] = a^[l] + o^[l-1]", "feed a"),
        ("the list holds a^[l] instead of the o^[l] each layer passes up", "return a"),
        (
            "the shortcut also goes to the right: the recurrence uses o^[l]<t-1>, not a^[l]<t-1>",
            "recur on o",
        ),
        (
            "the shortcut adds x, the stack's input, not o^[l-1], the layer's own input",
            "stack input",
        ),
        ("layer 1's shortcut is skipped (x + a^[1], as n_x = n^[1] = 3)", "skip layer 1"),
    ]
    mistakes = [(d, _stack(x, layers, residual=True, mistake=m)) for d, m in mistakes]
    mistakes.append(
        ("no shortcut is added (the plain stack)", scratch.deep_forward("rnn", x, flat)[0])
    )
    _expect_stack(mine, expected, mistakes, "o")
    passed("your residual stack equals scratch.deep_forward(..., residual=True), layer by layer")
