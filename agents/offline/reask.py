"""A follow-up that re-asks the thread's last look-up with its scope or time replaced, or narrowed.

"same but for the whole network", "what about the north region", "how about next week" after a
look-up name no item, place or supplier of their own: they ask the last question again with one
thing replaced. `reasked` reads such a follow-up against the thread's last read-only tool call and
returns that call with the one slot changed (the place dropped for the network, the region's DC
as `served_by`, the forecast's horizon), or None where the last call has no such slot. The answer
is rendered as that tool's own look-up renders it. Only read-only tools are called again.

A follow-up that only narrows the last list ("top 3 only", "just the P1s", "only the first
five", "south stores only", "just the overstock ones") is that list again with the narrowing
added to what it already had (`narrowed`): a count (`top`), a priority, an exception type or
the region's stores, each only where the last look-up takes that argument.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any

from langchain_core.messages import AIMessage, BaseMessage

from agents.offline import handlers as h
from agents.offline.messages import Call, Handler, Request, Result, Step
from agents.offline.parsing import _exception_type, priority_level
from tools.planner import TOOLS

REREAD_TOOLS = frozenset(
    {
        "list_exceptions",
        "summarize_exceptions",
        "get_inventory",
        "get_network_position",
        "get_open_supply",
        "get_forecast",
        "get_routine_orders",
        "run_what_if",
    }
)
"""Look-ups a follow-up may re-ask with one slot replaced (none of them writes)."""

LEAD = re.compile(
    r"^\W*(?:(?:and|ok(?:ay)?|so|right|now|but|hmm|then)\W+)*"
    r"(?:(?:what|how)\s+about|what\s+of|(?:do|run|check|show)\s+(?:it|that|the\s+same)|"
    r"(?:the\s+)?same(?:\s+(?:thing|question|again|check|request))?(?:\s+but)?|ditto|"
    r"(?:can\s+you\s+)?(?:do|check|show)\s+(?:me\s+)?(?:that|this|it))?"
    r"(?:\s*\b(?:for|at|over|across|in|with|on|looking)\b)*\s*",
    re.I,
)
TAIL = r"\W*(?:(?:please|pls|then|instead|too|as\s+well|now|only)\W*)*$"
NETWORK = re.compile(
    r"^(?:the\s+)?(?:(?:whole|entire|full|total|complete)\s+(?:network|chain|company|business|"
    r"estate)|network(?:[- ]?wide)?(?:\s+as\s+a\s+whole)?|(?:all|every)\s+(?:the\s+|our\s+)?"
    r"(?:stores|locations|sites|shops|places)(?:\s+and\s+dcs)?|everywhere|everything|overall|"
    r"company[- ]?wide|chain[- ]?wide)" + TAIL,
    re.I,
)
"""The whole network said as a follow-up's scope ("same but for the whole network")."""
REGION = re.compile(
    r"^(?:the\s+)?(?:region\s+\w+|\w+(?:ern)?(?:'s)?\s+(?:region|stores|shops)|"
    r"(?:stores|shops)\s+(?:in|of|under|fed\s+by|served\s+by)\s+(?:the\s+)?[\w-]+|"
    r"\w+(?:ern)?\s+(?:one|ones|side)|north|south|east|west)" + TAIL,
    re.I,
)
"""A region said as a follow-up's scope ("what about the north region", "the south stores")."""
WEEKS = {"a": 1, "one": 1, "two": 2, "three": 3, "four": 4, "six": 6, "eight": 8}
HORIZON = re.compile(
    r"^(?:the\s+)?(?:next|coming|following)\s+(?:(?P<n>\d+|a|one|two|three|four|six|eight)\s+)?"
    r"(?P<unit>days?|weeks?|wks?|fortnight|months?)" + TAIL,
    re.I,
)
"""A horizon said as a follow-up ("how about next week", "and the next 2 weeks?")."""


def _last_call(earlier: Sequence[BaseMessage]) -> tuple[str, dict[str, Any]] | None:
    for msg in reversed(earlier):
        if isinstance(msg, AIMessage) and msg.tool_calls:
            call = msg.tool_calls[-1]
            return str(call["name"]), dict(call.get("args") or {})
    return None


def _days(m: re.Match[str]) -> int:
    n = m.group("n")
    count = 1 if n is None else int(n) if n.isdigit() else WEEKS[n.lower()]
    unit = m.group("unit").lower()
    per = (
        1
        if unit.startswith("day")
        else 14
        if unit == "fortnight"
        else 30
        if unit.startswith("month")
        else 7
    )
    return max(1, min(count * per, 365))


def reasked(text: str, req: Request, region: str | None) -> list[Call] | None:
    """Return the thread's last look-up with the scope or horizon the follow-up says, else None.

    `region` is the DC whose stores the request means (read by the caller), if any.
    """
    last = _last_call(req.earlier)
    if last is None or last[0] not in REREAD_TOOLS or any(req.found.values()):
        return None
    name, args = last
    rest = LEAD.sub("", text.strip(), count=1)
    rest = ONLY.sub("", rest, count=1)  # "same, south stores only", "just the P1s"
    narrower = narrowed(name, args, rest)
    if narrower is not None:
        return [narrower]
    if NETWORK.match(rest):
        whole = _network(name, args)
        return [whole] if whole is not None else None
    if region is not None and REGION.match(rest):
        if name == "get_inventory" and args.get("sku"):
            # "what about the north region" after a stock look-up: each store the DC feeds.
            stores = h._region_stores(req, region)
            return [Call(name, {"sku": args["sku"], "location": s}) for s in stores] or None
        if name not in ("list_exceptions", "summarize_exceptions"):
            return None
        new = {k: v for k, v in args.items() if k not in ("location", "served_by", "offset")}
        return [Call(name, {**new, "served_by": region})]
    m = HORIZON.match(rest)
    if m is not None:
        if name == "get_forecast":
            return [Call(name, {**args, "horizon_days": _days(m)})]
        if name == "get_open_supply":
            return [Call(name, {**args, "within_days": _days(m)})]
    return None


ONLY = re.compile(r"^\W*(?:(?:only|just|show|give|keep|me|us|cut\s+(?:it|that)\s+to)\W+)*", re.I)
"""What a narrowing follow-up opens with ("just", "only show me", "cut it to")."""
NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
           "eight": 8, "nine": 9, "ten": 10, "twenty": 20}  # fmt: skip
COUNT = re.compile(
    r"^(?:the\s+)?(?:(?:top|first|biggest|largest|worst|leading|highest)\s+(?P<n>\d{1,3}|"
    + "|".join(NUMBERS)
    + r")|(?P<m>\d{1,3}|"
    + "|".join(NUMBERS)
    + r")\s+(?:only|max|at\s+most|tops))\b",
    re.I,
)
"""A count a follow-up narrows the last list to ("top 3", "the first five", "3 max")."""
NARROWING_WORDS = frozenset(
    """only just the of them those these it ones one lines items rows results please pls
    then now instead ok okay so and but same list exceptions flags ones stores shops""".split()  # noqa: SIM905
)
"""Words a narrowing follow-up may say besides what it narrows by."""
PRIORITY_WORD = re.compile(
    r"\b(?:p[123]s?|priority\s+(?:one|two|three|[123])s?|top[- ]priority|critical)\b", re.I
)


def narrowed(name: str, args: dict[str, Any], rest: str) -> Call | None:
    """Return the last list narrowed by what a follow-up says, else None.

    `rest` is the follow-up without its lead-in ("same, ", "just"). Every word must be a
    count, a priority, an exception type or a narrowing word, and the last look-up must take
    the argument it sets; an exception list keeps its own filters.
    """
    params = _params(name)
    new = {k: v for k, v in args.items() if k != "offset"}
    said = rest
    m = COUNT.match(said)
    if m is not None:
        if "top" not in params:
            return None
        n = m.group("n") or m.group("m")
        new["top"] = int(n) if n.isdigit() else NUMBERS[n.lower()]
        said = said[m.end() :]
    level = priority_level(said) if PRIORITY_WORD.search(said) else None
    if level is not None:
        if "priority" not in params:
            return None
        new["priority"] = level
        said = PRIORITY_WORD.sub(" ", said)
    kind = _exception_type(said)
    if kind is not None and name in ("list_exceptions", "summarize_exceptions"):
        new["type"] = kind
        said = re.sub(r"[\w\-]+", lambda w: "" if _exception_type(w.group(0)) else w.group(0), said)
    if new == {k: v for k, v in args.items() if k != "offset"}:
        return None
    words = re.findall(r"[A-Za-z0-9][\w'\-]*", said)
    if any(w.lower() not in NARROWING_WORDS for w in words):
        return None
    return Call(name, new)


SLOT = {"location": "location", "sku": "sku", "supplier": "supplier_id"}
"""The tool argument each kind of entity fills."""


def swapped(
    req: Request, filler: frozenset[str], table_call: Callable[[], Call | None]
) -> Call | None:
    """Return the last look-up with the one entity the follow-up names put in, else None.

    "and at S001?" after a forecast at S002 is that forecast at S001. Only where the follow-up
    says nothing but the entity (and `filler` words), the last look-up takes that kind of
    entity, and the table's own reading calls another tool (or none): a reading of the same
    tool stands.
    """
    last = _last_call(req.earlier)
    if last is None or last[0] not in REREAD_TOOLS:
        return None
    named = [(kind, ids) for kind, ids in req.found.items() if ids]
    if len(named) != 1 or len(named[0][1]) != 1:
        return None
    kind, (ident,) = named[0]
    said = req.original or req.text
    for name_said in {ident, req.named.get(ident) or ident}:
        said = re.sub(re.escape(name_said), " ", said, flags=re.I)
    words = re.findall(r"[A-Za-z0-9][\w'\-]*", said)
    rest = [w for w in words if w.lower() not in filler]
    if rest or len(words) > 10:
        return None
    name, args = last
    slot = SLOT[kind]
    if slot not in _params(name):
        return None
    table = table_call()
    if table is not None and table.name == name:
        return None
    dropped = {"offset", "served_by"} if slot == "location" else {"offset"}
    return Call(name, {**{k: v for k, v in args.items() if k not in dropped}, slot: ident})


def _params(name: str) -> set[str]:
    return next((set(t.args) for t in TOOLS if t.name == name), set())


def _network(name: str, args: dict[str, Any]) -> Call | None:
    """Return the last look-up over the whole network: its place (or region) dropped."""
    if name == "get_inventory" and args.get("sku"):
        return Call("get_network_position", {"sku": args["sku"]})
    if name in ("get_forecast", "get_network_position"):
        return None
    scoped = {"location", "served_by", "offset"}
    if name == "run_what_if":
        # the scenario kept, its scope dropped: a delay's supplier is the scenario's own
        scoped |= {"sku", "category"}
        if not args.get("supplier_delay_days"):
            scoped.add("supplier_id")
    if not scoped & set(args):
        return None
    return Call(name, {k: v for k, v in args.items() if k not in scoped})


def render(req: Request, results: list[Result]) -> str:
    """Render a re-asked look-up as that tool's own look-up renders it."""
    name = results[-1].name
    lookups: dict[str, Any] = {
        "list_exceptions": h._exceptions_title,
        "summarize_exceptions": h.totals,
        "get_inventory": h.inventory.render,
        "get_open_supply": h.open_supply.render,
        "get_forecast": h.forecast.render,
        "get_routine_orders": h.routine_orders.render,
        "run_what_if": h.what_if,
    }
    if name == "get_inventory" and len(results) > 1:
        return "\n\n".join(str(h.inventory.render(req, [r])) for r in results)
    if name in lookups and len(results) > 1 and all(r.name == name for r in results):
        # "and the other two?": the look-up made again for each place, each answer in turn
        return "\n\n".join(str(lookups[name](_at(req, r), [r])) for r in results)
    if name in lookups:
        return str(lookups[name](req, results))
    if name == "get_network_position":
        return h.render_network(results[-1])
    return h._generic_answer(results)


def _at(req: Request, result: Result) -> Request:
    """Return the request as made for the one place a result was looked up at."""
    place = result.args.get("location")
    return replace(req, found={**req.found, "location": [place]}) if place else req


def handler(calls: list[Call]) -> Handler:
    """Return the follow-up's handler: the call `reasked` made, then the tool's rendering."""

    def step(req: Request, results: list[Result]) -> Step:
        return render(req, results) if results else list(calls)

    return step
