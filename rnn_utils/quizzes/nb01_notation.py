"""Quiz bank for notebook 01: sequence data, the notation and the five architecture types.

Six of the seven questions are backed by code that builds tiny models on `rnn_utils` layers or
indexes a real padded batch of the tech-NER sentences.
"""

from __future__ import annotations

from rnn_utils.quiz import Question, Quiz

_ARCHITECTURES = ("many-to-one", "many-to-many", "encoder-decoder", "one-to-many")


def _tiny_model(kind: str, T_x: int, T_y: int, n_x: int = 6, n_y: int = 3):
    import rnn_utils  # noqa: F401  (quiet TensorFlow before it loads)
    from rnn_utils.architectures import build_tiny_model

    return build_tiny_model(kind, T_x, T_y, n_x=n_x, n_y=n_y, units=4)


def _notation_evidence() -> str:
    import numpy as np

    from rnn_utils.datasets import tech_ner

    data = tech_ner("train").subset(np.arange(8))
    vocab = data.word_vocabulary()
    x, _, _ = data.arrays(vocab)
    # Which indexing of the (examples, time) batch reads word j of sentence i? Option (a),
    # x^{(i)<j>}, is x[i-1, j-1]: the example first; option (c), x^{(j)<i>}, the other way.
    orders = {"a": lambda i, j: x[i, j], "c": lambda i, j: x[j, i]}
    fits = []
    for letter, read in orders.items():
        try:
            ok = all(
                vocab.id_to_token(int(read(i, j))) == word
                for i, tokens in enumerate(data.tokens)
                for j, word in enumerate(tokens)
            )
        except IndexError:
            ok = False
        if ok:
            fits.append(letter)
    (letter,) = fits
    return letter


def _same_length_evidence() -> str:
    import numpy as np

    relations = set()
    for T_x in (3, 7):
        model = _tiny_model("many-to-many", T_x=T_x, T_y=T_x)
        T_y = model(np.zeros((2, T_x, 6), "float32")).shape[1]
        relations.add("a" if T_y == T_x else ("b" if T_x < T_y else "c"))
    (relation,) = relations
    return relation


def _shared_weights_evidence() -> int:
    import numpy as np

    import rnn_utils  # noqa: F401
    from rnn_utils.layers import SimpleRNN

    counts = set()
    for T in (3, 40):  # the same cell is reused at every step: T does not change the count
        layer = SimpleRNN(8)
        layer(np.zeros((1, T, 20), "float32"))
        counts.add(layer.count_params())
    (count,) = counts
    return count


def _no_time_axis_evidence() -> str:
    import numpy as np

    model = _tiny_model("many-to-one", T_x=10, T_y=1, n_x=50, n_y=1)
    shape = tuple(model(np.zeros((32, 10, 50), "float32")).shape)
    return {(32, 10, 1): "a", (32, 1): "b", (10, 1): "c", (32, 10): "d"}[shape]


def _padding_evidence() -> int:
    from rnn_utils.datasets import tech_ner

    data = tech_ner("train")
    vocab = data.word_vocabulary()
    picked = [next(t for t in data.tokens if len(t) == n) for n in (5, 9, 7)]
    _, mask = vocab.pad_batch(picked)
    return int((~mask).sum())


def _translation_evidence() -> str:
    import numpy as np

    T_x, T_y = 6, 4
    source, previous_y = np.zeros((2, T_x, 6), "float32"), np.zeros((2, T_y, 3), "float32")
    fits = []
    for letter, kind in zip("abcd", _ARCHITECTURES, strict=True):
        model = _tiny_model(kind, T_x=T_x, T_y=T_y)
        reads_all = model.inputs[0].shape[1:] == (T_x, 6)
        inputs = [source, previous_y] if kind == "encoder-decoder" else source
        output = model(inputs) if reads_all else None
        if output is not None and tuple(output.shape) == (2, T_y, 3):
            fits.append(letter)
    (letter,) = fits
    return letter


QUIZ = Quiz(
    "Sequence data, notation and architecture types",
    [
        Question(
            id="notation",
            prompt=(
                "Your training set is a list of sentences. Which symbol stands for the $j$-th "
                "word of the $i$-th sentence?"
            ),
            kind="single",
            options=(
                r"$x^{(i)\langle j\rangle}$",
                r"$x^{\langle i\rangle(j)}$",
                r"$x^{(j)\langle i\rangle}$",
                r"$x^{\langle j\rangle(i)}$",
            ),
            key="b27b2031ec1ff7553179",
            explanation="Round brackets pick the example, angle brackets the position in it.",
            hint="Which bracket did we use for the example index, and which for the time step?",
            evidence=_notation_evidence,
            evidence_note="x[i-1, j-1] of a padded tech-NER batch is word j of sentence i",
        ),
        Question(
            id="same-length",
            prompt=(
                "An RNN reads $x^{\\langle 1\\rangle}, \\dots, x^{\\langle T_x\\rangle}$ and "
                "emits one $\\hat{y}^{\\langle t\\rangle}$ at every step it reads (the "
                "many-to-many panel of the figure). For which lengths does it fit?"
            ),
            kind="single",
            options=("$T_x = T_y$", "$T_x < T_y$", "$T_x > T_y$", "$T_x = 1$"),
            key="aaa0a3150a36f25aa094",
            explanation="One output per input step, so both sequences have the same length.",
            hint="Count the outputs: one per input step.",
            evidence=_same_length_evidence,
            evidence_note="a many-to-many SimpleRNN model fed T_x = 3 and 7: output length vs T_x",
        ),
        Question(
            id="many-to-one",
            prompt="Which of these tasks call for a many-to-one RNN?",
            kind="multiple",
            options=(
                "Speech recognition: an audio clip in, its transcript out",
                "Sentiment classification: a review in, positive (1) or negative (0) out",
                "Image classification: one image in, one label out",
                "Speaker gender from speech: an audio clip in, one label out",
            ),
            key="137252cf61533f32bb2f",
            explanation="A sequence goes in and a single label comes out in both (b) and (d).",
            hint="The input must be a sequence and the output a single value.",
        ),
        Question(
            id="shared-weights",
            prompt=(
                "A `SimpleRNN` with $n_a = 8$ units reads one-hot vectors of a 20-word "
                "vocabulary. How many trainable numbers do $W_{aa}$, $W_{ax}$ and $b_a$ hold "
                "together, whatever the length $T_x$?"
            ),
            kind="numeric",
            tolerance=0.5,
            key="b3a67b4b60ae7cfe7a61",
            explanation="8·8 + 8·20 + 8 = 232, shared by every time step.",
            hint="W_aa is n_a × n_a, W_ax is n_a × n_x, b_a has n_a entries.",
            evidence=_shared_weights_evidence,
            evidence_note="count_params() of SimpleRNN(8) built on T = 3 and on T = 40",
        ),
        Question(
            id="no-time-axis",
            prompt=(
                "A many-to-one model (`SimpleRNN` with `return_sequences=False`, then "
                "`Dense(1)`) gets a batch of shape `(32, 10, 50)`. What is its output shape?"
            ),
            kind="single",
            options=("`(32, 10, 1)`", "`(32, 1)`", "`(10, 1)`", "`(32, 10)`"),
            key="1e6348ddfd37b0f74197",
            explanation="Only the last state a<T_x> is kept: the time axis is gone.",
            hint="Without return_sequences the layer returns a single vector per example.",
            evidence=_no_time_axis_evidence,
            evidence_note="shape of a many-to-one model's output on zeros of shape (32, 10, 50)",
        ),
        Question(
            id="padding",
            prompt=(
                "Three sentences of 5, 9 and 7 tokens are padded at the end to the longest one. "
                "How many entries of the batch's mask are `False` (padding)?"
            ),
            kind="numeric",
            tolerance=0.5,
            key="51cf93e03df9c591b43b",
            explanation="3 × 9 = 27 slots hold 5 + 9 + 7 = 21 tokens: 6 are padding.",
            hint="Total slots m × T minus the real tokens.",
            evidence=_padding_evidence,
            evidence_note="Vocabulary.pad_batch on tech-NER sentences of 5, 9 and 7 tokens",
        ),
        Question(
            id="translation",
            prompt=(
                "You translate sentences; a translation is often longer or shorter than its "
                "source. Which architecture fits?"
            ),
            kind="single",
            options=(
                "many-to-one",
                "many-to-many with $T_x = T_y$",
                "encoder-decoder (many-to-many, $T_x \\ne T_y$)",
                "one-to-many",
            ),
            key="4b68981373efe4db0c83",
            explanation="The encoder reads all T_x words, then the decoder writes T_y words.",
            hint="The model must read a whole sequence and write one of another length.",
            evidence=_translation_evidence,
            evidence_note="which tiny model maps a (2, 6, n_x) input to a (2, 4, n_y) output",
        ),
    ],
)
