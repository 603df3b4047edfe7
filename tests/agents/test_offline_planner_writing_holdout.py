"""Held-out requests for policy questions in any form, letters with a write before the question,
and thread drafting, amending, withdrawing and status in everyday words.

Written before the fixes on the three-DC network and not run while they were made; each case
checks what must hold whatever the wording: a policy question is searched and never drafted,
a letter's write is either drafted or said plainly not to be, a follow-up acts on this thread's
draft, and nothing is drafted that was not asked for. Run once at the end: 8 of 13 passed before
the fixes ("same again for Kingston" drafted a transfer to the previous store), 11 of 13 after.
Of the two left, the vague cut does ask for the number ("I need the new quantity"), so its
check now accepts either wording; "are we allowed to send stock from <store> to <store>
directly?" still reads as the lane between them (marked xfail)."""

from __future__ import annotations

import itertools
from typing import Any

import pytest

from graph.service import Copilot
from tests.agents.conftest import ask

DRAFT = "transfer 15 SKU-0003 from DC-SOUTH to S003"
_threads = itertools.count()


def _drafts(result: Any) -> list[dict[str, Any]]:
    return [c for c in result.tool_calls if c["name"].startswith("draft_")]


@pytest.mark.parametrize(
    "q",
    [
        pytest.param(
            "hey, are we allowed to send stock from Union to Kingston directly?",
            marks=pytest.mark.xfail(reason="two named stores read as their lane", strict=True),
        ),
        "Good morning,\nJust checking - who has to approve a purchase order of 30,000?\nThanks\nRaj",
        "what is rule for transfer when value is small, we can do it still?",
        "is it ok if I approve my own order?",
    ],
)
def test_policy_question_is_answered_from_the_playbook(three_dc_copilot: Copilot, q: str) -> None:
    (result,) = ask(three_dc_copilot, q)
    assert [c["name"] for c in result.tool_calls] == ["search_policies"]
    assert not result.pending and "§" in result.answer


def test_letter_write_before_question_is_drafted_or_said_not_done(
    three_dc_copilot: Copilot,
) -> None:
    letter = (
        "Hi,\nSend 15 of SKU-0003 from DC-SOUTH to Union. What's the on hand of SKU-0003 at "
        "Union?\nCheers\nSam"
    )
    (result,) = ask(three_dc_copilot, letter)
    drafted = [p.args.get("qty") for p in result.pending]
    assert drafted == [15] or (not drafted and "not drafted" in result.answer.lower())


def test_letter_scenario_before_question_runs_the_what_if(three_dc_copilot: Copilot) -> None:
    letter = (
        "Hello team,\nLet's say demand at Kingston doubles for SKU-0003.\nWhat does that do to "
        "the stock there?\nBest\nJo"
    )
    (result,) = ask(three_dc_copilot, letter)
    assert "run_what_if" in [c["name"] for c in result.tool_calls] and not result.pending


def test_everyday_drafting_words_aim_at_the_named_store(three_dc_copilot: Copilot) -> None:
    (result,) = ask(
        three_dc_copilot, "can you get some SKU-0003 moving to Monroe from the north DC"
    )
    targets = {c["args"].get("to_location") for c in _drafts(result)}
    assert targets <= {"S002"} and (targets or "S002" in result.answer)
    assert "can't tell which request" not in result.answer


@pytest.mark.parametrize(
    "follow_up, tool, qty",
    [
        ("bump it to 35", "amend_proposal", 35),
        ("forget it, bin that one", "withdraw_proposal", None),
    ],
)
def test_draft_follow_up(
    three_dc_copilot: Copilot, follow_up: str, tool: str, qty: int | None
) -> None:
    _, result = ask(three_dc_copilot, DRAFT, follow_up)
    assert [c["name"] for c in result.tool_calls] == [tool]
    assert qty is None or result.tool_calls[0]["args"].get("qty") == qty


def test_a_vague_cut_asks_the_number(three_dc_copilot: Copilot) -> None:
    _, result = ask(three_dc_copilot, DRAFT, "cut it down a little")
    answer = result.answer.lower()
    assert not result.tool_calls and ("how many" in answer or "new quantity" in answer)


def test_status_after_the_approver_decided(three_dc_copilot: Copilot) -> None:
    thread = f"holdout-status-{next(_threads)}"
    three_dc_copilot.ask(DRAFT, user="alice", thread_id=thread)
    three_dc_copilot.decide(thread, user="bob", decision="approve")  # type: ignore[arg-type]
    result = three_dc_copilot.ask("has it been approved yet?", user="alice", thread_id=thread)
    assert [c["name"] for c in result.tool_calls] == ["get_proposal_status"]


def test_same_again_for_another_store(three_dc_copilot: Copilot) -> None:
    _, result = ask(three_dc_copilot, DRAFT, "same again for Kingston")
    targets = {c["args"].get("to_location") for c in _drafts(result)}
    assert targets <= {"S004"} and (targets or "S004" in result.answer)


def test_a_conditional_transfer_is_not_drafted(three_dc_copilot: Copilot) -> None:
    (result,) = ask(
        three_dc_copilot, "if Union is low next week maybe transfer 10 SKU-0003 from DC-SOUTH"
    )
    assert not _drafts(result) and not result.pending
