"""What the offline model does for each intent: read the arguments, call the tools, render.

Most intents share one shape, "read one entity (or ask for it), call one tool, render its
result": they are declared as `Lookup(tool, args, render)` values, where `args` returns the
tool's arguments or the question to ask. The handlers with several rounds or choices (drafts,
what-ifs, follow-ups) are plain functions. The intent table (`agents.offline.intents`) only
declares patterns, priorities and examples and points at these.
"""

from __future__ import annotations

import dataclasses
import itertools
import json
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, ToolMessage

from agents.focus import ProposalNote
from agents.offline import hypotheses, rows
from agents.offline.messages import (
    DEFAULT_TOP,
    DRAFTABLE,
    MAX_DRAFTS,
    POLICY_PASSAGES,
    Call,
    Request,
    Result,
    Step,
    _turn_results,
    instruction,
)
from agents.offline.parsing import (
    LEVELS_QUERY,
    NOT_A_CATEGORY,
    OTHER_DC_RE,
    OTHER_STORE_RE,
    _exception_type,
    _horizon,
    _list_args,
    _number,
    _pair,
    _scenario_args,
    _top,
    category,
    kind_of,
    other_location,
    override_magnitude,
    override_window,
    packs,
    priority_level,
    quantity,
    relative_change,
    understood,
    window_days,
)
from agents.offline.proposal_refs import Pointed, pointed
from agents.offline.render import (
    TYPE_LABELS,
    _error_text,
    _is_pending,
    _items,
    _money,
    _pct,
    _qty,
    _rec_phrase,
    _render_draft,
    _render_drafts,
    _render_exceptions,
    _render_explain,
    _render_forecast,
    _render_inventory,
    _render_policies,
    _render_suppliers,
    _render_what_if,
    proposal_line,
    render_approval_route,
    render_item,
    render_lanes,
    render_late_supply,
    render_network,
    render_network_rank,
    render_override_set,
    render_overrides,
    render_places_counted,
    render_proposals,
    render_regions_compared,
    render_routine_orders,
    render_status,
    render_supplier_late,
    render_supplier_overview,
    render_supply,
    render_totals,
    render_totals_compared,
    render_what_if_scope,
)
from agents.offline.safety import (
    SPLIT_REFUSAL,
    impersonated,
    impersonation_refusal,
    read_only_refusal,
    record_refusal,
    self_decision,
    split_for_a_signer,
)
from stockpilot.actions import (
    ActionKind,
    PurchaseOrderAction,
    TransferAction,
    recommended_action,
)
from stockpilot.vocabulary import ExceptionType

# -- handlers ------------------------------------------------------------------------------------

REFUSAL = (
    "I can't do that, so I have not drafted or looked up anything: approval cannot be skipped. "
    "I only **draft** proposals; approving them and committing them to the ERP is reserved for a "
    "human approver at the approval gate, and I cannot bypass or stand in for that step, nor "
    "write to the ERP myself. If you want, ask for the action alone (for example **fix "
    "<exception id>** or **transfer <qty> of <SKU> from <location> to <location>**) and I will "
    "draft it to wait for an approver's review."
)

AUDIT_REFUSAL = (
    "I can't do that, so I have not changed, drafted or looked up anything: the audit trail "
    "cannot be edited or deleted. It is append-only and hash-chained — every proposal, decision, "
    "refusal and commit is a new entry, and `stockpilot audit --verify` detects an edited, "
    "deleted or reordered one — and I have no tool that writes to it. What I can do: show what "
    "happened to a proposal (for example **status of PR-…**), or withdraw a pending draft "
    "(**withdraw the draft**), which is itself recorded in the audit trail. A rejected proposal "
    "stays rejected and only an approver can approve one, at the approval gate: to try again, "
    "ask me to draft it anew for an approver's review."
)

HELP = """I'm the offline planner copilot. I answer from the planning engine's tools; every \
figure comes from them, and I only **draft** actions, which a human approver must approve.

Try, for example:
- **what needs attention today?** / **top <n> exceptions** / **stockouts at S003** / \
**overstock** / **promo risks** / **forecast bias issues** / **inventory anomalies** / \
**late POs**
- **explain stockout_risk:SKU-0001@S003** / **why is SKU-0001 at S003 flagged?** / \
**what's the recommendation for SKU-0001 at S003?**
- **stock of SKU-0001 at S003** / **where is SKU-0001 stocked?** / **what's at DC-NORTH?**
- **forecast SKU-0001 at S003 for the next <n> days** / **demand outlook for SKU-0001 at S003**
- **supplier status SUP-03** / **which suppliers supply SKU-0001?**
- **what if SUP-03 is <n> days late for SKU-0001 at S003?** / **what if demand for SKU-0001 \
at S003 rises <n>%?** / **what if the promo on SKU-0001 at S003 does <n>x?**
- **prepare the action for the top exception** / **fix <exception id>** / \
**transfer <qty> of SKU-0001 from DC-NORTH to S003** / \
**order <qty> of SKU-0001 for DC-NORTH from SUP-03**
- **who approves a purchase order over <amount>?** / **what's our rule for transfers?** / \
**how do we handle negative stock?** (answered from the playbook, with citations)"""


def _ask(what: str, example: str) -> str:
    return f"I need {what} for that — for example: **{example}**."


ASKED_AMONG = 3
"""How many of the items sharing a name a "which one?" question names."""


def ask_which(req: Request, results: list[Result]) -> Step:
    """Ask which entity a phrase means when several share it, naming two or three of them."""
    phrase, kind = req.fields["phrase"], req.fields["kind"]
    ids = req.fields["candidates"].split(",")[:ASKED_AMONG]
    labels = []
    for ident in ids:
        ent = req.resolver.get(kind, ident) if req.resolver is not None else None
        labels.append(f"**{ident}** ({ent.name})" if ent is not None and ent.name else ident)
    options = ", ".join(labels[:-1]) + " or " + labels[-1]
    word = {"sku": "item", "location": "location", "supplier": "supplier"}.get(kind, kind)
    example = re.sub(re.escape(phrase), ids[0], req.original or req.text, count=1, flags=re.I)
    return (
        f"Which {word} do you mean by “{phrase}” — {options}? More than one has that name, so "
        f"I have not looked anything up yet. Say, for example, **{example}**."
    )


def ask_other_dc(req: Request, results: list[Result]) -> Step:
    """Ask which DC "the other DC" means when more than one other DC fits (no tool call)."""
    ids = req.fields["candidates"].split(",")
    labels = []
    for ident in ids:
        ent = req.resolver.get("location", ident) if req.resolver is not None else None
        labels.append(f"**{ident}** ({ent.name})" if ent is not None and ent.name else ident)
    options = ", ".join(labels[:-1]) + " or " + labels[-1]
    here = req.fields.get("here")
    besides = f" besides {here}" if here else ""
    phrase = req.fields["phrase"]
    example = re.sub(re.escape(phrase), ids[0], req.original or req.text, count=1, flags=re.I)
    return (
        f"Which DC do you mean by “{phrase}” — {options}? The network has {len(ids)} DCs"
        f"{besides}, so I have not looked anything up or drafted anything yet. Say, for "
        f"example, **{example}**."
    )


def refuse(req: Request, results: list[Result]) -> Step:
    """Refuse the whole request (no tool call): it tries to get around the approval gate.

    An order split so that a lower approver can sign each part is told why: the whole need's
    value decides the approver, and the single order is offered instead.
    """
    if split_for_a_signer(req.original or req.text):
        return SPLIT_REFUSAL
    return REFUSAL


def refuse_impersonation(req: Request, results: list[Result]) -> Step:
    """Refuse (no tool call) a decision under another person's name ("approve it as bob").

    The user's own name is no impersonation: an approver is pointed to the gate, where they
    decide as themself.
    """
    person = impersonated(req.original or req.text, req.asker.user) or req.fields.get("person")
    if person and req.asker.user and person.lower() == req.asker.user.lower():
        return self_decision(req.asker)
    return impersonation_refusal(person or "someone else")


def refuse_read_only(req: Request, results: list[Result]) -> Step:
    """Refuse (no tool call) a write asked by a user whose role may only read."""
    return read_only_refusal(req.asker)


def unknown_place(req: Request, results: list[Result]) -> Step:
    """Say so (no tool call) when a request names a store the network does not have."""
    place = req.fields.get("place", "that store")
    stores = []
    if req.resolver is not None:
        stores = [e.label() for e in req.resolver.entities["location"].values()]
    listed = f" Its locations: {', '.join(stores)}." if stores else ""
    locations = req.resolver.entities["location"].values() if req.resolver is not None else ()
    shops = [e.id for e in locations if e.group == "store"]
    first = shops[0] if shops else "S001"
    base = req.original if place in (req.original or "") else req.text
    example = base.replace(place, first, 1)
    return (
        f"This network has no location “{place}”, so I have not looked anything up.{listed} "
        f"Say, for example, **{example}**."
    )


def refuse_record(req: Request, results: list[Result]) -> Step:
    """Refuse (no tool call) a change to what the ERP records of an order ("mark it received")."""
    return record_refusal()


def refuse_audit(req: Request, results: list[Result]) -> Step:
    """Refuse (no tool call) a request to delete or rewrite entries of the audit trail."""
    return AUDIT_REFUSAL


def unknown_unit(req: Request, results: list[Result]) -> Step:
    """Draft nothing for a quantity in an unknown unit ("3 pallets") or a vague amount.

    The item master knows a case pack and no pallet size: give the pack, ask units or cases.
    """
    sku = req.entity("sku")
    if sku is None:
        return _ask("the SKU", "transfer <n> cases of SKU-0001 from DC-NORTH to S003")
    item = next((r for r in results if r.name == "get_item"), None)
    if item is None:
        return [Call("get_item", {"sku": sku})]
    if item.error or not isinstance(item.data, dict):
        return _error_text(item)
    unit = req.fields.get("unit") or ""
    said = f"“{req.fields['amount']}”"
    why = (
        f"the item master has no {unit.rstrip('s')} size for {sku}"
        if unit
        else f"{said} is not a quantity I can draft"
    )
    locs = req.found.get("location") or []
    lane = f" from {locs[0]} to {locs[1]}" if len(locs) >= 2 else ""
    pack = item.data.get("case_pack")
    name = f"{sku} ({item.data.get('description')})"
    if not pack:
        packs_line = f"The item master gives no case pack for {sku} either. "
    elif int(pack) == 1:
        packs_line = f"{name} comes in single units (case pack {_qty(pack)}, item master). "
    else:
        packs_line = f"{name} comes in cases of {_qty(pack)} units (item master). "
    return (
        f"I have not drafted anything: {why}, and I never guess a quantity. {packs_line}"
        f"How many units or cases should it be? Say, for example, **transfer <n> cases of {sku}"
        f"{lane}** or **transfer <n> of {sku}{lane}**."
    )


def show_help(req: Request, results: list[Result]) -> Step:
    """Say what the copilot can do."""
    return HELP


def _last_tool(messages: Sequence[BaseMessage]) -> tuple[str, dict[str, Any]] | None:
    """Return the name and arguments of the conversation's last tool call."""
    for msg in reversed(messages):
        if isinstance(msg, AIMessage) and msg.tool_calls:
            tc = msg.tool_calls[-1]
            return str(tc["name"]), dict(tc.get("args") or {})
    return None


SUPPLIER_LISTS = frozenset({"get_supplier_status"})
"""Tools whose answer lists an item's suppliers ("who supplies it?")."""
SUPPLIER_PICK = re.compile(
    r"\b(?:go\s+with|use|pick|choose|take|prefer|stick\s+with|order\s+(?:it\s+)?from|"
    r"buy\s+(?:it\s+)?from|book\s+(?:it\s+)?with)\b",
    re.I,
)
"""Choosing a supplier just shown ("go with them", "let's use that one")."""


CAP_WORDS = {3: "three", 4: "four", 5: "five", 6: "six", 8: "eight", 10: "ten"}


def _left_over(offer: Sequence[dict[str, Any]]) -> str:
    """Say which offered lines were not drafted: at most `MAX_DRAFTS` drafts a request."""
    rest = offer[MAX_DRAFTS:]
    if not rest:
        return ""
    names = []
    for o in rest[:10]:
        args = o.get("args") or {}
        where = args.get("location_id") or args.get("to_location") or ""
        sup = f" from {args['supplier_id']}" if args.get("supplier_id") else ""
        line = f"{args.get('sku')} for {where}{sup}"
        names.append(line if args.get("sku") else str(o.get("tool")))
    more = " and the rest of the lines shown" if len(rest) > 10 else ""
    # The cap is said in words: a figure the answer states must come from a tool result.
    cap = CAP_WORDS.get(MAX_DRAFTS, "a few")
    return (
        f"\n\nI drafted the first {cap} of the lines shown, in the order shown: each draft "
        f"waits for an approver, so I draft at most {cap} a request. "
        f"Not drafted yet: {', '.join(names)}{more}. Say, for example, **order {names[0]}** to "
        "draft one of them."
    )


def _offers_the_focus_need(offer: Sequence[dict[str, Any]], req: Request) -> bool:
    """Return True when the thread offers one review-only exception of the focus's SKU-location."""
    if len(offer) != 1 or offer[0].get("tool") != "draft_recommended_action":
        return False
    if not (req.focus.sku and req.focus.location):
        return False
    exception_id = str((offer[0].get("args") or {}).get("exception_id") or "")
    if not exception_id.partition(":")[2].startswith(f"{req.focus.sku}@{req.focus.location}"):
        return False
    record = _shown_exception(req.earlier, exception_id)
    kind = ((record or {}).get("recommendation") or {}).get("kind")
    # A review-only need may be met by another location's action; an expedite is advice.
    return record is not None and kind not in DRAFTABLE and kind != ActionKind.EXPEDITE


def draft_previous(req: Request, results: list[Result]) -> Step:
    """Draft what the thread last recommended ("ok do it", "order that", "go ahead").

    The thread's offer (`Focus.offer`): an explained or listed exception's action, a
    supplier's order-now lines, a refused draft's acceptable alternative. Without one, the
    engine's own action for the thread's SKU and location.
    """
    last = _last_tool(req.earlier)
    if last is not None and last[0] in SUPPLIER_LISTS and SUPPLIER_PICK.search(req.text):
        # "go with them" after the item's suppliers were shown: a PO from that supplier, not
        # the engine's own action (which may be a transfer).
        return order_from_supplier(req, results)
    offer = req.focus.offer
    pick = int(req.get("pick") or 0)
    single = ""
    picked = rows.last_pick(req.earlier) if not pick else None
    if picked is not None and not rows.PLURAL.search(req.original or req.text):
        # "the third line of that", then "ok draft it" / "yes" / "draft that one": that row.
        return rows.draft_pick(picked, results)
    if 1 <= pick <= len(offer):
        offer = [offer[pick - 1]]  # "draft the second line": that one of the lines shown
    elif len(offer) > 1 and rows.singular(req.original or req.text):
        # "draft that one": one line, the one the thread is about (else the first shown).
        at = rows.in_focus(offer, req.focus.sku, req.focus.location)
        offer = [offer[at]]
        single = _one_of_several(offer[0], at)
    if _offers_the_focus_need(offer, req):
        # The exception shown is the thread's SKU-location: its need, drafted as `cover_need`
        # does (the action may be raised on another location's exception: "covered by the
        # transfer of 206 from S010"). "go ahead with the S010 transfer" names its source:
        # the need is still the thread's location's.
        if req.said("location") not in (None, req.focus.location):
            req = dataclasses.replace(req, found={**req.found, "location": []})
        return cover_need(req, results)
    if offer:
        if not results:
            return [Call(str(o["tool"]), dict(o["args"])) for o in offer[:MAX_DRAFTS]]
        return single + _render_drafts(results) + _left_over(offer)
    if req.focus.sku and req.focus.location:
        return cover_need(req, results)
    last = _last_tool(req.earlier)
    if last is not None and last[0] == "get_supplier_overview":
        sup = last[1].get("supplier_id")
        return (
            f"The planning engine recommends no purchase order to {sup} now, so there is "
            f"nothing to order and I have not drafted anything. Say **order <qty> of <SKU> for "
            f"<location> from {sup}** to order something anyway."
        )
    return _ask("the exception to act on", "fix stockout_risk:SKU-0001@S003")


def _one_of_several(line: dict[str, Any], at: int) -> str:
    """Say which one of several offered lines a singular "draft that one" drafted."""
    args = line.get("args") or {}
    what = (
        f"{args.get('sku')} for {args.get('location_id') or args.get('to_location')}"
        if args.get("sku")
        else str(args.get("exception_id") or line.get("tool"))
    )
    which = "the line the thread is about" if at else "the first line shown"
    return (
        f"You said one, so I drafted one line only: **{what}** ({which}); say **draft them "
        "all** for the other lines shown.\n\n"
    )


def _shown_exception(earlier: Sequence[BaseMessage], exception_id: str) -> dict[str, Any] | None:
    """Return the exception record an earlier tool result of the thread showed, or None."""
    found, _ = _turn_results(earlier)
    for result in reversed(found):
        data = result.data
        rows = data.get("items") if isinstance(data, dict) and "items" in data else data
        for row in rows if isinstance(rows, list) else [rows]:
            if (
                isinstance(row, dict)
                and row.get("id") == exception_id
                and row.get("recommendation")
            ):
                return row
    return None


DRAFT_TOOLS = {
    ActionKind.TRANSFER: "draft_transfer",
    ActionKind.PURCHASE_ORDER: "draft_purchase_order",
}


def draft_previous_qty(req: Request, results: list[Result]) -> Step:
    """Draft what the thread last offered with the planner's own quantity ("do it but only 10").

    The offer's own draft with that quantity: a refused draft's alternative, or the engine's
    recommended action for the exception shown (its source and destination, not its quantity).
    """
    if results:
        return _render_drafts(results)
    qty = int(_number(str(req.get("n"))))
    offer = req.focus.offer
    if len(offer) != 1:
        return (
            draft_previous(req, results)
            if not offer
            else _ask("which of the shown lines to draft with that quantity", "order the first one")
        )
    tool, args = str(offer[0]["tool"]), dict(offer[0]["args"])
    if tool != "draft_recommended_action":
        return [Call(tool, {**args, "qty": qty})]
    record = _shown_exception(req.earlier, str(args.get("exception_id")))
    action = recommended_action(record, qty) if record is not None else None
    if action is None:
        return (
            f"The recommendation for {args.get('exception_id')} is advice only (nothing to "
            f"draft), so I have not drafted {qty} units. Say, for example, **transfer {qty} of "
            "<SKU> from <location> to <location>**."
        )
    return [Call(DRAFT_TOOLS[action.kind], action.args())]


def draft_top(req: Request, results: list[Result]) -> Step:
    """Draft the recommended action of the top exception, or of the top n draftable ones."""
    n = min(int(req.get("n") or 1), MAX_DRAFTS)
    if not results:
        return [Call("list_exceptions", _list_args(req.text, top=max(DEFAULT_TOP, n)))]
    listed = results[0]
    if len(results) > 1:
        text = _render_drafts(results[1:], "**Drafts for the top exceptions**")
        drafted = {r.args.get("exception_id") for r in results[1:]}
        items = _items(listed)
        nxt = [
            e["id"]
            for e in items
            if e.get("id") not in drafted
            and (e.get("recommendation") or {}).get("kind") in DRAFTABLE
        ]
        if nxt and not any(_is_pending(r) for r in results[1:]):
            text += f"\n\nThe highest-ranked exception with a draftable action is {nxt[0]}: "
            text += f"say **fix {nxt[0]}** to draft it."
        return text
    if listed.error:
        return _error_text(listed)
    items = _items(listed)
    if not items:
        return "There are no open exceptions matching that, so there is nothing to draft."
    if n == 1:
        chosen = items[:1]
    else:
        chosen = [e for e in items if (e.get("recommendation") or {}).get("kind") in DRAFTABLE][:n]
    if not chosen:
        return (
            "None of the top exceptions has a transfer or purchase-order recommendation, so "
            "there is nothing to draft.\n\n" + _render_exceptions(listed, "Top exceptions")
        )
    return [Call("draft_recommended_action", {"exception_id": e["id"]}) for e in chosen]


def _pair_exceptions(
    req: Request, results: list[Result], none: str
) -> tuple[Step | None, list[dict[str, Any]]]:
    """List a SKU-location's exceptions: the call to make, the answer to give, or its items.

    Returns (step, []) while the list is not back, or when it failed or is empty (`none` is
    said then, with {sku} and {loc} filled); else (None, the listed exceptions).
    """
    sku, loc = _sku(req), _loc(req)
    if not results:
        return [Call("list_exceptions", {"top": DEFAULT_TOP, "location": loc, "sku": sku})], []
    listed = results[0]
    if listed.error:
        return _error_text(listed), []
    items = _items(listed)
    if not items and not (sku and loc):
        # "what's flagged at S001?" names a place only: nothing there, not "None at S001".
        where = " ".join(p for p in (f"for {sku}" if sku else "", f"at {loc}" if loc else "") if p)
        return f"Nothing {where} is on today's exception list.", []
    if not items:
        return none.format(sku=sku, loc=loc), []
    return None, items


def why_flagged(req: Request, results: list[Result]) -> Step:
    """Explain why a SKU-location is flagged: its exceptions, the first one explained."""
    step, items = _pair_exceptions(
        req,
        results,
        "{sku} at {loc} is not on today's exception list. Ask for **stock of {sku} at {loc}** "
        "to see its position.",
    )
    if step is not None:
        return step
    if len(results) == 1:
        return [Call("explain_exception", {"exception_id": items[0]["id"]})]
    text = _render_explain(results[1])
    others = [e["id"] for e in items[1:]]
    if others:
        text += "\n\nAlso flagged for this SKU-location: " + ", ".join(others) + "."
    return text


def recommendation(req: Request, results: list[Result]) -> Step:
    """Say the engine's recommended action for each exception of a SKU-location."""
    step, items = _pair_exceptions(
        req,
        results,
        "{sku} at {loc} has no open exception today, so there is no recommended action.",
    )
    if step is not None:
        return step
    sku, loc = _sku(req), _loc(req)
    lines = [f"**Recommendations for {sku} at {loc}**"]
    for exc in items:
        rec = exc.get("recommendation") or {}
        lines.append(
            f"- **{exc.get('id')}** ({_money(exc.get('money_at_risk'))} at risk): "
            f"{_rec_phrase(rec)}. {rec.get('rationale') or ''}".rstrip()
        )
    if any((e.get("recommendation") or {}).get("kind") in DRAFTABLE for e in items):
        lines.append("\nSay **fix <id>** to draft it for approval.")
    return "\n".join(lines)


def _pack_qty(
    req: Request, results: Sequence[Result], sku: str, n: float
) -> tuple[int | None, Step | None]:
    """Return a quantity in units: as written, or n cases × the item's case pack.

    A quantity in cases ("2 cases of SKU-0001") needs the item master's case pack: the first
    round asks `get_item` for it, and the next multiplies (the pack is the tool's figure).
    Returns (units, None), or (None, the step to take first).
    """
    if packs(req.text) is None:
        return int(n), None
    item = next((r for r in results if r.name == "get_item" and r.args.get("sku") == sku), None)
    if item is None:
        return None, [Call("get_item", {"sku": sku})]
    if item.error or not isinstance(item.data, dict) or not item.data.get("case_pack"):
        return None, _error_text(item) if item.error else (
            f"The item master gives no case pack for {sku}, so I can't turn cases into units. "
            "Say the quantity in units."
        )
    return int(n) * int(item.data["case_pack"]), None


def _pack_note(results: Sequence[Result]) -> str:
    """Say how cases became units: "2 cases of SKU-0001 × case pack 6 (item master)"."""
    notes = []
    for r in results:
        if r.name == "get_item" and isinstance(r.data, dict) and r.data.get("case_pack"):
            notes.append(
                f"{r.data.get('sku')} comes in cases of {_qty(r.data['case_pack'])} (item "
                "master), so the quantity in cases is drafted in units."
            )
    return "\n".join(notes) + "\n\n" if notes else ""


def _drafts_with_notes(results: Sequence[Result]) -> str:
    return _pack_note(results) + _render_drafts(results)


def _drafted(results: Sequence[Result]) -> bool:
    return any(r.name.startswith("draft_") for r in results)


def transfer(req: Request, results: list[Result]) -> Step:
    """Draft a transfer with the quantity, SKU and lane the request names."""
    if _drafted(results):
        return _drafts_with_notes(results)
    sku = req.fields["sku"]
    qty, step = _pack_qty(req, results, sku, _number(req.fields["n"]))
    if step is not None:
        return step
    args = {
        "sku": sku,
        "from_location": req.fields["src"],
        "to_location": req.fields["dst"],
        "qty": qty,
    }
    return [Call("draft_transfer", args)]


def transfers(req: Request, results: list[Result]) -> Step:
    """Draft each transfer of a message that asks for several (`parsing.transfer_clauses`)."""
    if _drafted(results):
        return _drafts_with_notes(results)
    clauses = json.loads(req.fields["clauses"])
    need = sorted({c["sku"] for c in clauses if c["packs"]})
    have = {r.args.get("sku"): r for r in results if r.name == "get_item"}
    if any(sku not in have for sku in need):
        return [Call("get_item", {"sku": sku}) for sku in need]
    calls = []
    for c in clauses:
        qty = int(c["qty"])
        if c["packs"]:
            item = have[c["sku"]]
            pack = item.data.get("case_pack") if isinstance(item.data, dict) else None
            if item.error or not pack:
                return _error_text(item) if item.error else f"No case pack is known for {c['sku']}."
            qty *= int(pack)
        args = {k: c[k] for k in ("sku", "from_location", "to_location")}
        calls.append(Call("draft_transfer", {**args, "qty": qty}))
    return calls


def purchase_order(req: Request, results: list[Result]) -> Step:
    """Draft a purchase order; with no supplier named, its only supplier or ask."""
    sku, loc = req.fields["sku"], req.fields["loc"]
    sup = req.get("sup") or req.said("supplier")  # "send SUP-05 a PO for 192 <item> ..."
    status = next((r for r in results if r.name == "get_supplier_status"), None)
    if _drafted(results):
        text = _drafts_with_notes(results)
        if status is not None and isinstance(status.data, list) and status.data:
            only = status.data[0]
            text = (
                f"{only.get('supplier_id')} ({only.get('name')}) is the only supplier of {sku}, "
                f"so the order goes to it.\n\n{text}"
            )
        return text
    qty, step = _pack_qty(req, results, sku, _number(req.fields["n"]))
    if step is not None or qty is None:
        return step or ""
    if sup:
        args = {"sku": sku, "location_id": loc, "supplier_id": sup, "qty": qty}
        return [Call("draft_purchase_order", args)]
    if status is None:
        return [Call("get_supplier_status", {"sku": sku})]
    if status.error:
        return _error_text(status)
    sups = status.data if isinstance(status.data, list) else []
    chosen = _chosen_supplier(sups)
    if chosen is not None:
        # The only supplier, else the item's primary one (the item master's flag).
        sup_id = str(chosen["supplier_id"])
        args = {"sku": sku, "location_id": loc, "supplier_id": sup_id, "qty": qty}
        return [Call("draft_purchase_order", args)]
    names = (
        ", ".join(
            f"{s.get('supplier_id')} ({s.get('name')}{', primary' if _is_primary(s) else ''})"
            for s in sups
        )
        or "none"
    )
    return (
        f"Which supplier should the purchase order go to? Suppliers of {sku}: {names}. "
        f"Say, for example, **order {_qty(qty)} of {sku} for {loc} from <supplier>**."
    )


def _chosen_supplier(rows: Sequence[Any]) -> dict[str, Any] | None:
    """Return the supplier an order goes to when none is named: the only one, else None.

    With several, the planner chooses (the replenishment policy weighs delivery before the
    risk and cost before the primary flag): the question marks the primary one.
    """
    sups = [r for r in rows if isinstance(r, dict) and r.get("supplier_id")]
    return sups[0] if len(sups) == 1 else None


def _is_primary(row: dict[str, Any]) -> bool:
    return bool(row.get("primary") or (row.get("item") or {}).get("primary"))


def forecast_no_location(req: Request, results: list[Result]) -> Step:
    """Forecast at the thread's location ("and for SKU-0008?"), else ask for the location."""
    sku = req.fields["sku"]
    if req.focus.location and req.earlier:
        return forecast(
            dataclasses.replace(req, fields={"sku": sku, "loc": req.focus.location}), results
        )
    return _ask("the location too", f"forecast {sku} at S003")


def _field(req: Request, slot: str, kind: str) -> str | None:
    """Return a captured id when it is of `kind` (by the data), else the one the request names."""
    value = req.get(slot)
    if value and req.resolver is not None and kind_of(value, req.resolver) not in (kind, None):
        value = None
    return value or req.said(kind)


def why_levels(req: Request, results: list[Result]) -> Step:
    """Show a SKU-location's levels and why: its class, service level and the playbook."""
    sku, loc = req.fields["sku"], req.fields["loc"]
    if not results:
        return [
            Call("get_inventory", {"sku": sku, "location": loc}),
            Call("search_policies", {"query": LEVELS_QUERY, "k": 2}),
        ]
    inventory = next((r for r in results if r.name == "get_inventory"), None)
    policies = next((r for r in results if r.name == "search_policies"), None)
    if inventory is None or inventory.error:
        return _error_text(inventory) if inventory else "I could not look the position up."
    rows = inventory.data if isinstance(inventory.data, list) else []
    lines = [_render_inventory(inventory)]
    if rows and rows[0].get("service_level") is not None:
        r = rows[0]
        lines += [
            "",
            f"**Why:** safety stock {_qty(r.get('safety_stock'))} (reorder point "
            f"{_qty(r.get('reorder_point'))}, order-up-to {_qty(r.get('order_up_to'))}) protects "
            f"a {_pct(r['service_level'])} cycle service level over lead time plus review period: "
            f"{sku} is ABC class {r.get('abc_class')} by its sales value over the last year.",
        ]
    if policies is not None:
        lines += ["", _render_policies(policies)]
    return "\n".join(lines)


def _generic_answer(results: Sequence[Result]) -> str:
    """Answer from whatever the tools returned (used when a handler runs out of rounds)."""
    renderers: dict[str, Callable[[Result], str]] = {
        "list_exceptions": lambda r: _render_exceptions(r, "Exceptions"),
        "explain_exception": _render_explain,
        "get_inventory": _render_inventory,
        "get_forecast": _render_forecast,
        "get_supplier_status": _render_suppliers,
        "run_what_if": _render_what_if,
        "search_policies": _render_policies,
    }
    parts = [renderers.get(r.name, _render_draft)(r) for r in results]
    return "\n\n".join(parts) or "I have no results to report."


# -- entities the handlers use: the request's own, else the thread's focus ----------------------


def _sku(req: Request) -> str | None:
    return req.get("sku") or req.entity("sku")


def _loc(req: Request) -> str | None:
    return req.get("loc") or req.entity("location")


def _named(req: Request, ident: str | None) -> str:
    """Say an id as the planner wrote it: "S003 (store 3)"."""
    if ident is None:
        return "?"
    said = req.named.get(ident)
    return f"{ident} ({said})" if said else ident


def _resolved_note(req: Request) -> str:
    """One line naming the ids taken from names or aliases: "Read as S003 (store 3)."."""
    if not req.named:
        return ""
    taken = ", ".join(f"{ident} ({said})" for ident, said in req.named.items())
    return f"_Read as {taken}._\n\n"


def _with_note(req: Request, text: str) -> str:
    """Return the answer (the model prefixes the names it resolved to every final answer)."""
    return text


# -- the common shape: one tool call, then its rendering -----------------------------------------

Args = Callable[[Request], "dict[str, Any] | str"]
"""Read a tool's arguments from the request, or return the question to ask instead."""
Render = Callable[[Request, list[Result]], str]


@dataclass(frozen=True)
class Lookup:
    """A handler of the common shape: read the arguments (or ask), call one tool, render."""

    tool: str
    args: Args
    render: Render

    def __call__(self, req: Request, results: list[Result]) -> Step:
        """Call the tool, or render its result once it is back."""
        if results:
            return self.render(req, results)
        args = self.args(req)
        return args if isinstance(args, str) else [Call(self.tool, args)]


def last(render: Callable[[Result], str]) -> Render:
    """Render the turn's last result with a renderer of one result."""
    return lambda req, results: render(results[-1])


def drafts(req: Request, results: list[Result]) -> str:
    """Render the turn's drafts."""
    return _render_drafts(results)


def _exceptions_title(req: Request, results: list[Result]) -> str:
    first = results[0]
    kind = first.args.get("type")
    title = TYPE_LABELS[kind] + " exceptions" if kind in TYPE_LABELS else "Today's exceptions"
    where = [first.args[k] for k in ("sku", "location") if first.args.get(k)]
    if where:
        title += " for " + " at ".join(where)
    if first.args.get("category"):
        title += f" in category {first.args['category']}"
    region = first.args.get("served_by")
    if region:
        data = first.data if isinstance(first.data, dict) else {}
        listed = ", ".join(data.get("filters", {}).get("locations") or _region_stores(req, region))
        title += f" at {listed} (the stores {region} feeds)"
    return _render_exceptions(first, title)


REGION_PATTERNS = (
    r"\b{w}(?:ern)?(?:'s)?\s+(?:stores|shops|region)\b",
    r"\b(?:stores|shops)\s+in\s+the\s+{w}\b",
    r"\b(?:stores|shops)\s+(?:that\s+)?(?:the\s+)?{w}\s+(?:feeds|serves|supplies|replenishes|"
    r"restocks|ships\s+to|delivers\s+to)\b",
    # "the stores fed by the south DC", "shops served from DC-NORTH", "stores under DC-03"
    r"\b(?:stores|shops)\s+(?:that\s+are\s+|which\s+are\s+)?(?:fed|served|supplied|replenished|"
    r"restocked|covered)\s+(?:by|from|out\s+of)\s+(?:the\s+)?{w}\b",
    r"\b(?:stores|shops)\s+(?:under|behind|off|of|on)\s+(?:the\s+)?{w}\b",
    r"\bregion\s+{w}\b",
    # "stockout risks in the north": the DC's word alone after "in the" (not "in the north DC")
    r"\b(?:in|across|over|around)\s+the\s+(?!dc\b|dc-){w}(?![\w'-]|\s+(?:dc|warehouse|depot|"
    r"distribution)\b)",
)
"""A group of stores named by their DC's own word ("the north stores"); {w}: the DC's words."""


def _region(req: Request) -> str | None:
    """Return the DC whose stores the request means ("north stores", "stores DC south feeds")."""
    regions = _regions(req)
    return regions[0] if regions else None


def _regions(req: Request) -> list[str]:
    """Return every DC whose stores the request means, in the order the request names them.

    "north region stores vs region 3 stores": DC-NORTH's stores and DC-03's, to compare.
    """
    if req.resolver is None:
        return []
    found: list[tuple[int, str]] = []
    words: dict[str, str] = {}
    for entity in req.resolver.entities["location"].values():
        tail = re.sub(r"(?i)^dc\W*", "", entity.id)
        if entity.group != "dc" or not tail:
            continue
        word = rf"0*{int(tail)}" if tail.isdigit() else re.escape(tail)
        w = rf"(?:{re.escape(entity.id)}|(?:dc\W*)?{word})"
        words[entity.id] = w
        starts = [
            m.start() for p in REGION_PATTERNS if (m := re.search(p.format(w=w), req.text, re.I))
        ]
        if starts:
            found.append((min(starts), entity.id))
    if len(words) >= 2:
        # "north vs south vs region 3 stores", "the stores under DC-NORTH and DC-SOUTH": a list
        # of DCs' words, the stores said once for all of them
        one = r"(?:(?:the|region)\s+)?(?:" + "|".join(words.values()) + r")(?:ern)?(?:'s)?"
        listed = rf"{one}(?:\s*(?:,|&|/|\+|\bvs\.?|\bversus\b|\band\b|\bor\b|\bagainst\b)\s*{one})+"
        for p in REGION_LISTS:
            for m in re.finditer(p.format(list=listed), req.text, re.I):
                span = m.group("list")
                for dc, w in words.items():
                    at = re.search(rf"(?<![\w-]){w}(?![\w-])", span, re.I)
                    if at is not None and dc not in {d for _, d in found}:
                        found.append((m.start("list") + at.start(), dc))
    return [dc for _, dc in sorted(found)]


REGION_LISTS = (
    r"(?P<list>{list})\s+(?:(?:dc|warehouse)\s+)?(?:stores|shops|regions?|groups?|store\s+groups?)\b",
    r"\b(?:stores|shops)\s+(?:that\s+are\s+|which\s+are\s+)?(?:under|behind|of|in|fed\s+by|"
    r"served\s+by|supplied\s+by|(?:fed|served|supplied)\s+from)\s+(?:the\s+)?(?P<list>{list})",
)
"""Several DCs' stores in one list ("north vs south vs region 3 stores"); {list}: the list."""


def _region_word(word: str, dc: str) -> bool:
    """Return whether a word is the region's own ("north" for DC-NORTH), never a category."""
    return word.strip().lower() in (dc.lower(), re.sub(r"(?i)^dc\W*", "", dc).lower())


def _region_stores(req: Request, dc: str) -> list[str]:
    """Return the stores the DC feeds (each store's source DC in the location master)."""
    locations = req.resolver.entities["location"].values() if req.resolver else ()
    return sorted(e.id for e in locations if e.group == "store" and e.parent == dc)


def _unsure_place(req: Request) -> str | None:
    """Ask about a place the request names that is no location, when one is close ("unoin").

    A DC's own word naming its stores ("in the north stores") is a region, not a typo.
    """
    m = re.search(r"\b(?:at|in)\s+(?:the\s+)?(?P<w>[a-z][a-z\-]{3,})\b", req.text, re.I)
    if req.resolver is None or m is None or req.said("location") or _region(req):
        return None
    word = m.group("w")
    cats = req.resolver.categories
    if word.lower() in NOT_A_CATEGORY or category(word, cats) not in (None, word):
        return None
    res = req.resolver.resolve("location", word)
    if res.match is not None or not res.candidates:
        return None
    near = " or ".join(f"**{c.entity.label()}**" for c in res.candidates[:3])
    example = req.text[: m.start("w")] + res.candidates[0].entity.id + req.text[m.end("w") :]
    return (
        f"I don't know a location “{word}”, so I have not looked anything up. Did you mean "
        f"{near}? Say, for example, **{example}**."
    )


def _exceptions_args(req: Request) -> dict[str, Any] | str:
    """List the exceptions at the scope the request names: location, SKU and category.

    A location or SKU said anywhere counts ("anything urgent at union?" reads union as S003,
    "what's burning in store 4", "S002: any stockouts?"), not only after "at" or "in".
    """
    unsure = _unsure_place(req)
    if unsure:
        return unsure
    args = _list_args(req.text)
    for arg, kind in (("location", "location"), ("sku", "sku")):
        if req.resolver is not None and args.get(arg) and kind_of(args[arg], req.resolver) != kind:
            args.pop(arg)
        if arg not in args and req.said(kind):
            args[arg] = req.said(kind)
    region = _region(req)
    if region is not None and args.get("location") in (None, region):
        args.pop("location", None)  # "the DC-NORTH stores" are its stores, not the DC itself
        args["served_by"] = region
    cat = category(req.text, req.resolver.categories if req.resolver else ())
    if cat and not (region is not None and _region_word(cat, region)):
        args["category"] = cat
    return args


exceptions = Lookup("list_exceptions", _exceptions_args, _exceptions_title)


def _them_args(req: Request) -> dict[str, Any]:
    """List the exceptions the previous request counted or summed ("how many P1s?" -> list them)."""
    previous = understood(req.earlier, req.resolver) or ""
    args = _list_args(previous)
    cat = category(previous, req.resolver.categories if req.resolver else ())
    if cat:
        args["category"] = cat
    return args


list_them = Lookup("list_exceptions", _them_args, _exceptions_title)


def _late_po_args(req: Request) -> dict[str, Any]:
    """Read the late-PO list's scope: a place named anywhere counts ("late POs into DC-SOUTH")."""
    args = _list_args(req.text, kind=ExceptionType.LATE_PO.value)
    if "location" not in args and req.said("location"):
        args["location"] = req.said("location")
    return args


late_po_exceptions = Lookup(
    "list_exceptions",
    _late_po_args,
    lambda req, results: _render_exceptions(
        results[0], "Late purchase orders that put stock at risk"
    ),
)


THEIR = re.compile(
    r"\b(?:their|them|they|its|it|this\s+supplier's|that\s+supplier's|the\s+(?:older|oldest|newer|"
    r"newest|latest|first|second|other)\s+one)\b",
    re.I,
)
"""A supplier pointed at rather than named ("which of their POs are behind?")."""


def late_pos(req: Request, results: list[Result]) -> Step:
    """List late purchase orders: a supplier's late POs, else the late-PO exceptions.

    "late POs from SUP-05" reads that supplier's status, whose late POs say how many days late
    each is, rather than the network's late-PO exceptions, which name other suppliers; "which
    of their POs are behind?" reads the thread's supplier.
    """
    supplier = req.said("supplier")
    if supplier is None and req.focus.supplier and THEIR.search(req.text):
        supplier = req.focus.supplier
    if supplier is None:
        return late_po_exceptions(req, results)
    if results:
        last_result = results[-1]
        if last_result.name == "get_open_supply":
            return render_late_supply(last_result)
        return render_supplier_late(last_result)
    return [Call("get_supplier_status", {"supplier_id": supplier})]


explain = Lookup(
    "explain_exception", lambda req: {"exception_id": req.fields["exc"]}, last(_render_explain)
)


def draft_typed(req: Request, results: list[Result]) -> Step:
    """Draft the one exception of a type at a location ("restock the stockout at S003").

    The exceptions of that type and scope are listed first; one with a draftable action is
    drafted (and the answer leads with the draft), several are shown to choose from.
    """
    drafted = [r for r in results if r.name == "draft_recommended_action"]
    if drafted:
        exc = str(drafted[0].args.get("exception_id"))
        return draft_exception(dataclasses.replace(req, fields={**req.fields, "exc": exc}), drafted)
    if not results:
        return exceptions(req, results)
    listed = results[-1]
    items = [] if listed.error else _items(listed)
    actionable = [e for e in items if str((e.get("recommendation") or {}).get("kind")) in DRAFTABLE]
    if len(actionable) == 1:
        return [Call("draft_recommended_action", {"exception_id": actionable[0]["id"]})]
    text = exceptions(req, results)
    if len(actionable) > 1 and isinstance(text, str):
        return (
            f"**{len(actionable)} of these can be drafted, so I have not drafted anything "
            f"yet — which one?** Say, for example, **fix {actionable[0]['id']}**.\n\n" + text
        )
    return text


def draft_exception(req: Request, results: list[Result]) -> Step:
    """Draft an exception's recommended action; when it is advice only, what the engine does.

    "fix the one at kingston" on a stockout the engine covers with a transfer raised on another
    exception ("covered by the transfer of 470 from S003") drafts that transfer; an expedite
    is said to be advice only, and a draftable action of the engine for the same need is
    drafted in its place when there is one.
    """
    exc = req.fields["exc"]
    if not results:
        return [Call("draft_recommended_action", {"exception_id": exc})]
    first = results[0]
    data = first.data if isinstance(first.data, dict) else {}
    if data.get("status") != "advice_only":
        return _render_drafts(results)
    sku, _, where = exc.partition(":")[2].partition("@")
    loc = where.split(":")[0]
    advice = (
        f"**Nothing to draft for {exc}: the engine advises "
        f"{_rec_phrase(data.get('recommendation') or {})}.**"
    )
    rec = data.get("recommendation") or {}
    if str(rec.get("kind")) == ActionKind.EXPEDITE:
        return (
            advice + " Chasing the supplier is the action: there is nothing to approve. Say "
            f"**what's the recommendation for {sku} at {loc}?** for the other options."
        )
    if len(results) == 1:
        return [Call("list_exceptions", {"sku": sku, "top": DEFAULT_TOP})]
    drafted = [r for r in results[2:] if r.name.startswith("draft_")]
    if drafted:
        return (
            advice + " The engine covers the same need with the action below, which I drafted "
            "instead.\n\n" + _render_drafts(drafted)
        )
    listed = results[1]
    others = [e for e in _draftable_into(_items(listed), loc) if e.get("id") != exc]
    if listed.error or not others:
        return (
            advice + f" The engine recommends no transfer or purchase order into {loc} for "
            f"{sku} today, so I have not drafted anything. Say how many if you want one anyway, "
            f"for example **transfer <qty> of {sku} from <location> to {loc}**."
        )
    return [Call("draft_recommended_action", {"exception_id": others[0]["id"]})]


forecast = Lookup(
    "get_forecast",
    lambda req: {
        "sku": _field(req, "sku", "sku") or req.fields["sku"],
        "location": _field(req, "loc", "location") or req.fields["loc"],
        "horizon_days": _horizon(req.text),
    },
    last(_render_forecast),
)
suppliers = Lookup(
    "get_supplier_status",
    lambda req: {
        k: req.fields[f] for k, f in (("supplier_id", "sup"), ("sku", "sku")) if req.get(f)
    },
    last(_render_suppliers),
)
inventory = Lookup(
    "get_inventory",
    lambda req: {
        k: v
        for k, v in (
            ("sku", _field(req, "sku", "sku")),
            ("location", _field(req, "loc", "location")),
        )
        if v
    },
    last(_render_inventory),
)
inventory_loose = Lookup(
    "get_inventory",
    lambda req: {
        k: v for k, v in (("sku", req.said("sku")), ("location", req.said("location"))) if v
    },
    last(_render_inventory),
)
"""Stock for a request that names a SKU and/or a location in its own words."""
inventory_focus = Lookup(
    "get_inventory",
    lambda req: {
        k: v for k, v in (("sku", req.entity("sku")), ("location", req.entity("location"))) if v
    },
    last(_render_inventory),
)
"""Stock of the request's SKU and location, else the thread's ("when will it run out?")."""


def _named_role(question: str, result: Result) -> tuple[str, str, dict[str, Any]] | None:
    """Return (person, role, passage) when the question names a person the playbook lists.

    "how much can bob approve?": the named-users table row "| bob | approver |" says bob's
    role; what the role may do is in another passage (a second search finds it).
    """
    data = result.data if isinstance(result.data, dict) else {}
    words = set(re.findall(r"[a-z]+", question.lower()))
    for p in data.get("passages") or []:
        if not isinstance(p, dict):
            continue
        for m in re.finditer(
            r"^\|\s*([a-z]+)\s*\|\s*([a-z]+)\s*\|\s*$", str(p.get("text") or ""), re.M
        ):
            person, role = m.group(1), m.group(2)
            if person in words and person not in ("user", "role"):
                return person, role, p
    return None


WHO_APPROVES = re.compile(
    r"\bwho\b.*\b(?:approv\w*|sign\w*\s+off|authori[sz]\w*|ok(?:ay)?s?)\b"
    r"|\b(?:approv\w*|sign\w*\s+off)\b.*\bwho\b",
    re.I,
)
AMOUNT = re.compile(r"(?<![\w.-])(\d{1,3}(?:,\d{3})+|\d{3,})(?:\.\d+)?(?![\w-])")
LIMITS_QUERY = "roles and limits: the max order value each role may approve; named users"


def _approval_amount(text: str) -> tuple[str, float] | None:
    """Return the order value a "who can approve <amount>?" question names (as written), or None."""
    if not WHO_APPROVES.search(text):
        return None
    found = [(m.group(0), _number(m.group(0))) for m in AMOUNT.finditer(text)]
    found = [f for f in found if f[1] >= 100]
    return max(found, key=lambda f: f[1]) if found else None


def _person_may_approve(
    question: str, person: str, role: str, passage: dict[str, Any], results: Sequence[Result]
) -> str | None:
    """Answer "can bob sign off a 30k PO?" yes or no: the person's role and that role's limit.

    The amount is the largest the question names; the role's limit and who may approve more
    come from the roles-and-limits and named-users tables. None without an amount or a limit.
    """
    found = [(m.group(0), _number(m.group(0))) for m in AMOUNT.finditer(question)]
    found = [f for f in found if f[1] >= 100]
    if not found:
        return None
    said, value = max(found, key=lambda f: f[1])
    limit = None
    for cells, p in _passage_rows(results, 4):
        if cells[0].lower() == role.lower() and re.fullmatch(r"[\d,]+(?:\.\d+)?", cells[3]):
            limit = (cells[3], _number(cells[3]), p.get("citation"))
    if limit is None:
        return None
    shown, top, cite = limit
    who = f"{person} is {'an' if role[:1] in 'aeiou' else 'a'} {role} ({passage.get('citation')})"
    if value <= top:
        return (
            f"**Yes — {who}, and the {role}'s limit is {shown} per order ({cite}), which covers "
            f"an order of {said}.**"
        )
    other = _approver_lead((said, value), results, question)
    return (
        f"**No — {person} cannot approve an order of {said} on their own: {who}, and the "
        f"{role}'s limit is {shown} per order ({cite}).**" + (f" {other}" if other else "")
    )


def _states_a_limit(result: Result) -> bool:
    """Return True when a passage of the search states an approval limit (approve + an amount)."""
    data = result.data if isinstance(result.data, dict) else {}
    for p in data.get("passages") or []:
        text = str(p.get("text") or "") if isinstance(p, dict) else ""
        if re.search(r"approv", text, re.I) and AMOUNT.search(text):
            return True
    return False


def _passage_rows(
    results: Sequence[Result], columns: int
) -> list[tuple[list[str], dict[str, Any]]]:
    """Return the table rows (cells) of the passages the searches returned, with their passage."""
    out = []
    for r in results:
        data = r.data if isinstance(r.data, dict) else {}
        for p in data.get("passages") or []:
            if not isinstance(p, dict):
                continue
            for line in str(p.get("text") or "").splitlines():
                cells = [c.strip() for c in line.strip().strip("|").split("|")]
                if line.strip().startswith("|") and len(cells) == columns and "---" not in line:
                    out.append((cells, p))
    return out


def _approver_lead(
    amount: tuple[str, float], results: Sequence[Result], question: str
) -> str | None:
    """Name the role (and its users) whose approval limit covers an order value, from the playbook.

    The roles-and-limits table gives each role's maximum order value; the lowest limit that
    covers the amount names the role, the named-users table its people. None without the table.
    """
    limits = []
    for cells, p in _passage_rows(results, 4):
        role, _, may, limit = cells
        if not re.fullmatch(r"[\d,]+(?:\.\d+)?", limit) or may.lower().startswith("nothing"):
            continue
        limits.append((_number(limit), role, limit, p))
    if not limits:
        return None
    limits.sort(key=lambda x: x[0])
    said, value = amount
    users: dict[str, list[tuple[str, dict[str, Any]]]] = {}
    for cells, up in _passage_rows(results, 2):
        named_ = users.setdefault(cells[1].lower(), [])
        if cells[1].lower() in {lim[1].lower() for lim in limits} and cells[0] not in dict(named_):
            named_.append((cells[0], up))
    over = r"\b(?:over|above|more\s+than|exceeding|beyond)\s+\D{0,3}" + re.escape(said)
    above = bool(re.search(over, question, re.I))
    covering = [x for x in limits if x[0] > value or (x[0] == value and not above)]
    cite = limits[0][3].get("citation")
    if not covering:
        top = limits[-1]
        return (
            f"**No one can approve an order {'over' if above else 'of'} {said} in StockPilot**: "
            f"the highest approval limit "
            f"is {top[2]} (the {top[1]} role; {cite})."
        )
    _, role, limit, _ = covering[0]
    below = [x for x in limits if x not in covering]
    people = users.get(role.lower()) or []
    named = (
        f" — {', '.join(u for u, _ in people)} ({people[0][1].get('citation')})" if people else ""
    )
    article = "An" if role[:1].lower() in "aeiou" else "A"
    value_said = f"an order over {said}" if above else f"an order of {said}"
    why = f"the {below[-1][1]}'s limit is {below[-1][2]} and " if below else ""
    return (
        f"**{article} {role}{named} can approve {value_said}**: {why}the {role}'s limit is "
        f"{limit} per order ({cite})."
    )


THRESHOLD_QUESTION = re.compile(
    r"\b(?:above|over|from|beyond|past|at|up\s+to)\s+(?:what|which)\s+(?:\w+\s+)?(?:value|amount|size|level|"
    r"spend)\b"
    r"|\bwhat\s+(?:\w+\s+){0,2}?(?:value|amount|size)\s+(?:\w+\s+){0,3}?(?:needs?|requires?)\b"
    r"|\b(?:when|at\s+what\s+point)\s+does\s+(?:an?\s+)?(?:po|order|purchase\s+order|transfer)\s+"
    r"(?:need|require)\b",
    re.I,
)
"""A question for the order value at which an approval level starts ("above what value ...")."""
ABOUT_APPROVAL = re.compile(
    r"\b(?:approv\w*|sign\w*[\s-]*off|authori[sz]\w*|director|admin|approval\s+matrix)\b", re.I
)
"""A threshold question is about the approval matrix only when it says approving: "at what value
is a transfer not worth the freight?" asks the transfer policy's minimum."""
FEE = re.compile(r"\b(?:fees?|freight|surcharges?|charges?|premium|penalt(?:y|ies))\b", re.I)
"""An amount that is a fee, not an order's value: who approves it is not the approval matrix's
order-value table ("a 1,400 expedite fee: who signs that?" is the expedite procedure's)."""
ASKED_ROLE = re.compile(
    r"\b(?:needs?|requires?|go(?:es)?\s+to)\s+(?:an?\s+|the\s+)?(?P<role>[a-z]+)(?:'s)?\b", re.I
)


CLASS_COVER = re.compile(
    r"^(?=.*\b(?:class\s+[abc]|[abc][- ](?:items?|class|skus?|products?|lines?))\b).*\b(?:longest|"
    r"how\s+long|too\s+much|too\s+many\s+days|max\w*|most|upper|limit|cap|hold|keep)\b",
    re.I,
)
CLASS_COVER_QUERY = "max days of cover after an order, by class"
"""How much cover a class may hold is the replenishment policy's max-days-of-cover table: the
search adds its words ("the longest we can hold an A item" shares none with it)."""


def _threshold_lead(results: Sequence[Result], question: str) -> str | None:
    """Say at what order value each approval level starts, from the roles-and-limits table."""
    limits = []
    for cells, p in _passage_rows(results, 4):
        role, _, may, limit = cells
        if re.fullmatch(r"[\d,]+(?:\.\d+)?", limit) and not may.lower().startswith("nothing"):
            limits.append((_number(limit), role, limit, p))
    if not limits:
        return None
    limits.sort(key=lambda x: x[0])
    cite = limits[0][3].get("citation")
    steps = [
        f"up to {limits[0][2]} an {limits[0][1]}"
        if limits[0][1][:1] in "aeiou"
        else f"up to {limits[0][2]} a {limits[0][1]}"
    ]
    for (_, _, below, _), (_, role, limit, _) in itertools.pairwise(limits):
        article = "an" if role[:1].lower() in "aeiou" else "a"
        steps.append(f"above {below} {article} {role} (up to {limit})")
    steps.append(f"above {limits[-1][2]} no one in StockPilot")
    roles = {r.lower() for _, r, _, _ in limits}
    asked = ASKED_ROLE.search(question)
    word = asked.group("role").lower() if asked else ""
    missing = ""
    if (
        word
        and word not in roles
        and word not in {"approval", "sign", "signoff", "more", "to", "be"}
    ):
        missing = (
            f" The approval matrix has no {word} role; its levels are {', '.join(sorted(roles))}."
        )
    return f"**Who approves by order value: {'; '.join(steps)}** ({cite}).{missing}"


NEGATIVE_FIGURE = re.compile(
    r"(?:(?<![\w.])-\s?\d|\bminus\s+\d|\bbelow\s+zero\b|\bless\s+than\s+zero\b)"
    r"(?=.*\b(?:on[- ]hand|stock|inventory|units?|shows?|showing|reads?|says?)\b)",
    re.I,
)
"""A stock figure below zero said as a number ("shows -4 on hand", "minus 3 in stock")."""


def _policy_query(text: str) -> str:
    """Return the playbook search for a question: a stock figure below zero is negative stock."""
    if NEGATIVE_FIGURE.search(text) and not re.search(r"\bnegative\b", text, re.I):
        return f"{text} (negative on hand)"
    return text


def policy(req: Request, results: list[Result]) -> Step:
    """Answer a policy question from the playbook: the rule in one line, then quote and cite.

    A question about a person ("how much can bob approve?") is answered in two hops: the
    person's role from the named-users passage, then what that role may do. "Who can approve
    40k?" names the role whose limit covers the amount, and its people, before the passages.
    """
    amount = None if FEE.search(req.text) else _approval_amount(req.text)
    if amount is None and THRESHOLD_QUESTION.search(req.text) and ABOUT_APPROVAL.search(req.text):
        if not results:
            return [Call("search_policies", {"query": req.text, "k": POLICY_PASSAGES})]
        if not any(r.error for r in results):
            if len(results) == 1 and not _passage_rows(results, 4):
                # The roles-and-limits table did not come back: ask for it by its own words.
                return [Call("search_policies", {"query": LIMITS_QUERY, "k": POLICY_PASSAGES})]
            lead = _threshold_lead(results, req.text)
            if lead is not None:
                return lead + "\n\n" + _render_policies(results[-1])
        return _render_policies(results[-1])
    if amount is None and not results and CLASS_COVER.search(req.text):
        query = f"{req.text} ({CLASS_COVER_QUERY})"
        return [Call("search_policies", {"query": query, "k": POLICY_PASSAGES})]
    if amount is not None:
        if not results:
            return [Call("search_policies", {"query": req.text, "k": POLICY_PASSAGES})]
        if not any(r.error for r in results):
            if len(results) == 1 and not _states_a_limit(results[0]):
                # The roles-and-limits table did not come back: ask for it by its own words.
                return [Call("search_policies", {"query": LIMITS_QUERY, "k": POLICY_PASSAGES})]
            lead = _approver_lead(amount, results, req.text)
            if lead is not None:
                return lead + "\n\n" + _render_policies(results[-1])
        return _render_policies(results[-1])
    if not results:
        return [Call("search_policies", {"query": _policy_query(req.text), "k": POLICY_PASSAGES})]
    first = results[0]
    named = None if first.error else _named_role(req.text, first)
    if named is None:
        return _render_policies(results[-1])
    person, role, passage = named
    if len(results) == 1:
        query = f"what may an {role} approve and up to what max order value"
        return [Call("search_policies", {"query": query, "k": POLICY_PASSAGES})]
    verdict = _person_may_approve(req.text, person, role, passage, results)
    if verdict is not None:
        return verdict + "\n\n" + _render_policies(results[-1])
    return (
        f"**{person} is {'an' if role[:1] in 'aeiou' else 'a'} {role}** "
        f"({passage.get('citation')}). What {'an' if role[:1] in 'aeiou' else 'a'} {role} may "
        f"do:\n\n" + _render_policies(results[-1])
    )


def _one(kind: str, slot: str | None, arg: str, example: str) -> Args:
    """Arguments of a tool that takes one entity: the request's, else the focus's, else ask."""

    def read(req: Request) -> dict[str, Any] | str:
        ident = (req.get(slot) if slot else None) or req.entity(kind)
        if ident is None:
            return _ask(f"the {kind}".replace("sku", "SKU"), example)
        return {arg: ident}

    return read


suppliers_focus = Lookup(
    "get_supplier_status",
    _one("sku", None, "sku", "who supplies SKU-0012?"),
    last(_render_suppliers),
)
"""The suppliers of the thread's SKU ("who supplies it?")."""
network = Lookup(
    "get_network_position",
    _one("sku", "sku", "sku", "where do we hold the most SKU-0012?"),
    last(render_network),
)
LEAST = re.compile(r"\b(?:least|fewest|lowest|smallest|less)\b", re.I)
STORES_ONLY = re.compile(r"\b(?:stores?|shops?)\b", re.I)
DCS_ONLY = re.compile(r"\b(?:dcs?|warehouses?|distribution\s+cent(?:er|re)s?)\b", re.I)


def network_rank(req: Request, results: list[Result]) -> Step:
    """Rank a SKU's locations by on hand, in the direction asked, over stores when said."""
    if not results:
        return network(req, results)
    kind = (
        "store" if STORES_ONLY.search(req.text) else ("dc" if DCS_ONLY.search(req.text) else None)
    )
    places = req.found.get("location") or []
    if len(places) >= 2:  # "DC-NORTH or DC-SOUTH: which holds more SKU-0077?"
        return render_network_rank(
            results[-1], None, least=bool(LEAST.search(req.text)), among=places
        )
    return render_network_rank(results[-1], kind, least=bool(LEAST.search(req.text)))


item = Lookup(
    "get_item", _one("sku", "sku", "sku", "what's the MOQ of SKU-0012?"), last(render_item)
)


def _order_scope(req: Request) -> dict[str, Any]:
    """Return the order list's scope: the location, SKU and supplier the request names.

    With the count of lines asked for with a rank ("only 5 biggest", "top 5").
    """
    named = (
        ("location", req.said("location")),
        ("sku", req.said("sku")),
        ("supplier_id", req.said("supplier")),
    )
    scope: dict[str, Any] = {k: v for k, v in named if v}
    top = _top(req.text, 0)
    if top:
        scope["top"] = top
    return scope


routine_orders = Lookup("get_routine_orders", _order_scope, last(render_routine_orders))
"""The plan's order list ("what do we need to order this week?"), in the scope named."""
supplier_overview = Lookup(
    "get_supplier_overview",
    _one("supplier", "sup", "supplier_id", "what should I order from SUP-03 now?"),
    last(render_supplier_overview),
)


TOTAL_BY = (
    ("location", r"\b(?:by|per|each)\s+(?:location|store|site|dc)s?\b(?![-_])"
                 r"|\b(?:which|what)\s+(?:\w+\s+){0,2}?(?:location|store|site|dc|warehouse|shop"
                 r"|branch|outlet|place)(?:e?s)?\b|\bwhoo?se\b(?!.*\b(?:categor|sku|item|supplier))"
                 r"|\bconcentrat\w*"
                 r"|^(?!.*\b(?:categor|sku|item|supplier)).*\bwhere\b"
                 r"|\b(?:worst|best|biggest|riskiest|most\s+exposed)\s+(?:location|store|shop|site"
                 r"|dc|warehouse)s?\b"),
    ("category", r"\b(?:by|per|each)\s+(?:(?:product|item|merchandise|sku)\s+)?categor(?:y|ies)\b"
                 r"|\b(?:which|what)\s+(?:\w+\s+){0,2}?categor(?:y|ies)\b"
                 r"|\b(?:worst|best|biggest|riskiest|most\s+exposed)\s+categor(?:y|ies)\b"),
    ("priority", r"\b(?:by|per|each)\s+priorit(?:y|ies)\b"),
    ("sku", r"\b(?:by|per|each)\s+(?:sku|item|product)s?\b|\bwhich\s+(?:sku|item|product)s?\b"),
    ("supplier", r"\b(?:by|per|each)\s+(?:supplier|vendor)s?\b|\bfrom\s+which\s+(?:suppliers?|"
                 r"vendors?)\b|\bwhich\s+(?:suppliers?|vendors?)\b"),
    ("source", r"\b(?:by|per|each)\s+source\b|\bfrom\s+(?:whom|who|where)\b|\bwho\s+from\b"
               r"|\bwho\s+(?:sent|supplied|shipped|delivered)\s+them\b"
               r"|\bwho\s+(?:are|were)\s+they\s+from\b"),
)  # fmt: skip


def _totals_args(req: Request) -> dict[str, Any]:
    by = next((k for k, p in TOTAL_BY if re.search(p, req.text, re.I)), "type")
    args: dict[str, Any] = {"by": by}
    kind = _exception_type(req.text)
    if kind:
        args["type"] = kind
    for arg, kind_ in (("location", "location"), ("sku", "sku")):
        if req.said(kind_):
            args[arg] = req.said(kind_)
    region = _region(req)
    if region is not None and args.get("location") in (None, region):
        args.pop("location", None)
        args["served_by"] = region
    cat = category(req.text, req.resolver.categories if req.resolver else ())
    if cat and not (region is not None and _region_word(cat, region)):
        args["category"] = cat
    level = priority_level(req.text)
    if level is not None:
        args["priority"] = level
    if PLACES_COUNTED.search(req.text) and not args.get("location"):
        args["by"] = "location"  # "how many stores have stockouts?": the places, counted
    places = req.found.get("location") or []
    if len(places) >= 2 and not region:
        # "S004 vs S011: where is more at risk?": every location's total, the two compared
        args["by"] = "location"
        args.pop("location", None)
    return args


PLACES_COUNTED = re.compile(
    r"\b(?:how\s+many|number\s+of|count\s+of)\s+(?:(?:the|our)\s+)?(?P<noun>stores?|shops?|"
    r"locat(?:io|o|i)?ns?|sites?|places?|dcs?|warehouses?)\b",
    re.I,
)
"""A count of places asked for ("how many stores have stockouts?", "in how many shops are we
out of stock", "number of locations with overstock"): the distinct locations, not exceptions."""
PLACE_GROUP = {"store": "store", "shop": "store", "dc": "dc", "warehouse": "dc"}
"""The kind of location a counted place's noun keeps (a location, site or place: every one)."""
COUNT_QUESTION = re.compile(r"\bhow\s+many\b|\b(?:count|number)\s+of\b", re.I)


STORE_QUESTION = re.compile(
    r"\b(?:which|what|worst|best|biggest|riskiest)\s+(?:stores?|shops?)\b|\bstores?\b.*\bmost\b",
    re.I,
)


def _render_totals(req: Request, results: list[Result]) -> str:
    """Render a total; a question about stores (or DCs) leads with the store (or DC) it asks for."""
    group = None
    counted = PLACES_COUNTED.search(req.text)
    if counted and results[-1].args.get("by") == "location":
        word = re.sub(r"s$", "", counted.group("noun").lower())
        kind = PLACE_GROUP.get(word)
        keep = None
        if kind is not None and req.resolver is not None:
            known = req.resolver

            def keep(key: str) -> bool:
                ent = known.get("location", key)
                return ent is not None and ent.group == kind

        noun = {"store": "store", "dc": "DC"}.get(kind or "", "location")
        return render_places_counted(results[-1], keep, noun)
    if results[-1].args.get("by") == "location" and req.resolver is not None:
        if STORE_QUESTION.search(req.text):
            group = "store"
        elif re.search(r"\b(?:which|what)\s+(?:dcs?|warehouses?)\b", req.text, re.I):
            group = "dc"
    only = None
    if group is not None:
        resolver = req.resolver

        def only(key: str) -> bool:
            ent = resolver.get("location", key)
            return ent is not None and ent.group == group

    places = req.found.get("location") or []
    if len(places) >= 2 and results[-1].args.get("by") == "location" and not results[-1].error:
        return render_totals_compared(results[-1], places)
    return render_totals(
        results[-1],
        count_first=bool(COUNT_QUESTION.search(req.text)),
        only=only,
        noun={"store": "store", "dc": "DC"}.get(group or "", ""),
    )


WHICH_ONE = re.compile(
    r"\bwhich\s+(?:one|is|exception|flag|issue|alert)\b(?:\s+\w+){0,3}?\s+(?:the\s+)?(?:biggest|"
    r"largest|worst|highest|top|most\s+(?:expensive|costly|urgent))\b"
    r"|\b(?:the\s+)?(?:biggest|largest|worst|top)\s+(?:one|1|single\s+one|exception|flag|issue)\b",
    re.I,
)
"""A count or total that also asks for its largest item ("how many ..., and which is biggest?")."""


def totals(req: Request, results: list[Result]) -> Step:
    """Total (or count) the exceptions in scope; "and which one is biggest?" also lists the top.

    The largest item is the first of `list_exceptions` with the same filters (ranked by money
    at risk), said after the total.
    """
    regions = _regions(req)
    if len(regions) >= 2:
        # "north stores vs region 3 stores": each region's own total, compared.
        if not results:
            args = {k: v for k, v in _totals_args(req).items() if k not in ("location", "by")}
            return [
                Call("summarize_exceptions", {**args, "by": "type", "served_by": dc})
                for dc in regions
            ]
        return render_regions_compared([r for r in results if r.name == "summarize_exceptions"])
    if not results:
        args = _totals_args(req)
        calls = [Call("summarize_exceptions", args)]
        if args.get("by") == "type" and WHICH_ONE.search(req.text):
            filters = {k: v for k, v in args.items() if k != "by"}
            calls.append(Call("list_exceptions", {**filters, "top": 3}))
        return calls
    summary = [r for r in results if r.name == "summarize_exceptions"]
    text = _render_totals(req, summary or results)
    listed = next((r for r in results if r.name == "list_exceptions"), None)
    if listed is not None and not listed.error:
        items = _items(listed)
        if items:
            top = items[0]
            where = f"{top.get('sku')} at {top.get('location')}"
            text += (
                f"\n\n**The largest is {top.get('id')}** ({where}, "
                f"P{top.get('priority')}): {_money(top.get('money_at_risk'))} at risk. "
                f"{top.get('detail') or ''}".rstrip()
            )
    return text


def _open_supply_args(req: Request) -> dict[str, Any] | str:
    args: dict[str, Any] = {
        k: v
        for k, v in (
            ("sku", req.said("sku")),
            ("location", req.said("location")),
            ("supplier_id", req.said("supplier")),
        )
        if v
    }
    pronoun = re.search(r"\b(?:it|this|that|them|this\s+(?:item|sku))\b", req.text, re.I)
    if pronoun and "sku" not in args and req.focus.sku:
        args["sku"] = req.focus.sku
    if not args and req.focus.supplier and THEIR.search(req.text):
        args["supplier_id"] = req.focus.supplier  # "what do they still owe us?"
    if not args:
        args = {k: v for k, v in (("sku", req.focus.sku), ("location", req.focus.location)) if v}
    days = window_days(req.text, req.as_of)
    if days is not None:
        args["within_days"] = days
    return args


open_supply = Lookup("get_open_supply", _open_supply_args, last(render_supply))


def _proposals_args(req: Request) -> dict[str, Any]:
    scope = "mine" if re.search(r"\b(?:my|i)\b", req.text, re.I) else "thread"
    if re.search(r"\b(?:this|the)\s+(?:chat|thread|conversation)\b", req.text, re.I):
        scope = "thread"  # "what have I got waiting in this chat?"
    if re.search(r"\b(?:all|everyone|everybody|team)\b", req.text, re.I):
        scope = "all"
    if scope == "thread" and not req.focus.proposals:
        scope = "mine"
    args: dict[str, Any] = {"scope": scope}
    if re.search(r"\bpending|waiting|open\b", req.text, re.I):
        args["status"] = "pending"
    return args


proposals = Lookup("list_proposals", _proposals_args, last(render_proposals))


def _besides(req: Request, results: list[Result]) -> str:
    """Answer "is it the only one waiting?" / "anything else pending?" about the thread's draft."""
    result = results[-1]
    if result.error:
        return _error_text(result)
    data = result.data if isinstance(result.data, dict) else {}
    pending = [p for p in data.get("proposals") or [] if p.get("status") == "pending"]
    note = req.focus.last_proposal(pending=True)
    if note is None or re.search(r"\bhow\s+many\b", req.text, re.I):
        return render_proposals(result)
    others = [p for p in pending if p.get("proposal_id") != note.proposal_id]
    only = bool(re.search(r"\bonly\b", req.text, re.I))
    if not others:
        lead = "Yes" if only else "No"
        return (
            f"**{lead} — {note.proposal_id} is the only proposal of yours waiting for approval; "
            "nothing else is pending.**"
        )
    lead = "No" if only else "Yes"
    count = f"{_qty(data['pending'])} " if isinstance(data.get("pending"), int) else ""
    lines = [
        f"**{lead} — {count}proposals of yours are waiting for approval: {note.proposal_id} and**",
        *(f"- {proposal_line(p)}" for p in others),
    ]
    return "\n".join(lines)


pending_besides = Lookup(
    "list_proposals", lambda req: {"scope": "mine", "status": "pending"}, _besides
)


def _named_proposal(req: Request, *, pending: bool) -> ProposalNote | None:
    """Return the thread's proposal the request names ("the sunscreen move"), else its latest."""
    pid = req.get("pid")
    for note in reversed(req.focus.proposals):
        waiting = note.status in ("pending", "pending_approval")
        if note.proposal_id == pid and (waiting or not pending):
            return note
    return req.focus.last_proposal(pending=pending)


def _this_proposal(pending: bool, none: str) -> Args:
    """Read the proposal the request names, else the thread's latest (pending) one, else say so."""

    def read(req: Request) -> dict[str, Any] | str:
        note = req.focus.last_proposal(pending=pending)
        pid = req.get("pid") or (note.proposal_id if note else None)
        return {"proposal_id": pid} if pid else none

    return read


proposal_status = Lookup(
    "get_proposal_status",
    _this_proposal(
        False,
        "There is no proposal in this conversation yet, so there is nothing to check. "
        "Say **what's pending** to see your proposals.",
    ),
    last(render_status),
)


def _targets(req: Request, *, pending: bool) -> Pointed:
    """Return the proposals the request points at by id, ordinal or plural (`proposal_refs`)."""
    ids = tuple(i for i in (req.get("pids") or "").split(",") if i)
    if ids:
        return Pointed(ids, plural=len(ids) > 1)
    return pointed(req.text, req.focus, pending=pending)


def _note_of(req: Request, pid: str) -> ProposalNote | None:
    return next((n for n in reversed(req.focus.proposals) if n.proposal_id == pid), None)


UNDO = re.compile(r"\b(?:undo|revert|reverse)\b|\bgo\s+back\b|\bput\s+it\s+back\b", re.I)
"""Taking back the thread's last change ("undo", "undo that", "revert it")."""


def _last_writes(earlier: Sequence[BaseMessage]) -> list[tuple[str, dict[str, Any], Any]]:
    """Return the thread's last step of write tool calls: each name, arguments, result data."""
    results: dict[str, Any] = {}
    for msg in reversed(earlier):
        if isinstance(msg, ToolMessage):
            results.setdefault(str(msg.tool_call_id), msg.content)
        elif isinstance(msg, AIMessage) and msg.tool_calls:
            writes = []
            for tc in msg.tool_calls:
                name = str(tc["name"])
                if not name.startswith(("draft_", "amend_", "withdraw_")):
                    continue
                raw = results.get(str(tc.get("id")))
                try:
                    data = json.loads(raw) if isinstance(raw, str) else raw
                except ValueError:
                    data = None
                writes.append((name, dict(tc.get("args") or {}), data))
            if writes:
                return writes
    return []


def _redraft_words(a: dict[str, Any]) -> str | None:
    """Return the request that drafts a withdrawn proposal again, from its own arguments."""
    if a.get("from_location") and a.get("to_location"):
        return instruction(Call("draft_transfer", a))
    if a.get("supplier_id") and a.get("location_id"):
        return instruction(Call("draft_purchase_order", a))
    return None


def _undo(req: Request) -> list[Call] | str | None:
    """Take back the thread's last change, or say why not; None when it was a new draft.

    After an amend (of one proposal or several) each replacement goes back to the quantity it
    had; after a withdrawal the planner is told a withdrawal cannot be undone and how to draft
    it again. After a draft, undoing it is withdrawing it (None: the withdrawal goes ahead).
    """
    writes = _last_writes(req.earlier)
    calls: list[Call] = []
    refused: list[str] = []
    for name, args, data in writes:
        data = data if isinstance(data, dict) else {}
        if name == "amend_proposal" and data.get("replaces"):
            new, old_qty = str(data.get("proposal_id") or ""), data.get("previous_qty")
            note = _note_of(req, new)
            waiting = note is not None and note.status in ("pending", "pending_approval")
            if waiting and isinstance(old_qty, int) and old_qty > 0:
                calls.append(Call("amend_proposal", {"proposal_id": new, "qty": old_qty}))
            else:
                refused.append(
                    f"I cannot undo the change of {new}: it is no longer pending, so I have not "
                    "changed it."
                )
        elif name == "withdraw_proposal" and data.get("status") == "withdrawn":
            p = data.get("proposal") or {}
            a = p.get("args") or {}
            what = " ".join(str(a[k]) for k in ("qty", "sku") if a.get(k) is not None)
            again = _redraft_words(a)
            refused.append(
                f"I cannot undo a withdrawal: {p.get('proposal_id') or args.get('proposal_id')} "
                f"({str(p.get('kind') or 'proposal').replace('_', ' ')} of {what or 'it'}) "
                "stays **withdrawn**, and I have not drafted anything. To propose it again, say "
                + (f"**{again}**." if again else "what to draft in full.")
            )
    if calls:
        return calls
    return "\n".join(refused) if refused else None


def _to_withdraw(req: Request) -> dict[str, Any] | str:
    """Read the proposal named, else the thread's latest pending one, else its latest of any.

    "withdraw that transfer" after an approver approved it still asks the tool, which refuses
    (only a pending proposal can be withdrawn): the answer relays the tool's reason and the
    proposal's status rather than saying the thread has none.
    """
    note = req.focus.last_proposal(pending=True) or req.focus.last_proposal()
    pid = req.get("pid") or (note.proposal_id if note else None)
    return (
        {"proposal_id": pid}
        if pid
        else "There is no proposal in this conversation to withdraw, so I have not changed it."
    )


def withdraw(req: Request, results: list[Result]) -> Step:
    """Withdraw the proposals the request points at (`_targets`), else the thread's latest.

    "withdraw both" / "withdraw all" withdraw every pending proposal of the thread and the
    answer names each; "undo" after an amend puts the quantity back (`_undo`).
    """
    if not results:
        target = _targets(req, pending=True)
        if target.question:
            return target.question
        if not target.ids and UNDO.search(req.text):
            undone = _undo(req)
            if undone is not None:
                return undone
        if target.ids:
            return [Call("withdraw_proposal", {"proposal_id": pid}) for pid in target.ids]
        args = _to_withdraw(req)
        return args if isinstance(args, str) else [Call("withdraw_proposal", args)]
    if any(r.name == "amend_proposal" for r in results):
        parts = []
        for r in results:
            ok = isinstance(r.data, dict) and "pending" in str(r.data.get("status", ""))
            head = "**Undone** — the quantity is back." if ok else "**Not undone.**"
            parts.append(head + "\n" + _render_draft(r))
        return "\n\n".join(parts) + _gate_note(results)
    return "\n".join(_render_draft(r).removeprefix("- ") for r in results)


def _pending_qty(note: ProposalNote | None) -> int | None:
    """Return the quantity the thread last saw on a proposal, else None."""
    qty = (note.args or {}).get("qty") if note is not None else None
    return int(qty) if isinstance(qty, int | float) and not isinstance(qty, bool) else None


HALVED = re.compile(r"\b(?:by\s+(?:a\s+)?half\b|by\s+50\s*%|in\s+half\b|halve[ds]?\b)", re.I)
"""A change that halves the draft ("drop it by half", "cut it in half")."""
BY_A_BIT = re.compile(r"\b(?:a\s+)?(?:bit|little|touch|tad|smidge|notch)\W*$", re.I)
"""A change of no said size ("drop it a bit"): the new quantity is asked for."""


def amend(req: Request, results: list[Result]) -> Step:
    """Change the quantity of the thread's pending proposal (withdrawn, the new one drafted).

    A target ("make it 10", "reduce it to 10") sets the quantity; a change by an amount ("cut
    it by 10", "add 12 to it", "3 more", `relative_change`) is applied to the draft's current
    quantity. A change that would leave less than 1 changes nothing and says so (withdrawing is
    asked for in its own words). The answer gives the old and the new quantity.
    """
    target = _targets(req, pending=True)
    if target.question and not results:
        return target.question
    if target.plural:
        return _amend_each(req, results, target.ids)
    note = _note_of(req, target.ids[0]) if target.ids else _named_proposal(req, pending=True)
    if note is None and target.ids:
        note = ProposalNote(target.ids[0], "proposal", "pending")  # named by id, not this thread's
    old = _pending_qty(note)
    if not results:
        qty = quantity(req.text)
        if note is None:
            return (
                "There is no pending proposal in this conversation to change, so I have not "
                "drafted anything."
            )
        delta = relative_change(req.text)
        if delta is not None:
            if old is None:
                return _ask("the new quantity", "make it <qty> instead")
            qty = old + delta
            if qty < 1:
                return (
                    f"I have not changed it: taking {abs(delta)} off the draft's {old} units "
                    f"would leave {max(qty, 0)}, and the least a draft can hold is 1. Say "
                    "**withdraw the draft** to drop it, or a new quantity (for example **make "
                    "it 1 instead**)."
                )
        if HALVED.search(req.text) and old is not None:
            qty = max(1, round(old / 2))
        elif BY_A_BIT.search(req.text):
            qty = None  # "drop it a bit": by how much is the planner's to say
        if qty is None or qty <= 0:
            return _ask("the new quantity", "make it <qty> instead")
        if qty == old:
            # Said to be what it already is: the store is read first (`_unchanged`).
            return [Call("get_proposal_status", {"proposal_id": note.proposal_id})]
        return [Call("amend_proposal", {"proposal_id": note.proposal_id, "qty": qty})]
    if results[-1].name == "get_proposal_status":
        return _unchanged(req, results[-1], note)
    new = next((r.args.get("qty") for r in results if r.name == "amend_proposal"), None)
    writes = [r for r in results if r.name.startswith(("draft_", "amend_", "withdraw_"))]
    last = writes[-1] if writes else results[-1]  # a look-up of the turn is no draft
    # A change the checks refused leaves the draft as it was: it is not said to be amended.
    changed = (
        not last.error
        and isinstance(last.data, dict)
        and "pending" in str(last.data.get("status", ""))
    )
    change = (
        f"Quantity **{old} → {new}** units.\n"
        if changed and old is not None and isinstance(new, int)
        else ""
    )
    title = (
        "**Amended**"
        if changed
        else f"**Not changed** ({note.proposal_id if note else ''} stays as it was)"
    )
    return change + (
        _render_drafts(results, title)
        if last.name.startswith("draft_")
        else (title + "\n" + _render_draft(last) + _gate_note(results))
    )


def _unchanged(req: Request, status: Result, note: ProposalNote | None) -> Step:
    """Say a pending proposal already holds the quantity asked, as the store holds it now.

    Amended only if the store's quantity differs from the one asked (the thread's memory was
    out of date); nothing changes, and no new proposal id is made, when they agree.
    """
    data = status.data if isinstance(status.data, dict) else {}
    held = (data.get("args") or {}).get("qty")
    asked = _pending_qty(note)
    pid = str(data.get("proposal_id") or (note.proposal_id if note else ""))
    if status.error or data.get("status") != "pending" or held is None:
        return _error_text(status) if status.error else render_status(status)
    if asked is not None and held != asked:
        return [Call("amend_proposal", {"proposal_id": pid, "qty": asked})]
    return (
        f"**Not changed** — {pid} is already {_qty(held)} units, so there is nothing to "
        "amend; it stays pending as it is."
    )


def _amend_each(req: Request, results: list[Result], ids: Sequence[str]) -> Step:
    """Amend every proposal pointed at ("make them 30") to one quantity; say each outcome."""
    if not results:
        qty = quantity(req.text)
        delta = relative_change(req.text)
        calls: list[Call] = []
        same: list[str] = []
        for pid in ids:
            old = _pending_qty(_note_of(req, pid))
            new = (old + delta if old is not None else None) if delta is not None else qty
            if new is None or new <= 0:
                return _ask("the new quantity", "make them <qty> instead")
            if new == old:
                same.append(pid)
            else:
                calls.append(Call("amend_proposal", {"proposal_id": pid, "qty": new}))
        if not calls:
            return f"**Nothing changed** — {', '.join(same)} already hold that quantity."
        return calls
    lines = []
    for r in results:
        pid = str(r.args.get("proposal_id"))
        old = _pending_qty(_note_of(req, pid))
        ok = isinstance(r.data, dict) and "pending" in str(r.data.get("status", ""))
        head = (
            f"**{pid}: quantity {old} → {r.args.get('qty')} units — amended**"
            if ok
            else f"**{pid}: not changed** (it stays as it was)"
        )
        lines.append(head + "\n" + _render_draft(r))
    return "\n\n".join(lines) + _gate_note(results)


def _gate_note(results: Sequence[Result]) -> str:
    if any(_is_pending(r) for r in results):
        return (
            "\n\nThis is a draft only: nothing is written to the ERP until a human approver "
            "approves it at the approval gate (an approver can also edit the quantity there)."
        )
    return ""


# -- scoped what-ifs ------------------------------------------------------------------------------

NETWORK_WORDS = re.compile(
    r"\b(?:network|everywhere|everything|all\s+(?:of\s+)?(?:our\s+|the\s+)?(?:stores|locations|"
    r"sites|skus|items|products|categories|dcs)|across\s+the\s+(?:board|chain|business)|"
    r"(?:company|chain|business|nation|country)[- ]?wide|overall|global(?:ly)?|in\s+general|"
    r"whole\s+(?:business|company|chain|estate)|every\s+(?:store|location|site|sku|item))\b",
    re.I,
)


DEFAULT_PROMO_UPLIFT = 1.5
"""A hypothetical promotion's lift when the request names none (the answer says it assumed it)."""


def _promo_uplift(text: str) -> float | None:
    """Return a hypothetical promotion's lift: the scenario's factor, else a bare "40%" or "2x"."""
    scenario = _scenario_args(text)
    factor = scenario.get("promo_factor") or scenario.get("demand_factor")
    if factor:
        return float(factor)
    m = re.search(r"(?<![\w.-])(\d+(?:\.\d+)?)\s*%", text)
    return round(1 + float(m.group(1)) / 100, 4) if m else None


def _demand_change_example(req: Request) -> str:
    """Return a demand-change scenario to ask with: the request's item and place, size left open.

    No size is offered ("rises <n>%"): a figure in an example would be one no tool returned.
    """
    sku = req.entity("sku") or "SKU-0001"
    loc = req.entity("location") or "S003"
    return f"what if demand for {sku} at {loc} rises <n>%?"


def what_if(req: Request, results: list[Result]) -> Step:
    """Simulate a scenario at the scope the request names (or the thread's focus)."""
    if results:
        first = bool(re.search(r"\b(?:first|earliest|soonest)\b", req.text, re.I))
        answer = render_what_if_scope(results[-1], first=first)
        ran = results[-1].args
        uplift = _promo_uplift(hypotheses.DISCOUNT.sub(" ", req.text))
        if ran.get("promo_start") and uplift is None and not results[-1].error:
            answer += (
                f"\n\nNo uplift was given, so the promotion assumes ×{ran.get('promo_uplift')}: "
                "say the uplift you expect to run it with yours."
            )
        return _with_note(req, answer)
    priced = hypotheses.DISCOUNT.sub(" ", req.text)  # "20% off" is no uplift nor demand drop
    scenario = _scenario_args(priced)
    sup = req.said("supplier")
    if scenario.get("supplier_delay_days") and sup and "supplier_id" not in scenario:
        scenario["supplier_id"] = sup
    promo_words = re.search(
        r"\b(?:promo\w*|promot\w*|campaign|sale|deal|(?:up)?lift|featur\w*|on\s+special)\b",
        req.text,
        re.I,
    ) or hypotheses.PROMOTION.search(req.text)
    window = hypotheses.promotion_window(req.text, req.as_of) if promo_words else None
    if window and promo_words:
        scenario.pop("promo_factor", None)
        scenario.pop("demand_factor", None)
        scenario.update(
            promo_start=window[0].isoformat(),
            promo_end=window[1].isoformat(),
            promo_uplift=_promo_uplift(priced) or DEFAULT_PROMO_UPLIFT,
        )
    elif not scenario and hypotheses.poses_promotion(req.text):
        item = req.entity("sku") or "SKU-0001"
        place = req.entity("location") or "S003"
        return _ask(
            "the promotion's dates (and its uplift, if you know it; without one I assume "
            f"×{DEFAULT_PROMO_UPLIFT})",
            f"what if we promote {item} at {place} from <first day> to <last day> at <n>x?",
        )
    if not scenario and sup and re.search(r"\b(?:slip\w*|late|delay\w*|behind)\b", req.text, re.I):
        return _ask(
            f"how many days late {_named(req, sup)} is to be (over all its SKUs, or for one SKU "
            "and location)",
            f"what if {sup} is <n> days late?",
        )
    if not scenario:
        return _ask(
            "the change to simulate (a supplier delay, a demand change or a promotion lift)",
            _demand_change_example(req),
        )
    args: dict[str, Any] = dict(scenario)
    cat = category(req.text, req.resolver.categories if req.resolver else ())
    pair_sku, pair_loc = _pair(req.text)
    if req.resolver is not None:
        pair_ok = kind_of(str(pair_sku), req.resolver) == "sku"
        pair_ok = pair_ok and kind_of(str(pair_loc), req.resolver) == "location"
    else:
        pair_ok = not re.match(r"\d{4}-\d{2}-\d{2}$", str(pair_sku))
    if not pair_ok:
        pair_sku = pair_loc = None
    sku, loc = pair_sku or req.said("sku"), pair_loc or req.said("location")
    network = bool(NETWORK_WORDS.search(req.text))
    region = _region(req)  # "the whole Region 03 area", "DC-SOUTH's stores": the DC's region
    scoped_at = loc is not None and re.search(
        rf"\b(?:at|in|for)\s+(?:the\s+)?{re.escape(loc)}\b", req.text, re.I
    )
    if region is not None and (loc in (None, region) or not scoped_at):
        # a store said only in passing ("the retail park next to <store>") is no scope
        loc = None
        args["served_by"] = region
    if sku is None and loc is None and cat is None and not network and region is None:
        delay_only = scenario.get("supplier_delay_days") and not scenario.get("supplier_id")
        if delay_only and req.focus.supplier and not (req.focus.sku and req.focus.location):
            scenario["supplier_id"] = args["supplier_id"] = req.focus.supplier
        if scenario.get("supplier_id"):
            args["supplier_id"] = scenario["supplier_id"]
        elif req.focus.sku or req.focus.location:
            sku, loc = req.focus.sku, req.focus.location
        else:
            return _ask(
                "what to simulate it for — a SKU and a location, a SKU, a location, a category, "
                "a supplier, or the whole network",
                _demand_change_example(req),
            )
    for key, value in (("sku", sku), ("location", loc), ("category", cat)):
        if value:
            args[key] = value
    return [Call("run_what_if", args)]


# -- transfers in everyday words ------------------------------------------------------------------


def everyday_transfer(req: Request, results: list[Result]) -> Step:
    """Draft a transfer phrased freely ("ship 25 over from the DC")."""
    if _drafted(results):
        return _with_note(req, _drafts_with_notes(results))
    qty = req.get("n")
    sku = req.said("sku") or req.focus.sku
    locs = req.found.get("location") or []
    text = req.text
    src = dst = None
    m_from = re.search(r"\b(?:from|out\s+of|off)\s+(?:the\s+)?(\S+)", text, re.I)
    m_to = re.search(r"\b(?:to|into|for|at)\s+(?:the\s+)?(\S+)", text, re.I)
    arrow = re.search(r"(\S+)\s*(?:->|=>)\s*(\S+)", text)
    if arrow and not (m_from or m_to):  # "union -> kingston": source, then destination
        m_from, m_to = (re.match(r"(.*)", arrow.group(i)) for i in (1, 2))
    elif arrow and not m_from:
        # "40 of it to go DC-NORTH -> S002": the arrow says both ends, "to go" is only words.
        m_from, m_to = (re.match(r"(.*)", arrow.group(i)) for i in (1, 2))
    spare = re.search(r"(\S+)\s+(?:spare|lend)\s+(?:us\s+)?\d", text, re.I)
    if spare and not m_from:  # "can S003 spare 50?": the source
        m_from = spare
    for loc in locs:
        if m_from and m_from.group(1).strip(".,!?").upper() == loc.upper():
            src = loc
        elif m_to and m_to.group(1).strip(".,!?").upper() == loc.upper():
            dst = loc
    rest = [x for x in locs if x not in (src, dst)]
    if dst is None and rest:
        dst = rest.pop(0)
    dst = dst or req.focus.location
    if src is None and rest:
        src = rest.pop(0)
    if src is None and dst is not None and req.resolver is not None:
        if OTHER_STORE_RE.search(text):
            src = other_location(dst, req.resolver, store=True)
        elif OTHER_DC_RE.search(text):
            src = other_location(dst, req.resolver, store=False)
    from_dc = re.search(r"\bfrom\s+(?:the|our|its|their|a)?\s*(?:dc|warehouse)\b", text, re.I)
    replenish = re.search(r"\b(?:replenish|restock|top\s+up)\b", text, re.I)
    own_dc = src is None and dst is not None and not re.search(r"\bfrom\b", text, re.I)
    if src is None and dst is not None and (from_dc or replenish or own_dc):
        ent = req.resolver.get("location", dst) if req.resolver else None
        src = ent.parent if ent is not None and ent.parent else None
    if not (qty and sku and src and dst):
        missing = [
            n for n, v in (("the quantity", qty), ("the SKU", sku), ("the source", src),
                           ("the destination", dst)) if not v
        ]  # fmt: skip
        return _ask(
            " and ".join(missing),
            f"transfer {qty or '<qty>'} of {sku or 'SKU-0001'} from {src or 'DC-NORTH'} to "
            f"{dst or 'S003'}",
        )
    units, step = _pack_qty(req, results, sku, _number(qty))
    if step is not None or units is None:
        return step or ""
    return [
        Call("draft_transfer", {"sku": sku, "from_location": src, "to_location": dst, "qty": units})
    ]


def purchase_order_loose(req: Request, results: list[Result]) -> Step:
    """Draft a purchase order phrased freely: quantity, SKU, location, supplier in any order."""
    fields = {
        "sku": str(req.entity("sku")),
        "loc": str(req.entity("location")),
        "n": str(req.get("n")),
    }
    sup = req.said("supplier")
    if sup:
        fields["sup"] = sup
    again = Request(req.text, fields, req.earlier, req.focus, req.found, req.named, req.resolver)
    return purchase_order(again, results)


def _destination(req: Request) -> str | None:
    """Return the location a need is at: the first one named, not after "from", else the focus's."""
    for loc in req.found.get("location") or []:
        if re.search(
            r"(?:\b(?:to|into)\s+(?:the\s+)?|->\s*)" + re.escape(loc) + r"\b", req.text, re.I
        ):
            return loc  # "move some to S004", "DC-NORTH -> S004": the destination said as such
    sources = []
    for loc in req.found.get("location") or []:
        if not re.search(r"\bfrom\s+(?:the\s+)?" + re.escape(loc) + r"\b", req.text, re.I):
            return loc
        sources.append(loc)
    # "top it up from the north DC" after a look-up at S002: the need is the thread's S002.
    if sources and req.focus.location and req.focus.location not in sources:
        return req.focus.location
    return req.entity("location")


def _draftable_into(items: Sequence[dict[str, Any]], loc: str) -> list[dict[str, Any]]:
    """Return the exceptions whose recommended transfer or order delivers to `loc`."""
    out = []
    for e in items:
        rec = e.get("recommendation") or {}
        if rec.get("kind") in DRAFTABLE and loc in (rec.get("to_location"), rec.get("location_id")):
            out.append(e)
    return out


def cover_need(req: Request, results: list[Result]) -> Step:
    """Draft the engine's own action for a SKU-location's need, never a quantity of our own.

    The need's own exceptions first; when their recommendation is covered by an action raised
    on another location's exception ("covered by the transfer of 476 from S003"), the SKU's
    exceptions are read for the one whose action delivers here. With no exception to act on,
    the engine's order list for the SKU-location (`get_routine_orders`) sizes it: its line is
    drafted, from the source or supplier the request names (`_engine_line_step`).
    """
    sku, loc = req.entity("sku"), _destination(req)
    if loc is None:
        return _ask(f"the location that needs {sku}", f"get S003 covered for {sku}")
    if not results:
        return [Call("list_exceptions", {"sku": sku, "location": loc, "top": DEFAULT_TOP})]
    drafted = [r for r in results if r.name.startswith("draft_")]
    if drafted:
        return _engine_line_note(results, loc) + _render_drafts(drafted)
    found = [r for r in results if r.name == "list_exceptions"]
    listed = found[-1] if found else results[-1]
    if listed.error:
        return _error_text(listed)
    actionable = _draftable_into(_items(listed), loc)
    if not actionable and len(found) == 1 and _items(listed):
        return [Call("list_exceptions", {"sku": sku, "top": DEFAULT_TOP})]
    source, sup = _named_source(req), req.said("supplier")
    if not actionable:
        return _engine_line_step(req, results, str(sku), loc, source, sup)
    action = recommended_action(actionable[0])
    if source and isinstance(action, TransferAction) and action.from_location != source:
        # "transfer it from DC-SOUTH instead": the engine's quantity from the named source.
        moved = dataclasses.replace(action, from_location=source)
        return [Call("draft_transfer", moved.args())]
    if sup and isinstance(action, PurchaseOrderAction) and action.supplier_id != sup:
        # "raise it with SUP-02": the engine's quantity, to the supplier named.
        return [Call("draft_purchase_order", dataclasses.replace(action, supplier_id=sup).args())]
    return [Call("draft_recommended_action", {"exception_id": actionable[0]["id"]})]


def engine_need(req: Request, results: list[Result]) -> Step:
    """Say how much of an item a location needs by the engine, drafting nothing.

    "How much SKU-0012 should S003 get?" is a question: it is read the way `cover_need` sizes
    a draft (the exception's recommendation delivering here, else the engine's order-list
    line), and the engine's quantity is stated with its reason instead of being drafted.
    """
    sku, loc = req.entity("sku"), _destination(req)
    if loc is None:
        return _ask(f"the location that needs {sku}", f"how much {sku} should S003 get?")
    if not results:
        return [Call("list_exceptions", {"sku": sku, "location": loc, "top": DEFAULT_TOP})]
    found = [r for r in results if r.name == "list_exceptions"]
    listed = found[-1] if found else results[-1]
    if listed.error:
        return _error_text(listed)
    actionable = _draftable_into(_items(listed), loc)
    if not actionable and len(found) == 1 and _items(listed):
        return [Call("list_exceptions", {"sku": sku, "top": DEFAULT_TOP})]
    tail = "\n\nI have not drafted anything; say **get {loc} covered for {sku}** to draft it."
    if actionable:
        exc = actionable[0]
        rec = exc.get("recommendation") or {}
        why = str(rec.get("rationale") or "").strip()
        return (
            f"**By the planning engine, {sku} at {loc} needs: {_rec_phrase(rec)}** — the "
            f"recommendation of exception {exc.get('id')}." + (f" {why}" if why else "")
        ) + tail.format(loc=loc, sku=sku)
    routine = next((r for r in results if r.name == "get_routine_orders"), None)
    if routine is None:
        return [Call("get_routine_orders", {"sku": sku, "location": loc})]
    if routine.error:
        return _error_text(routine)
    data = routine.data if isinstance(routine.data, dict) else {}
    line = _engine_line(_items(routine), loc, None, None)
    if line is None:
        why = (
            f" The engine's order list has no line for it: {data['why_nothing']}."
            if data.get("why_nothing")
            else " The engine's order list has no line for it."
        )
        return (
            f"The planning engine recommends no transfer or purchase order for {sku} at {loc} "
            f"today.{why} I have not drafted anything."
        )
    if line.get("kind") == "transfer":
        act = f"transfer {_qty(line.get('qty'))} from {line.get('from_location')}"
    else:
        act = f"order {_qty(line.get('qty'))} from {line.get('supplier_id')}"
    reason = str(line.get("reason") or "").strip()
    return (
        f"**By the planning engine's order list, {sku} at {loc} needs: {act}.**"
        + (f" Reason: {reason}" if reason else "")
    ) + tail.format(loc=loc, sku=sku)


COST_QTY = re.compile(r"(?<![\w.-])(\d[\d,]*)(?![\w.-]|\s*%)")
"""A quantity in a cost question ("… transfer 20 SKU-0012 …"): digits that are not in an id."""


def move_cost(req: Request, results: list[Result]) -> Step:
    """Price a transfer or a purchase order the planner asks about, drafting nothing.

    A transfer's figures are its lane's (`get_lanes`: cost per unit and lead time), a purchase
    order's the item-supplier terms (`get_item`: unit cost, MOQ, case pack, lead time). The
    quantity is the request's. No tool returns the product of the two, so no total is stated:
    every figure of the answer is a tool's or the request's own.
    """
    sku, sup = req.entity("sku"), req.said("supplier")
    said = COST_QTY.search(req.text)
    qty = said.group(1) if said else None
    if not results:
        if sup:
            return [Call("get_item", {"sku": sku})]
        src, dst = _named_source(req), _destination(req)
        if src is None or dst is None or src == dst:
            return _ask(
                "where from and to",
                f"how much would it cost to transfer {qty or '<qty>'} {sku} from DC-SOUTH to S003?",
            )
        return [Call("get_lanes", {"from_location": src, "to_location": dst})]
    last = results[-1]
    if last.error:
        return _error_text(last)
    data = last.data if isinstance(last.data, dict) else {}
    units = f"{qty} units of {sku}" if qty else f"{sku}"
    if last.name == "get_item":
        terms = next((t for t in data.get("suppliers") or [] if t.get("supplier_id") == sup), None)
        if terms is None:
            listed = ", ".join(str(t.get("supplier_id")) for t in data.get("suppliers") or [])
            return (
                f"The item master has no terms for {sku} from {sup}"
                + (f" (its suppliers: {listed})" if listed else "")
                + ", so I can't price that purchase order. I have not drafted anything."
            )
        moq = terms.get("moq")
        lines = [
            f"**A purchase order for {units} from {sup}** would be priced at "
            f"{_money(terms.get('unit_cost'))} per unit ({sup}'s terms for {sku}, item master"
            f" via `get_item`)" + (f": {qty} × {_money(terms.get('unit_cost'))}." if qty else "."),
            f"- MOQ: {_qty(moq) if moq is not None else 'none'} (the same terms)"
            + (
                f" — {qty} is below it, so a draft would be raised to the MOQ"
                if qty and moq is not None and int(qty.replace(",", "")) < moq
                else ""
            ),
            f"- Case pack: {_qty(data.get('case_pack'))} (item master)",
            f"- Lead time: {_qty(terms.get('lead_time_days'))} days "
            f"({terms.get('lead_time_source')})",
            "\nNo tool returns the order's total, so I have not stated one. I have not drafted "
            f"anything; say **order {qty or '<qty>'} of {sku} from {sup} for <location>** to "
            "draft it.",
        ]
        return "\n".join(lines)
    lanes_found = data.get("lanes") or []
    if not lanes_found:
        src = (data.get("filters") or {}).get("from_location")
        dst = (data.get("filters") or {}).get("to_location")
        return (
            f"There is no lane from {src} to {dst}, so a transfer there can't be priced. "
            "I have not drafted anything."
        )
    lane = lanes_found[0]
    src, dst = lane.get("from_location"), lane.get("to_location")
    return (
        f"**A transfer of {units} from {src} to {dst}** would ship over the {src} → {dst} lane "
        f"at {lane.get('cost_per_unit')} per unit with a {_qty(lane.get('lead_time_days'))}-day "
        f"lead time (lanes table, via `get_lanes`)"
        + (f": {qty} × {lane.get('cost_per_unit')} per unit." if qty else ".")
        + "\n\nNo tool returns the transfer's total, so I have not stated one. I have not "
        f"drafted anything; say **transfer {qty or '<qty>'} of {sku} from {src} to {dst}** to "
        "draft it."
    )


def _engine_line(
    items: Sequence[dict[str, Any]], loc: str, source: str | None, sup: str | None
) -> dict[str, Any] | None:
    """Return the order-list line delivering to `loc`, the one from `source` / `sup` first.

    A supplier named asks for a purchase order, a source named for a transfer: a line of that
    kind comes before one of the other kind.
    """
    mine = [i for i in items if i.get("location") == loc and i.get("kind") in DRAFT_LINE_KINDS]
    if sup:
        mine.sort(key=lambda i: (i.get("kind") != "purchase_order", i.get("supplier_id") != sup))
    elif source:
        mine.sort(key=lambda i: (i.get("kind") != "transfer", i.get("from_location") != source))
    return mine[0] if mine else None


DRAFT_LINE_KINDS = ("transfer", "purchase_order")
"""The kinds of order-list line a draft is made from."""


def _engine_line_step(
    req: Request,
    results: list[Result],
    sku: str,
    loc: str,
    source: str | None,
    sup: str | None,
) -> Step:
    """Draft the engine's order-list line for a SKU-location's need, or say why there is none.

    The quantity is always the line's (its reason says why: reorder point, order-up-to level,
    MOQ and case pack); the source or supplier the request names replaces the engine's. With
    no line, the engine's figures for the SKU-location (on hand, cover, reorder point) are
    looked up and a quantity is asked for.
    """
    routine = next((r for r in results if r.name == "get_routine_orders"), None)
    if routine is None:
        args: dict[str, Any] = {"sku": sku, "location": loc}
        return [Call("get_routine_orders", args)]
    if routine.error:
        return _error_text(routine)
    data = routine.data if isinstance(routine.data, dict) else {}
    line = _engine_line(_items(routine), loc, source, sup)
    asked = "purchase_order" if sup else "transfer" if source else None
    if line is not None and asked is not None and line.get("kind") != asked:
        return _other_kind(line, sku, loc, source, sup)
    if line is not None:
        if line.get("kind") == "transfer":
            src = source if source and source != loc else str(line.get("from_location"))
            move = {"sku": sku, "from_location": src, "to_location": loc, "qty": line["qty"]}
            return [Call("draft_transfer", move)]
        supplier = sup or str(line.get("supplier_id"))
        po = {"sku": sku, "location_id": loc, "supplier_id": supplier, "qty": line["qty"]}
        return [Call("draft_purchase_order", po)]
    inventory = next((r for r in results if r.name == "get_inventory"), None)
    if inventory is None:
        return [Call("get_inventory", {"sku": sku, "location": loc})]
    rows = inventory.data if isinstance(inventory.data, list) else [inventory.data]
    row = next((r for r in rows if isinstance(r, dict) and r.get("location_id") == loc), None)
    figures = ""
    if row is not None and not inventory.error:
        figures = (
            f" {sku} at {loc}: {_qty(row.get('on_hand'))} on hand, position "
            f"{_qty(row.get('position'))}, {_qty(row.get('days_of_cover'))} days of cover, "
            f"reorder point {_qty(row.get('reorder_point'))}."
        )
    waiting = [w for w in data.get("waiting_for_moq_items") or [] if w.get("location") == loc]
    why = (
        f" It waits for the MOQ: {waiting[0].get('reason')}."
        if waiting
        else (f" The engine's order list has no line for it: {data['why_nothing']}."
              if data.get("why_nothing") else " The engine's order list has no line for it.")
    )  # fmt: skip
    example = (
        f"**order <qty> of {sku} for {loc} from {sup}**"
        if sup
        else f"**transfer <qty> of {sku} from {source or '<location>'} to {loc}**"
        if source
        else f"**order <qty> of {sku} for {loc}** or **transfer <qty> of {sku} from "
        f"<location> to {loc}**"
    )
    return (
        f"The planning engine recommends no transfer or purchase order for {sku} at {loc} "
        f"today, so I have not drafted anything and will not guess a quantity.{why}{figures} "
        f"Say how many, for example {example}."
    )


def _other_kind(
    line: dict[str, Any], sku: str, loc: str, source: str | None, sup: str | None
) -> str:
    """Say that the engine sources a need by the other kind of order, and ask which to draft.

    A purchase order asked of a supplier is never drafted as a transfer (nor a transfer asked
    from a source as a purchase order): the engine's line and quantity are said, and both
    requests are offered.
    """
    qty = _qty(line.get("qty"))
    if line.get("kind") == "transfer":
        frm = str(line.get("from_location"))
        engine = f"a transfer of {qty} from {frm}"
        mine = f"**order {qty} of {sku} for {loc} from {sup}**"
        theirs = f"**transfer {qty} of {sku} from {frm} to {loc}**"
        asked = f"a purchase order from {sup}"
    else:
        engine = f"a purchase order of {qty} from {line.get('supplier_id')}"
        mine = f"**transfer {qty} of {sku} from {source} to {loc}**"
        theirs = f"**order {qty} of {sku} for {loc} from {line.get('supplier_id')}**"
        asked = f"a transfer from {source}"
    reason = line.get("reason") or "no reason given"
    return (
        f"I have not drafted anything: you asked for {asked}, but the planning engine sources "
        f"{sku} at {loc} by {engine} (its order-list line: {reason}"
        f"). Say {mine} to draft what you asked for with the engine's quantity, or {theirs} to "
        "draft the engine's line."
    )


def _engine_line_note(results: Sequence[Result], loc: str) -> str:
    """Say which engine figure a draft made from the order list took, and why ("" if none)."""
    routine = next((r for r in results if r.name == "get_routine_orders"), None)
    if routine is None or routine.error:
        return ""
    drafted = next((r for r in results if r.name.startswith("draft_")), None)
    args = drafted.args if drafted is not None else {}
    named = args.get("supplier_id") or args.get("from_location")
    line = _engine_line(_items(routine), loc, args.get("from_location"), args.get("supplier_id"))
    if line is None:
        return ""
    theirs = line.get("supplier_id") or line.get("from_location")
    note = (
        f"The quantity is the planning engine's order-list line for {line.get('sku')} at {loc}: "
        f"{_qty(line.get('qty'))} ({line.get('reason')})."
    )
    if named and theirs and named != theirs:
        via = "supplier" if line.get("kind") == "purchase_order" else "source"
        note += f" The engine's {via} is {theirs}; the draft uses {named} as asked."
    return note + "\n\n"


def order_from_supplier(req: Request, results: list[Result]) -> Step:
    """Order the thread's need from a supplier ("ok order it from them", "buy it from Harbor").

    The supplier named, else the thread's ("them" after a supplier look-up); the quantity is
    the planning engine's for the SKU-location's need, never one of our own: the exception's
    recommended action, else the engine's order-list line. With no need the engine acts on,
    ask for the quantity.
    """
    sku, loc = req.entity("sku"), _destination(req)
    sup = req.said("supplier") or req.focus.supplier
    if re.search(r"\bthe\s+other\s+(?:supplier|vendor|one|1)\b", req.text, re.I):
        # "order from the other one": the item's listed supplier that is not the thread's one
        others = [s for s in _listed_suppliers(req.earlier) if s != req.focus.supplier]
        sup = others[0] if len(others) == 1 else None
        if sup is None:
            return _ask("which supplier to order from", "order it from SUP-09")
    if sup is None:
        return _ask("the supplier to order from", "order it from SUP-09")
    if sku is None or loc is None:
        return _ask(
            "the SKU and the location to order for",
            f"order <qty> of {sku or 'SKU-0012'} for {loc or 'DC-NORTH'} from {sup}",
        )
    if not results:
        return [Call("list_exceptions", {"sku": sku, "location": loc, "top": DEFAULT_TOP})]
    drafted = [r for r in results if r.name.startswith("draft_")]
    if drafted:
        return _with_note(req, _engine_line_note(results, loc) + _render_drafts(drafted))
    listed = next(r for r in results if r.name == "list_exceptions")
    if listed.error:
        return _error_text(listed)
    actionable = _draftable_into(_items(listed), loc)
    action = recommended_action(actionable[0]) if actionable else None
    if not isinstance(action, TransferAction | PurchaseOrderAction):
        return _engine_line_step(req, results, str(sku), loc, None, sup)
    args = {"sku": sku, "location_id": loc, "supplier_id": sup, "qty": action.qty}
    return [Call("draft_purchase_order", args)]


FEEDS = (
    r"(?:feed|feeds|supply|supplies|serve|serves|service|services|replenish(?:es)?|cover|covers"
    r"|ship|ships|deliver|delivers)"
)
"""Verbs whose subject is the place the goods leave ("DC-SOUTH feeds", "does DC-SOUTH serve")."""
FED = r"(?:fed|supplied|served|serviced|replenished|covered|shipped\s+to)\s+(?:by|from)"
"""Their passive ("fed by DC-SOUTH"): the place after it is the source too."""


def _named_source(req: Request) -> str | None:
    """Return the location a request names after "from", or None."""
    for loc in req.found.get("location") or []:
        if re.search(r"\bfrom\s+(?:the\s+)?" + re.escape(loc) + r"\b", req.text, re.I):
            return loc
        if re.search(r"\b" + re.escape(loc) + r"\s*->", req.text):
            return loc  # "DC-NORTH -> S003"
    return None


def _feeding_source(req: Request) -> str | None:
    """Return the location a lane question names as the one feeding others, or None.

    The subject of a feeding verb ("which stores does DC-SOUTH feed", "what does the north DC
    serve") or the agent of its passive ("stores fed by DC-SOUTH") is where the lanes start.
    """
    for loc in req.found.get("location") or []:
        if re.search(r"\b" + re.escape(loc) + r"\s+" + FEEDS + r"\b", req.text, re.I):
            return loc
        if re.search(FED + r"\s+(?:the\s+)?" + re.escape(loc) + r"\b", req.text, re.I):
            return loc
    return None


def follow_up_lookup(req: Request, results: list[Result]) -> Step:
    """Look up the thread's SKU and location for a request that names neither."""
    sku, loc = _sku(req), _loc(req)
    wants_forecast = re.search(r"\b(?:forecast|outlook|demand)\b", req.text, re.I)
    if not results:
        if wants_forecast and sku and loc:
            return [
                Call(
                    "get_forecast",
                    {"sku": sku, "location": loc, "horizon_days": _horizon(req.text)},
                )
            ]
        if sku or loc:
            args = {k: v for k, v in (("sku", sku), ("location", loc)) if v}
            return [Call("get_inventory", args)]
        return _ask("the SKU or the location", "stock of SKU-0001 at S003")
    if results[-1].name == "get_forecast":
        return _render_forecast(results[-1])
    return _render_inventory(results[-1])


def _lanes_args(req: Request) -> dict[str, Any] | str:
    """Read a lane question's ends: "from S001 to S003", "S001 -> S003", "which DC feeds S004"."""
    src = req.get("src") or _named_source(req) or _feeding_source(req)
    dst = req.get("dst")
    if dst == src:
        dst = None  # "which stores does DC-SOUTH feed": the DC is the source, not an end
    if dst is None:
        for loc in req.found.get("location") or []:
            if loc != src:
                dst = loc
                break
    if src is None and dst is None:
        return _ask("a location", "which DC feeds S004?")
    return {k: v for k, v in (("from_location", src), ("to_location", dst)) if v}


_lanes_one_way = Lookup("get_lanes", _lanes_args, last(render_lanes))
EITHER_WAY = re.compile(r"\b(?:connect\w*|link\w*|between)\b", re.I)
"""A lane question with no direction ("are A and B connected?"): either way answers it."""
ONE_WAY = re.compile(r"\b(?:from|(?<!linked\s)(?<!connected\s)to|into|feeds?)\b|->|\u2192", re.I)
"""Words that give a lane question its direction ("from A to B"; "linked to" gives none)."""


def lanes(req: Request, results: list[Result]) -> Step:
    """Answer a lane question, both ways when it has no direction.

    "Are A and B connected?" with no lane from A to B checks the lane from B to A too.
    """
    step = _lanes_one_way(req, results)
    text = req.original or req.text
    if not (results and isinstance(step, str)) or len(results) > 1:
        if (
            len(results) == 2
            and isinstance(results[1].data, dict)
            and results[1].data.get("exists")
        ):
            f = results[0].args
            return (
                f"{render_lanes(results[1])}\n\nThere is no lane the other way, from "
                f"{f.get('from_location')} to {f.get('to_location')}."
            )
        return render_lanes(results[0]) if len(results) > 1 else step
    first = results[0]
    data = first.data if isinstance(first.data, dict) else {}
    src, dst = first.args.get("from_location"), first.args.get("to_location")
    either = EITHER_WAY.search(text) and not ONE_WAY.search(text)
    if either and src and dst and not first.error and not data.get("exists"):
        return [Call("get_lanes", {"from_location": dst, "to_location": src})]
    return step


QUICK = re.compile(
    r"\b(?:quick\w*|fast\w*|slow\w*|sooner|soonest|lead\s*times?|long\w*|short\w*)\b", re.I
)
RELIABLE = re.compile(r"\b(?:reliab\w*|on[- ]time|late|trust\w*|dependab\w*|punctual)\b", re.I)


def _not_suppliers(req: Request) -> str | None:
    """Say which supplier ids the request names that the network does not have, else None.

    An id written like the network's supplier ids ("SUP-99") that is none of them is not
    compared silently, nor read as its nearest neighbour: the answer says so and names the
    nearest ones (`Resolver.nearest`).
    """
    if req.resolver is None:
        return None
    known = set(req.resolver.entities.get("supplier") or {})
    coded = [i.rsplit("-", 1) for i in known if "-" in i]
    if not coded:
        return None
    prefixes = "|".join(sorted({re.escape(p) for p, _ in coded}))
    width = max(len(n) for _, n in coded)
    lines: list[str] = []
    nearest: list[str] = []
    pattern = r"(?<![\w-])(" + prefixes + r")[-_ ]?(\d+)(?![\w-])"
    for m in re.finditer(pattern, req.original or req.text, re.I):
        said = f"{m.group(1).upper()}-{m.group(2).zfill(width)}"
        if said in known:
            continue
        near = req.resolver.nearest("supplier", said)
        nearest += [e.id for e in near[:1]]
        shown = f"; nearest: {', '.join(e.label() for e in near)}" if near else ""
        lines.append(f"**{said} is not a supplier**{shown}.")
    if not lines:
        return None
    valid = [s for s in req.found.get("supplier") or [] if s in known]
    example = list(dict.fromkeys([*valid, *nearest, *sorted(known)]))[:2]
    say = " and ".join(example)
    return (
        "\n".join(lines) + f"\n\nI have not compared anything. Say, for example, **compare {say}**."
    )


def compare_suppliers(req: Request, results: list[Result]) -> Step:
    """Compare suppliers ("which is quicker, them or Harbor?"): the answer, then the table.

    Every supplier named, else every supplier of the item the request names (looked up by the
    item), else every one the thread last listed, the thread's supplier standing in for "them";
    each one's status is looked up, and the answer leads with the one that wins on what was
    asked (lead time, or the on-time rate for reliability), every figure from the tool. A
    supplier whose status is not found, or whose figure is not known, is said to be left out.
    """
    if not results and (not_one := _not_suppliers(req)):
        return not_one
    sups = list(dict.fromkeys(req.found.get("supplier") or []))
    sku = req.said("sku") if len(sups) < 2 else None
    if not sups and not sku:
        sups = _listed_suppliers(req.earlier)  # "which one is better?" after "who supplies it?"
    if not sku and len(sups) < 2 and req.focus.supplier and req.focus.supplier not in sups:
        sups.insert(0, req.focus.supplier)
    if len(sups) < 2 and not sku:
        return _ask("the suppliers to compare", "which is quicker, SUP-06 or SUP-09?")
    if not results:
        if sku:  # "which supplier of SKU-0001 is quicker?": all of the item's suppliers
            return [Call("get_supplier_status", {"sku": sku})]
        return [Call("get_supplier_status", {"supplier_id": sup}) for sup in sups]
    failed = next((r for r in results if r.error), None)
    if failed is not None:
        return _error_text(failed)
    rows: dict[str, dict[str, Any]] = {}
    for r in results:
        for row in r.data if isinstance(r.data, list) else []:
            if isinstance(row, dict) and row.get("supplier_id"):
                rows.setdefault(str(row["supplier_id"]), row)
    found = list(rows.values())
    missing = [sup for sup in sups if sup not in rows]
    if len(found) < 2:
        whose = f"{sku} has {len(found)} supplier" if sku else "I could not find both suppliers"
        if sku:
            return f"{whose}, so there is nothing to compare it with."
        return f"{whose}, so I can't compare them."
    note = f" Not compared: {', '.join(missing)} (no supplier status found)." if missing else ""
    if not (RELIABLE.search(req.text) or QUICK.search(req.text)):
        return _overall(req, found, note)
    reliability = bool(RELIABLE.search(req.text)) and not QUICK.search(req.text)
    key, better, unit = (
        ("on_time_rate", max, "") if reliability else ("lead_time_days", min, " days")
    )
    many = len(found) > 2
    word = (
        ("most reliable" if many else "more reliable")
        if reliability
        else ("quickest" if many else "quicker")
    )
    what = "on time" if reliability else "lead time"

    def show(value: Any) -> str:
        return _pct(value) if reliability else _qty(value)

    known = [row for row in found if row.get(key) is not None]
    unknown = [_who(row) for row in found if row.get(key) is None]
    if len(known) < 2:
        whom = "both suppliers" if len(found) == 2 else "at least two of the suppliers"
        lead = f"**I don't have the {what} of {whom}, so I can't say which is {word}.**"
    else:
        best = better(row[key] for row in known)
        wins = [row for row in known if row[key] == best]
        rest = [row for row in known if row[key] != best]
        if not rest:
            each = " each" if len(wins) == 2 else ", all of them"
            lead = f"**{_and(_who(w) for w in wins)} are level: {what} {show(best)}{unit}{each}.**"
        else:
            rest.sort(key=lambda row: float(row[key]), reverse=better is max)
            against = _and(f"{show(row[key])}{unit} for {_who(row)}" for row in rest)
            verb = "is" if len(wins) == 1 else "are"
            each = "" if len(wins) == 1 else " each"
            lead = (
                f"**{_and(_who(w) for w in wins)} {verb} {word}: {what} {show(best)}{unit}{each} "
                f"against {against}.**"
            )
        if unknown:
            lead += f" Left out: {_and(unknown)} (no {what} known)."
    ids = " vs ".join(str(row.get("supplier_id")) for row in found)
    other = (
        "Lead time " + " vs ".join(_qty(row.get("lead_time_days")) for row in found) + " days"
        if reliability
        else "On time " + " vs ".join(_pct(row.get("on_time_rate")) for row in found)
    )
    merged = Result("get_supplier_status", {}, "", found)
    table = _render_suppliers(merged).split("\n", 1)[1].lstrip("\n")
    return f"{lead} {other} ({ids}).{note}\n\n{table}"


def _who(row: dict[str, Any]) -> str:
    """Name a supplier by its id and name: "SUP-09 (Harbor Wholesale)"."""
    return f"{row.get('supplier_id')} ({row.get('name')})"


def _and(parts: Iterable[str]) -> str:
    """Join words as a list is said: "a", "a and b", "a, b and c"."""
    items = list(parts)
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def _listed_suppliers(earlier: Sequence[BaseMessage]) -> list[str]:
    """Return the suppliers the thread's last supplier look-up listed (an item's suppliers)."""
    calls: dict[str, str] = {}
    for msg in earlier:
        if isinstance(msg, AIMessage):
            calls.update({str(tc.get("id")): str(tc["name"]) for tc in msg.tool_calls or []})
    for msg in reversed(earlier):
        if isinstance(msg, HumanMessage):
            break
        name = calls.get(str(getattr(msg, "tool_call_id", "")))
        if name not in ("get_supplier_status", "get_item"):
            continue
        try:
            data = json.loads(str(msg.content))
        except ValueError:
            continue
        rows = data if isinstance(data, list) else (data or {}).get("suppliers") or []
        ids = [str(r["supplier_id"]) for r in rows if isinstance(r, dict) and r.get("supplier_id")]
        if len(ids) >= 2:
            return ids
    return []


WORSE = re.compile(r"\b(?:worse|worst|weaker|less\s+reliable|slower|avoid)\b", re.I)


def _overall(req: Request, rows: list[dict[str, Any]], note: str = "") -> str:
    """Answer "which supplier is better / worse?" on both the on-time rate and the lead time.

    Every supplier of `rows` is weighed: the one first on both counts (last, for "worse") is
    named; where one is first on one count and another on the other, both are said.
    """
    ids = " vs ".join(str(row.get("supplier_id")) for row in rows)
    figures = (
        "on time " + " vs ".join(_pct(row.get("on_time_rate")) for row in rows) + ", lead time "
        + " vs ".join(_qty(row.get("lead_time_days")) for row in rows) + f" days ({ids})"
    )  # fmt: skip
    table = _render_suppliers(Result("get_supplier_status", {}, "", rows))
    table = table.split("\n", 1)[1].lstrip("\n")
    if any(row.get("on_time_rate") is None or row.get("lead_time_days") is None for row in rows):
        whom = "both suppliers" if len(rows) == 2 else "every supplier"
        lead = f"**I don't have the on-time rate and lead time of {whom}**: {figures}."
        return f"{lead}{note}\n\n{table}"

    def first(key: str, high: bool) -> dict[str, Any] | None:
        """Return the one row strictly first on `key` (highest when `high`), None on a tie."""
        values = [float(row[key]) for row in rows]
        top = max(values) if high else min(values)
        tops = [row for row, v in zip(rows, values, strict=True) if v == top]
        return tops[0] if len(tops) == 1 else None

    worse = bool(WORSE.search(req.text))
    rel, quick = first("on_time_rate", not worse), first("lead_time_days", worse)
    many = len(rows) > 2
    if rel is None and quick is None:
        level = (
            "are level"
            if len({(float(r["on_time_rate"]), float(r["lead_time_days"])) for r in rows}) == 1
            else "share the first place"
        )
        lead = f"**{_and(_who(r) for r in rows)} {level} on both counts**: {figures}."
    elif rel is quick or rel is None or quick is None:
        pick = rel or quick
        assert pick is not None
        said = ("worst" if many else "worse") if worse else ("best" if many else "better")
        lead = f"**{_who(pick)} is the {said} supplier here**: {figures}."
    elif worse and many:
        lead = (
            f"**None of them is worst on both counts: {_who(rel)} is the least reliable, "
            f"{_who(quick)} the slowest** — {figures}."
        )
    elif worse:  # of two, the less reliable one is the other's quicker one
        lead = (
            f"**Neither is better on both counts: {_who(quick)} is more reliable, {_who(rel)} "
            f"is quicker** — {figures}. Pick on what matters for the order: the on-time "
            "rate for a steady line, the lead time when the need is close."
        )
    else:
        lead = (
            f"**{'None of them' if many else 'Neither'} is better on both counts: {_who(rel)} is "
            f"{'the most' if many else 'more'} reliable, {_who(quick)} is "
            f"{'the quickest' if many else 'quicker'}** — {figures}. Pick on what matters for the "
            "order: the on-time rate for a steady line, the lead time when the need is close."
        )
    return f"{lead}{note}\n\n{table}"


def approval_route(req: Request, results: list[Result]) -> Step:
    """Say who may approve the thread's proposal (its value against the approval matrix)."""
    if results:
        return render_approval_route(results[-1])
    note = (
        _named_proposal(req, pending=True)
        or _named_proposal(req, pending=False)
        or req.focus.last_proposal()
    )
    if note is None:
        return policy(req, results)
    return [Call("get_approval_route", {"proposal_id": note.proposal_id})]


forecast_overrides = Lookup(
    "list_forecast_overrides",
    lambda req: {
        key: value
        for key, value in (("sku", req.said("sku")), ("location", req.said("location")))
        if value
    },
    last(render_overrides),
)
"""The planners' forecast overrides in force (of the SKU or location the request names)."""


def _with_window_open(said: str, sku: str) -> str:
    """Return the planner's forecast change again with its days left open to fill in.

    The change is the planner's own words (its size as they said it); a request too long to
    repeat gets a general one with the size open too.
    """
    words = " ".join(said.split()).rstrip(" .?!")
    if len(words) > 80:
        words = f"raise {sku}'s forecast by <n>%"
    return f"{words} from <start date> to <end date>"


def set_override(req: Request, results: list[Result]) -> Step:
    """Set a forecast override the planner asks for: a SKU (at a store), a window and a change.

    "bump SKU-0007's forecast at S001 by 30% for the next 2 weeks", "set SKU-0003's forecast to
    12 a day in July". The SKU and store come from the request or the thread; the change is a
    multiplier or a rate of units a day, the window dates or words ("next week", "in July").
    Whatever is missing is asked for: nothing is set on a guess. The tool applies it at once
    (an override changes the plan, never the ERP) and it can be cleared.
    """
    if results:
        return render_override_set(results[-1])
    sku = req.entity("sku")
    if sku is None:
        return _ask(
            "the SKU whose forecast to change",
            "raise SKU-0007's forecast at S001 by <n>% next week",
        )
    said = req.original or req.text  # before "a day" reads as "1 day"
    magnitude = override_magnitude(said)
    if magnitude is None:
        return _ask(
            f"how to change {sku}'s forecast (by a percentage, or to so many units a day)",
            f"raise {sku}'s forecast by <n>% next week",
        )
    window = override_window(said, req.as_of)
    if window is None:
        return _ask(
            f"the days the change to {sku}'s forecast applies",
            _with_window_open(said, sku),
        )
    kind, value = magnitude
    args: dict[str, Any] = {
        "sku": sku,
        "start_date": window[0].isoformat(),
        "end_date": window[1].isoformat(),
        "reason": re.sub(r"(\d) 1 (day|week|month)\b", r"\1 a \2", said)[:200],
        kind: value,
    }
    location = req.entity("location")
    if location:
        args["location"] = location
    return [Call("set_forecast_override", args)]


PROMO_WORDS = re.compile(
    r"\b(?:promo\w*|promotion\w*|campaign\w*|black\s+friday|cyber\s+monday|sale\s+event|deal)\b",
    re.I,
)
"""A request about a promotion (not about the need in general)."""
RUN_OUT = re.compile(
    r"\b(?:run(?:ning)?\s+(?:out|short|dry)|go(?:ing)?\s+short|stock\s*out|sell\s+out|"
    r"be\s+short|fall\s+short)\b",
    re.I,
)
"""A question put the other way round ("will the promo run out?"): yes means it is short."""
SHORT_TYPES = ("promo_uncovered", "stockout_risk", "below_safety_stock", "negative_stock")
"""The exceptions that say a need is not covered."""


def _stores(req: Request) -> list[str]:
    """Return the network's stores (where promotions run), in id order."""
    places = (req.resolver.entities.get("location") or {}) if req.resolver is not None else {}
    return sorted(i for i, e in places.items() if e.group == "store")


def cover_question(req: Request, results: list[Result]) -> Step:
    """Answer whether a promotion (or a need) of an item is covered: yes or no first, then why.

    "is the <item> promo covered?", "are we covered for the promotion on X at S004?", "will the
    promo on X run out?": the item's exceptions (at the place, when one is said) are looked up;
    those that say its need is short (of a promotion only, when the request is about one) are
    explained from the tool, the first line says no; none says yes, as far as the plan sees.
    It never drafts: the fix is offered as a request to send.
    """
    sku, loc = _sku(req), _loc(req)
    if sku is None:
        return _ask("the item (and place) to check", "is the SKU-0016 promo at S002 covered?")
    promo = bool(PROMO_WORDS.search(req.original or req.text))
    if not results:
        args: dict[str, Any] = {"top": DEFAULT_TOP, "sku": sku}
        if loc:
            args["location"] = loc
        if promo:
            args["type"] = "promo_uncovered"
        return [Call("list_exceptions", args)]
    listed = results[0]
    if listed.error:
        return _error_text(listed)
    kinds = ("promo_uncovered",) if promo else SHORT_TYPES
    short = [e for e in _items(listed) if str(e.get("type")) in kinds and e.get("id")]
    what = f"{'the promotion on ' if promo else ''}{_named(req, sku)}" + (
        f" at {_named(req, loc)}" if loc else ""
    )
    runs_out = bool(RUN_OUT.search(req.original or req.text))  # "will it run out?": yes = short
    promo_days = ""
    if not short and promo:
        # Whether a promotion is scheduled at all: the forecast's promotion uplift by day.
        forecasts = [r for r in results[1:] if r.name == "get_forecast"]
        if not forecasts:
            places = [loc] if loc else _stores(req)
            return [Call("get_forecast", {"sku": sku, "location": p}) for p in places]
        days = sorted(
            str(d.get("date"))
            for r in forecasts
            if not r.error and isinstance(r.data, dict)
            for d in r.data.get("forecast") or []
            if isinstance(d, dict) and float(d.get("promo_uplift") or 1.0) != 1.0
        )
        if not days:
            horizon = max((len(r.data.get("forecast") or []) for r in forecasts
                           if not r.error and isinstance(r.data, dict)), default=0)  # fmt: skip
            within = f" in the next {horizon} days of the forecast" if horizon else ""
            return (
                f"**No promotion is scheduled for {_named(req, sku)}"
                f"{f' at {_named(req, loc)}' if loc else ''}**{within}, so there is no promotion "
                f"to cover. Ask **is {sku}{f' at {loc}' if loc else ''} covered?** for its "
                "need in general."
            )
        promo_days = f" ({days[0]} to {days[-1]})" if days[0] != days[-1] else f" ({days[0]})"
    if not short:
        flag = (
            "promotion-not-covered" if promo else "stockout-risk, below-safety-stock or promotion"
        )
        verdict = (
            f"No — {what} is not expected to run short" if runs_out else f"Yes — {what} is covered"
        )
        return (
            f"**{verdict} as far as the plan sees**: today's exception list has no "
            f"{flag} exception for it, so stock on hand and inbound meet the forecast demand"
            f"{f' of its promotion days{promo_days}' if promo else ''}. "
            f"Ask **forecast {sku}{f' at {loc}' if loc else ''}** for the demand day by day."
        )
    explained = [r for r in results[1:] if r.name == "explain_exception"]
    if not explained:
        return [Call("explain_exception", {"exception_id": str(e["id"])}) for e in short[:3]]
    first = short[0]
    when = f", first short on {first['first_risk_date']}" if first.get("first_risk_date") else ""
    places = sorted({str(e.get("location")) for e in short if e.get("location")})
    where = "" if loc or not places else f" at {', '.join(places)}"
    verdict = (
        f"Yes — {what}{where} is expected to run short"
        if runs_out
        else f"No — {what}{where} is not covered"
    )
    lead = (
        f"**{verdict}**: {len(short)} open exception"
        f"{'s say' if len(short) > 1 else ' says'} so ({', '.join(str(e['id']) for e in short)}"
        f"{when})."
    )
    body = "\n\n".join(_render_explain(r) for r in explained)
    more = f" ({len(short) - 3} more not shown)" if len(short) > 3 else ""
    return (
        f"{lead}{more}\n\n{body}\n\nNothing is drafted: say **fix {first['id']}** to draft the "
        "recommended action for approval."
    )
