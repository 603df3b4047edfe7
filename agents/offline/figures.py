"""Where the last answer's figure comes from: "why so many?", "where does that number come from?".

Asked right after an answer, such a question is about the figure that answer led with. The last
look-up is asked again (the same read-only call, so every figure said is in this turn's result)
and its headline figure is shown with the fields of the result it is made of: a stock position
from on hand, in transit and on order, a forecast total from its days and promotion uplift, a
money-at-risk total from its groups, a supplier's order list from each line's reason, a what-if
from the plan with and without the scenario. After a draft, the drafted quantity is shown beside
the destination's stock levels (`get_inventory`). Nothing is drafted or changed.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from langchain_core.messages import AIMessage, BaseMessage, HumanMessage

from agents.offline import handlers as h
from agents.offline.messages import Call, Request, Result, Step, _turn_results
from agents.offline.render import _error_text, _money, _pct, _qty, render_network
from stockpilot.vocabulary import GATE_NAME

ASKED = re.compile(
    r"^\W*(?:(?:and|but|so|ok(?:ay)?|hmm+|wait|sorry|hold\s+on)\W+)*(?:"
    r"why\s+(?:so|that|this\s+)?\s*(?:many|much|few|little|high|low|big|large|small)"
    r"|why\s+(?:is|was|are)\s+(?:it|that|this|the\s+\w+)\s+(?:so\s+)?(?:many|much|high|low|big|"
    r"large|small|few)"
    r"|why\s+(?:that|this|those)\s+(?:number|figure|amount|qty|quantity|total|many)"
    r"|where\s+(?:does|did|do)\s+(?:that|this|the|those|these)\s+(?:\w+\s+)?(?:number|figure|"
    r"amount|qty|quantity|total|numbers|figures)\s+come\s+from"
    r"|where\s+(?:does|did)\s+(?:that|this|it)\s+come\s+from"
    r"|how\s+(?:did|do)\s+(?:you|we|they|it)\s+(?:get|arrive\s+at|come\s+up\s+with|work\s+out|"
    r"calculate|compute|figure)\s*(?:to\s+)?(?:that|this|it|those|these)?(?:\s+(?:number|figure|"
    r"amount|total|out))?"
    r"|how\s+(?:is|was|are|were)\s+(?:that|this|it|those|these|the\s+\w+)\s+(?:number\s+|figure\s+|"
    r"total\s+)?(?:calculated|computed|worked\s+out|derived|arrived\s+at|made\s+up)"
    r"|(?:explain|break\s+down|show\s+me)\s+(?:that|this|the)\s+(?:number|figure|amount|qty|"
    r"quantity|total|maths?|math|calculation|working)"
    r"|what(?:'s|\s+is)\s+(?:that|this|the\s+\w+)\s+(?:number\s+|figure\s+)?based\s+on"
    r"|(?:show|what(?:'s|\s+is))\s+(?:me\s+)?the\s+(?:maths?|math|working|calculation)"
    r")\W*(?:(?:then|please|pls|exactly|again)\W*)*$",
    re.I,
)
"""A question about the figure the previous answer gave, saying no figure or entity of its own."""

REREAD = frozenset(
    {
        "get_inventory",
        "get_network_position",
        "get_forecast",
        "summarize_exceptions",
        "list_exceptions",
        "get_supplier_overview",
        "get_routine_orders",
        "run_what_if",
        "get_open_supply",
        "explain_exception",
    }
)
DRAFTS = frozenset({"draft_transfer", "draft_purchase_order", "draft_recommended_action"})


def asks(text: str) -> bool:
    """Return True when a request asks where the previous answer's figure comes from."""
    return bool(ASKED.match(text.strip()))


def _last(earlier: Sequence[BaseMessage]) -> Result | None:
    """Return the thread's last tool call with its result."""
    results, _ = _turn_results(earlier)
    last_id = None
    for msg in reversed(earlier):
        if isinstance(msg, AIMessage) and msg.tool_calls:
            last_id = msg.tool_calls[-1].get("name")
            break
    return next((r for r in reversed(results) if r.name == last_id), None)


def _drafted(result: Result) -> dict[str, Any]:
    data = result.data if isinstance(result.data, dict) else {}
    drafted = (data.get("drafts") or [data]) if isinstance(data.get("drafts"), list) else [data]
    first = next((d for d in drafted if isinstance(d, dict) and d.get("args")), {})
    return first if isinstance(first, dict) else {}


def explain(req: Request, results: list[Result]) -> Step:
    """Ask the last look-up again (or the draft's destination stock), then show the figure."""
    last = _last(req.earlier)
    if not results:
        if last is None:
            return (
                "There is no figure in this conversation yet to explain, so I have not looked "
                "anything up."
            )
        if last.name in REREAD:
            return [Call(last.name, dict(last.args))]
        if last.name in DRAFTS:
            draft = _drafted(last)
            exc = last.args.get("exception_id") or draft.get("exception_id")
            pid = draft.get("proposal_id")
            # The proposal as it stands (its quantity said from this turn's result), then what
            # sized it: the exception it answers, else its destination's stock levels.
            status = [Call("get_proposal_status", {"proposal_id": pid})] if pid else []
            if exc:
                return [*status, Call("explain_exception", {"exception_id": exc})]
            args = draft.get("args") or {}
            where = args.get("to_location") or args.get("location_id")
            if args.get("sku") and where:
                return [*status, Call("get_inventory", {"sku": args["sku"], "location": where})]
        return (
            f"The last answer came from `{last.name}`; I can explain a stock, forecast, "
            "exception, order-list or what-if figure. Ask the question again and then **where "
            "does that number come from?**"
        )
    result = results[-1]
    if result.error:
        return _error_text(result)
    if last is not None and last.name in DRAFTS:
        now = next((r.data for r in results if r.name == "get_proposal_status"), None)
        draft = _drafted(last)
        if isinstance(now, dict) and now.get("proposal_id"):
            draft = {**draft, "args": now.get("args") or draft.get("args")}
        return _draft_figure(draft, result, _asked_for(req.earlier))
    return FIGURES.get(result.name, _generic)(result)


def _row(result: Result) -> dict[str, Any]:
    data = result.data
    if isinstance(data, list):
        return data[0] if data and isinstance(data[0], dict) else {}
    return data if isinstance(data, dict) else {}


def _inventory(result: Result) -> str:
    r = _row(result)
    where = f"{r.get('sku')} at {r.get('location_id')}"
    lines = [
        f"**{where}: position {_qty(r.get('position'))} = on hand {_qty(r.get('on_hand'))} + "
        f"in transit {_qty(r.get('in_transit'))} + on order {_qty(r.get('on_order'))}.**",
        f"- Days of cover {_qty(r.get('days_of_cover'))}: how long that position lasts against "
        f"the forecast ({_qty(r.get('forecast_daily'))}/day now, method `{r.get('method')}`); "
        f"projected stockout {r.get('projected_stockout_date') or 'none in the horizon'}.",
        f"- Reorder point {_qty(r.get('reorder_point'))}, order-up-to "
        f"{_qty(r.get('order_up_to'))}: safety stock {_qty(r.get('safety_stock'))} protects a "
        f"{_pct(r.get('service_level'))} cycle service level over the "
        f"{_qty(r.get('lead_time'))}-day lead time plus review period (ABC class "
        f"{r.get('abc_class') or '-'}).",
    ]
    return "\n".join(lines)


def _forecast(result: Result) -> str:
    fc = _row(result)
    days = [d for d in fc.get("forecast") or [] if isinstance(d, dict)]
    promo = [d for d in days if float(d.get("promo_uplift") or 1.0) != 1.0]
    lines = [
        f"**{_qty(fc.get('total_mean'))} units is the sum of the daily forecasts of "
        f"{fc.get('sku')} at {fc.get('location')}"
        + (f" from {days[0].get('date')} to {days[-1].get('date')}" if days else "")
        + f"** (method `{fc.get('method')}`, {_qty(fc.get('history_days'))} days of history).",
        f"- Sold in the last four weeks: {_qty(fc.get('history_units_last_28d'))} units.",
    ]
    if promo:
        lines.append(
            f"- Promotion days {promo[0].get('date')} … {promo[-1].get('date')}: the daily "
            f"forecast is lifted ×{_qty(promo[0].get('promo_uplift'))}."
        )
    acc = fc.get("accuracy") or {}
    if acc:
        lines.append(
            f"- Backtest accuracy: WAPE {_pct(acc.get('wape'))}, bias {_pct(acc.get('bias'))}."
        )
    return "\n".join(lines)


def _summary(result: Result) -> str:
    d = _row(result)
    groups = [g for g in d.get("groups") or [] if isinstance(g, dict)]
    parts = [
        f"{g.get('key')} {_money(g.get('money_at_risk'))} ({_qty(g.get('count'))})" for g in groups
    ]
    return (
        f"**{_money(d.get('total_money_at_risk'))} is the money at risk of the "
        f"{_qty(d.get('count'))} exceptions in scope, added up by {d.get('by')}:** "
        + " + ".join(parts)
        + "."
    )


def _list(result: Result) -> str:
    d = result.data
    items = d.get("items") if isinstance(d, dict) else d
    rows = [i for i in items or [] if isinstance(i, dict)][:5]
    lines = ["**Each exception's figure is its own, from the planning engine's projection:**"]
    lines += [
        f"- {i.get('id')}: {_money(i.get('money_at_risk'))} at risk — {i.get('detail') or ''}"
        for i in rows
    ]
    return "\n".join(lines)


def _order_list(result: Result) -> str:
    d = _row(result)
    now = d.get("order_now") if isinstance(d.get("order_now"), dict) else d
    items = [i for i in (now or {}).get("items") or [] if isinstance(i, dict)]
    head = (
        f"**{_qty((now or {}).get('units'))} units on {_qty((now or {}).get('lines'))} lines: each "
        "position below its reorder point is ordered up to its order-up-to level.**"
    )
    lines = [head] + [
        f"- {i.get('sku')} at {i.get('location')}: {_qty(i.get('qty'))} units — {i.get('reason')}"
        for i in items[:8]
    ]
    return "\n".join(lines)


def _what_if(result: Result) -> str:
    d = _row(result)
    base, with_, change = d.get("base") or {}, d.get("with_scenario") or {}, d.get("change") or {}
    lines = [
        "**The figures compare the plan without and with the scenario:**",
        f"- Unmet units in the protection window: {_qty(base.get('unmet_units_protection'))} "
        f"without, {_qty(with_.get('unmet_units_protection'))} with (change "
        f"{_qty(change.get('unmet_units_protection'))}).",
        f"- Lost margin in the protection window: {_money(base.get('lost_margin_protection'))} "
        f"without, {_money(with_.get('lost_margin_protection'))} with.",
    ]
    for po in (d.get("delayed_purchase_order_lines") or [])[:5]:
        lines.append(
            f"- {po.get('po_id')}: {_qty(po.get('qty'))} {po.get('sku')} to {po.get('location')} "
            f"arrives {po.get('arrival_after')} instead of {po.get('arrival_before')}."
        )
    return "\n".join(lines)


def _supply(result: Result) -> str:
    d = _row(result)
    lines = [f"**{_qty(d.get('total_units'))} units is the sum of the open lines:**"]
    lines += [
        f"- {ln.get('document_id')} ({str(ln.get('kind')).replace('_', ' ')}): "
        f"{_qty(ln.get('qty'))} {ln.get('sku')} to {ln.get('location_id')}, expected "
        f"{ln.get('expected_date')}"
        for ln in (d.get("lines") or [])[:8]
        if isinstance(ln, dict)
    ]
    return "\n".join(lines)


def _generic(result: Result) -> str:
    r = _row(result)
    fields = [
        f"{k.replace('_', ' ')} {_qty(v)}"
        for k, v in r.items()
        if isinstance(v, int | float) and not isinstance(v, bool)
    ]
    return f"**From `{result.name}`:** " + ", ".join(fields[:12]) + "."


def _asked_for(earlier: Sequence[BaseMessage]) -> str:
    """Return the planner's last request of the thread (not an approver's decision)."""
    for msg in reversed(earlier):
        if isinstance(msg, HumanMessage) and msg.name != GATE_NAME:
            return str(msg.content)
    return ""


def _draft_figure(draft: dict[str, Any], result: Result, asked: str) -> str:
    args = draft.get("args") or {}
    qty = _qty(args.get("qty"))
    what = f"{str(draft.get('action') or 'draft').replace('_', ' ')} of {args.get('sku')}"
    if result.name == "explain_exception":
        return (
            f"**{qty} units is the quantity of {draft.get('proposal_id')} ({what}): the "
            "recommendation of the exception below.**\n\n" + h._render_explain(result)
        )
    r = _row(result)
    said = re.search(rf"(?<![\w.-]){re.escape(qty)}(?![\w.-])", asked)
    why = (
        "the quantity you asked for"
        if said
        else "the planning engine's quantity: a position below its reorder point is ordered up "
        "to its order-up-to level"
    )
    return (
        f"**{qty} units is the quantity of {draft.get('proposal_id')} ({what}), {why}.** At "
        f"{r.get('location_id')}: position {_qty(r.get('position'))} (on hand "
        f"{_qty(r.get('on_hand'))}), forecast {_qty(r.get('forecast_daily'))}/day, reorder point "
        f"{_qty(r.get('reorder_point'))}, order-up-to {_qty(r.get('order_up_to'))}."
    )


FIGURES = {
    "explain_exception": h._render_explain,
    "get_network_position": render_network,
    "get_inventory": _inventory,
    "get_forecast": _forecast,
    "summarize_exceptions": _summary,
    "list_exceptions": _list,
    "get_supplier_overview": _order_list,
    "get_routine_orders": _order_list,
    "run_what_if": _what_if,
    "get_open_supply": _supply,
}
