"""Planted wrong answers for every exercise check in ``rnn_utils.exercises``.

One module per notebook (``nb02.py`` for ``rnn_utils.exercises.nb02``) defines ``CASES``: for
each check, a right answer (which must pass) and at least three wrong answers of the kinds
learners write (transposed weights, the wrong activation, a missing mask, an off-by-one in time,
a gate's role swapped, ...), each with a pattern the check's message must match, so the learner
is told what is likely wrong. ``tests/test_exercise_checks.py`` runs them all.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Planted:
    """A wrong answer: what the learner did, the function, the pattern the message must match."""

    mistake: str
    answer: Callable
    message: str


@dataclass(frozen=True)
class Case:
    """A check, a right answer for it, and the wrong answers it must reject."""

    check: Callable
    right: Callable
    planted: list[Planted] = field(default_factory=list)
    args: tuple = ()  # extra arguments of the check, after the learner's function

    @property
    def name(self) -> str:
        """The test id: the check's module (the notebook) and its name."""
        return f"{self.check.__module__.rsplit('.', 1)[-1]}-{self.check.__name__}"


def notebook_modules() -> dict[str, object]:
    """``{"nb02": module, ...}``: every case module of this package."""
    here = Path(__file__).parent
    names = sorted(m.name for m in pkgutil.iter_modules([str(here)]) if m.name.startswith("nb"))
    return {name: importlib.import_module(f"{__name__}.{name}") for name in names}


def all_cases() -> list[Case]:
    return [case for module in notebook_modules().values() for case in module.CASES]
