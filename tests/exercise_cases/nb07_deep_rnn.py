"""Right and planted wrong answers for notebook 07's exercise checks."""

from __future__ import annotations

from math import comb

import numpy as np

from exercise_cases import Case, Planted
from rnn_utils import scratch
from rnn_utils.exercises import nb07_deep_rnn as checks

# --------------------------------------------------------------------------- parameter count

BLOCKS = {"rnn": 1, "gru": 3, "lstm": 4}


def stack_param_count(kind, n_x, units, chain=True, second_row=True, blocks=None, bias=True):
    total, n_in = 0, n_x
    for n_a in units:
        k = BLOCKS[kind] if blocks is None else blocks
        rows = (2 if kind == "gru" and second_row else 1) if bias else 0
        total += k * n_a * (n_a + n_in) + k * rows * n_a
        if chain:
            n_in = n_a
    return total


def stack_param_count_keras_style(kind, n_x, units):
    widths = [n_x, *units]
    per_layer = []
    for n_in, n_a in zip(widths[:-1], widths[1:], strict=True):
        kernel, recurrent = n_in * BLOCKS[kind] * n_a, n_a * BLOCKS[kind] * n_a
        bias = (2 if kind == "gru" else 1) * BLOCKS[kind] * n_a
        per_layer.append(kernel + recurrent + bias)
    return sum(per_layer)


# --------------------------------------------------------------------------- the stack


def deep_forward(x, layers, leak=False, late=False, read_x=False, last_only=False):
    m, t_x, _ = x.shape
    activations, below, a_prev = [], x, None
    for p in layers:
        n_a = p["ba"].shape[0]
        if not leak or a_prev is None:
            a_prev = np.zeros((m, n_a))
        a = np.zeros((m, t_x, n_a))
        for t in range(t_x):
            a_next, _, _ = scratch.rnn_cell_forward(below[:, t], a_prev, p)
            a[:, t] = a_prev if late else a_next
            a_prev = a_next
        activations.append(a)
        below = x if read_x else a
    return activations[-1:] if last_only else activations


def deep_forward_without_return(x, layers):
    deep_forward(x, layers)


# --------------------------------------------------------------------------- paths


def paths(depth, T):
    ways = np.zeros((depth + 1, T + 1), dtype=int)  # ways[l, t]: paths from a^[1]<1> to (l, t)
    ways[1, 1] = 1
    for layer in range(1, depth + 1):
        for t in range(1, T + 1):
            if (layer, t) != (1, 1):
                ways[layer, t] = ways[layer - 1, t] + ways[layer, t - 1]
    return T + depth, int(ways[depth, T])


def paths_by_formula(depth, T):
    return T + depth, comb(T + depth - 2, depth - 1)


# --------------------------------------------------------------------------- residual


def residual_forward(x, layers, inside=False, feed_a=False, recur_o=False, skip=None, leak=False):
    m, t_x, _ = x.shape
    outputs, below, a_prev = [], x, None
    for p in layers:
        n_a = p["ba"].shape[0]
        match = below.shape[-1] == n_a and skip != "all" and not (skip == "first" and not outputs)
        if not leak or a_prev is None:
            a_prev = np.zeros((m, n_a))
        a, o = np.zeros((m, t_x, n_a)), np.zeros((m, t_x, n_a))
        for t in range(t_x):
            z = a_prev @ p["Waa"].T + below[:, t] @ p["Wax"].T + p["ba"]
            if inside and match:
                a[:, t] = np.tanh(z + below[:, t])
                o[:, t] = a[:, t]
            else:
                a[:, t] = np.tanh(z)
                o[:, t] = a[:, t] + below[:, t] if match else a[:, t]
            a_prev = o[:, t] if recur_o else a[:, t]
        outputs.append(o)
        below = a if feed_a else o
    return outputs


def residual_forward_with_my_stack(x, layers):
    outputs, below = [], x
    for p in layers:
        a = deep_forward(below, [p])[0]
        below = a + below if a.shape == below.shape else a
        outputs.append(below)
    return outputs


def residual_forward_everywhere(x, layers):
    outputs, below = [], x
    for p in layers:
        below = deep_forward(below, [p])[0] + below  # fails where the widths differ
        outputs.append(below)
    return outputs


CASES = [
    Case(
        checks.check_stack_param_count,
        stack_param_count,
        [
            Planted(
                "reads x", lambda k, n, u: stack_param_count(k, n, u, chain=False), "as reading x"
            ),
            Planted(
                "one GRU bias row",
                lambda k, n, u: stack_param_count(k, n, u, second_row=False),
                "second bias row",
            ),
            Planted(
                "one block",
                lambda k, n, u: stack_param_count(k, n, u, blocks=1),
                "one block per layer",
            ),
            Planted(
                "no biases",
                lambda k, n, u: stack_param_count(k, n, u, bias=False),
                "biases are left out",
            ),
        ],
    ),
    Case(
        checks.check_deep_rnn_forward,
        deep_forward,
        [
            Planted("states leak", lambda x, ls: deep_forward(x, ls, leak=True), "a state leaks"),
            Planted("one step late", lambda x, ls: deep_forward(x, ls, late=True), "one step late"),
            Planted(
                "every layer reads x",
                lambda x, ls: deep_forward(x, ls, read_x=True),
                "below = a after each layer",
            ),
            Planted(
                "only the top layer",
                lambda x, ls: deep_forward(x, ls, last_only=True),
                "one per layer, got 1",
            ),
            Planted("no return", deep_forward_without_return, "forget a return"),
        ],
    ),
    Case(
        checks.check_paths_to_last_output,
        paths,
        [
            Planted(
                "T + L - 1", lambda d, t: (t + d - 1, paths(d, t)[1]), r"not counted \(T \+ L - 1\)"
            ),
            Planted(
                "one step right too many",
                lambda d, t: (t + d, comb(t + d - 1, d - 1)),
                "one step right too many",
            ),
            Planted("waves", lambda d, t: (t + d, t + d - 1), "number of waves"),
            Planted("cells", lambda d, t: (t + d, t * d), "number of cells"),
            Planted("a number", lambda d, t: paths(d, t)[1], "a pair"),
        ],
    ),
    Case(
        checks.check_residual_forward,
        residual_forward,
        [
            Planted(
                "before the activation",
                lambda x, ls: residual_forward(x, ls, inside=True),
                "inside tanh",
            ),
            Planted(
                "feeds a",
                lambda x, ls: residual_forward(x, ls, feed_a=True),
                r"reads a\^\[l\] instead",
            ),
            Planted(
                "recurrence on o",
                lambda x, ls: residual_forward(x, ls, recur_o=True),
                "goes to the right",
            ),
            Planted(
                "layer 1 skipped",
                lambda x, ls: residual_forward(x, ls, skip="first"),
                "layer 1's shortcut",
            ),
            Planted(
                "no shortcut", lambda x, ls: residual_forward(x, ls, skip="all"), "no shortcut"
            ),
            Planted(
                "states leak",
                lambda x, ls: residual_forward(x, ls, leak=True),
                r"starts at a\^\[l\]<0> = 0",
            ),
            Planted(
                "added where widths differ",
                residual_forward_everywhere,
                "only where its width is n",
            ),
        ],
    ),
]

# another right answer of each kind a learner may write: it must pass too (same planted mistakes)
CASES += [
    Case(checks.check_stack_param_count, stack_param_count_keras_style, CASES[0].planted),
    Case(checks.check_paths_to_last_output, paths_by_formula, CASES[2].planted),
    Case(checks.check_residual_forward, residual_forward_with_my_stack, CASES[3].planted),
]
