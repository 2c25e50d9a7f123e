"""Quiz banks, one module per notebook, each defining ``QUIZ = Quiz(...)``.

Notebooks load their bank with ``from rnn_utils.quizzes.<module> import QUIZ``; the test
``tests/test_quiz_banks.py`` walks every module here and checks each experiment-backed key.
"""
