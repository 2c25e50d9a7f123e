"""rnn_utils: the package behind the course *RNNs, step by step*.

Importing it first (before TensorFlow) silences TensorFlow's C++ log lines and turns off
oneDNN's non-deterministic kernels, so notebook outputs are clean and reproducible on any CPU.
Submodules are imported on demand: ``from rnn_utils import quiz`` needs no TensorFlow.
"""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")

__version__ = "0.1.0"
