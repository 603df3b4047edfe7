"""Writes through the copilot's graph on the seed-7 demo: the quantity drafted is the one said.

A number elsewhere in the request (a sales figure, days of cover, a stock level) is no bound of
the write's own quantity, "send over N" sends N, and an amend said as a bound meets it.
"""

from __future__ import annotations

from typing import Any

import pytest

from graph.service import Copilot
from tests.agents.conftest import ask as thread


def writes(result: Any) -> list[tuple[str, dict[str, Any]]]:
    names = ("draft_", "amend_", "withdraw_", "approve")
    return [(c["name"], c["args"]) for c in result.tool_calls if c["name"].startswith(names)]


@pytest.mark.parametrize(
    ("text", "qty"),
    [
        ("transfer 30 SKU-0016 from DC-NORTH to S002 - stock there is under 30 days of cover", 30),
        ("move 25 SKU-0003 from DC-NORTH to S001; it has less than 25 days of cover", 25),
        (
            "S002 sold more than 20 SKU-0003 last week, transfer 20 SKU-0003 from DC-NORTH to S002",
            20,
        ),
        ("S002 is below 20 units of SKU-0003, transfer 20 from DC-NORTH", 20),
        ("S001 has over 15 SKU-0016 on the shelf, move 15 SKU-0016 from DC-NORTH to S002", 15),
        ("send over 20 SKU-0016 from DC-NORTH to S002", 20),
        ("ship over 12 of SKU-0003 from DC-NORTH to S001", 12),
    ],
)
def test_a_stated_quantity_is_drafted_as_said(copilot: Copilot, text: str, qty: int) -> None:
    [r] = thread(copilot, text)
    assert [a["qty"] for _, a in writes(r)] == [qty], (text, writes(r))


@pytest.mark.parametrize(
    ("follow", "bound"),
    [("make it more than 30", lambda q: q > 30), ("make it at least 45", lambda q: q >= 45),
     ("change it to no more than 5", lambda q: 0 < q <= 5)],
)  # fmt: skip
def test_an_amend_said_as_a_bound_meets_it(copilot: Copilot, follow: str, bound: Any) -> None:
    _, r = thread(copilot, "transfer 20 SKU-0016 from DC-NORTH to S002", follow)
    amended = [a["qty"] for n, a in writes(r) if "qty" in a]
    assert amended and all(bound(q) for q in amended), (follow, writes(r), r.answer[:200])


@pytest.mark.parametrize(
    ("follow", "qty"),
    [
        ("drop it by ten", 10),
        ("drop it by 5", 15),
        ("drop the transfer by four", 16),
        ("drop it to about 10", 10),
        ("drop it to ~12", 12),
        ("drop it to around 8 units", 8),
        ("drop it down to roughly fifteen", 15),
        ("drop it to under 10", 9),
        ("drop it by half", 10),
        ("cut it in half please", 10),
    ],
)
def test_drop_with_an_amount_amends_and_never_withdraws(
    copilot: Copilot, follow: str, qty: int
) -> None:
    _, r = thread(copilot, "transfer 20 SKU-0016 from DC-NORTH to S002", follow)
    assert [(n, a.get("qty")) for n, a in writes(r)] == [("amend_proposal", qty)], (
        follow,
        writes(r),
    )


@pytest.mark.parametrize(
    "follow", ["drop it a bit", "drop it a little", "drop the transfer a touch"]
)
def test_drop_by_no_said_amount_asks_how_much(copilot: Copilot, follow: str) -> None:
    _, r = thread(copilot, "transfer 20 SKU-0016 from DC-NORTH to S002", follow)
    assert writes(r) == [] and "new quantity" in r.answer, (follow, writes(r), r.answer[:120])


@pytest.mark.parametrize("follow", ["if demand drops, drop it", "if sales drop, drop the transfer"])
def test_a_conditional_drop_writes_nothing(copilot: Copilot, follow: str) -> None:
    _, r = thread(copilot, "transfer 20 SKU-0016 from DC-NORTH to S002", follow)
    assert writes(r) == [], (follow, writes(r))


def test_drop_with_no_amount_still_withdraws(copilot: Copilot) -> None:
    _, r = thread(copilot, "transfer 20 SKU-0016 from DC-NORTH to S002", "drop it")
    assert [n for n, _ in writes(r)] == ["withdraw_proposal"]


@pytest.mark.parametrize(
    "text",
    [
        "raise a PO for SKU-0003 for S002 with SUP-03",
        "order SKU-0003 for S002 from SUP-03",
        "get SKU-0003 on order from SUP-04 for S002",
    ],
)
def test_a_po_asked_of_a_supplier_is_never_drafted_as_a_transfer(
    copilot: Copilot, text: str
) -> None:
    [r] = thread(copilot, text)  # the engine's only line for SKU-0003 at S002 is a transfer
    assert [n for n, _ in writes(r)] in ([], ["draft_purchase_order"]), writes(r)
    assert all(a.get("supplier_id") in text for _, a in writes(r)), writes(r)
    if not writes(r):
        assert "sources SKU-0003 at S002 by a transfer" in r.answer, r.answer[:200]
        assert "**order 15 of SKU-0003 for S002 from SUP-0" in r.answer, r.answer[:300]


@pytest.mark.parametrize("text", ["transfer 0020 SKU-0003 from DC-NORTH to S002",
                                  "move 0020 of SKU-0003 from DC-NORTH to S002"])  # fmt: skip
def test_a_zero_padded_quantity_is_drafted_for_the_sku_named(copilot: Copilot, text: str) -> None:
    [r] = thread(copilot, text)
    assert [(a["sku"], a["qty"]) for _, a in writes(r)] == [("SKU-0003", 20)], writes(r)


@pytest.mark.parametrize("text", ["what's on PO 0010?", "status of transfer #0012"])
def test_a_document_number_is_not_read_as_a_sku(copilot: Copilot, text: str) -> None:
    [r] = thread(copilot, text)
    assert "SKU-001" not in r.answer and writes(r) == [], r.answer[:200]


@pytest.mark.parametrize(
    "text",
    ["are S002 and DC-NORTH connected?", "is S002 linked to DC-NORTH?",
     "are S002 and DC-NORTH linked"],
)  # fmt: skip
def test_connected_with_no_direction_checks_both_ways(copilot: Copilot, text: str) -> None:
    [r] = thread(copilot, text)  # the lane is DC-NORTH -> S002
    assert r.answer.startswith("**Yes — there is a lane from DC-NORTH to S002"), r.answer[:200]


def test_a_lane_asked_with_a_direction_keeps_it(copilot: Copilot) -> None:
    [r] = thread(copilot, "is there a lane from S002 to DC-NORTH?")
    assert r.answer.startswith("**No — there is no lane from S002 to DC-NORTH"), r.answer[:200]


@pytest.mark.parametrize("follow", ["bump it by 100000", "make it 250000", "add 99999 to it"])
def test_an_amend_the_checks_refuse_is_not_said_to_be_amended(
    copilot: Copilot, follow: str
) -> None:
    first, result = thread(copilot, "transfer 20 SKU-0016 from DC-NORTH to S002", follow)
    assert "**Amended**" not in result.answer and "→" not in result.answer, result.answer
    assert "Not changed" in result.answer
    left = copilot.workspace.governance.proposals.list(status="pending", thread_id=result.thread_id)
    assert [p.id for p in left] == [first.pending[0].proposal_id]
