"""Question-type cue families decide the look-up a broad reading took.

A request that names a supplier, a store or an exception type is easily taken by a broad
intent (the exception list, a type's list, the supplier status card, the stock of an item at a
place) whose answer is not what was asked. The question's own cue family decides instead: an
aggregate (how much / how many / tally / worth / which one most / whose / two places side by
side) is the totals; a list of documents (list / every / which orders / still owes) is the open
supply; a date (when / what day / hit zero) is the projected stockout; a forecast (expect /
sell / over N days / a fortnight) is the forecast over that horizon; a second source (who else
/ backup vendor) is the item's suppliers; a what-if said with a comparative or a verb ("20%
busier than planned", "beats its plan by 30%", "overshoots by a third") is the simulation.

Each phrasing runs through the real graph on the seed-7 network (`copilot`, `ask`); the first
tool call must be the look-up the family asks for, with the arguments that scope it.
"""

from __future__ import annotations

from typing import Any

import pytest

from graph.service import Copilot
from tests.agents.conftest import ask
from tests.agents.cue_phrasings import DEV, first_call_fits

CASES = [
    pytest.param(text, tool, args, id=f"{family}-{i}")
    for family, cases in DEV.items()
    for i, (text, tool, args) in enumerate(cases)
]


@pytest.mark.parametrize(("text", "tool", "args"), CASES)
def test_the_cue_family_decides_the_look_up(
    copilot: Copilot, text: str, tool: str, args: dict[str, Any]
) -> None:
    (result,) = ask(copilot, text)
    calls = result.tool_calls
    assert first_call_fits(calls, tool, args), (text, calls[:2], result.answer[:300])
    assert not result.pending  # a look-up or a simulation: nothing is drafted


def test_what_a_transfer_would_cost_is_not_a_comparison_of_places(copilot: Copilot) -> None:
    [result] = ask(copilot, "how much would 20 SKU-0012 from DC-SOUTH to S003 cost?")
    assert "summarize_exceptions" not in [c["name"] for c in result.tool_calls]
    assert "1,491.40" in result.answer  # 20 × 74.57, the value a draft of it shows


def test_what_the_pending_draft_is_worth(copilot: Copilot) -> None:
    _, result = ask(copilot, "transfer 20 SKU-0012 from DC-SOUTH to S003", "how much is it worth?")
    assert "summarize_exceptions" not in [c["name"] for c in result.tool_calls]
    assert "1,491.40" in result.answer


def test_the_total_of_an_exception_list_is_its_money_at_risk(copilot: Copilot) -> None:
    first, result = ask(copilot, "what's at risk at S003?", "how much is that in total?")
    assert "get_inventory" not in [c["name"] for c in result.tool_calls]
    total = first.answer.split(" at risk in all")[0].rsplit(", ", 1)[-1]
    assert total in result.answer
