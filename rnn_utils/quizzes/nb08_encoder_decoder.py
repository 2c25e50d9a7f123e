"""Quiz of notebook 08: encoder–decoders, teacher forcing, attention, beam search, WER."""

from __future__ import annotations

import numpy as np

from rnn_utils.quiz import Question, Quiz


def _attention_shape_evidence():
    """Run Luong attention on a batch of 2 words: 3 decoder steps, 5 source letters."""
    import rnn_utils  # noqa: F401  (quiet TensorFlow before it loads)
    from rnn_utils.seq2seq import LuongAttention

    rng = np.random.default_rng(0)
    query = rng.normal(size=(2, 3, 4)).astype("float32")  # (B, T_y, d)
    values = rng.normal(size=(2, 5, 4)).astype("float32")  # (B, T_x, d)
    _, weights = LuongAttention("dot")(query, values)
    shapes = {(2, 5, 3): "a", (2, 3, 5): "b", (2, 3): "c", (3, 5): "d"}
    return shapes.get(tuple(weights.shape), "none of these")


def _teacher_forcing_evidence():
    """Encode two pronunciations and compare the decoder's inputs with its targets."""
    from rnn_utils.g2p import encode_pronunciations, make_vocabularies

    _, phonemes = make_vocabularies("abc", ["AE", "B", "K", "S"])
    inputs, targets = encode_pronunciations([("K", "AE", "B"), ("AE", "B", "S")], phonemes)
    starts_with_bos = bool(np.all(inputs[:, 0] == phonemes.bos_id))
    shifted_truth = bool(np.array_equal(inputs[:, 1:], targets[:, :-1]))
    return "b" if starts_with_bos and shifted_truth else "a"


def _beam_one_evidence():
    """Greedy search and beam search of width 1 on a random (but fixed) toy decoder."""
    from rnn_utils.seq2seq import beam_search, greedy_search

    rng = np.random.default_rng(0)
    table = np.log(rng.dirichlet(np.ones(6), size=(6, 6)))  # log P(y | previous token, source)

    def step(tokens, states):
        (source,) = states
        return table[source, tokens], [source]

    source = rng.integers(0, 6, size=40)
    args = (step, [source], len(source), 0, 1, 8)
    greedy, beam = greedy_search(*args), beam_search(*args, beam_width=1)
    same = greedy.tokens == beam.tokens and np.allclose(greedy.log_probs, beam.log_probs)
    return "a" if same else "b"


def _padded_weight_evidence():
    """Largest attention weight that a padded source position receives."""
    import rnn_utils  # noqa: F401
    from rnn_utils.seq2seq import AdditiveAttention

    rng = np.random.default_rng(1)
    query = rng.normal(size=(3, 4, 5)).astype("float32")
    values = rng.normal(size=(3, 6, 5)).astype("float32")
    mask = np.arange(6)[None, :] < np.array([[6], [3], [1]])
    _, weights = AdditiveAttention(4)(query, values, source_mask=mask)
    padded = ~np.broadcast_to(mask[:, None, :], weights.shape)
    return float(np.max(np.asarray(weights)[padded]))


def _wer_any_evidence():
    from rnn_utils.seq2seq.metrics import word_error_rate

    predictions = [
        ("R", "EH", "D"),
        ("T", "AH", "M", "EY", "T", "OW"),
        ("AY", "DH", "ER"),
        ("D", "AE", "T", "AH"),
    ]
    references = [
        [("R", "IY", "D"), ("R", "EH", "D")],
        [("T", "AH", "M", "EY", "T", "OW"), ("T", "AH", "M", "AA", "T", "OW")],
        [("IY", "DH", "ER")],
        [("D", "EY", "T", "AH")],
    ]
    return word_error_rate(predictions, references)


QUIZ = Quiz(
    "Encoder–decoders, attention and beam search",
    [
        Question(
            "attention_shape",
            "A batch of $B$ words with $T_x$ letters each is decoded into $T_y$ phonemes with "
            "attention. What is the shape of the attention weights $\\alpha$ returned for the "
            "whole batch?",
            "single",
            key="3da0356e70daccc45351",
            options=("$(B, T_x, T_y)$", "$(B, T_y, T_x)$", "$(B, T_y)$", "$(T_y, T_x)$"),
            explanation="One distribution over the T_x source positions for every output "
            "step of every word: each row α<t, 1..T_x> sums to 1.",
            hint="Each decoder step needs its own weights over all source letters.",
            evidence=_attention_shape_evidence,
            evidence_note="LuongAttention on queries (2, 3, 4) and values (2, 5, 4)",
        ),
        Question(
            "teacher_forcing",
            "During training with teacher forcing, what does the decoder read as its input at "
            "output step $t$ (for $t \\geq 2$)?",
            "single",
            key="3b6398dbead5bee6183c",
            options=(
                "its own prediction $\\hat{y}^{\\langle t-1 \\rangle}$",
                "the true previous output $y^{\\langle t-1 \\rangle}$",
                "the true current output $y^{\\langle t \\rangle}$",
                "the encoder activation $a^{\\langle t \\rangle}$",
            ),
            explanation="Teacher forcing feeds the reference shifted by one step: <bos>, "
            "y<1>, …, y<T_y-1>. At decoding time there is no reference, so ŷ<t-1> is fed "
            "instead.",
            hint="Feeding y<t> would give the answer away; at training time the reference "
            "is available.",
            evidence=_teacher_forcing_evidence,
            evidence_note="encode_pronunciations: inputs = <bos> + targets shifted right",
        ),
        Question(
            "beam_one",
            "Beam search keeps the $k$ best prefixes at every step. With $k = 1$, how does its "
            "output compare with greedy search?",
            "single",
            key="7a0a01bc77c5795c729d",
            options=(
                "it is identical, token for token",
                "it is usually identical but can differ because of length normalisation",
                "it is better, since it still compares complete hypotheses",
                "it is worse, since it cannot end early",
            ),
            explanation="With one survivor the best extension of the only prefix is the "
            "argmax, exactly greedy's choice; the normalisation only picks among finished "
            "beam entries, and there is just one.",
            hint="How many candidates does a beam of width 1 keep after each step?",
            evidence=_beam_one_evidence,
            evidence_note="greedy_search vs beam_search(beam_width=1) on a random toy decoder",
        ),
        Question(
            "padded_weight",
            "Words in a batch are padded to the same length. What attention weight does a "
            "padded source position receive (give the number)?",
            "numeric",
            key="cfc53680e4af32321a5e",
            tolerance=1e-6,
            explanation="Padded positions are masked before the softmax, so their weight is 0 "
            "and the real positions' weights still sum to 1.",
            hint="Should the decoder be able to read letters that are not there?",
            evidence=_padded_weight_evidence,
            evidence_note="AdditiveAttention with a source mask: the largest padded weight",
        ),
        Question(
            "bottleneck",
            "In an encoder–decoder WITHOUT attention, how does the decoder get information "
            "about the input word at output step 5?",
            "single",
            key="038e9341606939db8ba0",
            options=(
                "it reads the letter x<5> directly",
                "it reads all the encoder activations a<1..T_x> at every step",
                "only through its own state, which started from the encoder's final state",
                "it does not need any: the previous phonemes are enough",
            ),
            explanation="Everything about x must be squeezed into the encoder's final state, "
            "a fixed-size vector: the bottleneck that hurts long words and that attention "
            "eases.",
            hint="Look at the diagram: which arrow joins the two halves?",
        ),
        Question(
            "wer_any",
            "A G2P model predicts: read → R EH D, tomato → T AH M EY T OW, either → AY DH ER, "
            "data → D AE T AH. The dictionary lists read: R IY D or R EH D; tomato: "
            "T AH M EY T OW or T AH M AA T OW; either: IY DH ER; data: D EY T AH. What is "
            "the word error rate?",
            "numeric",
            key="d34581ab2923f25a8872",
            tolerance=0.001,
            explanation="A word is right when it equals any of its references: read and "
            "tomato are right, either and data are wrong, so WER = 2/4.",
            hint="Compare each prediction with every listed pronunciation of its word.",
            evidence=_wer_any_evidence,
            evidence_note="rnn_utils.seq2seq.metrics.word_error_rate on the four words",
        ),
        Question(
            "exposure_bias",
            "A decoder has just written a wrong phoneme. Scored after aligning its outputs "
            "with the references, it then gets the following phonemes wrong more often when "
            "it decodes on its own than under teacher forcing. Why?",
            "single",
            key="01ab1147d4de67e84ce7",
            options=(
                "teacher forcing uses dropout at test time",
                "the held-out words are longer than the training words",
                "greedy decoding uses a different softmax",
                "on its own it reads a prefix containing its mistake, a prefix it never saw in "
                "training, while teacher forcing hands it the true prefix again",
            ),
            explanation="Exposure bias: trained only on true prefixes, the decoder never "
            "learned to recover from its own mistakes, so a wrong prefix makes the next errors "
            "more likely. Whole words are another matter: greedy decoding gets a word entirely "
            "right exactly when teacher forcing does.",
            hint="What does the decoder read after it makes one mistake, in each mode?",
        ),
    ],
)
