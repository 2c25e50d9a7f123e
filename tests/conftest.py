"""Test configuration: quiet, deterministic TensorFlow, and nbval's stderr policy.

The environment variables must be set before anything imports TensorFlow.
"""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")


def pytest_collectstart(collector):
    """Do not compare stderr for notebooks (only their stdout and rich outputs)."""
    path = getattr(collector, "path", None)
    if path is not None and path.suffix == ".ipynb" and hasattr(collector, "skip_compare"):
        collector.skip_compare += ("stderr",)
