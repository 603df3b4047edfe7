"""A suggestion never moves stock from a place to itself, and keeps the places said.

"maybe transfer 10 SKU-0001 from DC-NORTH to S003" writes nothing and offers requests to send;
those fill their places from the request by role: the place said as the source ("from",
"out of") is the source, the other one the destination, never "from DC-NORTH to DC-NORTH".
Checked with hedges, verbs, item and place forms of our own, and a typo.
"""

from __future__ import annotations

import itertools
import re

import pytest

from agents.offline import parse
from agents.offline.intents import suggestions
from tools.resolve import Resolver

HEDGED = (
    "maybe {verb} 10 {item} from {src} to {dst}",
    "perhaps {verb} 10 of {item} out of {src} into {dst}",
    "hypothetically, {verb} 10 {item} from {src} to {dst}",
)
VERBS = ("transfer", "move", "ship", "send")
ITEMS = ("SKU-0016", "sku 16", "premium dog food")
PLACES = (
    ("DC-NORTH", "S003", "DC-NORTH", "S003"),
    ("the north DC", "store 2", "DC-NORTH", "S002"),
    ("DC-SOUTH", "DC-NORTH", "DC-SOUTH", "DC-NORTH"),
)
CASES = [
    (t.format(verb=v, item=i, src=s, dst=d), src, dst)
    for t, v, i, (s, d, src, dst) in itertools.product(HEDGED, VERBS, ITEMS, PLACES)
] + [("mabye transfer 10 SKU-0016 from DC-NORTH to S003", "DC-NORTH", "S003")]
SAME = re.compile(r"\bfrom\s+(\S+)\s+(?:to|into|for)\s+\1(?![\w-])", re.I)


@pytest.mark.parametrize(("text", "src", "dst"), CASES)
def test_a_suggested_move_goes_from_the_source_said_to_another_place(
    text: str, src: str, dst: str, resolver: Resolver
) -> None:
    intent, req = parse(text, (), resolver)
    assert not intent.writes, text
    offered = suggestions(req)
    assert offered and not [s for s in offered if SAME.search(s)], (text, offered)
    moves = [s for s in offered if s.startswith("transfer")]
    assert moves and all(f"from {src} to {dst}" in s for s in moves), (text, offered)
