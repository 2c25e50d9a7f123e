"""The package travels: a wheel built from the repository works in an environment outside it.

The wheel is built from a copy of the sources (``pyproject.toml``, ``README.md``,
``rnn_utils/``), so nothing stale from the repository's ``build/`` can slip in. It is installed
with ``--no-deps`` into a fresh virtual environment in a temporary folder; that environment sees
the current environment's packages (TensorFlow, ...) through a ``.pth`` file instead of
reinstalling them. There, from a folder outside the repository, every data loader runs
(``census_names``, ``cmudict_g2p``, ``adding_problem``, ``tech_ner`` train and test, the shipped
G2P model) and a copy of notebook 01 executes end to end.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import textwrap
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE_DATA = [
    "rnn_utils/data/tech_ner_train.tsv",
    "rnn_utils/data/tech_ner_test.tsv",
    "rnn_utils/models/g2p/model.keras",
    "rnn_utils/models/g2p/model_2.keras",
    "rnn_utils/models/g2p/vocabularies.json",
    "rnn_utils/models/g2p/card.json",
]
NOTEBOOK = ROOT / "notebooks" / "01_notation.ipynb"
ENV = {
    "TF_CPP_MIN_LOG_LEVEL": "3",
    "TF_ENABLE_ONEDNN_OPTS": "0",
    "KERAS_BACKEND": "tensorflow",
    "PYTHONHASHSEED": "0",
}
pytestmark = pytest.mark.slow


def _run(cmd, cwd, env=None, timeout=600):
    out = subprocess.run(
        [str(c) for c in cmd], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout
    )
    assert out.returncode == 0, f"{cmd}\n{out.stdout[-3000:]}\n{out.stderr[-3000:]}"
    return out.stdout


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    src = tmp_path_factory.mktemp("wheel-src")
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, src / name)
    shutil.copytree(
        ROOT / "rnn_utils", src / "rnn_utils", ignore=shutil.ignore_patterns("__pycache__")
    )
    out = tmp_path_factory.mktemp("wheel")
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", out, src], cwd=src)
    (path,) = out.glob("rnn_utils-*.whl")
    print(f"wheel: {path.name}, {path.stat().st_size / 1e6:.1f} MB")
    return path


@pytest.fixture(scope="module")
def venv(wheel, tmp_path_factory):
    """A fresh venv outside the repository: the wheel installed, other packages borrowed."""
    home = tmp_path_factory.mktemp("outside")
    env_dir = home / "venv"
    _run([sys.executable, "-m", "venv", "--without-pip", env_dir], cwd=home)
    python = env_dir / "bin" / "python"
    site = Path(
        _run(
            [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], cwd=home
        ).strip()
    )
    (site / "_borrowed_from_the_test_env.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    _run(
        [sys.executable, "-m", "pip", "--python", python, "install", "--no-deps", "-q", wheel],
        cwd=home,
    )
    # a kernel for notebooks that runs this venv's Python
    kernel = env_dir / "share" / "jupyter" / "kernels" / "python3"
    kernel.mkdir(parents=True)
    (kernel / "kernel.json").write_text(
        json.dumps(
            {
                "argv": [str(python), "-m", "ipykernel_launcher", "-f", "{connection_file}"],
                "display_name": "wheel test",
                "language": "python",
            }
        )
    )
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env.update(ENV, JUPYTER_PATH=str(env_dir / "share" / "jupyter"), HOME=str(home))
    return python, home, env_dir, env


def test_wheel_carries_the_package_data(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    assert set(PACKAGE_DATA) <= names
    assert not any(n.startswith(("tests/", "notebooks/", "data/", "scripts/")) for n in names)


LOADERS = textwrap.dedent(
    """
    import rnn_utils
    from rnn_utils.datasets import adding_problem, census_names, cmudict_g2p, tech_ner
    from rnn_utils.g2p import load_g2p

    print("file", rnn_utils.__file__)
    train, test = tech_ner("train"), tech_ner("test")
    print("tech_ner", len(train), len(test))
    print("census_names", len(census_names().all_names))
    g2p_data = cmudict_g2p()
    print("cmudict_g2p", len(g2p_data.train) + len(g2p_data.test))
    x, y = adding_problem(8, 5, seed=0)[:2]
    print("adding_problem", x.shape, y.shape)
    print("g2p", " ".join(load_g2p().predict(["cat"])[0]))
    """
)


def test_loaders_work_from_the_installed_wheel(venv):
    python, home, env_dir, env = venv
    out = _run([python, "-c", LOADERS], cwd=home, env=env)
    lines = dict(line.split(" ", 1) for line in out.strip().splitlines())
    assert Path(lines["file"]).is_relative_to(env_dir), lines["file"]
    assert not Path(lines["file"]).is_relative_to(ROOT)
    assert lines["tech_ner"] == "2400 600"
    assert int(lines["census_names"]) > 1000 and int(lines["cmudict_g2p"]) > 100_000
    assert lines["adding_problem"] == "(8, 5, 2) (8, 1)"
    assert lines["g2p"] == "K AE T", "the shipped G2P model loads and spells 'cat'"


RUN_NOTEBOOK = textwrap.dedent(
    """
    import sys, nbformat
    from nbclient import NotebookClient
    nb = nbformat.read(sys.argv[1], as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell("import rnn_utils; print(rnn_utils.__file__)"))
    NotebookClient(nb, timeout=600, kernel_name="python3",
                   resources={"metadata": {"path": sys.argv[2]}}).execute()
    print(nb.cells[-1].outputs[0]["text"].strip())
    """
)


def test_notebook_01_runs_end_to_end_outside_the_repository(venv):
    python, home, env_dir, env = venv
    work = home / "work"
    work.mkdir()
    copy = work / NOTEBOOK.name
    shutil.copy(NOTEBOOK, copy)
    out = _run([python, "-c", RUN_NOTEBOOK, copy, work], cwd=work, env=env)
    used = Path(out.strip().splitlines()[-1])
    assert used.is_relative_to(env_dir), f"the kernel imported {used}"
