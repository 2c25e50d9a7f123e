"""Every quiz bank in the package: evidence agrees with the stored key, half are backed."""

import pytest

from rnn_utils.quiz import Quiz, iter_banks

BANKS = list(iter_banks())


def test_bank_walker_finds_only_quizzes():
    assert all(isinstance(quiz, Quiz) for _, quiz in BANKS)
    assert len({name for name, _ in BANKS}) == len(BANKS)


@pytest.mark.parametrize("name, quiz", BANKS, ids=[name.rsplit(".", 1)[-1] for name, _ in BANKS])
def test_bank_evidence_matches_keys(name, quiz):
    shown = quiz.verify_evidence()
    assert len(quiz) >= 5, f"{name}: at least 5 questions"
    assert 2 * len(shown) >= len(quiz), f"{name}: at least half must be experiment-backed"
