"""Gradients on whichever Keras backend runs: the one home of backend-specific autodiff.

The course compares its hand-written BPTT with automatic differentiation, measures how
gradients fade over time and trains small models with plain SGD. Keras 3 runs on TensorFlow,
JAX or PyTorch, and each has its own autodiff (``tf.GradientTape``, ``jax.grad``,
``torch.autograd``); these two functions hide the difference, so no notebook and no other module
has to know which backend it runs on.

- :func:`value_and_gradients` differentiates a function of tensors.
- :func:`value_and_weight_gradients` differentiates a loss that reads Keras variables (a
  model's weights), through :class:`keras.StatelessScope`: the variables are read as the values
  being differentiated, so the same code serves the three backends.
- :func:`weight_gradients_fn` is the same as a function to call at every step of a training
  loop: on JAX it is compiled once (eager JAX compiles a loop's primitives anew on every call).

Both return NumPy arrays.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from rnn_utils import import_keras_quietly

__all__ = ["value_and_gradients", "value_and_weight_gradients", "weight_gradients_fn"]


def value_and_gradients(fn: Callable, *inputs) -> tuple[float, list[np.ndarray]]:
    """``fn(*inputs)`` (a scalar) and its gradient with respect to each input.

    Args:
        fn: takes one tensor per input and returns a scalar tensor, with ``keras.ops``.
        *inputs: arrays (floating point); each is passed to ``fn`` as a tensor of its dtype.

    Returns:
        ``(value, [d value / d input for each input])`` as a float and NumPy arrays; an input
        the value does not depend on gets zeros.

    Example:
    >>> from keras import ops
    >>> value, (dx,) = value_and_gradients(lambda x: ops.sum(x**2), np.array([1.0, -2.0]))
    >>> value, dx.tolist()
    (5.0, [2.0, -4.0])
    """
    keras = import_keras_quietly()
    backend = keras.backend.backend()
    if not inputs:
        raise ValueError("value_and_gradients needs at least one input to differentiate.")
    arrays = [np.asarray(x) for x in inputs]
    for i, array in enumerate(arrays):
        if not np.issubdtype(array.dtype, np.floating):
            raise TypeError(f"input {i} must be a floating-point array, got dtype {array.dtype}.")
    if backend == "tensorflow":
        value, grads = _tensorflow(fn, arrays)
    elif backend == "jax":
        value, grads = _jax(fn, arrays)
    elif backend == "torch":
        value, grads = _torch(fn, arrays)
    else:
        raise NotImplementedError(
            f"no autodiff for the Keras backend {backend!r}: use tensorflow, jax or torch."
        )
    grads = [
        np.zeros_like(a) if g is None else np.asarray(keras.ops.convert_to_numpy(g))
        for a, g in zip(arrays, grads, strict=True)
    ]
    return float(keras.ops.convert_to_numpy(value)), grads


def value_and_weight_gradients(
    loss_fn: Callable[[], object], variables: Sequence
) -> tuple[float, list[np.ndarray]]:
    """``loss_fn()`` and its gradient with respect to Keras ``variables`` (e.g. a model's
    ``trainable_variables``), on any backend. Inside, the variables read as the values being
    differentiated (:class:`keras.StatelessScope`), and nothing is assigned: a stateful layer
    called by ``loss_fn`` keeps its carried state.

    Example:
    >>> import keras
    >>> dense = keras.layers.Dense(1, use_bias=False, kernel_initializer="ones")
    >>> x = np.array([[1.0, 2.0]], "float32")
    >>> _ = dense(x)
    >>> loss_of = lambda: keras.ops.sum(dense(x))
    >>> loss, (dkernel,) = value_and_weight_gradients(loss_of, dense.weights)
    >>> loss, dkernel.ravel().tolist()
    (3.0, [1.0, 2.0])
    """
    return _weight_gradients(loss_fn, variables, compile_on_jax=False)()


def weight_gradients_fn(loss_fn: Callable[[], object], variables: Sequence) -> Callable:
    """:func:`value_and_weight_gradients` as a function to call again and again: each call
    returns ``(loss, gradients)`` at the variables' current values (after the updates a
    training loop assigns). On JAX it is traced and compiled on the first call and reused (notebook
    03's SGD cells ran 10 to 20 times faster than differentiating eagerly at every step);
    so ``loss_fn`` may read only ``variables`` and constants: any other state (a stateful
    layer's carried state, say) is read once, when it is traced. TensorFlow and PyTorch run
    eagerly, as :func:`value_and_weight_gradients` does.

    Example:
    >>> import keras
    >>> dense = keras.layers.Dense(1, use_bias=False, kernel_initializer="ones")
    >>> x = np.array([[1.0, 2.0]], "float32")
    >>> _ = dense(x)
    >>> loss_and_grads = weight_gradients_fn(lambda: keras.ops.sum(dense(x)), dense.weights)
    >>> _ = dense.kernel.assign(2 * np.ones((2, 1)))
    >>> float(loss_and_grads()[0])
    6.0
    """
    return _weight_gradients(loss_fn, variables, compile_on_jax=True)


def _weight_gradients(loss_fn, variables, compile_on_jax):
    keras = import_keras_quietly()
    variables = list(variables)

    def of_values(*values):
        with keras.StatelessScope(state_mapping=list(zip(variables, values, strict=True))):
            return loss_fn()

    if compile_on_jax and keras.backend.backend() == "jax":
        import jax

        argnums = tuple(range(len(variables)))
        compiled = jax.jit(jax.value_and_grad(of_values, argnums=argnums))

        def at_current_values():
            value, grads = compiled(*[v.value for v in variables])
            return float(value), [np.asarray(g) for g in grads]

        return at_current_values
    return lambda: value_and_gradients(
        of_values, *[keras.ops.convert_to_numpy(v.value) for v in variables]
    )


def _tensorflow(fn, arrays):
    import tensorflow as tf

    tensors = [tf.constant(a) for a in arrays]
    with tf.GradientTape() as tape:
        tape.watch(tensors)
        value = fn(*tensors)
    return value, tape.gradient(value, tensors)


def _jax(fn, arrays):
    import jax
    import jax.numpy as jnp

    value, grads = jax.value_and_grad(fn, argnums=tuple(range(len(arrays))))(
        *[jnp.asarray(a) for a in arrays]
    )
    return value, list(grads)


def _torch(fn, arrays):
    import keras

    tensors = [keras.ops.convert_to_tensor(a).detach().requires_grad_(True) for a in arrays]
    value = fn(*tensors)
    value.backward()
    return value.detach(), [t.grad for t in tensors]
