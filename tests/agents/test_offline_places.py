"""Stores said by a bare number or a name the network lacks, in supply and "why flagged" asks.

"open supply at 3" is store 3 (S003); "to 7" is a store only in an open-supply or "why
flagged" question (elsewhere it is an amount: "change it to 40"). A store the network does not
have ("store 7", "s7", "the Leeds store") is said so, with the network's locations, and
nothing is looked up — never answered for the whole network as if no store had been named.
"""

from __future__ import annotations

import pytest

from agents.offline import parse
from tools.resolve import Resolver


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("open supply at 3 for SKU-0012", "open_supply"),
        ("whats inbound at #3 for sku 12?", "open_supply"),
        ("anything in transit to 3 for SKU-0012", "open_supply"),
        ("why is sku 12 at 3 flagged?", "why_flagged"),
        ("what's in transit to store three for SKU-0012?", "open_supply"),
    ],
)
def test_a_bare_store_number_is_the_store(text: str, intent: str, resolver: Resolver) -> None:
    found, req = parse(text, (), resolver, None)
    assert found.name == intent
    assert req.said("location") == "S003"


@pytest.mark.parametrize(
    "text", ["change it to 40", "reduce to 15", "top 3 exceptions", "stock at 3 stores"]
)
def test_a_number_that_is_no_store_stays_a_number(text: str, resolver: Resolver) -> None:
    _, req = parse(text, (), resolver, None)
    assert req.said("location") is None


@pytest.mark.parametrize(
    ("text", "place"),
    [
        ("anything inbound to 7 for SKU-0012?", "store 7"),
        ("inbound to s7 for SKU-0012", "s7"),
        ("what's in transit to store seven", "store 7"),
        ("why is SKU-0012 flagged at the Leeds store?", "the Leeds store"),
        ("Why is sku 12 flagged at store 9", "store 9"),
    ],
)
def test_a_store_the_network_lacks_is_said_so(text: str, place: str, resolver: Resolver) -> None:
    found, req = parse(text, (), resolver, None)
    assert found.name == "unknown_place"
    answer = found.handler(req, [])
    assert isinstance(answer, str)
    assert f"no location “{place}”" in answer and "S003 (Union)" in answer


@pytest.mark.parametrize(
    "text",
    [
        "fix stockout_risk:SKU-0012@S003",
        "and at the other store?",
        "which store has the most SKU-0016 on hand?",
        "why is SKU-0012 at union flagged",
    ],
)
def test_a_known_or_relative_store_is_not_unknown(text: str, resolver: Resolver) -> None:
    found, _ = parse(text, (), resolver, None)
    assert found.name != "unknown_place"


@pytest.mark.parametrize(
    ("text", "place"),
    [
        ("anything flagged at S3?", "S003"),
        ("is anything flagged in the north dc", "DC-NORTH"),
        ("any items getting flagged at kingston", "S004"),
        ("flags at store 1?", "S001"),
    ],
)
def test_anything_flagged_at_a_place_lists_its_exceptions(
    text: str, place: str, resolver: Resolver
) -> None:
    intent, req = parse(text, (), resolver, None)
    step = intent.handler(req, [])
    assert isinstance(step, list) and [c.name for c in step] == ["list_exceptions"]
    assert step[0].args.get("location") == place and not step[0].args.get("sku")
