"""Adaptive Cards for Teams: approval cards with the four decisions, and their outcomes.

Pure functions from a `ui.approvals.CardState` to Adaptive Card JSON (schema 1.4). The four
buttons are `Action.Submit`; each carries the card reference (thread, interrupt, proposal) and
the decision, and Teams adds the card's inputs (`qty`, `reason`) to the submitted value.
"""

from __future__ import annotations

import re
from typing import Any

from botbuilder.schema import Attachment

from stockpilot.actions import Action
from stockpilot.vocabulary import MAX_EDIT_QTY
from ui.approvals import CardRef, CardState, money, status_text

CARD_CONTENT_TYPE = "application/vnd.microsoft.card.adaptive"
SUBMIT_KIND = "stockpilot.decide"
MARKDOWN_LINK = re.compile(r"\[([^\]]*)\]\(([^)\s]*)\)")
QTY_INPUT, REASON_INPUT = "qty", "reason"
BUTTONS = (
    ("Approve", "approve", "positive"),
    ("Edit quantity", "edit", "default"),
    ("Reject", "reject", "destructive"),
    ("Respond", "respond", "default"),
)


def _card(body: list[dict[str, Any]], actions: list[dict[str, Any]] | None = None) -> dict:
    card: dict[str, Any] = {
        "type": "AdaptiveCard",
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "version": "1.4",
        "body": body,
    }
    if actions:
        card["actions"] = actions
    return card


def _text(text: str, *, spacing: str | None = None, **style: Any) -> dict[str, Any]:
    """Return literal text: a TextRun, which Teams never reads as Markdown.

    Card text quotes data (SKUs, supplier names, notes); in a TextBlock, `[Open](https://x)`
    would become a disguised link, so every text goes in a RichTextBlock's TextRun instead.
    """
    block: dict[str, Any] = {
        "type": "RichTextBlock",
        "inlines": [{"type": "TextRun", "text": text, **style}],
    }
    if spacing:
        block["spacing"] = spacing
    return block


def unlink(text: str) -> str:
    """Show a Markdown link's address next to its text, so a message cannot disguise a link."""
    return MARKDOWN_LINK.sub(r"\1 (\2)", text)


def _headline(action: Action, proposal_id: str, value: float | None) -> list:
    return [
        _text(action.summary(), weight="Bolder", size="Medium"),
        _text(f"Value {money(value)} · proposal {proposal_id}", isSubtle=True, spacing="None"),
    ]


def pending_card(state: CardState) -> dict[str, Any]:
    """Return the approval card: what, why, inputs (quantity, reason) and the four decisions."""
    live = state.live
    assert live is not None, "a pending card needs the live pending action"
    body = _headline(live.action, live.proposal_id, live.value)
    if live.description:
        body.append(_text(live.description, size="Small"))
    if state.note:
        body.append(_text(state.note, color="Warning", size="Small"))
    body += [
        {
            "type": "Input.Number",
            "id": QTY_INPUT,
            "label": "Quantity (for Edit quantity)",
            "min": 1,
            "max": MAX_EDIT_QTY,
            "value": live.args.get("qty"),
        },
        {
            "type": "Input.Text",
            "id": REASON_INPUT,
            "label": "Reason (Reject) or answer to the copilot (Respond)",
            "isMultiline": True,
            "maxLength": 2000,
        },
        _text(
            "Only people mapped to a StockPilot approver or admin can decide.",
            isSubtle=True,
            size="Small",
        ),
    ]
    ref = CardRef(state.ref.thread_id, live.interrupt_id, live.proposal_id)
    actions = [
        {
            "type": "Action.Submit",
            "title": title,
            "style": style,
            "data": {"kind": SUBMIT_KIND, "decision": decision, **ref.as_dict()},
        }
        for title, decision, style in BUTTONS
    ]
    return _card(body, actions)


def decided_card(state: CardState) -> dict[str, Any]:
    """Return the card of a proposal that is no longer pending: its state, no buttons."""
    proposal = state.proposal
    if proposal is None:
        return _card([_text(state.summary)])
    body = _headline(proposal.action, proposal.id, proposal.value)
    colour = {"committed": "Good", "rejected": "Attention", "failed": "Attention"}
    body.append(
        _text(status_text(proposal), weight="Bolder", color=colour.get(proposal.status, "Default"))
    )
    if proposal.decision_note:
        body.append(_text(f"“{proposal.decision_note}”", isSubtle=True))
    if state.note:
        body.append(_text(state.note, size="Small", isSubtle=True))
    return _card(body)


def card_for(state: CardState) -> dict[str, Any]:
    """Return the card as it stands: pending with the decisions, or its current state."""
    return pending_card(state) if state.pending else decided_card(state)


def attachment(card: dict[str, Any]) -> Attachment:
    """Wrap an Adaptive Card as a message attachment."""
    return Attachment(content_type=CARD_CONTENT_TYPE, content=card)
