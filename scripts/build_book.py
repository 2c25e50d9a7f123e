"""Execute the course notebooks headless and refresh their stored outputs.

    python scripts/build_book.py --in-place            # make refresh: every notebook
    python scripts/build_book.py --in-place 02_vanilla_rnn   # just one
    python scripts/build_book.py --run --seed 1        # execute only (nothing written), seed 1

Prints one line per notebook with its runtime; exits non-zero if any notebook fails.
The website is built from the stored outputs by ``scripts/build_site.py`` (``make book``);
``--html DIR`` is kept as a shortcut for it and executes nothing.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--html", type=Path, help="build the website into this folder (no execution)")
    mode.add_argument("--in-place", action="store_true", help="rewrite the notebooks' outputs")
    mode.add_argument(
        "--run", action="store_true", help="execute only: check every cell runs, write nothing"
    )
    parser.add_argument(
        "--seed",
        type=int,
        help="run with this setup seed (sets RNN_COURSE_SEED; only with --run)",
    )
    parser.add_argument("names", nargs="*", help="only these notebooks (file names or stems)")
    args = parser.parse_args(argv)
    if args.seed is not None and not args.run:
        parser.error("--seed changes the stored outputs' seed: use it with --run only")
    if args.html:
        import build_site

        build_site.build(args.html.resolve())
        return 0

    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
    if args.seed is not None:
        from rnn_utils.notebook import SEED_VARIABLE

        os.environ[SEED_VARIABLE] = str(args.seed)
    paths = sorted(NOTEBOOKS.glob("*.ipynb"))
    if args.names:
        wanted = {Path(n).stem for n in args.names}
        paths = [p for p in paths if p.stem in wanted]
    if not paths:
        print("no notebooks to execute")
        return 0

    import nbformat

    failures, total = [], 0.0
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
    print(f"total {total:.1f} s")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
