"""The quiz engine that ends every notebook.

A :class:`Quiz` holds :class:`Question` objects of four kinds:

- ``"single"``: one option letter, e.g. ``"b"``;
- ``"multiple"``: "check all that apply", a set/list of letters or a string such as ``"ac"``;
- ``"numeric"``: a number, accepted when within ``tolerance`` of the key (always accepted when
  closer than ``tolerance``, never when farther than twice ``tolerance``);
- ``"short"``: a short text answer, compared after trimming, lower-casing and folding spaces.

Answer keys are stored as salted SHA-256 digests, so reading the package does not reveal them
(``python -m rnn_utils.quiz key QID KIND ANSWER`` prints the digest for a bank author).
A question may carry an *evidence* function: real code that computes the answer it demonstrates.
:meth:`Quiz.check` compares each answer with the key, shows the evidence, prints a per-question
report and raises one :class:`QuizError` listing every wrong or missing answer.
No TensorFlow is imported here; evidence functions import what they need.

Example:
    >>> q = Question("tx", "If $T_x = 5$, how many outputs does a many-to-many "
    ...              "($T_x = T_y$) RNN produce?", "numeric", key=answer_key("tx", "numeric", 5),
    ...              explanation="One output per input step.", hint="Count the steps.")
    >>> report = Quiz("demo", [q]).check({"tx": 5}, verbose=False)
    >>> report.all_correct
    True
"""

from __future__ import annotations

import hashlib
import importlib
import pkgutil
import string
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

KINDS = ("single", "multiple", "numeric", "short")
_SALT = "rnns-step-by-step/v1"
_LETTERS = string.ascii_lowercase


class QuizError(AssertionError):
    """Raised by :meth:`Quiz.check` when answers are wrong or missing."""


# --------------------------------------------------------------------------- canonical answers


def _letters_for(n_options: int) -> str:
    return _LETTERS[:n_options]


def _canonical_choice(qid: str, answer: Any, n_options: int, multiple: bool) -> str:
    allowed = _letters_for(n_options)
    if multiple:
        if isinstance(answer, str):
            items = [c for c in answer.replace(",", "").replace(" ", "")]
        elif isinstance(answer, Iterable):
            items = list(answer)
        else:
            raise TypeError(
                f"{qid!r}: a 'check all that apply' answer is a set of option letters, "
                f"e.g. {{'a', 'c'}} or 'ac'; got {answer!r}"
            )
    else:
        if not isinstance(answer, str) or len(answer.strip()) != 1:
            raise TypeError(
                f"{qid!r}: answer with one option letter among {', '.join(allowed)}; got {answer!r}"
            )
        items = [answer.strip()]
    letters = set()
    for item in items:
        if not isinstance(item, str) or item.strip().lower() not in allowed:
            raise ValueError(
                f"{qid!r}: option {item!r} does not exist; choose among {', '.join(allowed)}"
            )
        letters.add(item.strip().lower())
    return ",".join(sorted(letters))


def _numeric_bucket(qid: str, answer: Any, tolerance: float) -> int:
    # NumPy scalars count as numbers (they expose __float__); bools, strings and containers don't.
    if isinstance(answer, bool | str | bytes) or not hasattr(answer, "__float__"):
        raise TypeError(f"{qid!r}: answer with a number; got {answer!r}")
    value = float(answer)
    if value != value or value in (float("inf"), float("-inf")):
        raise ValueError(f"{qid!r}: answer with a finite number; got {answer!r}")
    return round(value / tolerance) if tolerance > 0 else round(value)


def _canonical_short(qid: str, answer: Any) -> str:
    if not isinstance(answer, str):
        raise TypeError(f"{qid!r}: answer with a short text (a str); got {answer!r}")
    return " ".join(answer.strip().lower().split())


def _digest(qid: str, canonical: str) -> str:
    return hashlib.sha256(f"{_SALT}:{qid}:{canonical}".encode()).hexdigest()[:20]


def answer_key(
    qid: str, kind: str, answer: Any, n_options: int = 26, tolerance: float = 0.0
) -> str:
    """Return the stored key (a salted digest) for ``answer`` to question ``qid``.

    Args:
        qid: the question id.
        kind: one of ``"single"``, ``"multiple"``, ``"numeric"``, ``"short"``.
        answer: the correct answer, in the form a learner would type it.
        n_options: number of options (choice kinds only).
        tolerance: the numeric tolerance the question will use.

    Returns:
        A 20-character hex digest to paste into the quiz bank.
    """
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}; got {kind!r}")
    if kind in ("single", "multiple"):
        canonical = _canonical_choice(qid, answer, n_options, kind == "multiple")
    elif kind == "numeric":
        canonical = str(_numeric_bucket(qid, answer, tolerance))
    else:
        canonical = _canonical_short(qid, answer)
    return _digest(qid, canonical)


# --------------------------------------------------------------------------- questions


@dataclass(frozen=True)
class Question:
    """One quiz question.

    Args:
        id: short identifier, the key of the learner's answers dict.
        prompt: the question in Markdown (LaTeX allowed).
        kind: ``"single"``, ``"multiple"``, ``"numeric"`` or ``"short"``.
        key: digest(s) from :func:`answer_key`; a tuple accepts several short answers.
        explanation: shown when the answer is right.
        hint: shown when the answer is wrong.
        options: the options, in order (labelled a, b, c, ...), for the choice kinds.
        tolerance: for numeric questions, the accepted distance from the key.
        evidence: optional function with no arguments that runs real code and returns the
            answer it demonstrates, in the same form as a learner's answer.
        evidence_note: one line saying what the evidence computes.
    """

    id: str
    prompt: str
    kind: str
    key: str | tuple[str, ...]
    explanation: str
    hint: str
    options: tuple[str, ...] = ()
    tolerance: float = 0.0
    evidence: Callable[[], Any] | None = field(default=None, compare=False)
    evidence_note: str = ""

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(
                f"question {self.id!r}: kind must be one of {KINDS}; got {self.kind!r}"
            )
        if self.kind in ("single", "multiple") and len(self.options) < 2:
            raise ValueError(f"question {self.id!r}: a choice question needs at least 2 options")
        if self.kind not in ("single", "multiple") and self.options:
            raise ValueError(f"question {self.id!r}: only choice questions take options")
        if self.tolerance < 0:
            raise ValueError(f"question {self.id!r}: tolerance must be >= 0")
        if not self.explanation or not self.hint:
            raise ValueError(f"question {self.id!r}: give both an explanation and a hint")

    @property
    def keys(self) -> tuple[str, ...]:
        return (self.key,) if isinstance(self.key, str) else tuple(self.key)

    def _digests(self, answer: Any) -> set[str]:
        """Digests under which ``answer`` would be correct (validates the answer)."""
        if self.kind in ("single", "multiple"):
            multiple = self.kind == "multiple"
            return {
                _digest(self.id, _canonical_choice(self.id, answer, len(self.options), multiple))
            }
        if self.kind == "numeric":
            bucket = _numeric_bucket(self.id, answer, self.tolerance)
            return {_digest(self.id, str(bucket + d)) for d in (-1, 0, 1)}
        return {_digest(self.id, _canonical_short(self.id, answer))}

    def is_correct(self, answer: Any) -> bool:
        """Whether ``answer`` matches the key; raises on an answer of the wrong form."""
        return bool(self._digests(answer) & set(self.keys))

    def run_evidence(self) -> Any:
        """Run the evidence function and return what it demonstrates (None without one)."""
        return None if self.evidence is None else self.evidence()

    def markdown(self, number: int) -> str:
        kind_note = {
            "single": "choose one",
            "multiple": "check all that apply",
            "numeric": "a number",
            "short": "a short answer",
        }[self.kind]
        lines = [f"**Q{number} (`{self.id}`, {kind_note}).** {self.prompt}"]
        if self.kind == "numeric" and self.tolerance:
            lines[0] += f" *(within ±{self.tolerance:g})*"
        lines += [
            f"- ({letter}) {text}" for letter, text in zip(_LETTERS, self.options, strict=False)
        ]
        if self.evidence is not None:
            lines.append("\n*Backed by an experiment that runs when you check.*")
        return "\n".join(lines)


def _format_value(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, set | frozenset | list | tuple):
        return "{" + ", ".join(sorted(map(str, value))) + "}"
    return str(value)


# --------------------------------------------------------------------------- quiz


@dataclass
class QuestionResult:
    id: str
    status: str  # "correct" | "wrong" | "missing"
    message: str
    evidence: Any = None
    evidence_agrees: bool | None = None


@dataclass
class QuizReport:
    results: list[QuestionResult]

    @property
    def all_correct(self) -> bool:
        return all(r.status == "correct" for r in self.results)

    @property
    def score(self) -> int:
        return sum(r.status == "correct" for r in self.results)

    def text(self) -> str:
        marks = {"correct": "[ok]", "wrong": "[x] ", "missing": "[ ] "}
        lines = []
        for r in self.results:
            lines.append(f"{marks[r.status]} {r.id}: {r.message}")
            if r.evidence is not None:
                lines.append(f"       evidence: {r.evidence}")
        lines.append(f"Score: {self.score}/{len(self.results)}")
        return "\n".join(lines)


class Quiz:
    """A bank of questions with one answers dict and one check.

    Args:
        title: the quiz's title (e.g. the notebook's concept).
        questions: the :class:`Question` objects, in display order; ids must be unique.

    Example:
        >>> quiz = Quiz("demo", [])
        >>> quiz.blank_answers()
        {}
    """

    def __init__(self, title: str, questions: Iterable[Question]):
        self.title = title
        self.questions = list(questions)
        ids = [q.id for q in self.questions]
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        if duplicates:
            raise ValueError(f"quiz {title!r}: duplicate question ids {duplicates}")
        self._by_id = {q.id: q for q in self.questions}

    def __len__(self) -> int:
        return len(self.questions)

    def __getitem__(self, qid: str) -> Question:
        return self._by_id[qid]

    @property
    def ids(self) -> list[str]:
        return list(self._by_id)

    def blank_answers(self) -> dict[str, Any]:
        """An answers dict with every question id set to ``None``."""
        return {qid: None for qid in self._by_id}

    def markdown(self) -> str:
        """All questions as one Markdown document."""
        parts = [f"### Quiz: {self.title}"]
        parts += [q.markdown(i) for i, q in enumerate(self.questions, start=1)]
        parts.append(
            "Answer in one dict: option letters for choice questions (`'b'`, or `{'a', 'c'}` "
            "for check-all), numbers for numeric ones, text for short ones."
        )
        return "\n\n".join(parts)

    def show(self) -> None:
        """Display the questions (rendered Markdown in Jupyter, plain text elsewhere)."""
        try:
            from IPython import get_ipython
            from IPython.display import Markdown, display
        except ImportError:  # pragma: no cover - IPython ships with Jupyter
            print(self.markdown())
            return
        if get_ipython() is None:
            print(self.markdown())
        else:
            display(Markdown(self.markdown()))

    def _validate_ids(self, answers: Mapping[str, Any]) -> None:
        if not isinstance(answers, Mapping):
            raise TypeError(f"answers must be a dict {{question id: answer}}; got {type(answers)}")
        unknown = [k for k in answers if k not in self._by_id]
        if unknown:
            raise KeyError(
                f"unknown question id(s) {unknown}; this quiz has {', '.join(self._by_id)}"
            )

    def check(
        self, answers: Mapping[str, Any], run_evidence: bool = True, verbose: bool = True
    ) -> QuizReport:
        """Check ``answers``, print a per-question report, raise if anything is wrong or missing.

        Args:
            answers: ``{question id: answer}``; ``None`` or an absent id counts as missing.
            run_evidence: run each question's evidence function and show what it computed.
            verbose: print the report.

        Returns:
            The :class:`QuizReport` (only when every answer is correct).

        Raises:
            KeyError: an unknown question id. TypeError / ValueError: an answer of the wrong
                form or an option that does not exist (raised before anything is graded).
            QuizError: one error listing every wrong or missing answer, with hints.
        """
        self._validate_ids(answers)
        given = {qid: answers.get(qid) for qid in self._by_id}
        verdicts = {
            qid: None if a is None else self._by_id[qid].is_correct(a) for qid, a in given.items()
        }
        results = []
        for q in self.questions:
            verdict = verdicts[q.id]
            status = "missing" if verdict is None else ("correct" if verdict else "wrong")
            message = q.explanation if status == "correct" else f"hint: {q.hint}"
            result = QuestionResult(q.id, status, message)
            if run_evidence and q.evidence is not None:
                shown = q.run_evidence()
                result.evidence_agrees = q.is_correct(shown)
                note = f"{q.evidence_note} -> " if q.evidence_note else ""
                if status == "correct":
                    result.evidence = f"{note}{_format_value(shown)}"
                else:
                    result.evidence = f"{note}(computed; revealed once your answer is right)"
            results.append(result)
        report = QuizReport(results)
        if verbose:
            print(report.text())
        disagreeing = [r.id for r in results if r.evidence_agrees is False]
        if disagreeing:
            raise QuizError(f"evidence disagrees with the stored key for {disagreeing}: a bank bug")
        problems = [f"{r.id} ({r.status}: {r.message})" for r in results if r.status != "correct"]
        if problems:
            raise QuizError(
                f"{len(problems)} of {len(results)} answers need another look:\n  "
                + "\n  ".join(problems)
            )
        return report

    def verify_evidence(self) -> dict[str, Any]:
        """Run every evidence function; raise unless each one agrees with its stored key.

        Returns:
            ``{question id: evidence value}`` for the experiment-backed questions.
        """
        shown = {q.id: q.run_evidence() for q in self.questions if q.evidence is not None}
        wrong = {qid: v for qid, v in shown.items() if not self._by_id[qid].is_correct(v)}
        if wrong:
            raise QuizError(f"quiz {self.title!r}: evidence disagrees with the key for {wrong}")
        return shown


# --------------------------------------------------------------------------- banks


def iter_banks(package: str = "rnn_utils.quizzes") -> Iterator[tuple[str, Quiz]]:
    """Yield ``(module name, QUIZ)`` for every quiz bank module in ``package``."""
    pkg = importlib.import_module(package)
    for info in pkgutil.iter_modules(pkg.__path__):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{package}.{info.name}")
        quiz = getattr(module, "QUIZ", None)
        if not isinstance(quiz, Quiz):
            raise TypeError(f"{module.__name__} must define QUIZ = Quiz(...)")
        yield module.__name__, quiz


def _main(argv: list[str]) -> int:
    usage = (
        "usage: python -m rnn_utils.quiz key QID KIND ANSWER [N_OPTIONS|TOLERANCE]\n"
        "  e.g. key notation single b 4 | key choices multiple bd 4 | key dims numeric 100 0.5"
    )
    if len(argv) < 4 or argv[0] != "key":
        print(usage)
        return 2
    _, qid, kind, raw, *rest = argv
    extra = float(rest[0]) if rest else None
    if kind == "numeric":
        print(answer_key(qid, kind, float(raw), tolerance=extra or 0.0))
    elif kind in ("single", "multiple"):
        print(answer_key(qid, kind, raw, n_options=int(extra or 26)))
    else:
        print(answer_key(qid, kind, raw))
    return 0


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
