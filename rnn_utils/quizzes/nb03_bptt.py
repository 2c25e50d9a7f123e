"""Quiz of notebook 03: BPTT, language models, sampling, vanishing and exploding gradients."""

from __future__ import annotations

import numpy as np

from rnn_utils.quiz import Question, Quiz


def _lm_step_evidence():
    """ŷ<t> must change with y<t-1> and must not change with y<t> or later tokens."""
    from rnn_utils.language_model import lm_arrays
    from rnn_utils.scratch import init_params, rnn_forward

    params = init_params("rnn", n_x=5, n_a=4, n_y=5, seed=0)
    t = 3  # 0-based step whose prediction we watch
    base = [1, 2, 3, 4, 1, 0]
    later_changed = base[:t] + [2, 2, 0]  # y<t> and after differ
    earlier_changed = base[: t - 1] + [4] + base[t:]  # y<t-1> differs

    def y_hat_at_t(seq):
        x, _, _ = lm_arrays([seq], n_classes=5)
        return rnn_forward(x, np.zeros((1, 4)), params)[1][0, t]

    same_after = np.allclose(y_hat_at_t(base), y_hat_at_t(later_changed))
    moves_with_past = not np.allclose(y_hat_at_t(base), y_hat_at_t(earlier_changed))
    # (c) conditions on the past only; (d) would also see y<t>; (b) would see nothing before
    return {(True, True): "c", (True, False): "b"}.get((same_after, moves_with_past), "d")


def _sampling_loop_evidence():
    """Record what the model receives: the sampled token, and draws differ between seeds."""
    from rnn_utils.sampling import sample_sequence

    probs = np.array([0.1, 0.3, 0.3, 0.3])  # token 0 ends the sequence
    received = []

    def step(token, state):
        received.append(token)
        return probs, state

    runs = []
    for seed in range(5):
        received.clear()
        out = sample_sequence(step, None, 0, 12, rng=np.random.default_rng(seed))
        fed_back = received[1:] == out.tokens[: len(received) - 1]
        runs.append((tuple(out.tokens), fed_back))
    random = len({tokens for tokens, _ in runs}) > 1
    feeds_choice = all(fed for _, fed in runs)
    return {(True, True): "d", (False, True): "c", (True, False): "b"}.get(
        (random, feeds_choice), "a"
    )


def _nan_cause_evidence():
    """Same ReLU RNN, same data, same SGD: NaN without clipping, finite with clipped gradients.

    Not every start blows up within 20 steps (which do depends on the backend's initial
    weights): the first of four weight seeds whose plain run ends in NaN is the evidence.
    """
    import rnn_utils  # noqa: F401  (quiet TensorFlow before it loads)
    from rnn_utils.language_model import keras_sgd_run, relu_rnn_model

    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(8, 10, 4)), rng.integers(0, 4, size=(8, 10))
    for seed in range(4):
        model = relu_rnn_model(4, 8, 4, radius=3.0, T=10, seed=seed)
        plain = keras_sgd_run(model, x, y, lr=1.0, steps=20)
        if plain.first_nonfinite_step is None:
            continue
        model = relu_rnn_model(4, 8, 4, radius=3.0, T=10, seed=seed)
        clipped = keras_sgd_run(model, x, y, lr=1.0, steps=20, clip=0.1)
        if clipped.first_nonfinite_step is None:
            return "b"  # only the gradient's size changed, and the NaN disappeared
        return "a"
    return "a"


def _steps_to_vanish_evidence():
    """Count the steps until ‖∂L<T>/∂a<t>‖ falls below 1/1000 of its value at t = T."""
    from rnn_utils.scratch import rnn_state_gradient_norms

    n_a, T = 4, 20
    params = {
        "Waa": 0.5 * np.eye(n_a),
        "Wax": np.zeros((n_a, 2)),
        "ba": np.zeros(n_a),
        "Wya": np.eye(3, n_a),  # a nonzero local gradient W_ya^T (ŷ − y)
        "by": np.zeros(3),
    }
    norms = rnn_state_gradient_norms(np.zeros((1, T, 2)), np.zeros((1, n_a)), params)
    relative = norms[::-1] / norms[-1]  # index = distance T - t
    return int(np.argmax(relative < 1e-3))


def _clipping_evidence():
    """Clipping leaves a tiny (vanishing) gradient unchanged and caps a huge (exploding) one."""
    from rnn_utils.scratch import clip_gradients

    tiny = {"Waa": np.full((2, 2), 1e-9)}
    huge = {"Waa": np.full((2, 2), 1e9)}
    # A relative tolerance with atol=0: the entries are 1e-9, so any absolute tolerance of the
    # usual size would also accept a clipping that zeroed them.
    tiny_unchanged = np.allclose(clip_gradients(tiny, 1.0)["Waa"], tiny["Waa"], rtol=1e-12, atol=0)
    huge_capped = np.max(np.abs(clip_gradients(huge, 1.0)["Waa"])) <= 1.0
    return {(True, True): "b", (False, True): "c", (True, False): "d"}.get(
        (bool(tiny_unchanged), bool(huge_capped)), "a"
    )


def _temperature_evidence():
    """Sample 150 names from a bigram model of the census names at τ = 0.5 and τ = 1.5."""
    from rnn_utils.datasets import census_names
    from rnn_utils.language_model import NGramModel
    from rnn_utils.sampling import sample_sequence
    from rnn_utils.text import Vocabulary

    names = census_names(seed=0).train_names
    vocab = Vocabulary.from_corpus(names, level="char", reserved=("<eos>",))
    model = NGramModel(2, len(vocab), k=0.1).fit([vocab.encode(n, add_eos=True) for n in names])

    def step(token, history):
        history = history + ([] if token is None else [token])
        return model.next_token_probs(history), history

    stats = {}
    for tau in (0.5, 1.5):
        rng = np.random.default_rng(0)
        runs = [
            sample_sequence(step, [], vocab.eos_id, 20, rng, temperature=tau) for _ in range(150)
        ]
        distinct = len({tuple(r.tokens) for r in runs})
        loglik = np.mean(np.concatenate([r.log_probs for r in runs]))
        stats[tau] = (distinct, loglik)
    less_diverse = stats[0.5][0] < stats[1.5][0]
    more_likely = stats[0.5][1] > stats[1.5][1]
    return {(True, True): "b", (False, False): "c", (False, True): "a"}.get(
        (less_diverse, more_likely), "d"
    )


def _char_vs_word_evidence():
    """Measure both tokenisations on the census names (train vocabulary, test names)."""
    from rnn_utils.datasets import census_names
    from rnn_utils.text import Vocabulary

    data = census_names(seed=0)
    chars = Vocabulary.from_corpus(data.train_names, level="char", reserved=("<eos>",))
    words = Vocabulary.from_corpus(
        [[n] for n in data.train_names], level="word", reserved=("<unk>", "<eos>")
    )
    true = set()
    if all(c in chars for name in data.test_names for c in name):
        true.add("a")  # no unknown token at character level
    char_steps = np.mean([len(chars.encode(n, add_eos=True)) for n in data.test_names])
    word_steps = np.mean([len(words.encode([n], add_eos=True)) for n in data.test_names])
    if char_steps < word_steps:
        true.add("b")  # steps per name, <eos> included at both levels
    if len(chars) < len(words) / 10:
        true.add("c")  # size of the softmax
    if len(chars) > len(words):
        true.add("d")  # length of a one-hot input
    return true


QUIZ = Quiz(
    "Backpropagation through time, language models and unstable gradients",
    [
        Question(
            "lm_step",
            "An RNN language model is being trained on names. At step $t$, what does its "
            "softmax output $\\hat{y}^{\\langle t \\rangle}$ estimate?",
            "single",
            key="889796032eed33d1430a",
            options=(
                "$P(y^{\\langle 1 \\rangle}, \\dots, y^{\\langle t-1 \\rangle})$",
                "$P(y^{\\langle t \\rangle})$, ignoring the earlier tokens",
                "$P(y^{\\langle t \\rangle} \\mid y^{\\langle 1 \\rangle}, \\dots, "
                "y^{\\langle t-1 \\rangle})$",
                "$P(y^{\\langle t \\rangle} \\mid y^{\\langle 1 \\rangle}, \\dots, "
                "y^{\\langle t \\rangle})$",
            ),
            explanation="The next token's distribution given everything before it; the "
            "product over t gives the probability of the whole sequence.",
            hint="Which tokens has the model read when it predicts y<t>? Not y<t> itself.",
            evidence=_lm_step_evidence,
            evidence_note="ŷ<t> of an RNN ignores changes to y<t> and later, moves with y<t-1>",
        ),
        Question(
            "sampling_loop",
            "You sample random new names from a trained RNN language model at temperature 1 "
            "(plain sampling, so that every run can give a different name). What happens at "
            "each step $t$?",
            "single",
            key="fe3b18f562197a927aaa",
            options=(
                "Take the most likely character as $y^{\\langle t \\rangle}$, then feed the "
                "training set's true character to the next step.",
                "Draw $y^{\\langle t \\rangle}$ at random from $\\hat{y}^{\\langle t \\rangle}$, "
                "then feed the training set's true character to the next step.",
                "Take the most likely character as $y^{\\langle t \\rangle}$, then feed that "
                "character to the next step.",
                "Draw $y^{\\langle t \\rangle}$ at random from $\\hat{y}^{\\langle t \\rangle}$, "
                "then feed that drawn character to the next step.",
            ),
            explanation="Sampling at temperature 1 draws from the predicted distribution and "
            "feeds the draw back as x<t+1>; there is no ground truth when generating. Option (c) "
            "is greedy decoding: it generates too, but gives the same name on every run.",
            hint="When you generate, is there a training example to copy from? And would "
            "always taking the argmax give varied names?",
            evidence=_sampling_loop_evidence,
            evidence_note="sample_sequence: inputs received == tokens chosen; seeds differ",
        ),
        Question(
            "nan_cause",
            "While training an RNN, the loss and then all weights and activations turn into "
            "NaN. What is the most likely cause?",
            "single",
            key="f063109bb1d3134980d0",
            options=(
                "Vanishing gradients.",
                "Exploding gradients.",
                "A ReLU activation receiving a very large input $z$.",
                "A sigmoid activation receiving a very large input $z$.",
            ),
            explanation="Huge gradients make huge updates until the numbers overflow; clipping "
            "the gradient alone (same activation) prevents it.",
            hint="Small gradients make training slow, not numerically invalid. A saturated "
            "sigmoid just returns 1.",
            evidence=_nan_cause_evidence,
            evidence_note="ReLU RNN + SGD: NaN without clipping, finite with clip_gradients",
        ),
        Question(
            "steps_to_vanish",
            "A vanilla RNN stays near $a = 0$ (so $\\tanh' \\approx 1$) and has "
            "$W_{aa} = 0.5\\,I$. How many steps back from $T$ does "
            "$\\|\\partial \\mathcal{L}^{\\langle T \\rangle} / "
            "\\partial a^{\\langle t \\rangle}\\|$ "
            "first fall below one thousandth of its value at $t = T$?",
            "numeric",
            key="3959d0dd8ac9c041cbbd",
            tolerance=0.5,
            explanation="Each step back multiplies by W_aaᵀ = 0.5 I: 0.5^10 = 1/1024 < 1/1000.",
            hint="Each step back multiplies the gradient by 0.5. Solve 0.5^d < 0.001.",
            evidence=_steps_to_vanish_evidence,
            evidence_note="rnn_state_gradient_norms with W_aa = 0.5 I, x = 0",
        ),
        Question(
            "clipping_fixes",
            "Clipping every gradient entry to $[-c, c]$ is a remedy for which problem?",
            "single",
            key="b39dea335d8594c750e1",
            options=(
                "Vanishing gradients only.",
                "Exploding gradients only.",
                "Both vanishing and exploding gradients.",
                "Neither.",
            ),
            explanation="It caps large gradients; tiny ones pass unchanged, so vanishing needs "
            "another fix (gated cells such as the GRU and LSTM).",
            hint="What does clipping do to a gradient of size 1e-9?",
            evidence=_clipping_evidence,
            evidence_note="clip_gradients(1e-9) unchanged, clip_gradients(1e9) capped at c",
        ),
        Question(
            "temperature",
            "You lower the sampling temperature from 1.5 to 0.5. What happens to the generated "
            "names?",
            "single",
            key="e2399c0cdf081bf251a7",
            options=(
                "More distinct names, each more likely under the model.",
                "Fewer distinct names, each more likely under the model.",
                "More distinct names, each less likely under the model.",
                "Nothing: the temperature only rescales the logits.",
            ),
            explanation="A low temperature sharpens the distribution towards the most likely "
            "characters: more typical, less varied output.",
            hint="τ → 0 is greedy decoding. How many different names does greedy produce?",
            evidence=_temperature_evidence,
            evidence_note="150 samples from a bigram model of the names at τ = 0.5 vs 1.5",
        ),
        Question(
            "char_vs_word",
            "Compared with a word-level model (one token per name), what is true of a "
            "character-level language model of names?",
            "multiple",
            key="6ad6f1ceb14aad92af7a",
            options=(
                "It never meets an unknown token: any new name can be scored and generated.",
                "It needs fewer time steps per name.",
                "Its softmax output layer is far smaller.",
                "Its one-hot input vectors are longer.",
            ),
            explanation="27 symbols cover every name; the price is more steps per name.",
            hint="Count: how many distinct characters, how many distinct names, how many "
            "steps to spell one name?",
            evidence=_char_vs_word_evidence,
            evidence_note="measured on the census names (train vocabularies, test names)",
        ),
    ],
)
