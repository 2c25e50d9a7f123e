"""rnn_utils.seq2seq model and metrics: masking, teacher forcing = step-by-step, a real fit."""

import keras
import numpy as np
import pytest

from rnn_utils.seq2seq import beam_search, greedy_search
from rnn_utils.seq2seq.metrics import closest_reference, phoneme_error_rate, word_error_rate
from rnn_utils.seq2seq.model import Seq2Seq, masked_accuracy, masked_loss

SOURCE = np.array([[3, 4, 5, 0, 0], [2, 3, 4, 5, 6], [7, 0, 0, 0, 0]])
TARGET_IN = np.array([[1, 4, 5, 6], [1, 2, 3, 0], [1, 7, 0, 0]])


def _model(cell="gru", attention="dot", **kwargs):
    keras.utils.set_random_seed(0)
    return Seq2Seq(10, 9, embedding_dim=4, units=6, cell=cell, attention=attention, **kwargs)


@pytest.mark.parametrize("cell", ["gru", "lstm"])
@pytest.mark.parametrize(
    "attention, input_feeding",
    [(None, False), ("dot", False), ("general", False), ("additive", False)]
    + [("dot", True), ("general", True), ("additive", True)],
)
def test_step_by_step_decoding_equals_the_teacher_forced_pass(cell, attention, input_feeding):
    model = _model(cell, attention, encoder_layers=2, input_feeding=input_feeding)
    full = keras.ops.convert_to_numpy(keras.ops.log_softmax(model((SOURCE, TARGET_IN)), -1))
    states = model.initial_decoder_states(SOURCE)
    assert len(states) == model.step_state_count
    for t in range(TARGET_IN.shape[1]):
        log_probs, states = model.step(TARGET_IN[:, t], states)
        real = TARGET_IN[:, t] != 0  # after the target's padding the two need not agree
        np.testing.assert_allclose(log_probs[real], full[real, t], atol=1e-5)


@pytest.mark.parametrize("input_feeding", [False, True])
def test_padded_source_positions_get_zero_attention_and_do_not_matter(input_feeding):
    model = _model(bidirectional=False, input_feeding=input_feeding)
    _, weights = model((SOURCE, TARGET_IN), return_attention=True)
    weights = np.asarray(weights)
    assert np.all(weights[0, :, 3:] == 0) and np.all(weights[2, :, 1:] == 0)
    changed = SOURCE.copy()
    changed[0, 3:] = 0  # already padding: same
    longer = np.pad(SOURCE, ((0, 0), (0, 2)))  # more padding at the end: same outputs
    np.testing.assert_allclose(
        np.asarray(model((longer, TARGET_IN))), np.asarray(model((changed, TARGET_IN))), atol=1e-5
    )


def test_loss_and_accuracy_ignore_padded_target_positions():
    rng = np.random.default_rng(0)
    y_true = np.array([[2, 3, 0, 0], [4, 0, 0, 0]])
    logits = rng.normal(size=(2, 4, 9)).astype("float32")
    other = logits.copy()
    other[y_true == 0] = rng.normal(size=(int((y_true == 0).sum()), 9)) * 10
    assert float(masked_loss(y_true, logits)) == pytest.approx(float(masked_loss(y_true, other)))
    assert float(masked_accuracy(y_true, logits)) == float(masked_accuracy(y_true, other))
    real = y_true != 0
    expected = np.mean(np.argmax(logits, -1)[real] == y_true[real])
    assert float(masked_accuracy(y_true, logits)) == pytest.approx(expected)


def test_save_and_load_round_trip():
    model = _model("lstm", "additive")
    before = np.asarray(model((SOURCE, TARGET_IN)))
    path = "/tmp/rnn_utils_seq2seq_round_trip.keras"
    model.save(path)
    after = np.asarray(keras.models.load_model(path)((SOURCE, TARGET_IN)))
    np.testing.assert_allclose(before, after, atol=1e-6)


def test_dropout_acts_in_training_only_and_survives_saving(tmp_path):
    model = _model("gru", "general", dropout=0.5)
    inference = np.asarray(model((SOURCE, TARGET_IN)))
    np.testing.assert_array_equal(inference, np.asarray(model((SOURCE, TARGET_IN))))
    trained = [np.asarray(model((SOURCE, TARGET_IN), training=True)) for _ in range(2)]
    assert np.abs(trained[0] - inference).max() > 1e-3  # dropped units change the logits
    assert np.abs(trained[0] - trained[1]).max() > 1e-3  # with fresh masks at every call
    states = model.initial_decoder_states(SOURCE)  # decoding never drops
    log_probs, _ = model.step(TARGET_IN[:, 0], states)
    full = keras.ops.convert_to_numpy(keras.ops.log_softmax(model((SOURCE, TARGET_IN)), -1))
    np.testing.assert_allclose(log_probs, full[:, 0], atol=1e-5)
    model.save(tmp_path / "m.keras")
    loaded = keras.models.load_model(tmp_path / "m.keras")
    assert loaded.get_config()["dropout"] == 0.5
    np.testing.assert_allclose(np.asarray(loaded((SOURCE, TARGET_IN))), inference, atol=1e-6)


def test_input_feeding_carries_the_attentional_vector_into_the_next_step():
    # Changing W_c changes ĥ<1>; only with input feeding does that reach s<2> and so the
    # attention weights of step 2 (without it, attention depends on s<t> alone).
    for input_feeding, should_change in ((False, False), (True, True)):
        model = _model("gru", "general", input_feeding=input_feeding)
        model((SOURCE, TARGET_IN))  # builds the weights
        model.attention.kernel.assign(model.attention.kernel * 30.0)  # far from uniform weights
        _, before = model((SOURCE, TARGET_IN), return_attention=True)
        kernel = model.combine.kernel
        kernel.assign(kernel * 3.0)
        _, after = model((SOURCE, TARGET_IN), return_attention=True)
        before, after = np.asarray(before), np.asarray(after)
        np.testing.assert_allclose(after[:, 0], before[:, 0], atol=1e-6)  # step 1: ĥ<0> = 0
        assert (np.abs(after[:, 1:] - before[:, 1:]).max() > 1e-4) == should_change


def test_input_feeding_dropout_and_saving(tmp_path):
    model = _model("lstm", "additive", input_feeding=True, dropout=0.5)
    inference = np.asarray(model((SOURCE, TARGET_IN)))
    trained = [np.asarray(model((SOURCE, TARGET_IN), training=True)) for _ in range(2)]
    assert np.abs(trained[0] - trained[1]).max() > 1e-3  # fresh masks at every call
    model.save(tmp_path / "m.keras")
    loaded = keras.models.load_model(tmp_path / "m.keras")
    assert loaded.get_config()["input_feeding"] is True
    np.testing.assert_allclose(np.asarray(loaded((SOURCE, TARGET_IN))), inference, atol=1e-6)


def test_bad_arguments_raise_clear_errors():
    with pytest.raises(ValueError, match=r"`dropout` must be a dropout rate in \[0, 1\)"):
        Seq2Seq(10, 9, dropout=1.0)
    with pytest.raises(ValueError, match='"gru" or "lstm"'):
        Seq2Seq(10, 9, cell="rnn")
    with pytest.raises(ValueError, match="attention must be one of"):
        Seq2Seq(10, 9, attention="cosine")
    with pytest.raises(ValueError, match="input_feeding=True .* needs attention"):
        Seq2Seq(10, 9, attention=None, input_feeding=True)
    with pytest.raises(ValueError, match=r"source ids must have shape \(batch, T_x\)"):
        _model().encode(np.ones((2, 3, 4), "int32"))


@pytest.mark.parametrize("input_feeding", [False, True])
def test_a_trained_model_reverses_sequences_and_its_output_depends_on_the_input(input_feeding):
    # Reverse 3-token sequences over tokens 2..6: a task only solvable by reading the source.
    rng = np.random.default_rng(1)
    bos, eos = 1, 7
    source = rng.integers(2, 7, size=(2048, 3))
    target = np.concatenate([source[:, ::-1], np.full((2048, 1), eos)], axis=1)
    target_in = np.concatenate([np.full((2048, 1), bos), target[:, :-1]], axis=1)
    keras.utils.set_random_seed(0)
    model = Seq2Seq(8, 8, embedding_dim=8, units=16, attention="dot", input_feeding=input_feeding)
    model.compile(keras.optimizers.Adam(1e-2), loss=masked_loss, metrics=[masked_accuracy])
    model.fit((source, target_in), target, batch_size=64, epochs=4, verbose=0)
    test = rng.integers(2, 7, size=(64, 3))
    states = model.initial_decoder_states(test)
    step, args = model.step, (len(test), bos, eos, 5)
    greedy = greedy_search(step, states, *args)
    beam = beam_search(step, states, *args, beam_width=3)
    expected = [list(row[::-1]) for row in test.tolist()]
    greedy_hits = np.mean([g == e for g, e in zip(greedy.tokens, expected, strict=True)])
    beam_hits = np.mean([b == e for b, e in zip(beam.tokens, expected, strict=True)])
    assert greedy_hits > 0.9 and beam_hits > 0.9, (greedy_hits, beam_hits)
    # The same decoder state for every input would give one answer for all: it does not.
    assert len({tuple(t) for t in greedy.tokens}) > 20


def test_word_and_phoneme_error_rates_on_hand_made_cases():
    refs = [[("F", "IY", "N", "IH", "K", "S")], [("T", "UW", "P", "AH", "L"), ("T", "AH", "P")]]
    assert word_error_rate([("F", "IY", "N", "IH", "K", "S"), ("T", "AH", "P")], refs) == 0.0
    assert word_error_rate([("F", "IY"), ("T", "AH", "P")], refs) == 0.5
    # second word: "T AH P AH L" is 1 edit from "T UW P AH L" (5 long) and 2 from "T AH P".
    assert closest_reference(("T", "AH", "P", "AH", "L"), refs[1]) == (
        1,
        ("T", "UW", "P", "AH", "L"),
    )
    per = phoneme_error_rate([("F", "IY", "N", "IH", "K"), ("T", "AH", "P", "AH", "L")], refs)
    assert per == pytest.approx((1 + 1) / (6 + 5))
    with pytest.raises(ValueError, match="one prediction per word"):
        word_error_rate([("F",)], refs)
    with pytest.raises(ValueError, match="list of pronunciations"):
        phoneme_error_rate([("F",)], [("F",)])


def test_masked_loss_equals_keras_cross_entropy_with_ignore_class():
    rng = np.random.default_rng(3)
    y_true = np.array([[2, 3, 0, 0], [4, 5, 6, 0]])
    logits = rng.normal(size=(2, 4, 9)).astype("float32")
    builtin = keras.losses.SparseCategoricalCrossentropy(from_logits=True, ignore_class=0)
    assert float(masked_loss(y_true, logits)) == pytest.approx(float(builtin(y_true, logits)))


@pytest.mark.parametrize("attention", [None, "dot"])
def test_compiles_and_fits_with_the_masked_loss_and_accuracy(attention):
    model = _model(attention=attention)
    model.compile("adam", loss=masked_loss, metrics=[masked_accuracy])
    target = np.concatenate([TARGET_IN[:, 1:], np.zeros((3, 1), "int64")], axis=1)
    history = model.fit((SOURCE, TARGET_IN), target, epochs=1, verbose=0)
    assert 0.0 <= history.history["masked_accuracy"][0] <= 1.0
