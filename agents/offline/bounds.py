"""A quantity said as a bound ("more than 10", "at least 10", "up to 50"): the engine's, within it.

"S003 needs more than 10 of X from DC-NORTH" does not ask for 10: the planner gives a floor and
the planning engine's quantity decides within it. A write whose quantity is said as a bound
first looks up the engine's order line for the item at the place it is for
(`get_routine_orders`), then drafts

- for a lower bound ("more than N", "over N": strictly more; "at least N", "no less than N",
  "N or more": N or more): the engine's quantity when it meets the bound, else the least that
  does (N + 1, or N);
- for an upper bound ("no more than N", "up to N", "at most N", "a maximum of N", "N or less":
  N or less; "less than N", "fewer than N", "under N": strictly less): the engine's quantity
  capped at the bound; nothing when the engine's quantity is 0 (nothing to cap);

and the answer says which rule gave the quantity. A quantity said plainly ("transfer 10 ...") is
the planner's and is drafted as said.

"Top S003 up to 40" (`TARGET`) is a level to fill to, not a cap: a target position of 40 ("bring
DC-SOUTH to 500", a place's id and then "to N", is one too). The
item's position at the place is looked up (`get_inventory`: on hand, in transit and on order)
and the draft is 40 less it when that is positive; nothing is drafted when the position is
already 40 or more. A need said with a floor and no source ("S002 needs at least 10 of X") is
drafted from the place's own lane, the quantity decided within the floor as above.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from agents.offline.messages import Call, Handler, Request, Result, Step

N = r"(?P<n>\d[\d,]*)"
PLACE = r"(?-i:(?!(?:SKU|SUP|PO|PR)-)[A-Z][A-Z0-9]*-[A-Z0-9]+(?:-[A-Z0-9]+)*|S\d{2,})(?![\w-])"
"""A location's id as the request's text has it once names are read ("DC-SOUTH", "S003")."""
TARGET = "up to (a level)"
"""The words of a level to fill to ("top S003 up to 40"): a target position, not a ceiling."""
BOUNDS: tuple[tuple[str, bool, bool, re.Pattern[str]], ...] = tuple(
    (kind, lower, strict, re.compile(pattern, re.I))
    for kind, lower, strict, pattern in (
        # "top S003 up to 40", "bring S002 up to 40": a level to fill to, not a cap (`TARGET`)
        (TARGET, True, False, r"\b(?:top|fill|bring|take|build)\s+(?:[\w-]+\s+){0,3}?up\s+to\s+"
         r"(?:a\s+(?:level|position|total)\s+of\s+)?" + N),
        # "bring DC-SOUTH to 500 units", "get S003 back to 40": a place's level, "up" unsaid (the
        # place right before "to": "bring the S003 transfer down to 30" amends a draft)
        (TARGET, True, False, r"\b(?:top|fill|bring|take|build|get|restock|replenish)\s+(?:up\s+)?"
         r"(?:the\s+)?" + PLACE + r"(?:'s)?\s+(?:back\s+)?(?:up\s+)?to\s+"
         r"(?:a\s+(?:level|position|total|target)\s+of\s+)?" + N),
        ("no more than", False, False, r"\b(?:no|not)\s+more\s+than\s+" + N),
        ("no less than", True, False, r"\b(?:no|not)\s+(?:less|fewer)\s+than\s+" + N),
        ("more than", True, True, r"\b(?:more\s+than|over|above|in\s+excess\s+of)\s+" + N),
        ("at least", True, False, r"\b(?:at\s+least|a\s+minimum\s+of|minimum(?:\s+of)?)\s+" + N),
        ("or more", True, False, r"\b" + N + r"\s+(?:units?\s+)?or\s+more\b"),
        ("at most", False, False, r"\b(?:up\s+to|at\s+most|a\s+maximum\s+of|max(?:imum)?(?:\s+of)?)"
         r"\s+" + N),
        ("or less", False, False, r"\b" + N + r"\s+(?:units?\s+)?or\s+(?:less|fewer)\b"),
        ("less than", False, True, r"\b(?:less\s+than|fewer\s+than|under|below)\s+" + N),
    )
)  # fmt: skip
"""Each bound's words, whether it is a floor, and whether the bound itself is excluded."""
ENGINE_LOOKUP = "get_routine_orders"
POSITION_LOOKUP = "get_inventory"
"""The look-up that gives an item's position at a place (on hand + in transit + on order)."""
"""The look-up that gives the planning engine's quantity for an item at a place."""
DRAFTS = {"draft_transfer": "to_location", "draft_purchase_order": "location_id"}
"""The drafting tools whose quantity a bound applies to, with the argument naming the place."""
AMEND = "amend_proposal"
"""The tool that changes a pending proposal's quantity ("make it more than 30")."""


@dataclass(frozen=True)
class Bound:
    """A quantity said as a bound: its words, the number, a floor or a ceiling, strict or not."""

    words: str
    n: int
    lower: bool
    strict: bool
    most: int | None = None
    """The top of a range ("between 20 and 30": a floor of 20 with a ceiling of 30)."""

    def least(self) -> int:
        """Return the quantity nearest the bound that meets it."""
        return self.n + (1 if self.lower and self.strict else -1 if self.strict else 0)

    def met_by(self, qty: float) -> bool:
        """Return whether a quantity meets the bound."""
        if self.most is not None:
            return self.n <= qty <= self.most
        if self.lower:
            return qty > self.n if self.strict else qty >= self.n
        return qty < self.n if self.strict else qty <= self.n


WRITE_BEFORE = re.compile(
    r"(?:^|\b(?:transfer|xfer|move|send|ship|order|buy|purchase|draft|raise|reorder|replenish|"
    r"ne+ds?|needed|requires?|required|want|wants|get|give|bring|put|push|top\s+up|make|set|bump|"
    r"change|amend|"
    r"increase|reduce|lower|cut|drop|trim)\b(?:\s+(?!\d)[\w-]+){0,2}?)\s*$",
    re.I,
)
"""What comes just before a bound that modifies the write's own quantity: a write verb, at most
two words after it ("send S002 no more than 50", "make it more than 30"), or nothing."""
NOT_A_QUANTITY = re.compile(
    r"^\s*(?:%|percent|per\s*cent|days?|weeks?|wks?|months?|hours?|hrs?|years?|times|x\b)", re.I
)
"""What follows a number that is not an amount of stock ("under 30 days of cover")."""
PHRASAL_OVER = re.compile(r"\b(?:send|ship|bring|move|get|push|hand|pass)\s*$", re.I)
"""Verbs that take "over" as a particle: "send over 20" sends 20."""


RANGE = re.compile(
    r"(?<![\w-])(?:between\s+(?P<a>\d[\d,]*)\s+(?:and|&|to)\s+(?P<b>\d[\d,]*)|"
    r"(?P<c>\d[\d,]*)\s*(?:-|\u2013|\u2014|\.\.|to|and|&)\s*(?P<d>\d[\d,]*)|"
    r"(?P<e>\d[\d,]*)\s*(?:or|/)\s*(?P<f>\d[\d,]*))(?=\s+(?:units?\s+|pcs\s+|of\s+)?[A-Za-z])",
    re.I,
)
"""A quantity said as a range ("between 20 and 30", "20-30", "20 and 30") or as two
alternatives ("20 or 30", "20/30") where the write's own quantity stands."""
RANGE_WORDS = "between"
CHOICE_WORDS = "either"


def range_off(text: str) -> tuple[str, Bound | None]:
    """Read a range said as the write's quantity: the text with its low end alone, and the range.

    "transfer between 20 and 30 X …" is one draft whose quantity the engine decides within 20 to
    30 (`decide`), never two drafts (20 and 30) nor the engine's quantity outside it. Two
    alternatives ("20 or 30", "20/30") are a choice the planner has not made: the range's words
    are `CHOICE_WORDS` and the draft waits for an answer (`bounded`). A range after anything but
    a write verb ("sold 20-30 a week") is left as it is.
    """
    for m in RANGE.finditer(text):
        before, after = text[: m.start()], text[m.end() :]
        if NOT_A_QUANTITY.match(after) or not WRITE_BEFORE.search(before):
            continue
        lo, hi = next((k, j) for k, j in (("a", "b"), ("c", "d"), ("e", "f")) if m.group(k))
        low, high = sorted(int(m.group(g).replace(",", "")) for g in (lo, hi))
        if low == high:
            continue
        words = CHOICE_WORDS if m.group("e") else RANGE_WORDS
        return before + str(low) + after, Bound(words, low, True, False, most=high)
    return text, None


RAISED_TO = re.compile(
    r"\b(?:raise|bump|lift|increase|take|push|boost|hike|ramp|jack|up|bring|put|grow|nudge)\s+"
    r"(?:it|that|this|them|(?:the|that|this|my|our)\s+(?:[\w-]+\s+){0,2}?(?:qty|quantity|amount|"
    r"number|units?|order|transfer|po|draft|move|request|proposal|one|1))\s+up\s+to\s+\d",
    re.I,
)
"""A pending draft raised to a quantity ("raise it up to 300", "bump the qty up to 250", "take
that order up to 500"): the new quantity itself, neither a cap nor a level to fill the place to."""


def raised_to(text: str) -> bool:
    """Return whether an amendment says its new quantity as "<raise> it up to N" (`RAISED_TO`)."""
    return bool(RAISED_TO.search(text))


def bound_of(text: str) -> Bound | None:
    """Return the quantity bound a request says of its own write ("needs more than 10 of X").

    A bound modifies the write's quantity only when it stands where that quantity does: just
    after the write verb (with at most two words between: "send S002 no more than 50", "make it
    more than 30") or opening the text ("at least 10 please"). A number elsewhere in the text
    ("S002 sold more than 20 last week", "under 30 days of cover") is no bound of the write, and
    "send over 20" sends 20.
    """
    for words, lower, strict, pattern in BOUNDS:
        for m in pattern.finditer(text):
            before, after = text[: m.start()], text[m.end() :]
            if NOT_A_QUANTITY.match(after):
                continue
            if words != TARGET and not WRITE_BEFORE.search(before):
                continue
            over = words == "more than" and m.group(0).lower().startswith("over")
            if over and PHRASAL_OVER.search(before):
                continue
            return Bound(words, int(m.group("n").replace(",", "")), lower, strict)
    return None


def _drafts(step: Step, bound: Bound) -> list[Call]:
    """Return the draft and amend calls of a step whose quantity is the bound's number."""
    if isinstance(step, str):
        return []
    names = (*DRAFTS, AMEND)
    return [c for c in step if c.name in names and c.args.get("qty") == bound.n]


def _target(req: Request, call: Call) -> tuple[str, str]:
    """Return the item and the place a draft (or the proposal an amend changes) is for."""
    if call.name in DRAFTS:
        return str(call.args.get("sku")), str(call.args.get(DRAFTS[call.name]))
    pid = call.args.get("proposal_id")
    note = next((n for n in reversed(req.focus.proposals) if n.proposal_id == pid), None)
    args = note.args if note is not None else {}
    place = args.get("to_location") or args.get("location_id") or args.get("location")
    return str(args.get("sku")), str(place)


def _line(looked: list[Result], sku: str, place: str) -> Result | None:
    """Return the engine look-up made for an item at a place, if any."""
    return next(
        (r for r in looked if r.args.get("sku") == sku and r.args.get("location") == place), None
    )


def engine_qty(result: Result, sku: str, place: str) -> float:
    """Return the engine's order quantity for an item at a place (0 without a line)."""
    data = result.data if isinstance(result.data, dict) else {}
    items = data.get("items") or []
    return float(
        sum(
            float(i.get("qty") or 0)
            for i in items
            if isinstance(i, dict) and i.get("sku") == sku and i.get("location") == place
        )
    )


def position_of(result: Result, sku: str, place: str) -> dict[str, float] | None:
    """Return an item's on hand, on order (in transit included) and position at a place."""
    rows = result.data if isinstance(result.data, list) else [result.data]
    for row in rows:
        where = row.get("location", row.get("location_id")) if isinstance(row, dict) else None
        if isinstance(row, dict) and row.get("sku") == sku and where == place:
            on_hand = float(row.get("on_hand") or 0)
            coming = float(row.get("in_transit") or 0) + float(row.get("on_order") or 0)
            position = row.get("position")
            total = float(position) if isinstance(position, int | float) else on_hand + coming
            return {"on_hand": on_hand, "on_order": coming, "position": total}
    return None


def fill_to(level: int, position: dict[str, float] | None, sku: str, place: str) -> tuple[int, str]:
    """Return the quantity that fills an item's position at a place to a level, and why.

    "Top S003 up to 40" is a target position of 40: the quantity is 40 less what is on hand
    and on order there; nothing when the position is already at or above it.
    """
    if position is None:
        return 0, f"no stock position of {sku} at {place} was found, so the top-up is unknown."
    has = (
        f"{sku} at {place} has {position['position']:g} on hand and on order "
        f"({position['on_hand']:g} on hand, {position['on_order']:g} on order)"
    )
    qty = int(level - position["position"])
    if qty <= 0:
        return 0, f"{has}, already at or above the level of {level}, so there is nothing to top up."
    return (
        qty,
        f"Quantity {qty}: topping up to {level} — {has}, so {level} − "
        f"{position['position']:g} = {qty}.",
    )


def _said(bound: Bound) -> str:
    """Say the bound as the planner did: "more than 10", "10 or more", "between 20 and 30"."""
    if bound.most is not None:
        joint = "or" if bound.words == CHOICE_WORDS else "and"
        return f"{bound.words} {bound.n} {joint} {bound.most}"
    if bound.words in ("or more", "or less"):
        return f"{bound.n} {bound.words}"
    return f"{bound.words} {bound.n}"


def decide(bound: Bound, engine: float, sku: str, place: str) -> tuple[int, str]:
    """Return the quantity to draft within a bound and the rule that gave it, in words."""
    said = _said(bound)
    own = f"the planning engine's quantity for {sku} at {place} is {engine:g}"
    if bound.met_by(engine) and (engine > 0 or bound.lower):
        return int(engine), f"Quantity {engine:g}: {own}, which is {said}, so it is drafted as is."
    if bound.most is not None and engine > bound.most:
        return bound.most, (
            f"Quantity {bound.most}: {own}, above the range ({said}), so it is capped at "
            f"{bound.most}."
        )
    if bound.lower:
        return bound.least(), (
            f"Quantity {bound.least()}: {own}, which is not {said}, so the least quantity that "
            f"is ({bound.least()}) is drafted."
        )
    return bound.least(), (
        f"Quantity {bound.least()}: {own}, above the bound ({said}), so it is capped at "
        f"{bound.least()}."
    )


def bounded(handler: Handler, bound: Bound) -> Handler:
    """Wrap a writing handler so that a quantity said as a bound is decided within it.

    The handler runs as it would; when it is about to draft (or amend a proposal to) the bound's
    number, the engine's order line for the item at each draft's own place is looked up first,
    and each draft is made with the quantity `decide` gives for its own line; the answer opens
    with the rules that gave them. A level to fill to ("top S003 up to 40", `TARGET`) looks up
    the item's position there instead (`fill_to`). A ceiling no quantity meets ("less than 0")
    drafts nothing.
    """
    lookup = POSITION_LOOKUP if bound.words == TARGET else ENGINE_LOOKUP

    def rule_of(line: Result, sku: str, place: str) -> tuple[int, str]:
        if bound.words == TARGET:
            return fill_to(bound.n, position_of(line, sku, place), sku, place)
        return decide(bound, engine_qty(line, sku, place), sku, place)

    def run(req: Request, results: list[Result]) -> Step:
        looked = [r for r in results if r.name == lookup]
        own = [r for r in results if r.name != lookup]
        if bound.words == CHOICE_WORDS and bound.most is not None:
            return (
                f"You gave two quantities ({bound.n} or {bound.most}), so I have not drafted "
                f"anything: which one should it be? Say it with one quantity, for example "
                f"**{_with_qty(req, bound)}**."
            )
        if not bound.lower and bound.least() <= 0:
            return (
                f"I have not drafted anything: no quantity to draft is {_said(bound)}. Say the "
                "quantity you want, for example **make it <qty>**."
            )
        step = handler(req, own)
        if isinstance(step, str):
            if not looked or not _drafted(own):
                return step
            rules = [
                rule_of(r, str(r.args.get("sku")), str(r.args.get("location")))[1]
                for r in looked
                if not r.error
            ]
            if not any(_made(r) for r in own):
                # Refused by the checks: the rule says what was worked out, not that it was made.
                rules = [r.replace(" is drafted", " would be drafted") for r in rules]
            return "\n".join(rules) + f"\n\n{step}" if rules else step
        drafts = _drafts(step, bound)
        if not drafts:
            return step
        targets = {id(c): _target(req, c) for c in drafts}
        missing = list(dict.fromkeys(t for t in targets.values() if _line(looked, *t) is None))
        if missing:
            return [Call(lookup, {"location": place, "sku": sku}) for sku, place in missing]
        qty_of: dict[int, int] = {}
        for call in drafts:
            sku, place = targets[id(call)]
            line = _line(looked, sku, place)
            assert line is not None
            if line.error:
                return f"I have not drafted anything: {line.error}"
            if bound.words != TARGET and not bound.lower and engine_qty(line, sku, place) <= 0:
                return (
                    f"I have not drafted anything: the planning engine's quantity for {sku} at "
                    f"{place} is 0 today, so there is nothing to draft within the bound "
                    f"({_said(bound)}). Say a quantity to draft it anyway, for example "
                    f"**{_with_qty(req, bound)}**."
                )
            qty, rule = rule_of(line, sku, place)
            if qty <= 0:
                return f"I have not drafted anything: {rule}"
            qty_of[id(call)] = qty
        return [_requantified(c, qty_of[id(c)]) if id(c) in qty_of else c for c in step]

    return run


def _drafted(results: list[Result]) -> bool:
    """Return whether a draft of the turn came back."""
    return any(r.name in DRAFTS or r.name == AMEND for r in results)


def _made(result: Result) -> bool:
    """Return whether a draft or an amend of the turn came back pending."""
    data = result.data if isinstance(result.data, dict) else {}
    return (result.name in DRAFTS or result.name == AMEND) and data.get("status") == (
        "pending_approval"
    )


def _requantified(call: Call, qty: int) -> Call:
    return Call(call.name, {**call.args, "qty": qty})


def _with_qty(req: Request, bound: Bound) -> str:
    """Return the request with its bound said as a plain quantity."""
    text = req.original or req.text
    for words, _, _, pattern in BOUNDS:
        if words == bound.words:
            return pattern.sub(str(bound.n), text, count=1)
    return text
