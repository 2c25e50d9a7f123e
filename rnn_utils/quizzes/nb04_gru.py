"""Quiz of notebook 04: the GRU's gates, its two reset forms, and long-range memory."""

from __future__ import annotations

import numpy as np

from rnn_utils.quiz import Question, Quiz


def _gru_params(seed=0, n_x=2, n_a=4):
    """Full-GRU cell parameters in seed notation, with non-zero gate biases."""
    from rnn_utils.scratch import init_params
    from rnn_utils.scratch.core import CELL_KEYS

    p = init_params("gru", n_x, n_a, 2, seed=seed)
    rng = np.random.default_rng(seed + 1)
    return {**{k: p[k] for k in CELL_KEYS["gru"]}, "bu": rng.normal(size=n_a)}


def _keras_z_evidence():
    """Trace Keras's z in our GRU loaded with seed parameters; compare with the seed's gates."""
    import rnn_utils  # noqa: F401  (quiet TensorFlow before it loads)
    from rnn_utils.layers import GRU
    from rnn_utils.scratch.gru import gru_step
    from rnn_utils.scratch.gru_variants import keras_gru_weights

    params = _gru_params()
    x = np.random.default_rng(2).normal(size=(3, 1, 2))
    layer = GRU(4, reset_after=False, dtype="float64")
    layer.build(x.shape)
    layer.set_weights(keras_gru_weights(params, reset_after=False))
    z = layer.trace(x)["z"][:, 0]
    _, cache = gru_step(x[:, 0], np.zeros((3, 4)), params)
    candidates = {
        "a": cache["gate_u"],
        "b": 1 - cache["gate_u"],
        "c": cache["gate_r"],
        "d": 1 - cache["gate_r"],
    }
    return next((k for k, v in candidates.items() if np.allclose(z, v, atol=1e-12)), None)


def _remove_a_gate_evidence():
    """‖∂L<T>/∂a<t>‖ 50 steps back, relative to t = T, in the four situations of the options."""
    from rnn_utils.scratch import gru_state_gradient_norms

    n_a, T, open_, shut = 4, 60, 30.0, -30.0
    base = _gru_params(seed=3, n_a=n_a)
    base = {**base, "Wy": np.eye(3, n_a), "by": np.zeros(3)}

    def pinned(gate, bias):
        return {"W" + gate: np.zeros_like(base["W" + gate]), "b" + gate: np.full(n_a, bias)}

    scenarios = {  # option letter: (removed gate set to 1, the remaining gate's setting)
        "a": {**pinned("u", open_), **pinned("r", shut)},  # Alice, Γ_r ≈ 0
        "b": {**pinned("u", open_), **pinned("r", open_)},  # Alice, Γ_r ≈ 1
        "c": {**pinned("r", open_), **pinned("u", -8.0)},  # Betty, Γ_u ≈ 0
        "d": {**pinned("r", open_), **pinned("u", 8.0)},  # Betty, Γ_u ≈ 1
    }
    x = np.random.default_rng(0).normal(size=(2, T, 2))
    kept = []
    for letter, change in scenarios.items():
        norms = gru_state_gradient_norms(x, np.zeros((2, n_a)), {**base, **change})
        if norms[T - 1 - 50] / norms[-1] > 0.5:
            kept.append(letter)
    return kept[0] if len(kept) == 1 else None


def _reset_after_evidence():
    """Which NumPy form equals keras.layers.GRU(reset_after=True) with the same weights?"""
    from rnn_utils import import_keras_quietly
    from rnn_utils.scratch.gru import gru_step
    from rnn_utils.scratch.gru_variants import (
        gru_reset_after_step,
        keras_gru_weights,
        variant_forward,
    )

    keras = import_keras_quietly()
    params = {**_gru_params(), "bc_rec": np.zeros(4)}
    x = np.random.default_rng(4).normal(size=(2, 6, 2))
    layer = keras.layers.GRU(4, return_sequences=True, reset_after=True, dtype="float64")
    layer.build(x.shape)
    layer.set_weights(keras_gru_weights(params, reset_after=True))
    keras_states = np.asarray(layer(x))
    seed_params = {k: v for k, v in params.items() if k != "bc_rec"}
    forms = {
        "a": variant_forward(
            lambda xt, a, p: gru_step(xt, a, p)[0], x, np.zeros((2, 4)), seed_params
        ),
        "b": variant_forward(gru_reset_after_step, x, np.zeros((2, 4)), params),
    }
    return next((k for k, v in forms.items() if np.allclose(v, keras_states, atol=1e-10)), "c")


def _param_count_evidence():
    from rnn_utils import import_keras_quietly

    layer = import_keras_quietly().layers.GRU(20)
    layer.build((None, None, 10))
    return layer.count_params()


def _closed_update_evidence():
    """Run one simplified-GRU step with b_u = −30 and see what c<t> became."""
    from rnn_utils.scratch.gru_variants import simplified_gru_step

    rng = np.random.default_rng(5)
    params = {"Wu": rng.normal(size=(3, 5)), "bu": np.full(3, -30.0)}
    params |= {"Wc": rng.normal(size=(3, 5)), "bc": np.zeros(3)}
    x, c_prev = rng.normal(size=(4, 2)), rng.uniform(-1, 1, size=(4, 3))
    c_next = simplified_gru_step(x, c_prev, params)
    c_tilde = np.tanh(np.concatenate([c_prev, x], axis=1) @ params["Wc"].T)
    if np.allclose(c_next, c_prev, atol=1e-9):
        return "b"
    return "c" if np.allclose(c_next, c_tilde) else "a"


def _adding_baseline_evidence():
    """MSE of always predicting 1 on 20 000 adding-problem sequences."""
    from rnn_utils.datasets import adding_problem

    _, y = adding_problem(20_000, 10, seed=0)
    return float(np.mean((y - 1.0) ** 2))


def _forms_agree_evidence():
    """Compare the two reset forms with Γ_r free, with Γ_r pinned at 1, and with Γ_u pinned."""
    from rnn_utils.scratch.gru import gru_step
    from rnn_utils.scratch.gru_variants import gru_reset_after_step, variant_forward

    x, a0 = np.random.default_rng(6).normal(size=(2, 8, 2)), np.zeros((2, 4))
    n_a, free = 4, _gru_params(seed=7)
    reset_open = {**free, "Wr": np.zeros_like(free["Wr"]), "br": np.full(n_a, 60.0)}
    update_open = {**free, "Wu": np.zeros_like(free["Wu"]), "bu": np.full(n_a, 60.0)}

    def agree(p):
        before = variant_forward(lambda xt, a, q: gru_step(xt, a, q)[0], x, a0, p)
        after = variant_forward(gru_reset_after_step, x, a0, {**p, "bc_rec": np.zeros(n_a)})
        return bool(np.allclose(before, after, atol=1e-10))

    verdict = (agree(free), agree(reset_open), agree(update_open))
    return {(False, True, False): "c", (True, True, True): "b", (False, False, True): "d"}.get(
        verdict, "a"
    )


QUIZ = Quiz(
    "The gated recurrent unit",
    [
        Question(
            "keras_z",
            "Keras's `GRU` computes a gate $z$ and then "
            "$a^{\\langle t \\rangle} = z \\ast a^{\\langle t-1 \\rangle} + (1 - z) \\ast "
            "\\tilde{c}^{\\langle t \\rangle}$. In seed 003's notation, where $\\Gamma_u$ "
            "weights the candidate, $z$ is:",
            "single",
            key="789764dabdb1604ecab4",
            options=("$\\Gamma_u$", "$1 - \\Gamma_u$", "$\\Gamma_r$", "$1 - \\Gamma_r$"),
            explanation="Seed 003's Γ_u weights the candidate; Keras's z, like Cho et al.'s "
            "(2014), weights the old state, so z = 1 − Γ_u (and its weights are the negated Γ_u "
            "weights). Seed 001's z_t weights the candidate too: it is Γ_u, not Keras's z.",
            hint="Which term does each convention multiply by its gate: the old state or the "
            "candidate?",
            evidence=_keras_z_evidence,
            evidence_note="trace of our GRU loaded with seed parameters vs the NumPy gates",
        ),
        Question(
            "remove_a_gate",
            "Alice simplifies the GRU by removing $\\Gamma_u$ (fixing $\\Gamma_u = 1$); Betty "
            "removes $\\Gamma_r$ instead (fixing $\\Gamma_r = 1$). Whose model can still carry a "
            "gradient back over very long sequences, and why?",
            "single",
            key="65f3e5f99a7300f3f12d",
            options=(
                "Alice's: when $\\Gamma_r \\approx 0$ at a step, the gradient crosses that step "
                "almost unchanged.",
                "Alice's: when $\\Gamma_r \\approx 1$ at a step, the gradient crosses that step "
                "almost unchanged.",
                "Betty's: when $\\Gamma_u \\approx 0$ at a step, the gradient crosses that step "
                "almost unchanged.",
                "Betty's: when $\\Gamma_u \\approx 1$ at a step, the gradient crosses that step "
                "almost unchanged.",
            ),
            explanation="With Γ_u ≈ 0, c<t> ≈ c<t-1> and ∂c<t>/∂c<t-1> ≈ I. Without Γ_u, "
            "c<t> = c̃<t> always passes through W_c and tanh', like a vanilla RNN.",
            hint="Which gate puts the identity term (1 − Γ_u) into ∂c<t>/∂c<t-1>?",
            evidence=_remove_a_gate_evidence,
            evidence_note="relative ‖∂L<T>/∂a<t>‖ 50 steps back > 0.5 only in this situation",
        ),
        Question(
            "reset_after_form",
            "Keras's default `GRU(reset_after=True)` (also cuDNN's form) applies the reset gate "
            "$\\Gamma_r$ where?",
            "single",
            key="242ede4124623f5198a1",
            options=(
                "To $c^{\\langle t-1 \\rangle}$, before it is multiplied by the candidate's "
                "recurrent weights (the reset-before form, seed 003's).",
                "To the candidate's recurrent term $W_{cc} c^{\\langle t-1 \\rangle} + b'_c$, "
                "after the multiplication (the reset-after form: Cho et al. 2014, arXiv v1).",
                "To the candidate $\\tilde{c}^{\\langle t \\rangle}$, after the tanh.",
            ),
            explanation="Γ_r multiplies W_cc c<t-1> + b'_c: all three recurrent products can be "
            "computed in one matrix product before Γ_r is known, which is what cuDNN needs.",
            hint="Where does Γ_r (Keras's r) appear in the candidate c̃<t> when reset_after=True?",
            evidence=_reset_after_evidence,
            evidence_note="the NumPy form that equals keras.layers.GRU(reset_after=True)",
        ),
        Question(
            "param_count",
            "How many trainable parameters does `keras.layers.GRU(20)` (default "
            "`reset_after=True`) have on inputs with $n_x = 10$ features?",
            "numeric",
            key="2e35d06151a0a3c3b8cc",
            tolerance=0.5,
            explanation="3 blocks × n_a × (n_a + n_x + 2) = 3 · 20 · 32 = 1920: two bias rows.",
            hint="Three blocks (z, r, h), each with an (n_x × n_a) kernel, an (n_a × n_a) "
            "recurrent kernel and, with reset_after=True, two bias vectors.",
            evidence=_param_count_evidence,
            evidence_note="keras.layers.GRU(20) built on 10 features: count_params()",
        ),
        Question(
            "closed_update",
            "A unit's update gate is $\\Gamma_u \\approx 0$ at every step (say its bias $b_u$ "
            "is very negative). What does the unit's memory $c^{\\langle t \\rangle}$ do?",
            "single",
            key="d8fd9a1acb9f96e92e46",
            options=(
                "It is reset to 0 at every step.",
                "It keeps its previous value: $c^{\\langle t \\rangle} \\approx "
                "c^{\\langle t-1 \\rangle}$.",
                "It is replaced by the candidate $\\tilde{c}^{\\langle t \\rangle}$.",
                "It saturates at 1.",
            ),
            explanation="c<t> = Γ_u c̃<t> + (1 − Γ_u) c<t-1> ≈ c<t-1>: the unit stores a value "
            "for as long as the gate stays shut.",
            hint="Put Γ_u = 0 into c<t> = Γ_u * c̃<t> + (1 − Γ_u) * c<t-1>.",
            evidence=_closed_update_evidence,
            evidence_note="simplified_gru_step with b_u = −30",
        ),
        Question(
            "adding_baseline",
            "In the adding problem the target is the sum of two independent "
            "Uniform[0, 1) values. What mean squared error does a model get that ignores its "
            "input and always predicts 1?",
            "numeric",
            key="8ebc2e64cfb792fcb1ba",
            tolerance=0.01,
            explanation="The variance of the sum: 2 × 1/12 = 1/6 ≈ 0.167. A model has learned "
            "the task only when its MSE is far below this.",
            hint="The mean of the target is 1; the MSE of predicting the mean is the variance. "
            "A Uniform[0, 1) variable has variance 1/12.",
            evidence=_adding_baseline_evidence,
            evidence_note="MSE of predicting 1 on 20 000 sequences",
        ),
        Question(
            "forms_agree",
            "In which of these cases do the two GRU forms (reset before the matrix product; "
            "reset after it, with $b'_c = 0$) compute the same function?",
            "single",
            key="20a31894104b36dd2d69",
            options=(
                "Never.",
                "Always: $\\Gamma_r$ is an element-wise product, so it commutes with the "
                "matrix product.",
                "When $\\Gamma_r \\equiv 1$ (the simplified GRU), once the candidate's two "
                "biases are added into one.",
                "When $\\Gamma_u \\equiv 1$.",
            ),
            explanation="Γ_r ∗ v is diag(Γ_r) v, and diag(Γ_r) does not commute with W_cc in "
            "general; with Γ_r ≡ 1 there is nothing left to commute. More generally the forms "
            "agree whenever diag(Γ_r) commutes with W_cc, e.g. when all units share one reset "
            "value; on generic weights they differ.",
            hint="Is W (r ∗ a) equal to r ∗ (W a) for a random W and r?",
            evidence=_forms_agree_evidence,
            evidence_note="both forms on the same weights: Γ_r free / pinned at 1 / Γ_u pinned",
        ),
    ],
)
