"""Right and planted wrong answers for notebook 08's checks
(``rnn_utils.exercises.nb08_encoder_decoder``)."""

from __future__ import annotations

import numpy as np

from exercise_cases import Case, Planted
from rnn_utils.exercises import nb08_encoder_decoder as checks
from rnn_utils.seq2seq.decoding import DecodeResult

# --------------------------------------------------------------------------- exercise 1: dot


def softmax_rows(scores, axis=1, stable=True):
    shifted = scores - scores.max(axis=axis, keepdims=True) if stable else scores
    e = np.exp(shifted)
    return e / e.sum(axis=axis, keepdims=True)


def dot_attention(query, values, mask, axis=1, use_mask=True, zero_after=False, scale=1.0,
                  stable=True):  # fmt: skip
    """A learner's dot attention, with switches for the usual mistakes."""
    scores = query @ values.T / scale
    if use_mask and not zero_after:
        scores = np.where(mask, scores, -np.inf)
    weights = softmax_rows(scores, axis=axis, stable=stable)
    if zero_after:
        weights = weights * mask
    return weights @ values, weights


def dot_answer(**mistake):
    return lambda query, values, mask: dot_attention(query, values, mask, **mistake)


def dot_transposed_scores(query, values, mask):
    weights = softmax_rows(np.where(mask[:, None], values @ query.T, -np.inf), axis=0)
    return weights.T @ values, weights


DOT = Case(
    checks.check_dot_attention,
    dot_attention,
    [
        Planted("softmax over the decoder steps", dot_answer(axis=0), "NaN: a softmax over"),
        Planted("mask ignored", dot_answer(use_mask=False), "mask is ignored"),
        Planted("zeroed after the softmax", dot_answer(zero_after=True), "zeroed after"),
        Planted("scaled by √d", dot_answer(scale=np.sqrt(5)), "divided by √d"),
        Planted("no max subtracted", dot_answer(stable=False), "overflow: subtract"),
        Planted(
            "weights transposed", dot_transposed_scores, r"\(T_y, T_x\) = \(4, 6\).*transposed"
        ),
    ],
)


# --------------------------------------------------------------------------- exercise 2: additive


def additive_attention(s, values, mask, W_s, W_a, v, axis=-1, use_mask=True, squash=np.tanh):
    """A learner's additive attention for one decoder step, with switches for the mistakes."""
    hidden = squash(np.einsum("md,ud->mu", s, W_s)[:, None, :] + values @ W_a.T)
    e = hidden @ v
    if use_mask:
        e = np.where(mask, e, -1e9)
    e = e - e.max(axis=axis, keepdims=True)
    alpha = np.exp(e) / np.exp(e).sum(axis=axis, keepdims=True)
    context = np.einsum("mt,mtd->md", alpha, values)
    return context, alpha


def additive_answer(**mistake):
    return lambda *args: additive_attention(*args, **mistake)


def additive_untransposed(s, values, mask, W_s, W_a, v):
    return additive_attention(s, values, mask, W_s.T, W_a, v)


ADDITIVE = Case(
    checks.check_additive_attention,
    additive_attention,
    [
        Planted("softmax over the batch", additive_answer(axis=0), "softmax runs over the batch"),
        Planted("mask ignored", additive_answer(use_mask=False), "mask is ignored"),
        Planted("no tanh", additive_answer(squash=lambda z: z), "tanh is missing"),
        Planted("W_s not transposed", additive_untransposed, r"raised ValueError.*s @ W_s\.T"),
    ],
)


# --------------------------------------------------------------------------- exercise 3: greedy


def greedy_decode(step, states, batch_size, bos, eos, max_length, feed=None, update=True,
                  stop=True, keep_eos=False, whole_batch=False, count_eos=True):  # fmt: skip
    """A learner's greedy loop, with switches for the usual mistakes."""
    tokens = np.full(batch_size, bos)
    finished = np.zeros(batch_size, dtype=bool)
    log_probs = np.zeros(batch_size)
    lengths = np.zeros(batch_size, dtype=int)
    rows = [[] for _ in range(batch_size)]
    for _ in range(max_length):
        scores, new_states = step(tokens if feed is None else np.full(batch_size, feed), states)
        states = new_states if update else states
        tokens = scores.argmax(axis=1)
        for i in range(batch_size):
            if finished[i]:
                continue
            log_probs[i] += scores[i, tokens[i]]
            if tokens[i] == eos and stop:
                finished[i] = True
                lengths[i] += count_eos
                rows[i] += [eos] if keep_eos else []
            else:
                lengths[i] += 1
                rows[i].append(int(tokens[i]))
        if finished.all() or (whole_batch and finished.any()):
            break
    return DecodeResult(rows, log_probs, lengths)


def greedy_answer(**mistake):
    return lambda *args: greedy_decode(*args, **mistake)


def greedy_keeps_summing(step, states, batch_size, bos, eos, max_length):
    result = greedy_decode(step, states, batch_size, bos, eos, max_length)
    extra = greedy_decode(step, states, batch_size, bos, -1, max_length)  # never stops
    return DecodeResult(result.tokens, extra.log_probs, result.lengths)


def greedy_as_tuple(*args):
    result = greedy_decode(*args)
    return result.tokens, result.log_probs


GREEDY = Case(
    checks.check_greedy_decode,
    greedy_decode,
    [
        Planted("<bos> fed every step", greedy_answer(feed=0), "same token, <bos>, is fed"),
        Planted("states not updated", greedy_answer(update=False), "states are not updated"),
        Planted("no stop at <eos>", greedy_answer(stop=False), "does not stop at <eos>"),
        Planted("<eos> kept", greedy_answer(keep_eos=True), "<eos> is kept"),
        Planted("batch stops early", greedy_answer(whole_batch=True), "whole batch stops"),
        Planted("eos not counted", greedy_answer(count_eos=False), "not counted in the length"),
        Planted("sums after <eos>", greedy_keeps_summing, "keep adding log-probabilities"),
        Planted("a tuple", greedy_as_tuple, r"should return DecodeResult"),
    ],
)


# --------------------------------------------------------------------------- exercise 4: beam


def beam_step(scores, done, log_probs, eos, beam_width, summed=True, freeze=True,
              per_beam=False, prune=True):  # fmt: skip
    """A learner's beam step, with switches for the usual mistakes."""
    b, k, vocab = log_probs.shape
    if freeze:
        only_eos = np.full(vocab, -np.inf)
        only_eos[eos] = 0.0
        log_probs = np.where(done[:, :, None], only_eos, log_probs)
    total = (scores[:, :, None] if summed else 0.0) + log_probs
    if per_beam:
        token = total.argmax(axis=2)
        return total.max(axis=2), np.tile(np.arange(k), (b, 1)), token
    flat = total.reshape(b, k * vocab)
    order = np.argsort(flat, axis=1)[:, ::-1]
    keep = order[:, :beam_width] if prune else order
    return np.take_along_axis(flat, keep, axis=1), keep // vocab, keep % vocab


def beam_answer(**mistake):
    return lambda *args: beam_step(*args, **mistake)


def beam_unsorted_partition(scores, done, log_probs, eos, beam_width):
    # argpartition: the right survivors in no particular order (accepted)
    b, k, vocab = log_probs.shape
    only_eos = np.where(np.arange(vocab) == eos, 0.0, -np.inf)
    flat = (scores[..., None] + np.where(done[..., None], only_eos, log_probs)).reshape(b, -1)
    keep = np.argpartition(-flat, beam_width - 1, axis=1)[:, :beam_width][:, ::-1]
    return np.take_along_axis(flat, keep, axis=1), keep // vocab, keep % vocab


def beam_swapped(scores, done, log_probs, eos, beam_width):
    kept, parent, token = beam_step(scores, done, log_probs, eos, beam_width)
    flat = parent * log_probs.shape[2] + token
    return kept, flat % log_probs.shape[2], flat // log_probs.shape[2]


BEAM = Case(
    checks.check_beam_step,
    beam_answer(),
    [
        Planted("scores not summed", beam_answer(summed=False), "scores .*not summed"),
        Planted("finished extended", beam_answer(freeze=False), "finished hypothesis is extended"),
        Planted("top-1 per beam", beam_answer(per_beam=True), "its own best token"),
        Planted("not pruned", beam_answer(prune=False), "keeps 15 candidates .*prune"),
        Planted("parent/token swapped", beam_swapped, "parent .*wrong way round"),
    ],
)
# a right answer in another order passes too
BEAM_ANY_ORDER = Case(checks.check_beam_step, beam_unsorted_partition, BEAM.planted[:3])

CASES = [DOT, ADDITIVE, GREEDY, BEAM_ANY_ORDER, BEAM]
