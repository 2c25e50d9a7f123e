"""Quiz of notebook 06: bidirectional RNNs, their merge modes, padding, and when not to use them."""

from __future__ import annotations

import numpy as np

from rnn_utils.quiz import Question, Quiz


def _outputs_after_change(layer, x, t_changed):
    """The layer's outputs on ``x`` and on ``x`` with step ``t_changed`` (0-based) replaced."""
    import keras

    changed = x.copy()
    changed[:, t_changed] = np.random.default_rng(1).normal(size=changed[:, t_changed].shape)
    return (keras.ops.convert_to_numpy(layer(v)) for v in (x, changed))


def _dog_mood_evidence():
    """ŷ<1..t> of a left-to-right GRU ignores a changed x<t+1>; a bidirectional GRU's does not."""
    import rnn_utils  # noqa: F401  (quiet TensorFlow before it loads)
    from rnn_utils.layers import GRU, Bidirectional

    x = np.random.default_rng(0).normal(size=(1, 12, 1)).astype("float32")  # 12 days
    t = 6  # day 7 changes
    uni, uni_changed = _outputs_after_change(GRU(4, return_sequences=True), x, t)
    bi, bi_changed = _outputs_after_change(Bidirectional(GRU(4, return_sequences=True)), x, t)
    # exact on purpose: the same computation on the same days 1..6 may not differ at all
    uni_causal = np.array_equal(uni[:, :t], uni_changed[:, :t])
    bi_causal = np.array_equal(bi[:, :t], bi_changed[:, :t])
    # only the left-to-right model can give y<t> on day t, when x<t+1> does not exist yet
    return "c" if uni_causal and not bi_causal else "a"


def _concat_width_evidence():
    import rnn_utils  # noqa: F401
    from rnn_utils.layers import GRU, Bidirectional

    layer = Bidirectional(GRU(16, return_sequences=True), merge_mode="concat")
    return int(layer(np.zeros((2, 5, 10), "float32")).shape[-1])


def _param_count_evidence():
    import rnn_utils  # noqa: F401
    from rnn_utils.layers import LSTM, Bidirectional

    layer = Bidirectional(LSTM(8))
    layer.build((None, None, 4))
    return int(layer.count_params())


def _padding_direction_evidence():
    """Right-pad one sentence, forget the mask, compare with the sentence alone."""
    from rnn_utils.scratch.bidirectional import bidirectional_forward, init_bidirectional_params

    x = np.random.default_rng(0).normal(size=(1, 7, 3))
    x[:, 4:] = 0.3  # 4 real steps, then 3 pads (an embedded <pad> is a vector like any word)
    params = init_bidirectional_params("gru", n_x=3, n_a=5, seed=0)
    naive = bidirectional_forward("gru", x, params)  # no mask
    alone = bidirectional_forward("gru", x[:, :4], params)
    fwd_ok = np.allclose(naive.a_fwd[:, :4], alone.a_fwd)
    bwd_ok = np.allclose(naive.a_bwd[:, :4], alone.a_bwd)
    return {(True, True): "d", (True, False): "b", (False, True): "a"}.get((fwd_ok, bwd_ok), "c")


def _merge_width_evidence():
    from rnn_utils.scratch.bidirectional import merge_directions

    a = np.ones((1, 3, 5))
    letters = {"concat": "a", "sum": "b", "mul": "c", "ave": "d"}
    return {letters[m] for m in letters if merge_directions(a, a, m).shape[-1] == 5}


def _first_output_evidence():
    """Change only the LAST input of a sequence: does ŷ<1> move?"""
    from rnn_utils.scratch.bidirectional import bidirectional_forward, init_bidirectional_params

    params = init_bidirectional_params("rnn", n_x=2, n_a=4, n_y=3, seed=1)
    x = np.random.default_rng(2).normal(size=(1, 10, 2))
    changed = x.copy()
    changed[:, -1] += 1.0
    first = [bidirectional_forward("rnn", v, params).y_hat[0, 0] for v in (x, changed)]
    return "c" if not np.allclose(*first) else "a"


QUIZ = Quiz(
    "Bidirectional RNNs",
    [
        Question(
            "dog_mood",
            "Your dog's mood depends on today's and the last few days' weather. You have a year "
            "of weather readings $x^{\\langle 1 \\rangle}, \\dots, x^{\\langle 365 \\rangle}$ "
            "and of moods $y^{\\langle 1 \\rangle}, \\dots, y^{\\langle 365 \\rangle}$, and you "
            "want a model that tells you each morning how the dog will feel today. Which RNN?",
            "single",
            key="527f22e057558db48850",
            options=(
                "Bidirectional: $\\hat{y}^{\\langle t \\rangle}$ can use more of the year.",
                "Bidirectional: backpropagation gets more accurate gradients through two "
                "directions.",
                "Unidirectional: on the morning of day $t$ only "
                "$x^{\\langle 1 \\rangle}, \\dots, x^{\\langle t \\rangle}$ exist, and a "
                "left-to-right RNN's $\\hat{y}^{\\langle t \\rangle}$ uses only those.",
                "Unidirectional: $y^{\\langle t \\rangle}$ depends only on "
                "$x^{\\langle t \\rangle}$.",
            ),
            explanation="On the morning of day t only x<1..t> exist. A left-to-right RNN's ŷ<t> "
            "uses only those, so it can run day by day. A bidirectional one needs x<t+1..T> for "
            "ŷ<t>: on a recorded year it scores better (later readings do say something about "
            "today's weather), but run on the days so far it does no better than the "
            "left-to-right one, and it re-reads all of them every morning.",
            hint="On the morning of day t, which readings exist? Which model's ŷ<t> changes "
            "when x<t+1> changes?",
            evidence=_dog_mood_evidence,
            evidence_note="change x<7> of a 12-day sequence: ŷ<1..6> of GRU vs Bidirectional(GRU)",
        ),
        Question(
            "concat_width",
            '`Bidirectional(GRU(16, return_sequences=True), merge_mode="concat")` reads inputs '
            "with 10 features per step. How many features does it output per step?",
            "numeric",
            key="a2469e8685ea102e6df5",
            tolerance=0.5,
            explanation="[a→<t>, a←<t>] stacks the two 16-unit activations: 32. The input size "
            "does not matter.",
            hint="concat puts a→<t> and a←<t> side by side.",
            evidence=_concat_width_evidence,
            evidence_note="output shape of Bidirectional(GRU(16)) on (2, 5, 10) inputs",
        ),
        Question(
            "param_count",
            "How many trainable parameters does `Bidirectional(LSTM(8))` have on inputs with "
            "$n_x = 4$ features?",
            "numeric",
            key="4e9561cf373a26a39a4e",
            tolerance=0.5,
            explanation="Each direction is a full LSTM: 4 blocks × (8·4 + 8·8 + 8) = 416; two "
            "independent directions: 832.",
            hint="One LSTM has 4 n_a (n_x + n_a + 1) parameters; the two directions share none.",
            evidence=_param_count_evidence,
            evidence_note="count_params() of Bidirectional(LSTM(8)) built on 4 features",
        ),
        Question(
            "padding_direction",
            "You right-pad a batch of sentences and run a bidirectional RNN on it WITHOUT the "
            "mask. At the real tokens of a padded sentence, which activations differ from those "
            "of the same sentence run alone?",
            "single",
            key="8208ce130f61754ded23",
            options=(
                "Only the forward ones, a→<t>.",
                "Only the backward ones, a←<t>.",
                "Both.",
                "Neither.",
            ),
            explanation="The pads come after the real tokens: the forward pass reaches them last, "
            "the backward pass reads them first and starts every real token from a state "
            "polluted by them.",
            hint="Which direction reads x<T_x> (a pad) before the real tokens?",
            evidence=_padding_direction_evidence,
            evidence_note="NumPy bidirectional GRU, padded without mask vs the sentence alone",
        ),
        Question(
            "merge_width",
            "Which merge modes of `Bidirectional` output $n_a$ features per step (rather than "
            "$2 n_a$)?",
            "multiple",
            key="052d3905f8a4a5364499",
            options=('"concat"', '"sum"', '"mul"', '"ave"'),
            explanation="sum, mul and ave combine a→<t> and a←<t> element by element; only "
            "concat keeps both side by side (and None returns the two separately).",
            hint="Which mode keeps both vectors whole?",
            evidence=_merge_width_evidence,
            evidence_note="shapes from merge_directions for each mode, n_a = 5",
        ),
        Question(
            "first_output",
            "A live-captioning app runs a bidirectional RNN over a 10-second utterance. When "
            "can it produce $\\hat{y}^{\\langle 1 \\rangle}$, the label of the first frame, "
            "as the model computes it over the whole utterance?",
            "single",
            key="1e971e3b9ac6cfa7b279",
            options=(
                "Right after reading $x^{\\langle 1 \\rangle}$.",
                "After reading $x^{\\langle 2 \\rangle}$.",
                "Only after the last frame $x^{\\langle T_x \\rangle}$ has been read.",
                "Never: a bidirectional RNN outputs one label per sequence.",
            ),
            explanation="a←<1> summarises x<1..T_x>, so ŷ<1> changes when the last frame "
            "changes: nothing can be emitted before the end (or before the end of a chunk, for "
            "chunked streaming models). Running the model on the first frame alone gives an "
            "earlier label, but a different one: the online use of section 5.",
            hint="Change only the last frame: does ŷ<1> move?",
            evidence=_first_output_evidence,
            evidence_note="NumPy bidirectional RNN, T_x = 10: change x<10>, compare ŷ<1>",
        ),
        Question(
            "bidirectional_lm",
            "Why is a bidirectional RNN not trained as a next-token language model in the "
            "usual way (input $x^{\\langle t+1 \\rangle} = y^{\\langle t \\rangle}$)?",
            "single",
            key="b64f9029ec60f9303b85",
            options=(
                "It has too many parameters for a language model.",
                "Its $\\hat{y}^{\\langle t \\rangle}$ reads $x^{\\langle t+1 \\rangle}$, which "
                "is the very token it must predict: it learns to copy, and cannot generate.",
                "Backpropagation cannot pass through two directions.",
                "The merge of the two directions breaks the softmax.",
            ),
            explanation="The backward direction sees the answer. Generation also needs ŷ<t> "
            "before x<t+1> exists. (Masked language models such as BERT use both sides by "
            "hiding the token to predict instead.)",
            hint="What does a←<t> contain when the target of step t is x<t+1>?",
        ),
        Question(
            "where_gain",
            "On the tech-NER test split, where does the bidirectional tagger gain most over "
            "the left-to-right one with the same parameter budget?",
            "single",
            key="9f5d22f3c4e5034c7fa5",
            options=(
                "Evenly on every sentence: it simply has more capacity.",
                "On the sentences whose entity type is revealed by the words after the entity.",
                "On the sentences whose entity type is revealed by the words before it.",
                "Nowhere: the budgets are equal, so are the scores.",
            ),
            explanation="A left-to-right tagger must commit to 'Swift' before it reads 'is a "
            "language' or 'sells software'; reading right to left gives it those words. On the "
            "other sentences both taggers score about the same.",
            hint="Look at the F1 table of section 4: which column moves?",
        ),
    ],
)
