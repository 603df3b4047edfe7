"""Adaptive Cards: data is shown literally, never as Markdown links or formatting."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from erp.governance import Proposal
from graph.service import PendingAction
from ui.approvals import CardRef, CardState
from ui.teams import cards

HOSTILE = "[Open approval card](https://evil.example) **urgent** <at>everyone</at>"


def _blocks(node: Any) -> list[dict[str, Any]]:
    if isinstance(node, list):
        return [b for item in node for b in _blocks(item)]
    if not isinstance(node, dict):
        return []
    return [node] + [b for v in node.values() for b in _blocks(v)]


def _assert_literal(card: dict[str, Any]) -> None:
    blocks = _blocks(card["body"])
    # TextBlocks read Markdown; no data may sit in one.
    assert not any(b.get("type") == "TextBlock" and HOSTILE in b.get("text", "") for b in blocks)
    runs = [b["text"] for b in blocks if b.get("type") == "TextRun"]
    assert any(HOSTILE in r for r in runs)


def test_pending_and_decided_cards_show_data_literally() -> None:
    args = {"sku": HOSTILE, "from_location": "DC1", "to_location": "S1", "qty": 5}
    action = PendingAction("i-1", "PR-1", "transfer", args, HOSTILE, 10.0)
    _assert_literal(cards.card_for(CardState(CardRef("t", "i-1", "PR-1"), None, live=action)))
    now = datetime.now(UTC)
    proposal = Proposal(
        id="PR-1",
        thread_id="t",
        kind="transfer",
        args=args,
        value=10.0,
        description=HOSTILE,
        evidence={},
        status="rejected",
        created_by="alice",
        created_at=now,
        decided_by="bob",
        decided_at=now,
        decision="reject",
        decision_note=HOSTILE,
        document_id=None,
        failure_reason=None,
        version=2,
    )
    _assert_literal(cards.card_for(CardState(CardRef("t", "i-1", "PR-1"), proposal)))


def test_answers_show_where_a_link_goes() -> None:
    assert cards.unlink(HOSTILE).startswith("Open approval card (https://evil.example)")
