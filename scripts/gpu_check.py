"""Check the course on a GPU: layer equivalence, every notebook, and a speed table.

    python scripts/gpu_check.py          # or: make gpu-check

On a machine whose TensorFlow sees a GPU it runs, in order,
1. the layers' equivalence tests (ours against Keras's built-ins, TF32 off, <= 1e-5),
2. every notebook top to bottom (execution only: stored outputs come from a CPU),
3. ``benchmarks/layers.py --quick``: our train step against Keras's built-ins, which use
   cuDNN there,
and prints one line per step with its result and time; it exits 1 if a step failed. On a
machine without a GPU it says so and exits 0: there is nothing to check that CPU CI does not.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EQUIVALENCE_TESTS = ["tests/test_layers.py", "tests/test_layer_contract.py"]
STEPS = {
    "layer equivalence tests": [sys.executable, "-m", "pytest", "-q",
                                *EQUIVALENCE_TESTS],
    "every notebook (execution only)": [sys.executable, "scripts/build_book.py", "--run"],
    "train-step benchmark (ours vs cuDNN)": [sys.executable, "benchmarks/layers.py", "--quick"],
}  # fmt: skip


def visible_gpus() -> list[str]:
    """Names of the GPUs TensorFlow sees (empty on a CPU-only machine)."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    from rnn_utils import import_keras_quietly

    import_keras_quietly()
    import tensorflow as tf

    return [device.name for device in tf.config.list_physical_devices("GPU")]


def main() -> int:
    gpus = visible_gpus()
    if not gpus:
        print("gpu-check: no GPU visible to TensorFlow on this machine; nothing to check here "
              "(CPU runs are covered by make test). Run it where a GPU is present.")  # fmt: skip
        return 0
    print(f"gpu-check: {len(gpus)} GPU(s): {', '.join(gpus)}")
    results = []
    for name, command in STEPS.items():
        print(f"\n== {name}: {' '.join(command[1:])}", flush=True)
        start = time.perf_counter()
        code = subprocess.run(command, cwd=ROOT).returncode
        results.append((name, "passed" if code == 0 else f"FAILED (exit {code})",
                        time.perf_counter() - start))  # fmt: skip
    width = max(len(name) for name in STEPS)
    print(f"\n{'step':<{width}}  {'result':<16}{'seconds':>8}")
    for name, outcome, seconds in results:
        print(f"{name:<{width}}  {outcome:<16}{seconds:>8.0f}")
    return 0 if all(outcome == "passed" for _, outcome, _ in results) else 1


if __name__ == "__main__":
    sys.exit(main())
