"""Follow-ups that carry the thread's last question, through the real graph (seed-7 demo).

"how about next week", "what about the north region", "same but for the whole network", "and at
S001?" re-ask the last look-up with that one thing replaced; "why so many?" / "where does that
number come from?" show the last answer's figure from the same look-up's fields. None of them
writes.
"""

from __future__ import annotations

from typing import Any

import pytest

from graph.service import Copilot
from tests.agents.conftest import ask


def calls(result: Any) -> list[tuple[str, dict[str, Any]]]:
    return [(c["name"], c["args"]) for c in result.tool_calls]


def reads_only(result: Any) -> bool:
    return all(
        n.startswith(("get_", "list_", "summarize_", "explain_", "run_")) for n, _ in calls(result)
    )


@pytest.mark.parametrize(
    ("texts", "expected"),
    [
        (
            ["what's the forecast for SKU-0016 at S002?", "how about next week"],
            ("get_forecast", {"sku": "SKU-0016", "location": "S002", "horizon_days": 7}),
        ),
        (
            ["what's the forecast for SKU-0016 at S002?", "and for the next 2 weeks?"],
            ("get_forecast", {"sku": "SKU-0016", "location": "S002", "horizon_days": 14}),
        ),
        (
            ["what's the forecast for SKU-0016 at S002?", "how about next week", "and at S001?"],
            ("get_forecast", {"sku": "SKU-0016", "location": "S001", "horizon_days": 7}),
        ),
        (
            ["what needs attention at S002?", "what about the north region"],
            ("list_exceptions", {"top": 10, "served_by": "DC-NORTH"}),
        ),
        (
            ["what needs attention at S002?", "same but for the whole network"],
            ("list_exceptions", {"top": 10}),
        ),
        (
            ["what needs attention at S002?", "same but for the whole network", "and at DC-SOUTH?"],
            ("list_exceptions", {"top": 10, "location": "DC-SOUTH"}),
        ),
        (
            ["how much SKU-0016 is at DC-NORTH?", "same but for the whole network"],
            ("get_network_position", {"sku": "SKU-0016"}),
        ),
        (
            ["what's the money at risk in the south?", "what about the whole network"],
            ("summarize_exceptions", {"by": "type"}),
        ),
    ],
)
def test_a_follow_up_re_asks_the_last_look_up_with_one_thing_replaced(
    copilot: Copilot, texts: list[str], expected: tuple[str, dict[str, Any]]
) -> None:
    *_, last = ask(copilot, *texts)
    assert calls(last) == [expected], (texts, calls(last), last.answer[:200])
    assert last.answer and "can't tell" not in last.answer


def test_a_region_after_a_stock_look_up_is_each_store_the_dc_feeds(copilot: Copilot) -> None:
    *_, last = ask(copilot, "how much SKU-0007 is at S001?", "what about the north region")
    assert calls(last) == [
        ("get_inventory", {"sku": "SKU-0007", "location": "S001"}),
        ("get_inventory", {"sku": "SKU-0007", "location": "S002"}),
    ], calls(last)
    assert "SKU-0007 at S001" in last.answer and "SKU-0007 at S002" in last.answer


@pytest.mark.parametrize(
    ("first", "follow", "tool", "says"),
    [
        (
            "how much SKU-0016 is at S002?",
            "why so many?",
            "get_inventory",
            ["= on hand", "in transit"],
        ),
        (
            "what's the money at risk in the south?",
            "where does that number come from?",
            "summarize_exceptions",
            ["is the money at risk of the", " + "],
        ),
        (
            "what should we order from SUP-03?",
            "why so many?",
            "get_supplier_overview",
            ["reorder point"],
        ),
        (
            "what if SUP-03 is late by 1 week?",
            "where does that number come from?",
            "run_what_if",
            ["without", "instead of"],
        ),
        ("what's on order for SKU-0005?", "how is that calculated?", "get_open_supply", ["sum of"]),
        (
            "what's the forecast for SKU-0016 at S002?",
            "why so much?",
            "get_forecast",
            ["sum of the daily"],
        ),
    ],
)
def test_where_a_figure_comes_from_is_read_from_the_same_look_up(
    copilot: Copilot, first: str, follow: str, tool: str, says: list[str]
) -> None:
    before, after = ask(copilot, first, follow)
    assert calls(after) == calls(before)[-1:] and calls(after)[0][0] == tool, calls(after)
    for said in says:
        assert said in after.answer, (follow, after.answer[:300])


def test_why_so_many_after_a_draft_shows_its_quantity_and_writes_nothing(copilot: Copilot) -> None:
    drafted, asked = ask(copilot, "transfer 12 of SKU-0016 from DC-NORTH to S002", "why so many?")
    [pending] = drafted.pending
    assert calls(asked) == [
        ("get_proposal_status", {"proposal_id": pending.proposal_id}),
        ("get_inventory", {"sku": "SKU-0016", "location": "S002"}),
    ]
    assert reads_only(asked) and [p.proposal_id for p in asked.pending] == [pending.proposal_id]
    assert asked.answer.startswith(f"**12 units is the quantity of {pending.proposal_id}")
    assert "you asked for" in asked.answer
