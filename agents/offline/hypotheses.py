"""A hypothesis with a size is a what-if: "if <supplier> pushes its POs back 10 days, then?".

A request that opens with a condition ("if", "suppose", "say", "assume", "imagine") and whose
condition the scenario reader sizes (a supplier's delay in days, a demand change in percent or
times), or that asks what a named supplier's sized delay would do ("what would a one-week slip
from <supplier> break?"), asks what the plan would look like under it: `run_what_if`,
whatever look-up its nouns matched (the supplier's open orders, a store's stock). The scenario
reader
(`agents.offline.parsing._scenario_args`) is the one the what-if handler uses, so the reading
and the run agree on what is assumed.

A promotion posed as a plan ("what happens if we promote <item> at <store> over the next two
weeks", "marketing wants <item> on promotion at <store>", "20% off <item> next week") is a
what-if too, sized or not: its window is the dates said or the horizon said from today
(`promotion_window`), and an unsized one runs with the default uplift, which the answer states.
A price cut ("20% off") is the promotion's discount, never its uplift (`DISCOUNT`). A short
reply to the question for a what-if's size ("12 days", "+20%", "from the 20th to the 26th")
is read with the request that was asked about (`answered_size`); after a what-if ran, a reply
that is only a new size ("what about 28 days", "+40 then?", "and 35%?") is that what-if again
at the new size (`resized`); and where the what-if asked about was never run (the item was
ambiguous, the question was asked back), "same but for all of <category>" runs its scenario at
the new scope (`rescoped`).

Only a look-up is re-read this way, and a what-if only simulates: nothing is drafted or written.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, timedelta

from langchain_core.messages import AIMessage, BaseMessage, HumanMessage

from agents.offline.messages import Call, Request
from agents.offline.parsing import (
    DATE_TOKEN,
    _day,
    _duration_digits,
    _percent_digits,
    _scenario_args,
    category,
    override_window,
    promo_window,
)

CONDITION = re.compile(
    r"^\W*(?:(?:and|so|ok|okay|but|now)\W+)?(?:(?:what\s+)?if|suppose|supposing|say|assume|assuming|imagine|"
    r"picture|hypothetically)\b",
    re.IGNORECASE,
)
"""A request that opens with a condition."""

CONSEQUENCE = re.compile(
    r"\b(?:break|breaks|hurt|hurts|damage|impact|effect|affect|consequences?|what\s+happens?|"
    r"what\s+(?:would|will)\s+happen|do\s+to\s+us|mean\s+for\s+us|run\s+short|go\s+short|runs\s+short|"
    r"at\s+risk|in\s+trouble|mean\s+for|(?:do|does)\s+(?:that|this|it)\s+do|problems?|enough|"
    r"cope|hold\s+up|run\s+(?:out|dry)|runs?\s+out|stock\s*outs?|suffer\w*|which\s+stores?|hits?|"
    r"run\s+(?:that|it|this)\s+through|play\s+out)\b",
    re.IGNORECASE,
)
"""A question for what a change would do ("what would it break?", "does it hurt?")."""

PAST = re.compile(
    r"\b(?:did|didn't|was|wasn't|were|weren't|had|ago|yesterday|last\s+(?:week|month|quarter|"
    r"year|time|season)|previous|earlier\s+this\s+(?:week|month|year))\b",
    re.IGNORECASE,
)
"""A delay that already happened ("the slip from <supplier> last month - did it hurt?")."""

CLAUSE = re.compile(r"(?<=[.!?;:\n])\s+|\s+[-\u2013\u2014]\s+")
"""Where a condition may open a later sentence of an e-mail ("Morning! ... If toys sell ...")."""

EXPECTED = re.compile(
    r"\b(?:may|might|maybe|could|will|would|going\s+to|expect\w*|forecast\w*|likely|next|"
    r"coming|probably|perhaps)\b",
    re.IGNORECASE,
)
"""A demand change said as expected ahead ("may be 25% lower next week"), not as a fact past."""

SIZED = ("supplier_delay_days", "demand_factor")
"""Scenario sizes that make a hypothesis runnable."""


def is_sized_hypothesis(text: str) -> bool:
    """Return True when a request poses a change the scenario reader can size.

    Either it opens with a condition ("if <supplier> pushes its POs back 10 days"), or it asks
    what a supplier's sized delay would do ("what would a one-week slip from <supplier> break?"),
    not what one that already happened did ("last month's slip - did it hurt?").
    """
    args = _scenario_args(text)
    if CONDITION.search(text) or any(CONDITION.search(c) for c in CLAUSE.split(text)):
        return any(args.get(k) is not None for k in SIZED)
    if not CONSEQUENCE.search(text) or PAST.search(text):
        return False
    # a change stated, then what it does: "<supplier> is 9 days late on everything - where does
    # it hurt?", "our grocery sales may be 25% lower next week, what happens to our stock?"
    return bool(args.get("supplier_delay_days") and args.get("supplier_id")) or bool(
        args.get("demand_factor") is not None and EXPECTED.search(text)
    )


DISCOUNT = re.compile(
    r"\b\d+(?:\.\d+)?\s*(?:%|per\s*cent|pct)\s*(?:off|discount|price\s+(?:cut|reduction)|markdown)\b",
    re.IGNORECASE,
)
"""A price cut ("20% off", "30% discount"): a promotion's discount, not its uplift."""

PROMOTION = re.compile(
    r"\bpromot(?:e|es|ed|ing)\b|\bpromo(?:tion)?s?\b|\bbogo\b|\bon\s+(?:special|offer|sale)\b|"
    r"\b(?:buy\s+one\s+get\s+one|two\s+for\s+one|2\s+for\s+1)\b|" + DISCOUNT.pattern,
    re.IGNORECASE,
)
"""A promotion named or posed: "promote", "a promo", "on special", "BOGO", "20% off"."""

POSED = re.compile(
    r"\b(?:if|suppose|supposing|say\s+we|assum(?:e|ing)|imagine|picture|hypothetical(?:ly)?|"
    r"what\s+(?:if|happens|would|about)|thinking\s+(?:of|to|about)|consider\w*|plan(?:ning)?\s+to|"
    r"going\s+to|want(?:s|ed)?\s+to|would\s+like\s+to|like\s+to|intend\w*|simulat\w*|model\w*|"
    r"(?:let'?s|we'?ll|we\s+will|we\s+could|we\s+might|should\s+we|can\s+we|could\s+we)\s+"
    r"(?:\w+\s+)?(?:promot\w*|run|put|do|have|launch|try))\b",
    re.IGNORECASE,
)
"""A promotion posed as a plan, not asked about as scheduled ("is <item> on promotion?")."""

SCHEDULED = re.compile(
    r"\b(?:scheduled|planned\s+promo\w*|current\w*|existing|running\s+now|already|"
    r"(?:is|are)\s+(?:there|it|they|\S+)\s+(?:on\s+)?promo\w*|uncovered|not\s+covered|"
    r"exceptions?|flags?|alerts?|which\s+promo\w*|list\s+(?:the\s+)?promo\w*)\b",
    re.IGNORECASE,
)
"""A question about the promotions already planned or their exceptions: a look-up."""


def poses_promotion(text: str) -> bool:
    """Return True when a request poses a promotion to simulate, sized or not.

    "what happens if we promote <item> at <store> over the next two weeks", "if we put <item>
    on promotion at <store>", "marketing wants to run 20% off on <item> next week": a
    promotion and words that pose it; not a question about the promotions already scheduled
    ("which promotions are uncovered at <store>?").
    """
    return bool(PROMOTION.search(text) and POSED.search(text) and not SCHEDULED.search(text))


HORIZON = re.compile(
    r"\b(?:over|during|in|within|for|across|through)\s+(?:the\s+)?(?:next|coming|following)\s+"
    r"(?P<n>\d+)\s+(?P<unit>days?|weeks?)\b|\b(?:for|over|during)\s+(?P<n2>\d+)\s+(?P<unit2>days?|weeks?)\b"
    r"|\b(?:next|coming)\s+(?P<n3>\d+)\s+(?P<unit3>days?|weeks?)\b",
    re.IGNORECASE,
)
"""A horizon from today: "over the next 2 weeks", "during the next 10 days", "for 2 weeks"."""


LENGTH_FROM = re.compile(
    r"\b(?P<n>\d+)\s*(?P<unit>days?|weeks?)\s+(?:from|starting(?:\s+on)?|beginning(?:\s+on)?)\s+"
    r"(?:the\s+)?(?P<a>" + DATE_TOKEN + r")",
    re.IGNORECASE,
)


def promotion_window(text: str, as_of: date | None) -> tuple[date, date] | None:
    """Return a posed promotion's first and last day, or None when no window is said.

    The dates said ("from apr 20 to apr 30", "next week"), else a horizon from tomorrow ("over
    the next two weeks", "during the next 10 days", "for a fortnight"), else a month by name.
    """
    plain = _duration_digits(re.sub(r"\b(?:a|one)\s+fortnight\b|\bfortnight\b", "2 weeks", text))
    found = promo_window(plain, as_of)
    if found or as_of is None:
        return found
    ahead = LENGTH_FROM.search(plain)
    first = _day(ahead.group("a"), as_of) if ahead else None
    if ahead and first is not None:
        # "2 weeks from 2027-04-19", "10 days starting apr 20": a length, then the first day.
        n, unit = int(ahead.group("n")), ahead.group("unit").lower()
        return first, first + timedelta(days=(n * 7 if unit.startswith("week") else n) - 1)
    m = HORIZON.search(plain)
    if m:
        n = int(m.group("n") or m.group("n2") or m.group("n3"))
        unit = (m.group("unit") or m.group("unit2") or m.group("unit3")).lower()
        span = n * 7 if unit.startswith("week") else n
        if span >= 1:
            return as_of + timedelta(days=1), as_of + timedelta(days=span)
    return override_window(plain, as_of)


def is_hypothesis(text: str) -> bool:
    """Return True for a sized change or a posed promotion: a what-if, not a look-up."""
    return is_sized_hypothesis(text) or poses_promotion(text)


SIZE_ASKED = re.compile(
    r"^I need (?:how many days late|the change to simulate|the promotion's dates)", re.M
)
"""The what-if handler's question for a scenario's size, delay or window."""
BARE_DURATION = re.compile(r"^\W*(?:by\s+|about\s+|around\s+|maybe\s+)?\d+\s*(?:days?|weeks?)\W*$")
SHORT_REPLY = 8


def answered_size(text: str, earlier: Sequence[BaseMessage], as_of: date | None) -> str | None:
    """Return the asked-about request with a reply's size put in, or None.

    After "I need how many days late <supplier> is to be", a reply of "12 days" is that
    request "by 12 days"; after the question for a promotion's dates, "20 to 26 april" is
    its window. Only a short reply that sizes the scenario is read so.
    """
    if len(text.split()) > SHORT_REPLY or len(earlier) < 2:
        return None
    last, before = earlier[-1], earlier[-2]
    if not isinstance(last, AIMessage) or not isinstance(before, HumanMessage):
        return None
    if not isinstance(last.content, str) or not SIZE_ASKED.search(last.content):
        return None
    asked = str(before.content).rstrip(" ?.!")
    reply = _duration_digits(text.strip())
    joined = f"{asked} by {reply}" if BARE_DURATION.match(reply) else f"{asked}, {reply}"
    sized = _scenario_args(joined) != _scenario_args(asked)
    dated = promotion_window(joined, as_of) != promotion_window(asked, as_of)
    return joined if sized or dated else None


RESIZE_LEAD = re.compile(
    r"^\W*(?:(?:and|ok(?:ay)?|so|hmm+|now|then|but|right|well|maybe)\W+)*"
    r"(?:(?:what|how)\s+about|what\s+if\s+(?:it\s+(?:was|were|is)|we\s+say|that\s+(?:was|were))|"
    r"(?:and\s+)?if\s+(?:it\s+)?(?:was|were|is)|make\s+it|try|say|with|at|instead\s+of\s+that)?\W*",
    re.IGNORECASE,
)
RESIZE_TAIL = re.compile(
    r"\W*(?:(?:then|instead|now|please|pls|rather|more|less|up|down|late|later|delay|slip|"
    r"lift|uplift|x|times)\W*)*$",
    re.IGNORECASE,
)
NEW_SIZE = re.compile(
    r"^(?P<sign>[+-])?\s*(?P<n>\d+(?:\.\d+)?)\s*(?P<unit>%|x|times|days?|weeks?)?$", re.IGNORECASE
)


def _last_what_if(earlier: Sequence[BaseMessage]) -> dict[str, object] | None:
    """Return the arguments of the thread's last call when it was a what-if, else None."""
    for msg in reversed(earlier):
        if isinstance(msg, AIMessage) and msg.tool_calls:
            call = msg.tool_calls[-1]
            return dict(call.get("args") or {}) if call["name"] == "run_what_if" else None
    return None


def resized(text: str, earlier: Sequence[BaseMessage]) -> Call | None:
    """Return the thread's last what-if at the new size a short follow-up says, or None.

    "what about 28 days" re-runs a supplier delay for 28 days; "+40 then?" or "and 35%?"
    re-runs a demand change (or a promotion's uplift) at +40% / 35% in the same direction;
    "make it 2x" at twice. A size of the wrong kind (days after a demand change) is not read.
    """
    if len(text.split()) > SHORT_REPLY:
        return None
    last = _last_what_if(earlier)
    if last is None:
        return None
    plain = _percent_digits(_duration_digits(text.strip()))
    core = RESIZE_TAIL.sub("", RESIZE_LEAD.sub("", plain, count=1)).strip()
    m = NEW_SIZE.match(core)
    if m is None:
        return None
    n, unit, sign = float(m.group("n")), (m.group("unit") or "").lower(), m.group("sign")
    args = dict(last)
    if unit.startswith(("day", "week")):
        if not args.get("supplier_delay_days"):
            return None
        args["supplier_delay_days"] = int(n * (7 if unit.startswith("week") else 1))
        return Call("run_what_if", args)
    if unit in ("x", "times"):
        factor = n
    else:
        key = next(
            (k for k in ("promo_uplift", "promo_factor", "demand_factor") if k in args), None
        )
        before = float(str(args[key])) if key else 1.0
        down = (
            sign == "-"
            or (sign is None and before < 1)
            or re.search(r"\b(?:less|down|lower|fewer|drop|fall)\b", text, re.IGNORECASE)
        )
        factor = round(1 - n / 100 if down else 1 + n / 100, 4)
    key = next((k for k in ("promo_uplift", "promo_factor", "demand_factor") if k in args), None)
    if key is None or factor <= 0:
        return None
    args[key] = factor
    return Call("run_what_if", args)


SCOPE_FILLER = frozenset(
    """
    ok okay so and now then but please pls plz same thing scenario but for at in across the all of
    whole entire what about how instead too as well just only then try it do run that this
    """.split()  # noqa: SIM905
)
"""Words a scope-only follow-up may carry besides the scope ("same but for all of <category>")."""


def rescoped(text: str, req: Request) -> Call | None:
    """Return the scenario of a what-if asked but never run, at the scope a follow-up names.

    After "what happens if the <shared item name> at <store> runs 40% hot?" was asked back
    (which item?), "same but for all of <category>" asks the same change over the category.
    Only a follow-up that names a category or places and nothing else is read so.
    """
    human = [i for i, m in enumerate(req.earlier) if isinstance(m, HumanMessage)]
    if not human or len(text.split()) > SHORT_REPLY:
        return None
    asked = str(req.earlier[human[-1]].content)
    if _last_what_if(req.earlier[human[-1] :]) is not None or not is_hypothesis(asked):
        return None
    scenario = _scenario_args(DISCOUNT.sub(" ", asked))
    if not scenario or req.found.get("sku") or req.found.get("supplier"):
        return None
    places = list(req.found.get("location") or [])
    cat = category(text, req.resolver.categories if req.resolver is not None else ())
    if cat is None and len(places) != 1:
        return None
    rest = text
    for said in [*places, cat or ""]:
        rest = re.sub(rf"\b{re.escape(said)}\b", " ", rest, flags=re.IGNORECASE) if said else rest
    if cat is not None:
        rest = re.sub(rf"\b{re.escape(cat.lower().rstrip('s'))}\w*\b", " ", rest, flags=re.I)
    words = re.findall(r"[a-z']+", rest.lower())
    if any(w not in SCOPE_FILLER for w in words):
        return None
    args: dict[str, object] = dict(scenario)
    if cat is not None:
        args["category"] = cat
    if places:
        args["location"] = places[0]
    return Call("run_what_if", args)
