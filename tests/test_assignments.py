"""Assignments made with nbgrader (``scripts/assignments.py``, ``make student``/``make autograde``).

Cheap checks cover every notebook (nbgrader's ``generate_assignment`` executes nothing): the
nbgrader metadata follows the cell tags, no solution text survives in a release notebook, every
answer cell holds a stub, outputs are cleared and check cells are locked and unchanged.

Grading executes a notebook, so the two grading runs use notebook 01 by default (all notebooks
with ``RNN_GRADE_ALL=1``): the release with the reference solutions pasted back gets full marks;
the release as handed out runs top to bottom, and only the check cells of the unanswered
exercises (and the quiz) fail, with a hint, scoring zero.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
pytest.importorskip("nbgrader")
import assignments  # noqa: E402
import course_meta as meta  # noqa: E402

NOTEBOOKS = meta.notebook_paths()
GRADED = (
    NOTEBOOKS
    if os.environ.get("RNN_GRADE_ALL")
    else [p for p in NOTEBOOKS if p.stem.startswith("01_")]
)
BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
ANSWER_TAGS = {"exercise", "quiz-answers"}
pytestmark = pytest.mark.filterwarnings("ignore::sqlalchemy.exc.SAWarning")
CHECK_TAGS = {"exercise-check", "quiz-check"}


def _tags(cell: dict) -> set[str]:
    return set(cell.get("metadata", {}).get("tags", []))


def _solution_lines(nb: dict) -> list[str]:
    """Every line between the markers that says something (not blank, not a lone bracket)."""
    lines = []
    for cell in nb["cells"]:
        inside = False
        for line in meta.source(cell).splitlines():
            if BEGIN in line:
                inside = True
            elif END in line:
                inside = False
            elif inside and len(line.strip()) > 3:
                lines.append(line.strip())
    return lines


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    return assignments.Course(tmp_path_factory.mktemp("nbgrader-course"))


@pytest.fixture(scope="module")
def released(course):
    return {path.stem: meta.read_notebook(course.release(path)) for path in NOTEBOOKS}


# --------------------------------------------------------------------------- metadata from tags


def test_metadata_follows_the_tags():
    nb = {
        "cells": [
            {"cell_type": "code", "metadata": {"tags": ["setup"]}, "source": "x = 1"},
            {"cell_type": "code", "metadata": {"tags": ["exercise"]}, "source": f"{BEGIN}\n{END}"},
            {"cell_type": "code", "metadata": {"tags": ["exercise-check"]}, "source": "a"},
            {"cell_type": "code", "metadata": {"tags": ["exercise"]}, "source": f"{BEGIN}\n{END}"},
            {"cell_type": "code", "metadata": {"tags": ["exercise-check"]}, "source": "b"},
            {"cell_type": "code", "metadata": {"tags": ["quiz-answers"]}, "source": "c"},
            {"cell_type": "code", "metadata": {"tags": ["quiz-check"]}, "source": "d"},
        ]
    }
    out = assignments.with_nbgrader_metadata(nb)
    info = [c["metadata"].get("nbgrader") for c in out["cells"]]
    assert info[0] is None and "nbgrader" not in nb["cells"][1]["metadata"]  # input untouched
    ids = [(i["grade_id"], i["solution"], i["grade"], i.get("points")) for i in info[1:]]
    assert ids == [
        ("exercise-1", True, False, None),
        ("exercise-1-check", False, True, 1),
        ("exercise-2", True, False, None),
        ("exercise-2-check", False, True, 1),
        ("quiz-answers", True, False, None),
        ("quiz-check", False, True, 1),
    ]


def test_committed_notebooks_carry_no_nbgrader_metadata():
    for path in NOTEBOOKS:
        nb = meta.read_notebook(path)
        assert not any("nbgrader" in c.get("metadata", {}) for c in nb["cells"]), path.name


# --------------------------------------------------------------------------- every release


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_release_has_stubs_and_no_solution_text(path, released):
    source, release = meta.read_notebook(path), released[path.stem]
    text = "\n".join(meta.source(c) for c in release["cells"])
    assert BEGIN not in text and END not in text
    leaked = [line for line in _solution_lines(source) if line in text]
    assert leaked == [], f"solution text in the release of {path.name}: {leaked}"
    assert len(release["cells"]) == len(source["cells"])
    for i, (old, new) in enumerate(zip(source["cells"], release["cells"], strict=True)):
        tags = _tags(old)
        info = new.get("metadata", {}).get("nbgrader")
        if "exercise" in tags:
            assert assignments.CODE_STUB.splitlines()[0] in meta.source(new), (path.name, i)
            assert info["solution"] and not info["locked"]
        elif "quiz-answers" in tags:
            assert assignments.QUIZ_STUB in meta.source(new), (path.name, i)
            assert "answers = QUIZ.blank_answers()" in meta.source(new)
        elif tags & CHECK_TAGS:
            assert meta.source(new) == meta.source(old), (path.name, i)  # checks are kept
            assert info["grade"] and info["locked"] and info["points"] == 1
            assert new["metadata"].get("editable") is False
        else:
            assert meta.source(new) == meta.source(old) and info is None, (path.name, i)
        if new["cell_type"] == "code":
            assert new["outputs"] == [] and new["execution_count"] is None, (path.name, i)
    assert sum(bool(_tags(c) & ANSWER_TAGS) for c in source["cells"]) >= 2  # exercises + quiz


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_committed_exercise_version_is_up_to_date(path, released):
    """``exercises/`` (linked from the site, opened in Colab) is generated from the notebook."""
    committed = meta.EXERCISE_DIR / path.name
    assert committed.is_file(), f"{committed} is missing: run `make exercises`"
    expected = assignments.exercise_text(
        assignments.exercise_version(released[path.stem], path.stem)
    )
    assert committed.read_text(encoding="utf-8") == expected, (
        f"{committed} is out of date with {path}: run `make exercises` and commit the result"
    )
    text = meta.source(json.loads(expected)["cells"][0])
    assert meta.colab_url(path.stem, folder="exercises") in text
    assert "Exercise version" in text


def test_release_command_writes_the_chosen_notebooks(tmp_path):
    """What ``make student`` runs (for every notebook; one here to keep the test fast)."""
    written = assignments.release([NOTEBOOKS[0].stem], tmp_path / "student", quiet=True)
    assert written == [tmp_path / "student" / NOTEBOOKS[0].name]
    nb = meta.read_notebook(written[0])
    assert any(c["metadata"].get("nbgrader", {}).get("grade") for c in nb["cells"])
    with pytest.raises(SystemExit, match="not a course notebook"):
        assignments.release(["99_missing"], tmp_path / "student")


# --------------------------------------------------------------------------- grading (slow)


def _pasted_back(release: dict, source: dict) -> dict:
    nb = json.loads(json.dumps(release))
    for new, old in zip(nb["cells"], source["cells"], strict=True):
        if _tags(old) & ANSWER_TAGS:
            new["source"] = meta.source(old)
    return nb


@pytest.mark.slow
@pytest.mark.parametrize("path", GRADED, ids=[p.stem for p in GRADED])
def test_reference_solutions_get_full_marks(path, course, released, tmp_path):
    submission = tmp_path / path.name
    nb = _pasted_back(released[path.stem], meta.read_notebook(path))
    submission.write_text(json.dumps(nb), encoding="utf-8")
    cells = course.autograde(path.stem, submission)
    print(assignments.score_table(cells))
    assert cells and all(c.score == c.max_score for c in cells), assignments.score_table(cells)
    checks = sum(bool(_tags(c) & CHECK_TAGS) for c in meta.read_notebook(path)["cells"])
    assert len(cells) == checks


@pytest.mark.slow
@pytest.mark.parametrize("path", GRADED, ids=[p.stem for p in GRADED])
def test_unanswered_release_runs_to_the_end_and_scores_zero_on_checks_only(
    path, course, released, tmp_path
):
    submission = tmp_path / path.name
    submission.write_text(json.dumps(released[path.stem]), encoding="utf-8")
    cells = course.autograde(path.stem, submission)
    print(assignments.score_table(cells))
    assert all(c.score == 0 and c.error for c in cells), assignments.score_table(cells)
    table = assignments.score_table(cells)
    assert "not answered yet" in table and "QuizError" in table
    graded = meta.read_notebook(course.graded_notebook(path.stem))
    crashed = [
        (i, meta.source(c).splitlines()[0])
        for i, c in enumerate(graded["cells"])
        if any(o.get("output_type") == "error" for o in c.get("outputs", []))
        and not _tags(c) & CHECK_TAGS
    ]
    assert crashed == [], (
        f"{path.name}: cells that crash when the exercises are not answered (they use a name "
        f"defined only inside a solution region): {crashed}"
    )
    last = [c for c in graded["cells"] if c["cell_type"] == "code"][-1]
    assert last.get("execution_count"), "the notebook ran to its last cell"


def test_a_submission_is_matched_to_its_course_notebook_by_file_name():
    first = NOTEBOOKS[0].stem
    for submitted in (f"{first}.ipynb", f"alice-{first}.ipynb", f"{first} (1).ipynb"):
        assert assignments.course_notebook_for(Path(submitted)) == first
    assert assignments.course_notebook_for(Path("homework.ipynb")) == "homework"
    with pytest.raises(SystemExit, match="NOTEBOOK=NN_name"):
        assignments.autograde(Path("homework.ipynb"))


def test_an_unanswered_run_may_fail_only_in_check_cells_and_must_reach_the_end():
    """The rule ``build_book.py --run --exercises`` applies (make test-portability runs it)."""
    import build_book
    import nbformat

    def cell(tags, error=None, count=1):
        outputs = [] if error is None else [{"output_type": "error", "ename": error, "evalue": ""}]
        return nbformat.from_dict(
            {
                "cell_type": "code",
                "source": "x = 1",
                "metadata": {"tags": tags},
                "outputs": outputs,
                "execution_count": count,
            }
        )

    def run(*cells):
        return build_book.unanswered_run_problems(nbformat.from_dict({"cells": list(cells)}))

    good = run(
        cell([]), cell(["exercise-check"], "NotImplementedError"), cell(["quiz-check"], "QuizError")
    )
    assert good == (2, [])
    _, problems = run(cell([], "NameError"), cell(["exercise-check"], "NotImplementedError"))
    assert len(problems) == 1 and "NameError" in problems[0]
    _, problems = run(cell(["exercise-check"], "ExerciseError"))
    assert len(problems) == 1 and "ExerciseError" in problems[0]
    _, problems = run(cell([]), cell([], count=None))
    assert problems == ["the last code cell was not executed"]
