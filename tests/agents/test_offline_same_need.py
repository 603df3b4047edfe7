"""A bound or a level said for a need the thread already has a pending draft for amends that
draft — never two pending drafts for one need — and a bound said again is reported as the draft
in the state stands (agents/offline/same_need.py)."""

from __future__ import annotations

import re
from typing import Any

import pytest

from graph.service import Copilot
from tests.agents.conftest import ask

DRAFT = "transfer 10 SKU-0007 from DC-NORTH to S001"
"""SKU-0007 at S001: the engine's own quantity there is well below the floors used here."""


def pending(copilot: Copilot, result: Any) -> list[Any]:
    return copilot.workspace.governance.proposals.list(status="pending", thread_id=result.thread_id)


def said_quantity(answer: str) -> int:
    """Return the new quantity the answer says the draft has ("Quantity **10 → 68** units")."""
    m = re.search(r"Quantity \*\*\d+ → (\d+)\*\*", answer)
    assert m is not None, answer
    return int(m.group(1))


@pytest.mark.parametrize(
    "level",
    [
        "top S001 up to 120",
        "bring S001 up to 120",
        "top up S001 up to a level of 120",
        "ok, top S001 up to 120 please",
    ],
)
def test_a_level_for_a_pending_need_amends_that_draft(copilot: Copilot, level: str) -> None:
    first, result = ask(copilot, DRAFT, level)
    left = pending(copilot, result)
    assert len(left) == 1, [(p.id, p.args) for p in left]  # one need, one pending draft
    names = [c["name"] for c in result.tool_calls]
    assert "amend_proposal" in names and "draft_transfer" not in names
    assert left[0].id != first.pending[0].proposal_id
    assert left[0].args["from_location"] == "DC-NORTH" and left[0].args["to_location"] == "S001"
    assert said_quantity(result.answer) == left[0].args["qty"]
    assert "topping up to 120" in result.answer


def test_a_floor_for_a_pending_need_amends_that_draft(copilot: Copilot) -> None:
    _, result = ask(copilot, DRAFT, "S001 needs at least 40 of SKU-0007 from DC-NORTH")
    left = pending(copilot, result)
    assert [p.args["qty"] for p in left] == [40]
    assert said_quantity(result.answer) == 40


@pytest.mark.parametrize(
    "again",
    [
        "S001 needs at least 40 of SKU-0007 from DC-NORTH",
        "at least 40",
        "ok at least 40 please",
        "make it at least 35",
    ],
)
def test_a_floor_the_draft_already_meets_changes_nothing_and_says_so(
    copilot: Copilot, again: str
) -> None:
    first, result = ask(copilot, "S001 needs at least 40 of SKU-0007 from DC-NORTH", again)
    left = pending(copilot, result)
    assert [p.id for p in left] == [first.pending[0].proposal_id]  # no second draft, no redraft
    assert left[0].args["qty"] == 40
    assert "Not changed" in result.answer and "40 units" in result.answer
    # the quantity said is the one the proposal store holds, read in this turn
    assert "get_proposal_status" in [c["name"] for c in result.tool_calls]
    assert "is drafted" not in result.answer and "Amended" not in result.answer


def test_a_level_said_again_is_not_reported_as_a_change(copilot: Copilot) -> None:
    _, amended, again = ask(copilot, DRAFT, "top S001 up to 120", "top S001 up to 120")
    left = pending(copilot, again)
    assert [p.id for p in left] == [amended.pending[0].proposal_id]
    assert "Not changed" in again.answer and f"{left[0].args['qty']} units" in again.answer


def test_a_second_floor_above_the_draft_amends_it_once(copilot: Copilot) -> None:
    _, _, result = ask(copilot, DRAFT, "make it at least 30", "make it at least 45")
    left = pending(copilot, result)
    assert [p.args["qty"] for p in left] == [45]
    assert said_quantity(result.answer) == 45 and "30 → 45" in result.answer


def test_a_refused_bounded_draft_is_not_said_to_be_drafted(copilot: Copilot) -> None:
    (result,) = ask(copilot, "S001 needs at least 100000 of SKU-0007 from DC-NORTH")
    if not pending(copilot, result):
        assert "is drafted" not in result.answer


@pytest.mark.parametrize(
    "again", ["fix stockout_risk:SKU-0012@S003", "get S003 covered for SKU-0012"]
)
def test_fixing_the_exception_of_a_pending_need_adds_no_second_draft(
    copilot: Copilot, again: str
) -> None:
    _, result = ask(copilot, "transfer 20 SKU-0012 from DC-SOUTH to S003", again)
    to_s003 = [p for p in result.pending if p.args.get("to_location") == "S003"]
    assert len(to_s003) == 1
