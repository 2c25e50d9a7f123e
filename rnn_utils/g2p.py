"""The course's shipped grapheme-to-phoneme model: spell a word, get its ARPAbet phonemes.

Notebook 08 trains small encoder–decoders; this module loads the larger one trained by
``scripts/train_g2p.py`` on CMUdict (without stress) and shipped inside the package, next to its
vocabularies and a JSON card (data, split, hyper-parameters, held-out WER/PER, training time)::

    >>> from rnn_utils.g2p import load_g2p                    # doctest: +SKIP
    >>> load_g2p().predict(["phoenix", "tuple"], beam_width=4)  # doctest: +SKIP
    [('F', 'IY', 'N', 'IH', 'K', 'S'), ('T', 'UW', 'P', 'AH', 'L')]

``predict(..., lookup=True)`` lets CMUdict answer the words it knows and the model the rest
(``explain=True`` says which); real text (case, punctuation, accents, apostrophes, hyphens) is
prepared by :mod:`rnn_utils.g2p_text`, and a word it cannot spell (digits) is refused with the
reason. From a shell, ``python -m rnn_utils.g2p [--explain] [--nbest K] [WORD ...]`` does the
same for its arguments or standard input (``--help`` lists the options). The helpers that turn
words and pronunciations into padded id arrays (used by the training script) live here too.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path

from rnn_utils.g2p_text import prepare_word, words_in
from rnn_utils.text import BOS, EOS, PAD, Vocabulary

__all__ = [
    "G2P",
    "MODEL_DIR",
    "Pronunciation",
    "encode_pronunciations",
    "encode_words",
    "load_g2p",
    "look_up",
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


@dataclass(frozen=True)
class Pronunciation:
    """One answer of :meth:`G2P.predict` with ``explain=True``.

    Attributes:
        word: the word as given, without the punctuation around it.
        phonemes: ARPAbet phonemes without stress; None when the word was not answered.
        source: ``"cmudict"``, ``"model"`` or ``"none"`` (not answered).
        log_prob: the model's log P(phonemes | letters), ``<eos>`` included (model answers).
        reason: why the word was not answered (empty otherwise).
    """

    word: str
    phonemes: tuple[str, ...] | None
    source: str
    log_prob: float | None = None
    reason: str = ""


def look_up(prepared):
    """CMUdict's pronunciations of a :class:`~rnn_utils.g2p_text.PreparedWord` ([] if unknown).

    The whole word first; failing that, a hyphenated word whose every part CMUdict knows gets
    its parts' first pronunciations joined (``sky-blue``).
    """
    from rnn_utils.datasets import cmudict_lexicon

    lexicon = cmudict_lexicon()
    if prepared.key in lexicon:
        return list(lexicon[prepared.key])
    if len(prepared.parts) > 1 and all(part in lexicon for part in prepared.parts):
        return [tuple(ph for part in prepared.parts for ph in lexicon[part][0])]
    return []


class G2P:
    """A trained grapheme-to-phoneme model with its vocabularies and card.

    Args:
        model: a trained :class:`rnn_utils.seq2seq.model.Seq2Seq`, or a
            :class:`~rnn_utils.seq2seq.ensemble.Seq2SeqEnsemble` of them.
        letters, phonemes: the vocabularies of :func:`make_vocabularies`.
        card: dict describing how the model was made (may be empty).
    """

    def __init__(self, model, letters, phonemes, card=None):
        self.model, self.letters, self.phonemes = model, letters, phonemes
        self.card = dict(card or {})

    def predict(
        self,
        words,
        beam_width=1,
        length_penalty=1.0,
        batch_size=1024,
        max_length=None,
        *,
        lookup=False,
        all_pronunciations=False,
        nbest=1,
        explain=False,
    ):
        """Pronounce words: the model's phonemes, or CMUdict's where it knows the word.

        Words are prepared by :func:`rnn_utils.g2p_text.prepare_word`: punctuation around them,
        case, accents, apostrophes and hyphens are handled; digits and other characters make
        a word unanswerable (a ``ValueError`` naming it and why, or a record saying so with
        ``explain``).

        Args:
            words: list of words (a single string is taken as one word).
            beam_width: 1 for greedy decoding, more for beam search.
            length_penalty: α of the length normalisation (see ``rnn_utils.seq2seq.decoding``).
            batch_size: words decoded together.
            max_length: most phonemes per word (default: letters + 5).
            lookup: answer from CMUdict when it knows the word (or every part of a hyphenated
                word); the model answers the rest. False (the default): the model answers all.
            all_pronunciations: every CMUdict pronunciation of a known word, not just its first.
            nbest: how many of the model's best hypotheses to return per word; the beam is
                widened to ``nbest`` if it is narrower.
            explain: return :class:`Pronunciation` records (source, log-probability, reason).

        Returns:
            One item per word: a phoneme tuple; a list of phoneme tuples when ``nbest`` > 1 or
            ``all_pronunciations``; a list of :class:`Pronunciation` records with ``explain``.
        """
        words = [words] if isinstance(words, str) else list(words)
        if isinstance(nbest, bool) or not isinstance(nbest, int) or nbest < 1:
            raise ValueError(f"nbest must be a positive int, got {nbest!r}.")
        prepared = [prepare_word(w) for w in words]
        refused = [p for p in prepared if p.reason]
        if refused and not explain:
            raise ValueError(
                f"{refused[0].word!r} cannot be pronounced: {refused[0].reason}"
                f" ({len(refused)} such word(s); explain=True reports each one)."
            )
        answers = [None] * len(words)
        if lookup:
            for i, p in enumerate(prepared):
                found = [] if p.reason else look_up(p)
                if found:
                    kept = found if all_pronunciations else found[:1]
                    answers[i] = [Pronunciation(p.word, ph, "cmudict") for ph in kept]
        pending = [p for p, a in zip(prepared, answers, strict=True) if a is None and not p.reason]
        spelled = list(dict.fromkeys(p.letters for p in pending))  # each spelling decoded once
        width = max(beam_width, nbest)
        hypotheses = self._hypotheses(spelled, width, length_penalty, batch_size, max_length)
        decoded = dict(zip(spelled, hypotheses, strict=True))
        for i, p in enumerate(prepared):
            if p.reason:
                answers[i] = [Pronunciation(p.word, None, "none", reason=p.reason)]
            elif answers[i] is None:
                best = decoded[p.letters][:nbest]
                answers[i] = [Pronunciation(p.word, ph, "model", lp) for ph, lp in best]
        if explain:
            return answers
        if nbest == 1 and not all_pronunciations:
            return [a[0].phonemes for a in answers]
        return [[x.phonemes for x in a] for a in answers]

    def _hypotheses(self, spellings, beam_width, length_penalty, batch_size, max_length):
        """Per spelling (letters a-z), the decoder's ``(phonemes, log P)`` pairs, best first."""
        from rnn_utils.seq2seq.decoding import beam_search, greedy_search

        results = []
        for start in range(0, len(spellings), batch_size):
            chunk = spellings[start : start + batch_size]
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
            results += [
                [(tuple(self.phonemes.decode(t, as_tokens=True)), lp) for t, lp in hypotheses]
                for hypotheses in decoded.hypotheses
            ]
        return results

    def save(self, directory):
        """Write ``model.keras``, ``vocabularies.json`` and ``card.json`` to ``directory``.

        An ensemble's members go to ``model.keras``, ``model_2.keras``, ...
        """
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        members = getattr(self.model, "members", [self.model])
        for i, member in enumerate(members):
            # A fresh copy of the weights only: a compiled model would also store the
            # optimizer's state (twice the weights again), which inference never needs.
            model = type(member).from_config(member.get_config())
            model.build(((None, None), (None, None)))
            model.set_weights(member.get_weights())
            model.save(directory / _member_file(i))
        vocabs = {"letters": self.letters.to_dict(), "phonemes": self.phonemes.to_dict()}
        (directory / "vocabularies.json").write_text(json.dumps(vocabs, indent=1))
        (directory / "card.json").write_text(json.dumps(self.card, indent=2) + "\n")


def _member_file(i):
    return "model.keras" if i == 0 else f"model_{i + 1}.keras"


def load_g2p(directory=None):
    """Load the shipped model (or one saved with :meth:`G2P.save` in ``directory``).

    Several model files (``model.keras``, ``model_2.keras``, ...) load as one
    :class:`~rnn_utils.seq2seq.ensemble.Seq2SeqEnsemble`.
    """
    directory = Path(directory) if directory is not None else MODEL_DIR
    if not (directory / "model.keras").exists():
        raise FileNotFoundError(
            f"No G2P model in {directory}: train one with scripts/train_g2p.py "
            "(the package ships one in rnn_utils/models/g2p/)."
        )
    import keras

    import rnn_utils.seq2seq.model  # noqa: F401  (registers Seq2Seq for loading)
    from rnn_utils.seq2seq.ensemble import Seq2SeqEnsemble

    members, i = [], 0
    while (directory / _member_file(i)).exists():
        members.append(keras.models.load_model(directory / _member_file(i), compile=False))
        i += 1
    card_path = directory / "card.json"
    card = json.loads(card_path.read_text()) if card_path.exists() else {}
    expected = len(card.get("members", members))  # an ensemble's card lists its members
    if len(members) != expected:  # e.g. a partial copy: do not decode with fewer members
        missing = [_member_file(j) for j in range(len(members), expected)]
        raise FileNotFoundError(
            f"{directory} holds {len(members)} model file(s), but its card.json describes an "
            f"ensemble of {expected}: {', '.join(missing)} missing."
        )
    model = members[0] if len(members) == 1 else Seq2SeqEnsemble(members)
    vocabs = json.loads((directory / "vocabularies.json").read_text())
    letters = Vocabulary.from_dict(vocabs["letters"])
    phonemes = Vocabulary.from_dict(vocabs["phonemes"])
    return G2P(model, letters, phonemes, card)


def _parser():
    parser = argparse.ArgumentParser(
        prog="python -m rnn_utils.g2p",
        description="Pronounce English words in ARPAbet (without stress): CMUdict's "
        "pronunciation when it knows the word, the course's shipped model otherwise.",
        epilog="Exit status: 0 when every word was answered, 1 when some were not (each is "
        "named on standard error with the reason), 2 for a usage error.",
    )
    add = parser.add_argument
    add("words", nargs="*", help="words or text; with none, text is read from standard input")
    add("--all", action="store_true", help="every CMUdict pronunciation of a known word")
    add("--model-only", action="store_true", help="ask the model even when CMUdict knows")
    add("--nbest", type=int, default=1, metavar="K", help="the model's K best, with log P")
    add("--beam-width", type=int, default=4, metavar="W", help="beam width (1: greedy)")
    add("--explain", action="store_true", help="add a column: which source answered")
    return parser


def main(argv=None):
    """``python -m rnn_utils.g2p [options] [WORD ...]``: one line per pronunciation.

    Each line is ``word  [source]  [log P]  PH ON EM ES`` (the source column with
    ``--explain``, the log-probability with ``--nbest`` > 1: ``-`` for dictionary answers).
    """
    parser = _parser()
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    if args.nbest < 1 or args.beam_width < 1:
        parser.error("--nbest and --beam-width must be at least 1")
    if args.words:
        words = [w for text in args.words for w in words_in(text)]
    else:
        if sys.stdin.isatty():
            print("reading words from standard input (end with Ctrl-D)", file=sys.stderr)
        words = [w for line in sys.stdin for w in words_in(line)]
    import rnn_utils

    rnn_utils.import_keras_quietly()  # no TensorFlow start-up lines on the terminal
    answers = load_g2p().predict(
        words,
        beam_width=args.beam_width,
        lookup=not args.model_only,
        all_pronunciations=args.all,
        nbest=args.nbest,
        explain=True,
    )
    unanswered = 0
    for records in answers:
        for r in records:
            if r.phonemes is None:
                unanswered += 1
                print(f"{r.word}: not answered: {r.reason}", file=sys.stderr)
                continue
            columns = [r.word]
            if args.explain:
                columns.append(r.source)
            if args.nbest > 1:
                columns.append("-" if r.log_prob is None else f"{r.log_prob:.3f}")
            print("  ".join([*columns, " ".join(r.phonemes)]))
    return 1 if unanswered else 0


if __name__ == "__main__":
    sys.exit(main())
