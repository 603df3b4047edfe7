"""A forecast, a possibility or a plan stated with a quantity is not a request: nothing drafts.

"that transfer: sales might drop 30 after the promo", "DC-NORTH could ship 20 to S003 if
needed", "S003 will need 16 of X next week", "we might move 10 of X to S002": a modal said after
its subject, or demand said to move, writes nothing, in a thread with a pending draft or not. A
request (imperative, polite with the modal first, or a need with its source) still drafts.
Checked with subjects, modals, verbs, item forms and places of our own, and a typo.
"""

from __future__ import annotations

import itertools
from typing import Any

import pytest

from agents.offline import parse
from agents.offline.safety import WRITE_TOOLS
from tools.resolve import Resolver

from .conftest import turn

ITEMS = ("SKU-0016", "sku 16", "premium dog food")
STATED = (
    "{src} could ship 20 of {item} to {dst} if needed",
    "{src} might send 20 {item} over to {dst}",
    "we might move 10 of {item} to {dst}",
    "we could transfer 12 {item} from {src} to {dst} later",
    "{dst} will need 16 of {item} from {src} next week",
    "{dst} may well want 30 {item} out of {src} after the promo",
    "sales might drop 30 at {dst} for {item}, transfer it from {src}",
    "demand may fall 30 for {item} at {dst} - ship from {src}",
    "sales of {item} could rise 25 at {dst}, move from {src}",
    "I think {src} will probably push 40 {item} to {dst}",
)
PLACES = (("DC-NORTH", "S002"), ("the north DC", "store 2"))
TYPOS = (
    "DC-NORTH culd ship 20 of SKU-0016 to S002 if needed",
    "we mgiht move 10 of SKU-0016 to S002",
)
CASES = [
    t.format(item=item, src=src, dst=dst)
    for t, item, (src, dst) in itertools.product(STATED, ITEMS, PLACES)
] + list(TYPOS)

PENDING = turn(
    "transfer 10 SKU-0016 from DC-NORTH to S002",
    "draft_transfer",
    {"sku": "SKU-0016", "from_location": "DC-NORTH", "to_location": "S002", "qty": 10},
    {"proposal_id": "PR-1", "status": "pending_approval", "action": "transfer",
     "args": {"sku": "SKU-0016", "from_location": "DC-NORTH", "to_location": "S002", "qty": 10}},
)  # fmt: skip
IN_THREAD = (
    "that transfer: sales might drop 30 after the promo",
    "the transfer - demand could fall 20 next week",
    "this one: sales will rise 15 in July",
    "on that transfer, the store may need 40 more later",
    "that draft: volumes might go down 25 after the campaing",
)


def _writes(text: str, resolver: Resolver, earlier: Any = ()) -> set[str]:
    intent, req = parse(text, earlier, resolver)
    step = intent.handler(req, [])
    called = {c.name for c in step} if isinstance(step, list) else set()
    return (called & WRITE_TOOLS) | ({intent.name} if intent.writes else set())


@pytest.mark.parametrize("text", CASES)
def test_a_stated_forecast_or_possibility_drafts_nothing(text: str, resolver: Resolver) -> None:
    assert not _writes(text, resolver), text


@pytest.mark.parametrize("text", IN_THREAD)
def test_a_statement_about_a_pending_draft_changes_nothing(text: str, resolver: Resolver) -> None:
    assert not _writes(text, resolver, PENDING), text


@pytest.mark.parametrize(
    "text",
    [
        "could you ship 20 of SKU-0016 from DC-NORTH to S002",
        "can we move 10 of sku 16 to S002 from DC-NORTH?",
        "S002 could use 25 of SKU-0016 out of DC-NORTH",
        "transfer 10 premium dog food from DC-NORTH to store 2",
        "please send 20 SKU-0016 from the north DC to S002",
    ],
)
def test_a_request_still_drafts(text: str, resolver: Resolver) -> None:
    assert _writes(text, resolver), text
