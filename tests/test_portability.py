"""The course on another host and another seed (``make test-portability``; CI runs it after
``make test``). Deselected from ``make test`` by the ``portability`` marker: each test executes
whole notebooks in a subprocess.

- *Another host*: strict nbval over every notebook with NumPy's OpenBLAS forced onto another
  core type's kernels (``OPENBLAS_CORETYPE``) and TensorFlow's oneDNN CPU kernels on. Both round
  differently from the kernels that stored the outputs, the way another CPU does, so a stored
  output that prints a rounding-level number or an unrounded training result fails here.
- *Another seed, as a learner gets it*: every notebook's exercise version (``exercises/``:
  solutions removed) runs top to bottom with ``RNN_COURSE_SEED`` set (execution only, no output
  comparison). Its assertions must hold for more than the one seed that stored the outputs,
  and it must run to its end while every exercise is still a stub: only the unanswered check
  cells may fail, the course's implementations standing in for the learner's. One execution
  tests both. ``RNN_PORTABILITY_SEEDS`` (default ``1``) lists the seeds, e.g. ``1,2``; the
  complete notebooks run with another seed by ``scripts/build_book.py --run --seed N``.
- *Another backend*: every notebook runs top to bottom on Keras's JAX backend (execution only:
  JAX draws other initial weights, so the numbers differ, not the conclusions), with setup seed
  ``JAX_SEED``. ``RNN_PORTABILITY_JAX=0`` leaves these runs out (a quick local check).
"""

import importlib.util
import json
import os
import platform
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted(path.name for path in (ROOT / "notebooks").glob("*.ipynb"))
SEEDS = [int(s) for s in os.environ.get("RNN_PORTABILITY_SEEDS", "1").split(",") if s.strip()]
JAX_SEED = 2
# the oldest kernels OpenBLAS has for this architecture (Prescott: SSE3, on any x86-64 CPU)
OTHER_CORE = "ARMV8" if platform.machine() in ("aarch64", "arm64") else "Prescott"
if os.environ.get("OPENBLAS_CORETYPE", "").lower() == OTHER_CORE.lower():
    OTHER_CORE = "Sandybridge"  # the machine already runs those: pick other ones
OTHER_HOST = {"OPENBLAS_CORETYPE": OTHER_CORE, "TF_ENABLE_ONEDNN_OPTS": "1"}
KERNEL_PROBE = (
    "import json, threadpoolctl, numpy\n"
    "from tensorflow.python.util import _pywrap_util_port\n"
    "blas = [i.get('architecture') for i in threadpoolctl.threadpool_info()"
    " if i['internal_api'] == 'openblas']\n"
    "print(json.dumps({'blas': blas, 'onednn': bool(_pywrap_util_port.IsMklEnabled())}))"
)

pytestmark = pytest.mark.portability


def _env(**overrides) -> dict:
    # the machine's own OPENBLAS_CORETYPE, if any, stays (some CPUs need it)
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", "TF_ENABLE_ONEDNN_OPTS": "0"}
    env.pop("RNN_COURSE_SEED", None)
    return {**env, **overrides}


def _kernels(env: dict) -> dict:
    result = subprocess.run(
        [sys.executable, "-c", KERNEL_PROBE], env=env, capture_output=True, text=True, check=True
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_other_host_really_changes_the_kernels():
    usual, other = _kernels(_env()), _kernels(_env(**OTHER_HOST))
    assert usual["blas"] and other["blas"], "NumPy is not using OpenBLAS: find another probe"
    assert usual["blas"] != other["blas"], f"OpenBLAS kernels did not change: {usual} {other}"
    assert not usual["onednn"] and other["onednn"], f"oneDNN not toggled: {usual} {other}"


@pytest.mark.parametrize("notebook", NOTEBOOKS)
def test_stored_outputs_reproduce_on_another_host(notebook):
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", f"notebooks/{notebook}"],
        cwd=ROOT,
        env=_env(**OTHER_HOST),
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, f"strict nbval failed on other kernels:\n{result.stdout[-6000:]}"


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("notebook", NOTEBOOKS)
def test_exercise_version_runs_to_the_end_with_another_seed(notebook, seed):
    command = ["scripts/build_book.py", "--run", "--exercises", "--seed", str(seed), notebook]
    result = subprocess.run(
        [sys.executable, *command], cwd=ROOT, env=_env(), capture_output=True, text=True
    )
    assert result.returncode == 0, f"seed {seed}:\n{result.stdout[-6000:]}{result.stderr[-2000:]}"
    assert "unanswered checks failed, as they should" in result.stdout, result.stdout


@pytest.mark.skipif(importlib.util.find_spec("jax") is None, reason="jax is not installed")
@pytest.mark.skipif(
    os.environ.get("RNN_PORTABILITY_JAX") == "0", reason="RNN_PORTABILITY_JAX=0: JAX runs left out"
)
@pytest.mark.parametrize("notebook", NOTEBOOKS)
def test_notebook_runs_on_the_jax_backend(notebook):
    command = ["scripts/build_book.py", "--run", "--seed", str(JAX_SEED), notebook]
    result = subprocess.run(
        [sys.executable, *command],
        cwd=ROOT,
        env=_env(KERAS_BACKEND="jax"),
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, f"JAX:\n{result.stdout[-6000:]}{result.stderr[-2000:]}"
