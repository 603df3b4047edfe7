"""A row of the previous table, picked by its rank or by its value.

"The third line of that", "which of those costs the most?", "the biggest one there", "draft
the cheapest of those".

Ordinals of exception lists are read elsewhere (`parsing.rewrite_ordinal`); this module reads a
pick in the tables that are not exception lists: the engine's order list (`get_routine_orders`),
a supplier's buy list (`get_supplier_overview`), open supply (`get_open_supply`) and an item's
network view (`get_network_position`). The row is taken from the previous turn's tool result, in
the order the table showed it, and restated with the figures that result gave (no new look-up);
asked to draft it, the row's own draft is made (`agents.focus.order_offers`), one line only.

It also tells a singular reference ("draft that one") from a plural one ("draft them all") for
`handlers.draft_previous`, and gives it the row the previous turn picked (`last_pick`): a
picked row is the thread's pointer, so a go-ahead after it ("ok draft it", "yes", "draft that
one") drafts that row alone, never the table's first lines.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Any

from langchain_core.messages import AIMessage, BaseMessage, HumanMessage

from agents.focus import order_offers
from agents.offline.messages import Call, Request, Result, Step, _turn_results
from agents.offline.render import _render_drafts
from stockpilot.vocabulary import GATE_NAME

TABLE_TOOLS = frozenset(
    {"get_routine_orders", "get_supplier_overview", "get_open_supply", "get_network_position"}
)
"""Tools whose answer is a table of rows that are not exceptions."""

ORDINALS = {
    "first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4,
    "fifth": 5, "5th": 5, "sixth": 6, "6th": 6, "seventh": 7, "7th": 7, "eighth": 8, "8th": 8,
    "ninth": 9, "9th": 9, "tenth": 10, "10th": 10, "top": 1, "last": -1, "final": -1,
    "bottom": -1,
}  # fmt: skip
ROW_NOUN = r"(?:line|row|entry|item|one|1|sku|position|order|po|location|place|store|site)"
TABLE_REF = (
    r"(?:of\s+(?:that|those|these|them|the\s+(?:list|table|lines|rows))|there|in\s+(?:that|this|"
    r"the)\s+(?:list|table)|on\s+(?:that|this|the)\s+(?:list|table)|from\s+(?:that|those|these|"
    r"the\s+list))"
)
"""Words that point at the table just shown ("of those", "there", "in that list")."""
BY_ORDINAL = re.compile(
    r"\b(?:the\s+)?(?P<ord>" + "|".join(ORDINALS) + r")\s+" + ROW_NOUN + r"\b"
    r"|\b(?:line|row|entry|number|no\.?|#)\s*(?P<n>\d{1,2})\b(?!\s*(?:units?|%|days?))",
    re.I,
)
"""A row by its rank ("the third line", "2nd row", "line 5", "the last one")."""

MOST = r"(?:most|highest|largest|biggest|greatest|max(?:imum)?|top|heaviest)"
LEAST = r"(?:least|lowest|smallest|fewest|min(?:imum)?|tiniest|lightest)"
MONEY = r"(?:cost|costs|costing|value|valued|money|worth|spend|expensive|dollars|euros)"
UNITS = r"(?:units?|qty|quantity|quantities|volume|stock|on\s+hand|pieces)"
COVER = r"(?:cover|days\s+of\s+cover|runway|days)"
SUPERLATIVES: tuple[tuple[str, str, bool], ...] = (
    # (metric, pattern, highest?): tried in order, the first that matches decides
    ("value", r"\b(?:priciest|costliest|dearest|most\s+expensive|most\s+valuable)\b", True),
    ("value", r"\b(?:cheapest|least\s+expensive|least\s+valuable)\b", False),
    ("value", r"\b" + MONEY + r"\w*\s+(?:the\s+)?" + MOST + r"\b", True),
    ("value", r"\b" + MOST + r"\s+(?:\w+\s+)?" + MONEY + r"\b", True),
    ("value", r"\b" + MONEY + r"\w*\s+(?:the\s+)?" + LEAST + r"\b", False),
    ("value", r"\b" + LEAST + r"\s+(?:\w+\s+)?" + MONEY + r"\b", False),
    ("cover", r"\b" + LEAST + r"\s+(?:\w+\s+)?" + COVER + r"\b|\bshortest\s+cover\b", False),
    ("cover", r"\b" + MOST + r"\s+(?:\w+\s+)?" + COVER + r"\b|\blongest\s+cover\b", True),
    ("date", r"\b(?:earliest|soonest|first\s+to\s+(?:arrive|land|come))\b", False),
    ("date", r"\b(?:latest|last\s+to\s+(?:arrive|land|come))\b", True),
    ("qty", r"\b" + LEAST + r"\s+(?:\w+\s+)?" + UNITS + r"\b", False),
    ("qty", r"\b" + MOST + r"\s+(?:\w+\s+)?" + UNITS + r"\b", True),
    ("qty", r"\b(?:biggest|largest|bulkiest|heaviest)\b", True),
    ("qty", r"\b(?:smallest|tiniest)\b", False),
    ("qty", r"\bmost\b", True),
)
"""A row by its value: which figure of the row, highest or lowest."""
PICKED = re.compile(
    r"\bwhich\s+(?:one\s+|1\s+)?(?:of\s+(?:those|these|them|the\s+(?:lines|rows))|line|row|entry)\b"
    r"|^\W*(?:and\s+|so\s+)?(?:of|out\s+of|among)\s+(?:those|these|them)\b[\s,]*(?:which|what)\b"
    r"|\b(?:the|that)\s+\w+\s+(?:one|1|line|row)\s+"
    + TABLE_REF
    + r"|\b(?:the\s+)?(?:priciest|cheapest|costliest|biggest|largest|smallest)\s+(?:of\s+"
    r"(?:those|these|them)|one|1|line|row)\b",
    re.I,
)
"""A pick among the table's rows by value ("which of those ...", "which line ...", "the biggest
one there", "the cheapest of those")."""
DRAFT_IT = re.compile(
    r"^\W*(?:(?:ok(?:ay)?|so|then|now|please|pls|just|go\s+ahead\s+and|can\s+you|could\s+you)"
    r"\W+)*(?:draft|order|raise|place|book|do|prep|create|buy|ship|send|transfer)\b",
    re.I,
)
"""The pick is to be drafted ("draft the cheapest of those", "order the third line")."""
ENTITY = re.compile(r"\b(?:SKU-\d+|S\d{3}|DC-[A-Z]+|SUP-\d+|PO-\d+|PR-\w+)\b")


def _table(earlier: Sequence[BaseMessage]) -> tuple[str, list[dict[str, Any]]] | None:
    """Return the previous turn's table: its tool and rows in the order shown, or None."""
    found, _ = _turn_results(earlier)
    if not found:
        return None
    last = found[-1]
    if last.name not in TABLE_TOOLS or not isinstance(last.data, dict):
        return None
    data = last.data
    rows: Any = {
        "get_routine_orders": data.get("items"),
        "get_supplier_overview": (data.get("order_now") or {}).get("items"),
        "get_open_supply": data.get("lines"),
        "get_network_position": data.get("locations"),
    }[last.name]
    rows = [r for r in rows or [] if isinstance(r, dict)]
    return (last.name, rows) if rows else None


def _figure(row: dict[str, Any], metric: str) -> Any:
    """Return a row's figure for a metric, or None when the table has no such column."""
    if metric == "value":
        return row.get("value")
    if metric == "qty":
        return row.get("qty", row.get("on_hand"))
    if metric == "cover":
        return row.get("days_of_cover")
    return row.get("expected_date")


def _index(text: str, rows: Sequence[dict[str, Any]]) -> tuple[int, str] | None:
    """Return the index of the row a request picks and how it picked it, or None."""
    m = BY_ORDINAL.search(text)
    if m is not None:
        n = int(m.group("n")) if m.group("n") else ORDINALS[m.group("ord").lower()]
        if n == -1:
            return len(rows) - 1, "the last line"
        return (n - 1, f"line {n}") if 1 <= n <= len(rows) else None
    if not PICKED.search(text):
        return None
    for metric, pattern, highest in SUPERLATIVES:
        if not re.search(pattern, text, re.I):
            continue
        scored = [(i, _figure(r, metric)) for i, r in enumerate(rows)]
        scored = [(i, f) for i, f in scored if f is not None]
        if not scored:
            metric = "qty"  # "the most expensive" in a table without values: its units
            scored = [(i, _figure(r, metric)) for i, r in enumerate(rows)]
            scored = [(i, f) for i, f in scored if f is not None]
        if not scored:
            return None
        pick = (max if highest else min)(scored, key=lambda x: x[1])
        word = {"value": "value", "qty": "units", "cover": "days of cover", "date": "arrival"}
        return pick[0], f"the {'highest' if highest else 'lowest'} {word[metric]}"
    return None


def _num(x: Any) -> str:
    return f"{float(x):,.2f}" if isinstance(x, float) and not float(x).is_integer() else f"{x:,.0f}"


def _describe(tool: str, row: dict[str, Any]) -> str:
    """Say a row as the table gave it: its SKU, place and figures."""
    if tool == "get_network_position":
        return (
            f"**{row.get('location_id')}**: on hand {_num(row.get('on_hand') or 0)}, in transit "
            f"{_num(row.get('in_transit') or 0)}, on order {_num(row.get('on_order') or 0)}, "
            f"forecast {row.get('forecast_daily')}/day, days of cover {row.get('days_of_cover')}"
        )
    if tool == "get_open_supply":
        source = row.get("supplier_id") or row.get("from_location") or "?"
        late = " — **late**" if row.get("late") else ""
        return (
            f"**{row.get('document_id')}**: {_num(row.get('qty') or 0)} × **{row.get('sku')}** "
            f"to **{row.get('location_id')}** from {source}, expected "
            f"{row.get('expected_date')}{late}"
        )
    source = row.get("supplier_id") or row.get("from_location") or "?"
    kind = (
        "exception's recommendation " + str(row["exception_id"])
        if row.get("exception_id")
        else ("purchase order" if row.get("supplier_id") else "transfer")
    )
    why = f" Why: {row['reason']}." if row.get("reason") else ""
    return (
        f"**{row.get('sku')}** at **{row.get('location')}** from {source} ({kind}): "
        f"{_num(row.get('qty') or 0)} units, value {_num(row.get('value') or 0)}.{why}"
    )


def picked_row(text: str, earlier: Sequence[BaseMessage]) -> dict[str, Any] | None:
    """Return the pick a request makes in the previous turn's table, or None.

    {"tool", "row", "how", "draft"}: only for a request that names no entity of its own (a
    request naming one is a new question) and picks by rank or by value.
    """
    if ENTITY.search(text):
        return None
    table = _table(earlier)
    if table is None:
        return None
    tool, rows = table
    got = _index(text, rows)
    if got is None:
        return None
    index, how = got
    return {"tool": tool, "row": rows[index], "how": how, "draft": bool(DRAFT_IT.search(text))}


def answer_row(req: Request, results: list[Result]) -> Step:
    """Restate the picked row of the previous table, or draft it when asked (one line only)."""
    pick = json.loads(req.fields["pick_row"])
    tool, row, how = str(pick["tool"]), dict(pick["row"]), str(pick["how"])
    if not pick.get("draft"):
        return f"{how[0].upper()}{how[1:]} of the table shown: {_describe(tool, row)}"
    offers = order_offers([row]) if tool != "get_open_supply" else []
    if not offers:
        return (
            f"{how[0].upper()}{how[1:]} of the table shown is {_describe(tool, row)} It is no "
            "line to order, so I have not drafted anything."
        )
    if not results:
        return [Call(str(offers[0]["tool"]), dict(offers[0]["args"]))]
    return f"Drafted {how} of the table shown only.\n\n" + _render_drafts(results)


SINGULAR = re.compile(
    r"\b(?:that|this|the)\s+(?:one|1|line|row)\b|\b(?:just|only)\s+(?:one|1)\b", re.I
)
PLURAL = re.compile(
    r"\b(?:them|all|both|those|these|every|each|lines|rows|ones|everything|the\s+lot)\b", re.I
)


def singular(text: str) -> bool:
    """Return whether a draft request points at one line ("draft that one"), not at several."""
    return bool(SINGULAR.search(text)) and not PLURAL.search(text)


def in_focus(offer: Sequence[dict[str, Any]], sku: str | None, location: str | None) -> int:
    """Return the index of the offered line the thread's focus names, else 0 (the first shown)."""
    for i, o in enumerate(offer):
        args = o.get("args") or {}
        place = args.get("location_id") or args.get("to_location")
        if sku and args.get("sku") == sku and (location is None or place == location):
            return i
    return 0


def last_pick(earlier: Sequence[BaseMessage]) -> dict[str, Any] | None:
    """Return the row the previous turn picked and only restated, or None (see `picked_row`).

    The planner's last request is read again against the table before it: "the third line of
    that" answered without a tool call. A turn that looked something up or drafted since moved
    the thread on, and an approver's decision is no request.
    """
    at = next(
        (
            i
            for i in range(len(earlier) - 1, -1, -1)
            if isinstance(earlier[i], HumanMessage) and earlier[i].name != GATE_NAME
        ),
        None,
    )
    if at is None:
        return None
    if any(isinstance(m, AIMessage) and m.tool_calls for m in earlier[at + 1 :]):
        return None
    pick = picked_row(str(earlier[at].content), earlier[:at])
    return pick if pick is not None and not pick["draft"] else None


def draft_pick(pick: dict[str, Any], results: list[Result]) -> Step:
    """Draft the row a previous turn picked, one line only (`answer_row` with its draft)."""
    picked = Request("", fields={"pick_row": json.dumps({**pick, "draft": True})})
    return answer_row(picked, results)
