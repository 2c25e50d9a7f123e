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
    for target in ("book", "test", "lab", "refresh", "bench", "lint"):
        assert re.search(rf"^{target}:", makefile, re.M), target
