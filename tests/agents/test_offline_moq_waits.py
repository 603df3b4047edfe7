"""The order-list answer names the lines put off a review for an MOQ round-up: the tool lists
them beside the lines (`waiting_for_moq`, `waiting_for_moq_items`), and an answer that said
only "nothing to order" would hide a need the planner may want to act on."""

from __future__ import annotations

import json
from typing import Any

from agents.offline.messages import Result
from agents.offline.render import render_routine_orders, render_supplier_overview
from evals.faithfulness import unfaithful


def _wait(sku: str, location: str, need: int, moq: int) -> dict[str, Any]:
    return {
        "sku": sku,
        "location": location,
        "supplier_id": "SUP-07",
        "position": 41.0,
        "reorder_point": 44.5,
        "position_with_its_stores": 130.0,
        "need": need,
        "moq": moq,
        "moq_order_qty": moq,
        "cost_of_waiting_a_review": 1.25,
        "cost_of_holding_moq_a_review": 18.4,
        "reason": "position 41 below reorder point 44 ... no order this review",
    }


WAITS = [
    _wait("SKU-0104", "DC-NORTH", 7, 480),
    _wait("SKU-0222", "DC-SOUTH", 12, 360),
    _wait("SKU-0031", "DC-NORTH", 3, 250),
    _wait("SKU-0990", "DC-SOUTH", 9, 300),
]


def _page(**extra: Any) -> dict[str, Any]:
    page: dict[str, Any] = {
        "scope": {"supplier_id": "SUP-07"},
        "lines": 0,
        "units": 0,
        "value": 0.0,
        "from_exceptions": 0,
        "positions_checked": 58,
        "below_reorder_point": 4,
        "total": 0,
        "offset": 0,
        "returned": 0,
        "truncated": False,
        "items": [],
        "why_nothing": "4 position(s) below their reorder point, none ordered from SUP-07 now",
        "waiting_for_moq": 4,
        "waiting_for_moq_returned": 4,
        "waiting_for_moq_truncated": False,
        "waiting_for_moq_items": WAITS,
        "waiting_for_moq_note": "Below their reorder point but not ordered this review.",
    }
    return page | extra


def _result(name: str, data: dict[str, Any]) -> Result:
    return Result(name, {"supplier_id": "SUP-07"}, json.dumps(data), data)


def _waiting_lines(answer: str) -> list[str]:
    return [line for line in answer.splitlines() if "MOQ round-up" in line]


def test_nothing_to_order_still_says_which_lines_wait_for_the_moq() -> None:
    data = _page()
    answer = render_routine_orders(_result("get_routine_orders", data))
    assert "Nothing to order" in answer
    (line,) = _waiting_lines(answer)
    assert "4 lines" in line
    for wait in WAITS[:3]:
        assert f"{wait['sku']} at {wait['location']}" in line
    assert "SKU-0990" not in line  # three named at most
    assert unfaithful(answer, data) == []


def test_the_supplier_overview_says_it_too_beside_its_lines() -> None:
    order_now = _page(
        lines=1,
        units=24,
        value=310.5,
        total=1,
        returned=1,
        items=[
            {
                "kind": "purchase_order",
                "sku": "SKU-0500",
                "location": "DC-NORTH",
                "supplier_id": "SUP-07",
                "qty": 24,
                "value": 310.5,
                "reason": "below its reorder point",
            }
        ],
        waiting_for_moq=1,
        waiting_for_moq_returned=1,
        waiting_for_moq_items=WAITS[:1],
    )
    order_now.pop("why_nothing")
    data = {
        "supplier_id": "SUP-07",
        "name": "Northwind",
        "sku_count": 12,
        "primary_for": 9,
        "lead_time_days": 6,
        "on_time_rate": 0.92,
        "open_purchase_orders": {"lines": 2, "units": 80, "late_lines": 0},
        "order_now": order_now,
    }
    answer = render_supplier_overview(_result("get_supplier_overview", data))
    (line,) = _waiting_lines(answer)
    assert "1 line" in line and "SKU-0104 at DC-NORTH" in line
    assert unfaithful(answer, data) == []


def test_no_waiting_line_no_mention() -> None:
    data = _page(waiting_for_moq=0, waiting_for_moq_returned=0, waiting_for_moq_items=[])
    data.pop("waiting_for_moq_note")
    answer = render_routine_orders(_result("get_routine_orders", data))
    assert _waiting_lines(answer) == []
    # A page from before the field existed: no mention either.
    old = {k: v for k, v in data.items() if not k.startswith("waiting_for_moq")}
    assert _waiting_lines(render_routine_orders(_result("get_routine_orders", old))) == []
