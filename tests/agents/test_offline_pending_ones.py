"""Which of the drafts still wait for approval: the pending proposals, listed from the tool.

After a draft in the thread, "which ones are still un-approved", "any of these unapproved
yet?" or "which of my drafts still need approval?" ask for the proposals still pending. The
answer comes from `list_proposals` filtered to pending ones (`agents.offline.status`): the
thread's pending draft is listed, a rejected one is not, and nothing new is drafted. Asked
through the real graph on the seed-7 network, in phrasings of our own (typos, lower case).
"""

from __future__ import annotations

import pytest

from graph.service import Copilot
from tests.agents.conftest import ask

DRAFT = "top S003 up to 40 of SKU-0012"


@pytest.mark.parametrize(
    "question",
    [
        "which ones are still un-approved",
        "any of these unapproved yet?",
        "which of my drafts still need approval?",
        "which ones are still unaproved?",
        "which of those are still pending approval?",
        "any of them still waiting?",
    ],
)
def test_the_pending_drafts_are_listed(copilot: Copilot, question: str) -> None:
    first, turn = ask(copilot, DRAFT, question)
    (draft,) = first.pending
    calls = [(c["name"], c["args"]) for c in turn.tool_calls]
    assert [n for n, _ in calls] == ["list_proposals"], (question, calls)
    assert calls[0][1].get("status") == "pending", (question, calls)
    assert draft.proposal_id in turn.answer, (question, turn.answer)
    assert "rejected" not in turn.answer, (question, turn.answer)
    assert [p.proposal_id for p in turn.pending] == [draft.proposal_id]
