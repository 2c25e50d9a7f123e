"""Recurrent networks from scratch in NumPy: forward passes, BPTT, clipping and gradient checks.

This is the public face of the from-scratch code used by the notebooks; the pieces live in
``core`` (parameter layout, checks, activations), ``rnn``, ``gru`` and ``lstm`` (one time step
of each cell, forward and backward, in seed notation), ``bptt`` (whole sequences, loss,
backpropagation through time), ``bidirectional`` (both directions, merge modes; notebook 06),
``deep`` (stacked layers and their BPTT; notebook 07), ``gradcheck`` (central differences,
clipping) and ``keras_weights`` (the map to Keras's built-in weight layout).

Conventions: float64, batch-major arrays (x is (m, T_x, n_x), like Keras), parameter dicts
keyed in the seed notation with column-vector shapes (W_ax is (n_a, n_x)).

Example:
    >>> import numpy as np
    >>> from rnn_utils.scratch import init_params, rnn_loss_and_grads, gradient_check
    >>> params = init_params("rnn", n_x=2, n_a=3, n_y=4, seed=0)
    >>> x = np.random.default_rng(0).normal(size=(2, 5, 2))
    >>> y = np.zeros((2, 5), dtype=int)
    >>> f = lambda p: rnn_loss_and_grads(x, y, np.zeros((2, 3)), p)
    >>> max(gradient_check(f, params).values()) < 1e-7
    True
"""

from __future__ import annotations

from rnn_utils.scratch.bidirectional import (
    MERGE_MODES,
    BidirectionalOutput,
    bidirectional_forward,
    bidirectional_loss_and_grads,
    init_bidirectional_params,
    merge_directions,
    split_bidirectional_params,
    to_keras_bidirectional_weights,
)
from rnn_utils.scratch.bptt import (
    gru_forward,
    gru_loss_and_grads,
    gru_state_gradient_norms,
    loss_and_grads,
    lstm_forward,
    lstm_loss_and_grads,
    lstm_state_gradient_norms,
    rnn_forward,
    rnn_loss_and_grads,
    rnn_state_gradient_norms,
    sequence_forward,
    state_gradient_norms,
)
from rnn_utils.scratch.core import (
    CELL_KEYS,
    OUTPUT_KEYS,
    init_params,
    scale_to_spectral_radius,
    sigmoid,
    softmax,
)
from rnn_utils.scratch.deep import (
    deep_forward,
    deep_loss_and_grads,
    deep_state_gradient_norms,
    deep_to_keras_weights,
    init_deep_params,
)
from rnn_utils.scratch.gradcheck import clip_gradients, clip_gradients_by_norm, gradient_check
from rnn_utils.scratch.gru import gru_cell_backward, gru_cell_forward
from rnn_utils.scratch.keras_weights import from_keras_weights, to_keras_weights
from rnn_utils.scratch.lstm import lstm_cell_backward, lstm_cell_forward
from rnn_utils.scratch.rnn import rnn_cell_backward, rnn_cell_forward

__all__ = [
    "MERGE_MODES",
    "BidirectionalOutput",
    "bidirectional_forward",
    "bidirectional_loss_and_grads",
    "init_bidirectional_params",
    "merge_directions",
    "split_bidirectional_params",
    "to_keras_bidirectional_weights",
    "deep_forward",
    "deep_loss_and_grads",
    "deep_state_gradient_norms",
    "deep_to_keras_weights",
    "init_deep_params",
    "CELL_KEYS",
    "OUTPUT_KEYS",
    "clip_gradients",
    "clip_gradients_by_norm",
    "from_keras_weights",
    "gradient_check",
    "gru_cell_backward",
    "gru_cell_forward",
    "gru_forward",
    "gru_loss_and_grads",
    "gru_state_gradient_norms",
    "init_params",
    "loss_and_grads",
    "lstm_cell_backward",
    "lstm_cell_forward",
    "lstm_forward",
    "lstm_loss_and_grads",
    "lstm_state_gradient_norms",
    "rnn_cell_backward",
    "rnn_cell_forward",
    "rnn_forward",
    "rnn_loss_and_grads",
    "rnn_state_gradient_norms",
    "scale_to_spectral_radius",
    "sequence_forward",
    "sigmoid",
    "softmax",
    "state_gradient_norms",
    "to_keras_weights",
]
