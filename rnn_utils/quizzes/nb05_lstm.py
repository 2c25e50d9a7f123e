"""Quiz of notebook 05: the LSTM's gates, its cell as a gradient path, peepholes, truncated BPTT."""

from __future__ import annotations

import numpy as np

from rnn_utils.quiz import Question, Quiz


def _lstm_params(seed=0, n_x=2, n_a=4):
    """LSTM cell parameters in seed notation, with non-zero gate biases."""
    from rnn_utils.scratch import init_params
    from rnn_utils.scratch.core import CELL_KEYS

    p = init_params("lstm", n_x, n_a, 2, seed=seed)
    rng = np.random.default_rng(seed + 1)
    return {k: (rng.normal(size=n_a) if k.startswith("b") else p[k]) for k in CELL_KEYS["lstm"]}


def _gate_size_evidence():
    """Trace our LSTM(100) on one step of a one-hot word from a 10,000-word vocabulary."""
    import rnn_utils  # noqa: F401  (quiet TensorFlow before it loads)
    from rnn_utils.layers import LSTM

    x = np.zeros((1, 1, 10_000), dtype="float32")
    x[0, 0, 42] = 1.0
    size = LSTM(100).trace(x)["gamma_u"].shape[-1]
    return {1: "a", 100: "b", 300: "c", 10_000: "d"}.get(size)


def _gru_roles_evidence():
    """Which pair (weight on c̃<t>, weight on c<t-1>) rebuilds the GRU's update from its gates?"""
    from rnn_utils.scratch import init_params
    from rnn_utils.scratch.gru import gru_step

    rng = np.random.default_rng(2)
    params = {k: v for k, v in init_params("gru", 2, 4, 2, seed=2).items() if k[0] in "Wb"}
    params |= {"bu": rng.normal(size=4), "br": rng.normal(size=4)}
    x, c_prev = rng.normal(size=(3, 2)), rng.uniform(-1, 1, size=(3, 4))
    c_next, cache = gru_step(x, c_prev, params)
    u, r, c_tilde = cache["gate_u"], cache["gate_r"], cache["c_tilde"]
    pairs = {"a": (u, 1 - u), "b": (u, r), "c": (1 - u, u), "d": (r, u)}
    rebuilt = {k: gu * c_tilde + gf * c_prev for k, (gu, gf) in pairs.items()}
    return next(k for k, value in rebuilt.items() if np.allclose(value, c_next))


def _param_count_evidence():
    from rnn_utils import import_keras_quietly

    layer = import_keras_quietly().layers.LSTM(20)
    layer.build((None, None, 10))
    return layer.count_params()


def _cell_jacobian_evidence():
    """Central differences of c<T> with respect to c<t> when the recurrent weights are 0."""
    from rnn_utils.scratch.lstm import lstm_step

    n_a, T, t0 = 4, 12, 3
    params = _lstm_params(seed=4, n_a=n_a)
    for gate in "fuco":
        params["W" + gate][:, :n_a] = 0.0  # the columns acting on a<t-1>
    x = np.random.default_rng(5).normal(size=(1, T, 2))

    def run(c_start):
        a, c, gates = np.zeros((1, n_a)), c_start, []
        for t in range(t0, T):
            a, c, cache = lstm_step(x[:, t], a, c, params)
            gates.append(cache)
        return c, gates

    c_start = np.random.default_rng(6).uniform(-1, 1, size=(1, n_a))
    _, caches = run(c_start)
    eps, jac = 1e-6, np.zeros((n_a, n_a))
    for j in range(n_a):
        step = np.zeros((1, n_a))
        step[0, j] = eps
        jac[:, j] = ((run(c_start + step)[0] - run(c_start - step)[0]) / (2 * eps))[0]
    products = {
        "a": np.prod([c["gate_f"][0] for c in caches], axis=0),
        "b": np.prod([c["gate_u"][0] for c in caches], axis=0),
        "c": np.prod([1 - c["gate_f"][0] for c in caches], axis=0),
        "d": np.ones(n_a),
    }
    return next((k for k, v in products.items() if np.allclose(jac, np.diag(v), atol=1e-8)), None)


def _peephole_zero_evidence():
    """Our LSTM(peephole=True) with zero peepholes against keras.layers.LSTM, same weights."""
    from rnn_utils import import_keras_quietly
    from rnn_utils.layers import LSTM

    keras = import_keras_quietly()
    x = np.random.default_rng(7).normal(size=(2, 9, 3))
    plain = keras.layers.LSTM(4, return_sequences=True, dtype="float64")
    plain.build(x.shape)
    ours = LSTM(4, peephole=True, return_sequences=True, dtype="float64")
    ours.build(x.shape)
    ours.set_weights(plain.get_weights() + [np.zeros(4)] * 3)
    same = np.allclose(keras.ops.convert_to_numpy(ours(x)), plain(x), atol=1e-12)
    return "a" if same else None


def _truncation_evidence():
    """Gradient of chunk 2's last output (stateful LSTM) w.r.t. the inputs of chunks 1 and 2."""
    import keras

    from rnn_utils.autodiff import value_and_gradients
    from rnn_utils.layers import LSTM
    from rnn_utils.truncated_bptt import stream_lm

    chunk = 20
    model = stream_lm(LSTM, 4, 3, batch_size=1, stateful=True)
    rng = np.random.default_rng(8)
    x1, x2 = (rng.normal(size=(1, chunk, 3)).astype("float32") for _ in range(2))

    def last_output(x1, x2):
        with keras.StatelessScope():  # the carried state passes from call to call, unsaved
            model(x1)
            return model(x2)[0, -1, 0]

    _, grads = value_and_gradients(last_output, x1, x2)
    reached = [int(np.sum(np.abs(g[0]).sum(axis=-1) > 0)) for g in grads]
    return reached[0] + reached[1] - 1  # earlier steps whose input the gradient reaches


def _forget_bias_evidence():
    """Read the bias blocks of a fresh keras.layers.LSTM and its first forget gate."""
    from rnn_utils import import_keras_quietly

    keras = import_keras_quietly()
    layer = keras.layers.LSTM(4)
    layer.build((None, 1, 2))
    blocks = layer.get_weights()[2].reshape(4, 4)  # rows: i, f, c, o
    if np.allclose(blocks[1], 1.0) and np.allclose(blocks[[0, 2, 3]], 0.0):
        return "b"
    return None


QUIZ = Quiz(
    "Long short-term memory",
    [
        Question(
            "gate_size",
            "You train an LSTM language model on a 10,000-word vocabulary (one-hot inputs) "
            "with 100-dimensional activations $a^{\\langle t \\rangle}$. At each time step, "
            "how many numbers does the update gate $\\Gamma_u$ hold?",
            "single",
            key="5af3c2925a5e824c6fe4",
            options=("1", "100", "300", "10,000"),
            explanation="Γ_u has one entry per unit of the cell: n_a = 100. The vocabulary "
            "size sets n_x, the width of W_u, not the length of the gate.",
            hint="Γ_u multiplies c̃<t> element by element, and c̃<t> has the size of c<t>.",
            evidence=_gate_size_evidence,
            evidence_note="our LSTM(100) traced on one 10,000-wide one-hot step",
        ),
        Question(
            "gru_roles",
            "The GRU updates $c^{\\langle t \\rangle} = \\Gamma_u \\ast \\tilde{c}^{\\langle t "
            "\\rangle} + (1 - \\Gamma_u) \\ast c^{\\langle t-1 \\rangle}$, the LSTM "
            "$c^{\\langle t \\rangle} = \\Gamma_u \\ast \\tilde{c}^{\\langle t \\rangle} + "
            "\\Gamma_f \\ast c^{\\langle t-1 \\rangle}$. The LSTM's update gate and forget gate "
            "play the roles of which GRU quantities, in that order?",
            "single",
            key="36719eb414683d7be410",
            options=(
                "$\\Gamma_u$ and $1 - \\Gamma_u$",
                "$\\Gamma_u$ and $\\Gamma_r$",
                "$1 - \\Gamma_u$ and $\\Gamma_u$",
                "$\\Gamma_r$ and $\\Gamma_u$",
            ),
            explanation="The update gate weighs the candidate (Γ_u in both); the forget gate "
            "weighs the old cell, which the GRU weighs by 1 − Γ_u. The GRU ties the two, the "
            "LSTM lets them move separately.",
            hint="Match the term each gate multiplies: the candidate or the old cell.",
            evidence=_gru_roles_evidence,
            evidence_note="the pair of gate values that rebuilds a NumPy GRU step's c<t>",
        ),
        Question(
            "param_count",
            "How many trainable parameters does `keras.layers.LSTM(20)` have on inputs with "
            "$n_x = 10$ features?",
            "numeric",
            key="93b18536f64bdbb88372",
            tolerance=0.5,
            explanation="4 blocks × (n_a n_x + n_a² + n_a) = 4 × (200 + 400 + 20) = 2480.",
            hint="Four blocks (i, f, c, o), each with an (n_x × n_a) kernel, an (n_a × n_a) "
            "recurrent kernel and one bias vector.",
            evidence=_param_count_evidence,
            evidence_note="keras.layers.LSTM(20) built on 10 features: count_params()",
        ),
        Question(
            "cell_jacobian",
            "An LSTM without peepholes has all its recurrent weights (the columns acting on "
            "$a^{\\langle t-1 \\rangle}$) set to 0. What is "
            "$\\partial c^{\\langle T \\rangle} / \\partial c^{\\langle t \\rangle}$?",
            "single",
            key="6f8f785e4d7194d2b7da",
            options=(
                "$\\mathrm{diag}\\big(\\prod_{s=t+1}^{T} \\Gamma_f^{\\langle s \\rangle}\\big)$",
                "$\\mathrm{diag}\\big(\\prod_{s=t+1}^{T} \\Gamma_u^{\\langle s \\rangle}\\big)$",
                "$\\mathrm{diag}\\big(\\prod_{s=t+1}^{T} (1 - \\Gamma_f^{\\langle s \\rangle})"
                "\\big)$",
                "The identity matrix.",
            ),
            explanation="The gates then depend on x<t> only, so c<t> = Γ_f ∗ c<t-1> + "
            "(terms without c<t-1>): each step multiplies by diag(Γ_f). This direct path is the "
            "conveyor belt.",
            hint="Differentiate c<t> = Γ_u ∗ c̃<t> + Γ_f ∗ c<t-1> when nothing but the last "
            "term depends on c<t-1>.",
            evidence=_cell_jacobian_evidence,
            evidence_note="central differences of c<T> in NumPy against the gate products",
        ),
        Question(
            "peephole_zero",
            "`rnn_utils.layers.LSTM(peephole=True)` with all three peephole vectors equal to 0 "
            "computes:",
            "single",
            key="d156a09b9dcb57502506",
            options=(
                "exactly the standard LSTM (Keras's `LSTM`) with the same other weights;",
                "seed 003's variant, whose output gate reads $c^{\\langle t-1 \\rangle}$;",
                "a GRU.",
            ),
            explanation="Peepholes add p ∗ c terms to the gate pre-activations; with p = 0 "
            "those terms vanish and the gates read [a<t-1>, x<t>] as in the standard LSTM.",
            hint="Do peepholes replace a gate's input or add a term to it?",
            evidence=_peephole_zero_evidence,
            evidence_note="our peephole LSTM with p = 0 vs keras.layers.LSTM, same weights",
        ),
        Question(
            "seed_003_gate",
            "Seed 003 writes $\\Gamma_o = \\sigma(W_o[c^{\\langle t-1 \\rangle}, x^{\\langle t "
            "\\rangle}] + b_o)$. Which LSTM is that?",
            "single",
            key="afe93e8bf7ed742ed851",
            options=(
                "The standard LSTM, as in Keras.",
                "The peephole LSTM of Gers & Schmidhuber (2000).",
                "Neither: the old cell replaces $a^{\\langle t-1 \\rangle}$ through a full "
                "matrix, most likely a slip for $a^{\\langle t-1 \\rangle}$.",
            ),
            explanation="The standard output gate reads [a<t-1>, x<t>]; a peephole keeps that "
            "and adds a diagonal term p_o ∗ c<t> (the new cell). Reading c<t-1> in place of "
            "a<t-1> is therefore neither: a third function, which notebook 05 shows differs "
            "from the standard LSTM on the same weights.",
            hint="Compare what the gate reads: [a<t-1>, x<t>], [a<t-1>, x<t>] plus p ∗ c, or "
            "[c<t-1>, x<t>].",
        ),
        Question(
            "truncation",
            "A stateful LSTM is trained by truncated BPTT on chunks of $k = 20$ steps, its "
            "state carried from chunk to chunk. The loss at the last step of a chunk: over how "
            "many *earlier* steps does its gradient reach the inputs?",
            "numeric",
            key="ccbe79f9c59da08a401f",
            tolerance=0.5,
            explanation="19: the other steps of its own chunk. The carried state enters the "
            "chunk as a constant, so no gradient crosses the border, although the forward "
            "pass carries information from every earlier chunk.",
            hint="The gradient stops at the border of the chunk; count the steps before the "
            "last one inside it.",
            evidence=_truncation_evidence,
            evidence_note="autodiff across two chunks of our stateful LSTM",
        ),
        Question(
            "forget_bias",
            "What does `unit_forget_bias=True` (Keras's default for `LSTM`) do?",
            "single",
            key="6af6c57d042060455006",
            options=(
                "It fixes $\\Gamma_f = 1$ for the whole of training.",
                "It initialises $b_f$ at 1 (the other biases at 0), so the forget gates start "
                "near $\\sigma(1) \\approx 0.73$ instead of 0.5.",
                "It adds 1 to $\\Gamma_f$ at every step.",
                "It initialises every gate bias at 1.",
            ),
            explanation="Only the initial value changes; b_f is trained like any weight. Gates "
            "that start more open keep more of the cell, and of its gradient, per step.",
            hint="Look at the bias of a freshly built keras.layers.LSTM, block by block.",
            evidence=_forget_bias_evidence,
            evidence_note="the four bias blocks of a fresh keras.layers.LSTM(4)",
        ),
    ],
)
