"""Decoding an encoder–decoder: greedy search and batched beam search.

Taught in notebook 08. Both work on any decoder given as a *step function*

    step(tokens, states) -> (log_probs, new_states)

where ``tokens`` is an int array (n,) of the previous outputs y<t-1>, ``states`` a list of
arrays whose first axis is n (decoder states, encoder activations, masks: anything the step
reads), and ``log_probs`` an (n, V) array of log P(y<t> | y<1..t-1>, x). The search keeps many
source sequences in one batch (n = batch × beam rows), so the model runs once per output step,
never once per word.

A hypothesis ends when it emits ``eos``; after that it is frozen (its score no longer changes).
Beam search ranks live hypotheses by their summed log-probability and picks the final one by
the length-normalised score  log P(y | x) / len(y)^α  (α = ``length_penalty``; 0 turns
normalisation off), where len counts the tokens including ``eos``. One step of it, scoring the
candidates and keeping the best, is :func:`beam_step`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["DecodeResult", "beam_search", "beam_step", "greedy_search", "normalised_score"]


@dataclass
class DecodeResult:
    """Decoded sequences of a batch.

    Attributes:
        tokens: list (one per source sequence) of token lists, without ``bos`` and ``eos``.
        log_probs: (batch,) summed log-probability of each chosen sequence (``eos`` included).
        lengths: (batch,) number of scored tokens (``eos`` included when it was emitted).
        hypotheses: list (one per source sequence) of ``(tokens, log_prob)`` pairs, best
            first: every hypothesis beam search kept at its end (the chosen one first);
            greedy search has just its one. None when a search does not fill it in.
    """

    tokens: list
    log_probs: np.ndarray
    lengths: np.ndarray
    hypotheses: list | None = None


def normalised_score(log_prob, length, length_penalty):
    """log P / length^α, the score beam search uses to choose among finished hypotheses."""
    return np.asarray(log_prob) / np.maximum(np.asarray(length, dtype=float), 1.0) ** float(
        length_penalty
    )


def _check(batch_size, bos, eos, max_length, states):
    if not isinstance(max_length, int) or max_length < 1:
        raise ValueError(f"max_length must be a positive int, got {max_length!r}.")
    if bos == eos:
        raise ValueError(f"bos and eos must differ, got {bos} for both.")
    for i, s in enumerate(states):
        if np.shape(s)[0] != batch_size:
            raise ValueError(
                f"every state must have the batch size {batch_size} on its first axis; "
                f"state {i} has shape {np.shape(s)}."
            )


def _log_probs(step, tokens, states, n):
    log_probs, new_states = step(tokens, states)
    log_probs = np.asarray(log_probs, dtype=np.float64)
    if log_probs.ndim != 2 or log_probs.shape[0] != n:
        raise ValueError(f"step must return log_probs of shape ({n}, V), got {log_probs.shape}.")
    return log_probs, [np.asarray(s) for s in new_states]


def _strip(rows, eos):
    """Token lists without the final ``eos``."""
    return [row[: row.index(eos)] if eos in row else row for row in rows]


def greedy_search(step, states, batch_size, bos, eos, max_length):
    """Feed back the most likely token at every step, for a whole batch at once.

    Args:
        step: the decoder step function (see the module docstring).
        states: list of arrays with ``batch_size`` rows: the decoder's initial states.
        batch_size: number of source sequences.
        bos, eos: ids of the start and end tokens.
        max_length: most output tokens per sequence (``eos`` included).

    Returns:
        :class:`DecodeResult`.
    """
    _check(batch_size, bos, eos, max_length, states)
    tokens = np.full(batch_size, bos, dtype=np.int64)
    states = [np.asarray(s) for s in states]
    done = np.zeros(batch_size, bool)
    total = np.zeros(batch_size)
    lengths = np.zeros(batch_size, dtype=np.int64)
    rows = [[] for _ in range(batch_size)]
    for _ in range(max_length):
        log_probs, states = _log_probs(step, tokens, states, batch_size)
        tokens = np.argmax(log_probs, axis=-1)
        live = ~done
        total[live] += log_probs[live, tokens[live]]
        lengths[live] += 1
        for i in np.flatnonzero(live):
            rows[i].append(int(tokens[i]))
        done |= tokens == eos
        if done.all():
            break
    tokens = _strip(rows, eos)
    hypotheses = [[(row, float(score))] for row, score in zip(tokens, total, strict=True)]
    return DecodeResult(tokens, total, lengths, hypotheses)


def beam_step(scores, done, log_probs, eos, beam_width):
    """One step of beam search: extend every hypothesis by every token, keep the best.

    For each source sequence, candidate (j, w) is hypothesis j extended by token w, scored
    ``scores[j] + log_probs[j, w]``. A finished hypothesis has exactly one continuation, ``eos``
    again, at no cost, so its score is frozen. The ``beam_width`` best of all k × V candidates
    survive (over all hypotheses together, not the best of each), best first; ties go to the
    lower index j · V + w.

    Args:
        scores: (b, k) summed log-probabilities of the hypotheses (−inf for an empty slot).
        done: (b, k) bools, True for hypotheses that have emitted ``eos``.
        log_probs: (b, k, V) log P of the next token after each hypothesis.
        eos: id of the end token.
        beam_width: number of survivors per source sequence.

    Returns:
        ``(scores, parent, token)``, each (b, beam_width): the survivors' summed
        log-probabilities, the hypothesis each one extends and the token it adds.

    Example:
    >>> scores, done = np.array([[-1.0, -2.0]]), np.array([[False, True]])
    >>> log_probs = np.log(np.array([[[0.5, 0.3, 0.2], [0.1, 0.1, 0.8]]]))
    >>> new, parent, token = beam_step(scores, done, log_probs, eos=2, beam_width=2)
    >>> parent.tolist(), token.tolist(), np.round(new, 2).tolist()  # the finished one is kept
    ([[0, 1]], [[0, 2]], [[-1.69, -2.0]])
    """
    b, k, vocab = log_probs.shape
    frozen = np.full(vocab, -np.inf)
    frozen[eos] = 0.0
    log_probs = np.where(done[..., None], frozen, log_probs)
    candidates = (scores[..., None] + log_probs).reshape(b, k * vocab)
    best = np.argsort(-candidates, axis=-1, kind="stable")[:, :beam_width]
    return candidates[np.arange(b)[:, None], best], best // vocab, best % vocab


def beam_search(
    step, states, batch_size, bos, eos, max_length, beam_width=4, length_penalty=1.0, select=None
):
    """Batched beam search: keep the ``beam_width`` best prefixes of every source sequence.

    At each step every live prefix is extended by every token; the ``beam_width`` best of the
    beam_width × V candidates (by summed log-probability) survive, and the states follow their
    parents. Finished hypotheses (those that emitted ``eos``) stay in the beam with a frozen
    score. The result is the beam entry with the best :func:`normalised_score`. With
    ``beam_width=1`` this is exactly greedy search.

    Args:
        step, states, batch_size, bos, eos, max_length: as :func:`greedy_search`.
        beam_width: number of hypotheses kept per source sequence.
        length_penalty: α in log P / len^α (0: no normalisation).
        select: the function that keeps the survivors of one step, called like
            :func:`beam_step` (the default); notebook 08 passes the learner's own.

    Returns:
        :class:`DecodeResult`.
    """
    _check(batch_size, bos, eos, max_length, states)
    if not isinstance(beam_width, int) or beam_width < 1:
        raise ValueError(f"beam_width must be a positive int, got {beam_width!r}.")
    b, k = batch_size, beam_width
    select = beam_step if select is None else select
    # Every row of the batch is repeated k times: rows i*k .. i*k+k-1 are source sequence i.
    states = [np.repeat(np.asarray(s), k, axis=0) for s in states]
    tokens = np.full(b * k, bos, dtype=np.int64)
    scores = np.full((b, k), -np.inf)
    scores[:, 0] = 0.0  # one live hypothesis at the start, so the k copies do not tie
    lengths = np.zeros((b, k), dtype=np.int64)
    done = np.zeros((b, k), bool)
    history = np.zeros((b, k, 0), dtype=np.int64)
    for _ in range(max_length):
        log_probs, states = _log_probs(step, tokens, states, b * k)
        vocab = log_probs.shape[1]
        log_probs = log_probs.reshape(b, k, vocab)
        new_scores, parent, token = select(scores, done, log_probs, eos, k)
        parent, token = np.asarray(parent, dtype=np.int64), np.asarray(token, dtype=np.int64)
        rows = np.arange(b)[:, None]
        was_done = done[rows, parent]
        scores = np.asarray(new_scores, dtype=np.float64)
        lengths = lengths[rows, parent] + ~was_done
        done = was_done | (token == eos)
        history = np.concatenate([history[rows, parent], token[..., None]], axis=-1)
        flat_parent = (rows * k + parent).reshape(-1)
        states = [s[flat_parent] for s in states]
        tokens = token.reshape(-1)
        if done[np.isfinite(scores)].all():
            break
    final = np.where(
        np.isfinite(scores), normalised_score(scores, lengths, length_penalty), -np.inf
    )
    order = np.argsort(-final, axis=-1, kind="stable")  # best first; ties keep beam order
    hypotheses = [
        [
            (_strip([history[i, j][: lengths[i, j]].tolist()], eos)[0], float(scores[i, j]))
            for j in order[i]
            if np.isfinite(final[i, j])
        ]
        for i in range(b)
    ]
    rows, choice = np.arange(b), order[:, 0]
    chosen = [tokens for tokens, _ in (h[0] for h in hypotheses)]
    return DecodeResult(chosen, scores[rows, choice], lengths[rows, choice], hypotheses)
