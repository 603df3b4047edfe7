"""Buying from a supplier: a request about what to order from one named supplier now.

"Do we need to place anything with <supplier>?", "does the plan want us buying from them this
week?", "<supplier>: what's due to go on order?" all ask the plan's order list for that supplier
(`get_supplier_overview`: its order-now lines, or why there are none), whatever their words
around it. They share the supplier's name with questions about its record (lead time, open and
late orders, punctuality) and so are easily read as one; what tells them apart is a verb of
buying said about now, with nothing about what was already ordered or how the supplier delivers.

Only a look-up of the supplier is re-read this way; the reading calls a read-only tool.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from agents.offline.parsing import QUANTITY

BUYING = re.compile(
    r"\b(?:buy|buying|purchas(?:e|ing)(?!\s+orders?\b)|re-?order(?:ing)?|order(?:ing)?\s+(?:list|now|today|this\s+"
    r"week|anything|something|more|from|with|in)|(?:place|placing|raise|raising|put|putting|"
    r"send|sending|give|giving|owe)\s+(?:\w+\s+){0,3}?(?:with|to|orders?|pos?|purchase\s+orders?)"
    r"|restock(?:ing)?|replenish(?:ing|ment)?|order[- ]now|to\s+order|on\s+the\s+order\s+list"
    r"|(?:wants?|needs?)\s+(?:us\s+)?(?:to\s+)?(?:\w+\s+)?(?:bought|ordered))\b",
    re.IGNORECASE,
)
"""A verb of buying ("buying from them", "place anything with", "what's to order")."""

ALREADY = re.compile(
    r"\b(?:did|have\s+we|(?:do|does)\s+(?:we|i)\s+have(?!\s+to\b)|has|had|was|were|ordered|bought|on\s+order|open|coming|inbound|arriv\w*|"
    r"late|overdue|delay\w*|deliver\w*|if|suppose|lead[- ]?times?|reliab\w*|on[- ]time|punctual\w*|"
    r"track\s+record|history|last\s+(?:week|month|year)|terms|moq|minimum|price|cost\s+per|"
    r"what[- ]if|scenario|draft|approve\w*)\b",
    re.IGNORECASE,
)
"""Words about what was already ordered, how the supplier performs, a hypothesis or a draft."""

NO_DRAFT = re.compile(
    r"\bdraft\s+nothing(?:\s+yet)?\b|\b(?:don'?t|do\s+not|no\s+need\s+to)\s+draft\b|"
    r"\bno\s+drafts?\b|\bwithout\s+drafting\b"
    r"|\b(?:wants?|needs?)\s+(?:us\s+)?(?:to\s+)?(?:\w+\s+)?(?:bought|ordered)\b",
    re.IGNORECASE,
)
"""A draft declined ("draft nothing yet, just tell me") or a buy wanted ("what the plan wants
bought"): neither speaks of a draft or an order already placed."""


def asks_what_to_buy(text: str, found: Mapping[str, Sequence[str]]) -> bool:
    """Return True when a request about exactly one supplier asks what to buy from it now.

    Only the supplier is named: an item, a place or a quantity makes it an order of its own.
    """
    suppliers = found.get("supplier") or []
    if len(suppliers) != 1 or found.get("sku") or found.get("location") or QUANTITY.search(text):
        return False
    return bool(BUYING.search(text)) and not ALREADY.search(NO_DRAFT.sub(" ", text))
