"""Reading classes the v11 analysis found misread, fixed as classes (`class_phrasings.DEV`).

- a courtesy "if" ("if it's easy, the figure too", "if you have a minute") is no what-if, a
  "double-check" doubles nothing and "two things for you" is no quantity: the question around
  them is read (a ranking, the totals);
- "how much of the risk is P1?" is that priority's share of the money at risk;
- several DCs' stores in one list ("DC-NORTH vs DC-SOUTH stores", "the stores under north,
  south and DC-03") are each DC's stores, compared;
- open supply keeps the DC said by its number or region ("the 3rd dc", "region 3's dc") and
  the window said by a weekday ("by friday") or carried by "same window for ...";
- "what's still waiting?" lists the drafts that wait, also after drafts in the thread;
- what is "open with" / "outstanding with" / "in the pipeline from" a supplier is its open
  supply, listed;
- a place's "sitch", "situation report" or "sit-rep" is its exceptions, not its stock table.

Each phrasing runs through the real graph on a seed-7 network (two or three DCs); the last
turn's calls must include the expected look-ups with the arguments that scope them, and nothing
is drafted by a question.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from agents.offline.parsing import _scenario_args, window_days
from graph.service import Copilot
from tests.agents.class_phrasings import DEV, DRAFT_A, DRAFT_B, Expected, calls_fit
from tests.agents.conftest import ask

CASES = [
    pytest.param(turns, network, expected, id=f"{family}-{i}")
    for family, cases in DEV.items()
    for i, (turns, network, expected) in enumerate(cases)
]


def run_case(
    copilot: Copilot, three_dc_copilot: Copilot, turns: tuple[str, ...], network: str
) -> Any:
    """Ask a case's turns in one thread on its network; return the last turn's result."""
    return ask(three_dc_copilot if network == "three" else copilot, *turns)[-1]


@pytest.mark.parametrize(("turns", "network", "expected"), CASES)
def test_the_class_reads_the_question(
    copilot: Copilot,
    three_dc_copilot: Copilot,
    turns: tuple[str, ...],
    network: str,
    expected: Expected,
) -> None:
    result = run_case(copilot, three_dc_copilot, turns, network)
    assert calls_fit(result.tool_calls, expected), (turns[-1], result.tool_calls[:3])
    if turns[-1] not in (DRAFT_A, DRAFT_B):
        assert not [c for c in result.tool_calls if c["name"].startswith("draft_")]


def test_a_priority_share_names_the_priority_and_its_part(copilot: Copilot) -> None:
    (result,) = ask(copilot, "how much of the risk is P1?")
    assert result.answer.startswith("**P1 accounts for ")
    assert "% of it" in result.answer


def test_a_double_check_is_no_doubling() -> None:
    assert _scenario_args("I wanted to double-check one thing with you") == {}
    assert _scenario_args("what if demand doubles at S002") == {"demand_factor": 2.0}


def test_a_weekday_ends_an_arrival_window() -> None:
    tuesday = date(2026, 6, 30)
    assert window_days("due by friday", tuesday) == 3
    assert window_days("inbound before Tue", tuesday) == 7
    assert window_days("due by friday") is None  # no day known: no window guessed


def test_a_real_what_if_with_if_is_still_one(copilot: Copilot) -> None:
    (result,) = ask(copilot, "if SUP-02 slips 10 days, what runs out?")
    assert [c["name"] for c in result.tool_calls][:1] == ["run_what_if"]
