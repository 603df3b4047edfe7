"""Follow-ups that point into the thread: an item noun many items share, "that category", a
negated word, and a row of the last order, supply or network table picked by its rank or value.

Each turn is answered from what the thread already holds: the item in focus (not "which
one?"), the category of the last look-up (not a category called "that"), the planner's
unapproved drafts (not the approved ones), the row of the previous table restated with its SKU,
place and figures as that table gave them (no new look-up)."""

from __future__ import annotations

from typing import Any

import pytest

from agents.offline.parsing import _correct
from graph.service import Copilot
from tests.agents.conftest import ask
from tools import insight


def names(result: Any) -> list[str]:
    return [c["name"] for c in result.tool_calls]


# -- an item noun shared by more than three items: the one in focus -------------------------------
# "family size" is the name of five items of the network; SKU-0019 and SKU-0028 are its 4th and
# 5th, past the first three a "which one?" question names.


@pytest.mark.parametrize(
    "first, follow_up",
    [
        ("stock of SKU-0028 at S002", "any open orders on that family size one?"),
        ("stock of SKU-0019 at S003", "what's inbound for the family size item?"),
        ("how is SKU-0028 doing at S001", "forecast for that family size product at S001"),
        ("SKU-0019 at S004", "family size at S003 - stock?"),
        ("tell me about SKU-0028", "family size stock at S002?"),
        ("stock of SKU-0019 at S004", "open suply for that family size pls"),
    ],
)
def test_a_shared_noun_is_the_item_in_focus(copilot: Copilot, first: str, follow_up: str) -> None:
    sku = "SKU-0028" if "0028" in first else "SKU-0019"
    _, result = ask(copilot, first, follow_up)
    assert result.tool_calls, result.answer  # looked up, not asked which one
    assert all(c["args"].get("sku") in (None, sku) for c in result.tool_calls), result.tool_calls
    assert "Which item do you mean" not in result.answer


# -- "that category": the thread's category ------------------------------------------------------


@pytest.mark.parametrize(
    "first, follow_up, category",
    [
        ("how much money is at risk in Toys?", "exceptions in that category", "Toys"),
        ("how much money is at risk in Toys?", "list the exceptions for this category", "Toys"),
        ("stock of SKU-0016 at S002", "what's at risk in the same category?", "Pet"),
        ("money at risk in garden", "split that category by location for me", "Garden"),
        ("exceptions in Grocery", "break that dept down by store", "Grocery"),
        (
            "what's at risk in electronics?",
            "and in that category, which store is worst?",
            "Electronics",
        ),
    ],
)
def test_that_category_is_the_thread_category(
    copilot: Copilot, first: str, follow_up: str, category: str
) -> None:
    _, result = ask(copilot, first, follow_up)
    cats = [c["args"].get("category") for c in result.tool_calls]
    assert cats and all(c == category for c in cats), (follow_up, result.tool_calls)
    assert "unknown category" not in result.answer


# -- a negated word is never "corrected" into its opposite ---------------------------------------


@pytest.mark.parametrize(
    "word, kept",
    [
        ("unapproved", "unapproved"),
        ("unavailable", "unavailable"),
        ("nonexceptions", "nonexceptions"),
        ("unaproved", "unapproved"),  # a typo of the negated word keeps its negation
        ("unavailible", "unavailable"),
    ],
)
def test_a_negated_word_keeps_its_negation(word: str, kept: str) -> None:
    assert _correct(word) == kept


TWO_DRAFTS = (
    "transfer 20 SKU-0016 from DC-NORTH to S002",
    "transfer 10 SKU-0013 from DC-NORTH to S001",
)


@pytest.mark.parametrize(
    "question",
    [
        "which of my drafts are still unapproved?",
        "anything still unapproved in here?",
        "show me the unaproved ones",
        "what's unapproved so far?",
    ],
)
def test_unapproved_lists_the_drafts_waiting(copilot: Copilot, question: str) -> None:
    *_, result = ask(copilot, *TWO_DRAFTS, question)
    assert names(result) == ["list_proposals"], (question, result.tool_calls)


# -- a row of the previous non-exception table, by rank or value ----------------------------------

ROUTINE = "routine orders for the north DC"


def _rows(copilot: Copilot) -> list[dict[str, Any]]:
    """The 20 lines the routine-order table shows (largest value first)."""
    page = insight.order_page(copilot.workspace, location="DC-NORTH", top=20)
    return [dict(r) for r in page["items"]]


@pytest.mark.parametrize(
    "follow_up, pick",
    [
        ("the third line of that — what is it?", lambda rows: rows[2]),
        ("which of those costs the most?", lambda rows: max(rows, key=lambda r: r["value"])),
        ("what's the 2nd row?", lambda rows: rows[1]),
        ("which line is cheapest?", lambda rows: min(rows, key=lambda r: r["value"])),
        ("the last line in that table?", lambda rows: rows[-1]),
        ("what is line 5 of those", lambda rows: rows[4]),
        ("which of them has the smallest quantity", lambda rows: min(rows, key=lambda r: r["qty"])),
        ("the biggest one there?", lambda rows: max(rows, key=lambda r: r["qty"])),
    ],
)
def test_a_row_of_the_routine_orders_is_restated(
    copilot: Copilot, follow_up: str, pick: Any
) -> None:
    _, result = ask(copilot, ROUTINE, follow_up)
    assert result.tool_calls == [], (follow_up, result.tool_calls)  # from the table shown
    row = pick(_rows(copilot))
    assert row["sku"] in result.answer and row["location"] in result.answer, result.answer
    assert f"{row['qty']:,.0f}" in result.answer, result.answer


def test_a_row_of_a_supplier_buy_list_is_restated(copilot: Copilot) -> None:
    _, result = ask(copilot, "what should we order from SUP-02?", "which of those costs most?")
    rows = insight.supplier_overview(copilot.workspace, "SUP-02")["order_now"]["items"]
    top = max(rows, key=lambda r: r["value"])
    assert result.tool_calls == [] and top["sku"] in result.answer, result.answer


def test_a_row_of_open_supply_is_restated(copilot: Copilot) -> None:
    _, result = ask(copilot, "what's on order for DC-NORTH?", "the biggest one there?")
    lines = insight.open_supply(copilot.workspace, location="DC-NORTH")["lines"]
    top = max(lines, key=lambda r: r["qty"])
    assert result.tool_calls == [], result.tool_calls
    assert top["document_id"] in result.answer and top["sku"] in result.answer, result.answer


def test_a_row_of_the_network_view_is_restated(copilot: Copilot) -> None:
    _, result = ask(copilot, "network view of SKU-0016", "which of those has the lowest cover?")
    rows = insight.network_position(copilot.workspace, "SKU-0016")["locations"]
    low = min(rows, key=lambda r: r["days_of_cover"])
    assert result.tool_calls == [] and low["location_id"] in result.answer, result.answer


def test_a_row_picked_by_value_is_drafted_when_asked(copilot: Copilot) -> None:
    _, result = ask(copilot, "what should we order from SUP-02?", "draft the cheapest of those")
    rows = insight.supplier_overview(copilot.workspace, "SUP-02")["order_now"]["items"]
    top = min(rows, key=lambda r: r["value"])
    drafts = [c for c in result.tool_calls if c["name"].startswith("draft_")]
    assert len(drafts) == 1 and drafts[0]["args"]["sku"] == top["sku"], result.tool_calls


# -- "draft that one": exactly one draft, said which; "all of them": several ----------------------


@pytest.mark.parametrize(
    "follow_up",
    ["draft that one", "do that one", "ok draft this one", "go ahead with that one please"],
)
def test_a_singular_reference_drafts_one_line(copilot: Copilot, follow_up: str) -> None:
    _, result = ask(copilot, "what should we order from SUP-02?", follow_up)
    drafts = [c for c in result.tool_calls if c["name"].startswith("draft_")]
    assert len(drafts) == 1, (follow_up, result.tool_calls)
    assert drafts[0]["args"]["sku"] in result.answer


def test_a_plural_reference_drafts_several(copilot: Copilot) -> None:
    _, result = ask(copilot, "what should we order from SUP-02?", "draft them all")
    drafts = [c for c in result.tool_calls if c["name"].startswith("draft_")]
    assert len(drafts) > 1
