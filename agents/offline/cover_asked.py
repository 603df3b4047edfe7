"""An everyday ask to send the thread's item to its place, the amount left to the engine.

A store manager rarely says "draft a transfer": "can u get some sent over from the dc pls",
"ok send whatever it needs from the dc", "pls get some from the dc", "ship them a few". Such a
request is a supply verb (send, ship, move, get, bring, pull, fetch, top up, restock, sort
out ...) whose object is an amount left open (some, a few, more, enough, whatever it needs,
what's needed, it, them) and no number, about one item at one place (named, or the thread's).
It is read as the cover of that need (`cover_focus`: the engine's recommended move, its
quantity and source), however the table read its nouns ("from the dc" to a store reads as the
lane between them, "get some" as nothing). The place may be the object itself: "sort <store>
out from the south DC", "top <store> up" (`PLACE_SUPPLIED`).

A question ("do we ever send some from the dc?"), a hedge or a negation is caught afterwards
like for any other write (`intents.parse`); here only the shape of the ask is read.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from agents.offline.quantities import says_number

SUPPLY_VERB = (
    r"(?:send|sent|ship(?:ped)?|mov(?:e|ed)|transfer(?:red)?|bring|brought|pull|get|got|fetch|"
    r"grab|push|top\s+(?:\w+\s+)?up|replenish|restock|refill|sort(?:\s+out)?|arrange|"
    r"organi[sz]e|rush|order|buy|deliver)"
)
OPEN_AMOUNT = (
    r"(?:some(?:\s+more)?|a\s+(?:few|bit|little|couple)|more|enough|extra|stock|something|"
    r"anything|stuff|product|units|"
    r"what(?:ever)?\s+(?:(?:it|they|we|she|he|the\s+\w+|\w+)\s+)?(?:needs?|is\s+needed|"
    r"'?s\s+needed|is\s+short|'?s\s+short|is\s+missing|'?s\s+missing|lacks?|requires?)|"
    r"what(?:ever)?\s+(?:is|'?s)\s+(?:needed|required|missing|short)|the\s+(?:rest|gap|shortfall|"
    r"difference|missing\s+\w+)|them\s+(?:some|a\s+few|more)|(?:it|them|those|these)\s+(?:over|"
    r"across|in|down|up|along|out))"
)
AFTER = (
    r"(?=\s*$|\W|\s+(?:over|across|sent|shipped|moved|moving|going|rolling|heading|headed|brought|"
    r"in|down|up|along|from|out|to|into|"
    r"for|of\s+(?:it|that|them|those)|pls|plz|please|asap|now|today|tomorrow|here|there|"
    r"quick(?:ly)?|urgently|then|thx|thanks|ty)\b)"
)
COVER_ASKED = re.compile(
    r"\b"
    + SUPPLY_VERB
    + r"\s+(?:(?:us|them|her|him|it|me|over|across|in)\s+)?"
    + OPEN_AMOUNT
    + AFTER,
    re.I,
)
"""A supply verb with an amount left open: "get some sent over", "send whatever it needs"."""

PLACE_SUPPLIED = re.compile(
    r"\b(?:sort|top|fix|restock|refill|replenish|cover|look\s+after|help)\s+(?:out\s+|up\s+)?"
    r"(?P<place>(?-i:[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)*))(?:\s+(?:out|up)\b|(?=\s+(?:from|with|for)\b))",
    re.I,
)
"""A place supplied in everyday words: "sort <store> out from the DC", "top <store> up"."""

NOT_SUPPLY = re.compile(
    r"\b(?:info|information|details?|numbers?|figures?|data|report|list|forecast|update|"
    r"history|status|news|answer|idea|sense|feel|look|view|picture)\b",
    re.I,
)
"""An open amount of something that is no stock ("get some numbers", "get some details")."""


SENT_TO = re.compile(
    r"\b(?:need|needs|want|wants|get)\s+(?:(?!to\b)\S+\s+){0,3}?(?:going|sent|moving|shipped|"
    r"heading|delivered|brought)\s+(?:over\s+|across\s+|down\s+)?(?:to|into)\b",
    re.I,
)
"""Stock wanted on its way to a place: "need <item> going to <store> asap from the DC"."""


def asks_cover(text: str, found: Mapping[str, Sequence[str]]) -> bool:
    """Whether a request asks, in everyday words, to supply one item at one place, amount open.

    `found`: the entities the request names; at most one item and one place of its own (the
    rest is the thread's), no supplier, and no number (a number is a quantity said, read by
    the table's own drafts; numbers are read as everywhere else, `quantities.says_number`).
    """
    if len(found.get("sku") or []) > 1 or found.get("supplier"):
        return False
    if says_number(text):
        return False
    placed = PLACE_SUPPLIED.search(text)
    if placed is not None and placed.group("place") in (found.get("location") or []):
        return True
    if SENT_TO.search(text) and found.get("location"):
        return True
    m = COVER_ASKED.search(text)
    if m is None:
        return False
    return not NOT_SUPPLY.search(text[m.start() : m.end() + 20])
