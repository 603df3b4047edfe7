"""Routing a read-only request by question type x entity kinds x thread state.

The intent table reads a request by the first of its phrasings that matches, so a request said
in words no phrasing lists lands on a broad reading (an item's stock, the exception list, a
supplier's card) or on none. This module reads a request the other way round, without
phrasings:

- its **question types** (`QUESTION_TYPES`): what kind of answer is asked for, from a few cue
  words each (the item's terms, who supplies it, a supplier's record, what is late, what is
  inbound, what the plan wants from a supplier, the routine orders, where else an item is
  held, the demand ahead, a ranking, a total, the exception list, the stock), from the most
  specific; the first whose look-up the scope allows is taken;
- its **scope** (`Scope`): the kinds of entity it names (SKU, location, supplier, category,
  region, exception type, priority, a count asked for), and, where it points back into the
  thread ("it", "there", "their", "that"), the thread's focus and the last look-up's filters
  for the kinds it does not name;
- a **route** (`canonical`): for each question type, the look-up the scope's kinds allow, said
  as the canonical request the intent table reads ("forecast SKU-0012 at S004 for the next 14
  days", "total money at risk by location for stockout_risk in the North region").

`agents.offline.intents` asks for a route over a broad reading or none (`REROUTABLE`), over a
follow-up naming nothing that the table read as the thread's last look-up again, and to widen
a specific look-up with more of the request's scope (`WIDENABLE`); it takes a route only when
its look-up only reads and differs from the table's first call. Nothing here drafts, amends,
approves or writes: every route is a look-up.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from agents.offline.cues import DEPLETED, EXCEPTION_WORDS, HORIZON, MONEY, STOCK_ONLY, WHEN
from agents.offline.parsing import _exception_type, _horizon, category

ASKS_FOR_SCOPE = frozenset({"forecast_no_location"})
"""Readings whose answer asks for an entity the request may have said in a way they do not read
("S002 forecast sku 5?"): a route with that entity overrules the question asked back."""

REROUTABLE = frozenset(
    {
        "unknown",
        "exceptions",
        "exceptions_urgent",
        "typed_exceptions",
        "late_pos",
        "supplier_status",
        "all_suppliers",
        "inventory_loose",
        "inventory_location",
        "inventory_sku",
        "follow_up_lookup",
        "open_at_location",
        *ASKS_FOR_SCOPE,
    }
)
"""Readings a route may overrule: the catch-alls, the broad look-ups and no reading."""

WIDENABLE = frozenset(
    {"totals", "ranking", "network", "item", "open_supply", "inventory_pair", "forecast"}
)
"""Specific readings a route may only widen: the same look-up with more of the request's scope
("how much is at risk there?" after a store's list: its total, for that store)."""

# -- question types ------------------------------------------------------------------------------

TERMS = re.compile(
    r"\b(?:case\s*-?packs?|pack\s+sizes?|(?:come|comes|are)\s+in\s+(?:a|one|1|each)\s+"
    r"(?:case|pack|carton)|per\s+(?:case|pack|carton)|moq|min(?:imum|\.)?\s+order|"
    r"unit\s+costs?|cost\s+price|(?:retail|selling|sell|shelf|unit)\s+price|margins?|"
    r"(?:what|how\s+much)\s+(?:do|does)\s+(?:we|it)\s+(?:pay|cost)|what\s+category)\b",
    re.I,
)
"""The item's own terms: case pack, minimum order, cost, price, margin, category."""

SOURCING = re.compile(
    r"\bwho\s+(?:supplies|supply|sells|sell|makes|provides|gives)\b|"
    r"\bwhich\s+(?:suppliers?|vendors?)\s+(?:\w+\s+){0,2}?(?:give|gives|supply|supplies|sell|"
    r"sells|provide|provides|make|makes|do\s+we)\b|"
    r"\bwho\s+do\s+we\s+(?:buy|order|get|source|purchase)\b|"
    r"\b(?:suppliers?|vendors?)(?:\(s\))?\s+(?:for|of)\b",
    re.I,
)
"""Who supplies an item."""

CARD = re.compile(
    r"\b(?:reliab\w*|dependab\w*|on[- ]?time|lead\s*-?times?|perform\w*|track\s+record|"
    r"score\s*-?card|fill\s+rate|how\s+(?:is|are|has|have)\s+(?:\w+\s+){0,3}?(?:doing|been))\b",
    re.I,
)
"""A supplier's record: reliability, on-time rate, lead time, performance."""

WANTS = re.compile(
    r"\b(?:(?:order|buy|purchase|place)\w*\s+(?:\w+\s+){0,3}?(?:from|with)|"
    r"(?:plan|engine|system)\s+(?:\w+\s+){0,2}?wants?|full\s+picture|summary|overview|"
    r"(?:anything|what)\s+to\s+(?:buy|order))\b",
    re.I,
)
"""What the plan wants from a supplier, or the supplier's whole picture."""

LATE = re.compile(
    r"\b(?:late|overdue|past\s+(?:their\s+|the\s+|its\s+)?due|slipp?(?:ed|ing)|"
    r"behind\s+(?:on|with|schedule)|running\s+behind|delayed)\b",
    re.I,
)
"""Supply that is late."""

DOCUMENT = re.compile(
    r"\b(?:pos?|purchase\s+orders?|orders?|deliver(?:y|ies)|shipments?|receipts?)\b", re.I
)

INBOUND = re.compile(
    r"\b(?:inbound|incoming|pipeline|on\s+order|in\s+transit|on\s+(?:the|its|their)\s+way|"
    r"en\s+route|arriv(?:e|es|ing|al|als)|due\s+in|coming\s+(?:in|from|to)|waiting\s+(?:on|for)|"
    r"expected\s+in|next\s+deliver(?:y|ies)|scheduled\s+(?:in|into|for|to)|"
    r"(?:are|is)\s+scheduled|(?:open|outstanding|unreceived|undelivered)\s+(?:pos?|orders?|"
    r"purchase\s+orders?|supply)|already\s+ordered|open\s+with\s+us)\b",
    re.I,
)
"""Supply still to come."""

ROUTINE = re.compile(
    r"\b(?:regular|routine|standing|recurring|usual|repeat)\s+(?:orders?|replenishment|buys?)\b",
    re.I,
)

NETWORK = re.compile(
    r"\bwhere\s+else\b|\b(?:who|which\s+(?:stores?|locations?|sites?))\s+else\b|"
    r"\b(?:anywhere|somewhere)\s+else\b|\bacross\s+(?:all\s+)?(?:the\s+|our\s+)?(?:stores|"
    r"locations|network|sites|dcs)\b|\bevery\s+(?:location|store|site)\b|"
    r"\bbetween\s+(?:the\s+|our\s+)?(?:stores|locations|sites)\b|\bbalance\s+of\b|"
    r"\bwhere\s+(?:is|are)\s+(?:the|our)\s+(?:stock|inventory|units)\b|"
    r"\b(?:stock|stcok|inventory|on[\s-]?hand|units)\s+(?:per|by|at\s+each|for\s+each)\s+"
    r"(?:location|store|site)s?\b",
    re.I,
)
"""Where an item is held across the network."""

FORECAST = re.compile(
    r"\b(?:fore?cast\w*|forcast\w*|outlook|demand|offtake|projections?|projected|predict\w*|"
    r"expect(?:ed|s)?|sell|sells|selling|sales|sold|accura\w*)\b",
    re.I,
)
"""The demand ahead (or how well it was forecast)."""

SUPERLATIVE = re.compile(
    r"\b(?:most|worst|biggest|largest|highest|heaviest|hardest|rank\w*)\b", re.I
)
GROUPS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("location", re.compile(r"\b(?:stores?|shops?|locations?|sites?|branch(?:es)?)\b", re.I)),
    ("category", re.compile(r"\bcategor(?:y|ies)\b", re.I)),
    ("sku", re.compile(r"\b(?:skus?|items?|products?|lines?)\b", re.I)),
    ("supplier", re.compile(r"\b(?:suppliers?|vendors?)\b", re.I)),
    ("type", re.compile(r"\b(?:types?|kinds?|sorts?)\s+of\s+(?:exception|issue|problem)", re.I)),
    ("priority", re.compile(r"\bpriorit(?:y|ies)\b", re.I)),
)
"""The group a ranking or a breakdown is by, from its word."""
BY = re.compile(r"\b(?:by|per|for\s+each|each)\s+(?P<w>\w+)", re.I)
DURATION = re.compile(
    r"\b\d+\s*-?\s*(?:days?|weeks?|months?)\b|\bfortnight\b|\bnext\s+(?:week|month|quarter)\b",
    re.I,
)
"""A horizon said as a duration ("30 days", "42 days out", "a fortnight")."""
SORTED = re.compile(r"\b(?:biggest|largest|worst|highest|most)\s+first\b|\blist\b", re.I)
"""A list asked for in an order ("biggest first"), not a ranking of groups."""
ENDS = re.compile(
    r"\b(?:how\s+many\s+days|how\s+long|before\s+(?:it|they)(?:'s|\s+is|\s+are|'re)?\s+"
    r"(?:empty|gone|out)|run(?:s|ning)?\s+out|last|empty)\b",
    re.I,
)
"""How long stock lasts: a stock question, not the demand ahead."""
WEIGHED = re.compile(r"\b(?:or|vs\.?|versus|against)\b", re.I)
SUPPLIER_VERDICT = re.compile(
    r"\b(?:quick\w*|fast\w*|slow\w*|reliab\w*|dependab\w*|lead\s*times?|on[- ]time|late\w*|"
    r"overdue|delay\w*)\b",
    re.I,
)

TOTAL = re.compile(
    r"\b(?:how\s+(?:much|many|big|bad)|total\w*|sum|dollar|value|number\s+of|count|"
    r"worth(?!\s+(?:a\s+)?(?:acting|action|look\w*|doing|fixing|chasing|it|checking|keeping|"
    r"watching|flagging|raising))|"
    r"breakdown|break\s+(?:\w+\s+){0,2}?down|tally|exposure|in\s+money)\b",
    re.I,
)
LIST = re.compile(
    r"\b(?:exceptions?|issues?|problems?|risks?|alerts?|flags?|wrong|attention|urgent|"
    r"overview|worr(?:y|ied)|on\s+fire)\b",
    re.I,
)
STOCK = re.compile(
    r"\b(?:stock|on[\s-]?hand|units|inventory|cover|covered|enough|last|levels?|holding|hold|"
    r"left|thin|placed|quantity|qty|how\s+(?:much|many))\b",
    re.I,
)

QUESTION_TYPES = (
    "terms",
    "sourcing",
    "card",
    "late",
    "inbound",
    "wants",
    "routine",
    "network",
    "forecast",
    "ranking",
    "total",
    "exceptions",
    "stock",
)
"""The question types, from the most specific: the first one a request says is its type."""


def question_types(text: str) -> list[str]:
    """Return the kinds of answer a request may ask for, most specific first.

    In `QUESTION_TYPES` order: a request routes by the first whose look-up its scope allows.
    """
    about_exceptions = bool(
        EXCEPTION_WORDS.search(text) or _exception_type(text) or MONEY.search(text)
    )
    said = {
        "terms": bool(TERMS.search(text)),
        "sourcing": bool(SOURCING.search(text)),
        "card": bool(CARD.search(text)),
        "wants": bool(WANTS.search(text)),
        "late": bool(LATE.search(text)),
        "inbound": bool(INBOUND.search(text)),
        "routine": bool(ROUTINE.search(text)),
        "network": bool(NETWORK.search(text)),
        "forecast": bool(FORECAST.search(text)),
        "ranking": bool(SUPERLATIVE.search(text) and _group(text)),
        "total": bool(TOTAL.search(text) and about_exceptions and not STOCK_ONLY.search(text)),
        "exceptions": bool(LIST.search(text) or _exception_type(text)),
        "stock": bool(STOCK.search(text)),
    }
    return [kind for kind in QUESTION_TYPES if said[kind]]


def _group(text: str) -> str | None:
    """Return the group a ranking or breakdown is by ("by store", "which category ...")."""
    by = BY.search(text)
    if by:
        for name, pattern in GROUPS:
            if pattern.fullmatch(by.group("w")) or pattern.search(by.group(0)):
                return name
    for name, pattern in GROUPS:
        if pattern.search(text):
            return name
    return None


# -- the scope -----------------------------------------------------------------------------------

POINTER = re.compile(
    r"\b(?:it|its|that|this|those|these|them|they|their|theirs|there|same|here)\b", re.I
)
"""Words that point back into the thread for what the request does not name."""
POINTED = {
    "sku": re.compile(r"\b(?:(?:that|this|the\s+same)\s+(?:item|sku|product|one)|it|its)\b", re.I),
    "location": re.compile(r"\b(?:there|(?:that|this|the\s+same)\s+(?:store|place|site))\b", re.I),
}
"""Pointing words for one kind, used when the request names another kind itself."""
TOP = re.compile(r"\btop\s*(\d{1,3})\b", re.I)
PRIORITY = re.compile(r"\bp([123])s?\b", re.I)


@dataclass(frozen=True)
class Scope:
    """What a request is about: one entity of each kind it names (or the thread points at)."""

    sku: str | None = None
    location: str | None = None
    supplier: str | None = None
    category: str | None = None
    region: str | None = None
    """The DC whose stores are meant ("the north", "south region")."""
    type: str | None = None
    priority: str | None = None
    top: str | None = None
    locations: tuple[str, ...] = ()
    from_thread: frozenset[str] = field(default_factory=frozenset)
    """The kinds taken from the thread, not said."""


def scope_of(
    text: str,
    found: Mapping[str, Sequence[str]],
    categories: Sequence[str],
    region: str | None,
    focus: Any = None,
    last_args: Mapping[str, Any] | None = None,
    *,
    follows: bool = False,
) -> Scope:
    """Return a request's scope; where it points back, the thread fills the kinds it lacks.

    `focus`: the thread's focus (`agents.focus.Focus`); `last_args`: the arguments of the
    thread's last look-up (its category, location and type filters); `follows`: a request
    that names nothing takes the thread's kinds even without a pointing word ("who else has
    some?").
    """
    skus = list(found.get("sku") or [])
    places = list(found.get("location") or [])
    suppliers = list(found.get("supplier") or [])
    cat = category(text, categories)
    if region and places == [region]:
        places = []  # "the stores DC south feeds": the region, not the DC itself
    values: dict[str, str | None] = {
        "sku": skus[0] if skus else None,
        "location": places[0] if places else None,
        "supplier": suppliers[0] if suppliers else None,
        "category": cat if cat in categories else None,
        "region": region,
        "type": _exception_type(text),
    }
    taken: set[str] = set()
    named = any(values[k] for k in ("sku", "location", "supplier"))
    if focus is not None and (POINTER.search(text) or (follows and not named)):
        last = dict(last_args or {})
        thread = {
            "sku": getattr(focus, "sku", None) or last.get("sku"),
            "location": getattr(focus, "location", None) or last.get("location"),
            "supplier": getattr(focus, "supplier", None) or last.get("supplier_id"),
            "category": last.get("category"),
            "region": last.get("served_by"),
        }
        for kind, value in thread.items():
            if values[kind] is not None or not isinstance(value, str) or not value:
                continue
            if named and not (POINTED.get(kind) and POINTED[kind].search(text)):
                continue  # "the stock at the north DC for that item": only the item
            values[kind] = value
            taken.add(kind)
    top = TOP.search(text)
    priority = PRIORITY.search(text)
    return Scope(
        **values,
        priority=priority.group(1) if priority else None,
        top=top.group(1) if top else None,
        locations=tuple(places),
        from_thread=frozenset(taken),
    )


# -- routes --------------------------------------------------------------------------------------


DC_HEAD = re.compile(r"^dc\W*", re.I)


def _filters(scope: Scope, *, place: bool = True) -> str:
    """Return the exception filters of a scope, said as the table reads them."""
    words = ""
    if scope.type:
        words += f" for {scope.type}"
    if place and scope.location:
        words += f" at {scope.location}"
    if scope.sku:
        words += f" for {scope.sku}"
    if scope.category:
        words += f" in {scope.category}"
    if scope.region and not scope.location:
        words += f" in the {DC_HEAD.sub('', scope.region).title()} region"
    return words


def canonical(kind: str, scope: Scope, text: str) -> str | None:
    """Return the canonical request the table reads for a question type and scope, or None.

    None when the scope lacks what the type's look-up needs (a forecast needs an item and a
    place) or names what it cannot take (a supplier for a stock figure): the next type is
    tried. "" when the type is said and the table's own reading answers it (a supplier's
    record asked of every supplier): no route at all.
    """
    sku, loc, sup = scope.sku, scope.location, scope.supplier
    if kind == "terms":
        return f"tell me about {sku}" if sku and not sup else None
    if kind == "sourcing":
        return f"who supplies {sku}?" if sku and not sup else None
    if kind == "card":
        if sup:
            return f"supplier status {sup}"
        if sku:
            return f"tell me about {sku}" if re.search(r"lead\s*-?time", text, re.I) else None
        return ""  # "supplier performance overview": every supplier's card, as read
    if kind == "wants":
        return f"supplier overview for {sup}" if sup and not sku else None
    if kind == "late":
        if sup:
            return f"supplier status {sup}"
        if not DOCUMENT.search(text) or sku:
            return None
        where = f" at {loc}" if loc else ""
        return f"how many late POs{where}" if TOTAL.search(text) else f"late POs{where}"
    if kind == "inbound":
        if sup:
            return f"open supply from {sup}" + (f" for {sku}" if sku else "")
        if sku or loc:
            return "open supply for " + " at ".join(p for p in (sku, loc) if p)
        return None
    if kind == "routine":
        if sup or loc:
            return f"routine orders {'from' if sup else 'for'} {sup or loc}"
        return None
    if kind == "network":
        if EXCEPTION_WORDS.search(text) or MONEY.search(text):
            return None  # "exceptions for X by store": the exceptions' own look-up
        return f"network position of {sku}" if sku and not sup else None
    if kind == "forecast":
        if not (sku and loc) or sup or WHEN.search(text) or ENDS.search(text):
            return None
        ahead = HORIZON.search(text) or DURATION.search(text)
        days = f" for the next {_horizon(text)} days" if ahead else ""
        return f"forecast {sku} at {loc}{days}"
    if kind == "ranking":
        group = _group(text)
        if group is None or sku or SORTED.search(text):
            return None
        if sup or SUPPLIER_VERDICT.search(text):
            return ""  # "which supplier is the most late?": the suppliers compared
        if len(scope.locations) == 2 and WEIGHED.search(text):
            group = "location"
        return f"total money at risk by {group}" + _filters(scope, place=group != "location")
    if kind == "total":
        if sup:
            return None
        by = BY.search(text)
        group = _group(by.group(0)) if by else None
        return "total money at risk" + (f" by {group}" if group else "") + _filters(scope)
    if kind == "exceptions":
        if sup or (WHEN.search(text) and DEPLETED.search(text)):
            return None  # "when will it run out?": the item's projected stockout, not a list
        head = f"top {scope.top} exceptions" if scope.top else "exceptions"
        if scope.priority:
            head = f"P{scope.priority} {head}"
        return head + _filters(scope)
    if kind == "stock":
        if sup or len(scope.locations) > 1:
            return None  # "X at S002 from DC-NORTH": a move between places, not a figure
        if sku and loc:
            return f"stock of {sku} at {loc}"
        if loc:
            return f"stock report for {loc}"
        return f"how much {sku} do we have" if sku else None
    return None


def route(
    text: str,
    found: Mapping[str, Sequence[str]],
    categories: Sequence[str],
    region: str | None,
    focus: Any = None,
    last_args: Mapping[str, Any] | None = None,
) -> str | None:
    """Return the canonical request a request's question type and scope route to, or None."""
    kinds = question_types(text)
    if not kinds:
        return None
    scope = scope_of(text, found, categories, region, focus, last_args)
    said = next((c for k in kinds if (c := canonical(k, scope, text)) is not None), None)
    if said is None and focus is not None:
        # "who else has some?": a follow-up that names nothing is about the thread's things
        scope = scope_of(text, found, categories, region, focus, last_args, follows=True)
        said = next((c for k in kinds if (c := canonical(k, scope, text)) is not None), None)
    return said or None
