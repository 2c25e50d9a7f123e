"""Quiz for notebook 02: the vanilla RNN cell, its parameters and its blind spot (the future).

Six of the seven questions are backed by experiments on small, freshly built layers: each
evidence function builds real ``rnn_utils`` layers and returns the answer it measures.
"""

from __future__ import annotations

from rnn_utils.quiz import Question, Quiz

_SHAPE_OPTIONS = ("$(n_x, n_a)$", "$(n_a, n_x)$", "$(n_a, n_a)$", "$(n_y, n_a)$")


def _tiny_tagger(n_x: int, n_a: int, n_y: int):
    """x<1..T> -> SimpleRNN(n_a) -> Dense(n_y) at every step, with random weights."""
    import keras

    from rnn_utils.layers import SimpleRNN

    return keras.Sequential(
        [
            keras.Input((None, n_x)),
            SimpleRNN(n_a, return_sequences=True),
            keras.layers.Dense(n_y, activation="softmax"),
        ]
    )


def _evidence_param_count() -> int:
    return int(_tiny_tagger(n_x=10, n_a=16, n_y=4).count_params())


def _evidence_future_input() -> str:
    import keras
    import numpy as np

    model = _tiny_tagger(n_x=3, n_a=8, n_y=2)
    x = np.random.default_rng(0).normal(size=(1, 6, 3)).astype("float32")
    changed = x.copy()
    changed[:, 3] += 5.0  # change x<4> only (index 3), so t = 3 is the step before it
    y = keras.ops.convert_to_numpy(model(x))
    y_changed = keras.ops.convert_to_numpy(model(changed))
    # Exact on purpose: one model, one input shape, identical x<1..3>, so steps 1..3 run the same
    # operations on the same numbers on any machine; a difference could only come from x<4>.
    if np.array_equal(y[:, :3], y_changed[:, :3]):
        return "c"  # ŷ<1..3> bit-for-bit unchanged
    return "a"


def _evidence_wax_shape() -> str:
    import numpy as np

    from rnn_utils.layers import SimpleRNN
    from rnn_utils.scratch import from_keras_weights

    layer = SimpleRNN(5)  # n_a = 5
    layer(np.zeros((1, 2, 3), "float32"))  # n_x = 3
    shape = from_keras_weights("rnn", layer.get_weights())["Wax"].shape
    return {(3, 5): "a", (5, 3): "b", (5, 5): "c"}.get(shape, "d")


def _evidence_initial_state() -> str:
    import keras
    import numpy as np

    from rnn_utils.layers import SimpleRNN

    layer = SimpleRNN(4, bias_initializer="random_normal")
    x = np.random.default_rng(1).normal(size=(2, 3, 3)).astype("float32")
    default = keras.ops.convert_to_numpy(layer(x))
    candidates = {"d": np.zeros((2, 4), "float32"), "c": np.ones((2, 4), "float32")}
    for letter, a0 in candidates.items():
        given = keras.ops.convert_to_numpy(layer(x, initial_state=[a0]))
        # A tolerance, not equality: the default a<0> and a given one reach the loop by two
        # code paths. Ones instead of zeros move the output by far more than 1e-6.
        if np.allclose(default, given, rtol=0, atol=1e-6):
            return letter
    return "a"


def _evidence_shared_matrices() -> int:
    import numpy as np

    from rnn_utils.layers import SimpleRNN

    counts = set()
    for steps in (5, 50):  # the count must not depend on T
        layer = SimpleRNN(4)
        layer(np.zeros((1, steps, 3), "float32"))
        counts.add(sum(len(w.shape) == 2 for w in layer.weights))
    if len(counts) != 1:
        raise AssertionError(f"matrix count depends on T: {counts}")
    return counts.pop()


def _evidence_compact_shape() -> str:
    import numpy as np

    from rnn_utils.scratch import init_params

    n_x, n_a = 3, 5
    params = init_params("rnn", n_x=n_x, n_a=n_a, n_y=2)
    shape = np.hstack([params["Waa"], params["Wax"]]).shape
    options = {(n_a, n_a + n_x): "a", (n_a + n_x, n_a): "b", (n_a, n_a * n_x): "c"}
    return options.get(shape, "d")


QUIZ = Quiz(
    "02 — the vanilla RNN",
    [
        Question(
            "param_count",
            "A tagger reads one-hot vectors $x^{\\langle t\\rangle}$ of size $n_x = 10$, has "
            "$n_a = 16$ hidden units and a softmax over $n_y = 4$ tags at every step "
            "(weights $W_{aa}, W_{ax}, b_a, W_{ya}, b_y$). How many trainable parameters does "
            "it have?",
            "numeric",
            key="a5a0bdfee95cebdfb531",
            tolerance=0.5,
            explanation="n_a·n_a + n_a·n_x + n_a + n_y·n_a + n_y = 256 + 160 + 16 + 64 + 4 = 500, "
            "whatever the sequence length.",
            hint="Add the sizes of W_aa (n_a × n_a), W_ax (n_a × n_x), b_a, W_ya (n_y × n_a), b_y.",
            evidence=_evidence_param_count,
            evidence_note="count_params() of SimpleRNN(16) + Dense(4) on 10 input features",
        ),
        Question(
            "future_input",
            "In a left-to-right (unidirectional) RNN, you change only the input "
            "$x^{\\langle t+1\\rangle}$. What happens to the prediction "
            "$\\hat{y}^{\\langle t\\rangle}$?",
            "single",
            options=(
                "It changes, because all inputs share the same weights.",
                "It changes a little, through the recurrent matrix $W_{aa}$.",
                "It stays exactly the same: $\\hat{y}^{\\langle t\\rangle}$ depends only on "
                "$x^{\\langle 1\\rangle}, \\dots, x^{\\langle t\\rangle}$.",
                "It changes only if $x^{\\langle t+1\\rangle}$ is an unknown word.",
            ),
            key="93970d05b0c9f5ddc507",
            explanation="a<t> is computed before x<t+1> is read, so ŷ<t> cannot depend on it: "
            "that is why a bidirectional RNN exists.",
            hint="Which inputs have been read when a<t> is computed?",
            evidence=_evidence_future_input,
            evidence_note="change x<4> of a random sequence; compare ŷ<1..3> bit for bit",
        ),
        Question(
            "wax_shape",
            "In the course notation (column vectors, $a^{\\langle t\\rangle} = "
            "g_1(W_{aa} a^{\\langle t-1\\rangle} + W_{ax} x^{\\langle t\\rangle} + b_a)$), "
            "what is the shape of $W_{ax}$?",
            "single",
            options=_SHAPE_OPTIONS,
            key="625e019e3df4f20b93a7",
            explanation="W_ax maps x<t> (n_x values) to the n_a hidden units. Keras stores its "
            "transpose, the (n_x, n_a) `kernel`.",
            hint="W_ax x<t> must be a vector of size n_a.",
            evidence=_evidence_wax_shape,
            evidence_note="W_ax of a SimpleRNN(5) built on 3 features, via from_keras_weights",
        ),
        Question(
            "initial_state",
            "When you call a `SimpleRNN` layer without `initial_state`, what is "
            "$a^{\\langle 0\\rangle}$?",
            "single",
            options=(
                "A random vector, drawn again at every call.",
                "The first input $x^{\\langle 1\\rangle}$.",
                "A vector of ones.",
                "The zero vector.",
            ),
            key="a608ba9185dd854730f8",
            explanation="a<0> = 0, as in the equations; pass `initial_state` to start elsewhere.",
            hint="Compare the layer's output with what you get when you pass candidate a<0> "
            "vectors explicitly.",
            evidence=_evidence_initial_state,
            evidence_note="which explicit initial_state reproduces the default output (to 1e-6)",
        ),
        Question(
            "shared_matrices",
            "A vanilla RNN cell (without its output layer) reads a sequence of $T_x = 50$ steps. "
            "Written in the two-matrix form (the one Keras uses), how many distinct weight "
            "matrices does it use in total?",
            "numeric",
            key="b5fe02e35143db1db1d4",
            tolerance=0.5,
            explanation="Two, W_aa and W_ax (plus the bias vector b_a), shared by every step; "
            "the count does not grow with T_x. The compact form stacks them into one, "
            "W_a = [W_aa W_ax]: the same computation, still independent of T_x.",
            hint="The same cell, with the same weights, is applied at every time step.",
            evidence=_evidence_shared_matrices,
            evidence_note="2-D weights of a SimpleRNN built on T = 5 and on T = 50",
        ),
        Question(
            "compact_shape",
            "The compact form writes $a^{\\langle t\\rangle} = "
            "g_1(W_a [a^{\\langle t-1\\rangle}; x^{\\langle t\\rangle}] + b_a)$ with "
            "$W_a = [W_{aa} \\; W_{ax}]$. What is the shape of $W_a$?",
            "single",
            options=(
                "$(n_a, n_a + n_x)$",
                "$(n_a + n_x, n_a)$",
                "$(n_a, n_a \\cdot n_x)$",
                "$(2 n_a, n_x)$",
            ),
            key="9cd48dc155a495c28119",
            explanation="W_aa and W_ax both have n_a rows; side by side: n_a + n_x columns.",
            hint="Place an (n_a, n_a) and an (n_a, n_x) matrix side by side.",
            evidence=_evidence_compact_shape,
            evidence_note="np.hstack([W_aa, W_ax]).shape for n_x = 3, n_a = 5",
        ),
        Question(
            "masking",
            "A tagger pads its sentences with id 0 and uses `Embedding(mask_zero=True)` before a "
            "`SimpleRNN(return_sequences=True)`. Which statements are true?",
            "multiple",
            options=(
                "At a padded step the state $a^{\\langle t\\rangle}$ is carried over unchanged.",
                "The predictions at padded steps still count in the training loss.",
                "The padding token must have id 0 for `mask_zero=True` to find it.",
                "Masking lets the RNN use the words that come after position $t$.",
            ),
            key="b741ecbe23da6cfb289a",
            explanation="The mask skips padded steps (state carried over) and Keras drops them "
            "from the loss; it never gives the RNN access to later words.",
            hint="The mask marks which steps are real; think about what a skipped step does to "
            "a<t> and to the loss, and which id is treated as padding.",
        ),
    ],
)
