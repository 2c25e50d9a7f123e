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


FLOAT64_SCRIPT = """
import jax
jax.config.update("jax_enable_x64", True)  # as setup_notebook does on JAX
import numpy as np
from rnn_utils import scratch
from rnn_utils.layers import GRU, LSTM, SimpleRNN
x = np.random.default_rng(0).normal(size=(3, 5, 4))
a0 = np.zeros((3, 6))
for kind, layer in (("rnn", SimpleRNN(6, return_sequences=True, dtype="float64")),
                    ("gru", GRU(6, reset_after=False, return_sequences=True, dtype="float64")),
                    ("lstm", LSTM(6, return_sequences=True, dtype="float64"))):
    params = scratch.init_params(kind, n_x=4, n_a=6, n_y=2, seed=1)
    layer.build(x.shape)
    layer.set_weights(scratch.to_keras_weights(kind, params)["rnn"])
    out = np.asarray(layer(x))
    reference = scratch.sequence_forward(kind, x, a0, params)[0]
    assert out.dtype == np.float64, (kind, out.dtype)
    assert np.abs(out - reference).max() < 1e-12, (kind, np.abs(out - reference).max())
print("float64 ok")
"""


@pytest.mark.skipif(
    importlib.util.find_spec("jax") is None, reason="jax is not installed: `pip install jax`"
)
def test_float64_layers_stay_float64_on_jax():
    """Keras's tanh returns float32 for float64 input on JAX; our cells keep float64 (1e-12)."""
    env = {**os.environ, "KERAS_BACKEND": "jax", "TF_CPP_MIN_LOG_LEVEL": "3"}
    result = subprocess.run(
        [sys.executable, "-c", FLOAT64_SCRIPT], env=env, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-4000:]
    assert "float64 ok" in result.stdout
