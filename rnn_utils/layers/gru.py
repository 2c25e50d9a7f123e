"""The gated recurrent unit: ``GRUCell``, the ``GRU`` sequence layer and its BPTT.

Taught in notebook 04. Keras's ``z`` gate keeps the OLD state, so the seed's update gate is
Γ_u = 1 − z (see :class:`GRUCell`). The NumPy twin, in seed notation, is
:mod:`rnn_utils.scratch.gru`.
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

__all__ = ["GRUCell", "GRU"]


@SERIALIZABLE
class GRUCell(GatedCell):
    """Gated recurrent unit cell (Cho et al. 2014), Keras's convention.

    Keras's gates, in kernel order z, r, h::

        z = σ(x W_z + a<t-1> U_z + b_z)          update gate, KEEPS the old state
        r = σ(x W_r + a<t-1> U_r + b_r)          = Γ_r, reset (relevance) gate
        h̃ = tanh(x W_h + r ⊙ (a<t-1> U_h + b'_h))   = c̃<t>   (reset_after=True, default)
        h̃ = tanh(x W_h + (r ⊙ a<t-1>) U_h + b_h)    = c̃<t>   (reset_after=False)
        a<t> = z ⊙ a<t-1> + (1 − z) ⊙ h̃

    Plainly: Keras's ``z`` is the weight on the OLD state, so the seed's update gate is
    **Γ_u = 1 − z** and the seed's c<t> = Γ_u ⊙ c̃<t> + (1 − Γ_u) ⊙ c<t-1> is the same formula.
    For a GRU, c<t> = a<t>.

    Weights: ``kernel`` (n_x, 3n_a) = [W_z | W_r | W_h] (W_ax^T per gate), ``recurrent_kernel``
    (n_a, 3n_a) = [U_z | U_r | U_h] (W_aa^T per gate), ``bias`` = b: shape (2, 3n_a) with
    reset_after=True (row 0 input bias, row 1 recurrent bias), (3n_a,) with reset_after=False.

    Args:
        units: positive int, n_a.
        activation: for c̃<t>, default ``"tanh"``. recurrent_activation: for the gates,
            default ``"sigmoid"``.
        reset_after: apply r after the recurrent matmul (default True, as Keras and cuDNN).
        Other arguments: as in ``keras.layers.GRUCell`` (dropout: see ``rnn_utils.layers``).

    Call arguments / Returns: as :class:`SimpleRNNCell`, ``(a<t>, [a<t>])``.

    Example:
    >>> import keras, numpy as np
    >>> cell = GRUCell(4)
    >>> tuple(keras.layers.RNN(cell)(np.zeros((2, 5, 3))).shape)
    (2, 4)
    """

    gate_count = 3

    # fmt: off
    def __init__(
        self, units, activation="tanh", recurrent_activation="sigmoid", use_bias=True,
        kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal",
        bias_initializer="zeros", kernel_regularizer=None, recurrent_regularizer=None,
        bias_regularizer=None, kernel_constraint=None, recurrent_constraint=None,
        bias_constraint=None, dropout=0.0, recurrent_dropout=0.0, reset_after=True, seed=None,
        **kwargs,
    ):
        # fmt: on
        arguments = named_arguments(locals())
        reset_after = arguments.pop("reset_after")
        super().__init__(**arguments, **kwargs)
        self.reset_after = bool(reset_after)

    def _bias_shape(self):
        return (2, 3 * self.units) if self.reset_after else (3 * self.units,)

    def _input_bias(self):
        if self.bias is None or not self.reset_after:
            return self.bias
        return self.bias[0]

    def recurrent_step(self, x_proj, states, weights=None, with_gates=False):
        w = weights or self.step_weights()
        kernel, a_prev, n = w["recurrent_kernel"], states[0], self.units
        a_in = self.recurrent_input(a_prev, w)
        x_z, x_r, x_h = x_proj[:, :n], x_proj[:, n : 2 * n], x_proj[:, 2 * n :]
        if self.reset_after:
            inner = ops.matmul(a_in, kernel)  # one fused matmul for z, r, h
            if self.use_bias:
                inner = inner + w["bias"][1]
            z = activate(self.recurrent_activation, x_z + inner[:, :n])
            r = activate(self.recurrent_activation, x_r + inner[:, n : 2 * n])
            h_pre = x_h + r * inner[:, 2 * n :]
        else:
            inner = ops.matmul(a_in, kernel[:, : 2 * n])
            z = activate(self.recurrent_activation, x_z + inner[:, :n])
            r = activate(self.recurrent_activation, x_r + inner[:, n:])
            h_pre = x_h + ops.matmul(r * a_in, kernel[:, 2 * n :])
        c_tilde = activate(self.activation, h_pre)
        a = z * a_prev + (1.0 - z) * c_tilde
        if with_gates:
            gates = {"z": z, "gamma_u": 1.0 - z, "gamma_r": r, "c_tilde": c_tilde, "a": a}
            return a, [a], gates
        return a, [a]

    @property
    def has_fused_bptt(self):
        default = (self.activation, "tanh"), (self.recurrent_activation, "sigmoid")
        return self.reset_after and self._is_default(*default)

    def fused_sequence(self, xs, mask, weights, states, unroll=False):
        if not self.has_fused_bptt:
            return None
        if self.use_bias:
            bias = weights["bias"][1]
        else:
            bias = ops.zeros((3 * self.units,), xs.dtype)
        return gru_sequence(xs, mask, weights["recurrent_kernel"], bias, states[0], unroll)

    def get_config(self):
        return {**super().get_config(), "reset_after": self.reset_after}


@SERIALIZABLE
class GRU(SequenceLayer):
    cell_class = GRUCell
    __doc__ = LAYER_DOC.format(
        kind="GRU", cell="GRUCell", states="[a<T>]", states_tuple="a<T>",
        trace_keys="['a', 'c_tilde', 'gamma_r', 'gamma_u', 'z']",
        notation="Keras's z keeps the OLD state, so the seed's Γ_u = 1 − z (see GRUCell); "
        "``trace`` gives 'z', 'gamma_u', 'gamma_r', 'c_tilde', 'a'.",
    )  # fmt: skip

    # fmt: off
    def __init__(
        self, units, activation="tanh", recurrent_activation="sigmoid", use_bias=True,
        kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal",
        bias_initializer="zeros", kernel_regularizer=None, recurrent_regularizer=None,
        bias_regularizer=None, activity_regularizer=None, kernel_constraint=None,
        recurrent_constraint=None, bias_constraint=None, dropout=0.0, recurrent_dropout=0.0,
        seed=None, return_sequences=False, return_state=False, go_backwards=False,
        stateful=False, unroll=False, reset_after=True, use_cudnn="auto", **kwargs,
    ):  # (keras.layers.GRU's signature)
        # fmt: on
        super().__init__(**named_arguments(locals()), **kwargs)


def gru_sequence(xs, mask, kernel, recurrent_bias, h0, unroll=False):
    """GRU with reset_after=True: returns (H, [a<T>]), with a custom BPTT gradient."""
    n = h0.shape[-1]

    @ops.custom_gradient
    def run(xs, kernel, recurrent_bias, h0, *maybe_mask):
        m = maybe_mask[0] if maybe_mask else None
        steps = steps_per_iteration(xs, unroll)

        def step(carry, inputs):
            (h,) = carry
            x_zr, x_h = ops.split(inputs[0], [2 * n], axis=-1)
            inner_zr, inner_h = ops.split(ops.matmul(h, kernel) + recurrent_bias, [2 * n], -1)
            zr = ops.sigmoid(x_zr + inner_zr)
            z, r = ops.split(zr, 2, axis=-1)
            hh = ops.tanh(x_h + r * inner_h)
            h_new = hh + z * (h - hh)
            if m is not None:
                h_new = keep_where(inputs[1], h_new, h)
            return (h_new,), (h, zr, hh, inner_h)

        (h_last,), (h_prev_seq, ZR, HH, INNER_H) = chunked_scan(
            step, (h0,), with_mask(xs, m), [n, 2 * n, n, n], max_unroll=steps
        )

        def grad(d_h_prev_seq, d_h_last, variables=None):
            Z, R = ops.split(ZR, 2, axis=-1)
            # Pre-activation gradients are dh<t> times these factors, for every step at once.
            d_h_factor = (1.0 - Z) * (1.0 - HH * HH)
            d_z_factor = (h_prev_seq - HH) * Z * (1.0 - Z)
            d_r_factor = d_h_factor * INNER_H * R * (1.0 - R)
            inner_factor = ops.concatenate([d_z_factor, d_r_factor, d_h_factor * R], axis=-1)
            kernel_t = ops.transpose(kernel)

            def back(carry, inputs):
                (dh,) = carry
                q, z = inputs[:2]
                dh_new = dh if m is None else inputs[2] * dh
                d_inner = ops.concatenate([dh_new, dh_new, dh_new], axis=-1) * q
                dh_prev = ops.matmul(d_inner, kernel_t) + dh_new * z
                if m is not None:
                    dh_prev = dh_prev + (dh - dh_new)
                if d_h_prev_seq is not None:
                    dh_prev = dh_prev + inputs[-1]
                return (dh_prev,), (dh_new,)

            xs_back = (inner_factor, Z) + present(m, d_h_prev_seq)
            init = (zeros_if_none(d_h_last, h0),)
            (dh0,), (DH,) = chunked_scan(back, init, xs_back, [n], reverse=True, max_unroll=steps)
            DH3 = ops.concatenate([DH, DH, DH], axis=-1)
            d_inner = DH3 * inner_factor
            d_x = DH3 * ops.concatenate([d_z_factor, d_r_factor, d_h_factor], axis=-1)
            d_kernel = dense_grad(h_prev_seq, d_inner)
            d_bias = ops.sum(d_inner, axis=(0, 1))
            grads = [d_x, d_kernel, d_bias, dh0] + ([ops.zeros_like(m)] if m is not None else [])
            return grads if variables is None else (grads, [])

        return (h_prev_seq, h_last), grad

    H_prev, h_last = run(xs, kernel, recurrent_bias, h0, *([mask] if mask is not None else []))
    return outputs_from_prev(H_prev, h_last), [h_last]
