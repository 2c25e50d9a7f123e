"""The equivalence checks again on the JAX backend, in a subprocess (one backend per process)."""

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

HELPERS = Path(__file__).with_name("_layer_helpers.py")


@pytest.mark.skipif(
    importlib.util.find_spec("jax") is None,
    reason="jax is not installed: the JAX-backend equivalence run needs `pip install jax`",
)
def test_equivalence_on_jax_backend():
    env = {**os.environ, "KERAS_BACKEND": "jax", "TF_CPP_MIN_LOG_LEVEL": "3"}
    result = subprocess.run(
        [sys.executable, str(HELPERS)], env=env, capture_output=True, text=True, timeout=600
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-4000:]
    assert "backend=jax" in result.stdout


FLOAT64_SCRIPT = """
import jax
jax.config.update("jax_enable_x64", True)  # as setup_notebook does on JAX
import numpy as np
from rnn_utils import scratch
from rnn_utils.layers import GRU, LSTM, SimpleRNN
x = np.random.default_rng(0).normal(size=(3, 5, 4))
a0 = np.zeros((3, 6))
for kind, layer in (("rnn", SimpleRNN(6, return_sequences=True, dtype="float64")),
                    ("gru", GRU(6, reset_after=False, return_sequences=True, dtype="float64")),
                    ("lstm", LSTM(6, return_sequences=True, dtype="float64"))):
    params = scratch.init_params(kind, n_x=4, n_a=6, n_y=2, seed=1)
    layer.build(x.shape)
    layer.set_weights(scratch.to_keras_weights(kind, params)["rnn"])
    out = np.asarray(layer(x))
    reference = scratch.sequence_forward(kind, x, a0, params)[0]
    assert out.dtype == np.float64, (kind, out.dtype)
    assert np.abs(out - reference).max() < 1e-12, (kind, np.abs(out - reference).max())
print("float64 ok")
"""


needs_jax = pytest.mark.skipif(
    importlib.util.find_spec("jax") is None, reason="jax is not installed: `pip install jax`"
)


def _run_on_jax(script, done):
    env = {**os.environ, "KERAS_BACKEND": "jax", "TF_CPP_MIN_LOG_LEVEL": "3"}
    result = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-4000:]
    assert done in result.stdout


@needs_jax
def test_float64_layers_stay_float64_on_jax():
    """Keras's tanh returns float32 for float64 input on JAX; our cells keep float64 (1e-12)."""
    _run_on_jax(FLOAT64_SCRIPT, "float64 ok")


STATEFUL_SCRIPT = """
import keras
import numpy as np
from rnn_utils.layers import GRU, LSTM, SimpleRNN
x = np.random.default_rng(0).normal(size=(2, 12, 3)).astype("float32")
for cls in (SimpleRNN, GRU, LSTM):
    def model(stateful):
        inputs = keras.Input(batch_shape=(2, None, 3))
        layer = cls(4, return_sequences=True, return_state=True, stateful=stateful, seed=0)
        outputs = layer(inputs)
        return keras.Model(inputs, [outputs[0], outputs[1]]), layer
    (carried, layer), (whole, _) = model(True), model(False)
    whole.set_weights(carried.get_weights())
    assert len(layer.weights) == len(whole.layers[1].weights)  # the states are not weights
    # predict_on_batch, chunk by chunk, carries the state: the same outputs as one whole pass
    chunks = [carried.predict_on_batch(x[:, i : i + 4])[0] for i in (0, 4, 8)]
    gap = np.abs(np.concatenate(chunks, axis=1) - whole.predict_on_batch(x)[0]).max()
    assert gap < 1e-5, (cls.__name__, "predict", gap)
    # train_on_batch leaves the state its forward pass reached (with the weights before the update)
    layer.reset_state()
    expected = whole.predict_on_batch(x[:, :4])[1]
    carried.compile(optimizer=keras.optimizers.SGD(0.1), loss=["mse", None])
    carried.train_on_batch(x[:, :4], [np.zeros((2, 4, 4)), np.zeros((2, 4))])
    gap = np.abs(keras.ops.convert_to_numpy(layer.states[0]) - expected).max()
    assert gap < 1e-5, (cls.__name__, "train", gap)
print("stateful ok")
"""


@needs_jax
def test_stateful_layers_carry_their_state_through_keras_jax_trainer():
    """Keras's JAX trainer calls the model statelessly: the carried states must be among the
    model's non-trainable variables to survive from one batch to the next."""
    _run_on_jax(STATEFUL_SCRIPT, "stateful ok")


FEEDING_SCRIPT = """
import keras
import numpy as np
from rnn_utils.seq2seq.model import Seq2Seq, masked_loss
source = np.array([[3, 4, 5, 0, 0], [2, 3, 4, 5, 6], [7, 0, 0, 0, 0]])
target_in = np.array([[1, 4, 5, 6], [1, 2, 3, 0], [1, 7, 0, 0]])
for cell in ("gru", "lstm"):
    keras.utils.set_random_seed(0)
    model = Seq2Seq(10, 9, embedding_dim=4, units=6, cell=cell, attention="general",
                    input_feeding=True, dropout=0.2)
    full = np.asarray(keras.ops.log_softmax(model((source, target_in)), -1))
    states = model.initial_decoder_states(source)
    for t in range(target_in.shape[1]):  # padded target steps: JAX's masked loop path
        log_probs, states = model.step(target_in[:, t], states)
        real = target_in[:, t] != 0
        assert np.abs(log_probs[real] - full[real, t]).max() < 1e-5, (cell, t)
    model.compile(keras.optimizers.Adam(1e-2), loss=masked_loss)
    history = model.fit((source, target_in), target_in, epochs=5, verbose=0).history["loss"]
    assert history[-1] < history[0], (cell, history)
print("input feeding ok")
"""


@needs_jax
def test_input_feeding_decoder_trains_and_decodes_on_jax():
    """Keras's JAX loop repeats the first state at padded steps: it must be the cell's output."""
    _run_on_jax(FEEDING_SCRIPT, "input feeding ok")
