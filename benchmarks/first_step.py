"""How long the FIRST step takes: our layers vs Keras's built-ins (CPU, the KERAS_BACKEND backend).

Run:  python benchmarks/first_step.py            (5 repeats, medians)
      python benchmarks/first_step.py --quick    (3 repeats)

A notebook builds many small models, and each pays once for tracing and compiling its
functions. For each layer this builds a fresh model ``Input -> layer(32) -> Dense(1)`` (batch
64, T = 30, n_x = 16), times its first ``train_on_batch`` and, on another fresh model, its first
``predict_on_batch``; ours and Keras's alternate, one warm-up model of each is built first (so
import and first-use costs are out), and the table prints medians over the repeats and the
ratio ours / Keras's. A last column times the first training step of our layer built with
``unroll=True`` (several steps per loop iteration of the hand-written BPTT: a larger graph that
takes longer to build; inference is the same loop either way). Timings on a shared machine are
noisy: compare ratios within one run.
"""

import argparse
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import keras  # noqa: E402
import numpy as np  # noqa: E402

import rnn_utils  # noqa: E402,F401  (quiet, deterministic TensorFlow)
from rnn_utils import layers as ours  # noqa: E402

BATCH, T, N_X, UNITS = 64, 30, 16, 32


def layer_pairs():
    """label -> (our layer factory taking ``unroll``, Keras's layer factory)."""
    k = keras.layers
    return {
        "SimpleRNN": (lambda u=False: ours.SimpleRNN(UNITS, unroll=u), lambda: k.SimpleRNN(UNITS)),
        "GRU": (lambda u=False: ours.GRU(UNITS, unroll=u), lambda: k.GRU(UNITS)),
        "LSTM": (lambda u=False: ours.LSTM(UNITS, unroll=u), lambda: k.LSTM(UNITS)),
        "Bidirectional(LSTM)": (
            lambda u=False: ours.Bidirectional(ours.LSTM(UNITS, unroll=u)),
            lambda: k.Bidirectional(k.LSTM(UNITS)),
        ),
        "DeepRNN 2 x LSTM": (
            lambda u=False: ours.DeepRNN([ours.LSTM(UNITS, unroll=u), ours.LSTM(UNITS, unroll=u)]),
            lambda: keras.Sequential([k.LSTM(UNITS, return_sequences=True), k.LSTM(UNITS)]),
        ),
    }


def first_call_seconds(make_layer, what, x, y):
    model = keras.Sequential([keras.Input((T, N_X)), make_layer(), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    start = time.perf_counter()
    if what == "train":
        model.train_on_batch(x, y)
    else:
        model.predict_on_batch(x)
    return time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="3 repeats instead of 5")
    repeats = 3 if parser.parse_args().quick else 5
    rng = np.random.default_rng(0)
    x = rng.normal(size=(BATCH, T, N_X)).astype("float32")
    y = rng.normal(size=(BATCH, 1)).astype("float32")
    pairs = layer_pairs()
    if keras.backend.backend() == "tensorflow":  # each fresh model traces anew: that is the point
        import tensorflow as tf

        tf.get_logger().setLevel("ERROR")  # so no "triggered tf.function retracing" warnings
    for make_ours, make_keras in pairs.values():  # warm-up: first uses of every code path
        for make in (make_ours, make_keras):
            first_call_seconds(make, "train", x, y)
    print(f"backend={keras.backend.backend()}  first call of a fresh model, "
          f"(batch, T, n_x, units) = {(BATCH, T, N_X, UNITS)}, median of {repeats}")  # fmt: skip
    header = (f"{'layer':<22}{'call':<9}{'ours s':>8}{'keras s':>9}{'ratio':>7}"
              f"{'unroll=True s':>15}{'ratio':>7}")  # fmt: skip
    print(header)
    print("-" * len(header))
    for label, (make_ours, make_keras) in pairs.items():
        for what in ("train", "predict"):
            makers = {"ours": make_ours, "keras": make_keras}
            if what == "train":  # inference loops one step at a time whatever ``unroll`` says
                makers["unrolled"] = lambda m=make_ours: m(True)
            times = {who: [] for who in makers}
            for _ in range(repeats):  # interleaved
                for who, make in makers.items():
                    times[who].append(first_call_seconds(make, what, x, y))
            med = {who: statistics.median(t) for who, t in times.items()}
            row = f"{label:<22}{what:<9}{med['ours']:>8.2f}{med['keras']:>9.2f}"
            row += f"{med['ours'] / med['keras']:>7.2f}"
            if "unrolled" in med:
                row += f"{med['unrolled']:>15.2f}{med['unrolled'] / med['keras']:>7.2f}"
            print(row, flush=True)


if __name__ == "__main__":
    main()
