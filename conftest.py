"""Test configuration for unit tests AND notebooks: quiet TensorFlow, nbval's stderr policy.

It lives at the repository root because pytest applies a conftest's hooks only to the files
below it: a hook in tests/ would never see the notebooks/ collectors. The environment variables
must be set before anything imports TensorFlow.
"""

import os

import pytest

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")


def pytest_collectstart(collector):
    """Do not compare stderr for notebooks (only their stdout and rich outputs)."""
    path = getattr(collector, "path", None)
    if path is not None and path.suffix == ".ipynb" and hasattr(collector, "skip_compare"):
        collector.skip_compare += ("stderr",)


@pytest.fixture(autouse=True, scope="session")
def _full_precision_matmuls():
    """TF32 off for the unit tests, as setup_notebook does for the notebooks: on Ampere and newer
    GPUs TensorFlow would otherwise run float32 products with ~1e-3 relative error, and the
    equivalence tests (<= 1e-5 against Keras's layers) would fail there. A no-op on CPUs."""
    if os.environ.get("KERAS_BACKEND", "tensorflow") == "tensorflow":
        import tensorflow as tf

        tf.config.experimental.enable_tensor_float_32_execution(False)
    yield
