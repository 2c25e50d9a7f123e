"""Execute the course notebooks headless: render them to HTML, or refresh their stored outputs.

    python scripts/build_book.py --html build/html   # make book: notebooks are not modified
    python scripts/build_book.py --in-place          # make refresh: rewrite stored outputs

Prints one line per notebook with its runtime; exits non-zero if any notebook fails.
"""

from __future__ import annotations

import argparse
import html
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
TIMEOUT_PER_CELL = 600


def execute(path: Path):
    """Run a notebook top to bottom in a fresh kernel; return (notebook, seconds)."""
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb,
        timeout=TIMEOUT_PER_CELL,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
        record_timing=False,
    )
    start = time.perf_counter()
    client.execute()
    return nb, time.perf_counter() - start


def write_index(out_dir: Path, rows: list[tuple[str, str, float]]) -> None:
    items = "\n".join(
        f'<li><a href="{html.escape(page)}">{html.escape(title)}</a> '
        f"<small>({seconds:.0f} s)</small></li>"
        for page, title, seconds in rows
    )
    body = f"<ol>\n{items}\n</ol>" if rows else "<p>No notebooks yet.</p>"
    (out_dir / "index.html").write_text(
        "<!doctype html><meta charset='utf-8'><title>RNNs, step by step</title>"
        f"<h1>RNNs, step by step</h1>\n{body}\n",
        encoding="utf-8",
    )


def title_of(nb, fallback: str) -> str:
    for cell in nb.cells:
        if cell.cell_type == "markdown" and cell.source.startswith("# "):
            return cell.source.splitlines()[0][2:].strip()
    return fallback


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--html", type=Path, help="write HTML pages and index.html to this folder")
    mode.add_argument("--in-place", action="store_true", help="rewrite the notebooks' outputs")
    parser.add_argument("names", nargs="*", help="only these notebooks (file names or stems)")
    args = parser.parse_args(argv)

    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
    paths = sorted(NOTEBOOKS.glob("*.ipynb"))
    if args.names:
        wanted = {Path(n).stem for n in args.names}
        paths = [p for p in paths if p.stem in wanted]
    if args.html:
        args.html.mkdir(parents=True, exist_ok=True)
    if not paths:
        print("no notebooks to render yet")
        if args.html:
            write_index(args.html, [])
        return 0

    import nbformat
    from nbconvert import HTMLExporter

    rows, failures, total = [], [], 0.0
    for path in paths:
        try:
            nb, seconds = execute(path)
        except Exception as error:  # report every failing notebook, then exit non-zero
            print(f"FAILED {path.name}: {type(error).__name__}: {str(error)[-2000:]}")
            failures.append(path.name)
            continue
        total += seconds
        print(f"{path.name:<32} {seconds:6.1f} s", flush=True)
        if args.in_place:
            nbformat.write(nb, path)
        else:
            page = path.with_suffix(".html").name
            body, _ = HTMLExporter().from_notebook_node(nb)
            (args.html / page).write_text(body, encoding="utf-8")
            rows.append((page, title_of(nb, path.stem), seconds))
    if args.html:
        write_index(args.html, rows)
        print(f"wrote {len(rows)} page(s) and index.html to {args.html}")
    print(f"total {total:.1f} s")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
