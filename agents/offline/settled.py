"""One need, one pending draft: a bare "yes" or a repeated request adds no second draft.

A bare confirmation ("yes", "ok do that", "go ahead", "sure") carries out only what the previous
answer offered (`handlers.draft_previous`, `agents.offline.offers`). Two moments offer nothing:

- right after a draft: the draft is already pending; a second draft for the same need would
  stack two for one need, so the answer names the pending draft (id, quantity) instead;
- right after an approver's decision at the gate: the decision is reported and nothing is
  drafted (an approval has covered the need; a rejection is the approver's no to it).

A request repeated in the thread, or written twice in one message ("transfer 20 X from A to B,
20 X from A to B"), is the same draft: a draft the thread already has pending with the same
item, places and quantity is not made again, and the answer says it is pending.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Any

from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, ToolMessage

from agents.focus import Focus, ProposalNote
from agents.offline.messages import Call, Request, Result, Step, _text
from agents.offline.offers import YES
from agents.offline.render import _approval_summary
from stockpilot.vocabulary import GATE_NAME

DRAFTS = ("draft_transfer", "draft_purchase_order", "draft_recommended_action")
_PENDING = ("pending", "pending_approval")


def is_bare(text: str) -> bool:
    """Return whether a reply is only a confirmation (and not empty)."""
    return bool(re.search(r"\w", text)) and bool(YES.match(text))


def _last_turn(earlier: Sequence[BaseMessage]) -> tuple[HumanMessage | None, list[BaseMessage]]:
    """Return the thread's last human message (planner or gate) and what followed it.

    A turn that was itself only a confirmation and called no tool ("yes" — "it is already
    pending") is read past: the answer before it is still the one confirmed.
    """
    end = len(earlier)
    for i in range(len(earlier) - 1, -1, -1):
        msg = earlier[i]
        if not isinstance(msg, HumanMessage):
            continue
        after = list(earlier[i + 1 : end])
        called = any(isinstance(m, AIMessage) and m.tool_calls for m in after)
        if msg.name != GATE_NAME and not called and is_bare(_text(msg)):
            end = i
            continue
        return msg, after
    return None, []


def _load(text: str) -> Any:
    try:
        return json.loads(text)
    except (TypeError, ValueError):
        return None


def _drafted(after: Sequence[BaseMessage]) -> tuple[list[str], bool]:
    """Return the proposals a turn drafted pending, and whether it left an alternative offered."""
    names = {
        str(tc.get("id")): tc["name"]
        for m in after
        if isinstance(m, AIMessage)
        for tc in m.tool_calls
    }
    pending: list[str] = []
    offered = False
    for m in after:
        if not isinstance(m, ToolMessage) or not str(names.get(m.tool_call_id, "")).startswith(
            ("draft_", "amend_")
        ):
            continue
        data = _load(_text(m))
        if not isinstance(data, dict):
            continue
        if data.get("proposal_id") and data.get("status") in _PENDING:
            pending.append(str(data["proposal_id"]))
        elif data.get("status") in ("invalid", "refused") and data.get("accepted"):
            offered = True  # "… can do 17 instead": the yes may be for that
    return pending, offered


def describe(note: ProposalNote) -> str:
    """Say a pending proposal in a few words: its id, kind, quantity, item and places."""
    a = note.args or {}
    what = str(note.kind or "proposal").replace("_", " ")
    qty = f" of {a['qty']}" if a.get("qty") is not None else ""
    sku = f" × {a['sku']}" if a.get("sku") else ""
    src = a.get("from_location") or a.get("supplier_id")
    dst = a.get("to_location") or a.get("location_id")
    places = (f" from {src}" if src else "") + (f" to {dst}" if dst else "")
    return f"**{note.proposal_id}** ({what}{qty}{sku}{places})"


def already_pending(notes: Sequence[ProposalNote], why: str) -> str:
    """Say that these drafts are already pending and nothing more was drafted."""
    listed = ", ".join(describe(n) for n in notes)
    verb = "is" if len(notes) == 1 else "are"
    return (
        f"{listed} {verb} already **pending approval** in this thread, so {why} and I have not "
        "drafted a second one for the same need. An approver decides it at the approval gate; "
        "say **make it <qty>** to change the quantity or **withdraw it** to take it back."
    )


def settled(text: str, earlier: Sequence[BaseMessage], focus: Focus) -> str | None:
    """Answer a bare confirmation that has nothing offered to carry out (None: not one).

    Right after a gate decision: the decision, and nothing drafted. Right after a draft (and no
    refused draft's alternative offered): the pending draft, and nothing drafted again.
    """
    if not earlier or not is_bare(text):
        return None
    last, after = _last_turn(earlier)
    if last is None:
        return None
    if last.name == GATE_NAME:
        return (
            _approval_summary(_text(last))
            + "\n\nThat decision was the approver's, so a confirmation has nothing left to carry "
            "out: I have not drafted anything. Name what you want drafted (e.g. **transfer <qty> "
            "<SKU> from <location> to <location>**) if something more is needed."
        )
    pending, offered = _drafted(after)
    if offered or not pending:
        return None
    notes = [n for n in focus.proposals if n.proposal_id in pending and n.status in _PENDING]
    if not notes:
        return None
    return already_pending(notes, "a confirmation has nothing new to carry out")


MORE = re.compile(r"\b(?:more|another|additional|extra|on\s+top|as\s+well|also|too)\b", re.I)
"""Words that ask for a draft on top of one already made ("transfer 10 more ...")."""


def _need(kind: str, a: dict[str, Any]) -> tuple[Any, ...] | None:
    """Return the need a plain draft is for: its kind, item, source and destination."""
    if kind in ("draft_transfer", "transfer"):
        return ("transfer", a.get("sku"), a.get("from_location"), a.get("to_location"))
    if kind in ("draft_purchase_order", "purchase_order"):
        return ("purchase_order", a.get("sku"), a.get("supplier_id"), a.get("location_id"))
    return None


AMEND = "amend_proposal"
EXCEPTION_PLACE = re.compile(r"^[^:]+:(?P<sku>[^@]+)@(?P<loc>[^:]+)")
"""The item and place an exception id names ("stockout_risk:SKU-0012@S003")."""


def _pending_for_exception(focus: Focus, exception_id: object) -> ProposalNote | None:
    """Return the thread's pending draft that brings the exception's item to its place."""
    m = EXCEPTION_PLACE.match(str(exception_id or ""))
    if m is None:
        return None
    for n in reversed(focus.proposals):
        a = n.args or {}
        place = a.get("to_location") or a.get("location_id")
        if n.status in _PENDING and a.get("sku") == m["sku"] and place == m["loc"]:
            return n
    return None


def amended_instead(req: Request, results: Sequence[Result]) -> Step:
    """Answer a request for a pending need that `one_draft_each` made an amend of that draft.

    The amend's own answer (old → new quantity, or why the checks left it as it was), led by
    why the pending draft was changed rather than a second one drafted.
    """
    from agents.offline.handlers import amend  # the amend's own answer (old → new)

    out = amend(req, list(results))
    if not isinstance(out, str):
        return out
    said = []
    for r in results:
        note = next(
            (n for n in req.focus.proposals if n.proposal_id == r.args.get("proposal_id")), None
        )
        if r.name != AMEND or note is None:
            continue
        done = isinstance(r.data, dict) and "pending" in str(r.data.get("status", ""))
        said.append(
            f"{describe(note)} was already pending for this need, so I "
            + ("amended it" if done else "asked to amend it")
            + f" to {r.args.get('qty')} rather than draft a second one"
        )
    if not said:
        return out
    return (
        "; ".join(said)
        + " (say **… more** or **another …** for a second draft on top of it).\n\n"
        + out
    )


def one_draft_each(calls: list[Call], focus: Focus, text: str) -> list[Call] | str:
    """Drop a draft made twice in one message, or one the thread already has pending.

    The same draft twice in one message is made once; the same need twice with two quantities
    is asked about. A draft for a need the thread has pending (same item, source and
    destination) is not made again unless the request asks for more ("10 more", "another"):
    with the pending draft's own quantity it is that draft (the answer says it is pending);
    with another quantity, and alone in its message, it amends the pending draft to it
    (`amend_proposal`, as "make it 25 instead" does). The engine's fix for an exception whose
    item and place a pending draft already serves ("fix stockout_risk:X@S003") is not drafted
    beside it: the answer points to the pending draft and how to change it.
    Returns the calls left, or the answer when there is nothing left to draft.
    """
    pending: dict[tuple[Any, ...], ProposalNote] = {}
    for n in focus.proposals:
        key = _need(str(n.kind), n.args or {})
        if n.status in _PENDING and key is not None:
            pending[key] = n
    kept: list[Call] = []
    asked: dict[tuple[Any, ...], Any] = {}
    repeated: list[ProposalNote] = []
    fixed: list[ProposalNote] = []
    alone = sum(1 for c in calls if c.name.startswith(DRAFTS)) == 1
    for call in calls:
        if call.name == "draft_recommended_action" and not MORE.search(text):
            note = _pending_for_exception(focus, call.args.get("exception_id"))
            if note is not None:
                fixed.append(note)  # "fix <exception>" of a need already drafted
                continue
        key = _need(call.name, call.args)
        if key is not None:
            qty = call.args.get("qty")
            if key in asked:
                if asked[key] == qty:
                    continue  # written twice in one message: one draft
                return (
                    f"You gave two quantities ({asked[key]} and {qty}) for the same draft "
                    f"({key[1]} to {key[3]}), so I have not drafted anything: which one should "
                    "it be? Say, for example, **transfer <qty> <SKU> from <location> to "
                    "<location>** once."
                )
            asked[key] = qty
            if key in pending and not MORE.search(text):
                note = pending[key]
                old = (note.args or {}).get("qty")
                if alone and isinstance(qty, int) and isinstance(old, int) and qty != old:
                    # "transfer 25 …" with 20 pending for the need: that draft, made 25
                    kept.append(Call(AMEND, {"proposal_id": note.proposal_id, "qty": qty}))
                    continue
                repeated.append(note)
                continue
        kept.append(call)
    if (repeated or fixed) and not any(c.name.startswith((*DRAFTS, AMEND)) for c in kept):
        if fixed and not repeated:
            exc = next(
                str(c.args.get("exception_id"))
                for c in calls
                if c.name == "draft_recommended_action"
            )
            return already_pending(fixed, f"the fix for `{exc}` is the need it already drafts for")
        return already_pending(repeated + fixed, "that request is the one already drafted")
    return kept
