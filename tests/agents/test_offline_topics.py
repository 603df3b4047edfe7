"""A look-up asked in words no table pattern knows reaches the tool that holds its figure.

Each topic (a lane between two places; when an item runs out at a place; its forecast there;
its stock there; its network total; its item master) is asked in phrasings of our own, each
with every entity form a planner types (ids, lower-case ids, "sku 3", names, "store 2", "S2")
and one with a typo in its topic word. The writes nearby still write: a transfer said in full
drafts, and "get <store> covered for <item>" is still the cover request.
"""

from __future__ import annotations

from datetime import date
from itertools import product

import pytest

from agents.offline import parse
from agents.offline.general import correct_words
from agents.offline.messages import Call
from agents.offline.topics import topic
from tools.resolve import Resolver

AS_OF = date(2026, 6, 30)

ITEM_FORMS = ("SKU-0003", "sku-0003", "sku 3", "Family Size Dog Food", "family size dog food")
PLACE_FORMS = ("S002", "s002", "store 2", "Monroe", "S2")


def first_calls(text: str, resolver: Resolver) -> tuple[str, list[Call]]:
    """Return the intent and the first tool calls the model makes for a request."""
    intent, req = parse(text, [], resolver, as_of=AS_OF)
    step = intent.handler(req, [])
    assert isinstance(step, list) and step, (text, intent.name, step)
    return intent.name, step


def _cases(phrasings: tuple[str, ...], items: tuple[str, ...], places: tuple[str, ...]) -> list:
    return [p.format(sku=s, loc=loc) for p, s, loc in product(phrasings, items, places)]


LANE_ASKS = (
    "is {a} allowed to ship over to {b}",
    "are {a} and {b} conected by a lane",  # typo
    "{a} and {b} - conected?",  # typo
    "am I able to move product from {a} to {b}?",
)
LANE_ENDS = (("DC-NORTH", "store 2"), ("dc-north", "S2"), ("Riverside", "s003"))
LANE_IDS = {"DC-NORTH": "DC-NORTH", "dc-north": "DC-NORTH", "Riverside": "S001"}
LANE_TO = {"store 2": "S002", "S2": "S002", "s003": "S003"}


@pytest.mark.parametrize(("phrasing", "ends"), list(product(LANE_ASKS, LANE_ENDS)))
def test_a_lane_question_between_two_places_looks_up_the_lane(
    phrasing: str, ends: tuple[str, str], resolver: Resolver
) -> None:
    text = phrasing.format(a=ends[0], b=ends[1])
    name, calls = first_calls(text, resolver)
    assert name == "lanes"
    assert [(c.name, c.args) for c in calls] == [
        ("get_lanes", {"from_location": LANE_IDS[ends[0]], "to_location": LANE_TO[ends[1]]})
    ]


RUN_OUT_ASKS = (
    "{sku} at {loc}: projected stockout date?",
    "will {loc} be running dry of {sku} anytime soon",
    "is {sku} at {loc} likely to last through the month?",
    "is {sku} gonna stock out at {loc}",
)


@pytest.mark.parametrize("text", _cases(RUN_OUT_ASKS, ITEM_FORMS[::2], PLACE_FORMS[1:4]))
def test_when_an_item_runs_out_at_a_place_is_its_stock_and_cover(
    text: str, resolver: Resolver
) -> None:
    _, calls = first_calls(text, resolver)
    assert [(c.name, c.args) for c in calls] == [
        ("get_inventory", {"sku": "SKU-0003", "location": "S002"})
    ]


FORECAST_ASKS = (
    "what is {loc} going to sell of {sku} next fortnight?",
    "fcst for {sku} @ {loc}",
    "{sku} / {loc} - how much will it sell",
    "outlook {sku} {loc} 21 days",
)


@pytest.mark.parametrize("text", _cases(FORECAST_ASKS, ITEM_FORMS[1:4], PLACE_FORMS[::2]))
def test_a_forecast_asked_loosely_is_the_forecast(text: str, resolver: Resolver) -> None:
    name, calls = first_calls(text, resolver)
    assert name == "forecast"
    assert [(c.name, c.args["sku"], c.args["location"]) for c in calls] == [
        ("get_forecast", "SKU-0003", "S002")
    ]


STOCK_ASKS = (
    "bring up {sku} for {loc}",
    "OH + on order, {sku} at {loc}",
    "right so {sku} @ {loc} ta",
)


@pytest.mark.parametrize("text", _cases(STOCK_ASKS, ITEM_FORMS, PLACE_FORMS[:3]))
def test_an_item_at_a_place_said_barely_is_its_stock(text: str, resolver: Resolver) -> None:
    _, calls = first_calls(text, resolver)
    assert [(c.name, c.args) for c in calls] == [
        ("get_inventory", {"sku": "SKU-0003", "location": "S002"})
    ]


NETWORK_ASKS = (
    "grand total {sku} we hold",
    "all-in {sku}, every site together",
    "{sku} company-wide position",
    "ovreall stock of {sku}",  # typo (two letters swapped)
    "who is the biggest holder of {sku}?",
)


@pytest.mark.parametrize("text", _cases(NETWORK_ASKS, ITEM_FORMS, ("",)))
def test_an_items_total_over_the_network_is_its_network_position(
    text: str, resolver: Resolver
) -> None:
    name, calls = first_calls(text, resolver)
    assert name == "network"
    assert [(c.name, c.args) for c in calls] == [("get_network_position", {"sku": "SKU-0003"})]


ITEM_ASKS = (
    "how many {sku} come per case",
    "smallest we may order of {sku}, the minimum?",
    "what do you know about {sku}",
    "is {sku} filed under pet or not",
)


@pytest.mark.parametrize("text", _cases(ITEM_ASKS, ITEM_FORMS, ("",)))
def test_an_items_master_data_asked_loosely_is_the_item(text: str, resolver: Resolver) -> None:
    name, calls = first_calls(text, resolver)
    assert name == "item"
    assert [(c.name, c.args) for c in calls] == [("get_item", {"sku": "SKU-0003"})]


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("transfer 20 of SKU-0003 from DC-NORTH to S002", "draft_transfer"),
        ("move 15 sku 3 from dc-north to store 2", "draft_transfer"),
        ("get S002 covered for SKU-0003", "cover_need"),
        ("make sure monroe is covered for family size dog food", "cover_need"),
        ("is the SKU-0003 promo at S002 covered?", "cover_question"),
        ("show me the exceptions for sku 3 at store 2", "exceptions"),
    ],
)
def test_the_writes_and_promotion_questions_nearby_are_read_as_before(
    text: str, intent: str, resolver: Resolver
) -> None:
    assert parse(text, [], resolver, as_of=AS_OF)[0].name.startswith(intent)


def test_a_topic_rereads_a_write_only_when_it_is_asked() -> None:
    two = {"sku": [], "location": ["DC-NORTH", "S002"], "supplier": []}
    assert topic("send DC-NORTH to S002", two, "draft_transfer") is None
    assert topic("can DC-NORTH send to S002?", two, "draft_transfer") == (
        "lanes",
        {"src": "DC-NORTH", "dst": "S002"},
    )
    assert topic("can DC-NORTH send to S002?", two, "policy") is None  # only broad readings


@pytest.mark.parametrize(
    ("typed", "read"),
    [("toatl", "total"), ("stcok", "stock"), ("foercast", "forecast"), ("form", "form")],
)
def test_two_neighbouring_letters_swapped_are_read_as_the_word(typed: str, read: str) -> None:
    vocab = frozenset({"total", "stock", "forecast", "from"})
    assert correct_words(f"the {typed} now", vocab) == f"the {read} now"
