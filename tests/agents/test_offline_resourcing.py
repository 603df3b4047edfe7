"""A correction of the pending draft's source ("actually from S001", "no, from the other DC")
redrafts it from there with the same quantity, once the lane (or the supplier) is checked; an
impossible source is refused with the alternatives and the draft stays (agents/offline/
resourcing.py)."""

from __future__ import annotations

from typing import Any

import pytest

from graph.service import Copilot
from tests.agents.conftest import ask

DRAFT = "transfer 12 SKU-0016 from DC-NORTH to S002"
"""In the seed-7 network S002 is fed by DC-NORTH and by a lane from S001; DC-SOUTH has none."""


def pending(copilot: Copilot, result: Any) -> list[Any]:
    return copilot.workspace.governance.proposals.list(status="pending", thread_id=result.thread_id)


@pytest.mark.parametrize(
    "correction",
    [
        "actually from S001",
        "make that from S001 instead",
        "no, send it from store 1",
        "sorry, ship it out of S001",
        "use S001 instead",
        "no - from the other store",
    ],
)
def test_a_new_source_redrafts_the_same_quantity(copilot: Copilot, correction: str) -> None:
    first, result = ask(copilot, DRAFT, correction)
    left = pending(copilot, result)
    assert len(left) == 1, [(p.id, p.args) for p in left]
    assert left[0].id != first.pending[0].proposal_id
    assert left[0].args == {
        "sku": "SKU-0016",
        "from_location": "S001",
        "to_location": "S002",
        "qty": 12,
    }
    names = [c["name"] for c in result.tool_calls]
    assert (
        names.index("get_lanes") < names.index("withdraw_proposal") < names.index("draft_transfer")
    )
    assert "Replaced" in result.answer and "can't tell" not in result.answer


@pytest.mark.parametrize(
    "correction",
    ["actually from DC-SOUTH", "no, send it from the other DC", "make that from DC-SOUTH instead"],
)
def test_a_source_without_a_lane_is_refused_with_the_alternatives(
    copilot: Copilot, correction: str
) -> None:
    first, result = ask(copilot, DRAFT, correction)
    left = pending(copilot, result)
    assert [p.id for p in left] == [first.pending[0].proposal_id]  # the draft stays as it was
    names = [c["name"] for c in result.tool_calls]
    assert names.count("get_lanes") == 2  # both directions looked up
    assert "withdraw_proposal" not in names and "draft_transfer" not in names
    assert "no transfer lane from DC-SOUTH to S002" in result.answer
    assert "Lanes into S002" in result.answer and "DC-NORTH" in result.answer


def test_a_purchase_orders_supplier_is_checked_first(copilot: Copilot) -> None:
    first, result = ask(
        copilot, "order 48 SKU-0007 for DC-NORTH from SUP-08", "actually from SUP-03"
    )
    left = pending(copilot, result)
    assert [p.id for p in left] == [first.pending[0].proposal_id]
    assert "SUP-03 does not supply SKU-0007" in result.answer


def test_a_purchase_order_from_another_supplier_of_the_item(copilot: Copilot) -> None:
    first, result = ask(
        copilot, "order 48 SKU-0007 for DC-NORTH from SUP-08", "no, order it from SUP-10 instead"
    )
    left = pending(copilot, result)
    if left and left[0].id != first.pending[0].proposal_id:
        assert left[0].args["supplier_id"] == "SUP-10" and left[0].args["qty"] == 48
    else:  # refused by the checks (MOQ, case pack): said, and the original offered back
        assert "Shall I draft the original again?" in result.answer


@pytest.mark.parametrize(
    "text", ["would it be better from S001?", "what if it came from S001?", "maybe from S001"]
)
def test_a_hedged_source_writes_nothing(copilot: Copilot, text: str) -> None:
    first, result = ask(copilot, DRAFT, text)
    assert [p.id for p in pending(copilot, result)] == [first.pending[0].proposal_id]
