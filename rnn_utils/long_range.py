"""Long-range memory: adding-problem models, a deterministic training loop, gradients over time.

Taught in notebook 04 (vanilla RNN against GRU) and reused by notebook 05 (LSTM), so that both
notebooks train and measure their cells in exactly the same way:

- :func:`adding_model`: one of our recurrent layers (``SimpleRNN``, ``GRU``, ``LSTM`` from
  :mod:`rnn_utils.layers`) followed by ``Dense(1)``, for
  :func:`rnn_utils.datasets.adding_problem`;
- :func:`train_adding`: Adam with gradient-norm clipping on fresh seeded batches, with the
  held-out MSE measured on one fixed held-out set every ``eval_every`` steps; returns an
  :class:`AddingRun`;
- :func:`adding_baseline_mse`: the MSE of the best constant prediction on that held-out set
  (≈ 1/6: a model below it has learned something);
- :func:`keras_state_gradient_norms`: ‖∂a<T>/∂a<t>‖ for every t, by TensorFlow autodiff through
  our layer's own step function (the Keras twin of :func:`rnn_utils.scratch.state_gradient_norms`);
- :func:`plot_adding_runs`: learning curves of several runs with the baseline drawn.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from rnn_utils.datasets import adding_problem

__all__ = [
    "HELDOUT_SEED",
    "AddingRun",
    "adding_baseline_mse",
    "adding_model",
    "keras_state_gradient_norms",
    "pin_gru_gate",
    "plot_adding_runs",
    "train_adding",
]

#: Seed of the held-out adding-problem set; training batches use other seeds (see train_adding).
HELDOUT_SEED = 987_654


def _layer_classes():
    from rnn_utils.layers import GRU, LSTM, SimpleRNN

    return {"rnn": SimpleRNN, "gru": GRU, "lstm": LSTM}


def check_int(name, value, low=1):
    """Return ``value`` as an int if it is one and ≥ ``low``, else raise a clear error."""
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < low:
        raise ValueError(f"{name} must be an int >= {low}, got {value!r}.")
    return int(value)


def adding_model(layer_or_kind, units=32, T=100, seed=0, **layer_kwargs):
    """A recurrent layer (last state only) followed by ``Dense(1)``, for the adding problem.

    Args:
        layer_or_kind: ``"rnn"``, ``"gru"`` or ``"lstm"`` (our ``SimpleRNN``, ``GRU``, ``LSTM``
            with ``units`` and ``layer_kwargs``), or an unbuilt recurrent layer instance that
            returns its last state, shape (batch, n_a); such a layer keeps the initializer
            seeds drawn when it was created (``seed`` then seeds only the ``Dense`` head).
        units: n_a, when a kind is given.
        T: sequence length (the input shape is (T, 2)).
        seed: seeds the initial weights (``keras.utils.set_random_seed``).
        **layer_kwargs: more arguments of the layer (e.g. ``reset_after=False``), kinds only.

    Returns:
        An uncompiled ``keras.Sequential`` mapping (batch, T, 2) to (batch, 1).

    Example:
    >>> model = adding_model("gru", units=4, T=10)
    >>> model.output_shape, model.count_params()
    ((None, 1), 101)
    """
    import keras

    T = check_int("T", T, 2)
    seed = check_int("seed", seed, 0)
    keras.utils.set_random_seed(seed)
    if isinstance(layer_or_kind, str):
        classes = _layer_classes()
        if layer_or_kind not in classes:
            raise ValueError(f"kind must be one of {sorted(classes)}, got {layer_or_kind!r}.")
        layer = classes[layer_or_kind](check_int("units", units, 1), **layer_kwargs)
        name = f"adding_{layer_or_kind}"
    elif isinstance(layer_or_kind, keras.layers.Layer):
        if layer_kwargs:
            raise ValueError("layer_kwargs are only used with a kind name, not a layer instance.")
        layer, name = layer_or_kind, f"adding_{layer_or_kind.name}"
    else:
        raise ValueError(
            f"layer_or_kind must be 'rnn', 'gru', 'lstm' or a Keras layer, got {layer_or_kind!r}."
        )
    return keras.Sequential([keras.Input((T, 2)), layer, keras.layers.Dense(1)], name=name)


def adding_baseline_mse(T=100, n_heldout=1000):
    """MSE of the best constant guess (the targets' mean) on the held-out set of ``train_adding``.

    The target is a sum of two Uniform[0, 1) values, so this is close to its variance, 1/6.

    Example:
    >>> round(adding_baseline_mse(T=10), 2)
    0.17
    """
    n_heldout, T = check_int("n_heldout", n_heldout, 2), check_int("T", T, 2)
    _, y = adding_problem(n_heldout, T, HELDOUT_SEED)
    return float(np.mean((y - y.mean()) ** 2))


@dataclass
class AddingRun:
    """What :func:`train_adding` returns.

    Attributes:
        steps: the update counts at which the model was evaluated.
        train_mse: mean training MSE over the updates since the previous evaluation.
        heldout_mse: MSE on the fixed held-out set after ``steps[i]`` updates.
        baseline_mse: :func:`adding_baseline_mse` of the same held-out set.
    """

    steps: list = field(default_factory=list)
    train_mse: list = field(default_factory=list)
    heldout_mse: list = field(default_factory=list)
    baseline_mse: float = float("nan")

    @property
    def final_mse(self):
        """The last held-out MSE."""
        return self.heldout_mse[-1]

    def steps_to(self, threshold):
        """The first evaluated step whose held-out MSE is below ``threshold`` (None if none)."""
        pairs = zip(self.steps, self.heldout_mse, strict=True)
        return next((step for step, mse in pairs if mse < threshold), None)


def train_adding(
    model,
    T,
    steps,
    batch_size=64,
    lr=3e-3,
    clipnorm=1.0,
    seed=0,
    eval_every=50,
    n_heldout=1000,
    verbose=False,
    stop_below=None,
):
    """Train ``model`` on the adding problem with Adam, evaluating on a fixed held-out set.

    Every update sees a fresh batch: the ``eval_every`` batches between two evaluations are drawn
    together with ``adding_problem(eval_every * batch_size, T, seed=1_000_003 * (seed + 1) + k)``
    for chunk k. The held-out set is ``adding_problem(n_heldout, T, HELDOUT_SEED)``, the same for
    every model and seed. The model is compiled here (MSE loss, ``Adam(lr, clipnorm=clipnorm)``,
    which rescales each weight's gradient whose own norm exceeds ``clipnorm``; Keras's
    ``global_clipnorm`` would rescale them all together).

    Args:
        model: a Keras model mapping (batch, T, 2) to (batch, 1), e.g. from :func:`adding_model`.
        T: sequence length. steps: number of updates, a multiple of ``eval_every``.
        batch_size: sequences per update. lr: Adam's learning rate.
        clipnorm: per-weight norm clipping threshold (Keras's ``clipnorm``), or None for none.
        seed: seeds the training batches and Keras's random state.
        eval_every: updates between two held-out evaluations.
        n_heldout: size of the held-out set.
        verbose: print one rounded line per evaluation.
        stop_below: stop after the first evaluation whose held-out MSE is below this value
            (for counting the updates a model needs, e.g. ``run.steps_to(stop_below)``); None,
            the default, trains all ``steps``.

    Returns:
        An :class:`AddingRun` (with fewer evaluations than ``steps // eval_every`` when it
        stopped early).

    Example:
    >>> run = train_adding(adding_model("gru", units=4, T=10), T=10, steps=10, eval_every=5)
    >>> run.steps, round(run.baseline_mse, 2)
    ([5, 10], 0.17)
    """
    import keras

    T = check_int("T", T, 2)
    steps = check_int("steps", steps, 1)
    eval_every = check_int("eval_every", eval_every, 1)
    batch_size = check_int("batch_size", batch_size, 1)
    seed = check_int("seed", seed, 0)
    if steps % eval_every:
        raise ValueError(f"steps ({steps}) must be a multiple of eval_every ({eval_every}).")
    if not lr > 0 or (clipnorm is not None and not clipnorm > 0):
        raise ValueError(f"lr and clipnorm must be > 0, got lr={lr!r}, clipnorm={clipnorm!r}.")
    if stop_below is not None and not stop_below > 0:
        raise ValueError(f"stop_below must be > 0 or None, got {stop_below!r}.")
    shape = tuple(model.input_shape)
    if shape[1:] != (T, 2) and shape[1:] != (None, 2):
        raise ValueError(f"model must take inputs of shape (batch, {T}, 2), got {shape}.")
    x_held, y_held = adding_problem(check_int("n_heldout", n_heldout, 2), T, HELDOUT_SEED)
    run = AddingRun(baseline_mse=adding_baseline_mse(T, n_heldout))
    keras.utils.set_random_seed(seed)
    model.compile(optimizer=keras.optimizers.Adam(lr, clipnorm=clipnorm), loss="mse")
    for chunk in range(steps // eval_every):
        x, y = adding_problem(eval_every * batch_size, T, seed=1_000_003 * (seed + 1) + chunk)
        # The batches in order, one update each: what fit(shuffle=False) does, without the
        # set-up cost of a fit and an evaluate call per chunk (a quarter of an LSTM run's time).
        losses = []
        for i in range(0, len(x), batch_size):
            model.reset_metrics()  # so train_on_batch returns this batch's loss in any Keras 3
            losses.append(float(model.train_on_batch(x[i : i + batch_size], y[i : i + batch_size])))
        held = np.mean((np.asarray(model.predict_on_batch(x_held)) - y_held) ** 2)
        run.steps.append((chunk + 1) * eval_every)
        run.train_mse.append(float(np.mean(losses)))
        run.heldout_mse.append(float(held))
        if verbose:
            print(
                f"step {run.steps[-1]:5d} | train MSE {run.train_mse[-1]:.4f} | "
                f"held-out MSE {run.heldout_mse[-1]:.4f}"
            )
        if stop_below is not None and run.heldout_mse[-1] < stop_below:
            break
    return run


def keras_state_gradient_norms(layer, x, wrt="a"):
    """‖∂s<T>/∂s<t>‖ for every step t, for one of our sequence layers (s = a, or c for the LSTM).

    Runs the layer's own cell step (``layer.cell.recurrent_step``) over ``x`` under the
    backend's autodiff (:mod:`rnn_utils.autodiff`), adding a zero "probe" to the state after
    each step; the gradient with
    respect to the probe of step t is the gradient with respect to s<t>. Each example is
    repeated n_a times and copy k differentiates unit k of s<T>, so ONE backward pass gives the
    whole Jacobian ∂s<T>/∂s<t> (n_a × n_a) of every t. For the LSTM and ``wrt="a"`` the memory
    cell is held as a separate state (as in :func:`rnn_utils.scratch.state_gradient_norms`); with
    ``wrt="c"`` the probe is added to c<t> after a<t> has been computed, so a<t> is held and
    the paths other than the cell's own leave it through a<t+1>, a<t+2>, ….
    Any Keras backend; ignores masks and ``go_backwards``.

    Args:
        layer: our ``SimpleRNN``, ``GRU`` or ``LSTM`` (built or not).
        x: inputs, (m, T, n_x); keep m · n_a small (a few hundred).
        wrt: ``"a"`` (the hidden state) or ``"c"`` (the LSTM's memory cell).

    Returns:
        Array (T,): entry t is the mean over the m examples of the Frobenius norm of
        ∂s<T>/∂s<t+1> (0-based: the state after reading ``x[:, t]``). The last entry is the
        identity's norm, √n_a.

    Example:
    >>> from rnn_utils.layers import GRU
    >>> norms = keras_state_gradient_norms(GRU(4), np.ones((2, 6, 3)))
    >>> norms.shape, round(float(norms[-1]), 4)
    ((6,), 2.0)
    """
    from keras import ops

    from rnn_utils.autodiff import value_and_gradients

    if not getattr(layer, "is_sequence_layer", False):
        raise ValueError(f"layer must be our SimpleRNN, GRU or LSTM, got {type(layer).__name__}.")
    x = np.asarray(x, dtype=layer.compute_dtype)
    if x.ndim != 3:
        raise ValueError(f"x must have shape (m, T, n_x), got {x.shape}.")
    if not layer.built:
        layer.build(x.shape)
    cell, n = layer.cell, layer.units
    index = {"a": 0, "c": 1}.get(wrt)
    if index is None or index >= layer.state_count:
        allowed = "'a' or 'c'" if layer.state_count > 1 else "'a'"
        raise ValueError(f"wrt must be {allowed} for this layer, got {wrt!r}.")
    m, T = x.shape[:2]
    repeated = np.repeat(x, n, axis=0)  # row i * n + k: example i, output unit k
    select = np.tile(np.eye(n, dtype=x.dtype), (m, 1))
    projected = cell.project_inputs(repeated)  # sliced inside target: compiled with it on JAX
    weights = cell.step_weights()

    def target(*probes):
        states = cell.get_initial_state(m * n)
        for t in range(T):
            _, states = cell.recurrent_step(projected[:, t], states, weights)
            states = list(states)
            states[index] = states[index] + probes[t]
        return ops.sum(states[index] * select)

    probes = [np.zeros((m * n, n), dtype=x.dtype) for _ in range(T)]
    _, grads = value_and_gradients(target, *probes)
    jac = np.stack(grads, axis=1)  # (m n, T, n)
    jac = jac.reshape(m, n, T, n)  # example, unit k of s<T>, step t, unit j of s<t>
    return np.sqrt(np.sum(jac**2, axis=(1, 3))).mean(axis=0)


def plot_adding_runs(runs, ax=None, figsize=(6.0, 3.2), title="the adding problem"):
    """Held-out MSE against training steps for several runs, with the constant baseline.

    Args:
        runs: dict ``{label: AddingRun}``.
        ax: a Matplotlib ``Axes``, or None for a new figure of ``figsize``.
        title: the Axes title.

    Returns:
        The ``Axes`` (log-scaled MSE; one line per run plus the dashed baseline).

    Example:
    >>> run = AddingRun([50, 100], [0.2, 0.1], [0.15, 0.05], 1 / 6)
    >>> len(plot_adding_runs({"GRU": run}).get_lines())
    2
    """
    from rnn_utils.plots.style import COURSE_COLORS, COURSE_CYCLE, new_axes

    if not isinstance(runs, dict) or not runs:
        raise ValueError("runs must be a non-empty dict {label: AddingRun}.")
    ax = new_axes(ax, figsize)
    for i, (label, run) in enumerate(runs.items()):
        if not isinstance(run, AddingRun):
            raise ValueError(f"runs[{label!r}] must be an AddingRun, got {type(run).__name__}.")
        color = COURSE_CYCLE[i % len(COURSE_CYCLE)]
        ax.semilogy(run.steps, run.heldout_mse, marker=".", color=color, label=label)
    baseline = next(iter(runs.values())).baseline_mse
    ax.axhline(baseline, color=COURSE_COLORS["muted"], ls="--", lw=1, label="constant guess")
    ax.set_xlabel("training step (batches of sequences)")
    ax.set_ylabel("held-out MSE")
    ax.set_title(title)
    ax.legend()
    return ax


def _pinned_block(block, units, value=None):
    """A Keras constraint: the columns of one gate block are 0, its bias (first row) ``value``.

    A subclass of ``keras.constraints.Constraint`` (made here, so the module imports without
    Keras): Keras before 3.14 accepts nothing else as a variable's constraint.
    """
    import keras

    class PinnedBlock(_PinnedBlock, keras.constraints.Constraint):
        pass

    return PinnedBlock(block, units, value)


class _PinnedBlock:
    """The constraint's rule (see :func:`_pinned_block`)."""

    def __init__(self, block, units, value=None):
        self.block, self.units, self.value = block, units, value

    def __call__(self, w):
        from keras import ops

        w = ops.convert_to_tensor(w)  # Keras passes the variable itself (jnp.where refuses one)
        cols = ops.arange(w.shape[-1])
        inside = (cols >= self.block * self.units) & (cols < (self.block + 1) * self.units)
        kept = ops.where(inside, ops.zeros_like(w), w)
        if self.value is None:
            return kept
        if len(w.shape) == 2:  # reset_after=True bias: (input row, recurrent row)
            first = ops.where(inside, self.value, w[0])
            return ops.stack([ops.cast(first, w.dtype), kept[1]])
        return ops.where(inside, ops.cast(self.value, w.dtype), w)


def pin_gru_gate(layer, gate, strength=30.0):
    """Remove one gate of a built GRU by pinning it at 1 (the two variants of the seed's quiz).

    ``gate="reset"`` makes Γ_r ≡ 1 (the simplified GRU); ``gate="update"`` makes Γ_u ≡ 1, so
    a<t> = c̃<t> (Keras z ≡ 0). The gate's kernel and recurrent columns become 0 and its bias
    ±``strength`` (σ(30) is 1 in float32; z gets −30 because Γ_u = 1 − z); the same values are
    installed as variable constraints, which Keras re-applies after every optimizer update.

    Args:
        layer: a built ``rnn_utils.layers.GRU`` (e.g. ``model.layers[0]``).
        gate: ``"reset"`` or ``"update"``.
        strength: the bias magnitude that saturates the sigmoid.

    Returns:
        The layer (modified in place).

    Example:
    >>> model = adding_model("gru", units=3, T=5)
    >>> gates = pin_gru_gate(model.layers[0], "reset").trace(np.ones((1, 5, 2)))
    >>> float(gates["gamma_r"].min())
    1.0
    """
    from rnn_utils.layers import GRU

    if not isinstance(layer, GRU) or not layer.built:
        raise ValueError(f"layer must be a built rnn_utils.layers.GRU, got {layer!r}.")
    blocks = {"update": (0, -strength), "reset": (1, strength)}  # Keras order z, r, h
    if gate not in blocks:
        raise ValueError(f"gate must be 'reset' or 'update', got {gate!r}.")
    block, bias_value = blocks[gate]
    cell, n = layer.cell, layer.units
    pins = [(cell.kernel, None), (cell.recurrent_kernel, None)]
    if cell.bias is None:
        raise ValueError("pin_gru_gate needs a GRU with use_bias=True.")
    pins.append((cell.bias, bias_value))
    for variable, value in pins:
        variable.constraint = _pinned_block(block, n, value)
        variable.assign(variable.constraint(variable))
    return layer
