"""First-turn requests in a planner's everyday words: drafts, what-ifs, look-ups.

Each class is generated from several phrasings × entity forms (id, alias, store name, lowercase)
and read with the small demo network's resolver; the handler's first step is the tool call the
model would make, so a class that lands on the wrong intent or loses an entity fails here.
"""

from __future__ import annotations

import itertools

import pytest

from agents.offline import parse
from agents.offline.messages import Call
from tools.resolve import Resolver

STORES = {"S003": ("S003", "s003", "store 3", "Union", "union")}
"""A store said in each form the resolver reads."""
DCS = {"DC-SOUTH": ("DC-SOUTH", "dc-south", "the south DC", "DC south")}


def first_call(text: str, resolver: Resolver) -> tuple[str, Call]:
    intent, req = parse(text, (), resolver)
    step = intent.handler(req, [])
    assert isinstance(step, list) and step, (text, intent.name, step)
    assert isinstance(step[0], Call), (text, intent.name, step)
    return intent.name, step[0]


# -- a location's need, the quantity, and where it comes from --------------------------------

NEED_PHRASES = (
    "{dst} needs {sku} - 30 units out of {src} please",
    "{dst} could use 30 {sku} from {src}, set it up",
    "{dst} wants 30 x {sku} off {src}",
    "{dst} could do with 30 of {sku} from {src}",
    "{dst} is asking for 30 {sku} out of {src}",
)


@pytest.mark.parametrize(
    ("phrase", "dst", "src"),
    list(itertools.product(NEED_PHRASES, STORES["S003"], DCS["DC-SOUTH"][:2])),
)
def test_a_need_with_a_quantity_and_a_source_drafts_that_transfer(
    phrase: str, dst: str, src: str, resolver: Resolver
) -> None:
    text = phrase.format(dst=dst, src=src, sku="SKU-0012")
    _, call = first_call(text, resolver)
    assert call.name == "draft_transfer"
    assert call.args == {
        "sku": "SKU-0012",
        "from_location": "DC-SOUTH",
        "to_location": "S003",
        "qty": 30,
    }


@pytest.mark.parametrize("verb", ["draft", "prep", "set up", "book", "line up"])
@pytest.mark.parametrize("arrow", ["to", "->", "into"])
def test_a_drafting_verb_with_both_ends_but_no_from_is_a_transfer(
    verb: str, arrow: str, resolver: Resolver
) -> None:
    _, call = first_call(f"{verb} 45 of SKU-0012 DC-SOUTH {arrow} S004", resolver)
    assert call.name == "draft_transfer"
    assert (call.args["from_location"], call.args["to_location"], call.args["qty"]) == (
        "DC-SOUTH",
        "S004",
        45,
    )


@pytest.mark.parametrize(
    "phrase",
    [
        "Union's almost out of SKU-0012, put 60 on a truck from the south DC",
        "union is nearly dry on sku-0012: load 60 onto a truck from DC-SOUTH",
        "S003 running low on SKU-0012 - put 60 on the lorry from DC south",
    ],
)
def test_a_truck_named_as_the_vehicle_is_not_a_unit(phrase: str, resolver: Resolver) -> None:
    intent, call = first_call(phrase, resolver)
    assert intent != "unknown_unit"
    assert call.name == "draft_transfer"
    assert call.args["qty"] == 60 and call.args["to_location"] == "S003"


def test_a_count_of_trucks_still_asks_for_units(resolver: Resolver) -> None:
    intent, _ = parse("send 2 trucks of SKU-0012 from DC-SOUTH to S003", (), resolver)
    assert intent.name == "unknown_unit"


@pytest.mark.parametrize(
    "text",
    [
        "does Union need 30 of SKU-0012 from DC-SOUTH?",
        "union could use 30 SKU-0012 out of the south DC - would that be sensible?",
        "S003 wants 30 x SKU-0012 off DC-SOUTH, is it worth it?",
    ],
)
def test_a_need_said_as_a_question_does_not_draft(text: str, resolver: Resolver) -> None:
    intent, _ = parse(text, (), resolver)
    assert not intent.writes


# -- what-ifs: a delay with an object between, demand running hot or cold -------------------


@pytest.mark.parametrize(
    ("phrase", "days"),
    [
        ("if {sup} slips everything by 10 days, what breaks?", 10),
        ("what if {sup} delays all its orders by 2 weeks", 14),
        ("suppose {sup} pushes every open PO by 5 days", 5),
        ("if {sup} slipped its deliveries by 12 days what runs out", 12),
    ],
)
@pytest.mark.parametrize("sup", ["SUP-03", "sup-03", "Blue Ridge", "blue ridge"])
def test_a_delay_with_its_object_before_the_days_is_read(
    phrase: str, days: int, sup: str, resolver: Resolver
) -> None:
    _, call = first_call(phrase.format(sup=sup), resolver)
    assert call.name == "run_what_if"
    assert call.args["supplier_delay_days"] == days
    assert call.args["supplier_id"] == "SUP-03"


@pytest.mark.parametrize(
    ("words", "factor"),
    [
        ("runs 30% hot", 1.3),
        ("comes in 30% high", 1.3),
        ("runs 30% heavy", 1.3),
        ("runs 20% cold", 0.8),
        ("comes in 20% light", 0.8),
        ("runs 20% soft", 0.8),
    ],
)
@pytest.mark.parametrize("store", ["S003", "store 3", "union"])
def test_demand_running_hot_or_cold_is_its_factor(
    words: str, factor: float, store: str, resolver: Resolver
) -> None:
    _, call = first_call(f"what if demand for SKU-0012 at {store} {words}", resolver)
    assert call.name == "run_what_if"
    assert call.args["demand_factor"] == pytest.approx(factor)
    assert (call.args["sku"], call.args["location"]) == ("SKU-0012", "S003")


# -- look-ups: two places by money, the worst store, arrivals, type names, suppliers ---------


@pytest.mark.parametrize(
    "phrase",
    [
        "{a} or {b}, which store is in worse shape money-wise?",
        "{a} vs {b} - which has more money at risk",
        "{a} versus {b}: who's worse off on $ at risk?",
    ],
)
@pytest.mark.parametrize(
    ("a", "b"), [("S003", "S004"), ("Union", "Kingston"), ("union", "store 4")]
)
def test_two_places_weighed_by_money_compare_their_totals(
    phrase: str, a: str, b: str, resolver: Resolver
) -> None:
    intent, call = first_call(phrase.format(a=a, b=b), resolver)
    assert intent == "totals"
    assert call.name == "summarize_exceptions" and call.args["by"] == "location"


@pytest.mark.parametrize(
    ("phrase", "by"),
    [
        ("worst store by money at risk?", "location"),
        ("riskiest shop, money-wise?", "location"),
        ("biggest store by $ at risk", "location"),
        ("worst category by money at risk", "category"),
    ],
)
def test_the_worst_place_or_category_is_a_total_by_it(
    phrase: str, by: str, resolver: Resolver
) -> None:
    _, call = first_call(phrase, resolver)
    assert call.name == "summarize_exceptions" and call.args["by"] == by


@pytest.mark.parametrize("verb", ["landing", "arriving", "coming in"])
@pytest.mark.parametrize("place", ["DC-SOUTH", "dc south", "the south DC"])
def test_arrivals_within_days_are_open_supply(verb: str, place: str, resolver: Resolver) -> None:
    _, call = first_call(f"POs {verb} at {place} in the next 4 days?", resolver)
    assert call.name == "get_open_supply"
    assert call.args["location"] == "DC-SOUTH" and call.args["within_days"] == 4


@pytest.mark.parametrize(
    ("words", "kind"),
    [
        ("promo_uncovered", "promo_uncovered"),
        ("late_po", "late_po"),
        ("stockout_risk", "stockout_risk"),
        ("forecast-bias", "forecast_bias"),
        ("inventory_anomaly", "inventory_anomaly"),
    ],
)
def test_a_type_spelled_as_the_tools_spell_it_filters_the_list(
    words: str, kind: str, resolver: Resolver
) -> None:
    _, call = first_call(f"show me the {words} exceptions", resolver)
    assert call.name == "list_exceptions" and call.args["type"] == kind


@pytest.mark.parametrize(
    "phrase",
    [
        "{sup}'s on-time record, how bad is it?",
        "how bad is the delivery record of {sup}",
        "{sup} on time rate - how bad?",
    ],
)
@pytest.mark.parametrize("sup", ["SUP-05", "Pacific Rim", "pacific rim"])
def test_a_suppliers_record_is_its_status_not_a_total(
    phrase: str, sup: str, resolver: Resolver
) -> None:
    _, call = first_call(phrase.format(sup=sup), resolver)
    assert call.name == "get_supplier_status" and call.args["supplier_id"] == "SUP-05"


@pytest.mark.parametrize(
    "phrase",
    [
        "does anyone besides {sup} sell us SKU-0012?",
        "other than {sup}, who can supply SKU-0012",
        "apart from {sup} does anybody carry SKU-0012",
        "is there a backup supplier for SKU-0012 instead of {sup}",
    ],
)
@pytest.mark.parametrize("sup", ["SUP-01", "Acme", "acme"])
def test_another_supplier_of_an_item_lists_all_its_suppliers(
    phrase: str, sup: str, resolver: Resolver
) -> None:
    _, call = first_call(phrase.format(sup=sup), resolver)
    assert call.name == "get_supplier_status"
    assert call.args == {"sku": "SKU-0012"}


# -- rule questions asked of no particular place or item -----------------------------------


@pytest.mark.parametrize(
    "phrase",
    [
        "ceiling on one PO for a person with the approver role?",
        "what's the cap an approver can sign for",
        "approver role - upper limit per order?",
        "is there a maximum an approvr can put through?",
        "when one store ships to a store it doesn't normally feed, can it send everything it has?",
        "can the sender give away all of its stock when it helps another shop?",
        "can stock move between any two sites, or only on set routes?",
        "may goods travel freely between locations or are there fixed lanes?",
        "can inventory be shipped to any store from anywhere?",
    ],
)
def test_a_permission_or_limit_asked_of_nothing_in_particular_searches_the_playbook(
    phrase: str, resolver: Resolver
) -> None:
    intent, req = parse(phrase, (), resolver)
    assert not intent.writes, (phrase, intent.name)
    step = intent.handler(req, [])
    assert isinstance(step, list) and step[0].name == "search_policies", (phrase, intent.name)


def test_a_named_lane_question_still_looks_the_lane_up(resolver: Resolver) -> None:
    _, call = first_call("can S001 ship to S002?", resolver)
    assert call.name == "get_lanes"


# -- a region said by its DC's word alone ----------------------------------------------------


@pytest.mark.parametrize(
    ("phrase", "tool"),
    [
        ("stockout risks in the {w}, worst first", "list_exceptions"),
        ("anything flagged across the {w}?", "list_exceptions"),
        ("exceptions in the {w}", "list_exceptions"),
        ("how much is at risk up in the {w}?", "summarize_exceptions"),
    ],
)
@pytest.mark.parametrize(("w", "dc"), [("north", "DC-NORTH"), ("South", "DC-SOUTH")])
def test_the_dcs_word_alone_is_the_stores_it_feeds(
    phrase: str, tool: str, w: str, dc: str, resolver: Resolver
) -> None:
    _, call = first_call(phrase.format(w=w), resolver)
    assert call.name == tool
    assert call.args["served_by"] == dc
    assert "category" not in call.args and "location" not in call.args


def test_the_dc_itself_is_still_the_dc(resolver: Resolver) -> None:
    _, call = first_call("anything flagged in the north DC?", resolver)
    assert call.args.get("location") == "DC-NORTH" and "served_by" not in call.args


# -- what the plan wants bought from a supplier, with drafting declined ----------------------


@pytest.mark.parametrize(
    "phrase",
    [
        "{sup}: draft nothing yet, just tell me what the plan wants bought",
        "don't draft, what does the plan need ordered from {sup}?",
        "no drafts please - what does the engine want bought from {sup} this week",
        "what do we need ordered from {sup}? without drafting",
    ],
)
@pytest.mark.parametrize("sup", ["SUP-06", "Voltix", "voltix electronics"])
def test_what_the_plan_wants_bought_is_the_suppliers_order_list(
    phrase: str, sup: str, resolver: Resolver
) -> None:
    _, call = first_call(phrase.format(sup=sup), resolver)
    assert call.name == "get_supplier_overview" and call.args["supplier_id"] == "SUP-06"


@pytest.mark.parametrize(
    "phrase", ["what have we bought from {sup} lately", "what did {sup} ship us"]
)
def test_what_was_already_bought_is_still_the_suppliers_record(
    phrase: str, resolver: Resolver
) -> None:
    _, call = first_call(phrase.format(sup="Voltix"), resolver)
    assert call.name != "get_supplier_overview"
