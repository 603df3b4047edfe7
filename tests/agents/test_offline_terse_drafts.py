"""A first draft said tersely or in everyday words is drafted as said: verbless ("20 units
SKU-0016, DC-NORTH -> S002"), with an everyday verb ("arrange / sort / organise N of X for S001
out of DC-NORTH"), after a label ("S002 top-up: ..."), or through a supplier ("600 of X through
SUP-01 for the north warehouse" is a purchase order, never a transfer). A statement, a question
or a hedge still writes nothing."""

from __future__ import annotations

from typing import Any

import pytest

from graph.service import Copilot
from tests.agents.conftest import ask

T, PO = "draft_transfer", "draft_purchase_order"


@pytest.mark.parametrize(
    "request_, tool, args",
    [
        ("20 units SKU-0016, DC-NORTH -> S002, thanks", T, ("SKU-0016", "DC-NORTH", "S002", 20)),
        (
            "600 of SKU-0002 through SUP-01 for the north warehouse",
            PO,
            ("SKU-0002", "SUP-01", "DC-NORTH", 600),
        ),
        (
            "arrange 15 of SKU-0013 for S001 out of DC-NORTH",
            T,
            ("SKU-0013", "DC-NORTH", "S001", 15),
        ),
        ("S002 top-up: 15 of SKU-0013 from DC-NORTH", T, ("SKU-0013", "DC-NORTH", "S002", 15)),
        (
            "need a 15-unit hop of SKU-0016 from S002 across to S001",
            T,
            ("SKU-0016", "S002", "S001", 15),
        ),
        ("sort 40 of SKU-0016 for S001 from DC-NORTH pls", T, ("SKU-0016", "DC-NORTH", "S001", 40)),
        (
            "restock DC-NORTH with 300 of SKU-0002 via SUP-01",
            PO,
            ("SKU-0002", "SUP-01", "DC-NORTH", 300),
        ),
        ("25 x SKU-0016 DC-NORTH => S001", T, ("SKU-0016", "DC-NORTH", "S001", 25)),
    ],
)
def test_a_terse_request_is_drafted_as_said(
    copilot: Copilot, request_: str, tool: str, args: tuple[Any, ...]
) -> None:
    (result,) = ask(copilot, request_)
    drafts = [c for c in result.tool_calls if c["name"].startswith("draft_")]
    assert [c["name"] for c in drafts] == [tool], (request_, result.tool_calls)
    a = drafts[0]["args"]
    got = (
        (a["sku"], a["from_location"], a["to_location"], a["qty"])
        if tool == T
        else (a["sku"], a["supplier_id"], a["location_id"], a["qty"])
    )
    assert got == args, (request_, a)


@pytest.mark.parametrize(
    "request_",
    [
        "S002 sold 20 units SKU-0016 from DC-NORTH last week",
        "20 of SKU-0016 from DC-NORTH to S002?",
        "maybe 20 of SKU-0016 from DC-NORTH to S002",
        "don't sort 40 of SKU-0016 for S001 from DC-NORTH",
    ],
)
def test_a_terse_statement_question_or_hedge_writes_nothing(
    copilot: Copilot, request_: str
) -> None:
    (result,) = ask(copilot, request_)
    assert not result.pending, (request_, result.tool_calls)
