"""The exercise checks (``rnn_utils.exercises``) accept right answers and name wrong ones.

For every check: the right answer passes and prints a ``passed:`` line; every planted wrong
answer (``tests/exercise_cases/``) fails with an :class:`ExerciseError` whose message names the
mistake; an unanswered stub is reported as unanswered (``NotImplementedError``), not as wrong.
The notebooks' exercise cells and the check modules match one to one: every check cell calls a
check of its notebook's module, every check is called, and each notebook has at least four
graded exercises (35 or more in all).
"""

from __future__ import annotations

import importlib
import inspect
import re
import sys
from pathlib import Path

import numpy as np
import pytest
from exercise_cases import Case, Planted, all_cases, notebook_modules

from rnn_utils import exercises
from rnn_utils.exercises import ExerciseError

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
import course_meta as meta  # noqa: E402

NOTEBOOKS = meta.notebook_paths()
CASES = all_cases()
PLANTED = [(case, planted) for case in CASES for planted in case.planted]
CHECK_CALL = re.compile(r"\bcheck_\w+(?=\()")
MIN_PER_NOTEBOOK, MIN_IN_ALL, MIN_PLANTED = 4, 35, 3


def _module_name(path: Path) -> str:
    return f"nb{path.stem}"


def _checks_of(module) -> dict[str, object]:
    return {
        name: fn
        for name, fn in inspect.getmembers(module, inspect.isfunction)
        if name.startswith("check_") and fn.__module__ == module.__name__
    }


def _tagged(nb: dict, tag: str) -> list[dict]:
    return [c for c in nb["cells"] if tag in c.get("metadata", {}).get("tags", [])]


def _stub(*args, **kwargs):
    raise NotImplementedError()


# --------------------------------------------------------------------------- every check


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_right_answer_passes(case: Case, capsys):
    case.check(case.right, *case.args)
    assert capsys.readouterr().out.startswith("passed: ")


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # some planted answers overflow on purpose
@pytest.mark.parametrize(
    "case, planted", PLANTED, ids=[f"{c.name}-{p.mistake}" for c, p in PLANTED]
)
def test_planted_mistake_fails_and_is_named(case: Case, planted: Planted, capsys):
    with pytest.raises(ExerciseError, match=planted.message):
        case.check(planted.answer, *case.args)
    assert "passed" not in capsys.readouterr().out


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_an_unanswered_exercise_is_reported_as_unanswered(case: Case):
    with pytest.raises(NotImplementedError):
        case.check(_stub, *case.args)


def test_every_check_has_a_right_answer_and_three_planted_mistakes():
    modules = notebook_modules()
    for name, cases_module in modules.items():
        checks = _checks_of(importlib.import_module(f"rnn_utils.exercises.{name}"))
        mistakes = {}  # a check may have several cases (e.g. another right answer)
        for case in cases_module.CASES:
            mistakes.setdefault(case.check.__name__, set()).update(p.mistake for p in case.planted)
        assert set(checks) == set(mistakes), f"{name}: checks without cases or cases without checks"
        for check, planted in mistakes.items():
            assert len(planted) >= MIN_PLANTED, f"{name}.{check}: only {sorted(planted)}"


# --------------------------------------------------------------------------- the notebooks


def test_every_notebook_has_enough_graded_exercises():
    counts = {p.stem: len(_tagged(meta.read_notebook(p), "exercise")) for p in NOTEBOOKS}
    few = {name: n for name, n in counts.items() if n < MIN_PER_NOTEBOOK}
    assert few == {}, f"notebooks with fewer than {MIN_PER_NOTEBOOK} exercises: {few}"
    assert sum(counts.values()) >= MIN_IN_ALL, counts


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_check_cells_call_the_checks_of_their_notebook(path: Path):
    """The check a learner runs is the one tested above: every check cell calls a check of
    ``rnn_utils.exercises.nbNN_name``, and every check of that module is called."""
    module = importlib.import_module(f"rnn_utils.exercises.{_module_name(path)}")
    checks = _checks_of(module)
    called = []
    for cell in _tagged(meta.read_notebook(path), "exercise-check"):
        found = CHECK_CALL.findall(meta.source(cell))
        assert found, f"{path.name}: a check cell calls no check_* function:\n{meta.source(cell)}"
        unknown = sorted(set(found) - set(checks))
        assert unknown == [], f"{path.name}: {unknown} not in {module.__name__}"
        called += found
    assert sorted(set(checks) - set(called)) == [], f"{path.name}: checks never called"


def test_case_modules_match_the_notebooks():
    assert sorted(notebook_modules()) == sorted(_module_name(p) for p in NOTEBOOKS)


# --------------------------------------------------------------------------- the helpers


def test_expect_shape_says_transposed_and_missing_return():
    transposed = r"\(m, n_a\) = \(3, 5\), got \(5, 3\): it looks transposed"
    with pytest.raises(ExerciseError, match=transposed):
        exercises.expect_shape(np.zeros((5, 3)), (3, 5), "a<t>", "(m, n_a)")
    with pytest.raises(ExerciseError, match="forget a return"):
        exercises.expect_shape(None, (3, 5), "a<t>")
    with pytest.raises(ExerciseError, match="another arrangement"):
        exercises.expect_shape(np.zeros((15,)), (3, 5), "a<t>")
    assert exercises.expect_shape([[1.0, 2.0]], (1, 2), "x").shape == (1, 2)


def test_expect_close_names_the_mistake_it_matches():
    right, wrong = np.arange(6.0).reshape(2, 3), -np.arange(6.0).reshape(2, 3)
    exercises.expect_close(right + 1e-12, right, "a<t>", [("you negate", wrong)])
    with pytest.raises(ExerciseError, match="matches what you get when you negate"):
        mistakes = [("you swap", right + 1), ("you negate", wrong)]
        exercises.expect_close(wrong, right, "a<t>", mistakes)
    with pytest.raises(ExerciseError, match=r"max \|difference\| .* Things to check: you swap"):
        exercises.expect_close(right * 2, right, "a<t>", [("you swap", right + 1)])
    with pytest.raises(ExerciseError, match="NaN"):
        exercises.expect_close(right * np.nan, right, "a<t>")


def test_call_wraps_errors_but_lets_a_stub_through():
    def broken(x):
        return x @ np.ones((4, 2))

    with pytest.raises(ExerciseError, match=r"broken\(array\(3, 5\)\) raised ValueError.*W_ax"):
        exercises.call(broken, np.ones((3, 5)), hint="check the orientation of W_ax")
    with pytest.raises(NotImplementedError):
        exercises.call(_stub, 1)
    assert exercises.call(lambda x: x + 1, 1) == 2


def test_learner_or_reference_falls_back_with_one_note(capsys):
    def mine(x):
        raise NotImplementedError()

    answer = exercises.learner_or_reference(mine, np.negative)
    assert answer(2) == -2 and answer(3) == -3
    out = capsys.readouterr().out
    assert out.count("note: mine is not written yet") == 1 and "numpy.negative" in out

    def answered(x):
        return x * 10

    assert exercises.learner_or_reference(answered, np.negative)(2) == 20
    assert capsys.readouterr().out == ""
