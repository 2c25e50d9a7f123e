"""Speed of rnn_utils's recurrent layers vs Keras's built-ins (CPU; TensorFlow, then JAX).

Run:  python benchmarks/layers.py           (7 timed repeats)
      python benchmarks/layers.py --quick   (3 repeats, for a smoke run)

For SimpleRNN, GRU and LSTM at two shapes it times a forward pass (``predict_on_batch``) and a
training step (``train_on_batch``) of a model ``Input -> RNN -> Dense(1)``, ours and Keras's run
interleaved, and prints medians, the ratio ours/built-in and the achieved GFLOP/s of the matmuls
next to the GFLOP/s of one large matmul measured in the same run, and the range of the
per-repeat ratios; a last column gives the ratio of our layer built with ``unroll=True``
(several steps per iteration of the hand-written BPTT loops: it changes the training step only,
on TensorFlow). On TensorFlow both functions are compiled with tf.function and
jit_compile=False (Keras's default on CPU); on JAX with jax.jit (Keras's default there). The
table runs on the backend of ``KERAS_BACKEND`` (TensorFlow by default) and then, when JAX is
installed, again on JAX in a subprocess; a last table puts the two backends' ratios side by side.
Timings on a shared machine are noisy.
"""

import argparse
import importlib.util
import json
import os
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import keras  # noqa: E402
import numpy as np  # noqa: E402

import rnn_utils  # noqa: E402,F401  (quiet, deterministic TensorFlow)
from rnn_utils import layers as ours  # noqa: E402

SHAPES = [(64, 100, 32, 128), (32, 200, 256, 256)]  # (batch, T, n_x, n_a)
KINDS = [("SimpleRNN", 1), ("GRU", 3), ("LSTM", 4)]  # name, gate blocks in the kernels


def matmul_flops(batch, time_steps, n_x, n_a, gates):
    """Multiply-adds ×2 of the input and recurrent matmuls of one forward pass."""
    return 2 * batch * time_steps * (n_x + n_a) * gates * n_a


def large_matmul_gflops(repeats):
    a = keras.ops.ones((1024, 1024))
    keras.ops.matmul(a, a)
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        keras.ops.convert_to_numpy(keras.ops.matmul(a, a))
        times.append(time.perf_counter() - start)
    return 2 * 1024**3 / statistics.median(times) / 1e9


def build_model(layer, shape):
    batch, time_steps, n_x, _ = shape
    model = keras.Sequential([keras.Input((time_steps, n_x)), layer, keras.layers.Dense(1)])
    # TensorFlow: no XLA (Keras's default on CPU); JAX: jax.jit (the only compiled mode there)
    model.compile(optimizer="sgd", loss="mse", jit_compile=keras.backend.backend() == "jax")
    return model


def timed(fn):
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def bench_pair(kind, shape, repeats):
    batch, time_steps, n_x, n_a = shape
    rng = np.random.default_rng(0)
    x = rng.normal(size=(batch, time_steps, n_x)).astype("float32")
    y = rng.normal(size=(batch, 1)).astype("float32")
    models = {
        "ours": build_model(getattr(ours, kind)(n_a), shape),
        "keras": build_model(getattr(keras.layers, kind)(n_a), shape),
    }
    if keras.backend.backend() == "tensorflow":  # the hand-written BPTT is TensorFlow's
        models["unrolled"] = build_model(getattr(ours, kind)(n_a, unroll=True), shape)
    times = {(who, what): [] for who in models for what in ("forward", "train")}
    for model in models.values():  # warm-up: trace and compile both functions
        for _ in range(2):
            model.predict_on_batch(x)
            model.train_on_batch(x, y)
    for _ in range(repeats):  # interleaved: ours, keras, unrolled, ours, ...
        for who, model in models.items():
            times[who, "forward"].append(timed(lambda m=model: m.predict_on_batch(x)))
            times[who, "train"].append(timed(lambda m=model: m.train_on_batch(x, y)))
    medians = {key: statistics.median(values) for key, values in times.items()}
    if "unrolled" in models:
        medians["unrolled ratio"] = medians["unrolled", "train"] / medians["keras", "train"]
    for what in ("forward", "train"):  # spread of the per-repeat ratios (noise on a shared CPU)
        ratios = [a / b for a, b in zip(times["ours", what], times["keras", what], strict=True)]
        medians["range", what] = (min(ratios), max(ratios))
    return medians


def run_table(repeats):
    """Print this backend's table; return its ratios {(kind, shape, pass): ours / Keras's}."""
    peak = large_matmul_gflops(repeats)
    print(f"backend={keras.backend.backend()}  repeats={repeats} (median)  "
          f"large 1024x1024 matmul: {peak:.1f} GFLOP/s")  # fmt: skip
    header = (f"{'layer':<10}{'shape (B,T,n_x,n_a)':<22}{'pass':<8}{'ours ms':>9}{'keras ms':>10}"
              f"{'ratio':>8}{'ratio range':>13}{'ours GF/s':>11}{'keras GF/s':>12}"
              f"{'unroll=True':>13}")  # fmt: skip
    print(header)
    print("-" * len(header))
    ratios = {}
    for shape in SHAPES:
        for kind, gates in KINDS:
            result = bench_pair(kind, shape, repeats)
            flops = matmul_flops(*shape, gates)
            for what, factor in (("forward", 1), ("train", 3)):
                t_ours, t_keras = result["ours", what], result["keras", what]
                ratios[kind, str(shape), what] = t_ours / t_keras
                print(
                    f"{kind:<10}{str(shape):<22}{what:<8}{t_ours * 1e3:>9.1f}{t_keras * 1e3:>10.1f}"
                    f"{t_ours / t_keras:>8.2f}{'{:.2f}-{:.2f}'.format(*result['range', what]):>13}"
                    f"{factor * flops / t_ours / 1e9:>11.1f}"
                    f"{factor * flops / t_keras / 1e9:>12.1f}"
                    + (
                        f"{result['unrolled ratio']:>13.2f}"
                        if what == "train" and "unrolled ratio" in result
                        else ""
                    ),  # fmt: skip
                    flush=True,
                )
    print(f"large matmul again: {large_matmul_gflops(repeats):.1f} GFLOP/s")
    return ratios


def on_jax(repeats):
    """Run this script's table on JAX in a subprocess (one backend per process)."""
    command = [sys.executable, __file__, "--repeats", str(repeats), "--json"]
    env = {**os.environ, "KERAS_BACKEND": "jax"}
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=True)
    table, _, payload = result.stdout.rpartition("RATIOS ")
    print(table, end="")
    return {tuple(key.split("|")): value for key, value in json.loads(payload).items()}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="3 repeats instead of 7")
    parser.add_argument("--repeats", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--json", action="store_true", help=argparse.SUPPRESS)  # for on_jax
    args = parser.parse_args()
    repeats = args.repeats or (3 if args.quick else 7)
    own = run_table(repeats)
    if args.json:  # for on_jax: this run's ratios, after its table
        print("RATIOS " + json.dumps({"|".join(key): value for key, value in own.items()}))
        return
    ratios = {keras.backend.backend(): own}
    if keras.backend.backend() != "jax" and importlib.util.find_spec("jax") is not None:
        print()
        ratios["jax"] = on_jax(repeats)
    if len(ratios) > 1:
        backends = list(ratios)
        print("\nratio ours / Keras's built-in (median), by backend")
        header = f"{'layer':<10}{'shape (B,T,n_x,n_a)':<22}{'pass':<8}" + "".join(
            f"{b:>12}" for b in backends
        )
        print(header)
        print("-" * len(header))
        for key in ratios[backends[0]]:
            print(
                f"{key[0]:<10}{key[1]:<22}{key[2]:<8}"
                + "".join(f"{ratios[b][key]:>12.2f}" for b in backends)
            )


if __name__ == "__main__":
    main()
