"""Right and wrong answers to notebook 02's exercises (``rnn_utils.exercises.nb02_vanilla_rnn``)."""

from __future__ import annotations

import numpy as np

from exercise_cases import Case, Planted
from rnn_utils.exercises import nb02_vanilla_rnn as checks

# --------------------------------------------------------------------------- rnn_parameter_count


def count_right(n_x, n_a, n_y):
    W_aa, W_ax, b_a = n_a * n_a, n_a * n_x, n_a
    W_ya, b_y = n_y * n_a, n_y
    return W_aa + W_ax + b_a + W_ya + b_y


def count_no_biases(n_x, n_a, n_y):
    return n_a * n_a + n_a * n_x + n_y * n_a


def count_no_output_layer(n_x, n_a, n_y):
    return n_a * n_a + n_a * n_x + n_a


def count_waa_as_wax(n_x, n_a, n_y):
    return 2 * n_a * n_x + n_a + n_y * n_a + n_y


def count_float(n_x, n_a, n_y):
    return float(count_right(n_x, n_a, n_y))


def count_wya_from_x(n_x, n_a, n_y):
    return n_a * n_a + n_a * n_x + n_a + n_y * n_x + n_y


# --------------------------------------------------------------------------- softmax


def softmax_right(z):
    z = np.asarray(z, dtype=float)
    exps = np.exp(z - np.max(z, axis=-1, keepdims=True))
    return exps / np.sum(exps, axis=-1, keepdims=True)


def softmax_unshifted(z):
    return np.exp(z) / np.exp(z).sum(axis=-1, keepdims=True)


def softmax_axis0(z):
    e = np.exp(z - z.max(axis=0, keepdims=True))
    return e / e.sum(axis=0, keepdims=True)


def softmax_global_max(z):
    e = np.exp(z - z.max())
    return e / e.sum(axis=-1, keepdims=True)


def softmax_not_normalised(z):
    return np.exp(z - z.max(axis=-1, keepdims=True))


def softmax_unshifted_denominator(z):
    return np.exp(z - z.max(axis=-1, keepdims=True)) / np.exp(z).sum(axis=-1, keepdims=True)


def softmax_axis1(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def softmax_whole_sum(z):
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum()


def softmax_keepdims_forgotten(z):
    e = np.exp(z - z.max(axis=-1))
    return e / e.sum(axis=-1)


# --------------------------------------------------------------------------- rnn_cell_forward


def _softmax_rows(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def cell_right(xt, a_prev, params):
    a_next = np.tanh(a_prev @ params["Waa"].T + xt @ params["Wax"].T + params["ba"])
    yt_pred = _softmax_rows(a_next @ params["Wya"].T + params["by"])
    return a_next, yt_pred


def cell_wax_untransposed(xt, a_prev, params):
    a_next = np.tanh(a_prev @ params["Waa"].T + xt @ params["Wax"] + params["ba"])
    return a_next, _softmax_rows(a_next @ params["Wya"].T + params["by"])


def cell_waa_untransposed(xt, a_prev, params):
    a_next = np.tanh(a_prev @ params["Waa"] + xt @ params["Wax"].T + params["ba"])
    return a_next, _softmax_rows(a_next @ params["Wya"].T + params["by"])


def cell_sigmoid(xt, a_prev, params):
    z = a_prev @ params["Waa"].T + xt @ params["Wax"].T + params["ba"]
    a_next = 1 / (1 + np.exp(-z))
    return a_next, _softmax_rows(a_next @ params["Wya"].T + params["by"])


def cell_no_bias(xt, a_prev, params):
    a_next = np.tanh(a_prev @ params["Waa"].T + xt @ params["Wax"].T)
    return a_next, _softmax_rows(a_next @ params["Wya"].T + params["by"])


def cell_softmax_axis0(xt, a_prev, params):
    a_next, _ = cell_right(xt, a_prev, params)
    z = a_next @ params["Wya"].T + params["by"]
    return a_next, np.exp(z) / np.exp(z).sum(axis=0, keepdims=True)


def cell_prediction_from_a_prev(xt, a_prev, params):
    a_next, _ = cell_right(xt, a_prev, params)
    return a_next, _softmax_rows(a_prev @ params["Wya"].T + params["by"])


def cell_no_by(xt, a_prev, params):
    a_next, _ = cell_right(xt, a_prev, params)
    return a_next, _softmax_rows(a_next @ params["Wya"].T)


def cell_transposed_output(xt, a_prev, params):
    a_next, yt_pred = cell_right(xt, a_prev, params)
    return a_next.T, yt_pred.T


def cell_with_cache(xt, a_prev, params):
    a_next, yt_pred = cell_right(xt, a_prev, params)
    return a_next, yt_pred, (a_next, a_prev, xt, params)


# --------------------------------------------------------------------------- compact_rnn_step


def compact_right(xt, a_prev, W_a, b_a):
    stacked = np.hstack([a_prev, xt])
    return np.tanh(stacked @ W_a.T + b_a)


def compact_stack_swapped(xt, a_prev, W_a, b_a):
    return np.tanh(np.concatenate([xt, a_prev], axis=1) @ W_a.T + b_a)


def compact_untransposed(xt, a_prev, W_a, b_a):
    return np.tanh(np.concatenate([a_prev, xt], axis=1) @ W_a + b_a)


def compact_sigmoid(xt, a_prev, W_a, b_a):
    z = np.concatenate([a_prev, xt], axis=1) @ W_a.T + b_a
    return 1 / (1 + np.exp(-z))


def compact_no_bias(xt, a_prev, W_a, b_a):
    return np.tanh(np.concatenate([a_prev, xt], axis=1) @ W_a.T)


def compact_stacked_on_axis0(xt, a_prev, W_a, b_a):
    return np.tanh(np.concatenate([a_prev, xt], axis=0) @ W_a.T + b_a)


# --------------------------------------------------------------------------- rnn_forward


def forward_right(x, a0, params):
    m, T_x, _ = x.shape
    n_a, n_y = params["Waa"].shape[0], params["Wya"].shape[0]
    a, y_hat = np.zeros((m, T_x, n_a)), np.zeros((m, T_x, n_y))
    a_t = a0
    for t in range(T_x):
        a_t, y_t = cell_right(x[:, t], a_t, params)
        a[:, t], y_hat[:, t] = a_t, y_t
    return a, y_hat


def _loop(x, a0, params, cell=cell_right, start=None, update=True, late=False):
    m, T_x, _ = x.shape
    a = np.zeros((m, T_x, params["Waa"].shape[0]))
    y_hat = np.zeros((m, T_x, params["Wya"].shape[0]))
    a_t = a0 if start is None else start
    for t in range(T_x):
        a_new, y_t = cell(x[:, t], a_t, params)
        a[:, t], y_hat[:, t] = (a_t if late else a_new), y_t
        if update:
            a_t = a_new
    return a, y_hat


def forward_zero_start(x, a0, params):
    return _loop(x, a0, params, start=np.zeros_like(a0))


def forward_not_updated(x, a0, params):
    return _loop(x, a0, params, update=False)


def forward_stored_late(x, a0, params):
    return _loop(x, a0, params, late=True)


def forward_sigmoid(x, a0, params):
    return _loop(x, a0, params, cell=cell_sigmoid)


def forward_no_bias(x, a0, params):
    return _loop(x, a0, params, cell=cell_no_bias)


def forward_waa_untransposed(x, a0, params):
    return _loop(x, a0, params, cell=cell_waa_untransposed)


def forward_softmax_over_time(x, a0, params):
    a, _ = forward_right(x, a0, params)
    z = a @ params["Wya"].T + params["by"]
    return a, np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)


def forward_time_major(x, a0, params):
    a, y_hat = forward_right(x, a0, params)
    return a.transpose(1, 0, 2), y_hat.transpose(1, 0, 2)


def forward_reversed(x, a0, params):
    a, y_hat = forward_right(x[:, ::-1], a0, params)
    return a[:, ::-1], y_hat[:, ::-1]


CASES = [
    Case(
        checks.check_rnn_parameter_count,
        count_right,
        [
            Planted("no biases", count_no_biases, "biases b_a and b_y are left out"),
            Planted("no output layer", count_no_output_layer, "output layer W_ya, b_y is left out"),
            Planted("W_aa as n_a n_x", count_waa_as_wax, r"W_aa is counted as n_a·n_x"),
            Planted("W_ya as n_y n_x", count_wya_from_x, r"W_ya is counted as n_y·n_x"),
            Planted("a float", count_float, "a count is an int"),
        ],
    ),
    Case(
        checks.check_softmax,
        softmax_right,
        [
            Planted("no max subtracted", softmax_unshifted, "np.exp overflows there"),
            Planted("over axis 0", softmax_axis0, "softmax runs over axis 0"),
            Planted("max of the whole array", softmax_global_max, "underflows to 0 and 0 / 0"),
            Planted("not normalised", softmax_not_normalised, "not normalised"),
            Planted("unshifted sum", softmax_unshifted_denominator, "sum of the unshifted ones"),
            Planted("axis=1 hard-coded", softmax_axis1, r"\(2, 3, 5\).*runs over axis 1"),
            Planted("sum of the whole array", softmax_whole_sum, "rows are normalised together"),
            Planted(
                "keepdims forgotten", softmax_keepdims_forgotten, "raised ValueError.*keepdims"
            ),
        ],
    ),
    Case(
        checks.check_rnn_cell_forward,
        cell_right,
        [
            Planted("W_ax untransposed", cell_wax_untransposed, r"raised ValueError.*xt @ W_ax\.T"),
            Planted("W_aa untransposed", cell_waa_untransposed, r"a_next .* W_aa is used untransp"),
            Planted("sigmoid for tanh", cell_sigmoid, "a sigmoid is used where tanh belongs"),
            Planted("b_a forgotten", cell_no_bias, "b_a is forgotten"),
            Planted("softmax over axis 0", cell_softmax_axis0, "softmax runs over the wrong axis"),
            Planted("ŷ from a<t-1>", cell_prediction_from_a_prev, r"ŷ<t> is computed from a<t-1>"),
            Planted("b_y forgotten", cell_no_by, "b_y is forgotten"),
            Planted("outputs transposed", cell_transposed_output, "a_next .* looks transposed"),
            Planted("a cache returned too", cell_with_cache, r"the pair \(a_next, yt_pred\)"),
        ],
    ),
    Case(
        checks.check_compact_rnn_step,
        compact_right,
        [
            Planted("[x; a] stacked", compact_stack_swapped, r"the stack is \[x<t>; a<t-1>\]"),
            Planted("W_a untransposed", compact_untransposed, r"raised ValueError.*W_a\.T"),
            Planted("sigmoid for tanh", compact_sigmoid, "a sigmoid is used where tanh belongs"),
            Planted("b_a forgotten", compact_no_bias, "b_a is forgotten"),
            Planted("stacked on axis 0", compact_stacked_on_axis0, r"raised ValueError.*axis=1"),
        ],
    ),
    Case(
        checks.check_rnn_forward,
        forward_right,
        [
            Planted("a<0> ignored", forward_zero_start, "a<0> is ignored"),
            Planted("a<t-1> not updated", forward_not_updated, "every step reads a<0>"),
            Planted("stored one step late", forward_stored_late, "one step late"),
            Planted("sigmoid for tanh", forward_sigmoid, "each step uses a sigmoid where tanh"),
            Planted("W_aa untransposed", forward_waa_untransposed, "W_aa is used untransposed"),
            Planted("b_a forgotten", forward_no_bias, "b_a is forgotten at each step"),
            Planted("softmax over time", forward_softmax_over_time, "softmax runs over time"),
            Planted("time-major arrays", forward_time_major, "another arrangement"),
            Planted("reversed loop", forward_reversed, "from the last x<t> to the first"),
        ],
    ),
]
