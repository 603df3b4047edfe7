"""What a transfer would cost, what the thread's draft is worth, what the last list adds up to.

- "how much would 20 SKU-0012 from DC-SOUTH to S003 cost?", "what does moving 20 of X to S003
  cost?": a cost question about a transfer is no request to draft it and no comparison of its
  two places. The transfer it describes is read as a draft would be (the same words, told),
  then checked without drafting (`check_transfer`): its value, lane and the checks' verdict.
- "how much is it worth?", "value of that draft?" after a draft: the thread's proposal as it
  stands (`get_proposal_status`), its value.
- "how much is that in total?", "and the total?", "sum it up" after an exception list: that
  list asked again (`list_exceptions`, the same arguments), its total money at risk.

Every figure said is in this turn's result; nothing here drafts or writes.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Any

from langchain_core.messages import AIMessage, BaseMessage

from agents.offline.messages import Call, Request, Result, Step
from agents.offline.render import TYPE_LABELS, _error_text, _money, _n, _qty

# -- a transfer's cost, asked before any draft --------------------------------------------------

_TAIL = r"(?:\s+(?:us|me|roughly|approximately|approx|then|in\s+total|all\s+in))*\W*$"
COST_FRAMES: tuple[re.Pattern[str], ...] = tuple(
    re.compile(p, re.I)
    for p in (
        # "how much would it cost to move 20 X from A to B?"
        r"^(?:how\s+(?:much|mcuh|muhc)|what)\s+(?:would|will|does|do|did|might|is|wud|woud)\s+it\s+"
        r"(?:cost|be\s+worth)"
        r"(?:\s+(?:us|me))?\s+to\s+(?P<core>.+?)\W*$",
        # "how much would 20 X from A to B cost?", "how much is 20 X from A to B worth?"
        r"^how\s+(?:much|mcuh|muhc)\s+(?:would|will|does|do|did|might|is|are|wud|woud)\s+"
        r"(?P<core>.+?)\s+"
        r"(?:cost|be\s+worth|worth|come\s+to|set\s+us\s+back|run\s+(?:us|to))" + _TAIL,
        # "what does moving 20 X from A to B cost?", "what would 20 X from A to B be worth?"
        r"^what\s+(?:would|will|does|do|did|might|is|are)\s+(?P<core>.+?)\s+"
        r"(?:cost|be\s+worth|worth|come\s+to)" + _TAIL,
        # "(what's) the value of moving 20 X from A to B", "cost of a transfer of 20 X ..."
        r"^(?:(?:what(?:'s|s|\s+is|\s+would\s+be)|tell\s+me|give\s+me)\s+)?(?:the\s+)?"
        r"(?:value|cost|price)\s+(?:of|for)\s+(?P<core>.+?)\W*$",
        # "price up 20 X from A to B"
        r"^(?:price|cost)\s+(?:up|out)\s+(?P<core>.+?)\W*$",
    )
)
"""A question for what something would cost or be worth; `core` is that something."""

_MOVE_VERB = r"(?:mov(?:e|ing)|send(?:ing)?|ship(?:ping)?|transfer(?:ring)?|tranfer|bring(?:ing)?)"
_CORE_LEAD = re.compile(
    r"^(?:(?:a|an|the|that)\s+)?(?:(?:\d+[- ]units?\s+)?transfer\s+of\s+|" + _MOVE_VERB + r"\s+)",
    re.I,
)


def transfer_core(text: str) -> str | None:
    """Return the transfer a cost question is about, worded as a request to draft it.

    None when the text asks no cost or value, or says no transfer verb or route ("from ... to").
    """
    said = text.strip()
    for frame in COST_FRAMES:
        m = frame.match(said)
        if m is None:
            continue
        core = m.group("core").strip()
        core = re.sub(r"^(?:to\s+)", "", core, flags=re.I)
        lead = _CORE_LEAD.match(core)
        if lead is not None:
            core = core[lead.end() :]
        elif not re.search(r"\bfrom\b.+\bto\b|\bto\b.+\bfrom\b", core, re.I):
            return None  # "how much would 20 SKU-0012 cost?": no transfer said
        return "transfer " + core
    return None


def check_args(calls: Step) -> dict[str, Any] | None:
    """Return check_transfer's arguments when a draft reading's step is one transfer draft."""
    if not isinstance(calls, list) or len(calls) != 1 or calls[0].name != "draft_transfer":
        return None
    args = calls[0].args
    keys = ("sku", "from_location", "to_location", "qty")
    if not all(args.get(k) for k in keys):
        return None
    return {k: args[k] for k in keys}


def transfer_cost(req: Request, results: list[Result]) -> Step:
    """Check the transfer asked about (no draft), then say its value and the checks' verdict."""
    args = json.loads(req.fields["check"])
    if not results:
        return [Call("check_transfer", args)]
    result = results[-1]
    if result.error:
        return _error_text(result)
    data = result.data if isinstance(result.data, dict) else {}
    if data.get("status") == "invalid":
        return "I could not check that transfer: " + "; ".join(map(str, data.get("errors") or []))
    what = (
        f"{_qty(data.get('qty'))} × {data.get('sku')} from {data.get('from_location')} to "
        f"{data.get('to_location')}"
    )
    lines = []
    if data.get("unit_cost") is not None:
        lane = ""
        if data.get("lane_lead_time_days") is not None:
            lane = f"; {_qty(data['lane_lead_time_days'])}-day lane"
            if data.get("arrives"):
                lane += f", arrives {data['arrives']}"
            if data.get("lane_cost_per_unit"):
                lane += f", lane cost {_money(data['lane_cost_per_unit'])}/unit"
        lines.append(
            f"**A transfer of {what} is worth {_money(data.get('value'))}** (at cost "
            f"{_money(data['unit_cost'])}/unit{lane})."
        )
    else:
        lines.append(f"**I could not value a transfer of {what}.**")
    if data.get("requested_qty") not in (None, data.get("qty")):
        lines.append(
            f"A draft would carry {_qty(data.get('qty'))}, not the "
            f"{_qty(data.get('requested_qty'))} asked for."
        )
    lines += [f"- **Warning:** {w}" for w in data.get("warnings") or []]
    errors = data.get("errors") or []
    if errors:
        lines.append("The draft checks would refuse it: " + "; ".join(map(str, errors)) + ".")
    lines.append(
        "Nothing is drafted: say **transfer "
        f"{_qty(data.get('requested_qty') or data.get('qty'))} {data.get('sku')} from "
        f"{data.get('from_location')} to {data.get('to_location')}** to draft it for approval."
        if not errors
        else "Nothing is drafted."
    )
    return "\n".join(lines)


# -- "how much is it worth?", "and the total?" after a draft or a list ----------------------------

_POINTER = (
    r"(?:it|that|this|those|these|them|they|(?:that|this|the|my|our)\s+(?:draft|transfer|"
    r"proposal|po|order|purchase\s+order|one|list|lot))"
)
_TOTAL_WORDS = (
    r"(?:in\s+total|total|altogether|all\s+together|in\s+all|combined|all\s+up|overall|"
    r"all\s+told)"
)
_P = _POINTER
_T = _TOTAL_WORDS
_ASKED_FORMS = (
    # "how much is it worth", "what's that draft worth", "what would that be worth"
    rf"(?:how\s+much|what)\s+(?:is|'s|was|would|will|are)\s+{_P}\s+(?:be\s+)?worth",
    rf"(?:how\s+much|what)(?:'s|\s+is|\s+was)\s+{_P}\s+worth",
    # "how much does it cost (us)", "what does that draft cost"
    rf"(?:how\s+much|what)\s+(?:does|did|would|will|do)\s+{_P}\s+cost(?:\s+us)?",
    # "value of that draft", "what's the value of it", "its value"
    rf"(?:(?:what(?:'s|\s+is)|give\s+me|tell\s+me)\s+)?(?:the\s+)?(?:value|cost|worth)\s+of\s+{_P}",
    r"(?:its|their)\s+(?:value|worth|cost)",
    # "how much is that in total", "how much does it come to", "how much is it altogether"
    rf"how\s+much\s+(?:is|'s|are|does|do|would)\s+{_P}(?:\s+all)?"
    rf"(?:\s+(?:come\s+to|add\s+up\s+to|amount\s+to|make|cost))?(?:\s+{_T})?",
    rf"how\s+much\s+(?:money\s+)?(?:is\s+)?(?:that|this|it)(?:\s+{_T})?",
    rf"how\s+much\s+(?:is\s+)?(?:that|this|it|at\s+risk)?\s*{_T}",
    # "what does that add up to", "what do they come to"
    rf"what\s+(?:does|do|would)\s+{_P}(?:\s+all)?\s+(?:add\s+up\s+to|come\s+to|amount\s+to|total)",
    # "(what's) the (grand) total (of that)", "and the total?", "total?"
    rf"(?:(?:what(?:'s|\s+is)|give\s+me|tell\s+me)\s+)?(?:the\s+)?(?:grand\s+|overall\s+)?"
    rf"(?:total|sum)(?:\s+(?:of\s+{_P}|amount|value|at\s+risk))?",
    # "sum it up", "add them up", "total it up"
    r"(?:sum|add|total|tot)\s+(?:it|that|this|them|those|these)(?:\s+all)?(?:\s+up)?",
)
ASKED = re.compile(
    r"^\W*(?:(?:and|so|ok(?:ay)?|then|right|hmm+|cool|thanks|great)\W+)*(?:"
    + "|".join(_ASKED_FORMS)
    + r")\W*(?:(?:then|please|pls|for\s+me|again)\W*)*$",
    re.I,
)
"""A question for the worth or total of what the thread just showed, naming nothing itself."""

DRAFTS = frozenset(
    {"draft_transfer", "draft_purchase_order", "draft_recommended_action", "amend_proposal"}
)
PROPOSAL_READS = frozenset({"get_proposal_status", "get_approval_route", "list_proposals"})


def asks(text: str) -> bool:
    """Return True when a request asks what the thread's last draft or list is worth."""
    return bool(ASKED.match(text.strip()))


def _last_call(earlier: Sequence[BaseMessage]) -> tuple[str, dict[str, Any]] | None:
    """Return the thread's last tool call (name and arguments)."""
    for msg in reversed(earlier):
        if isinstance(msg, AIMessage) and msg.tool_calls:
            call = msg.tool_calls[-1]
            return str(call.get("name")), dict(call.get("args") or {})
    return None


def subject(req: Request) -> str | None:
    """Return what a worth or total question is about: "list", "draft" or None (neither).

    The last answer's look-up decides: an exception list is totalled; a draft (or a read of
    the thread's proposal) is valued; after anything else, the thread's pending draft.
    """
    last = _last_call(req.earlier)
    if last is not None and last[0] == "list_exceptions":
        return "list"
    note = req.focus.last_proposal(pending=True) or req.focus.last_proposal()
    if note is None:
        return None
    if last is not None and (last[0] in DRAFTS or last[0] in PROPOSAL_READS):
        return "draft"
    return "draft" if req.focus.last_proposal(pending=True) else None


def answer(req: Request, results: list[Result]) -> Step:
    """Say the thread's draft's value, or the last exception list's total money at risk."""
    if req.fields.get("worth_of") == "list":
        return _list_total(req, results)
    return _draft_value(req, results)


def _draft_value(req: Request, results: list[Result]) -> Step:
    note = req.focus.last_proposal(pending=True) or req.focus.last_proposal()
    if not results:
        if note is None:
            return "There is no draft in this conversation to value; nothing was looked up."
        return [Call("get_proposal_status", {"proposal_id": note.proposal_id})]
    result = results[-1]
    if result.error:
        return _error_text(result)
    data = result.data if isinstance(result.data, dict) else {}
    args = data.get("args") or {}
    kind = str(data.get("kind") or "")
    if kind == "transfer" or args.get("from_location"):
        what = (
            f"transfer of {_qty(args.get('qty'))} × {args.get('sku')} from "
            f"{args.get('from_location')} to {args.get('to_location')}"
        )
    elif args.get("supplier_id"):
        what = (
            f"purchase order of {_qty(args.get('qty'))} × {args.get('sku')} from "
            f"{args.get('supplier_id')} to {args.get('location_id')}"
        )
    else:
        what = kind.replace("_", " ") or "proposal"
    status = str(data.get("status") or "").replace("_", " ")
    return (
        f"**Proposal {data.get('proposal_id')} — the {what} — is worth "
        f"{_money(data.get('value'))}** (its value at cost; status: {status})."
    )


def _list_total(req: Request, results: list[Result]) -> Step:
    last = _last_call(req.earlier)
    args = dict(last[1]) if last is not None else {}
    if not results:
        return [Call("list_exceptions", args)]
    result = results[-1]
    if result.error:
        return _error_text(result)
    data = result.data if isinstance(result.data, dict) else {}
    where = " ".join(
        f"{word} {args[k]}"
        for k, word in (
            ("location", "at"),
            ("sku", "of"),
            ("category", "in"),
            ("served_by", "in the stores of"),
            ("priority", "of priority"),
        )
        if args.get(k)
    )
    scope = f" {where}" if where else ""
    count = data.get("total")
    kind = TYPE_LABELS.get(str(args.get("type")), "") if args.get("type") else ""
    lead = (
        f"**{_money(data.get('total_money_at_risk'))} at risk in total** across the "
        f"{_n(count, 'exception')}{scope}{f' ({kind})' if kind else ''}."
    )
    items = [i for i in data.get("items") or [] if isinstance(i, dict)]
    if not items:
        return lead
    lines = [lead, ""]
    lines += [f"- {i.get('id')}: {_money(i.get('money_at_risk'))}" for i in items]
    if data.get("truncated"):
        lines.append(f"(the first {_qty(data.get('returned'))} of them)")
    return "\n".join(lines)
