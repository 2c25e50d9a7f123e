"""Checks of notebook 01's exercises: one-hot vectors, array indices, padding, reading a padded
batch back, masked loss.

Each ``check_<name>(fn)`` calls the learner's ``fn`` on inputs of its own and compares the
result with the course's implementation (:func:`rnn_utils.text.one_hot`,
:func:`rnn_utils.text.pad_sequences`, :meth:`rnn_utils.tech_ner.TechNER.tags_from_ids`,
:func:`rnn_utils.language_model.masked_nll_per_token`).
The sizes all differ (7 ids in a vocabulary of 9; 4 sentences padded to 6 steps; 3 examples of
5 steps) so that a transposed array, a 1-based index or an inverted mask gives another answer,
and the message says which mistake the answer looks like.
"""

from __future__ import annotations

import numpy as np

from rnn_utils.exercises import ExerciseError, call, expect_close, expect_shape, passed
from rnn_utils.language_model import masked_nll_per_token
from rnn_utils.tech_ner import TechNER
from rnn_utils.text import one_hot, pad_sequences

__all__ = [
    "check_index_of",
    "check_masked_token_loss",
    "check_one_hot_by_hand",
    "check_pad_and_mask",
    "check_tags_from_ids",
]


def _right_padded_mask(lengths, steps: int) -> np.ndarray:
    """(m, steps) bool: True on the first ``lengths[i]`` slots of row i."""
    return np.arange(steps) < np.asarray(lengths)[:, None]


# --------------------------------------------------------------------------- Exercise 1


def check_one_hot_by_hand(fn) -> None:
    """``fn(ids, size)``: a float32 array (len(ids), size) with one 1 per row, at ids[t]."""
    rng = np.random.default_rng(1)
    size = 9
    ids = [0, size - 1, *rng.integers(1, size - 1, size=5).tolist()]  # first and last column
    what = "one_hot_by_hand(ids, size)"
    mine = call(fn, ids, size, hint="Row t gets its 1 in column ids[t], counting from 0")
    expected = one_hot(ids, size)
    values = expect_shape(mine, expected.shape, what, "(len(ids), size)")
    dtype = getattr(mine, "dtype", None)
    if dtype != np.float32:
        got = f"dtype {dtype}" if dtype is not None else f"a {type(mine).__name__}"
        raise ExerciseError(
            f"{what} should be a float32 NumPy array, got {got}: create it with "
            "np.zeros((len(ids), size), dtype=np.float32), as Vocabulary.one_hot does"
        )
    ids = np.array(ids)
    in_every_row = np.zeros_like(expected)
    in_every_row[:, ids] = 1.0
    mistakes = [
        (
            "the ids are read as 1-based (column ids[t] - 1): ids count from 0",
            np.eye(size)[ids - 1],
        ),
        (
            "every row gets a 1 for every id (vectors[:, ids] = 1): pick one entry per row, "
            "rows np.arange(len(ids)) and columns ids",
            in_every_row,
        ),
    ]
    expect_close(values, expected, what, mistakes, reference="rnn_utils.text.one_hot")
    passed("your one-hot vectors match Vocabulary.one_hot (float32, one 1 per row).")


# --------------------------------------------------------------------------- Exercise 2


def check_index_of(fn) -> None:
    """``fn(i, t)``: the NumPy index ``(i - 1, t - 1)`` of x^(i)<t> in a batch array x (m, T)."""
    m, steps = 3, 5
    pairs = [(i, t) for i in range(1, m + 1) for t in range(1, steps + 1)]
    found = []
    for i, t in pairs:
        index = call(fn, i, t, hint="Return a tuple of two ints, (example, time), counted from 0")
        if isinstance(index, list):
            raise ExerciseError(
                f"index_of({i}, {t}) returned a list: x[[a, b]] picks whole rows a and b, not "
                "one entry; return a tuple (a, b)"
            )
        if not isinstance(index, tuple) or len(index) != 2:
            raise ExerciseError(
                f"index_of({i}, {t}) returned {index!r}: return a tuple of two ints, "
                "(example index, time index)"
            )
        if not all(isinstance(k, int | np.integer) for k in index):
            raise ExerciseError(
                f"index_of({i}, {t}) returned {index!r}: NumPy indices must be ints, not floats"
            )
        found.append(index)
    pairs = np.array(pairs)
    i, t = pairs[:, 0], pairs[:, 1]
    expect_close(
        np.array(found, dtype=float),
        np.stack([i - 1, t - 1], axis=1),
        "the indices index_of(i, t) for i = 1..3, t = 1..5",
        [
            (
                "you keep the notation's counts, which start at 1: NumPy counts from 0, so "
                "x^(i)<t> is x[i - 1, t - 1]",
                pairs,
            ),
            (
                "example and time are swapped: axis 0 is the example (round brackets), "
                "axis 1 the time step (angle brackets)",
                np.stack([t - 1, i - 1], axis=1),
            ),
            ("only i is moved to 0-based counting: t needs - 1 too", np.stack([i - 1, t], axis=1)),
            ("only t is moved to 0-based counting: i needs - 1 too", np.stack([i, t - 1], axis=1)),
        ],
        reference="(i - 1, t - 1)",
    )
    passed("x[index_of(i, t)] is x^(i)<t> for every example i and step t.")


# --------------------------------------------------------------------------- Exercise 3


def check_pad_and_mask(fn) -> None:
    """``fn(sequences, pad_id)``: ``(ids, mask)``, int (m, T) right-padded with ``pad_id`` and
    bool (m, T) True on the real tokens, T the longest length; as
    :func:`rnn_utils.text.pad_sequences`."""
    rng = np.random.default_rng(3)
    lengths, pad_id = [3, 6, 1, 4], 9
    sequences = [rng.integers(10, 30, size=n).tolist() for n in lengths]  # never the pad id
    what = "pad_and_mask(sequences, pad_id)"
    out = call(fn, sequences, pad_id, hint="Start from np.full((m, T), pad_id) and fill each row")
    if not isinstance(out, tuple) or len(out) != 2:
        raise ExerciseError(f"{what} should return the pair (ids, mask), got {type(out).__name__}")
    ids, mask = out
    expected_ids, expected_mask = pad_sequences(sequences, value=pad_id)
    shape = expected_ids.shape
    ids_values = expect_shape(ids, shape, "ids", "(m, T) with T the longest length")
    mask_values = expect_shape(mask, shape, "mask", "(m, T) with T the longest length")
    if not np.issubdtype(np.asarray(ids).dtype, np.integer):
        raise ExerciseError(
            f"ids have dtype {np.asarray(ids).dtype}: ids must be integers (np.full(..., "
            "dtype=int)), since they index a vocabulary or an embedding"
        )
    if np.asarray(mask).dtype != bool:
        raise ExerciseError(
            f"mask has dtype {np.asarray(mask).dtype}: make it boolean, True on real tokens "
            "(with 0/1 integers, ~mask gives -1 and -2 instead of the padded slots)"
        )
    left_ids, left_mask = pad_sequences(sequences, value=pad_id, padding="pre")
    zero_padded, _ = pad_sequences(sequences, value=0)
    expect_close(
        ids_values,
        expected_ids,
        "ids",
        [
            ("the padding is on the left: put the pads after the real tokens", left_ids),
            ("the padded slots hold 0, not pad_id: fill them with pad_id", zero_padded),
        ],
        reference="rnn_utils.text.pad_sequences",
    )
    lengths = np.array(lengths)
    expect_close(
        mask_values,
        expected_mask,
        "mask",
        [
            ("the mask is inverted: True marks the real tokens, False the padding", ~expected_mask),
            ("the mask is True everywhere: the padded slots must be False", np.ones(shape)),
            ("the mask marks the last slots of each row: the real tokens come first", left_mask),
            ("each row marks one slot too many", _right_padded_mask(lengths + 1, shape[1])),
            ("each row marks one slot too few", _right_padded_mask(lengths - 1, shape[1])),
        ],
        reference="rnn_utils.text.pad_sequences",
    )
    passed("your padded ids and mask match rnn_utils.text.pad_sequences.")


# --------------------------------------------------------------------------- Exercise 4


def _tag_lists(out, m: int, steps: int, n_real: int) -> list[list]:
    """The learner's answer as m plain lists, or an ExerciseError saying what its form is."""
    what = "tags_from_ids(tag_ids, mask)"
    if isinstance(out, np.ndarray) and out.ndim == 1 and len(out) == n_real:
        raise ExerciseError(
            f"{what} returned one flat array of all {n_real} real tags: x[mask] flattens the "
            "batch. Go row by row, one list per sentence"
        )
    if not isinstance(out, list | tuple):
        raise ExerciseError(
            f"{what} should return a list of m = {m} lists (the sentences have different "
            f"lengths, so they cannot form one array), got {type(out).__name__}"
        )
    if len(out) == n_real and all(isinstance(tag, str) for tag in out):
        raise ExerciseError(
            f"{what} returned one flat list of all {n_real} real tags: return one list per "
            "sentence (row)"
        )
    if len(out) != m:
        more = (
            ": one per time step (column); the sentences are the rows" if len(out) == steps else ""
        )
        raise ExerciseError(
            f"{what} returned {len(out)} lists, expected one per sentence, m = {m}{more}"
        )
    rows = [list(row.tolist() if isinstance(row, np.ndarray) else row) for row in out]
    for row in rows:
        if any(isinstance(tag, int | np.integer) for tag in row):
            raise ExerciseError(
                f"{what} returned ids such as {row[0]!r}, not tag names: tag_names[k] is the "
                "name of id k"
            )
        if not all(isinstance(tag, str) for tag in row):
            raise ExerciseError(f"{what} should return lists of tag names (str), got {row!r}")
    return rows


def check_tags_from_ids(fn) -> None:
    """``fn(tag_ids, mask)``: for each row of the (m, T) tag ids, the list of tag names of its
    real tokens, as :meth:`rnn_utils.tech_ner.TechNER.tags_from_ids`."""
    rng = np.random.default_rng(5)
    lengths, steps = [5, 7, 3], 7  # one full row, and m != T
    mask = _right_padded_mask(lengths, steps)
    tag_ids = np.where(mask, rng.integers(1, 6, size=mask.shape), 0)  # real tags never <pad>
    names = np.array(TechNER.tag_vocabulary().symbols)
    out = call(fn, tag_ids, mask, hint="Row i keeps tag_ids[i][mask[i]]; tag_names[k] names id k")
    mine = _tag_lists(out, len(lengths), steps, int(mask.sum()))
    expected = TechNER.tags_from_ids(tag_ids, mask)
    if mine == expected:
        passed("your tag lists match TechNER.tags_from_ids: the real tokens only, in order.")
        return
    rows = list(zip(tag_ids, mask, strict=True))
    mistakes = [
        (
            "the mask is ignored: the padded slots come back as '<pad>'",
            [names[row].tolist() for row, _ in rows],
        ),
        (
            "the mask is inverted: you kept the padded slots instead of the real tokens",
            [names[row[~keep]].tolist() for row, keep in rows],
        ),
        (
            "the names are read one place off (tag_names[k - 1]): id k is tag_names[k]",
            [names[row[keep] - 1].tolist() for row, keep in rows],
        ),
        (
            "each sentence keeps one slot too many (its first pad)",
            [names[row[: n + 1]].tolist() for (row, _), n in zip(rows, lengths, strict=True)],
        ),
        (
            "each sentence loses its last token",
            [names[row[: n - 1]].tolist() for (row, _), n in zip(rows, lengths, strict=True)],
        ),
    ]
    for description, wrong in mistakes:
        if mine == wrong:
            raise ExerciseError(
                f"tags_from_ids(tag_ids, mask) differs from TechNER.tags_from_ids and matches "
                f"what you get when {description}"
            )
    i = next(i for i, (a, b) in enumerate(zip(mine, expected, strict=True)) if a != b)
    raise ExerciseError(
        f"tags_from_ids(tag_ids, mask) differs from TechNER.tags_from_ids in sentence {i}: "
        f"got {mine[i]}, expected {expected[i]}"
    )


# --------------------------------------------------------------------------- Exercise 5


def check_masked_token_loss(fn) -> None:
    """``fn(y_hat, y, mask)``: the mean of −log ŷ<t>[y<t>] over the real steps only, as
    :func:`rnn_utils.language_model.masked_nll_per_token`."""
    rng = np.random.default_rng(4)
    m, steps, n_y = 3, 5, 4
    logits = rng.normal(size=(m, steps, n_y)) * 2.0
    y_hat = np.exp(logits) / np.exp(logits).sum(axis=-1, keepdims=True)
    y = rng.integers(0, n_y, size=(m, steps))  # the padded steps hold targets too
    mask = _right_padded_mask([5, 3, 2], steps)
    what = "masked_token_loss(y_hat, y, mask)"
    mine = call(
        fn,
        y_hat,
        y,
        mask,
        hint="Pick ŷ<t>[y<t>] with np.take_along_axis(y_hat, y[..., None], axis=-1)",
    )
    if np.ndim(mine) != 0:
        raise ExerciseError(
            f"{what} should return one number, the mean over the real tokens; got an array of "
            f"shape {np.shape(mine)}"
        )
    expected = masked_nll_per_token(y_hat, y, mask)
    losses = -np.log(np.take_along_axis(y_hat, y[..., None], axis=-1)[..., 0])
    real = mask.astype(float)
    expect_close(
        float(mine),
        expected,
        what,
        [
            ("the mask is ignored: the padded steps count in the mean", losses.mean()),
            ("the mask is inverted: only the padded steps are averaged", losses[~mask].mean()),
            (
                "the pads are left out of the sum but counted in the denominator: divide by "
                "the number of real tokens, mask.sum()",
                (losses * real).sum() / mask.size,
            ),
            (
                "you divide by the number of sequences m: the loss per token divides by the "
                "number of real tokens",
                (losses * real).sum() / m,
            ),
            ("the sign is wrong: the loss is −log ŷ<t>[y<t>], a positive number", -expected),
            (
                "the probability taken is the largest one, not the one of the target class y<t>",
                -np.log(y_hat.max(axis=-1))[mask].mean(),
            ),
        ],
        reference="rnn_utils.language_model.masked_nll_per_token",
    )
    passed("your loss over the real tokens matches masked_nll_per_token.")
