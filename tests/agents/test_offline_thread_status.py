"""A short question about the thread's draft asks its status, however terse ("status?")."""

from __future__ import annotations

import pytest
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, ToolMessage

from agents.offline import parse

DRAFTED: tuple[BaseMessage, ...] = (
    HumanMessage("transfer 12 of SKU-0016 from DC-NORTH to S002"),
    AIMessage(
        "",
        tool_calls=[
            {
                "name": "draft_transfer",
                "args": {"sku": "SKU-0016", "from_location": "DC-NORTH", "to_location": "S002"},
                "id": "c1",
            }
        ],
    ),
    ToolMessage('{"proposal_id": "PR-1", "status": "pending_approval"}', tool_call_id="c1"),
)


@pytest.mark.parametrize(
    "text",
    [
        "status?",
        "Status",
        "so, status?",
        "update?",
        "any news?",
        "so was that rejected?",
        "did bob ok it",
    ],
)
def test_a_terse_question_after_a_draft_asks_its_status(text: str) -> None:
    intent, _ = parse(text, DRAFTED)
    assert intent.name in ("proposal_status", "proposal_status_loose")
    call = intent.handler(parse(text, DRAFTED)[1], [])
    assert isinstance(call, list) and call[0].name == "get_proposal_status"


def test_status_without_a_draft_is_no_proposal_question() -> None:
    intent, _ = parse("status?", ())
    assert intent.name not in ("proposal_status", "proposal_status_loose")
