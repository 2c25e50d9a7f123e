"""The setup helper every notebook calls first."""

import logging

import matplotlib as mpl
import numpy as np
import pytest

from rnn_utils.notebook import SEED_VARIABLE, course_seed, setup_notebook
from rnn_utils.plots import COURSE_STYLE


def test_report_names_keras_backend_device_and_seed(capsys):
    import keras

    report = setup_notebook(seed=3)
    assert capsys.readouterr().out.strip() == report
    assert report.startswith(f"keras {keras.__version__} | backend {keras.config.backend()}")
    assert report.endswith("| CPU | seed 3")


def test_same_seed_gives_same_numbers_everywhere():
    import keras

    def draw():
        setup_notebook(seed=7, verbose=False)
        layer = keras.layers.Dense(3)
        layer.build((None, 4))
        return (
            np.random.rand(3),  # noqa: NPY002 - the legacy global generator is seeded too
            keras.ops.convert_to_numpy(keras.random.normal((3,))),
            keras.ops.convert_to_numpy(layer.kernel),
        )

    first, second = draw(), draw()
    for a, b in zip(first, second, strict=True):
        np.testing.assert_array_equal(a, b)
    setup_notebook(seed=8, verbose=False)
    assert not np.array_equal(np.random.rand(3), first[0])  # noqa: NPY002


def test_op_determinism_is_on_and_tf_logger_quiet():
    from tensorflow.python.framework import config as tf_config

    setup_notebook(seed=0, verbose=False)
    assert tf_config.is_op_determinism_enabled()
    assert logging.getLogger("tensorflow").level == logging.ERROR


def test_course_style_is_applied():
    mpl.rcParams["axes.grid"] = False
    setup_notebook(seed=0, verbose=False)
    for key, value in COURSE_STYLE.items():
        if key != "axes.prop_cycle":
            expected = list(value) if isinstance(value, tuple) else value
            assert mpl.rcParams[key] == expected, key


def test_seed_variable_overrides_the_notebooks_seed(monkeypatch):
    monkeypatch.setenv(SEED_VARIABLE, "2")
    assert setup_notebook(seed=0, verbose=False).endswith("| seed 2")
    assert course_seed() == 2
    twice = np.random.rand(2)  # noqa: NPY002
    setup_notebook(seed=2, verbose=False)
    np.testing.assert_array_equal(np.random.rand(2), twice)  # noqa: NPY002
    monkeypatch.setenv(SEED_VARIABLE, " ")
    assert setup_notebook(seed=0, verbose=False).endswith("| seed 0")
    monkeypatch.setenv(SEED_VARIABLE, "one")
    with pytest.raises(ValueError, match="RNN_COURSE_SEED must be a non-negative integer"):
        setup_notebook(seed=0, verbose=False)


def test_tf32_is_off_after_setup():
    import tensorflow as tf

    tf.config.experimental.enable_tensor_float_32_execution(True)
    setup_notebook(seed=0, verbose=False)
    assert not tf.config.experimental.tensor_float_32_execution_enabled()


@pytest.mark.parametrize("seed", [-1, 1.5, "0"])
def test_bad_seed_is_rejected(seed):
    with pytest.raises(ValueError, match="seed must be a non-negative int"):
        setup_notebook(seed=seed)


def test_muted_stderr_fd_hides_cpp_level_writes_only_inside_the_block():
    import subprocess
    import sys

    code = (
        "import os, rnn_utils\n"
        "with rnn_utils.muted_stderr_fd():\n"
        "    os.write(2, b'C++ log line\\n')\n"
        "os.write(2, b'after\\n')\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0 and out.stderr == "after\n"
