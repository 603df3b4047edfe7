"""Supply and buying questions read by what they ask and the kinds of thing they name.

What to buy from one supplier is its order-now list, or the plan's order list for it at one
place; what is already on its way is the open supply in the scope named (with its window),
or the places' open supply compared; a movement's ends are read by their words.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest

from agents.offline import parse, sourcing, supply
from agents.offline.messages import Call, Request, Result
from agents.offline.parsing import window_days
from tools.resolve import Resolver

AS_OF = date(2026, 6, 30)


def calls(text: str, resolver: Resolver) -> list[Call]:
    intent, req = parse(text, (), resolver, as_of=AS_OF)
    step = intent.handler(req, [])
    assert isinstance(step, list), (intent.name, step)
    return step


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("wat do we need from northwind this wk", {"supplier_id": "SUP-02"}),
        ("greenthumb - do we have to place something with them today?", {"supplier_id": "SUP-08"}),
    ],
)
def test_buying_from_one_supplier_is_its_order_now_list(
    text: str, want: dict[str, Any], three_dc_resolver: Resolver
) -> None:
    assert calls(text, three_dc_resolver) == [Call("get_supplier_overview", want)]


@pytest.mark.parametrize(
    ("text", "supplier", "place"),
    [
        ("what should we order from Acme Foods for the north DC?", "SUP-01", "DC-NORTH"),
        ("buy list for the south warehouse from Northwind", "SUP-02", "DC-SOUTH"),
    ],
)
def test_buying_from_a_supplier_for_one_place_is_the_order_list_there(
    text: str, supplier: str, place: str, three_dc_resolver: Resolver
) -> None:
    step = calls(text, three_dc_resolver)
    assert [(c.name, c.args) for c in step] == [
        ("get_routine_orders", {"location": place, "supplier_id": supplier})
    ]


@pytest.mark.parametrize(
    ("text", "want"),
    [
        (
            "Good morning,\nCould you let me know which purchase orders are still owed to the "
            "Region 03 warehouse before the 10th?\nBest regards,\nMarta",
            {"location": "DC-03", "within_days": 10},
        ),
        ("what has Voltix got on the water for us", {"supplier_id": "SUP-06"}),
        ("whats still owed by metro", {"supplier_id": "SUP-10"}),
    ],
)
def test_supply_already_ordered_is_the_open_supply(
    text: str, want: dict[str, Any], three_dc_resolver: Resolver
) -> None:
    assert calls(text, three_dc_resolver) == [Call("get_open_supply", want)]


def test_which_dc_has_the_most_on_order_compares_every_dc(three_dc_resolver: Resolver) -> None:
    step = calls("which DC has the most on order?", three_dc_resolver)
    assert [c.args for c in step] == [
        {"location": "DC-NORTH"},
        {"location": "DC-SOUTH"},
        {"location": "DC-03"},
    ]


def test_compared_supply_leads_with_the_place_of_most_units(three_dc_resolver: Resolver) -> None:
    req = Request(
        text="which DC has the most inbound?",
        fields={},
        found={"sku": [], "location": [], "supplier": []},
        resolver=three_dc_resolver,
    )

    def result(place: str, units: int) -> Result:
        data = {"total_units": units, "total_lines": 2, "filters": {"location": place}}
        return Result("get_open_supply", {"location": place}, json.dumps(data), data)

    text = supply.compared(req, [result("DC-NORTH", 10), result("DC-03", 40)])
    assert isinstance(text, str)
    assert text.startswith("**DC-03 has the most inbound: 40 units**")
    assert "DC-NORTH: 10 units" in text


def test_a_movements_ends_are_read_by_their_words(three_dc_resolver: Resolver) -> None:
    assert sourcing.ends("transfer some stuff to S003 from DC-NORTH", ["S003", "DC-NORTH"]) == (
        "DC-NORTH",
        "S003",
    )
    assert sourcing.ends("lane S001 S003", ["S001", "S003"]) == ("S001", "S003")
    step = calls("transfer some stuff to S003 from DC-NORTH", three_dc_resolver)
    assert step == [Call("get_lanes", {"from_location": "DC-NORTH", "to_location": "S003"})]


@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("before the 20th", 5),
        ("by the 1st of March", 14),
        ("until Feb 20", 5),
        ("due by 2027-02-18", 3),
        ("before 20 units", None),
    ],
)
def test_a_window_can_end_on_a_date(text: str, days: int | None) -> None:
    assert window_days(text, date(2027, 2, 15)) == days


@pytest.mark.parametrize(
    "text",
    [
        "how bad is the delivery record of SUP-05",
        "when is SKU-0001 due to run out at S003?",
        "forecast for SKU-0001 at S003 over the coming week",
    ],
)
def test_other_questions_with_arrival_words_are_not_supply(text: str) -> None:
    assert not supply.asks_open(text)
