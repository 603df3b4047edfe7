"""Everyday phrasings of request classes a store manager, a buyer, a non-native speaker and a
terse planner use, written for the offline model's tests on the seed-7 network (S001
Riverside, S002 Monroe, S003 Union, S004 Kingston).

Each class has `DEV` phrasings (used while the reading was built) and `HELD_OUT` ones, written
at the same time and run only at the end (tests/agents/test_offline_persona_holdout.py), to
measure how far the reading generalises. A case is (turns, tool, arguments the last turn's
first call must carry).
"""

from __future__ import annotations

from typing import Any

Case = tuple[tuple[str, ...], str, dict[str, Any]]

EXCEPTIONS = "list_exceptions"
STOCK = "get_inventory"
ORDERS = "get_routine_orders"
TOTALS = "summarize_exceptions"
FIX = "draft_recommended_action"
NONE = ""
"""No draft at all in the last turn."""

DEV: dict[str, list[Case]] = {
    "health": [
        (("hows union lookin",), EXCEPTIONS, {"location": "S003"}),
        (("how are things at kingston today?",), EXCEPTIONS, {"location": "S004"}),
        (("riverside ok?",), EXCEPTIONS, {"location": "S001"}),
        (("give me a quick health check on Monroe",), EXCEPTIONS, {"location": "S002"}),
        (("how's the S003 store holding up",), EXCEPTIONS, {"location": "S003"}),
        (("anything bad at kingston i should know",), EXCEPTIONS, {"location": "S004"}),
        (("what's going on at union",), EXCEPTIONS, {"location": "S003"}),
        (("how r we doing over at monroe",), EXCEPTIONS, {"location": "S002"}),
        (("how's union looking", "n kingston?"), EXCEPTIONS, {"location": "S004"}),
        # a stock question about the place, or an item at it, stays the stock table
        (("hows stock at union",), STOCK, {"location": "S003"}),
        (("how's SKU-0012 doing at S003?",), STOCK, {"sku": "SKU-0012", "location": "S003"}),
    ],
    "cover": [
        (
            ("how much value paper towels at monroe", "get some sent over from the dc pls"),
            FIX,
            {"exception_id": "stockout_risk:SKU-0008@S002"},
        ),
        (
            ("eco hdmi cable at union, are we ok", "ok ship whatever they need from the warehouse"),
            FIX,
            {"exception_id": "stockout_risk:SKU-0012@S003"},
        ),
        (
            ("union is out of eco hdmi cable, pls get some from the dc",),
            FIX,
            {"exception_id": "stockout_risk:SKU-0012@S003"},
        ),
        (
            ("SKU-0012 at S003?", "can you send them a few from DC-SOUTH"),
            FIX,
            {"exception_id": "stockout_risk:SKU-0012@S003"},
        ),
        (
            ("SKU-0012 stock at union", "send what it needs"),
            FIX,
            {"exception_id": "stockout_risk:SKU-0012@S003"},
        ),
        (
            ("stock of SKU-0008 at S002", "bring in some more for them asap"),
            FIX,
            {"exception_id": "stockout_risk:SKU-0008@S002"},
        ),
        # no amount left open, a question, or something else got: nothing drafted here
        (("how much value paper towels at monroe", "get some numbers on it"), NONE, {}),
        (("SKU-0012 at S003?", "do we ever send some from the dc?"), NONE, {}),
        (("SKU-0012 at S003?", "maybe send some from the dc"), NONE, {}),
    ],
    "narrowing": [
        (("p1s", "top 3 only"), EXCEPTIONS, {"top": 3, "priority": 1}),
        (("what needs attention today?", "just the P2s"), EXCEPTIONS, {"priority": 2}),
        (("buy list SUP-01", "first 2 only"), ORDERS, {"supplier_id": "SUP-01", "top": 2}),
        (
            ("risk by category", "same, south stores only"),
            TOTALS,
            {"by": "category", "served_by": "DC-SOUTH"},
        ),
        (
            ("anything flagged at union?", "only the top two"),
            EXCEPTIONS,
            {"location": "S003", "top": 2},
        ),
        (
            ("what needs attention today?", "just the stockout ones pls"),
            EXCEPTIONS,
            {"type": "stockout_risk"},
        ),
        (("exceptions by type", "p1s only"), TOTALS, {"by": "type", "priority": 1}),
    ],
}

HELD_OUT: dict[str, list[Case]] = {
    "health": [
        (("hey hows monroe going",), EXCEPTIONS, {"location": "S002"}),
        (("state of riverside pls",), EXCEPTIONS, {"location": "S001"}),
        (("kingston in good shape?",), EXCEPTIONS, {"location": "S004"}),
        (("check in on union for me",), EXCEPTIONS, {"location": "S003"}),
        (("how is it looking at Riverside this morning",), EXCEPTIONS, {"location": "S001"}),
        (("hows kingston", "n riverside"), EXCEPTIONS, {"location": "S001"}),
    ],
    "cover": [
        (
            ("value paper towels at monroe?", "pls push some over to them"),
            FIX,
            {"exception_id": "stockout_risk:SKU-0008@S002"},
        ),
        (
            ("SKU-0012 at union how many left", "ok get whatever is needed sent from the dc"),
            FIX,
            {"exception_id": "stockout_risk:SKU-0012@S003"},
        ),
        (
            ("monroe ran out of value paper towels - grab a few from the north dc pls",),
            FIX,
            {"exception_id": "stockout_risk:SKU-0008@S002"},
        ),
        (
            ("stock of SKU-0012 at S003", "could you sort out some stock for them"),
            FIX,
            {"exception_id": "stockout_risk:SKU-0012@S003"},
        ),
        (("SKU-0008 at S002", "get some info on it"), NONE, {}),
    ],
    "narrowing": [
        (("p2s", "top 2 please"), EXCEPTIONS, {"top": 2, "priority": 2}),
        (("buy list SUP-01", "just the top 3"), ORDERS, {"supplier_id": "SUP-01", "top": 3}),
        (
            ("risk by location", "only the north stores"),
            TOTALS,
            {"by": "location", "served_by": "DC-NORTH"},
        ),
        (("what needs attention today?", "only overstock"), EXCEPTIONS, {"type": "overstock"}),
    ],
}


def drafted(calls: list[dict[str, Any]], tool: str, args: dict[str, Any]) -> bool:
    """Whether a turn made the draft call `tool` with every argument of `args` (`NONE`: none)."""
    drafts = [c for c in calls if c["name"].startswith("draft_")]
    if not tool:
        return not drafts
    return any(
        c["name"] == tool and all((c.get("args") or {}).get(k) == v for k, v in args.items())
        for c in drafts
    )


def first_call_fits(calls: list[dict[str, Any]], tool: str, args: dict[str, Any]) -> bool:
    """Whether a turn's first tool call is `tool` with every argument of `args`."""
    if not calls or calls[0]["name"] != tool:
        return False
    got = calls[0].get("args") or {}
    return all(got.get(key) == want for key, want in args.items())
