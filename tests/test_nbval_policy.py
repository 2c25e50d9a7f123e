"""The repo's pytest configuration really runs nbval strictly, minus stderr, with sanitizing.

Each case writes a one-cell notebook whose stored outputs differ from what the cell prints in a
single way, then runs pytest on it with the repository's own configuration (pyproject.toml's
addopts and the root conftest.py).
"""

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CODE = (
    "import sys\n"
    "print('stdout line')\n"
    "print('object at 0x7f3a2b1c0d90, took 0.53 s')\n"
    "print('fresh', file=sys.stderr)"
)


def _notebook(stdout: str, stderr: str) -> dict:
    outputs = [{"output_type": "stream", "name": "stdout", "text": stdout}]
    if stderr:
        outputs.append({"output_type": "stream", "name": "stderr", "text": stderr})
    cell = {
        "cell_type": "code",
        "execution_count": 1,
        "metadata": {},
        "outputs": outputs,
        "source": CODE,
    }
    kernel = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return {"cells": [cell], "metadata": {"kernelspec": kernel}, "nbformat": 4, "nbformat_minor": 5}


CASES = {
    "identical": ("stdout line\nobject at 0x7f3a2b1c0d90, took 0.53 s\n", "fresh\n", 0),
    "stderr differs (not compared)": (
        "stdout line\nobject at 0x7f3a2b1c0d90, took 0.53 s\n",
        "stale\n",
        0,
    ),
    "address and timing differ (sanitized)": (
        "stdout line\nobject at 0x55d0c0ffee00, took 12.9 s\n",
        "",
        0,
    ),
    "stdout differs (strict)": ("another line\nobject at 0x7f3a2b1c0d90, took 0.53 s\n", "", 1),
}


@pytest.mark.parametrize("case", list(CASES))
def test_nbval_configuration(case):
    stdout, stderr, expected_exit = CASES[case]
    probe_dir = ROOT / "build" / "nbval-probe"
    probe_dir.mkdir(parents=True, exist_ok=True)
    path = probe_dir / f"probe_{list(CASES).index(case)}.ipynb"
    path.write_text(json.dumps(_notebook(stdout, stderr)))
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", str(path.relative_to(ROOT))],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == expected_exit, result.stdout[-2000:]
