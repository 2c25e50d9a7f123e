"""Long short-term memory: ``LSTMCell`` (optional peepholes), the ``LSTM`` layer and its BPTT.

Taught in notebook 05. Keras's kernel blocks i, f, c, o are the seed's Γ_u, Γ_f, c̃<t>, Γ_o (see
:class:`LSTMCell`). The NumPy twin, in seed notation, is :mod:`rnn_utils.scratch.lstm`.
"""

from keras import ops

from rnn_utils.layers._cell_base import GatedCell, activate, named_arguments
from rnn_utils.layers._layer_base import LAYER_DOC, SERIALIZABLE, SequenceLayer
from rnn_utils.layers._loop import (
    chunked_scan,
    dense_grad,
    keep_where,
    outputs_from_prev,
    present,
    steps_per_iteration,
    with_mask,
    zeros_if_none,
)

__all__ = ["LSTMCell", "LSTM"]


@SERIALIZABLE
class LSTMCell(GatedCell):
    """Long short-term memory cell (Hochreiter & Schmidhuber 1997), optional peepholes.

    Keras's gate order in the kernels is i, f, c, o; in seed notation::

        Γ_u = σ(W_u [a<t-1>, x<t>] + b_u)        Keras "i" (update / input gate)
        Γ_f = σ(W_f [a<t-1>, x<t>] + b_f)        Keras "f" (forget gate)
        c̃<t> = tanh(W_c [a<t-1>, x<t>] + b_c)    Keras "c" (candidate)
        Γ_o = σ(W_o [a<t-1>, x<t>] + b_o)        Keras "o" (output gate)
        c<t> = Γ_u ⊙ c̃<t> + Γ_f ⊙ c<t-1>,   a<t> = Γ_o ⊙ tanh(c<t>)

    With ``peephole=True`` (Gers & Schmidhuber 2000, "Recurrent nets that time and count"; see
    also Gers, Schraudolph & Schmidhuber 2002, "Learning precise timing with LSTM recurrent
    networks") the gates also see the cell state through diagonal weights: Γ_u and Γ_f add
    ``p_u ⊙ c<t-1>``, Γ_o adds ``p_o ⊙ c<t>``. The three vectors (``peephole_input``,
    ``peephole_forget``, ``peephole_output``) start at 0, where the cell is exactly the plain
    LSTM. Keras 3 has no peephole LSTM (TensorFlow 2's ``tf.keras`` had an experimental one).

    Weights: ``kernel`` (n_x, 4n_a) = [W_i|W_f|W_c|W_o] (x-part of W_u.., transposed),
    ``recurrent_kernel`` (n_a, 4n_a) (a-part, transposed), ``bias`` (4n_a,); peepholes (n_a,).

    Args:
        units: positive int, n_a.
        unit_forget_bias: add 1 to b_f at initialisation (default True, as Keras).
        peephole: add peephole connections (default False; not in Keras 3).
        Other arguments: as in ``keras.layers.LSTMCell`` (dropout: see ``rnn_utils.layers``).

    Call arguments:
        inputs: x<t>, (batch, n_x). states: ``[a<t-1>, c<t-1>]``, each (batch, n_a).

    Returns:
        ``(a<t>, [a<t>, c<t>])``.

    Example:
    >>> import keras, numpy as np
    >>> tuple(keras.layers.RNN(LSTMCell(4))(np.zeros((2, 5, 3))).shape)
    (2, 4)
    """

    gate_count = 4

    # fmt: off
    def __init__(
        self, units, activation="tanh", recurrent_activation="sigmoid", use_bias=True,
        kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal",
        bias_initializer="zeros", unit_forget_bias=True, kernel_regularizer=None,
        recurrent_regularizer=None, bias_regularizer=None, kernel_constraint=None,
        recurrent_constraint=None, bias_constraint=None, dropout=0.0, recurrent_dropout=0.0,
        seed=None, peephole=False, **kwargs,
    ):
        # fmt: on
        arguments = named_arguments(locals())
        unit_forget_bias, peephole = arguments.pop("unit_forget_bias"), arguments.pop("peephole")
        super().__init__(**arguments, **kwargs)
        self.unit_forget_bias = bool(unit_forget_bias)
        self.peephole = bool(peephole)

    @property
    def state_size(self):
        return [self.units, self.units]

    def build(self, input_shape):
        super().build(input_shape)
        if self.peephole:
            for gate in ("input", "forget", "output"):
                weight = self.add_weight(shape=(self.units,), name=f"peephole_{gate}",
                                         initializer="zeros")  # fmt: skip
                setattr(self, f"peephole_{gate}", weight)

    def _bias_initializer(self):
        if not self.unit_forget_bias:
            return self.bias_initializer
        n, base = self.units, self.bias_initializer

        def forget_ones(shape, dtype=None):
            return ops.concatenate(
                [base((n,), dtype), ops.ones((n,), dtype), base((2 * n,), dtype)]
            )

        return forget_ones

    def _extra_weights(self):
        return [f"peephole_{g}" for g in ("input", "forget", "output")] if self.peephole else []

    def recurrent_step(self, x_proj, states, weights=None, with_gates=False):
        w = weights or self.step_weights()
        a_prev, c_prev = states[0], states[1]
        n = self.units
        a_in = self.recurrent_input(a_prev, w)
        z = x_proj + ops.matmul(a_in, w["recurrent_kernel"])  # one fused matmul, 4 gates
        z_i, z_f, z_c, z_o = z[:, :n], z[:, n : 2 * n], z[:, 2 * n : 3 * n], z[:, 3 * n :]
        if self.peephole:
            z_i = z_i + w["peephole_input"] * c_prev
            z_f = z_f + w["peephole_forget"] * c_prev
        gamma_u = activate(self.recurrent_activation, z_i)
        gamma_f = activate(self.recurrent_activation, z_f)
        c_tilde = activate(self.activation, z_c)
        c = gamma_f * c_prev + gamma_u * c_tilde
        if self.peephole:
            z_o = z_o + w["peephole_output"] * c
        gamma_o = activate(self.recurrent_activation, z_o)
        a = gamma_o * activate(self.activation, c)
        if with_gates:
            gates = {"gamma_u": gamma_u, "gamma_f": gamma_f, "gamma_o": gamma_o,
                     "c_tilde": c_tilde, "c": c, "a": a}  # fmt: skip
            return a, [a, c], gates
        return a, [a, c]

    @property
    def has_fused_bptt(self):
        default = (self.activation, "tanh"), (self.recurrent_activation, "sigmoid")
        return not self.peephole and self._is_default(*default)

    def fused_sequence(self, xs, mask, weights, states, unroll=False):
        if not self.has_fused_bptt:
            return None
        return lstm_sequence(xs, mask, weights["recurrent_kernel"], *states, unroll=unroll)

    def get_config(self):
        config = {"unit_forget_bias": self.unit_forget_bias, "peephole": self.peephole}
        return {**super().get_config(), **config}


@SERIALIZABLE
class LSTM(SequenceLayer):
    cell_class = LSTMCell
    __doc__ = LAYER_DOC.format(
        kind="LSTM", cell="LSTMCell", states="[a<T>, c<T>]", states_tuple="a<T>, c<T>",
        trace_keys="['a', 'c', 'c_tilde', 'gamma_f', 'gamma_o', 'gamma_u']",
        notation="Gates i, f, c, o = Γ_u, Γ_f, c̃<t>, Γ_o (see LSTMCell); ``trace`` gives "
        "'gamma_u', 'gamma_f', 'gamma_o', 'c_tilde', 'c', 'a'.",
    )  # fmt: skip

    # fmt: off
    def __init__(
        self, units, activation="tanh", recurrent_activation="sigmoid", use_bias=True,
        kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal",
        bias_initializer="zeros", unit_forget_bias=True, kernel_regularizer=None,
        recurrent_regularizer=None, bias_regularizer=None, activity_regularizer=None,
        kernel_constraint=None, recurrent_constraint=None, bias_constraint=None, dropout=0.0,
        recurrent_dropout=0.0, seed=None, return_sequences=False, return_state=False,
        go_backwards=False, stateful=False, unroll=False, use_cudnn="auto", **kwargs,
    ):  # (keras.layers.LSTM's signature; ``peephole`` goes to the cell)
        # fmt: on
        super().__init__(**named_arguments(locals()), **kwargs)


def lstm_sequence(xs, mask, kernel, h0, c0, unroll=False):
    """Returns (H, [a<T>, c<T>]), H of shape (T, batch, n), with a custom BPTT gradient."""
    n = h0.shape[-1]

    @ops.custom_gradient
    def run(xs, kernel, h0, c0, *maybe_mask):
        m = maybe_mask[0] if maybe_mask else None

        ones, zeros = ops.ones((n,), xs.dtype), ops.zeros((n,), xs.dtype)
        sigmoid_mask = ops.concatenate([ones, ones, zeros, ones])
        tanh_mask = ops.concatenate([zeros, zeros, ones, zeros])

        # Besides a<t-1>, each step stores what its backward step needs, computed while the
        # gate values are at hand: dz<t> = [dc, dc, dc, da] ⊙ Q<t>, dc<t> = da ⊙ P<t> + ...
        def step(carry, inputs):
            h, c = carry
            z = inputs[0] + ops.matmul(h, kernel)
            z_i, z_f, z_g, z_o = ops.split(z, 4, axis=-1)
            i, f, g, o = ops.sigmoid(z_i), ops.sigmoid(z_f), ops.tanh(z_g), ops.sigmoid(z_o)
            c_new = f * c + i * g
            tanh_c = ops.tanh(c_new)
            h_new = o * tanh_c
            # Derivatives of the four gate values, [σ', σ', tanh', σ'], in three full-width ops:
            # s ⊙ (β − s) + α with β = [1, 1, 0, 1], α = [0, 0, 1, 0] (per block).
            values = ops.concatenate([i, f, g, o], axis=-1)
            slopes = values * (sigmoid_mask - values) + tanh_mask
            q = ops.concatenate([g, c, i, tanh_c], axis=-1) * slopes
            p = o - o * tanh_c * tanh_c
            if m is not None:
                h_new, c_new = keep_where(inputs[1], h_new, h), keep_where(inputs[1], c_new, c)
            return (h_new, c_new), (h, q, p, f)

        (h_last, c_last), (H_prev, Q, P, F) = chunked_scan(
            step,
            (h0, c0),
            with_mask(xs, m),
            [n, 4 * n, n, n],
            max_unroll=steps_per_iteration(xs, unroll, full=True),
        )

        def grad(d_h_prev_seq, d_h_last, d_c_last, variables=None):
            kernel_t = ops.transpose(kernel)

            def back(carry, inputs):
                dh, dc_next = carry
                q, p, f = inputs[:3]
                if m is None:
                    dc = dh * p + dc_next
                    dz = ops.concatenate([dc, dc, dc, dh], axis=-1) * q
                    dh_prev, dc_prev = ops.matmul(dz, kernel_t), dc * f
                else:
                    m_t = inputs[3]
                    dh_new = m_t * dh
                    dc = dh_new * p + m_t * dc_next
                    dz = ops.concatenate([dc, dc, dc, dh_new], axis=-1) * q
                    dh_prev = ops.matmul(dz, kernel_t) + (dh - dh_new)
                    dc_prev = dc * f + (dc_next - m_t * dc_next)
                if d_h_prev_seq is not None:
                    dh_prev = dh_prev + inputs[-1]
                return (dh_prev, dc_prev), (dz,)

            init = (zeros_if_none(d_h_last, h0), zeros_if_none(d_c_last, c0))
            xs_back = (Q, P, F) + present(m, d_h_prev_seq)
            (dh0, dc0), (DZ,) = chunked_scan(
                back,
                init,
                xs_back,
                [4 * n],
                reverse=True,
                max_unroll=steps_per_iteration(xs, unroll),
            )
            d_kernel = dense_grad(H_prev, DZ)  # one large matmul for all steps
            grads = [DZ, d_kernel, dh0, dc0] + ([ops.zeros_like(m)] if m is not None else [])
            return grads if variables is None else (grads, [])

        return (H_prev, h_last, c_last), grad

    H_prev, h_last, c_last = run(xs, kernel, h0, c0, *([mask] if mask is not None else []))
    return outputs_from_prev(H_prev, h_last), [h_last, c_last]
