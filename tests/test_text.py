"""Tests for rnn_utils.text: tokenizer, Vocabulary ids, round trips, one-hot, padding."""

import json
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rnn_utils.text import UnknownSymbolError, Vocabulary, tokenize


def test_tokenize_seed_example_and_inner_punctuation():
    assert tokenize("Use Netlify and Hugo.") == ["Use", "Netlify", "and", "Hugo", "."]
    expected = ["Don't", "mix", "Node.js", ",", "C", "#", "and", "state-of-the-art", "!"]
    assert tokenize("Don't mix Node.js, C# and state-of-the-art!") == expected
    with pytest.raises(TypeError, match="str"):
        tokenize(["not", "a", "string"])


def test_id_order_reserved_first_then_frequency_then_alphabetical():
    vocab = Vocabulary.from_corpus(["abcab", "cb"], level="char")
    # counts: b=3, a=2, c=2 -> b, then a before c (tie broken alphabetically)
    assert vocab.symbols == ["<pad>", "<unk>", "<bos>", "<eos>", "b", "a", "c"]
    assert (vocab.pad_id, vocab.unk_id, vocab.bos_id, vocab.eos_id) == (0, 1, 2, 3)
    assert len(vocab) == 7 and "a" in vocab and "z" not in vocab


def test_reserved_subset_and_missing_properties():
    vocab = Vocabulary.from_corpus(["hello"], level="char", reserved=("<pad>",))
    assert vocab.pad_id == 0 and vocab.unk_id is None and vocab.bos_id is None
    assert vocab.eos_id is None
    bare = Vocabulary.from_corpus(["hello"], level="char", reserved=())
    assert bare.pad_id is None and len(bare) == 4
    with pytest.raises(ValueError, match="<pad>"):
        Vocabulary.from_corpus(["x"], reserved=("<unk>", "<pad>"))
    with pytest.raises(ValueError, match="Reserved tokens"):
        Vocabulary(["<mask>", "a"], reserved=("<mask>",))
    with pytest.raises(ValueError, match="level"):
        Vocabulary.from_corpus(["x"], level="byte")


def test_min_count_drops_rare_symbols_to_unk():
    vocab = Vocabulary.from_corpus(["a a b", "a c"], level="word", min_count=2)
    assert "a" in vocab and "b" not in vocab and "c" not in vocab
    assert vocab.encode("a b") == [vocab.token_to_id("a"), vocab.unk_id]


def test_encode_bos_eos_and_decode_strips_special():
    vocab = Vocabulary.from_corpus(["hello"], level="char")
    ids = vocab.encode("hell", add_bos=True, add_eos=True)
    assert ids[0] == vocab.bos_id and ids[-1] == vocab.eos_id and len(ids) == 6
    assert vocab.decode(ids) == "hell"
    assert vocab.decode(ids, strip_special=False) == "<bos>hell<eos>"
    assert vocab.decode(np.array([0, 0] + ids)) == "hell"  # padding removed too
    no_bos = Vocabulary.from_corpus(["hi"], reserved=("<pad>",))
    with pytest.raises(ValueError, match="<bos>"):
        no_bos.encode("hi", add_bos=True)


def test_unknown_symbol_without_unk_raises_naming_it():
    vocab = Vocabulary.from_corpus(["abc"], level="char", reserved=("<pad>",))
    with pytest.raises(KeyError, match="'z'"):
        vocab.encode("abz")
    with pytest.raises(UnknownSymbolError, match="no '<unk>' token"):
        vocab.token_to_id("q")
    with_unk = Vocabulary.from_corpus(["abc"], level="char")
    assert with_unk.encode("az") == [with_unk.token_to_id("a"), with_unk.unk_id]
    assert with_unk.decode(with_unk.encode("az")) == "a<unk>"


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(alphabet="abcxyz .'-", min_size=0, max_size=12), min_size=1, max_size=5))
def test_char_round_trip_property(texts):
    vocab = Vocabulary.from_corpus(texts, level="char")
    for text in texts:
        ids = vocab.encode(text, add_bos=True, add_eos=True)
        assert len(ids) == len(text) + 2
        assert vocab.decode(ids) == text
    assert Vocabulary.from_dict(json.loads(json.dumps(vocab.to_dict()))) == vocab


@settings(max_examples=40, deadline=None)
@given(st.lists(st.lists(st.sampled_from(["Use", "Hugo", "and", ".", "Go", "<x>"]), max_size=8)))
def test_word_round_trip_property(sentences):
    vocab = Vocabulary.from_corpus(sentences, level="word")
    for tokens in sentences:
        assert vocab.decode(vocab.encode(tokens), as_tokens=True) == tokens


def test_word_level_text_is_tokenized():
    vocab = Vocabulary.from_corpus(["Use Netlify and Hugo."], level="word")
    ids = vocab.encode("Use Hugo.")
    assert vocab.decode(ids) == "Use Hugo ."
    assert len(vocab) == 4 + 5


def test_one_hot_shape_dtype_and_values():
    vocab = Vocabulary.from_corpus(["abc"], level="char")
    ids = np.array([[4, 5, 6], [0, 1, 2]])
    hot = vocab.one_hot(ids)
    assert hot.shape == (2, 3, len(vocab)) and hot.dtype == np.float32
    np.testing.assert_array_equal(hot.argmax(-1), ids)
    np.testing.assert_array_equal(hot.sum(-1), np.ones((2, 3)))
    with pytest.raises(ValueError, match="Ids must lie"):
        vocab.one_hot([len(vocab)])
    with pytest.raises(TypeError, match="integer"):
        vocab.one_hot([0.5])


def test_pad_batch_post_pre_truncation_and_mask():
    vocab = Vocabulary.from_corpus(["abcd"], level="char")
    a, b, c, d = (vocab.token_to_id(s) for s in "abcd")
    ids, mask = vocab.pad_batch(["ab", "abcd", ""])
    assert ids.dtype == np.int32 and mask.dtype == bool and ids.shape == (3, 4)
    np.testing.assert_array_equal(ids, [[a, b, 0, 0], [a, b, c, d], [0, 0, 0, 0]])
    np.testing.assert_array_equal(mask.sum(1), [2, 4, 0])
    ids, mask = vocab.pad_batch([[a, b], [a, b, c, d]], max_len=3, padding="pre")
    np.testing.assert_array_equal(ids, [[0, a, b], [a, b, c]])
    np.testing.assert_array_equal(mask, [[False, True, True], [True, True, True]])
    ids, _ = vocab.pad_batch([[a, b, c, d], [a]], max_len=2, truncating="pre")
    np.testing.assert_array_equal(ids, [[c, d], [a, 0]])
    with pytest.raises(ValueError, match="padding"):
        vocab.pad_batch(["ab"], padding="middle")
    with pytest.raises(ValueError, match="outside"):
        vocab.pad_batch([[99]])
    no_pad = Vocabulary.from_corpus(["ab"], reserved=("<unk>",))
    with pytest.raises(ValueError, match="<pad>"):
        no_pad.pad_batch(["ab"])


def test_text_and_datasets_do_not_import_tensorflow():
    code = (
        "import sys, rnn_utils.text, rnn_utils.datasets; "
        "rnn_utils.datasets.entity_f1([['B-ORG']], [['B-ORG']]); "
        "print(sorted(m for m in ('tensorflow', 'keras', 'torch', 'jax') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
