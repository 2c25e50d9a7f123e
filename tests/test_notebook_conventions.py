"""Conventions every course notebook follows (no TensorFlow import; reads the .ipynb JSON).

A notebook must have: a title cell; a setup cell (tag ``setup``) as its first code cell; a Quiz
section whose check cell (tag ``quiz-check``) is the last code cell; been executed top to bottom
in one run; no stored errors; no TensorFlow/absl log lines, ANSI codes or progress-bar residue;
only known cell tags; ``nbval-ignore-output`` on at most a quarter of its code cells; every
solution region closed and followed by a check cell; a file size of at most 2 MB.
"""

from __future__ import annotations

import copy
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

NOTEBOOK_DIR = Path(__file__).resolve().parents[1] / "notebooks"
MAX_BYTES = 2 * 1024 * 1024
MAX_IGNORED_FRACTION = 0.25
KNOWN_TAGS = {
    "setup",  # the first code cell: imports + setup_notebook(...)
    "exercise",  # a cell with a ### BEGIN SOLUTION / ### END SOLUTION region
    "exercise-check",  # the check cell after an exercise
    "quiz-answers",  # the learner's answers dict
    "quiz-check",  # the quiz's check cell, the last code cell
    "nbval-ignore-output",  # outputs that cannot reproduce (training logs, timings)
}
RESIDUE_PATTERNS = {
    "TensorFlow C++ log line": re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+: [IWEF] ", re.M),
    "absl log line": re.compile(
        r"^[IWEF]\d{4} [\d:.]+\s+\d+ \S+:\d+\]|absl::InitializeLog\(\)", re.M
    ),
    "Python logging from TensorFlow/absl": re.compile(
        r"^(WARNING|INFO|ERROR):(absl|tensorflow)", re.M
    ),
    "ANSI escape code": re.compile(r"\x1b\["),
    "carriage return (progress bar)": re.compile(r"\r(?!\n)"),
    "Keras progress bar": re.compile(r"━|\d+/\d+ \[=*>?\.*\]|\d+/\d+ ━"),
}
SOLUTION_BEGIN, SOLUTION_END = "### BEGIN SOLUTION", "### END SOLUTION"


def _source(cell: dict) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


def _tags(cell: dict) -> list[str]:
    return list(cell.get("metadata", {}).get("tags", []))


def _output_texts(cell: dict):
    for out in cell.get("outputs", []):
        if out.get("output_type") == "stream":
            yield "".join(out.get("text", ""))
        for mime in ("text/plain", "text/markdown", "text/html"):
            data = out.get("data", {}).get(mime)
            if data is not None:
                yield "".join(data) if isinstance(data, list) else data


def notebook_problems(nb: dict, size_bytes: int = 0) -> list[str]:
    """Return every convention the notebook breaks (empty when it follows them all)."""
    problems: list[str] = []
    cells = nb.get("cells", [])
    code = [(i, c) for i, c in enumerate(cells) if c.get("cell_type") == "code"]

    if (
        not cells
        or cells[0].get("cell_type") != "markdown"
        or not _source(cells[0]).startswith("# ")
    ):
        problems.append("title: the first cell must be Markdown starting with '# <title>'")
    if not code or "setup" not in _tags(code[0][1]) or "setup_notebook(" not in _source(code[0][1]):
        problems.append(
            "setup: the first code cell must be tagged 'setup' and call setup_notebook("
        )

    quiz_heading = next(
        (
            i
            for i, c in enumerate(cells)
            if c.get("cell_type") == "markdown"
            and re.search(r"^#{1,3} .*\bQuiz\b", _source(c), re.M)
        ),
        None,
    )
    if quiz_heading is None:
        problems.append("quiz: no Markdown heading containing 'Quiz'")
    if code:
        last_index, last = code[-1]
        if "quiz-check" not in _tags(last) or ".check(" not in _source(last):
            problems.append("quiz: the last code cell must be tagged 'quiz-check' and call .check(")
        elif quiz_heading is not None and last_index < quiz_heading:
            problems.append("quiz: the check cell must come after the Quiz heading")

    counts = [c.get("execution_count") for _, c in code]
    if counts != list(range(1, len(code) + 1)):
        problems.append(
            f"execution: code cells must be executed top to bottom in one run (1..{len(code)}); "
            f"found counts {counts}"
        )
    for i, c in code:
        if not _source(c).strip():
            problems.append(f"cell {i}: empty code cell")
        for out in c.get("outputs", []):
            if out.get("output_type") == "error":
                problems.append(f"cell {i}: stored error {out.get('ename')}")
        for text in _output_texts(c):
            for name, pattern in RESIDUE_PATTERNS.items():
                if pattern.search(text):
                    problems.append(f"cell {i}: {name} in outputs")

    for i, c in enumerate(cells):
        unknown = sorted(set(_tags(c)) - KNOWN_TAGS)
        if unknown:
            problems.append(f"cell {i}: unknown tag(s) {unknown}; known: {sorted(KNOWN_TAGS)}")

    ignored = sum("nbval-ignore-output" in _tags(c) for _, c in code)
    if code and ignored > MAX_IGNORED_FRACTION * len(code):
        problems.append(f"nbval: {ignored} of {len(code)} code cells ignore their output (max 25%)")

    for n, (i, c) in enumerate(code):
        src = _source(c)
        if SOLUTION_BEGIN in src:
            if src.count(SOLUTION_BEGIN) != src.count(SOLUTION_END):
                problems.append(f"cell {i}: unclosed solution region")
            following = code[n + 1][1] if n + 1 < len(code) else None
            if following is None or not {"exercise-check", "quiz-check"} & set(_tags(following)):
                problems.append(f"cell {i}: a solution region must be followed by a check cell")

    if size_bytes > MAX_BYTES:
        problems.append(f"size: {size_bytes / 1e6:.1f} MB exceeds 2 MB")
    return problems


def directory_problems(directory: Path) -> dict[str, list[str]]:
    found = {}
    for path in sorted(directory.glob("*.ipynb")):
        nb = json.loads(path.read_text(encoding="utf-8"))
        problems = notebook_problems(nb, path.stat().st_size)
        if problems:
            found[path.name] = problems
    return found


# --------------------------------------------------------------------------- the real notebooks

NOTEBOOKS = sorted(NOTEBOOK_DIR.glob("*.ipynb"))


def test_notebook_directory_follows_conventions():
    """Holds for an empty notebooks/ too; lists every problem of every notebook at once."""
    assert directory_problems(NOTEBOOK_DIR) == {}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_names_are_numbered(path):
    assert re.fullmatch(r"\d\d_[a-z0-9_]+\.ipynb", path.name), path.name


# --------------------------------------------------------------------------- fixtures


def _md(text, tags=()):
    return {"cell_type": "markdown", "metadata": {"tags": list(tags)}, "source": text}


def _code(text, count, tags=(), outputs=()):
    return {
        "cell_type": "code",
        "execution_count": count,
        "metadata": {"tags": list(tags)},
        "outputs": list(outputs),
        "source": text,
    }


def _stream(text, name="stdout"):
    return {"output_type": "stream", "name": name, "text": text}


def valid_notebook() -> dict:
    return {
        "nbformat": 4,
        "nbformat_minor": 5,
        "metadata": {},
        "cells": [
            _md("# 99 Fixture\nWhat you will learn."),
            _code(
                "from rnn_utils.notebook import setup_notebook\nsetup_notebook(0)",
                1,
                ["setup"],
                [_stream("keras 3 | backend tensorflow | CPU | seed 0\n")],
            ),
            _code("x = 1\nprint(x)", 2, outputs=[_stream("1\n")]),
            _code("answer = 2\n### BEGIN SOLUTION\nanswer = 1\n### END SOLUTION", 3, ["exercise"]),
            _code("assert answer == x", 4, ["exercise-check"]),
            _code("losses = [0.5]", 5, ["nbval-ignore-output"]),
            _md("## Quiz"),
            _code("answers = {'q': 'a'}", 6, ["quiz-answers"]),
            _code("QUIZ.check(answers)", 7, ["quiz-check"], [_stream("Score: 1/1\n")]),
            _md("## Summary"),
        ],
    }


def _break(mutate):
    nb = copy.deepcopy(valid_notebook())
    mutate(nb)
    return nb


def _set(cell_index, key, value):
    def mutate(nb):
        nb["cells"][cell_index][key] = value

    return mutate


BROKEN = {
    "title": _set(0, "source", "Fixture without a heading"),
    "setup": lambda nb: nb["cells"][1]["metadata"].update(tags=[]),
    "quiz: no Markdown heading": _set(6, "source", "## Questions"),
    "quiz: the last code cell": lambda nb: nb["cells"].append(_code("print(2)", 8)),
    "quiz: the check cell must come after": lambda nb: nb["cells"].insert(8, nb["cells"].pop(6)),
    "execution": _set(2, "execution_count", 9),
    "stored error": lambda nb: nb["cells"][2]["outputs"].append(
        {"output_type": "error", "ename": "ValueError", "evalue": "", "traceback": []}
    ),
    "TensorFlow C++ log line": lambda nb: nb["cells"][2]["outputs"].append(
        _stream(
            "2026-11-21 10:00:00.123456: I tensorflow/core/util/port.cc:113] oneDNN\n", "stderr"
        )
    ),
    "absl log line": lambda nb: nb["cells"][2]["outputs"].append(
        _stream("W0000 00:00:1732183201.123456  1234 cuda_dnn.cc:8310] x\n", "stderr")
    ),
    "Python logging from TensorFlow": lambda nb: nb["cells"][2]["outputs"].append(
        _stream("WARNING:tensorflow:5 out of the last 5 calls\n", "stderr")
    ),
    "ANSI escape code": lambda nb: nb["cells"][2]["outputs"].append(
        _stream("\x1b[1mEpoch\x1b[0m\n")
    ),
    "carriage return": lambda nb: nb["cells"][2]["outputs"].append(_stream("1/10\r2/10\n")),
    "Keras progress bar": lambda nb: nb["cells"][2]["outputs"].append(
        _stream("32/32 ━━━━━━━━━━━━━━━━━━━━ 0s 2ms/step\n")
    ),
    "unknown tag": lambda nb: nb["cells"][2]["metadata"].update(tags=["hide"]),
    "ignore their output": lambda nb: [
        c["metadata"].update(tags=["nbval-ignore-output"]) for c in nb["cells"][2:5]
    ],
    "unclosed solution region": _set(3, "source", "### BEGIN SOLUTION\nanswer = 1"),
    "followed by a check cell": lambda nb: nb["cells"][4]["metadata"].update(tags=[]),
    "empty code cell": _set(2, "source", "   "),
}


def test_valid_fixture_has_no_problems():
    assert notebook_problems(valid_notebook()) == []


@pytest.mark.parametrize("expected", list(BROKEN))
def test_each_broken_rule_is_reported(expected):
    problems = notebook_problems(_break(BROKEN[expected]))
    assert any(expected in p for p in problems), problems


def test_oversized_file_is_reported():
    assert any("exceeds 2 MB" in p for p in notebook_problems(valid_notebook(), 3 * 1024 * 1024))


def test_directory_check_passes_on_empty_dir_and_names_the_bad_file(tmp_path):
    assert directory_problems(tmp_path) == {}
    (tmp_path / "01_good.ipynb").write_text(json.dumps(valid_notebook()))
    (tmp_path / "02_bad.ipynb").write_text(json.dumps(_break(BROKEN["execution"])))
    found = directory_problems(tmp_path)
    assert list(found) == ["02_bad.ipynb"]


def test_conventions_and_quiz_import_no_tensorflow():
    code = (
        "import sys; sys.path.insert(0, 'tests'); import test_notebook_conventions, rnn_utils.quiz;"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('tensorflow', 'keras')))"
    )
    root = Path(__file__).resolve().parents[1]
    out = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"
