"""rnn_utils.g2p: encoding, save/load, predict and the command line; the training script runs
under MirroredStrategy on two logical CPUs and resumes from its backup."""

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from rnn_utils import g2p as g2p_module
from rnn_utils.g2p import (
    G2P,
    encode_pronunciations,
    encode_words,
    load_g2p,
    look_up,
    make_vocabularies,
)
from rnn_utils.g2p_text import prepare_word, words_in

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


@pytest.mark.parametrize(
    "word, key, letters, parts",
    [
        ("Hello,", "hello", "hello", ("hello",)),
        ("O\u2019Neil", "o'neil", "oneil", ("o'neil",)),
        ("\u201cCaf\u00e9\u201d", "cafe", "cafe", ("cafe",)),
        ("(well-known)", "well-known", "wellknown", ("well", "known")),
        ("don't.", "don't", "dont", ("don't",)),
    ],
)
def test_real_text_becomes_a_dictionary_key_and_letters(word, key, letters, parts):
    prepared = prepare_word(word)
    assert (prepared.key, prepared.letters, prepared.parts, prepared.reason) == (
        key,
        letters,
        parts,
        "",
    )


@pytest.mark.parametrize(
    "word, reason",
    [("R2D2", "digits"), ("42", "digits"), ("a.m.", "'.'"), ("x&y", "'&'"), ("'-'", "no letters")],
)
def test_words_that_cannot_be_spelled_get_a_reason(word, reason):
    assert reason in prepare_word(word).reason


def test_words_in_text_leave_out_punctuation_only_tokens():
    assert words_in("  Hello -- world ... don't!\n") == ["Hello", "world", "don't!"]


def test_look_up_finds_whole_words_then_hyphenated_parts():
    assert look_up(prepare_word("Read")) == [("R", "EH", "D"), ("R", "IY", "D")]
    assert look_up(prepare_word("well-known")) == [("W", "EH", "L", "N", "OW", "N")]
    # not in CMUdict as one word, but both parts are
    assert look_up(prepare_word("sky-blue")) == [("S", "K", "AY", "B", "L", "UW")]
    assert look_up(prepare_word("zzyzxq")) == []


def test_predict_options_lookup_all_nbest_and_explain(saved_model):
    g2p = load_g2p(saved_model)
    # default: the model answers every word, even one CMUdict knows
    assert set(g2p.predict(["read"])[0]) <= {"AH", "F", "IY", "N"}
    assert g2p.predict(["read", "zzyzxq"], lookup=True)[0] == ("R", "EH", "D")
    assert g2p.predict(["read"], lookup=True, all_pronunciations=True) == [
        [("R", "EH", "D"), ("R", "IY", "D")]
    ]
    three = g2p.predict(["fin"], beam_width=3, nbest=3)[0]
    assert len(three) == 3 and len(set(three)) == 3
    assert three[0] == g2p.predict(["fin"], beam_width=3)[0]
    records = g2p.predict(["Read,", "zzyzxq", "R2D2"], lookup=True, nbest=2, explain=True)
    assert [r.source for r in records[0]] == ["cmudict"] and records[0][0].log_prob is None
    assert records[0][0].word == "Read"  # as given, without the comma
    assert [r.source for r in records[1]] == ["model", "model"]
    # ranked by the beam's length-normalised score (length_penalty 1, eos counted)
    scores = [r.log_prob / (len(r.phonemes) + 1) for r in records[1]]
    assert scores[0] >= scores[1]
    assert all(r.word == "zzyzxq" and r.log_prob < 0 for r in records[1])
    assert records[2][0].source == "none" and "digits" in records[2][0].reason
    assert records[2][0].phonemes is None
    with pytest.raises(ValueError, match="'R2D2' cannot be pronounced: it has digits"):
        g2p.predict(["fin", "R2D2"])
    with pytest.raises(ValueError, match="nbest must be a positive int"):
        g2p.predict(["fin"], nbest=0)


@pytest.fixture
def command_line(saved_model, monkeypatch, capsys):
    monkeypatch.setattr(g2p_module, "load_g2p", lambda directory=None: load_g2p(saved_model))

    def run(args, stdin=None):
        if stdin is not None:
            monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
        status = g2p_module.main(args)
        out, err = capsys.readouterr()
        return status, out.splitlines(), err

    return run


def test_command_line_answers_from_cmudict_or_the_model_and_says_which(command_line):
    status, lines, _ = command_line(["fin", "Fan,", "zzyzxq"])
    assert status == 0 and lines[:2] == ["fin  F IH N", "Fan  F AE N"]  # without the comma
    assert lines[2].startswith("zzyzxq  ")
    status, lines, _ = command_line(["--explain", "don't", "zzyzxq"])
    assert lines[0] == "don't  cmudict  D OW N T" and lines[1].startswith("zzyzxq  model  ")
    status, lines, _ = command_line(["--explain", "--model-only", "fin"])
    assert lines[0].startswith("fin  model  ")
    status, lines, _ = command_line(["--all", "read"])
    assert lines == ["read  R EH D", "read  R IY D"]


def test_command_line_nbest_prints_log_probabilities(command_line):
    status, lines, _ = command_line(["--nbest", "3", "--model-only", "fin", "fan"])
    assert status == 0 and len(lines) == 6
    assert all(line.split("  ")[0] in ("fin", "fan") for line in lines)
    assert all(float(line.split("  ")[1]) < 0 for line in lines)
    status, lines, _ = command_line(["--nbest", "2", "fin"])  # a dictionary answer: no log P
    assert lines == ["fin  -  F IH N"]


def test_command_line_reads_standard_input_and_reports_what_it_cannot_answer(command_line):
    status, lines, err = command_line([], stdin="The well-known R2D2, o'neil\n\n3 x&y\n")
    assert status == 1
    assert [line.split("  ")[0] for line in lines] == ["The", "well-known", "o'neil"]
    assert "R2D2: not answered: it has digits" in err
    assert "3: not answered: it has digits" in err and "x&y: not answered:" in err
    status, lines, err = command_line([], stdin="")
    assert (status, lines, err) == (0, [], "")


def test_command_line_usage_errors_exit_with_2(command_line):
    with pytest.raises(SystemExit) as exit_info:
        command_line(["--nbest", "0", "fin"])
    assert exit_info.value.code == 2


def _tiny_training_command(tmp_path):
    base = [sys.executable, str(ROOT / "scripts" / "train_g2p.py"), "--devices", "2"]
    base += ["--max-words", "256", "--eval-words", "20", "--units", "8", "--encoder-layers", "1"]
    base += ["--embedding-dim", "8", "--batch-size", "64", "--work", str(tmp_path / "work")]
    return base + ["--dropout", "0.1", "--out", str(tmp_path / "model")]


_QUIET = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", "TF_ENABLE_ONEDNN_OPTS": "0"}


def test_training_script_runs_on_two_devices_and_resumes(tmp_path):
    env, base = _QUIET, _tiny_training_command(tmp_path)
    for epochs in ("1", "2"):  # the second run continues from the first one's backup
        done = subprocess.run([*base, "--epochs", epochs], capture_output=True, text=True, env=env)
        assert done.returncode == 0, done.stderr[-2000:]
    with open(tmp_path / "work" / "log.csv") as f:
        rows = list(csv.DictReader(f))
    assert [r["epoch"] for r in rows] == ["0", "1"]
    assert float(rows[1]["loss"]) < float(rows[0]["loss"])
    wers = [float(r["validation_wer"]) for r in rows]  # greedy, on the validation words
    best = json.loads((tmp_path / "work" / "best.json").read_text())
    assert best["validation_wer"] == min(wers) and wers[best["epoch"] - 1] == min(wers)
    card = json.loads((tmp_path / "model" / "card.json").read_text())
    assert card["chosen_epoch"] == best and card["hyper_parameters"]["dropout"] == 0.1
    assert card["hyper_parameters"]["input_feeding"] is False
    seconds = [float(r["seconds"]) for r in rows]
    assert min(seconds) > 0 and card["training_seconds_all_runs"] == round(sum(seconds))
    assert card["heldout_greedy"]["words_per_second"] > 0
    assert card["hyper_parameters"]["devices"] == 2 and 0 <= card["heldout_beam4"]["wer"] <= 1
    assert len(load_g2p(tmp_path / "model").predict(["fin"])) == 1
    # the model decoded with itself as an ensemble: its files, card and held-out figures
    model = str(tmp_path / "model")
    script = [sys.executable, str(ROOT / "scripts" / "g2p_ensemble.py"), model, model]
    script += ["--eval-words", "20", "--out", str(tmp_path / "ensemble")]
    done = subprocess.run(script, capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.count(f"{model}: validation WER (greedy)") == 2
    ensemble = load_g2p(tmp_path / "ensemble")
    assert len(ensemble.model.members) == 2 and ensemble.card["members"] == [card, card]
    assert ensemble.card["heldout_beam4"]["words"] == 20
    assert ensemble.card["training_seconds_all_members"] == 2 * card["training_seconds_all_runs"]
    single = load_g2p(tmp_path / "model")
    assert ensemble.predict(["fin", "fan"], beam_width=2) == single.predict(["fin", "fan"], 2)


def test_training_script_trains_the_input_feeding_decoder_on_two_devices(tmp_path):
    command = [*_tiny_training_command(tmp_path), "--input-feeding", "--epochs", "1"]
    done = subprocess.run(command, capture_output=True, text=True, env=_QUIET)
    assert done.returncode == 0, done.stderr[-2000:]
    card = json.loads((tmp_path / "model" / "card.json").read_text())
    assert card["hyper_parameters"]["input_feeding"] is True
    g2p = load_g2p(tmp_path / "model")
    assert g2p.model.get_config()["input_feeding"] is True and len(g2p.predict(["fin"])) == 1
