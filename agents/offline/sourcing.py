"""Where a store's stock comes from: a request about one store's source is its lanes in.

"Which warehouse does <store> draw from?", "<store> is fed by which DC?", "what's <store>'s home
DC?" ask the lanes into the store (`get_lanes` to it: its `source_dc` and the lanes with their
lead times), whatever look-up of the store their words matched (its stock, its exceptions).
What tells them apart is a word of sourcing about the one store named, with no item, supplier
or quantity, and nothing about money, risk or ranking.

Only a look-up is re-read this way; the reading calls a read-only tool.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from agents.offline.parsing import QUANTITY

SOURCING = re.compile(
    # "does <store> get its stock from", "where do <store>'s deliveries come from"
    r"\b(?:gets?|getting|receives?|receiving|draws?|drawing|obtains?|sources?|sourced|comes?|"
    r"coming|pulls?|takes?)\b(?:\s+[\w']+){0,4}?\s+from\b"
    # "fed by which DC", "supplied by", "is <store> served by"
    r"|\b(?:fed|supplied|served|replenished|restocked|stocked|shipped|delivered)\s+"
    r"(?:\w+\s+){0,2}?by\b"
    # "which DC ...", "what warehouse ...", "its home DC", "the feeder warehouse"
    r"|\b(?:which|what)\s+(?:dc|warehouse|depot|distribution\s+cent(?:er|re))s?\b"
    r"|\b(?:source|home|feeder|feeding|parent|supplying|own|its)\s+(?:dc|warehouse|depot|"
    r"distribution\s+cent(?:er|re))\b"
    # "from which places can <store> receive?", "from where does <store> get stock": the
    # sources asked first, in a non-native speaker's or a formal word order
    r"|\bfrom\s+(?:which|what|where)\b(?:\s+[\w']+){0,4}?\s+(?:gets?|receives?|draws?|obtains?|"
    r"comes?|sourced?|restock\w*|replenish\w*|supplied|fed|served|stocked|"
    r"(?:places?|locations?|sites?|stores?|dcs?|warehouses?|depots?)\b)",
    re.IGNORECASE,
)
"""A word of sourcing: where stock comes from."""

NOT_SOURCING = re.compile(
    r"\b(?:at\s+risk|money|exceptions?|short\w*|most|least|more|less|compare\w*|vs\.?|versus|"
    r"rank\w*|total|forecast\w*|what[- ]if|draft\w*|order\s+list|late|overdue|cover)\b"
    # "what must <store> receive from replenishment?": the plan's orders, not a source place
    r"|\bfrom\s+(?:the\s+)?(?:replenishment|plan|engine|mrp|order\s+list|buying)\b",
    re.IGNORECASE,
)
"""Money, risk, ranking, forecasts or drafting: a question about the store's numbers."""


def asks_where_from(text: str, found: Mapping[str, Sequence[str]], resolver: Any) -> bool:
    """Return True when a request about exactly one store asks where its stock comes from.

    The place must be a store by the location master (`resolver`), whatever its id looks like.
    """
    places = found.get("location") or []
    if len(places) != 1 or not _is_store(str(places[0]), resolver):
        return False
    if found.get("sku") or found.get("supplier") or QUANTITY.search(text):
        return False
    return bool(SOURCING.search(text)) and not NOT_SOURCING.search(text)


def _is_store(location: str, resolver: Any) -> bool:
    entity = resolver.get("location", location) if resolver is not None else None
    return entity is not None and entity.group == "store"


SOURCE_BEFORE = re.compile(r"\b(?:from|out\s+of|off|ex)\s+(?:the\s+)?$", re.IGNORECASE)
TARGET_BEFORE = re.compile(r"\b(?:to|into|for|over\s+to|towards?)\s+(?:the\s+)?$", re.IGNORECASE)


def ends(text: str, places: Sequence[str]) -> tuple[str, str]:
    """Return a movement's (source, destination) among the first two places a request names.

    The word before each place gives its role ("to S003 from DC-NORTH": DC-NORTH is the
    source); with no such word, the places are in the order said ("DC-NORTH S003").
    """
    first, second = str(places[0]), str(places[1])

    def role(place: str) -> str | None:
        m = re.search(r"(?<![\w-])" + re.escape(place) + r"(?![\w-])", text, re.IGNORECASE)
        if m is None:
            return None
        before = text[: m.start()]
        if SOURCE_BEFORE.search(before):
            return "source"
        if TARGET_BEFORE.search(before):
            return "destination"
        return None

    if role(first) == "destination" or role(second) == "source":
        return second, first
    return first, second
