"""Checks of notebook 05's exercises: the LSTM step, the cell forward and backward, truncated BPTT.

Each check builds its own inputs (m = 3 examples, n_x = 2, n_a = 5, n_y = 4: every size differs,
so a transposed weight or a wrong axis shows; a<t-1> and c<t-1> are not zero), calls your
function and compares it with the course's NumPy LSTM in :mod:`rnn_utils.scratch`. When your
answer differs, the check recomputes the usual mistakes (the forget and update gates swapped,
tanh where sigmoid belongs, c<t> built from a<t-1>, dc_next left out of the cell gradient, the
state not carried between chunks, ...) and names the one your answer matches.
"""

from __future__ import annotations

import numpy as np

from rnn_utils import scratch
from rnn_utils.exercises import ExerciseError, call, expect_close, expect_shape, passed
from rnn_utils.scratch.lstm import lstm_gate_gradients

M, N_X, N_A, N_Y = 3, 2, 5, 4
CHUNK, N_CHUNKS, RESTART = 6, 7, 4  # the stream of exercise 4: 42 steps, restarting at chunk 4
GATES = {"f": "Γ_f", "u": "Γ_u", "c": "c̃<t>", "o": "Γ_o"}
WEIGHT_HINT = "each W has shape (n_a, n_a + n_x) and acts on [a<t-1>, x<t>]: joined @ W.T"
CACHE_KEYS = ("concat", "c_prev", "gate_f", "gate_u", "c_tilde", "gate_o", "tanh_c", "a_next")
GATE_GRAD_KEYS = ("dc", "dz_o", "dz_u", "dz_c", "dz_f")
BACKWARD_KEYS = ("Wf", "bf", "Wu", "bu", "Wc", "bc", "Wo", "bo", "a_prev", "xt", "c_prev")


# --------------------------------------------------------------------------- shared helpers


def _step_inputs(seed):
    """x<t>, a<t-1>, c<t-1> (both non-zero) and LSTM parameters with non-zero biases."""
    rng = np.random.default_rng(seed)
    params = scratch.init_params("lstm", N_X, N_A, N_Y, seed=seed)
    params |= {"b" + g: rng.normal(size=N_A) for g in "fuco"}
    params["by"] = rng.normal(size=N_Y)
    xt = rng.normal(size=(M, N_X))
    a_prev, c_prev = rng.uniform(-1, 1, size=(2, M, N_A))
    return xt, a_prev, c_prev, params


def _unpack(result, names, function):
    """The values a function returns, checked to be ``len(names)`` of them."""
    if not isinstance(result, tuple | list) or len(result) != len(names):
        got = f"{len(result)} values" if isinstance(result, tuple | list) else repr(type(result))
        raise ExerciseError(
            f"{function} should return {len(names)} values ({', '.join(names)}); got {got}"
        )
    return result


def _as_dict(result, keys, function):
    """The dict a function returns, checked to hold every key of ``keys``."""
    if not isinstance(result, dict):
        raise ExerciseError(f"{function} should return a dict with the keys {list(keys)}")
    missing = [key for key in keys if key not in result]
    if missing:
        raise ExerciseError(f"{function}'s dict is missing {missing} (expected keys {list(keys)})")
    return result


def _differing(mistakes, expected):
    """The mistakes whose value differs from the right one (the others cannot be told apart)."""
    return [(text, value) for text, value in mistakes if np.max(np.abs(value - expected)) > 1e-8]


# --------------------------------------------------------------------------- exercises 1 and 2


def _step_with(xt, a_prev, c_prev, p, wrong=None, squash_c=True):
    """(a<t>, c<t>) from the four equations, the activation of gate ``wrong`` swapped (sigmoid
    for tanh, tanh for sigmoid) or the tanh of c<t> left out: the value of a mistake."""
    activation = {"f": scratch.sigmoid, "u": scratch.sigmoid, "c": np.tanh, "o": scratch.sigmoid}
    if wrong is not None:
        activation[wrong] = scratch.sigmoid if wrong == "c" else np.tanh
    joined = np.concatenate([a_prev, xt], axis=1)
    gate = {g: activation[g](joined @ p["W" + g].T + p["b" + g]) for g in "fuco"}
    c_next = gate["u"] * gate["c"] + gate["f"] * c_prev
    return gate["o"] * (np.tanh(c_next) if squash_c else c_next), c_next


def _step_mistakes(xt, a_prev, c_prev, p):
    """[(mistake, (a<t>, c<t>)), ...]: the course's step on altered inputs, or the equations."""

    def course(a_, c_, p_):
        return scratch.lstm_cell_forward(xt, a_, c_, p_)[:2]

    def changed(**change):
        return _step_with(xt, a_prev, c_prev, p, **change)

    swapped = p | {"Wf": p["Wu"], "bf": p["bu"], "Wu": p["Wf"], "bu": p["bf"]}
    # [x, a] @ W.T is [a, x] @ W'.T, W' being W with its x-columns moved to the end
    x_first = p | {"W" + g: np.roll(p["W" + g], -N_X, axis=1) for g in "fuco"}
    return [
        ("the forget and update gates are swapped", course(a_prev, c_prev, swapped)),
        ("c<t> is computed with a<t-1> instead of c<t-1>", course(a_prev, a_prev, p)),
        (
            "the input is joined as [x<t>, a<t-1>], not [a<t-1>, x<t>]",
            course(a_prev, c_prev, x_first),
        ),
        *((f"tanh is used where sigmoid belongs in {GATES[g]}", changed(wrong=g)) for g in "fuo"),
        ("sigmoid is used where tanh belongs in c̃<t>", changed(wrong="c")),
        ("a<t> = Γ_o * c<t>: the tanh of the new cell is missing", changed(squash_c=False)),
    ]


def _expect_step(a_next, c_next, xt, a_prev, c_prev, p):
    a_ref, c_ref, _, _ = scratch.lstm_cell_forward(xt, a_prev, c_prev, p)
    mistakes = _step_mistakes(xt, a_prev, c_prev, p)
    expect_shape(c_next, (M, N_A), "c<t>", "(m, n_a)")
    expect_close(c_next, c_ref, "c<t>", _differing([(d, c) for d, (_, c) in mistakes], c_ref))
    expect_shape(a_next, (M, N_A), "a<t>", "(m, n_a)")
    expect_close(a_next, a_ref, "a<t>", _differing([(d, a) for d, (a, _) in mistakes], a_ref))


def check_my_lstm_step(fn):
    """``my_lstm_step(xt, a_prev, c_prev, p)`` returns the a<t> and c<t> of the course's step."""
    xt, a_prev, c_prev, p = _step_inputs(seed=1)
    result = call(fn, xt, a_prev, c_prev, p, hint=WEIGHT_HINT)
    a_next, c_next = _unpack(result, ("a<t>", "c<t>"), "my_lstm_step")
    _expect_step(a_next, c_next, xt, a_prev, c_prev, p)
    passed("a<t> and c<t> equal one step of the course's LSTM (scratch.lstm_cell_forward)")


def _softmax_over_batch(logits):
    e = np.exp(logits - logits.max(axis=0, keepdims=True))
    return e / e.sum(axis=0, keepdims=True)


def _expect_cache(cache, ref, xt, a_prev, c_prev):
    if not isinstance(cache, dict):
        raise ExerciseError(f"the cache should be a dict with the keys {[*CACHE_KEYS, 'params']}")
    missing = [key for key in (*CACHE_KEYS, "params") if key not in cache]
    if missing:
        raise ExerciseError(f"the cache is missing {missing}: the backward pass reads them")
    c_next = ref["gate_u"] * ref["c_tilde"] + ref["gate_f"] * c_prev
    mistakes = {
        "concat": [("it holds [x<t>, a<t-1>], not [a<t-1>, x<t>]", np.hstack([xt, a_prev]))],
        "gate_f": [("it holds Γ_u: the forget and update gates are swapped", ref["gate_u"])],
        "gate_u": [("it holds Γ_f: the forget and update gates are swapped", ref["gate_f"])],
        "c_tilde": [("it holds the new cell c<t>, not the candidate c̃<t>", c_next)],
        "tanh_c": [("it holds tanh(c<t-1>), not tanh(c<t>)", np.tanh(c_prev))],
    }
    for key in CACHE_KEYS:
        expect_close(cache[key], ref[key], f"cache[{key!r}]", mistakes.get(key, []))
    if not isinstance(cache["params"], dict) or "Wo" not in cache["params"]:
        raise ExerciseError("cache['params'] should be the parameter dict p (the backward reads W)")


def check_lstm_cell_forward(fn):
    """``lstm_cell_forward(xt, a_prev, c_prev, p)``: a<t>, c<t>, ŷ<t> and the cache, as the
    course's ``scratch.lstm_cell_forward`` returns them."""
    xt, a_prev, c_prev, p = _step_inputs(seed=2)
    hint = f"{WEIGHT_HINT}; W_y has shape (n_y, n_a): a_next @ W_y.T"
    result = call(fn, xt, a_prev, c_prev, p, hint=hint)
    a_next, c_next, yt_pred, cache = _unpack(
        result, ("a_next", "c_next", "yt_pred", "cache"), "lstm_cell_forward"
    )
    _expect_step(a_next, c_next, xt, a_prev, c_prev, p)
    a_ref, c_ref, y_ref, cache_ref = scratch.lstm_cell_forward(xt, a_prev, c_prev, p)

    def y_from(state):
        return scratch.softmax(state @ p["Wy"].T + p["by"])

    logits = a_ref @ p["Wy"].T + p["by"]
    expect_shape(yt_pred, (M, N_Y), "ŷ<t>", "(m, n_y)")
    mistakes = [
        ("the softmax runs over the batch (axis 0), not the classes", _softmax_over_batch(logits)),
        ("there is no softmax: these are the logits W_y a<t> + b_y", logits),
        ("ŷ<t> is computed from c<t> instead of a<t>", y_from(c_ref)),
        ("ŷ<t> is computed from a<t-1> instead of a<t>", y_from(a_prev)),
    ]
    expect_close(yt_pred, y_ref, "ŷ<t>", mistakes)
    _expect_cache(cache, cache_ref, xt, a_prev, c_prev)
    passed("a<t>, c<t>, ŷ<t> and every entry of the cache equal scratch.lstm_cell_forward's")


# --------------------------------------------------------------------------- exercise 3


def _backward_inputs(seed):
    """The course's cache of one step, and non-zero upstream gradients da_next, dc_next."""
    xt, a_prev, c_prev, p = _step_inputs(seed)
    cache = scratch.lstm_cell_forward(xt, a_prev, c_prev, p)[3]
    da_next, dc_next = np.random.default_rng(seed + 100).normal(size=(2, M, N_A))
    return da_next, dc_next, cache


def _gate_gradient_mistakes(da_next, dc_next, cache, dc):
    """{key: [(mistake, value), ...]} for each entry of the backward pass's part 1."""
    no_dc_next = lstm_gate_gradients(da_next, np.zeros_like(dc_next), cache)
    only_dc_next = lstm_gate_gradients(np.zeros_like(da_next), dc_next, cache)
    f, u, o, c_tilde = (cache[k] for k in ("gate_f", "gate_u", "gate_o", "c_tilde"))
    mistakes = {
        "dc": [("the path through a<t> misses tanh' = 1 - tanh(c<t>)²", dc_next + da_next * o)],
        "dz_o": [
            ("the output gate's gradient misses tanh(c<t>)", da_next * o * (1 - o)),
            ("σ' is written 1 - Γ_o² (tanh's derivative)", da_next * cache["tanh_c"] * (1 - o**2)),
        ],
        "dz_u": [("c<t-1> is used where c̃<t> belongs", dc * cache["c_prev"] * u * (1 - u))],
        "dz_c": [
            ("tanh' is written c̃ (1 - c̃) (sigmoid's derivative)", dc * u * c_tilde * (1 - c_tilde)),
            ("the factor Γ_u is missing", dc * (1 - c_tilde**2)),
        ],
        "dz_f": [("c̃<t> is used where c<t-1> belongs", dc * c_tilde * f * (1 - f))],
    }
    for key in ("dc", "dz_u", "dz_c", "dz_f"):  # the ones that go through dc
        mistakes[key] += [
            ("dc_next is not added to the cell gradient dc", no_dc_next[key]),
            ("dc_next is used where the total cell gradient dc belongs", only_dc_next[key]),
        ]
    return mistakes


def check_lstm_gate_gradients(fn):
    """Part 1: ``lstm_gate_gradients(da_next, dc_next, cache)`` returns the total dc and each
    gate's dz as ``scratch.lstm.lstm_gate_gradients`` does."""
    da_next, dc_next, cache = _backward_inputs(seed=3)
    hint = "read what you need from the cache: cache['gate_o'], cache['tanh_c'], ..."
    result = call(fn, da_next, dc_next, cache, hint=hint)
    mine = _as_dict(result, GATE_GRAD_KEYS, "lstm_gate_gradients")
    ref = lstm_gate_gradients(da_next, dc_next, cache)
    mistakes = _gate_gradient_mistakes(da_next, dc_next, cache, ref["dc"])
    for key in GATE_GRAD_KEYS:
        expect_shape(mine[key], (M, N_A), key, "(m, n_a)")
        expect_close(mine[key], ref[key], key, _differing(mistakes[key], ref[key]))
    passed("dc and the four gates' dz equal the course's (scratch.lstm.lstm_gate_gradients)")


def _part_one_is_wrong(gate_gradients, da_next, dc_next, cache):
    ref = lstm_gate_gradients(da_next, dc_next, cache)
    try:
        mine = gate_gradients(da_next, dc_next, cache)
        return not all(np.allclose(mine[key], ref[key], rtol=0, atol=1e-8) for key in ref)
    except Exception:  # not written yet, or it fails: its own check says why
        return True


def _expect_backward(mine, ref, da_next, dc_next, cache):
    gates, p = lstm_gate_gradients(da_next, dc_next, cache), cache["params"]
    for g in "fuco":
        expect_shape(mine["W" + g], (N_A, N_A + N_X), f"dW{g}", "(n_a, n_a + n_x)")
        expect_close(mine["W" + g], ref["W" + g], f"dW{g}")
        expect_shape(mine["b" + g], (N_A,), f"db{g}", "(n_a,): a sum over the batch")
        mean = gates["dz_" + g].mean(axis=0)
        expect_close(mine["b" + g], ref["b" + g], f"db{g}", [("db is a mean, not a sum", mean)])
    joined = sum(gates["dz_" + g] @ p["W" + g] for g in "fuco")
    x_first = {"a_prev": joined[:, N_X:], "xt": joined[:, :N_X]}  # read as if x<t> came first
    for key, columns in (("a_prev", slice(0, N_A)), ("xt", slice(N_A, None))):
        mistakes = [("d[a<t-1>, x<t>] is split as if x<t> came first", x_first[key])]
        for g in "fuco":
            without = joined - gates["dz_" + g] @ p["W" + g]
            mistakes.append((f"the term dz_{g} @ W{g} is missing", without[:, columns]))
        expect_close(mine[key], ref[key], "d" + key, mistakes)
    mistakes = [
        ("the factor Γ_f is missing (dc_prev = dc * Γ_f)", gates["dc"]),
        ("dc_next is used where the total cell gradient dc belongs", dc_next * cache["gate_f"]),
    ]
    expect_close(mine["c_prev"], ref["c_prev"], "dc_prev", mistakes)


def check_lstm_cell_backward(fn, gate_gradients):
    """Part 2: ``lstm_cell_backward(da_next, dc_next, cache)`` returns the gradients of the eight
    cell parameters and of x<t>, a<t-1>, c<t-1>, as ``scratch.lstm_cell_backward`` does.
    ``gate_gradients`` is your part 1, named when it is what makes part 2 wrong."""
    da_next, dc_next, cache = _backward_inputs(seed=4)
    hint = "dz_g.T @ cache['concat'] has the shape of W_g, (n_a, n_a + n_x)"
    result = call(fn, da_next, dc_next, cache, hint=hint)
    mine = _as_dict(result, BACKWARD_KEYS, "lstm_cell_backward")
    try:
        _expect_backward(
            mine, scratch.lstm_cell_backward(da_next, dc_next, cache), da_next, dc_next, cache
        )
    except ExerciseError as error:
        if _part_one_is_wrong(gate_gradients, da_next, dc_next, cache):
            raise ExerciseError(
                f"{error}. Your lstm_gate_gradients (part 1) is not right yet and part 2 builds "
                "on it: make its check pass first"
            ) from None
        raise
    passed("the gradients of W, b, x<t>, a<t-1> and c<t-1> equal scratch.lstm_cell_backward's")


# --------------------------------------------------------------------------- exercise 4


def _stream_inputs(seed):
    """Three rows of a stream, 42 steps each: inputs x (m, 42, n_x), targets y (m, 42)."""
    rng = np.random.default_rng(seed)
    params = scratch.init_params("lstm", N_X, N_A, N_Y, seed=seed)
    params |= {"b" + g: rng.normal(size=N_A) for g in "fuco"}
    x_rows = rng.normal(size=(M, CHUNK * N_CHUNKS, N_X))
    y_rows = rng.integers(0, N_Y, size=(M, CHUNK * N_CHUNKS))
    return x_rows, y_rows, params


def _flat(grads, keys):
    return np.concatenate([np.ravel(grads[key]) for key in keys])


def _chunks(stream, starts, length=CHUNK):
    """(losses, gradients flattened one row per chunk): the course's BPTT over each chunk,
    ``starts`` holding each chunk's first step and its initial state (a<0>, c<0>)."""
    x_rows, y_rows, params = stream
    losses, grads = [], []
    for start, (a0, c0) in starts:
        steps = slice(start, start + length)
        loss, g = scratch.lstm_loss_and_grads(x_rows[:, steps], y_rows[:, steps], a0, params, c0=c0)
        losses.append(loss)
        grads.append(_flat(g, sorted(params)))
    return np.array(losses), np.stack(grads)


def _from_one_pass(stream, restarts):
    """The right answer: chunk j starts from the state that one pass of scratch.lstm_forward
    over the stream (from the last restart) has reached after step j * CHUNK - 1, or from 0."""
    x_rows, _, params = stream
    zeros = np.zeros((M, N_A))
    firsts = [j for j in range(N_CHUNKS) if j == 0 or j in restarts]
    states = []
    for first, stop in zip(firsts, [*firsts[1:], N_CHUNKS], strict=True):
        a, _, c, _ = scratch.lstm_forward(x_rows[:, first * CHUNK : stop * CHUNK], zeros, params)
        ends = [(j - first) * CHUNK - 1 for j in range(first + 1, stop)]
        states += [(zeros, zeros)] + [(a[:, end], c[:, end]) for end in ends]
    return _chunks(stream, [(j * CHUNK, state) for j, state in enumerate(states)])


def _chunk_by_chunk(stream, length=CHUNK, carry_c=True):
    """A chunk loop with one thing changed (the length of a chunk, c<t> not carried)."""
    x_rows, _, params = stream
    a = c = zeros = np.zeros((M, N_A))
    starts = []
    for j in range(N_CHUNKS):
        a, c = (zeros, zeros) if j == RESTART else (a, c)
        starts.append((j * CHUNK, (a, c)))
        steps = slice(j * CHUNK, j * CHUNK + length)
        a_seq, _, c_seq, _ = scratch.lstm_forward(x_rows[:, steps], a, params, c0=c)
        a, c = a_seq[:, -1], (c_seq[:, -1] if carry_c else zeros)
    return _chunks(stream, starts, length)


def check_truncated_bptt(fn):
    """``truncated_bptt(x_rows, y_rows, chunk_len, params, restarts)`` returns one loss and one
    gradient dict per chunk: chunks in order, the state carried, reset where the stream restarts."""
    stream = x_rows, y_rows, params = _stream_inputs(seed=5)
    hint = "chunk j is x_rows[:, j * chunk_len:(j + 1) * chunk_len]"
    result = call(fn, x_rows, y_rows, CHUNK, params, (RESTART,), hint=hint)
    losses, grads = _unpack(result, ("losses", "grads"), "truncated_bptt")
    if not isinstance(grads, list | tuple) or not all(isinstance(g, dict) for g in grads):
        raise ExerciseError("grads should be a list with one gradient dict per chunk")
    if len(losses) != N_CHUNKS or len(grads) != N_CHUNKS:
        raise ExerciseError(
            f"expected one loss and one gradient dict per chunk, {N_CHUNKS} chunks of {CHUNK} "
            f"steps in {N_CHUNKS * CHUNK}; got {len(losses)} losses and {len(grads)} dicts: "
            "do the chunks overlap, or is one missing?"
        )
    missing = sorted({key for key in params for g in grads if key not in g})
    if missing:
        raise ExerciseError(f"the gradient dicts are missing {missing}")
    mistakes = [
        (
            "the state is not carried: each chunk starts from 0",
            _from_one_pass(stream, range(N_CHUNKS)),
        ),
        (
            f"the state is not reset where the stream restarts (chunk {RESTART})",
            _from_one_pass(stream, ()),
        ),
        (
            "only a<t> is carried: c<t> starts each chunk from 0",
            _chunk_by_chunk(stream, carry_c=False),
        ),
        (
            "each chunk takes chunk_len + 1 steps: the chunks overlap",
            _chunk_by_chunk(stream, CHUNK + 1),
        ),
    ]
    right_losses, right_grads = _from_one_pass(stream, (RESTART,))
    expect_close(losses, right_losses, "each chunk's loss", [(d, v[0]) for d, v in mistakes])
    mine = [_flat(g, sorted(params)) for g in grads]
    expect_close(mine, right_grads, "each chunk's gradient", [(d, v[1]) for d, v in mistakes])
    passed(
        f"{N_CHUNKS} chunks: losses and gradients equal the course's BPTT from the state of one "
        f"pass over the stream, reset at chunk {RESTART}"
    )
