"""Right and planted wrong answers for notebook 05's checks (``rnn_utils.exercises.nb05_lstm``)."""

from __future__ import annotations

import numpy as np

from exercise_cases import Case, Planted
from rnn_utils import scratch
from rnn_utils.exercises import nb05_lstm as checks

sigmoid = scratch.sigmoid


# --------------------------------------------------------------------------- exercise 1: the step


def lstm_step(xt, a_prev, c_prev, p, gate_f=sigmoid, gate_u=sigmoid, gate_o=sigmoid,
              cand=np.tanh, swap=False, old=None, x_first=False, squash=True):  # fmt: skip
    """A learner's step, with switches for the usual mistakes."""
    joined = np.hstack([xt, a_prev] if x_first else [a_prev, xt])
    f = gate_f(joined @ p["Wf"].T + p["bf"])
    u = gate_u(joined @ p["Wu"].T + p["bu"])
    c_tilde = cand(joined @ p["Wc"].T + p["bc"])
    o = gate_o(joined @ p["Wo"].T + p["bo"])
    if swap:
        f, u = u, f
    c_next = u * c_tilde + f * (c_prev if old is None else old(a_prev, c_prev))
    a_next = o * np.tanh(c_next) if squash else o * c_next
    return a_next, c_next


def step_right(xt, a_prev, c_prev, p):
    return lstm_step(xt, a_prev, c_prev, p)


def step_answer(**mistake):
    return lambda xt, a_prev, c_prev, p: lstm_step(xt, a_prev, c_prev, p, **mistake)


def step_returns_transposed(xt, a_prev, c_prev, p):
    a_next, c_next = lstm_step(xt, a_prev, c_prev, p)
    return a_next.T, c_next


def step_w_untransposed(xt, a_prev, c_prev, p):
    joined = np.hstack([a_prev, xt])
    return p["Wf"] @ joined, c_prev


STEP = Case(
    checks.check_my_lstm_step,
    step_right,
    [
        Planted("forget and update swapped", step_answer(swap=True), "gates are swapped"),
        Planted("tanh in the forget gate", step_answer(gate_f=np.tanh), "tanh .* in Γ_f"),
        Planted("tanh in the output gate", step_answer(gate_o=np.tanh), "a<t> .* tanh .* in Γ_o"),
        Planted("sigmoid candidate", step_answer(cand=sigmoid), "sigmoid .* belongs in c̃<t>"),
        Planted("c from a_prev", step_answer(old=lambda a, c: a), "with a<t-1> instead of c<t-1>"),
        Planted("[x, a] order", step_answer(x_first=True), r"joined as \[x<t>, a<t-1>\]"),
        Planted("no tanh of c", step_answer(squash=False), "tanh of the new cell is missing"),
        Planted("a transposed", step_returns_transposed, r"\(m, n_a\) = \(3, 5\).*transposed"),
        Planted("W not transposed", step_w_untransposed, "ValueError.*joined @ W.T"),
    ],
)


# --------------------------------------------------------------------------- exercise 2: forward


def forward_right(xt, a_prev, c_prev, parameters):
    concat = np.concatenate([a_prev, xt], axis=1)
    ft = sigmoid(concat @ parameters["Wf"].T + parameters["bf"])
    it = sigmoid(concat @ parameters["Wu"].T + parameters["bu"])
    cct = np.tanh(concat @ parameters["Wc"].T + parameters["bc"])
    c_next = it * cct + ft * c_prev
    ot = sigmoid(concat @ parameters["Wo"].T + parameters["bo"])
    a_next = ot * np.tanh(c_next)
    logits = a_next @ parameters["Wy"].T + parameters["by"]
    yt_pred = np.exp(logits) / np.sum(np.exp(logits), axis=1, keepdims=True)
    cache = {"concat": concat, "c_prev": c_prev, "gate_f": ft, "gate_u": it, "c_tilde": cct}
    cache |= {"gate_o": ot, "tanh_c": np.tanh(c_next), "a_next": a_next, "params": parameters}
    return a_next, c_next, yt_pred, cache


def forward_changed(change):
    """The right forward with one of its outputs changed by ``change(outputs, inputs)``."""

    def answer(xt, a_prev, c_prev, p):
        outputs = list(forward_right(xt, a_prev, c_prev, p))
        change(outputs, (xt, a_prev, c_prev, p))
        return tuple(outputs)

    return answer


def softmax_axis0(outputs, inputs):
    logits = outputs[0] @ inputs[3]["Wy"].T + inputs[3]["by"]
    outputs[2] = np.exp(logits) / np.sum(np.exp(logits), axis=0)


def y_from_c(outputs, inputs):
    outputs[2] = scratch.softmax(outputs[1] @ inputs[3]["Wy"].T + inputs[3]["by"])


def cache_without(key):
    return lambda outputs, inputs: outputs[3].pop(key)


def cache_old_tanh(outputs, inputs):
    outputs[3]["tanh_c"] = np.tanh(inputs[2])


def cache_swapped(outputs, inputs):
    cache = outputs[3]
    cache["gate_f"], cache["gate_u"] = cache["gate_u"], cache["gate_f"]


def forward_without_cache(xt, a_prev, c_prev, p):
    return forward_right(xt, a_prev, c_prev, p)[:3]


def forward_swapped_gates(xt, a_prev, c_prev, p):
    swapped = p | {"Wf": p["Wu"], "bf": p["bu"], "Wu": p["Wf"], "bu": p["bf"]}
    return forward_right(xt, a_prev, c_prev, swapped)


FORWARD = Case(
    checks.check_lstm_cell_forward,
    forward_right,
    [
        Planted(
            "softmax over the batch", forward_changed(softmax_axis0), "softmax runs over the batch"
        ),
        Planted("y from c", forward_changed(y_from_c), "ŷ<t> .* from c<t> instead of a<t>"),
        Planted("gates swapped", forward_swapped_gates, "c<t> .* gates are swapped"),
        Planted(
            "tanh_c not stored", forward_changed(cache_without("tanh_c")), r"missing \['tanh_c'\]"
        ),
        Planted("old cell's tanh", forward_changed(cache_old_tanh), r"tanh_c.*tanh\(c<t-1>\)"),
        Planted("cache gates swapped", forward_changed(cache_swapped), "gate_f.*holds Γ_u"),
        Planted("no cache returned", forward_without_cache, "should return 4 values"),
    ],
)


# --------------------------------------------------------------------------- exercise 3: backward


def gate_gradients(da_next, dc_next, cache, add_dc_next=True, tanh_in_o=True, total_dc=True,
                   sigmoid_prime_for_tanh=False):  # fmt: skip
    """A learner's part 1, with switches for the usual mistakes."""
    f, u, o = cache["gate_f"], cache["gate_u"], cache["gate_o"]
    c_tilde, tanh_c = cache["c_tilde"], cache["tanh_c"]
    dc = da_next * o * (1 - tanh_c**2) + (dc_next if add_dc_next else 0)
    d_cell = dc if total_dc else dc_next
    tanh_prime = c_tilde * (1 - c_tilde) if sigmoid_prime_for_tanh else 1 - c_tilde**2
    return {
        "dc": dc,
        "dz_o": da_next * (tanh_c if tanh_in_o else 1) * o * (1 - o),
        "dz_u": d_cell * c_tilde * u * (1 - u),
        "dz_c": d_cell * u * tanh_prime,
        "dz_f": d_cell * cache["c_prev"] * f * (1 - f),
    }


def gates_answer(**mistake):
    return lambda da_next, dc_next, cache: gate_gradients(da_next, dc_next, cache, **mistake)


def gates_as_tuple(da_next, dc_next, cache):
    return tuple(gate_gradients(da_next, dc_next, cache).values())


GATE_GRADIENTS = Case(
    checks.check_lstm_gate_gradients,
    gate_gradients,
    [
        Planted("dc_next not added", gates_answer(add_dc_next=False), "dc .*dc_next is not added"),
        Planted(
            "no tanh(c) in dz_o", gates_answer(tanh_in_o=False), "dz_o .*misses tanh\\(c<t>\\)"
        ),
        Planted("dc_next for dc", gates_answer(total_dc=False), "dz_u .*dc_next is used where"),
        Planted(
            "sigmoid' for tanh'", gates_answer(sigmoid_prime_for_tanh=True), "dz_c .*sigmoid's"
        ),
        Planted("returns a tuple", gates_as_tuple, "should return a dict"),
    ],
)


def cell_backward(da_next, dc_next, cache, gates=gate_gradients, dc_prev_gate=True,
                  skip=None, mean_bias=False, x_first=False, transpose_w=False):  # fmt: skip
    """A learner's part 2 built on part 1, with switches for the usual mistakes."""
    grads_in = gates(da_next, dc_next, cache)
    p, concat = cache["params"], cache["concat"]
    grads, d_concat = {}, 0
    for g in "fuco":
        dz = grads_in["dz_" + g]
        grads["W" + g] = concat.T @ dz if transpose_w else dz.T @ concat
        grads["b" + g] = dz.mean(axis=0) if mean_bias else np.sum(dz, axis=0)
        if g != skip:
            d_concat = d_concat + dz @ p["W" + g]
    n_x = concat.shape[1] - da_next.shape[1]
    if x_first:  # as if the input had been joined [x<t>, a<t-1>]
        grads["xt"], grads["a_prev"] = d_concat[:, :n_x], d_concat[:, n_x:]
    else:
        grads["a_prev"], grads["xt"] = d_concat[:, :-n_x], d_concat[:, -n_x:]
    grads["c_prev"] = grads_in["dc"] * (cache["gate_f"] if dc_prev_gate else 1)
    return grads


def backward_answer(**mistake):
    return lambda da_next, dc_next, cache: cell_backward(da_next, dc_next, cache, **mistake)


BACKWARD = Case(
    checks.check_lstm_cell_backward,
    cell_backward,
    [
        Planted(
            "dc_prev without Γ_f", backward_answer(dc_prev_gate=False), "factor Γ_f is missing"
        ),
        Planted("Γ_o's term left out", backward_answer(skip="o"), "da_prev .*dz_o @ Wo is missing"),
        Planted("db averaged", backward_answer(mean_bias=True), "dbf .*a mean, not a sum"),
        Planted("dW transposed", backward_answer(transpose_w=True), "dWf .*looks transposed"),
        Planted(
            "a and x split reversed",
            backward_answer(x_first=True),
            "da_prev .*as if x<t> came first",
        ),
    ],
    args=(gate_gradients,),
)

# The same check when the learner's part 1 is wrong: part 2, built on it, is named as the cause.
# (Listed before BACKWARD, which is the case counted for this check's planted mistakes.)
PART_ONE_WRONG = Case(
    checks.check_lstm_cell_backward,
    cell_backward,
    [
        Planted(
            "part 1 wrong",
            backward_answer(gates=gates_answer(add_dc_next=False)),
            r"differs .*\. Your lstm_gate_gradients \(part 1\) is not right yet",
        )
    ],
    args=(gates_answer(add_dc_next=False),),
)


# --------------------------------------------------------------------------- exercise 4: TBPTT


def tbptt(x_rows, y_rows, chunk_len, params, restarts=(), carry=True, reset=True, carry_c=True,
          extra=0, stride=None):  # fmt: skip
    """A learner's chunk loop, with switches for the usual mistakes."""
    m, length, _ = x_rows.shape
    n_a = params["Wf"].shape[0]
    a, c = np.zeros((m, n_a)), np.zeros((m, n_a))
    losses, grads = [], []
    for j, start in enumerate(range(0, length, stride or chunk_len)):
        if (reset and j in restarts) or not carry:
            a, c = np.zeros((m, n_a)), np.zeros((m, n_a))
        x = x_rows[:, start : start + chunk_len + extra]
        y = y_rows[:, start : start + chunk_len + extra]
        loss, g = scratch.lstm_loss_and_grads(x, y, a, params, c0=c)
        losses.append(loss)
        grads.append(g)
        a_seq, _, c_seq, _ = scratch.lstm_forward(x, a, params, c0=c)
        a = a_seq[:, -1]
        c = c_seq[:, -1] if carry_c else np.zeros((m, n_a))
    return losses, grads


def tbptt_answer(**mistake):
    return lambda x, y, k, params, restarts=(): tbptt(x, y, k, params, restarts, **mistake)


def tbptt_summed(x_rows, y_rows, chunk_len, params, restarts=()):
    losses, grads = tbptt(x_rows, y_rows, chunk_len, params, restarts)
    return sum(losses), {key: sum(g[key] for g in grads) for key in grads[0]}


TBPTT = Case(
    checks.check_truncated_bptt,
    tbptt,
    [
        Planted("state not carried", tbptt_answer(carry=False), "loss .*not carried"),
        Planted(
            "state not reset",
            tbptt_answer(reset=False),
            "loss .*not reset where the stream restarts \\(chunk 4\\)",
        ),
        Planted("c not carried", tbptt_answer(carry_c=False), "only a<t> is carried"),
        Planted("chunks one step too long", tbptt_answer(extra=1), "the chunks overlap"),
        Planted("overlapping stride", tbptt_answer(stride=5), "9 losses .*do the chunks overlap"),
        Planted("summed gradients", tbptt_summed, "one gradient dict per chunk"),
    ],
)

CASES = [STEP, FORWARD, GATE_GRADIENTS, PART_ONE_WRONG, BACKWARD, TBPTT]
