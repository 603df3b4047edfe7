"""Which of a thread's proposals a follow-up means: by id, by ordinal, or all of them.

The intent table decides *what* a follow-up does (amend, withdraw, a status question); this
module decides *which* proposals it does it to, in one place for every such handler:

- a proposal id said in any case ("withdraw pr-8b08d28aeccf", "make PR-8B08D28AECCF 35"),
  of this thread or not (the tool checks it exists and may be changed);
- an ordinal over the thread's proposals in the order they were drafted ("the first one",
  "the second draft", "the last transfer"): for a change, over the pending ones; an amended
  proposal's redraft takes its predecessor's place (the order the planner saw them), so
  "make the first one 30" then "withdraw the second one" withdraws the second one;
- a plural ("both", "all", "them", "each of them"): every such proposal of the thread;
- otherwise nothing is said here, and the handler keeps its default (the named or latest one).

An ordinal past the end, or one the thread cannot tell apart, is answered with a question that
lists the proposals (`ask_which`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from agents.focus import Focus, ProposalNote

PROPOSAL_ID = re.compile(r"(?<![\w-])PR-[0-9A-F]{6,}(?![\w-])", re.I)
"""A proposal id as the store writes it (PR- and hex digits), said in any case."""

NOUN = r"(?:one|draft|proposal|transfer|move|order|po|purchase\s+order|request)s?"
ORDINAL = re.compile(
    r"\b(?:the\s+|that\s+|my\s+)?(?P<word>first|second|third|fourth|fifth|1st|2nd|3rd|4th|5th|"
    r"last|latest|earlier|earliest|older|newer|other)\s+" + NOUN + r"\b",
    re.I,
)
POSITIONS = {
    "first": 1, "1st": 1, "earliest": 1, "earlier": 1, "older": 1,
    "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4, "fifth": 5, "5th": 5,
    "last": -1, "latest": -1, "newer": -1,
}  # fmt: skip
PLURAL = re.compile(
    r"\b(?:both(?:\s+of\s+them)?|all(?:\s+of)?\s+(?:them|those|these|the\s+\w+s|my\s+\w+s)|"
    r"all(?=\W*$)|them(?:\s+all|\s+both)?|those|these|each\s+of\s+them|every\s+(?:one|draft|"
    r"proposal|transfer|order))\b",
    re.I,
)
"""Words that point at more than one proposal ("withdraw both", "make them 30")."""


@dataclass(frozen=True)
class Pointed:
    """The proposals a follow-up points at: ids (empty when it says none), or a question."""

    ids: tuple[str, ...] = ()
    question: str | None = None
    plural: bool = False


def said_ids(text: str) -> list[str]:
    """Return the proposal ids a message says, upper-cased as the store keeps them."""
    return list(dict.fromkeys(m.group(0).upper() for m in PROPOSAL_ID.finditer(text)))


def _waiting(note: ProposalNote) -> bool:
    return note.status in ("pending", "pending_approval")


def describe(note: ProposalNote) -> str:
    """Say a proposal in a few words: its id, kind, quantity, item and places."""
    a = note.args or {}
    where = " → ".join(str(a[k]) for k in ("from_location", "to_location") if a.get(k)) or str(
        a.get("location_id") or ""
    )
    what = " × ".join(str(v) for v in (a.get("qty"), a.get("sku")) if v is not None)
    kind = note.kind.replace("_", " ")
    return f"**{note.proposal_id}** ({kind} {what} {where}, {note.status})".replace("  ", " ")


def ask_which(notes: Sequence[ProposalNote], why: str = "") -> str:
    """Ask which of the thread's proposals is meant, listing them."""
    n = len(notes)
    lines = [
        (why or f"This conversation has {n} proposal{'s' if n != 1 else ''}.")
        + " Which one do you mean?",
        *(f"{i}. {describe(note)}" for i, note in enumerate(notes, 1)),
        "Say, for example, **make the first one <qty>** or name its id. I have not changed "
        "anything.",
    ]
    return "\n".join(lines)


def in_place_order(notes: Sequence[ProposalNote]) -> list[ProposalNote]:
    """Return proposals in the order the planner saw them drafted, each redraft in its place.

    A redraft (an amend: `replaces`) stands where the proposal it replaced stood, and the
    replaced one, no longer pending, is left out; everything else keeps its drafting order.
    """
    place: dict[str, int] = {}
    for i, note in enumerate(notes):
        place[note.proposal_id] = place.get(note.replaces or "", i)
    replaced = {n.replaces for n in notes if n.replaces}
    kept = [n for n in notes if n.proposal_id not in replaced]
    return sorted(kept, key=lambda n: place[n.proposal_id])


def pointed(text: str, focus: Focus, *, pending: bool) -> Pointed:
    """Return the proposals a follow-up points at by id, ordinal or plural (see module doc).

    `pending`: the follow-up changes a proposal (amend, withdraw), so ordinals and plurals
    count the thread's pending proposals only.
    """
    ids = said_ids(text)
    if ids:
        return Pointed(tuple(ids), plural=len(ids) > 1)
    seen = list({n.proposal_id: n for n in focus.proposals}.values())
    drafted = [n for n in seen if _waiting(n)] if pending else seen  # drafting order
    counted = {n.proposal_id for n in drafted}
    pool = [n for n in in_place_order(seen) if n.proposal_id in counted]
    m = ORDINAL.search(text)
    if m is not None and pool:
        word = m.group("word").lower()
        if word == "other":
            return Pointed(question=ask_which(pool)) if len(pool) > 2 else Pointed()
        n = POSITIONS[word]
        if word in ("latest", "newer"):  # the newest drafted, a redraft included
            kept = {n.proposal_id for n in pool}
            return Pointed(
                (next(d for d in reversed(drafted) if d.proposal_id in kept).proposal_id,)
            )
        if n == -1:
            return Pointed((pool[-1].proposal_id,))
        if n > len(pool):
            said = f"This conversation has {len(pool)} {'pending ' if pending else ''}proposal"
            said += "s" if len(pool) != 1 else ""
            return Pointed(question=ask_which(pool, f"{said}, so there is no {m.group('word')}."))
        return Pointed((pool[n - 1].proposal_id,))
    if PLURAL.search(text) and len(pool) > 1:
        return Pointed(tuple(n.proposal_id for n in pool), plural=True)
    return Pointed()
