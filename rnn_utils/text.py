"""Text utilities: a word tokenizer and a character/word `Vocabulary` (no TensorFlow needed).

A vocabulary turns symbols (characters or words) into integer ids and back. In the course's
notation a sentence x is the sequence x<1>, ..., x<T_x>; `encode` gives the ids of those
x<t>, `one_hot` gives the one-hot vectors the seeds draw, and `pad_batch` packs m sentences of
different lengths into an (m, T) array plus a boolean mask (True where x<t> is a real symbol).

Id order is deterministic: the reserved tokens first, in the order given (``"<pad>"`` must be
first so it gets id 0 and ``keras.layers.Embedding(mask_zero=True)`` works), then the corpus
symbols by descending frequency, ties broken alphabetically.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence

import numpy as np

PAD, UNK, BOS, EOS = "<pad>", "<unk>", "<bos>", "<eos>"
SPECIAL_TOKENS = (PAD, UNK, BOS, EOS)
LEVELS = ("char", "word")

# A word is a run of letters/digits, optionally joined by inner hyphens, apostrophes or dots
# ("don't", "state-of-the-art", "Node.js"); any other non-space character is its own token.
_TOKEN_PATTERN = re.compile(r"\w+(?:[-'.]\w+)*|[^\w\s]")


def tokenize(sentence: str) -> list[str]:
    """Split a sentence into words and punctuation marks.

    Args:
        sentence: the text to split.

    Returns:
        The list of tokens. A word keeps inner hyphens, apostrophes and dots
        (``"Node.js"``); every other punctuation mark is a token of its own.

    Example:

    >>> tokenize("Use Netlify and Hugo.")
    ['Use', 'Netlify', 'and', 'Hugo', '.']
    """
    if not isinstance(sentence, str):
        raise TypeError(f"tokenize expects a str, got {type(sentence).__name__}.")
    return _TOKEN_PATTERN.findall(sentence)


class UnknownSymbolError(KeyError):
    """Raised when a symbol is not in a vocabulary that has no ``"<unk>"`` token."""

    def __str__(self) -> str:  # KeyError would wrap the message in quotes
        return str(self.args[0])


def one_hot(ids, depth: int) -> np.ndarray:
    """One-hot vectors of integer ids of any shape: float32 of shape ``ids.shape + (depth,)``.

    Example:
        >>> one_hot([2, 0], depth=3).tolist()
        [[0.0, 0.0, 1.0], [1.0, 0.0, 0.0]]
    """
    ids = np.asarray(ids)
    if ids.size and not np.issubdtype(ids.dtype, np.integer):
        raise TypeError(f"one_hot expects integer ids, got dtype {ids.dtype}.")
    if ids.size and (ids.min() < 0 or ids.max() >= depth):
        raise ValueError(f"Ids must lie in [0, {depth}), got [{ids.min()}, {ids.max()}].")
    return np.eye(depth, dtype=np.float32)[ids.astype(np.int64)]


def pad_sequences(
    sequences: Sequence[Sequence[int]],
    max_len: int | None = None,
    value: int = 0,
    padding: str = "post",
    truncating: str = "post",
) -> tuple[np.ndarray, np.ndarray]:
    """Pack m id sequences of different lengths into an (m, T) array plus its mask.

    Args:
        sequences: lists of integer ids.
        max_len: T, the padded length (default: the longest sequence); longer ones are cut.
        value: the id written into padded slots.
        padding: ``"post"`` (pad at the end) or ``"pre"`` (pad at the start).
        truncating: ``"post"`` keeps the first ``max_len`` ids, ``"pre"`` the last ones.

    Returns:
        ``(ids, mask)``: int32 array (m, T) and bool array (m, T), True on real ids.

    Example:
        >>> ids, mask = pad_sequences([[5, 6, 7], [8]])
        >>> ids.tolist(), mask.sum(axis=1).tolist()
        ([[5, 6, 7], [8, 0, 0]], [3, 1])
    """
    for name, choice in (("padding", padding), ("truncating", truncating)):
        if choice not in ("pre", "post"):
            raise ValueError(f"{name} must be 'pre' or 'post', got {choice!r}.")
    arrays = [np.asarray(s, dtype=np.int64).reshape(-1) for s in sequences]
    if max_len is None:
        max_len = max((len(s) for s in arrays), default=0)
    if not isinstance(max_len, int | np.integer) or max_len < 0:
        raise ValueError(f"max_len must be a non-negative int, got {max_len!r}.")
    ids = np.full((len(arrays), max_len), value, dtype=np.int32)
    mask = np.zeros((len(arrays), max_len), dtype=bool)
    for row, seq in enumerate(arrays):
        seq = seq[:max_len] if truncating == "post" else seq[max(0, len(seq) - max_len) :]
        cols = slice(0, len(seq)) if padding == "post" else slice(max_len - len(seq), max_len)
        ids[row, cols] = seq
        mask[row, cols] = True
    return ids, mask


class Vocabulary:
    """A bijection between symbols (characters or words) and integer ids.

    Args:
        symbols: every symbol, in id order (``symbols[i]`` has id ``i``), reserved ones included.
        level: ``"char"`` (a text is a sequence of characters) or ``"word"`` (a text is split
            with :func:`tokenize`).
        reserved: the special tokens among ``symbols``: a subset of
            ``("<pad>", "<unk>", "<bos>", "<eos>")``. ``"<pad>"``, when present, must have id 0.

    Example:

    >>> vocab = Vocabulary.from_corpus(["hello", "help"], level="char")
    >>> ids = vocab.encode("help", add_eos=True)
    >>> vocab.decode(ids)
    'help'
    >>> ids_batch, mask = vocab.pad_batch(["he", "hello"])
    >>> ids_batch.shape, int(mask.sum())
    ((2, 5), 7)
    """

    def __init__(
        self,
        symbols: Sequence[str],
        level: str = "char",
        reserved: Sequence[str] = SPECIAL_TOKENS,
    ):
        if level not in LEVELS:
            raise ValueError(f"level must be one of {LEVELS}, got {level!r}.")
        symbols = list(symbols)
        if len(set(symbols)) != len(symbols):
            duplicates = sorted({s for s in symbols if symbols.count(s) > 1})
            raise ValueError(f"Vocabulary symbols must be unique; duplicated: {duplicates}.")
        reserved = tuple(reserved)
        for token in reserved:
            if token not in SPECIAL_TOKENS:
                raise ValueError(f"Reserved tokens must be among {SPECIAL_TOKENS}, got {token!r}.")
            if token not in symbols:
                raise ValueError(f"Reserved token {token!r} is missing from the symbols.")
        if PAD in reserved and symbols.index(PAD) != 0:
            raise ValueError(f"{PAD!r} must have id 0 (first symbol) so mask_zero=True works.")
        self.level = level
        self.reserved = reserved
        self._symbols = symbols
        self._ids = {symbol: i for i, symbol in enumerate(symbols)}

    @classmethod
    def from_corpus(
        cls,
        texts: Iterable[str | Sequence[str]],
        level: str = "char",
        reserved: Sequence[str] = SPECIAL_TOKENS,
        min_count: int = 1,
    ) -> Vocabulary:
        """Build a vocabulary from a corpus.

        Args:
            texts: strings (split into characters or with :func:`tokenize`, per ``level``) or
                already-split token lists.
            level: ``"char"`` or ``"word"``.
            reserved: special tokens to put first, in this order (``"<pad>"`` first if used).
            min_count: symbols seen fewer times are left out (they will encode as ``"<unk>"``).

        Returns:
            A `Vocabulary`: reserved tokens, then symbols by descending count, ties
            alphabetically.
        """
        if level not in LEVELS:
            raise ValueError(f"level must be one of {LEVELS}, got {level!r}.")
        if not isinstance(min_count, int) or min_count < 1:
            raise ValueError(f"min_count must be an int >= 1, got {min_count!r}.")
        reserved = tuple(reserved)
        if PAD in reserved and reserved[0] != PAD:
            raise ValueError(f"{PAD!r} must come first in reserved (id 0), got {reserved}.")
        counts: Counter[str] = Counter()
        for text in texts:
            counts.update(cls._split(text, level))
        kept = [s for s, c in counts.items() if c >= min_count and s not in reserved]
        kept.sort(key=lambda s: (-counts[s], s))
        return cls(list(reserved) + kept, level=level, reserved=reserved)

    @staticmethod
    def _split(text: str | Sequence[str], level: str) -> list[str]:
        if isinstance(text, str):
            return list(text) if level == "char" else tokenize(text)
        tokens = list(text)
        if not all(isinstance(t, str) for t in tokens):
            raise TypeError("A text must be a str or a sequence of str tokens.")
        return tokens

    # ----------------------------------------------------------------- lookups
    def __len__(self) -> int:
        return len(self._symbols)

    def __contains__(self, symbol: object) -> bool:
        return symbol in self._ids

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Vocabulary) and self.to_dict() == other.to_dict()

    def __repr__(self) -> str:
        return f"Vocabulary(level={self.level!r}, size={len(self)}, reserved={self.reserved})"

    @property
    def symbols(self) -> list[str]:
        """All symbols in id order (a copy)."""
        return list(self._symbols)

    def _special_id(self, token: str) -> int | None:
        return self._ids[token] if token in self.reserved else None

    @property
    def pad_id(self) -> int | None:
        """Id of ``"<pad>"`` (always 0), or None if the vocabulary has no padding token."""
        return self._special_id(PAD)

    @property
    def unk_id(self) -> int | None:
        """Id of ``"<unk>"``, or None: then unknown symbols raise `UnknownSymbolError`."""
        return self._special_id(UNK)

    @property
    def bos_id(self) -> int | None:
        """Id of ``"<bos>"`` (beginning of sequence), or None."""
        return self._special_id(BOS)

    @property
    def eos_id(self) -> int | None:
        """Id of ``"<eos>"`` (end of sequence), or None."""
        return self._special_id(EOS)

    def token_to_id(self, symbol: str) -> int:
        """Id of one symbol; ``unk_id`` if unknown, or `UnknownSymbolError` without ``<unk>``."""
        if symbol in self._ids:
            return self._ids[symbol]
        if self.unk_id is not None:
            return self.unk_id
        raise UnknownSymbolError(
            f"Symbol {symbol!r} is not in the vocabulary and it has no {UNK!r} token."
        )

    def id_to_token(self, index: int) -> str:
        """The symbol with id ``index``."""
        if not 0 <= int(index) < len(self):
            raise ValueError(f"Id {index} is out of range: expected 0 <= id < {len(self)}.")
        return self._symbols[int(index)]

    # --------------------------------------------------------- encode / decode
    def encode(
        self, text: str | Sequence[str], add_bos: bool = False, add_eos: bool = False
    ) -> list[int]:
        """Turn a text (or a list of tokens) into the ids of x<1>, ..., x<T_x>.

        Args:
            text: a string (split per ``level``) or a list of tokens.
            add_bos: prepend ``"<bos>"``'s id. add_eos: append ``"<eos>"``'s id.

        Returns:
            A list of int ids.
        """
        ids = [self.token_to_id(symbol) for symbol in self._split(text, self.level)]
        if add_bos:
            ids.insert(0, self._require(BOS))
        if add_eos:
            ids.append(self._require(EOS))
        return ids

    def _require(self, token: str) -> int:
        if token not in self.reserved:
            raise ValueError(f"This vocabulary has no {token!r} token (reserved={self.reserved}).")
        return self._ids[token]

    def decode(
        self, ids: Iterable[int], strip_special: bool = True, as_tokens: bool = False
    ) -> str | list[str]:
        """Turn ids back into text.

        Args:
            ids: a sequence (or 1-D array) of ids.
            strip_special: drop ``<pad>``, ``<bos>`` and ``<eos>`` (``<unk>`` is kept).
            as_tokens: return the list of symbols instead of a string.

        Returns:
            A string (characters joined directly, words joined by single spaces) or a list of
            symbols. ``decode(encode(s))`` gives back ``s`` for a char-level vocabulary that knows
            every character of ``s``; at word level ``decode(encode(tokens), as_tokens=True)``
            gives back the tokens.
        """
        ids = np.asarray(ids)
        if ids.ndim != 1:
            raise ValueError(f"decode expects a 1-D sequence of ids, got shape {ids.shape}.")
        dropped = {self._ids[t] for t in (PAD, BOS, EOS) if t in self.reserved}
        symbols = [
            self.id_to_token(i) for i in ids.tolist() if not (strip_special and i in dropped)
        ]
        if as_tokens:
            return symbols
        return ("" if self.level == "char" else " ").join(symbols)

    def one_hot(self, ids: Sequence[int] | np.ndarray) -> np.ndarray:
        """One-hot vectors of ids of any shape: returns float32 of shape ``ids.shape + (len,)``."""
        return one_hot(ids, len(self))

    def pad_batch(
        self,
        sequences: Sequence[Sequence[int] | str],
        max_len: int | None = None,
        padding: str = "post",
        truncating: str = "post",
    ) -> tuple[np.ndarray, np.ndarray]:
        """Pack m sequences into one array, padding with ``"<pad>"`` (id 0).

        Args:
            sequences: lists of ids; a string or a list of str tokens is encoded first.
            max_len: T, the padded length (default: the longest sequence). Longer sequences
                are cut.
            padding: ``"post"`` (pad at the end) or ``"pre"`` (pad at the start).
            truncating: ``"post"`` keeps the first ``max_len`` ids, ``"pre"`` the last ones.

        Returns:
            ``(ids, mask)``: int32 array (m, T) and bool array (m, T), True on real symbols.
        """
        if self.pad_id is None:
            raise ValueError(f"pad_batch needs a {PAD!r} token; this vocabulary has none.")
        encoded = [
            self.encode(s) if isinstance(s, str) or (len(s) and isinstance(s[0], str)) else s
            for s in sequences
        ]
        for row, seq in enumerate(encoded):
            seq = np.asarray(seq, dtype=np.int64)
            if seq.size and (seq.min() < 0 or seq.max() >= len(self)):
                raise ValueError(f"Sequence {row} has ids outside [0, {len(self)}).")
        return pad_sequences(encoded, max_len, self.pad_id, padding, truncating)

    # ----------------------------------------------------------- persistence
    def to_dict(self) -> dict:
        """A JSON-ready dict; `Vocabulary.from_dict` rebuilds the same vocabulary."""
        return {
            "level": self.level,
            "symbols": list(self._symbols),
            "reserved": list(self.reserved),
        }

    @classmethod
    def from_dict(cls, config: dict) -> Vocabulary:
        """Rebuild a vocabulary saved with `to_dict`."""
        missing = {"level", "symbols", "reserved"} - set(config)
        if missing:
            raise ValueError(f"Vocabulary dict is missing keys {sorted(missing)}.")
        return cls(config["symbols"], level=config["level"], reserved=config["reserved"])
