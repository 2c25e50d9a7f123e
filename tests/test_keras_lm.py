"""rnn_utils.keras_lm: the shared Keras LM recipe is seeded and scores what it trains."""

import numpy as np
import pytest

from rnn_utils.keras_lm import train_keras_lm
from rnn_utils.language_model import lm_arrays, masked_nll_per_token
from rnn_utils.layers import GRU, SimpleRNN


def _data():
    rng = np.random.default_rng(0)
    seqs = [list(rng.integers(1, 5, size=rng.integers(2, 6))) + [0] for _ in range(40)]
    return (*lm_arrays(seqs[:30], 5), *lm_arrays(seqs[30:], 5))


@pytest.mark.parametrize("layer_class", [SimpleRNN, GRU])
def test_training_is_seeded_and_the_score_is_the_masked_nll_of_the_model(layer_class):
    data = _data()
    model, history, nll = train_keras_lm(layer_class, 8, data, epochs=2, batch_size=8, lr=0.01)
    _, _, again = train_keras_lm(layer_class, 8, data, epochs=2, batch_size=8, lr=0.01)
    assert nll == again  # same seed, same numbers
    x_test, y_test, mask_test = data[3:]
    assert nll == masked_nll_per_token(model.predict(x_test, verbose=0), y_test, mask_test)
    losses = history.history["loss"]
    assert len(losses) == 2 and losses[-1] < losses[0]  # it trains


def test_integer_inputs_are_refused_with_the_expected_shape():
    x_train, *rest = _data()
    with pytest.raises(ValueError, match=r"one-hot \(m, T, V\)"):
        train_keras_lm(GRU, 4, (x_train.argmax(-1), *rest), epochs=1, batch_size=8, lr=0.01)
