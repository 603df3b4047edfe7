"""A draft said to replace the thread's pending one withdraws it once the new one is pending:
one need never ends with two pending drafts, and a refused new draft leaves the old one."""

from __future__ import annotations

from typing import Any

import pytest

from graph.service import Copilot
from tests.agents.conftest import ask

FIRST = "transfer 20 SKU-0016 from DC-NORTH to S002"


def pending(copilot: Copilot, result: Any) -> list[Any]:
    return copilot.workspace.governance.proposals.list(status="pending", thread_id=result.thread_id)


@pytest.mark.parametrize(
    "second",
    [
        "ship it from S001 instead",
        "send it from s001 instead",
        "actually take it from store 1",
        "transfer 5 SKU-0016 from S001 to S002 instead",
        "rather move it out of S001",
        "ok instead, transfr 10 of it from S001",
    ],
)
def test_a_draft_said_instead_replaces_the_pending_one(copilot: Copilot, second: str) -> None:
    first, result = ask(copilot, FIRST, second)
    names = [c["name"] for c in result.tool_calls]
    left = pending(copilot, result)
    assert len(left) == 1, (second, [p.id for p in left])  # one need, one pending draft
    if "draft_transfer" in names:
        assert left[0].id != first.pending[0].proposal_id
        assert "withdraw_proposal" in names and "Replaced" in result.answer
    else:  # not read as a draft: nothing written, the first draft stands
        assert left[0].id == first.pending[0].proposal_id and "withdraw_proposal" not in names


def test_a_refused_new_draft_leaves_the_old_one_pending(copilot: Copilot) -> None:
    first, result = ask(copilot, FIRST, "send it from S003 instead")  # no lane S003 -> S002
    assert "withdraw_proposal" not in [c["name"] for c in result.tool_calls]
    assert [p.id for p in pending(copilot, result)] == [first.pending[0].proposal_id]


def test_a_draft_for_another_item_replaces_nothing(copilot: Copilot) -> None:
    _, result = ask(copilot, FIRST, "actually, transfer 20 SKU-0003 from DC-NORTH to S002")
    assert "withdraw_proposal" not in [c["name"] for c in result.tool_calls]
    assert len(pending(copilot, result)) == 2


def test_without_a_replacing_word_a_second_draft_is_its_own(copilot: Copilot) -> None:
    _, result = ask(copilot, FIRST, "transfer 5 SKU-0016 from S001 to S002")
    assert "withdraw_proposal" not in [c["name"] for c in result.tool_calls]
