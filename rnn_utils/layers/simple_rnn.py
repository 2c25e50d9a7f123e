"""The vanilla (Elman) RNN: ``SimpleRNNCell``, the ``SimpleRNN`` sequence layer and its BPTT.

Taught in notebooks 02 (the recurrent cell) and 03 (backpropagation through time). Seed
notation: a<t> = g(W_aa a<t-1> + W_ax x<t> + b_a). The NumPy twin, in seed notation, is
:mod:`rnn_utils.scratch.rnn`.
"""

from keras import ops

from rnn_utils.layers._cell_base import RecurrentCell, activate, named_arguments
from rnn_utils.layers._layer_base import LAYER_DOC, SERIALIZABLE, SequenceLayer
from rnn_utils.layers._loop import (
    chunked_scan,
    dense_grad,
    keep_where,
    present,
    steps_per_iteration,
    with_mask,
    zeros_if_none,
)

__all__ = ["SimpleRNNCell", "SimpleRNN"]


@SERIALIZABLE
class SimpleRNNCell(RecurrentCell):
    """Cell of the basic (Elman) RNN: a<t> = g(W_aa a<t-1> + W_ax x<t> + b_a).

    Weights (Keras layout): ``kernel`` (n_x, n_a) = W_ax^T, ``recurrent_kernel`` (n_a, n_a) =
    W_aa^T, ``bias`` (n_a,) = b_a. The output ŷ-side of the seed equations (W_ya, b_y) is not part
    of the cell: put a ``Dense`` layer on top.

    Args:
        units: positive int, n_a (size of a<t>).
        activation: g, default ``"tanh"``.
        use_bias, kernel_initializer, recurrent_initializer (default ``"orthogonal"``),
        bias_initializer, *_regularizer, *_constraint: as in ``keras.layers.SimpleRNNCell``.
        dropout, recurrent_dropout: rates of the variational dropout masks on x<t> and on the
            a<t-1> entering the recurrent matmul (training only). seed: their seed.

    Call arguments:
        inputs: x<t>, shape (batch, n_x).
        states: ``[a<t-1>]``, shape (batch, n_a).

    Returns:
        ``(a<t>, [a<t>])``.

    Example:
    >>> import keras, numpy as np
    >>> layer = keras.layers.RNN(SimpleRNNCell(8))
    >>> tuple(layer(np.zeros((2, 5, 3))).shape)
    (2, 8)
    """

    def recurrent_step(self, x_proj, states, weights=None, with_gates=False):
        w = weights or self.step_weights()
        a = x_proj + ops.matmul(self.recurrent_input(states[0], w), w["recurrent_kernel"])
        a = activate(self.activation, a)
        if with_gates:
            return a, [a], {"a": a}
        return a, [a]

    @property
    def has_fused_bptt(self):
        return self._is_default((self.activation, "tanh"))

    def fused_sequence(self, xs, mask, weights, states, unroll=False):
        if not self.has_fused_bptt:
            return None
        return simple_sequence(xs, mask, weights["recurrent_kernel"], states[0], unroll)


@SERIALIZABLE
class SimpleRNN(SequenceLayer):
    cell_class = SimpleRNNCell
    __doc__ = LAYER_DOC.format(
        kind="SimpleRNN", cell="SimpleRNNCell", states="[a<T>]", states_tuple="a<T>",
        trace_keys="['a']",
        notation="a<t> = tanh(W_aa a<t-1> + W_ax x<t> + b_a); ``trace`` gives {'a'}.",
    )  # fmt: skip

    # fmt: off
    def __init__(
        self, units, activation="tanh", use_bias=True, kernel_initializer="glorot_uniform",
        recurrent_initializer="orthogonal", bias_initializer="zeros", kernel_regularizer=None,
        recurrent_regularizer=None, bias_regularizer=None, activity_regularizer=None,
        kernel_constraint=None, recurrent_constraint=None, bias_constraint=None, dropout=0.0,
        recurrent_dropout=0.0, return_sequences=False, return_state=False, go_backwards=False,
        stateful=False, unroll=False, seed=None, **kwargs,
    ):  # (keras.layers.SimpleRNN's signature)
        # fmt: on
        super().__init__(**named_arguments(locals()), **kwargs)


def simple_sequence(xs, mask, kernel, h0, unroll=False):
    """tanh SimpleRNN: returns (H, [a<T>]), with a custom BPTT gradient.

    Unlike the gated cells, it stores only a<t> (the output sequence itself): tanh' = 1 − a<t>²
    is recomputed in the backward step, off its critical path, and dU reads a<t-1> as a
    zero-copy view of the same tensor. One stored (T, batch, n) tensor instead of three."""

    @ops.custom_gradient
    def run(xs, kernel, h0, *maybe_mask):
        m = maybe_mask[0] if maybe_mask else None
        steps = steps_per_iteration(xs, unroll, full=True)

        def step(carry, inputs):
            (h,) = carry
            act = ops.tanh(inputs[0] + ops.matmul(h, kernel))
            h_new = act if m is None else keep_where(inputs[1], act, h)
            return (h_new,), (h_new,)

        n = h0.shape[-1]
        (h_last,), (H,) = chunked_scan(step, (h0,), with_mask(xs, m), [n], max_unroll=steps)

        def grad(d_H, d_h_last, variables=None):
            kernel_t = ops.transpose(kernel)

            # A masked step stores the kept state, but its d_pre is multiplied by m = 0 anyway.
            def back(carry, inputs):
                (dh,) = carry
                a = inputs[0]
                if d_H is not None:
                    dh = dh + inputs[-1]
                dh_new = dh if m is None else inputs[1] * dh
                d_pre = dh_new * (1.0 - a * a)
                dh_prev = ops.matmul(d_pre, kernel_t)
                if m is not None:
                    dh_prev = dh_prev + (dh - dh_new)
                return (dh_prev,), (d_pre,)

            xs_back = (H,) + present(m, d_H)
            init = (zeros_if_none(d_h_last, h0),)
            (dh0,), (D,) = chunked_scan(back, init, xs_back, [n], reverse=True, max_unroll=steps)
            # dU = Σ_t a<t-1>^T d<t>: a<0> = h0 for the first step, views of H and D for the rest.
            d_kernel = ops.matmul(ops.transpose(h0), D[0])
            if H.shape[0] is None or H.shape[0] > 1:
                d_kernel = d_kernel + dense_grad(H[:-1], D[1:])
            grads = [D, d_kernel, dh0] + ([ops.zeros_like(m)] if m is not None else [])
            return grads if variables is None else (grads, [])

        return (H, h_last), grad

    H, h_last = run(xs, kernel, h0, *([mask] if mask is not None else []))
    return H, [h_last]
