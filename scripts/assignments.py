"""Assignments for instructors, made with nbgrader from the course notebooks' cell tags.

    python scripts/assignments.py release [--out build/student] [NN_name ...]   # make student
    python scripts/assignments.py autograde SUBMISSION.ipynb [--notebook NN_name]  # make autograde
    python scripts/assignments.py exercises [NN_name ...]            # make exercises (committed)

The notebooks carry no nbgrader metadata: it is added here, in a temporary nbgrader course
folder, from the tags the notebooks already have:

========================  ==================================================================
tag                       nbgrader cell
========================  ==================================================================
``exercise``              solution cell ``exercise-K`` (its solution region becomes a stub)
``exercise-check``        autograded test ``exercise-K-check``, 1 point, locked
``quiz-answers``          solution cell ``quiz-answers`` (the answers are emptied)
``quiz-check``            autograded test ``quiz-check``, 1 point, locked
========================  ==================================================================

``release`` runs nbgrader's ``generate_assignment`` (LockCells, ClearSolutions, ClearOutput,
ComputeChecksums, ...) and copies each release notebook to ``--out``. ``autograde`` builds the
same assignment from the repository's notebook, runs nbgrader's ``autograde`` on the submission
(check cells are restored from the gradebook, so a learner cannot edit them) and prints one row
per graded cell: score, maximum and, for a failed check, the error it raised (the hint).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import sys
import tempfile
import warnings
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import course_meta as meta  # noqa: E402

STUDENT = "student"
CODE_STUB = "# YOUR CODE HERE\nraise NotImplementedError()"
QUIZ_STUB = (
    "# YOUR ANSWERS HERE: one line per question shown above, for example\n"
    '# answers["question-id"] = "b"'
)
CELL_TIMEOUT = 600
ANSI = re.compile(r"\x1b\[[0-9;]*m")
MAX_HINT_LINES = 8


@dataclass(frozen=True)
class GradedCell:
    """One autograded cell of a submission: its id, score, maximum and failure (if any)."""

    grade_id: str
    score: float
    max_score: float
    error: str = ""
    label: str = ""  # what the cell checks: the exercise's function, or "quiz"


# --------------------------------------------------------------------------- nbgrader metadata


def _meta(grade_id: str, *, solution: bool, grade: bool, points: int = 0) -> dict:
    cell = {
        "schema_version": 3,
        "grade_id": grade_id,
        "solution": solution,
        "grade": grade,
        "locked": grade,
        "task": False,
    }
    if grade:
        cell["points"] = points
    return cell


def with_nbgrader_metadata(nb: dict) -> dict:
    """A copy of the notebook whose tagged cells carry nbgrader metadata (see the table above).

    An exercise in parts (say a forward and a backward function) has one check cell per part,
    each worth a point: ``exercise-K-check``, ``exercise-K-check-2``, ... (partial credit)."""
    nb = json.loads(json.dumps(nb))
    exercise = checks = 0
    for cell in nb["cells"]:
        tags = set(cell.get("metadata", {}).get("tags", []))
        if "exercise" in tags:
            exercise, checks = exercise + 1, 0
            info = _meta(f"exercise-{exercise}", solution=True, grade=False)
        elif "exercise-check" in tags:
            checks += 1
            grade_id = f"exercise-{max(exercise, 1)}-check" + (f"-{checks}" if checks > 1 else "")
            info = _meta(grade_id, solution=False, grade=True, points=1)
        elif "quiz-answers" in tags:
            info = _meta("quiz-answers", solution=True, grade=False)
        elif "quiz-check" in tags:
            info = _meta("quiz-check", solution=False, grade=True, points=1)
        else:
            continue
        cell["metadata"]["nbgrader"] = info
    return nb


def _clear_solutions_class():
    from nbgrader.preprocessors import ClearSolutions

    class CourseClearSolutions(ClearSolutions):
        """nbgrader's ClearSolutions; the quiz's answers get a comment stub that does not raise."""

        def _replace_solution_region(self, cell, language):
            if "quiz-answers" not in cell.metadata.get("tags", []):
                return super()._replace_solution_region(cell, language)
            saved = dict(self.code_stub)
            self.code_stub = {**saved, language: QUIZ_STUB}
            try:
                return super()._replace_solution_region(cell, language)
            finally:
                self.code_stub = saved

    return CourseClearSolutions


# --------------------------------------------------------------------------- the nbgrader course


class Course:
    """A throw-away nbgrader course folder holding the assignments made from the notebooks."""

    def __init__(self, root: Path):
        from nbgrader.apps import NbGraderAPI
        from nbgrader.converters import GenerateAssignment
        from nbgrader.preprocessors import ClearSolutions
        from sqlalchemy.exc import SAWarning
        from traitlets.config import Config

        warnings.filterwarnings("ignore", category=SAWarning)  # nbgrader 0.9 on SQLAlchemy 2.1
        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
        os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
        os.environ.setdefault("PYTHONHASHSEED", "0")
        # nbgrader runs the `alembic` command of this environment to set up its gradebook
        bin_dir = str(Path(sys.executable).parent)
        if bin_dir not in os.environ.get("PATH", "").split(os.pathsep):
            os.environ["PATH"] = bin_dir + os.pathsep + os.environ.get("PATH", "")
        self.root = root
        config = Config()
        config.CourseDirectory.root = str(root)
        config.CourseDirectory.db_url = f"sqlite:///{root / 'gradebook.db'}"
        config.ClearSolutions.code_stub = {"python": CODE_STUB}
        config.Execute.timeout = CELL_TIMEOUT
        config.Execute.allow_errors = True
        steps = GenerateAssignment.class_traits()["preprocessors"].default()
        custom = _clear_solutions_class()
        config.GenerateAssignment.preprocessors = [
            custom if step is ClearSolutions else step for step in steps
        ]
        self.api = NbGraderAPI(config=config)

    def _check(self, result: dict, what: str) -> None:
        if not result.get("success"):
            raise RuntimeError(
                f"nbgrader {what} failed:\n{result.get('log')}\n{result.get('error')}"
            )

    def add_source(self, path: Path) -> str:
        """Put the notebook, with nbgrader metadata, in the course; return its assignment id."""
        name = path.stem
        target = self.root / "source" / name / path.name
        target.parent.mkdir(parents=True, exist_ok=True)
        nb = with_nbgrader_metadata(meta.read_notebook(path))
        target.write_text(json.dumps(nb, indent=1), encoding="utf-8")
        return name

    def release(self, path: Path) -> Path:
        """Run ``generate_assignment``; return the release notebook's path."""
        name = self.add_source(path)
        self._check(self.api.generate_assignment(name, force=True, create=True), "release")
        return self.root / "release" / name / path.name

    def autograde(self, name: str, submission: Path) -> list[GradedCell]:
        """Grade ``submission`` as notebook ``name`` (released before); return its graded cells."""
        from nbgrader.api import Gradebook

        target = self.root / "submitted" / STUDENT / name / f"{name}.ipynb"
        target.parent.mkdir(parents=True, exist_ok=True)
        nb = meta.read_notebook(submission)
        if not any("nbgrader" in c.get("metadata", {}) for c in nb["cells"]):
            nb = with_nbgrader_metadata(nb)  # a copy of the course notebook, not of a release
        target.write_text(json.dumps(nb, indent=1), encoding="utf-8")
        self._check(self.api.autograde(name, STUDENT, force=True, create=True), "autograde")
        graded = meta.read_notebook(self.graded_notebook(name))
        errors, labels = _errors_by_grade_id(graded), check_labels(graded)
        with Gradebook(f"sqlite:///{self.root / 'gradebook.db'}") as gradebook:
            submitted = gradebook.find_submission_notebook(name, name, STUDENT)
            grades = sorted(submitted.grades, key=lambda g: _order(g.name))
            return [
                GradedCell(
                    g.name,
                    float(g.score),
                    float(g.max_score),
                    errors.get(g.name, ""),
                    labels.get(g.name, ""),
                )
                for g in grades
            ]

    def graded_notebook(self, name: str) -> Path:
        """The submission as nbgrader executed it (outputs and errors included)."""
        return self.root / "autograded" / STUDENT / name / f"{name}.ipynb"


def _order(grade_id: str) -> tuple:
    parts = grade_id.split("-")
    return (parts[0] == "quiz", int(parts[1]) if parts[1].isdigit() else 0, grade_id)


CHECK_CALL = re.compile(r"\bcheck_(\w+)\(")
FUNCTION_DEF = re.compile(r"^def (\w+)\(", re.M)


def check_labels(nb: dict) -> dict[str, str]:
    """Per graded cell, what it checks: the name after ``check_`` in the check it calls, else
    the function the exercise before it defines; ``quiz`` for the quiz."""
    labels, defined = {}, ""
    for cell in nb["cells"]:
        info = cell.get("metadata", {}).get("nbgrader", {})
        text = meta.source(cell)
        if info.get("solution") and FUNCTION_DEF.search(text):
            defined = FUNCTION_DEF.search(text)[1]
        if info.get("grade"):
            called = CHECK_CALL.search(text)
            quiz = info["grade_id"].startswith("quiz")
            labels[info["grade_id"]] = "quiz" if quiz else (called[1] if called else defined)
    return labels


def _errors_by_grade_id(nb: dict) -> dict[str, str]:
    """Per graded cell, the error it raised; a bare ``assert`` is described by its line."""
    found = {}
    for cell in nb["cells"]:
        grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        for out in cell.get("outputs", []):
            if grade_id and out.get("output_type") == "error":
                message = (out.get("evalue") or "").strip()
                if not message:
                    traceback = ANSI.sub("", "\n".join(out.get("traceback", [])))
                    failing = [line for line in traceback.splitlines() if "---->" in line]
                    where = failing[-1].split("---->", 1)[1] if failing else ""
                    line = re.match(r"\s*(\d+)\s+(.*)", where)
                    message = f"failed at line {line[1]}: {line[2].strip()}" if line else ""
                found[grade_id] = f"{out.get('ename')}: {message}".rstrip(": ")
    return found


# --------------------------------------------------------------------------- the two commands


def release(names: list[str], out: Path, quiet: bool = False) -> list[Path]:
    """Write the release (student) version of the chosen notebooks (default: all) to ``out``."""
    paths = _select(names)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    with tempfile.TemporaryDirectory(prefix="nbgrader-course-") as tmp:
        course = Course(Path(tmp))
        for path in paths:
            released = course.release(path)
            target = out / path.name
            shutil.copyfile(released, target)
            written.append(target)
            if not quiet:
                nb = meta.read_notebook(target)
                stubs = sum(
                    "nbgrader" in c.get("metadata", {})
                    and c["metadata"]["nbgrader"].get("solution", False)
                    for c in nb["cells"]
                )
                print(f"{target}  ({stubs} answer cells)")
    return written


EXERCISE_NOTE = (
    "**Exercise version.** The solutions are removed: write each function where it says "
    "`# YOUR CODE HERE` (delete the `raise NotImplementedError()` line), then run the check cell "
    "under it, which says what is likely wrong when the answer is not right. Until an exercise "
    "is answered, the notebook goes on with the course's own implementation. The complete "
    "notebook, with solutions and outputs: [{name}.ipynb]({url})."
)


def exercise_version(release_nb: dict, name: str, repository: str | None = None) -> dict:
    """The release notebook as a learner opens it from the site: its Colab badge opens this
    version, and a note under the title says what to do."""
    nb = json.loads(json.dumps(release_nb))
    first = nb["cells"][0]
    text = meta.source(first).replace(
        meta.colab_url(name, repository), meta.colab_url(name, repository, folder="exercises")
    )
    title, _, rest = text.partition("\n")
    url = meta.colab_url(name, repository)
    first["source"] = f"{title}\n\n{EXERCISE_NOTE.format(name=name, url=url)}\n{rest}"
    return nb


def exercise_text(nb: dict) -> str:
    """How an exercise version is written to disk (one format, so a drift shows as a diff)."""
    return json.dumps(nb, indent=1, ensure_ascii=False) + "\n"


def write_exercises(names: list[str], out: Path = meta.EXERCISE_DIR) -> list[Path]:
    """Write the exercise version of the chosen notebooks (default: all) to ``out``: what
    ``make exercises`` commits and the site links to."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    with tempfile.TemporaryDirectory(prefix="nbgrader-course-") as tmp:
        course = Course(Path(tmp))
        for path in _select(names):
            nb = exercise_version(meta.read_notebook(course.release(path)), path.stem)
            target = out / path.name
            target.write_text(exercise_text(nb), encoding="utf-8")
            written.append(target)
    return written


def course_notebook_for(submission: Path) -> str:
    """The course notebook a submitted file answers: its name is in the file name
    (``alice-01_notation.ipynb``) or the file name starts with its number (``01_mine.ipynb``)."""
    stems = [p.stem for p in meta.notebook_paths()]
    found = [stem for stem in stems if stem in submission.stem]
    found = found or [stem for stem in stems if submission.stem.startswith(stem[:3])]
    return found[0] if len(found) == 1 else submission.stem


def autograde(submission: Path, name: str | None = None) -> list[GradedCell]:
    """Grade one submitted notebook against the repository's version of it."""
    name = name or course_notebook_for(submission)
    (path,) = _select([name])
    with tempfile.TemporaryDirectory(prefix="nbgrader-course-") as tmp:
        course = Course(Path(tmp))
        course.release(path)
        return course.autograde(path.stem, submission.resolve())


def score_table(cells: list[GradedCell]) -> str:
    """One row per graded cell; under a failed one, the hint its error gives."""
    width = max([len(c.grade_id) for c in cells] + [10])
    what = max([len(c.label) for c in cells] + [6])
    indent = " " * (width + what + 11)
    lines = [
        f"{'cell':<{width}}  {'checks':<{what}}  score  result",
        f"{'-' * width}  {'-' * what}  -----  ------",
    ]
    for c in cells:
        hint = [] if c.score >= c.max_score else _hint(c.error)
        result = hint[0] if hint else "passed"
        score = f"{c.score:g}/{c.max_score:g}"
        lines.append(f"{c.grade_id:<{width}}  {c.label:<{what}}  {score:<5}  {result}")
        lines += [f"{indent}{more}" for more in hint[1:MAX_HINT_LINES]]
    total, maximum = sum(c.score for c in cells), sum(c.max_score for c in cells)
    lines.append(f"{'total':<{width}}  {'':<{what}}  {total:g}/{maximum:g}")
    return "\n".join(lines)


def _hint(error: str) -> list[str]:
    if error.startswith("NotImplementedError"):
        return ["not answered yet (the stub raises NotImplementedError)"]
    if not error:
        return ["failed (no error recorded: is the cell missing?)"]
    return [line.strip() for line in error.splitlines() if line.strip()]


def _select(names: list[str]) -> list[Path]:
    paths = meta.notebook_paths()
    if not names:
        return paths
    by_stem = {p.stem: p for p in paths}
    chosen = []
    for name in names:
        stem = Path(name).stem
        if stem not in by_stem:
            raise SystemExit(
                f"{name!r} is not a course notebook; choose one of {sorted(by_stem)} "
                "(autograde: name the file NN_name.ipynb or pass NOTEBOOK=NN_name to make)"
            )
        chosen.append(by_stem[stem])
    return chosen


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    rel = sub.add_parser("release", help="write student versions of the notebooks")
    rel.add_argument("names", nargs="*", help="only these notebooks (default: all)")
    rel.add_argument("--out", type=Path, default=meta.ROOT / "build" / "student")
    exe = sub.add_parser("exercises", help="write the exercise versions the site links to")
    exe.add_argument("names", nargs="*", help="only these notebooks (default: all)")
    exe.add_argument("--out", type=Path, default=meta.EXERCISE_DIR)
    grade = sub.add_parser("autograde", help="grade one submitted notebook")
    grade.add_argument("submission", type=Path)
    grade.add_argument("--notebook", help="the course notebook it answers (default: file name)")
    args = parser.parse_args(argv)
    if args.command == "release":
        written = release(args.names, args.out)
        print(f"{len(written)} release notebook(s) in {args.out}")
        return 0
    if args.command == "exercises":
        written = write_exercises(args.names, args.out)
        print(f"{len(written)} exercise notebook(s) in {args.out}")
        return 0
    if not args.submission.is_file():
        raise SystemExit(f"no such file: {args.submission}")
    cells = autograde(args.submission, args.notebook)
    name = args.notebook or course_notebook_for(args.submission)
    print(f"{args.submission} graded as {name}.ipynb")
    print(score_table(cells))
    return 0


if __name__ == "__main__":
    sys.exit(main())
