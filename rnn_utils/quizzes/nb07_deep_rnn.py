"""Quiz of notebook 07: deep RNNs: grid of units, parameters, paths, cost, dropout, shortcuts."""

from __future__ import annotations

import numpy as np

from rnn_utils.quiz import Question, Quiz


def _param_count_evidence():
    """count_params() of two stacked Keras LSTMs (32 then 16 units) on 10 input features."""
    from rnn_utils import import_keras_quietly

    keras = import_keras_quietly()
    model = keras.Sequential(
        [
            keras.Input((None, 10)),
            keras.layers.LSTM(32, return_sequences=True),
            keras.layers.LSTM(16, return_sequences=True),
        ]
    )
    return model.count_params()


def _longest_path_evidence():
    """Shortest and longest path from x<1> to ŷ<5> through 3 layers: equal lengths -> (d)."""
    from rnn_utils.depth import path_lengths

    shortest, longest, count = path_lengths(depth=3, T=5)
    return "d" if shortest == longest and count > 1 else "a"


def _critical_path_evidence():
    """Earliest wave at which each cell (l, t) can run: 1 + max(left neighbour, lower one)."""
    from rnn_utils.depth import sequential_waves

    return sequential_waves(depth=4, T=10)


def _recurrent_mask_evidence():
    """Read the recurrent dropout mask from the outputs of a linear RNN with W_aa = I."""
    import rnn_utils  # noqa: F401  (quiet TensorFlow before it loads)
    from rnn_utils.layers import SimpleRNN

    n_a, T = 16, 6
    layer = SimpleRNN(
        n_a, activation="linear", recurrent_dropout=0.5, seed=1, use_bias=False,
        return_sequences=True,
    )  # fmt: skip
    layer.build((None, T, 1))
    layer.set_weights([np.zeros((1, n_a)), np.eye(n_a)])
    ones = np.ones((2, n_a), "float32")
    x = np.zeros((2, T, 1), "float32")
    a = np.asarray(layer(x, initial_state=[ones], training=True))  # a<t> = m^t (element-wise)
    a_test = np.asarray(layer(x, initial_state=[ones], training=False))
    kept = a != 0
    same_every_step = bool(np.all(kept == kept[:, :1]))
    if not np.allclose(a_test, 1.0):
        return "d"
    return "b" if same_every_step else "a"


def _residual_gradient_evidence():
    """‖∂L<T>/∂a^[1]<T>‖ of a 6-layer GRU stack at initialisation, with and without residuals."""
    from rnn_utils.scratch.deep import deep_state_gradient_norms, init_deep_params

    x = np.random.default_rng(0).normal(size=(4, 12, 8))
    params = init_deep_params("gru", 8, [8] * 6, 3, seed=0)
    plain = deep_state_gradient_norms("gru", x, params)[0, -1]
    residual = deep_state_gradient_norms("gru", x, params, residual=True)[0, -1]
    return "b" if residual > 10 * plain else ("c" if plain > 10 * residual else "a")


def _head_path_evidence():
    """How much longer x<1> -> ŷ<T> gets with a per-step head of 2 hidden layers (T = 10)."""
    from rnn_utils.depth import path_lengths

    plain = path_lengths(depth=1, T=10)
    headed = path_lengths(depth=1, T=10, head=2)
    return headed[1] - plain[1]


QUIZ = Quiz(
    "Deep RNNs",
    [
        Question(
            "param_count",
            "A stack of two Keras `LSTM` layers, 32 units then 16 units, reads inputs with "
            "$n_x = 10$ features. How many parameters does the stack have (no output layer)?",
            "numeric",
            key="6bd7c9deb708106363d6",
            tolerance=0.5,
            explanation="Layer 1: 4 · 32 · (32 + 10 + 1) = 5504. Layer 2 reads a^[1]<t>, 32 "
            "features: 4 · 16 · (16 + 32 + 1) = 3136. Total 8640.",
            hint="Each layer has 4 gate blocks of n^[l] · (n^[l] + n^[l-1] + 1) weights, and "
            "layer 2's input size is layer 1's width, not n_x.",
            evidence=_param_count_evidence,
            evidence_note="count_params() of the two-layer Keras stack",
        ),
        Question(
            "longest_path",
            "In a 3-layer RNN unrolled over $T = 5$ steps, which path from "
            "$x^{\\langle 1 \\rangle}$ to $\\hat{y}^{\\langle 5 \\rangle}$ crosses the most "
            "weight layers?",
            "single",
            key="7c28ea3916f0a2f11f8d",
            options=(
                "Along layer 1 to step 5, then up through layers 2 and 3.",
                "Up to layer 3 at step 1, then along layer 3 to step 5.",
                "A staircase that alternates right and up.",
                "None: every such path crosses the same number, $T + L = 8$.",
            ),
            explanation="Every path makes T − 1 steps right and L − 1 steps up, in some order, "
            "plus the input edge x<1> → a^[1]<1> and the softmax: all have length T + L. There "
            "are C(6, 2) = 15.",
            hint="Count the right-moves and the up-moves any path must make.",
            evidence=_longest_path_evidence,
            evidence_note="path_lengths(depth=3, T=5): shortest == longest",
        ),
        Question(
            "critical_path",
            "Cell $a^{[l]\\langle t \\rangle}$ can be computed once $a^{[l]\\langle t-1 \\rangle}$ "
            "and $a^{[l-1]\\langle t \\rangle}$ are known. With unlimited parallel hardware, in "
            "how many sequential waves can a 4-layer stack process $T = 10$ steps?",
            "numeric",
            key="476fbf06aacb42a4e68e",
            tolerance=0.5,
            explanation="The cells of one anti-diagonal (l + t constant) are independent: "
            "T + L − 1 = 13 waves, instead of L · T = 40 cell evaluations one after another.",
            hint="Which cells can run at the same time? Look at the diagonals of the grid.",
            evidence=_critical_path_evidence,
            evidence_note="earliest wave of every cell, 1 + max(left, below)",
        ),
        Question(
            "recurrent_mask",
            "A layer is trained with `recurrent_dropout=0.5`. The dropout mask on "
            "$a^{\\langle t-1 \\rangle}$ is:",
            "single",
            key="cbdc7791fe5469dc90de",
            options=(
                "drawn anew at every time step;",
                "drawn once per sequence (per call) and reused at every time step, in training "
                "only;",
                "drawn once when the layer is built and kept for ever;",
                "applied in training and at inference alike.",
            ),
            explanation="Variational dropout: the same units are silenced at every step of a "
            "sequence, so the recurrence is not hit by fresh noise at each step; at inference "
            "nothing is dropped.",
            hint="Run a linear RNN with W_aa = I from a<0> = 1: which units are zero at each step?",
            evidence=_recurrent_mask_evidence,
            evidence_note="a linear RNN with W_aa = I: the same units are zero at every step",
        ),
        Question(
            "residual_gradient",
            "At initialisation, a 6-layer GRU stack gets residual connections: layer $l$ "
            "passes up $o^{[l]} = a^{[l]} + o^{[l-1]}$ (its recurrence keeps $a^{[l]}$). What "
            "happens to "
            "$\\|\\partial L^{\\langle T \\rangle} / \\partial a^{[1]\\langle T \\rangle}\\|$, the "
            "gradient that reaches layer 1 at the last step?",
            "single",
            key="6bec2cc12d1925049590",
            options=(
                "About the same.",
                "Much larger: the identity shortcut carries the top layer's gradient down.",
                "Much smaller: the sum of two terms cancels.",
                "It becomes exactly zero.",
            ),
            explanation="∂o^[l]/∂o^[l-1] gains an identity term, so the gradient needs no "
            "weights to reach layer 1; without it, each layer's Jacobian (a matrix) shrinks the "
            "gradient norm at this initialisation.",
            hint="Differentiate o^[l] = f(o^[l-1]) + o^[l-1] with respect to o^[l-1].",
            evidence=_residual_gradient_evidence,
            evidence_note="deep_state_gradient_norms with and without residual (> 10x)",
        ),
        Question(
            "head_path",
            "Seed 001's other deep RNN puts an ordinary network with 2 hidden layers on each "
            "step's output of a one-layer RNN. By how many weight layers does that lengthen the "
            "path from $x^{\\langle 1 \\rangle}$ to $\\hat{y}^{\\langle T \\rangle}$ ($T = 10$)?",
            "numeric",
            key="5361b8cc5ea25f6f0f0f",
            tolerance=0.5,
            explanation="Only the read-out a<T> → ŷ<T> gets longer, by its 2 hidden layers; the "
            "path through time still crosses one layer per step.",
            hint="The head is not connected in time: it sits between a<t> and ŷ<t> only.",
            evidence=_head_path_evidence,
            evidence_note="path_lengths(1, 10, head=2) − path_lengths(1, 10)",
        ),
        Question(
            "very_deep",
            "Seed 001 says three stacked recurrent layers are already 'very deep', while "
            "feed-forward networks may have a hundred layers. Why?",
            "single",
            key="335dc38a2e985e4632e4",
            options=(
                "Recurrent layers have more parameters than dense layers.",
                "Each layer is also unrolled in time, so paths from early inputs to the output "
                "cross T + L layers, and the layers must run one after another at every step.",
                "Deeper stacks cannot be trained with backpropagation.",
                "Keras limits stacks to three layers.",
            ),
            explanation="Depth in time adds to depth in layers: the gradient from ŷ<T> to "
            "x<1> crosses T + L weight layers, and each extra layer adds T cell evaluations per "
            "sequence (run one after another on one core; with full parallelism, one more "
            "wave).",
            hint="Count the weight layers between x<1> and ŷ<T> in the grid.",
        ),
        Question(
            "dropout_where",
            "In a deep stack, which of these does a layer's `dropout` argument multiply by a "
            "mask (in training)?",
            "single",
            key="d7e5bcf49a77edbb0538",
            options=(
                "The layer's input $a^{[l-1]\\langle t \\rangle}$ (x<t> for layer 1), the same "
                "mask at every step.",
                "The layer's previous state $a^{[l]\\langle t-1 \\rangle}$.",
                "The weights $W_a^{[l]}$.",
                "The output $\\hat{y}^{\\langle t \\rangle}$.",
            ),
            explanation="`dropout` masks what enters from below (between layers); "
            "`recurrent_dropout` masks what enters from the left, a<t-1>.",
            hint="Which of the two arrows into a cell of the grid does each argument act on?",
        ),
    ],
)
