"""Tests for the tagger helpers of rnn_utils.tech_ner (notebooks 02 and 06)."""

import numpy as np
import pytest

from rnn_utils.tech_ner import (
    TAGS,
    TechNER,
    build_tagger,
    f1_by_group,
    predict_tags,
    right_context_probe,
    tagger_data,
    train_tagger,
)


@pytest.fixture(scope="module")
def data():
    return tagger_data()


class _Constant:
    """A fake tagger: the same tag at every position."""

    def __init__(self, tag):
        self.index = TechNER.tag_vocabulary().symbols.index(tag)

    def __call__(self, x):
        probs = np.zeros((*np.shape(x), len(TAGS) + 1), "float32")
        probs[..., self.index] = 1.0
        return probs


def test_tagger_data_is_notebook_02s_setup(data):
    assert data.x_train.shape == data.y_train.shape == data.mask_train.shape == (2400, data.T)
    longest = max(len(s) for s in data.train.tokens + data.test.tokens)
    assert data.x_test.shape == (600, data.T) and data.T == longest
    assert data.words.symbols == data.train.word_vocabulary(min_count=2).symbols
    assert data.mask_test.sum() == sum(len(s) for s in data.test.tokens)


def test_predict_and_group_f1_with_fake_taggers(data):
    predicted = predict_tags(_Constant("O"), data.test.tokens, data.words)
    assert [len(p) for p in predicted] == [len(s) for s in data.test.tokens]
    assert f1_by_group(data.test, predicted) == {
        "all": 0.0,
        "needs right context": 0.0,
        "rest": 0.0,
    }
    perfect = f1_by_group(data.test, data.test.tags)
    assert perfect == {"all": 1.0, "needs right context": 1.0, "rest": 1.0}
    # right on the right-context sentences only: each group scores its own sentences
    flags = data.test.needs_right_context
    half = [t if f else ["O"] * len(t) for t, f in zip(data.test.tags, flags, strict=True)]
    scores = f1_by_group(data.test, half)
    assert scores["needs right context"] == 1.0 and scores["rest"] == 0.0
    assert 0.0 < scores["all"] < 1.0
    with pytest.raises(ValueError, match="predictions"):
        f1_by_group(data.test, predicted[:3])


def test_right_context_probe_counts_first_tags(data):
    ks, accuracy = right_context_probe(_Constant("B-ORG"), data.test, data.words, max_words=2)
    assert ks.tolist() == [0, 1, 2] and accuracy.shape == (4,)
    right = data.test.subset(data.test.needs_right_context)
    firsts = [tag for tags in right.tags for tag in tags if tag.startswith("B-")]
    assert np.allclose(accuracy, np.mean([tag == "B-ORG" for tag in firsts]))
    with pytest.raises(ValueError, match="max_words"):
        right_context_probe(_Constant("O"), data.test, data.words, max_words=-1)
    with pytest.raises(ValueError, match="no sentence"):
        right_context_probe(_Constant("O"), right.subset(~right.needs_right_context), data.words)


def test_build_and_train_a_small_tagger(data):
    from rnn_utils.layers import GRU, Bidirectional

    with pytest.raises(ValueError, match="return_sequences=True"):
        build_tagger(GRU(4), len(data.words))
    with pytest.raises(ValueError, match="vocab_size"):
        build_tagger(GRU(4, return_sequences=True), 1)
    model = build_tagger(Bidirectional(GRU(4, return_sequences=True)), len(data.words))
    small = data._replace(x_train=data.x_train[:128], y_train=data.y_train[:128])
    before = model.evaluate(small.x_train, small.y_train, verbose=0)
    seconds = train_tagger(model, small, epochs=2)
    after = model.evaluate(small.x_train, small.y_train, verbose=0)
    assert len(seconds) == 2 and min(seconds) > 0
    assert after < before  # it trained
    with pytest.raises(ValueError, match="epochs"):
        train_tagger(model, small, epochs=0)
    assert model.output_shape == (None, None, len(TAGS) + 1)
