"""The offline model answers single-turn read questions with the right look-up and scope.

Each class of question (totals by a group, counts of a priority, two places compared, lists
named in everyday words, open supply, what to buy, lanes, a region) is checked with several
phrasings of our own, read with the demo network's resolver; the first step of the intent's
handler is the tool call the model would make, and answers lead with what was asked.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest

from agents.offline import parse
from agents.offline.messages import Call, Result
from erp.demo import generate_demo
from tools.resolve import Resolver

AS_OF = date(2026, 6, 30)


@pytest.fixture(scope="module")
def resolver() -> Resolver:
    demo = generate_demo(seed=7, stores=4, skus=30, days=120, as_of=AS_OF)
    return Resolver.from_network(demo.data)


def first_call(text: str, resolver: Resolver) -> Call:
    """Return the first tool call the model makes for a request (fails on an answer)."""
    intent, req = parse(text, [], resolver, as_of=AS_OF)
    step = intent.handler(req, [])
    assert isinstance(step, list) and step, (intent.name, step)
    return step[0]


def answer(text: str, resolver: Resolver, data: Any) -> str:
    """Return the model's answer to a request once its first call returned `data`."""
    intent, req = parse(text, [], resolver, as_of=AS_OF)
    call = first_call(text, resolver)
    out = intent.handler(req, [Result(call.name, call.args, json.dumps(data), data)])
    assert isinstance(out, str)
    return out


@pytest.mark.parametrize(
    "text",
    [
        "which one site, store or DC, carries the most money at risk?",
        "what single store has the largest amount at risk right now",
        "which location is sitting on the most exposure today",
    ],
)
def test_which_place_has_the_most_at_risk_totals_by_location(text: str, resolver: Resolver) -> None:
    call = first_call(text, resolver)
    assert call.name == "summarize_exceptions"
    assert call.args["by"] == "location"


@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("how many priority 2s are open and what's the value?", 2),
        ("count the priority one exceptions", 1),
        ("how many top-priority issues do we have", 1),
        ("number of P3s?", 3),
    ],
)
def test_a_count_of_one_priority_is_a_total_of_that_priority(
    text: str, level: int, resolver: Resolver
) -> None:
    call = first_call(text, resolver)
    assert call.name == "summarize_exceptions"
    assert call.args.get("priority") == level


@pytest.mark.parametrize(
    "text",
    [
        "what category has the most $ at risk",
        "which category carries the biggest $ exposure",
        "exposure split by category please",
        "money at risk per category thx",
    ],
)
def test_words_after_category_are_not_read_as_a_category(text: str, resolver: Resolver) -> None:
    call = first_call(text, resolver)
    assert call.name == "summarize_exceptions"
    assert call.args["by"] == "category"
    assert "category" not in call.args


@pytest.mark.parametrize(
    "text",
    [
        "Riverside vs Union: where is more money at risk?",
        "compare money at risk at S001 and S003",
        "which has more at risk, Kingston or Monroe?",
    ],
)
def test_two_places_compared_on_money_at_risk(text: str, resolver: Resolver) -> None:
    call = first_call(text, resolver)
    assert call.name == "summarize_exceptions"
    assert call.args["by"] == "location" and "location" not in call.args


def test_the_comparison_leads_with_the_place_that_has_more(resolver: Resolver) -> None:
    data = {
        "by": "location",
        "count": 5,
        "total_money_at_risk": 900.0,
        "groups": [
            {"key": "S002", "count": 3, "money_at_risk": 500.0},
            {"key": "S003", "count": 1, "money_at_risk": 250.5},
            {"key": "S001", "count": 1, "money_at_risk": 149.5},
        ],
    }
    text = answer("Riverside vs Union: where is more money at risk?", resolver, data)
    assert text.startswith("**S003 has more money at risk: 250.50")
    assert "149.50 at S001" in text
    assert "S002" not in text  # only the places asked about
    # a place with no exception says so, with no invented figure
    text = answer("S004 vs S001 - which has more at risk?", resolver, data)
    assert text.startswith("**S001 has more money at risk")
    assert "nothing at S004 (no exception)" in text


@pytest.mark.parametrize(
    "text",
    [
        "what's tripping us up at Kingston?",
        "anything flagged in S2?",
        "what's catching us out at Union these days",
        "flags at Riverside",
    ],
)
def test_everyday_words_for_problems_list_a_places_exceptions(
    text: str, resolver: Resolver
) -> None:
    call = first_call(text, resolver)
    assert call.name == "list_exceptions"
    assert call.args.get("location") in {"S001", "S002", "S003", "S004"}


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("biggest OOS risks today?", "stockout_risk"),
        ("what's going to run dry at Monroe", "stockout_risk"),
        ("which items are about to run out at S004?", "stockout_risk"),
        ("where do we have too much stock?", "overstock"),
        ("where are we holding too much inventory, largest first", "overstock"),
        ("which stores carry more stock than they need", "overstock"),
    ],
)
def test_exception_types_in_everyday_words(text: str, kind: str, resolver: Resolver) -> None:
    call = first_call(text, resolver)
    assert call.name == "list_exceptions"
    assert call.args.get("type") == kind


@pytest.mark.parametrize(
    ("text", "args"),
    [
        ("anything on the road to Kingston?", {"location": "S004"}),
        ("what's heading to Union this week", {"location": "S003", "within_days": 7}),
        ("how many deliveries arrive in the next 5 days?", {"within_days": 5}),
        ("what lands across the network in the next 3 days", {"within_days": 3}),
        ("count of supply lines due within 10 days", {"within_days": 10}),
    ],
)
def test_open_supply_in_everyday_words(text: str, args: dict[str, Any], resolver: Resolver) -> None:
    call = first_call(text, resolver)
    assert call.name == "get_open_supply"
    assert call.args == args


@pytest.mark.parametrize(
    "text",
    [
        "Acme: anything due for reorder from them?",
        "SUP-06 - anything we ought to be ordering with them now?",
        "Northwind, what do we need to buy from them this week",
    ],
)
def test_what_to_buy_from_a_supplier_named_first(text: str, resolver: Resolver) -> None:
    call = first_call(text, resolver)
    assert call.name == "get_supplier_overview"
    assert call.args["supplier_id"] in {"SUP-01", "SUP-06", "SUP-02"}


@pytest.mark.parametrize(
    "text",
    [
        "what does Kingston need to be topped up with?",
        "which lines does Union need replenishing",
        "what needs restocking at S002?",
    ],
)
def test_what_a_place_needs_replenished_is_its_order_list(text: str, resolver: Resolver) -> None:
    call = first_call(text, resolver)
    assert call.name == "get_routine_orders"
    assert call.args.get("location") in {"S002", "S003", "S004"}


@pytest.mark.parametrize(
    ("text", "args"),
    [
        ("who replenishes store 4?", {"to_location": "S004"}),
        ("wich dc supplys Union", {"to_location": "S003"}),
        ("who restocks Riverside and how long does it take", {"to_location": "S001"}),
        ("lead time DC-NORTH -> S002?", {"from_location": "DC-NORTH", "to_location": "S002"}),
        (
            "transit time from south DC to Kingston",
            {"from_location": "DC-SOUTH", "to_location": "S004"},
        ),
    ],
)
def test_who_feeds_a_place_and_how_long_is_a_lane(
    text: str, args: dict[str, Any], resolver: Resolver
) -> None:
    call = first_call(text, resolver)
    assert call.name == "get_lanes"
    assert call.args == args


@pytest.mark.parametrize(
    "text",
    [
        "SKU-0007: north DC or south DC, which holds more?",
        "is there more SKU-0007 at DC-NORTH or DC-SOUTH",
        "SKU-0007 at Riverside vs Union - who has more?",
    ],
)
def test_two_places_compared_on_a_skus_stock(text: str, resolver: Resolver) -> None:
    call = first_call(text, resolver)
    assert call.name == "get_network_position"
    assert call.args == {"sku": "SKU-0007"}


def test_the_stock_comparison_leads_with_the_place_that_holds_more(resolver: Resolver) -> None:
    row = {"in_transit": 0.0, "on_order": 0.0, "days_of_cover": 12.0}
    data = {
        "sku": "SKU-0007",
        "locations": [
            {"location_id": "S001", "location_type": "store", "on_hand": 900.0, **row},
            {"location_id": "DC-SOUTH", "location_type": "dc", "on_hand": 300.0, **row},
            {"location_id": "DC-NORTH", "location_type": "dc", "on_hand": 120.0, **row},
        ],
    }
    text = answer("is there more SKU-0007 at DC-NORTH or DC-SOUTH", resolver, data)
    assert text.startswith("**DC-SOUTH holds more SKU-0007: 300 on hand vs 120 at DC-NORTH**")
    assert "S001" not in text


@pytest.mark.parametrize(
    "text",
    [
        "how's the north region looking?",
        "region north: how are we doing",
        "exposure in region south",
    ],
)
def test_a_region_is_the_stores_its_dc_feeds(text: str, resolver: Resolver) -> None:
    call = first_call(text, resolver)
    assert call.name in {"list_exceptions", "summarize_exceptions"}
    assert call.args.get("served_by") in {"DC-NORTH", "DC-SOUTH"}
    assert "location" not in call.args


def test_a_numbered_region_is_its_numbered_dc() -> None:
    demo = generate_demo(seed=7, stores=6, skus=20, days=120, dcs=3, as_of=AS_OF)
    numbered = Resolver.from_network(demo.data)
    dcs = [e.id for e in numbered.entities["location"].values() if e.group == "dc"]
    third = next(d for d in dcs if d[-1].isdigit())
    n = int(third.rsplit("-", 1)[-1])
    for text in (f"how's region {n} looking?", f"region 0{n}: how many exceptions?"):
        call = first_call(text, numbered)
        assert call.args.get("served_by") == third, text


@pytest.mark.parametrize(
    "text", ["which DC supplies S003", "who serves S001?", "which warehouse feeds S002"]
)
def test_a_store_id_is_never_read_as_a_sku(text: str, resolver: Resolver) -> None:
    call = first_call(text, resolver)
    assert call.name == "get_lanes"
    assert "sku" not in call.args


@pytest.mark.parametrize(
    "text",
    [
        "who's the main vendor for SKU-0003 and what's the min order?",
        "min order on SKU-0006 from Voltix?",
        "usual supplier of SKU-0002, and the case pack",
    ],
)
def test_item_terms_in_everyday_words(text: str, resolver: Resolver) -> None:
    call = first_call(text, resolver)
    assert call.name == "get_item"


@pytest.mark.parametrize(
    "text",
    [
        "what's the WAPE on SKU-0007 at S001",
        "how accurate is the forecast for SKU-0007 at Riverside?",
        "MASE for SKU-0007 in S001?",
    ],
)
def test_the_forecasts_accuracy_is_a_forecast_look_up(text: str, resolver: Resolver) -> None:
    call = first_call(text, resolver)
    assert call.name == "get_forecast"
    assert call.args["sku"] == "SKU-0007" and call.args["location"] == "S001"


@pytest.mark.parametrize(
    "text",
    [
        "give me a summary of the Pet category",
        "rundown of the garden department please",
        "overview for the Toys category",
    ],
)
def test_a_category_summary_is_its_totals(text: str, resolver: Resolver) -> None:
    call = first_call(text, resolver)
    assert call.name == "summarize_exceptions"
    assert call.args.get("category") in {"Pet", "Garden", "Toys"}


@pytest.mark.parametrize(
    ("text", "top", "offset"),
    [("exceptions 11 to 20", 10, 10), ("show issues 21-25", 5, 20), ("alerts 1 to 15", 15, None)],
)
def test_a_span_of_the_ranking_is_that_page(
    text: str, top: int, offset: int | None, resolver: Resolver
) -> None:
    call = first_call(text, resolver)
    assert call.name == "list_exceptions"
    assert call.args["top"] == top and call.args.get("offset") == offset


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("what's sitting in excess at the DCs", "overstock"),
        ("any surplus at Union?", "overstock"),
        ("where did the forecast overshoot", "forecast_bias"),
        ("which forecasts undershot this month", "forecast_bias"),
    ],
)
def test_more_exception_types_in_everyday_words(text: str, kind: str, resolver: Resolver) -> None:
    call = first_call(text, resolver)
    assert call.name == "list_exceptions"
    assert call.args.get("type") == kind


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("stockouts by store", "stockout_risk"),
        ("overstocks per location?", "overstock"),
        ("late POs by site", "late_po"),
    ],
)
def test_one_type_split_by_place_is_a_total(text: str, kind: str, resolver: Resolver) -> None:
    call = first_call(text, resolver)
    assert call.name == "summarize_exceptions"
    assert call.args["by"] == "location" and call.args.get("type") == kind


@pytest.mark.parametrize(
    ("text", "tool"),
    [
        ("what do we source from Acme", "get_supplier_overview"),
        ("which items come from Voltix?", "get_supplier_overview"),
        ("which products do we buy from SUP-02", "get_supplier_overview"),
        ("what's Voltix sending us and when", "get_open_supply"),
        ("is Acme shipping us anything this week?", "get_open_supply"),
    ],
)
def test_a_suppliers_range_and_what_it_is_sending(text: str, tool: str, resolver: Resolver) -> None:
    call = first_call(text, resolver)
    assert call.name == tool
    assert call.args.get("supplier_id") in {"SUP-01", "SUP-02", "SUP-06"}


@pytest.mark.parametrize(
    "text",
    ["SKU-0007 cover by location", "stock of SKU-0007 per site", "SKU-0007 on hand at each store"],
)
def test_a_skus_cover_by_location_is_the_network_view(text: str, resolver: Resolver) -> None:
    call = first_call(text, resolver)
    assert call.name == "get_network_position"
