"""Our layers as drop-in replacements for Keras 3's built-ins: the tests a Keras user expects.

Signatures (names, order, defaults) and configs; variational dropout (training only, one mask
per sequence, equal to Keras's with the same masks); ``stateful`` (equal to Keras's over
consecutive batches, in ``fit``, reset, saved and loaded); the accepted no-op arguments;
``DeepRNN`` and ``Bidirectional`` passing all of it through. Equivalence of the plain layers is
in tests/test_layers.py.
"""

import inspect

import keras
import numpy as np
import pytest
from _layer_helpers import KINDS, loss_and_grads, max_abs_diff, random_weights, record

from rnn_utils import layers as ours

PAIRS = [
    (ours.SimpleRNN, keras.layers.SimpleRNN),
    (ours.GRU, keras.layers.GRU),
    (ours.LSTM, keras.layers.LSTM),
    (ours.SimpleRNNCell, keras.layers.SimpleRNNCell),
    (ours.GRUCell, keras.layers.GRUCell),
    (ours.LSTMCell, keras.layers.LSTMCell),
    (ours.Bidirectional, keras.layers.Bidirectional),
]
OUR_EXTRAS = {"peephole"}  # ours only, after Keras's parameters


def _parameters(cls):
    params = inspect.signature(cls.__init__).parameters.values()
    return [(p.name, p.default) for p in params if p.name != "self" and p.kind != p.VAR_KEYWORD]


@pytest.mark.parametrize("our_cls, keras_cls", PAIRS, ids=[p[0].__name__ for p in PAIRS])
def test_signature_is_keras_with_same_order_and_defaults(our_cls, keras_cls):
    theirs, mine = _parameters(keras_cls), _parameters(our_cls)
    assert mine[: len(theirs)] == theirs
    assert {name for name, _ in mine[len(theirs) :]} <= OUR_EXTRAS


@pytest.mark.parametrize("kind", ["simple", "gru", "lstm"])
def test_config_has_keras_keys_and_default_values(kind):
    our_cls, keras_cls, _ = KINDS[kind]
    mine, theirs = our_cls(4).get_config(), keras_cls(4).get_config()
    for key in ("name", "dtype", "use_cudnn"):
        mine.pop(key, None), theirs.pop(key, None)
    assert set(theirs) <= set(mine)
    assert {k: mine[k] for k in theirs} == theirs


@pytest.mark.parametrize("kind", ["simple", "gru", "lstm"])
def test_every_keras_argument_is_accepted_and_serialized(kind):
    our_cls, keras_cls, _ = KINDS[kind]
    changed = dict(
        activation="relu", use_bias=False, kernel_initializer="he_normal",
        recurrent_initializer="glorot_uniform", bias_initializer="ones",
        kernel_regularizer="l2", recurrent_regularizer="l1", bias_regularizer="l2",
        activity_regularizer="l1", kernel_constraint="non_neg",
        recurrent_constraint="unit_norm", bias_constraint="max_norm", dropout=0.1,
        recurrent_dropout=0.2, seed=7, return_sequences=True, return_state=True,
        go_backwards=True, stateful=True, unroll=True,
    )  # fmt: skip
    if kind != "simple":
        changed.update(recurrent_activation="hard_sigmoid", use_cudnn=False)
    changed.update(
        {"gru": {"reset_after": False}, "lstm": {"unit_forget_bias": False}}.get(kind, {})
    )
    mine, theirs = our_cls(4, **changed), keras_cls(4, **changed)
    ours_config, keras_config = mine.get_config(), theirs.get_config()
    skipped = {"name", "use_cudnn"}
    if kind == "simple":  # keras.layers.SimpleRNN drops its activity_regularizer (ours keeps it)
        skipped.add("activity_regularizer")
    for key in theirs.get_config():
        if key not in skipped:
            assert ours_config[key] == keras_config[key], key
    rebuilt = our_cls.from_config(ours_config).get_config()
    assert rebuilt == ours_config


def test_positional_arguments_mean_what_they_mean_in_keras():
    layer = ours.LSTM(4, "relu", "hard_sigmoid")
    assert layer.cell.activation is keras.activations.relu
    assert layer.cell.recurrent_activation is keras.activations.hard_sigmoid


@pytest.mark.parametrize("bad", [-0.1, 1.0, "0.5", True])
def test_bad_dropout_rate_is_a_clear_error(bad):
    with pytest.raises(ValueError, match=r"`recurrent_dropout` must be a dropout rate in \[0, 1\)"):
        ours.LSTM(3, recurrent_dropout=bad)
    with pytest.raises(ValueError, match=r"`dropout` must be a dropout rate"):
        ours.GRUCell(3, dropout=bad)


def test_bad_use_cudnn_is_a_clear_error():
    with pytest.raises(ValueError, match="`use_cudnn` must be"):
        ours.GRU(3, use_cudnn="yes")


# --- dropout ---------------------------------------------------------------------------------
def _fixed_masks(layer, x_mask, a_mask):
    """Make ``layer`` (ours or Keras's) use the given masks (Keras's per-gate lists tied)."""
    cell = layer.cell
    count = getattr(cell, "dropout_mask_count", None)

    def fixed(mask, rate):
        if not rate:
            return None
        return [mask] * count if count else mask

    cell.get_dropout_mask = lambda _: fixed(x_mask, cell.dropout)
    cell.get_recurrent_dropout_mask = lambda _: fixed(a_mask, cell.recurrent_dropout)


def _bernoulli_mask(rng, shape, rate):
    return ((rng.random(shape) >= rate) / (1 - rate)).astype("float32")


@pytest.mark.parametrize("kind", list(KINDS))
@pytest.mark.parametrize("rates", [(0.3, 0.0), (0.0, 0.4), (0.3, 0.4)])
@pytest.mark.parametrize("masked", [False, True])
def test_dropout_equals_keras_with_the_same_masks(kind, rates, masked):
    our_cls, keras_cls, kwargs = KINDS[kind]
    rng = np.random.default_rng(3)
    flags = dict(kwargs, dropout=rates[0], recurrent_dropout=rates[1], return_sequences=True)
    a, b = our_cls(5, **flags), keras_cls(5, **flags)
    x = rng.normal(size=(4, 7, 3)).astype("float32")
    a(x), b(x)
    b.set_weights(random_weights(b, rng))
    a.set_weights(b.get_weights())
    x_mask, a_mask = _bernoulli_mask(rng, (4, 3), 0.3), _bernoulli_mask(rng, (4, 5), 0.4)
    _fixed_masks(a, x_mask, a_mask)
    _fixed_masks(b, x_mask, a_mask)
    call = {"training": True}
    if masked:
        call["mask"] = np.arange(7)[None, :] < np.array([[7], [3], [5], [1]])
    out_err = record("dropout output", max_abs_diff(a(x, **call), b(x, **call)))
    grads = loss_and_grads(a, x, **call), loss_and_grads(b, x, **call)
    grad_err = record("dropout gradient", max_abs_diff(*grads))
    assert out_err <= 1e-5 and grad_err <= 1e-4, (out_err, grad_err)
    # and the masks matter: without them the outputs differ
    assert max_abs_diff(a(x, **call), a(x, training=False, mask=call.get("mask"))) > 1e-2


def _probe(cls, rate_name, rate, seed=None, **extra):
    """A linear layer whose outputs expose the dropout masks (see the two tests below)."""
    layer = cls(6, activation=None, use_bias=False, return_sequences=True, seed=seed,
                **{rate_name: rate}, **extra)  # fmt: skip
    layer.build((None, None, 6))
    eye, zero = np.eye(6, dtype="float32"), np.zeros((6, 6), "float32")
    kernel, recurrent = (eye, zero) if rate_name == "dropout" else (zero, eye)
    layer.set_weights([kernel, recurrent])
    return layer


def test_input_dropout_mask_is_the_same_at_every_step_and_keeps_1_minus_rate():
    layer = _probe(ours.SimpleRNN, "dropout", 0.3, seed=1)
    out = keras.ops.convert_to_numpy(layer(np.ones((500, 9, 6), "float32"), training=True))
    # a<t> = x<t> ⊙ m with x<t> = 1: every step shows the mask itself.
    assert np.array_equal(out, np.repeat(out[:, :1], 9, axis=1))
    assert np.allclose(np.unique(out), [0.0, 1 / 0.7])
    kept = (out[:, 0] > 0).mean()
    assert abs(kept - 0.7) < 0.02, kept
    again = keras.ops.convert_to_numpy(layer(np.ones((500, 9, 6), "float32"), training=True))
    assert not np.array_equal(again, out)  # a fresh mask for every batch


def test_recurrent_dropout_mask_is_the_same_at_every_step():
    layer = _probe(ours.SimpleRNN, "recurrent_dropout", 0.25, seed=2)
    a0 = np.ones((400, 6), "float32")
    out = layer(np.zeros((400, 8, 6), "float32"), training=True, initial_state=[a0])
    out = keras.ops.convert_to_numpy(out)
    # a<t> = a<t-1> ⊙ m, so a<t> = m^t: the dropped units are the same at every step
    # (a fresh mask per step would drop more and more of them), the kept ones grow as s^t.
    scale = 1 / 0.75
    dropped = out[:, 0] == 0
    for t in range(8):
        assert np.array_equal(out[:, t] == 0, dropped)
        assert np.allclose(out[:, t][~dropped], scale ** (t + 1), rtol=1e-5)
    assert abs((~dropped).mean() - 0.75) < 0.03


@pytest.mark.parametrize("kind", ["simple", "gru", "lstm"])
def test_dropout_only_in_training(kind):
    our_cls, _, _ = KINDS[kind]
    rng = np.random.default_rng(0)
    x = rng.normal(size=(3, 6, 4)).astype("float32")
    plain = our_cls(5, return_sequences=True)
    dropped = our_cls(5, return_sequences=True, dropout=0.5, recurrent_dropout=0.5)
    plain(x), dropped(x)
    dropped.set_weights(plain.get_weights())
    for training in (None, False):  # a dropout mask would move outputs by ~0.1, not 1e-6
        assert max_abs_diff(plain(x, training=training), dropped(x, training=training)) < 1e-6
    assert max_abs_diff(plain(x), dropped(x, training=True)) > 1e-2
    model = keras.Sequential([keras.Input((6, 4)), dropped])
    assert max_abs_diff(model.predict(x, verbose=0), plain(x)) < 1e-6


def test_same_seed_same_masks():
    x = np.ones((50, 4, 6), "float32")
    first = _probe(ours.SimpleRNN, "dropout", 0.5, seed=11)(x, training=True)
    second = _probe(ours.SimpleRNN, "dropout", 0.5, seed=11)(x, training=True)
    assert max_abs_diff(first, second) == 0.0


def test_cell_dropout_inside_keras_rnn_equals_our_layer():
    rng = np.random.default_rng(5)
    x = rng.normal(size=(4, 6, 3)).astype("float32")
    layer = ours.LSTM(5, dropout=0.3, recurrent_dropout=0.3, return_sequences=True)
    wrapped = keras.layers.RNN(
        ours.LSTMCell(5, dropout=0.3, recurrent_dropout=0.3), return_sequences=True
    )
    layer(x), wrapped(x)
    wrapped.set_weights(layer.get_weights())
    x_mask, a_mask = _bernoulli_mask(rng, (4, 3), 0.3), _bernoulli_mask(rng, (4, 5), 0.3)
    _fixed_masks(layer, x_mask, a_mask)
    _fixed_masks(wrapped, x_mask, a_mask)
    assert max_abs_diff(layer(x, training=True), wrapped(x, training=True)) <= 1e-5
    # unpatched: Keras's RNN caches one mask per sequence in the cell, then resets it
    fresh = keras.layers.RNN(ours.SimpleRNNCell(6, dropout=0.5, use_bias=False, activation=None,
                                                seed=3), return_sequences=True)  # fmt: skip
    fresh.build((None, None, 6))
    fresh.set_weights([np.eye(6, dtype="float32"), np.zeros((6, 6), "float32")])
    out = keras.ops.convert_to_numpy(fresh(np.ones((20, 5, 6), "float32"), training=True))
    assert np.array_equal(out, np.repeat(out[:, :1], 5, axis=1))
    assert fresh.cell._dropout_mask is None


@pytest.mark.parametrize("kind", ["gru", "lstm"])
def test_fit_with_dropout_trains_and_uses_autodiff_for_recurrent_dropout(kind):
    our_cls, _, _ = KINDS[kind]
    keras.utils.set_random_seed(0)
    rng = np.random.default_rng(0)
    x = rng.normal(size=(64, 6, 3)).astype("float32")
    y = x[:, :, 0].mean(axis=1, keepdims=True)  # learnable: the mean of the first feature
    layer = our_cls(16, dropout=0.1, recurrent_dropout=0.1, seed=0)
    assert not layer.supports_jit  # no hand-written BPTT with a recurrent mask
    model = keras.Sequential([keras.Input((6, 3)), layer, keras.layers.Dense(1)])
    model.compile(keras.optimizers.Adam(0.01), "mse")
    losses = model.fit(x, y, epochs=15, batch_size=16, verbose=0).history["loss"]
    assert np.all(np.isfinite(losses)) and losses[-1] < 0.5 * losses[0], losses


# --- stateful --------------------------------------------------------------------------------
def _stateful_twins(kind, batch, n_x, units, **flags):
    our_cls, keras_cls, kwargs = KINDS[kind]
    rng = np.random.default_rng(1)
    a = our_cls(units, stateful=True, **kwargs, **flags)
    b = keras_cls(units, stateful=True, **kwargs, **flags)
    for layer in (a, b):
        layer.build((batch, None, n_x))
    b.set_weights(random_weights(b, rng, scale=0.5))
    a.set_weights(b.get_weights())
    return a, b


@pytest.mark.parametrize("kind", list(KINDS))
def test_stateful_matches_keras_over_consecutive_batches(kind):
    a, b = _stateful_twins(kind, 3, 2, 4, return_sequences=True)
    rng = np.random.default_rng(2)
    chunks = [rng.normal(size=(3, 5, 2)).astype("float32") for _ in range(3)]
    for chunk in chunks:
        assert record("stateful", max_abs_diff(a(chunk), b(chunk))) <= 1e-5
    assert max_abs_diff(a.states, b.states) <= 1e-5
    a.reset_state(), b.reset_state()
    assert max_abs_diff(a.states, [np.zeros((3, 4))] * len(a.states)) == 0.0
    assert max_abs_diff(a(chunks[0]), b(chunks[0])) <= 1e-5


def test_stateful_carry_equals_one_pass_over_the_whole_sequence():
    rng = np.random.default_rng(4)
    x = rng.normal(size=(2, 12, 3)).astype("float32")
    stateful = ours.LSTM(4, stateful=True, return_sequences=True)
    stateful.build((2, None, 3))
    whole = ours.LSTM(4, return_sequences=True)
    whole.build((2, None, 3))
    whole.set_weights(stateful.get_weights())
    pieces = [stateful(x[:, i : i + 4]) for i in range(0, 12, 4)]
    assert max_abs_diff(keras.ops.concatenate(pieces, axis=1), whole(x)) <= 1e-5
    stateful.reset_states()  # Keras 2's name
    assert max_abs_diff(stateful(x[:, :4]), pieces[0]) <= 1e-6


@pytest.mark.parametrize("kind", ["simple", "gru", "lstm"])
def test_stateful_fit_matches_keras(kind):
    """Truncated BPTT in fit: the same weights after training on consecutive chunks."""
    a, b = _stateful_twins(kind, 4, 3, 6)
    rng = np.random.default_rng(6)
    x = rng.normal(size=(12, 5, 3)).astype("float32")  # 3 consecutive batches of 4 streams
    y = rng.normal(size=(12, 1)).astype("float32")
    models = []
    for layer in (a, b):
        head = keras.layers.Dense(1, kernel_initializer="ones")
        model = keras.Sequential([keras.Input(batch_shape=(4, 5, 3)), layer, head])
        model.compile(keras.optimizers.SGD(0.05), "mse")
        model.fit(x, y, batch_size=4, epochs=2, shuffle=False, verbose=0)
        models.append(model)
    assert record("stateful fit", max_abs_diff(a.get_weights(), b.get_weights())) <= 1e-4
    assert max_abs_diff(a.states, b.states) <= 1e-4
    predictions = [m.predict(x, batch_size=4, verbose=0) for m in models]
    assert max_abs_diff(*predictions) <= 1e-4


def test_stateful_model_saves_and_loads(tmp_path):
    rng = np.random.default_rng(7)
    x = rng.normal(size=(2, 6, 3)).astype("float32")
    inputs = keras.Input(batch_shape=(2, 6, 3))
    layer = ours.GRU(4, stateful=True, dropout=0.1, recurrent_dropout=0.1, seed=3)
    model = keras.Model(inputs, keras.layers.Dense(2)(layer(inputs)))
    expected = model.predict(x, verbose=0)  # from zero states; the layer now carries others
    assert max_abs_diff(layer.states, [np.zeros((2, 4))]) > 1e-3
    model.save(tmp_path / "stateful.keras")
    loaded = keras.saving.load_model(tmp_path / "stateful.keras")
    reloaded = loaded.layers[1]
    assert reloaded.stateful and reloaded.cell.recurrent_dropout == 0.1 and reloaded.cell.seed == 3
    # the carried states are not weights: not saved, the loaded layer starts from zeros
    assert max_abs_diff(reloaded.states, [np.zeros((2, 4))]) == 0.0
    assert max_abs_diff(loaded.get_weights(), model.get_weights()) == 0.0
    assert max_abs_diff(loaded.predict(x, verbose=0), expected) <= 1e-6


def test_stateful_errors_are_clear():
    with pytest.raises(ValueError, match="stateful=True needs a fixed batch size"):
        ours.LSTM(3, stateful=True)(keras.Input((5, 2)))
    layer = ours.LSTM(3, stateful=True)
    layer(np.zeros((2, 5, 2), "float32"))
    with pytest.raises(ValueError, match="keeps states for batches of 2, got a batch of 3"):
        layer(np.zeros((3, 5, 2), "float32"))
    with pytest.raises(ValueError, match="needs a layer built with stateful=True"):
        ours.GRU(3).reset_state()


def test_states_are_not_weights():
    layer = ours.LSTM(3, stateful=True)
    layer(np.ones((2, 4, 2), "float32"))
    builtin = keras.layers.LSTM(3, stateful=True)
    builtin(np.ones((2, 4, 2), "float32"))
    assert len(layer.weights) == len(builtin.weights) == 3


# --- accepted no-op arguments --------------------------------------------------------------------
@pytest.mark.parametrize(
    "flags", [{"unroll": True}, {"use_cudnn": False}, {"use_cudnn": True}, {"implementation": 1}]
)
def test_no_op_arguments_do_not_change_outputs(flags):
    rng = np.random.default_rng(8)
    x = rng.normal(size=(2, 5, 3)).astype("float32")
    plain, other = ours.LSTM(4), ours.LSTM(4, **flags)
    plain(x), other(x)
    other.set_weights(plain.get_weights())
    assert max_abs_diff(plain(x), other(x)) == 0.0
    assert max_abs_diff(plain(x, training=True), other(x, training=True)) == 0.0


# --- wrappers pass it through ---------------------------------------------------------------------
def test_bidirectional_stateful_and_dropout_match_keras():
    rng = np.random.default_rng(9)
    mine = ours.Bidirectional(ours.GRU(4, stateful=True, return_sequences=True))
    theirs = keras.layers.Bidirectional(keras.layers.GRU(4, stateful=True, return_sequences=True))
    for layer in (mine, theirs):
        layer.build((2, 5, 3))
    theirs.set_weights(random_weights(theirs, rng, scale=0.5))
    mine.set_weights(theirs.get_weights())
    for _ in range(2):
        chunk = rng.normal(size=(2, 5, 3)).astype("float32")
        assert max_abs_diff(mine(chunk), theirs(chunk)) <= 1e-5
    mine.reset_state(), theirs.reset_state()
    assert max_abs_diff(mine(chunk), theirs(chunk)) <= 1e-5
    assert mine.stateful
    seeded = ours.Bidirectional(ours.LSTM(3, dropout=0.5, return_sequences=True))
    x = np.ones((2, 4, 3), "float32")
    assert max_abs_diff(seeded(x, training=True), seeded(x)) > 1e-3


def test_bidirectional_initial_weights_argument():
    template = ours.Bidirectional(ours.SimpleRNN(2))
    template.build((1, 3, 2))
    weights = [w + 1.0 for w in template.get_weights()]
    layer = ours.Bidirectional(ours.SimpleRNN(2), weights=weights)
    layer.build((1, 3, 2))
    assert max_abs_diff(layer.get_weights(), weights) == 0.0


def test_deep_rnn_respects_the_top_layers_return_sequences():
    x = np.zeros((2, 5, 3), "float32")
    deep = ours.DeepRNN([ours.LSTM(4), ours.GRU(3, return_sequences=True)])
    assert tuple(deep(x).shape) == (2, 5, 3)
    assert tuple(ours.DeepRNN([ours.LSTM(4), ours.GRU(3)])(x).shape) == (2, 3)
    assert tuple(ours.DeepRNN([ours.LSTM(4), ours.GRU(3)], return_sequences=True)(x).shape) == (
        2, 5, 3,
    )  # fmt: skip
    with pytest.raises(ValueError, match="top layer was built with return_sequences=True"):
        ours.DeepRNN([ours.LSTM(4), ours.GRU(3, return_sequences=True)], return_sequences=False)
    with pytest.raises(ValueError, match="layer 0 was built with return_state=True"):
        ours.DeepRNN([ours.LSTM(4, return_state=True), ours.GRU(3)])


def test_deep_rnn_stateful_layers_reset_together():
    deep = ours.DeepRNN(cell_type="gru", units=[3, 3], cell_kwargs={"stateful": True})
    x = np.ones((2, 4, 2), "float32")
    first = deep(x)
    assert max_abs_diff(deep(x), first) > 1e-4  # the states carried over
    deep.reset_states()
    assert max_abs_diff(deep(x), first) <= 1e-6


def test_only_unseeded_dropout_draws_from_the_global_random_state():
    """A seeded notebook's later initialisations must not shift because its layers gained a
    dropout argument: the mask generator exists only with dropout, and a seeded one draws
    nothing from Python's global RNG."""
    import random

    def next_draw_after(make):
        random.seed(0)
        make()
        return random.random()

    plain = next_draw_after(lambda: ours.LSTM(3))
    assert next_draw_after(lambda: ours.LSTM(3, dropout=0.1, seed=4)) == plain
    assert next_draw_after(lambda: ours.LSTM(3, dropout=0.1)) != plain


# --- behaviours a drop-in twin must share with Keras's wrappers and stateful layers -----------
def _config_json(layer):
    import json

    return json.dumps(layer.get_config(), sort_keys=True)


@pytest.mark.parametrize("merge_mode", ["concat", None])
@pytest.mark.parametrize("kind", ["simple", "gru", "lstm"])
def test_bidirectional_config_survives_repeated_round_trips(kind, merge_mode):
    our_cls = KINDS[kind][0]
    first = ours.Bidirectional(our_cls(3, return_sequences=True), merge_mode=merge_mode)
    second = ours.Bidirectional.from_config(first.get_config())
    third = ours.Bidirectional.from_config(second.get_config())
    assert _config_json(second) == _config_json(first)
    assert _config_json(third) == _config_json(first)
    assert first.forward_layer.name.startswith("forward_")
    assert first.backward_layer.name.startswith("backward_")


def test_bidirectional_with_its_own_backward_layer_round_trips():
    backward = ours.GRU(3, go_backwards=True, name="right_to_left")
    first = ours.Bidirectional(ours.GRU(3), backward_layer=backward)
    again = ours.Bidirectional.from_config(first.get_config())
    assert again.backward_layer.name == "right_to_left"
    assert _config_json(again) == _config_json(first)


@pytest.mark.parametrize("use_cudnn", [True, False, "auto"])
@pytest.mark.parametrize("our_cls", [ours.GRU, ours.LSTM])
def test_bidirectional_keeps_the_wrapped_layers_use_cudnn(our_cls, use_cudnn):
    wrapped = ours.Bidirectional(our_cls(3, use_cudnn=use_cudnn))
    assert wrapped.forward_layer.use_cudnn == use_cudnn
    assert wrapped.backward_layer.use_cudnn == use_cudnn
    backward = our_cls(3, go_backwards=True, use_cudnn=False)
    mixed = ours.Bidirectional(our_cls(3, use_cudnn=True), backward_layer=backward)
    assert (mixed.forward_layer.use_cudnn, mixed.backward_layer.use_cudnn) == (True, False)


@pytest.mark.parametrize("training", [True, False])
@pytest.mark.parametrize("kind", ["simple", "gru", "lstm"])
def test_stateful_layer_traced_with_an_unknown_batch_size(kind, training):
    """A stateful layer built on a fixed batch, then called in a graph whose batch size is None
    (a tf.function with a (None, T, n_x) signature, as a SavedModel export makes)."""
    import tensorflow as tf

    our_cls = KINDS[kind][0]
    layer = our_cls(4, stateful=True)
    x = np.random.default_rng(3).normal(size=(2, 6, 5)).astype("float32")
    layer(x, training=training)  # builds the carried states for batches of 2
    traced = tf.function(
        lambda inputs: layer(inputs, training=training),
        input_signature=[tf.TensorSpec((None, 6, 5), tf.float32)],
    )
    layer.reset_state()
    graph_out = traced(x)
    graph_states = [np.asarray(s) for s in layer.states]
    layer.reset_state()
    eager_out = layer(x, training=training)
    assert graph_out.shape == (2, 4)
    assert max_abs_diff(graph_out, eager_out) < 1e-6
    for graph_state, state in zip(graph_states, layer.states, strict=True):
        assert max_abs_diff(graph_state, state) < 1e-6
