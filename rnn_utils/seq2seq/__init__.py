"""Encoder–decoder building blocks for notebook 08: attention and decoding.

- :mod:`rnn_utils.seq2seq.attention`: additive (Bahdanau) and multiplicative (Luong) attention
  layers that return their weights;
- :mod:`rnn_utils.seq2seq.feeding`: input feeding, the decoder step that also reads the previous
  step's attentional vector;
- :mod:`rnn_utils.seq2seq.decoding`: greedy search and batched beam search over any decoder
  step function.
"""

from rnn_utils.seq2seq.attention import AdditiveAttention, LuongAttention, masked_softmax
from rnn_utils.seq2seq.decoding import DecodeResult, beam_search, greedy_search, normalised_score

__all__ = [
    "AdditiveAttention", "LuongAttention", "masked_softmax",
    "DecodeResult", "beam_search", "greedy_search", "normalised_score",
]  # fmt: skip
