"""rnn_utils.long_range: adding-problem models, the training loop, gradient norms over time."""

import numpy as np
import pytest

import rnn_utils  # noqa: F401  (quiet TensorFlow before it loads)
from rnn_utils.datasets import ADDING_BASELINE_MSE, adding_problem
from rnn_utils.layers import GRU, LSTM, SimpleRNN
from rnn_utils.long_range import (
    HELDOUT_SEED,
    AddingRun,
    adding_baseline_mse,
    adding_model,
    keras_state_gradient_norms,
    pin_gru_gate,
    plot_adding_runs,
    train_adding,
)


@pytest.mark.parametrize("kind, gates", [("rnn", 1), ("gru", 3), ("lstm", 4)])
def test_adding_model_shapes_and_parameter_count(kind, gates):
    model = adding_model(kind, units=5, T=12)
    assert model.output_shape == (None, 1)
    assert model(np.zeros((3, 12, 2), "float32")).shape == (3, 1)
    bias = 2 * gates * 5 if kind == "gru" else gates * 5  # GRU: reset_after=True, 2 bias rows
    assert model.count_params() == gates * 5 * (2 + 5) + bias + 5 + 1


def test_adding_model_is_seeded_and_takes_a_layer_instance():
    same = [adding_model("gru", 4, T=6, seed=3).get_weights() for _ in range(2)]
    assert all(np.array_equal(a, b) for a, b in zip(*same, strict=True))
    other = adding_model("gru", 4, T=6, seed=4).get_weights()
    assert not np.array_equal(same[0][0], other[0])
    model = adding_model(GRU(3, reset_after=False), T=6)
    assert model.layers[0].get_weights()[2].shape == (9,)


@pytest.mark.parametrize(
    "args, kwargs, message",
    [
        (("cnn",), {}, "kind must be one of"),
        ((42,), {}, "layer_or_kind must be"),
        (("gru",), {"T": 1}, "T must be an int >= 2"),
        (("gru",), {"units": 0}, "units must be an int >= 1"),
        ((SimpleRNN(2),), {"reset_after": False}, "only used with a kind name"),
    ],
)
def test_adding_model_rejects_bad_arguments(args, kwargs, message):
    with pytest.raises(ValueError, match=message):
        adding_model(*args, **kwargs)


def test_baseline_is_the_targets_variance_about_one_sixth():
    baseline = adding_baseline_mse(T=100)
    assert abs(baseline - ADDING_BASELINE_MSE) < 0.01
    _, y = adding_problem(1000, 100, HELDOUT_SEED)  # the fixed held-out set of train_adding
    assert baseline == pytest.approx(np.var(y))


def test_train_adding_is_deterministic_and_records_every_evaluation():
    runs = [
        train_adding(adding_model("rnn", 4, T=8), T=8, steps=12, eval_every=4, batch_size=16)
        for _ in range(2)
    ]
    assert runs[0].steps == [4, 8, 12]
    assert runs[0].heldout_mse == runs[1].heldout_mse
    assert runs[0].train_mse == runs[1].train_mse
    assert all(np.isfinite(runs[0].heldout_mse)) and runs[0].baseline_mse > 0.1
    assert runs[0].final_mse == runs[0].heldout_mse[-1]


def test_train_adding_stops_at_the_first_evaluation_below_stop_below():
    def run(**kwargs):
        model = adding_model("rnn", 4, T=8)
        return train_adding(model, T=8, steps=12, eval_every=4, batch_size=16, **kwargs)

    full, unchanged = run(), run(stop_below=1e-9)  # no run gets below 1e-9 in 12 updates
    assert unchanged.steps == full.steps == [4, 8, 12]
    assert unchanged.heldout_mse == full.heldout_mse
    threshold = full.heldout_mse[0] * 1.000001  # the first evaluation is already below it
    stopped = run(stop_below=threshold)
    assert stopped.steps == [4] and stopped.heldout_mse == full.heldout_mse[:1]
    assert stopped.steps_to(threshold) == 4


def test_train_adding_prints_compact_lines(capsys):
    train_adding(adding_model("gru", 3, T=6), T=6, steps=4, eval_every=2, verbose=True)
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 2 and lines[0].startswith("step     2 | train MSE ")


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"steps": 10, "eval_every": 3}, "multiple of eval_every"),
        ({"steps": 0}, "steps must be an int >= 1"),
        ({"steps": 4, "lr": 0}, "lr and clipnorm must be > 0"),
        ({"steps": 4, "T": 9}, r"inputs of shape \(batch, 9, 2\)"),
        ({"steps": 4, "stop_below": 0.0}, "stop_below must be > 0 or None"),
    ],
)
def test_train_adding_rejects_bad_arguments(kwargs, message):
    kwargs = {"T": 6, "eval_every": 2, **kwargs}
    with pytest.raises(ValueError, match=message):
        train_adding(adding_model("rnn", 2, T=6), **kwargs)


def test_steps_to_threshold():
    run = AddingRun([10, 20, 30], [0.2, 0.1, 0.0], [0.15, 0.05, 0.004], 1 / 6)
    assert run.steps_to(0.01) == 30 and run.steps_to(0.1) == 20 and run.steps_to(0.001) is None


def test_linear_rnn_gradient_norms_follow_the_power_of_w_aa():
    """a<t> = 0.5 a<t-1> + ...: ∂a<T>/∂a<t> = 0.5^(T-t) I, whose norm is √n · 0.5^(T-t)."""
    n, T = 3, 7
    layer = SimpleRNN(n, activation=None)
    layer.build((2, T, 2))
    layer.set_weights([np.ones((2, n)), 0.5 * np.eye(n), np.zeros(n)])
    norms = keras_state_gradient_norms(layer, np.random.default_rng(0).normal(size=(2, T, 2)))
    expected = np.sqrt(n) * 0.5 ** np.arange(T - 1, -1, -1)
    np.testing.assert_allclose(norms, expected, rtol=1e-5)


def test_gru_with_a_closed_update_gate_keeps_the_gradient():
    """Γ_u ≈ 0 (Keras z ≈ 1, a strongly positive z bias): a<t> ≈ a<t-1>, the Jacobian ≈ I."""
    n, T = 4, 30
    layer = GRU(n)
    layer.build((1, T, 2))
    kernel, recurrent, bias = layer.get_weights()
    bias[0, :n] = 20.0
    layer.set_weights([kernel, recurrent, bias])
    norms = keras_state_gradient_norms(layer, np.ones((1, T, 2)))
    np.testing.assert_allclose(norms, 2.0, rtol=1e-4)


def test_finite_differences_agree_for_the_lstm_memory_cell():
    """‖∂c<T>/∂c<1>‖ from the autodiff Jacobian equals central differences through the cell."""
    x = np.random.default_rng(1).normal(size=(1, 5, 3))
    layer = LSTM(2, dtype="float64")
    layer.build(x.shape)
    norms = keras_state_gradient_norms(layer, x, wrt="c")
    assert norms.shape == (5,) and abs(norms[-1] - np.sqrt(2)) < 1e-12
    cell = layer.cell
    projected = np.asarray(cell.project_inputs(x))
    _, (a1, c1) = cell.recurrent_step(projected[:, 0], cell.get_initial_state(1))

    def final_c(c_first):
        states = [a1, c_first]
        for t in range(1, 5):
            _, states = cell.recurrent_step(projected[:, t], states)
        return np.asarray(states[1])[0]

    eps, c1 = 1e-6, np.asarray(c1)
    columns = [(final_c(c1 + eps * e) - final_c(c1 - eps * e)) / (2 * eps) for e in np.eye(2)]
    assert abs(np.linalg.norm(np.stack(columns, axis=1)) - norms[0]) < 1e-7


@pytest.mark.parametrize(
    "layer, wrt, x, message",
    [
        (GRU(2), "c", np.zeros((1, 3, 2)), "wrt must be 'a'"),
        (LSTM(2), "h", np.zeros((1, 3, 2)), "wrt must be 'a' or 'c'"),
        (GRU(2), "a", np.zeros((3, 2)), r"shape \(m, T, n_x\)"),
        ("gru", "a", np.zeros((1, 3, 2)), "our SimpleRNN, GRU or LSTM"),
    ],
)
def test_gradient_norms_reject_bad_input(layer, wrt, x, message):
    with pytest.raises(ValueError, match=message):
        keras_state_gradient_norms(layer, x, wrt=wrt)


def test_plot_adding_runs_draws_each_run_and_the_baseline():
    run = AddingRun([5, 10], [0.3, 0.2], [0.2, 0.1], 1 / 6)
    ax = plot_adding_runs({"a": run, "b": run})
    assert len(ax.get_lines()) == 3
    with pytest.raises(ValueError, match="non-empty dict"):
        plot_adding_runs({})
    with pytest.raises(ValueError, match="must be an AddingRun"):
        plot_adding_runs({"a": [0.1]})


@pytest.mark.parametrize("gate, key", [("reset", "gamma_r"), ("update", "gamma_u")])
def test_a_pinned_gate_stays_at_one_through_training(gate, key):
    model = adding_model("gru", 3, T=6)
    pin_gru_gate(model.layers[0], gate)
    x = np.random.default_rng(0).uniform(size=(2, 6, 2)).astype("float32")
    assert np.all(model.layers[0].trace(x)[key] == 1.0)
    train_adding(model, T=6, steps=4, eval_every=2, lr=0.05)
    assert np.all(model.layers[0].trace(x)[key] == 1.0)
    other = "gamma_u" if key == "gamma_r" else "gamma_r"
    assert np.std(model.layers[0].trace(x)[other]) > 0  # the other gate still moves


def test_pinned_reset_gate_makes_both_reset_forms_agree():
    """With Γ_r ≡ 1 the reset acts nowhere, so reset_after=True and False compute the same."""
    x = np.random.default_rng(0).uniform(size=(2, 6, 2)).astype("float32")
    after = pin_gru_gate(adding_model("gru", 3, T=6).layers[0], "reset")
    before = pin_gru_gate(adding_model("gru", 3, T=6, reset_after=False).layers[0], "reset")
    kernel, recurrent, bias = after.get_weights()
    before.set_weights([kernel, recurrent, bias.sum(axis=0)])
    np.testing.assert_allclose(before(x), after(x), atol=1e-6)


@pytest.mark.parametrize(
    "layer, gate, message",
    [
        (SimpleRNN(2), "reset", "built rnn_utils.layers.GRU"),
        (GRU(2), "reset", "built rnn_utils.layers.GRU"),
        ("built", "forget", "gate must be 'reset' or 'update'"),
    ],
)
def test_pin_gru_gate_rejects_bad_arguments(layer, gate, message):
    if layer == "built":
        layer = adding_model("gru", 2, T=4).layers[0]
    with pytest.raises(ValueError, match=message):
        pin_gru_gate(layer, gate)


def test_train_adding_matches_fit_and_evaluate_on_the_same_batches():
    import keras

    from rnn_utils.datasets import adding_problem
    from rnn_utils.long_range import HELDOUT_SEED

    run = train_adding(adding_model("lstm", units=3, T=8), T=8, steps=6, eval_every=3, lr=1e-2)
    model = adding_model("lstm", units=3, T=8)
    keras.utils.set_random_seed(0)
    model.compile(optimizer=keras.optimizers.Adam(1e-2, clipnorm=1.0), loss="mse")
    x_held, y_held = adding_problem(1000, 8, HELDOUT_SEED)
    for chunk in range(2):
        x, y = adding_problem(3 * 64, 8, seed=1_000_003 + chunk)
        fit = model.fit(x, y, batch_size=64, epochs=1, shuffle=False, verbose=0)
        held = model.evaluate(x_held, y_held, batch_size=1000, verbose=0)
        assert run.train_mse[chunk] == pytest.approx(fit.history["loss"][0], rel=1e-5)
        assert run.heldout_mse[chunk] == pytest.approx(held, rel=1e-5)
