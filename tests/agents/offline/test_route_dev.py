"""Requests routed by question type x entity kinds x thread state (agents/offline/routing.py).

The development two thirds of the route phrasings (`route_cases.DEV`): each request, after its
thread, must make the look-up its question asks for, with the arguments its entities give.
Those the model still misses are strict xfails (`MISSED`), each a known gap, not a tuned case.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from agents.offline import OfflinePlannerModel
from erp.demo import generate_demo
from tests.agents.offline.route_cases import DEV, first_call, fits
from tools.resolve import Resolver

MISSED = {
    "are we covered on hand cream at Monroe for the next few days": (
        "a 'covered' question reads the item's exceptions (test_offline_cover_questions)"
    ),
    "how much money is that in total": "'that' after a one-row list is read as that row",
    "what would a 40% promo uplift on pasta at Union do": "a promo what-if without its dates",
    "what-if Acme +7d": "a delay said as '+7d'",
    "demand for Toys up 10 percent, are we ok?": "not read on main since 6a1dcde either",
    "what's the stock on the first one": "an ordinal row asked for its stock is explained",
    "how much is at risk there in money": "'there' after a one-row list is read as that row",
    "which store is worst for it": "the thread's category is not kept in a ranking",
}
"""Development phrasings the router does not get yet, with why."""


@pytest.fixture(scope="module")
def model() -> OfflinePlannerModel:
    demo = generate_demo(seed=7, stores=4, skus=30, days=120, as_of=date(2026, 6, 30))
    return OfflinePlannerModel().with_resolver(Resolver.from_network(demo.data))


CASES = [
    pytest.param(
        thread,
        text,
        tool,
        args,
        id=f"{i}-{thread or 'first'}",
        marks=[pytest.mark.xfail(strict=True, reason=MISSED[text])] if text in MISSED else [],
    )
    for i, (thread, text, tool, args) in enumerate(DEV)
]


@pytest.mark.parametrize(("thread", "text", "tool", "args"), CASES)
def test_a_request_makes_the_look_up_its_question_asks_for(
    model: OfflinePlannerModel, thread: str | None, text: str, tool: str, args: dict[str, Any]
) -> None:
    call = first_call(model, thread, text)
    assert fits(call, tool, args), (text, call)
