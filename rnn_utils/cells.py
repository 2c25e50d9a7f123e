"""Recurrent cells (one time step) written with ``keras.ops`` only.

Each cell computes one step of a recurrence, a<t-1>, x<t> -> a<t>, and works inside
``keras.layers.RNN`` like Keras's own cells. The weights have exactly the names, shapes and gate
order of Keras's built-ins, so ``ours.set_weights(builtin.get_weights())`` just works.

Every cell splits its step into two public halves, which is what makes the sequence layers in
:mod:`rnn_utils.layers` fast:

- ``project_inputs(x)``: the input half, ``x·kernel + input bias``. It accepts ``(batch, n_x)``
  or ``(batch, T, n_x)``, so a layer projects ALL time steps with one big matmul.
- ``recurrent_step(x_proj, states)``: the recurrent half, one fused matmul ``a<t-1>·recurrent
  kernel`` plus the gate nonlinearities. ``with_gates=True`` also returns the gate activations
  (used by ``layer.trace``; the normal path never computes the extra dict).

Keras stores matrices transposed with respect to the seed notation (row vectors times matrices):
``kernel`` is W_ax^T (stacked over gates), ``recurrent_kernel`` is W_aa^T, ``bias`` is b_a.
"""

import keras
from keras import ops

from rnn_utils import _fused
from rnn_utils._cell_base import _GatedCell, _RecurrentCell, check_units

__all__ = ["SimpleRNNCell", "GRUCell", "LSTMCell", "check_units"]

_SERIALIZABLE = keras.saving.register_keras_serializable(package="rnn_utils")


@_SERIALIZABLE
class SimpleRNNCell(_RecurrentCell):
    """Cell of the basic (Elman) RNN: a<t> = g(W_aa a<t-1> + W_ax x<t> + b_a).

    Weights (Keras layout): ``kernel`` (n_x, n_a) = W_ax^T, ``recurrent_kernel`` (n_a, n_a) =
    W_aa^T, ``bias`` (n_a,) = b_a. The output ŷ-side of the seed equations (W_ya, b_y) is not part
    of the cell: put a ``Dense`` layer on top.

    Args:
        units: positive int, n_a (size of a<t>).
        activation: g, default ``"tanh"``.
        use_bias, kernel_initializer, recurrent_initializer (default ``"orthogonal"``),
        bias_initializer, *_regularizer, *_constraint: as in ``keras.layers.SimpleRNNCell``.
        dropout, recurrent_dropout: must be 0 (dropout inside the cell is not implemented).

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
        a = x_proj + ops.matmul(states[0], w["recurrent_kernel"])
        if self.activation is not None:
            a = self.activation(a)
        if with_gates:
            return a, [a], {"a": a}
        return a, [a]

    @property
    def has_fused_bptt(self):
        return self._is_default((self.activation, "tanh"))

    def fused_sequence(self, xs, mask, weights, states):
        if not self.has_fused_bptt:
            return None
        return _fused.simple_sequence(xs, mask, weights["recurrent_kernel"], states[0])


@_SERIALIZABLE
class GRUCell(_GatedCell):
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
        Other arguments: as in ``keras.layers.GRUCell``; dropout arguments must be 0.

    Call arguments / Returns: as :class:`SimpleRNNCell`, ``(a<t>, [a<t>])``.

    Example:
    >>> import keras, numpy as np
    >>> cell = GRUCell(4)
    >>> tuple(keras.layers.RNN(cell)(np.zeros((2, 5, 3))).shape)
    (2, 4)
    """

    gate_count = 3

    def __init__(self, units, reset_after=True, **kwargs):
        super().__init__(units, **kwargs)
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
        x_z, x_r, x_h = x_proj[:, :n], x_proj[:, n : 2 * n], x_proj[:, 2 * n :]
        if self.reset_after:
            inner = ops.matmul(a_prev, kernel)  # one fused matmul for z, r, h
            if self.use_bias:
                inner = inner + w["bias"][1]
            z = self.recurrent_activation(x_z + inner[:, :n])
            r = self.recurrent_activation(x_r + inner[:, n : 2 * n])
            h_pre = x_h + r * inner[:, 2 * n :]
        else:
            inner = ops.matmul(a_prev, kernel[:, : 2 * n])
            z = self.recurrent_activation(x_z + inner[:, :n])
            r = self.recurrent_activation(x_r + inner[:, n:])
            h_pre = x_h + ops.matmul(r * a_prev, kernel[:, 2 * n :])
        c_tilde = self.activation(h_pre) if self.activation is not None else h_pre
        a = z * a_prev + (1.0 - z) * c_tilde
        if with_gates:
            gates = {"z": z, "gamma_u": 1.0 - z, "gamma_r": r, "c_tilde": c_tilde, "a": a}
            return a, [a], gates
        return a, [a]

    @property
    def has_fused_bptt(self):
        default = (self.activation, "tanh"), (self.recurrent_activation, "sigmoid")
        return self.reset_after and self._is_default(*default)

    def fused_sequence(self, xs, mask, weights, states):
        if not self.has_fused_bptt:
            return None
        if self.use_bias:
            bias = weights["bias"][1]
        else:
            bias = ops.zeros((3 * self.units,), xs.dtype)
        return _fused.gru_sequence(xs, mask, weights["recurrent_kernel"], bias, states[0])

    def get_config(self):
        return {**super().get_config(), "reset_after": self.reset_after}


@_SERIALIZABLE
class LSTMCell(_GatedCell):
    """Long short-term memory cell (Hochreiter & Schmidhuber 1997), optional peepholes.

    Keras's gate order in the kernels is i, f, c, o; in seed notation::

        Γ_u = σ(W_u [a<t-1>, x<t>] + b_u)        Keras "i" (update / input gate)
        Γ_f = σ(W_f [a<t-1>, x<t>] + b_f)        Keras "f" (forget gate)
        c̃<t> = tanh(W_c [a<t-1>, x<t>] + b_c)    Keras "c" (candidate)
        Γ_o = σ(W_o [a<t-1>, x<t>] + b_o)        Keras "o" (output gate)
        c<t> = Γ_u ⊙ c̃<t> + Γ_f ⊙ c<t-1>,   a<t> = Γ_o ⊙ tanh(c<t>)

    With ``peephole=True`` (Gers, Schraudolph & Schmidhuber 2000) the gates also see the cell
    state through diagonal weights: Γ_u and Γ_f add ``p_u ⊙ c<t-1>``, Γ_o adds ``p_o ⊙ c<t>``.
    The three vectors (``peephole_input``, ``peephole_forget``, ``peephole_output``) start at 0,
    where the cell is exactly the plain LSTM. Keras has no peephole LSTM.

    Weights: ``kernel`` (n_x, 4n_a) = [W_i|W_f|W_c|W_o] (x-part of W_u.., transposed),
    ``recurrent_kernel`` (n_a, 4n_a) (a-part, transposed), ``bias`` (4n_a,); peepholes (n_a,).

    Args:
        units: positive int, n_a.
        unit_forget_bias: add 1 to b_f at initialisation (default True, as Keras).
        peephole: add peephole connections (default False).
        Other arguments: as in ``keras.layers.LSTMCell``; dropout arguments must be 0.

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

    def __init__(self, units, unit_forget_bias=True, peephole=False, **kwargs):
        super().__init__(units, **kwargs)
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
        z = x_proj + ops.matmul(a_prev, w["recurrent_kernel"])  # one fused matmul, 4 gates
        z_i, z_f, z_c, z_o = z[:, :n], z[:, n : 2 * n], z[:, 2 * n : 3 * n], z[:, 3 * n :]
        if self.peephole:
            z_i = z_i + w["peephole_input"] * c_prev
            z_f = z_f + w["peephole_forget"] * c_prev
        gamma_u = self.recurrent_activation(z_i)
        gamma_f = self.recurrent_activation(z_f)
        c_tilde = self.activation(z_c) if self.activation is not None else z_c
        c = gamma_f * c_prev + gamma_u * c_tilde
        if self.peephole:
            z_o = z_o + w["peephole_output"] * c
        gamma_o = self.recurrent_activation(z_o)
        a = gamma_o * (self.activation(c) if self.activation is not None else c)
        if with_gates:
            gates = {"gamma_u": gamma_u, "gamma_f": gamma_f, "gamma_o": gamma_o,
                     "c_tilde": c_tilde, "c": c, "a": a}  # fmt: skip
            return a, [a, c], gates
        return a, [a, c]

    @property
    def has_fused_bptt(self):
        default = (self.activation, "tanh"), (self.recurrent_activation, "sigmoid")
        return not self.peephole and self._is_default(*default)

    def fused_sequence(self, xs, mask, weights, states):
        if not self.has_fused_bptt:
            return None
        return _fused.lstm_sequence(xs, mask, weights["recurrent_kernel"], *states)

    def get_config(self):
        config = {"unit_forget_bias": self.unit_forget_bias, "peephole": self.peephole}
        return {**super().get_config(), **config}
