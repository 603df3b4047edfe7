"""What became of the planner's proposals: one picked by what the question says, or several.

A status question names its proposal in many ways: by pronoun ("did that go through?"), by what
it is about ("the S004 one", "the order for SKU-0123", "my PO"), by its ERP document id once
committed ("is TR-SP-… committed?"), by its place in the thread ("the second one") or not at
all in a new thread ("did my transfer get the ok?"). `asks_status` tells such a question;
`answer` picks the thread's proposal the question points at and asks `get_proposal_status`, or,
where the thread has none that fits or several are asked for ("which of my drafts are still
waiting"), lists the planner's (or everyone's) proposals with `list_proposals` and answers from
those that fit. Every answer leads with the status: committed with its document id, approved,
rejected with the approver's reason, edited at the gate to the quantity the approver set, or
still pending. Nothing here writes.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from langchain_core.messages import BaseMessage

from agents.focus import ProposalNote
from agents.offline.messages import Call, Request, Result, Step, _turn_results
from agents.offline.parsing import ORDINALS, ordinal
from agents.offline.render import _error_text, _qty, proposal_line

PROPOSAL_ID = re.compile(r"\bPR-[0-9A-F]{6,}\b", re.I)
DOCUMENT_ID = re.compile(r"\b[A-Z]{2}-SP-[0-9A-F]{6,}\b", re.I)
"""An ERP document id a commit returned ("TR-SP-C3BEF9D4E2"); an ERP's own ("PO-000866") is
no proposal's."""
ERP_DOCUMENT = re.compile(
    r"\b(?:PO|TR|TO)[\s-]*\d{3,}\b|\b(?:po|transfer|order|to|tr)\s*(?:#|no\.?|number)\s*\d+",
    re.I,
)

NOUN = (
    r"(?:transfers?|xfers?|moves?|shipments?|orders?|pos|po|purchase\s+orders?|drafts?|"
    r"proposals?|requests?|top[- ]?ups?|restocks?|ones?)"
)
PO_WORDS = re.compile(r"\b(?:po|pos|purchase\s+orders?|orders?|buys?)\b", re.I)
TRANSFER_WORDS = re.compile(r"\b(?:transfers?|xfers?|moves?|shipments?|top[- ]?ups?)\b", re.I)

STATUS_WORDS = (
    r"(?:status|news|update|word|verdict|outcome|happened|decided|decision|"
    r"approv\w*|reject\w*|declin\w*|refus\w*|turned\s+down|sign(?:ed)?\s*off|signoff|"
    r"ok(?:ay)?(?:'?d|ed)?|(?:the\s+)?ok|green[- ]?light\w*|accept\w*|through|thru|committed|"
    r"posted|placed|booked|actioned|processed|waiting|pending|outstanding|in\s+the\s+queue|"
    r"edit\w*|chang\w*\s+(?:the\s+)?(?:qty|quantity|amount)|cut|trimm?\w*)"
)
ASKING = re.compile(
    r"^\W*(?:(?:and|so|ok(?:ay)?|hey|hi|well|also|quick\s+one|btw)\W+)*"
    r"(?:did|does|has|have|had|is|are|was|were|any|anything|what|whats|what's|which|where|how|"
    r"who|status|can\s+you\s+(?:check|tell)|check|tell\s+me)\b|\?\s*$",
    re.I,
)
STATUS_QUESTION = re.compile(
    r"\b" + STATUS_WORDS + r"\b.*\b(?:my|our|the|that|this|those|these|his|her|their|any|all|"
    r"of)\s+(?:\S+\s+){0,3}?" + NOUN + r"\b"
    r"|\b(?:my|our|the|that|this|those|these|his|her|their|any|all|of)\s+(?:\S+\s+){0,4}?"
    + NOUN
    + r"\b.*\b"
    + STATUS_WORDS
    + r"\b",
    re.I,
)
"""Status words and a proposal said by its noun, in either order ("did my PO get the ok",
"what happened to the order for SKU-0123", "which of my drafts are still waiting")."""

STILL_WAITING = re.compile(
    r"^\W*(?:(?:and|so|ok(?:ay)?)\W+)?(?:is|are)\s+(?:it|that|this|they|those|these)\s+(?:one\s+)?"
    r"still\s+(?:waiting|pending|open|outstanding|sitting\s+there|in\s+the\s+queue|"
    r"(?:waiting\s+)?(?:for\s+)?(?:approval|sign[- ]?off))\W*$",
    re.I,
)
"""A terse question whether the thread's draft still waits ("is it still waiting?")."""
DECIDED_ANY = re.compile(
    r"\b(?:did|has|have)\s+(?!(?:i|we|you)\b)\w+\s+(?:approv|reject|declin|sign|ok|decid|edit)"
    r"\w*\s+(?:off\s+)?(?:anything|any(?:\s+of\s+(?:them|mine|my\s+\w+))?)\b",
    re.I,
)
"""Whether an approver decided anything ("did bob approve anything?")."""

NOT_STATUS = re.compile(
    r"\b(?:late|overdue|due|arriv\w*|eta|inbound|expected|receiv\w*|deliver\w*|on\s+order|"
    r"open\s+supply|in\s+transit|lead\s*times?|polic\w*|rules?|limits?|who\s+(?:can|may|needs?|"
    r"should|must)|approval\s+route|what\s+if|if\s+we)\b|^\W*how\s+(?:is|are|do|does|should|would)\b|"
    r"\bwhat\s+(?:does|do)\b.*\bneeds?\b",
    re.I,
)
"""Questions about supply in the ERP, the rules or who may approve: no proposal's status."""

SEVERAL = re.compile(
    r"\b(?:which|all|any\s+of|everyone|everybody|list)\b|"
    r"\b(?:my|our|the|those|these|his|her|their)\s+(?:\S+\s+){0,2}?(?:transfers|xfers|moves|"
    r"orders|pos|purchase\s+orders|drafts|proposals|requests|ones)\b|\b(?:drafts|proposals)\b",
    re.I,
)
"""A question about several proposals ("which of my drafts are still waiting")."""
EVERYONE = re.compile(r"\b(?:everyone|everybody|anyone|anybody|the\s+team|all\s+(?!my\b))", re.I)
MINE = re.compile(r"\b(?:my|mine|i|i've|ive)\b", re.I)
WAITING = re.compile(
    r"\b(?:waiting|awaiting|pending|outstanding|in\s+the\s+queue|open|stuck)\b|"
    r"\bne+d\w*\s+(?:an?\s+)?(?:approv\w*|sign[- ]?off|ok)\b",
    re.I,
)
PENDING_ONES = re.compile(
    r"\b(?:which|what|any)\s+(?:ones?|of\s+(?:these|those|them|the\s+\w+|my\s+\w+))\b.*(?:"
    + WAITING.pattern
    + ")",
    re.I,
)
"""Which of the thread's drafts still wait ("which ones are still pending?", "any of these
unapproved yet?", read with "unapproved" as "pending")."""
EDIT_ASKED = re.compile(
    r"\b(?:edit\w*|chang\w*|cut|trimm?\w*|reduc\w*|lower\w*|touch\w*|alter\w*|"
    r"adjust\w*|same\s+(?:qty|quantity|amount))\b",
    re.I,
)
HOW_MANY = re.compile(r"\bhow\s+(?:many|much)\b|\bwhat\s+(?:qty|quantity|amount)\b", re.I)
PROPOSAL_TOOLS = ("get_proposal_status", "list_proposals")
ORDINAL_ONE = re.compile(
    r"\b(?:the\s+)?(?:" + "|".join(ORDINALS) + r"|last|latest|previous|earlier|other)\s+"
    r"(?:one|draft|proposal|transfer|order|po)\b",
    re.I,
)


def _last_tool(earlier: Sequence[BaseMessage]) -> str | None:
    for msg in reversed(earlier):
        calls = getattr(msg, "tool_calls", None)
        if calls:
            return str(calls[-1].get("name"))
    return None


DECIDED = re.compile(r"\b(?:approv|reject|declin|sign|ok|edit|commit|draft|propos)", re.I)
SUPPLIER_SIDE = re.compile(
    r"\b(?:with|from|at|by)\s+(?:the\s+|our\s+)?(?:suppliers?|vendors?|SUP-)", re.I
)
"""Orders said to be with a supplier ("our orders with SUP-07"): the ERP's, unless the question
asks about a decision or a draft."""


def asks_status(text: str, earlier: Sequence[BaseMessage], has_proposals: bool) -> bool:
    """Return True when a request asks what became of a proposal (or of several).

    A question (or a bare "status of …") with a status word and a proposal said by its noun, a
    proposal or document id; with the thread's proposals, also a terse "is it still waiting?"
    or a proposal pointed at by its place ("status of the second one", or "what about the
    third one?" just after a status answer).
    """
    if NOT_STATUS.search(text) or ERP_DOCUMENT.search(text):
        return False
    if SUPPLIER_SIDE.search(text) and not DECIDED.search(text):
        return False
    asking = bool(ASKING.search(text))
    if (PROPOSAL_ID.search(text) or DOCUMENT_ID.search(text)) and (
        asking or re.search(STATUS_WORDS, text, re.I)
    ):
        return True
    if not asking:
        return False
    if STATUS_QUESTION.search(text) or DECIDED_ANY.search(text):
        return True
    if not has_proposals:
        return False
    if STILL_WAITING.search(text) or PENDING_ONES.search(text):
        return True
    if ORDINAL_ONE.search(text):
        return bool(re.search(STATUS_WORDS, text, re.I)) or _last_tool(earlier) in PROPOSAL_TOOLS
    return False


def _kind(text: str) -> str | None:
    if TRANSFER_WORDS.search(text):
        return "transfer"
    if PO_WORDS.search(text):
        return "purchase_order"
    return None


def _about(args: dict[str, Any]) -> set[str]:
    return {str(v).upper() for v in (args or {}).values() if isinstance(v, str)}


def _fits(kind: str | None, ids: list[str], doc: str | None, p: dict[str, Any]) -> bool:
    """Return True when a proposal (as a tool shows it, or a thread's note) fits the question."""
    if doc is not None:
        return str(p.get("document_id") or "").upper() == doc.upper()
    if kind is not None and str(p.get("kind") or "") not in (kind, "?", ""):
        return False
    about = _about(p.get("args") or {})
    return all(i.upper() in about for i in ids)


def _ids(req: Request) -> list[str]:
    return [i for kind in ("sku", "location", "supplier") for i in req.found.get(kind) or []]


def _note_view(note: ProposalNote) -> dict[str, Any]:
    return {
        "proposal_id": note.proposal_id,
        "kind": note.kind,
        "args": note.args,
        "document_id": note.document_id,
    }


def _picked(req: Request) -> ProposalNote | None:
    """Return the thread's proposal the question points at, else None.

    Its id; its document id; its place in the thread ("the second one", "the last one"), or in
    the list of proposals just shown; what it is about (SKU, places, supplier) and its kind ("the
    PO"), the latest that fits; a question that says none of these: the thread's latest.
    """
    notes = req.focus.proposals
    if not notes:
        return None
    pid = req.get("pid") or _first(PROPOSAL_ID, req.text)
    if pid:
        return next((n for n in notes if n.proposal_id.upper() == pid.upper()), None)
    said = req.original or req.text  # as written: "the third one" may read as an exception
    doc = _first(DOCUMENT_ID, said)
    pos, _ = ordinal(said) if ORDINAL_ONE.search(said) else (None, None)
    if pos is not None and doc is None:
        order = _shown_order(req) or [n.proposal_id for n in notes]
        index = pos - 1 if pos > 0 else len(order) + pos
        if 0 <= index < len(order):
            return next((n for n in notes if n.proposal_id == order[index]), None)
        return None
    kind, ids = _kind(said), _ids(req)
    if doc is None and kind is None and not ids:
        if re.search(r"\b(?:previous|earlier|other)\s+one\b", said, re.I) and len(notes) > 1:
            return notes[-2]
        return req.focus.last_proposal()
    fitting = [n for n in notes if _fits(kind, ids, doc, _note_view(n))]
    if not fitting and kind is not None and (ids or doc):
        fitting = [n for n in notes if _fits(None, ids, doc, _note_view(n))]
    return fitting[-1] if fitting else None


def _shown_order(req: Request) -> list[str]:
    """Return the proposal ids of the list the previous answer showed, if it showed one."""
    if _last_tool(req.earlier) != "list_proposals":
        return []
    results, _ = _turn_results(req.earlier)
    last = results[-1] if results else None
    data = last.data if last is not None and isinstance(last.data, dict) else {}
    return [str(p.get("proposal_id")) for p in data.get("proposals") or [] if isinstance(p, dict)]


def _first(pattern: re.Pattern[str], text: str) -> str | None:
    m = pattern.search(text)
    return m.group(0).upper() if m else None


def _several(req: Request) -> bool:
    text = req.original or req.text
    if ORDINAL_ONE.search(text) or PROPOSAL_ID.search(text) or DOCUMENT_ID.search(text):
        return False
    if re.search(r"\b(?:any|some)\s+(?:news|word|update)\b", text, re.I) and not SEVERAL.search(
        re.sub(r"\bany\s+(?:news|word|update)\b", "", text, flags=re.I)
    ):
        return False
    return bool(SEVERAL.search(text) or DECIDED_ANY.search(text))


def _list_args(req: Request) -> dict[str, Any]:
    scope = "all" if EVERYONE.search(req.text) and not MINE.search(req.text) else "mine"
    if scope == "mine" and _decider(req.text, []) is not None:
        scope = "all"
    args: dict[str, Any] = {"scope": scope, "limit": 50}
    if _several(req) and (WAITING.search(req.text) or WAITING.search(req.original or "")):
        args["status"] = "pending"
    return args


def _decider(text: str, proposals: list[dict[str, Any]]) -> str | None:
    """Return the approver a question names ("did bob approve anything?"), if one decided."""
    m = re.search(
        r"\b(?:did|has|have)\s+(?!(?:i|we|you|they|it|that|this|my|the|anyone|anybody)\b)(\w+)\s+"
        r"(?:approv|reject|declin|sign|ok|decid|edit|chang)",
        text,
        re.I,
    )
    if m is None:
        return None
    name = m.group(1).lower()
    deciders = {str(p.get("decided_by") or "").lower() for p in proposals}
    return name if not proposals or name in deciders else None


WENT_THROUGH = re.compile(
    r"\b(?:what|which(?:\s+ones?)?|anything)\s+(?:has\s+|have\s+)?(?:went|gone|got|go)\s+"
    r"through\b|\b(?:did|have|has)\s+(?:they|both|all\s+of\s+them|them\s+all)\s+(?:been\s+)?"
    r"(?:go(?:ne)?\s+through|approved|committed)\b",
    re.I,
)
"""A question about what became of the thread's proposals as a whole ("what went through?")."""


def _every(req: Request) -> list[str]:
    """Return the thread's proposals a whole-thread question asks about (two or more), else []."""
    if not WENT_THROUGH.search(req.original or req.text):
        return []
    ids = list(dict.fromkeys(n.proposal_id for n in req.focus.proposals))
    return ids if len(ids) > 1 else []


def answer(req: Request, results: list[Result]) -> Step:
    """Ask for the proposal the question points at, or the list; then answer status first.

    "what went through?" / "did they go through?" in a thread of several proposals asks for
    each and reports every one, its status and ERP document.
    """
    every = _every(req)
    if every and not results:
        return [Call("get_proposal_status", {"proposal_id": pid}) for pid in every]
    if every and len(results) > 1:
        done = sum(
            1 for r in results if isinstance(r.data, dict) and r.data.get("status") == "committed"
        )
        head = (
            f"**{_qty(done)} of the {_qty(len(results))} proposals of this conversation went "
            "through** (committed to the ERP):"
        )
        return "\n".join([head, *(f"- {_render(req, r)}" for r in results)])
    if results:
        return _render(req, results[-1])
    if ERP_DOCUMENT.search(req.original or req.text) and not req.focus.proposals:
        # "status of transfer #0012": an ERP document's number, no proposal of this thread.
        return (
            "There is no proposal in this conversation yet, so there is nothing to check. "
            "Say **what's pending** to see your proposals."
        )
    note = None if _several(req) else _picked(req)
    if note is not None:
        return [Call("get_proposal_status", {"proposal_id": note.proposal_id})]
    pid = req.get("pid") or _first(PROPOSAL_ID, req.text)
    if pid:
        return [Call("get_proposal_status", {"proposal_id": pid})]
    return [Call("list_proposals", _list_args(req))]


def _line(req: Request, p: dict[str, Any]) -> str:
    """Return one proposal's line (what, status, document, the approver's edit)."""
    return proposal_line(p)


def _head(req: Request, p: dict[str, Any]) -> str:
    """Return the status first, in the words the question asked it."""
    status = str(p.get("status"))
    text = req.text
    qty = (p.get("args") or {}).get("qty")
    who = p.get("decided_by")
    if status in ("committed", "approved") and (EDIT_ASKED.search(text) or HOW_MANY.search(text)):
        # The drafted quantity is said only as a tool of this turn returned it: an edit at the
        # gate replaces it, so the answer says the quantity the approver set.
        if str(p.get("decision")) == "edit":
            if HOW_MANY.search(text):
                return f"**{who} approved {_qty(qty)} units**, editing the drafted quantity."
            return f"**Yes — {who} edited the quantity to {_qty(qty)} units.**"
        if HOW_MANY.search(text):
            return f"**{who} approved all {_qty(qty)} units, as drafted.**"
        return f"**No — {who} approved it as drafted: {_qty(qty)} units.**"
    if status == "pending" and WAITING.search(text):
        return "**Yes — it is still waiting for an approver.**"
    if status != "pending" and WAITING.search(text) and re.search(r"\bstill\b", text, re.I):
        return {
            "committed": "**No — it went through.**",
            "approved": "**No — it was approved, not committed yet.**",
            "rejected": "**No — it was rejected.**",
        }.get(status, f"**No — it is {status}.**")
    if status == "rejected" and re.search(r"\bwhy\b", text, re.I):
        reason = p.get("decision_note")
        return f"**{p.get('decided_by')} rejected it" + (f": “{reason}”.**" if reason else ".**")
    return {
        "committed": "**Yes — it went through.**",
        "approved": "**Approved, but not committed yet.**",
        "pending": "**Not yet — it is still waiting for an approver.**",
        "rejected": "**No — it did not go through.**",
        "failed": "**No — the commit failed.**",
    }.get(status, f"Status: {status}.")


def _render(req: Request, result: Result) -> str:
    if result.error:
        return _error_text(result)
    data = result.data if isinstance(result.data, dict) else {}
    if result.name == "get_proposal_status":
        return f"{_head(req, data)} {_line(req, data)}."
    return _render_list(req, result, data)


def _render_list(req: Request, result: Result, data: dict[str, Any]) -> str:
    shown = [p for p in data.get("proposals") or [] if isinstance(p, dict)]
    whose = "of yours" if result.args.get("scope") == "mine" else "in all"
    waiting = result.args.get("status") == "pending"
    kind, ids, doc = _kind(req.text), _ids(req), _first(DOCUMENT_ID, req.text)
    decider = _decider(req.text, shown)
    fitting = [p for p in shown if _fits(kind, ids, doc, p)]
    if decider is not None:
        fitting = [p for p in fitting if str(p.get("decided_by") or "").lower() == decider]
    said = " ".join(
        [*([doc] if doc else []), *ids, *([kind.replace("_", " ")] if kind and not doc else [])]
    )
    if not fitting:
        if not shown:
            none = "pending " if waiting else ""
            return (
                f"**No {none}proposals {whose}** — nothing is waiting for approval."
                if waiting
                else f"**No proposals {whose} yet** — nothing has been drafted."
            )
        who = f" decided by {decider}" if decider else ""
        what = f" for {said}" if said else ""
        state = "pending " if waiting else ""
        lines = [f"**No {state}proposal {whose}{what}{who}.** The latest {whose}:"]
        lines += [f"- {_line(req, p)}" for p in shown[:5]]
        return "\n".join(lines)
    if not _several(req):
        first, rest = fitting[0], fitting[1:]
        lines = [f"{_head(req, first)} {_line(req, first)}."]
        if rest:
            lines.append(f"Also {whose}{' for ' + said if said else ''}:")
            lines += [f"- {_line(req, p)}" for p in rest[:5]]
        return "\n".join(lines)
    pending = sum(1 for p in fitting if p.get("status") == "pending")
    what = f" for {said}" if said else ""
    if decider is not None:
        head = f"**{decider} decided {_plural(len(fitting), 'proposal')}{what}:**"
    elif waiting:
        head = f"**{_plural(pending, 'proposal')} {whose}{what} waiting for approval.**"
    else:
        head = f"**{_qty(len(fitting))} proposals {whose}{what}, {_qty(pending)} pending:**"
    return "\n".join([head, *(f"- {_line(req, p)}" for p in fitting)])


def _plural(n: int, noun: str) -> str:
    return f"{_qty(n)} {noun}{'' if n == 1 else 's'}"
