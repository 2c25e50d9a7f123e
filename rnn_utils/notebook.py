"""The setup every notebook runs first: seeds, determinism, quiet logs, the course style."""

from __future__ import annotations

import logging
import os
import warnings


def _quiet_python_loggers() -> None:
    """Keep TensorFlow/absl Python-side warnings out of notebook outputs."""
    for name in ("tensorflow", "absl", "keras", "h5py", "matplotlib"):
        logging.getLogger(name).setLevel(logging.ERROR)
    warnings.filterwarnings("ignore", category=DeprecationWarning)
    warnings.filterwarnings("ignore", category=FutureWarning)
    warnings.filterwarnings("ignore", module="keras")


def device_description() -> str:
    """Return ``"GPU (n)"`` when the backend sees an accelerator, else ``"CPU"``."""
    import keras

    backend = keras.config.backend()
    gpus = 0
    if backend == "tensorflow":
        import tensorflow as tf

        gpus = len(tf.config.list_physical_devices("GPU"))
    elif backend == "jax":
        import jax

        gpus = sum(d.platform == "gpu" for d in jax.devices())
    elif backend == "torch":
        import torch

        gpus = torch.cuda.device_count()
    return f"GPU ({gpus})" if gpus else "CPU"


def setup_notebook(seed: int = 0, style: bool = True, verbose: bool = True) -> str:
    """Seed everything, make ops deterministic, silence logs and apply the course plot style.

    Args:
        seed: seed for Python's ``random``, NumPy and the Keras backend.
        style: apply :func:`rnn_utils.plots.use_course_style`.
        verbose: print the one-line report.

    Returns:
        The one-line report, e.g. ``"keras 3.15.1 | backend tensorflow 2.21.0 | CPU | seed 0"``.

    Example:
        >>> from rnn_utils.notebook import setup_notebook
        >>> _ = setup_notebook(seed=42)  # doctest: +SKIP
    """
    if not isinstance(seed, int) or seed < 0:
        raise ValueError(f"seed must be a non-negative int, got {seed!r}")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
    _quiet_python_loggers()
    from rnn_utils import import_keras_quietly

    keras = import_keras_quietly()

    keras.utils.set_random_seed(seed)  # seeds Python's random, NumPy and the backend
    backend = keras.config.backend()
    backend_version = ""
    if backend == "tensorflow":
        import tensorflow as tf

        tf.get_logger().setLevel(logging.ERROR)
        tf.config.experimental.enable_op_determinism()
        backend_version = " " + tf.__version__
    if style:
        from rnn_utils.plots import use_course_style

        use_course_style()
    report = (
        f"keras {keras.__version__} | backend {backend}{backend_version} | "
        f"{device_description()} | seed {seed}"
    )
    if verbose:
        print(report)
    return report
