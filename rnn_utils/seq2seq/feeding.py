"""Input feeding (Luong et al. 2015, section 3.3): the decoder sees where it attended last step.

Without it, the attention of :class:`rnn_utils.seq2seq.model.Seq2Seq` acts after the recurrent
step and its result only reaches the output layer: the decoder state s<t> never learns which
letters it has just attended to, so it must keep track of its place in the word from the
phonemes alone. With input feeding the attentional vector ĥ<t-1> is joined to the next step's
input:

    s<t> = RNN([y<t-1>, ĥ<t-1>], s<t-1>),   c<t> = attention(s<t>, a<1..T_x>),
    ĥ<t> = tanh(W_c [s<t>, c<t>] + b_c),    ŷ<t> = softmax(W_y ĥ<t> + b_y),   ĥ<0> = 0.

The step now depends on the previous step's attention, so training can no longer run the
recurrent layer over the whole target in one call: :class:`InputFeedingCell` does one such step
and ``keras.layers.RNN`` loops it over the target. The encoder activations (the attention's
memory) are not a sequence over the target, so the cell holds them for the duration of one call
(:meth:`InputFeedingCell.attend_to`).
"""

import keras
from keras import ops

from rnn_utils.layers._cell_base import DropoutRNNCell, check_rate  # Keras's mask cache

__all__ = ["InputFeedingCell"]


class InputFeedingCell(keras.layers.Layer, DropoutRNNCell):
    """One decoder step with input feeding, around one of the course's recurrent cells.

    Args:
        cell: a ``GRUCell`` or ``LSTMCell`` of ``rnn_utils.layers`` (no dropout of its own).
        attention: a ``LuongAttention`` or ``AdditiveAttention`` layer.
        combine: the ``Dense(units, activation="tanh")`` layer that makes ĥ<t> from [s<t>, c<t>].
        dropout: rate of the variational dropout (one mask per sequence) on the embedded
            previous token and on the fed-back ĥ<t-1>, while training.
        seed: seed of the dropout masks.

    Output at step t: [ĥ<t>, s<t>] joined, so that the attention weights can be recomputed from
    s<1..T_y> after the loop (they are not a fixed-size output). States: that output first
    (Keras's JAX loop repeats the first state as the output of a padded step), then the wrapped
    cell's states.
    """

    def __init__(self, cell, attention, combine, dropout=0.0, seed=None, **kwargs):
        super().__init__(**kwargs)
        if cell.dropout or cell.recurrent_dropout:
            raise ValueError("the wrapped cell must have no dropout: InputFeedingCell drops.")
        self.cell, self.attention, self.combine = cell, attention, combine
        self.dropout = self.recurrent_dropout = check_rate(dropout, "dropout")
        if self.dropout:
            self.seed_generator = keras.random.SeedGenerator(seed)
        self.units = cell.units
        self.output_size = 2 * self.units
        cell_states = cell.state_size if isinstance(cell.state_size, list) else [cell.state_size]
        self.state_size = [self.output_size, *cell_states]
        object.__setattr__(self, "_memory", None)  # not tracked: tensors of one call

    def attend_to(self, encoded, source_mask):
        """Set the memory a<1..T_x> (batch, T_x, d) and its mask for the next sequence."""
        object.__setattr__(self, "_memory", (encoded, source_mask))

    def build(self, input_shape):
        # Everything is built here, outside the loop: the memory's size is the decoder's
        # (Seq2Seq's encoder activations have the decoder's width).
        self.cell.build((None, input_shape[-1] + self.units))
        if not self.attention.built:
            self.attention.build((None, self.units), (None, None, self.units))
        if not self.combine.built:
            self.combine.build((None, 2 * self.units))

    def call(self, inputs, states, training=False):
        if self._memory is None:
            raise ValueError("call attend_to(encoded, source_mask) before running the decoder.")
        previous, *cell_states = states
        fed = previous[:, : self.units]  # ĥ<t-1>
        if training and self.dropout:
            inputs = inputs * self.get_dropout_mask(inputs)
            fed = fed * self.get_recurrent_dropout_mask(previous)[:, : self.units]
        s, cell_states = self.cell.call(ops.concatenate([inputs, fed], axis=-1), cell_states)
        encoded, source_mask = self._memory
        context, _ = self.attention(s, encoded, source_mask=source_mask)
        attended = self.combine(ops.concatenate([s, context], axis=-1))
        output = ops.concatenate([attended, s], axis=-1)
        return output, [output, *cell_states]
