"""Tests for rnn_utils.datasets and rnn_utils.tech_ner: sizes, splits, determinism, baselines."""

import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import numpy as np
import pytest

from rnn_utils import datasets
from rnn_utils.datasets import (
    ADDING_BASELINE_MSE,
    TECH_NER_EXAMPLE,
    adding_problem,
    census_names,
    cmudict_g2p,
    entity_f1,
    tech_ner,
)
from rnn_utils.tech_ner import DATA_DIR, TechNER

REPO = Path(__file__).resolve().parents[1]


# ----------------------------------------------------------------------------- census names
def test_census_sizes_labels_and_disjoint_split():
    data = census_names(seed=0, test_fraction=0.2)
    assert (len(data.train_names), len(data.test_names)) == (4128, 1032)
    assert not set(data.train_names) & set(data.test_names)
    assert data.train_labels.dtype == np.int32 and data.train_labels.shape == (4128,)
    assert set(np.unique(data.test_labels)) == {0, 1}
    assert all(n.isalpha() and n == n.lower() for n in data.all_names)
    # 1,219 male + 4,275 female - 331 on both lists - 3 exact ties dropped
    assert len(data.all_names) == 1219 + 4275 - 331 - 3
    assert data.dropped == {"ariel", "hong", "kris"}
    assert len(data.ambiguous) == 328 and not data.ambiguous & data.dropped
    labels = dict(
        zip(data.all_names, np.concatenate([data.train_labels, data.test_labels]), strict=True)
    )
    assert labels["james"] == 1 and labels["mary"] == 0
    assert labels["jamie"] == 0 and labels["jordan"] == 1  # majority list wins
    assert data.female_percent["mary"] == pytest.approx(2.629)
    assert data.male_percent["mary"] == pytest.approx(0.009)  # mary is on both lists
    assert "mary" in data.ambiguous and data.male_percent["linda"] == 0.0


def test_census_split_is_deterministic_per_seed():
    a, b, c = census_names(seed=3), census_names(seed=3), census_names(seed=4)
    assert a.test_names == b.test_names
    np.testing.assert_array_equal(a.test_labels, b.test_labels)
    assert a.test_names != c.test_names
    with pytest.raises(ValueError, match="test_fraction"):
        census_names(test_fraction=1.5)


# ---------------------------------------------------------------------------------- cmudict
def test_cmudict_filter_split_by_word_and_all_pronunciations_kept():
    data = cmudict_g2p(seed=0, test_fraction=0.1)
    assert (len(data.train), len(data.test)) == (105744, 11749)
    assert not set(data.train) & set(data.test)
    assert data.letters == list("abcdefghijklmnopqrstuvwxyz")
    assert len(data.phonemes) == 39 and "AH" in data.phonemes and "AH0" not in data.phonemes
    raw = defaultdict(set)
    for word, pron in datasets._cmudict_entries():
        raw[word].add(tuple(p.rstrip("012") for p in pron))
    multi = [w for w in data.test if len(raw[w]) > 1]
    assert len(multi) > 500
    for word in multi[:200]:
        assert set(data.test[word]) == raw[word]
    words, prons = data.pairs("test")
    assert len(words) == sum(len(v) for v in data.test.values()) > len(data.test)
    assert len(data.pairs("test", all_pronunciations=False)[0]) == len(data.test)


def test_cmudict_options_and_determinism():
    short = cmudict_g2p(seed=1, max_word_len=4, strip_stress=False)
    assert max(len(w) for w in short.train) <= 4
    assert "AH0" in short.phonemes
    again = cmudict_g2p(seed=1, max_word_len=4, strip_stress=False)
    assert list(again.test) == list(short.test)
    assert list(cmudict_g2p(seed=2, max_word_len=4).test) != list(short.test)
    with pytest.raises(ValueError, match="max_word_len"):
        cmudict_g2p(max_word_len=0)


# --------------------------------------------------------------------------- adding problem
def test_adding_problem_structure():
    x, y = adding_problem(64, 11, seed=5)
    assert x.shape == (64, 11, 2) and y.shape == (64, 1)
    assert x.dtype == np.float32 and y.dtype == np.float32
    markers = x[..., 1]
    assert set(np.unique(markers)) == {0.0, 1.0}
    np.testing.assert_array_equal(markers[:, :5].sum(1), np.ones(64))  # one in t < T // 2
    np.testing.assert_array_equal(markers[:, 5:].sum(1), np.ones(64))  # one in t >= T // 2
    np.testing.assert_allclose(y[:, 0], (x[..., 0] * markers).sum(1), rtol=1e-6)
    assert 0.0 <= x[..., 0].min() and x[..., 0].max() < 1.0
    x2, y2 = adding_problem(64, 11, seed=5)
    np.testing.assert_array_equal(x, x2)
    assert not np.array_equal(adding_problem(64, 11, seed=6)[1], y)


def test_adding_problem_constant_baseline_mse():
    _, y = adding_problem(200_000, 4, seed=0)
    best_constant = float(y.mean())
    assert best_constant == pytest.approx(1.0, abs=0.01)
    empirical = float(np.mean((y - best_constant) ** 2))
    assert empirical == pytest.approx(ADDING_BASELINE_MSE, abs=0.003)
    assert float(np.mean((y - 0.5) ** 2)) > ADDING_BASELINE_MSE + 0.2  # other constants worse


@pytest.mark.parametrize("n, T", [(0, 5), (3, 1), (2.5, 4), (True, 4)])
def test_adding_problem_rejects_bad_sizes(n, T):
    with pytest.raises(ValueError, match="must be an int"):
        adding_problem(n, T)


# --------------------------------------------------------------------------------- tech NER
@pytest.fixture(scope="module")
def ner():
    return tech_ner("train"), tech_ner("test")


def test_tech_ner_sizes_and_seed_example(ner):
    train, test = ner
    assert (len(train), len(test)) == (2400, 600)
    assert len(tech_ner("all")) == 3000
    assert tuple(train.tokens[0]) == TECH_NER_EXAMPLE.tokens
    assert tuple(train.tags[0]) == TECH_NER_EXAMPLE.tags
    tag_ids = TechNER.tag_vocabulary().encode(list(TECH_NER_EXAMPLE.tags))
    assert TECH_NER_EXAMPLE.is_name == tuple(TechNER.is_name(tag_ids))
    assert TECH_NER_EXAMPLE.is_name == (0, 1, 0, 1, 0)  # the seed: "Netlify" and "Hugo" are names
    for data in ner:
        assert all(len(t) == len(g) for t, g in zip(data.tokens, data.tags, strict=True))
        assert 0.4 < data.needs_right_context.mean() < 0.55
    tags = {t for s in train.tags for t in s}
    assert tags == {"O", "B-ORG", "I-ORG", "B-TECH", "I-TECH"}  # multi-token entities present


def test_tech_ner_test_templates_and_entities_unseen(ner):
    train, test = ner
    assert not set(train.templates) & set(test.templates)
    train_entities = {text for text, _ in train.entities()}
    test_entities = {text for text, _ in test.entities()}
    assert len(test_entities) > 150
    assert not train_entities & test_entities
    train_words = {w for s in train.tokens for w in s}
    single = {e for e in test_entities if " " not in e}
    assert not single & train_words  # no single-token test name occurs anywhere in train
    context_words = {
        w
        for s, g in zip(test.tokens, test.tags, strict=True)
        for w, t in zip(s, g, strict=True)
        if t == "O"
    }
    assert context_words <= train_words  # only the names are new in a test sentence


def test_tech_ner_right_context_flag_is_honest(ner):
    train, _ = ner
    # Left context of the first entity in flagged sentences: it must precede both types.
    types_after = defaultdict(set)
    for tokens, tags, flag in zip(train.tokens, train.tags, train.needs_right_context, strict=True):
        if flag:
            first = next(i for i, t in enumerate(tags) if t != "O")
            types_after[tuple(w.lower() for w in tokens[:first])].add(tags[first][2:])
    assert len(types_after) == 6  # the six neutral openers ("" included)
    assert all(kinds == {"ORG", "TECH"} for kinds in types_after.values())
    # An ambiguous word is seen with both types in training.
    swift = {kind for text, kind in train.entities() if text == "Swift"}
    assert swift == {"ORG", "TECH"}
    # Unflagged sentences: the words before each entity always go with one type.
    left = defaultdict(set)
    for tokens, tags, flag in zip(train.tokens, train.tags, train.needs_right_context, strict=True):
        if not flag:
            for i, tag in enumerate(tags):
                if tag.startswith("B-"):
                    prefix = tuple(
                        "<E>" if g != "O" else w for w, g in zip(tokens[:i], tags[:i], strict=True)
                    )
                    left[prefix].add(tag[2:])
    assert left and all(len(kinds) == 1 for kinds in left.values())


def test_tech_ner_arrays_and_tag_round_trip(ner):
    train, test = ner
    vocab = train.word_vocabulary(min_count=2)
    assert vocab.pad_id == 0 and vocab.unk_id == 1
    x, y, mask = test.arrays(vocab)
    longest = max(len(s) for s in test.tokens)
    assert x.shape == y.shape == mask.shape == (600, longest)
    assert x.dtype == np.int32 and y.dtype == np.int32 and mask.dtype == bool
    assert (x[~mask] == 0).all() and (y[~mask] == 0).all() and (y[mask] > 0).all()
    assert TechNER.tags_from_ids(y, mask) == test.tags
    assert entity_f1(test.tags, TechNER.tags_from_ids(y, mask)) == 1.0
    names = TechNER.is_name(y).astype(bool)
    assert (x[names] == vocab.unk_id).all()  # every test name is unseen, so <unk>
    assert (x[mask & ~names] != vocab.unk_id).mean() > 0.99  # context words are known
    x_train, y_train, _ = train.arrays(vocab)
    train_unk = (x_train[TechNER.is_name(y_train).astype(bool)] == vocab.unk_id).mean()
    assert 0.25 < train_unk < 0.5  # invented names (used once each) teach <unk> -> name
    flagged = test.subset(test.needs_right_context)
    assert len(flagged) == int(test.needs_right_context.sum()) and flagged.needs_right_context.all()


def test_entity_f1_scores_entities_not_tokens():
    true = [["O", "B-ORG", "O", "B-TECH", "I-TECH"]]
    assert entity_f1(true, true) == 1.0
    assert entity_f1(true, [["O", "B-ORG", "O", "B-TECH", "O"]]) == pytest.approx(0.5)
    assert entity_f1(true, [["O"] * 5]) == 0.0
    with pytest.raises(ValueError, match="Sentence 0"):
        entity_f1(true, [["O"]])


def test_tech_ner_missing_file_and_bad_split(tmp_path):
    with pytest.raises(FileNotFoundError, match="make_tech_ner.py"):
        tech_ner("train", data_dir=tmp_path)
    with pytest.raises(ValueError, match="split"):
        tech_ner("valid")
    assert DATA_DIR == REPO / "rnn_utils" / "data"  # package data: it reaches an installed wheel


def test_generator_reproduces_committed_files_byte_for_byte(tmp_path):
    script = REPO / "data" / "make_tech_ner.py"
    subprocess.run(
        [sys.executable, str(script), "--out", str(tmp_path)], check=True, capture_output=True
    )
    for split in ("train", "test"):
        name = f"tech_ner_{split}.tsv"
        assert (tmp_path / name).read_bytes() == (REPO / "rnn_utils" / "data" / name).read_bytes()
