"""A first draft said tersely or in everyday words, read as the canonical write it stands for.

Planners ask for a write without the verbs the table knows: verbless ("20 units SKU-0103,
DC-NORTH -> S009, thanks", "S002 top-up: 15 of SKU-0012 from DC-NORTH"), with an everyday verb
("organise / arrange / set up / sort / line up 60 of X for S005 from the north DC"), after a
reason ("they're low - ..."), or naming a supplier it comes through ("600 of X via Acme into
the south DC"). `as_write` reads such a request (already canonical: ids in place of names) into
"transfer N of SKU from SRC to DST" or "order N of SKU for LOC from SUP", which the table then
reads like any other. A supplier named with via / through / from / with makes it a purchase
order; two places with a direction make it a transfer. A question, a text with a word outside
the few a terse request is made of (no verb the module knows), or a quantity that is no count
of units (cases, %, days) reads as nothing: the write gate still checks every draft.
"""

from __future__ import annotations

import re
from typing import Any

from agents.offline.parsing import entities

ARRANGE = (
    r"(?:organi[sz]e|arrange|set\s+up|sort(?:\s+out)?|line\s+up|get|fix\s+up|rustle\s+up|book|"
    r"lay\s+on|put\s+together|need|want|do|please|pls|plz|can\s+(?:you|u|we)|could\s+(?:you|u)|"
    r"i'?d\s+like|we'?d\s+like|let'?s)"
)
"""Everyday words that ask for a write without naming it ("organise 60 of X for S005")."""
FILLER = frozenset(
    """
    a an the of for to into in from out via through thru with by ex off at and then units unit
    pcs pieces x ea each top up topup top-up restock refill hop move run quick please pls plz
    thanks thank you thx cheers ta asap today now urgently urgent needed need needs want some
    more another extra across over be on it them theyre they're nearly almost low short out
    running stock is are its it's were we re can could u organise organize arrange set sort
    line get fix rustle book lay put together do id i'd like we'd lets let's let us ok okay so
    just also send ship over down
    """.split()  # noqa: SIM905
)  # fmt: skip
"""The words a terse request is made of besides its ids and quantity."""
QUESTION = re.compile(
    r"\?\s*$|^\W*(?:who|what|when|where|which|why|how|is|are|does|do\s+we|did|has|have|was|"
    r"were|should|would|will|shall|may|might)\b",
    re.I,
)
QTY = re.compile(
    r"(?<![\w.\-])(?P<n>\d[\d,]*)(?:\s*(?:-\s*)?(?:units?|pcs|pieces|x|ea)\b)?(?![\w.,\-]*\d)"
    r"(?!\s*(?:%|percent|days?|weeks?|months?|cases?|packs?|cartons?|boxes|pallets?)\b)",
    re.I,
)
VIA = re.compile(r"\b(?:via|through|thru|with|from|ex)\s+(?P<sup>SUP-\w+)\b")
SOURCE = re.compile(
    r"\b(?:from|out\s+of|ex|off)\s+(?:the\s+)?(?P<loc>[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)*)\b"
)
ARROW = re.compile(
    r"(?P<a>[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)*)\s*(?:->|\u2192|=>|>|\bto\b|\binto\b|\bacross\s+to\b)\s*"
    r"(?:the\s+)?(?P<b>[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)*)\b"
)


def _terse(text: str, ids: set[str]) -> bool:
    """Return whether every word of the text, besides its ids and numbers, is a terse one."""
    for word in re.findall(r"[A-Za-z][A-Za-z'\-]*", text):
        if word in ids or word.upper() in ids:
            continue
        if word.lower().strip("'-") not in FILLER:
            return False
    return True


def as_write(canon: str, resolver: Any) -> str | None:
    """Return the canonical write a terse request stands for, or None (see the module)."""
    if resolver is None or QUESTION.search(canon):
        return None
    found = entities(canon, resolver)
    skus, places, sups = found["sku"], found["location"], found["supplier"]
    if len(skus) != 1 or len(sups) > 1 or not places or len(places) > 2:
        return None
    ids = set(skus) | set(places) | set(sups)
    bare = canon
    for ident in sorted(ids, key=len, reverse=True):
        bare = re.sub(re.escape(ident), " ", bare, flags=re.I)
    numbers = list(QTY.finditer(bare))
    if len(numbers) != 1:
        return None
    qty = int(numbers[0].group("n").replace(",", ""))
    if qty <= 0 or not _terse(bare, ids):
        return None
    sku = skus[0]
    if sups:
        via = VIA.search(canon)
        if via is None or len(places) != 1:
            return None
        return f"order {qty} of {sku} for {places[0]} from {via.group('sup')}"
    if len(places) != 2:
        return None
    src = next((m.group("loc") for m in SOURCE.finditer(canon) if m.group("loc") in places), None)
    if src is None:
        m = ARROW.search(canon)
        if m is None or {m.group("a"), m.group("b")} != set(places):
            return None
        src = m.group("a")
    dst = next(p for p in places if p != src)
    return f"transfer {qty} of {sku} from {src} to {dst}"
