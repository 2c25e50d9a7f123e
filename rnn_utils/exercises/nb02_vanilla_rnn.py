"""Checks of notebook 02's exercises: the parameter count, a numerically stable softmax, one step
of the vanilla RNN cell (two-matrix and compact forms) and the loop over a whole sequence.

The references are :func:`rnn_utils.scratch.init_params` (its arrays hold every parameter),
:func:`rnn_utils.scratch.softmax`, :func:`rnn_utils.scratch.rnn_cell_forward` and
:func:`rnn_utils.scratch.rnn_forward`. The inputs
are chosen so that the usual mistakes change the numbers: m, n_x, n_a, n_y and T_x all differ,
a<0> and a<t-1> are not zero, and the biases b_a and b_y are not zero either.
"""

from __future__ import annotations

import numpy as np

from rnn_utils.exercises import ExerciseError, call, expect_close, expect_shape, passed
from rnn_utils.scratch import init_params, rnn_cell_forward, rnn_forward, sigmoid, softmax

__all__ = [
    "check_compact_rnn_step",
    "check_rnn_cell_forward",
    "check_rnn_forward",
    "check_rnn_parameter_count",
    "check_softmax",
]

M, N_X, N_A, N_Y, T_X = 3, 4, 5, 2, 6
CELL_HINT = (
    "Rows are examples and W_ax has shape (n_a, n_x), so W_ax x<t> is xt @ W_ax.T "
    "(and W_aa a<t-1> is a_prev @ W_aa.T)"
)


def _params(seed: int) -> dict:
    """RNN parameters of the check's sizes, with non-zero biases (a forgotten bias shows)."""
    rng = np.random.default_rng(seed)
    params = init_params("rnn", N_X, N_A, N_Y, seed=seed)
    params["ba"] = rng.normal(size=N_A)
    params["by"] = rng.normal(size=N_Y)
    return params


def _with(params: dict, **changes) -> dict:
    return {**params, **changes}


def _pair(out, what: str, names: str):
    if not isinstance(out, tuple) or len(out) != 2:
        got = f"a tuple of {len(out)}" if isinstance(out, tuple) else type(out).__name__
        raise ExerciseError(f"{what} should return the pair {names}, got {got}")
    return out


# --------------------------------------------------------------------------- Exercise 1


def check_rnn_parameter_count(fn) -> None:
    """``fn(n_x, n_a, n_y)``: n_a² + n_a n_x + n_a + n_y n_a + n_y, as many numbers as the
    arrays of :func:`rnn_utils.scratch.init_params` hold."""
    sizes = np.array([(3, 5, 2), (27, 32, 1), (100, 64, 6), (7, 4, 11)])
    counts = []
    for n_x, n_a, n_y in sizes.tolist():
        count = call(fn, n_x, n_a, n_y, hint="The count is a sum of products of n_x, n_a, n_y")
        if not isinstance(count, int | np.integer):
            raise ExerciseError(
                f"rnn_parameter_count({n_x}, {n_a}, {n_y}) returned {count!r}: a count is an int"
            )
        counts.append(count)
    expected = [sum(w.size for w in init_params("rnn", *s).values()) for s in sizes.tolist()]
    n_x, n_a, n_y = sizes.T
    recurrent, output = n_a * n_a + n_a * n_x + n_a, n_y * n_a + n_y
    expect_close(
        np.array(counts, dtype=float),
        expected,
        f"rnn_parameter_count(n_x, n_a, n_y) for (n_x, n_a, n_y) in {sizes.tolist()}",
        [
            (
                "the biases b_a and b_y are left out: they are parameters too",
                recurrent + output - n_a - n_y,
            ),
            ("b_a is left out (n_a numbers)", recurrent + output - n_a),
            ("b_y is left out (n_y numbers)", recurrent + output - n_y),
            ("the output layer W_ya, b_y is left out", recurrent),
            (
                "W_aa is counted as n_a·n_x: it maps a<t-1> to a<t>, so it is (n_a, n_a)",
                recurrent - n_a * n_a + n_a * n_x + output,
            ),
            ("W_aa (n_a·n_a) is left out", recurrent - n_a * n_a + output),
            (
                "W_ya is counted as n_y·n_x: it maps a<t>, so it is (n_y, n_a)",
                recurrent + n_y * n_x + n_y,
            ),
        ],
        reference="the number of entries of scratch.init_params('rnn', n_x, n_a, n_y)",
    )
    passed("your formula counts every parameter of the RNN and its output layer.")


# --------------------------------------------------------------------------- Exercise 2

SOFTMAX_HINT = "Subtract each row's largest value first: z - z.max(axis=-1, keepdims=True)"


def _large_logits() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(4, 6) logits whose rows sit near 800, 0, -40 and 900, and which rows are large.

    Without the shift, np.exp overflows on the large rows (inf / inf is NaN); with the max of
    the whole array subtracted, every exp of the small rows underflows to 0 (0 / 0 is NaN)."""
    rng = np.random.default_rng(5)
    offsets = np.array([800.0, 0.0, -40.0, 900.0])
    z = rng.normal(size=(4, 6)) * 3.0 + offsets[:, None]
    return z, offsets > 100, offsets <= 100


def _not_finite_message(values: np.ndarray, large: np.ndarray, small: np.ndarray) -> str:
    bad_rows = ~np.isfinite(values).all(axis=-1)
    if np.array_equal(bad_rows, large):
        return (
            "softmax(z) is NaN or infinite on the rows whose logits are near 800 and 900: np.exp "
            "overflows there (exp(800) is inf, and inf / inf is NaN). Subtract each row's "
            "largest value before np.exp: z - z.max(axis=-1, keepdims=True)"
        )
    if np.array_equal(bad_rows, small):
        return (
            "softmax(z) is NaN on the rows whose logits are near 0 and -40: you subtract the "
            "largest value of the whole array, so every exp of those rows underflows to 0 and "
            "0 / 0 is NaN. Subtract each row's own max: z.max(axis=-1, keepdims=True)"
        )
    return "softmax(z) contains NaN or infinity: subtract each row's max before np.exp"


def check_softmax(fn) -> None:
    """``fn(z)``: the softmax over the last axis, shifted by each row's max, as
    :func:`rnn_utils.scratch.softmax`; on (4, 6) logits up to about 900 and on (2, 3, 5)."""
    z, large, small = _large_logits()
    mine = call(fn, z, hint=SOFTMAX_HINT)
    values = expect_shape(mine, z.shape, "softmax(z)", "z.shape, (4, 6)")
    if not np.all(np.isfinite(values)):
        raise ExerciseError(_not_finite_message(values, large, small))
    shifted = np.exp(z - z.max(axis=-1, keepdims=True))
    with np.errstate(over="ignore"):  # the mistake's own overflow: exp(900) is inf
        unshifted_sum = np.exp(z).sum(axis=-1, keepdims=True)
    expect_close(
        values,
        softmax(z),
        "softmax(z) on (4, 6) logits",
        [
            (
                "the softmax runs over axis 0 (down the columns): each row must sum to 1, so "
                "take the max and the sum over the last axis, axis=-1",
                softmax(z.T).T,
            ),
            (
                "the exponentials are not normalised: divide by their sum over the row",
                shifted,
            ),
            (
                "the shifted exponentials are divided by the sum of the unshifted ones, "
                "np.exp(z).sum(...), which overflows: divide by the sum of the shifted ones",
                shifted / unshifted_sum,
            ),
            (
                "the rows are normalised together: divide by each row's own sum "
                "(axis=-1, keepdims=True), not the sum of the whole array",
                shifted / shifted.sum(),
            ),
        ],
        reference="rnn_utils.scratch.softmax",
    )
    z3 = np.random.default_rng(6).normal(size=(2, 3, 5)) * 2.0  # (m, T_x, n_y)
    mine3 = call(fn, z3, hint=SOFTMAX_HINT)
    expect_close(
        expect_shape(mine3, z3.shape, "softmax(z) on (2, 3, 5) logits", "z.shape"),
        softmax(z3),
        "softmax(z) on (2, 3, 5) logits, one distribution per (example, step)",
        [
            (
                "the softmax runs over axis 1: it belongs to the last axis, axis=-1, "
                "whatever the number of axes",
                np.moveaxis(softmax(np.moveaxis(z3, 1, -1)), -1, 1),
            ),
        ],
        reference="rnn_utils.scratch.softmax",
    )
    passed("your softmax matches rnn_utils.scratch.softmax, on logits near 900 too.")


# --------------------------------------------------------------------------- Exercise 3


def check_rnn_cell_forward(fn) -> None:
    """``fn(xt, a_prev, params)``: ``(a_next, yt_pred)`` of one step, as
    :func:`rnn_utils.scratch.rnn_cell_forward`."""
    rng = np.random.default_rng(2)
    params = _params(2)
    xt, a_prev = rng.normal(size=(M, N_X)), rng.normal(size=(M, N_A))
    what = "rnn_cell_forward(xt, a_prev, params)"
    out = _pair(call(fn, xt, a_prev, params, hint=CELL_HINT), what, "(a_next, yt_pred)")
    a_next = expect_shape(out[0], (M, N_A), "a_next", "(m, n_a)")
    yt_pred = expect_shape(out[1], (M, N_Y), "yt_pred", "(m, n_y)")

    expected_a, expected_y, _ = rnn_cell_forward(xt, a_prev, params)
    z = a_prev @ params["Waa"].T + xt @ params["Wax"].T + params["ba"]
    expect_close(
        a_next,
        expected_a,
        "a_next",
        [
            (
                "W_aa is used untransposed (a_prev @ W_aa): use a_prev @ W_aa.T",
                rnn_cell_forward(xt, a_prev, _with(params, Waa=params["Waa"].T))[0],
            ),
            ("a sigmoid is used where tanh belongs", sigmoid(z)),
            ("b_a is forgotten", np.tanh(z - params["ba"])),
            ("a<t-1> is ignored (as if it were 0)", rnn_cell_forward(xt, 0 * a_prev, params)[0]),
            ("tanh is missing: a<t> is g(z), with g = tanh", z),
        ],
        reference="rnn_utils.scratch.rnn_cell_forward",
    )
    logits = expected_a @ params["Wya"].T + params["by"]
    expect_close(
        yt_pred,
        expected_y,
        "yt_pred",
        [
            (
                "the softmax runs over the wrong axis (the examples, axis 0): each row of ŷ<t> "
                "must sum to 1, so normalise over axis=1 (or -1)",
                softmax(logits.T).T,
            ),
            (
                "the softmax is normalised over the whole batch at once: normalise each row",
                np.exp(logits) / np.exp(logits).sum(),
            ),
            (
                "ŷ<t> is computed from a<t-1>: use the new a<t>",
                softmax(a_prev @ params["Wya"].T + params["by"]),
            ),
            ("b_y is forgotten", softmax(logits - params["by"])),
            ("a sigmoid is used where the softmax belongs", sigmoid(logits)),
        ],
        reference="rnn_utils.scratch.rnn_cell_forward",
    )
    passed("your a<t> and ŷ<t> match rnn_utils.scratch.rnn_cell_forward.")


# --------------------------------------------------------------------------- Exercise 4


def check_compact_rnn_step(fn) -> None:
    """``fn(xt, a_prev, W_a, b_a)``: tanh(W_a [a<t-1>; x<t>] + b_a), equal to the two-matrix
    cell with W_a = [W_aa W_ax]."""
    rng = np.random.default_rng(3)
    params = _params(3)
    xt, a_prev = rng.normal(size=(M, N_X)), rng.normal(size=(M, N_A))
    W_a = np.hstack([params["Waa"], params["Wax"]])  # (n_a, n_a + n_x)
    b_a = params["ba"]
    mine = call(
        fn,
        xt,
        a_prev,
        W_a,
        b_a,
        hint="Stack each example's [a<t-1>, x<t>] with np.concatenate(..., axis=1), "
        "shape (m, n_a + n_x), then multiply by W_a.T",
    )
    mine = expect_shape(mine, (M, N_A), "compact_rnn_step(xt, a_prev, W_a, b_a)", "(m, n_a)")
    expected = rnn_cell_forward(xt, a_prev, params)[0]
    z = np.concatenate([a_prev, xt], axis=1) @ W_a.T + b_a
    expect_close(
        mine,
        expected,
        "compact_rnn_step(xt, a_prev, W_a, b_a)",
        [
            (
                "the stack is [x<t>; a<t-1>]: W_a = [W_aa W_ax] needs [a<t-1>; x<t>], state first",
                np.tanh(np.concatenate([xt, a_prev], axis=1) @ W_a.T + b_a),
            ),
            ("a sigmoid is used where tanh belongs", sigmoid(z)),
            ("b_a is forgotten", np.tanh(z - b_a)),
            ("a<t-1> is ignored (as if it were 0)", rnn_cell_forward(xt, 0 * a_prev, params)[0]),
        ],
        reference="the two-matrix cell, rnn_utils.scratch.rnn_cell_forward",
    )
    passed("your compact step equals the two-matrix cell on a non-zero a<t-1>.")


# --------------------------------------------------------------------------- Exercise 5


def _shifted_one_step(a: np.ndarray, a0: np.ndarray) -> np.ndarray:
    """a[:, t] holds a<t> (1-based); the late version holds a<t-1>, a<0> first."""
    return np.concatenate([a0[:, None], a[:, :-1]], axis=1)


def _states(x: np.ndarray, a0: np.ndarray, step) -> np.ndarray:
    """Every state of a loop from a0 whose step is ``step(x<t>, a<t-1>)``: (m, T_x, n_a)."""
    a, states = a0, []
    for t in range(x.shape[1]):
        a = step(x[:, t], a)
        states.append(a)
    return np.stack(states, axis=1)


def _cell_variant(params: dict, g=np.tanh, with_bias: bool = True):
    """One step a<t> = g(W_aa a<t-1> + W_ax x<t> (+ b_a)), for the mistakes of the loop."""

    def step(xt, a_prev):
        z = a_prev @ params["Waa"].T + xt @ params["Wax"].T
        return g(z + params["ba"] if with_bias else z)

    return step


def check_rnn_forward(fn) -> None:
    """``fn(x, a0, params)``: ``(a, y_hat)``, every a<t> (m, T_x, n_a) and ŷ<t>
    (m, T_x, n_y), as :func:`rnn_utils.scratch.rnn_forward`."""
    rng = np.random.default_rng(4)
    params = _params(4)
    x, a0 = rng.normal(size=(M, T_X, N_X)), rng.normal(size=(M, N_A))
    what = "rnn_forward(x, a0, params)"
    hint = "x[:, t] is x<t+1>, shape (m, n_x); store a<t+1> in a[:, t]. " + CELL_HINT
    out = _pair(call(fn, x, a0, params, hint=hint), what, "(a, y_hat)")
    a = expect_shape(out[0], (M, T_X, N_A), "a", "(m, T_x, n_a)")
    y_hat = expect_shape(out[1], (M, T_X, N_Y), "y_hat", "(m, T_x, n_y)")

    expected_a, expected_y, _ = rnn_forward(x, a0, params)
    expect_close(
        a,
        expected_a,
        "a (every a<t>)",
        [
            (
                "a<0> is ignored: the loop must start from a0, not from zeros",
                rnn_forward(x, 0 * a0, params)[0],
            ),
            (
                "a<t-1> is not updated in the loop: every step reads a<0>",
                _states(x, a0, lambda xt, _: rnn_cell_forward(xt, a0, params)[0]),
            ),
            (
                "a<t> is stored one step late: a[:, t] holds a<t-1> (a<0> first)",
                _shifted_one_step(expected_a, a0),
            ),
            (
                "W_aa is used untransposed (a_prev @ W_aa): use a_prev @ W_aa.T",
                rnn_forward(x, a0, _with(params, Waa=params["Waa"].T))[0],
            ),
            (
                "the steps run from the last x<t> to the first: left to right, t = 1..T_x",
                rnn_forward(x[:, ::-1], a0, params)[0][:, ::-1],
            ),
            (
                "each step uses a sigmoid where tanh belongs (check your rnn_cell_forward)",
                _states(x, a0, _cell_variant(params, g=sigmoid)),
            ),
            (
                "b_a is forgotten at each step (check your rnn_cell_forward)",
                _states(x, a0, _cell_variant(params, with_bias=False)),
            ),
        ],
        reference="rnn_utils.scratch.rnn_forward",
    )
    logits = expected_a @ params["Wya"].T + params["by"]
    expect_close(
        y_hat,
        expected_y,
        "y_hat (every ŷ<t>)",
        [
            (
                "the softmax runs over the examples (axis 0): normalise over the classes, axis=-1",
                softmax(np.moveaxis(logits, 0, -1)).transpose(2, 0, 1),
            ),
            (
                "the softmax runs over time (axis 1): normalise over the classes, axis=-1",
                softmax(np.moveaxis(logits, 1, -1)).transpose(0, 2, 1),
            ),
            (
                "ŷ<t> is computed from a<t-1>: use the new a<t>",
                softmax(_shifted_one_step(expected_a, a0) @ params["Wya"].T + params["by"]),
            ),
        ],
        reference="rnn_utils.scratch.rnn_forward",
    )
    passed("your loop gives every a<t> and ŷ<t> of rnn_utils.scratch.rnn_forward, from a<0>.")
