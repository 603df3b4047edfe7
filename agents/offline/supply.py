"""Supply and buying questions, read by what they ask and which kinds of thing they name.

A planner asks about supply in two ways: what to *buy* now ("what should I order from
Northwind this week?", "anything we need from sunrise for the north DC?") and what is *already
on its way* ("what's still owed to the Region 03 warehouse before the 20th?", "how much is
inbound from Pacific Rim?", "which DC has the most on order?"). Which look-up answers either
follows from the kinds of thing named, not from the sentence's wording:

- buying, one supplier and nothing else: the supplier's order-now list
  (`get_supplier_overview`); one supplier and one place: the plan's order list in that scope
  (`get_routine_orders` with both);
- open supply, any item, place or supplier named, or the network: the open lines in that scope
  (`get_open_supply`, its window read by `parsing.window_days`);
- open supply compared over places ("which DC has the most inbound?", two places named with
  "more" / "most"): each place's open supply, then the places ranked by units (`compared`).

Only broad readings (`OVER`) are reread, and every reading here is a read-only look-up: a
draft is only ever made when the planner asks for one, by the drafting intents.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from agents.offline.buying import ALREADY, BUYING, NO_DRAFT
from agents.offline.cues import REREAD
from agents.offline.messages import Call, Request, Result, Step
from agents.offline.parsing import QUANTITY, window_days
from agents.offline.render import _date, _error_text, _qty

OVER = REREAD | {"supplier_overview", "ranking", "totals", "late_pos"}
"""The readings a supply question may have matched on its nouns alone."""

ACQUIRE = re.compile(
    r"\b(?:need|needs|get|getting|bring\s+in|stock\s+up\s+on)\s+(?:\w+\s+){0,2}?(?:from|with|off)\b"
    r"|\bwhat\s+(?:\w+\s+){0,3}?(?:need|needs)\s+(?:to\s+be\s+)?(?:ordering|ordered|buying|bought)\b",
    re.IGNORECASE,
)
"""Getting goods from a supplier, in everyday words ("what do we need from X", "get from X")."""

OPEN = re.compile(
    r"\b(?:inbound|incoming|in\s+transit|on\s+(?:its|their|the)\s+way|on\s+order|en\s+route|"
    r"arriv(?:e|es|ing|als?)|com(?:e|es|ing)\s+in|(?:anything|what(?:'s|\s+is)?|is|are)\s+"
    r"(?:\w+\s+)?coming|coming\s+(?:to|for|from|into|this|next|before|by)|"
    r"due(?:\s+(?:in|at|to\s+(?:arrive|land|come)|this|next|before|by|from))|"
    r"(?:anything|what(?:'s|\s+is)?)\s+due(?!\s+to\s+be\s+(?:re-?)?(?:ordered|bought|placed))|expected\s+(?:in|at|to\s+arrive|arrivals?|"
    r"deliver(?:y|ies)|receipts?)|outstanding|undelivered|owes|owed|owe\s+(?:us|me)|owing|"
    r"still\s+to\s+(?:come|arrive|deliver)|open\s+(?:pos?|orders?|supply|lines?)|"
    r"deliver(?:y|ies)\s+(?:due|expected|outstanding|pending|coming|scheduled|still|for|to|from|"
    r"at|this|next|before|by)|pipeline|on\s+the\s+water|land(?:s|ing)?\s+(?:at|in|this|next|before|by))\b",
    re.IGNORECASE,
)
"""What is already ordered and not yet received, in any words."""

MOST = re.compile(
    r"\b(?:most|least|more|less|fewest|biggest|largest|smallest|highest|lowest|compare\w*|"
    r"vs\.?|versus)\b",
    re.IGNORECASE,
)
"""A comparison over places ("which DC has the most on order?")."""

WHICH_PLACE = re.compile(
    r"\b(?:which|what)\s+(?:one\s+of\s+the\s+)?(?:dcs?|warehouses?|distribution\s+cent(?:er|re)s?|"
    r"depots?|hubs?)\b",
    re.IGNORECASE,
)
"""The DCs as the places compared ("which DC", "which warehouse")."""


def asks_buying(text: str) -> bool:
    """Whether a request asks what to buy now (not what was already ordered or delivered)."""
    said = NO_DRAFT.sub(" ", text)
    return bool(BUYING.search(text) or ACQUIRE.search(text)) and not ALREADY.search(said)


NOT_SUPPLY = re.compile(
    r"\b(?:forecast\w*|demand|sell\w*|sales|run(?:s|ning)?\s+(?:out|dry)|ran\s+out|stock\s*-?\s*outs?|"
    r"what[- ]if|polic\w*|rules?|playbook|exceptions?|at\s+risk|cover|record|reliab\w*|"
    r"on[- ]time|punctual\w*|performance|lead[- ]?times?)\b",
    re.IGNORECASE,
)
"""Another question that uses arrival words ("when is it due to run out?", "the forecast for
the coming week", "the policy on late deliveries")."""


def asks_open(text: str) -> bool:
    """Whether a request asks about supply already ordered and not yet received."""
    return bool(OPEN.search(text)) and not NOT_SUPPLY.search(text)


def reading(
    text: str, found: Mapping[str, Sequence[str]], current: str
) -> tuple[str, dict[str, str]] | None:
    """Return the look-up (intent name, fields) a supply or buying question asks for, or None.

    `current`: the intent the table read; only the broad ones (`OVER`) are reread. "compare"
    names the open supply compared over places (`compared`).
    """
    if current not in OVER:
        return None
    skus = list(found.get("sku") or [])
    places = list(found.get("location") or [])
    suppliers = list(found.get("supplier") or [])
    if len(suppliers) == 1 and not skus and not QUANTITY.search(text) and asks_buying(text):
        if not places:
            # the plan's order list for the supplier, however the table read it
            mine = current in ("supplier_overview", "routine_orders")
            return None if mine else ("supplier_overview", {})
        if len(places) == 1:
            return "routine_orders", {}
        return None
    if not asks_open(text) or asks_buying(text):
        return None
    if MOST.search(text) and (len(places) >= 2 or (not places and WHICH_PLACE.search(text))):
        return "open_supply", {"compare": "1"}
    if current == "open_supply":
        return None
    if current == "late_pos" and not re.search(r"\b(?:open|owe[sd]?|still)\b", text, re.I):
        return None  # "late POs from X": the late orders' own answer (days late each)
    if len(skus) > 1 or len(places) > 1 or len(suppliers) > 1:
        return None  # a list of names: fanned out by the table's reading
    return "open_supply", {}


def compared(req: Request, results: list[Result]) -> Step:
    """Compare the open supply of the places named, or of every DC: the largest inbound first."""
    places = list(req.found.get("location") or []) or list(req.resolver.dcs())
    if not results:
        scope: dict[str, Any] = {
            k: v for k, v in (("sku", req.said("sku")), ("supplier_id", req.said("supplier"))) if v
        }
        days = window_days(req.text, req.as_of)
        if days is not None:
            scope["within_days"] = days
        return [Call("get_open_supply", {**scope, "location": place}) for place in places]
    failed = next((r for r in results if r.error), None)
    if failed is not None:
        return _error_text(failed)
    rows = []
    for r in results:
        data = r.data if isinstance(r.data, dict) else {}
        rows.append((str(r.args.get("location")), data.get("total_units") or 0, data))
    rows.sort(key=lambda row: -float(row[1]))
    least = re.search(r"\b(?:least|less|fewest|smallest|lowest)\b", req.text, re.I)
    top = rows[-1] if least else rows[0]
    what = " ".join(
        f"{w} {v}" for w, v in (("for", req.said("sku")), ("from", req.said("supplier"))) if v
    )
    head = (
        f"**{top[0]} has the {'least' if least else 'most'} inbound{' ' + what if what else ''}: "
        f"{_qty(top[1])} units** on {_qty(top[2].get('total_lines') or 0)} open line(s)."
    )
    until = next((d.get("until") for _, _, d in rows if d.get("until")), None)
    if until:
        head += f" Due by {_date(until)}."
    each = [
        f"- {place}: {_qty(units)} units on {_qty(data.get('total_lines') or 0)} line(s)"
        for place, units, data in rows
    ]
    return "\n".join([head, "", *each])
