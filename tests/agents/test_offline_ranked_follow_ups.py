"""A listed exception pointed at by its rank in money or as the bottom of the list.

The lists shown are ranked by money at risk, largest first: "biggest of those by money?",
"which of them costs most", "which one has the most money at risk" explain the first;
"smallest of these", "which costs least" and "the bottom one" the last.
"""

from __future__ import annotations

import itertools

import pytest

from agents.offline import parse
from tests.agents.test_offline_thread_follow_ups import LISTED, listed
from tools.resolve import Resolver


def explained(text: str, resolver: Resolver) -> list[tuple[str, object]]:
    intent, req = parse(text, listed(), resolver)
    step = intent.handler(req, [])
    return [(c.name, c.args) for c in step] if isinstance(step, list) else []


MOST = (
    [
        f"{sup} of {those}{tail}"
        for sup, those, tail in itertools.product(
            ("biggest", "largest", "costliest"), ("those", "these", "them"), ("?", " by money?", "")
        )
    ]
    + [
        f"which {one}{those}costs {us}most"
        for one, those, us in itertools.product(("", "one "), ("", "of those "), ("", "us "))
    ]
    + ["which 1 has the most money at risk", "which one carries the highest risk"]
)
LEAST = ["smallest of those?", "cheapest of them", "which of these costs least",
         "and the bottom one, what's it costing us?", "explain the bottom item"]  # fmt: skip


@pytest.mark.parametrize("text", MOST)
def test_the_most_money_is_the_first_listed(resolver: Resolver, text: str) -> None:
    assert explained(text, resolver) == [("explain_exception", {"exception_id": LISTED[0]})]


@pytest.mark.parametrize("text", LEAST)
def test_the_least_money_or_the_bottom_is_the_last_listed(resolver: Resolver, text: str) -> None:
    assert explained(text, resolver) == [("explain_exception", {"exception_id": LISTED[-1]})]


@pytest.mark.parametrize(
    "text", ["what's the bottom line on stockouts?", "which store costs most?"]
)
def test_no_list_item_without_a_pointer(resolver: Resolver, text: str) -> None:
    calls = explained(text, resolver)
    assert ("explain_exception", {"exception_id": LISTED[0]}) not in calls
    assert ("explain_exception", {"exception_id": LISTED[-1]}) not in calls
