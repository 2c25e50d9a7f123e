"""rnn_utils: the package behind the course *RNNs, step by step*.

Importing it first (before TensorFlow) silences TensorFlow's C++ log lines and turns off
oneDNN's non-deterministic kernels, so notebook outputs are clean and reproducible on any CPU.
Inside a Jupyter kernel it also imports Keras/TensorFlow right away with the process's stderr
muted: TensorFlow 2.21 writes a few absl lines at import time that ignore TF_CPP_MIN_LOG_LEVEL,
and Jupyter would store them in the notebook. Elsewhere submodules load on demand, so
``from rnn_utils import quiz`` needs no TensorFlow.
"""

import contextlib
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")

__version__ = "0.1.0"


@contextlib.contextmanager
def muted_stderr_fd():
    """Send file descriptor 2 (where C++ libraries log) to /dev/null inside the block."""
    sys.stderr.flush()
    saved, devnull = os.dup(2), os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    try:
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)


def import_keras_quietly():
    """Import and return Keras (and its TensorFlow backend) without import-time log lines."""
    with muted_stderr_fd():
        import keras
    return keras


if "ipykernel" in sys.modules and os.environ["KERAS_BACKEND"] == "tensorflow":
    import_keras_quietly()
