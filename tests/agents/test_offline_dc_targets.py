"""A level asked for at a DC is a purchase order from the item's supplier, sized to the level.

"Top DC-NORTH up to 800 of <item>", "bring DC south to 500 units of <item>" name a target
position at a DC. A DC is replenished from a supplier, so the draft is a purchase order (never a
transfer) to the item's only or primary supplier; its quantity is the level less the item's
position there, rounded as the planning engine rounds a purchase order (MOQ, case packs), and
nothing when the position is already there. Without an item named or in the thread, the
planner is asked which before anything is looked up. Asked through the real graph on the
seed-7 network, in phrasings of our own (aliases, lower case, a typo).
"""

from __future__ import annotations

from typing import Any

import pytest

from graph.service import Copilot
from planning.policy import round_up_to_pack
from tests.agents.conftest import ask
from tools import insight


def _expected(copilot: Copilot, sku: str, dc: str, level: int) -> tuple[str, int]:
    """The supplier (only, else primary) and the engine-rounded gap to the level, from tools."""
    ws = copilot.workspace
    rows = insight.with_item_terms(ws, ws.queries.supplier_status(sku=sku), sku)
    chosen = rows[0] if len(rows) == 1 else next(r for r in rows if r["item"]["primary"])
    (inv,) = ws.queries.inventory(sku=sku, location=dc)
    gap = level - float(inv["position"])
    pack = insight.item_master(ws, sku)["case_pack"]
    qty = int(round_up_to_pack([gap], [pack], [chosen["item"]["moq"]])[0])
    return str(chosen["supplier_id"]), qty


@pytest.mark.parametrize(
    ("text", "sku", "dc", "level"),
    [
        ("top DC-NORTH up to 800 of SKU-0005", "SKU-0005", "DC-NORTH", 800),
        ("bring DC south to 500 units of SKU-0005", "SKU-0005", "DC-SOUTH", 500),
        ("fill the north dc up to 900 units of sku-0012", "SKU-0012", "DC-NORTH", 900),
        ("top up DC-SOUTH to 300 of SKU-0012 please", "SKU-0012", "DC-SOUTH", 300),
        ("bring the south DC back up to 600 of sku 5", "SKU-0005", "DC-SOUTH", 600),
        ("pls top dc-north up to 300 of SKU-0020", "SKU-0020", "DC-NORTH", 300),
    ],
)
def test_a_level_at_a_dc_drafts_a_po_sized_to_the_level(
    copilot: Copilot, text: str, sku: str, dc: str, level: int
) -> None:
    (turn,) = ask(copilot, text)
    names = [c["name"] for c in turn.tool_calls]
    assert "draft_transfer" not in names, (text, names)
    sup, qty = _expected(copilot, sku, dc, level)
    assert qty > 0
    assert [(p.kind, p.args) for p in turn.pending] == [
        ("purchase_order", {"sku": sku, "location_id": dc, "supplier_id": sup, "qty": qty})
    ], (text, turn.answer)
    assert f"topping up to {level}" in turn.answer
    assert "replenished by purchase order" in turn.answer


def test_a_dc_already_at_the_level_gets_nothing(copilot: Copilot) -> None:
    (turn,) = ask(copilot, "get DC-NORTH to 50 of SKU-0005")
    assert not turn.pending
    assert not [c for c in turn.tool_calls if c["name"].startswith("draft_")]
    assert "nothing to top up" in turn.answer


@pytest.mark.parametrize("text", ["top DC-NORTH up to 800", "bring the north DC up to 400 units"])
def test_a_level_at_a_dc_without_an_item_asks_for_it(copilot: Copilot, text: str) -> None:
    (turn,) = ask(copilot, text)
    assert not turn.tool_calls and not turn.pending, (text, turn.tool_calls)
    assert "SKU" in turn.answer and "DC-NORTH" in turn.answer


def test_the_threads_item_is_the_one_topped_up(copilot: Copilot) -> None:
    first, second = ask(copilot, "stock of SKU-0005 at DC-SOUTH", "top DC-SOUTH up to 450 then")
    assert first.tool_calls and not first.pending
    sup, qty = _expected(copilot, "SKU-0005", "DC-SOUTH", 450)
    pending: list[Any] = [(p.kind, p.args) for p in second.pending]
    assert pending == [
        (
            "purchase_order",
            {"sku": "SKU-0005", "location_id": "DC-SOUTH", "supplier_id": sup, "qty": qty},
        )
    ], second.answer


@pytest.mark.parametrize(
    "text",
    ["don't top DC-NORTH up to 800 of SKU-0005", "should we top DC-NORTH up to 800 of SKU-0005?"],
)
def test_a_level_not_asked_for_drafts_nothing(copilot: Copilot, text: str) -> None:
    (turn,) = ask(copilot, text)
    assert not turn.pending, (text, turn.answer)
    assert not [c for c in turn.tool_calls if c["name"].startswith("draft_")]
