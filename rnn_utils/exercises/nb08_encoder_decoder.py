"""Checks of notebook 08's exercises: dot and additive attention, greedy decoding, a beam step.

Each check builds its own inputs (every size different, padded source positions where a mask
matters), calls your function and compares it with the course's implementation in
:mod:`rnn_utils.seq2seq` (the attention layers, computed in float64, and ``greedy_search`` /
``beam_step``). The decoding checks drive a tiny deterministic decoder, :func:`toy_step`, so
they train nothing. When your answer differs, the check recomputes the usual mistakes (the
softmax over the wrong axis, the mask ignored, the same token fed at every step, ``<eos>``
kept, scores not summed, finished hypotheses extended, the best taken per hypothesis, ...) and
names the one your answer matches.
"""

from __future__ import annotations

import numpy as np

from rnn_utils.exercises import ExerciseError, call, expect_close, expect_shape, passed
from rnn_utils.seq2seq.attention import AdditiveAttention, LuongAttention
from rnn_utils.seq2seq.decoding import beam_step, greedy_search

T_Y, T_X, D = 4, 6, 5  # dot attention: decoder steps, source positions, state size
M, D_S, D_A, UNITS = 2, 5, 4, 3  # additive attention: batch, decoder and encoder sizes, units
SOURCES, WIDTH, V_BEAM, EOS_BEAM = 2, 3, 5, 4  # the beam step: sources, beam width, tokens
ROWS, VOCAB, HIDDEN, MAX_LENGTH, BOS, EOS = 4, 7, 5, 8, 0, 1  # the toy decoder
_TOY = np.random.default_rng(29)
_TOY_E, _TOY_W = _TOY.normal(size=(VOCAB, HIDDEN)), 0.8 * _TOY.normal(size=(HIDDEN, HIDDEN))
_TOY_R, _TOY_H0 = 1.5 * _TOY.normal(size=(HIDDEN, VOCAB)), _TOY.normal(size=(ROWS, HIDDEN))


def _softmax(scores, axis=-1):
    e = np.exp(scores - scores.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def _masked(scores, mask):
    """The scores with padded positions pushed to -1e9 (as the course's layers do)."""
    return np.where(mask, scores, scores - 1e9)


def _attention_mistakes(scores, values, mask, axis_name):
    """[(mistake, (context, weights)), ...] common to both scores, from the raw scores e."""
    wrong_axis = _softmax(_masked(scores, mask), axis=0)
    unmasked = _softmax(scores)
    zeroed = unmasked * mask
    return [
        (f"the softmax runs over the {axis_name}, not over the source positions", wrong_axis),
        ("the mask is ignored: padded positions get a weight", unmasked),
        ("the padded weights are zeroed after the softmax: the rest no longer sum to 1", zeroed),
    ]


def _expect_attention(result, expected, mistakes, shapes, function):
    if not isinstance(result, tuple | list) or len(result) != 2:
        raise ExerciseError(f"{function} should return two arrays: (context, weights)")
    context, weights = result
    expect_shape(weights, expected[1].shape, "the weight matrix", shapes[1])
    if np.any(np.isnan(np.asarray(weights, dtype=float))):
        raise ExerciseError(
            "the weights contain NaN: a softmax over the wrong axis divides 0 by 0 in a column "
            "of padded positions, or exp overflowed before the maximum was subtracted"
        )
    expect_close(weights, expected[1], "the weight matrix", mistakes)
    expect_shape(context, expected[0].shape, "the context", shapes[0])
    expect_close(context, expected[0], "the context")


# --------------------------------------------------------------------------- exercise 1


def check_dot_attention(fn):
    """``dot_attention(query, values, mask)`` for one word equals ``LuongAttention("dot")``."""
    rng = np.random.default_rng(1)
    query, values = rng.normal(size=(T_Y, D)), rng.normal(size=(T_X, D))
    mask = np.arange(T_X) < 4  # 4 letters and 2 padded positions
    hint = "query (T_y, d), values (T_x, d): the scores are query @ values.T, (T_y, T_x)"
    result = call(fn, query, values, mask, hint=hint)
    layer = LuongAttention("dot", dtype="float64")
    context, weights = layer(query[None], values[None], source_mask=mask[None])
    expected = np.asarray(context)[0], np.asarray(weights)[0]
    scores = query @ values.T
    scaled = _softmax(_masked(scores / np.sqrt(D), mask))
    mistakes = [
        *_attention_mistakes(scores, values, mask, "decoder steps (axis 0)"),
        ("the scores are divided by √d (the Transformer's scaling)", scaled),
    ]
    _expect_attention(result, expected, mistakes, ("(T_y, d)", "(T_y, T_x)"), "dot_attention")
    large = call(fn, 40 * query, 40 * values, mask, hint=hint)  # scores near ±2000
    if not np.all(np.isfinite(np.asarray(large[1], dtype=float))):
        raise ExerciseError(
            "with large scores (about ±2000) the weights overflow: subtract each row's maximum "
            "score before np.exp"
        )
    passed("context and weights equal LuongAttention('dot'), padded positions get weight 0")


# --------------------------------------------------------------------------- exercise 2


def _additive_scores(s, values, w_s, w_a, v, squash=np.tanh):
    hidden = squash((s @ w_s.T)[:, None, :] + values @ w_a.T)  # (m, T_x, units)
    return hidden @ v if v is not None else hidden.sum(axis=-1)


def check_additive_attention(fn):
    """``additive_attention(s, values, mask, W_s, W_a, v)`` for one decoder step of a batch
    equals the course's ``AdditiveAttention`` layer (float64) with the same weights."""
    rng = np.random.default_rng(2)
    s, values = rng.normal(size=(M, D_S)), rng.normal(size=(M, T_X, D_A))
    mask = np.arange(T_X)[None, :] < np.array([[T_X], [3]])  # the second word: 3 letters
    w_s, w_a, v = (
        rng.normal(size=(UNITS, D_S)),
        rng.normal(size=(UNITS, D_A)),
        rng.normal(size=UNITS),
    )
    hint = "W_s (units, d_s) and W_a (units, d_a) act like the course's W: s @ W_s.T"
    result = call(fn, s, values, mask, w_s, w_a, v, hint=hint)
    layer = AdditiveAttention(UNITS, dtype="float64")
    layer(s, values, source_mask=mask)  # builds the weights
    layer.set_weights([w_s.T, w_a.T, v])  # the layer stores W_sᵀ, W_aᵀ and v
    expected = tuple(np.asarray(x) for x in layer(s, values, source_mask=mask))
    scores = _additive_scores(s, values, w_s, w_a, v)
    mistakes = [
        *_attention_mistakes(scores, values, mask, "batch (axis 0)"),
        (
            "the tanh is missing from the score",
            _softmax(_masked(_additive_scores(s, values, w_s, w_a, v, lambda z: z), mask)),
        ),
        (
            "v is missing: the hidden layer is summed",
            _softmax(_masked(_additive_scores(s, values, w_s, w_a, None), mask)),
        ),
    ]
    shapes = ("(m, d_a)", "(m, T_x)")
    _expect_attention(result, expected, mistakes, shapes, "additive_attention")
    passed("context and weights equal the course's AdditiveAttention for one decoder step")


# --------------------------------------------------------------------------- exercise 3


def toy_step(tokens, states):
    """A tiny deterministic decoder, ``step(tokens, states) -> (log_probs, new_states)``.

    ``states`` is ``[hidden (n, 5), clock (n,)]``: hidden<t> = tanh(hidden<t-1> W + E[y<t-1>])
    (so the token fed matters), the log-probabilities of the 7 tokens read hidden<t>, and
    ``<eos>`` (id 1) grows more likely at every step, so the rows end at different steps;
    ``<bos>`` (id 0) is never predicted.
    """
    hidden, clock = states
    hidden = np.tanh(hidden @ _TOY_W + _TOY_E[np.asarray(tokens)])
    logits = hidden @ _TOY_R
    logits[:, EOS] += 0.9 * clock - 3.0
    logits[:, BOS] -= 30.0
    return logits - np.log(np.exp(logits).sum(axis=1, keepdims=True)), [hidden, clock + 1]


def toy_states():
    """The toy decoder's initial states for its 4 rows."""
    return [_TOY_H0.copy(), np.zeros(ROWS)]


def _padded(rows):
    table = np.full((len(rows), MAX_LENGTH + 1), -1.0)  # -1: no token
    for i, row in enumerate(rows):
        table[i, : len(row)] = row
    return table


def _greedy(step=toy_step, eos=EOS, max_length=MAX_LENGTH):
    return greedy_search(step, toy_states(), ROWS, BOS, eos, max_length)


def check_greedy_decode(fn):
    """``greedy_decode(step, states, batch_size, bos, eos, max_length)`` returns the tokens,
    summed log-probabilities and lengths of ``greedy_search`` on the toy decoder."""
    hint = "np.argmax(log_probs, axis=1) gives one token per row; step(tokens, states)"
    result = call(fn, toy_step, toy_states(), ROWS, BOS, EOS, MAX_LENGTH, hint=hint)
    if not all(hasattr(result, key) for key in ("tokens", "log_probs", "lengths")):
        raise ExerciseError("greedy_decode should return DecodeResult(tokens, log_probs, lengths)")
    if len(result.tokens) != ROWS or any(len(row) > MAX_LENGTH + 1 for row in result.tokens):
        raise ExerciseError(
            f"tokens should hold {ROWS} rows of at most max_length = {MAX_LENGTH} tokens; got "
            f"rows of {[len(row) for row in result.tokens]}"
        )
    expected = _greedy()
    ended = expected.lengths > np.array([len(row) for row in expected.tokens])
    no_stop = _greedy(eos=-1)  # an <eos> that never comes
    token_mistakes = [
        (
            "<eos> is kept at the end of the rows",
            [r + [EOS] * e for r, e in zip(expected.tokens, ended, strict=True)],
        ),
        ("the loop does not stop at <eos>: the row goes on after it", no_stop.tokens),
        (
            "the whole batch stops when its first row emits <eos>",
            _greedy(max_length=int(expected.lengths[ended].min())).tokens,
        ),
        (
            "the same token, <bos>, is fed at every step instead of the last prediction",
            _greedy(lambda t, s: toy_step(np.full_like(t, BOS), s)).tokens,
        ),
        (
            "the states are not updated: every step starts from the initial states",
            _greedy(lambda t, s: (toy_step(t, toy_states())[0], s)).tokens,
        ),
    ]
    mistakes = [(text, _padded(rows)) for text, rows in token_mistakes]
    expect_close(_padded(result.tokens), _padded(expected.tokens), "the token table", mistakes)
    mistakes = [
        ("finished rows keep adding log-probabilities after <eos>", no_stop.log_probs),
        (
            "the probabilities are multiplied: return the summed log-probabilities",
            np.exp(expected.log_probs),
        ),
    ]
    expect_close(result.log_probs, expected.log_probs, "log_probs", mistakes)
    mistakes = [("<eos> is not counted in the length", expected.lengths - ended)]
    expect_close(result.lengths, expected.lengths, "lengths", mistakes)
    passed("tokens, log-probabilities and lengths equal greedy_search's on a toy decoder")


# --------------------------------------------------------------------------- exercise 4


def _beam_inputs():
    """Two sources, three hypotheses each (the second of the first source finished), five tokens."""
    rng = np.random.default_rng(4)
    scores = np.array([[-1.0, -1.6, -2.9], [-0.7, -2.2, -2.5]])
    done = np.array([[False, True, False], [False, False, False]])
    log_probs = np.log(_softmax(1.5 * rng.normal(size=(SOURCES, WIDTH, V_BEAM))))
    return scores, done, log_probs


def _canonical(scores, parent, token):
    """The survivors sorted best first, ties by the candidate index parent · V + token."""
    scores, parent, token = (np.asarray(x, dtype=float) for x in (scores, parent, token))
    order = np.lexsort((parent * V_BEAM + token, -scores), axis=-1)
    return [np.take_along_axis(x, order, axis=-1) for x in (scores, parent, token)]


def _best_of_each(scores, done, log_probs):
    """The mistake of keeping each hypothesis's own best token (k greedy searches)."""
    frozen = np.where(
        done[..., None], np.where(np.arange(V_BEAM) == EOS_BEAM, 0.0, -np.inf), log_probs
    )
    token = frozen.argmax(axis=-1)
    parent = np.broadcast_to(np.arange(WIDTH), token.shape)
    return scores + frozen.max(axis=-1), parent, token


def check_beam_step(fn):
    """``beam_step(scores, done, log_probs, eos, beam_width)`` keeps the survivors that the
    course's ``rnn_utils.seq2seq.decoding.beam_step`` keeps (in any order)."""
    scores, done, log_probs = _beam_inputs()
    hint = "score every candidate: scores[..., None] + log_probs, shape (b, k, V)"
    result = call(fn, scores, done, log_probs, EOS_BEAM, WIDTH, hint=hint)
    if not isinstance(result, tuple | list) or len(result) != 3:
        raise ExerciseError("beam_step should return three arrays: (scores, parent, token)")
    for name, value in zip(("scores", "parent", "token"), result, strict=True):
        if np.ndim(value) == 2 and np.shape(value)[1] > WIDTH:
            raise ExerciseError(
                f"{name} keeps {np.shape(value)[1]} candidates per source: prune to the "
                f"beam_width = {WIDTH} best"
            )
        expect_shape(value, (SOURCES, WIDTH), name, "(b, beam_width)")
    mine = _canonical(*result)
    expected = _canonical(*beam_step(scores, done, log_probs, EOS_BEAM, WIDTH))
    flat = expected[1] * V_BEAM + expected[2]

    def course(scores_=scores, done_=done):
        return beam_step(scores_, done_, log_probs, EOS_BEAM, WIDTH)

    unsummed = "the scores are not summed: a candidate gets only this step's log-probability"
    extended = "a finished hypothesis is extended like a live one (it may only repeat <eos>, free)"
    per_beam = "each hypothesis keeps its own best token, not the best of all k × V candidates"
    swapped = "parent and token are read the wrong way round from the flat index j · V + w"
    wrong = {
        unsummed: course(scores_=np.zeros_like(scores)),
        extended: course(done_=np.zeros_like(done)),
        per_beam: _best_of_each(scores, done, log_probs),
        swapped: (expected[0], flat % V_BEAM, flat // V_BEAM),
    }
    wrong = {text: _canonical(*value) for text, value in wrong.items()}
    for index, name in enumerate(("scores", "parent", "token")):
        mistakes = [(text, value[index]) for text, value in wrong.items()]
        expect_close(mine[index], expected[index], name, mistakes)
    passed("the survivors' scores, parents and tokens equal those of the course's beam_step")
