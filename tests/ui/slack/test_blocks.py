"""Block Kit builders: card buttons carry their approval, decided cards lose them, limits hold."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from erp.governance import Proposal
from graph.service import PendingAction
from ui.approvals import CardRef, CardState
from ui.briefing import Briefing, TypeTotal
from ui.slack import blocks as bk

ACTION = PendingAction(
    interrupt_id="i-1",
    proposal_id="PR-1",
    kind="transfer",
    args={"sku": "A", "from_location": "DC1", "to_location": "S1", "qty": 20},
    description="S1 runs out on 2026-04-03; DC1 keeps its safety stock.",
    value=80.0,
)


def test_a_pending_card_offers_four_decisions_on_its_approval() -> None:
    ref = CardRef("t-1", "i-1", "PR-1")
    blocks = bk.card_blocks(CardState(ref=ref, proposal=None, live=ACTION))
    actions = next(b for b in blocks if b["type"] == "actions")["elements"]
    assert [a["action_id"] for a in actions] == [bk.APPROVE, bk.EDIT, bk.REJECT, bk.RESPOND]
    assert {CardRef.decode(a["value"]) for a in actions} == {ref}
    assert "Transfer 20 × A from DC1 to S1" in blocks[0]["text"]["text"]
    assert "80.00" in blocks[0]["text"]["text"]


def test_a_card_ref_round_trips_and_rejects_garbage() -> None:
    ref = CardRef("slack-C1-1.2", "abc", "PR-9")
    assert CardRef.decode(ref.encode()) == ref
    for bad in (
        None,
        "",
        "{}",
        "[1]",
        '{"t": "x", "i": "y"}',
        '{"t": "", "i": "y", "p": "z"}',
        "nope",
    ):
        assert CardRef.decode(bad) is None


def test_markdown_becomes_slack_mrkdwn_and_long_answers_are_split() -> None:
    assert (
        bk.mrkdwn("**bold** and [docs](https://x.org)\n## Head")
        == "*bold* and docs (https://x.org)\n*Head*"  # a link always shows where it goes
    )
    parts = bk.answer_blocks("line\n" * 2000)
    assert len(parts) > 1 and all(len(p["text"]["text"]) <= bk.SECTION_LIMIT for p in parts)


def test_the_edit_modal_asks_for_a_whole_quantity_and_keeps_the_card() -> None:
    ref = CardRef("t-1", "i-1", "PR-1")
    view = bk.decision_modal("edit", ref, {"c": "C1", "ts": "1.2"}, 20)
    qty = view["blocks"][0]
    assert qty["block_id"] == bk.QTY_BLOCK and qty["element"]["is_decimal_allowed"] is False
    assert qty["element"]["initial_value"] == "20"
    assert '"ref":' in view["private_metadata"] and view["callback_id"] == bk.EDIT_VIEW
    respond = bk.decision_modal("respond", ref, {}, None)
    assert [b["block_id"] for b in respond["blocks"]] == [bk.NOTE_BLOCK]
    assert respond["blocks"][0]["optional"] is False


def test_the_briefing_lists_totals_and_the_top_exceptions_within_slack_limits() -> None:
    top = [
        {
            "id": f"stockout_risk:SKU-{i:04d}@S001",
            "type": "stockout_risk",
            "sku": f"SKU-{i:04d}",
            "location": "S001",
            "money_at_risk": 1000.0 - i,
            "first_risk_date": "2026-04-02",
            "recommendation": {
                "kind": "transfer",
                "qty": 12,
                "from_location": "DC1",
                "to_location": "S001",
            },
        }
        for i in range(50)
    ]
    briefing = Briefing(
        as_of=date(2026, 3, 31),
        store="sqlite://",
        totals=[TypeTotal("stockout_risk", 50, sum(r["money_at_risk"] for r in top))],
        top=top,
        count=50,
        money_at_risk=sum(r["money_at_risk"] for r in top),
    )
    blocks = bk.briefing_blocks(briefing)
    text = "".join(b.get("text", {}).get("text", "") for b in blocks if b["type"] == "section")
    assert "*50 exceptions*, 48,775.00 at risk" in text
    assert "1. *stockout_risk* SKU-0000 @ S001 — 1,000.00" in text and "SKU-0049" in text
    assert all(len(b["text"]["text"]) <= 3000 for b in blocks if b["type"] == "section")
    assert len(blocks) <= 50
    assert (
        bk.briefing_text(briefing)
        == "StockPilot briefing 2026-03-31: 50 exceptions, 48,775.00 at risk"
    )


HOSTILE = "<!channel> <https://x|Open approval card> & <@U0ADMIN> <#C1>"


def _mrkdwn_texts(node: Any) -> list[str]:
    """Return every mrkdwn text in a block tree (plain_text is never parsed by Slack)."""
    if isinstance(node, list):
        return [t for item in node for t in _mrkdwn_texts(item)]
    if not isinstance(node, dict):
        return []
    found = [node["text"]] if node.get("type") == "mrkdwn" else []
    return found + [t for v in node.values() for t in _mrkdwn_texts(v)]


def _assert_inert(texts: list[str]) -> None:
    assert texts
    for text in texts:
        assert "<" not in text and ">" not in text.replace("\n> ", "\n"), text
    assert any("&lt;!channel&gt;" in t for t in texts)


def test_data_in_cards_never_mentions_or_links() -> None:
    hostile = {"sku": HOSTILE, "from_location": HOSTILE, "to_location": HOSTILE, "qty": 5}
    action = PendingAction("i-1", HOSTILE, "transfer", hostile, HOSTILE, 1.0)
    ref = CardRef("t-1", "i-1", HOSTILE)
    _assert_inert(_mrkdwn_texts(bk.card_blocks(CardState(ref, None, live=action, note=HOSTILE))))
    now = datetime.now(UTC)
    decided = Proposal(
        id=HOSTILE,
        thread_id="t-1",
        kind="purchase_order",
        args={"sku": HOSTILE, "supplier_id": HOSTILE, "location_id": HOSTILE, "qty": 5},
        value=1.0,
        description=HOSTILE,
        evidence={},
        status="failed",
        created_by="alice",
        created_at=now,
        decided_by=HOSTILE,
        decided_at=now,
        decision="approve",
        decision_note=f"line one\n{HOSTILE}",
        document_id=None,
        failure_reason=HOSTILE,
        version=2,
    )
    _assert_inert(_mrkdwn_texts(bk.card_blocks(CardState(ref, decided, note=HOSTILE))))
    _assert_inert(_mrkdwn_texts(bk.card_blocks(CardState(CardRef("t", "i", HOSTILE), None))))


def test_data_in_answers_and_the_briefing_never_mentions_or_links() -> None:
    _assert_inert(
        _mrkdwn_texts(bk.answer_blocks(f"Supplier {HOSTILE} [Open](https://evil.example)"))
    )
    assert "Open (https://evil.example)" in bk.mrkdwn("[Open](https://evil.example)")
    row = {
        "id": HOSTILE,
        "type": HOSTILE,
        "sku": HOSTILE,
        "location": HOSTILE,
        "money_at_risk": 1.0,
        "first_risk_date": None,
        "recommendation": {"kind": "purchase_order", "qty": 1, "supplier_id": HOSTILE},
    }
    briefing = Briefing(date(2026, 3, 31), "x", [TypeTotal(HOSTILE, 1, 1.0)], [row], 1, 1.0)
    _assert_inert(_mrkdwn_texts(bk.briefing_blocks(briefing)))
