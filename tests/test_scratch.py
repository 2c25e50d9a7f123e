"""Tests of the NumPy from-scratch RNN/LSTM/GRU: Keras equivalence, BPTT gradients, helpers."""

import numpy as np
import pytest

import rnn_utils  # noqa: F401  (sets the TensorFlow environment before it loads)
from rnn_utils import scratch
from rnn_utils.scratch import (
    clip_gradients,
    from_keras_weights,
    gradient_check,
    init_params,
    loss_and_grads,
    state_gradient_norms,
    to_keras_weights,
)
from rnn_utils.scratch.gradcheck import clip_gradients_by_norm

KINDS = ("rnn", "lstm", "gru")
M, T_X, N_X, N_A, N_Y = 3, 5, 2, 4, 3


def make_problem(kind, seed, scale=0.8, m=M, t_x=T_X):
    """Random parameters (non-zero biases too), inputs, targets, a<0> and a padding mask."""
    rng = np.random.default_rng(seed)
    params = init_params(kind, N_X, N_A, N_Y, seed=seed, scale=scale)
    for key in params:
        if key.startswith("b"):
            params[key] = 0.5 * rng.standard_normal(params[key].shape)
    x = rng.standard_normal((m, t_x, N_X))
    y = rng.integers(0, N_Y, size=(m, t_x))
    a0 = 0.5 * rng.standard_normal((m, N_A))
    lengths = rng.integers(1, t_x + 1, size=m)
    lengths[0] = t_x
    mask = (np.arange(t_x)[None, :] < lengths[:, None]).astype(float)
    return params, x, y, a0, mask


def forward(kind, x, a0, params, c0=None):
    """(a, y_hat, c) of the from-scratch model; c is None except for the LSTM."""
    if kind == "lstm":
        a, y_hat, c, _ = scratch.lstm_forward(x, a0, params, c0=c0)
        return a, y_hat, c
    a, y_hat, _ = getattr(scratch, f"{kind}_forward")(x, a0, params)
    return a, y_hat, None


# --- Keras reference models ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def keras_mod():
    import keras

    return keras


def keras_rnn_layer(keras, kind, **kwargs):
    layers = {"rnn": keras.layers.SimpleRNN, "lstm": keras.layers.LSTM, "gru": keras.layers.GRU}
    if kind == "gru":
        kwargs["reset_after"] = False
    return layers[kind](N_A, return_sequences=True, dtype="float64", **kwargs)


def keras_model(keras, kind, params, rnn_layer=None):
    """Functional float64 model (x, a<0>[, c<0>]) -> (a, ŷ) with the mapped weights."""
    rnn = rnn_layer if rnn_layer is not None else keras_rnn_layer(keras, kind)
    dense = keras.layers.Dense(N_Y, activation="softmax", dtype="float64")
    x_in = keras.Input((None, N_X), dtype="float64")
    state_in = [keras.Input((N_A,), dtype="float64") for _ in range(2 if kind == "lstm" else 1)]
    a = rnn(x_in, initial_state=state_in)
    model = keras.Model([x_in, *state_in], [a, dense(a)])
    weights = to_keras_weights(kind, params)
    rnn.set_weights(weights["rnn"])
    dense.set_weights(weights["dense"])
    return model, rnn, dense


def keras_inputs(kind, x, a0, c0=None):
    if kind == "lstm":
        return [x, a0, np.zeros_like(a0) if c0 is None else c0]
    return [x, a0]


@pytest.mark.parametrize("kind", KINDS)
def test_forward_matches_keras_builtin(keras_mod, kind):
    params, x, _, a0, _ = make_problem(kind, seed=10)
    c0 = np.random.default_rng(1).standard_normal(a0.shape) if kind == "lstm" else None
    model, _, _ = keras_model(keras_mod, kind, params)
    a_keras, y_keras = (np.asarray(v) for v in model(keras_inputs(kind, x, a0, c0)))
    a, y_hat, _ = forward(kind, x, a0, params, c0=c0)
    assert a.shape == (M, T_X, N_A) and y_hat.shape == (M, T_X, N_Y)
    assert np.max(np.abs(a - a_keras)) <= 1e-6
    assert np.max(np.abs(y_hat - y_keras)) <= 1e-6
    assert np.allclose(y_hat.sum(axis=-1), 1.0)


def test_lstm_memory_cell_matches_keras_final_state(keras_mod):
    params, x, _, a0, _ = make_problem("lstm", seed=11)
    layer = keras_mod.layers.LSTM(N_A, return_state=True, dtype="float64")
    layer.build((None, T_X, N_X))
    layer.set_weights(to_keras_weights("lstm", params)["rnn"])
    _, h_last, c_last = layer(x, initial_state=[a0, np.zeros_like(a0)])
    a, _, c, _ = scratch.lstm_forward(x, a0, params)
    assert np.max(np.abs(c[:, -1] - np.asarray(c_last))) <= 1e-6
    assert np.max(np.abs(a[:, -1] - np.asarray(h_last))) <= 1e-6


@pytest.mark.parametrize("kind", KINDS)
def test_forward_matches_rnn_utils_layers(keras_mod, kind):
    layers = pytest.importorskip("rnn_utils.layers")
    names = {"rnn": "SimpleRNN", "lstm": "LSTM", "gru": "GRU"}
    if not hasattr(layers, names[kind]):
        pytest.skip(f"rnn_utils.layers has no {names[kind]} yet")
    kwargs = {"reset_after": False} if kind == "gru" else {}
    params, x, _, a0, _ = make_problem(kind, seed=12)
    policy = keras_mod.config.dtype_policy()
    keras_mod.config.set_dtype_policy("float64")  # so that an inner cell is float64 too
    try:
        ours = getattr(layers, names[kind])(N_A, return_sequences=True, dtype="float64", **kwargs)
        model, _, _ = keras_model(keras_mod, kind, params, rnn_layer=ours)
        a_ours, y_ours = (np.asarray(v) for v in model(keras_inputs(kind, x, a0)))
    finally:
        keras_mod.config.set_dtype_policy(policy)
    a, y_hat, _ = forward(kind, x, a0, params)
    assert np.max(np.abs(a - a_ours)) <= 1e-6
    assert np.max(np.abs(y_hat - y_ours)) <= 1e-6


# --- gradients -----------------------------------------------------------------------------------


def loss_of_params_and_a0(kind, x, y, mask):
    """f(params ∪ {"a0"}) -> (loss, grads), so that gradient_check also checks dL/da<0>."""

    def f(p):
        cell_params = {key: value for key, value in p.items() if key != "a0"}
        return loss_and_grads(kind, x, y, p["a0"], cell_params, mask=mask)

    return f


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("kind", KINDS)
def test_bptt_matches_central_differences(kind, seed):
    params, x, y, a0, mask = make_problem(kind, seed)
    f = loss_of_params_and_a0(kind, x, y, mask if seed else None)
    errors = gradient_check(f, {**params, "a0": a0})
    assert set(errors) == set(params) | {"a0"}
    assert max(errors.values()) <= 1e-6, errors


def test_lstm_gradients_with_nonzero_c0():
    params, x, y, a0, mask = make_problem("lstm", seed=3)
    c0 = np.random.default_rng(3).standard_normal(a0.shape)

    def f(p):
        return scratch.lstm_loss_and_grads(x, y, a0, p, mask=mask, c0=c0)

    assert max(gradient_check(f, params).values()) <= 1e-6
    loss_zero_c0, _ = scratch.lstm_loss_and_grads(x, y, a0, params, mask=mask)
    assert abs(f(params)[0] - loss_zero_c0) > 1e-6  # c0 is really used


def keras_loss(tf, y_hat, y, mask):
    picked = tf.reduce_sum(tf.one_hot(y, N_Y, dtype=tf.float64) * y_hat, axis=-1)
    return -tf.reduce_sum(mask * tf.math.log(picked)) / y_hat.shape[0]


@pytest.mark.parametrize("kind", KINDS)
def test_bptt_matches_keras_autodiff(keras_mod, kind):
    import tensorflow as tf

    params, x, y, a0, mask = make_problem(kind, seed=20)
    model, rnn, dense = keras_model(keras_mod, kind, params)
    inputs = [tf.constant(v) for v in keras_inputs(kind, x, a0)]
    with tf.GradientTape() as tape:
        tape.watch(inputs[1])
        _, y_hat = model(inputs)
        loss_tf = keras_loss(tf, y_hat, y, mask)
    variables = [*rnn.trainable_variables, *dense.trainable_variables]
    grads_tf = [np.asarray(g) for g in tape.gradient(loss_tf, [*variables, inputs[1]])]

    loss, grads = loss_and_grads(kind, x, y, a0, params, mask=mask)
    assert abs(loss - float(loss_tf)) <= 1e-9
    mapped = to_keras_weights(kind, {key: grads[key] for key in params})  # the map is linear
    ours = [*mapped["rnn"], *mapped["dense"], grads["a0"]]
    assert [g.shape for g in ours] == [g.shape for g in grads_tf]
    for g_ours, g_tf in zip(ours, grads_tf, strict=True):
        assert np.max(np.abs(g_ours - g_tf)) <= 1e-9 * max(1.0, np.max(np.abs(g_tf)))


def test_mask_drops_padded_steps():
    params, x, y, a0, mask = make_problem("gru", seed=4)
    lengths = mask.sum(axis=1).astype(int)
    assert lengths.min() < T_X  # the problem really has padding
    loss, grads = loss_and_grads("gru", x, y, a0, params, mask=mask)
    # The masked batch loss is the mean of each example's loss on its unpadded prefix.
    per_example = [
        loss_and_grads("gru", x[i : i + 1, :n], y[i : i + 1, :n], a0[i : i + 1], params)
        for i, n in enumerate(lengths)
    ]
    assert np.isclose(loss, np.mean([ell for ell, _ in per_example]), rtol=1e-12)
    for key in params:
        assert np.allclose(grads[key], np.mean([g[key] for _, g in per_example], axis=0))
    # Targets on padded steps do not matter.
    y_other = np.where(mask == 1, y, (y + 1) % N_Y)
    assert loss_and_grads("gru", x, y_other, a0, params, mask=mask)[0] == loss


# --- state-gradient norms ------------------------------------------------------------------------


def keras_cell(keras, kind):
    if kind == "rnn":
        return keras.layers.SimpleRNNCell(N_A, dtype="float64")
    if kind == "lstm":
        return keras.layers.LSTMCell(N_A, dtype="float64")
    return keras.layers.GRUCell(N_A, reset_after=False, dtype="float64")


@pytest.mark.parametrize("kind", KINDS)
def test_state_gradient_norms_match_autodiff(keras_mod, kind):
    import tensorflow as tf

    params, x, y, a0, _ = make_problem(kind, seed=30, t_x=6)
    t_loss = 4
    weights = to_keras_weights(kind, params)
    cell = keras_cell(keras_mod, kind)
    cell.build((None, N_X))
    cell.set_weights(weights["rnn"])
    dense = keras_mod.layers.Dense(N_Y, activation="softmax", dtype="float64")
    dense.build((None, N_A))
    dense.set_weights(weights["dense"])
    with tf.GradientTape() as tape:
        states = [tf.constant(a0)] + ([tf.zeros_like(a0)] if kind == "lstm" else [])
        hidden = []
        for t in range(t_loss + 1):
            h, states = cell(tf.constant(x[:, t]), states)
            hidden.append(h)
        y_hat = dense(hidden[-1])[:, None, :]
        loss_tf = keras_loss(tf, y_hat, y[:, t_loss : t_loss + 1], np.ones((M, 1)))
    expected = [np.linalg.norm(np.asarray(g)) for g in tape.gradient(loss_tf, hidden)]
    norms = state_gradient_norms(kind, x, a0, params, t_loss=t_loss, y=y)
    assert norms.shape == (t_loss + 1,)
    np.testing.assert_allclose(norms, expected, rtol=1e-9)


def test_vanishing_gradient_in_small_weight_rnn():
    params, x, _, a0, _ = make_problem("rnn", seed=5, t_x=20)
    small = {key: 0.3 * value for key, value in params.items()}
    norms = scratch.rnn_state_gradient_norms(x, a0, small)
    assert norms.shape == (20,)
    assert norms[0] < 1e-4 * norms[-1]  # the signal from step 20 fades on its way back
    assert np.all(np.diff(norms) > 0)


# --- weight mapping, clipping, init --------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_keras_weight_mapping_round_trip(keras_mod, kind):
    params, *_ = make_problem(kind, seed=6)
    weights = to_keras_weights(kind, params)
    back = from_keras_weights(kind, weights["rnn"], weights["dense"])
    assert list(back) == list(params)
    for key in params:
        np.testing.assert_array_equal(back[key], params[key])
    layer = keras_rnn_layer(keras_mod, kind)
    layer.build((None, T_X, N_X))
    keras_weights = layer.get_weights()  # Keras's own random init
    cell_only = from_keras_weights(kind, keras_weights)
    assert set(cell_only) == set(scratch.CELL_KEYS[kind])
    for ours, theirs in zip(to_keras_weights(kind, cell_only)["rnn"], keras_weights, strict=True):
        np.testing.assert_array_equal(ours, theirs)


def test_gru_update_gate_sign():
    params, *_ = make_problem("gru", seed=7)
    kernel, recurrent, bias = to_keras_weights("gru", params)["rnn"]
    # Keras's z = 1 − Γ_u = σ(−(W_u[a, x] + b_u)): the z block holds the negated Γ_u weights.
    np.testing.assert_array_equal(kernel[:, :N_A], -params["Wu"][:, N_A:].T)
    np.testing.assert_array_equal(recurrent[:, :N_A], -params["Wu"][:, :N_A].T)
    np.testing.assert_array_equal(bias[:N_A], -params["bu"])
    np.testing.assert_array_equal(bias[N_A : 2 * N_A], params["br"])


def test_clip_gradients():
    grads = {"Waa": np.array([[-12.0, 0.5], [3.0, 7.0]]), "by": np.array([-0.1, 40.0])}
    clipped = clip_gradients(grads, 5.0)
    np.testing.assert_array_equal(clipped["Waa"], [[-5.0, 0.5], [3.0, 5.0]])
    np.testing.assert_array_equal(clipped["by"], [-0.1, 5.0])
    assert grads["Waa"][0, 0] == -12.0 and clipped is not grads  # input untouched
    with pytest.raises(ValueError, match="max_value must be positive"):
        clip_gradients(grads, 0)
    with pytest.raises(TypeError, match="grads must be a dict"):
        clip_gradients([1.0], 1.0)


def test_clip_gradients_by_norm():
    grads = {"Waa": np.array([[3.0, 0.0], [0.0, 0.0]]), "by": np.array([0.0, 4.0])}  # norm 5
    clipped = clip_gradients_by_norm(grads, 2.5)
    np.testing.assert_allclose(clipped["Waa"], [[1.5, 0.0], [0.0, 0.0]], rtol=1e-12)
    np.testing.assert_allclose(clipped["by"], [0.0, 2.0], rtol=1e-12)
    norm = np.sqrt(sum(np.sum(g**2) for g in clipped.values()))
    assert abs(norm - 2.5) < 1e-12  # the global norm is the threshold, the direction is kept
    assert grads["Waa"][0, 0] == 3.0 and clipped is not grads  # input untouched
    below = clip_gradients_by_norm(grads, 6.0)  # norm 5 <= 6: unchanged, as new arrays
    np.testing.assert_array_equal(below["Waa"], grads["Waa"])
    assert below["Waa"] is not grads["Waa"]
    zero = clip_gradients_by_norm({"ba": np.zeros(3)}, 1.0)
    np.testing.assert_array_equal(zero["ba"], np.zeros(3))
    # each array is below the threshold on its own, the whole gradient is not: all are scaled
    split = clip_gradients_by_norm({"a": np.array([0.8]), "b": np.array([0.6])}, 0.5)
    np.testing.assert_allclose([split["a"][0], split["b"][0]], [0.4, 0.3], rtol=1e-12)
    with pytest.raises(ValueError, match="max_norm must be positive"):
        clip_gradients_by_norm(grads, 0)
    with pytest.raises(TypeError, match="grads must be a dict"):
        clip_gradients_by_norm([1.0], 1.0)


def test_gradient_check_catches_a_wrong_gradient():
    params, x, y, a0, _ = make_problem("rnn", seed=8)

    def wrong(p):
        loss, grads = scratch.rnn_loss_and_grads(x, y, a0, p)
        return loss, {**grads, "Waa": grads["Waa"].T}  # a classic transpose bug

    errors = gradient_check(wrong, params, max_entries=6)
    assert errors["Waa"] > 1e-2
    assert max(v for k, v in errors.items() if k != "Waa") < 1e-7


def test_init_params_shapes_and_defaults():
    lstm = init_params("lstm", n_x=3, n_a=5, n_y=7, seed=0)
    assert lstm["Wf"].shape == (5, 8) and lstm["Wy"].shape == (7, 5)
    np.testing.assert_array_equal(lstm["bf"], np.ones(5))
    np.testing.assert_array_equal(lstm["bu"], np.zeros(5))
    rnn = init_params("rnn", n_x=3, n_a=5, n_y=7, seed=0, scale=0.01)
    assert rnn["Wax"].shape == (5, 3) and 0.001 < rnn["Waa"].std() < 0.02
    np.testing.assert_array_equal(
        rnn["Waa"], init_params("rnn", 3, 5, 7, seed=0, scale=0.01)["Waa"]
    )


def test_cell_step_matches_sequence_first_step():
    params, x, _, a0, _ = make_problem("lstm", seed=9)
    a, y_hat, c, _ = scratch.lstm_forward(x, a0, params)
    a1, c1, y1, _ = scratch.lstm_cell_forward(x[:, 0], a0, np.zeros_like(a0), params)
    np.testing.assert_allclose(a1, a[:, 0])
    np.testing.assert_allclose(c1, c[:, 0])
    np.testing.assert_allclose(y1, y_hat[:, 0])
    cell_only = {key: params[key] for key in scratch.CELL_KEYS["lstm"]}
    assert scratch.lstm_cell_forward(x[:, 0], a0, np.zeros_like(a0), cell_only)[2] is None


# --- bad input -----------------------------------------------------------------------------------


def test_bad_inputs_raise_clear_errors():
    params, x, y, a0, _ = make_problem("rnn", seed=0)
    with pytest.raises(ValueError, match=r"missing key\(s\) \['Wax'\]"):
        scratch.rnn_forward(x, a0, {k: v for k, v in params.items() if k != "Wax"})
    with pytest.raises(
        ValueError, match=r"params\['Wax'\] has shape \(3, 2\); expected \(n_a, n_x"
    ):
        scratch.rnn_forward(x, a0, {**params, "Wax": np.zeros((3, N_X))})
    with pytest.raises(ValueError, match=r"unexpected key\(s\) \['Wy'\]"):
        scratch.rnn_forward(x, a0, {**params, "Wy": params["Wya"]})
    with pytest.raises(ValueError, match=r"x has shape \(3, 2\); expected \(m, T_x, n_x\)"):
        scratch.rnn_forward(x[:, 0], a0, params)
    with pytest.raises(ValueError, match=r"x has shape \(3, 5, 3\); expected .* = \(\?, \?, 2\)"):
        scratch.rnn_forward(np.zeros((M, T_X, 3)), a0, params)
    with pytest.raises(ValueError, match=r"a0 has shape \(2, 4\); expected \(m, n_a\) = \(3, 4\)"):
        scratch.rnn_forward(x, a0[:2], params)
    with pytest.raises(ValueError, match=r"y has shape \(3, 4\); expected \(m, T_x\)"):
        scratch.rnn_loss_and_grads(x, y[:, :4], a0, params)
    with pytest.raises(ValueError, match=r"expected \[0, n_y=3\)"):
        scratch.rnn_loss_and_grads(x, y + 3, a0, params)
    with pytest.raises(ValueError, match="mask must hold only 0"):
        scratch.rnn_loss_and_grads(x, y, a0, params, mask=np.full(y.shape, 0.5))
    with pytest.raises(ValueError, match="kind must be one of"):
        init_params("transformer", 2, 3, 4)
    with pytest.raises(TypeError, match="params must be a dict"):
        scratch.rnn_forward(x, a0, [params])
    with pytest.raises(ValueError, match="t_loss must be an int step index"):
        state_gradient_norms("rnn", x, a0, params, t_loss=T_X)
    with pytest.raises(ValueError, match=r"xt has shape \(3, 5, 2\); expected \(m, n_x\)"):
        scratch.rnn_cell_forward(x, a0, params)
    lstm = init_params("lstm", N_X, N_A, N_Y)
    with pytest.raises(ValueError, match=r"params\['Wo'\] has shape \(4, 5\); expected \(n_a, n_a"):
        scratch.lstm_forward(x, a0, {**lstm, "Wo": np.zeros((N_A, 5))})
    with pytest.raises(ValueError, match=r"c0 has shape"):
        scratch.lstm_forward(x, a0, lstm, c0=np.zeros((M, 2)))
    with pytest.raises(ValueError, match="c0 is only used by the lstm, not by the gru"):
        scratch.sequence_forward("gru", x, a0, init_params("gru", N_X, N_A, N_Y), c0=a0)
    with pytest.raises(ValueError, match=r"rnn_weights must be a list of 3 arrays"):
        from_keras_weights("rnn", np.zeros((3, 4)))
    gru_reset_after_bias = [np.zeros((N_X, 12)), np.zeros((N_A, 12)), np.zeros((2, 12))]
    with pytest.raises(ValueError, match=r"reset_after=False"):
        from_keras_weights("gru", gru_reset_after_bias)


def test_scale_to_spectral_radius():
    from rnn_utils.scratch import scale_to_spectral_radius

    w = np.random.default_rng(0).normal(size=(5, 5))
    for radius in (0.5, 1.0, 3.0):
        scaled = scale_to_spectral_radius(w, radius)
        assert np.isclose(np.max(np.abs(np.linalg.eigvals(scaled))), radius)
    with pytest.raises(ValueError, match="square matrix"):
        scale_to_spectral_radius(np.ones((2, 3)), 1.0)
    with pytest.raises(ValueError, match="radius must be > 0"):
        scale_to_spectral_radius(w, 0.0)
    with pytest.raises(ValueError, match="nilpotent"):
        scale_to_spectral_radius(np.array([[0.0, 1.0], [0.0, 0.0]]), 1.0)
