"""A shared item name is narrowed by the place's exceptions when the request is about trouble.

"the dog food promo at Monroe" when two items are "dog food": the exceptions at Monroe are
looked up first, and the one candidate flagged there (of the type the request names, when
several are) is taken, said in the answer; none flagged: the ones stocked there; none or
several left: the planner is asked. A plain look-up of a shared name at a place ("how much
peanut butter at Kingston") keeps the ones stocked there, and is asked when several are.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, ToolMessage

from agents.offline import parse
from agents.offline.messages import Result
from tools.resolve import Resolver


def _listed(location: str, *ids: str) -> Result:
    items = [
        {"id": i, "type": i.partition(":")[0], "sku": i.partition(":")[2].partition("@")[0]}
        for i in ids
    ]
    data = {"total": len(items), "items": items}
    args: dict[str, Any] = {"location": location, "top": 100, "compact": True}
    return Result("list_exceptions", args, json.dumps(data), data)


@pytest.mark.parametrize(
    ("text", "place"),
    [
        ("is the dog food promo at Monroe covered?", "S002"),
        ("dog food promo gap in store 2 - what's the fix", "S002"),
        ("Monroe: premium or family size? whichever dog food is short, sort it", "S002"),
    ],
)
def test_a_shared_name_in_trouble_looks_at_the_place_first(
    text: str, place: str, resolver: Resolver
) -> None:
    intent, req = parse(text, (), resolver, None)
    assert intent.name == "narrow"
    step = intent.handler(req, [])
    assert isinstance(step, list)
    assert [(c.name, c.args["location"]) for c in step] == [("list_exceptions", place)]


def test_the_one_flagged_candidate_is_taken_and_said(resolver: Resolver) -> None:
    text = "whats wrong with the usb-c cable at union"
    intent, req = parse(text, (), resolver, None)
    looked = _listed("S003", "forecast_bias:SKU-0006@S003", "overstock:SKU-0023@S003")
    step = intent.handler(req, [looked])
    assert isinstance(step, list) and all(c.args.get("sku") == "SKU-0006" for c in step), step
    # the answer names the item taken and why
    found = Result(step[0].name, step[0].args, '{"total": 0, "items": []}', {"total": 0})
    answer = intent.handler(req, [looked, found])
    assert isinstance(answer, str)
    assert "SKU-0006 (Eco USB-C Cable), the one of that name flagged at S003" in answer


def test_the_type_the_request_names_decides_between_flagged_ones(resolver: Resolver) -> None:
    intent, req = parse("the dog food promo at monroe - covered?", (), resolver, None)
    looked = _listed("S002", "promo_uncovered:SKU-0016@S002", "forecast_bias:SKU-0003@S002")
    step = intent.handler(req, [looked])
    assert isinstance(step, list) and all(c.args.get("sku") == "SKU-0016" for c in step)


@pytest.mark.parametrize(
    ("flagged", "said"),
    [
        ((), "none of them is flagged at S004"),
        (
            ("stockout_risk:SKU-0003@S004", "overstock:SKU-0016@S004"),
            "these are flagged at S004",
        ),
    ],
)
def test_none_or_several_flagged_asks_which(
    flagged: tuple[str, ...], said: str, resolver: Resolver
) -> None:
    intent, req = parse("dog food issues at kingston?", (), resolver, None)
    looked = [_listed("S004", *flagged)]
    answer = intent.handler(req, looked)
    if not flagged:
        # none flagged at the place it names: the ones stocked there are looked up next
        assert isinstance(answer, list) and {c.name for c in answer} == {"get_inventory"}
        stock = [Result(c.name, c.args, "[]", [{"sku": c.args["sku"]}]) for c in answer]
        answer = intent.handler(req, looked + stock)
    assert isinstance(answer, str)
    assert said in answer and "SKU-0003" in answer and "SKU-0016" in answer


def test_the_threads_place_narrows_too(resolver: Resolver) -> None:
    earlier: tuple[BaseMessage, ...] = (
        HumanMessage("what's flagged at union?"),
        AIMessage(
            "",
            tool_calls=[{"name": "list_exceptions", "args": {"location": "S003"}, "id": "c1"}],
        ),
        ToolMessage('{"total": 0, "items": []}', tool_call_id="c1"),
    )
    intent, req = parse("and the usb c cable problem there?", earlier, resolver, None)
    assert intent.name == "narrow"
    step = intent.handler(req, [])
    assert isinstance(step, list) and step[0].args["location"] == "S003"


@pytest.mark.parametrize(
    "text", ["how much peanut butter at kingston?", "stock of the usb-c cable at union"]
)
def test_a_plain_look_up_of_a_shared_name_is_asked(text: str, resolver: Resolver) -> None:
    # the place it names is checked first: asked when every candidate is stocked there
    intent, req = parse(text, (), resolver, None)
    step = intent.handler(req, [])
    assert isinstance(step, list) and {c.name for c in step} == {"get_inventory"}
    stock = [Result(c.name, c.args, "[]", [{"sku": c.args["sku"]}]) for c in step]
    answer = intent.handler(req, stock)
    assert isinstance(answer, str) and answer.startswith("Which item do you mean")
    assert "stocked at" in answer


@pytest.mark.parametrize(
    ("text", "sku"),
    [
        ("peanut butter coming into the north DC? the classic one", "SKU-0002"),
        ("dog food in transit to Union - the premium kind", "SKU-0016"),
    ],
)
def test_another_word_of_the_request_picks_one_of_the_items_sharing_a_name(
    text: str, sku: str, resolver: Resolver
) -> None:
    _, req = parse(text, (), resolver, as_of=date(2026, 6, 30))
    assert req.found.get("sku") == [sku]


def test_a_word_several_of_them_share_picks_none(resolver: Resolver) -> None:
    intent, _ = parse(
        "plush bear stock at Union, the organic one", (), resolver, as_of=date(2026, 6, 30)
    )
    assert intent.name in ("ambiguous", "narrow")  # narrowed by stock at Union, not by words


@pytest.mark.parametrize(
    "text",
    [
        "plush bear stock value at kingston",
        "how much dog food at Union for the family weekend?",
        "peanut butter at Monroe - classic question, how many left?",
    ],
)
def test_a_word_that_does_not_qualify_the_shared_name_picks_none(
    text: str, resolver: Resolver
) -> None:
    intent, req = parse(text, (), resolver, as_of=date(2026, 6, 30))
    # not picked by the word; only the stock at the place may still narrow it
    assert intent.name in ("ambiguous", "narrow"), (intent.name, req.fields)
    assert not req.found.get("sku")


@pytest.mark.parametrize(
    "text",
    [
        "move 12 dog food from DC-NORTH to S002, the size is fine",
        "move 12 dog food from DC-NORTH to S002, the premium one",
        "send 5 peanut butter from DC-NORTH to Union - the classic kind",
    ],
)
def test_a_request_that_writes_asks_which_item_rather_than_narrowing(
    text: str, resolver: Resolver
) -> None:
    intent, req = parse(text, (), resolver, as_of=date(2026, 6, 30))
    # not picked by the word; only the stock at the place may still narrow it
    assert intent.name in ("ambiguous", "narrow"), (intent.name, req.fields)
    assert not req.found.get("sku")
    assert not intent.writes
