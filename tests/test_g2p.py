"""rnn_utils.g2p: encoding, save/load, predict and the command line; the training script runs
under MirroredStrategy on two logical CPUs and resumes from its backup."""

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from rnn_utils import g2p as g2p_module
from rnn_utils.g2p import G2P, encode_pronunciations, encode_words, load_g2p, make_vocabularies

ROOT = Path(__file__).resolve().parents[1]
LETTERS, PHONEMES = make_vocabularies("abcdefghijklmnopqrstuvwxyz", ["AH", "F", "IY", "N"])


def test_encoding_pads_with_zero_and_frames_targets_with_bos_and_eos():
    source = encode_words(["Fan", "a"], LETTERS)
    assert source.shape == (2, 3) and source[1, 1:].tolist() == [0, 0]
    assert LETTERS.decode(source[0]) == "fan"  # upper case is folded
    target_in, target = encode_pronunciations([("F", "AH", "N"), ("AH",)], PHONEMES)
    assert target_in[:, 0].tolist() == [PHONEMES.bos_id] * 2
    assert target[0].tolist() == [*PHONEMES.encode(["F", "AH", "N"]), PHONEMES.eos_id]
    assert target[1].tolist() == [PHONEMES.token_to_id("AH"), PHONEMES.eos_id, 0, 0]
    np.testing.assert_array_equal(target_in[:, 1:], target[:, :-1] * (target[:, :-1] != 2))


@pytest.mark.parametrize("word", ["o'neil", "café", "x y", ""])
def test_unknown_characters_are_named(word):
    with pytest.raises(ValueError, match="does not know|non-empty word"):
        encode_words([word], LETTERS)


@pytest.fixture(scope="module")
def saved_model(tmp_path_factory):
    import keras

    from rnn_utils.seq2seq.model import Seq2Seq

    keras.utils.set_random_seed(0)
    model = Seq2Seq(len(LETTERS), len(PHONEMES), embedding_dim=4, units=4, attention="dot")
    model.build(((None, None), (None, None)))
    directory = tmp_path_factory.mktemp("g2p")
    G2P(model, LETTERS, PHONEMES, {"note": "untrained"}).save(directory)
    return directory


def test_save_load_and_predict(saved_model):
    loaded = load_g2p(saved_model)
    assert loaded.card == {"note": "untrained"}
    greedy = loaded.predict(["Fin", "fan", "a"])
    assert len(greedy) == 3 and all(isinstance(p, tuple) for p in greedy)
    assert all(set(p) <= {"AH", "F", "IY", "N"} for p in greedy)
    assert loaded.predict(["fin"], beam_width=1) == loaded.predict(["FIN"], beam_width=1)
    assert len(loaded.predict("fin", beam_width=3)) == 1
    with pytest.raises(FileNotFoundError, match="train_g2p"):
        load_g2p(saved_model / "missing")


def test_command_line_prints_one_line_per_word(saved_model, monkeypatch, capsys):
    monkeypatch.setattr(g2p_module, "MODEL_DIR", saved_model)
    monkeypatch.setattr(g2p_module, "load_g2p", lambda directory=None: load_g2p(saved_model))
    assert g2p_module.main(["fin", "Fan"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in lines] == ["fin", "Fan"]
    assert g2p_module.main(["o'neil"]) == 2
    assert "does not know" in capsys.readouterr().err


def test_training_script_runs_on_two_devices_and_resumes(tmp_path):
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", "TF_ENABLE_ONEDNN_OPTS": "0"}
    base = [sys.executable, str(ROOT / "scripts" / "train_g2p.py"), "--devices", "2"]
    base += ["--max-words", "256", "--eval-words", "20", "--units", "8", "--encoder-layers", "1"]
    base += ["--embedding-dim", "8", "--batch-size", "64", "--work", str(tmp_path / "work")]
    base += ["--out", str(tmp_path / "model")]
    for epochs in ("1", "2"):  # the second run continues from the first one's backup
        done = subprocess.run([*base, "--epochs", epochs], capture_output=True, text=True, env=env)
        assert done.returncode == 0, done.stderr[-2000:]
    with open(tmp_path / "work" / "log.csv") as f:
        rows = list(csv.DictReader(f))
    assert [r["epoch"] for r in rows] == ["0", "1"]
    assert float(rows[1]["loss"]) < float(rows[0]["loss"])
    card = json.loads((tmp_path / "model" / "card.json").read_text())
    assert card["hyper_parameters"]["devices"] == 2 and 0 <= card["heldout_beam4"]["wer"] <= 1
    assert len(load_g2p(tmp_path / "model").predict(["fin"])) == 1
