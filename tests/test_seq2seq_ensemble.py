"""rnn_utils.seq2seq.ensemble: members decoded together average their probabilities, step by
step exactly as over the whole target, and a G2P ensemble saves and loads."""

import keras
import numpy as np
import pytest

from rnn_utils.g2p import G2P, load_g2p, make_vocabularies
from rnn_utils.seq2seq import greedy_search
from rnn_utils.seq2seq.ensemble import Seq2SeqEnsemble
from rnn_utils.seq2seq.model import Seq2Seq

SOURCE = np.array([[3, 4, 5, 0, 0], [2, 3, 4, 5, 6], [7, 0, 0, 0, 0]])
TARGET_IN = np.array([[1, 4, 5, 6], [1, 2, 3, 0], [1, 7, 0, 0]])


def _member(seed, cell="gru", source_vocab=10):
    keras.utils.set_random_seed(seed)
    return Seq2Seq(source_vocab, 9, embedding_dim=4, units=6, cell=cell, attention="general")


def _log_softmax(model):
    return _numpy(keras.ops.log_softmax(model((SOURCE, TARGET_IN)), -1))


def _numpy(x):
    return keras.ops.convert_to_numpy(x)


def test_the_ensemble_averages_the_members_probabilities():
    members = [_member(0), _member(1, "lstm")]
    ensemble = Seq2SeqEnsemble(members)
    log_probs, attention = ensemble((SOURCE, TARGET_IN), return_attention=True)
    expected = np.log(np.mean([np.exp(_log_softmax(m)) for m in members], axis=0))
    np.testing.assert_allclose(_numpy(log_probs), expected, atol=1e-5)
    weights = [_numpy(m((SOURCE, TARGET_IN), return_attention=True)[1]) for m in members]
    np.testing.assert_allclose(_numpy(attention), np.mean(weights, 0), atol=1e-6)
    same = Seq2SeqEnsemble([members[0], members[0]])  # two equal members: the member itself
    np.testing.assert_allclose(
        _numpy(same((SOURCE, TARGET_IN))), _log_softmax(members[0]), atol=1e-5
    )
    assert ensemble.count_params() == sum(m.count_params() for m in members)


def test_step_by_step_decoding_equals_the_teacher_forced_pass():
    ensemble = Seq2SeqEnsemble([_member(0), _member(1, "lstm"), _member(2)])
    full = _numpy(ensemble((SOURCE, TARGET_IN)))
    states = ensemble.initial_decoder_states(SOURCE)
    for t in range(TARGET_IN.shape[1]):
        log_probs, states = ensemble.step(TARGET_IN[:, t], states)
        real = TARGET_IN[:, t] != 0
        np.testing.assert_allclose(log_probs[real], full[real, t], atol=1e-5)
        np.testing.assert_allclose(np.exp(log_probs).sum(-1), 1.0, atol=1e-5)


def test_bad_members_are_named():
    with pytest.raises(ValueError, match="at least 2 members"):
        Seq2SeqEnsemble([_member(0)])
    with pytest.raises(ValueError, match="vocabulary sizes differ"):
        Seq2SeqEnsemble([_member(0), _member(1, source_vocab=12)])


def test_a_g2p_ensemble_saves_and_loads(tmp_path):
    letters, phonemes = make_vocabularies("abcdefghijklmnopqrstuvwxyz", ["AH", "F", "IY", "N"])
    members = []
    for seed in (0, 1):
        keras.utils.set_random_seed(seed)
        members.append(Seq2Seq(len(letters), len(phonemes), embedding_dim=4, units=4))
        members[-1].build(((None, None), (None, None)))
    card = {"members": [{"note": "untrained"}] * 2}
    g2p = G2P(Seq2SeqEnsemble(members), letters, phonemes, card)
    before = g2p.predict(["fin", "fan", "naif"], beam_width=3, nbest=2)
    g2p.save(tmp_path)
    assert sorted(p.name for p in tmp_path.glob("*.keras")) == ["model.keras", "model_2.keras"]
    loaded = load_g2p(tmp_path)
    assert isinstance(loaded.model, Seq2SeqEnsemble) and len(loaded.model.members) == 2
    assert loaded.predict(["fin", "fan", "naif"], beam_width=3, nbest=2) == before
    states = loaded.model.initial_decoder_states(np.array([[6, 9, 14]]))
    decoded = greedy_search(loaded.model.step, states, 1, phonemes.bos_id, phonemes.eos_id, 8)
    assert tuple(phonemes.decode(decoded.tokens[0], as_tokens=True)) == loaded.predict("fin")[0]
    (tmp_path / "model_2.keras").unlink()  # e.g. a copy that left a file behind
    with pytest.raises(FileNotFoundError, match="ensemble of 2: model_2.keras missing"):
        load_g2p(tmp_path)
