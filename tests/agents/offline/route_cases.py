"""Request phrasings routed by question type, entity kinds and thread state (development third).

Each case is (thread, request, tool, arguments the first call must carry): the tests' own
words on the seed-7 network (S001 Riverside, S002 Monroe, S003 Union, S004 Kingston, DC-NORTH
and DC-SOUTH; SUP-01 Acme ... SUP-10 Metro), written with questions buried in sentences,
two-part questions, bare noun phrases, non-native English, typos and synonyms. `thread` names
the earlier turn the request follows (`THREADS`), or None for a first turn.

All phrasings were written at once and split with a fixed seed: two thirds here (`DEV`, used
while the router was built) and a third in `route_held_out_cases.py`, only ever counted
(tests/agents/offline/test_route_held_out.py).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from typing import Any

from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, ToolMessage

from agents.offline import OfflinePlannerModel
from tools.planner import (
    explain_exception,
    get_forecast,
    get_inventory,
    get_item,
    get_lanes,
    get_network_position,
    get_open_supply,
    get_routine_orders,
    get_supplier_overview,
    get_supplier_status,
    list_exceptions,
    run_what_if,
    search_policies,
    summarize_exceptions,
)

Case = tuple[str | None, str, str, dict[str, Any]]

INV = get_inventory.name
FC = get_forecast.name
SUP = get_open_supply.name
ITEM = get_item.name
STATUS = get_supplier_status.name
OVERVIEW = get_supplier_overview.name
LIST = list_exceptions.name
SUM = summarize_exceptions.name
NET = get_network_position.name
WHATIF = run_what_if.name
POLICY = search_policies.name
LANES = get_lanes.name
ROUTINE = get_routine_orders.name
EXPLAIN = explain_exception.name

AS_OF = date(2026, 6, 30)
LISTED = (
    "stockout_risk:SKU-0003@S002",
    "stockout_risk:SKU-0005@S003",
    "promo_uncovered:SKU-0007@S004",
)
"""The exceptions the `listed` thread's earlier answer showed, in order."""


def _turn(request: str, tool: str, args: dict[str, Any], data: Any) -> list[BaseMessage]:
    call = {"name": tool, "args": args, "id": "c1"}
    return [
        HumanMessage(request),
        AIMessage("", tool_calls=[call]),
        ToolMessage(json.dumps(data), tool_call_id="c1"),
        AIMessage("done"),
    ]


def _drafted() -> list[BaseMessage]:
    args = {"sku": "SKU-0003", "from_location": "DC-NORTH", "to_location": "S002", "qty": 12}
    data = {
        "proposal_id": "PR-0A1B2C",
        "status": "pending_approval",
        "action": "transfer",
        "args": {k: v for k, v in args.items() if k != "qty"},
    }
    return _turn("move 12 dog food to Monroe from the north DC", "draft_transfer", args, data)


THREADS: dict[str, Callable[[], list[BaseMessage]]] = {
    "item": lambda: _turn(
        "how much SKU-0012 is at S004?",
        INV,
        {"sku": "SKU-0012", "location": "S004"},
        {"sku": "SKU-0012", "location": "S004", "on_hand": 14},
    ),
    "supplier": lambda: _turn(
        "how is Acme doing?",
        STATUS,
        {"supplier_id": "SUP-01"},
        {"supplier_id": "SUP-01", "on_time_rate": 0.96},
    ),
    "listed": lambda: _turn(
        "what's short in the stores?",
        LIST,
        {"top": 10},
        {"items": [{"id": i, "recommendation": {"kind": "transfer"}} for i in LISTED]},
    ),
    "store": lambda: _turn(
        "what's flagged at Union?",
        LIST,
        {"top": 10, "location": "S003"},
        {"items": [{"id": "overstock:SKU-0011@S003"}]},
    ),
    "category": lambda: _turn(
        "exceptions in Garden",
        LIST,
        {"top": 10, "category": "Garden"},
        {"items": [{"id": "overstock:SKU-0007@S001"}]},
    ),
    "drafted": _drafted,
}
"""Earlier turns a request may follow: an item's stock at a store, a supplier's status, a list
of exceptions, a store's exceptions, a category's exceptions, a pending transfer draft."""


def first_call(model: OfflinePlannerModel, thread: str | None, text: str) -> dict[str, Any] | None:
    """Return the model's first tool call for a request after its thread (None: no call)."""
    earlier = THREADS[thread]() if thread else []
    message = model.respond([*earlier, HumanMessage(text)])
    return dict(message.tool_calls[0]) if message.tool_calls else None


def fits(call: dict[str, Any] | None, tool: str, args: dict[str, Any]) -> bool:
    """Whether a call is `tool` with every argument of `args` (factors to two decimals)."""
    if call is None or call["name"] != tool:
        return False
    got = call.get("args") or {}
    for key, want in args.items():
        have = got.get(key)
        if isinstance(want, float):
            if not isinstance(have, int | float) or abs(float(have) - want) > 0.01:
                return False
        elif have != want:
            return False
    return True


DEV: list[Case] = [
    (None, "cover S004 sku 12?", INV, {"sku": "SKU-0012", "location": "S004"}),
    (
        None,
        "quick q - how many hdmi cables is Kingston sitting on right now",
        INV,
        {"sku": "SKU-0012", "location": "S004"},
    ),
    (
        None,
        "i need to know the stock of SKU-0030 in Union before my call",
        INV,
        {"sku": "SKU-0030", "location": "S003"},
    ),
    (None, "stock posiiton SKU-0014 @ S002", INV, {"sku": "SKU-0014", "location": "S002"}),
    (
        None,
        "how many days will the olive oil last at Monroe",
        INV,
        {"sku": "SKU-0029", "location": "S002"},
    ),
    (None, "days cover on sponges, store 3", INV, {"sku": "SKU-0030", "location": "S003"}),
    (
        None,
        "on hand qty for SKU-0009 at the north DC please",
        INV,
        {"sku": "SKU-0009", "location": "DC-NORTH"},
    ),
    (None, "Riverside stock check: storage boxes", INV, {"sku": "SKU-0011", "location": "S001"}),
    (None, "how much inventory does Kingston carry?", INV, {"location": "S004"}),
    (
        None,
        "got enough hoodies at Kingston to get through the weekend?",
        INV,
        {"sku": "SKU-0010", "location": "S004"},
    ),
    (
        None,
        "can you tell me, for the south DC, how many smart plugs are there",
        INV,
        {"sku": "SKU-0009", "location": "DC-SOUTH"},
    ),
    ("item", "and at Union?", INV, {"sku": "SKU-0012", "location": "S003"}),
    (None, "SKU-0016 Kingston - in stock?", INV, {"sku": "SKU-0016", "location": "S004"}),
    (
        None,
        "remaining units of Ultra Plant Food @ Union",
        INV,
        {"sku": "SKU-0014", "location": "S003"},
    ),
    (
        None,
        "Please to tell me how much is the stock of sku 12 in Kingston",
        INV,
        {"sku": "SKU-0012", "location": "S004"},
    ),
    (
        None,
        "are we covered on hand cream at Monroe for the next few days",
        INV,
        {"sku": "SKU-0005", "location": "S002"},
    ),
    (None, "hdmi cable kingston cover", INV, {"sku": "SKU-0012", "location": "S004"}),
    (
        None,
        "what will Union sell of the pasta over the next 2 weeks",
        FC,
        {"sku": "SKU-0023", "location": "S003", "horizon_days": 14},
    ),
    (
        None,
        "demand outlook SKU-0005 S002, 30 days",
        FC,
        {"sku": "SKU-0005", "location": "S002", "horizon_days": 30},
    ),
    (None, "forcast for hdmi cables at kingston", FC, {"sku": "SKU-0012", "location": "S004"}),
    (
        None,
        "projected sales of olive oil in Monroe for the coming month",
        FC,
        {"sku": "SKU-0029", "location": "S002"},
    ),
    (
        None,
        "I'm curious what the model predicts for SKU-0014 at S003",
        FC,
        {"sku": "SKU-0014", "location": "S003"},
    ),
    (
        "item",
        "what's the forecast looking like for it?",
        FC,
        {"sku": "SKU-0012", "location": "S004"},
    ),
    (
        None,
        "expected demand, sponges, Union, next ten days",
        FC,
        {"sku": "SKU-0030", "location": "S003", "horizon_days": 10},
    ),
    (
        None,
        "will kingston sell many hoodies in the next 3 weeks?",
        FC,
        {"sku": "SKU-0010", "location": "S004", "horizon_days": 21},
    ),
    (
        None,
        "how accurate has the forecast been for SKU-0005 at Monroe",
        FC,
        {"sku": "SKU-0005", "location": "S002"},
    ),
    (None, "S002 forecast sku 5?", FC, {"sku": "SKU-0005", "location": "S002"}),
    ("item", "and how much will it sell next month?", FC, {"sku": "SKU-0012", "location": "S004"}),
    (
        None,
        "sales expectation for rain jackets at Kingston next 10 days pls",
        FC,
        {"sku": "SKU-0004", "location": "S004", "horizon_days": 10},
    ),
    (None, "what's inbound to Kingston", SUP, {"location": "S004"}),
    (None, "what are we still waiting on from Harbor", SUP, {"supplier_id": "SUP-09"}),
    (None, "open POs for Voltix?", SUP, {"supplier_id": "SUP-06"}),
    (None, "pipeline for store 3", SUP, {"location": "S003"}),
    (None, "when does the next delivery of olive oil land", SUP, {"sku": "SKU-0029"}),
    (None, "Metro - what have they got in transit to us", SUP, {"supplier_id": "SUP-10"}),
    (None, "incoming supply for paper towels, all locations", SUP, {"sku": "SKU-0008"}),
    (None, "show open orders with Northwind pls", SUP, {"supplier_id": "SUP-02"}),
    (None, "outstanding purchase orders, GreenThumb", SUP, {"supplier_id": "SUP-08"}),
    (
        None,
        "is there any replenishment already ordered for the rain jacket",
        SUP,
        {"sku": "SKU-0004"},
    ),
    (
        None,
        "i want see all the orders that are coming from Pacific Rim",
        SUP,
        {"supplier_id": "SUP-05"},
    ),
    (None, "anything late from suppliers at the moment", LIST, {"type": "late_po"}),
    (None, "late deliveries into Union", LIST, {"type": "late_po", "location": "S003"}),
    (None, "Is Voltix behind on any orders", STATUS, {"supplier_id": "SUP-06"}),
    (None, "overdue purchase orders for S001", LIST, {"type": "late_po", "location": "S001"}),
    (None, "how many POs are late", SUM, {"type": "late_po"}),
    (None, "Threadline late orders?", STATUS, {"supplier_id": "SUP-07"}),
    (None, "Acme late?", STATUS, {"supplier_id": "SUP-01"}),
    (None, "tell me which purchase orders have slipped", LIST, {"type": "late_po"}),
    (None, "min order qty for hdmi cable", ITEM, {"sku": "SKU-0012"}),
    (None, "what do we pay for sponges and what do we sell them at", ITEM, {"sku": "SKU-0030"}),
    (None, "what category is SKU-0004 in", ITEM, {"sku": "SKU-0004"}),
    (None, "retail price of Deluxe Pasta", ITEM, {"sku": "SKU-0023"}),
    (None, "how many come in a case of paper towels", ITEM, {"sku": "SKU-0008"}),
    (None, "what is the selling price and the cost for olive oil?", ITEM, {"sku": "SKU-0029"}),
    (None, "how has Pacific Rim been performing lately", STATUS, {"supplier_id": "SUP-05"}),
    (None, "on-time rate for Threadline", STATUS, {"supplier_id": "SUP-07"}),
    (None, "is Harbor a reliable vendor?", STATUS, {"supplier_id": "SUP-09"}),
    (None, "lead time from Voltix", STATUS, {"supplier_id": "SUP-06"}),
    (None, "supplier(s) for SKU-0029?", STATUS, {"sku": "SKU-0029"}),
    (None, "give me the full picture on Northwind", OVERVIEW, {"supplier_id": "SUP-02"}),
    ("supplier", "what does the plan want from them", OVERVIEW, {"supplier_id": "SUP-01"}),
    (None, "Sunrise Personal Care delivery performance?", STATUS, {"supplier_id": "SUP-04"}),
    (None, "I want know which supplier give us the hdmi cable", STATUS, {"sku": "SKU-0012"}),
    ("item", "who supplies it?", STATUS, {"sku": "SKU-0012"}),
    (None, "how dependable is Metro on delivery dates", STATUS, {"supplier_id": "SUP-10"}),
    (None, "what's on fire today", LIST, {}),
    (None, "top 3 issues by money", LIST, {"top": 3}),
    (None, "the P1s please", LIST, {"priority": 1}),
    (None, "phantom stock alerts", LIST, {"type": "inventory_anomaly"}),
    (None, "where is the forecast biased", LIST, {"type": "forecast_bias"}),
    (
        None,
        "below safety stock items at Union",
        LIST,
        {"type": "below_safety_stock", "location": "S003"},
    ),
    (None, "anything urgent for Toys?", LIST, {"category": "Toys"}),
    (None, "Personal Care exceptions", LIST, {"category": "Personal Care"}),
    (None, "risks for hand cream", LIST, {"sku": "SKU-0005"}),
    (
        None,
        "what exceptions does Riverside have for Grocery",
        LIST,
        {"location": "S001", "category": "Grocery"},
    ),
    (None, "items running out soon at Monroe", LIST, {"type": "stockout_risk", "location": "S002"}),
    ("item", "any issues with it elsewhere?", LIST, {"sku": "SKU-0012"}),
    (None, "how is Electronics doing", LIST, {"category": "Electronics"}),
    (None, "north region overview", LIST, {"served_by": "DC-NORTH"}),
    (None, "Kingston stockouts?", LIST, {"type": "stockout_risk", "location": "S004"}),
    ("store", "only the stockouts there", LIST, {"type": "stockout_risk", "location": "S003"}),
    (None, "number of overstock flags", SUM, {"type": "overstock"}),
    (
        None,
        "what's the dollar value of the stockout risks in the north",
        SUM,
        {"type": "stockout_risk", "served_by": "DC-NORTH"},
    ),
    (None, "how many exceptions does Garden have", SUM, {"category": "Garden"}),
    (None, "break the issues down per category", SUM, {"by": "category"}),
    (None, "count exceptions per supplier", SUM, {"by": "supplier"}),
    (None, "how big is the phantom inventory problem", SUM, {"type": "inventory_anomaly"}),
    ("category", "how much money is that in total", SUM, {"category": "Garden"}),
    (None, "which store is in the worst shape", SUM, {"by": "location"}),
    (None, "biggest problem category?", SUM, {"by": "category"}),
    (None, "which items put the most money at risk", SUM, {"by": "sku"}),
    (None, "which vendor is behind the most issues", SUM, {"by": "supplier"}),
    (
        None,
        "Riverside or Monroe - which has more stockout risk?",
        SUM,
        {"by": "location", "type": "stockout_risk"},
    ),
    (None, "rank the stores by exposure", SUM, {"by": "location"}),
    (None, "in which category we have most problems?", SUM, {"by": "category"}),
    (None, "network view of SKU-0016", NET, {"sku": "SKU-0016"}),
    (None, "which stores have spare premium dog food", NET, {"sku": "SKU-0016"}),
    (None, "is there SKU-0008 sitting anywhere else in the network?", NET, {"sku": "SKU-0008"}),
    ("item", "who else has some?", NET, {"sku": "SKU-0012"}),
    (None, "balance of olive oil between the stores", NET, {"sku": "SKU-0029"}),
    (None, "where is the stock of sponges", NET, {"sku": "SKU-0030"}),
    ("item", "where else is it stocked?", NET, {"sku": "SKU-0012"}),
    (None, "storage box - every location, how many?", NET, {"sku": "SKU-0011"}),
    (
        None,
        "if Voltix slips 2 weeks what breaks",
        WHATIF,
        {"supplier_id": "SUP-06", "supplier_delay_days": 14},
    ),
    (
        None,
        "simulate a 15% drop in Grocery demand",
        WHATIF,
        {"category": "Grocery", "demand_factor": 0.85},
    ),
    (
        None,
        "what would a 40% promo uplift on pasta at Union do",
        WHATIF,
        {"sku": "SKU-0023", "location": "S003"},
    ),
    (
        None,
        "Harbor 5 days late - impact?",
        WHATIF,
        {"supplier_id": "SUP-09", "supplier_delay_days": 5},
    ),
    (
        None,
        "scenario: Acme delayed by a week",
        WHATIF,
        {"supplier_id": "SUP-01", "supplier_delay_days": 7},
    ),
    (
        None,
        "demand for Toys up 10 percent, are we ok?",
        WHATIF,
        {"category": "Toys", "demand_factor": 1.1},
    ),
    (
        "item",
        "what if it sells 30% more than planned?",
        WHATIF,
        {"sku": "SKU-0012", "location": "S004", "demand_factor": 1.3},
    ),
    (None, "what-if Acme +7d", WHATIF, {"supplier_id": "SUP-01", "supplier_delay_days": 7}),
    (
        None,
        "imagine the Garden demand falls by 20 percent, which stores get overstocked?",
        WHATIF,
        {"category": "Garden", "demand_factor": 0.8},
    ),
    (None, "what's the rule for transfers between stores", POLICY, {}),
    (None, "who has to approve a PO over 5000", POLICY, {}),
    (None, "how long do we have to count a phantom stock flag", POLICY, {}),
    (None, "what's our overstock policy", POLICY, {}),
    (None, "is there a limit on how much one transfer can move", POLICY, {}),
    (None, "Can a store planner approve their own order?", POLICY, {}),
    (None, "according to the playbook, when should we escalate a stockout", POLICY, {}),
    (
        None,
        "lead time from DC-NORTH to Riverside",
        LANES,
        {"from_location": "DC-NORTH", "to_location": "S001"},
    ),
    (None, "regular orders for Riverside", ROUTINE, {"location": "S001"}),
    (
        "drafted",
        "how much dog food does Monroe have now?",
        INV,
        {"sku": "SKU-0003", "location": "S002"},
    ),
    (
        "drafted",
        "what's the stock at the north DC for that item",
        INV,
        {"sku": "SKU-0003", "location": "DC-NORTH"},
    ),
    ("listed", "explain the second one", EXPLAIN, {"exception_id": "stockout_risk:SKU-0005@S003"}),
    ("listed", "what's the stock on the first one", INV, {"sku": "SKU-0003", "location": "S002"}),
    ("store", "how much is at risk there in money", SUM, {"location": "S003"}),
    ("category", "which store is worst for it", SUM, {"by": "location", "category": "Garden"}),
    ("supplier", "what's their lead time", STATUS, {"supplier_id": "SUP-01"}),
]
