"""The environment files agree with each other, and CI runs the README's test command."""

import re
from pathlib import Path

import pytest

tomllib = pytest.importorskip("tomllib")
yaml = pytest.importorskip("yaml")
from packaging.requirements import Requirement  # noqa: E402
from packaging.version import Version  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
PROJECT = PYPROJECT["project"]


def _pins() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "constraints.txt").read_text().splitlines():
        line = line.split("#")[0].split(";")[0].strip()  # drop comments and env markers
        if line:
            name, version = line.split("==")
            pins[name.lower()] = version
    return pins


def _requirements(group=None):
    reqs = PROJECT["dependencies"] if group is None else PROJECT["optional-dependencies"][group]
    return [Requirement(r) for r in reqs]


def test_every_runtime_dependency_is_pinned_and_the_pin_is_allowed():
    pins = _pins()
    for req in _requirements():
        assert req.name.lower() in pins, f"{req.name} is not pinned in constraints.txt"
        assert Version(pins[req.name.lower()]) in req.specifier, req


def test_dev_tools_that_run_notebooks_are_pinned():
    pins = _pins()
    for name in ("nbval", "nbformat", "nbconvert", "nbclient", "ipykernel", "pytest", "ruff"):
        assert name in pins, name
    for req in _requirements("dev"):
        if req.name.lower() in pins:
            assert Version(pins[req.name.lower()]) in req.specifier, req


def test_environment_yml_installs_the_project_with_the_constraints_and_nothing_else():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip_section = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    assert pip_section == ["-c constraints.txt", "-e .[dev]"]
    conda_packages = [d for d in env["dependencies"] if isinstance(d, str)]
    assert sorted(re.split(r"[=<>]", d)[0] for d in conda_packages) == ["make", "pip", "python"]
    python = next(d for d in conda_packages if d.startswith("python"))
    minimum = PROJECT["requires-python"].removeprefix(">=")
    assert Version(python.split("=")[1]) >= Version(minimum)


def test_ci_runs_the_readme_test_command():
    ci = (ROOT / ".ci" / "run").read_text()
    assert "set -euo pipefail" in ci and re.search(r"^make test$", ci, re.M)
    readme = (ROOT / "README.md").read_text()
    quick = readme.split("## Quick start", 1)[1].split("```", 2)[1]
    commands = [line.split("#")[0].strip() for line in quick.splitlines()[1:] if line.strip()]
    assert commands == ["make book", "make test"]


def test_makefile_has_the_documented_targets():
    makefile = (ROOT / "Makefile").read_text()
    for target in ("book", "test", "lab", "refresh", "bench", "lint", "student", "autograde"):
        assert re.search(rf"^{target}:", makefile, re.M), target


def test_site_grading_and_build_tools_are_pinned_within_their_extras():
    pins = _pins()
    for group in ("site", "grading"):
        for req in _requirements(group):
            assert req.name.lower() in pins, f"{req.name} ({group}) is not pinned"
            assert Version(pins[req.name.lower()]) in req.specifier, req
    for name in ("build", "docutils", "myst-parser", "pydata-sphinx-theme", "sqlalchemy"):
        assert name in pins, name
    dev = [r for r in _requirements("dev") if r.name == PROJECT["name"]]
    assert dev and dev[0].extras == {"site", "grading"}, "make test installs the site and grading"


def test_repository_address_and_package_data_are_declared():
    assert PROJECT["urls"]["Repository"].startswith("https://github.com/")
    package_data = PYPROJECT["tool"]["setuptools"]["package-data"]["rnn_utils"]
    assert "data/*.tsv" in package_data
    for split in ("train", "test"):
        assert (ROOT / "rnn_utils" / "data" / f"tech_ner_{split}.tsv").is_file()


def test_book_builds_the_site_and_ci_installs_chromium_before_make_test():
    makefile = (ROOT / "Makefile").read_text()
    book = re.search(r"^book:.*\n\t(.+)$", makefile, re.M).group(1)
    assert "scripts/build_site.py" in book  # from the stored outputs: nothing is executed
    for target in ("student", "autograde"):
        assert re.search(rf"^{target}:", makefile, re.M), target
    ci = (ROOT / ".ci" / "run").read_text()
    install = ci.index("apt-get install -y")
    assert (
        'CI:-}" == "true"' in ci and "chromium" in ci[install:] and install < ci.index("make test")
    )
