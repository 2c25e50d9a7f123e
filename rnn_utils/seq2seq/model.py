"""An encoder–decoder on the course's recurrent layers, trained with teacher forcing.

Taught in notebook 08. It models P(y<1..T_y> | x<1..T_x>) = Π_t P(y<t> | y<1..t-1>, x):

- the **encoder** (embedding + one or more of our ``GRU``/``LSTM`` layers, optionally
  bidirectional) reads x<1..T_x> into activations a<1..T_x> and final states;
- the **decoder** (embedding + one recurrent layer of the same type) starts from the encoder's
  final states and reads y<0..T_y-1> (``<bos>`` then the target): this is **teacher forcing**,
  the true previous output is fed at every step during training. Its states s<t> then query
  the encoder activations through **attention** (Luong's scheme: after the recurrent step),
  ĥ<t> = tanh(W_c [s<t>, c<t>] + b_c) with the context c<t>, and ŷ<t> = softmax(W_y ĥ<t> + b_y)
  (``combine`` holds W_c, b_c; ``output_layer`` W_y, b_y). Without attention,
  ŷ<t> = softmax(W_y s<t> + b_y): everything about x must pass through the final states.

Because attention acts after the recurrent step, training runs the decoder over the whole
target in one call, and decoding one step at a time (:meth:`Seq2Seq.step`) computes exactly the
same numbers. With ``input_feeding=True`` ĥ<t-1> joins the decoder's input at step t
(:mod:`rnn_utils.seq2seq.feeding`): training then loops over the target one step at a time, and
:meth:`Seq2Seq.step` still computes the same numbers. Padding id 0 is masked on both sides:
padded source positions get attention weight 0, padded target positions count in neither the
loss nor the accuracy (:func:`masked_loss`, :func:`masked_accuracy`).
"""

import keras
from keras import ops

from rnn_utils.layers import GRU, LSTM, Bidirectional, GRUCell, LSTMCell
from rnn_utils.layers._cell_base import check_rate
from rnn_utils.layers._layer_base import SERIALIZABLE
from rnn_utils.seq2seq.attention import AdditiveAttention, LuongAttention
from rnn_utils.seq2seq.feeding import InputFeedingCell

__all__ = ["Seq2Seq", "masked_accuracy", "masked_loss"]

_CELLS = {"gru": GRU, "lstm": LSTM}
_STEP_CELLS = {"gru": GRUCell, "lstm": LSTMCell}
_ATTENTION = (None, "dot", "general", "additive")


@SERIALIZABLE
def masked_loss(y_true, logits):
    """Mean cross-entropy over real target positions (id 0 = padding is left out)."""
    y_true = ops.cast(y_true, "int32")
    mask = ops.cast(ops.not_equal(y_true, 0), logits.dtype)
    losses = keras.losses.sparse_categorical_crossentropy(y_true, logits, from_logits=True)
    return ops.sum(losses * mask) / ops.maximum(ops.sum(mask), 1.0)


@SERIALIZABLE
def masked_accuracy(y_true, logits):
    """Share of real target positions (id ≠ 0) whose most likely token is the right one."""
    y_true = ops.cast(y_true, "int32")
    mask = ops.cast(ops.not_equal(y_true, 0), "float32")
    hits = ops.cast(ops.equal(ops.cast(ops.argmax(logits, axis=-1), "int32"), y_true), "float32")
    return ops.sum(hits * mask) / ops.maximum(ops.sum(mask), 1.0)


def _check_int(name, value, minimum=1):
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ValueError(f"{name} must be an int >= {minimum}, got {value!r}.")


@SERIALIZABLE
class Seq2Seq(keras.Model):
    """Encoder–decoder with optional attention, on ``rnn_utils.layers`` recurrent layers.

    Args:
        source_vocab_size, target_vocab_size: vocabulary sizes (id 0 = padding in both).
        embedding_dim: size of both embeddings.
        units: n_a of each encoder direction; the decoder has ``units`` × 2 when the encoder
            is bidirectional (so its states can start from both directions' final states).
        cell: ``"gru"`` or ``"lstm"``.
        encoder_layers: depth of the encoder.
        bidirectional: whether each encoder layer reads both ways.
        attention: None, ``"dot"``, ``"general"`` (Luong) or ``"additive"`` (Bahdanau).
        dropout: rate of the regularising dropout while training (0: none). Every recurrent
            layer drops its inputs with it (one mask per sequence, the layers' ``dropout``),
            and with attention the attentional vector ĥ<t> is dropped before the output layer.
        input_feeding: join ĥ<t-1> to the decoder's input at step t (Luong et al. 2015; needs
            attention): the decoder then knows where it attended, at the cost of a step-by-step
            loop in training (:mod:`rnn_utils.seq2seq.feeding`).

    Call arguments:
        inputs: ``(source ids (batch, T_x), decoder input ids (batch, T_y))``; the decoder
            input is ``<bos>`` followed by the target without its last token.

    Returns:
        logits (batch, T_y, target_vocab_size).

    Example:
    >>> import numpy as np
    >>> model = Seq2Seq(10, 8, embedding_dim=4, units=6, attention="dot")
    >>> tuple(model((np.ones((2, 5), "int32"), np.ones((2, 3), "int32"))).shape)
    (2, 3, 8)
    """

    def __init__(
        self,
        source_vocab_size,
        target_vocab_size,
        embedding_dim=64,
        units=128,
        cell="gru",
        encoder_layers=1,
        bidirectional=True,
        attention="dot",
        dropout=0.0,
        input_feeding=False,
        **kwargs,
    ):
        super().__init__(**kwargs)
        for name, value in (
            ("source_vocab_size", source_vocab_size),
            ("target_vocab_size", target_vocab_size),
            ("embedding_dim", embedding_dim),
            ("units", units),
            ("encoder_layers", encoder_layers),
        ):
            _check_int(name, value, 2 if name.endswith("vocab_size") else 1)
        if cell not in _CELLS:
            raise ValueError(f'cell must be "gru" or "lstm", got {cell!r}.')
        if attention not in _ATTENTION:
            raise ValueError(f"attention must be one of {_ATTENTION}, got {attention!r}.")
        if input_feeding and attention is None:
            raise ValueError("input_feeding=True feeds the attentional vector: it needs attention.")
        self.config = dict(
            source_vocab_size=source_vocab_size,
            target_vocab_size=target_vocab_size,
            embedding_dim=embedding_dim,
            units=units,
            cell=cell,
            encoder_layers=encoder_layers,
            bidirectional=bool(bidirectional),
            attention=attention,
            dropout=check_rate(dropout, "dropout"),
            input_feeding=bool(input_feeding),
        )
        layer = _CELLS[cell]
        self.source_embedding = keras.layers.Embedding(source_vocab_size, embedding_dim)
        self.target_embedding = keras.layers.Embedding(target_vocab_size, embedding_dim)
        self.encoder_layers = []
        for _ in range(encoder_layers):
            rnn = layer(units, return_sequences=True, return_state=True, dropout=dropout)
            self.encoder_layers.append(Bidirectional(rnn) if bidirectional else rnn)
        self.decoder_units = units * (2 if bidirectional else 1)
        if not input_feeding:
            self.decoder_rnn = layer(
                self.decoder_units, return_sequences=True, return_state=True, dropout=dropout
            )
        self.attention = None
        if attention == "additive":
            self.attention = AdditiveAttention(self.decoder_units)
        elif attention is not None:
            self.attention = LuongAttention(attention)
        self.combine = keras.layers.Dense(self.decoder_units, activation="tanh")
        self.readout_dropout = keras.layers.Dropout(dropout)
        self.output_layer = keras.layers.Dense(target_vocab_size)
        if input_feeding:  # the loop owns one step: recurrent cell, attention, combine
            self.feeding_cell = InputFeedingCell(
                _STEP_CELLS[cell](self.decoder_units), self.attention, self.combine, dropout
            )
            self.decoder_rnn = keras.layers.RNN(
                self.feeding_cell, return_sequences=True, return_state=True
            )

    def build(self, input_shape):
        # One symbolic call creates every weight (needed before loading saved weights).
        source_shape, target_shape = (tuple(2 if d is None else d for d in s) for s in input_shape)
        dummy = (keras.KerasTensor(source_shape, "int32"), keras.KerasTensor(target_shape, "int32"))
        self.call(dummy)  # shapes only: nothing is computed (nor compiled, on JAX)

    # --- the two halves ----------------------------------------------------------------------
    def encode(self, source, training=None):
        """Encoder pass: ``(a<1..T_x> (batch, T_x, d), source mask, decoder initial states)``."""
        source = ops.convert_to_tensor(source, dtype="int32")
        if len(source.shape) != 2:
            raise ValueError(f"source ids must have shape (batch, T_x), got {tuple(source.shape)}.")
        mask = ops.not_equal(source, 0)
        x, states = self.source_embedding(source), None
        for rnn in self.encoder_layers:
            x, *states = rnn(x, mask=mask, training=training)
        if self.config["bidirectional"]:  # [fwd a, (fwd c), bwd a, (bwd c)] -> joined per kind
            half = len(states) // 2
            states = [
                ops.concatenate([f, b], axis=-1)
                for f, b in zip(states[:half], states[half:], strict=True)
            ]
        return x, mask, list(states)

    def _readout(self, s, encoded, source_mask, training=None):
        """Logits from decoder states s (batch, T, d) and the encoder activations."""
        if self.attention is None:
            # A new tensor without the decoder's Keras mask: the logits are scored by the masked
            # loss and metrics, and a mask left on them would be applied to the scalar metric.
            return self.output_layer(ops.add(s, 0.0)), None
        context, weights = self.attention(s, encoded, source_mask=source_mask)
        attended = self.combine(ops.concatenate([s, context], axis=-1))
        return self._logits(attended, training), weights

    def _logits(self, attended, training=None):
        """ŷ's logits from the attentional vectors ĥ (dropped while training)."""
        return self.output_layer(self.readout_dropout(attended, training=training))

    def _fed_states(self, encoded, source_mask, states):
        """With input feeding: the memory set and [ĥ<0>, s<0>] = 0 put before the initial states."""
        if not self.config["input_feeding"]:
            return states
        self.feeding_cell.attend_to(encoded, source_mask)
        return [ops.concatenate([ops.zeros_like(states[0])] * 2, axis=-1), *states]

    def _fed_readout(self, outputs, encoded, source_mask, training=None, weights=False):
        """Logits from the input-feeding loop's outputs [ĥ<t>, s<t>] (weights recomputed)."""
        attended, s = outputs[..., : self.decoder_units], outputs[..., self.decoder_units :]
        logits = self._logits(attended, training)
        if not weights:
            return logits, None
        return logits, self.attention(s, encoded, source_mask=source_mask)[1]

    def call(self, inputs, training=None, return_attention=False):
        source, target_in = inputs
        encoded, source_mask, states = self.encode(source, training=training)
        target_in = ops.convert_to_tensor(target_in, dtype="int32")
        s, *_ = self.decoder_rnn(
            self.target_embedding(target_in),
            mask=ops.not_equal(target_in, 0),
            initial_state=self._fed_states(encoded, source_mask, states),
            training=training,
        )
        if self.config["input_feeding"]:
            logits, weights = self._fed_readout(
                s, encoded, source_mask, training=training, weights=return_attention
            )
        else:
            logits, weights = self._readout(s, encoded, source_mask, training=training)
        return (logits, weights) if return_attention else logits

    def step(self, tokens, states):
        """One decoder step for :mod:`rnn_utils.seq2seq.decoding`.

        ``states`` is ``[a<1..T_x>, source mask, *decoder states]`` as returned by
        :meth:`initial_decoder_states`; returns ``(log-probabilities (n, V), new states)``.
        """
        encoded, source_mask, *dec_states = states
        y = self.target_embedding(ops.convert_to_tensor(tokens, "int32")[:, None])
        memory = ops.convert_to_tensor(encoded), ops.convert_to_tensor(source_mask)
        dec_states = [ops.convert_to_tensor(d) for d in dec_states]
        if self.config["input_feeding"]:
            self.feeding_cell.attend_to(*memory)
            out, dec_states = self.feeding_cell(y[:, 0], dec_states)
            logits, _ = self._fed_readout(out[:, None], *memory)
        else:
            s, *dec_states = self.decoder_rnn(y, initial_state=dec_states)
            logits, _ = self._readout(s, *memory)
        log_probs = ops.log_softmax(logits[:, 0], axis=-1)
        return ops.convert_to_numpy(log_probs), [
            encoded,
            source_mask,
            *map(ops.convert_to_numpy, dec_states),
        ]

    @property
    def step_state_count(self):
        """How many arrays :meth:`step` carries: a<1..T_x>, the mask, with input feeding the last
        output [ĥ, s], then s (and c for LSTM)."""
        return 2 + (2 if self.config["cell"] == "lstm" else 1) + self.config["input_feeding"]

    def initial_decoder_states(self, source):
        """The ``states`` list that :meth:`step` starts from, as NumPy arrays."""
        encoded, mask, states = self.encode(source)
        states = self._fed_states(encoded, mask, states)
        return [
            ops.convert_to_numpy(encoded),
            ops.convert_to_numpy(mask),
            *map(ops.convert_to_numpy, states),
        ]

    def get_config(self):
        return {**super().get_config(), **self.config}
