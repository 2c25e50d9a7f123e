"""Right and wrong answers to notebook 06's exercises (``rnn_utils.exercises.nb06_*``)."""

from __future__ import annotations

import numpy as np

from exercise_cases import Case, Planted
from rnn_utils.exercises import nb06_bidirectional as checks

# --------------------------------------------------------------------------- merge_directions


def merge_right(a_fwd, a_bwd, merge_mode="concat"):
    if merge_mode == "concat":
        return np.concatenate([a_fwd, a_bwd], axis=2)
    if merge_mode == "sum":
        return a_fwd + a_bwd
    if merge_mode == "mul":
        return a_fwd * a_bwd
    if merge_mode == "ave":
        return 0.5 * (a_fwd + a_bwd)
    return a_fwd, a_bwd


def merge_backward_first(a_fwd, a_bwd, merge_mode="concat"):
    if merge_mode == "concat":
        return np.concatenate([a_bwd, a_fwd], axis=-1)
    return merge_right(a_fwd, a_bwd, merge_mode)


def merge_along_time(a_fwd, a_bwd, merge_mode="concat"):
    if merge_mode == "concat":
        return np.concatenate([a_fwd, a_bwd], axis=1)
    return merge_right(a_fwd, a_bwd, merge_mode)


def merge_ave_precedence(a_fwd, a_bwd, merge_mode="concat"):
    if merge_mode == "ave":
        return a_fwd + a_bwd / 2
    return merge_right(a_fwd, a_bwd, merge_mode)


def merge_sum_mul_swapped(a_fwd, a_bwd, merge_mode="concat"):
    modes = {"sum": "mul", "mul": "sum"}
    return merge_right(a_fwd, a_bwd, modes.get(merge_mode, merge_mode))


def merge_ave_as_sum(a_fwd, a_bwd, merge_mode="concat"):
    return merge_right(a_fwd, a_bwd, "sum" if merge_mode == "ave" else merge_mode)


def merge_none_concatenates(a_fwd, a_bwd, merge_mode="concat"):
    return merge_right(a_fwd, a_bwd, merge_mode or "concat")


# --------------------------------------------------------------------------- my_bidirectional_rnn


def _step(xt, a_prev, p):
    return np.tanh(a_prev @ p["Waa"].T + xt @ p["Wax"].T + p["ba"])


def _softmax(z):
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def _directions(
    x, p_fwd, p_bwd, backward_order=None, a_bwd_start=None, stored_in_reading_order=False
):
    m, T_x, _ = x.shape
    n_a = p_fwd["ba"].shape[0]
    a_fwd, a_bwd = np.zeros((m, T_x, n_a)), np.zeros((m, T_x, n_a))
    a = np.zeros((m, n_a))
    for t in range(T_x):
        a = _step(x[:, t], a, p_fwd)
        a_fwd[:, t] = a
    a = np.zeros((m, n_a)) if a_bwd_start is None else a_bwd_start(a)
    order = list(reversed(range(T_x))) if backward_order is None else backward_order(T_x)
    for k, t in enumerate(order):
        a = _step(x[:, t], a, p_bwd)
        a_bwd[:, k if stored_in_reading_order else t] = a
    return a_fwd, a_bwd


def birnn_right(x, p_fwd, p_bwd, W_y, b_y):
    a_fwd, a_bwd = _directions(x, p_fwd, p_bwd)
    return _softmax(np.concatenate([a_fwd, a_bwd], axis=-1) @ W_y.T + b_y)


def birnn_swapped_order(x, p_fwd, p_bwd, W_y, b_y):
    a_fwd, a_bwd = _directions(x, p_fwd, p_bwd)
    return _softmax(np.concatenate([a_bwd, a_fwd], axis=-1) @ W_y.T + b_y)


def birnn_reading_order(x, p_fwd, p_bwd, W_y, b_y):
    a_fwd, a_bwd = _directions(x, p_fwd, p_bwd, stored_in_reading_order=True)
    return _softmax(np.concatenate([a_fwd, a_bwd], axis=-1) @ W_y.T + b_y)


def birnn_backward_left_to_right(x, p_fwd, p_bwd, W_y, b_y):
    a_fwd, a_bwd = _directions(x, p_fwd, p_bwd, backward_order=lambda T_x: range(T_x))
    return _softmax(np.concatenate([a_fwd, a_bwd], axis=-1) @ W_y.T + b_y)


def birnn_state_not_reset(x, p_fwd, p_bwd, W_y, b_y):
    a_fwd, a_bwd = _directions(x, p_fwd, p_bwd, a_bwd_start=lambda last: last)
    return _softmax(np.concatenate([a_fwd, a_bwd], axis=-1) @ W_y.T + b_y)


def birnn_one_cell(x, p_fwd, p_bwd, W_y, b_y):
    return birnn_right(x, p_fwd, p_fwd, W_y, b_y)


def birnn_w_y_untransposed(x, p_fwd, p_bwd, W_y, b_y):
    a_fwd, a_bwd = _directions(x, p_fwd, p_bwd)
    return _softmax(np.concatenate([a_fwd, a_bwd], axis=-1) @ W_y + b_y)


# --------------------------------------------------------------------------- rnn_direction


def direction_right(x, mask, p, reverse=False):
    m, T_x, _ = x.shape
    n_a = p["ba"].shape[0]
    a, state = np.zeros((m, T_x, n_a)), np.zeros((m, n_a))
    for t in range(T_x - 1, -1, -1) if reverse else range(T_x):
        new = _step(x[:, t], state, p)
        real = mask[:, t].reshape(-1, 1)
        state = real * new + (1 - real) * state
        a[:, t] = real * state
    return a


def direction_mask_ignored(x, mask, p, reverse=False):
    return direction_right(x, np.ones_like(mask), p, reverse)


def direction_reverse_ignored(x, mask, p, reverse=False):
    return direction_right(x, mask, p, False)


def direction_reading_order(x, mask, p, reverse=False):
    a = direction_right(x, mask, p, reverse)
    return a[:, ::-1] if reverse else a


def direction_pads_not_zero(x, mask, p, reverse=False):
    m, T_x, _ = x.shape
    a, state = np.zeros((m, T_x, p["ba"].shape[0])), np.zeros((m, p["ba"].shape[0]))
    for t in range(T_x - 1, -1, -1) if reverse else range(T_x):
        state = np.where(mask[:, t, None], _step(x[:, t], state, p), state)
        a[:, t] = state
    return a


def direction_stops_early(x, mask, p, reverse=False):
    m, T_x, _ = x.shape
    a, state = np.zeros((m, T_x, p["ba"].shape[0])), np.zeros((m, p["ba"].shape[0]))
    for t in range(T_x - 1, 0, -1) if reverse else range(T_x):
        state = np.where(mask[:, t, None], _step(x[:, t], state, p), state)
        a[:, t] = mask[:, t, None] * state
    return a


def direction_flip_everything(x, mask, p, reverse=False):
    if not reverse:
        return direction_right(x, mask, p)
    return direction_right(x[:, ::-1], np.ones_like(mask), p)[:, ::-1]


# ------------------------------------------------------------------------ masked_bidirectional_rnn


def masked_right(x, mask, p_fwd, p_bwd, merge_mode="concat"):
    a_fwd = direction_right(x, mask, p_fwd)
    a_bwd = direction_right(x, mask, p_bwd, reverse=True)
    return merge_right(a_fwd, a_bwd, merge_mode)


def masked_no_mask(x, mask, p_fwd, p_bwd, merge_mode="concat"):
    return masked_right(x, np.ones_like(mask), p_fwd, p_bwd, merge_mode)


def masked_backward_unmasked(x, mask, p_fwd, p_bwd, merge_mode="concat"):
    a_fwd = direction_right(x, mask, p_fwd)
    a_bwd = direction_right(x, np.ones_like(mask), p_bwd, reverse=True)
    return merge_right(a_fwd, a_bwd, merge_mode)


def masked_wrong_order(x, mask, p_fwd, p_bwd, merge_mode="concat"):
    a_fwd = direction_right(x, mask, p_fwd)
    a_bwd = direction_right(x, mask, p_bwd, reverse=True)
    return merge_backward_first(a_fwd, a_bwd, merge_mode)


def masked_always_concat(x, mask, p_fwd, p_bwd, merge_mode="concat"):
    return masked_right(x, mask, p_fwd, p_bwd, "concat")


def masked_ave_as_sum(x, mask, p_fwd, p_bwd, merge_mode="concat"):
    return masked_right(x, mask, p_fwd, p_bwd, "sum" if merge_mode == "ave" else merge_mode)


def masked_pads_not_zero(x, mask, p_fwd, p_bwd, merge_mode="concat"):
    a_fwd = direction_pads_not_zero(x, mask, p_fwd)
    a_bwd = direction_pads_not_zero(x, mask, p_bwd, reverse=True)
    return merge_right(a_fwd, a_bwd, merge_mode)


def masked_cells_swapped(x, mask, p_fwd, p_bwd, merge_mode="concat"):
    return masked_right(x, mask, p_bwd, p_fwd, merge_mode)


CASES = [
    Case(
        checks.check_merge_directions,
        merge_right,
        [
            Planted("[a←, a→]", merge_backward_first, r"the order is \[a←<t>, a→<t>\]"),
            Planted("concatenated along time", merge_along_time, "joined along time"),
            Planted("ave without parentheses", merge_ave_precedence, "misses its parentheses"),
            Planted("sum and mul swapped", merge_sum_mul_swapped, "confused with 'mul'"),
            Planted("ave as sum", merge_ave_as_sum, "confused with 'sum'"),
            Planted("None concatenates", merge_none_concatenates, r"None\) should return the pair"),
        ],
    ),
    Case(
        checks.check_my_bidirectional_rnn,
        birnn_right,
        [
            Planted("[a←, a→]", birnn_swapped_order, r"concatenated as \[a←<t>, a→<t>\]"),
            Planted("a← in reading order", birnn_reading_order, "stored in reading order"),
            Planted(
                "backward reads left to right", birnn_backward_left_to_right, "reads left to right"
            ),
            Planted(
                "backward state not reset", birnn_state_not_reset, "forward direction's last state"
            ),
            Planted("one cell for both", birnn_one_cell, "both directions use p_fwd"),
            Planted("W_y untransposed", birnn_w_y_untransposed, r"raised ValueError.*W_y\.T"),
        ],
    ),
    Case(
        checks.check_rnn_direction,
        direction_right,
        [
            Planted(
                "mask ignored", direction_mask_ignored, r"reverse=False\).*the mask is ignored"
            ),
            Planted("reverse ignored", direction_reverse_ignored, "reverse is ignored"),
            Planted("reading order", direction_reading_order, "stored in reading order"),
            Planted("pads output the state", direction_pads_not_zero, "output the carried state"),
            Planted("stops before x<1>", direction_stops_early, "stops before x<1>"),
            Planted("flip without mask", direction_flip_everything, "reads the pads first"),
        ],
    ),
    Case(
        checks.check_masked_bidirectional_rnn,
        masked_right,
        [
            Planted("mask ignored", masked_no_mask, "the mask is ignored in both directions"),
            Planted(
                "backward over the pads", masked_backward_unmasked, "runs over the padding first"
            ),
            Planted("[a←, a→]", masked_wrong_order, r"the order is \[a←<t>, a→<t>\]"),
            Planted(
                "merge mode ignored", masked_always_concat, r"for merge_mode='ave' = \(3, 6, 5\)"
            ),
            Planted("ave as sum", masked_ave_as_sum, "'ave' is confused with 'sum'"),
            Planted("pads not zero", masked_pads_not_zero, "output the carried state, not 0"),
            Planted("cells swapped", masked_cells_swapped, "the two cells are swapped"),
        ],
    ),
]
