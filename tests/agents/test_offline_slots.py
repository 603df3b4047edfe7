"""Follow-ups that re-run the thread's last request with one slot changed (`agents.offline.slots`).

On the seed-7 network with three DCs: after a turn that worked, the planner reuses its request
and changes one thing, said on a phone or in an e-mail:

- a location filter on the list just shown ("only the ones at Marion"), or that place's
  exceptions when asked what can be done ("for the Marion ones, anything I can action?");
- the remaining DCs ("and the other two?") after a look-up at one DC;
- a look-up's scope widened from an item to a category ("same thing across all of Personal
  Care", "same for the whole category");
- a transfer that failed its checks drafted from another source ("fine, out of DC-NORTH
  instead, same 40"), the quantity kept unless a new one is said;
- "the other stores" is a question naming them, not a guess; after "which DC do you mean?", the
  DC named in reply is the transfer's source.
"""

from __future__ import annotations

from typing import Any

import pytest
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage

from agents.offline import parse
from tests.agents.conftest import turn
from tools.resolve import Resolver

FIRST: dict[str, tuple[str, str, dict[str, Any], Any]] = {
    "supply": ("inbound at DC-SOUTH?", "get_open_supply", {"location": "DC-SOUTH"}, {"lines": []}),
    "store_supply": ("inbound at Union?", "get_open_supply", {"location": "S003"}, {"lines": []}),
    "failed_transfer": (
        "send 40 of SKU-0009 from DC-SOUTH to S001",
        "draft_transfer",
        {"sku": "SKU-0009", "from_location": "DC-SOUTH", "to_location": "S001", "qty": 40},
        {"status": "rejected", "error": "no transfer lane from DC-SOUTH to S001"},
    ),
    "what_if": (
        "what if SKU-0009 at S005 sells 30% over forecast?",
        "run_what_if",
        {"sku": "SKU-0009", "location": "S005", "demand_factor": 1.3},
        {"change": {}},
    ),
    "grocery": (
        "show me the Grocery exceptions",
        "list_exceptions",
        {"top": 10, "category": "Grocery"},
        {"items": [{"id": "stockout_risk:SKU-0003@S005"}, {"id": "overstock:SKU-0008@S003"}]},
    ),
    "sku_exceptions": (
        "anything flagged on SKU-0026?",
        "list_exceptions",
        {"top": 10, "sku": "SKU-0026"},
        {"items": []},
    ),
    "routine": (
        "what's on the order list for Sunrise?",
        "get_routine_orders",
        {"supplier_id": "SUP-04"},
        {"lines": []},
    ),
}


def earlier(key: str) -> list[BaseMessage]:
    request, tool, args, data = FIRST[key]
    return turn(request, tool, args, data, 1)


def calls(text: str, key: str, resolver: Resolver) -> list[tuple[str, dict[str, Any]]]:
    intent, req = parse(text, earlier(key), resolver, None)
    step = intent.handler(req, [])
    assert isinstance(step, list), step
    return [(c.name, c.args) for c in step]


@pytest.mark.parametrize(
    ("text", "places"),
    [
        ("only the ones at Marion", ["S005"]),
        ("just the Union ones", ["S003"]),
        ("which of those are at Kingston?", ["S004"]),
        ("filter to S003 pls", ["S003"]),
        ("Could you narrow that down to Union only?", ["S003"]),
        ("ok only marion and union", ["S005", "S003"]),
    ],
)
def test_a_place_filter_on_the_list_shown(
    text: str, places: list[str], three_dc_resolver: Resolver
) -> None:
    got = calls(text, "grocery", three_dc_resolver)
    assert got == [
        ("list_exceptions", {"top": 10, "category": "Grocery", "location": p}) for p in places
    ]


@pytest.mark.parametrize(
    "text",
    [
        "For the Marion ones, is there anything I can action?",
        "for the marion ones anything i can do about",
        "Marion ones - anything actionable?",
    ],
)
def test_what_can_be_done_at_a_place_is_its_exceptions(
    text: str, three_dc_resolver: Resolver
) -> None:
    got = calls(text, "grocery", three_dc_resolver)
    assert got == [("list_exceptions", {"category": "Grocery", "location": "S005"})]
    after_supply = calls(text, "store_supply", three_dc_resolver)
    assert after_supply == [("list_exceptions", {"location": "S005"})]


def test_a_place_filter_on_an_order_list(three_dc_resolver: Resolver) -> None:
    got = calls("just the ones for Kingston", "routine", three_dc_resolver)
    assert got == [("get_routine_orders", {"supplier_id": "SUP-04", "location": "S004"})]


@pytest.mark.parametrize(
    "text",
    [
        "what about the other two?",
        "and the other two DCs?",
        "Thanks - could you do the same for the other two warehouses?",
        "the remaining dcs pls",
    ],
)
def test_the_other_dcs(text: str, three_dc_resolver: Resolver) -> None:
    got = calls(text, "supply", three_dc_resolver)
    assert got == [
        ("get_open_supply", {"location": "DC-NORTH"}),
        ("get_open_supply", {"location": "DC-03"}),
    ]


def test_the_other_stores_are_asked_about(three_dc_resolver: Resolver) -> None:
    intent, req = parse("and the other stores?", earlier("store_supply"), three_dc_resolver)
    answer = intent.handler(req, [])
    assert isinstance(answer, str)
    for store in ("S001", "S002", "S004", "S005", "S006"):
        assert store in answer
    assert "S003**" not in answer


@pytest.mark.parametrize(
    "text",
    [
        "same thing across all of Personal Care",
        "do that for the whole Personal Care category",
        "what about all of personal care?",
        "same for the whole category",
        "Could you run the same scenario for the entire Personal Care range, please?",
    ],
)
def test_a_what_if_widened_to_a_category(text: str, three_dc_resolver: Resolver) -> None:
    got = calls(text, "what_if", three_dc_resolver)
    assert got == [("run_what_if", {"demand_factor": 1.3, "category": "Personal Care"})]


def test_an_item_list_widened_to_its_category(three_dc_resolver: Resolver) -> None:
    got = calls("same for the whole category", "sku_exceptions", three_dc_resolver)
    assert got == [("list_exceptions", {"top": 10, "category": "Personal Care"})]


@pytest.mark.parametrize(
    ("text", "source", "qty"),
    [
        ("fine, out of DC-NORTH instead, same 40", "DC-NORTH", 40),
        ("ok try DC-03 as the source", "DC-03", 40),
        ("Could you send it from the North DC instead? Same quantity.", "DC-NORTH", 40),
        ("use dc north then", "DC-NORTH", 40),
        ("same but from DC-NORTH", "DC-NORTH", 40),
        ("from dc 3 then, make it 30", "DC-03", 30),
    ],
)
def test_a_failed_transfer_from_another_source(
    text: str, source: str, qty: int, three_dc_resolver: Resolver
) -> None:
    got = calls(text, "failed_transfer", three_dc_resolver)
    assert got == [
        (
            "draft_transfer",
            {"sku": "SKU-0009", "from_location": source, "to_location": "S001", "qty": qty},
        )
    ]


def test_the_other_dc_among_three_is_asked(three_dc_resolver: Resolver) -> None:
    intent, req = parse(
        "from the other DC then, same qty", earlier("failed_transfer"), three_dc_resolver
    )
    answer = intent.handler(req, [])
    assert isinstance(answer, str) and "DC-NORTH" in answer and "DC-03" in answer


@pytest.mark.parametrize(
    ("key", "text"),
    [
        ("grocery", "only the ones at Marion with a promo"),  # says more than a place
        ("what_if", "same for Personal Care but 50% over"),  # a new scenario too
        ("supply", "what's the stock at DC-NORTH?"),  # its own look-up
        ("failed_transfer", "what's the stock at DC-NORTH?"),
    ],
)
def test_more_than_a_slot_is_not_read_as_one(
    key: str, text: str, three_dc_resolver: Resolver
) -> None:
    intent, _ = parse(text, earlier(key), three_dc_resolver, None)
    assert intent.name != "follow_up_reask"


@pytest.mark.parametrize(("reply", "source"), [("DC-NORTH", "DC-NORTH"), ("dc 3 pls", "DC-03")])
def test_the_dc_named_in_reply_to_which_dc_is_the_source(
    reply: str, source: str, three_dc_resolver: Resolver
) -> None:
    asked = "from the other DC then, same qty"
    thread = earlier("failed_transfer")
    intent, req = parse(asked, thread, three_dc_resolver)
    question = intent.handler(req, [])
    assert isinstance(question, str)
    thread += [HumanMessage(asked), AIMessage(question)]
    intent, req = parse(reply, thread, three_dc_resolver)
    step = intent.handler(req, [])
    assert isinstance(step, list), step
    assert [(c.name, c.args["from_location"], c.args["qty"]) for c in step] == [
        ("draft_transfer", source, 40)
    ]
