"""What to buy from a named supplier now, asked in a planner's own words.

A request about one supplier that asks what to order from it now is answered from the plan's
order list for that supplier (`get_supplier_overview`), whatever its words around the name; a
question about the supplier's record (punctuality, what is on order, what was bought) or a
hypothesis about it stays what it was.
"""

from __future__ import annotations

from datetime import date

import pytest

from agents.offline import buying, parse
from agents.offline.messages import Call
from tools.resolve import Resolver

AS_OF = date(2026, 6, 30)


@pytest.mark.parametrize(
    ("text", "supplier"),
    [
        ("anything we ought to put in with Voltix this week?", "SUP-06"),
        ("Sunrise Personal Care: is the plan asking us to buy from them?", "SUP-04"),
        ("should we be raising a PO to Acme Foods today?", "SUP-01"),
        ("is there any restocking to do with Blue Ridge?", "SUP-03"),
    ],
)
def test_what_to_buy_from_a_supplier_is_its_order_list(
    text: str, supplier: str, resolver: Resolver
) -> None:
    intent, req = parse(text, (), resolver, as_of=AS_OF)
    step = intent.handler(req, [])
    assert step == [Call("get_supplier_overview", {"supplier_id": supplier})], (intent.name, step)


@pytest.mark.parametrize(
    "text",
    [
        "how reliable is Pacific Rim Imports?",
        "what's on order with Threadline?",
        "what did we buy from Acme Foods last month?",
        "which purchase orders are with Sunrise Personal Care?",
        "what do we have on the books with Voltix",
        "if Voltix ships 5 days late, what happens?",
    ],
)
def test_a_question_about_the_suppliers_record_is_not_what_to_buy(
    text: str, resolver: Resolver
) -> None:
    _, req = parse(text, (), resolver, as_of=AS_OF)
    assert not buying.asks_what_to_buy(req.text, req.found)


def test_buying_needs_exactly_one_supplier_and_no_item() -> None:
    text = "what should we buy from SUP-01 now?"
    assert buying.asks_what_to_buy(text, {"supplier": ["SUP-01"]})
    assert not buying.asks_what_to_buy(text, {"supplier": ["SUP-01", "SUP-02"]})
    assert not buying.asks_what_to_buy(text, {"supplier": ["SUP-01"], "sku": ["SKU-0001"]})
    assert not buying.asks_what_to_buy(text, {})
    assert not buying.asks_what_to_buy(text, {"supplier": ["SUP-01"], "location": ["S001"]})
    assert not buying.asks_what_to_buy("buy 40 from SUP-01 now", {"supplier": ["SUP-01"]})
