"""A quantity the planner gave that is no whole number of units: refused in words, never replaced.

A draft or an amend carries a positive whole number of units. When the request gives its
quantity in a form that is not one — below zero ("transfer -20 …", "minus 20", "negative 20"),
as a power of ten ("1e30"), with a fraction ("20.5"), or as zero ("transfer 0 …", "transfer
zero …") — nothing is drafted or changed: the answer names what was said and why it is no
quantity, and asks for a positive whole number. The request
is never carried out with another quantity instead: not with the engine's (a "-20" the reader
cannot take as a number would otherwise leave a bare "cover S003" reading, sized by the engine),
not with the number's digits ("minus 20" as 20), not cut to a whole one ("20.5" as 20).

The model checks it on every step that drafts or amends (`agents.offline.model`), whichever
reading produced the step. "Minus 3" of the pending draft ("make it 10 minus 3", an amend) is a
change by 3 units, not a quantity below zero, so words of sign are read for drafts only; a
share ("cut it 10.5%"), a case count ("add 1.5 cases": the item master's pack sizes it) and a
price ("at 74.57 each") are no quantities of units either.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from agents.offline.messages import Call, instruction

NUMBER = re.compile(r"(?<![\w.\-])\d[\d,]*(?:\.\d+)?(?![\w\-])")
"""A number written in digits on its own ("20", "1,200", "20.5", "20%"): not part of an id
("SKU-0012", "S003"), a date ("2026-07-10"), a word ("12th", "2x") or a range ("20-30")."""


def numbers(text: str) -> list[str]:
    """Return the numbers a text writes in digits, as written (`NUMBER`)."""
    return [n.rstrip(",") for n in NUMBER.findall(text)]


def says_number(text: str) -> bool:
    """Whether a text writes a number in digits (`NUMBER`), e.g. a quantity of its own."""
    return NUMBER.search(text) is not None


DRAFTS = frozenset({"draft_transfer", "draft_purchase_order", "draft_recommended_action"})
AMEND = "amend_proposal"

_NOT_UNITS = (
    r"(?![\w.-]|\s*(?:%|x\b|times\b|per\s*cent|percent|pct\b|cases?\b|cs\b|ctns?\b|cartons?\b|"
    r"packs?\b|box(?:es)?\b|days?\b|weeks?\b|months?\b|hours?\b|hrs?\b|/\s*day\b|each\b|"
    r"a\s+(?:day|unit|piece)\b|per\s+(?:day|unit|piece)\b))"
)
"""What follows a number that counts no units (a share, a factor, cases, time, a unit price)."""
_PRICE_BEFORE = re.compile(
    r"(?:[$\u20ac\u00a3@]|\b(?:at|cost(?:s|ing)?|price[ds]?|value[ds]?|worth|usd|eur|gbp))\s*$",
    re.I,
)
"""Money said before a number ("at 74.57", "$20.50"): a price, not a quantity."""

NEGATIVE = re.compile(r"(?:^|(?<=[\s(:=]))[-\u2212]\d[\d,]*(?:\.\d+)?" + _NOT_UNITS)
"""A number written below zero ("-20"), not a range ("20-30") nor a date."""
SIGN_WORD = re.compile(r"\b(?:minus|negative)\s+\d[\d,]*(?:\.\d+)?" + _NOT_UNITS, re.I)
"""A number said below zero in words ("minus 20"); read for drafts only."""
POWER = re.compile(r"(?<![\w.,-])\d+(?:\.\d+)?e[+-]?\d+(?![\w.-])", re.I)
"""A number written as a power of ten ("1e30")."""
ZERO = re.compile(r"(?<![\w.,-])0+(?:\.0+)?(?![\w.,-])")
"""A quantity of nothing said as a number ("0", "0.0")."""
ZERO_WORD = re.compile(
    r"\b(?:transfer|xfer|move|send|ship|order|buy|purchase)\s+(?P<said>zero|nil|nought)\b", re.I
)
"""A quantity of nothing said in words right after the action ("transfer zero …"); drafts only."""
FRACTION = re.compile(r"(?<![\w.,-])\d[\d,]*\.\d+" + _NOT_UNITS)
"""A number with a fraction ("20.5")."""


def _fraction(text: str) -> str | None:
    for m in FRACTION.finditer(text):
        part = m.group(0).partition(".")[2]
        if part.strip("0") and not _PRICE_BEFORE.search(text[: m.start()]):
            return m.group(0)
    return None


def unreadable(text: str, calls: Sequence[Call]) -> tuple[str, str] | None:
    """Return the quantity said that is no whole number of units, and why, for a writing step.

    Only a step that drafts or amends is checked; words of sign ("minus 20") and a draft of
    zero units only for a draft.
    Returns (what was said, why it is no quantity), or None.
    """
    names = {c.name for c in calls}
    if not names & (DRAFTS | {AMEND}):
        return None
    if (m := POWER.search(text)) is not None:
        return m.group(0), "a power of ten, not a count of units"
    if (m := NEGATIVE.search(text)) is not None:
        return m.group(0), "below zero"
    if names & DRAFTS and (m := SIGN_WORD.search(text)) is not None:
        return m.group(0), "below zero"
    if (said := _fraction(text)) is not None:
        whole = int(said.replace(",", "").partition(".")[0])
        return said, f"not a whole number of units ({whole:,} or {whole + 1:,}?)"
    if names & DRAFTS and (m := ZERO_WORD.search(text)) is not None:
        return m.group("said"), "zero units"
    if any(c.name in DRAFTS and c.args.get("qty") == 0 for c in calls):
        m = ZERO.search(text)
        return (m.group(0) if m else "0"), "zero units"
    return None


def _example(calls: Sequence[Call]) -> str:
    """Return the first draft of the step as an instruction with its quantity left open."""
    for call in calls:
        if call.name in ("draft_transfer", "draft_purchase_order"):
            return f", e.g. **{instruction(call, '<qty>')}**"
        if call.name == AMEND:
            return ", e.g. **make it <qty>**"
    return ""


def unreadable_answer(said: str, why: str, calls: Sequence[Call]) -> str:
    """Refuse a quantity that is no whole number of units, naming it; nothing is written."""
    return (
        f"**Not drafted or changed**: **{said}** is {why}, and a draft's quantity is a whole "
        "number of units from 1 up, so I have not drafted, amended or withdrawn anything — and "
        "have not put another quantity (the engine's, or a rounded one) in its place. Say the "
        f"quantity you mean as a positive whole number{_example(calls)}."
    )
