"""A follow-up that re-runs the thread's last request with one slot changed.

After a turn that worked, planners reuse its request and change one thing: "only the ones at
Marion" (a location filter on the list just shown), "for the Marion ones, anything I can
action?" (that store's exceptions), "same thing across all of Personal Care" (the scope widened
from an item to its category), "the other two?" (the remaining DCs), "fine, out of DC-NORTH
instead, same 40" (a transfer's source replaced). `changed` reads such a follow-up against the
thread's last tool call: where the follow-up names only new entities of a kind that call takes
(and words that carry no request of their own), it returns that call with the slot replaced; a
change of a draft's source is returned as the instruction to draft, read like any other write.
Where the change could mean several things ("the other stores"), it returns the clarifying
question naming them; a DC named in reply to "which DC do you mean?" is the transfer's source.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from langchain_core.messages import AIMessage, BaseMessage

from agents.offline.messages import Call, Request

LISTS = frozenset(
    {"list_exceptions", "summarize_exceptions", "get_open_supply", "get_routine_orders"}
)
"""Look-ups whose answer is a list a follow-up may narrow to a place ("only the ones at X")."""
CATEGORY_SCOPED = frozenset({"list_exceptions", "summarize_exceptions", "run_what_if"})
"""Look-ups that take a category as their scope."""

FILLER = frozenset(
    """
    ok okay right alright so and now then but please pls plz thanks thx cheers hi hey what about
    how does do is it the a an for at in into on of to with over same thing things question
    again too also as well instead likewise ditto that this those these there here just only
    specifically me us show run check repeat redo could can you would will be great if
    look looking let lets let's try yes yeah sure cool fine good plus one ones onesie all
    across entire whole full complete total range scenario same-thing which are them filter
    narrow down limit keep restrict item items sku skus product products lines line list
    exceptions exception flags flagged issues
    """.split()  # noqa: SIM905
)
"""Words that carry no request of their own in a slot-change follow-up."""
ACTION = re.compile(
    r"\b(?:action(?:able)?|act\s+on|(?:can|could|should)\s+(?:i|we)\s+(?:do|fix)|to\s+do|"
    r"fix(?:able)?|do\s+about)\b",
    re.I,
)
"""A follow-up asking what can be done ("anything I can action?"): the place's exceptions."""
ACTION_WORDS = frozenset(
    "anything something i we action actionable act fix fixable about".split()  # noqa: SIM905
)
CATEGORY_WORD = re.compile(
    r"\b(?:(?:the|its|that|this|same)\s+)?(?:whole\s+|entire\s+)?categor(?:y|ies)\b", re.I
)
OTHERS = re.compile(
    r"\b(?:the\s+)?(?:other|remaining|rest\s+of\s+the)\s+(?:(?:two|2|three|3|four|4)\b\s*"
    r"(?:dcs?|warehouses?|stores?|shops?|sites?|ones)?|ones|dcs|warehouses|stores|shops|sites)\b",
    re.I,
)
"""The locations of the previous one's kind not yet asked about ("the other two (DCs)")."""
SOURCE = re.compile(
    r"\b(?:from|out\s+of|source|sourced|ship\s+it\s+from|send\s+it\s+from|use|using|via)\b", re.I
)
SOURCE_WORDS = frozenset(
    """
    from out source sourced ship send sending use using via it quantity qty amount units
    same number then instead as fine ok okay try trying do that could you please pls make
    """.split()  # noqa: SIM905
)
NUMBER = re.compile(r"\b\d+\b")
OTHER_DC_ASKED = re.compile(r"^Which DC do you mean by", re.M)
"""The question asked for "from the other DC" among several (`intents.OTHER_DC`)."""


@dataclass(frozen=True)
class Change:
    """What a slot-change follow-up asks: calls to make again, a draft to say, or a question."""

    calls: list[Call] | None = None
    instruction: str | None = None
    question: str | None = None


def _last_call(earlier: Sequence[BaseMessage]) -> tuple[str, dict[str, Any]] | None:
    for msg in reversed(earlier):
        if isinstance(msg, AIMessage) and msg.tool_calls:
            call = msg.tool_calls[-1]
            return str(call["name"]), dict(call.get("args") or {})
    return None


def _last_calls(earlier: Sequence[BaseMessage]) -> list[tuple[str, dict[str, Any]]]:
    """Return every call of the thread's last turn that called tools (a fan-out's many)."""
    calls: list[tuple[str, dict[str, Any]]] = []
    for msg in reversed(earlier):
        if isinstance(msg, AIMessage) and msg.tool_calls:
            calls = [(str(c["name"]), dict(c.get("args") or {})) for c in msg.tool_calls] + calls
        elif calls and not isinstance(msg, AIMessage) and msg.type == "human":
            break
    return calls


def _words(text: str) -> list[str]:
    return [w.lower() for w in re.findall(r"[A-Za-z0-9][\w'\-]*", text)]


def _category(text: str, resolver: Any) -> str | None:
    """Return the one category the text names, else None."""
    names = [c for c in getattr(resolver, "categories", []) or [] if c]
    said = [c for c in names if re.search(rf"\b{re.escape(c)}\b", text, re.I)]
    return said[0] if len(said) == 1 else None


def _kind_of(ident: str, resolver: Any) -> str:
    ent = resolver.entities["location"].get(ident) if resolver is not None else None
    return str(ent.group) if ent is not None else ""


def changed(canon: str, req: Request) -> Change | None:
    """Return what a slot-change follow-up asks, read against the thread's last call, or None.

    `canon`: the follow-up with names read as ids (`parsing.canonicalise`).
    """
    last = _last_call(req.earlier)
    if last is None:
        return None
    name, args = last
    found = {k: list(v) for k, v in req.found.items() if v}
    if name == "draft_transfer":
        return _new_source(canon, args, found, req)
    places = found.pop("location", [])
    if found:
        return None  # an item or a supplier named: the swap readings (`reask`) answer those
    rest = canon
    for ident in places:
        rest = re.sub(rf"\b{re.escape(ident)}\b", " ", rest)
    category = _category(rest, req.resolver)
    if category:
        rest = re.sub(rf"\b{re.escape(category)}\b", " ", rest, flags=re.I)
    whole = CATEGORY_WORD.search(rest)
    if whole:
        rest = rest[: whole.start()] + " " + rest[whole.end() :]
    others = None if places or category or whole else OTHERS.search(rest)
    if others:
        rest = rest[: others.start()] + " " + rest[others.end() :]
    acts = bool(ACTION.search(rest))
    vocab = FILLER | (ACTION_WORDS if acts else frozenset())
    words = _words(rest)
    if any(w not in vocab for w in words) or len(_words(canon)) > 18:
        return None
    if others:
        return _others(name, args, req)
    if places and not category and not whole:
        return _narrowed(name, args, places, acts)
    if (category or whole) and not places:
        return _widened(name, args, category, req)
    return None


def _narrowed(name: str, args: dict[str, Any], places: list[str], acts: bool) -> Change | None:
    """Return the previous list at the named place(s): "only the ones at Marion"."""
    if acts:
        keep = {k: v for k, v in args.items() if k in ("category", "type", "priority", "sku")}
        base = keep if name in ("list_exceptions", "summarize_exceptions") else {}
        return Change(calls=[Call("list_exceptions", {**base, "location": p}) for p in places])
    if name not in LISTS:
        return None
    kept = {k: v for k, v in args.items() if k not in ("location", "served_by", "offset")}
    return Change(calls=[Call(name, {**kept, "location": p}) for p in places])


def _widened(name: str, args: dict[str, Any], category: str | None, req: Request) -> Change | None:
    """Return the previous look-up over a category ("same thing across all of Personal Care")."""
    if name not in CATEGORY_SCOPED:
        return None
    if category is None:
        sku = args.get("sku")
        ent = req.resolver.entities["sku"].get(sku) if sku and req.resolver is not None else None
        category = str(ent.group) if ent is not None and ent.group else None
        if category is None:
            return None
    kept = {k: v for k, v in args.items() if k not in ("sku", "location", "offset", "category")}
    return Change(calls=[Call(name, {**kept, "category": category})])


def _others(name: str, args: dict[str, Any], req: Request) -> Change | None:
    """Return the previous look-up at the places of its kind not yet asked ("the other two")."""
    if req.resolver is None or "location" not in args:
        return None
    asked = {str(a.get("location")) for n, a in _last_calls(req.earlier) if n == name}
    kind = _kind_of(str(args["location"]), req.resolver)
    rest = [
        e
        for e in req.resolver.entities["location"].values()
        if e.group == kind and e.id not in asked
    ]
    if not rest:
        return None
    if kind == "dc" and len(rest) <= 3:
        return Change(calls=[Call(name, {**args, "location": e.id}) for e in rest])
    # "the other stores" could mean any few of many: ask, naming them, rather than guess.
    shown = ", ".join(f"**{e.id}** ({e.name})" for e in rest[:8])
    more = f" and {len(rest) - 8} more" if len(rest) > 8 else ""
    return Change(
        question=(
            f"Which of the other {kind}s do you mean — {shown}{more}? Name them (for example "
            f"**and at {rest[0].id}**), or say **all stores** for the whole network."
        )
    )


def _source_asked(earlier: Sequence[BaseMessage], place: str) -> bool:
    """Return whether the last answer asked which DC to send from, offering `place`."""
    last = next((m for m in reversed(earlier) if isinstance(m, AIMessage)), None)
    said = last.content if last is not None and isinstance(last.content, str) else ""
    return bool(OTHER_DC_ASKED.search(said)) and f"**{place}**" in said


def _new_source(
    canon: str, args: dict[str, Any], found: dict[str, list[str]], req: Request
) -> Change | None:
    """Return the previous transfer from another source ("out of DC-NORTH instead, same 40")."""
    places = found.get("location", [])
    if set(found) != {"location"} or len(places) != 1:
        return None
    if not SOURCE.search(canon) and not _source_asked(req.earlier, places[0]):
        return None
    if req.focus.last_proposal(pending=True):
        return None  # a pending draft is re-sourced in its own place (`resourcing`)
    if places[0] in (args.get("from_location"), args.get("to_location")):
        return None
    rest = re.sub(rf"\b{re.escape(places[0])}\b", " ", canon)
    words = [w for w in _words(rest) if not NUMBER.fullmatch(w)]
    if any(w not in SOURCE_WORDS | FILLER for w in words):
        return None
    qtys = NUMBER.findall(rest)
    qty = qtys[0] if len(qtys) == 1 else str(args.get("qty") or "")
    if not qty or not args.get("sku") or not args.get("to_location"):
        return None
    return Change(
        instruction=(f"transfer {qty} of {args['sku']} from {places[0]} to {args['to_location']}")
    )
