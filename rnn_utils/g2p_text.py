"""Words from real text for the G2P model: what to look up, what to spell, what to refuse.

The model spells the letters a-z only, and CMUdict's keys are lower case with apostrophes and
hyphens (``don't``, ``well-known``). :func:`prepare_word` turns a word as someone typed it into
both, or into the reason it cannot be answered:

- punctuation around a word is dropped (``"Hello,"`` -> ``hello``), case is folded, accents are
  taken off (``café`` -> ``cafe``) and curly apostrophes straightened;
- apostrophes and hyphens stay in the dictionary key; the model reads the letters without them
  (``o'neil`` -> ``oneil``), and a hyphenated word is also looked up part by part;
- digits and any other character are refused with the reason (numbers are not spelled out).
"""

from __future__ import annotations

import string
import unicodedata
from dataclasses import dataclass

__all__ = ["PreparedWord", "prepare_word", "words_in"]

_APOSTROPHES = {"\u2019": "'", "\u2018": "'", "`": "'"}
_HYPHENS = {"\u2010": "-", "\u2011": "-"}
_EDGE = string.punctuation + "\u201c\u201d\u2018\u2019\u00ab\u00bb\u2026\u2013\u2014\u00a1\u00bf"
_LETTERS = set(string.ascii_lowercase)


@dataclass(frozen=True)
class PreparedWord:
    """One word made ready for the dictionary and the model.

    Attributes:
        word: the word as given, without the punctuation around it (as given if that is all).
        key: the dictionary key: lower case, accents off, apostrophes and hyphens kept.
        parts: the key's hyphen-separated parts (just ``(key,)`` without a hyphen).
        letters: what the model spells: the key's letters a-z, nothing else.
        reason: why the word cannot be answered; empty when it can.
    """

    word: str
    key: str
    parts: tuple[str, ...]
    letters: str
    reason: str = ""


def _plain(text):
    decomposed = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    return "".join(_APOSTROPHES.get(c, _HYPHENS.get(c, c)) for c in text)


def prepare_word(word):
    """A :class:`PreparedWord` for ``word``; its ``reason`` says why when it cannot be answered.

    >>> prepare_word("O’Neil,").key, prepare_word("O’Neil,").letters
    ("o'neil", 'oneil')
    >>> prepare_word("well-known").parts
    ('well', 'known')
    >>> prepare_word("R2D2").reason
    'it has digits: numbers are not spelled out (write them in words)'
    """
    if not isinstance(word, str):
        raise TypeError(f"expected a word (a string), got {type(word).__name__}: {word!r}.")
    key = _plain(word).strip().strip(_EDGE)
    if not key:
        return PreparedWord(word, "", (), "", "it has no letters")
    word = word.strip().strip(_EDGE) or word
    if any(c.isdigit() for c in key):
        reason = "it has digits: numbers are not spelled out (write them in words)"
        return PreparedWord(word, key, (key,), "", reason)
    others = sorted({c for c in key if c not in _LETTERS and c not in "'-"})
    if others:
        reason = f"it has characters the model does not spell: {', '.join(map(repr, others))}"
        return PreparedWord(word, key, (key,), "", reason)
    parts = tuple(p.strip("'") for p in key.split("-") if p.strip("'"))
    letters = "".join(c for c in key if c in _LETTERS)
    return PreparedWord(word, key, parts, letters, "" if letters else "it has no letters")


def words_in(text):
    """The words of a line of text: split at white space; tokens of punctuation only are left out.

    >>> words_in("Well-known words, don't they -- 42?")
    ['Well-known', 'words,', "don't", 'they', '42?']
    """
    return [token for token in text.split() if token.strip(_EDGE)]
