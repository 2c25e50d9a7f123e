"""The setup every notebook runs first: seeds, determinism, quiet logs, the course style."""

from __future__ import annotations

import logging
import os
import warnings

SEED_VARIABLE = "RNN_COURSE_SEED"
"""Environment variable that, when set, overrides every notebook's setup seed."""


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


_active_seed: int | None = None


def course_seed() -> int:
    """The seed of the last :func:`setup_notebook` call (``$RNN_COURSE_SEED`` when set).

    Notebooks pass it to every function that takes its own ``seed=`` (training runs, data
    generators), so running a notebook with another setup seed changes every random choice in
    it, not only the global generators.
    """
    if _active_seed is None:
        raise RuntimeError("call setup_notebook(seed=...) first: it sets the course seed.")
    return _active_seed


def _seed_from_environment(seed: int) -> int:
    """The seed to use: ``$RNN_COURSE_SEED`` when it is set, else ``seed``."""
    value = os.environ.get(SEED_VARIABLE, "").strip()
    if not value:
        return seed
    if not value.isdigit():
        raise ValueError(f"{SEED_VARIABLE} must be a non-negative integer, got {value!r}")
    return int(value)


def _full_precision_matmuls(backend: str) -> bool:
    """Turn off TF32 (Ampere+ GPUs), so float32 products match the CPU's to ~1e-7.

    Returns True when a GPU is present, i.e. when the setting changes anything.
    """
    if backend == "tensorflow":
        import tensorflow as tf

        tf.config.experimental.enable_tensor_float_32_execution(False)
        return bool(tf.config.list_physical_devices("GPU"))
    if backend == "jax":
        import jax

        jax.config.update("jax_default_matmul_precision", "highest")
        return any(d.platform == "gpu" for d in jax.devices())
    if backend == "torch":
        import torch

        torch.backends.cuda.matmul.allow_tf32 = False
        torch.backends.cudnn.allow_tf32 = False
        return torch.cuda.is_available()
    return False


def setup_notebook(seed: int = 0, style: bool = True, verbose: bool = True) -> str:
    """Seed everything, make ops deterministic, silence logs and apply the course plot style.

    It also turns off TF32 matrix products on GPUs (Ampere and newer use them by default, with
    about 1e-3 relative error), so the notebooks' "equal to Keras to 1e-5" checks hold there.

    Args:
        seed: seed for Python's ``random``, NumPy and the Keras backend. The environment
            variable ``RNN_COURSE_SEED``, when set, takes its place: the portability tests run
            every notebook with other seeds this way.
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
    global _active_seed
    seed = _active_seed = _seed_from_environment(seed)
    from rnn_utils.versions import check_versions

    check_versions()  # a clear message on a runtime with too old a Keras or TensorFlow
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
    elif backend == "jax":
        import jax

        # float64 stays float64 (JAX computes float64 arrays in float32 unless told): the
        # NumPy-vs-Keras checks in float64 need it; float32 layers are unaffected
        jax.config.update("jax_enable_x64", True)
        backend_version = " " + jax.__version__
    on_gpu = _full_precision_matmuls(backend)
    if style:
        from rnn_utils.plots import use_course_style

        use_course_style()
    report = (
        f"keras {keras.__version__} | backend {backend}{backend_version} | "
        f"{device_description()}{' (TF32 off)' if on_gpu else ''} | seed {seed}"
    )
    if verbose:
        print(report)
    return report
