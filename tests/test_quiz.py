"""Unit tests for the quiz engine (no TensorFlow)."""

import numpy as np
import pytest

from rnn_utils import quiz as quiz_module
from rnn_utils.quiz import Question, Quiz, QuizError, answer_key

OPTIONS = ("x<(i)<j>>", "x<<i>(j)>", "x<(j)<i>>", "x<<j>(i)>")


def make_quiz(evidence=None, numeric_evidence=None):
    return Quiz(
        "demo",
        [
            Question(
                "pick",
                "Which symbol?",
                "single",
                answer_key("pick", "single", "a", 4),
                explanation="right: (i) indexes the example, <j> the position.",
                hint="round brackets index examples",
                options=OPTIONS,
                evidence=evidence,
                evidence_note="index lookup",
            ),
            Question(
                "many",
                "Which are many-to-one?",
                "multiple",
                answer_key("many", "multiple", {"b", "d"}, 4),
                explanation="one label per sequence",
                hint="one output for a whole sequence",
                options=("speech", "sentiment", "image", "speaker sex"),
            ),
            Question(
                "dims",
                "Size of the gate?",
                "numeric",
                answer_key("dims", "numeric", 100, tolerance=0.5),
                explanation="one gate value per hidden unit",
                hint="look at n_a",
                tolerance=0.5,
                evidence=numeric_evidence,
            ),
            Question(
                "word",
                "What is clipped?",
                "short",
                (answer_key("word", "short", "gradients"), answer_key("word", "short", "gradient")),
                explanation="clipping bounds the gradient",
                hint="not the weights",
            ),
        ],
    )


RIGHT = {"pick": "a", "many": {"b", "d"}, "dims": 100, "word": "Gradients"}


def test_all_correct_passes_and_reports(capsys):
    report = make_quiz().check(RIGHT)
    out = capsys.readouterr().out
    assert report.all_correct and report.score == 4
    assert "Score: 4/4" in out
    assert "one gate value per hidden unit" in out  # explanation revealed


@pytest.mark.parametrize(
    "many",
    [{"d", "b"}, ["b", "d"], "bd", "b, d", ("D", "B")],
    ids=["set", "list", "str", "csv", "upper"],
)
def test_multiple_choice_accepts_every_spelling(many):
    assert make_quiz()["many"].is_correct(many)


def test_multiple_choice_needs_exactly_the_right_set():
    q = make_quiz()["many"]
    assert not q.is_correct({"b"})
    assert not q.is_correct({"b", "c", "d"})


def test_numeric_tolerance_bounds():
    q = make_quiz()["dims"]
    assert q.is_correct(100) and q.is_correct(100.49) and q.is_correct(99.51)
    assert q.is_correct(np.float32(100.2))
    assert not q.is_correct(101.01) and not q.is_correct(98.99)
    assert not q.is_correct(300)


@pytest.mark.parametrize("answer", ["gradients", "  GRADIENT ", "gradients"])
def test_short_answers_are_normalised_and_accept_variants(answer):
    assert make_quiz()["word"].is_correct(answer)


def test_wrong_and_missing_raise_one_error_listing_all(capsys):
    answers = dict(RIGHT, pick="c", dims=None)
    del answers["word"]
    with pytest.raises(QuizError) as info:
        make_quiz().check(answers)
    message = str(info.value)
    assert "3 of 4" in message
    assert "pick (wrong" in message and "round brackets" in message  # hint shown
    assert "dims (missing" in message and "word (missing" in message
    out = capsys.readouterr().out
    assert "[x]  pick" in out and "Score: 1/4" in out


def test_unknown_question_id_names_the_allowed_ids():
    with pytest.raises(KeyError, match="unknown question id.*nope.*pick, many, dims, word"):
        make_quiz().check(dict(RIGHT, nope="a"))


def test_option_that_does_not_exist_is_rejected():
    with pytest.raises(ValueError, match="option 'e' does not exist; choose among a, b, c, d"):
        make_quiz().check(dict(RIGHT, pick="e"))
    with pytest.raises(ValueError, match="option 'z' does not exist"):
        make_quiz().check(dict(RIGHT, many={"a", "z"}))


@pytest.mark.parametrize(
    "qid, bad, match",
    [
        ("pick", ["a"], "one option letter"),
        ("pick", 1, "one option letter"),
        ("many", 3, "set of option letters"),
        ("dims", "100", "a number"),
        ("dims", True, "a number"),
        ("dims", float("nan"), "finite number"),
        ("word", 5, "short text"),
    ],
)
def test_answers_of_the_wrong_type_say_what_is_allowed(qid, bad, match):
    with pytest.raises((TypeError, ValueError), match=match):
        make_quiz().check(dict(RIGHT, **{qid: bad}))


def test_answers_must_be_a_mapping():
    with pytest.raises(TypeError, match="answers must be a dict"):
        make_quiz().check([("pick", "a")])


def test_keys_are_not_stored_in_plain_text():
    q = make_quiz()["pick"]
    assert q.key != "a" and len(q.key) == 20
    # the same letter hashes differently for different questions
    assert answer_key("pick", "single", "a", 4) != answer_key("other", "single", "a", 4)


def test_evidence_is_run_and_shown_when_correct(capsys):
    calls = []

    def evidence():
        calls.append(1)
        return "a"

    make_quiz(evidence=evidence, numeric_evidence=lambda: 100.0).check(RIGHT)
    out = capsys.readouterr().out
    assert calls == [1]
    assert "evidence: index lookup -> a" in out
    assert "evidence: 100" in out


def test_evidence_value_is_hidden_while_the_answer_is_wrong(capsys):
    with pytest.raises(QuizError):
        make_quiz(evidence=lambda: "a").check(dict(RIGHT, pick="b"))
    assert "revealed once your answer is right" in capsys.readouterr().out


def test_evidence_disagreeing_with_the_key_is_a_bank_bug():
    bad = make_quiz(evidence=lambda: "c")
    with pytest.raises(QuizError, match="evidence disagrees"):
        bad.check(RIGHT, verbose=False)
    with pytest.raises(QuizError, match="evidence disagrees"):
        bad.verify_evidence()
    assert make_quiz(evidence=lambda: "a").verify_evidence() == {"pick": "a"}


def test_markdown_lists_questions_and_labelled_options():
    text = make_quiz(evidence=lambda: "a").markdown()
    assert "### Quiz: demo" in text
    assert "**Q1 (`pick`, choose one).**" in text and "- (d) x<<j>(i)>" in text
    assert "check all that apply" in text and "within ±0.5" in text
    assert "Backed by an experiment" in text


def test_show_prints_outside_ipython(capsys):
    make_quiz().show()
    assert "Which symbol?" in capsys.readouterr().out


def test_blank_answers_template():
    assert make_quiz().blank_answers() == {"pick": None, "many": None, "dims": None, "word": None}


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(kind="essay"), "kind must be one of"),
        (dict(kind="single", options=("only",)), "at least 2 options"),
        (dict(kind="numeric", options=("a", "b")), "only choice questions"),
        (dict(kind="numeric", tolerance=-1), "tolerance must be >= 0"),
        (dict(kind="short", hint=""), "explanation and a hint"),
    ],
)
def test_malformed_questions_are_rejected(kwargs, match):
    base = dict(id="q", prompt="?", kind="short", key="k", explanation="e", hint="h")
    with pytest.raises(ValueError, match=match):
        Question(**{**base, **kwargs})


def test_duplicate_ids_are_rejected():
    q = make_quiz()["pick"]
    with pytest.raises(ValueError, match="duplicate question ids"):
        Quiz("dup", [q, q])


def test_key_cli_prints_the_digest(capsys):
    assert quiz_module._main(["key", "dims", "numeric", "100", "0.5"]) == 0
    assert capsys.readouterr().out.strip() == answer_key("dims", "numeric", 100, tolerance=0.5)
    assert quiz_module._main(["key"]) == 2
