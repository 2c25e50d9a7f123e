"""Give every notebook an "Open in Colab" badge and a setup cell that installs the package there.

    python scripts/colab_setup.py            # update notebooks/*.ipynb in place (idempotent)
    python scripts/colab_setup.py --check    # exit 1 and list the notebooks that need it

The repository's address is read from ``pyproject.toml`` (``[project.urls] Repository``), the
only place it is written. Two edits per notebook, both made again from scratch on every run so a
changed address propagates:

- the title cell gets, under its ``# NN Title`` line, a badge linking to the notebook on Colab;
- the setup cell gets, right before its ``import rnn_utils`` line, a few lines that install the
  package from the repository with pip when it cannot be found (on Colab). In the repository's
  environment the package is found and nothing runs, so the cell's output, and what nbval
  compares, do not change. The cell's ``import rnn_utils`` line stays as it is, still the first
  import of anything that loads TensorFlow (the block imports only ``importlib``,
  ``subprocess`` and ``sys``).

Only sources change: outputs, execution counts and metadata are kept as they are.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import course_meta as meta  # noqa: E402

BADGE_ALT = "Open In Colab"
INSTALL_COMMENT = "# on Colab: install the course package first"
INSTALL_BLOCK = re.compile(
    r"^import importlib\.util\nimport subprocess\nimport sys\n\n"
    r"if importlib\.util\.find_spec\(\"rnn_utils\"\) is None:[^\n]*\n(?:    [^\n]*\n)+\n?",
    re.M,
)
IMPORT_LINE = re.compile(r"^import rnn_utils\b", re.M)
BADGE_LINE = re.compile(r"^\[!\[[^\]]*\]\([^)]*colab[^)]*\)\]\([^)]*\)[ \t]*\n?", re.M)


def badge(name: str, repository: str) -> str:
    return f"[![{BADGE_ALT}]({meta.COLAB_BADGE_IMAGE})]({meta.colab_url(name, repository)})"


def install_block(repository: str) -> str:
    """The lines put before the setup cell's ``import rnn_utils`` (ruff-clean, formatted)."""
    return (
        "import importlib.util\n"
        "import subprocess\n"
        "import sys\n"
        "\n"
        f'if importlib.util.find_spec("rnn_utils") is None:  {INSTALL_COMMENT}\n'
        f'    url = "git+{repository}"\n'
        '    subprocess.run([sys.executable, "-m", "pip", "install", "-q", '
        'f"rnn-utils @ {url}"], check=True)\n'
        "    importlib.invalidate_caches()\n"
        "\n"
    )


def with_badge(title_cell: str, name: str, repository: str) -> str:
    """The title cell with exactly one, current, badge right under the ``# NN Title`` line."""
    text = BADGE_LINE.sub("", title_cell)
    title, _, rest = text.partition("\n")
    return f"{title}\n\n{badge(name, repository)}\n\n{rest.lstrip(chr(10))}".rstrip("\n")


def with_install(setup_cell: str, repository: str) -> str:
    """The setup cell with the install block right before its first ``import rnn_utils``."""
    text = INSTALL_BLOCK.sub("", setup_cell, count=1)
    line = IMPORT_LINE.search(text)
    at = line.start() if line else 0
    return text[:at] + install_block(repository) + text[at:]


def apply(nb: dict, name: str, repository: str | None = None) -> dict:
    """Return the notebook with its badge and install block (the input is not modified)."""
    import copy

    repository = repository or meta.repository_url()
    nb = copy.deepcopy(nb)
    cells = nb["cells"]
    if not cells or cells[0].get("cell_type") != "markdown":
        raise ValueError(f"{name}: the first cell must be the Markdown title cell")
    cells[0]["source"] = with_badge(meta.source(cells[0]), name, repository)
    setup = next(
        (
            c
            for c in cells
            if c.get("cell_type") == "code" and "setup" in c["metadata"].get("tags", [])
        ),
        None,
    )
    if setup is None:
        raise ValueError(f"{name}: no code cell tagged 'setup'")
    setup["source"] = with_install(meta.source(setup), repository)
    return nb


def _normalised(nb: dict) -> dict:
    """Sources as strings, as nbformat reads them (on disk they may be lists of lines)."""
    import copy

    nb = copy.deepcopy(nb)
    for cell in nb["cells"]:
        cell["source"] = meta.source(cell)
    return nb


def needs_update(nb: dict, name: str, repository: str | None = None) -> bool:
    return _normalised(nb) != apply(_normalised(nb), name, repository)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report; exit 1 if needed")
    parser.add_argument("names", nargs="*", help="only these notebooks (default: all)")
    args = parser.parse_args(argv)
    import nbformat

    repository = meta.repository_url()
    paths = meta.notebook_paths()
    if args.names:
        paths = [p for p in paths if p.stem in {Path(n).stem for n in args.names}]
    stale = []
    for path in paths:
        nb = nbformat.read(path, as_version=4)
        if not needs_update(nb, path.stem, repository):
            continue
        stale.append(path.name)
        if not args.check:
            updated = nbformat.from_dict(apply(nb, path.stem, repository))
            nbformat.write(updated, path)
            print(f"updated {path.name}")
    if args.check:
        for name in stale:
            print(f"needs the Colab badge/install cell: {name} (run python scripts/colab_setup.py)")
        return 1 if stale else 0
    print(f"{len(stale)} of {len(paths)} notebooks updated; repository {repository}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
