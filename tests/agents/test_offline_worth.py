"""A money question about two places, a transfer, the thread's draft or its last list.

"what share of the risk is at S003 and S002?" names both places, each with the totals tool's
own share; "how much would 20 X from A to B cost?" checks that transfer without drafting it
(`check_transfer`) and says its value; "how much is it worth?" after a draft says the draft's
value (`get_proposal_status`); "how much is that in total?" after an exception list asks that
list again and says its total money at risk. Each phrasing (`worth_phrasings.DEV`) runs through
the real graph on the seed-7 network; every figure said is in that turn's tool results.
"""

from __future__ import annotations

from typing import Any

import pytest

from agents.offline import worth
from graph.service import Copilot
from tests.agents.conftest import ask
from tests.agents.worth_phrasings import DEV, check

CASES = [
    pytest.param(family, texts, expect, id=f"{family}-{i}")
    for family, cases in DEV.items()
    for i, (texts, expect) in enumerate(cases)
]


@pytest.mark.parametrize(("family", "texts", "expect"), CASES)
def test_a_money_question_gets_its_own_figure(
    copilot: Copilot, family: str, texts: tuple[str, ...], expect: tuple[Any, ...]
) -> None:
    check(copilot, family, texts, expect)


@pytest.mark.parametrize(
    "text",
    [
        "how much would 20 SKU-0012 cost?",  # no route: not a transfer
        "what's the freight on moving 20 of SKU-0012 from DC-SOUTH to S003",  # the lane's cost
        "transfer 20 SKU-0012 from DC-SOUTH to S003",
    ],
)
def test_what_is_no_transfer_cost_question(text: str) -> None:
    assert worth.transfer_core(text) is None


@pytest.mark.parametrize(
    "text", ["how much stock is at S003?", "what's at risk in total at S002?", "is it pending?"]
)
def test_what_is_no_worth_question(text: str) -> None:
    assert not worth.asks(text)


def test_a_worth_question_with_nothing_to_value_is_left_to_the_other_readings(
    copilot: Copilot,
) -> None:
    _, result = ask(copilot, "stock of SKU-0012 at S003", "how much is it worth?")
    assert "get_proposal_status" not in [c["name"] for c in result.tool_calls]
    assert not result.pending
