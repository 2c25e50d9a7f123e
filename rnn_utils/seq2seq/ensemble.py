"""Several trained encoder–decoders decoded together, as one model.

At every output step each member computes P(y<t> | y<1..t-1>, x) from the same prefix, and the
ensemble uses their average, P̄ = (1/n) Σ_i P_i (so log P̄ = logsumexp_i log P_i − log n). The
members keep their own encoders, attention and decoder states. Averaging models trained
differently usually corrects some of each one's mistakes; the price is n times the decoding.
"""

import math

import numpy as np
from keras import ops

__all__ = ["Seq2SeqEnsemble"]


def _average_log_probs(log_probs, axis=0):
    return ops.logsumexp(log_probs, axis=axis) - math.log(log_probs.shape[axis])


class Seq2SeqEnsemble:
    """Trained :class:`~rnn_utils.seq2seq.model.Seq2Seq` models that decode as one.

    It offers what decoding and the notebooks use of a single model: calling it on
    ``(source, decoder input)`` (log P̄ as logits; with ``return_attention`` the members'
    average attention), :meth:`initial_decoder_states` and :meth:`step`.

    Args:
        members: two or more Seq2Seq models over the same vocabularies.
    """

    def __init__(self, members):
        members = list(members)
        if len(members) < 2:
            raise ValueError(f"an ensemble needs at least 2 members, got {len(members)}.")
        sizes = {(m.config["source_vocab_size"], m.config["target_vocab_size"]) for m in members}
        if len(sizes) != 1:
            raise ValueError(f"the members' vocabulary sizes differ: {sorted(sizes)}.")
        self.members = members

    def __call__(self, inputs, training=False, return_attention=False):
        outputs = [m(inputs, training=training, return_attention=True) for m in self.members]
        log_probs = ops.stack([ops.log_softmax(logits, axis=-1) for logits, _ in outputs])
        averaged = _average_log_probs(log_probs)
        if not return_attention:
            return averaged
        weights = [w for _, w in outputs]
        attention = None if any(w is None for w in weights) else ops.mean(ops.stack(weights), 0)
        return averaged, attention

    def initial_decoder_states(self, source):
        """The members' start states, one list after the other."""
        return [s for m in self.members for s in m.initial_decoder_states(source)]

    def step(self, tokens, states):
        """One decoder step of every member; returns (log P̄ (n, V), new states)."""
        log_probs, new_states, start = [], [], 0
        for member in self.members:
            count = member.step_state_count
            member_log_probs, member_states = member.step(tokens, states[start : start + count])
            log_probs.append(member_log_probs)
            new_states += member_states
            start += count
        averaged = _average_log_probs(ops.convert_to_tensor(np.stack(log_probs)))
        return ops.convert_to_numpy(averaged), new_states

    def count_params(self):
        return sum(m.count_params() for m in self.members)
