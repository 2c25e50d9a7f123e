"""Checks of notebook 06's exercises: merging the two directions, a bidirectional RNN, and
both directions over a padded batch with its mask.

The references are :func:`rnn_utils.scratch.merge_directions`,
:func:`rnn_utils.scratch.bidirectional_forward` and the time loop it runs for each direction,
:func:`rnn_utils.scratch.bptt.run_direction`. The inputs are built so that the usual mistakes
change the numbers: m, T_x, n_x, n_a and n_y all differ, the biases are not zero, the batch is
right-padded (lengths 6, 4 and 2) and its padded steps hold inputs that are not zero.
"""

from __future__ import annotations

import numpy as np

from rnn_utils.exercises import ExerciseError, call, expect_close, expect_shape, passed
from rnn_utils.scratch import (
    bidirectional_forward,
    init_bidirectional_params,
    merge_directions,
    rnn_cell_forward,
    softmax,
    split_bidirectional_params,
)
from rnn_utils.scratch.bptt import run_direction

__all__ = [
    "check_masked_bidirectional_rnn",
    "check_merge_directions",
    "check_my_bidirectional_rnn",
    "check_rnn_direction",
]

M, T_X, N_X, N_A, N_Y = 3, 6, 4, 5, 2
LENGTHS = (6, 4, 2)
MODES = ("concat", "sum", "mul", "ave")


def _inputs(seed: int):
    """x (m, T_x, n_x), a right-padded boolean mask, and flat bidirectional parameters with
    non-zero biases (``fwd_*``, ``bwd_*``, ``Wy``, ``by``)."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(M, T_X, N_X))
    mask = np.arange(T_X) < np.array(LENGTHS)[:, None]
    params = init_bidirectional_params("rnn", N_X, N_A, N_Y, seed=seed)
    for key in ("fwd_ba", "bwd_ba", "by"):
        params[key] = rng.normal(size=params[key].shape)
    return x, mask, params


def _run(x, p, mask=None, reverse=False, a0=None):
    """One direction's states a<t> (m, T_x, n_a), the course's time loop."""
    return run_direction("rnn", x, p, None if mask is None else mask.astype(float), reverse, a0)[0]


def _pads_output_the_state(x, p, mask, reverse):
    """The pads carry the state over, as they should, but output it instead of 0."""
    a, state = np.zeros((x.shape[0], x.shape[1], N_A)), np.zeros((x.shape[0], N_A))
    for t in reversed(range(x.shape[1])) if reverse else range(x.shape[1]):
        state = np.where(mask[:, t, None], rnn_cell_forward(x[:, t], state, p)[0], state)
        a[:, t] = state
    return a


# --------------------------------------------------------------------------- Exercise 1


def check_merge_directions(fn) -> None:
    """``fn(a_fwd, a_bwd, merge_mode)``: as :func:`rnn_utils.scratch.merge_directions` for
    ``"concat"``, ``"sum"``, ``"mul"``, ``"ave"`` and None (the pair, unchanged)."""
    rng = np.random.default_rng(1)
    a_fwd, a_bwd = rng.normal(size=(M, T_X, N_A)), rng.normal(size=(M, T_X, N_A))
    merged = {mode: merge_directions(a_fwd, a_bwd, mode) for mode in MODES}
    for mode in MODES:
        what = f"merge_directions(a_fwd, a_bwd, {mode!r})"
        mine = call(fn, a_fwd, a_bwd, mode, hint="a_fwd and a_bwd are (m, T_x, n_a)")
        if mode == "concat" and np.shape(mine) == (M, 2 * T_X, N_A):
            raise ExerciseError(
                f"{what} has shape {np.shape(mine)}: the states are joined along time; join "
                "the features, axis=-1, to get (m, T_x, 2 n_a)"
            )
        symbolic = "(m, T_x, 2 n_a)" if mode == "concat" else "(m, T_x, n_a)"
        mine = expect_shape(mine, merged[mode].shape, what, symbolic)
        mistakes = [
            (f"the mode is confused with {other!r}: check which operation each mode names", value)
            for other, value in merged.items()
            if other != mode and value.shape == merged[mode].shape
        ]
        if mode == "concat":
            mistakes.insert(
                0,
                (
                    "the order is [a←<t>, a→<t>]: the forward states come first",
                    merge_directions(a_bwd, a_fwd, "concat"),
                ),
            )
        if mode == "ave":
            mistakes.insert(0, ("a_fwd + a_bwd / 2 misses its parentheses", a_fwd + a_bwd / 2))
        expect_close(mine, merged[mode], what, mistakes, reference="scratch.merge_directions")
    pair = call(fn, a_fwd, a_bwd, None)
    if not isinstance(pair, tuple) or len(pair) != 2:
        raise ExerciseError(
            "merge_directions(a_fwd, a_bwd, None) should return the pair (a_fwd, a_bwd) "
            f"unchanged, got {type(pair).__name__}"
        )
    for mine, expected, name in zip(pair, (a_fwd, a_bwd), ("a_fwd", "a_bwd"), strict=True):
        expect_close(mine, expected, f"with None, the {name} returned", reference=name)
    passed("your merge gives concat, sum, mul, ave and None as keras.layers.Bidirectional does.")


# --------------------------------------------------------------------------- Exercise 2


def check_my_bidirectional_rnn(fn) -> None:
    """``fn(x, p_fwd, p_bwd, W_y, b_y)``: ŷ<t> = softmax(W_y [a→<t>, a←<t>] + b_y), shape
    (m, T_x, n_y), as ``bidirectional_forward("rnn", x, params).y_hat`` (no padding)."""
    x, _, params = _inputs(2)
    fwd, bwd, out = split_bidirectional_params("rnn", params)
    mine = call(
        fn,
        x,
        fwd,
        bwd,
        out["Wy"],
        out["by"],
        hint="x[:, t] is (m, n_x); W_y is (n_y, 2 n_a), so ŷ<t> is softmax(merged @ W_y.T + b_y)",
    )
    what = "my_bidirectional_rnn(x, p_fwd, p_bwd, W_y, b_y)"
    mine = expect_shape(mine, (M, T_X, N_Y), what, "(m, T_x, n_y)")
    expected = bidirectional_forward("rnn", x, params).y_hat
    a_fwd, a_bwd = _run(x, fwd), _run(x, bwd, reverse=True)

    def y_hat(first, second):
        return softmax(np.concatenate([first, second], axis=-1) @ out["Wy"].T + out["by"])

    logits = np.concatenate([a_fwd, a_bwd], axis=-1) @ out["Wy"].T + out["by"]
    mistakes = [
        (
            "the directions are concatenated as [a←<t>, a→<t>]: a→<t> comes first",
            y_hat(a_bwd, a_fwd),
        ),
        (
            "a←<t> is stored in reading order: a_bwd[:, t] must hold the state at time t",
            y_hat(a_fwd, a_bwd[:, ::-1]),
        ),
        ("the backward cell reads left to right: it starts at x<T_x>", y_hat(a_fwd, _run(x, bwd))),
        (
            "the backward loop starts from the forward direction's last state: a←<T_x + 1> = 0",
            y_hat(a_fwd, _run(x, bwd, reverse=True, a0=a_fwd[:, -1])),
        ),
        (
            "both directions use p_fwd: the backward cell has its own p_bwd",
            y_hat(a_fwd, _run(x, fwd, reverse=True)),
        ),
        (
            "the softmax runs over time (axis 1): normalise over the classes, axis=-1",
            softmax(logits.swapaxes(1, 2)).swapaxes(1, 2),
        ),
    ]
    expect_close(mine, expected, what, mistakes, reference="scratch.bidirectional_forward")
    passed("your bidirectional RNN equals rnn_utils.scratch's bidirectional_forward.")


# --------------------------------------------------------------------------- Exercise 3


def check_rnn_direction(fn) -> None:
    """``fn(x, mask, p, reverse)``: one direction's a<t> over a right-padded batch, 0 at the
    padded steps, from a zero state; with ``reverse`` from each row's last real token back to
    x<1>. As :func:`rnn_utils.scratch.bptt.run_direction`."""
    x, mask, params = _inputs(3)
    p = split_bidirectional_params("rnn", params)[0]
    for reverse in (False, True):
        what = f"rnn_direction(x, mask, p, reverse={reverse})"
        mine = call(
            fn,
            x,
            mask,
            p,
            reverse,
            hint="mask[:, t, None] has shape (m, 1): it selects per example at step t",
        )
        mine = expect_shape(mine, (M, T_X, N_A), what, "(m, T_x, n_a)")
        expected = _run(x, p, mask, reverse)
        ignored = "the mask is ignored: a padded step must leave the state as it is and output 0"
        if reverse:
            ignored += " (unmasked, the backward direction reads the pads first)"
            mistakes = [
                (ignored, _run(x, p, reverse=True)),
                ("reverse is ignored: the backward direction reads x<T_x> first", _run(x, p, mask)),
                (
                    "the states are stored in reading order: a[:, t] must hold the state at time t",
                    expected[:, ::-1],
                ),
                (
                    "the loop stops before x<1>: a[:, 0] stays 0",
                    np.concatenate([0 * expected[:, :1], expected[:, 1:]], axis=1),
                ),
            ]
        else:
            mistakes = [
                (ignored, _run(x, p)),
                (
                    "the padded steps output the carried state: the state is carried over, but "
                    "the output there is 0",
                    _pads_output_the_state(x, p, mask, reverse),
                ),
            ]
        expect_close(mine, expected, what, mistakes, reference="scratch.bptt.run_direction")
    passed("both directions skip the pads: the backward one starts at each last real token.")


# --------------------------------------------------------------------------- Exercise 4


def check_masked_bidirectional_rnn(fn) -> None:
    """``fn(x, mask, p_fwd, p_bwd, merge_mode)``: both directions over a right-padded batch,
    merged; as ``bidirectional_forward("rnn", x, params, mask, merge_mode).merged``."""
    x, mask, params = _inputs(4)
    fwd, bwd, _ = split_bidirectional_params("rnn", params)
    cells = {key: value for key, value in params.items() if key[:4] in ("fwd_", "bwd_")}
    a_fwd, a_bwd = _run(x, fwd, mask), _run(x, bwd, mask, reverse=True)
    for mode in ("concat", "ave"):
        what = f"masked_bidirectional_rnn(x, mask, p_fwd, p_bwd, {mode!r})"
        mine = call(fn, x, mask, fwd, bwd, mode, hint="run each direction, then merge")
        expected = bidirectional_forward("rnn", x, cells, mask, mode).merged
        symbolic = f"(m, T_x, {'2 n_a' if mode == 'concat' else 'n_a'}) for merge_mode={mode!r}"
        mine = expect_shape(mine, expected.shape, what, symbolic)

        def merge(first, second, mode=mode):
            return merge_directions(first, second, mode)

        mistakes = [
            (
                "the mask is ignored in both directions",
                merge(_run(x, fwd), _run(x, bwd, reverse=True)),
            ),
            (
                "the backward direction runs over the padding first (the mask is not passed to it)",
                merge(a_fwd, _run(x, bwd, reverse=True)),
            ),
            ("the forward direction ignores the mask", merge(_run(x, fwd), a_bwd)),
            (
                "the padded steps output the carried state, not 0",
                merge(_pads_output_the_state(x, fwd, mask, False), a_bwd),
            ),
            ("the backward cell reads left to right", merge(a_fwd, _run(x, bwd, mask))),
            (
                "the two cells are swapped: p_fwd reads left to right",
                merge(_run(x, bwd, mask), _run(x, fwd, mask, reverse=True)),
            ),
        ]
        if mode == "concat":
            mistakes.insert(
                0, ("the order is [a←<t>, a→<t>]: a→<t> comes first", merge(a_bwd, a_fwd))
            )
        else:
            mistakes += [
                (
                    f"merge_mode {mode!r} is confused with {other!r}",
                    merge_directions(a_fwd, a_bwd, other),
                )
                for other in ("sum", "mul")
            ]
        expect_close(mine, expected, what, mistakes, reference="scratch.bidirectional_forward")
    passed(
        "your masked bidirectional RNN matches bidirectional_forward with the mask, 0 on the pads."
    )
