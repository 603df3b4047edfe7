"""The one check of a question and a thread id that every surface uses (stockpilot/asking.py)."""

from __future__ import annotations

import pytest

from stockpilot.asking import (
    MAX_QUESTION,
    InvalidAsk,
    checked_question,
    checked_thread_id,
    refused_question,
)

ODD_THREAD_IDS = ["", " ", "a/b", "../etc", "x\x00y", "x\ny", "t\x1b[31m", "-t", "x" * 65, "t 1"]


def test_a_question_is_trimmed_and_an_empty_or_blank_one_is_refused_by_name() -> None:
    assert checked_question("  what is late?\n") == "what is late?"
    for blank in ("", "   ", "\n\t "):
        with pytest.raises(InvalidAsk) as refused:
            checked_question(blank, "QUESTION")
        assert refused.value.field == "QUESTION" and str(refused.value).startswith("QUESTION:")


def test_a_question_longer_than_the_limit_is_refused() -> None:
    assert checked_question("x" * MAX_QUESTION)
    with pytest.raises(InvalidAsk, match="at most 4,000"):
        checked_question("x" * (MAX_QUESTION + 1))


@pytest.mark.parametrize("thread_id", ODD_THREAD_IDS)
def test_an_odd_thread_id_is_refused_naming_the_field(thread_id: str) -> None:
    with pytest.raises(InvalidAsk) as refused:
        checked_thread_id(thread_id, "--thread")
    assert refused.value.field == "--thread"
    assert "\x00" not in str(refused.value) and "\n" not in str(refused.value)


@pytest.mark.parametrize(
    "thread_id", ["t1", "t-0123abcd", "slack-C001-1700000000.000100", "a" * 64]
)
def test_a_thread_id_the_surfaces_make_is_accepted(thread_id: str) -> None:
    assert checked_thread_id(thread_id) == thread_id


def test_a_chat_surface_gets_a_sentence_for_a_refused_question() -> None:
    assert refused_question("what is late?") is None
    said = refused_question("x" * (MAX_QUESTION + 1))
    assert said is not None and "Nothing was asked" in said
