"""A correction of the pending draft's source ("actually from DC-SOUTH", "make that from S004").

After a draft, "actually from DC-SOUTH", "no, send it from the other DC", "make that from S004
instead" or, for a purchase order, "actually from SUP-03" say where the same draft should come
from: the thread's pending proposal keeps its item, destination and quantity and changes only
its source. Only a correction with no quantity and no other item is read so ("actually take 20
from S004" is a new draft, and "instead" makes it replace the pending one: `replacing`).

The new source is checked before anything changes: for a transfer, the lane from it to the
destination (`get_lanes`, looked up in both directions, so the answer can say that a lane runs
only the other way); for a purchase order, that the supplier sells the item (`get_item`). A
source that cannot serve is refused with the alternatives (the lanes into the destination, the
item's suppliers) and the pending draft stays as it was. Otherwise the pending draft is
withdrawn (audited, its reason naming the new source) and redrafted from the new source with
the same quantity: withdrawn first, because the draft checks count a pending draft to the same
place as supply on its way, which would cut its own replacement. Should the new draft still
fail its checks, the answer says so and offers the original back ("Shall I draft it again?").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from agents.focus import ProposalNote
from agents.offline.messages import Call, Request, Result, Step, instruction
from agents.offline.parsing import (
    OTHER_DC_RE,
    OTHER_STORE_RE,
    entities,
    kind_of,
    other_dcs,
    other_location,
)
from agents.offline.render import _error_text, _render_drafts

CORRECTING = re.compile(
    r"^\W*(?:no|nope|sorry|oops|wait|actually|rather|make\s+(?:that|it|this)|change\s+"
    r"(?:that|it|this|the\s+source)|switch\s+(?:that|it|this|the\s+source)|use|"
    r"(?:let'?s\s+)?(?:send|ship|move|take|source|get|pull|order|buy)\s+(?:it|that|this|them))\b"
    r"|\b(?:instead|rather|actually)\b",
    re.I,
)
"""Words that correct what was just drafted."""
FROM_PLACE = re.compile(
    r"\b(?:from|out\s+of|via|use|using)\s+(?:the\s+)?(?P<place>other\s+(?:dc|warehouse|"
    r"distribution\s+cent(?:er|re)|store|shop|branch)\b|[A-Za-z0-9][\w-]*)",
    re.I,
)
"""The source a correction names: a location or supplier id, or "the other DC"/"store"."""
A_QUANTITY = re.compile(r"(?<![\w.-])\d[\d,]*(?![\w-])")
LANES = "get_lanes"
WITHDRAW = "withdraw_proposal"
TOOL_OF = {"transfer": "draft_transfer", "purchase_order": "draft_purchase_order"}


@dataclass(frozen=True)
class Correction:
    """The pending draft to change and the source it should come from."""

    note: ProposalNote
    source: str


def _old_source(note: ProposalNote) -> str | None:
    args = note.args or {}
    value = args.get("from_location") if note.kind == "transfer" else args.get("supplier_id")
    return str(value) if value else None


def _destination(note: ProposalNote) -> str | None:
    args = note.args or {}
    value = args.get("to_location") or args.get("location_id")
    return str(value) if value else None


def read(req: Request, text: str | None = None) -> Correction | None:
    """Return the source correction a follow-up says of the thread's pending draft, else None.

    `text` is the planner's message with names read as ids (default: the request's text).
    """
    note = req.focus.last_proposal(pending=True)
    text = req.text if text is None else text
    if note is None or note.kind not in TOOL_OF or not CORRECTING.search(text):
        return None
    if A_QUANTITY.search(re.sub(r"\b(?:DC|S|SUP|SKU)[-\w]*\d\w*", " ", text)):
        return None  # a quantity: a new draft, read as one
    m = FROM_PLACE.search(text)
    if m is None:
        return None
    args = note.args or {}
    found = entities(text, req.resolver)
    if any(sku != args.get("sku") for sku in found["sku"]):
        return None
    place = m.group("place").rstrip("-_")
    old, dst = _old_source(note), _destination(note)
    kind = kind_of(place, req.resolver) or kind_of(place.upper(), req.resolver)
    if kind in ("location", "supplier") and not (req.resolver and req.resolver.get(kind, place)):
        place = place.upper()
    if OTHER_DC_RE.search(f"the {place}") and note.kind == "transfer":
        others = other_dcs(old or dst, req.resolver)
        if len(others) != 1:
            return None  # three DCs: asked which (`intents._which_other_dc`)
        place, kind = others[0], "location"
    elif OTHER_STORE_RE.search(f"the {place}") and note.kind == "transfer":
        here = old if old and not old.upper().startswith("DC") else dst
        other = other_location(here, req.resolver, store=True) if here else None
        if other is None or other == dst:
            return None
        place, kind = other, "location"
    elif kind not in ("location", "supplier"):
        return None  # "from there", "from stock": no source named
    is_supplier = kind == "supplier"
    if is_supplier != (note.kind == "purchase_order"):
        return None  # a supplier for a transfer, a place for a PO: not a source correction
    if any(i not in (place, dst) for i in found["location"] + found["supplier"]):
        return None  # another destination named too: not only a new source
    return Correction(note, place)


def _data(result: Result | None) -> dict[str, Any]:
    return result.data if result is not None and isinstance(result.data, dict) else {}


def _instruction(note: ProposalNote) -> str:
    """Return the request that drafts the noted proposal again (`messages.instruction`)."""
    tool = "draft_transfer" if note.kind == "transfer" else "draft_purchase_order"
    return str(instruction(Call(tool, dict(note.args or {}))))


def _lane(row: dict[str, Any]) -> str:
    return f"{row.get('from_location')} ({row.get('lead_time_days')}-day lane)"


def _lane_refusal(c: Correction, lanes: list[Result]) -> str | None:
    """Say why the new source has no lane to the destination, or None when it has one."""
    dst = _destination(c.note)
    there = next((r for r in lanes if r.args.get("from_location") == c.source), None)
    back = next((r for r in lanes if r.args.get("to_location") == c.source), None)
    if there is None:
        return None
    if there.error:
        return f"I have not changed {c.note.proposal_id}: {_error_text(there)}"
    if _data(there).get("exists"):
        return None
    other_way = (
        f"there is one the other way, from {dst} to {c.source}, but a transfer needs the lane "
        f"into {dst}"
        if _data(back).get("exists")
        else f"nor one the other way, from {dst} to {c.source}"
    )
    into = [x for x in _data(there).get("lanes_into") or [] if isinstance(x, dict)]
    alternatives = [x for x in into if x.get("from_location") != _old_source(c.note)]
    alt = ", ".join(_lane(x) for x in into) or "none"
    example = (
        f" Say, for example, **make that from {alternatives[0].get('from_location')} instead**."
        if alternatives
        else ""
    )
    return (
        f"**I have not changed {c.note.proposal_id}**: there is no transfer lane from "
        f"{c.source} to {dst} ({other_way}), so a transfer from {c.source} would be refused. "
        f"It stays pending as it was, from {_old_source(c.note)}. Lanes into {dst}: {alt}."
        + example
    )


def _supplier_refusal(c: Correction, item: Result) -> str | None:
    """Say why the new supplier cannot supply the item, or None when it does."""
    if item.error:
        return f"I have not changed {c.note.proposal_id}: {_error_text(item)}"
    rows = [r for r in _data(item).get("suppliers") or [] if isinstance(r, dict)]
    if any(r.get("supplier_id") == c.source for r in rows):
        return None
    sku = (c.note.args or {}).get("sku")
    sellers = ", ".join(str(r.get("supplier_id")) for r in rows) or "none on file"
    return (
        f"**I have not changed {c.note.proposal_id}**: {c.source} does not supply {sku} (its "
        f"suppliers: {sellers}), so it stays pending as it was, from {_old_source(c.note)}."
    )


def replace_source(req: Request, results: list[Result]) -> Step:
    """Redraft the thread's pending draft from the source a correction names."""
    c = read(req, req.get("said"))
    if c is None:
        return (
            "There is no pending draft in this conversation to change, so I have not changed "
            "anything."
        )
    note, args = c.note, dict(c.note.args or {})
    old, dst = _old_source(note), _destination(note)
    if c.source == old:
        return (
            f"{note.proposal_id} already comes from {old}, so I have not changed it: it stays "
            "pending as it was."
        )
    if c.source == dst:
        return f"I have not changed {note.proposal_id}: {dst} is where it goes, not a source."
    lanes = [r for r in results if r.name == LANES]
    item = next((r for r in results if r.name == "get_item"), None)
    withdrawn = next((r for r in results if r.name == WITHDRAW), None)
    drafts = [r for r in results if r.name == TOOL_OF[note.kind]]
    if note.kind == "transfer" and not lanes:
        return [
            Call(LANES, {"from_location": c.source, "to_location": dst}),
            Call(LANES, {"from_location": dst, "to_location": c.source}),
        ]
    if note.kind == "purchase_order" and item is None:
        return [Call("get_item", {"sku": args.get("sku")})]
    if withdrawn is None:
        refusal = (
            _lane_refusal(c, lanes)
            if note.kind == "transfer"
            else _supplier_refusal(c, item)
            if item is not None
            else None
        )
        if refusal is not None:
            return refusal
        why = f"replaced: the source changes from {old} to {c.source}"
        return [Call(WITHDRAW, {"proposal_id": note.proposal_id, "reason": why})]
    if withdrawn.error:
        return (
            f"I have not changed {note.proposal_id}: it could not be withdrawn "
            f"({withdrawn.error}), so no new draft was made."
        )
    if not drafts:
        key = "from_location" if note.kind == "transfer" else "supplier_id"
        new = {**args, key: c.source}
        return [Call(TOOL_OF[note.kind], new)]
    made = drafts[-1]
    if _data(made).get("status") == "pending_approval":
        return (
            f"**Replaced (new source):** {note.proposal_id} (from {old}) is withdrawn (audited) "
            f"and redrafted from {c.source} with the same quantity, so one draft covers this "
            "need.\n\n" + _render_drafts(drafts)
        )
    return (
        f"{note.proposal_id} (from {old}) is withdrawn (audited), but the draft from {c.source} "
        f"did not go through:\n\n{_render_drafts(drafts)}\n\n**Shall I draft the original "
        f"again?** Nothing is pending for this need now: say **{_instruction(note)}** to "
        "draft it from "
        f"{old} again."
    )
