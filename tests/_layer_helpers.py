"""Shared helpers for the layer/cell tests: random weights, masks, backend-agnostic gradients.

Used by tests/test_layers.py, tests/test_cells.py and, under KERAS_BACKEND=jax, by the
subprocess that tests/test_layers_jax.py starts (``python tests/_layer_helpers.py``).
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import keras  # noqa: E402
import numpy as np  # noqa: E402

import rnn_utils  # noqa: E402,F401  (sets TF env vars before TensorFlow loads)
from rnn_utils import layers as ours  # noqa: E402

# Every max error seen, by check name; the last test of test_layers.py reports it.
MAX_ERRORS = {}

KINDS = {
    "simple": (ours.SimpleRNN, keras.layers.SimpleRNN, {}),
    "gru": (ours.GRU, keras.layers.GRU, {}),
    "gru_reset_before": (ours.GRU, keras.layers.GRU, {"reset_after": False}),
    "lstm": (ours.LSTM, keras.layers.LSTM, {}),
}


def record(name, value):
    MAX_ERRORS[name] = max(MAX_ERRORS.get(name, 0.0), float(value))
    return float(value)


def max_abs_diff(a, b):
    a = a if isinstance(a, (list, tuple)) else [a]
    b = b if isinstance(b, (list, tuple)) else [b]
    assert len(a) == len(b), f"{len(a)} outputs vs {len(b)}"
    return max(
        float(np.max(np.abs(keras.ops.convert_to_numpy(p) - keras.ops.convert_to_numpy(q))))
        for p, q in zip(a, b, strict=True)
    )


def random_weights(layer, rng, scale=0.8):
    """Weights drawn at a scale that drives the gates well into their nonlinear range."""
    return [rng.normal(scale=scale, size=w.shape).astype(w.dtype) for w in layer.get_weights()]


def right_padded_mask(rng, batch, time):
    lengths = rng.integers(1, time + 1, size=batch)
    lengths[0] = time  # at least one full sequence
    return np.arange(time)[None, :] < lengths[:, None]


def twin_layers(kind, rng, n_x, units, wrapper=None, **flags):
    """Our layer and Keras's built-in with identical random weights."""
    our_cls, keras_cls, kwargs = KINDS[kind]
    a, b = our_cls(units, **kwargs, **flags), keras_cls(units, **kwargs, **flags)
    if wrapper is not None:
        a, b = wrapper[0](a), wrapper[1](b)
    dummy = np.zeros((1, 3, n_x), "float32")
    a(dummy), b(dummy)
    b.set_weights(random_weights(b, rng))
    a.set_weights(b.get_weights())
    return a, b


def loss_and_grads(layer, x, **call_kwargs):
    """d(loss)/d(inputs) and d(loss)/d(weights) for loss = Σ outputs·fixed random weights."""
    backend = keras.backend.backend()
    probe_rng = np.random.default_rng(1)
    outs = layer(x, **call_kwargs)
    outs = outs if isinstance(outs, (list, tuple)) else [outs]
    probes = [probe_rng.normal(size=o.shape).astype("float32") for o in outs]

    def loss_of(y):
        y = y if isinstance(y, (list, tuple)) else [y]
        return sum(keras.ops.sum(o * p) for o, p in zip(y, probes, strict=True))

    if backend == "tensorflow":
        import tensorflow as tf

        xt = tf.constant(x)
        with tf.GradientTape() as tape:
            tape.watch(xt)
            loss = loss_of(layer(xt, **call_kwargs))
        grads = tape.gradient(loss, [xt] + [w.value for w in layer.trainable_weights])
        return [np.asarray(g) for g in grads]
    if backend == "jax":
        import jax

        non_trainable = [v.value for v in layer.non_trainable_variables]

        def f(x_in, trainable):
            y, _ = layer.stateless_call(trainable, non_trainable, x_in, **call_kwargs)
            return loss_of(y)

        dx, dw = jax.grad(f, argnums=(0, 1))(x, [v.value for v in layer.trainable_variables])
        return [np.asarray(dx)] + [np.asarray(g) for g in dw]
    raise NotImplementedError(f"gradients are not implemented for backend {backend}")


def check_equivalence(kind, go_backwards, masked, sequences, state, seed=0, training=None):
    """Outputs/states ≤ 1e-5 and gradients ≤ 1e-4 between our layer and Keras's.

    ``training=True`` exercises the hand-written BPTT path (``rnn_utils.layers._loop``), ``None``
    the plain autodiff path.
    """
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(4, 7, 3)).astype("float32")
    flags = dict(go_backwards=go_backwards, return_sequences=sequences, return_state=state)
    a, b = twin_layers(kind, rng, 3, 5, **flags)
    kwargs = {"mask": right_padded_mask(rng, 4, 7)} if masked else {}
    kwargs["training"] = training
    out_err = record("output", max_abs_diff(a(x, **kwargs), b(x, **kwargs)))
    grad_err = record(
        "gradient", max_abs_diff(loss_and_grads(a, x, **kwargs), loss_and_grads(b, x, **kwargs))
    )
    assert out_err <= 1e-5, f"{kind}: outputs differ by {out_err}"
    assert grad_err <= 1e-4, f"{kind}: gradients differ by {grad_err}"
    return out_err, grad_err


# (go_backwards, masked, return_sequences and return_state): every pair of values of any two
# flags appears once (an orthogonal array), so an interaction of two flags is still caught with
# half the runs of the full 2 x 2 x 2 grid; test_layers.py runs the full grid on TensorFlow.
PAIRWISE_FLAGS = (
    (False, False, True),
    (True, True, True),
    (False, True, False),
    (True, False, False),
)


def run_all_equivalence():
    """Used by the JAX subprocess: every kind × the pairwise flag combinations; prints the max
    errors.

    The hand-written BPTT (``training=True``) exists on TensorFlow only; elsewhere both values
    of ``training`` take the same autodiff path, so it is checked once.
    """
    trainings = (None, True) if keras.backend.backend() == "tensorflow" else (None,)
    for kind in KINDS:
        for go_backwards, masked, outputs in PAIRWISE_FLAGS:
            for training in trainings:
                check_equivalence(kind, go_backwards, masked, outputs, outputs, training=training)
    print(f"backend={keras.backend.backend()} max errors: {MAX_ERRORS}")


if __name__ == "__main__":
    run_all_equivalence()
