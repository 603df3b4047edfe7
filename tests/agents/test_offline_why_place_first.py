"""'Why' about an item at a place, with the place named before the item, explains its flag.

"why is S003 running low on SKU-0012", "how come S001 is out of SKU-0007": the item's
exceptions at that place are looked up (`why_flagged`), like "why is SKU-0012 at S003
flagged"; a why about an order, a forecast or the levels keeps its own reading.
"""

from __future__ import annotations

import pytest

from agents.offline import parse
from tools.resolve import Resolver


def looked_up(text: str, resolver: Resolver) -> tuple[str, object]:
    """The intent read and the first tool call (name, args) or the answer."""
    intent, req = parse(text, [], resolver, None)
    step = intent.handler(req, [])
    if isinstance(step, str):
        return intent.name, step
    return intent.name, (step[0].name, step[0].args)


@pytest.mark.parametrize(
    ("text", "loc", "sku"),
    [
        ("why is S003 running low on SKU-0012", "S003", "SKU-0012"),
        ("how come S001 is out of SKU-0007", "S001", "SKU-0007"),
        ("why does DC-NORTH have so little SKU-0003", "DC-NORTH", "SKU-0003"),
        ("how come the south DC is low on SKU-0020?", "DC-SOUTH", "SKU-0020"),
        ("why's S002 showing a stockout risk for SKU-0003", "S002", "SKU-0003"),
        ("why is Monroe short of SKU-0012", "S002", "SKU-0012"),
        ("why's S001 short of SKU-0014 right now", "S001", "SKU-0014"),
        ("why is DC-SOUTH sitting on so much SKU-0021?", "DC-SOUTH", "SKU-0021"),
    ],
)
def test_why_with_the_place_first_explains_the_items_flag(
    text: str, loc: str, sku: str, resolver: Resolver
) -> None:
    name, step = looked_up(text, resolver)
    assert name == "why_flagged", (name, step)
    assert step == ("list_exceptions", {"top": 10, "location": loc, "sku": sku})


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("why is S003's PO for SKU-0012 late", "late_pos"),
        ("why is DC-NORTH forecast for SKU-0003 so high", "forecast"),
        ("why is S003 the worst store", "ranking"),
    ],
)
def test_other_whys_keep_their_reading(text: str, intent: str, resolver: Resolver) -> None:
    name, _ = looked_up(text, resolver)
    assert name == intent
