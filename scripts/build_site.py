"""Build the course website from the committed, executed notebooks (nothing is executed).

    python scripts/build_site.py               # make book: writes build/html/index.html
    python scripts/build_site.py --out DIR     # writes DIR/index.html (the browser test does this)

Steps: stage ``book/`` (Sphinx configuration, landing page, static files), every notebook in
``notebooks/`` and a local copy of MathJax 2.7 into ``<out>-src/``; then Sphinx with MyST-NB
renders the stored outputs into ``<out>/``. Staged files are rewritten only when they change, so
a second build only re-reads what changed. The landing page's path through the course is made
from each notebook's title and ``book/course.toml`` (summary, runtime): a new notebook appears by
itself. Each notebook page gets an "Open in Colab" badge (served locally) and a download link to
the original ``.ipynb``, and the same two for its exercise version (``exercises/``); links to
notebooks that do not exist yet become plain text.
Prints the build time and the number of pages.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import course_meta as meta  # noqa: E402

DEFAULT_OUT = meta.ROOT / "build" / "html"
NOTEBOOK_LINK = re.compile(r"\[([^\]]+)\]\((\d\d_[a-z0-9_]+)\.ipynb(#[^)\s]*)?\)")
COLAB_LINE = re.compile(r"^.*colab\.research\.google\.com.*\n?", re.M)
MATHJAX_SKIP = ("localization/", "jax/output/SVG/")  # keep English and the HTML-CSS output


def _write_if_changed(path: Path, data: bytes) -> None:
    if path.is_file() and path.read_bytes() == data:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def page_header(name: str, repository: str, exercises: bool = True) -> str:
    """The MyST block under a notebook page's title: Colab badge (local image) + download link,
    then the same two for the exercise version (solutions removed, checks kept), if it exists."""
    links = [
        f"[![Open in Colab](_static/colab-badge.svg)]({meta.colab_url(name, repository)})",
        f"{{download}}`Download {name}.ipynb <_notebooks/{name}.ipynb>`",
    ]
    if exercises:
        colab = meta.colab_url(name, repository, folder="exercises")
        links += [
            "**Exercises:**",
            f"[![Open the exercises in Colab](_static/colab-badge.svg)]({colab})",
            f"{{download}}`Download the exercise version <_exercises/{name}.ipynb>`",
        ]
    return "```{container} course-links\n" + "\n".join(links) + "\n```\n"


def site_notebook(nb: dict, name: str, published: set[str], repository: str) -> dict:
    """The notebook as the site shows it: the header under the title, dead links unlinked."""
    nb = json.loads(json.dumps(nb))
    cells = nb["cells"]
    for cell in cells:
        if cell.get("cell_type") != "markdown":
            continue
        text = meta.source(cell)

        def relink(match: re.Match) -> str:
            label, target = match.group(1), match.group(2)
            return match.group(0) if target in published else f"{label} (not yet published)"

        cell["source"] = NOTEBOOK_LINK.sub(relink, text)
    if cells and cells[0].get("cell_type") == "markdown":
        lines = COLAB_LINE.sub("", meta.source(cells[0])).split("\n", 1)
        rest = lines[1].lstrip("\n") if len(lines) > 1 else ""
        header = page_header(name, repository, (meta.EXERCISE_DIR / f"{name}.ipynb").is_file())
        cells[0]["source"] = f"{lines[0]}\n\n{header}\n{rest}"
    return nb


def path_table(paths: list[Path], toc: dict[str, dict]) -> str:
    rows = ["| # | notebook | what you will learn | runtime |", "|---|---|---|---|"]
    for path in paths:
        nb = meta.read_notebook(path)
        entry = toc.get(path.stem, {})
        summary = entry.get("summary") or meta.first_learning_goal(nb) or "—"
        runtime = entry.get("runtime", "not measured yet")
        number = path.stem[:2]
        name = meta.title(nb, path.stem).replace("|", "\\|").replace("`", "")
        rows.append(
            f"| {number} | {{doc}}`{name} <{path.stem}>` | {summary.replace('|', chr(92) + '|')} "
            f"| {runtime} |"
        )
    return "```{table}\n:class: course-path\n\n" + "\n".join(rows) + "\n```"


def stage(src: Path, paths: list[Path]) -> None:
    """Write the Sphinx source folder: configuration, landing page, notebooks, MathJax."""
    import jupyter_server_mathjax

    repository = meta.repository_url()
    src.mkdir(parents=True, exist_ok=True)
    stems = {p.stem for p in paths}
    # drop pages of notebooks that were removed or renamed since the last build
    staged = [src.glob("*.ipynb"), (src / "_notebooks").glob("*.ipynb")]
    for old in [p for found in staged for p in found] + list((src / "_exercises").glob("*.ipynb")):
        if old.stem not in stems:
            old.unlink()
    for path in sorted(meta.BOOK_DIR.rglob("*")):  # conf.py, _static/ (index.md: below)
        skip = path.name in ("index.md", "course.toml") or "__pycache__" in path.parts
        if path.is_file() and not skip:
            _write_if_changed(src / path.relative_to(meta.BOOK_DIR), path.read_bytes())
    _write_if_changed(src / "_site.json", json.dumps({"repository": repository}, indent=1).encode())
    mathjax = Path(jupyter_server_mathjax.__file__).parent / "static"
    for path in sorted(mathjax.rglob("*")):
        rel = path.relative_to(mathjax).as_posix()
        keep = not rel.startswith(MATHJAX_SKIP) or rel.startswith("localization/en/")
        if path.is_file() and keep:
            _write_if_changed(src / "_static" / "mathjax" / rel, path.read_bytes())

    toc = meta.table_of_contents()
    index = (meta.BOOK_DIR / "index.md").read_text(encoding="utf-8")
    index = (
        index.replace("{{ path }}", path_table(paths, toc))
        .replace("{{ toctree }}", "\n".join(p.stem for p in paths))
        .replace("{{ repository }}", repository)
    )
    _write_if_changed(src / "index.md", index.encode())
    for path in paths:
        original = path.read_bytes()
        _write_if_changed(src / "_notebooks" / path.name, original)
        exercise = meta.EXERCISE_DIR / path.name
        if exercise.is_file():
            _write_if_changed(src / "_exercises" / path.name, exercise.read_bytes())
        nb = site_notebook(json.loads(original), path.stem, stems, repository)
        _write_if_changed(src / path.name, (json.dumps(nb, indent=1) + "\n").encode())


def build(out: Path = DEFAULT_OUT, quiet: bool = False) -> tuple[int, float]:
    """Stage and build the site into ``out``; return (number of pages, seconds)."""
    from sphinx.cmd.build import build_main

    start = time.perf_counter()
    paths = meta.notebook_paths()
    src = out.parent / f"{out.name}-src"
    stage(src, paths)
    args = ["-b", "html", "-q", "-j", "auto", str(src), str(out)]
    with warnings.catch_warnings():  # Sphinx's deprecation notices about its extensions
        warnings.simplefilter("ignore")
        status = build_main(args)
    if status:
        raise RuntimeError(f"sphinx-build failed with status {status}")
    seconds = time.perf_counter() - start
    pages = len([p for p in out.glob("*.html")])
    if not quiet:
        print(
            f"built {pages} pages ({len(paths)} notebooks) in {seconds:.1f} s: {out / 'index.html'}"
        )
    return pages, seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder")
    args = parser.parse_args(argv)
    build(args.out.resolve())
    return 0


if __name__ == "__main__":
    sys.exit(main())
