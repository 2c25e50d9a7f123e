"""Right and planted wrong answers for notebook 03's exercise checks."""

from __future__ import annotations

import numpy as np

from exercise_cases import Case, Planted
from rnn_utils import scratch
from rnn_utils.exercises import nb03_bptt as checks

# --------------------------------------------------------------------------- one backward step


def cell_backward(da_next, cache, slope="a_next", waa_t=False, ba="sum", transpose_waa=False):
    p, a_next, a_prev = cache["params"], cache["a_next"], cache["a_prev"]
    if slope == "a_next":
        dz = da_next * (1 - a_next**2)
    elif slope == "linear":
        dz = da_next * (1 - a_next)
    else:
        dz = da_next * (1 - a_prev**2)
    dWaa = dz.T @ a_prev
    return {
        "xt": dz @ p["Wax"],
        "a_prev": dz @ (p["Waa"].T if waa_t else p["Waa"]),
        "Waa": dWaa.T if transpose_waa else dWaa,
        "Wax": dz.T @ cache["xt"],
        "ba": dz.sum(axis=0) if ba == "sum" else dz.sum(axis=1) if ba == "axis1" else dz.mean(0),
    }


def cell_backward_with_wax_transposed(da_next, cache):
    grads = cell_backward(da_next, cache)
    return grads | {"Wax": cache["xt"].T @ (da_next * (1 - cache["a_next"] ** 2))}


def cell_backward_missing_key(da_next, cache):
    grads = cell_backward(da_next, cache)
    del grads["Waa"]
    return grads


# --------------------------------------------------------------------------- dW_aa by hand


def waa_by_hand(x, y, mask, a0, p, carry=True, slope="a", first="a0", late=False, t_waa=False):
    a, y_hat, _ = scratch.rnn_forward(x, a0, p)
    m, T_x, n_y = y_hat.shape
    dlogits = (y_hat - np.eye(n_y)[y]) * mask[..., None] / m
    dWaa = np.zeros_like(p["Waa"])
    da_from_next = np.zeros_like(a0)
    for t in range(T_x - 1, -1, -1):
        da = dlogits[:, t] @ p["Wya"]
        if carry:
            da = da + da_from_next
        a_prev = a[:, t - 1] if t > 0 or first == "wrap" else (a0 if first == "a0" else 0 * a0)
        tanh_slope = 1 - a[:, t] ** 2 if slope == "a" else 1 - a_prev**2
        dz = da * tanh_slope
        used = a[:, t] if late else a_prev
        dWaa += (used.T @ dz) if t_waa else (dz.T @ used)
        da_from_next = dz @ p["Waa"]
    return dWaa


# --------------------------------------------------------------------------- all gradients


def loss_and_grads(x, y, a0, p, mask, use_mask=True, per_m=True, carry=True, slope="a"):
    a, y_hat, caches = scratch.rnn_forward(x, a0, p)
    m, T_x, n_y = y_hat.shape
    weights = mask if use_mask else np.ones_like(mask)
    scale = 1 / m if per_m else 1.0
    picked = np.take_along_axis(y_hat, y[..., None], axis=2)[..., 0]
    loss = -np.sum(weights * np.log(picked)) * scale
    dlogits = (y_hat - np.eye(n_y)[y]) * weights[..., None] * scale
    grads = {"Wya": np.zeros_like(p["Wya"]), "by": np.zeros_like(p["by"])}
    grads |= {key: np.zeros_like(p[key]) for key in ("Waa", "Wax", "ba")}
    da_next = np.zeros_like(a0)
    for t in reversed(range(T_x)):
        grads["Wya"] += dlogits[:, t].T @ a[:, t]
        grads["by"] += dlogits[:, t].sum(axis=0)
        da = dlogits[:, t] @ p["Wya"] + (da_next if carry else 0)
        if slope == "a_prev":  # the planted mistake: tanh' of the previous state
            da = da * (1 - caches[t]["a_prev"] ** 2) / (1 - a[:, t] ** 2)
        step = scratch.rnn_cell_backward(da, caches[t])
        for key in ("Waa", "Wax", "ba"):
            grads[key] += step[key]
        da_next = step["a_prev"]
    grads["a0"] = da_next
    return loss, grads


def loss_and_grads_wya_transposed(x, y, a0, p, mask):
    loss, grads = loss_and_grads(x, y, a0, p, mask)
    return loss, grads | {"Wya": grads["Wya"].T}


def loss_and_grads_mean_over_time(x, y, a0, p, mask):
    loss, grads = loss_and_grads(x, y, a0, p, mask)
    return loss / x.shape[1], grads


def grads_only(x, y, a0, p, mask):
    return loss_and_grads(x, y, a0, p, mask)[1]


# --------------------------------------------------------------------------- temperature


def apply_temperature(probs, temperature, mistake=None):
    if mistake == "logits":
        scaled = np.exp(probs / temperature)
        return scaled / scaled.sum()
    power = temperature if mistake == "multiply" else 1 / temperature
    scaled = probs**power
    return scaled if mistake == "no-renormalise" else scaled / scaled.sum()


def apply_temperature_in_log_space(probs, temperature):
    logits = np.log(probs) / temperature
    e = np.exp(logits - logits.max())
    return e / e.sum()


def sample_token(probs, rng, temperature=1.0, mistake=None):
    p = apply_temperature(probs, temperature, mistake)
    return int(rng.choice(len(p), p=p))


def sample_token_by_inverse_cdf(probs, rng, temperature=1.0):
    p = apply_temperature(probs, temperature)
    return int(np.searchsorted(np.cumsum(p), rng.random(), side="right").clip(0, len(p) - 1))


def sample_token_global_random(probs, rng, temperature=1.0):
    p = apply_temperature(probs, temperature)
    return int(np.random.default_rng().choice(len(p), p=p))


def sample_token_greedy(probs, rng, temperature=1.0):
    return int(np.argmax(apply_temperature(probs, temperature)))


def sample_token_array(probs, rng, temperature=1.0):
    p = apply_temperature(probs, temperature)
    return rng.choice(len(p), size=1, p=p)


# --------------------------------------------------------------------------- clipping


def clip_by_global_norm(grads, max_norm):
    norm = np.sqrt(sum(np.sum(g**2) for g in grads.values()))
    if norm <= max_norm:
        return {key: g.copy() for key, g in grads.items()}
    return {key: g * (max_norm / norm) for key, g in grads.items()}


def clip_each(grads, max_norm):
    out = {}
    for key, g in grads.items():
        norm = np.linalg.norm(g)
        out[key] = g * max_norm / norm if norm > max_norm else g
    return out


def clip_always(grads, max_norm):
    norm = np.sqrt(sum(np.sum(g**2) for g in grads.values()))
    return {key: g * max_norm / norm for key, g in grads.items()}


def clip_by_value(grads, max_norm):
    return {key: np.clip(g, -max_norm, max_norm) for key, g in grads.items()}


def clip_inverted(grads, max_norm):
    norm = np.sqrt(sum(np.sum(g**2) for g in grads.values()))
    return {key: g * (norm / max_norm if norm > max_norm else 1) for key, g in grads.items()}


def clip_in_place(grads, max_norm):
    norm = np.sqrt(sum(np.sum(g**2) for g in grads.values()))
    if norm > max_norm:
        for g in grads.values():
            g *= max_norm / norm
    return grads


def clip_sum_of_norms(grads, max_norm):
    norm = sum(np.linalg.norm(g) for g in grads.values())
    return {key: g * min(1, max_norm / norm) for key, g in grads.items()}


CASES = [
    Case(
        checks.check_rnn_cell_backward,
        cell_backward,
        [
            Planted(
                "tanh' as 1 - a", lambda d, c: cell_backward(d, c, slope="linear"), "1 - a<t> "
            ),
            Planted(
                "tanh' of a<t-1>", lambda d, c: cell_backward(d, c, slope="a_prev"), "from a<t-1>"
            ),
            Planted(
                "dW_aa transposed",
                lambda d, c: cell_backward(d, c, transpose_waa=True),
                "dW_aa is transposed",
            ),
            Planted(
                "dW_ax transposed", cell_backward_with_wax_transposed, r"dW_ax.*looks transposed"
            ),
            Planted(
                "db_a over axis 1",
                lambda d, c: cell_backward(d, c, ba="axis1"),
                "sum over the examples",
            ),
            Planted(
                "db_a averaged",
                lambda d, c: cell_backward(d, c, ba="mean"),
                "averaged over the examples",
            ),
            Planted(
                "W_aa transposed in da_prev",
                lambda d, c: cell_backward(d, c, waa_t=True),
                r"dz @ W_aa.T",
            ),
            Planted("a key missing", cell_backward_missing_key, "no key 'Waa'"),
        ],
    ),
    Case(
        checks.check_grad_waa_by_hand,
        waa_by_hand,
        [
            Planted("da not carried", lambda *a: waa_by_hand(*a, carry=False), "not carried back"),
            Planted("tanh' of a<t-1>", lambda *a: waa_by_hand(*a, slope="a_prev"), "from a<t-1>"),
            Planted("a<t> for a<t-1>", lambda *a: waa_by_hand(*a, late=True), "one step late"),
            Planted("a[:, -1] at t = 0", lambda *a: waa_by_hand(*a, first="wrap"), "wraps round"),
            Planted("zeros for a<0>", lambda *a: waa_by_hand(*a, first="zeros"), "taken as zeros"),
            Planted("transposed", lambda *a: waa_by_hand(*a, t_waa=True), "dW_aa is transposed"),
            Planted("no return", lambda *a: None, "forget a return"),
        ],
    ),
    Case(
        checks.check_rnn_loss_and_grads,
        loss_and_grads,
        [
            Planted(
                "mask ignored", lambda *a: loss_and_grads(*a, use_mask=False), "mask is ignored"
            ),
            Planted("no 1/m", lambda *a: loss_and_grads(*a, per_m=False), "not divided by m"),
            Planted("mean over time", loss_and_grads_mean_over_time, "averaged over time"),
            Planted(
                "da not carried", lambda *a: loss_and_grads(*a, carry=False), "not carried back"
            ),
            Planted(
                "tanh' of a<t-1>", lambda *a: loss_and_grads(*a, slope="a_prev"), "from a<t-1>"
            ),
            Planted("dW_ya transposed", loss_and_grads_wya_transposed, r"dW_ya.*looks transposed"),
            Planted("only the gradients returned", grads_only, r"pair \(loss, grads\)"),
        ],
    ),
    Case(
        checks.check_apply_temperature,
        apply_temperature_in_log_space,
        [
            Planted(
                "multiplied",
                lambda p, t: apply_temperature(p, t, "multiply"),
                "multiplies instead of divides",
            ),
            Planted(
                "not renormalised",
                lambda p, t: apply_temperature(p, t, "no-renormalise"),
                "not renormalised",
            ),
            Planted(
                "softmax of p", lambda p, t: apply_temperature(p, t, "logits"), "used as logits"
            ),
            Planted("temperature ignored", lambda p, t: p / p.sum(), "temperature is ignored"),
        ],
    ),
    Case(
        checks.check_sample_token,
        sample_token,
        [
            Planted(
                "multiplied",
                lambda p, r, t=1.0: sample_token(p, r, t, "multiply"),
                "multiplies instead of divides",
            ),
            Planted(
                "not renormalised",
                lambda p, r, t=1.0: sample_token(p, r, t, "no-renormalise"),
                "sum to 1",
            ),
            Planted(
                "temperature ignored",
                lambda p, r, t=1.0: sample_token(p, r),
                "temperature is ignored",
            ),
            Planted("greedy", sample_token_greedy, "greedy"),
            Planted("np.random", sample_token_global_random, "not with np.random"),
            Planted("an array", sample_token_array, "an int"),
        ],
    ),
    Case(
        checks.check_clip_by_global_norm,
        clip_by_global_norm,
        [
            Planted("each separately", clip_each, "its own norm"),
            Planted("clipped below the threshold", clip_always, "although their norm is below"),
            Planted("by value", clip_by_value, r"by value \(np.clip\)"),
            Planted("scale inverted", clip_inverted, "norm / max_norm instead"),
            Planted("in place", clip_in_place, "changed the arrays it was given"),
            Planted("sum of norms", clip_sum_of_norms, "adds the arrays' norms"),
        ],
    ),
]

# another right answer of each kind a learner may write: it must pass too
CASES += [
    Case(checks.check_sample_token, sample_token_by_inverse_cdf, CASES[4].planted),
    Case(checks.check_apply_temperature, apply_temperature, CASES[3].planted),
]
