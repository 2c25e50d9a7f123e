"""The checks behind the notebooks' graded exercises, one module per notebook.

Each notebook's exercise is a function the learner writes; the cell after it calls a check from
here, e.g. ``check_rnn_cell_forward(rnn_cell_forward)``. A check calls the learner's function on
its own inputs, chosen so that the usual mistakes give different numbers (non-square shapes, a
non-zero a<0>, padded steps), and compares the result with the course's reference
implementation. When the answer is wrong, the :class:`ExerciseError` it raises says what is
likely wrong: it recomputes the usual mistakes (weights transposed, tanh where sigmoid belongs,
the mask ignored, ...) and names the one the answer matches.

The checks need no nbgrader: they run the same in Jupyter, in Colab and under the autograder.
An unanswered exercise (its stub raises ``NotImplementedError``) is not reported as wrong: the
error passes through, so the grader can say "not answered yet". :func:`learner_or_reference`
lets the notebook go on with the course's implementation while the learner's is still a stub.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable

import numpy as np

__all__ = [
    "ExerciseError",
    "call",
    "expect_close",
    "expect_shape",
    "learner_or_reference",
    "passed",
]


class ExerciseError(AssertionError):
    """A learner's answer is wrong; the message says how and, where it can tell, why."""


def call(fn: Callable, *args, name: str | None = None, hint: str = "", **kwargs):
    """``fn(*args, **kwargs)``; an exception other than ``NotImplementedError`` becomes an
    :class:`ExerciseError` naming the function, the input shapes and ``hint``."""
    name = name or getattr(fn, "__name__", "your function")
    try:
        return fn(*args, **kwargs)
    except NotImplementedError:
        raise
    except Exception as error:  # the learner's code failed: say where and with what
        shapes = ", ".join(_describe(a) for a in args)
        message = f"{name}({shapes}) raised {type(error).__name__}: {error}"
        raise ExerciseError(f"{message}. {hint}".rstrip(". ") if hint else message) from error


def _describe(value) -> str:
    shape = getattr(value, "shape", None)
    if shape is not None:
        return f"array{tuple(shape)}"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_describe(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list | tuple):
        inner = ", ".join(_describe(v) for v in value[:4]) + (", ..." if len(value) > 4 else "")
        return f"[{inner}]" if isinstance(value, list) else f"({inner})"
    return repr(value)


def expect_shape(value, shape: tuple, what: str, symbolic: str = "") -> np.ndarray:
    """``value`` as an array of shape ``shape``, or an :class:`ExerciseError` that says which
    shape was expected (``symbolic``, e.g. ``"(m, n_a)"``) and whether it looks transposed."""
    if value is None:
        raise ExerciseError(f"{what} is None: did you forget a return statement?")
    try:
        array = np.asarray(value, dtype=float)
    except (TypeError, ValueError) as error:
        raise ExerciseError(f"{what} should be an array of shape {shape}: {error}") from error
    shape = tuple(shape)
    if array.shape == shape:
        return array
    expected = f"{symbolic} = {shape}" if symbolic else f"{shape}"
    message = f"{what} should have shape {expected}, got {array.shape}"
    if array.ndim == len(shape) == 2 and array.shape == shape[::-1]:
        message += ": it looks transposed"
    elif array.size == int(np.prod(shape)):
        message += ": the right number of entries in another arrangement (a transpose or reshape?)"
    raise ExerciseError(message)


def expect_close(
    mine,
    expected,
    what: str,
    mistakes: Iterable[tuple[str, object]] = (),
    atol: float = 1e-8,
    reference: str = "the reference",
) -> None:
    """Pass if ``mine`` equals ``expected`` within ``atol``; otherwise raise an
    :class:`ExerciseError`. ``mistakes`` pairs a likely mistake (``"tanh where sigmoid belongs
    in Γ_u"``) with the value that mistake produces; the message names the first one ``mine``
    matches, or lists them all as things to check."""
    expected = np.asarray(expected, dtype=float)
    mine = expect_shape(mine, expected.shape, what)
    if not np.all(np.isfinite(mine)):
        raise ExerciseError(f"{what} contains NaN or infinity")
    gap = float(np.max(np.abs(mine - expected))) if mine.size else 0.0
    if gap <= atol:
        return
    mistakes = list(mistakes)
    for description, wrong in mistakes:
        wrong = np.asarray(wrong, dtype=float)
        if wrong.shape == mine.shape and np.max(np.abs(mine - wrong), initial=0.0) <= atol:
            raise ExerciseError(
                f"{what} differs from {reference} (max |difference| {gap:.3g}) and matches "
                f"what you get when {description}"
            )
    where = tuple(int(i) for i in np.unravel_index(np.argmax(np.abs(mine - expected)), mine.shape))
    message = f"{what} differs from {reference}: max |difference| {gap:.3g} at index {where}"
    if mistakes:
        message += ". Things to check: " + "; ".join(d for d, _ in mistakes)
    raise ExerciseError(message)


def passed(message: str) -> None:
    """Print the line a learner sees when a check passes."""
    print(f"passed: {message}")


def learner_or_reference(mine: Callable, reference: Callable) -> Callable:
    """``mine`` while it is answered; ``reference``, with a one-line note, while it still raises
    ``NotImplementedError`` (the exercise stub), so the rest of the notebook runs."""
    noted = []

    @functools.wraps(mine)
    def answer(*args, **kwargs):
        try:
            return mine(*args, **kwargs)
        except NotImplementedError:
            if not noted:
                noted.append(True)
                print(
                    f"note: {mine.__name__} is not written yet (or calls a function that is "
                    f"not), so the course's {reference.__module__}.{reference.__name__} stands "
                    "in for it below"
                )
            return reference(*args, **kwargs)

    return answer
