"""The question of an e-mail (`agents.offline.letters.asked`): greeting and signature off, the
asking sentences kept, a message that is no letter read as it is."""

from __future__ import annotations

import pytest

from agents.offline.letters import GREETING, asked, left_out, sentences


@pytest.mark.parametrize(
    "line", ["Hi team,", "Dear all,", "Good morning Priya,", "Morning all — quick one", "hey,"]
)
def test_a_greeting_line_is_a_greeting(line: str) -> None:
    assert GREETING.match(line)


@pytest.mark.parametrize(
    "line",
    [
        "Hey, what's the stock of SKU-0012 at S003",
        "afternoon deliveries at S003 - anything late",
        "Hi - what is late at S003?",
        "morning, can you list the late POs for DC-SOUTH",
    ],
)
def test_a_first_line_that_asks_or_names_an_id_is_no_greeting(line: str) -> None:
    assert not GREETING.match(line)


def test_a_wrapped_question_is_one_sentence() -> None:
    letter = "Hey, what's the stock of SKU-0012 at S003\nand S004?\n\nThanks,\nPriya"
    assert asked(letter) == "Hey, what's the stock of SKU-0012 at S003 and S004?"
    assert sentences("Stock is low\nat S003. What is late?") == [
        "Stock is low at S003.",
        "What is late?",
    ]


def test_the_question_in_the_middle_of_a_letter_is_what_is_asked() -> None:
    letter = (
        "Hi team,\n\nHope your week is going well. I'm preparing Thursday's review. Could you "
        "tell me what is late at S003?\n\nKind regards,\nPriya (Grocery buying)"
    )
    assert asked(letter) == "Could you tell me what is late at S003?"


@pytest.mark.parametrize(
    "text",
    [
        "what is late at S003?",  # one line: no letter
        "what is late at S003?\nand at S004?",  # no greeting, no signature
        "Hi team,\n\nHope all is well.\n\nThanks,\nPriya",  # nothing asks
    ],
)
def test_a_message_that_is_no_letter_or_asks_nothing_is_read_as_it_is(text: str) -> None:
    assert asked(text) is None


def test_a_write_beside_a_question_is_left_out_and_named() -> None:
    letter = (
        "Hi Bob,\nPlease move 30 of SKU-0010 from DC-SOUTH to S012. Also, what is the stock of "
        "SKU-0010 at S012 now?\nThanks\nAna"
    )
    assert asked(letter) == "Also, what is the stock of SKU-0010 at S012 now?"
    assert left_out(letter) == ["Please move 30 of SKU-0010 from DC-SOUTH to S012."]


def test_a_letter_whose_only_ask_is_a_write_is_read_whole() -> None:
    letter = "Hi,\nCould you move 30 of SKU-0010 from DC-SOUTH to S012?\nThanks\nAna"
    assert asked(letter) == "Could you move 30 of SKU-0010 from DC-SOUTH to S012?"
    assert left_out(letter) == []


def test_a_scenario_before_the_question_is_kept() -> None:
    letter = (
        "Hello,\nSuppose demand for SKU-0020 at S009 doubles. What happens to SKU-0020 at S009?"
        "\nRegards"
    )
    assert asked(letter) == (
        "Suppose demand for SKU-0020 at S009 doubles. What happens to SKU-0020 at S009?"
    )


def test_a_change_sized_before_the_question_stays_with_it() -> None:
    letter = (
        "Hello,\n\nMarketing expects the whole north region to trade about 15% above plan. "
        "Could you run that through and tell me where it hits first?\n\nRegards,\nHenrik"
    )
    got = asked(letter)
    assert got is not None and got.startswith("Marketing expects") and got.endswith("first?")
