"""scripts/gpu_check.py: on a machine without a GPU it says so and exits 0, running nothing."""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
import gpu_check  # noqa: E402


def test_without_a_gpu_it_says_so_and_exits_0():
    if gpu_check.visible_gpus():
        pytest.skip("this machine has a GPU: run `make gpu-check` itself")
    result = subprocess.run(
        [sys.executable, "scripts/gpu_check.py"], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "no GPU visible to TensorFlow" in result.stdout
    assert "==" not in result.stdout  # no step was started


def test_its_steps_name_files_that_exist():
    for command in gpu_check.STEPS.values():
        for arg in command[1:]:
            if arg.endswith(".py"):
                assert (ROOT / arg).is_file(), arg
