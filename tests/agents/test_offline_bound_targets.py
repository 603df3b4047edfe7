"""A need said with a bound and no source, "no less than N", and a level to top up to.

"S002 needs at least 10 of X" drafts from the place's own lane (the engine's quantity decided
within the bound, `bounds`); "S002 needs no less than 10 of X from DC-NORTH" is a floor, not a
negation. "Top S003 up to 40" is a target position of 40, not a cap: the draft is 40 less what
is on hand and on order there (get_inventory), nothing when that is 40 or more. Checked with
need verbs, bound words, item and place forms of our own, and a typo.
"""

from __future__ import annotations

import itertools
import json
from typing import Any

import pytest

from agents.offline import parse
from agents.offline.bounds import TARGET, bound_of
from agents.offline.messages import Result
from tools.resolve import Resolver

ITEMS = ("SKU-0016", "sku 16", "premium dog food")
FLOORS = ("at least", "no less than", "not less than", "a minimum of")
NEEDS = ("{dst} needs {b} 10 of {item}", "{dst} needs {b} 10 {item}{src}",
         "{dst} wants {b} 10 of {item}{src}", "{dst} requires {b} 10 units of {item}")  # fmt: skip
SOURCES = ("", " from DC-NORTH", " out of the north DC")
FLOOR_CASES = [
    t.format(dst=d, b=b, item=i, src=s)
    for t, d, b, i, s in itertools.product(NEEDS, ("S002", "store 2"), FLOORS, ITEMS, SOURCES)
    if "{src}" in t or not s
] + ["S002 neeeds at least 10 of SKU-0016"]


def _run(
    text: str, resolver: Resolver, engine: int = 0, position: float = 0
) -> tuple[list[tuple[str, Any]], str]:
    intent, req = parse(text, (), resolver)
    results: list[Result] = []
    calls: list[tuple[str, Any]] = []
    for _ in range(6):
        step = intent.handler(req, results)
        if isinstance(step, str):
            return calls, step
        for call in step:
            calls.append((call.name, call.args))
            data: Any
            if call.name == "get_routine_orders":
                items = [{"sku": call.args["sku"], "location": call.args["location"],
                          "qty": engine}] if engine else []  # fmt: skip
                data = {"items": items, "lines": len(items)}
            elif call.name == "get_inventory":
                data = [{"sku": call.args["sku"], "location": call.args["location"],
                         "on_hand": position - 5, "in_transit": 0, "on_order": 5,
                         "position": position}]  # fmt: skip
            elif call.name.startswith("draft_"):
                data = {"proposal_id": "PR-1", "status": "pending_approval", "args": call.args}
            else:
                data = {}
            results.append(Result(call.name, call.args, json.dumps(data), data))
    raise AssertionError(f"no answer for {text!r}: {calls}")


def _drafts(calls: list[tuple[str, Any]]) -> list[dict[str, Any]]:
    return [args for name, args in calls if name.startswith("draft_")]


@pytest.mark.parametrize("text", FLOOR_CASES)
@pytest.mark.parametrize(("engine", "qty"), [(0, 10), (25, 25)])
def test_a_floor_need_drafts_within_the_bound_from_the_lane(
    text: str, engine: int, qty: int, resolver: Resolver
) -> None:
    calls, answer = _run(text, resolver, engine=engine)
    drafts = _drafts(calls)
    assert [(d["to_location"], d["from_location"], d["qty"]) for d in drafts] == [
        ("S002", "DC-NORTH", qty)
    ], (text, calls, answer)


@pytest.mark.parametrize(
    "text",
    ["S002 doesn't need at least 10 of SKU-0016", "does S002 need at least 10 of SKU-0016?",
     "if S002 needs at least 10 of SKU-0016", "S002 might need at least 10 of SKU-0016"],
)  # fmt: skip
def test_a_floor_need_asked_about_or_hedged_drafts_nothing(text: str, resolver: Resolver) -> None:
    calls, _ = _run(text, resolver, engine=25)
    assert not _drafts(calls), text


TOPS = ("top {dst} up to {n} of {item}", "top up {dst} up to {n} {item}",
        "top {dst} up to {n} of {item} from DC-NORTH", "top {dst} up to {n} units of {item}")  # fmt: skip


@pytest.mark.parametrize(
    "text",
    [
        t.format(dst=d, n=40, item=i)
        for t, d, i in itertools.product(TOPS, ("S002", "store 2"), ITEMS)
    ],
)
def test_topping_up_to_a_level_drafts_the_level_less_the_position(
    text: str, resolver: Resolver
) -> None:
    bound = bound_of(text)
    assert bound is not None and bound.words == TARGET and bound.n == 40, text
    calls, answer = _run(text, resolver, engine=3, position=12)
    assert [d["qty"] for d in _drafts(calls)] == [28], (text, calls, answer)
    assert ("get_inventory", {"location": "S002", "sku": "SKU-0016"}) in calls
    assert "40 − 12 = 28" in answer
    calls, answer = _run(text, resolver, engine=3, position=45)
    assert not _drafts(calls) and "nothing to top up" in answer, answer
