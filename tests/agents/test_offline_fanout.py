"""One look-up asked for a list of places, items or suppliers: made for each of them."""

from __future__ import annotations

import json

from agents.offline.fanout import listed_ids
from agents.offline.intents import parse
from agents.offline.messages import Result
from tests.agents.conftest import turn
from tools.resolve import Resolver


def test_a_list_of_one_kind_is_read_in_order() -> None:
    ids = ["S004", "DC-SOUTH", "S001"]
    assert listed_ids("stock at DC-SOUTH, S004 & S001?", ids) == ["DC-SOUTH", "S004", "S001"]
    assert listed_ids("move from DC-SOUTH to S004", ids[:2]) == []
    assert listed_ids("at S004", ids[:1]) == []


def test_a_look_up_is_made_for_each_place_of_a_list(resolver: Resolver) -> None:
    intent, req = parse("how many SKU-0007 do we hold at S002 and S003?", [], resolver)
    step = intent.handler(req, [])
    assert not isinstance(step, str)
    assert [(c.name, c.args.get("location")) for c in step] == [
        ("get_inventory", "S002"),
        ("get_inventory", "S003"),
    ]
    results = [
        Result(c.name, c.args, json.dumps(data), data)
        for c, data in zip(step, ({"error": "first"}, {"error": "second"}), strict=True)
    ]
    answer = intent.handler(req, results)
    assert isinstance(answer, str)
    assert answer.index("first") < answer.index("second")


def test_a_follow_up_naming_two_places_repeats_the_request_for_each(resolver: Resolver) -> None:
    earlier = turn(
        "units of the dog food at the north dc?",
        "get_inventory",
        {"sku": "SKU-0003", "location": "DC-NORTH"},
        {"items": []},
    )
    intent, req = parse("ok and union plus kingston?", earlier, resolver)
    step = intent.handler(req, [])
    assert not isinstance(step, str)
    assert [c.args for c in step] == [
        {"sku": "SKU-0003", "location": "S003"},
        {"sku": "SKU-0003", "location": "S004"},
    ]


def test_two_places_of_a_transfer_are_not_a_list(resolver: Resolver) -> None:
    intent, req = parse("move 5 SKU-0003 from S001 to S002", [], resolver)
    step = intent.handler(req, [])
    assert not isinstance(step, str)
    assert len(step) == 1


def test_a_list_past_the_limit_says_what_was_not_looked_up(three_dc_resolver: Resolver) -> None:
    intent, req = parse(
        "how many SKU-0007 do we hold at S001, S002, S003, S004, S005 and S006?",
        [],
        three_dc_resolver,
    )
    step = intent.handler(req, [])
    assert not isinstance(step, str)
    assert [c.args.get("location") for c in step] == ["S001", "S002", "S003", "S004"]
    results = [Result(c.name, c.args, json.dumps({"error": "x"}), {"error": "x"}) for c in step]
    answer = intent.handler(req, results)
    assert isinstance(answer, str)
    assert "first 4" in answer and "2 left" in answer and "S005, S006" in answer
