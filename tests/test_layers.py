"""Acceptance tests for rnn_utils.layers: equivalence with Keras, masking, saving, XLA, errors."""

import _layer_helpers as h
import keras
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rnn_utils.layers import GRU, LSTM, Bidirectional, DeepRNN, SimpleRNN


# --- equivalence with Keras's built-ins -----------------------------------------------------
@pytest.mark.parametrize("kind", list(h.KINDS))
@pytest.mark.parametrize("go_backwards", [False, True])
@pytest.mark.parametrize("masked", [False, True])
@pytest.mark.parametrize("training", [None, True], ids=["autodiff", "fused_bptt"])
def test_matches_keras_sequences_and_states(kind, go_backwards, masked, training):
    h.check_equivalence(kind, go_backwards, masked, True, True, training=training)


@pytest.mark.parametrize("kind", list(h.KINDS))
@pytest.mark.parametrize("masked", [False, True])
@pytest.mark.parametrize("training", [None, True], ids=["last_state_loop", "fused_bptt"])
def test_matches_keras_last_output(kind, masked, training):
    h.check_equivalence(kind, masked, masked, False, False, seed=3, training=training)


def test_initial_state_and_leading_masked_steps_match_keras():
    # go_backwards over right-padded input puts the masked steps first: Keras outputs zeros
    # there even with a nonzero initial state.
    rng = np.random.default_rng(5)
    x = rng.normal(size=(3, 6, 3)).astype("float32")
    flags = dict(return_sequences=True, return_state=True, go_backwards=True)
    a, b = h.twin_layers("lstm", rng, 3, 4, **flags)
    init = [rng.normal(size=(3, 4)).astype("float32") for _ in range(2)]
    mask = h.right_padded_mask(rng, 3, 6)
    mask[1, 3:] = False
    err = h.max_abs_diff(a(x, mask=mask, initial_state=init), b(x, mask=mask, initial_state=init))
    assert h.record("output", err) <= 1e-5


@pytest.mark.parametrize("merge_mode", ["concat", "sum", "mul", "ave", None])
def test_bidirectional_matches_keras(merge_mode):
    training = True if merge_mode in ("concat", "mul") else None  # both gradient paths
    rng = np.random.default_rng(7)
    x = rng.normal(size=(4, 6, 3)).astype("float32")
    mask = h.right_padded_mask(rng, 4, 6)
    wrap = (
        lambda layer: Bidirectional(layer, merge_mode=merge_mode),
        lambda layer: keras.layers.Bidirectional(layer, merge_mode=merge_mode),
    )
    a, b = h.twin_layers("gru", rng, 3, 4, wrapper=wrap, return_sequences=True, return_state=True)
    out_err = h.record("output", h.max_abs_diff(a(x, mask=mask), b(x, mask=mask)))
    grads_a = h.loss_and_grads(a, x, mask=mask, training=training)
    grads_b = h.loss_and_grads(b, x, mask=mask, training=training)
    grad_err = h.record("gradient", h.max_abs_diff(grads_a, grads_b))
    assert out_err <= 1e-5 and grad_err <= 1e-4


def test_bidirectional_last_output_lstm_matches_keras():
    rng = np.random.default_rng(8)
    x = rng.normal(size=(3, 5, 3)).astype("float32")
    wrap = (Bidirectional, keras.layers.Bidirectional)
    a, b = h.twin_layers("lstm", rng, 3, 4, wrapper=wrap)
    assert h.record("output", h.max_abs_diff(a(x), b(x))) <= 1e-5


def test_deep_rnn_matches_stack_of_keras_layers():
    rng = np.random.default_rng(9)
    x = rng.normal(size=(4, 6, 3)).astype("float32")
    mask = h.right_padded_mask(rng, 4, 6)
    deep = DeepRNN([LSTM(5), GRU(4), SimpleRNN(4)], return_state=True)
    stack = [
        keras.layers.LSTM(5, return_sequences=True, return_state=True),
        keras.layers.GRU(4, return_sequences=True, return_state=True),
        keras.layers.SimpleRNN(4, return_state=True),
    ]
    y, *lstm_states = stack[0](x)
    y, _ = stack[1](y)
    stack[2](y)
    weights = [w for layer in stack for w in h.random_weights(layer, rng)]
    for layer in stack:
        layer.set_weights(weights[: len(layer.weights)])
        weights = weights[len(layer.weights) :]
    deep(x)
    deep.set_weights([w for layer in stack for w in layer.get_weights()])

    y, *lstm_states = stack[0](x, mask=mask)
    y, gru_state = stack[1](y, mask=mask)
    y, simple_state = stack[2](y, mask=mask)
    ours = deep(x, mask=mask)
    assert len(ours) == 1 + 2 + 1 + 1  # output, then every layer's final states
    err = h.record("output", h.max_abs_diff(list(ours), [y, *lstm_states, gru_state, simple_state]))
    assert err <= 1e-5


# --- masking property -----------------------------------------------------------------------
@settings(max_examples=6, deadline=None)
@given(
    lengths=st.lists(st.integers(1, 6), min_size=2, max_size=3),
    kind=st.sampled_from(["gru", "lstm"]),
    seed=st.integers(0, 1000),
)
def test_padding_does_not_change_valid_outputs(lengths, kind, seed):
    rng = np.random.default_rng(seed)
    layer = {"gru": GRU, "lstm": LSTM}[kind](4, return_sequences=True, return_state=True)
    x = rng.normal(size=(len(lengths), 6, 3)).astype("float32")
    mask = np.arange(6)[None, :] < np.array(lengths)[:, None]
    x_padded = np.where(mask[..., None], x, 99.0).astype("float32")  # garbage in the padding
    seq, *states = layer(x_padded, mask=mask)
    for i, n in enumerate(lengths):
        alone_seq, *alone_states = layer(x[i : i + 1, :n])
        err = h.max_abs_diff(seq[i : i + 1, :n], alone_seq)
        err = max(err, h.max_abs_diff([s[i : i + 1] for s in states], alone_states))
        assert h.record("masking", err) <= 1e-5


def test_masking_and_embedding_upstream():
    tokens = np.array([[3, 1, 4, 0, 0], [2, 7, 1, 8, 2]])
    emb = keras.layers.Embedding(10, 3, mask_zero=True)
    layer = LSTM(4)
    via_embedding = layer(emb(tokens))  # mask travels from Embedding automatically
    masked_layer = keras.layers.Masking(0.0)
    explicit = layer(emb(tokens), mask=tokens != 0)
    assert h.max_abs_diff(via_embedding, explicit) == 0.0
    model = keras.Sequential([keras.Input((5, 3)), masked_layer, LSTM(4)])
    x = np.zeros((1, 5, 3), "float32")
    x[0, :2] = 1.0
    model.layers[-1].set_weights(layer.get_weights())
    expected = layer(x[:, :2])
    assert h.max_abs_diff(model(x), expected) <= 1e-6


# --- gate tracing ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    "cls, keys",
    [
        (SimpleRNN, {"a"}),
        (GRU, {"z", "gamma_u", "gamma_r", "c_tilde", "a"}),
        (LSTM, {"gamma_u", "gamma_f", "gamma_o", "c_tilde", "c", "a"}),
    ],
)
def test_trace_matches_layer_output(cls, keys):
    rng = np.random.default_rng(11)
    x = rng.normal(size=(3, 6, 2)).astype("float32")
    mask = h.right_padded_mask(rng, 3, 6)
    layer = cls(4, return_sequences=True, go_backwards=cls is GRU)
    layer(x)
    layer.set_weights(h.random_weights(layer, rng))
    trace = layer.trace(x, mask=mask)
    assert set(trace) == keys
    assert all(v.shape == (3, 6, 4) for v in trace.values())
    assert h.max_abs_diff(trace["a"], layer(x, mask=mask)) <= 1e-6
    unmasked = layer.trace(x)
    assert h.max_abs_diff(unmasked["a"], layer(x)) <= 1e-6
    if "z" in trace:  # the seed's update gate is Keras's 1 - z
        np.testing.assert_allclose(unmasked["gamma_u"], 1.0 - unmasked["z"], atol=1e-7)


# --- Keras integration ----------------------------------------------------------------------
def _model_with_every_layer():
    tokens = keras.Input((7,), dtype="int32")
    x = keras.layers.Embedding(12, 5, mask_zero=True)(tokens)
    x = Bidirectional(GRU(4, return_sequences=True), merge_mode="sum")(x)
    x = SimpleRNN(4, return_sequences=True)(x)
    x = DeepRNN(cell_type="lstm", units=[4, 4], residual=True, return_sequences=True)(x)
    x = LSTM(3)(x)
    return keras.Model(tokens, keras.layers.Dense(2)(x))


def test_keras_file_round_trip(tmp_path):
    model = _model_with_every_layer()
    tokens = np.array([[1, 2, 3, 4, 0, 0, 0], [5, 6, 7, 8, 9, 10, 11]])
    path = tmp_path / "every_layer.keras"
    model.save(path)
    loaded = keras.models.load_model(path)
    assert h.max_abs_diff(model(tokens), loaded(tokens)) == 0.0
    assert [type(layer).__name__ for layer in loaded.layers] == [
        type(layer).__name__ for layer in model.layers
    ]


@pytest.mark.parametrize("make", [SimpleRNN, GRU, LSTM, "bi", "deep"])
def test_one_xla_training_step(make):
    rng = np.random.default_rng(13)
    if make == "bi":
        layer = Bidirectional(LSTM(4))
    elif make == "deep":
        layer = DeepRNN(cell_type="gru", units=[4, 4], dropout=0.1)
    else:
        layer = make(4)
    model = keras.Sequential([keras.Input((5, 3)), layer, keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse", jit_compile=True)
    before = [w.copy() for w in layer.get_weights()]
    x, y = rng.normal(size=(8, 5, 3)), rng.normal(size=(8, 1))
    loss = model.train_on_batch(x, y)
    assert np.isfinite(loss)
    assert any(np.abs(b - a).max() > 0 for b, a in zip(before, layer.get_weights(), strict=True))


def test_long_sequence_stays_finite():
    x = np.random.default_rng(0).normal(size=(2, 2000, 3)).astype("float32")
    model = keras.Sequential([keras.Input((2000, 3)), LSTM(8, return_sequences=True)])
    out = model.predict(x, verbose=0)
    assert out.shape == (2, 2000, 8) and np.all(np.isfinite(out))


def test_compute_output_shape_matches_call():
    x = np.zeros((2, 5, 3), "float32")
    layers = [
        LSTM(4, return_sequences=True, return_state=True),
        GRU(4),
        Bidirectional(SimpleRNN(4, return_sequences=True), merge_mode=None),
        Bidirectional(LSTM(4, return_state=True)),
        DeepRNN(cell_type="simple", units=[3, 4], return_state=True),
    ]
    for layer in layers:
        out = layer(x)
        out = out if isinstance(out, (list, tuple)) else [out]
        shapes = layer.compute_output_shape(x.shape)
        shapes = shapes if isinstance(shapes[0], tuple) else [shapes]
        assert [tuple(o.shape) for o in out] == [tuple(s) for s in shapes], layer.name


def test_config_round_trip():
    for layer in [
        LSTM(3, peephole=True, go_backwards=True, unit_forget_bias=False),
        GRU(3, reset_after=False, return_state=True),
        Bidirectional(SimpleRNN(3, activation="relu"), merge_mode="ave"),
        DeepRNN(cell_type="gru", units=[2, 3], residual=True, dropout=0.2),
    ]:
        clone = type(layer).from_config(layer.get_config())
        assert _without_names(clone.get_config()) == _without_names(layer.get_config())


def _without_names(config):
    """Copies inside Bidirectional/DeepRNN get fresh unique names; compare everything else."""
    if isinstance(config, dict):
        return {k: _without_names(v) for k, v in config.items() if k != "name"}
    if isinstance(config, list):
        return [_without_names(v) for v in config]
    return config


# --- clear errors ---------------------------------------------------------------------------
@pytest.mark.parametrize("shape", [(2, 3), (2, 3, 4, 5)])
def test_rank_error(shape):
    with pytest.raises(ValueError, match=r"expected \(batch, time, features\), got shape"):
        LSTM(3)(np.zeros(shape, "float32"))


def test_feature_size_changed_error():
    layer = GRU(3)
    layer(np.zeros((1, 4, 2), "float32"))
    with pytest.raises(ValueError, match="feature size changed after build"):
        layer(np.zeros((1, 4, 5), "float32"))


@pytest.mark.parametrize("units, error", [(0, ValueError), (-3, ValueError), (2.5, TypeError),
                                          ("8", TypeError), (True, TypeError)])  # fmt: skip
def test_units_error(units, error):
    with pytest.raises(error, match="`units` must be a positive int"):
        SimpleRNN(units)


def test_merge_mode_error():
    with pytest.raises(ValueError, match="Unknown merge_mode 'max'"):
        Bidirectional(LSTM(3), merge_mode="max")


@pytest.mark.parametrize("wrap", [Bidirectional, lambda layer: DeepRNN([layer])])
def test_non_recurrent_layer_error(wrap):
    with pytest.raises(TypeError, match="expects an rnn_utils recurrent layer"):
        wrap(keras.layers.Dense(3))


def test_mask_shape_error():
    with pytest.raises(ValueError, match=r"mask must have shape \(batch, time\)"):
        LSTM(3)(np.zeros((2, 4, 3), "float32"), mask=np.ones((2, 5), bool))


def test_deep_rnn_argument_errors():
    with pytest.raises(ValueError, match="cell_type must be"):
        DeepRNN(cell_type="transformer", units=[3])
    with pytest.raises(ValueError, match="`units` must be a non-empty list"):
        DeepRNN(cell_type="gru", units=3)


# --- the partially unrolled loops of rnn_utils.layers._loop (k steps per loop iteration) ---------
# With unroll=True: T=13 has no divisor in 4..10, so one block of 10 steps in the loop plus an
# unrolled tail of 3 (GRU; the LSTM's backward loop); T=12 runs two blocks of 6; T=1 is a single
# block; SimpleRNN and the LSTM's forward pass run a short sequence as one block.
@pytest.mark.parametrize("kind", ["simple", "gru", "lstm"])
@pytest.mark.parametrize(
    "time, masked, go_backwards",
    [(13, False, False), (13, True, True), (12, True, False), (1, False, True)],
)
def test_unrolled_fused_loop_matches_keras(kind, time, masked, go_backwards):
    from rnn_utils.layers import _loop

    assert _loop.unroll_factor(13) == 10 and _loop.unroll_factor(12) == 6
    rng = np.random.default_rng(time)
    x = rng.normal(size=(3, time, 2)).astype("float32")
    flags = dict(go_backwards=go_backwards, return_sequences=True, return_state=True, unroll=True)
    ours, theirs = h.twin_layers(kind, rng, 2, 4, **flags)
    kwargs = {"mask": h.right_padded_mask(rng, 3, time)} if masked else {}
    out_err = h.record(
        "output", h.max_abs_diff(ours(x, training=True, **kwargs), theirs(x, **kwargs))
    )
    grads = h.loss_and_grads(ours, x, training=True, **kwargs)
    grad_err = h.record("gradient", h.max_abs_diff(grads, h.loss_and_grads(theirs, x, **kwargs)))
    assert out_err <= 1e-5 and grad_err <= 1e-4, (out_err, grad_err)


@pytest.mark.parametrize(
    "make, unrolled, expected",
    [
        (lambda u: GRU(4, unroll=u), False, [1, 1]),
        (lambda u: GRU(4, unroll=u), True, [6, 6]),
        (lambda u: LSTM(4, unroll=u), True, [12, 6]),  # forward fully unrolled
        (lambda u: SimpleRNN(4, unroll=u), True, [12, 12]),
        (lambda u: Bidirectional(GRU(4, unroll=u)), True, [6, 6, 6, 6]),
        (lambda u: DeepRNN([LSTM(4, unroll=u), GRU(4)]), True, [12, 1, 1, 6]),
    ],
)
def test_unroll_flag_sets_steps_per_loop_iteration(monkeypatch, make, unrolled, expected):
    """The layer's ``unroll`` reaches its training loops (forward, then backward), at T = 12."""
    from rnn_utils.layers import _loop

    steps, real_unroll_factor = [], _loop.unroll_factor

    def recording(length, max_unroll=None):
        steps.append(real_unroll_factor(length, max_unroll))
        return steps[-1]

    monkeypatch.setattr(_loop, "unroll_factor", recording)
    tf = pytest.importorskip("tensorflow")  # the hand-written BPTT is TensorFlow's
    layer = make(unrolled)
    x = tf.zeros((2, 12, 3))
    with tf.GradientTape() as tape:
        tape.watch(x)
        loss = tf.reduce_sum(layer(x, training=True))
    tape.gradient(loss, x)
    assert sorted(steps) == sorted(expected), steps


@pytest.mark.parametrize("kind", ["simple", "gru", "lstm"])
def test_fused_loop_with_unknown_time_length_matches_keras(kind):
    tf = pytest.importorskip("tensorflow")
    rng = np.random.default_rng(5)
    x = rng.normal(size=(3, 6, 2)).astype("float32")
    ours, theirs = h.twin_layers(kind, rng, 2, 4, return_sequences=True)

    def grads_of(layer, training):
        @tf.function(input_signature=[tf.TensorSpec((None, None, 2), tf.float32)])
        def run(inputs):
            with tf.GradientTape() as tape:
                tape.watch(inputs)
                loss = tf.reduce_sum(tf.sin(layer(inputs, training=training)))
            return loss, tape.gradient(loss, [inputs, *layer.trainable_weights])

        return run(tf.constant(x))

    loss_a, grads_a = grads_of(ours, True)
    loss_b, grads_b = grads_of(theirs, None)
    assert h.max_abs_diff(loss_a, loss_b) <= 1e-4
    assert h.record("gradient", h.max_abs_diff(grads_a, grads_b)) <= 1e-4


def test_xla_training_step_with_unrolled_tail():
    rng = np.random.default_rng(2)
    x, y = rng.normal(size=(4, 13, 3)), rng.normal(size=(4, 13, 1))
    losses = []
    for jit in (True, False):
        keras.utils.set_random_seed(0)
        model = keras.Sequential(
            [keras.Input((13, 3)), LSTM(4, return_sequences=True), keras.layers.Dense(1)]
        )
        model.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse", jit_compile=jit)
        losses.append([model.train_on_batch(x, y) for _ in range(2)])
    np.testing.assert_allclose(losses[0], losses[1], rtol=1e-5)


def test_jit_support_is_declared_for_keras_auto_xla():
    """jit_compile="auto" (Keras's GPU default) must skip XLA where training cannot compile."""
    from keras.src.trainers.trainer import model_supports_jit

    from rnn_utils.layers import GRU, LSTM, Bidirectional

    def model(layer):
        return keras.Sequential([keras.Input((5, 3)), layer])

    assert LSTM(4).supports_jit and GRU(4).supports_jit
    assert not LSTM(4, peephole=True).supports_jit
    assert not GRU(4, reset_after=False).supports_jit
    assert model_supports_jit(model(Bidirectional(LSTM(4))))
    assert not model_supports_jit(model(Bidirectional(LSTM(4, peephole=True))))


def test_report_max_errors():
    """Runs last: prints the largest errors of this module's comparisons (quote these)."""
    if "output" not in h.MAX_ERRORS or "gradient" not in h.MAX_ERRORS:
        pytest.skip("run with the equivalence tests above to get the report")
    print(f"\nmax errors vs Keras: {h.MAX_ERRORS}")
    # Two different implementations never agree to the last bit on every comparison: an exact
    # 0 here would mean the tests compared a layer with itself.
    assert 0.0 < h.MAX_ERRORS["output"] and 0.0 < h.MAX_ERRORS["gradient"]
