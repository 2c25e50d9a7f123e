"""What the site, the assignments and the Colab cells need to know about the course.

One home for: the repository's address (read from ``pyproject.toml``'s ``[project.urls]``, the
only place it is written), the list of notebooks (every ``notebooks/NN_name.ipynb``, in file-name
order), each notebook's title and one-line summary, and the table of contents in
``book/course.toml``. Pure standard library, so every script can import it cheaply.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import tomllib

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK_DIR = ROOT / "notebooks"
EXERCISE_DIR = ROOT / "exercises"  # the exercise versions (scripts/assignments.py exercises)
BOOK_DIR = ROOT / "book"
NOTEBOOK_NAME = re.compile(r"\d\d_[a-z0-9_]+")
COLAB_BADGE_IMAGE = "https://colab.research.google.com/assets/colab-badge.svg"


def repository_url(pyproject: Path = ROOT / "pyproject.toml") -> str:
    """The repository's address, ``[project.urls] Repository`` in ``pyproject.toml``."""
    project = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]
    url = project.get("urls", {}).get("Repository", "")
    if not url.startswith("https://github.com/"):
        raise ValueError(
            f"pyproject.toml must set [project.urls] Repository = 'https://github.com/OWNER/NAME', "
            f"got {url!r}"
        )
    return url.rstrip("/")


def colab_url(
    name: str, repository: str | None = None, branch: str = "main", folder: str = "notebooks"
) -> str:
    """The address that opens ``<folder>/<name>.ipynb`` of the repository in Colab
    (``folder="exercises"``: the exercise version)."""
    repository = repository or repository_url()
    owner_repo = repository.removeprefix("https://github.com/")
    return (
        f"https://colab.research.google.com/github/{owner_repo}/blob/{branch}/{folder}/{name}.ipynb"
    )


def pip_requirement(repository: str | None = None) -> str:
    """What the notebooks' setup cell gives to pip on Colab: the package from the repository."""
    return f"rnn-utils @ git+{repository or repository_url()}"


def notebook_paths(directory: Path | None = None) -> list[Path]:
    """Every course notebook (``NN_name.ipynb``), in the order of the course."""
    directory = directory or NOTEBOOK_DIR
    return sorted(p for p in directory.glob("*.ipynb") if NOTEBOOK_NAME.fullmatch(p.stem))


def read_notebook(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def source(cell: dict) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


def title(nb: dict, fallback: str = "") -> str:
    """The notebook's title without its number: ``# 01 Sequence data`` gives ``Sequence data``."""
    for cell in nb.get("cells", []):
        if cell.get("cell_type") == "markdown":
            first = source(cell).lstrip().splitlines()[0] if source(cell).strip() else ""
            if first.startswith("# "):
                return re.sub(r"^\d\d\s+", "", first[2:].strip())
    return fallback


def first_learning_goal(nb: dict) -> str:
    """The first item of the title cell's "What you will learn" list (the summary fallback)."""
    cells = nb.get("cells", [])
    text = source(cells[0]) if cells else ""
    for line in text.splitlines():
        if line.startswith("- "):
            item = [line[2:].strip()]
            following = text.splitlines()[text.splitlines().index(line) + 1 :]
            for more in following:
                if not more.startswith("  "):
                    break
                item.append(more.strip())
            goal = " ".join(item).rstrip(";,.")
            return goal[:1].upper() + goal[1:] + "."
    return ""


def table_of_contents(path: Path = BOOK_DIR / "course.toml") -> dict[str, dict]:
    """``book/course.toml``: per notebook stem, its ``summary`` and ``runtime`` (both optional)."""
    if not path.is_file():
        return {}
    return tomllib.loads(path.read_text(encoding="utf-8")).get("notebooks", {})
