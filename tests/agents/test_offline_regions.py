"""Two regions (the stores each DC feeds) compared on money at risk, each total from the tool.

A total that names two regions ("the north stores against the south ones") asks each region's
own total: one `summarize_exceptions` per DC's stores, and the answer leads with the region
that has more at risk, both figures as the tool gave them.
"""

from __future__ import annotations

import json
from datetime import date

from agents.offline import parse
from agents.offline.messages import Call, Result
from tools.resolve import Resolver

AS_OF = date(2026, 6, 30)


def total(dc: str, money: float, count: int) -> Result:
    args = {"by": "type", "served_by": dc}
    data = {"count": count, "total_money_at_risk": money, "groups": []}
    return Result("summarize_exceptions", args, json.dumps(data), data)


def test_two_regions_are_each_totalled_and_compared(resolver: Resolver) -> None:
    intent, req = parse(
        "stores under the north DC against the south stores: which has more money at risk?",
        (),
        resolver,
        as_of=AS_OF,
    )
    step = intent.handler(req, [])
    assert step == [
        Call("summarize_exceptions", {"by": "type", "served_by": "DC-NORTH"}),
        Call("summarize_exceptions", {"by": "type", "served_by": "DC-SOUTH"}),
    ]
    answer = intent.handler(req, [total("DC-NORTH", 812.5, 4), total("DC-SOUTH", 1940.25, 9)])
    assert isinstance(answer, str)
    assert answer.startswith("**DC-SOUTH's stores have more money at risk: 1,940.25")
    assert "812.50" in answer


def test_one_region_is_still_one_total(resolver: Resolver) -> None:
    intent, req = parse("total at risk at the south stores?", (), resolver, as_of=AS_OF)
    step = intent.handler(req, [])
    assert isinstance(step, list) and len(step) == 1
    assert step[0].args.get("served_by") == "DC-SOUTH"


def test_every_region_named_is_totalled(three_dc_resolver: Resolver) -> None:
    intent, req = parse(
        "north stores vs south stores vs region 3 stores: where is more at risk?",
        (),
        three_dc_resolver,
        as_of=AS_OF,
    )
    step = intent.handler(req, [])
    assert step == [
        Call("summarize_exceptions", {"by": "type", "served_by": dc})
        for dc in ("DC-NORTH", "DC-SOUTH", "DC-03")
    ]
    results = [total("DC-NORTH", 812.5, 4), total("DC-SOUTH", 1940.25, 9), total("DC-03", 99.0, 1)]
    answer = intent.handler(req, results)
    assert isinstance(answer, str)
    assert answer.startswith("**DC-SOUTH's stores have the most money at risk: 1,940.25")
    assert "812.50" in answer and "99.00" in answer


def test_a_missing_total_is_said_missing_not_read_as_zero(resolver: Resolver) -> None:
    intent, req = parse(
        "north stores against south stores: which has more at risk?", (), resolver, as_of=AS_OF
    )
    gap = {"count": 3, "groups": []}
    results = [
        total("DC-NORTH", 812.5, 4),
        Result("summarize_exceptions", {"by": "type", "served_by": "DC-SOUTH"}, "{}", gap),
    ]
    answer = intent.handler(req, results)
    assert isinstance(answer, str)
    assert "more money at risk" not in answer
    assert "0.00" not in answer
    assert "DC-SOUTH" in answer and "missing" in answer
