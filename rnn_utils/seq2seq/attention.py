"""Attention for encoder–decoders: additive (Bahdanau) and multiplicative (Luong) scores.

Taught in notebook 08. At decoder step t a decoder state s (the *query*) is compared with
every encoder activation a<t'> (the *keys*, which are also the *values*), giving scores
e<t,t'>; a softmax over t' turns them into attention weights α<t,t'> that sum to 1, and the
context vector is c<t> = Σ_t' α<t,t'> a<t'>:

- additive (Bahdanau et al. 2015): e<t,t'> = vᵀ tanh(W_s s + W_a a<t'>);
- multiplicative (Luong et al. 2015): e<t,t'> = sᵀ a<t'> (``"dot"``) or sᵀ W a<t'>
  (``"general"``).

The layers score whatever state they are given. :class:`rnn_utils.seq2seq.model.Seq2Seq` uses
Luong's placement for both scores: the query is s<t>, the state *after* decoder step t, and the
context only enters the readout (and, with input feeding, the next step's input). Bahdanau et al.
scored the previous state s<t-1> instead and fed the context into the recurrent step.

Both layers are written with ``keras.ops`` only and return the weights with the context so they
can be drawn. A padded source position (mask False) gets weight exactly 0. With the projections
applied first, they compute what ``keras.layers.AdditiveAttention(use_scale=True)`` (scale = v)
and ``keras.layers.Attention(score_mode="dot")`` compute; the tests assert it.
"""

import keras
from keras import ops

from rnn_utils.layers._cell_base import activate
from rnn_utils.layers._layer_base import SERIALIZABLE

__all__ = ["AdditiveAttention", "LuongAttention", "masked_softmax"]

_LARGE = 1.0e9  # subtracted from the scores of padded positions (as Keras does)


def masked_softmax(scores, mask=None):
    """Softmax over the last axis; positions where ``mask`` is False get weight 0.

    Args:
        scores: (batch, T_q, T_v) scores.
        mask: optional (batch, T_v) booleans, True for real source positions.
    """
    if mask is not None:
        keep = ops.expand_dims(ops.cast(mask, "bool"), axis=-2)
        scores = ops.where(keep, scores, scores - _LARGE)
    return ops.softmax(scores, axis=-1)


def _as_sequence(query):
    """A single decoder state (batch, d) becomes a one-step sequence (batch, 1, d)."""
    if len(query.shape) == 2:
        return ops.expand_dims(query, 1), True
    if len(query.shape) == 3:
        return query, False
    raise ValueError(
        f"query must have shape (batch, d) or (batch, T_q, d), got {tuple(query.shape)}."
    )


def _check_values(values, mask):
    if len(values.shape) != 3:
        raise ValueError(
            f"values (the encoder activations) must have shape (batch, T_x, d), "
            f"got {tuple(values.shape)}."
        )
    if mask is not None and tuple(mask.shape)[-1] != values.shape[1]:
        raise ValueError(
            f"mask must have shape (batch, T_x) = (batch, {values.shape[1]}), "
            f"got {tuple(mask.shape)}."
        )


class _Attention(keras.layers.Layer):
    """Shared call: scores → masked softmax → context; subclasses define ``scores``.

    The source mask is an explicit argument; a Keras mask attached to the query (a decoder
    sequence) is accepted and not propagated (the outputs are context vectors, not tokens).
    """

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True

    def compute_mask(self, query, values, source_mask=None):
        return None

    def call(self, query, values, source_mask=None):
        """Context vectors and attention weights.

        Args:
            query: decoder states, (batch, d_s) for one step or (batch, T_y, d_s).
            values: encoder activations a<1..T_x>, (batch, T_x, d_a).
            source_mask: optional (batch, T_x) booleans, True for real source positions.

        Returns:
            ``(context, weights)``: (batch, d_a) and (batch, T_x) for a single query,
            (batch, T_y, d_a) and (batch, T_y, T_x) for a sequence of queries.
        """
        values = ops.convert_to_tensor(values, dtype=self.compute_dtype)
        _check_values(values, source_mask)
        query, single = _as_sequence(ops.convert_to_tensor(query, dtype=self.compute_dtype))
        weights = masked_softmax(self.scores(query, values), source_mask)
        context = ops.matmul(weights, values)
        if single:
            return context[:, 0], weights[:, 0]
        return context, weights


@SERIALIZABLE
class AdditiveAttention(_Attention):
    """Bahdanau's additive attention: e<t,t'> = vᵀ tanh(W_s s + W_a a<t'>), s the query.

    Weights: ``query_kernel`` (d_s, units) = W_sᵀ, ``key_kernel`` (d_a, units) = W_aᵀ,
    ``v`` (units,).

    Args:
        units: size of the hidden layer of the score network.

    Example:
    >>> import numpy as np
    >>> attention = AdditiveAttention(8)
    >>> context, weights = attention(np.ones((2, 4), "float32"), np.ones((2, 5, 6), "float32"))
    >>> tuple(context.shape), tuple(weights.shape)
    ((2, 6), (2, 5))
    """

    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        if isinstance(units, bool) or not isinstance(units, int) or units <= 0:
            raise ValueError(f"units must be a positive int, got {units!r}.")
        self.units = units

    def build(self, query_shape, values_shape, source_mask_shape=None):
        self.query_kernel = self.add_weight(
            shape=(query_shape[-1], self.units), name="query_kernel"
        )
        self.key_kernel = self.add_weight(shape=(values_shape[-1], self.units), name="key_kernel")
        self.v = self.add_weight(shape=(self.units,), name="v")

    def scores(self, query, values):
        """e (batch, T_q, T_v) for queries (batch, T_q, d_s) and values (batch, T_v, d_a)."""
        q = ops.expand_dims(ops.matmul(query, self.query_kernel), 2)  # (batch, T_q, 1, units)
        k = ops.expand_dims(ops.matmul(values, self.key_kernel), 1)  # (batch, 1, T_v, units)
        # activate: float64 stays float64 on JAX too (see rnn_utils.layers._cell_base)
        return ops.sum(self.v * activate(keras.activations.tanh, q + k), axis=-1)

    def get_config(self):
        return {**super().get_config(), "units": self.units}


@SERIALIZABLE
class LuongAttention(_Attention):
    """Luong's multiplicative attention: e<t,t'> = sᵀ a<t'> or sᵀ W a<t'>, s the query.

    Args:
        score: ``"dot"`` (no weights; d_s must equal d_a) or ``"general"`` (a ``kernel``
            (d_s, d_a) = W, so the sizes may differ).

    Example:
    >>> import numpy as np
    >>> attention = LuongAttention("general")
    >>> _, weights = attention(np.ones((2, 3, 4), "float32"), np.ones((2, 5, 6), "float32"))
    >>> tuple(weights.shape)
    (2, 3, 5)
    """

    def __init__(self, score="dot", **kwargs):
        super().__init__(**kwargs)
        if score not in ("dot", "general"):
            raise ValueError(f'score must be "dot" or "general", got {score!r}.')
        self.score = score

    def build(self, query_shape, values_shape, source_mask_shape=None):
        if self.score == "general":
            self.kernel = self.add_weight(shape=(query_shape[-1], values_shape[-1]), name="kernel")
        elif query_shape[-1] != values_shape[-1]:
            raise ValueError(
                f'score="dot" needs queries and values of the same size, got {query_shape[-1]} '
                f'and {values_shape[-1]}; use score="general".'
            )

    def scores(self, query, values):
        """e (batch, T_q, T_v) for queries (batch, T_q, d_s) and values (batch, T_v, d_a)."""
        if self.score == "general":
            query = ops.matmul(query, self.kernel)
        return ops.matmul(query, ops.transpose(values, (0, 2, 1)))

    def get_config(self):
        return {**super().get_config(), "score": self.score}
