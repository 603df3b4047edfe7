"""Block Kit builders: copilot answers, approval cards, decision modals and the briefing.

Pure functions from what the copilot and the workspace return to Slack JSON; no I/O and no
planning logic. A card's buttons carry a `CardRef` (thread, interrupt, proposal) so a click
resumes exactly the approval the card showed, or finds it stale.
"""

from __future__ import annotations

import json
import re
from typing import Any

from erp.governance import Proposal
from graph.service import PendingAction
from stockpilot.vocabulary import MAX_EDIT_QTY, Decision
from ui.approvals import CardRef, CardState, money, status_text
from ui.briefing import Briefing, recommendation_summary

APPROVE, REJECT, EDIT, RESPOND = "sp_approve", "sp_reject", "sp_edit", "sp_respond"
ACTION_DECISIONS = {
    APPROVE: Decision.APPROVE,
    REJECT: Decision.REJECT,
    EDIT: Decision.EDIT,
    RESPOND: Decision.RESPOND,
}
EDIT_VIEW, RESPOND_VIEW = "sp_edit_view", "sp_respond_view"
QTY_BLOCK, QTY_INPUT = "qty_block", "qty"
NOTE_BLOCK, NOTE_INPUT = "note_block", "note"
SECTION_LIMIT = 2900  # Slack refuses section texts over 3,000 characters


def escape(text: object) -> str:
    """Escape data for mrkdwn (Slack's rule: `&`, `<`, `>`), so it never mentions or links."""
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def mrkdwn(text: str) -> str:
    """Convert the copilot's Markdown to Slack mrkdwn (bold, headings), escaped.

    The answer quotes data (names, ids, notes), so nothing in it may become a mention
    (`<!channel>`) or a disguised link: it is escaped, and a Markdown link shows its address
    ("text (https://...)") instead of hiding it behind the text.
    """
    text = escape(text)
    text = re.sub(r"\*\*(.+?)\*\*", r"*\1*", text)
    text = re.sub(r"^#{1,6}\s+(.+)$", r"*\1*", text, flags=re.MULTILINE)
    return re.sub(r"\[([^\]]+)\]\((https?://[^)\s]+)\)", r"\1 (\2)", text)


def _chunks(text: str, size: int = SECTION_LIMIT) -> list[str]:
    """Split text into section-sized pieces, at line breaks where possible."""
    out: list[str] = []
    while len(text) > size:
        cut = text.rfind("\n", 0, size)
        cut = cut if cut > 0 else size
        out.append(text[:cut])
        text = text[cut:].lstrip("\n")
    if text:
        out.append(text)
    return out


def section(text: str) -> dict[str, Any]:
    """Return a mrkdwn section block."""
    return {"type": "section", "text": {"type": "mrkdwn", "text": text[:SECTION_LIMIT]}}


def context(text: str) -> dict[str, Any]:
    """Return a small-print context block."""
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": text[:SECTION_LIMIT]}]}


def answer_blocks(text: str) -> list[dict[str, Any]]:
    """Return a copilot answer as section blocks."""
    return [section(part) for part in _chunks(mrkdwn(text or "(no answer)"))][:45]


def _headline(
    action: PendingAction | Proposal, proposal_id: str, value: float | None
) -> dict[str, Any]:
    return section(
        f"*{escape(action.action.summary())}*\n"
        f"Value {money(value)} · proposal `{escape(proposal_id)}`"
    )


def _button(text: str, action_id: str, ref: CardRef, style: str | None = None) -> dict[str, Any]:
    button: dict[str, Any] = {
        "type": "button",
        "text": {"type": "plain_text", "text": text},
        "action_id": action_id,
        "value": ref.encode(),
    }
    if style:
        button["style"] = style
    return button


def pending_card(
    action: PendingAction,
    ref: CardRef,
    value: float | None,
    *,
    note: str | None = None,
) -> list[dict[str, Any]]:
    """Return the approval card: what, why, and Approve / Edit quantity / Reject / Respond."""
    blocks = [_headline(action, ref.proposal_id, value)]
    if action.description:
        blocks.append(context(mrkdwn(action.description)))
    if note:
        blocks.append(context(f":warning: {escape(note)}"))
    approve = _button("Approve", APPROVE, ref, "primary")
    approve["confirm"] = {
        "title": {"type": "plain_text", "text": "Approve and commit?"},
        "text": {
            "type": "mrkdwn",
            "text": f"{escape(action.action.summary())} is written to the ERP.",
        },
        "confirm": {"type": "plain_text", "text": "Approve"},
        "deny": {"type": "plain_text", "text": "Cancel"},
    }
    blocks.append(
        {
            "type": "actions",
            "block_id": "sp_decide",
            "elements": [
                approve,
                _button("Edit quantity", EDIT, ref),
                _button("Reject", REJECT, ref, "danger"),
                _button("Respond", RESPOND, ref),
            ],
        }
    )
    blocks.append(context("Only people mapped to a StockPilot approver or admin can decide."))
    return blocks


_STATUS_EMOJI = {
    "committed": ":white_check_mark:",
    "approved": ":hourglass:",
    "rejected": ":no_entry_sign:",
    "failed": ":x:",
}


def decided_card(proposal: Proposal, *, note: str | None = None) -> list[dict[str, Any]]:
    """Return the card of a proposal that is no longer pending: its state, no buttons."""
    emoji = (
        ":speech_balloon:"
        if proposal.decision == "respond"
        else _STATUS_EMOJI.get(proposal.status, ":grey_question:")
    )
    line = f"{emoji} {escape(status_text(proposal))}"
    if proposal.decision_note:
        line += "\n> " + escape(proposal.decision_note).replace("\n", "\n> ")
    blocks = [_headline(proposal, proposal.id, proposal.value), section(line)]
    if note:
        blocks.append(context(escape(note)))
    return blocks


def card_blocks(state: CardState) -> list[dict[str, Any]]:
    """Return the blocks of a card as it stands (pending with buttons, decided, or unknown)."""
    if state.live is not None:
        return pending_card(state.live, state.ref, state.live.value, note=state.note)
    if state.proposal is None:
        return [section(escape(state.summary))]
    return decided_card(state.proposal, note=state.note)


def decision_modal(decision: str, ref: CardRef, metadata: dict[str, Any], qty: Any) -> dict:
    """Return the modal that asks for an edited quantity (edit) or a reply (respond)."""
    meta = json.dumps({**metadata, "ref": ref.encode()}, separators=(",", ":"))
    note_input = {
        "type": "input",
        "block_id": NOTE_BLOCK,
        "optional": decision == "edit",
        "label": {
            "type": "plain_text",
            "text": "Reason" if decision == "edit" else "Your answer to the copilot",
        },
        "element": {
            "type": "plain_text_input",
            "action_id": NOTE_INPUT,
            "multiline": True,
            "max_length": 2000,
        },
    }
    blocks: list[dict[str, Any]] = []
    if decision == "edit":
        blocks.append(
            {
                "type": "input",
                "block_id": QTY_BLOCK,
                "label": {"type": "plain_text", "text": "New quantity"},
                "element": {
                    "type": "number_input",
                    "action_id": QTY_INPUT,
                    "is_decimal_allowed": False,
                    "min_value": "1",
                    "max_value": str(MAX_EDIT_QTY),
                    **({"initial_value": str(qty)} if qty is not None else {}),
                },
            }
        )
    blocks.append(note_input)
    return {
        "type": "modal",
        "callback_id": EDIT_VIEW if decision == "edit" else RESPOND_VIEW,
        "private_metadata": meta,
        "title": {
            "type": "plain_text",
            "text": "Edit quantity" if decision == "edit" else "Respond",
        },
        "submit": {"type": "plain_text", "text": "Approve edit" if decision == "edit" else "Send"},
        "close": {"type": "plain_text", "text": "Cancel"},
        "blocks": blocks,
    }


def briefing_blocks(briefing: Briefing) -> list[dict[str, Any]]:
    """Return the daily exception briefing: totals by type and the top exceptions."""
    blocks: list[dict[str, Any]] = [
        {
            "type": "header",
            "text": {"type": "plain_text", "text": f"StockPilot briefing — {briefing.as_of}"},
        },
        section(
            f"*{briefing.count} exceptions*, {money(briefing.money_at_risk)} at risk"
            if briefing.count
            else "No exceptions today."
        ),
    ]
    if briefing.totals:
        lines = [
            f"• {escape(t.type)}: {t.count} · {money(t.money_at_risk)} at risk"
            for t in briefing.totals
        ]
        blocks.append(section("\n".join(lines)))
    if briefing.top:
        blocks.append({"type": "divider"})
        rows = [
            f"{i}. *{escape(r['type'])}* {escape(r['sku'])} @ {escape(r['location'])} — "
            f"{money(r['money_at_risk'])} at risk, first risk {r['first_risk_date'] or '—'} · "
            f"_{escape(recommendation_summary(r['recommendation']))}_ · "
            f"`{escape(r.get('id', ''))}`"
            for i, r in enumerate(briefing.top, 1)
        ]
        title = f"*Top {len(briefing.top)} by money at risk*\n"
        blocks += [section(part) for part in _chunks(title + "\n".join(rows))]
    blocks.append(
        context(
            "`/stockpilot explain &lt;id&gt;` shows the evidence; "
            "`/stockpilot fix &lt;id&gt;` drafts it."
        )
    )
    return blocks


def briefing_text(briefing: Briefing) -> str:
    """Return the briefing's notification text (the fallback of the blocks)."""
    return (
        f"StockPilot briefing {briefing.as_of}: {briefing.count} exceptions, "
        f"{money(briefing.money_at_risk)} at risk"
    )
