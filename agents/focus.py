"""Thread memory: what a conversation is about now, read from its messages.

The focus is the last SKU, location and supplier the thread looked at, the last list of
exceptions shown (so "the third one" means something), the exception last discussed, the
proposals this thread drafted with their latest known status, and the planner's previous request
(so "same for S012" can repeat it). The graph keeps it in its state and shows it to the model in
the system prompt; the offline model reads follow-ups with it. It is derived from tool calls and
tool results only: a figure in it is one a tool returned.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, ToolMessage

from stockpilot.vocabulary import DRAFTABLE_KINDS, GATE_NAME, ActionKind

LIST_TOOLS = ("list_exceptions",)
MAX_LIST = 50


@dataclass
class ProposalNote:
    """A proposal this thread drafted, with the last status the thread saw."""

    proposal_id: str
    kind: str
    status: str
    args: dict[str, Any] = field(default_factory=dict)
    document_id: str | None = None
    replaces: str | None = None
    """The proposal this one redrafted (an amend): it takes that one's place in ordinals."""


@dataclass
class Focus:
    """What the thread is about now."""

    sku: str | None = None
    location: str | None = None
    supplier: str | None = None
    exception: str | None = None
    last_list: list[str] = field(default_factory=list)
    proposals: list[ProposalNote] = field(default_factory=list)
    last_request: str | None = None
    offer: list[dict[str, Any]] = field(default_factory=list)
    """The drafts the last recommendation shown implies, each {"tool", "args"}: what "ok do
    it" / "order that" / "go ahead" drafts. Set by an explained exception, a list of
    exceptions (its first draftable one), a supplier's order-now lines, or a refused draft's
    acceptable alternative; cleared when a later look-up turns to another SKU."""

    def last_proposal(self, *, pending: bool = False) -> ProposalNote | None:
        """Return the latest proposal of the thread (the latest pending one when asked)."""
        for note in reversed(self.proposals):
            if not pending or note.status in ("pending", "pending_approval"):
                return note
        return None

    def as_dict(self) -> dict[str, Any]:
        """Return the focus as JSON-ready data (what the graph state keeps)."""
        return asdict(self)

    def describe(self) -> str:
        """Say the focus in one or two lines for the system prompt (empty when there is none)."""
        parts = []
        if self.sku or self.location:
            parts.append("looking at " + " at ".join(p for p in (self.sku, self.location) if p))
        if self.supplier:
            parts.append(f"supplier {self.supplier}")
        if self.exception:
            parts.append(f"exception {self.exception}")
        if self.last_list:
            shown = ", ".join(f"{i + 1}. {e}" for i, e in enumerate(self.last_list[:10]))
            parts.append(f"last list: {shown}")
        if self.offer:
            offered = ", ".join(
                f"{o['tool']}({', '.join(f'{k}={v}' for k, v in o['args'].items())})"
                for o in self.offer[:5]
            )
            parts.append(f"last recommendation shown (what 'go ahead' drafts): {offered}")
        if self.proposals:
            props = ", ".join(
                f"{p.proposal_id} ({p.kind}, {p.status}"
                + (f", document {p.document_id}" if p.document_id else "")
                + ")"
                for p in self.proposals[-5:]
            )
            parts.append(f"proposals of this thread: {props}")
        return "; ".join(parts)


def _text(message: BaseMessage) -> str:
    content = message.content
    if isinstance(content, str):
        return content
    return "".join(p if isinstance(p, str) else str(p.get("text", "")) for p in content)


def _load(text: str) -> Any:
    try:
        return json.loads(text)
    except (TypeError, ValueError):
        return None


def _remember_args(focus: Focus, args: dict[str, Any]) -> None:
    sku = args.get("sku")
    loc = args.get("location") or args.get("to_location") or args.get("location_id")
    sup = args.get("supplier_id")
    if isinstance(sku, str) and sku:
        focus.sku = sku
    if isinstance(loc, str) and loc:
        focus.location = loc
    if isinstance(sup, str) and sup:
        focus.supplier = sup


def _offer_places(offer: Sequence[dict[str, Any]]) -> set[str]:
    """Return the SKUs and locations an offer's drafts are about."""
    places: set[str] = set()
    for o in offer:
        args = o.get("args") or {}
        exc = str(args.get("exception_id") or "")
        if exc:
            sku, _, rest = exc.partition(":")[2].partition("@")
            places |= {sku, rest.split(":")[0]}
        places |= {
            str(args[k])
            for k in ("sku", "from_location", "to_location", "location_id")
            if args.get(k)
        }
    return places


def _keep_offer(focus: Focus, name: str, args: dict[str, Any]) -> None:
    """Forget the offer when a look-up turns to another SKU."""
    if not focus.offer or name.startswith(("draft_", "amend_", "withdraw_")):
        return
    sku = args.get("sku")
    if sku and str(sku) not in _offer_places(focus.offer):
        focus.offer = []


def _draftable(item: dict[str, Any]) -> bool:
    rec = item.get("recommendation") or {}
    return str(rec.get("kind")) in {str(k) for k in DRAFTABLE_KINDS}


def order_offers(lines: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Return the drafts of order-list lines: an exception's action once, a routine line's own.

    Order-list lines (`tools.insight.order_page`): one from an exception drafts that
    exception's recommendation (all its actions); a routine purchase order or transfer drafts
    itself with the line's quantity.
    """
    offers: list[dict[str, Any]] = []
    seen: set[str] = set()
    for o in lines:
        exc = o.get("exception_id")
        if exc:
            if exc not in seen:
                seen.add(str(exc))
                offers.append(
                    {"tool": "draft_recommended_action", "args": {"exception_id": str(exc)}}
                )
        elif o.get("kind") == ActionKind.PURCHASE_ORDER and o.get("supplier_id"):
            args = {"sku": o["sku"], "location_id": o["location"], "supplier_id": o["supplier_id"]}
            offers.append({"tool": "draft_purchase_order", "args": {**args, "qty": o["qty"]}})
        elif o.get("kind") == ActionKind.TRANSFER and o.get("from_location"):
            args = {"sku": o["sku"], "from_location": o["from_location"]}
            args["to_location"] = o["location"]
            offers.append({"tool": "draft_transfer", "args": {**args, "qty": o["qty"]}})
    return offers


def _remember_offer(focus: Focus, name: str, args: dict[str, Any], data: Any) -> None:
    """Set the offer from a result that shows a recommendation (see `Focus.offer`)."""
    if name in ("explain_exception", "draft_recommended_action") and isinstance(data, dict):
        exc = data.get("id") or data.get("exception_id") or args.get("exception_id")
        if isinstance(exc, str) and exc:
            focus.offer = [{"tool": "draft_recommended_action", "args": {"exception_id": exc}}]
    elif name in LIST_TOOLS:
        items = data.get("items") if isinstance(data, dict) else data
        rows = [i for i in items or [] if isinstance(i, dict) and i.get("id")]
        chosen = next((i for i in rows if _draftable(i)), rows[0] if rows else None)
        if chosen is not None:
            focus.offer = [
                {"tool": "draft_recommended_action", "args": {"exception_id": str(chosen["id"])}}
            ]
    elif name in ("get_supplier_overview", "get_routine_orders") and isinstance(data, dict):
        lines = data.get("order_now") if name == "get_supplier_overview" else data
        order_now = [o for o in (lines or {}).get("items") or [] if isinstance(o, dict)]
        focus.offer = order_offers(order_now)
        exceptions = [str(o["exception_id"]) for o in order_now if o.get("exception_id")]
        if exceptions:
            focus.last_list = list(dict.fromkeys(exceptions))[:MAX_LIST]
    elif name.startswith("draft_") and isinstance(data, dict):
        accepted = data.get("accepted") or []
        if data.get("status") in ("invalid", "refused") and accepted:
            focus.offer = [{"tool": name, "args": dict(accepted[0])}]


def _note(focus: Focus, pid: str, **changes: Any) -> None:
    for note in focus.proposals:
        if note.proposal_id == pid:
            for key, value in changes.items():
                if value is not None:
                    setattr(note, key, value)
            return
    focus.proposals.append(
        ProposalNote(
            proposal_id=pid,
            kind=str(changes.get("kind") or "?"),
            status=str(changes.get("status") or "pending"),
            args=dict(changes.get("args") or {}),
            document_id=changes.get("document_id"),
            replaces=changes.get("replaces"),
        )
    )


def _remember_result(focus: Focus, name: str, args: dict[str, Any], data: Any) -> None:
    if not isinstance(data, dict | list):
        return
    if isinstance(data, dict) and "error" in data:
        return
    if name == "get_network_position" and isinstance(data, dict):
        most = data.get("most_on_hand") or {}
        if isinstance(most, dict) and most.get("location_id"):
            focus.location = str(most["location_id"])  # the location the answer led with
    if name in ("get_supplier_status", "get_item") and args.get("sku"):
        # "who supplies SKU-1?" then "what should we order from them?": its primary supplier.
        rows = data if isinstance(data, list) else (data.get("suppliers") or [])
        rows = [r for r in rows if isinstance(r, dict) and r.get("supplier_id")]
        primary = [r for r in rows if r.get("primary") or (r.get("item") or {}).get("primary")]
        chosen = primary[0] if primary else rows[0] if len(rows) == 1 else None
        if chosen is not None:
            focus.supplier = str(chosen["supplier_id"])
    if name in LIST_TOOLS and isinstance(data, dict | list):
        items = data.get("items") if isinstance(data, dict) else data
        ids = [str(i.get("id")) for i in items or [] if isinstance(i, dict) and i.get("id")]
        if ids:
            focus.last_list = ids[:MAX_LIST]
        if len(ids) == 1 and "@" in ids[0]:
            # A list of one ("stockouts at S002"): "cover it" is about its SKU and location.
            sku, _, rest = ids[0].partition(":")[2].partition("@")
            focus.exception = ids[0]
            focus.sku, focus.location = sku or focus.sku, rest.split(":")[0] or focus.location
    elif name in ("explain_exception", "draft_recommended_action") and isinstance(data, dict):
        exc = data.get("id") or data.get("exception_id") or args.get("exception_id")
        if isinstance(exc, str):
            focus.exception = exc
            sku, _, rest = exc.partition(":")[2].partition("@")
            focus.sku, focus.location = sku or focus.sku, rest.split(":")[0] or focus.location
    if isinstance(data, dict) and data.get("proposal_id") and data.get("status"):
        status = "pending" if data["status"] == "pending_approval" else str(data["status"])
        _note(
            focus,
            str(data["proposal_id"]),
            kind=data.get("action"),
            status=status,
            args=data.get("args"),
            replaces=str(data["replaces"]) if data.get("replaces") else None,
        )
        if data.get("replaces"):
            _note(focus, str(data["replaces"]), status="rejected")
        if isinstance(data.get("args"), dict):
            _remember_args(focus, data["args"])
    proposal = data.get("proposal") if isinstance(data, dict) else None
    if isinstance(proposal, dict) and proposal.get("proposal_id"):
        _note(
            focus,
            str(proposal["proposal_id"]),
            kind=proposal.get("kind"),
            status=proposal.get("status"),
            document_id=proposal.get("document_id"),
        )
    if name == "get_proposal_status" and isinstance(data, dict) and data.get("proposal_id"):
        _note(
            focus,
            str(data["proposal_id"]),
            kind=data.get("kind"),
            status=data.get("status"),
            args=data.get("args"),
            document_id=data.get("document_id"),
        )


def _remember_gate(focus: Focus, text: str) -> None:
    data = _load(text)
    results = data.get("results") if isinstance(data, dict) else None
    for r in results or []:
        if isinstance(r, dict) and r.get("proposal_id"):
            outcome = str(r.get("outcome") or "")
            status = {"committed": "committed", "rejected": "rejected", "approved": "approved"}
            _note(
                focus,
                str(r["proposal_id"]),
                kind=r.get("action"),
                status=status.get(outcome),
                document_id=r.get("document_id"),
            )


def focus_of(messages: Sequence[BaseMessage]) -> Focus:
    """Return the focus after these messages (the whole thread so far)."""
    focus = Focus()
    calls: dict[str, tuple[str, dict[str, Any]]] = {}
    for msg in messages:
        if isinstance(msg, HumanMessage):
            if msg.name == GATE_NAME:
                _remember_gate(focus, _text(msg))
            else:
                focus.last_request = _text(msg)
        elif isinstance(msg, AIMessage):
            for tc in msg.tool_calls:
                args = dict(tc.get("args") or {})
                calls[str(tc.get("id"))] = (tc["name"], args)
        elif isinstance(msg, ToolMessage) and msg.tool_call_id in calls:
            name, args = calls[msg.tool_call_id]
            data = _load(_text(msg))
            if not (isinstance(data, dict) and "error" in data):
                _remember_args(focus, args)
                _keep_offer(focus, name, args)
            _remember_result(focus, name, args, data)
            if isinstance(data, dict | list) and not (isinstance(data, dict) and "error" in data):
                _remember_offer(focus, name, args, data)
    return focus
