"""The benchmark scripts still run and measure what their tables say (timings are not asserted)."""

import importlib.util
from pathlib import Path

import numpy as np
import pytest

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"


def load(name):
    spec = importlib.util.spec_from_file_location(f"bench_{name}", BENCHMARKS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def recurrent_layers(layer):
    """The recurrent layers inside one of the benchmark's layers (wrappers opened)."""
    inner = getattr(layer, "rnn_layers", None) or [layer]
    found = []
    for item in inner:
        found += (
            [item.forward_layer, item.backward_layer] if hasattr(item, "forward_layer") else [item]
        )
    return found


def test_first_step_factories_build_the_settings_the_table_names():
    pytest.importorskip("tensorflow")
    first_step = load("first_step")
    pairs = first_step.layer_pairs()
    assert list(pairs) == ["SimpleRNN", "GRU", "LSTM", "Bidirectional(LSTM)", "DeepRNN 2 x LSTM"]
    for make_ours, _ in pairs.values():
        assert {layer.unroll for layer in recurrent_layers(make_ours())} == {False}
        assert {layer.unroll for layer in recurrent_layers(make_ours(True))} == {True}
    rng = np.random.default_rng(0)
    x = rng.normal(size=(first_step.BATCH, first_step.T, first_step.N_X)).astype("float32")
    y = rng.normal(size=(first_step.BATCH, 1)).astype("float32")
    assert first_step.first_call_seconds(pairs["GRU"][0], "train", x, y) > 0


def test_layers_benchmark_times_ours_keras_and_unrolled():
    pytest.importorskip("tensorflow")
    result = load("layers").bench_pair("LSTM", (2, 5, 3, 4), repeats=1)
    for who in ("ours", "keras", "unrolled"):
        assert result[who, "train"] > 0 and result[who, "forward"] > 0
    assert result["unrolled ratio"] == result["unrolled", "train"] / result["keras", "train"]
