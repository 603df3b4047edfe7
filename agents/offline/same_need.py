"""A bound or a level said again for a need the thread already has a pending draft for.

"Top S002 up to 120" or "S002 needs at least 40 of X" when this thread already has a pending
draft of X to S002 is about that draft, not a second one: one need never ends with two pending
drafts. The draft the request would make is made as an amend of the pending one instead
(`amend_proposal`: withdrawn with an audit entry and redrafted with the new quantity, as "make
it 60 instead" is), its quantity decided within the bound as for a new draft (`bounds.bounded`:
a level fills the position, on hand and on order, up to it; the pending draft being replaced is
no supply of its own). A draft from another source than the pending one's is left to
`replacing` and the draft checks.

A bound said again must be reported as it stands in the thread (`unchanged_if_met`):

- when the pending draft's quantity already meets a floor or a ceiling ("at least 40" asked
  again of a draft of 40, "make it at least 45" of a draft of 50), nothing is redrafted and the
  answer says the draft stays as it is, with its quantity;
- when the quantity decided within the bound is the draft's own, likewise — never "amended"
  to the same number.

A bare bound in such a thread ("at least 40", "no more than 30 please") is a bound on the
pending draft (`bare_bound`), not a question about where the least stock is.
"""

from __future__ import annotations

import re
from typing import Any

from agents.focus import ProposalNote
from agents.offline import bounds
from agents.offline.messages import Call, Handler, Request, Result, Step
from agents.offline.parsing import _normalise, canonicalise, entities

AMEND = "amend_proposal"
STATUS = "get_proposal_status"
PLACE_ARG = bounds.DRAFTS
"""Each drafting tool with the argument naming the place it delivers to."""
SOURCE_ARG = {"draft_transfer": "from_location", "draft_purchase_order": "supplier_id"}
KIND_OF = {"draft_transfer": "transfer", "draft_purchase_order": "purchase_order"}
FILLER = re.compile(
    r"^(?:\W|\b(?:ok(?:ay)?|so|then|and|but|well|please|pls|plz|thanks|instead|actually|"
    r"units?|make\s+(?:it|that)|let'?s\s+(?:say|do)|go\s+with|we\s+need|need)\b)*$",
    re.I,
)
"""What may stand around a bare bound ("ok, at least 40 then please")."""


def _waiting(note: ProposalNote) -> bool:
    return note.status in ("pending", "pending_approval")


def _pending_for(req: Request, call: Call) -> ProposalNote | None:
    """Return the thread's pending draft of the same need (item and place) and source."""
    place = PLACE_ARG.get(call.name)
    if place is None:
        return None
    for note in reversed(req.focus.proposals):
        args = note.args or {}
        if not _waiting(note) or note.kind != KIND_OF[call.name]:
            continue
        if args.get("sku") != call.args.get("sku") or args.get(place) != call.args.get(place):
            continue
        if args.get(SOURCE_ARG[call.name]) != call.args.get(SOURCE_ARG[call.name]):
            return None  # another source: a replacement, not an amend
        return note
    return None


def onto_pending(handler: Handler) -> Handler:
    """Wrap a drafting handler so that a draft of a need already pending amends that draft."""
    from agents.offline.handlers import amend  # the amend's own answer (old → new)

    def run(req: Request, results: list[Result]) -> Step:
        amended = [r for r in results if r.name == AMEND]
        if amended:
            return amend(req, amended)
        step = handler(req, results)
        if isinstance(step, str):
            return step
        out: list[Call] = []
        for call in step:
            note = _pending_for(req, call)
            qty = call.args.get("qty")
            if note is None or not isinstance(qty, int):
                out.append(call)
            else:
                out.append(Call(AMEND, {"proposal_id": note.proposal_id, "qty": qty}))
        return out

    return run


def _note(req: Request, pid: object) -> ProposalNote | None:
    return next((n for n in reversed(req.focus.proposals) if n.proposal_id == pid), None)


def _qty(note: ProposalNote) -> int | None:
    qty = (note.args or {}).get("qty")
    return int(qty) if isinstance(qty, int | float) and not isinstance(qty, bool) else None


def _stays(note: ProposalNote, status: Result | None, why: str) -> Step:
    """Say the pending draft stays as it is, with its quantity as the proposal store has it."""
    if status is None:
        return [Call(STATUS, {"proposal_id": note.proposal_id})]
    data = status.data if isinstance(status.data, dict) else {}
    stored = data.get("args")
    args: dict[str, Any] = stored if isinstance(stored, dict) else dict(note.args or {})
    place = args.get("to_location") or args.get("location_id")
    return (
        f"**Not changed:** {note.proposal_id} already drafts {args.get('qty')} units of "
        f"{args.get('sku')} for {place} ({data.get('status') or note.status}), {why}, so it "
        "stays as it is — no second draft and no redraft."
    )


def unchanged_if_met(handler: Handler, bound: bounds.Bound) -> Handler:
    """Wrap a bounded writing handler so that a bound the pending draft meets changes nothing.

    The answer reads the draft's quantity from the proposal store (`get_proposal_status`), not
    from the thread's memory, so it says what the state holds.
    """

    def run(req: Request, results: list[Result]) -> Step:
        status = next((r for r in results if r.name == STATUS), None)
        step = handler(req, [r for r in results if r.name != STATUS])
        if isinstance(step, str):
            return step
        for call in step:
            # The amend handler reads the store (STATUS) for a quantity the draft already has.
            note = (
                _note(req, call.args.get("proposal_id")) if call.name in (AMEND, STATUS) else None
            )
            old = _qty(note) if note is not None else None
            if note is None or old is None:
                continue
            if bound.words != bounds.TARGET and bound.met_by(old):
                return _stays(note, status, f"which is {bounds._said(bound)}")
            if call.name == STATUS or call.args.get("qty") == old:
                said = (
                    f"topping up to {bound.n}"
                    if bound.words == bounds.TARGET
                    else bounds._said(bound)
                )
                return _stays(note, status, f"which is what {said} gives")
        return step

    return run


def bare_bound(text: str, req: Request) -> bounds.Bound | None:
    """Return the bound a message says of the thread's pending draft when it is all it says."""
    if req.focus.last_proposal(pending=True) is None:
        return None
    canon, _ = canonicalise(_normalise(text), req.resolver)
    if any(entities(canon, req.resolver).values()):
        return None
    for words, lower, strict, pattern in bounds.BOUNDS:
        m = pattern.search(text)
        if m is None or words == bounds.TARGET or bounds.NOT_A_QUANTITY.match(text[m.end() :]):
            continue
        if FILLER.match(text[: m.start()] + " " + text[m.end() :]):
            return bounds.Bound(words, int(m.group("n").replace(",", "")), lower, strict)
    return None
