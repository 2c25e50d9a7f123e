"""The tech-NER dataset: per-token tags for companies (ORG) and languages/tools (TECH).

The seeds' example "Use Netlify and Hugo." made real. Sentences come from
``rnn_utils/data/tech_ner_{train,test}.tsv`` (package data, so an installed wheel has them),
written by the repository's ``data/make_tech_ner.py`` (seeded, see ``data/README.md``). Each
sentence x = x<1>, ..., x<T_x> has one BIO tag y<t> per token (T_y = T_x): ``B-ORG``,
``I-ORG``, ``B-TECH``, ``I-TECH`` or ``O``.

The test split uses entity names and templates never seen in training. Sentences flagged
``needs_right_context`` have an entity whose type only the words AFTER it reveal
("Swift is a programming language" vs "Swift sells software to banks"): score them separately to
measure what a bidirectional RNN gains over a left-to-right one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

import numpy as np

from rnn_utils.text import PAD, UNK, Vocabulary

DATA_DIR = Path(__file__).resolve().parent / "data"  # package data: rnn_utils/data/
TAGS = ("O", "B-ORG", "I-ORG", "B-TECH", "I-TECH")
SPLITS = ("train", "test", "all")
_COLUMNS = ["id", "template", "needs_right_context", "tokens", "tags"]


class TechNERExample(NamedTuple):
    """The seeds' example sentence: its tokens, BIO tags and 0/1 "is a name" labels."""

    tokens: tuple[str, ...]
    tags: tuple[str, ...]
    is_name: tuple[int, ...]


_EXAMPLE_TAGS = ("O", "B-ORG", "O", "B-TECH", "O")
TECH_NER_EXAMPLE = TechNERExample(
    tokens=("Use", "Netlify", "and", "Hugo", "."),
    tags=_EXAMPLE_TAGS,
    is_name=tuple(int(tag != "O") for tag in _EXAMPLE_TAGS),
)


@dataclass(frozen=True)
class TechNER:
    """Sentences with per-token tags.

    Attributes:
        tokens: one list of word tokens per sentence (x<1..T_x>).
        tags: one list of BIO tags per sentence (y<1..T_y>), same lengths as ``tokens``.
        needs_right_context: bool array (m,): True when an entity's type is only decided by
            the words after it.
        templates: the template id of each sentence (``"train-RO03"``; R = right context,
            L = left context). Train and test templates never coincide.
        ids: sentence ids (``"train-0000"`` is the seeds' example).
        split: ``"train"``, ``"test"`` or ``"all"``.

    Example:

    >>> train, test = tech_ner("train"), tech_ner("test")
    >>> vocab = train.word_vocabulary(min_count=2)
    >>> x, y, mask = test.arrays(vocab, max_len=16)
    >>> x.shape == y.shape == mask.shape == (len(test), 16)
    True
    """

    tokens: list[list[str]]
    tags: list[list[str]]
    needs_right_context: np.ndarray
    templates: list[str]
    ids: list[str]
    split: str = field(default="all")

    def __len__(self) -> int:
        return len(self.tokens)

    def subset(self, selection) -> TechNER:
        """The sentences picked by a boolean mask or an index array, e.g.
        ``test.subset(test.needs_right_context)``."""
        index = np.arange(len(self))[np.asarray(selection)]
        return TechNER(
            tokens=[self.tokens[i] for i in index],
            tags=[self.tags[i] for i in index],
            needs_right_context=self.needs_right_context[index],
            templates=[self.templates[i] for i in index],
            ids=[self.ids[i] for i in index],
            split=self.split,
        )

    def entities(self) -> set[tuple[str, str]]:
        """All (entity text, type) pairs, e.g. ``("Hugging Face", "ORG")``."""
        found = set()
        for tokens, tags in zip(self.tokens, self.tags, strict=True):
            for start, end, kind in _spans(tags):
                found.add((" ".join(tokens[start:end]), kind))
        return found

    def word_vocabulary(self, min_count: int = 1, reserved=(PAD, UNK)) -> Vocabulary:
        """A word-level `Vocabulary` of these sentences (build it from TRAIN only).

        Each invented name occurs in one training sentence only, so with ``min_count=2`` they
        become ``<unk>`` and a model learns to tag unknown words from their context, as it must
        on the test split (where every name is unseen).
        """
        return Vocabulary.from_corpus(
            self.tokens, level="word", reserved=reserved, min_count=min_count
        )

    @staticmethod
    def tag_vocabulary() -> Vocabulary:
        """``<pad>`` (id 0) then the five tags in `TAGS` order."""
        return Vocabulary([PAD, *TAGS], level="word", reserved=(PAD,))

    def arrays(
        self, vocab: Vocabulary, max_len: int | None = None
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Padded arrays for Keras: ``(x, y, mask)``.

        Returns:
            x: int32 (m, T) word ids; y: int32 (m, T) tag ids from `tag_vocabulary` (0 on
            padding); mask: bool (m, T), True on real tokens.
        """
        x, mask = vocab.pad_batch(self.tokens, max_len=max_len)
        y, _ = self.tag_vocabulary().pad_batch(self.tags, max_len=x.shape[1])
        return x, y, mask

    @staticmethod
    def is_name(tag_ids: np.ndarray) -> np.ndarray:
        """0/1 "is part of a name" (any B-/I- tag) for tag ids from `tag_vocabulary`; 0 on
        ``O`` and on padding. The seeds' y<t> of the name-recognition example."""
        symbols = TechNER.tag_vocabulary().symbols
        entity_ids = [i for i, tag in enumerate(symbols) if tag[:2] in ("B-", "I-")]
        return np.isin(np.asarray(tag_ids), entity_ids).astype(np.int32)

    @staticmethod
    def tags_from_ids(tag_ids: np.ndarray, mask: np.ndarray) -> list[list[str]]:
        """Turn predicted tag ids (m, T) back into tag lists, keeping masked positions only.
        A predicted ``<pad>`` on a real token counts as ``O``."""
        tag_ids, mask = np.asarray(tag_ids), np.asarray(mask, dtype=bool)
        if tag_ids.shape != mask.shape:
            raise ValueError(f"tag_ids {tag_ids.shape} and mask {mask.shape} must match.")
        names = ["O" if tag == PAD else tag for tag in TechNER.tag_vocabulary().symbols]
        return [[names[i] for i in row[keep]] for row, keep in zip(tag_ids, mask, strict=True)]


def _spans(tags: list[str]) -> list[tuple[int, int, str]]:
    """(start, end, type) of each BIO entity in a well-formed tag list."""
    spans, start = [], None
    for t, tag in enumerate([*tags, "O"]):
        if start is not None and not tag.startswith("I-"):
            spans.append((start, t, tags[start][2:]))
            start = None
        if tag.startswith("B-"):
            start = t
    return spans


def _read_split(path: Path) -> list[list[str]]:
    if not path.is_file():
        raise FileNotFoundError(
            f"Tech-NER file {path} is missing. Regenerate it with "
            f"`python data/make_tech_ner.py` from the repository root (it writes "
            f"rnn_utils/data/; see data/README.md)."
        )
    lines = path.read_text(encoding="utf-8").splitlines()
    if not lines or lines[0].split("\t") != _COLUMNS:
        raise ValueError(f"{path} must start with the header {_COLUMNS}.")
    return [line.split("\t") for line in lines[1:]]


def tech_ner(split: str = "train", data_dir: str | Path | None = None) -> TechNER:
    """Load the tech-NER sentences.

    Args:
        split: ``"train"`` (2,400 sentences), ``"test"`` (600, unseen names and templates) or
            ``"all"`` (both, train first).
        data_dir: folder holding ``tech_ner_{train,test}.tsv`` (default: the package's
            ``rnn_utils/data/``).

    Returns:
        A `TechNER`.
    """
    if split not in SPLITS:
        raise ValueError(f"split must be one of {SPLITS}, got {split!r}.")
    folder = Path(data_dir) if data_dir is not None else DATA_DIR
    names = ["train", "test"] if split == "all" else [split]
    rows = [row for name in names for row in _read_split(folder / f"tech_ner_{name}.tsv")]
    tokens = [row[3].split(" ") for row in rows]
    tags = [row[4].split(" ") for row in rows]
    for row, tok, tag in zip(rows, tokens, tags, strict=True):
        if len(tok) != len(tag) or not set(tag) <= set(TAGS):
            raise ValueError(f"Malformed row {row[0]}: {len(tok)} tokens, tags {tag}.")
    return TechNER(
        tokens=tokens,
        tags=tags,
        needs_right_context=np.array([row[2] == "1" for row in rows], dtype=bool),
        templates=[row[1] for row in rows],
        ids=[row[0] for row in rows],
        split=split,
    )


def entity_f1(true_tags: list[list[str]], pred_tags: list[list[str]]) -> float:
    """Entity-level F1 (seqeval's ``f1_score``): an entity counts only if its type and both
    boundaries are right.

    Args:
        true_tags: one list of BIO tags per sentence.
        pred_tags: the predicted tags, same shapes.

    Returns:
        F1 in [0, 1].

    Example:

    >>> entity_f1([["O", "B-ORG", "O", "B-TECH", "O"]], [["O", "B-ORG", "O", "B-ORG", "O"]])
    0.5
    """
    from seqeval.metrics import f1_score

    if len(true_tags) != len(pred_tags):
        raise ValueError(f"{len(true_tags)} true sentences but {len(pred_tags)} predicted ones.")
    for i, (t, p) in enumerate(zip(true_tags, pred_tags, strict=True)):
        if len(t) != len(p):
            raise ValueError(f"Sentence {i}: {len(t)} true tags but {len(p)} predicted tags.")
    return float(f1_score([list(t) for t in true_tags], [list(p) for p in pred_tags]))
