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

The tagger helpers at the end (``tagger_data``, ``build_tagger``, ``train_tagger``,
``predict_tags``, ``f1_by_group``, ``right_context_probe``) hold notebook 02's tagger setup so
that notebook 06 compares left-to-right and bidirectional taggers on exactly the same footing.
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


# --------------------------------------------------------------------------- taggers (02, 06)


class TaggerData(NamedTuple):
    """Notebook 02's tagger setup, in one place: the splits, the word vocabulary (training
    words seen at least twice; rarer ones are ``<unk>``) and the padded arrays.

    ``x_*``/``y_*`` are int32 (m, T) word and tag ids, ``mask_*`` bool (m, T); ``T`` is the
    longest sentence of either split."""

    train: TechNER
    test: TechNER
    words: Vocabulary
    T: int
    x_train: np.ndarray
    y_train: np.ndarray
    mask_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    mask_test: np.ndarray


def tagger_data(min_count: int = 2) -> TaggerData:
    """Load both splits and pad them for a Keras tagger (the setup of notebook 02).

    Example:

    >>> data = tagger_data()
    >>> data.x_train.shape, data.x_test.shape, len(data.words)
    ((2400, 16), (600, 16), 238)
    """
    train, test = tech_ner("train"), tech_ner("test")
    words = train.word_vocabulary(min_count=min_count)
    T = max(len(sentence) for sentence in train.tokens + test.tokens)
    return TaggerData(train, test, words, T, *train.arrays(words, T), *test.arrays(words, T))


def build_tagger(recurrent_layer, vocab_size: int, embedding_dim: int = 32, lr: float = 0.01):
    """A compiled many-to-many tagger: ``Embedding(mask_zero=True)`` → ``recurrent_layer`` →
    ``Dense`` softmax over ``<pad>`` and the five tags (ŷ<t> for every x<t>).

    Args:
        recurrent_layer: a sequence layer with ``return_sequences=True`` (e.g. ``GRU(32, ...)``
            or ``Bidirectional(GRU(20, ...))``); the padding mask reaches it from the embedding.
        vocab_size: number of word ids (``len(words)``).
        embedding_dim: size of the word vectors.
        lr: Adam's learning rate.

    Returns:
        A ``keras.Sequential`` compiled with sparse categorical cross-entropy (masked tokens
        do not count) and accuracy.
    """
    from rnn_utils import import_keras_quietly

    keras = import_keras_quietly()
    if not getattr(recurrent_layer, "return_sequences", False):
        raise ValueError("build_tagger needs a layer with return_sequences=True (one ŷ<t> per t).")
    if not isinstance(vocab_size, int) or vocab_size < 2:
        raise ValueError(f"vocab_size must be an int >= 2, got {vocab_size!r}.")
    model = keras.Sequential(
        [
            keras.Input((None,), dtype="int32"),
            keras.layers.Embedding(vocab_size, embedding_dim, mask_zero=True, name="embedding"),
            recurrent_layer,
            keras.layers.Dense(len(TAGS) + 1, activation="softmax", name="tags"),
        ]
    )
    model.compile(
        optimizer=keras.optimizers.Adam(lr),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    return model


def train_tagger(model, data: TaggerData, epochs: int = 3, batch_size: int = 64) -> list[float]:
    """Fit ``model`` on the training split, one silent epoch at a time.

    Returns:
        The wall-clock seconds of each epoch (the first includes building the graph).
    """
    import time

    if not isinstance(epochs, int) or epochs < 1:
        raise ValueError(f"epochs must be an int >= 1, got {epochs!r}.")
    seconds = []
    for _ in range(epochs):
        start = time.perf_counter()
        model.fit(data.x_train, data.y_train, epochs=1, batch_size=batch_size, verbose=0)
        seconds.append(time.perf_counter() - start)
    return seconds


def predict_tags(model, tokens: list[list[str]], words: Vocabulary) -> list[list[str]]:
    """The most probable tag of every token of every sentence (padding is masked)."""
    from rnn_utils import import_keras_quietly

    keras = import_keras_quietly()
    x, mask = words.pad_batch(tokens)
    tag_ids = keras.ops.convert_to_numpy(keras.ops.argmax(model(x), axis=-1))
    return TechNER.tags_from_ids(tag_ids, mask)


def f1_by_group(data: TechNER, predicted: list[list[str]]) -> dict[str, float]:
    """Entity F1 overall, on the ``needs_right_context`` sentences and on the rest."""
    if len(predicted) != len(data):
        raise ValueError(f"{len(data)} sentences but {len(predicted)} predictions.")
    groups = {
        "all": np.ones(len(data), bool),
        "needs right context": data.needs_right_context,
        "rest": ~data.needs_right_context,
    }
    return {
        name: entity_f1(
            [data.tags[i] for i in np.flatnonzero(rows)],
            [predicted[i] for i in np.flatnonzero(rows)],
        )
        for name, rows in groups.items()
    }


def right_context_probe(model, data: TechNER, words: Vocabulary, max_words: int = 6):
    """How much right context does a tagger need? Cut every right-context sentence k words
    after each of its entities and check the tag of the entity's first word.

    Args:
        model: a trained tagger.
        data: sentences (only those flagged ``needs_right_context`` are used).
        words: the tagger's word vocabulary.
        max_words: the largest k tried (the full sentences are scored too).

    Returns:
        ``(ks, accuracy)``: ``ks`` = 0, 1, …, max_words and accuracy (max_words + 2,): the
        share of entities whose first tag (``B-ORG``/``B-TECH``) is right when the tagger
        reads the sentence up to k words after the entity; the last entry is for the whole
        sentence.
    """
    if not isinstance(max_words, int) or max_words < 0:
        raise ValueError(f"max_words must be an int >= 0, got {max_words!r}.")
    cases = []  # (tokens, start, end, true first tag)
    for tokens, tags, flag in zip(data.tokens, data.tags, data.needs_right_context, strict=True):
        if flag:
            cases += [(tokens, start, end, tags[start]) for start, end, _ in _spans(tags)]
    if not cases:
        raise ValueError("no sentence needs right context in this data.")
    accuracy = []
    for k in [*range(max_words + 1), None]:
        cut = [tokens if k is None else tokens[: end + k] for tokens, _, end, _ in cases]
        predicted = predict_tags(model, cut, words)
        right = [
            pred[start] == tag for pred, (_, start, _, tag) in zip(predicted, cases, strict=True)
        ]
        accuracy.append(float(np.mean(right)))
    return np.arange(max_words + 1), np.array(accuracy)
