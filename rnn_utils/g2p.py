"""The course's shipped grapheme-to-phoneme model: spell a word, get its ARPAbet phonemes.

Notebook 08 trains small encoder–decoders; this module loads the larger one trained by
``scripts/train_g2p.py`` on CMUdict (without stress) and shipped inside the package, next to its
vocabularies and a JSON card (data, split, hyper-parameters, held-out WER/PER, training time)::

    >>> from rnn_utils.g2p import load_g2p                    # doctest: +SKIP
    >>> load_g2p().predict(["phoenix", "tuple"], beam_width=4)  # doctest: +SKIP
    [('F', 'IY', 'N', 'IH', 'K', 'S'), ('T', 'UW', 'P', 'AH', 'L')]

From a shell: ``python -m rnn_utils.g2p phoenix tuple`` prints one line per word. Upper case is
accepted; a character outside a–z raises a ``ValueError`` naming it. The helpers that turn words
and pronunciations into padded id arrays (used by the training script) live here too.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from rnn_utils.text import BOS, EOS, PAD, Vocabulary

__all__ = [
    "G2P",
    "MODEL_DIR",
    "encode_pronunciations",
    "encode_words",
    "load_g2p",
    "make_vocabularies",
]

MODEL_DIR = Path(__file__).resolve().parent / "models" / "g2p"


def make_vocabularies(letters, phonemes):
    """``(letter vocabulary, phoneme vocabulary)``; id 0 is padding in both.

    The phoneme vocabulary also has ``<bos>`` (the decoder's first input) and ``<eos>``.
    """
    source = Vocabulary([PAD, *sorted(letters)], level="char", reserved=(PAD,))
    target = Vocabulary([PAD, BOS, EOS, *sorted(phonemes)], level="word", reserved=(PAD, BOS, EOS))
    return source, target


def _normalise(word, vocab):
    if not isinstance(word, str) or not word:
        raise ValueError(f"expected a non-empty word (a string), got {word!r}.")
    lower = word.lower()
    unknown = sorted({c for c in lower if c not in vocab or c == PAD})
    if unknown:
        raise ValueError(
            f"{word!r} has characters the model does not know: {unknown}; "
            "it spells words with the letters a-z only."
        )
    return lower


def encode_words(words, vocab):
    """Padded letter ids (batch, longest word), id 0 after each word's end."""
    ids = [vocab.encode(_normalise(w, vocab)) for w in words]
    return vocab.pad_batch(ids)[0].astype("int32")


def encode_pronunciations(pronunciations, vocab):
    """``(decoder input, decoder target)``: ``<bos> y<1..T>`` and ``y<1..T> <eos>``, padded."""
    targets = [vocab.encode(list(p), add_eos=True) for p in pronunciations]
    inputs = [[vocab.bos_id, *t[:-1]] for t in targets]
    return vocab.pad_batch(inputs)[0].astype("int32"), vocab.pad_batch(targets)[0].astype("int32")


class G2P:
    """A trained grapheme-to-phoneme model with its vocabularies and card.

    Args:
        model: a trained :class:`rnn_utils.seq2seq.model.Seq2Seq`.
        letters, phonemes: the vocabularies of :func:`make_vocabularies`.
        card: dict describing how the model was made (may be empty).
    """

    def __init__(self, model, letters, phonemes, card=None):
        self.model, self.letters, self.phonemes = model, letters, phonemes
        self.card = dict(card or {})

    def predict(self, words, beam_width=1, length_penalty=1.0, batch_size=1024, max_length=None):
        """Phoneme tuples, one per word: greedy search (``beam_width=1``) or beam search.

        Args:
            words: list of words (a single string is taken as one word).
            beam_width: 1 for greedy decoding, more for beam search.
            length_penalty: α of the length normalisation (see ``rnn_utils.seq2seq.decoding``).
            batch_size: words decoded together.
            max_length: most phonemes per word (default: letters + 5).
        """
        from rnn_utils.seq2seq.decoding import beam_search, greedy_search

        words = [words] if isinstance(words, str) else list(words)
        results = []
        for start in range(0, len(words), batch_size):
            chunk = words[start : start + batch_size]
            source = encode_words(chunk, self.letters)
            limit = max_length or source.shape[1] + 5
            states = self.model.initial_decoder_states(source)
            args = (self.model.step, states, len(chunk), self.phonemes.bos_id, self.phonemes.eos_id)
            if beam_width == 1:
                decoded = greedy_search(*args, limit)
            else:
                decoded = beam_search(
                    *args, limit, beam_width=beam_width, length_penalty=length_penalty
                )
            results += [tuple(self.phonemes.decode(t, as_tokens=True)) for t in decoded.tokens]
        return results

    def save(self, directory):
        """Write ``model.keras``, ``vocabularies.json`` and ``card.json`` to ``directory``."""
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        # A fresh copy of the weights only: a compiled model would also store the optimizer's
        # state (twice the weights again), which inference never needs.
        model = type(self.model).from_config(self.model.get_config())
        model.build(((None, None), (None, None)))
        model.set_weights(self.model.get_weights())
        model.save(directory / "model.keras")
        vocabs = {"letters": self.letters.to_dict(), "phonemes": self.phonemes.to_dict()}
        (directory / "vocabularies.json").write_text(json.dumps(vocabs, indent=1))
        (directory / "card.json").write_text(json.dumps(self.card, indent=2) + "\n")


def load_g2p(directory=None):
    """Load the shipped model (or one saved with :meth:`G2P.save` in ``directory``)."""
    directory = Path(directory) if directory is not None else MODEL_DIR
    if not (directory / "model.keras").exists():
        raise FileNotFoundError(
            f"No G2P model in {directory}: train one with scripts/train_g2p.py "
            "(the package ships one in rnn_utils/models/g2p/)."
        )
    import keras

    import rnn_utils.seq2seq.model  # noqa: F401  (registers Seq2Seq for loading)

    model = keras.models.load_model(directory / "model.keras", compile=False)
    vocabs = json.loads((directory / "vocabularies.json").read_text())
    card_path = directory / "card.json"
    card = json.loads(card_path.read_text()) if card_path.exists() else {}
    letters = Vocabulary.from_dict(vocabs["letters"])
    phonemes = Vocabulary.from_dict(vocabs["phonemes"])
    return G2P(model, letters, phonemes, card)


def main(argv=None):
    """``python -m rnn_utils.g2p WORD [WORD ...]``: one line ``word  PH ON EM ES`` per word."""
    argv = sys.argv[1:] if argv is None else argv
    if not argv or argv[0] in ("-h", "--help"):
        print("usage: python -m rnn_utils.g2p WORD [WORD ...]   (beam search, width 4)")
        return 0 if argv else 2
    import rnn_utils

    rnn_utils.import_keras_quietly()  # no TensorFlow start-up lines on the terminal
    g2p = load_g2p()
    try:
        predictions = g2p.predict(argv, beam_width=4)
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    for word, phonemes in zip(argv, predictions, strict=True):
        print(f"{word}  {' '.join(phonemes)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
