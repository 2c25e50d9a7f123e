"""The Colab badge and install lines (``scripts/colab_setup.py``) and the one home of the URL.

Every notebook opens with an "Open in Colab" badge and a setup cell that installs the package
from the repository when it is missing; the repository's address is written only in
``pyproject.toml``. The script's edits are checked on a fixture (idempotent, a new address
replaces the old one, outputs untouched, the conventions test still passes), on copies of the
real notebooks (ruff-clean; every setup cell prints exactly its stored output), and by running
the install lines with the package hidden (pip is asked for ``rnn-utils @ git+<address>``).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import tomllib

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
sys.path.insert(0, str(ROOT / "tests"))
import colab_setup  # noqa: E402
import course_meta as meta  # noqa: E402
import test_notebook_conventions as conventions  # noqa: E402

NOTEBOOKS = meta.notebook_paths()
REPOSITORY = meta.repository_url()


def _fixture() -> dict:
    nb = conventions.valid_notebook()
    nb["cells"][1]["source"] = (
        "import rnn_utils  # noqa: F401, I001  (first: keeps TensorFlow's start-up logs quiet)\n"
        "\nimport numpy as np\n\nfrom rnn_utils.notebook import setup_notebook\n\n"
        "setup_notebook(0)"
    )
    return nb


def test_the_repository_address_lives_in_pyproject_only():
    urls = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["urls"]
    assert urls["Repository"] == REPOSITORY and REPOSITORY.startswith("https://github.com/")
    for folder in ("scripts", "book", "rnn_utils"):
        for path in (ROOT / folder).rglob("*"):
            if path.suffix in (".py", ".md", ".toml", ".json", ".txt"):
                assert REPOSITORY not in path.read_text(encoding="utf-8"), path
    assert meta.colab_url("01_x", REPOSITORY).endswith("/blob/main/notebooks/01_x.ipynb")


def test_apply_adds_badge_and_install_lines_and_is_idempotent():
    nb = _fixture()
    out = colab_setup.apply(nb, "99_fixture", REPOSITORY)
    title = out["cells"][0]["source"]
    assert title.startswith("# 99 Fixture\n\n[![Open In Colab]")
    assert meta.colab_url("99_fixture", REPOSITORY) in title
    setup = out["cells"][1]["source"]
    assert f'url = "git+{REPOSITORY}"' in setup
    assert setup.index("find_spec(") < setup.index("import rnn_utils  # noqa")
    assert setup.endswith("setup_notebook(0)")
    assert colab_setup.apply(out, "99_fixture", REPOSITORY) == out
    assert not colab_setup.needs_update(out, "99_fixture", REPOSITORY)
    assert colab_setup.needs_update(nb, "99_fixture", REPOSITORY)
    # only sources change
    for old, new in zip(nb["cells"], out["cells"], strict=True):
        assert {k: v for k, v in old.items() if k != "source"} == {
            k: v for k, v in new.items() if k != "source"
        }
    assert conventions.notebook_problems(out) == []


def test_a_new_address_replaces_the_old_one():
    first = colab_setup.apply(_fixture(), "99_fixture", "https://github.com/old/place")
    moved = colab_setup.apply(first, "99_fixture", REPOSITORY)
    assert moved == colab_setup.apply(_fixture(), "99_fixture", REPOSITORY)
    assert "old/place" not in json.dumps(moved)


def test_apply_refuses_a_notebook_without_title_or_setup_cell():
    nb = _fixture()
    nb["cells"][1]["metadata"]["tags"] = []
    with pytest.raises(ValueError, match="setup"):
        colab_setup.apply(nb, "99_fixture", REPOSITORY)
    with pytest.raises(ValueError, match="title"):
        colab_setup.apply({"cells": nb["cells"][1:]}, "99_fixture", REPOSITORY)


INSTALL_PROBE = """
import importlib.util, json, subprocess, sys
calls = []
subprocess.run = lambda args, check: calls.append(args)
if sys.argv[1] == "missing":
    importlib.util.find_spec = lambda name: None
exec(sys.argv[2])
print(json.dumps(calls))
"""


@pytest.mark.parametrize("where", ["repository", "missing"])
def test_install_lines_run_pip_only_when_the_package_is_missing(where):
    block = colab_setup.install_block(REPOSITORY)
    out = subprocess.run(
        [sys.executable, "-c", INSTALL_PROBE, where, block],
        capture_output=True,
        text=True,
        check=True,
    )
    calls = json.loads(out.stdout)
    if where == "repository":
        assert calls == []
    else:
        assert calls == [
            [sys.executable, "-m", "pip", "install", "-q", f"rnn-utils @ git+{REPOSITORY}"]
        ]


@pytest.fixture(scope="module")
def applied_copies(tmp_path_factory):
    """Copies of the real notebooks with the badge and install lines, in a project folder."""
    import nbformat

    project = tmp_path_factory.mktemp("colab")
    shutil.copy(ROOT / "pyproject.toml", project / "pyproject.toml")
    (project / "notebooks").mkdir()
    for path in NOTEBOOKS:
        nb = nbformat.read(path, as_version=4)
        nbformat.write(
            nbformat.from_dict(colab_setup.apply(nb, path.stem)), project / "notebooks" / path.name
        )
    return project


def test_applied_notebooks_are_ruff_clean(applied_copies):
    for args in (["check"], ["format", "--check"]):
        out = subprocess.run(
            [sys.executable, "-m", "ruff", *args, "notebooks"],
            cwd=applied_copies,
            capture_output=True,
            text=True,
        )
        assert out.returncode == 0, out.stdout + out.stderr


def test_applied_setup_cells_print_exactly_their_stored_outputs(applied_copies):
    """What nbval compares does not change: every setup cell, run in the repository's env."""
    import nbformat
    from nbclient import NotebookClient

    setups = []
    for path in sorted((applied_copies / "notebooks").glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        setups.append(next(c for c in nb.cells if "setup" in c.metadata.get("tags", [])))
    probe = nbformat.v4.new_notebook(
        cells=[nbformat.from_dict(json.loads(json.dumps(c))) for c in setups]
    )
    probe.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
    NotebookClient(probe, timeout=300, kernel_name="python3").execute()

    def visible(cell):
        # A kernel may flush one print in several stream chunks ("... seed 0" then "\n"):
        # consecutive chunks of one stream are joined, as nbval compares them.
        shown = []
        for o in cell.outputs:
            if o.get("name") == "stderr":
                continue
            if shown and o.get("name") == "stdout" and shown[-1][0] == "stdout":
                shown[-1] = ("stdout", shown[-1][1] + o.get("text", ""), None)
                continue
            shown.append((o.get("name"), o.get("text"), o.get("data", {}).get("text/plain")))
        return shown

    for stored, ran in zip(setups, probe.cells, strict=True):
        assert visible(ran) == visible(stored)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_every_notebook_has_the_colab_badge_and_install_lines(path):
    nb = meta.read_notebook(path)
    assert not colab_setup.needs_update(nb, path.stem, REPOSITORY), (
        f"{path.name} lacks the Colab badge / install lines or has an old address: run "
        "`python scripts/colab_setup.py` (then `make test`)"
    )
