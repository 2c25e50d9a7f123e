"""Right and wrong answers to notebook 01's exercises (``rnn_utils.exercises.nb01_notation``)."""

from __future__ import annotations

import numpy as np

from exercise_cases import Case, Planted
from rnn_utils.exercises import nb01_notation as checks
from rnn_utils.tech_ner import TechNER

# --------------------------------------------------------------------------- one_hot_by_hand


def one_hot_right(ids, size):
    vectors = np.zeros((len(ids), size), dtype=np.float32)
    for t, k in enumerate(ids):
        vectors[t, k] = 1
    return vectors


def one_hot_one_based(ids, size):
    vectors = np.zeros((len(ids), size), dtype=np.float32)
    vectors[np.arange(len(ids)), np.array(ids) - 1] = 1
    return vectors


def one_hot_float64(ids, size):
    return np.eye(size)[ids]


def one_hot_transposed(ids, size):
    vectors = np.zeros((size, len(ids)), dtype=np.float32)
    vectors[ids, np.arange(len(ids))] = 1
    return vectors


def one_hot_every_row(ids, size):
    vectors = np.zeros((len(ids), size), dtype=np.float32)
    vectors[:, ids] = 1
    return vectors


def one_hot_list(ids, size):
    return [[1.0 if k == j else 0.0 for j in range(size)] for k in ids]


def one_hot_shifted_right(ids, size):
    vectors = np.zeros((len(ids), size), dtype=np.float32)
    vectors[np.arange(len(ids)), np.array(ids) + 1] = 1
    return vectors


# --------------------------------------------------------------------------- index_of


def index_right(i, t):
    return i - 1, t - 1


def index_one_based(i, t):
    return (i, t)


def index_swapped(i, t):
    return (t - 1, i - 1)


def index_list(i, t):
    return [i - 1, t - 1]


def index_time_only(i, t):
    return (i, t - 1)


def index_floats(i, t):
    return (i - 1.0, t - 1.0)


# --------------------------------------------------------------------------- pad_and_mask


def pad_right(sequences, pad_id=0):
    T = max(len(s) for s in sequences)
    ids = np.full((len(sequences), T), pad_id, dtype=np.int32)
    mask = np.zeros((len(sequences), T), dtype=bool)
    for i, seq in enumerate(sequences):
        ids[i, : len(seq)] = seq
        mask[i, : len(seq)] = True
    return ids, mask


def pad_left(sequences, pad_id=0):
    T = max(len(s) for s in sequences)
    ids = np.full((len(sequences), T), pad_id)
    mask = np.zeros((len(sequences), T), dtype=bool)
    for i, seq in enumerate(sequences):
        ids[i, T - len(seq) :] = seq
        mask[i, T - len(seq) :] = True
    return ids, mask


def pad_mask_inverted(sequences, pad_id=0):
    ids, mask = pad_right(sequences, pad_id)
    return ids, ids == pad_id


def pad_with_zeros(sequences, pad_id=0):
    T = max(len(s) for s in sequences)
    ids = np.zeros((len(sequences), T), dtype=int)
    for i, seq in enumerate(sequences):
        ids[i, : len(seq)] = seq
    return ids, ids != 0


def pad_float_ids(sequences, pad_id=0):
    ids, mask = pad_right(sequences, pad_id)
    return ids.astype(float), mask


def pad_int_mask(sequences, pad_id=0):
    ids, mask = pad_right(sequences, pad_id)
    return ids, mask.astype(int)


def pad_mask_one_too_many(sequences, pad_id=0):
    ids, mask = pad_right(sequences, pad_id)
    for i, seq in enumerate(sequences):
        mask[i, : len(seq) + 1] = True
    return ids, mask


def pad_one_longer(sequences, pad_id=0):
    T = max(len(s) for s in sequences) + 1
    ids = np.full((len(sequences), T), pad_id)
    for i, seq in enumerate(sequences):
        ids[i, : len(seq)] = seq
    return ids, ids != pad_id


def pad_only_ids(sequences, pad_id=0):
    return pad_right(sequences, pad_id)[0]


# --------------------------------------------------------------------------- tags_from_ids

TAG_NAMES = TechNER.tag_vocabulary().symbols


def tags_right(tag_ids, mask):
    sentences = []
    for row, keep in zip(tag_ids, mask, strict=True):
        sentences.append([TAG_NAMES[k] for k, real in zip(row, keep, strict=True) if real])
    return sentences


def tags_mask_ignored(tag_ids, mask):
    return [[TAG_NAMES[k] for k in row] for row in tag_ids]


def tags_mask_inverted(tag_ids, mask):
    return [[TAG_NAMES[k] for k in row[~keep]] for row, keep in zip(tag_ids, mask, strict=True)]


def tags_one_based(tag_ids, mask):
    return [[TAG_NAMES[k - 1] for k in row[keep]] for row, keep in zip(tag_ids, mask, strict=True)]


def tags_ids_kept(tag_ids, mask):
    return [row[keep].tolist() for row, keep in zip(tag_ids, mask, strict=True)]


def tags_flat(tag_ids, mask):
    return np.array(TAG_NAMES)[tag_ids][mask]


def tags_by_column(tag_ids, mask):
    return [[TAG_NAMES[k] for k in col[keep]] for col, keep in zip(tag_ids.T, mask.T, strict=True)]


def tags_last_dropped(tag_ids, mask):
    return [
        [TAG_NAMES[k] for k in row[: keep.sum() - 1]]
        for row, keep in zip(tag_ids, mask, strict=True)
    ]


def tags_as_array(tag_ids, mask):
    return np.where(mask, np.array(TAG_NAMES)[tag_ids], "")


# --------------------------------------------------------------------------- masked_token_loss


def _picked(y_hat, y):
    return np.take_along_axis(y_hat, y[..., None], axis=-1)[..., 0]


def loss_right(y_hat, y, mask):
    losses = -np.log(_picked(y_hat, y))
    return losses[mask].mean()


def loss_mask_ignored(y_hat, y, mask):
    return -np.log(_picked(y_hat, y)).mean()


def loss_mask_inverted(y_hat, y, mask):
    return -np.log(_picked(y_hat, y))[~mask].mean()


def loss_all_slots_in_denominator(y_hat, y, mask):
    return np.sum(-np.log(_picked(y_hat, y)) * mask) / mask.size


def loss_per_sequence(y_hat, y, mask):
    return np.sum(-np.log(_picked(y_hat, y)) * mask) / len(y_hat)


def loss_no_minus(y_hat, y, mask):
    return np.log(_picked(y_hat, y))[mask].mean()


def loss_largest_probability(y_hat, y, mask):
    return -np.log(y_hat.max(axis=-1))[mask].mean()


def loss_not_averaged(y_hat, y, mask):
    return -np.log(_picked(y_hat, y)) * mask


CASES = [
    Case(
        checks.check_one_hot_by_hand,
        one_hot_right,
        [
            Planted("1-based ids", one_hot_one_based, "1-based .* count from 0"),
            Planted("float64 from np.eye", one_hot_float64, "float32 .* got dtype float64"),
            Planted("transposed", one_hot_transposed, "looks transposed"),
            Planted("vectors[:, ids]", one_hot_every_row, r"every row gets a 1 for every id"),
            Planted("a list of lists", one_hot_list, "float32 NumPy array, got a list"),
            Planted("ids + 1", one_hot_shifted_right, "raised IndexError.*counting from 0"),
        ],
    ),
    Case(
        checks.check_index_of,
        index_right,
        [
            Planted("1-based", index_one_based, r"start at 1: NumPy counts from 0"),
            Planted("axes swapped", index_swapped, "example and time are swapped"),
            Planted("a list", index_list, "returned a list: x\\[\\[a, b\\]\\] picks whole rows"),
            Planted("only t shifted", index_time_only, "only t is moved .* i needs - 1 too"),
            Planted("floats", index_floats, "must be ints, not floats"),
        ],
    ),
    Case(
        checks.check_pad_and_mask,
        pad_right,
        [
            Planted("left padding", pad_left, "padding is on the left"),
            Planted("mask inverted", pad_mask_inverted, "mask is inverted"),
            Planted("pad id ignored", pad_with_zeros, "hold 0, not pad_id"),
            Planted("float ids", pad_float_ids, "ids have dtype float64: ids must be integers"),
            Planted("0/1 mask", pad_int_mask, "make it boolean"),
            Planted("mask one too long", pad_mask_one_too_many, "one slot too many"),
            Planted("T one too long", pad_one_longer, r"ids should have shape .*\(4, 6\), got"),
            Planted("no mask returned", pad_only_ids, r"should return the pair \(ids, mask\)"),
        ],
    ),
    Case(
        checks.check_tags_from_ids,
        tags_right,
        [
            Planted("mask ignored", tags_mask_ignored, "padded slots come back as '<pad>'"),
            Planted("mask inverted", tags_mask_inverted, "the mask is inverted"),
            Planted("tag_names[k - 1]", tags_one_based, "one place off"),
            Planted("ids, not names", tags_ids_kept, "returned ids such as"),
            Planted("flat x[mask]", tags_flat, "one flat array of all 15 real tags"),
            Planted("columns for rows", tags_by_column, "7 lists, .* one per time step"),
            Planted("last token lost", tags_last_dropped, "loses its last token"),
            Planted("a padded array", tags_as_array, "list of m = 3 lists .* got ndarray"),
        ],
    ),
    Case(
        checks.check_masked_token_loss,
        loss_right,
        [
            Planted("mask ignored", loss_mask_ignored, "the mask is ignored"),
            Planted("mask inverted", loss_mask_inverted, "the mask is inverted"),
            Planted("m*T denominator", loss_all_slots_in_denominator, "counted in the denominator"),
            Planted("per sequence", loss_per_sequence, "divide by the number of sequences m"),
            Planted("no minus sign", loss_no_minus, "the sign is wrong"),
            Planted("largest probability", loss_largest_probability, "not the one of the target"),
            Planted("no mean", loss_not_averaged, r"return one number.*shape \(3, 5\)"),
        ],
    ),
]
