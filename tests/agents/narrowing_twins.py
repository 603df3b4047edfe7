"""Twin items of the seed-7 demo network, and a driver that answers the narrowing look-ups.

The 20-store, 300-SKU seed-7 network sells two "Classic Patio Lantern"s (SKU-0124 from SUP-02
Northwind, SKU-0187 from SUP-08 GreenThumb) and two "Classic Body Wash"es (SKU-0146 from SUP-04
Sunrise and SUP-10 Metro, SKU-0234 from SUP-02 and SUP-10); SKU-0187 is not stocked at Marion
(S005), SKU-0234 not at Kingston (S004). `drive` answers get_item and get_inventory from the
network's own tables, list_exceptions from the flags a test plants, and stops at the first
call that is not one of those look-ups (the request's own step) or at the answer.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, ToolMessage

from agents.offline import parse
from agents.offline.messages import Call, Result, Step
from erp.demo import generate_demo
from planning.network import NetworkData
from tools.resolve import Resolver

LOOK_UPS = ("get_item", "get_inventory", "list_exceptions")


def twins_network() -> NetworkData:
    """The seed-7 demo network of 20 stores and 300 SKUs (a short history: names and stock)."""
    return generate_demo(seed=7, stores=20, skus=300, days=120, as_of=date(2026, 6, 30)).data


def _planted(exception_id: str) -> dict[str, Any]:
    """A planted exception whose recommendation is a transfer into its place from its DC."""
    kind, _, pair = exception_id.partition(":")
    sku, _, loc = pair.partition("@")
    rec = {"kind": "transfer", "from_location": "DC-NORTH", "to_location": loc, "qty": 24}
    return {"id": exception_id, "type": kind, "sku": sku, "location": loc, "recommendation": rec}


def _answer(call: Call, data: NetworkData, flagged: Mapping[str, Sequence[str]]) -> Result:
    args = call.args
    out: Any
    if call.name == "get_item":
        terms = data.item_suppliers[data.item_suppliers["sku"] == args["sku"]]
        out = {
            "sku": args["sku"],
            "suppliers": [
                {"supplier_id": r.supplier_id, "primary": bool(r.primary)}
                for r in terms.itertuples()
            ],
        }
    elif call.name == "get_inventory":
        inv = data.inventory
        held = inv[(inv["sku"] == args["sku"]) & (inv["location_id"] == args["location"])]
        out = (
            [{"sku": args["sku"], "location_id": args["location"], "on_hand": 10.0}]
            if len(held)
            else {"error": f"no stock position for SKU {args['sku']!r} at {args['location']}"}
        )
    else:
        ids = [
            i
            for loc, planted in flagged.items()
            if args.get("location") in (None, loc)
            for i in planted
            if args.get("sku") in (None, i.partition(":")[2].partition("@")[0])
        ]
        items = [_planted(i) for i in ids]
        out = {"total": len(items), "items": items}
    return Result(call.name, args, json.dumps(out), out)


def drive(
    text: str,
    resolver: Resolver,
    data: NetworkData,
    flagged: Mapping[str, Sequence[str]] | None = None,
    earlier: Sequence[BaseMessage] = (),
) -> tuple[str, Step]:
    """Return the intent's name and its first step past the narrowing look-ups (or its answer)."""
    intent, req = parse(text, earlier, resolver, date(2026, 6, 30))
    results: list[Result] = []
    for _ in range(4):
        step = intent.handler(req, results)
        if isinstance(step, str) or intent.name != "narrow":
            return intent.name, step
        if any(c.name not in LOOK_UPS for c in step):
            return intent.name, step
        results += [_answer(c, data, flagged or {}) for c in step]
    return intent.name, step


def promo_turn(text: str, place: str, sku: str) -> list[BaseMessage]:
    """Return a thread whose last turn drafted the recommended fix of `sku`'s promo at `place`."""
    exc = f"promo_uncovered:{sku}@{place}"
    listed = {"total": 1, "items": [{"id": exc, "type": "promo_uncovered", "sku": sku}]}
    drafted = {"status": "pending", "proposal_id": "PR-1", "exception_id": exc, "sku": sku}
    calls = [
        {"name": "list_exceptions", "args": {"location": place, "top": 100}, "id": "c1"},
        {"name": "draft_recommended_action", "args": {"exception_id": exc}, "id": "c2"},
    ]
    return [
        HumanMessage(text),
        AIMessage("", tool_calls=[calls[0]]),
        ToolMessage(json.dumps(listed), tool_call_id="c1"),
        AIMessage("", tool_calls=[calls[1]]),
        ToolMessage(json.dumps(drafted), tool_call_id="c2"),
        AIMessage("Drafted PR-1 (pending approval)."),
    ]
