"""Checks of notebook 03's exercises: BPTT by hand, sampling with a temperature, clipping.

Each ``check_*`` calls the learner's function on inputs of its own (all sizes different:
m = 3 sequences, n_x = 4, n_a = 5, n_y = 6, T_x = 7 steps; a non-zero a<0>, padded steps) and
compares the result with the course's code: :func:`rnn_utils.scratch.rnn_cell_backward`,
:func:`rnn_utils.scratch.rnn_loss_and_grads`, :mod:`rnn_utils.sampling` and
:func:`rnn_utils.scratch.gradcheck.clip_gradients_by_norm`. The usual mistakes are recomputed
(by :func:`_bptt` below, a BPTT whose known mistakes can be switched on) so that a wrong answer
is told which one it matches.
"""

from __future__ import annotations

import numpy as np

from rnn_utils import sampling, scratch
from rnn_utils.exercises import ExerciseError, call, expect_close, expect_shape, passed
from rnn_utils.scratch import rnn_cell_backward
from rnn_utils.scratch.gradcheck import clip_gradients, clip_gradients_by_norm

M, N_X, N_A, N_Y, T_X = 3, 4, 5, 6, 7
GRADIENTS = {  # key -> (name in the seed notation, shape, symbolic shape)
    "Waa": ("dW_aa", (N_A, N_A), "(n_a, n_a)"),
    "Wax": ("dW_ax", (N_A, N_X), "(n_a, n_x)"),
    "ba": ("db_a", (N_A,), "(n_a,)"),
    "Wya": ("dW_ya", (N_Y, N_A), "(n_y, n_a)"),
    "by": ("db_y", (N_Y,), "(n_y,)"),
    "a0": ("da<0>", (M, N_A), "(m, n_a)"),
    "xt": ("dx<t>", (M, N_X), "(m, n_x)"),
    "a_prev": ("da<t-1>", (M, N_A), "(m, n_a)"),
}


# --------------------------------------------------------------------------- shared inputs


def _params(seed):
    """Vanilla-RNN parameters with non-zero biases (so a bias that is ignored shows)."""
    rng = np.random.default_rng(seed)
    p = scratch.init_params("rnn", N_X, N_A, N_Y, seed=seed)
    return p | {"ba": 0.5 * rng.normal(size=N_A), "by": 0.5 * rng.normal(size=N_Y)}


def _sequence_case():
    """(x, y, mask, a0, p): 3 sequences of 7 steps; the second has 4 real steps, the third 6."""
    rng = np.random.default_rng(3)
    x = rng.normal(size=(M, T_X, N_X))
    y = rng.integers(0, N_Y, size=(M, T_X))
    mask = np.ones((M, T_X))
    mask[1, 4:], mask[2, 6:] = 0.0, 0.0
    a0 = rng.uniform(-0.8, 0.8, size=(M, N_A))
    return x, y, mask, a0, _params(4)


def _bptt(x, y, mask, a0, p, tanh_prime="1 - a<t>^2", carry=True, a_before="a<t-1>"):
    """Gradients of the masked loss, by a BPTT in which one known mistake can be switched on.

    With the defaults it is :func:`rnn_utils.scratch.rnn_loss_and_grads`. ``tanh_prime``:
    ``"1 - a<t>"`` or ``"1 - a<t-1>^2"``; ``carry=False``: δa<t> forgets what comes back from
    a<t+1>; ``a_before`` (what multiplies δz<t> in dW_aa): ``"a<t>"``, or at t = 1 ``"zeros"``
    or ``"a[:, -1]"`` (``a[:, t - 1]`` wrapping round to the last state).
    """
    a, y_hat, _ = scratch.rnn_forward(x, a0, p)
    dlogits = (y_hat - np.eye(N_Y)[y]) * mask[..., None] / len(x)
    grads = {"Wya": np.einsum("mty,mta->ya", dlogits, a), "by": dlogits.sum(axis=(0, 1))}
    grads |= {key: np.zeros_like(p[key]) for key in ("Waa", "Wax", "ba")}
    da_next = np.zeros_like(a0)  # what a<t+1> sends back to a<t>
    for t in reversed(range(T_X)):
        previous = a0 if t == 0 else a[:, t - 1]
        da = dlogits[:, t] @ p["Wya"] + (da_next if carry else 0.0)
        slope = {
            "1 - a<t>^2": 1.0 - a[:, t] ** 2,
            "1 - a<t>": 1.0 - a[:, t],
            "1 - a<t-1>^2": 1.0 - previous**2,
        }[tanh_prime]
        dz = da * slope
        if a_before == "a<t>":
            previous = a[:, t]
        elif t == 0 and a_before != "a<t-1>":
            previous = np.zeros_like(a0) if a_before == "zeros" else a[:, -1]
        grads["Waa"] += dz.T @ previous
        grads["Wax"] += dz.T @ x[:, t]
        grads["ba"] += dz.sum(axis=0)
        da_next = dz @ p["Waa"]
    return grads | {"a0": da_next}


TRANSPOSED = "dW_aa is transposed: a<t-1>ᵀ δz instead of δzᵀ a<t-1>"
SLOPE_LINEAR = "tanh' is written 1 - a<t> instead of 1 - (a<t>)²"
SLOPE_PREVIOUS = "tanh' is computed from a<t-1> instead of a<t>"
NOT_CARRIED = "the gradient from a<t+1> is not carried back (δa<t> keeps only its ŷ<t> term)"
LATE = "dW_aa multiplies δz<t> by a<t> instead of a<t-1> (one step late)"
ZEROS = "a<0> is taken as zeros at the first step instead of a0"
WRAPS = "a[:, t - 1] at t = 0 wraps round to the last state a[:, -1]: use a0 at the first step"


def _bptt_mistakes(case):
    """(description, gradients) for the usual mistakes of a hand-written BPTT loop."""
    return [
        (TRANSPOSED, {"Waa": _bptt(*case)["Waa"].T}),
        (SLOPE_LINEAR, _bptt(*case, tanh_prime="1 - a<t>")),
        (SLOPE_PREVIOUS, _bptt(*case, tanh_prime="1 - a<t-1>^2")),
        (NOT_CARRIED, _bptt(*case, carry=False)),
        (LATE, _bptt(*case, a_before="a<t>")),
        (ZEROS, _bptt(*case, a_before="zeros")),
        (WRAPS, _bptt(*case, a_before="a[:, -1]")),
    ]


def _expect_gradient(grads, key, expected, mistakes):
    """One entry of a dict of gradients: present, the right shape, the right values."""
    if not isinstance(grads, dict):
        raise ExerciseError(f"return a dict of gradients, got {type(grads).__name__}")
    if key not in grads:
        raise ExerciseError(f"your dict has no key {key!r} (keys: {sorted(grads)})")
    what, shape, symbolic = GRADIENTS[key]
    if len(shape) == 1 and np.shape(grads[key]) == (M,):
        raise ExerciseError(f"{what} has one entry per example: sum over the examples (axis 0)")
    mine = expect_shape(grads[key], shape, what, symbolic)
    relevant = [(d, wrong[key]) for d, wrong in mistakes if key in wrong]
    expect_close(mine, expected, what, relevant)


# --------------------------------------------------------------------------- BPTT


def check_rnn_cell_backward(fn):
    """One backward step: the gradients of a<t> = tanh(W_aa a<t-1> + W_ax x<t> + b_a)."""
    rng = np.random.default_rng(1)
    xt, a_prev = rng.normal(size=(M, N_X)), rng.uniform(-0.8, 0.8, size=(M, N_A))
    _, _, cache = scratch.rnn_cell_forward(xt, a_prev, _params(2))
    da_next = rng.normal(size=(M, N_A))
    mine = call(fn, da_next, cache, hint="dz has shape (m, n_a); dW_ax = dzᵀ x<t> is (n_a, n_x)")
    expected = scratch.rnn_cell_backward(da_next, cache)
    slope = 1.0 - cache["a_next"] ** 2  # the reference fed a da_next that makes its dz wrong:
    mistakes = [
        (SLOPE_LINEAR, da_next * (1.0 - cache["a_next"]) / slope),
        (SLOPE_PREVIOUS, da_next * (1.0 - a_prev**2) / slope),
        ("tanh' is left out (dz = da_next)", da_next / slope),
    ]
    mistakes = [(d, scratch.rnn_cell_backward(da, cache)) for d, da in mistakes]
    transposed = dict(cache, params=dict(cache["params"], Waa=cache["params"]["Waa"].T))
    mistakes += [
        (TRANSPOSED, {"Waa": expected["Waa"].T}),
        ("db_a is averaged over the examples instead of summed", {"ba": expected["ba"] / M}),
        ("da<t-1> is dz @ W_aa.T instead of dz @ W_aa", rnn_cell_backward(da_next, transposed)),
    ]
    for key in ("ba", "Waa", "Wax", "a_prev", "xt"):
        _expect_gradient(mine, key, expected[key], mistakes)
    passed("all five gradients of one step equal rnn_utils.scratch.rnn_cell_backward")


def check_grad_waa_by_hand(fn):
    """dL/dW_aa of the masked sequence loss, by a hand-written loop backwards in time."""
    case = _sequence_case()
    x, y, mask, a0, p = case
    mine = call(fn, *case, hint="loop t from T_x - 1 down to 0; dW_aa is (n_a, n_a)")
    expected = scratch.rnn_loss_and_grads(x, y, a0, p, mask=mask)[1]
    _expect_gradient({"Waa": mine}, "Waa", expected["Waa"], _bptt_mistakes(case))
    passed("your dW_aa equals the one of rnn_utils.scratch.rnn_loss_and_grads")


def check_rnn_loss_and_grads(fn):
    """The masked loss of a sequence and all its gradients, as scratch.rnn_loss_and_grads."""
    case = _sequence_case()
    x, y, mask, a0, p = case
    result = call(fn, x, y, a0, p, mask, hint="return (loss, grads) with grads a dict")
    if not isinstance(result, tuple) or len(result) != 2:
        raise ExerciseError("return a pair (loss, grads): the loss and a dict of gradients")
    loss, grads = result
    expected_loss, expected = scratch.rnn_loss_and_grads(x, y, a0, p, mask=mask)
    no_mask = scratch.rnn_loss_and_grads(x, y, a0, p)
    if np.size(loss) != 1:
        raise ExerciseError(f"the loss is one number, got an array of shape {np.shape(loss)}")
    loss_mistakes = [
        ("the mask is ignored (padded steps count in the loss)", no_mask[0]),
        ("the sum is not divided by m, the number of sequences", expected_loss * M),
        (
            "the loss is averaged over the real steps, not the sequences",
            expected_loss * M / mask.sum(),
        ),
        ("the loss is averaged over time too (divide by m only)", expected_loss / T_X),
    ]
    expect_close(np.ravel(loss)[0], expected_loss, "the loss", loss_mistakes)
    mistakes = _bptt_mistakes(case) + [
        ("the mask is ignored: padded steps send gradient back", no_mask[1]),
        ("the gradients are not divided by m", {k: g * M for k, g in expected.items()}),
    ]
    for key in ("by", "Wya", "ba", "Waa", "Wax", "a0"):
        _expect_gradient(grads, key, expected[key], mistakes)
    passed("the loss and all six gradients equal rnn_utils.scratch.rnn_loss_and_grads")


# --------------------------------------------------------------------------- sampling

PROBS = np.array([0.15, 0.4, 0.05, 0.3, 0.1])  # ŷ<t> over 5 tokens, not sorted
TEMPERATURES = (0.5, 1.0, 2.0)


MULTIPLIED = "the temperature multiplies instead of divides (p^τ instead of p^(1/τ))"
NOT_RENORMALISED = "the result is not renormalised (p^(1/τ) does not sum to 1)"
AS_LOGITS = "the probabilities are used as logits (softmax(p / τ) instead of softmax(log p / τ))"
IGNORED = "the temperature is ignored"


def _tempered(mistake, tau):
    """The distribution at temperature τ that ``mistake`` (None: no mistake) gives."""
    if mistake == MULTIPLIED:
        return sampling.apply_temperature(PROBS, 1.0 / tau)
    if mistake == NOT_RENORMALISED:
        return PROBS ** (1.0 / tau)
    if mistake == AS_LOGITS:
        return scratch.softmax(PROBS / tau)
    if mistake == IGNORED:
        return PROBS
    return sampling.apply_temperature(PROBS, tau)


def check_apply_temperature(fn):
    """p_i^(1/τ) / Σ_j p_j^(1/τ), as rnn_utils.sampling.apply_temperature, at τ = 0.5, 1, 2."""
    mine = []
    for tau in TEMPERATURES:
        out = call(fn, PROBS.copy(), tau, hint="probs is a 1-D vector (n_y,)")
        mine.append(expect_shape(out, PROBS.shape, f"apply_temperature(probs, {tau})", "(n_y,)"))
    mistakes = [
        (mistake, np.array([_tempered(mistake, tau) for tau in TEMPERATURES]))
        for mistake in (MULTIPLIED, NOT_RENORMALISED, AS_LOGITS, IGNORED)
    ]
    expect_close(
        np.array(mine),
        np.array([_tempered(None, tau) for tau in TEMPERATURES]),
        "the distribution at τ = 0.5, 1 and 2 (one row each)",
        mistakes,
    )
    passed("your distributions equal rnn_utils.sampling.apply_temperature at τ = 0.5, 1 and 2")


def _draws(fn, seed, n, tau):
    rng = np.random.default_rng(seed)
    hint = "rng.choice(n_y, p=...) needs probabilities that sum to 1"
    return [call(fn, PROBS.copy(), rng, tau, hint=hint) for _ in range(n)]


def check_sample_token(fn):
    """One token drawn with ``rng`` from the distribution at temperature τ (4000 draws)."""
    token = _draws(fn, 0, 1, 0.5)[0]
    if isinstance(token, bool) or not isinstance(token, int | np.integer):
        raise ExerciseError(f"return one token id, an int, got {type(token).__name__} {token!r}")
    if not 0 <= token < PROBS.size:
        raise ExerciseError(f"a token id is in [0, n_y) = [0, {PROBS.size}), got {token}")
    if _draws(fn, 1, 30, 0.5) != _draws(fn, 1, 30, 0.5):
        raise ExerciseError(
            "the same rng seed gave other tokens: draw with the rng you are given "
            "(rng.choice), not with np.random"
        )
    tau, n = 0.5, 4000
    frequencies = np.bincount(_draws(fn, 2, n, tau), minlength=PROBS.size) / n
    # (an unnormalised p^(1/τ) makes rng.choice fail: the hint of _draws names it)
    mistakes = [(mistake, _tempered(mistake, tau)) for mistake in (MULTIPLIED, AS_LOGITS, IGNORED)]
    greedy = np.eye(PROBS.size)[PROBS.argmax()]
    mistakes.append(("the most likely token is always chosen (greedy, not sampled)", greedy))
    expect_close(
        frequencies,
        sampling.apply_temperature(PROBS, tau),
        f"the frequency of each token in {n} draws at τ = {tau}",
        mistakes,
        atol=0.035,  # 4000 draws: each frequency is within 0.035 of its probability (> 4 sd)
        reference="the distribution at τ = 0.5 (rnn_utils.sampling.apply_temperature)",
    )
    passed("your tokens follow the distribution at τ = 0.5 and the rng you are given")


# --------------------------------------------------------------------------- clipping


def _gradients():
    """dW_aa large, the others small (each below 1 alone; the global norm is about 2.4)."""
    rng = np.random.default_rng(5)
    grads = {key: 0.1 * rng.normal(size=GRADIENTS[key][1]) for key in ("Wax", "ba", "Wya", "by")}
    return grads | {"Waa": 0.5 * rng.normal(size=(N_A, N_A))}


def _flat(grads):
    """Every array of a dict of gradients in one vector (keys in sorted order)."""
    return np.concatenate([np.ravel(grads[key]) for key in sorted(grads)])


def _clipped(fn, grads, max_norm):
    given = {key: g.copy() for key, g in grads.items()}
    out = call(fn, given, max_norm, hint="grads is a dict of arrays; return a new dict")
    if not all(np.array_equal(given[key], grads[key]) for key in grads):
        raise ExerciseError(
            "your function changed the arrays it was given (g *= scale works in place): "
            "return new arrays, g * scale"
        )
    if not isinstance(out, dict) or sorted(out) != sorted(grads):
        raise ExerciseError(
            f"return a dict with the keys {sorted(grads)}, got {type(out).__name__}"
        )
    for key in grads:
        expect_shape(out[key], grads[key].shape, f"the clipped {GRADIENTS[key][0]}")
    return _flat(out)


def check_clip_by_global_norm(fn):
    """All gradients rescaled together when their global norm is above max_norm, else kept."""
    grads = _gradients()
    norm, max_norm = float(np.linalg.norm(_flat(grads))), 1.0
    each_alone = {k: g * min(1.0, max_norm / np.linalg.norm(g)) for k, g in grads.items()}
    sum_of_norms = sum(float(np.linalg.norm(g)) for g in grads.values())
    flat, by_value = _flat(grads), _flat(clip_gradients(grads, max_norm))
    mistakes = [
        ("each gradient is clipped by its own norm instead of the global norm", _flat(each_alone)),
        ("the gradients are clipped by value (np.clip) instead of by norm", by_value),
        ("the scale is norm / max_norm instead of max_norm / norm", flat * norm / max_norm),
        (
            "the global norm adds the arrays' norms, not their squares",
            flat * max_norm / sum_of_norms,
        ),
        ("nothing is clipped", flat),
    ]
    expect_close(
        _clipped(fn, grads, max_norm),
        _flat(clip_gradients_by_norm(grads, max_norm)),
        f"the gradient clipped at max_norm = {max_norm} (its global norm is above it)",
        mistakes,
        reference="rnn_utils.scratch.gradcheck.clip_gradients_by_norm",
    )
    big = 5.0  # above the global norm, about 2.4: nothing may change
    expect_close(
        _clipped(fn, grads, big),
        _flat(grads),
        f"the gradient clipped at max_norm = {big} (its global norm is below it)",
        [("the gradients are rescaled although their norm is below max_norm", flat * big / norm)],
        reference="the gradients it was given",
    )
    passed("your clipping rescales all gradients together, and only when their norm is too large")
