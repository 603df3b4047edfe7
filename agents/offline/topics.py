"""The figure a look-up asks for, read from its topic words and the entities it names.

The table's patterns recognise many phrasings of each look-up, but a request whose words
fit none of them lands on a catch-all (stock, exceptions, totals) or on no intent at all,
and then answers with another figure than the one asked for. This reader decides by two
things a planner always says: which entities the request names (two places and no item;
an item and a place; an item alone) and a topic word (lane, route, ship; forecast, sell;
run out, days of cover; total, network-wide, per location; case pack, MOQ, category), and
returns the look-up that answers it. It only ever names read-only look-ups, and a request
the table read as a write is reread only when it is asked as a question.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from agents.offline import reader, sourcing

REREAD = frozenset(
    {
        "unknown",
        "help",
        "inventory_loose",
        "inventory_sku",
        "inventory_pair",
        "inventory_location",
        "exceptions",
        "typed_exceptions",
        "totals",
        "open_supply",
        "cover_need",
        "draft_transfer",
        "draft_transfer_everyday",
    }
)
"""The readings a topic may overrule: the catch-alls, the broad look-ups, no reading at all,
and (only for a question) the loose drafts and the cover request, which then write nothing."""

WRITES = frozenset({"cover_need", "draft_transfer", "draft_transfer_everyday"})

WORDS = frozenset(
    {"total", "overall", "connected", "route", "routes", "outlook", "category", "minimum"}
)
"""Topic words added to the typo vocabulary ("toatl", "conencted" are read as these)."""

LANE = re.compile(
    r"\b(?:lanes?|routes?|ship\w*|send\w*|transfer\w*|move|moving|connect\w*|link\w*|"
    r"feeds?|supply|supplies|deliver\w*|TO)\b|->|=>|→",
)
NOT_LANE = re.compile(r"\b(?:polic\w*|rules?|exceptions?|risk|urgent|pending|drafts?)\b", re.I)

STOCKOUT = re.compile(
    r"\b(?:days?\s+(?:of\s+)?(?:cover|supply|stock)|run\w*\s+(?:out|dry|short|low)|"
    r"stock\s*-?\s*outs?|stockouts?|out\s+of\s+stock|last(?:s|ing)?\s+(?:the|a|through|"
    r"until|till|another|us)\b|how\s+long|cover\s+(?:on|of|at|check|status|level|left|position)\b)\b|"
    r"\bcover\W*$",
    re.I,
)
WHEN = re.compile(
    r"\b(?:how\s+long|until|till|time\s+to|date|when|will|going\s+to|gonna|soon|days?|last)\b",
    re.I,
)
"""A time asked for: when it runs out, not the list of stockout exceptions."""
ASKS_WHEN = re.compile(WHEN.pattern + r"|\?|\b(?:check|ok|okay|enough)\b", re.I)
PROMO = re.compile(r"\b(?:promo\w*|promotion\w*|events?|campaigns?)\b", re.I)

FORECAST = re.compile(
    r"\b(?:forecast\w*|fcst|outlook|projected\s+demand|expected\s+demand|demand\s+(?:for|of|next|"
    r"over)|project\s+sales|(?:will|going\s+to|gonna)\b.*\bsell)\b",
    re.I,
)
NOT_FORECAST = re.compile(
    r"\b(?:overrides?|raise|lower|bump|cut|increase|decrease|change|set|adjust\w*|what\s+if|"
    r"suppose|imagine)\b",
    re.I,
)

STOCK = re.compile(
    r"\b(?:oh|on[- ]?hand|on[- ]?order|stock\w*|inventory|units?|pull\s+up|bring\s+up|look\s+up|"
    r"show|position)\b",
    re.I,
)
EXCEPTIONS = re.compile(
    r"\b(?:exceptions?|flag\w*|issues?|problems?|alerts?|urgent|wrong|risks?|at\s+risk)\b", re.I
)
ON_HAND = re.compile(r"\b(?:oh|soh|on[- ]?hand|stock\s+on\s+hand)\b", re.I)
FILLER = re.compile(
    r"\b(?:ok(?:ay)?|so|right|hey|hi|hello|morning|cheers|thanks?|thx|ty|pls|please|much|"
    r"appreciated|ta|quick(?:ly)?|q|one|1|at|in|for|the|and|now|then|just)\b|[@/:,.!?\-]",
    re.I,
)

TOTAL = re.compile(
    r"\b(?:total|overall|all[- ]in|combined|altogether|aggregate|network|"
    r"(?:company|chain|network|business|group)[- ]?wide|(?:largest|biggest|top|main)\s+holders?|"
    r"holds?\s+the\s+most|(?:every|all)\s+(?:the\s+)?(?:locations?|sites?|stores?)\s+together)\b",
    re.I,
)
"""The network's total (or its largest holder) asked for."""
SPREAD = re.compile(
    r"\b(?:(?:every|all|each)\s+(?:the\s+)?(?:locations?|sites?|stores?|places?)|"
    r"(?:per|by|each|every|which|what)\s+(?:locations?|sites?|stores?\s+or\s+dcs?|stores?|places?)|"
    r"across|everywhere|carry|carries|holding|stocks)\b",
    re.I,
)
"""Where an item is, place by place: the network view when nothing else read it."""
NOT_NETWORK = re.compile(
    r"\b(?:risk|money|value|exposure|exceptions?|flag\w*|promo\w*|inbound|arriving|incoming|"
    r"pending|drafts?|suppliers?|vendors?|cost|price)\b|\$",
    re.I,
)
INBOUND_ONLY = re.compile(r"\btotal\s+(?:inbound|on\s+order|in\s+transit|open)\b", re.I)

ITEM = re.compile(
    r"\b(?:per\s+(?:case|pack|carton|box)|case\s*(?:pack|size)|pack\s*size|moq|"
    r"minimum\s+(?:order\w*|buy|purchase|qty|quantity)|order\w*\b.*\bminimum|"
    r"categor\w*|what\s+do\s+(?:we|i|you)\s+know|"
    r"know\s+about|master\s+data|item\s+(?:data|details|info)|unit\s+cost|cost\s+price|"
    r"buy\s+price)\b",
    re.I,
)


SHOW = re.compile(
    r"^\W*(?:\w+\W+){0,3}?(?:give\s+me|show(?:\s+me)?|pull\s+up|bring\s+up|tell\s+me|"
    r"look\s+up|list)\b|\bcheck\b",
    re.I,
)
"""A request to be shown something ("give me the OH for ...", "cover check: ..."), not to act."""


def asks(text: str) -> bool:
    """Return whether a request is a question, a lead-in ("hey, quick one:") set aside."""
    tail = text.rsplit(":", 1)[-1]
    return reader.asks(text) or reader.asks(tail)


def _order(text: str, ids: Sequence[str]) -> list[str]:
    """Return the ids in the order the text names them."""
    return sorted(ids, key=lambda i: text.find(i) if i in text else len(text))


def topic(
    text: str,
    found: Mapping[str, Sequence[str]],
    current: str,
    categories: Sequence[str] = (),
) -> tuple[str, dict[str, str]] | None:
    """Return the read-only look-up (intent name, fields) a request's topic asks for, or None.

    `current`: the intent the table read; only those in `REREAD` are reread, and a write
    among them only when the request asks. `categories`: the network's category names ("is
    <item> in grocery?" asks for the item's category).
    """
    if current not in REREAD or (current in WRITES and not (asks(text) or SHOW.search(text))):
        return None
    skus = list(found.get("sku") or [])
    places = _order(text, list(found.get("location") or []))
    if found.get("supplier"):
        return None
    if not skus and len(places) == 2:
        if LANE.search(text) and not NOT_LANE.search(text):
            src, dst = sourcing.ends(text, places)  # "to S003 from DC-NORTH": by their words
            return "lanes", {"src": src, "dst": dst}
        return None
    if len(skus) != 1 or len(places) > 1:
        return None
    if current == "help":  # "what do you know about <item>?": the item, not the copilot
        return ("item", {}) if not places and ITEM.search(text) else None
    if places:
        return _at_place(text, current)
    return _network_or_item(text, current, categories)


def _at_place(text: str, current: str) -> tuple[str, dict[str, str]] | None:
    """One item at one place: when it runs out, its forecast, or its stock."""
    if PROMO.search(text):
        return None
    asked = WHEN if current == "typed_exceptions" else ASKS_WHEN
    if STOCKOUT.search(text) and asked.search(text) and current != "inventory_pair":
        return "projected_stockout", {}
    if FORECAST.search(text) and not NOT_FORECAST.search(text):
        return "forecast", {}
    if EXCEPTIONS.search(text):
        return None  # "show me the exceptions for <item> at <store>": the list asked for
    if current in ("unknown", "exceptions", "cover_need") and (
        STOCK.search(text) or not FILLER.sub(" ", _bare(text)).strip()
    ):
        return "inventory_pair", {}
    if current == "open_supply" and ON_HAND.search(text):
        return "inventory_pair", {}  # "on hand and on order": the position, not the inbound only
    return None


def _bare(text: str) -> str:
    """Return the text without its ids (what else it says)."""
    return re.sub(r"\b[A-Z]{1,4}-?[A-Z0-9]+(?:-[A-Z0-9]+)*\b", " ", text)


def _network_or_item(
    text: str, current: str, categories: Sequence[str]
) -> tuple[str, dict[str, str]] | None:
    """One item, no place: its item master, or its network position."""
    said_category = any(
        re.search(rf"\b(?:in|under)\s+{re.escape(c)}\b", text, re.I) for c in categories
    )
    if current != "item" and (ITEM.search(text) or said_category):
        return "item", {}
    if current in ("inventory_pair", "cover_need") or INBOUND_ONLY.search(text):
        return None
    if NOT_NETWORK.search(text):
        return None
    if TOTAL.search(text) or (current != "inventory_sku" and SPREAD.search(text)):
        return "network", {}
    return None
