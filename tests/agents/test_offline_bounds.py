"""A quantity said as a bound is decided by the planning engine within it, and said so.

"S002 needs more than 10 of X from DC-NORTH" does not draft 10: the engine's order line for X at
S002 is looked up, and its quantity is drafted when it meets the bound, else the least that does
(11); "no more than 50" caps the engine's quantity at 50 and drafts nothing when the engine has
nothing to order. A plain quantity is the planner's. Checked with bound words, verbs, item and
place forms of our own and a typo, against engine quantities on either side of the bound.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from agents.offline import parse
from agents.offline.bounds import Bound, bound_of
from agents.offline.messages import Result
from tools.resolve import Resolver


@pytest.mark.parametrize(
    ("text", "bound"),
    [
        ("S002 needs more than 10 of SKU-0016", ("more than", 10, True, True)),
        ("ship more than 10 units", ("more than", 10, True, True)),
        ("at least 10 please", ("at least", 10, True, False)),
        ("no less than 1,000", ("no less than", 1000, True, False)),
        ("a minimum of 12", ("at least", 12, True, False)),
        ("10 or more", ("or more", 10, True, False)),
        ("no more than 50", ("no more than", 50, False, False)),
        ("not more than 50", ("no more than", 50, False, False)),
        ("up to 50", ("at most", 50, False, False)),
        ("at most 50", ("at most", 50, False, False)),
        ("max 50", ("at most", 50, False, False)),
        ("50 or fewer", ("or less", 50, False, False)),
        ("less than 50", ("less than", 50, False, True)),
        ("under 50", ("less than", 50, False, True)),
    ],
)
def test_bound_words_are_read(text: str, bound: tuple[str, int, bool, bool]) -> None:
    assert bound_of(text) == Bound(*bound)


@pytest.mark.parametrize(
    "text",
    [
        "transfer 10 of SKU-0016",
        "ship 25 over from the DC",
        "S002",
        "send over 20 SKU-0016 from DC-NORTH to S002",
        "ship over 15 of sku 16 to monroe",
        "move 40 SKU-0003 to S001, it has under 40 days of cover",
        "S001 sold more than 25 SKU-0003 yesterday, move 25 SKU-0003 from DC-NORTH",
        "S003 is below 12 units of SKU-0016, send 12 from DC-NORTH",
        "stock at S002 is over 30, transfer 30 SKU-0003 to S001",
    ],
)
def test_a_plain_quantity_is_no_bound(text: str) -> None:
    assert bound_of(text) is None


def _run(text: str, resolver: Resolver, engine: int) -> tuple[list[tuple[str, Any]], str]:
    """Run a request's handler against tools that answer with the engine's quantity `engine`."""
    intent, req = parse(text, (), resolver)
    results: list[Result] = []
    calls: list[tuple[str, Any]] = []
    for _ in range(6):
        step = intent.handler(req, results)
        if isinstance(step, str):
            return calls, step
        for call in step:
            calls.append((call.name, call.args))
            if call.name == "get_routine_orders":
                loc = call.args["location"]
                items = (
                    [{"sku": call.args["sku"], "location": loc, "qty": engine}] if engine else []
                )
                data: Any = {"items": items, "lines": len(items)}
            elif call.name.startswith("draft_"):
                data = {"proposal_id": "PR-1", "status": "pending_approval", "args": call.args,
                        "action": call.name.removeprefix("draft_")}  # fmt: skip
            else:
                data = {}
            results.append(Result(call.name, call.args, json.dumps(data), data))
    raise AssertionError(f"no answer for {text!r}: {calls}")


def _drafted(calls: list[tuple[str, Any]]) -> list[int]:
    return [args["qty"] for name, args in calls if name.startswith("draft_")]


LOWER = [
    "S002 needs more than 10 of SKU-0016 from DC-NORTH",
    "monroe needs more than 10 of sku 16 out of the north dc",
    "transfer more than 10 SKU-0016 from DC-NORTH to S002",
    "ship S002 over 10 of SKU-0016 from DC-NORTH",
    "trasnfer more than 10 SKU-0016 from DC-NORTH to S002",
]
AT_LEAST = [
    "transfer at least 10 of SKU-0016 from DC-NORTH to S002",
    "move 10 or more sku 16 from the north dc to monroe",
    "S002 needs at least 10 of SKU-0016 from DC-NORTH",
    "ship a minimum of 10 SKU-0016 DC-NORTH -> S002",
]
UPPER = [
    "send S002 no more than 50 of SKU-0016 from DC-NORTH",
    "transfer up to 50 of SKU-0016 from DC-NORTH to S002",
    "move at most 50 sku 16 from the north dc to monroe",
    "order up to 50 of SKU-0016 for S002 from SUP-03",
]


@pytest.mark.parametrize("text", LOWER)
@pytest.mark.parametrize(("engine", "qty"), [(200, 200), (10, 11), (0, 11)])
def test_more_than_n_drafts_the_engines_quantity_or_n_plus_1(
    text: str, engine: int, qty: int, resolver: Resolver
) -> None:
    calls, answer = _run(text, resolver, engine)
    assert calls[0][0] == "get_routine_orders"
    assert _drafted(calls) == [qty], (text, calls)
    assert answer.startswith(f"Quantity {qty}: the planning engine's quantity for SKU-0016 at ")
    assert ("drafted as is" if qty == engine else "the least quantity that is (11)") in answer


@pytest.mark.parametrize("text", AT_LEAST)
@pytest.mark.parametrize(("engine", "qty"), [(200, 200), (10, 10), (4, 10)])
def test_at_least_n_drafts_the_engines_quantity_or_n(
    text: str, engine: int, qty: int, resolver: Resolver
) -> None:
    calls, answer = _run(text, resolver, engine)
    assert _drafted(calls) == [qty], (text, calls)
    assert answer.startswith(f"Quantity {qty}:")


@pytest.mark.parametrize("text", UPPER)
@pytest.mark.parametrize(("engine", "qty"), [(200, 50), (30, 30)])
def test_no_more_than_n_caps_the_engines_quantity(
    text: str, engine: int, qty: int, resolver: Resolver
) -> None:
    calls, answer = _run(text, resolver, engine)
    assert _drafted(calls) == [qty], (text, calls)
    assert answer.startswith(f"Quantity {qty}:")
    assert ("capped at 50" if engine > 50 else "drafted as is") in answer


@pytest.mark.parametrize("text", UPPER[:2])
def test_no_more_than_n_with_nothing_to_order_drafts_nothing(text: str, resolver: Resolver) -> None:
    calls, answer = _run(text, resolver, 0)
    assert _drafted(calls) == []
    assert answer.startswith("I have not drafted anything: the planning engine's quantity")


@pytest.mark.parametrize(
    "text",
    ["transfer 10 of SKU-0016 from DC-NORTH to S002", "S002 needs 10 SKU-0016 from DC-NORTH"],
)
def test_a_plain_quantity_is_drafted_as_said(text: str, resolver: Resolver) -> None:
    calls, _ = _run(text, resolver, 200)
    assert [name for name, _ in calls] == ["draft_transfer"] and _drafted(calls) == [10]


def _run_lines(
    text: str, resolver: Resolver, engine: dict[str, int]
) -> tuple[list[tuple[str, Any]], str]:
    """Run a request against an engine whose order line differs by place."""
    intent, req = parse(text, (), resolver)
    results: list[Result] = []
    calls: list[tuple[str, Any]] = []
    for _ in range(6):
        step = intent.handler(req, results)
        if isinstance(step, str):
            return calls, step
        for call in step:
            calls.append((call.name, call.args))
            if call.name == "get_routine_orders":
                loc = call.args["location"]
                data: Any = {"items": [{"sku": call.args["sku"], "location": loc,
                                        "qty": engine[loc]}]}  # fmt: skip
            else:
                data = {"proposal_id": "PR-1", "status": "pending_approval", "args": call.args}
            results.append(Result(call.name, call.args, json.dumps(data), data))
    raise AssertionError(f"no answer for {text!r}: {calls}")


@pytest.mark.parametrize(
    "text",
    [
        "transfer at least 10 SKU-0016 from DC-NORTH to S001 and 10 to S002",
        "send at least 10 of SKU-0016 from DC-NORTH to S001 and 10 to S002",
    ],
)
def test_each_draft_of_a_bounded_fan_out_gets_its_own_places_line(
    text: str, resolver: Resolver
) -> None:
    calls, answer = _run_lines(text, resolver, {"S001": 28, "S002": 200})
    looked = sorted(a["location"] for n, a in calls if n == "get_routine_orders")
    assert looked == ["S001", "S002"], calls
    qty = {a["to_location"]: a["qty"] for n, a in calls if n == "draft_transfer"}
    assert qty == {"S001": 28, "S002": 200}, calls
    assert "at S001 is 28" in answer and "at S002 is 200" in answer


@pytest.mark.parametrize("text", ["transfer less than 0 of SKU-0016 from DC-NORTH to S002",
                                  "send S002 under 0 SKU-0016 from DC-NORTH"])  # fmt: skip
def test_a_ceiling_of_nothing_drafts_nothing(text: str, resolver: Resolver) -> None:
    calls, answer = _run(text, resolver, 200)
    assert _drafted(calls) == [] and answer.startswith("I have not drafted anything")
    assert "-1" not in answer
