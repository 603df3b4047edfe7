"""Number words in a request: "one" as a count ("move one to S003") or as a pronoun ("quick one:")."""

from __future__ import annotations

import itertools

import pytest

from agents.offline.parsing import _normalise, category
from graph.service import Copilot
from tests.agents.conftest import ask

PRONOUN_ONES = [
    f"{lead} one{punct} {rest}"
    for lead, punct, rest in itertools.product(
        ["ok another", "the other", "the last", "a different", "the urgent", "the biggest"],
        [":", ",", " -", ""],
        ["stock of SKU-0001 at S002", "cover for sku-0007 @ store 4"],
    )
]


@pytest.mark.parametrize("text", PRONOUN_ONES)
def test_one_after_an_adjective_is_not_a_quantity(text: str) -> None:
    assert " 1 " not in f" {_normalise(text)} "


@pytest.mark.parametrize(
    ("verb", "rest"),
    list(
        itertools.product(
            ["raise", "draft", "cut", "put in", "open", "set up"],
            ["for SKU-0001 at DC-NORTH", "to S003", "from SUP-2 please", "?"],
        )
    ),
)
def test_one_as_the_document_a_verb_makes_is_not_a_quantity(verb: str, rest: str) -> None:
    assert " 1 " not in f" {_normalise(f'{verb} one {rest}')} "


@pytest.mark.parametrize(
    "text",
    ["one more question: stock of SKU-0001", "one thing - cover at S002?", "one last q: lanes"],
)
def test_one_before_a_question_word_is_not_a_quantity(text: str) -> None:
    assert not _normalise(text).startswith("1")


@pytest.mark.parametrize(
    ("text", "count"),
    [
        ("move one to S003", "move 1 to S003"),
        ("transfer one unit of SKU-0001 to S003", "1 unit"),
        ("raise one case of SKU-0001", "1 case"),
        ("draft one unit of SKU-0001 for S002", "1 unit"),
        ("send five units to S003", "5 units"),
        ("make it one", "make it 1"),
        ("twenty-one pallets", "21 pallets"),
    ],
)
def test_a_counted_one_is_still_a_number(text: str, count: str) -> None:
    assert count in _normalise(text)


@pytest.mark.parametrize("qty", ["-20", "1e30", "minus 20"])
def test_an_unreadable_quantity_drafts_nothing(copilot: Copilot, qty: str) -> None:
    [result] = ask(copilot, f"transfer {qty} SKU-0012 from DC-SOUTH to S003")
    assert not [c for c in result.tool_calls if c["name"].startswith("draft_")]
    assert not result.pending


def test_a_fractional_quantity_is_not_cut_to_a_whole_one_unsaid(copilot: Copilot) -> None:
    [result] = ask(copilot, "transfer 20.5 SKU-0012 from DC-SOUTH to S003")
    drafted = [c["args"] for c in result.tool_calls if c["name"] == "draft_transfer"]
    # Either nothing is drafted (asked for a whole quantity), or the answer says 20.5 became 20.
    assert not drafted or "20.5" in result.answer


@pytest.mark.parametrize("qty", ["99999999999999999999", "9223372036854775807"])
def test_a_long_quantity_is_quoted_back_as_said(copilot: Copilot, qty: str) -> None:
    [result] = ask(copilot, f"transfer {qty} SKU-0012 from DC-SOUTH to S003")
    misread = str(int(float(qty)))  # the float's reading, one off or rounded up
    assert misread not in result.answer.replace(",", "")


CATS = ["Apparel", "Electronics", "Garden", "Grocery", "Household", "Personal Care", "Pet", "Toys"]


@pytest.mark.parametrize(
    "text",
    [
        "I need to brief the category director and want the items that suffer most if SUP-01 "
        "slips a week",
        "Suppose demand at DC-NORTH is 20% higher. Which item is most in trouble?",
        "our category head asks: what if SUP-03 delivers a week late",
        "if SUP-01 runs 5 days late, which SKUs are in jeopardy?",
    ],
)
def test_a_role_or_a_state_is_no_category(text: str) -> None:
    """A person's role ("the category director") or a state ("in trouble") names no category."""
    assert category(text, CATS) is None


@pytest.mark.parametrize(
    ("text", "cat"),
    [
        ("what if demand in the Pet category rises 20%", "Pet"),
        ("money at risk in kitchenware", "kitchenware"),
        ("category toys: what is at risk", "Toys"),
    ],
)
def test_a_named_category_is_still_read(text: str, cat: str) -> None:
    assert category(text, CATS) == cat
