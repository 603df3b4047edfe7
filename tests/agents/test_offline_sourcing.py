"""Where a store's stock comes from, asked in a planner's own words, is the lanes into it.

A request about one store that asks where its stock comes from (its DC, its feeder warehouse)
is answered from the lanes into the store (`get_lanes` to it: its source DC first); the same
store with a question about its numbers (stock, risk, ranking) stays that look-up.
"""

from __future__ import annotations

from datetime import date

import pytest

from agents.offline import buying, parse, parsing, sourcing
from agents.offline.messages import Call
from tools.resolve import Resolver

AS_OF = date(2026, 6, 30)


@pytest.mark.parametrize(
    ("text", "store"),
    [
        ("which warehouse does Kingston draw from?", "S004"),
        ("Monroe is fed by which DC?", "S002"),
        ("what's the home DC for Union", "S003"),
        ("where do Riverside's deliveries come from", "S001"),
    ],
)
def test_where_a_stores_stock_comes_from_is_its_lanes_in(
    text: str, store: str, resolver: Resolver
) -> None:
    intent, req = parse(text, (), resolver, as_of=AS_OF)
    step = intent.handler(req, [])
    assert step == [Call("get_lanes", {"to_location": store})], (intent.name, step)


@pytest.mark.parametrize(
    "text",
    [
        "how much stock does Kingston have",
        "which DC has the most money at risk, or Union?",
        "where does Union get SKU-0003 from",
        "Monroe: what's short?",
    ],
)
def test_a_question_about_a_stores_numbers_is_not_where_from(text: str, resolver: Resolver) -> None:
    _, req = parse(text, (), resolver, as_of=AS_OF)
    assert not sourcing.asks_where_from(req.text, req.found, resolver)


def test_where_from_needs_exactly_one_store(resolver: Resolver) -> None:
    text = "which DC does it come from"
    assert sourcing.asks_where_from(text, {"location": ["S001"]}, resolver)
    assert not sourcing.asks_where_from(text, {"location": ["S001", "S002"]}, resolver)
    assert not sourcing.asks_where_from(text, {"location": ["DC-NORTH"]}, resolver)
    assert not sourcing.asks_where_from(text, {"location": ["S001"], "sku": ["SKU-0001"]}, resolver)


def test_a_dc_is_known_by_its_type_not_its_id(hub_resolver: Resolver) -> None:
    text = "which DC does it come from"
    assert not sourcing.asks_where_from(text, {"location": ["HUB-1"]}, hub_resolver)
    assert sourcing.asks_where_from(text, {"location": ["S003"]}, hub_resolver)
    intent, req = parse("which warehouse does Kingston draw from?", (), hub_resolver, as_of=AS_OF)
    assert intent.handler(req, []) == [Call("get_lanes", {"to_location": "S004"})]


def test_a_quantity_is_read_by_one_definition() -> None:
    assert sourcing.QUANTITY is buying.QUANTITY is parsing.QUANTITY
    assert parsing.QUANTITY.search("raise 108 with them")
    assert not parsing.QUANTITY.search("which DC feeds S003")
