"""The equivalence checks again on the JAX backend, in a subprocess (one backend per process)."""

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

HELPERS = Path(__file__).with_name("_layer_helpers.py")


@pytest.mark.skipif(
    importlib.util.find_spec("jax") is None,
    reason="jax is not installed: the JAX-backend equivalence run needs `pip install jax`",
)
def test_equivalence_on_jax_backend():
    env = {**os.environ, "KERAS_BACKEND": "jax", "TF_CPP_MIN_LOG_LEVEL": "3"}
    result = subprocess.run(
        [sys.executable, str(HELPERS)], env=env, capture_output=True, text=True, timeout=600
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-4000:]
    assert "backend=jax" in result.stdout
