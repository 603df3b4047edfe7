"""The intents the offline model recognises: patterns, examples, priority and handlers."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from langchain_core.messages import (
    AIMessage,
    BaseMessage,
    HumanMessage,
    ToolMessage,
)
from rapidfuzz import fuzz

from agents.focus import GATE_NAME, focus_of
from agents.offline.messages import (
    DEFAULT_TOP,
    DRAFTABLE,
    MAX_DRAFTS,
    POLICY_PASSAGES,
    Call,
    Handler,
    Request,
    Result,
    Step,
    _load,
    _text,
)
from agents.offline.parsing import (
    FOLLOW_UP_RE,
    IMPERATIVE,
    LEVELS_QUERY,
    MOVE_VERB,
    NETWORK,
    OTHER_DC_RE,
    PO_VERB,
    POLICY_PATTERNS,
    QTY,
    TYPE_PATTERNS,
    VERBS_DRAFT,
    WHAT_IF,
    WHY_LEVELS,
    _clean_id,
    _compile,
    _exception_type,
    _horizon,
    _list_args,
    _matches,
    _normalise,
    _number,
    _pair,
    _scenario_args,
    canonicalise,
    category,
    entities,
    kind_of,
    ordinal,
    promo_window,
    quantity,
)
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
    render_item,
    render_network,
    render_proposals,
    render_status,
    render_supplier_overview,
    render_supply,
    render_totals,
    render_what_if_scope,
)


@dataclass(frozen=True)
class Intent:
    """A kind of request: its patterns, priority, examples and the handler that serves it.

    When several intents match a request, the lowest `priority` wins (ties: table order).
    Every example must land on its own intent (tests/agents/test_offline_intents.py), so two
    intents that claim the same request fail CI. `template` is a ready-to-send request offered
    as a suggestion when nothing matches, filled with the entities the request did name.
    """

    name: str
    priority: int
    patterns: tuple[re.Pattern[str], ...]
    handler: Handler
    examples: tuple[str, ...] = ()
    template: str = ""
    id_slots: tuple[str, ...] = ("sku", "loc", "src", "dst", "sup")
    needs: tuple[str, ...] = ()
    """Entity kinds the request must name, or the thread's focus supply, for the intent to apply."""
    said: tuple[str, ...] = ()
    """Entity kinds the request itself must name (any one of them) for the intent to apply."""
    bare: bool = False
    """Apply only to a request that names no SKU, location or supplier."""
    """Entity kinds the request must name, or the thread's focus supply, for the intent to apply."""


# -- handlers ------------------------------------------------------------------------------------

REFUSAL = (
    "I can't do that, so I have not drafted or looked up anything: approval cannot be skipped. "
    "I only **draft** proposals; approving them and committing them to the ERP is reserved for a "
    "human approver at the approval gate, and I cannot bypass or stand in for that step, nor "
    "write to the ERP myself. If you want, ask for the action alone (for example **fix "
    "<exception id>** or **transfer <qty> of <SKU> from <location> to <location>**) and I will "
    "draft it to wait for an approver's review."
)

HELP = """I'm the offline planner copilot. I answer from the planning engine's tools; every \
figure comes from them, and I only **draft** actions, which a human approver must approve.

Try, for example:
- **what needs attention today?** / **top 5 exceptions** / **stockouts at S003** / \
**overstock** / **promo risks** / **forecast bias issues** / **inventory anomalies** / \
**late POs**
- **explain stockout_risk:SKU-0001@S003** / **why is SKU-0001 at S003 flagged?** / \
**what's the recommendation for SKU-0001 at S003?**
- **stock of SKU-0001 at S003** / **where is SKU-0001 stocked?** / **what's at DC-NORTH?**
- **forecast SKU-0001 at S003 for the next 14 days** / **demand outlook for SKU-0001 at S003**
- **supplier status SUP-03** / **which suppliers supply SKU-0001?**
- **what if SUP-03 is 10 days late for SKU-0001 at S003?** / **what if demand for SKU-0001 \
at S003 rises 20%?** / **what if the promo on SKU-0001 at S003 does 2x?**
- **prepare the action for the top exception** / **fix <exception id>** / \
**transfer 40 of SKU-0001 from DC-NORTH to S003** / \
**order 200 of SKU-0001 for DC-NORTH from SUP-03**
- **who approves a purchase order over 25,000?** / **what's our rule for transfers?** / \
**how do we handle negative stock?** (answered from the playbook, with citations)"""


def _ask(what: str, example: str) -> str:
    return f"I need {what} for that — for example: **{example}**."


def _refuse(req: Request, results: list[Result]) -> Step:
    """Refuse the whole request (no tool call): it tries to get around the approval gate."""
    return REFUSAL


def _help(req: Request, results: list[Result]) -> Step:
    return HELP


def _unknown(req: Request, results: list[Result]) -> Step:
    """Offer the two or three closest requests, filled with what the request did name."""
    dcs = req.resolver.dcs() if req.resolver is not None else []
    generic_dc = re.search(r"\b(?:dc|warehouse|distribution\s+cent(?:er|re))\b", req.text, re.I)
    if generic_dc and len(dcs) > 1 and not req.said("location"):
        names = " or ".join(dcs)
        example = req.text.replace(generic_dc.group(0), dcs[0])
        return (
            f"Which DC do you mean — {names}? I have not looked anything up yet. Say, for "
            f"example, **{example}**."
        )
    options = suggestions(req)
    lines = [
        "I can't tell which request that is, so I have not looked anything up or drafted "
        "anything. Did you mean one of these?",
        *(f"- **{o}**" for o in options),
        "",
        "Say **help** for everything I can do.",
    ]
    return "\n".join(lines)


def _exceptions(req: Request, results: list[Result]) -> Step:
    if not results:
        return [Call("list_exceptions", _list_args(req.text))]
    kind = results[0].args.get("type")
    title = TYPE_LABELS[kind] + " exceptions" if kind in TYPE_LABELS else "Today's exceptions"
    where = [results[0].args[k] for k in ("sku", "location") if results[0].args.get(k)]
    if where:
        title += " for " + " at ".join(where)
    return _render_exceptions(results[0], title)


def _late_pos(req: Request, results: list[Result]) -> Step:
    if not results:
        return [Call("list_exceptions", _list_args(req.text, kind="late_po"))]
    return _render_exceptions(results[0], "Late purchase orders that put stock at risk")


def _explain(req: Request, results: list[Result]) -> Step:
    if not results:
        return [Call("explain_exception", {"exception_id": req.fields["exc"]})]
    return _render_explain(results[-1])


def _draft_exception(req: Request, results: list[Result]) -> Step:
    if not results:
        return [Call("draft_recommended_action", {"exception_id": req.fields["exc"]})]
    return _render_drafts(results)


def _last_exception_id(messages: Sequence[BaseMessage]) -> str | None:
    """Return the exception the conversation was last about (explained, or top of a list)."""
    calls: dict[str, tuple[str, dict[str, Any]]] = {}
    found: str | None = None
    for msg in messages:
        if isinstance(msg, AIMessage):
            for tc in msg.tool_calls:
                calls[str(tc.get("id"))] = (tc["name"], dict(tc.get("args") or {}))
        elif isinstance(msg, ToolMessage) and msg.tool_call_id in calls:
            name, args = calls[msg.tool_call_id]
            data = _load(_text(msg))
            if name in ("explain_exception", "draft_recommended_action") and isinstance(data, dict):
                found = data.get("id") or args.get("exception_id") or found
            elif name == "list_exceptions" and (items := _items(Result(name, args, "", data))):
                found = items[0].get("id") or found
    return found


def _draft_previous(req: Request, results: list[Result]) -> Step:
    if not results:
        exc = _last_exception_id(req.earlier)
        if exc is None and req.focus.sku and req.focus.location:
            return _ask(
                f"the action to draft for {req.focus.sku} at {req.focus.location}",
                f"transfer 20 of {req.focus.sku} from <location> to {req.focus.location}",
            )
        if exc is None:
            return _ask("the exception to act on", "fix stockout_risk:SKU-0001@S003")
        return [Call("draft_recommended_action", {"exception_id": exc})]
    return _render_drafts(results)


def _draft_top(req: Request, results: list[Result]) -> Step:
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


def _why_flagged(req: Request, results: list[Result]) -> Step:
    sku, loc = req.fields["sku"], req.fields["loc"]
    if not results:
        return [Call("list_exceptions", {"top": DEFAULT_TOP, "location": loc, "sku": sku})]
    listed = results[0]
    if listed.error:
        return _error_text(listed)
    items = _items(listed)
    if not items:
        return (
            f"{sku} at {loc} is not on today's exception list. Ask for **stock of {sku} at "
            f"{loc}** to see its position."
        )
    if len(results) == 1:
        return [Call("explain_exception", {"exception_id": items[0]["id"]})]
    text = _render_explain(results[1])
    others = [e["id"] for e in items[1:]]
    if others:
        text += "\n\nAlso flagged for this SKU-location: " + ", ".join(others) + "."
    return text


def _recommendation(req: Request, results: list[Result]) -> Step:
    sku, loc = req.fields["sku"], req.fields["loc"]
    if not results:
        return [Call("list_exceptions", {"top": DEFAULT_TOP, "location": loc, "sku": sku})]
    listed = results[0]
    if listed.error:
        return _error_text(listed)
    items = _items(listed)
    if not items:
        return f"{sku} at {loc} has no open exception today, so there is no recommended action."
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


def _transfer(req: Request, results: list[Result]) -> Step:
    if not results:
        args = {
            "sku": req.fields["sku"],
            "from_location": req.fields["src"],
            "to_location": req.fields["dst"],
            "qty": int(_number(req.fields["n"])),
        }
        return [Call("draft_transfer", args)]
    return _render_drafts(results)


def _purchase_order(req: Request, results: list[Result]) -> Step:
    sku, loc, qty = req.fields["sku"], req.fields["loc"], int(_number(req.fields["n"]))
    sup = req.get("sup")
    if not results:
        if sup:
            args = {"sku": sku, "location": loc, "supplier_id": sup, "qty": qty}
            return [Call("draft_purchase_order", args)]
        return [Call("get_supplier_status", {"sku": sku})]
    first = results[0]
    if first.name == "get_supplier_status" and len(results) == 1:
        if first.error:
            return _error_text(first)
        sups = first.data if isinstance(first.data, list) else []
        if len(sups) == 1:
            only = str(sups[0]["supplier_id"])
            args = {"sku": sku, "location": loc, "supplier_id": only, "qty": qty}
            return [Call("draft_purchase_order", args)]
        names = ", ".join(f"{s.get('supplier_id')} ({s.get('name')})" for s in sups) or "none"
        return (
            f"Which supplier should the purchase order go to? Suppliers of {sku}: {names}. "
            f"Say, for example, **order {qty} of {sku} for {loc} from <supplier>**."
        )
    text = _render_drafts(results)
    if first.name == "get_supplier_status" and isinstance(first.data, list) and first.data:
        only = first.data[0]
        text = (
            f"{only.get('supplier_id')} ({only.get('name')}) is the only supplier of {sku}, "
            f"so the order goes to it.\n\n{text}"
        )
    return text


def _forecast(req: Request, results: list[Result]) -> Step:
    if not results:
        args = {
            "sku": _field(req, "sku", "sku") or req.fields["sku"],
            "location": _field(req, "loc", "location") or req.fields["loc"],
            "horizon_days": _horizon(req.text),
        }
        return [Call("get_forecast", args)]
    return _render_forecast(results[-1])


def _forecast_no_location(req: Request, results: list[Result]) -> Step:
    sku = req.fields["sku"]
    return _ask("the location too", f"forecast {sku} at S003")


def _suppliers(req: Request, results: list[Result]) -> Step:
    if not results:
        args = {k: req.fields[f] for k, f in (("supplier_id", "sup"), ("sku", "sku")) if req.get(f)}
        return [Call("get_supplier_status", args)]
    return _render_suppliers(results[-1])


def _field(req: Request, slot: str, kind: str) -> str | None:
    """Return a captured id when it is of `kind` (by the data), else the one the request names."""
    value = req.get(slot)
    if value and req.resolver is not None and kind_of(value, req.resolver) not in (kind, None):
        value = None
    return value or req.said(kind)


def _inventory(req: Request, results: list[Result]) -> Step:
    if not results:
        sku, loc = _field(req, "sku", "sku"), _field(req, "loc", "location")
        args = {k: v for k, v in (("sku", sku), ("location", loc)) if v}
        return [Call("get_inventory", args)]
    return _render_inventory(results[-1])


def _why_levels(req: Request, results: list[Result]) -> Step:
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


def _policy(req: Request, results: list[Result]) -> Step:
    if not results:
        return [Call("search_policies", {"query": req.text, "k": POLICY_PASSAGES})]
    return _render_policies(results[-1])


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


# -- new lookups ----------------------------------------------------------------------------------

TOTAL_BY = (
    ("location", r"\b(?:by|per|each)\s+(?:location|store|site|dc)s?\b"
                 r"|\bwhich\s+(?:location|store)s?\b"),
    ("category", r"\b(?:by|per|each)\s+categor(?:y|ies)\b|\bwhich\s+categor(?:y|ies)\b"),
    ("priority", r"\b(?:by|per|each)\s+priorit(?:y|ies)\b"),
    ("sku", r"\b(?:by|per|each)\s+(?:sku|item|product)s?\b|\bwhich\s+(?:sku|item|product)s?\b"),
    ("supplier", r"\b(?:by|per|each)\s+(?:supplier|vendor)s?\b"),
)  # fmt: skip


def _totals(req: Request, results: list[Result]) -> Step:
    if not results:
        by = next((k for k, p in TOTAL_BY if re.search(p, req.text, re.I)), "type")
        args: dict[str, Any] = {"by": by}
        kind = _exception_type(req.text)
        if kind:
            args["type"] = kind
        if req.said("location"):
            args["location"] = req.said("location")
        if req.said("sku"):
            args["sku"] = req.said("sku")
        cat = category(req.text, req.resolver.categories if req.resolver else ())
        if cat:
            args["category"] = cat
        m = re.search(r"\bp([123])\b|\bpriority\s+([123])\b", req.text, re.I)
        if m:
            args["priority"] = int(m.group(1) or m.group(2))
        return [Call("summarize_exceptions", args)]
    return _with_note(req, render_totals(results[-1]))


def _network(req: Request, results: list[Result]) -> Step:
    sku = _sku(req)
    if sku is None:
        return _ask("the SKU", "where do we hold the most SKU-0012?")
    if not results:
        return [Call("get_network_position", {"sku": sku})]
    return _with_note(req, render_network(results[-1]))


def _open_supply(req: Request, results: list[Result]) -> Step:
    if not results:
        args = {
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
        if not args:
            args = {
                k: v for k, v in (("sku", req.focus.sku), ("location", req.focus.location)) if v
            }
        if not args:
            return _ask("a SKU, a location or a supplier", "what's inbound to S003?")
        return [Call("get_open_supply", args)]
    return _with_note(req, render_supply(results[-1]))


def _item(req: Request, results: list[Result]) -> Step:
    sku = _sku(req)
    if sku is None:
        return _ask("the SKU", "what's the MOQ of SKU-0012?")
    if not results:
        return [Call("get_item", {"sku": sku})]
    return _with_note(req, render_item(results[-1]))


def _supplier_overview(req: Request, results: list[Result]) -> Step:
    sup = req.get("sup") or req.entity("supplier")
    if sup is None:
        return _ask("the supplier", "what should I order from SUP-03 now?")
    if not results:
        return [Call("get_supplier_overview", {"supplier_id": sup})]
    return _with_note(req, render_supplier_overview(results[-1]))


def _proposals(req: Request, results: list[Result]) -> Step:
    if not results:
        scope = "mine" if re.search(r"\b(?:my|i)\b", req.text, re.I) else "thread"
        if re.search(r"\b(?:all|everyone|everybody|team)\b", req.text, re.I):
            scope = "all"
        if scope == "thread" and not req.focus.proposals:
            scope = "mine"
        args: dict[str, Any] = {"scope": scope}
        if re.search(r"\bpending|waiting|open\b", req.text, re.I):
            args["status"] = "pending"
        return [Call("list_proposals", args)]
    return render_proposals(results[-1])


def _proposal_status(req: Request, results: list[Result]) -> Step:
    if not results:
        pid = req.get("pid")
        note = req.focus.last_proposal()
        if pid is None and note is None:
            return (
                "There is no proposal in this conversation yet, so there is nothing to check. "
                "Say **what's pending** to see your proposals."
            )
        return [Call("get_proposal_status", {"proposal_id": pid or note.proposal_id})]  # type: ignore[union-attr]
    return render_status(results[-1])


def _amend(req: Request, results: list[Result]) -> Step:
    if not results:
        note = req.focus.last_proposal(pending=True)
        qty = quantity(req.text)
        if note is None:
            return (
                "There is no pending proposal in this conversation to change, so I have not "
                "drafted anything."
            )
        if qty is None or qty <= 0:
            return _ask("the new quantity", "make it 60 instead")
        return [Call("amend_proposal", {"proposal_id": note.proposal_id, "qty": qty})]
    return (
        _render_drafts(results, "**Amended**")
        if results[-1].name.startswith("draft_")
        else ("**Amended**\n" + _render_draft(results[-1]) + _gate_note(results))
    )


def _gate_note(results: Sequence[Result]) -> str:
    if any(_is_pending(r) for r in results):
        return (
            "\n\nThis is a draft only: nothing is written to the ERP until a human approver "
            "approves it at the approval gate (an approver can also edit the quantity there)."
        )
    return ""


def _withdraw(req: Request, results: list[Result]) -> Step:
    if not results:
        pid = req.get("pid")
        note = req.focus.last_proposal(pending=True)
        if pid is None and note is None:
            return "There is no pending proposal in this conversation to withdraw."
        return [Call("withdraw_proposal", {"proposal_id": pid or note.proposal_id})]  # type: ignore[union-attr]
    return _render_draft(results[-1]).removeprefix("- ")


# -- scoped what-ifs ------------------------------------------------------------------------------

NETWORK_WORDS = re.compile(
    r"\b(?:network|everywhere|all\s+(?:stores|locations|sites|skus|items)|across\s+the\s+board|"
    r"company[- ]wide|overall)\b",
    re.I,
)


def _what_if(req: Request, results: list[Result]) -> Step:
    if results:
        return _with_note(req, render_what_if_scope(results[-1]))
    scenario = _scenario_args(req.text)
    sup = req.said("supplier")
    if scenario.get("supplier_delay_days") and sup and "supplier_id" not in scenario:
        scenario["supplier_id"] = sup
    window = promo_window(req.text, req.as_of)
    promo_words = re.search(r"\b(?:promo\w*|promot\w*|campaign|sale|deal)\b", req.text, re.I)
    if window and promo_words:
        uplift = scenario.pop("promo_factor", None) or scenario.pop("demand_factor", None)
        scenario.update(
            promo_start=window[0].isoformat(),
            promo_end=window[1].isoformat(),
            promo_uplift=uplift or 1.5,
        )
    if not scenario:
        return _ask(
            "the change to simulate (a supplier delay, a demand change or a promotion lift)",
            "what if demand for SKU-0001 at S003 rises 20%?",
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
    if sku is None and loc is None and cat is None and not network:
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
                "what if demand for SKU-0001 at S003 rises 20%?",
            )
    for key, value in (("sku", sku), ("location", loc), ("category", cat)):
        if value:
            args[key] = value
    return [Call("run_what_if", args)]


# -- transfers in everyday words ------------------------------------------------------------------

EVERYDAY_MOVE = (
    r"\b(?:transfer|move|send|ship|shift|relocate|rebalance|top\s+up|push|replenish|restock)\b"
)
FETCH = r"\b(?:get|bring|pull|take|grab)\b.*\bfrom\b"


def _everyday_transfer(req: Request, results: list[Result]) -> Step:
    if results:
        return _with_note(req, _render_drafts(results))
    qty = req.get("n")
    sku = req.said("sku") or req.focus.sku
    locs = req.found.get("location") or []
    text = req.text
    src = dst = None
    m_from = re.search(r"\bfrom\s+(?:the\s+)?(\S+)", text, re.I)
    m_to = re.search(r"\b(?:to|into|for|at)\s+(?:the\s+)?(\S+)", text, re.I)
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
            f"transfer 25 of {sku or 'SKU-0001'} from {src or 'DC-NORTH'} to {dst or 'S003'}",
        )
    return [
        Call(
            "draft_transfer",
            {"sku": sku, "from_location": src, "to_location": dst, "qty": int(_number(qty))},
        )
    ]


def _inventory_loose(req: Request, results: list[Result]) -> Step:
    """Look up stock for a request that names a SKU and/or a location in its own words."""
    if not results:
        said = (("sku", req.said("sku")), ("location", req.said("location")))
        return [Call("get_inventory", {k: v for k, v in said if v})]
    return _render_inventory(results[-1])


def _purchase_order_loose(req: Request, results: list[Result]) -> Step:
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
    return _purchase_order(again, results)


def _cover_need(req: Request, results: list[Result]) -> Step:
    """Draft the engine's own action for a SKU-location's need, never a quantity of our own."""
    sku, loc = req.said("sku"), req.entity("location")
    if loc is None:
        return _ask(f"the location that needs {sku}", f"get S003 covered for {sku}")
    if not results:
        return [Call("list_exceptions", {"sku": sku, "location": loc, "top": DEFAULT_TOP})]
    listed = results[0]
    if len(results) > 1:
        return _render_drafts(results[1:])
    if listed.error:
        return _error_text(listed)
    actionable = [
        e for e in _items(listed) if (e.get("recommendation") or {}).get("kind") in DRAFTABLE
    ]
    if not actionable:
        return (
            f"The planning engine recommends no transfer or purchase order for {sku} at {loc} "
            "today, so I have not drafted anything and will not guess a quantity. Say how many, "
            f"for example **order <qty> of {sku} for {loc}** or **transfer <qty> of {sku} from "
            f"<location> to {loc}**."
        )
    return [Call("draft_recommended_action", {"exception_id": actionable[0]["id"]})]


# -- follow-ups -----------------------------------------------------------------------------------


def _rewrite_follow_up(text: str, previous: str | None, resolver: Any) -> str:
    """Turn "same for S012" / "and at the other DC?" into the previous request with that swap.

    `previous` is the previous request as it was understood (itself rewritten when it was a
    follow-up), in canonical form.
    """
    m = FOLLOW_UP_RE.match(text)
    if not m or not previous:
        return text
    rest = m.group("rest")
    if re.match(r"(?:by|per|split\s+by|broken\s+down\s+by)\s+\w+", rest, re.I):
        return re.sub(r"\s+(?:by|per)\s+\w+\W*$", "", previous.rstrip("?. ")) + " " + rest
    prev_found = entities(previous, resolver)
    if OTHER_DC_RE.search(rest) and resolver is not None:
        dcs = resolver.dcs()
        here = prev_found["location"][0] if prev_found["location"] else None
        if here is None:
            return text
        ent = resolver.get("location", here)
        current = here if here in dcs else (ent.parent if ent is not None else None)
        others = [d for d in dcs if d != current]
        return previous.replace(here, others[0]) if others else text
    new = entities(rest, resolver)
    if not any(new.values()) and any(p.search(previous) for p in POLICY_PATTERNS):
        return f"{rest} ({previous})"  # "and for transfers?" after a policy question
    out = previous
    swapped = False
    for kind in ("sku", "location", "supplier"):
        if new[kind] and prev_found[kind]:
            out = out.replace(prev_found[kind][0], new[kind][0])
            swapped = True
    return out if swapped else text


def _understood(earlier: Sequence[BaseMessage], resolver: Any) -> str | None:
    """Return the planner's previous request as understood (follow-ups applied), canonical."""
    previous: str | None = None
    for msg in earlier:
        if isinstance(msg, HumanMessage) and msg.name != GATE_NAME:
            canon, _ = canonicalise(_normalise(_text(msg)), resolver)
            previous = _rewrite_follow_up(canon, previous, resolver)
    return previous


def _rewrite_ordinal(text: str, focus: Any) -> str:
    """Replace "the third one" with the third exception of the last list shown."""
    if not focus.last_list:
        return text
    n, m = ordinal(text)
    if n is None or m is None:
        return text
    items = focus.last_list
    if n == -1:
        n = len(items)
    if not 1 <= n <= len(items):
        return text
    return text[: m.start()] + items[n - 1] + text[m.end() :]


# -- suggestions for a request nothing matched ---------------------------------------------------


def suggestions(req: Request, limit: int = 3) -> list[str]:
    """Return the closest intents' ready-to-send requests, filled with the request's entities."""
    scored: list[tuple[float, Intent]] = []
    for intent in INTENTS:
        if not intent.examples or not intent.template:
            continue
        best = max(
            fuzz.token_set_ratio(req.original.lower() or req.text.lower(), e.lower())
            for e in intent.examples
        )
        scored.append((float(best), intent))
    scored.sort(key=lambda x: -x[0])
    fill = {
        "sku": req.entity("sku") or "SKU-0001",
        "loc": req.entity("location") or "S003",
        "sup": req.entity("supplier") or "SUP-03",
        "qty": str(quantity(req.text) or 20),
    }
    out: list[str] = []
    for _, intent in scored:
        text = intent.template.format(**fill)
        if text not in out:
            out.append(text)
        if len(out) == limit:
            break
    return out


def _follow_up_lookup(req: Request, results: list[Result]) -> Step:
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
        return _unknown(req, results)
    if results[-1].name == "get_forecast":
        return _render_forecast(results[-1])
    return _render_inventory(results[-1])


NO_QTY = r"(?!.*(?<![\w.-])\d[\d,]*(?![\w.-]))"
"""No standalone number anywhere after this point (a quantity would be one)."""

# -- the intent table ----------------------------------------------------------------------------

PID = r"(?P<pid>P-[0-9a-f]{6,})"
AMEND = (
    r"^\W*(?:(?:ok(?:ay)?|actually|no|hmm|sorry|wait)[\s,!.]+)*(?:please\s+)?(?:can\s+you\s+)?"
    r"(?:make|change|set|update|bump|reduce|drop|lower|raise|increase|amend)\s+(?:it|that|this|"
    r"the\s+(?:qty|quantity|transfer|po|order|proposal|draft))\s+(?:to\s+)?{n}\b.*$",
    r"^\W*(?:(?:ok|actually|no)[\s,!.]+)*{n}(?!\s*%)\s+(?:units\s+)?instead\W*$",
    r"^\W*(?:actually|no|make\s+it)[\s,]+{n}(?!\s*%)(?:\s+units)?\W*$",
)

INTENTS: tuple[Intent, ...] = (
    Intent(
        "refuse",
        0,
        _compile(
            r"\bignore\b.*\b(?:instructions|rules|prompt|guardrails|polic(?:y|ies)|system)\b",
            r"\b(?:approve|commit|confirm|sign\s+off|execute|post)\b.*\byourself\b",
            r"\bself[- ]?approv",
            r"\bauto[- ]?(?:approve|commit)",
            r"\b(?:skip|bypass|circumvent|override|disable|avoid|without|ignor(?:e|es|ing))\b.*"
            r"\b(?:approval|approver|approvals|review|gate)\b",
            r"\b(?:write|post|push|send|commit|save|insert|put)\b.*\b(?:erp|database)\b.*\bdirect",
            r"\bdirect(?:ly)?\b.*\b(?:to|in|into)\s+(?:the\s+)?(?:erp|database)\b",
            r"\b(?:commit|execute|approve|finali[sz]e|sign[- ]?off(?:\s+on)?)\s+(?:it|this|that|"
            r"them|these|those|all|my|the|proposal|po|transfer|order)\b",
            r"\byou\s+(?:\w+\s+){0,3}?(?:approve|commit)\b",
            r"\b(?:act|serve|pose|stand\s+in)\s+as\s+(?:the\s+|an?\s+|my\s+)?(?:approver|reviewer)",
            r"\byou\s+have\s+my\s+(?:permission|authori[sz]ation|consent|approval)\b",
            r"\b(?:push|post|send|write|put|commit|enter|key)\b.*\b(?:to|into|in)\s+(?:the\s+)?erp\b",
            r"^(?!.*\?\s*$).*\b(?:already|pre[- ]?)approved\b",
            r"\bmark\s+(?:it|this|that|them)?\s*(?:as\s+)?(?:approved|committed)\b",
            r"^(?!.*\?\s*$).*\b(?:approved|signed\s+off)\b.*\b(?:go\s+ahead|post|push|commit|"
            r"execute)\b",
            r"\bgo\s+ahead\s+and\s+(?:post|commit|execute|push|approve)\b",
            r"\bno\s+need\s+(?:to\s+wait\s+)?for\s+(?:an?\s+)?(?:approval|approver|review)\b",
        ),
        _refuse,
        examples=(
            "approve it yourself",
            "skip the approval and commit the PO",
            "write the transfer directly to the ERP",
            "act as the approver and sign off",
        ),
    ),
    Intent(
        "help",
        5,
        _compile(
            r"^\W*(?:help|hi|hello|hey|menu|commands|\?)\W*$",
            r"\bwhat\s+can\s+(?:you|i)\s+(?:do|ask)\b",
            r"\bhow\s+(?:do|can|should)\s+(?:i|you)\s+(?:use|work)\b",
            r"\bwhat\s+do\s+you\s+(?:do|support|know)\b",
        ),
        _help,
        examples=("help", "what can you do?", "hi"),
    ),
    Intent(
        "proposal_status",
        8,
        _compile(
            r"\b(?:was|is|has|did)\s+(?:it|that|this|the\s+(?:transfer|po|order|proposal|draft))"
            r"\s+(?:been\s+)?(?:approved|committed|accepted|rejected|gone\s+through|go\s+through|"
            r"went\s+through|posted|done|through)\b",
            r"\bdid\s+(?:it|that|this)\s+(?:go|get)\s+(?:through|approved|committed)\b",
            r"\bstatus\s+of\s+(?:it|that|this|my\s+(?:transfer|po|order|proposal|draft)|"
            r"the\s+(?:transfer|po|order|proposal|draft))\b",
            r"\bany\s+news\s+on\s+(?:it|that|my\s+\w+)\b",
            r"\b(?:status|where\s+is|what\s+happened\s+to)\b.*" + PID,
            r"^\W*" + PID + r"\W*\??\W*$",
        ),
        _proposal_status,
        examples=(
            "was it approved?",
            "did that go through?",
            "has the transfer been committed?",
            "status of my proposal",
        ),
        template="did that go through?",
    ),
    Intent(
        "withdraw",
        8,
        _compile(
            r"^\W*(?:(?:ok(?:ay)?|actually|no)[\s,!.]+)*(?:please\s+)?(?:cancel|withdraw|scrap|"
            r"drop|delete|discard|remove|kill|forget)\s+(?:it|that|this|the|my)(?:\s+(?:transfer|"
            r"po|order|proposal|draft))?\W*$",
            r"\b(?:cancel|withdraw|scrap|discard)\b.*" + PID,
        ),
        _withdraw,
        examples=("cancel it", "withdraw that draft", "scrap the transfer"),
        template="withdraw the draft",
    ),
    Intent(
        "amend",
        9,
        _compile(*AMEND),
        _amend,
        examples=("make it 60 instead", "change it to 40", "actually 30", "set the qty to 12"),
        template="make it {qty} instead",
    ),
    Intent(
        "draft_previous",
        10,
        _compile(
            r"^\W*(?:(?:ok(?:ay)?|yes|yep|sure|great|good|please)[\s,!.]+)*(?:please\s+)?"
            r"(?:go\s+ahead(?:\s+and)?\s+)?" + VERBS_DRAFT + r"\s+(?:it|that|this|"
            r"the\s+(?:transfer|po|purchase\s+order|action|recommended\s+action|recommendation|"
            r"fix))(?:\s+please)?\W*$",
            r"^\W*(?:(?:ok(?:ay)?|yes|yep|sure)[\s,!.]*)?(?:go\s+ahead|do\s+it|please\s+do)\W*$",
            r"^\W*(?:(?:ok(?:ay)?|yes|yep|sure)[\s,!.]*)?(?:please\s+)?(?:get|have)\s+(?:this|"
            r"that|it)\s+(?:covered|sorted|fixed|handled|done)\W*$",
        ),
        _draft_previous,
        examples=("ok do it", "go ahead", "yes, draft it", "get this covered"),
        template="fix it",
    ),
    Intent(
        "draft_exception",
        12,
        _compile(
            IMPERATIVE + VERBS_DRAFT + r"\b.*{exc}",
            r"{exc}\W+(?:please\s+)?(?:fix|draft|prepare|resolve)\b",
        ),
        _draft_exception,
        examples=("fix stockout_risk:SKU-0012@S003", "please prepare stockout_risk:SKU-0001@S001"),
    ),
    Intent(
        "explain_exception",
        14,
        _compile(r"{exc}"),
        _explain,
        examples=("explain stockout_risk:SKU-0012@S003", "stockout_risk:SKU-0012@S003?"),
    ),
    Intent(
        "policy",
        16,
        POLICY_PATTERNS,
        _policy,
        id_slots=(),
        examples=(
            "what's our rule for transfers?",
            "who approves a PO over 25,000?",
            "how do we handle negative stock?",
        ),
        template="what's our rule for transfers?",
    ),
    Intent(
        "policy_loose",
        17,
        _compile(
            r"\b(?:playbook|polic(?:y|ies)|rules?|sops?|guidelines?|procedures?)\b",
            r"\b(?:need|needs|require[sd]?)\s+(?:an?\s+)?(?:approval|sign[- ]?off)\b",
            r"\bapproval\s+(?:limit|threshold|level)s?\b",
            r"\b(?:minimum|maximum|min|max)\s+(?:transfer|order|po)\s+(?:value|size|quantity|qty)",
            r"\bhow\s+(?:is|are|do\s+we|does\s+the\s+engine)\b.*\b(?:calculated|computed|set|"
            r"defined|measured|decided|chosen|sized)\b",
            r"\bhow\s+do\s+we\s+define\b",
            r"\bwhat\s+(?:do|should)\s+we\s+do\s+(?:about|with|when|if)\b",
            r"\bwhat(?:'s|\s+is)\s+(?:the|our)\s+(?:review\s+period|service\s+levels?|"
            r"overstock\s+threshold|markdown|expedite)\b",
            r"\b(?:can|may|should)\s+(?:i|we)\s+(?:transfer|move|ship|expedite|approve|mark\s*down)"
            r"\b.*\b(?:store|stores|between|another|own|dc|po|promo\w*)\b",
            r"\bare\s+(?:we|planners?|approvers?)\s+allowed\b",
            r"\b(?:how\s+much|what)\s+(?:can|may)\s+\w+\s+(?:approve|sign)",
            r"\bcan\s+(?!you\b)\w+\s+(?:approve|sign\s+off)\b",
            r"\b(?:max|maximum|limit)\b.*\b(?:approve|approver|sign)",
            r"\bwithin\b.*\blimit\b",
            r"\bwhat\s+happens\s+(?:when|if)\b(?!.*\d)",
            r"\bhow\s+(?:should|do|can|must)\s+(?:i|we)\s+(?:handle|treat|deal\s+with|manage|"
            r"respond|react)\b",
            r"\bhow\s+(?:far|often|long|early|soon|much)\s+(?:ahead\s+|in\s+advance\s+)?"
            r"(?:do|should|must)\s+(?:we|i)\b",
            r"\bdo\s+we\s+(?:keep|hold|allow|require|ever)\b",
            r"\bwhat\s+(?:do|should)\s+(?:i|we)\s+do\s+(?:if|when|about|with)\b",
        ),
        _policy,
        id_slots=(),
        bare=True,
        examples=(
            "is there a minimum transfer value?",
            "do I need approval for a 30k purchase order?",
            "how is safety stock calculated?",
            "what does the playbook say about promotions?",
            "can I transfer stock from one store to another?",
            "what do we do about negative stock?",
        ),
        template="what's our rule for transfers?",
    ),
    Intent(
        "draft_top",
        18,
        _compile(IMPERATIVE + VERBS_DRAFT + r"\b.*\btop\b(?:\s+{n})?"),
        _draft_top,
        examples=("prepare the action for the top exception", "fix the top 3"),
        template="prepare the action for the top exception",
    ),
    Intent(
        "draft_transfer",
        20,
        _compile(
            MOVE_VERB + QTY + r"{sku}\s+(?:from\s+)?{src}\s*(?:->|=>|\bto\b)\s*{dst}",
            MOVE_VERB + r"\s+{sku}\s+(?:from\s+)?{src}\s*(?:->|=>|\bto\b)\s*{dst}\W+"
            r"(?:qty\s+|quantity\s+)?{n}\b",
            # Destination first: "send 6 units of SKU-1 to S001 from DC-NORTH".
            MOVE_VERB + QTY + r"{sku}\s+to\s+{dst}\s+from\s+{src}",
        ),
        _transfer,
        examples=(
            "transfer 40 of SKU-0001 from DC-NORTH to S003",
            "send 6 units of SKU-0002 to S001 from DC-NORTH",
        ),
        template="transfer {qty} of {sku} from DC-NORTH to {loc}",
    ),
    Intent(
        "draft_purchase_order",
        21,
        _compile(
            PO_VERB + QTY + r"{sku}\s+(?:for|at|to|into|in)\s+{loc}"
            r"(?:\s+(?:from|with|via|at)\s+{sup})?",
            PO_VERB + QTY + r"{sku}\s+(?:from|with|via)\s+{sup}\s+(?:for|at|to|into|in)\s+{loc}",
        ),
        _purchase_order,
        examples=(
            "order 200 of SKU-0001 for DC-NORTH from SUP-03",
            "buy 120 SKU-0002 for DC-SOUTH",
        ),
        template="order {qty} of {sku} for {loc} from {sup}",
    ),
    Intent(
        "draft_transfer_everyday",
        22,
        _compile(
            EVERYDAY_MOVE + r".*?\b{n}\b(?!\s*(?:%|days?|weeks?|x\b))",
            r"\b{n}\b(?!\s*(?:%|days?|weeks?|x\b)).*" + EVERYDAY_MOVE,
            r"\b{n}\b(?!\s*(?:%|days?|weeks?|x\b)).*" + FETCH,
            FETCH + r".*?\b{n}\b(?!\s*(?:%|days?|weeks?|x\b))",
        ),
        _everyday_transfer,
        id_slots=(),
        examples=(
            "ship 25 over from the DC",
            "send 30 to store 3 from the dc",
            "top up S003 with 12",
        ),
        template="transfer {qty} of {sku} from DC-NORTH to {loc}",
    ),
    Intent(
        "draft_purchase_order_loose",
        23,
        _compile(
            r"\b(?:order|buy|purchase|reorder(?!\s+point)|po|procure)\b.*?\b{n}\b"
            r"(?!\s*(?:%|days?|weeks?|x\b))",
            r"\b{n}\b(?!\s*(?:%|days?|weeks?|x\b)).*\b(?:order|buy|purchase|reorder|po)\b",
        ),
        _purchase_order_loose,
        id_slots=(),
        needs=("sku", "location"),
        examples=(
            "place an order with Harbor for 48 SKU-0012 for DC-SOUTH",
            "we need to buy 200 more SKU-0012 for DC-NORTH",
        ),
        template="order {qty} of {sku} for {loc} from {sup}",
    ),
    Intent(
        "cover_need",
        25,
        _compile(
            r"\b(?:order|buy|purchase|reorder(?!\s+point)|procure)\b" + NO_QTY,
            r"\b(?:covered|replenish|restock|top\s+up|refill)\b" + NO_QTY,
            r"\bneed\s+more\b" + NO_QTY,
        ),
        _cover_need,
        id_slots=(),
        said=("sku",),
        examples=(
            "order more SKU-0012 for S003",
            "get S003 covered for SKU-0012",
            "we need more SKU-0012 at S001, can you replenish it",
        ),
        template="get {loc} covered for {sku}",
    ),
    Intent(
        "policy_words",
        23,
        _compile(
            r"\b(?:playbook|polic(?:y|ies)|rules?|sops?|guidelines?|approval\s+matrix)\b",
            r"\b(?:need|needs|require[sd]?)\s+(?:an?\s+)?(?:approval|sign[- ]?off)\b",
            r"\bwho\s+(?:can\s+|must\s+|should\s+)?(?:approves?|signs?\s+off)\b",
        ),
        _policy,
        id_slots=(),
        examples=(
            "does moving SKU-0012 from S001 to S002 break any rule?",
            "SKU-0012 to S003 by truck: is that in line with the guidelines?",
        ),
        template="what's our rule for transfers?",
    ),
    Intent(
        "what_if",
        24,
        _compile(WHAT_IF),
        _what_if,
        examples=(
            "what if SUP-03 is 10 days late?",
            "what if demand for Grocery rises 20%?",
            "simulate a promotion on SKU-0001 at S003 from 2026-07-10 to 2026-07-20 at 2x",
            "what if demand drops 10% across the network",
        ),
        template="what if demand for {sku} at {loc} rises 20%?",
    ),
    Intent(
        "totals",
        26,
        _compile(
            r"\b(?:how\s+much|total|sum|overall)\b.*\b(?:at\s+risk|costing|cost|exposure|money|"
            r"worth|lose|losing|value)\b",
            r"^(?!.*\btop\s*\d).*\bmoney\s+at\s+risk\b",
            r"\bhow\s+many\b.*\b(?:exceptions?|issues?|alerts?|stock[- ]?outs?|overstocks?|"
            r"p[123]s?|late\s+pos?|risks?|problems?)\b",
            r"\b(?:count|number)\s+of\s+(?:exceptions?|issues?|alerts?|stock[- ]?outs?)\b",
            r"\b(?:summary|summari[sz]e|breakdown|break\s+down)\b.*\b(?:exceptions?|risks?|issues?|"
            r"by\s+\w+)\b",
            r"\bwhich\s+(?:location|store|category|sku|item)s?\s+(?:has|have|is|are)\s+(?:the\s+)?"
            r"(?:most|biggest|largest|worst)\b",
        ),
        _totals,
        id_slots=(),
        examples=(
            "how much are the stockouts costing us?",
            "total money at risk by location",
            "how many P1 exceptions do we have?",
            "which category has the most at risk?",
            "summary of exceptions by priority",
        ),
        template="how much money is at risk by location?",
    ),
    Intent(
        "why_levels",
        28,
        WHY_LEVELS,
        _why_levels,
        examples=("why is the safety stock of SKU-0012 at S003 so high?",),
    ),
    Intent(
        "why_flagged",
        30,
        _compile(r"\bwhy\b.*?(?:^|\s){sku}{at}{loc}"),
        _why_flagged,
        examples=("why is SKU-0001 at S003 flagged?",),
        template="why is {sku} at {loc} flagged?",
    ),
    Intent(
        "recommendation",
        32,
        _compile(
            r"\b(?:recommend\w*|suggest\w*|advice|advise|next\s+best\s+action|"
            r"what\s+should\s+(?:i|we)\s+do)\b.*?\b(?:for|about|on|with)\s+{sku}{at}{loc}",
        ),
        _recommendation,
        examples=("what's the recommendation for SKU-0001 at S003?",),
        template="what's the recommendation for {sku} at {loc}?",
    ),
    Intent(
        "supplier_overview",
        33,
        _compile(
            r"\bwhat\s+(?:should|do|must|can)\s+(?:i|we)\s+(?:buy|order|purchase|get)\s+from\s+{sup}",
            r"\b(?:buy|order|purchase)\s+from\s+{sup}\s+(?:now|today|this\s+week)\b",
            r"\b(?:overview|summary|skus|items|products|catalog(?:ue)?|portfolio)\s+(?:of|for|from)"
            r"\s+(?:supplier\s+)?{sup}",
            r"{sup}'?s?\s+(?:skus|items|products|overview|portfolio)\b",
            r"\b(?:buy|order|purchase|get)\s+from\s+(?:this|that|the\s+same|them|the)\s+"
            r"(?:supplier|vendor)\b",
            r"\bwhat\s+(?:do\s+we\s+buy|does\s+{sup}\s+(?:supply|sell|make))\b",
        ),
        _supplier_overview,
        id_slots=("sup",),
        examples=(
            "what should I order from SUP-03 now?",
            "overview of supplier SUP-02",
            "SUP-05's SKUs",
        ),
        template="what should I order from {sup} now?",
    ),
    Intent(
        "late_pos",
        34,
        _compile(
            r"\b(?:late|overdue|delayed)\s+(?:pos?|purchase\s+orders?|orders|deliveries)\b",
            r"\b(?:pos?|purchase\s+orders?)\b.*\b(?:late|overdue)\b",
        ),
        _late_pos,
        examples=("late POs", "which purchase orders are overdue?"),
        template="late POs",
    ),
    Intent(
        "open_supply",
        35,
        _compile(
            r"\b(?:inbound|incoming|on\s+(?:its|their)\s+way|in\s+transit|arriving|coming\s+in|"
            r"en\s+route|expected\s+(?:in|to\s+arrive))\b",
            r"\bopen\s+(?:supply|pos?|purchase\s+orders?|orders|transfers)\b",
            r"\b(?:anything|what(?:'s|\s+is)?)\s+(?:coming|due|on\s+order)\b",
            r"\bwhen\s+(?:does|will|is)\b.*\b(?:arrive|arriving|land|come\s+in|due)\b",
        ),
        _open_supply,
        id_slots=(),
        examples=(
            "what's inbound to S003 for SKU-0012?",
            "open POs for SUP-03",
            "is anything coming for SKU-0007?",
            "what's in transit to S001",
        ),
        template="what's inbound to {loc} for {sku}?",
    ),
    Intent(
        "projected_stockout",
        35,
        _compile(
            r"\bwhen\b.*\b(?:run(?:s|ning)?\s+out|stock\s*out|run\s+dry|out\s+of\s+stock|"
            r"run\s+short)\b",
            r"\b(?:will|are|is)\s+(?:we|it|they)\s+(?:run(?:ning)?\s+out|stock\s*out)\b",
            r"\bhow\s+long\s+(?:will|does|do|can)\b.*\b(?:last|cover|hold)\b",
        ),
        _inventory_loose,
        id_slots=(),
        said=("sku",),
        examples=(
            "when will S003 run out of SKU-0012?",
            "how long will SKU-0012 last at S001?",
        ),
        template="when will {loc} run out of {sku}?",
    ),
    Intent(
        "typed_exceptions",
        36,
        tuple(pattern for _, pattern in TYPE_PATTERNS),
        _exceptions,
        examples=("stockouts at S003", "overstock", "promo risks", "inventory anomalies"),
        template="stockouts at {loc}",
    ),
    Intent(
        "item",
        37,
        _compile(
            r"\b(?:moq|minimum\s+order(?:\s+qty|\s+quantity)?|case\s*pack|pack\s+size|unit\s+cost|"
            r"cost\s+price|item\s+master|master\s+data|primary\s+supplier|item\s+lead\s*time)\b",
            r"\blead\s*time\b.*\b(?:of|for)\b",
            r"\b(?:tell\s+me\s+about|details?\s+(?:of|for|on)|describe|what\s+is)\s+(?:item\s+)?{sku}"
            r"\W*$",
        ),
        _item,
        id_slots=("sku",),
        needs=("sku",),
        examples=(
            "what's the MOQ of SKU-0012?",
            "tell me about SKU-0003",
            "case pack and lead time for SKU-0007",
            "who is the primary supplier of SKU-0012?",
        ),
        template="tell me about {sku}",
    ),
    Intent(
        "supplier_status",
        38,
        _compile(
            r"\b(?:supplier|vendor)\s+(?:status\s+|performance\s+)?{sup}\s*\W*$",
            r"\b(?:status|performance|reliability)\s+(?:of|for)\s+(?:supplier\s+)?{sup}",
            r"\b(?P<sup>SUP[-_]?\d[\w-]*)",
        ),
        _suppliers,
        examples=("supplier status SUP-03", "how reliable is SUP-05"),
        template="supplier status {sup}",
    ),
    Intent(
        "suppliers_of_sku",
        40,
        _compile(
            r"\bsuppl(?:iers?|ies|y)\s+(?:for\s+|of\s+|to\s+)?{sku}",
            r"\bvendors?\s+(?:for\s+|of\s+)?{sku}",
            r"\bwho\s+(?:supplies|sells|makes)\s+{sku}",
        ),
        _suppliers,
        examples=("which suppliers supply SKU-0001?", "who supplies SKU-0012"),
        template="who supplies {sku}?",
    ),
    Intent(
        "all_suppliers",
        42,
        _compile(r"\b(?:suppliers?|vendors?)\b"),
        _suppliers,
        examples=("show me the suppliers", "vendor list"),
        template="supplier status",
    ),
    Intent(
        "forecast",
        44,
        _compile(
            r"\b(?:forecast|outlook|demand|predict\w*)\b(?:.*?\b(?:for|of))?\s+{sku}{at}{loc}",
            r"\bhow\s+(?:much|many)\s+(?:units\s+)?(?:of\s+)?{sku}\s+will\b.*\bsell\b.*?"
            r"\b(?:at|in)\s+{loc}",
            r"\b(?:what|how\s+(?:much|many)(?:\s+units)?)\s+(?:will|would|does|do)\s+{sku}\s+"
            r"sell\b.*?\b(?:at|in)\s+{loc}",
        ),
        _forecast,
        examples=(
            "forecast SKU-0001 at S003 for the next 14 days",
            "demand outlook for SKU-0001 at S003",
        ),
        template="forecast {sku} at {loc}",
    ),
    Intent(
        "network",
        45,
        _compile(
            r"\bwhere\s+(?:do|does)\s+(?:we|the\s+network)\s+(?:hold|have|keep|stock)\s+(?:the\s+)?"
            r"(?:most|more|least)\b",
            r"\bwhich\s+(?:location|store|dc|site)s?\s+(?:has|have|holds?)\s+(?:the\s+)?(?:most|"
            r"least|more)\b",
            r"\b(?:cover|stock|inventory|on[- ]hand)\b.*\b(?:everywhere|across\s+(?:the\s+)?"
            r"(?:network|locations|stores)|network[- ]wide|in\s+total|all\s+locations)\b",
            r"\bnetwork\s+(?:stock|inventory|position|cover|on[- ]hand|view)\b",
            r"\bcompare\b",
            r"\b(?:better|worse|best|worst)\s+stocked\b",
            r"\btotal\s+(?:on[- ]hand|stock|inventory|units)\b",
            r"\bacross\s+(?:all\s+)?(?:the\s+)?(?:network|locations|stores|sites)\b",
            r"\bhow\s+(?:much|many)\b.*\b(?:in\s+total|altogether|overall|network)\b",
        ),
        _network,
        id_slots=(),
        needs=("sku",),
        examples=(
            "where do we hold the most SKU-0012?",
            "cover of SKU-0001 everywhere",
            "network stock of SKU-0007",
            "how many SKU-0003 do we have in total?",
        ),
        template="where do we hold the most {sku}?",
    ),
    Intent(
        "forecast_no_location",
        46,
        _compile(r"\b(?:forecast|outlook)\b(?:.*?\b(?:for|of))?\s+{sku}\W*$"),
        _forecast_no_location,
        examples=("forecast SKU-0001",),
    ),
    Intent(
        "inventory_pair",
        48,
        _compile(
            r"\b(?:stock|inventory|on[- ]hand|position|availability|levels?|cover)\b.*?"
            r"(?:\b(?:of|for)\s+|\s){sku}{at}{loc}",
            r"\bhow\s+(?:many|much)\s+(?:units\s+)?(?:of\s+)?{sku}\b.*?\b(?:at|in)\s+{loc}",
            r"\b(?:stock|inventory|position)\s+(?:at|in)\s+{loc}\s+(?:of|for)\s+{sku}",
            r"^\W*{sku}\s*@\s*{loc}\W*$",
        ),
        _inventory,
        examples=("stock of SKU-0012 at S003", "how many units of SKU-0006 do we have at S004?"),
        template="stock of {sku} at {loc}",
    ),
    Intent(
        "inventory_sku",
        50,
        _compile(
            r"\bwhere\s+(?:is|are|do\s+we\s+(?:have|hold|keep|stock))\s+{sku}",
            r"\b(?:stock|inventory|on[- ]hand|positions?|availability)\s+(?:of|for)\s+{sku}"
            + NETWORK
            + r"\W*$",
            r"\bhow\s+(?:many|much)\s+(?:units\s+)?(?:of\s+)?{sku}\s+(?:do|have)\b",
        ),
        _inventory,
        examples=("where is SKU-0007 stocked?", "inventory of SKU-0023"),
        template="where is {sku} stocked?",
    ),
    Intent(
        "inventory_location",
        52,
        _compile(
            r"\b(?:positions?|stock|inventory|on[- ]hand)\s+(?:at|in)\s+{loc}\W*$",
            r"\bwhat(?:'s|\s+is|\s+do\s+we\s+have)\s+(?:at|in)\s+{loc}",
            r"\b(?:stock|inventory)\s+(?:report|levels?|positions?)\s+(?:at|in|for)\s+{loc}",
        ),
        _inventory,
        examples=("what's at DC-NORTH?", "stock report for S001"),
        template="stock report for {loc}",
    ),
    Intent(
        "inventory_loose",
        53,
        _compile(
            r"\b(?:stock|stocks|stocked|inventory|on[- ]hand|in\s+stock|levels?|cover|doing|check|"
            r"position|reorder\s+point|safety\s+stock|order[- ]up[- ]to|how\s+(?:much|many)|"
            r"units?|have|hold|left|run\s+out|stock\s*out|available|availability)\b",
        ),
        _inventory_loose,
        id_slots=(),
        said=("sku", "location"),
        examples=(
            "do we have any SKU-0007 at DC-NORTH",
            "what does DC-SOUTH have",
            "check stock sku0012 s003",
            "how's SKU-0012 doing at S003?",
            "what is the reorder point for SKU-0012 at S003",
        ),
        template="stock of {sku} at {loc}",
    ),
    Intent(
        "follow_up_lookup",
        54,
        _compile(
            r"\b(?:forecast|outlook|demand)\b",
            r"\b(?:stock|inventory|on[- ]hand|position|cover|how\s+(?:much|many))\b",
        ),
        _follow_up_lookup,
        id_slots=(),
        examples=("and the forecast?", "how much stock is there?"),
    ),
    Intent(
        "exceptions",
        60,
        _compile(
            r"\bexceptions?\b",
            r"\bbrief(?:ing)?\b",
            r"\battention\b",
            r"\bwhat'?s\s+(?:urgent|on\s+fire|critical|at\s+risk)\b",
            r"\bpriorit(?:y|ies)\b",
            r"\btop\s*\d+\b",
            r"\bwhat\s+should\s+(?:i|we)\s+(?:do|work\s+on|look\s+at|focus\s+on)\b",
            r"\b(?:issues?|alerts?|risks?|problems?)\b",
            r"\b(?:today|this\s+morning)\b",
        ),
        _exceptions,
        examples=("what needs attention today?", "top 5 exceptions", "any issues at S003?"),
        template="what needs attention today?",
    ),
    Intent(
        "proposals",
        58,
        _compile(
            r"\b(?:my|our|pending|open|waiting)\s+(?:proposals?|drafts?|approvals?)\b",
            r"\bwhat(?:'s|\s+is)\s+(?:pending|waiting)\b",
            r"\bwhat\s+(?:did|have)\s+(?:i|we)\s+(?:draft|propose)\w*\b",
            r"\bproposals?\b",
        ),
        _proposals,
        examples=("what's pending?", "my proposals", "what did I draft today?"),
        template="what's pending?",
    ),
    Intent("help_mention", 70, _compile(r"\bhelp\b"), _help, examples=("can you help me",)),
)


ORDER = {intent.name: i for i, intent in enumerate(INTENTS)}
RANKED = tuple(sorted(INTENTS, key=lambda it: (it.priority, ORDER[it.name])))
FOLLOW_UP_ONLY = frozenset({"follow_up_lookup"})


def _fields(intent: Intent, m: re.Match[str]) -> dict[str, str] | None:
    fields = {k: v for k, v in m.groupdict().items() if v is not None}
    cleaned = {k: _clean_id(v) if k in intent.id_slots else v for k, v in fields.items()}
    if not all(cleaned.values()):
        return None
    values = {k: str(v) for k, v in cleaned.items()}
    if "exc" in values:
        kind, _, rest = values["exc"].partition(":")
        values["exc"] = f"{kind.lower()}:{rest.upper()}"
    return values


def parse(
    text: str,
    earlier: Sequence[BaseMessage] = (),
    resolver: Any = None,
    as_of: date | None = None,
) -> tuple[Intent, Request]:
    """Return the intent of a request and the request read with the thread's memory.

    Names and aliases become ids, "the third one" becomes the third exception last listed and
    "same for S012" the previous request with that swap; then the intent of lowest priority
    whose pattern matches (with valid ids) wins.
    """
    focus = focus_of(earlier)
    norm = _normalise(text)
    canon, named = canonicalise(norm, resolver)
    previous = _understood(earlier, resolver)
    canon = _rewrite_ordinal(_rewrite_follow_up(canon, previous, resolver), focus)
    found = entities(canon, resolver)

    def request(fields: dict[str, str]) -> Request:
        return Request(
            canon, fields, tuple(earlier), focus, found, named, resolver, as_of, original=norm
        )

    probe = request({})
    for intent in RANKED:
        if intent.name in FOLLOW_UP_ONLY and (
            any(found.values()) or not (focus.sku or focus.location)
        ):
            continue
        if not all(probe.entity(kind) for kind in intent.needs):
            continue
        if intent.said and not any(probe.said(kind) for kind in intent.said):
            continue
        if intent.bare and any(found.values()):
            continue
        for pattern in intent.patterns:
            for m in _matches(pattern, canon):
                values = _fields(intent, m)
                if values is not None:
                    return intent, request(values)
    return FALLBACK, request({})


FALLBACK = Intent("unknown", 99, (), _unknown)
