"""A transfer or purchase order asked for without a quantity is sized by the planning engine.

With no exception whose recommended action delivers to the SKU-location, the engine's order
list (`get_routine_orders`) sizes the draft: its line's quantity, from the source or to the
supplier the planner names, and the answer says which engine figure was used and why. With no
line, nothing is drafted and the engine's figures are given. A quantity the planner states
("x40", "40 x <item>") is drafted as stated, never replaced by the engine's.
"""

from __future__ import annotations

import itertools
import json
from typing import Any

import pytest
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, ToolMessage

from agents.offline import OfflinePlannerModel
from tools.resolve import Resolver

SKU_FORMS = ("SKU-0003", "sku 3", "family size dog food")
STORE_FORMS = ("S002", "store 2", "Monroe")
DC_FORMS = ("DC-NORTH", "the north DC", "North Distribution Center")
SUPPLIER_FORMS = ("SUP-02", "supplier 2", "Northwind Traders")

MOVE_VERBS = (
    "send {sku} to {dst}{src}",
    "top up {dst} with {sku}{src}",
    "move {sku} over to {dst}{src}",
    "please draft a transfer of {sku} to {dst}{src}",
    "restock {sku} at {dst}{src}",
)
BUY_VERBS = (
    "raise a PO for {sku} for {dc} with {sup}",
    "order {sku} for {dc} from {sup}",
    "buy {sku} for {dc} from {sup}",
    "draft a purchase order of {sku} into {dc} from {sup}",
)

TRANSFER_LINE = {
    "kind": "transfer",
    "sku": "SKU-0003",
    "location": "S002",
    "qty": 37,
    "value": 140.6,
    "from_exception": False,
    "from_location": "DC-NORTH",
    "reason": "position 9 below reorder point 14: ship 37 of 37 from DC-NORTH (its source DC)",
}
PO_LINE = {
    "kind": "purchase_order",
    "sku": "SKU-0003",
    "location": "DC-NORTH",
    "qty": 180,
    "value": 684.0,
    "from_exception": False,
    "supplier_id": "SUP-02",
    "reason": "position 120 below reorder point 150: order up to 300, MOQ 60, case pack 12",
}
INVENTORY = {
    "sku": "SKU-0003",
    "location_id": "S002",
    "on_hand": 61.0,
    "position": 61.0,
    "reorder_point": 14.2,
    "days_of_cover": 21.8,
}


def _orders(*lines: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {"lines": len(lines), "items": list(lines), "waiting_for_moq_items": []}
    if not lines:
        out["why_nothing"] = "none of its 1 SKU-locations is below its reorder point"
    return out


def _drafted(name: str, args: dict[str, Any]) -> dict[str, Any]:
    kind = "transfer" if name == "draft_transfer" else "purchase_order"
    return {"status": "pending", "proposal_id": "P-1", "action": kind, "args": args}


def _converse(text: str, resolver: Resolver, *lines: dict[str, Any]) -> tuple[list[Any], str]:
    """Run one turn, the tools answering with no exception and the order list `lines`."""
    model = OfflinePlannerModel().with_resolver(resolver)
    messages: list[BaseMessage] = [HumanMessage(text)]
    made: list[Any] = []
    for _ in range(6):
        reply = model.invoke(messages)
        assert isinstance(reply, AIMessage)
        messages.append(reply)
        if not reply.tool_calls:
            return made, str(reply.content)
        for call in reply.tool_calls:
            made.append((call["name"], call["args"]))
            data: Any = {
                "list_exceptions": {"total": 0, "items": []},
                "get_routine_orders": _orders(*lines),
                "get_inventory": [INVENTORY],
            }.get(call["name"]) or _drafted(call["name"], call["args"])
            messages.append(ToolMessage(json.dumps(data), tool_call_id=call["id"]))
    raise AssertionError("the model never answered")


def _transfer_requests(sources: tuple[str, ...]) -> list[str]:
    return [
        verb.format(sku=sku, dst=dst, src=src)
        for verb, sku, dst, src in itertools.product(MOVE_VERBS, SKU_FORMS, STORE_FORMS, sources)
    ]


@pytest.mark.parametrize("text", _transfer_requests(("", " from DC-NORTH", " from the north DC")))
def test_a_transfer_without_a_quantity_is_the_engines_order_line(
    text: str, resolver: Resolver
) -> None:
    made, answer = _converse(text, resolver, TRANSFER_LINE)
    assert ("get_routine_orders", {"sku": "SKU-0003", "location": "S002"}) in made
    move = {"sku": "SKU-0003", "from_location": "DC-NORTH", "to_location": "S002", "qty": 37}
    assert made[-1] == ("draft_transfer", move)
    assert "order-list line" in answer and "reorder point 14" in answer


@pytest.mark.parametrize("text", _transfer_requests((" from DC-SOUTH", " from the south DC")))
def test_a_source_other_than_the_engines_keeps_the_engines_quantity(
    text: str, resolver: Resolver
) -> None:
    made, answer = _converse(text, resolver, TRANSFER_LINE)
    move = {"sku": "SKU-0003", "from_location": "DC-SOUTH", "to_location": "S002", "qty": 37}
    assert made[-1] == ("draft_transfer", move)
    assert "The engine's source is DC-NORTH; the draft uses DC-SOUTH as asked." in answer


@pytest.mark.parametrize(
    "text",
    [
        verb.format(sku=sku, dc=dc, sup=sup)
        for verb, sku, dc, sup in itertools.product(BUY_VERBS, SKU_FORMS, DC_FORMS, SUPPLIER_FORMS)
    ],
)
def test_a_purchase_order_without_a_quantity_is_the_engines_order_line(
    text: str, resolver: Resolver
) -> None:
    made, answer = _converse(text, resolver, PO_LINE)
    assert ("get_routine_orders", {"sku": "SKU-0003", "location": "DC-NORTH"}) in made
    po = {"sku": "SKU-0003", "location_id": "DC-NORTH", "supplier_id": "SUP-02", "qty": 180}
    assert made[-1] == ("draft_purchase_order", po)
    assert "180" in answer and "MOQ 60" in answer


@pytest.mark.parametrize("verb", BUY_VERBS)
def test_a_supplier_other_than_the_engines_keeps_the_engines_quantity(
    verb: str, resolver: Resolver
) -> None:
    made, answer = _converse(
        verb.format(sku="SKU-0003", dc="DC-NORTH", sup="SUP-05"), resolver, PO_LINE
    )
    po = {"sku": "SKU-0003", "location_id": "DC-NORTH", "supplier_id": "SUP-05", "qty": 180}
    assert made[-1] == ("draft_purchase_order", po)
    assert "The engine's supplier is SUP-02; the draft uses SUP-05 as asked." in answer


@pytest.mark.parametrize("text", _transfer_requests(("", " from DC-NORTH")))
def test_with_no_engine_line_nothing_is_drafted_and_its_figures_are_given(
    text: str, resolver: Resolver
) -> None:
    made, answer = _converse(text, resolver)
    assert not [name for name, _ in made if name.startswith("draft_")]
    assert "recommends no transfer or purchase order for SKU-0003 at S002" in answer
    assert "61 on hand" in answer and "21.8 days of cover" in answer
    assert "reorder point 14.2" in answer and "Say how many" in answer


@pytest.mark.parametrize(
    ("text", "qty"),
    [
        (f"transfer {sku} {times} from DC-NORTH to S002", 40)
        for sku, times in itertools.product(
            ("SKU-0003", "family size dog food"), ("x40", "x 40", "* 40")
        )
    ]
    + [
        (f"{verb} {times} {sku} from DC-NORTH to S002", 25)
        for verb, times, sku in itertools.product(
            ("transfer", "move"), ("25 x", "25x"), ("SKU-0003", "family size dog food")
        )
    ],
)
def test_a_quantity_written_with_a_times_sign_is_drafted_as_stated(
    text: str, qty: int, resolver: Resolver
) -> None:
    made, _ = _converse(text, resolver, TRANSFER_LINE)
    move = {"sku": "SKU-0003", "from_location": "DC-NORTH", "to_location": "S002", "qty": qty}
    assert made == [("draft_transfer", move)]


@pytest.mark.parametrize(
    "text",
    [
        "don't send SKU-0003 to S002 from DC-NORTH",
        "what if we moved SKU-0003 over to S002 from DC-NORTH",
        "should we top up S002 with SKU-0003 from DC-NORTH?",
        "do not raise a PO for SKU-0003 for DC-NORTH with SUP-02",
    ],
)
def test_no_draft_is_made_on_a_question_negation_or_hypothetical(
    text: str, resolver: Resolver
) -> None:
    made, _ = _converse(text, resolver, TRANSFER_LINE, PO_LINE)
    assert not [name for name, _ in made if name.startswith("draft_")]


SHORT_MOVES = (
    "xfer {sku} from {src} to {dst}",
    "set up a TO of {sku} for {dst} from {src}",
    "draft the recommended TO for {sku}, {src} to {dst}",
    "transfer {sku} {src} -> {dst}",
    "get {dst} stocked up on {sku} from {src}",
)
SHORT_ORDERS = (
    "raise {sup} PO for {sku} to {dc}",
    "get a PO out to {sup} for {sku}, {dc}",
    "draft PO {sku} {sup} {dc}",
    "PO {sup} for {sku} deliver to {dc}",
    "get {sku} on order from {sup} for {dc}",
    "set up a PO with {sup} for {sku} for {dc}",
)


@pytest.mark.parametrize(
    "text",
    [
        verb.format(sku=sku, src=src, dst=dst)
        for verb, sku, src, dst in itertools.product(
            SHORT_MOVES, ("SKU-0003", "family size dog food"), ("DC-NORTH", "north DC"), STORE_FORMS
        )
    ],
)
def test_a_transfer_said_short_is_drafted_with_the_engines_quantity(
    text: str, resolver: Resolver
) -> None:
    made, _ = _converse(text, resolver, TRANSFER_LINE)
    move = {"sku": "SKU-0003", "from_location": "DC-NORTH", "to_location": "S002", "qty": 37}
    assert made[-1] == ("draft_transfer", move)


@pytest.mark.parametrize(
    "text",
    [
        verb.format(sku=sku, sup=sup, dc=dc)
        for verb, sku, sup, dc in itertools.product(
            SHORT_ORDERS, ("SKU-0003", "family size dog food"), ("SUP-02", "Northwind"), DC_FORMS
        )
    ],
)
def test_a_purchase_order_said_short_is_drafted_with_the_engines_quantity(
    text: str, resolver: Resolver
) -> None:
    made, _ = _converse(text, resolver, PO_LINE)
    po = {"sku": "SKU-0003", "location_id": "DC-NORTH", "supplier_id": "SUP-02", "qty": 180}
    assert made[-1] == ("draft_purchase_order", po)


@pytest.mark.parametrize(
    ("text", "name", "args"),
    [
        (
            f"TO: 50 x {sku}, DC-NORTH to S002",
            "draft_transfer",
            {"sku": "SKU-0003", "from_location": "DC-NORTH", "to_location": "S002", "qty": 50},
        )
        for sku in ("SKU-0003", "family size dog food")
    ]
    + [
        (
            f"send {sup} a PO for 120 {sku} for DC-NORTH",
            "draft_purchase_order",
            {"sku": "SKU-0003", "location_id": "DC-NORTH", "supplier_id": "SUP-02", "qty": 120},
        )
        for sup, sku in itertools.product(("SUP-02", "Northwind Traders"), ("SKU-0003",))
    ],
)
def test_a_stated_quantity_said_short_is_drafted_as_stated(
    text: str, name: str, args: dict[str, Any], resolver: Resolver
) -> None:
    made, _ = _converse(text, resolver, TRANSFER_LINE, PO_LINE)
    assert made == [(name, args)]


@pytest.mark.parametrize(
    "text",
    [
        "is there a PO for SKU-0003 at DC-NORTH from SUP-02?",
        "did we get SKU-0003 on order from SUP-02 for DC-NORTH?",
        "show the PO for SKU-0003 at DC-NORTH",
        "don't raise SUP-02 PO for SKU-0003 to DC-NORTH",
        "what if we set up a TO of SKU-0003 for S002 from DC-NORTH",
        "xfer SKU-0003 from DC-NORTH to S002?",
    ],
)
def test_short_forms_draft_nothing_on_a_question_negation_or_hypothetical(
    text: str, resolver: Resolver
) -> None:
    made, _ = _converse(text, resolver, TRANSFER_LINE, PO_LINE)
    assert not [name for name, _ in made if name.startswith("draft_")]
