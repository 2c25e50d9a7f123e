"""Execute the course notebooks headless and refresh their stored outputs.

    python scripts/build_book.py --in-place            # make refresh: every notebook
    python scripts/build_book.py --in-place 02_vanilla_rnn   # just one
    python scripts/build_book.py --run --seed 1        # execute only (nothing written), seed 1
    python scripts/build_book.py --run --exercises     # the exercise versions (exercises/)

Prints one line per notebook with its runtime; exits non-zero if any notebook fails.
The website is built from the stored outputs by ``scripts/build_site.py`` (``make book``);
``--html DIR`` is kept as a shortcut for it and executes nothing.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
NOTEBOOKS = ROOT / "notebooks"
EXERCISES = ROOT / "exercises"
TIMEOUT_PER_CELL = 600
CHECK_TAGS = {"exercise-check", "quiz-check"}
UNANSWERED = {"NotImplementedError", "QuizError"}  # a stub's error; the blank quiz's


def execute(path: Path, allow_errors: bool = False):
    """Run a notebook top to bottom in a fresh kernel; return (notebook, seconds)."""
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb,
        timeout=TIMEOUT_PER_CELL,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
        record_timing=False,
        allow_errors=allow_errors,
    )
    start = time.perf_counter()
    client.execute()
    return nb, time.perf_counter() - start


def unanswered_run_problems(nb) -> tuple[int, list[str]]:
    """An executed exercise version (every answer a stub): the number of check cells that
    failed as unanswered, and every other problem. Only check cells may fail, and only with a
    stub's ``NotImplementedError`` (or the blank quiz's ``QuizError``); the rest of the notebook,
    helped by the course's implementations standing in for the stubs, must run to its end."""
    failed, problems = 0, []
    code = [(i, c) for i, c in enumerate(nb.cells) if c.cell_type == "code"]
    for i, cell in code:
        errors = [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]
        if not errors:
            continue
        check = bool(CHECK_TAGS & set(cell.metadata.get("tags", [])))
        if check and errors[0]["ename"] in UNANSWERED:
            failed += 1
            continue
        first_line = cell.source.splitlines()[0] if cell.source else ""
        problems.append(f"cell {i} ({first_line!r}): {errors[0]['ename']}: {errors[0]['evalue']}")
    if code and not code[-1][1].get("execution_count"):
        problems.append("the last code cell was not executed")
    return failed, problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--html", type=Path, help="build the website into this folder (no execution)")
    mode.add_argument("--in-place", action="store_true", help="rewrite the notebooks' outputs")
    mode.add_argument(
        "--run", action="store_true", help="execute only: check every cell runs, write nothing"
    )
    parser.add_argument(
        "--seed",
        type=int,
        help="run with this setup seed (sets RNN_COURSE_SEED; only with --run)",
    )
    parser.add_argument(
        "--exercises",
        action="store_true",
        help="with --run: execute the exercise versions (exercises/); only their unanswered "
        "check cells may fail, and each must run to its end",
    )
    parser.add_argument("names", nargs="*", help="only these notebooks (file names or stems)")
    args = parser.parse_args(argv)
    if args.seed is not None and not args.run:
        parser.error("--seed changes the stored outputs' seed: use it with --run only")
    if args.exercises and not args.run:
        parser.error("--exercises executes the exercise versions: use it with --run")
    if args.html:
        import build_site

        build_site.build(args.html.resolve())
        return 0

    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
    if args.seed is not None:
        from rnn_utils.notebook import SEED_VARIABLE

        os.environ[SEED_VARIABLE] = str(args.seed)
    paths = sorted((EXERCISES if args.exercises else NOTEBOOKS).glob("*.ipynb"))
    if args.names:
        wanted = {Path(n).stem for n in args.names}
        paths = [p for p in paths if p.stem in wanted]
    if not paths:
        print("no notebooks to execute")
        return 0

    import nbformat

    failures, total = [], 0.0
    for path in paths:
        try:
            nb, seconds = execute(path, allow_errors=args.exercises)
        except Exception as error:  # report every failing notebook, then exit non-zero
            print(f"FAILED {path.name}: {type(error).__name__}: {str(error)[-2000:]}")
            failures.append(path.name)
            continue
        total += seconds
        note = ""
        if args.exercises:
            unanswered, problems = unanswered_run_problems(nb)
            if problems:
                print(f"FAILED {path.name} (exercise version):\n  " + "\n  ".join(problems))
                failures.append(path.name)
                continue
            note = f"  (exercise version: {unanswered} unanswered checks failed, as they should)"
        print(f"{path.name:<32} {seconds:6.1f} s{note}", flush=True)
        if args.in_place:
            nbformat.write(nb, path)
    print(f"total {total:.1f} s")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
