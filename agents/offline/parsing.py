"""Read the fields of a planner's request: ids, quantities, scenarios, horizons, patterns."""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterator, Sequence
from datetime import date, timedelta
from typing import Any

from langchain_core.messages import BaseMessage, HumanMessage
from rapidfuzz import fuzz, process

from agents.offline.messages import DEFAULT_HORIZON, DEFAULT_TOP, _text
from planning.exceptions import EXCEPTION_TYPES
from stockpilot.vocabulary import GATE_NAME, ExceptionType

# -- fields from the request ---------------------------------------------------------------------

ID = r"[A-Za-z0-9][\w.\-]*"
EXC_RE = (
    r"(?P<exc>(?:" + "|".join(EXCEPTION_TYPES) + r"):[\w.\-]+@[\w.\-]+?(?::[\w.\-]+?)?)"
    r"(?=[.,;!?)]*(?:\s|$))"
)
SLOTS = {
    "sku": rf"(?:(?:sku|item|product)\s+)?(?P<sku>{ID})",
    "loc": rf"(?:(?:store|location|site|warehouse)\s+)?(?P<loc>{ID})",
    "src": rf"(?:(?:store|location|site|warehouse)\s+)?(?P<src>{ID})",
    "dst": rf"(?:(?:store|location|site|warehouse)\s+)?(?P<dst>{ID})",
    "sup": rf"(?:(?:supplier|vendor)\s+)?(?P<sup>{ID})",
    "n": r"(?<![\w.-])(?P<n>\d[\d,]*(?:\.\d+)?)(?![\w-])",
    "exc": EXC_RE,
    "at": r"\s*(?:\s(?:at|in)\s|@)\s*",
}
ID_STOPWORDS = frozenset(
    {"PO", "POS", "SKU", "SKUS", "DC", "ERP", "ID", "OK", "I", "IT", "ME", "US", "ALL", "TOP"}
)
NUMBER_WORDS = {
    "one": "1",
    "two": "2",
    "three": "3",
    "four": "4",
    "five": "5",
    "six": "6",
    "seven": "7",
    "eight": "8",
    "nine": "9",
    "ten": "10",
    "twelve": "12",
    "fifteen": "15",
    "twenty": "20",
    "thirty": "30",
    "forty": "40",
    "fifty": "50",
    "sixty": "60",
    "seventy": "70",
    "eighty": "80",
    "ninety": "90",
    "a hundred": "100",
    "a dozen": "12",
}


def _expand(pattern: str) -> str:
    """Replace the {slot} placeholders of a pattern (regex quantifiers are left alone)."""
    return re.sub(r"\{(\w+)\}", lambda m: SLOTS.get(m.group(1), m.group(0)), pattern)


def _compile(*patterns: str) -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(_expand(p), re.IGNORECASE) for p in patterns)


def _clean_id(token: str) -> str | None:
    """Return the token as an upper-case id, or None when it does not look like one."""
    token = token.rstrip(".-_")
    if not token or token.upper() in ID_STOPWORDS:
        return None
    letters = [c for c in token if c.isalpha()]
    # Ids are codes: a digit, all capitals ("A", "DC-NORTH"), or a hyphenated code.
    looks_like_id = (
        any(c.isdigit() for c in token)
        or (bool(letters) and all(c.isupper() for c in letters))
        or "-" in token
    )
    return token.upper() if looks_like_id else None


KEYWORDS = (
    "stock", "inventory", "forecast", "transfer", "exceptions", "exception", "supplier",
    "suppliers", "promotion", "overstock", "stockout", "stockouts", "inbound", "pending",
    "approved", "demand", "policy", "category", "network", "warehouse", "available", "proposal",
    "withdraw", "expedite", "quantity", "purchase", "positions", "position", "attention",
    "recommendation", "incoming", "everywhere", "urgent", "burning", "waiting", "covered",
    "simulate", "scenario", "escalate", "explain", "everything", "today", "above", "through",
    "exposure",
)  # fmt: skip
"""Words a typo of which is read as the word itself ("stok" -> "stock", "forcast")."""
PLAIN_WORDS = frozenset(
    (
        "order", "orders", "ordered", "stocks", "stocked", "supply", "supplies", "store",
        "stores", "transfers", "withdrawn", "approve", "approves", "approving", "approval",
        "approver", "approvers", "proposals", "forecasts", "demands", "positioned", "exceptional",
        "promotions", "categories", "locations", "suppliers", "pendings", "inventories",
        "recommend", "recommended", "networks", "supplied", "supplying", "uncovered",
        "recovered", "discovered", "simulated", "simulates", "scenarios", "escalated",
        "escalates", "explains", "explained", "todays", "abode", "toddy", "though", "thought",
        "thorough", "throughout", "trough", "throng",
    )
)  # fmt: skip
"""Real words close to a keyword: never corrected."""


NEGATING_PREFIX = ("non", "un", "dis", "in", "im", "ir", "il")
"""Prefixes that turn a word into its opposite ("unapproved", "unavailable", "nonexceptions")."""


def _correct(word: str) -> str:
    """Return the keyword a typo'd word stands for, or the word itself.

    A negated word is never read as the keyword it negates ("unapproved" is not "approved"): a
    word that is a negating prefix before a keyword, or before a typo of one ("unaproved"),
    keeps its prefix.
    """
    lower = word.lower()
    if len(lower) < 4 or not lower.isalpha() or lower in KEYWORDS or lower in PLAIN_WORDS:
        return word
    for prefix in NEGATING_PREFIX:
        rest = lower[len(prefix) :]
        if lower.startswith(prefix) and len(rest) >= 4:
            if rest in KEYWORDS:
                return word
            got = process.extractOne(rest, KEYWORDS, scorer=fuzz.ratio, score_cutoff=86)
            if got:
                return prefix + str(got[0])
    got = process.extractOne(lower, KEYWORDS, scorer=fuzz.ratio, score_cutoff=86)
    return str(got[0]) if got else word


NETWORK_LEAD = (
    r"^\W*(?:all\s+(?:locations|stores|sites)|every\s+(?:location|store|site)|everywhere|"
    r"network[- ]wide|(?:the\s+)?whole\s+network|across\s+the\s+(?:whole\s+)?network)\W+"
)
"""A request that opens with the whole network as its scope ("all locations, demand ...")."""


LEAD_IN = re.compile(
    r"^\W*(?:(?:hi|hey|hello|hiya|yo|morning|afternoon)(?:\s+(?:there|team|all|folks))?\b"
    r"[\s!,.:;\u2013\u2014-]*)?"
    r"(?:(?:quick\s+(?:one|q(?:uestion)?)|one\s+more\s+thing|another\s+thing|also|btw|"
    r"fyi\b[^:;\u2013\u2014?]{0,40}?|ok(?:ay)?(?:\s+so)?|right(?:\s+so)?|alright|well|actually|"
    r"sorry|so)\s*(?:[!,.:;\u2013\u2014]|\s-)\s*|(?:ok(?:ay)?|right|alright)\s+so\s+|so\s+(?=\w))*",
    re.I,
)
"""Chatter before the request ("hey, quick one:", "ok so", "fyi need this for the ops call -",
"one more thing:"): it carries no intent and is read past."""

SIGN_OFF = re.compile(
    r"(?:[\s,.;!-]+(?:thanks(?:\s+a\s+lot)?|thank\s+you|thx|ty|cheers|much\s+appreciated|"
    r"appreciated)\b[\s!.]*)+$",
    re.I,
)
"""Politeness after the request (", thanks!", "much appreciated", "cheers"): read past."""


DROPPED_FIRST = re.compile(
    r"^\W*(?:(?:never\s*mind|forget(?:\s+about)?|skip|drop|scrap|ditch)\s+"
    r"(?:the|that|this|my|our|your|it)(?:\s+(?:\w+\s+){0,2}?[\w-]+)?|"
    r"(?:don['\u2019]?t|do\s+not|no\s+need\s+to)\s+wait(?:\s+for\s+(?:\w+\s+){0,2}?\w+)?)"
    r"\s*(?:[,;:]|\s[-\u2013\u2014]+)\s*(?=(?:please\s+|pls\s+|just\s+)?(?:transfer|xfer|move|"
    r"send|ship|order|buy|purchase|draft|raise|place|book|push|get|top\s+up|replenish)\b)",
    re.I,
)
"""Something else dropped before a request to write ("never mind the PO, transfer 20 …", "don't
wait, transfer …"): the dropping is no retraction of what follows. "forget the draft, the
delivery came in" drops the draft itself: no write verb follows, so it is kept."""


def dropped_first_off(text: str) -> str:
    """Return the request without something else dropped before it (`DROPPED_FIRST`)."""
    return DROPPED_FIRST.sub("", text, count=1)


def chatter_off(text: str) -> str:
    """Return the request without a lead-in before it or a sign-off after it.

    Something else dropped before it ("never mind the PO, transfer …") is a lead-in too. A
    request that would be left with no word at all ("thanks", "ok", "40 cheers") is kept whole.
    """
    bare = SIGN_OFF.sub("", LEAD_IN.sub("", dropped_first_off(text), count=1)).strip()
    return bare if re.search(r"[A-Za-z]", bare) else text  # "40, thanks" stays an answer


ONE_AS_PRONOUN_AFTER = re.compile(
    r"\b(?:quick|another|other|last|first|second|third|next|previous|big|biggest|new|same|"
    r"every|any|each|no|good|right|wrong|only|red|urgent|worst|single|different|older|newer|"
    r"cheaper|bigger|smaller|such)\s+$",
    re.IGNORECASE,
)
"""Words after which "one" stands for a thing ("quick one:", "the other one"), not a count."""
ONE_AS_OBJECT = re.compile(
    r"\b(?:draft|raise|create|open|write|cut|put\s+in|do|prep|set\s+up|book|start)\s+$",
    re.IGNORECASE,
)
"""Verbs after which "one" is the document itself ("raise one for S002"), unless a unit or an
item follows it ("raise one case of …" is read by the case rule before this)."""


TOPICS_COUNTED = re.compile(
    r"\s+(?:more\s+|last\s+|other\s+|quick\s+|small\s+|little\s+|short\s+|separate\s+|"
    r"different\s+|related\s+)?(?:questions?|things?|qs?|quer(?:y|ies)|asks?|topics?)\b",
    re.I,
)
"""What a request counts of itself ("two things", "3 quick questions"): never a quantity."""


def _number_word(match: re.Match[str]) -> str:
    """Return a number word as digits, or "one" as it is where it is a pronoun, not a count."""
    word = match.group(1)
    after = match.string[match.end() :]
    if TOPICS_COUNTED.match(after):
        return word  # "I have two things for you", "three quick questions": no quantity
    if word.lower() == "one":
        before = match.string[: match.start()]
        if ONE_AS_PRONOUN_AFTER.search(before):
            return word
        if ONE_AS_OBJECT.search(before) and not re.match(
            r"\s+(?:units?|ea|each|pcs?|pieces?|cases?|cartons?|packs?|boxes?|of|sku|item)\b",
            after,
            re.IGNORECASE,
        ):
            return word
    return NUMBER_WORDS[word.lower()]


def _after_an_id(text: str, at: int) -> bool:
    """Return True when the word before position `at` is an id ("SKU-0003 x40": a quantity)."""
    before = text[:at].split()
    return bool(before) and re.fullmatch(r"[A-Za-z]+[-_]?\d+\W?", before[-1]) is not None


def _normalise(text: str) -> str:
    text = text.replace("→", " -> ").replace("’", "'").replace("×", "x")
    # "xfer", "a TO of <item>", "TO: 50 x <item>": a transfer (order) said short.
    text = re.sub(r"\bxfers?\b", "transfer", text, flags=re.IGNORECASE)
    text = re.sub(
        r"(^\W*|\b(?:[Aa]|[Tt]he|[Dd]raft|[Rr]ecommended|[Nn]ew)\s+)TO\b(?=\s*(?::|of\b|for\b))",
        r"\1transfer",
        text,
    )
    text = chatter_off(text)
    # "slips 3 wks", "10 dys late": a number of weeks or days said short.
    text = re.sub(r"\b(\d+)\s*(?:wks?|wee?ks?)\b", r"\1 weeks", text, flags=re.IGNORECASE)
    text = re.sub(r"\b(\d+)\s*(?:dys?|dyas?|dasy)\b", r"\1 days", text, flags=re.IGNORECASE)
    # "SUP-02 +10d", "slips 2w": a terse planner's days and weeks after a number.
    text = re.sub(r"(?<![\w.])(\d+)d\b(?!['\u2019/])", r"\1 days", text, flags=re.IGNORECASE)
    text = re.sub(r"(?<![\w.])(\d+)w\b(?!['\u2019/])", r"\1 weeks", text, flags=re.IGNORECASE)
    # "what-if SUP-02 +10d", "whatif Pet +20%", "wat if ...": the what-if said short.
    text = re.sub(r"\b(?:what|wat|wot|wht)\s*-?\s*if\b", "what if", text, flags=re.IGNORECASE)
    # "n the other dc?", "n tyler?": a leading "n" is "and" typed short.
    text = re.sub(r"^\s*n\s+(?=[A-Za-z])", "and ", text, flags=re.I)
    # "DC-NORTH > S002": an arrow between two places (never "> 25,000", a comparison).
    text = re.sub(r"(?<=[A-Za-z0-9])\s*>\s*(?=[A-Za-z])", " -> ", text)
    # "falls by a quarter", "up by a third", "by half": a share said in words.
    shares = {"half": "50%", "third": "33%", "quarter": "25%", "fifth": "20%", "tenth": "10%"}
    text = re.sub(
        r"\bby\s+(?:(?:a|one)\s+)?(quarter|third|half|fifth|tenth)\b",
        lambda m: "by " + shares[m.group(1).lower()],
        text,
        flags=re.IGNORECASE,
    )
    # "demand up a quarter", "sales drop a fifth": a change by a share, "by" left out.
    text = re.sub(
        r"\b(up|down|rises?|rose|rising|drops?|dropped|falls?|fell|grows?|grew|jumps?|climbs?|"
        r"shrinks?|declines?|increases?|decreases?)\s+(?:a|one)\s+(quarter|third|half|fifth|tenth)"
        r"\b(?!\s+(?:of|as)\b)",
        lambda m: f"{m.group(1)} {shares[m.group(2).lower()]}",
        text,
        flags=re.IGNORECASE,
    )
    # "sells half as much again", "a third more than forecast": a share said in words.
    text = re.sub(r"\bhalf\s+as\s+much\s+again\b", "50% more", text, flags=re.IGNORECASE)
    text = re.sub(
        r"\ban?\s+(half|third|quarter|fifth|tenth)\s+(?=(?:more|less|fewer|higher|lower|above|"
        r"below)\b)",
        lambda m: shares[m.group(1).lower()] + " ",
        text,
        flags=re.IGNORECASE,
    )
    # "slips another week", "an extra 2 weeks late": the extra delay is the delay asked about.
    text = re.sub(
        r"\b(?:another|an\s+extra|a\s+further|one\s+more)\s+(day|week|month)\b",
        r"1 \1",
        text,
        flags=re.IGNORECASE,
    )
    text = re.sub(r"\ban?\s+(day|week|month)\b", r"1 \1", text, flags=re.IGNORECASE)
    # "demand x1.25": a factor written before its number.
    text = re.sub(
        r"\b(demand|sales)\s+(?:is\s+|at\s+|of\s+)?x\s*(\d+(?:\.\d+)?)\b",
        r"\1 \2x",
        text,
        flags=re.I,
    )
    # "all locations, demand 1.25x — what breaks first?": a network what-if in shorthand.
    scope = re.match(NETWORK_LEAD, text, re.IGNORECASE)
    if (
        scope
        and re.search(r"\b(?:demand|sales)\b", text, re.I)
        and not re.search(WHAT_IF, text, re.I)
    ):
        text = f"what if {text[scope.end() :].strip()} across the network"
    # "15x SKU-0008", "x15 SKU-0008": a count of units before an item, not a factor.
    text = re.sub(
        r"(?<![\w.])(\d+)\s*x\s+(?=(?:sku|item|product)\b|SKU[-_]?\d)", r"\1 ", text, flags=re.I
    )
    # "at x1.5", ", x2: what's the impact?": a promotion's factor written before its number
    # (never "SKU-0003 x40", a quantity after its item).
    if re.search(
        r"\b(?:promo\w*|promot\w*|(?:up)?lift|featur\w*|scenario|what\s+if)\b", text, re.I
    ):
        text = re.sub(
            r"(?<![\w.-])x\s?(\d+(?:\.\d+)?)\b"
            r"(?!\s*(?:(?:sku|item|product|units?|cases?)\b|SKU[-_]?\d))",
            lambda m: m.group(0) if _after_an_id(text, m.start()) else f"{m.group(1)}x",
            text,
            flags=re.I,
        )
    # "below-SS items", "under SS": safety stock said short.
    text = re.sub(r"\b(below|under|beneath)[\s-]*ss\b", r"\1 safety stock", text, flags=re.I)
    # "2026-08-272026-09-02": two dates run together are a start and an end.
    text = re.sub(r"(\d{4}-\d{2}-\d{2})(?=\d{4}-\d{2}-\d{2}\b)", r"\1 to ", text)
    text = re.sub(
        r"\b(?:a|one)\s+(?:single\s+)?(case|carton|pack|box)\b(?=\s+(?:of\s+)?\S)",
        r"1 \1",
        text,
        flags=re.IGNORECASE,
    )
    text = re.sub(
        r"\b(twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)[- ](one|two|three|four|five|"
        r"six|seven|eight|nine)\b",
        lambda m: str(
            int(NUMBER_WORDS[m.group(1).lower()]) + int(NUMBER_WORDS[m.group(2).lower()])
        ),
        text,
        flags=re.IGNORECASE,
    )
    text = re.sub(
        r"\b(\d+)\s+dozen\b", lambda m: str(int(m.group(1)) * 12), text, flags=re.IGNORECASE
    )
    text = re.sub(r"(\d)\s*(?:percent|per\s+cent|pct)\b", r"\1%", text, flags=re.I)
    # "40k", "$1.5m": an amount of money in thousands or millions.
    text = re.sub(
        r"(?<![\w.,-])(\d+(?:\.\d+)?)\s?([km])\b(?![\w-])",
        lambda m: f"{round(float(m.group(1)) * (1000 if m.group(2).lower() == 'k' else 1e6)):,}",
        text,
        flags=re.IGNORECASE,
    )
    text = re.sub(r"\ba\s+couple\s+of\s+(days|weeks)\b", r"2 \1", text, flags=re.IGNORECASE)
    # "a fortnight late", "slips by a fortnight": a delay of 2 weeks.
    text = re.sub(
        r"\b(?:an?\s+|one\s+)?fortnight(?=\s+(?:late|behind|delay))|\b(by|slips?|slipp(?:ed|ing)|"
        r"delayed|late)\s+(?:an?\s+|one\s+)?fortnight\b",
        lambda m: f"{m.group(1)} 2 weeks" if m.group(1) else "2 weeks",
        text,
        flags=re.IGNORECASE,
    )
    text = re.sub(
        r"\b(?<!\bthat )(?<!\bthis )(?<!\bthe )(?<!\bwhich )(?<!\bthat\s)("
        + "|".join(NUMBER_WORDS)
        + r")\b"
        r"(?!\s+(?:is|was|of\s+(?:them|those|these)|instead)\b)",
        _number_word,
        text,
        flags=re.IGNORECASE,
    )
    text = re.sub(
        r"\b(what|how|where|who|when|that|there)s\b(?!')",
        lambda m: m.group(1) + "'s",
        text,
        flags=re.IGNORECASE,
    )
    text = re.sub(r"\b(don|doesn|isn|aren|can|won|didn|wasn)t\b", r"\1't", text, flags=re.I)
    # "prep the transfer", "prep it": the verb said short.
    text = re.sub(
        r"^(\W*(?:(?:please|pls|ok(?:ay)?|can\s+you|could\s+you)[\s,]+)*)prep\b(?!\s+(?:time|work))",
        r"\1prepare",
        text,
        flags=re.I,
    )
    text = re.sub(r"[A-Za-z]+", lambda m: _correct(m.group(0)), text)
    return re.sub(r"\s+", " ", text).strip()


def _number(text: str) -> float:
    """Return a number as written: a whole one exactly (an int, never through a float)."""
    bare = text.replace(",", "").strip()
    return int(bare) if re.fullmatch(r"[+-]?\d+", bare) else float(bare)


def _find(pattern: str, text: str) -> str | None:
    """Return the first valid id captured by `pattern`'s single slot in the text."""
    for m in _matches(re.compile(_expand(pattern), re.IGNORECASE), text):
        for value in m.groupdict().values():
            if value and (clean := _clean_id(value)):
                return clean
    return None


def _matches(pattern: re.Pattern[str], text: str) -> Iterator[re.Match[str]]:
    """Yield the pattern's matches at every start position (overlapping ones included).

    A match whose id slot captured a plain word ("suppliers supply SKU-1" -> "supply") must not
    hide the valid match that starts inside it.
    """
    pos = 0
    while pos <= len(text) and (m := pattern.search(text, pos)):
        yield m
        pos = m.start() + 1


PAGE_RANGE = re.compile(
    r"\b(?:exceptions?|issues?|alerts?|items?|rows?|results?|ranks?|numbers?|nos?\.?)\s+"
    r"(\d{1,3})\s*(?:to|-|–|through|thru)\s*(\d{1,3})\b",
    re.I,
)
"""A span of the ranking ("exceptions 11 to 20", "items 21-30")."""


RANK_WORD = (
    r"(?:top|biggest|largest|worst|riskiest|costliest|highest|heaviest|hottest|nastiest|"
    r"most\s+(?:urgent|pressing|critical|costly|expensive|important|serious|exposed))"
)
NOT_RANKED = (
    r"(?!\s*(?:%|percent|pc\b|x\b|days?\b|weeks?\b|units?\b|pcs\b|stores?\b|shops?\b|"
    r"locations?\b|sites?\b|dcs?\b|warehouses?\b|categor|suppliers?\b|vendors?\b|skus?\b|"
    r"products?\b|types?\b|kinds?\b|lanes?\b|pos?\b|purchase\b|orders?\b))"
)
RANKED_COUNT = re.compile(
    # "top 3", "worst 3 by money at risk", "biggest 2 exceptions"
    r"\b"
    + RANK_WORD
    + r"\s+(\d{1,3})\b"
    + NOT_RANKED
    # "3 biggest money-at-risk items", "the 4 largest", "5 most urgent ones"
    + r"|\b(\d{1,3})\s+"
    + RANK_WORD
    + r"\b(?!\s+(?:[\w$-]+\s+)?(?:stores?|shops?|locations?|"
    r"sites?|dcs?|warehouses?|categor\w*|suppliers?|vendors?|skus?|products?|types?|lanes?|"
    r"pos?|purchase|orders?|sellers?|movers?)\b)"
    # "5 exceptions", "2 issues with the most money at risk"
    r"|(?<!priority\s)(?<!priority-)\b(\d{1,3})\s+(?:most\s+\w+\s+)?"
    r"(?:exceptions|issues|alerts|problems|flags)\b"
    # "I only have time for 3", "room to tackle 4 today"
    r"|\b(?:time|room|capacity|bandwidth)\s+(?:for|to\s+(?:do|fix|handle|tackle|look\s+at|"
    r"work\s+on|deal\s+with))\s+(?:the\s+)?(\d{1,2})\b" + NOT_RANKED,
    re.I,
)
"""How many of the ranked exceptions are asked for: a count said with a rank ("worst 3", "the 4
biggest", "5 exceptions") or with the time there is ("only time for 3"), not a count of
places, days or units ("top 3 stores", "3 days")."""


def ranked_count(text: str) -> int | None:
    """Return the count of ranked exceptions a request asks for, else None."""
    m = RANKED_COUNT.search(text)
    if m is None:
        return None
    return max(1, min(int(next(g for g in m.groups() if g)), 100))


def _top(text: str, default: int = DEFAULT_TOP) -> int:
    m = re.search(r"\btop\s*(\d+)\b", text, re.I)
    count = max(1, min(int(m.group(1)), 100)) if m else ranked_count(text)
    return default if count is None else count


def _exception_type(text: str) -> str | None:
    for listed in ExceptionType:
        # the type's own id ("promo_uncovered", "late-po"), not an exception id's head
        spelled = listed.value.replace("_", "[_ -]")
        if re.search(rf"(?<![\w-]){spelled}(?![\w:-])", text, re.I):
            return listed.value
    for kind, pattern in TYPE_PATTERNS:
        if pattern.search(text):
            return kind
    return None


def _list_args(text: str, top: int | None = None, kind: str | None = None) -> dict[str, Any]:
    """Return list_exceptions arguments: top, then the type, location and SKU filters found."""
    args: dict[str, Any] = {"top": top if top is not None else _top(text)}
    span = PAGE_RANGE.search(text)
    if span and top is None and 1 <= int(span.group(1)) <= int(span.group(2)):
        # "exceptions 11 to 20": that page of the ranking
        first, end = int(span.group(1)), int(span.group(2))
        args["top"] = max(1, min(end - first + 1, 100))
        if first > 1:
            args["offset"] = first - 1
    kind = kind or _exception_type(text)
    if kind:
        args["type"] = kind
    loc = _find(r"\b(?:at|in)\s+{loc}", text)
    if loc:
        args["location"] = loc
    sku = _find(r"\b(?:for|of|on)\s+{sku}", text) or _find(r"\b(?P<sku>SKU[-_]?\w+)", text)
    if sku and sku != loc:
        args["sku"] = sku
    level = priority_level(text)
    if level is not None:
        args["priority"] = level
    return args


PRIORITY_WORDS = {"1": 1, "2": 2, "3": 3, "one": 1, "two": 2, "three": 3}
PRIORITY_RE = re.compile(
    r"\bp([123])s?\b|\bpriority[\s-]*(one|two|three|[123])(?:s|'s)?\b"
    r"|\b(top|highest)[\s-]+priority\b"
    # priority 1 in the tool's own words: "1 = act today"
    r"|\b(?:(act)(?:[\s-]+today|-now|-immediately)|(must)-act)\b",
    re.I,
)


def priority_level(text: str) -> int | None:
    """Return the exception priority a request names ("P1s", "priority one", "top-priority")."""
    m = PRIORITY_RE.search(text)
    if m is None:
        return None
    if m.group(3) or m.group(4) or m.group(5):
        return 1
    return PRIORITY_WORDS[(m.group(1) or m.group(2)).lower()]


TYPE_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (kind, re.compile(pattern, re.IGNORECASE))
    for kind, pattern in (
        (
            ExceptionType.BELOW_SAFETY_STOCK.value,
            r"\b(?:below|under|breach\w*)\s+(?:the\s+)?safety\s+stock",
        ),
        (
            ExceptionType.LATE_PO.value,
            r"\b(?:late|overdue|delayed)\s+(?:pos?|purchase\s+orders?|deliver)",
        ),
        (ExceptionType.PROMO_UNCOVERED.value, r"\bpromo(?:tion)?s?\b"),
        (
            ExceptionType.FORECAST_BIAS.value,
            r"\bbias\w*|\b(?:over|under)[- ]?forecast"
            r"|\bforecasts?\b.*\b(?:over|under)[- ]?(?:shot|shoot)",
        ),
        (
            ExceptionType.INVENTORY_ANOMALY.value,
            r"\banomal\w*|\bnegative\s+(?:stock|inventory|on[- ]hand)|\bphantom",
        ),
        (
            ExceptionType.OVERSTOCK.value,
            r"\bover[- ]?stock\w*|\bexcess\b(?!\s+(?:demand|sales))|\bsurplus\b"
            r"|\btoo\s+much\s+(?:stock|inventory)"
            r"|\b(?:more\s+stock|more\s+inventory)\s+than\s+(?:we|it|they)\s+need",
        ),
        (
            ExceptionType.STOCKOUT_RISK.value,
            r"\bstock[- ]?outs?\b|\bout\s+of\s+stock|\boos\b|\brun(?:s|ning)?\s+(?:out|dry)\b"
            r"|\bgo(?:es|ing)?\s+(?:to\s+)?(?:run\s+)?(?:dry|empty)\b",
        ),
    )
)


DURATION_WORDS = re.compile(
    r"\b(?P<n>" + "|".join(NUMBER_WORDS) + r"|an?)[\s-]+(?P<unit>days?|weeks?|months?)\b", re.I
)
"""A length of time said in words ("a one-week delay", "ten more days" once "more" is read)."""


def _duration_digits(text: str) -> str:
    """Write a length of time plainly: "one-week" -> "1 week", "5 more days" -> "5 days"."""
    text = re.sub(r"\b(?:an?\s+|one\s+)?fortnight\b", "2 weeks", text, flags=re.I)
    text = re.sub(
        r"\b(\d+|" + "|".join(NUMBER_WORDS) + r")(?:\s+(?:more|extra|further|additional))?[\s-]+"
        r"(?=(?:days?|weeks?|months?)\b)",
        r"\1 ",
        text,
        flags=re.I,
    )
    return DURATION_WORDS.sub(
        lambda m: f"{NUMBER_WORDS.get(m.group('n').lower(), '1')} {m.group('unit')}", text
    )


PERCENT_WORDS = re.compile(
    r"\b(?P<n>\d+(?:\.\d+)?|" + "|".join(NUMBER_WORDS) + r")[\s-]*(?:percent|per\s+cent|pct)\b",
    re.I,
)
"""A share said in words ("twenty percent", "15 per cent"): written "20%"."""


def _percent_digits(text: str) -> str:
    """Write a share plainly: "twenty percent" -> "20%", "15 per cent" -> "15%"."""
    return PERCENT_WORDS.sub(
        lambda m: NUMBER_WORDS.get(m.group("n").lower(), m.group("n")) + "%", text
    )


def _scenario_args(text: str) -> dict[str, Any]:
    """Return run_what_if's scenario arguments found in the text (only those given)."""
    args: dict[str, Any] = {}
    text = _percent_digits(_duration_digits(text))
    delay = re.search(
        r"(?P<n>\d+)\s*(?P<unit>days?|weeks?|months?)\s*(?:(?:more|extra|further|later|"
        r"longer)\s+(?:than\s+(?:planned|expected|promised|due|scheduled)\s+)?)?"
        # "a 21 day SUP-05 delay", "+14 days lead time": the supplier or "of" between.
        r"(?:(?:of\s+|on\s+)?(?:SUP[-_]?\d[\w-]*\s+)?)?(?:late|behind|delay|slip|(?:of\s+)?(?:extra\s+)?"
        r"lead[- ]?time)"
        r"|(?:delay(?:ed|s|ing)?|slip(?:s|ped|ping)?|late|behind|"
        # "pushes every open PO back", "moves its deliveries out"
        r"(?:push|mov|shift|bump)(?:es|s|ed|e|ing)?\s+(?:[\w-]+\s+){0,4}?(?:back|out)|"
        r"pushed|held\s+up|(?:arrives?|lands?|comes?|ships?|delivers?)\s+(?:in\s+)?later)\s+"
        r"(?:(?:by|for|another|an|extra|a|further|more|additional|out|back|to)\s+){0,3}"
        r"(?P<n2>\d+)\s*(?:(?:more|extra|further|additional)\s+)?(?P<unit2>days?|weeks?|months?)"
        # "if we lose Voltix for a month": nothing arrives from it for that long.
        r"|\b(?:lose|losing|lost|without|(?:is|are|goes|go)\s+(?:down|offline|out)|can'?t\s+"
        r"(?:deliver|ship|supply)|stops?\s+(?:shipping|delivering|supplying))\b.*?\bfor\s+"
        r"(?:another\s+|an?\s+(?:extra|further)\s+|(?:an?\s+)?(?:extra|further|more)\s+)?"
        r"(?P<n3>\d+)\s*(?P<unit3>days?|weeks?|months?)"
        # "a delay scenario: Pacific, 21 days": the delay, then its supplier, then its length.
        r"|\bdelay(?:ed|s)?\b(?:\s+(?:scenario|case|what[- ]if))?[\s:,;-]+"
        r"(?:[\w'-]+[\s:,;-]+){0,3}?(?P<n5>\d+)\s*(?P<unit5>days?|weeks?|months?)\b"
        # "slips everything by 10 days", "delays all its orders by a week": an object between.
        r"|\b(?:delay(?:ed|s|ing)?|slip(?:s|ped|ping)?|push(?:es|ed|ing)?)\s+(?:[\w'-]+\s+){1,4}?"
        r"by\s+(?P<n4>\d+)\s*(?P<unit4>days?|weeks?|months?)"
        # "SUP-02 +10 days", "what if SUP-02 +2 weeks": a supplier's deliveries plus a length.
        r"|\bSUP[-_]?\d[\w-]*\W{0,3}\+\s*(?P<n6>\d+)\s*(?P<unit6>days?|weeks?|months?)\b",
        text,
        re.I,
    )
    if delay:
        n = int(next(g for g in delay.group("n", "n2", "n3", "n4", "n5", "n6") if g))
        units = delay.group("unit", "unit2", "unit3", "unit4", "unit5", "unit6")
        unit = next(g for g in units if g).lower()
        days = {"w": 7, "m": 28}.get(unit[0], 1)
        args["supplier_delay_days"] = n * days
        sup = _find(r"\b(?:supplier|vendor)\s+(?P<sup>" + ID + ")", text) or _find(
            r"\b(?P<sup>SUP[-_]?\d[\w-]*)", text
        )
        if sup is None:
            subject = re.match(
                r"^.*?\bif\s+(?P<sup>" + ID + r")\s+(?:is|are|delivers|ships)", text, re.I
            )
            sup = _clean_id(subject.group("sup")) if subject else None
        if sup:
            args["supplier_id"] = sup
    factor = _factor(text)
    if factor is not None:
        promo = r"\bpromo(?:tion)?s?\b|\b(?:planned|promo(?:tion)?|expected|the)\s+(?:up)?lift\b"
        key = "promo_factor" if re.search(promo, text, re.I) else "demand_factor"
        args[key] = factor
    return args


FACTOR_PATTERNS: tuple[tuple[re.Pattern[str], Callable[[float], float]], ...] = tuple(
    (re.compile(p, re.IGNORECASE), f)
    for p, f in (
        (
            r"(?:rises?|increases?|grows?|goes\s+up|jumps?|climbs?|spikes?|is\s+up|up|\+)\s*"
            r"(?:by\s+)?(\d+(?:\.\d+)?)\s*%",
            lambda n: 1 + n / 100,
        ),
        (
            r"(?:drops?|falls?|decreases?|declines?|goes\s+down|is\s+down|down|shrinks?|-)\s*"
            r"(?:by\s+)?(\d+(?:\.\d+)?)\s*%",
            lambda n: 1 - n / 100,
        ),
        (
            r"(\d+(?:\.\d+)?)\s*%\s*(?:(?:of\s+)?(?:demand|sales|volume|units)\s+)?(?:more|higher|"
            r"above|hotter|hot|high|heavy|better|stronger|strong|bigger|greater|over|ahead|faster|"
            r"extra)\b",
            lambda n: 1 + n / 100,
        ),
        (
            r"(\d+(?:\.\d+)?)\s*%\s*(?:lift|uplift|boost|increase|bump|rise|higher\s+demand)",
            lambda n: 1 + n / 100,
        ),
        (r"\b(?:up)?lift\s+(?:of\s+)?(?:x\s*)?(\d+(?:\.\d+)?)(?!\s*%)\b", lambda n: n),
        (
            r"(\d+(?:\.\d+)?)\s*%\s*(?:(?:of\s+)?(?:demand|sales|volume|units)\s+)?(?:less|lower|"
            r"below|fewer|cooler|colder|cold|low|light|weaker|weak|worse|softer|soft|slower|smaller|"
            r"under|short)\b",
            lambda n: 1 - n / 100,
        ),
        (
            r"(\d+(?:\.\d+)?)\s*%\s*(?:\w+\s+)?(?:drop|decline|fall|decrease|cut|reduction|dip|"
            r"slump)",
            lambda n: 1 - n / 100,
        ),
        (
            r"(\d+(?:\.\d+)?)\s*%\s*(?:\w+\s+)?(?:rise|increase|growth|jump|spike|surge|gain)",
            lambda n: 1 + n / 100,
        ),
        (r"\b(\d+(?:\.\d+)?)\s*(?:x|times)(?![\w-])", lambda n: n),
        # "double-check" / "triple-checked" are checks, not sizes
        (r"\bdoubl(?:e|es|ed|ing)\b(?![\s-]*check)|\btwice\b", lambda n: 2.0),
        (r"\btripl(?:e|es|ed|ing)\b(?![\s-]*check)", lambda n: 3.0),
        (r"\bhalv(?:e|es|ed|ing)\b|\bhalf\b", lambda n: 0.5),
    )
)


DOWN_STEMS = tuple(
    """
    quiet slow weak soft flat slugg low light cold cool dull calm lazi lazy small thin poor lean
    sleep tame mild gentl spars wors bad lame limp short tight narrow dead dim meek timid shy
    down less fewer lesser
    """.split()  # noqa: SIM905
)
"""Stems of comparatives that mean less demand ("quieter", "more sluggish", "flatter")."""
_SHARE = (
    r"(?P<pct>\d+(?:\.\d+)?)\s*(?:%|per\s*cent|pct)|(?P<frac>(?:an?|one)\s+(?:third|quarter|fifth|"
    r"tenth)|half|two\s+thirds|three\s+quarters)"
)
FRACTIONS = {
    "third": 1 / 3, "quarter": 0.25, "fifth": 0.2, "tenth": 0.1, "half": 0.5,
    "two thirds": 2 / 3, "three quarters": 0.75,
}  # fmt: skip
SIZED_PATTERNS: tuple[tuple[re.Pattern[str], int], ...] = tuple(
    (re.compile(p, re.IGNORECASE), sign)
    for p, sign in (
        # "20% more sluggish", "10% more lively": "more" + an adjective, read by the adjective
        (r"(?P<pct>\d+(?:\.\d+)?)\s*%\s+more\s+(?P<adj>[a-z]+)\b(?=\s+(?:\w+\s+){0,2}?than\b)", 0),
        # "20% busier than planned", "35% heavier footfall than expected": any comparative
        (r"(?P<pct>\d+(?:\.\d+)?)\s*%\s+(?:(?:of\s+)?(?:demand|sales|volume|units)\s+)?"
         r"(?P<adj>[a-z]+(?:er|ier))\b(?:\s+[\w-]+){0,2}?\s+than\b", 0),
        # "beats its plan by 30%", "could outperform the forecast by 40%", "overshoots by a third"
        (r"\b(?:out(?:perform|sell|run|pace|strip|do|shine)\w*|overshoot\w*|overshot|"
         r"over[\s-]?(?:deliver|perform|achieve|sell|run)\w*|beat(?:s|ing)?|exceed\w*|surpass\w*|"
         r"top(?:s|ping)?|outstrip\w*)\b(?:\s+[\w'-]+){0,4}?\s+by\s+(?:about\s+|around\s+|roughly\s+)?"
         r"(?:" + _SHARE + r")", 1),
        (r"\b(?:under[\s-]?(?:perform|shoot|deliver|achieve|sell|run)\w*|undershot|miss(?:es|ed)?|"
         r"falls?\s+short\s+of|fell\s+short\s+of|lag(?:s|ged|ging)?|trail\w*)\b(?:\s+[\w'-]+){0,4}?"
         r"\s+by\s+(?:about\s+|around\s+|roughly\s+)?(?:" + _SHARE + r")", -1),
    )
)  # fmt: skip
"""A demand change sized by a comparative or a verb, not a direction word: +1 up, -1 down,
0 read from the adjective (`DOWN_STEMS` down, any other comparative up)."""


def sized_factor(text: str) -> float | None:
    """Return the demand factor a comparative or a verb sizes ("20% busier than planned").

    "N% <adjective>er than ..." is up unless the adjective is one of less demand ("quieter",
    "flatter"); "N% more <adjective>" likewise; "outperform / overshoot / beat ... by N%" (or
    "by a third", "by half") is up, "underperform / fall short ... by N%" down.
    """
    for pattern, sign in SIZED_PATTERNS:
        m = pattern.search(text)
        if m is None:
            continue
        if m.groupdict().get("frac"):
            share = FRACTIONS[re.sub(r"^(?:an?|one)\s+", "", m.group("frac").lower())]
        else:
            share = float(m.group("pct")) / 100
        if sign == 0:
            adj = m.group("adj").lower()
            sign = -1 if adj.startswith(DOWN_STEMS) else 1
        return round(1 + sign * share, 4)
    return None


def sized_comparative(text: str) -> bool:
    """Whether a request sizes a demand change by a comparative or a verb (`sized_factor`)."""
    return sized_factor(text) is not None


def _factor(text: str) -> float | None:
    sized = sized_factor(text)
    if sized is not None:
        return sized
    for pattern, to_factor in FACTOR_PATTERNS:
        m = pattern.search(text)
        if m:
            value = float(m.group(1)) if m.groups() else 0.0
            return round(to_factor(value), 4)
    return None


def _pair(text: str) -> tuple[str | None, str | None]:
    """Return the SKU and location of "<sku> at <location>" in the text."""
    for m in re.finditer(r"(?:^|\s)" + SLOTS["sku"] + SLOTS["at"] + SLOTS["loc"], text, re.I):
        sku, loc = _clean_id(m.group("sku")), _clean_id(m.group("loc"))
        if sku and loc and not sku.startswith("SUP"):
            return sku, loc
    return None, None


def _horizon(text: str) -> int:
    text = re.sub(
        r"\b(" + "|".join(NUMBER_WORDS) + r")(?=[\s-]+(?:days?|weeks?|months?)\b)",
        lambda m: NUMBER_WORDS[m.group(1).lower()],
        text,
        flags=re.I,
    )  # "the next three weeks"
    if re.search(r"\bfortnight\b", text, re.I) and not re.search(r"\d\s*(?:days?|weeks?)", text):
        return 14
    m = re.search(r"(\d+)[\s-]*(days?|weeks?|months?)\b", text, re.I)
    if m:
        n, unit = int(m.group(1)), m.group(2).lower()
        days = n * 7 if unit.startswith("week") else n * 28 if unit.startswith("month") else n
        return max(1, min(days, 365))
    m = re.search(r"\bnext\s+(week|month|quarter)\b", text, re.I)
    if m:
        return {"week": 7, "month": 28, "quarter": 91}[m.group(1).lower()]
    return DEFAULT_HORIZON


WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
BY_WEEKDAY = re.compile(
    r"\b(?:by|before|until|till|til|through|thru|up\s+(?:to|until|till)|ahead\s+of|no\s+later\s+than)\s+"
    r"(?:(?:this|the\s+coming|coming|next)\s+)?(?:(?:end\s+of|eod)\s+)?"
    r"(?P<day>mon|tue|wed|thu|fri|sat|sun)(?:day|s|sday|nesday|rsday|urday|\.)?\b"
    r"(?:\s+(?:eod|end\s+of\s+day|close))?",
    re.I,
)
"""A window that ends on a weekday ("by friday", "before Mon", "until this Thursday")."""


BY_DATE = re.compile(
    r"\b(?:by|before|until|till|til|through|thru|up\s+(?:to|until|till)|ahead\s+of|"
    r"no\s+later\s+than)\s+(?:the\s+)?(?P<date>\d{4}-\d{2}-\d{2}|\d{1,2}(?:st|nd|rd|th)"
    r"(?:\s+(?:of\s+)?[a-z]{3,9})?|\d{1,2}\s+(?:of\s+)?[a-z]{3,9}|[a-z]{3,9}\.?\s+\d{1,2}"
    r"(?:st|nd|rd|th)?)\b",
    re.I,
)
"""A window that ends on a date ("before the 20th", "by 1st of March", "until Feb 20")."""


def _window_end(text: str, as_of: date) -> date | None:
    """Return the date a window ends on ("before the 20th": the next 20th from `as_of`)."""
    m = BY_DATE.search(text)
    if m is None:
        return None
    token = m.group("date").replace(".", "")
    bare = re.fullmatch(r"(\d{1,2})(?:st|nd|rd|th)", token, re.I)
    if bare is None:
        return _day(token, as_of)
    day, year, month = int(bare.group(1)), as_of.year, as_of.month
    for _ in range(2):  # this month's day, else next month's
        try:
            found = date(year, month, day)
        except ValueError:
            found = None
        if found is not None and found >= as_of:
            return found
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return None


def window_days(text: str, as_of: date | None = None) -> int | None:
    """Return the days ahead a request's time window reaches ("arrivals this week" -> 7).

    With the day it is (`as_of`), a weekday ends the window too: "by friday" on a Saturday
    reaches 6 days ahead (a weekday that is today means the same day next week); so does a
    date: "before the 20th" on the 15th reaches 5 days ahead.
    """
    if as_of is not None:
        by = BY_WEEKDAY.search(text)
        if by is not None:
            ahead = (WEEKDAYS.index(by.group("day").lower()[:3]) - as_of.weekday()) % 7
            return ahead or 7
        end = _window_end(text, as_of)
        if end is not None:
            return (end - as_of).days
    m = re.search(
        r"\b(?:in\s+|within\s+|over\s+|during\s+)?(?:the\s+)?(?:next|coming)\s+(\d+)\s*"
        r"(days?|weeks?)\b|\bwithin\s+(\d+)\s*(days?|weeks?)\b",
        text,
        re.I,
    )
    if m:
        n, unit = int(m.group(1) or m.group(3)), (m.group(2) or m.group(4)).lower()
        return n * 7 if unit.startswith("week") else n
    for pattern, days in (
        (r"\b(?:due\s+)?today\b", 0),
        (r"\btomorrow\b", 1),
        (
            r"\b(?:this|the\s+current)\s+week\b|\bthe\s+next\s+week\b|\bnext\s+7\s+days\b"
            r"|\b(?:the\s+)?(?:coming|upcoming)\s+week\b|\b(?:the\s+)?week\s+ahead\b",
            7,
        ),
        (r"\b(?:with)?in\s+(?:a|one)\s+week\b", 7),
        (r"\bnext\s+week\b|\bfortnight\b", 14),
        (r"\b(?:this|next|the\s+coming|the\s+upcoming)\s+month\b|\bmonth\s+ahead\b", 28),
    ):
        if re.search(pattern, text, re.I):
            return days
    return None


# -- the intent table ----------------------------------------------------------------------------

VERBS_DRAFT = r"(?:fix|draft|prepare|resolve|handle|raise|create|action|solve|apply|propose)"
# Imperative only: "what's the action for the top exception?" is a question, not an order.
IMPERATIVE = r"^\W*(?:(?:please|pls|plz)\s+)?(?:(?:can|could|would|will)\s+you\s+(?:please\s+)?)?"
MOVE_VERB = r"\b(?:transfer|xfer|move|send|ship|shift|relocate|rebalance)(?:\s+of)?"
PO_VERB = (
    r"\b(?:(?:raise|create|place|draft|make|open)\s+(?:a\s+|an\s+)?(?:new\s+)?"
    r"(?:po|purchase\s+order|order)(?:\s+(?:for|of))?|order|buy|purchase|reorder|po\s+for|"
    r"(?:po|purchase\s+order)\s*:)"
)
# Where a request's scope is the whole network ("on-hand for SKU-1 across the network").
NETWORK = (
    r"(?:\s+(?:across|in|throughout|over|at)\s+(?:the\s+|all\s+|our\s+)?(?:whole\s+|entire\s+)?"
    r"(?:network|locations|sites|stores|warehouses))?"
)
PACK_WORDS = r"(?:cases?|cs|ctns?|cartons?|packs?|boxes|box)"
"""Words that count a quantity in the item's case packs ("2 cases of SKU-0001")."""
QTY = (
    r"\s+{n}\s+(?:x\s+)?(?:units?\s+|pcs\s+|pieces\s+|ea\s+|eaches\s+|"
    + PACK_WORDS
    + r"\s+)?(?:of\s+)?"
)
WHAT_IF = (
    r"\b(?:what\s+if|what\s+happens\s+if|what\s+would\s+happen\s+if|scenario|simulate|suppose)\b"
)

EVERYDAY_MOVE = (
    r"\b(?:transfer(?:s|red|ring)?|xfer|mov(?:e|es|ed|ing)|send(?:s|ing)?|sent|ship(?:s|ped|ping)?|"
    r"shift(?:ed)?|relocate[d]?|rebalance[d]?|top\s+(?:\w+\s+)?up|push(?:ed)?|replenish(?:ed)?|"
    r"restock(?:ed)?)\b"
)
FETCH = r"\b(?:get|bring|pull|take|grab)\b.*\bfrom\b"
FETCH_QTY = (
    r"\b(?:get|bring|pull|take|grab)\s+(?:\w+\s+)?{n}\b(?!\s*(?:%|days?|weeks?|x\b)).*\bfrom\b"
)
NO_QTY = r"(?!.*(?:(?<![\w.-])|(?<=\bx))\d[\d,]*(?:(?![\w.-])|(?=x\b)))"
"""No standalone number anywhere after this point (a quantity would be one, "x50" and "50x"
as well)."""
QUANTITY = re.compile(r"(?<![\w.,-])\d+(?:[.,]\d+)?(?![\w.,-])")
"""A standalone number, not part of an id or a date ("raise 108 with <supplier>")."""

LEVEL_WORDS = (
    r"(?:safety\s+stock|reorder\s+point|order[- ]up[- ]to(?:\s+level)?|service\s+level|"
    r"buffer\s+stock)"
)
WHY_LEVELS = _compile(
    # "why is the safety stock of SKU-0001 at S003 so high?", "why is A at S1's service level 98%"
    r"\bwhy\b.*?\b" + LEVEL_WORDS + r"\b.*?(?:^|\s){sku}{at}{loc}",
    r"\bwhy\b.*?(?:^|\s){sku}{at}{loc}\b.*?\b" + LEVEL_WORDS + r"\b",
)
LEVELS_QUERY = "safety stock and service level by ABC class"

POLICY_WORDS = (
    r"(?:rules?|polic(?:y|ies)|procedures?|process|playbook|guidelines?|sops?|matrix|"
    r"thresholds?|limits?|targets?|standards?)"
)
POLICY_PATTERNS = _compile(
    # "what's our rule for transfers", "what is the policy on negative stock"
    r"\b(?:what(?:'s|\s+is|\s+are|\s+was)|tell\s+me|explain|show\s+me|remind\s+me\s+"
    r"(?:of|about))\s+(?:our|the)\s+(?:[\w-]+\s+){0,3}?" + POLICY_WORDS + r"\b",
    # "who approves a PO over 25,000", "who can sign off a transfer"
    r"\bwho\s+(?:can\s+|may\s+|must\s+|should\s+|has\s+to\s+|needs?\s+to\s+|is\s+allowed\s+to\s+)?"
    r"(?:approves?|signs?\s+off|authori[sz]es?|is\s+allowed\s+to\s+approve)\b",
    # "whos the one that signs off transfers", "who's the person who approves a big PO"
    r"\bwho(?:s|'s|\s+is|\s+are)?\s+(?:the\s+)?(?:one|person|people|manager|role)s?\s+"
    r"(?:that|who)\s+(?:can\s+|may\s+|must\s+|should\s+)?(?:approves?|signs?\s+off|authori[sz]es?)\b",
    # "who actually signs off on an order that big?", "who give the ok for this fee?"
    r"\bwho\s+(?:actually|really|normally|usually|then|exactly|else)\s+(?:approves?|signs?\s+off|"
    r"authori[sz]es?)\b|\bwho\s+(?:\w+\s+)?(?:give|gives|giving)\s+(?:the\s+|an?\s+)?(?:ok|okay|"
    r"go[- ]ahead|green\s+light|sign[- ]?off|approval)\b",
    # "how do we handle negative stock", "how should we treat phantom inventory"
    r"\bhow\s+(?:do|should|must|can)\s+(?:we|i)\s+(?:handle|treat|deal\s+with|manage|decide|"
    r"approve|escalate|expedite|review|classify|set|choose|size|plan|mark\s*down|"
    r"rebalance|count|correct)\b",
    # "why do we keep safety stock for the review period", "why does the policy ..."
    r"\bwhy\s+(?:do|does|did|must|should)\s+(?:we|our|the\s+(?:policy|rule|playbook))\b",
    # "when should we expedite", "when do we rebalance instead of buying"
    r"\bwhen\s+(?:do|should|must|can|may)\s+we\s+(?:expedite|escalate|transfer|rebalance|"
    r"mark\s*down|pre-?build|buy|order|review|count)\b",
    r"\b(?:according\s+to|per|under|in)\s+(?:our|the)\s+(?:[\w-]+\s+){0,2}?"
    r"(?:polic(?:y|ies)|playbook|sops?|rules?|approval\s+matrix)\b",
    r"\bapproval\s+(?:matrix|limits?|authority|thresholds?|rules?)\b",
    # "what is the minimum transfer value", "what's our maximum order value"
    r"^(?!.*\bSKU[-_]?\d).*\bwhat(?:'s|\s+is|\s+are)\s+(?:the|our)\s+(?:minimum|maximum|min|max)\s+"
    r"(?:[\w-]+\s+){0,2}?(?:value|size|quantity|qty|order|transfer)s?\b",
    # "who should be on the phone to the supplier", "who do we ring when a PO is a week late"
    r"\bwho\s+(?:should|must|needs?\s+to|has\s+to|is\s+(?:supposed|meant|expected)\s+to|ought\s+to|"
    r"gets?\s+to)\s+(?:be\s+)?(?:on\s+the\s+phone|call\w*|ring\w*|phon\w*|chas\w*|contact\w*|"
    r"escalat\w*|talk\w*|speak\w*|get\s+involved|step\s+in|take\s+over|own\s+(?:it|this|that)|"
    r"be\s+(?:told|informed|notified|involved|looped\s+in|copied))\b",
    r"\bwho\s+(?:do|should|must)\s+(?:we|i)\s+(?:call|ring|phone|escalate\s+to|tell|notify|contact|"
    r"involve|loop\s+in|go\s+to)\b",
    r"\bwhose\s+(?:job|responsibility|call|role)\b",
    # "if an approver edits the qty, is it checked against their limit again?"
    r"\b(?:checked|re-?checked|validated|re-?validated|tested|measured|held)\s+(?:again\s+)?against\s+"
    r"(?:the|their|his|her|its|an?|my|our)?\s*(?:\w+\s+)?(?:limits?|thresholds?|authority|matrix)\b",
    # "what's the max days of cover for C items", "max cover for class c?"
    r"^(?!.*\bSKU[-_]?\d).*\b(?:max(?:imum)?|min(?:imum)?|upper|lower|highest|most)\s+(?:\w+\s+){0,2}?"
    r"(?:days?\s+of\s+cover|cover)\b",
    r"(?=.*\b(?:max\w*|min\w*|cover|limits?|thresholds?|service|safety|review|targets?|rules?)\b).*"
    r"\b(?:class\s+[abc]|[abc][- ](?:items?|class|skus?|products?|lines?))\b",
    # "above what value does a PO need a director", "what PO value needs director approval"
    r"\b(?:above|over|from|beyond|past|at)\s+(?:what|which)\s+(?:\w+\s+)?(?:value|amount|size|level|"
    r"spend)\b",
    # "what's the longest we can hold an A item": a question about an ABC class
    r"^(?!.*\bSKU[-_]?\d)(?=.*\b(?:what|how|which|when|can|may|should|is|are|do)\b).*\b(?:class\s+[abc]|"
    r"(?<!\bis\s)(?<!\bas\s)[abc][- ](?:items?|class|skus?|products?|lines?))\b",
    r"\bwhat\s+(?:\w+\s+){0,2}?(?:value|amount|size)\s+(?:\w+\s+){0,3}?(?:needs?|requires?)\s+"
    r"(?:an?\s+|the\s+)?(?:\w+\s+)?(?:approv\w*|director|manager|sign[- ]?off|admin)\b",
    r"\bservice[- ]levels?\b.*\b(?:abc|class(?:es)?|[abc][- ]items?)\b",
    r"\b(?:abc|class(?:es)?|[abc][- ]items?)\b.*\bservice[- ]levels?\b",
    r"\b(?:is\s+there|do\s+we\s+have)\s+(?:a|an|any)\s+(?:[\w-]+\s+){0,2}?" + POLICY_WORDS,
    # "under what conditions can we expedite", "what has to be true before we pay to rush it"
    r"\bunder\s+what\s+(?:conditions|circumstances)\b",
    # "can bob sign off a 30k PO on his own?", "could dana ok a 12,000 transfer": a person's limit
    r"^\W*(?:can|could|may|is|would)\s+(?!you\b|i\b)[a-z]+\s+(?:be\s+)?(?:allowed\s+to\s+|able\s+to\s+)?"
    r"(?:approve|sign\s+off|ok|okay|authori[sz]e)\b(?=.*\d)",
    r"^(?!.*\bSKU[-_]?\d)\bwhat\s+(?:has|needs|have|must)\s+(?:to\s+)?(?:be\s+true|hold|be\s+the\s+case)\b",
)


# -- entities, aliases and follow-ups -------------------------------------------------------------

ORDINALS = {
    "first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4,
    "fifth": 5, "5th": 5, "sixth": 6, "6th": 6, "seventh": 7, "7th": 7, "eighth": 8, "8th": 8,
    "ninth": 9, "9th": 9, "tenth": 10, "10th": 10,
}  # fmt: skip
ORDINAL_RE = re.compile(
    r"\b(?:the\s+)?(?P<word>" + "|".join(ORDINALS) + r"|last)(?:\s+(?:one|exception|item|"
    r"row|issue|line|alert))?\b|(?:#|\bnumber\s+|\bno\.?\s*|\bitem\s+)(?P<num>\d{1,2})\b"
    r"|\bthe\s+(?P<bottom>bottom)\s+(?:one|1|exception|item|row|issue|alert|entry)\b",
    re.IGNORECASE,
)
FOLLOW_UP_RE = re.compile(
    r"^\W*(?:(?:and|ok(?:ay)?|right|so)(?:\s+|\s*,\s*)(?=\w))?(?:and\s+|ok\s+|now\s+)?"
    r"(?:(?:(?:do|ask|check|run)\s+)?(?:the\s+)?same\s+"
    r"(?:(?:thing|question|again|query|check|deal|request|ask|window|period|time\s*frame|"
    r"horizon|dates|range|span|days|weeks?)\s+)?(?:for|at|with|about|over\s+at)|"
    r"ditto\s+(?:for|at)|(?:likewise|similarly)\s+(?:for|at)|(?:repeat|redo|rerun)\s+"
    r"(?:it|that|this)\s+(?:for|at)|"
    r"what\s+about|how\s+about|and(?:\s+(?:for|at|in|with))?|"
    r"now\s+(?:for|at|do(?!\s+(?:it|that|this|so|them)\b))|"
    r"(?:and\s+)?(?:vs\.?|versus|compared\s+(?:with|to)|next\s+to)(?=\s)|"
    r"(?:break|split)\s+(?:it|that|this|them)\s+(?:down\s+)?(?=by\b)|(?:can\s+you\s+)?"
    r"(?:show|give)\s+(?:me\s+)?(?:it|that|this)\s+(?=by\b)|"
    r"(?:ok(?:ay)?\W+)?(?:then|instead|rather)\W+(?:try\s+)?(?=from\s(?!\s*(?:which|what|where|whom)\b))|(?:ok(?:ay)?\W+)?"
    r"(?:try|use)\s+(?=from\s(?!\s*(?:which|what|where|whom)\b))|"
    r"(?:(?:fine|ok(?:ay)?|alright|right|sure|no\s+worries)\W+)?(?:then\W+)?(?:just\s+)?"
    r"(?:take|get|send|ship|move|source|pull|bring|do)\s+(?:it|them|that|those|this|the\s+stock)"
    r"\s+(?=from\s(?!\s*(?:which|what|where|whom)\b)))\s*"
    r"(?P<rest>.+?)\W*$",
    re.IGNORECASE,
)
"""A follow-up that repeats the previous request with one thing changed ("same for S012", "then
from DC-SOUTH"); "then from which places can S012 receive?" asks, and changes no source, and
"ok, now do it" carries out what was offered (no place follows "do")."""
OTHER_DC_RE = re.compile(
    r"\b(?:the\s+)?other\s+(?:dc|warehouse|distribution\s+cent(?:er|re))\b", re.I
)
OTHER_STORE_RE = re.compile(r"\b(?:the\s+)?other\s+(?:store|shop|branch)\b", re.I)


def other_location(here: str, resolver: Any, *, store: bool) -> str | None:
    """Return "the other store" (the one sibling store of a store) or "the other DC"."""
    ent = resolver.get("location", here) if resolver is not None else None
    if ent is None:
        return None
    if store:
        siblings = [
            e.id
            for e in resolver.entities["location"].values()
            if e.group == "store" and e.id != here and ent.parent and e.parent == ent.parent
        ]
        return siblings[0] if len(siblings) == 1 else None
    others = other_dcs(here, resolver)
    return others[0] if len(others) == 1 else None


def other_dcs(here: str | None, resolver: Any) -> list[str]:
    """Return the DCs "the other DC" may mean: all but `here`'s own (a DC, or a store's DC)."""
    if resolver is None:
        return []
    ent = resolver.get("location", here) if here else None
    current = ent.id if ent is not None and ent.group == "dc" else (ent.parent if ent else None)
    return [d for d in resolver.dcs() if d != current]


SHAPES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("supplier", re.compile(r"^SUP[-_]?\d", re.I)),
    ("sku", re.compile(r"^SKU[-_]?\w", re.I)),
    ("location", re.compile(r"^(?:DC[-_]?\w+|S\d+)$", re.I)),
)
"""Id shapes of the demo data: the kind of an id when there is no resolver to ask."""


def canonicalise(text: str, resolver: Any) -> tuple[str, dict[str, str]]:
    """Replace names and aliases of entities with their ids; return what each was written as.

    "stock of sku 12 at store 3" -> "stock of SKU-0012 at S003", {"SKU-0012": "sku 12",
    "S003": "store 3"}. Exception ids are left as written (their parts are ids already).
    """
    if resolver is None:
        return text, {}
    named: dict[str, str] = {}
    out: list[str] = []
    pos = 0
    protected = [(m.start(), m.end()) for m in re.finditer(EXC_RE, text, re.IGNORECASE)]
    for match in resolver.mentions(text):
        if any(a <= match.start < b for a, b in protected):
            continue
        before = text[pos : match.start]
        if re.search(r"\b(?:the|our)\s+$", before, re.I):
            before = re.sub(r"\b(?:the|our)\s+$", "", before, flags=re.I)
        out.append(before)
        out.append(match.entity.id)
        if not match.exact:
            named[match.entity.id] = match.surface
        pos = match.end
    out.append(text[pos:])
    return "".join(out), named


def kind_of(token: str, resolver: Any) -> str | None:
    """Return "sku", "location" or "supplier" for an id (by the data, else by its shape)."""
    if resolver is not None:
        for kind in ("sku", "location", "supplier"):
            if resolver.get(kind, token) is not None:
                return kind
        return None
    for kind, shape in SHAPES:
        if shape.match(token):
            return kind
    return None


def entities(text: str, resolver: Any) -> dict[str, list[str]]:
    """Return the ids a (canonical) text names, by kind, in order of appearance."""
    found: dict[str, list[str]] = {"sku": [], "location": [], "supplier": []}
    masked = re.sub(EXC_RE, " ", text, flags=re.IGNORECASE)
    for m in re.finditer(r"[A-Za-z0-9][\w\-]*", masked):
        token = m.group(0).rstrip("-_")
        kind = kind_of(token, resolver) or kind_of(token.upper(), resolver)
        if kind is None:
            continue
        ident = token if resolver is not None and resolver.get(kind, token) else token.upper()
        if ident not in found[kind]:
            found[kind].append(ident)
    return found


TOP_ONE_RE = re.compile(
    r"\b(?:the\s+)?(?:top|first)\s+(?:one|1|item|exception|row|line|issue|alert|entry)\b", re.I
)
"""The first of a list said as its top ("the top one on that list")."""
STEP_RE = re.compile(
    r"\b(?:the\s+)?(?P<step>next|following|previous|prior|preceding)\s+(?:one|1|item|exception|"
    r"row|line|issue|alert|entry)\b|^\W*(?:and\s+|ok\s+|now\s+)?(?:the\s+)?"
    r"(?P<bare>next|following)(?:\s+(?:one|1|please|pls))?\W*$",
    re.I,
)
"""A step along the last list from the exception the thread is on ("and the next one")."""


def step_along(text: str, focus: Any) -> tuple[int | None, re.Match[str] | None]:
    """Return the 1-based position "the next / previous one" points at, and the match.

    Relative to the exception the thread last explained or drafted, in the last list shown;
    (None, match) when the thread is on no exception of that list (or it would step off it).
    """
    m = STEP_RE.search(text)
    if m is None:
        return None, None
    current = focus.exception if focus.exception in focus.last_list else None
    if current is None:
        return None, m
    word = (m.group("step") or m.group("bare")).lower()
    n = focus.last_list.index(current) + (2 if word in ("next", "following") else 0)
    return (n if 1 <= n <= len(focus.last_list) else None), m


RANKED_RE = re.compile(
    r"\b(?:whichever|which\s+(?:one\s+)?of\s+(?:those|these|them|the\s+list)|the\s+(?:one|item|"
    r"exception|line|row)s?\s+(?:of\s+(?:those|these|them)\s+)?(?:with|that\s+has|that\s+carries)|"
    r"of\s+(?:those|these|them)\W+the\s+one\s+with)\b(?:\W+\w+){0,4}?\W+(?:the\s+)?"
    r"(?P<sup>least|lowest|smallest|fewest|most|biggest|largest|highest|greatest)\s+"
    r"(?:amount\s+of\s+)?(?:money|cash|dollars|\$|value|risk|exposure|at\s+risk|at\s+stake)\b",
    re.I,
)
"""A list item pointed at by its rank in money ("whichever of those has the least money riding
on it"): the lists shown are ranked by money at risk or value, largest first."""


RANKED_MORE_RE = re.compile(
    r"\b(?P<sup>biggest|largest|highest|costliest|priciest|smallest|lowest|cheapest)\s+(?:one\s+)?"
    r"of\s+(?:those|these|them|the\s+list)\b"
    r"|\bwhich\s+(?:one\s+|1\s+)?(?:of\s+(?:those|these|them)\s+)?(?:costs?|loses?)\s+(?:us\s+)?"
    r"(?:the\s+)?(?P<cost>most|least)\b"
    r"|\bwhich\s+(?:one|1)\s+(?:has|carries)\s+(?:the\s+)?(?P<has>most|least|biggest|largest|"
    r"highest|smallest|lowest)\s+(?:amount\s+of\s+)?(?:money|cash|value|risk|exposure|at\s+risk)\b",
    re.I,
)
"""More ways to point at a list item by its rank in money: "biggest of those by money?",
"which of those costs most", "which one has the most money at risk"."""
LEAST = ("least", "lowest", "smallest", "fewest", "cheapest")


def ordinal(text: str) -> tuple[int | None, re.Match[str] | None]:
    """Return the list position a request points at ("the third one" -> 3; "last" -> -1).

    An item pointed at by its rank in money (`RANKED_RE`, no number said) is the first (most)
    or the last (least) of the list.
    """
    top = TOP_ONE_RE.search(text)
    if top is not None:
        return 1, top
    m = ORDINAL_RE.search(text)
    if m is None:
        ranked = RANKED_RE.search(text) or RANKED_MORE_RE.search(text)
        if ranked is None:
            return None, None
        sup = next(g for g in ranked.groupdict().values() if g)
        return (-1 if sup.lower() in LEAST else 1), ranked
    if m.group("num"):
        return int(m.group("num")), m
    if m.group("bottom"):
        return -1, m  # "the bottom one": the last of the list
    word = m.group("word").lower()
    return (-1 if word == "last" else ORDINALS[word]), m


PACKS_RE = re.compile(r"(?<![\w.-])(\d[\d,]*)\s*(?:x\s*)?" + PACK_WORDS + r"\b", re.I)


def packs(text: str) -> int | None:
    """Return how many case packs a request's quantity counts ("2 cases of X" -> 2), or None."""
    m = PACKS_RE.search(text)
    return int(m.group(1).replace(",", "")) if m else None


def quantity(text: str) -> int | None:
    """Return the one quantity of a short follow-up ("make it 60 instead" -> 60)."""
    numbers = re.findall(r"(?<![\w.-])(\d[\d,]*)(?![\w.-]|\s*%)", text)
    return int(numbers[-1].replace(",", "")) if numbers else None


CHANGE_DOWN = (
    r"cut|reduce|lower|trim|decrease|drop|shave|knock|take|dial\s+(?:it\s+)?down|bring\s+(?:it\s+)?"
    r"down|scale\s+(?:it\s+)?back|pare|minus|subtract|remove"
)
CHANGE_UP = r"bump|raise|increase|up|add?|boost|lift|plus|top\s+(?:it\s+)?up|grow|round\s+up"
DRAFT_REF = (
    r"(?:it|that|this|them|the\s+(?:\w+\s+)?(?:transfer|po|order|proposal|draft|one|qty|"
    r"quantity|amount))"
)
RELATIVE_CHANGE = re.compile(
    # "cut it by 10", "bump the transfer up by 8", "reduce by 4"
    r"\b(?P<verb>"
    + CHANGE_DOWN
    + "|"
    + CHANGE_UP
    + r")(?:s|ed|ing)?\b(?:\s+"
    + DRAFT_REF
    + r")?(?:\s+(?:up|down|back))?\s+by\s+(?:another\s+|an?\s+extra\s+)?"
    r"(?P<n>\d[\d,]*)(?![\w.,-]|\s*%)"
    # "add 12 to it", "take 5 off it", "knock 5 off the order", "add another 12"
    r"|\b(?P<verb2>add?|put|throw|take|knock|shave|chop|pull)\s+(?:on\s+)?(?:another\s+|an?\s+"
    r"extra\s+)?(?P<n2>\d[\d,]*)(?![\w.,-]|\s*%)(?:\s+(?:more\s+|extra\s+)?(?:units?|pcs|"
    r"pieces|cases)?)?\s*(?P<prep>to|on(?:to)?|off|from|onto)?\b"
    # "5 more", "10 fewer", "make it 8 less", "plus 4", "minus 3"
    r"|(?<![\w.,-])(?P<n3>\d[\d,]*)(?:\s+(?:units?|pcs|pieces|cases))?\s+(?P<dir3>more|extra|"
    r"additional|less|fewer)\b(?!\s+than\b)"
    r"|\b(?P<dir4>plus|minus)\s+(?P<n4>\d[\d,]*)(?![\w.,-]|\s*%)",
    re.I,
)
"""A change by an amount, not to one: "cut it by 10", "add 12 to it", "5 more", "take 3 off"."""


def relative_change(text: str) -> int | None:
    """Return the signed change a follow-up asks of a draft's quantity, else None.

    "cut it by 10" -> -10, "bump it by 8" -> +8, "add 12 to it" -> +12, "3 fewer" -> -3. A
    target ("make it 10", "reduce it to 10") is not a change by an amount: None.
    """
    m = RELATIVE_CHANGE.search(text)
    if m is None:
        return None
    if m.group("n") is not None:
        n, down = m.group("n"), re.fullmatch(CHANGE_DOWN, m.group("verb"), re.I) is not None
        if re.fullmatch(r"(?:dial|bring|top)\s+.*", m.group("verb"), re.I):
            down = not m.group("verb").lower().startswith("top")
    elif m.group("n2") is not None:
        verb, prep = m.group("verb2").lower(), (m.group("prep") or "").lower()
        if verb in ("ad", "add", "put", "throw"):
            n, down = m.group("n2"), False
        elif prep in ("off", "from"):
            n, down = m.group("n2"), True
        else:
            return None  # "take 10" alone is not a change
    elif m.group("n3") is not None:
        n, down = m.group("n3"), m.group("dir3").lower() in ("less", "fewer")
    else:
        n, down = m.group("n4"), m.group("dir4").lower() == "minus"
    amount = int(n.replace(",", ""))
    return -amount if down else amount


MONTHS = {
    m: i + 1
    for i, m in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
    )
}


def _day(token: str, as_of: date | None) -> date | None:
    token = token.strip().lower()
    token = re.sub(r"^(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?", r"\1 ", token)
    try:
        return date.fromisoformat(token)
    except ValueError:
        pass
    m = re.match(
        r"(\d{1,2})\s+([a-z]{3})[a-z]*|([a-z]{3})[a-z]*\s+(\d{1,2})(?:st|nd|rd|th)?", token
    )
    if not m or as_of is None:
        return None
    day = int(m.group(1) or m.group(4))
    month = MONTHS.get((m.group(2) or m.group(3))[:3])
    if month is None:
        return None
    try:
        found = date(as_of.year, month, day)
    except ValueError:
        return None
    return found if found >= as_of else date(as_of.year + 1, month, day)


DATE_TOKEN = (
    r"(?:\d{4}-\d{2}-\d{2}|\d{1,2}(?:st|nd|rd|th)?\s+(?:of\s+)?[a-z]{3}[a-z]*|"
    r"[a-z]{3}[a-z]*\s+\d{1,2}(?:st|nd|rd|th)?)"
)
MONTH_WORD = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*"
SHARED_MONTH = re.compile(
    # "10th to 20th December", "10-16 dec": two days of one month, the month said once.
    r"\b(?P<a>\d{1,2})(?:st|nd|rd|th)?\s*(?:to|until|through|till|-|–|and)\s*(?:the\s+)?(?P<b>\d{1,2})"
    r"(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<m>" + MONTH_WORD + r")\b"
    # "December 10th to 20th", "dec 10-16"
    r"|\b(?P<m2>"
    + MONTH_WORD
    + r")\s+(?P<a2>\d{1,2})(?:st|nd|rd|th)?\s*(?:to|until|through|till|-|–)"
    r"\s*(?:the\s+)?(?P<b2>\d{1,2})(?:st|nd|rd|th)?\b(?!\s*(?:%|x\b|days?|weeks?|units?))",
    re.I,
)


def promo_window(text: str, as_of: date | None) -> tuple[date, date] | None:
    """Return a hypothetical promotion's dates: "from 2026-07-10 to 2026-07-20", "next week"."""
    m = re.search(
        r"\b(?:from|between|starting)\s+(?P<a>" + DATE_TOKEN + r")\s*(?:to|until|through|-|and)\s*"
        r"(?P<b>" + DATE_TOKEN + r")"
        # "2026-07-08 to 2026-07-12": two dates in full need no "from".
        r"|\b(?P<a2>\d{4}-\d{2}-\d{2})\s*(?:to|until|through|till|-|–|and)\s*(?P<b2>\d{4}-\d{2}-\d{2})\b",
        text,
        re.I,
    )
    if m:
        a = _day(m.group("a") or m.group("a2"), as_of)
        b = _day(m.group("b") or m.group("b2"), as_of)
        if a and b:
            return a, b
    # "Aug 24 to Sep 6": two dates with their months need no "from" either.
    for pair in re.finditer(
        r"\b(?P<a>" + DATE_TOKEN + r")\s*(?:to|until|through|till|–)\s*(?P<b>" + DATE_TOKEN + r")",
        text,
        re.I,
    ):
        a, b = _day(pair.group("a"), as_of), _day(pair.group("b"), as_of)
        if a and b and b >= a:
            return a, b
    for shared in SHARED_MONTH.finditer(text):
        month = shared.group("m") or shared.group("m2")
        if month[:3].lower() not in MONTHS:
            continue
        a = _day(f"{shared.group('a') or shared.group('a2')} {month}", as_of)
        b = _day(f"{shared.group('b') or shared.group('b2')} {month}", as_of)
        if a and b and b >= a:
            return a, b
    starts = re.finditer(
        r"\b(?:from|starting(?:\s+on)?|beginning(?:\s+on)?|kicking\s+off(?:\s+on)?|on)\s+"
        r"(?:the\s+)?(?P<a>" + DATE_TOKEN + r")",
        text,
        re.I,
    )
    first = next((d for m in starts if (d := _day(m.group("a"), as_of)) is not None), None)
    length = re.search(
        r"\b(?P<n>\d+)[\s-]*(?P<unit>days?|weeks?)[\s-]+(?:long\s+)?(?:promo\w*|campaign|deal|sale|"
        r"event|window)\b|\b(?:for|lasting|running(?:\s+for)?|over)\s+(?P<n2>\d+)\s*(?P<unit2>days?|weeks?)\b",
        text,
        re.I,
    )
    if first and length:
        # "a 7-day promo from 2027-01-22", "from jan 22 for 2 weeks": a start and a length.
        n = int(length.group("n") or length.group("n2"))
        unit = (length.group("unit") or length.group("unit2")).lower()
        span = n * 7 if unit.startswith("week") else n
        if span >= 1:
            return first, first + timedelta(days=span - 1)
    if as_of is not None:
        days = re.search(r"\bfor\s+(?:the\s+)?(?:next\s+)?(\d+)\s+days\b", text, re.I)
        if re.search(r"\bnext\s+week\b", text, re.I):
            start = as_of + timedelta(days=7 - as_of.weekday())
            return start, start + timedelta(days=6)
        if re.search(r"\bthis\s+week(?:end)?\b", text, re.I):
            return as_of + timedelta(days=1), as_of + timedelta(days=7)
        if days:
            return as_of + timedelta(days=1), as_of + timedelta(days=int(days.group(1)))
    return None


MONTH_NAMES = re.compile(
    r"\b(?:in|for|during|over|through(?:out)?)\s+(?:the\s+month\s+of\s+)?(?P<m>jan(?:uary)?|"
    r"feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|"
    r"oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\b",
    re.I,
)


def override_window(text: str, as_of: date | None) -> tuple[date, date] | None:
    """Return the days a forecast override covers: dates, "next week", "next 3 weeks", "in July".

    Besides a promotion's windows (`promo_window`): "for the next 2 weeks", "until 12 Jul"
    (from tomorrow), a month by name (its next occurrence, from tomorrow if it is this month).
    """
    found = promo_window(text, as_of)
    if found or as_of is None:
        return found
    weeks = re.search(r"\b(?:next|for|over)\s+(?:the\s+)?(?:next\s+)?(\d+)\s+weeks?\b", text, re.I)
    if weeks:
        return as_of + timedelta(days=1), as_of + timedelta(days=7 * int(weeks.group(1)))
    until = re.search(r"\b(?:until|till|til|through|to)\s+(?P<d>" + DATE_TOKEN + r")", text, re.I)
    if until:
        end = _day(until.group("d"), as_of)
        if end is not None and end > as_of:
            return as_of + timedelta(days=1), end
    month = MONTH_NAMES.search(text)
    if month:
        number = MONTHS[month.group("m")[:3].lower()]
        year = as_of.year if number >= as_of.month else as_of.year + 1
        first = date(year, number, 1)
        last = (date(year + (number == 12), number % 12 + 1, 1)) - timedelta(days=1)
        return max(first, as_of + timedelta(days=1)), last
    return None


RATE_RE = re.compile(
    r"(?<![\w.-])(\d+(?:\.\d+)?)\s*(?:units?\s+|pcs\s+|each\s+)?(?:a|1|per|/|each)\s*day\b", re.I
)
WORD_FACTORS = (
    (re.compile(r"\bdoubl\w*\b(?![\s-]*check)", re.I), 2.0),
    (re.compile(r"\btripl\w*\b(?![\s-]*check)", re.I), 3.0),
    (re.compile(r"\bhalv\w*\b|\bcut\s+(?:it\s+)?in\s+half\b", re.I), 0.5),
)


def override_magnitude(text: str) -> tuple[str, float] | None:
    """Return ("rate", units a day) or ("multiplier", factor) of a forecast change, or None."""
    m = RATE_RE.search(text)
    if m:
        return "rate", float(m.group(1))
    factor = _factor(text)
    if factor is None:
        bare = re.search(r"\bby\s+(\d+(?:\.\d+)?)\s*%", text, re.I)
        if bare:
            down = re.search(r"\b(?:cut|lower|reduc|drop|decreas|trim|shav)\w*", text, re.I)
            n = float(bare.group(1)) / 100
            factor = round(1 - n if down else 1 + n, 4)
    if factor is None:
        for pattern, value in WORD_FACTORS:
            if pattern.search(text):
                factor = value
                break
    return ("multiplier", factor) if factor is not None else None


def as_of_of(system_text: str) -> date | None:
    """Return the snapshot date the system prompt states ("Today is 2026-06-30")."""
    m = re.search(r"\bToday is (\d{4}-\d{2}-\d{2})", system_text)
    return date.fromisoformat(m.group(1)) if m else None


CATEGORY_WORDS = re.compile(r"\b(?:category|categories|dept|department)\b", re.I)
CATEGORY_PHRASE = re.compile(
    r"\b(?:in|for|within|of|across)\s+(?!(?:each|every|all|any|per|a|one)\b)(?:the\s+|our\s+)?"
    r"(?P<a>[a-z][a-z&\- ]{1,30}?)\s+(?:category|categories|dept|department|range|aisle)\b"
    r"|\b(?:category|dept|department)\s+(?!(?:has|have|had|is|are|was|were|carries|carry|holds?|"
    r"sits?|shows?|does|do|with|that|which|the|of|by|and|or|for|in|on|at|to|please|pls|thx|"
    r"thanks|now|today|most|biggest|largest|worst|first|totals?|split|breakdown|directors?|"
    r"managers?|heads?|leads?|buyers?|planners?|owners?|teams?|reviews?|meetings?|calls?|"
    r"managements?)\b)"
    r"(?P<b>[a-z][a-z&\-]{1,30}(?:\s+[a-z][a-z&\-]+)?)",
    re.I,
)
TRAILING_SCOPE = re.compile(
    r"\b(?:in|within|across)\s+(?:the\s+|our\s+)?(?P<w>[a-z][a-z\-]{3,})\W*$", re.I
)
NOT_A_CATEGORY = frozenset(
    (
        "total", "general", "stock", "transit", "advance", "progress", "future", "time", "place",
        "network", "order", "stores", "store", "locations", "location", "sites", "warehouses",
        "everywhere", "all", "there", "here", "question", "priority", "value", "money", "units",
        "today", "week", "weeks", "days", "month", "months", "hand", "play", "effect", "doubt",
        "short", "detail", "details", "risk", "full", "summary", "brief", "words", "euros",
        "dollars", "numbers", "figures", "thread", "chat", "list", "table", "soon", "demand",
        "january", "february", "march", "april", "june", "july", "august", "september",
        "october", "november", "december", "total", "particular", "case", "turn", "future",
        "board", "chain", "business", "estate", "company", "country", "nation", "range",
        "trouble", "danger", "jeopardy", "need", "mind", "practice", "theory", "person", "advance",
    )
)  # fmt: skip
"""Words that end a request after "in" without naming a category ("stockouts in total")."""


DEMONSTRATIVES = frozenset(
    ("that", "this", "these", "those", "same", "the same", "said", "that same", "this same")
)
"""Words before "category" that point at the thread's category, never name one."""


def category(text: str, categories: Sequence[str]) -> str | None:
    """Return the item category a request names ("grocery", "the Garden category", "toys").

    A known category in any case, singular or plural, or with a small typo ("electronic",
    "groceries"); else a phrase the planner marks as a category ("the kitchenware category",
    "stockouts in kitchenware") as written, for the tool to resolve or to answer with the
    categories there are.
    """
    lowered = re.sub(r"(?<=[a-z])[-_](?=[a-z])", " ", text.lower())  # "personal-care"
    for cat in sorted(categories, key=len, reverse=True):
        word = cat.lower()
        stem = re.escape(word[:-1]) + r"(?:y|ies)" if word.endswith("y") else re.escape(word)
        if re.search(r"\b" + stem + r"s?\b", lowered) or (
            word.endswith("s") and re.search(r"\b" + re.escape(word[:-1]) + r"\b", lowered)
        ):
            return cat
    names = [c.lower() for c in categories]
    for word in re.findall(r"[a-z]{5,}", lowered):
        if word in KEYWORDS or word in PLAIN_WORDS:
            continue
        got = process.extractOne(word, names, scorer=fuzz.ratio, score_cutoff=86)
        if got:
            return categories[got[2]]
    m = CATEGORY_PHRASE.search(text)
    if m and (m.group("a") or m.group("b")).strip().lower() not in DEMONSTRATIVES:
        return (m.group("a") or m.group("b")).strip()
    m = TRAILING_SCOPE.search(text)
    if m and categories and m.group("w").lower() not in NOT_A_CATEGORY:
        word = m.group("w")
        if not _clean_id(word) and word.lower() not in KEYWORDS and word.lower() not in PLAIN_WORDS:
            return word
    return None


# -- several transfers in one message --------------------------------------------------------------

CLAUSE_QTY = re.compile(
    r"(?<![\w.-])(\d[\d,]*)(?![\w.,-]*\d)(?![\w-])(?!\s*(?:%|days?|weeks?|x\b|am\b|pm\b))",
    re.I,
)
CLAUSE_SEP = re.compile(r"\s*(?:[,;+]|\band\b|\balso\b|\bplus\b|\bthen\b)\s*", re.I)
TO_MARK = re.compile(r"(?:\bto|\binto|->|=>|\bfor|\bat)\s+(?:the\s+)?$", re.I)
FROM_MARK = re.compile(r"\bfrom\s+(?:the\s+)?$", re.I)


def _clause_places(clause: str, resolver: Any) -> tuple[str | None, str | None, list[str]]:
    """Return a clause's source, destination and its other locations, by their markers."""
    src = dst = None
    loose: list[str] = []
    for m in re.finditer(r"[A-Za-z0-9][\w\-]*", clause):
        token = m.group(0)
        if (
            kind_of(token, resolver) != "location"
            and kind_of(token.upper(), resolver) != "location"
        ):
            continue
        ident = token if resolver is not None and resolver.get("location", token) else token.upper()
        before = clause[: m.start()]
        if FROM_MARK.search(before) and src is None:
            src = ident
        elif TO_MARK.search(before) and dst is None:
            dst = ident
        else:
            loose.append(ident)
    return src, dst, loose


def transfer_clauses(text: str, resolver: Any) -> list[dict[str, Any]] | None:
    """Read several transfers from one message, or None when it holds fewer than two.

    "move 20 of SKU-0012 from DC-SOUTH to S003 and 10 from DC-NORTH to S001": the message is
    cut before each further quantity (at "and", a comma, "also", "plus", "then"); a clause
    that does not name the SKU, the source or the destination takes the previous clause's.
    Each transfer: {"sku", "from_location", "to_location", "qty", "packs"} (`packs` True when
    the quantity counts case packs). Only a message whose every clause is complete counts.
    """
    if not re.search(EVERYDAY_MOVE, text, re.I) or re.search(WHAT_IF, text, re.I):
        return None
    masked = re.sub(EXC_RE, lambda m: "x" * len(m.group(0)), text, flags=re.I)
    qtys = [m for m in CLAUSE_QTY.finditer(masked) if not _inside_id(masked, m.start())]
    if len(qtys) < 2:
        return None
    cuts = [0]
    for prev, m in itertools.pairwise(qtys):
        seps = [x for x in CLAUSE_SEP.finditer(text, prev.end(), m.start())]
        if not seps:
            return None
        cuts.append(seps[-1].start())
    cuts.append(len(text))
    out: list[dict[str, Any]] = []
    for (a, b), qty in zip(itertools.pairwise(cuts), qtys, strict=True):
        clause = text[a:b]
        found = entities(clause, resolver)
        src, dst, loose = _clause_places(clause, resolver)
        for loc in loose:
            if src is None and (dst is not None or len(loose) > 1):
                src = loc
            elif dst is None:
                dst = loc
        out.append(
            {
                "sku": found["sku"][0] if found["sku"] else None,
                "from_location": src,
                "to_location": dst,
                "qty": int(qty.group(1).replace(",", "")),
                "packs": bool(PACKS_RE.search(clause[qty.start() - a :])),
            }
        )
    for key in ("sku", "from_location", "to_location"):  # the previous clause's, else the next's
        for order in (out, out[::-1]):
            for before, this in itertools.pairwise(order):
                this[key] = this[key] or before[key]
    for one in out:
        if one["from_location"] is None and one["to_location"] and resolver is not None:
            ent = resolver.get("location", one["to_location"])
            if ent is not None and ent.parent and not re.search(r"\bfrom\b", text, re.I):
                one["from_location"] = ent.parent  # a store's own DC
        if not all(one[k] for k in ("sku", "from_location", "to_location")):
            return None
        if one["from_location"] == one["to_location"]:
            return None
    return out


def _inside_id(text: str, at: int) -> bool:
    """Return True when position `at` is inside an id-like token ("SKU-0012", "S003")."""
    start = at
    while start > 0 and (text[start - 1].isalnum() or text[start - 1] in "-_"):
        start -= 1
    return start != at


# -- follow-ups: the thread's previous request and its last list -----------------------------------


SIZE = re.compile(
    r"(?P<pct>\d+(?:\.\d+)?)\s*%|(?P<days>\d+)\s*(?P<unit>days?|weeks?|months?)\b"
    r"|(?<![\w.-])(?P<x>\d+(?:\.\d+)?)\s*(?:x|times)(?![\w-])",
    re.I,
)
"""A scenario's size: a percentage, a number of days or weeks, a factor."""
SIZE_WORDS = frozenset(
    (
        "and", "ok", "okay", "so", "then", "now", "hmm", "but", "what", "how", "about", "if", "it",
        "it's", "its", "is", "was", "were", "be", "make", "try", "change", "say", "let's", "lets",
        "with", "at", "by", "to", "for", "instead", "same", "the", "scenario", "one", "again",
        "rerun", "re", "run", "do", "delay", "delays", "slip", "slips", "late", "a", "of",
        "rise", "rises", "rose", "drop", "drops", "fall", "falls", "goes", "go", "up", "down",
        "increase", "decrease", "demand", "lift", "uplift", "x", "times", "day", "days", "week",
        "weeks", "month", "months", "more", "less", "only", "just", "please", "case", "we",
        "they", "that", "this", "there", "would", "will", "happens", "instead", "where", "or",
        "even", "really", "actually", "means", "mean", "late", "behind", "another", "extra",
        "higher", "lower", "bigger", "smaller", "promo", "promotion", "sales", "say", "assume",
    )
)  # fmt: skip
"""The only words of a follow-up that changes a scenario's size ("and if it's 30%?")."""
DOWN_WORDS = re.compile(r"\b(?:drops?|falls?|down|decrease|less|lower|smaller)\b|-\s*\d", re.I)
UP_WORDS = re.compile(r"\b(?:rises?|rose|up|increase|more|higher|bigger)\b|\+\s*\d", re.I)
SCENARIO_LIKE = re.compile(
    WHAT_IF + r"|\bpromo(?:tion)?s?\b|\b(?:impact|effect)\s+of\b|\bwhat\s+breaks\b|\bif\b", re.I
)


def rewrite_scenario_size(text: str, previous: str | None) -> str:
    """Re-run the previous what-if with the size a short follow-up gives.

    "and if it's 30 %?" after "what if demand for SKU-0012 at S003 rises 20%?" is that
    question at 30 %; "make it 2 weeks" after "what if SUP-03 is 10 days late?" is a 14-day
    delay. Only a follow-up made of scenario words and one size, after a what-if.
    """
    if not previous or not SCENARIO_LIKE.search(previous) or not _scenario_args(previous):
        return text
    scaled = _scaled_size(text, previous)
    if scaled is not None:
        return scaled
    sizes = list(SIZE.finditer(text))
    bare = re.match(
        r"^\W*(?:and|or|what\s+about|how\s+about|try|make\s+it|then)\s+(?:with\s+)?"
        r"(\d+(?:\.\d+)?)\W*$",
        text,
        re.I,
    )
    old_sizes = list(SIZE.finditer(previous))
    if not sizes and bare and len(old_sizes) == 1:
        # "and 20?" after "... falls 10%": the same kind of size, the new number.
        old = old_sizes[0]
        group = next(g for g in ("pct", "days", "x") if old.group(g))
        return previous[: old.start(group)] + bare.group(1) + previous[old.end(group) :]
    if len(sizes) != 1:
        return text
    words = re.findall(r"[a-z][a-z']*", SIZE.sub(" ", text).lower())
    if len(words) > 12 or any(w not in SIZE_WORDS for w in words):
        return text
    new = sizes[0]
    for old in SIZE.finditer(previous):
        same_kind = (
            (new.group("pct") and old.group("pct"))
            or (new.group("days") and old.group("days"))
            or (new.group("x") and (old.group("x") or old.group("pct")))
            or (new.group("pct") and old.group("x"))
        )
        if not same_kind:
            continue
        out = previous[: old.start()] + new.group(0) + previous[old.end() :]
        if new.group("pct"):
            out = _redirect(out, old.start(), text)
        return out
    return text


MULTIPLIERS = {
    "half": 0.5, "halve": 0.5, "halves": 0.5, "halved": 0.5, "double": 2.0, "doubles": 2.0,
    "doubled": 2.0, "twice": 2.0, "triple": 3.0, "triples": 3.0, "tripled": 3.0, "thrice": 3.0,
    "quadruple": 4.0, "quadruples": 4.0, "quadrupled": 4.0,
}  # fmt: skip
"""Multiplier words of a what-if follow-up ("and if it triples?", "what about half that?")."""
SCALE_WORDS = SIZE_WORDS | {"that", "much", "as", "size", "change", "amount", "figure", "number"}
GROWS_BY = re.compile(
    r"\b(?:it|demand|sales|that|they)\s+(?:\w+\s+)?(?:doubl|tripl|quadrupl|halv)(?:es|ed)\b", re.I
)
"""The thing itself changes by the multiplier ("if demand triples"), not the previous size."""


def _scaled_size(text: str, previous: str) -> str | None:
    """Return the previous what-if with a size a multiplier word gives, or None.

    "and if it triples?" after a demand change of 20 % runs demand × 3; after a 10-day delay,
    30 days. "what about half that?" / "double it" scale the previous size (20 % -> 10 %).
    """
    if re.search(r"\d", text):
        return None
    words = re.findall(r"[a-z][a-z']*", text.lower())
    factors = [MULTIPLIERS[w] for w in words if w in MULTIPLIERS]
    if len(factors) != 1 or len(words) > 10:
        return None
    if any(w not in SCALE_WORDS and w not in MULTIPLIERS for w in words):
        return None
    old_sizes = list(SIZE.finditer(previous))
    if len(old_sizes) != 1:
        return None
    old, k = old_sizes[0], factors[0]
    if old.group("days"):
        new = f"{max(1, round(int(old.group('days')) * k))} {old.group('unit')}"
    elif GROWS_BY.search(text):
        new = f"{k:g}x"
    elif old.group("pct"):
        new = f"{float(old.group('pct')) * k:g}%"
    else:
        new = f"{float(old.group('x')) * k:g}x"
    return previous[: old.start()] + new + previous[old.end() :]


def _redirect(text: str, at: int, follow_up: str) -> str:
    """Turn the direction of the change before position `at` the way the follow-up says."""
    down, up = DOWN_WORDS.search(follow_up), UP_WORDS.search(follow_up)
    if bool(down) == bool(up):
        return text
    head = text[:at]
    verb = re.search(
        r"(rises?|increases?|grows?|goes\s+up|jumps?|is\s+up|up|drops?|falls?|decreases?|"
        r"declines?|goes\s+down|is\s+down|down)(\s+(?:by\s+)?)$",
        head,
        re.I,
    )
    if verb is None:
        return text
    word = "drops" if down else "rises"
    return head[: verb.start()] + word + verb.group(2) + text[at:]


FOLLOW_LEAD = r"^\W*(?:(?:and|so|ok(?:ay)?|but|then|also)\W+)*"
SOURCE_QUESTION = re.compile(
    FOLLOW_LEAD + r"(?:who\s+(?:sent|sends|supplied|supplies|shipped|ships|delivered|delivers|"
    r"provided|provides|sourced)\s+(?:them|those|these|it|they)|who\s+(?:are|were|is|was)\s+"
    r"(?:they|those|these|them|it)\s+(?:from|coming\s+from)|where\s+(?:are|were|do|did)\s+"
    r"(?:they|those|these)\s+(?:come\s+|coming\s+)?from|who(?:'s|\s+is)\s+(?:the\s+)?"
    r"(?:source|sender)s?)\W*$",
    re.I,
)
"""A follow-up asking who a counted set comes from ("...and who sent them?")."""
SUPPLIER_QUESTION = re.compile(
    FOLLOW_LEAD + r"(?:from\s+)?(?:which|what|whose)\s+(?:suppliers?|vendors?)(?:\s+(?:are\s+"
    r"(?:they|those|these)(?:\s+from)?|sent\s+them|supplied\s+them|supply\s+them))?\W*$",
    re.I,
)
COUNT_LIKE = re.compile(r"\bhow\s+(?:many|much)\b|\b(?:count|totals?|number\s+of)\b", re.I)


def _count_split(text: str, previous: str | None) -> str | None:
    """Return the previous count split by source or supplier ("who are they from?"), or None."""
    if not previous or not COUNT_LIKE.search(previous):
        return None
    by = (
        "source"
        if SOURCE_QUESTION.match(text)
        else ("supplier" if SUPPLIER_QUESTION.match(text) else None)
    )
    if by is None:
        return None
    return re.sub(r"\s+(?:by|per)\s+\w+\W*$", "", previous.rstrip("?. ")) + f" by {by}"


def rewrite_follow_up(text: str, previous: str | None, resolver: Any) -> str:
    """Turn "same for S012" / "and at the other DC?" into the previous request with that swap.

    `previous` is the previous request as it was understood (itself rewritten when it was a
    follow-up), in canonical form.
    """
    resized = rewrite_scenario_size(text, previous)
    if resized != text:
        return resized
    split = _count_split(text, previous)
    if split is not None:
        return split
    m = FOLLOW_UP_RE.match(text)
    if not m or not previous:
        return text
    rest = m.group("rest")
    if STEP_RE.match(rest) and re.fullmatch(
        r"(?:the\s+)?\w+(?:\s+(?:one|1|item|exception|row|line|issue|alert|entry))?"
        r"(?:\s+(?:too|as\s+well|also|please|then))?\W*",
        rest,
        re.I,
    ):
        # "and the next one too" after "draft the top one": that request, one further down.
        return _step_previous(previous, STEP_RE.match(rest)) or text
    if resolver is not None and (relative := _relative_place(rest, previous, resolver)):
        return relative
    if resolver is not None and (region := _other_region(rest, previous, resolver)):
        return region
    if re.match(r"(?:from\s+(?:whom|who|where)|who\s+from)\W*$", rest, re.I):
        rest = "by source"  # "and from whom?" after a count: by where the stock comes from
    elif re.match(r"(?:from\s+)?which\s+(?:suppliers?|vendors?)\W*$", rest, re.I):
        rest = "by supplier"
    if re.match(r"(?:by|per|split\s+by|broken\s+down\s+by)\s+\w+", rest, re.I):
        return re.sub(r"\s+(?:by|per)\s+\w+\W*$", "", previous.rstrip("?. ")) + " " + rest
    prev_found = entities(previous, resolver)
    if OTHER_STORE_RE.search(rest) and resolver is not None and prev_found["location"]:
        here = prev_found["location"][0]
        other = other_location(here, resolver, store=True)
        return previous.replace(here, other) if other else text
    if OTHER_DC_RE.search(rest) and resolver is not None and prev_found["location"]:
        where = prev_found["location"][0]
        other = other_location(where, resolver, store=False)
        return previous.replace(where, other) if other else text
    if OTHER_DC_RE.search(rest):
        return text
    rest = _home_dc(rest, previous, resolver)
    new = entities(rest, resolver)
    if not any(new.values()) and any(p.search(previous) for p in POLICY_PATTERNS):
        return f"{rest} ({previous})"  # "and for transfers?" after a policy question
    out = previous
    swapped = False
    roles = _swap_roles(rest, previous, resolver)
    for old, replacement in roles.items():
        out = out.replace(old, replacement)
        swapped = True
    for kind in ("sku", "location", "supplier"):
        if kind == "location" and roles:
            continue
        if new[kind] and prev_found[kind]:
            out = out.replace(prev_found[kind][0], new[kind][0])
            swapped = True
    if not new["sku"] and prev_found["sku"] and (shared := _shared_item(rest, resolver)):
        # "and the same for the jeans promo at Auburn": that name, to be narrowed again at the
        # new place, not the previous turn's item (another item may share the name).
        out = out.replace(prev_found["sku"][0], shared)
        swapped = True
    if swapped and (qty := _swap_quantity(rest, previous)) is not None:
        out = qty(out)
    if not swapped and any(new.values()) and re.match(r"^(?:at|in|for|of|from)\s+\S+$", rest, re.I):
        return previous.rstrip("?.! ") + " " + rest  # "what about at S003?": narrowed
    if not swapped and any(new.values()) and _only_ids(rest, resolver):
        # "and at DC-SOUTH?" after a question that named no location: narrowed by it.
        word = m.group(0)[: m.start("rest")].strip().split()
        lead = word[-1].lower() if word and word[-1].lower() in ("at", "in", "for", "with") else ""
        kind = next(k for k in ("location", "sku", "supplier") if new[k])
        prep = lead or {"location": "at", "sku": "for", "supplier": "from"}[kind]
        return previous.rstrip("?.! ") + f" {prep} " + rest.strip("?.! ")
    if not swapped and new["location"] and re.search(r"\b(?:stores|shops)\b", rest, re.I):
        # "and just for the stores the north DC supplies?": the previous request over them.
        scope = re.sub(
            r"^(?:(?:just|only)\s+)?(?:(?:for|at|in|across|over)\s+)?",
            "",
            rest.strip("?.! "),
            flags=re.I,
        )
        return previous.rstrip("?.! ") + " at " + scope
    return out if swapped else text


def _other_region(rest: str, previous: str, resolver: Any) -> str | None:
    """Return the previous request about another DC's region: "vs the south?" after the north.

    The follow-up names one DC by its word or id and nothing else ("the south", "southern
    stores", "now do the stores under dc south"), and the previous request named another DC the
    same way: every mention of that DC in it is swapped for the new one, in the form it had.
    """
    tails = {re.sub(r"(?i)^dc\W*", "", dc).lower(): dc for dc in resolver.dcs()}
    tails = {t: dc for t, dc in tails.items() if t.isalpha()}
    if len(tails) < 2 or len(rest.split()) > 7:
        return None

    def said(text: str) -> list[str]:
        return [t for t in tails if re.search(rf"\b(?:dc\W*)?{t}(?:ern)?\b", text, re.I)]

    new = said(rest)
    others = [
        i
        for ids in entities(rest, resolver).values()
        for i in ids
        if i != tails.get(new[0] if new else "")
    ]
    if len(new) != 1 or others:
        return None
    old = [t for t in said(previous) if t != new[0]]
    if len(old) != 1 or new[0] in said(previous):
        return None
    src, dst = old[0], new[0]

    def swap(m: re.Match[str]) -> str:
        word = m.group(0)
        out = re.sub(src, dst, word, flags=re.I)
        return out.upper() if word.isupper() else out

    return re.sub(rf"\b(?:dc\W*)?{src}(?:ern)?\b", swap, previous, flags=re.I)


_LOC = r"(?:S\d+|DC-[A-Z0-9]+)"
NEED_TRANSFER = re.compile(
    r"^\W*(?:(?:ok|so|right|hey)\W+)?(?P<dst>" + _LOC + r")(?:'s|\s+is)?\s+(?:needs|wants|"
    r"could\s+(?:use|do\s+with)|(?:is\s+)?ask(?:s|ing)\s+for|requires|would\s+like)\s+"
    r"(?:(?:(?P<q1>\d[\d,]*)\s*(?:x\s+|units?\s+(?:of\s+)?|of\s+)?)?(?P<sku1>SKU-\w+)\b|"
    r"(?P<sku2>SKU-\w+)\b\s*(?:-|,|:)?\s*(?P<q2>\d[\d,]*)\s*(?:units?|x|pcs)?)\s+"
    r"(?:out\s+of|off|from)\s+(?:the\s+)?(?P<src>" + _LOC + r")\b",
)
"""A transfer said as the destination's need with its source ("S003 needs 20 SKU-1 out of
DC-NORTH, please"; with no amount, "S003 needs SKU-1 from DC-NORTH", the engine sizes it), in
canonical form (ids, upper case). An id ends at a word boundary: the last digit of "SKU-0072"
is never read as a quantity of SKU-007."""
MISSING_FROM = re.compile(
    r"\b(?P<head>(?:draft|transfer|send|move|ship)\s+\d[\d,]*\s+(?:of\s+|x\s+|units?\s+of\s+)?"
    r"SKU-\w+)\s+(?P<src>" + _LOC + r")\s+(?=(?:to|->|into)\s+" + _LOC + r"\b)",
)
"""A transfer whose source is said without "from" ("draft 40 of SKU-1 DC-NORTH to S002")."""


def need_as_transfer(text: str) -> str | None:
    """Return a canonical transfer request said as a need or without "from", else None.

    `text` is canonical (ids in upper case); the caller checks it is no question.
    """
    m = NEED_TRANSFER.search(text)
    if m is not None:
        qty, sku = m.group("q1") or m.group("q2"), m.group("sku1") or m.group("sku2")
        if qty is None:
            # "S003 needs SKU-1 from DC-NORTH": the amount is the engine's (`cover_need`).
            return f"transfer {sku} from {m.group('src')} to {m.group('dst')}"
        return f"transfer {qty} of {sku} from {m.group('src')} to {m.group('dst')}"
    m = MISSING_FROM.search(text)
    if m is not None:
        return text[: m.start()] + f"{m.group('head')} from {m.group('src')} " + text[m.end() :]
    return None


GENERIC_DC_RE = re.compile(
    r"\b(?:the|our|its|their)\s+(?:dc|warehouse|distribution\s+cent(?:er|re)|depot)\b", re.I
)


def _home_dc(rest: str, previous: str, resolver: Any) -> str:
    """Put in "the DC" of a transfer follow-up: the DC that supplies the previous destination.

    "fine, take it from the DC then" after a transfer into a store: that store's own DC (its
    source in the network). The follow-up as is when the previous request named no store
    destination or the resolver does not know its DC.
    """
    m = GENERIC_DC_RE.search(rest)
    if m is None or resolver is None:
        return rest
    _, dst, _ = _clause_places(previous, resolver)
    ent = resolver.get("location", dst) if dst else None
    if ent is None or ent.group != "store" or not ent.parent:
        return rest
    return rest[: m.start()] + ent.parent + rest[m.end() :]


def _step_previous(previous: str, step: re.Match[str] | None) -> str | None:
    """Return the previous request pointing one step along the list instead of where it did."""
    if step is None:
        return None
    word = (
        "next"
        if (step.group("step") or step.group("bare")).lower()
        in (
            "next",
            "following",
        )
        else "previous"
    )
    for found in (
        TOP_ONE_RE.search(previous),
        ORDINAL_RE.search(previous),
        re.search(EXC_RE, previous, re.I),
    ):
        if found is not None:
            return previous[: found.start()] + f"the {word} one" + previous[found.end() :]
    return None


RELATIVE_PLACE = re.compile(
    r"^(?:(?:at|in|for|with)\s+)?(?:the\s+)?(?P<place>[a-z0-9]+(?:\s+[a-z0-9]+)?)\s+"
    r"(?:one|1|site|side)(?:\s+(?:then|too|instead|please))?\W*$",
    re.I,
)
"""A place said by what tells it apart from the previous one ("and the south one?")."""


def _relative_place(rest: str, previous: str, resolver: Any) -> str | None:
    """Return the previous request at the place "the south one" names, or None.

    The place is of the previous request's location's kind: after a question about the north
    DC, "the south one" is the south DC; after one about a store, "the Union one" a store.
    """
    m = RELATIVE_PLACE.match(rest.strip())
    before = entities(previous, resolver)["location"]
    if m is None or not before:
        return None
    here = resolver.get("location", before[0])
    if here is None:
        return None
    word = m.group("place")
    nouns = ("dc", "warehouse") if here.group == "dc" else ("store",)
    for noun in nouns:
        for form in (f"{word} {noun}", f"{noun} {word}", word):
            res = resolver.resolve("location", form)
            hit = res.match.entity if res.match is not None and res.match.score >= 100 else None
            if hit is not None and hit.id != here.id and hit.group == here.group:
                return previous.replace(here.id, hit.id)
    return None


def _only_ids(rest: str, resolver: Any) -> bool:
    """Return True when a follow-up's rest is nothing but entity ids ("DC-SOUTH", "S001?")."""
    tokens = re.findall(r"[A-Za-z0-9][\w\-]*", rest)
    return bool(tokens) and all(
        kind_of(t, resolver) or kind_of(t.upper(), resolver) for t in tokens
    )


def _shared_item(text: str, resolver: Any) -> str | None:
    """Return the item name several SKUs share that a text says ("jeans"), or None."""
    if resolver is None:
        return None
    for phrase, candidates in resolver.ambiguous(text, ("sku",)):
        if candidates and candidates[0].kind == "sku":
            return str(phrase)
    return None


def _swap_roles(rest: str, previous: str, resolver: Any) -> dict[str, str]:
    """Return the location swaps a follow-up asks for by role: "and 10 more to S004".

    A location the follow-up marks as a destination ("to", "into") replaces the previous
    request's destination, one marked as a source ("from") its source; {} when neither applies.
    One place said without a role ("and the same for <store>?") takes the role its kind has in
    the previous request: a store replaces a store destination, a DC a DC source.
    """
    src, dst, loose = _clause_places(rest, resolver)
    psrc, pdst, _ = _clause_places(previous, resolver)
    if src is None and dst is None and len(loose) == 1 and resolver is not None:
        ent = resolver.get("location", loose[0])
        dc = ent is not None and ent.group == "dc"
        role = psrc if dc else pdst
        if ent is not None and role is not None:
            was = resolver.get("location", role)
            if was is not None and (was.group == "dc") == dc:
                src, dst = (loose[0], None) if dc else (None, loose[0])
    if src is None and dst is None:
        return {}
    swaps: dict[str, str] = {}
    if dst and pdst and dst != pdst:
        swaps[pdst] = dst
    if src and psrc and src != psrc:
        swaps[psrc] = src
    return swaps


def _qtys(text: str) -> list[re.Match[str]]:
    return [m for m in CLAUSE_QTY.finditer(text) if not _inside_id(text, m.start())]


def _swap_quantity(rest: str, previous: str) -> Callable[[str], str] | None:
    """Return a rewrite putting a follow-up's quantity in place of the previous request's one.

    "and 10 more to S004" after "send 30 of SKU-1 from DC-SOUTH to S003": the transfer is of
    10. Only when both name exactly one quantity (never a percentage or a number of days).
    """
    new = _qtys(rest)
    if len(new) != 1 or len(_qtys(previous)) != 1:
        return None
    value = new[0].group(1)

    def put(text: str) -> str:
        found = _qtys(text)
        if len(found) != 1:
            return text
        return text[: found[0].start(1)] + value + text[found[0].end(1) :]

    return put


def understood(earlier: Sequence[BaseMessage], resolver: Any) -> str | None:
    """Return the planner's previous request as understood (follow-ups applied), canonical."""
    previous: str | None = None
    for msg in earlier:
        if isinstance(msg, HumanMessage) and msg.name != GATE_NAME:
            canon, _ = canonicalise(_normalise(_text(msg)), resolver)
            canon = rewrite_category_follow_up(canon, previous, resolver)
            previous = rewrite_follow_up(canon, previous, resolver)
    return previous


GENERIC_DC = re.compile(
    r"\b(?:the|our|its|their|that)\s+(?:dc|warehouse|distribution\s+cent(?:er|re))\b(?!\s*-)", re.I
)
FROM_GENERIC_DC = re.compile(r"\b(from)\s+" + GENERIC_DC.pattern, re.I)
THERE = re.compile(
    r"\b(from|to|at|in|into|over)\s+(?:there|that\s+(?:store|location|site|dc))\b", re.I
)


def rewrite_places(text: str, focus: Any, resolver: Any) -> str:
    """Read "the DC" and "there" with the thread's location when the request names none.

    "what's the stock at the DC?" after a look-up at S003 asks about S003's own DC; "move 200
    from there to S004" after "where do we hold the most SKU-0023?" means the location shown.
    """
    if (
        resolver is None
        or not focus.location
        or (entities(text, resolver)["location"] and not (THERE.search(text)))
    ):
        return text
    here = resolver.get("location", focus.location)
    if here is None:
        return text
    text = THERE.sub(lambda m: f"{m.group(1)} {focus.location}", text)
    if not OTHER_DC_RE.search(text) and here.group == "store" and here.parent:
        # "cover it from the DC" names the source only: the thread's store stays the destination.
        to_here = (
            f" to {focus.location}"
            if focus.location not in text and not re.search(r"\b(?:to|into)\b", text, re.I)
            else ""
        )
        text = FROM_GENERIC_DC.sub(lambda m: f"{m.group(1)} {here.parent}{to_here}", text)
        text = GENERIC_DC.sub(here.parent, text)
    return text


POINTER_RE = re.compile(
    r"\b(?:the\s+|that\s+)?(?:(?:(?P<kind>stock[- ]?out|overstock|late\s+po|promo|anomaly|bias|"
    r"safety\s+stock)\s+)?(?:one|exception|item|issue|alert|line|problem|risk|row)|"
    r"(?P<kind2>stock[- ]?out|overstock|late\s+po|anomaly))\s+"
    r"(?:at|in|for|on|from|of)\s+(?:the\s+)?(?P<id>[A-Za-z0-9][\w\-]*)"
    # "the pasta one": names become ids and "one" a 1 before this is read ("SKU-0023 1").
    r"|(?:\b(?:the|that)\s+)?(?P<id2>[A-Za-z0-9][\w\-]*)\s+(?:one|1|exception|issue|alert|line)"
    r"(?=\s*(?:[?.!,;:\-–—]|$)|\s+(?:please|then|now|instead|too|first)\b|"
    r"\s+(?:at|in|for|from)\s+(?P<id3>(?-i:[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)*))\b)",
    re.I,
)
"""A pointer back at a listed exception by its place or item: "the one at union"."""


def pointer(text: str, focus: Any, resolver: Any = None) -> tuple[re.Match[str] | None, list[str]]:
    """Return the first pointer at a listed exception and the exceptions of the last list it fits.

    "the one at S004" fits the listed exceptions at S004, "the SKU-0023 one" those of SKU-0023;
    a type word narrows them ("the stockout at S003"). Without an id, words of the item's name,
    its category or the exception's type do ("the detergent one", "the overstock one", "the
    coffee one at S014").
    """
    for m in POINTER_RE.finditer(text):
        ident = (m.group("id") or m.group("id2") or "").upper()
        if not _clean_id(ident):
            continue
        hits = [e for e in focus.last_list if ident in _exception_parts(e)]
        if m.group("id3"):  # "the SKU-0023 one at S004"
            hits = [e for e in hits if m.group("id3").upper() in _exception_parts(e)]
        kind = _exception_type(m.group("kind") or m.group("kind2") or "")
        if kind and len(hits) > 1:
            hits = [e for e in hits if e.startswith(kind + ":")]
        if hits:
            return m, hits
    return word_pointer(text, focus, resolver)


WORD_POINTER = re.compile(
    r"\b(?:the|that|this)\s+(?P<words>[a-z][a-z'\-]*(?:\s+[a-z][a-z'\-]*){0,2}?)\s+"
    r"(?:one|1|exception|issue|alert|flag|line|item|problem|thing)s?\b"
    r"(?:\s+(?:at|in|for|from)\s+(?P<id>(?-i:[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)*)))?",
    re.I,
)
"""A listed exception said by words ("the detergent one", "that overstock one at S014")."""
NOT_POINTER_WORDS = frozenset(
    {"other", "next", "same", "last", "first", "top", "new", "right", "wrong", "only", "previous",
     "following", "second", "third", "big", "biggest", "worst", "main", "every", "each", "any"}
)  # fmt: skip
DRAFTABLE_TYPES = (
    ExceptionType.STOCKOUT_RISK.value,
    ExceptionType.PROMO_UNCOVERED.value,
    ExceptionType.BELOW_SAFETY_STOCK.value,
    ExceptionType.OVERSTOCK.value,
)
"""Exception types whose recommendation can be a transfer or an order (the others review)."""


def _word_fits(word: str, exception_id: str, resolver: Any) -> bool:
    """Return True when a word names the exception's type, its item, category or place."""
    kind = _exception_type(word)
    if kind is not None:
        return exception_id.startswith(kind + ":")
    sku, *places = _exception_parts(exception_id)
    names: list[str] = []
    for k, ident in (("sku", sku), *(("location", p) for p in places[:1])):
        ent = resolver.get(k, ident) if resolver is not None else None
        if ent is not None:
            names += [ent.name or "", ent.group or ""]
    tokens = set(re.findall(r"[a-z0-9]+", " ".join(names).lower()))
    stem = word.lower().rstrip("s") if len(word) > 4 else word.lower()
    return any(t == word.lower() or t.rstrip("s") == stem for t in tokens)


def word_pointer(text: str, focus: Any, resolver: Any) -> tuple[re.Match[str] | None, list[str]]:
    """Return a pointer at listed exceptions by words, and the ones of the last list it fits."""
    if resolver is None or not focus.last_list:
        return None, []
    for m in WORD_POINTER.finditer(text):
        words = [w for w in m.group("words").split() if w.lower() not in NOT_POINTER_WORDS]
        if not words or len(words) != len(m.group("words").split()):
            continue
        hits = [e for e in focus.last_list if all(_word_fits(w, e, resolver) for w in words)]
        if m.group("id"):
            hits = [e for e in hits if m.group("id").upper() in _exception_parts(e)]
        if hits:
            return m, hits
    return None, []


DRAFT_WORDS = re.compile(
    r"\b(?:fix|draft|prepare|prep|resolve|handle|raise|action|sort|do|cover|restock|replenish|"
    r"top\s+up|deal\s+with|take\s+care\s+of|set\s+up|order|transfer|move|send|ship)\b",
    re.I,
)


def rewrite_pointer(text: str, focus: Any, resolver: Any = None) -> str:
    """Replace "the one at S004" / "the SKU-0023 one" with that exception of the last list.

    Only when exactly one exception of the last list shown fits; of several, a request to act
    takes the one whose recommendation can be drafted, and several of one SKU and place are
    that place's item (the first, the costliest, is meant).
    """
    if not focus.last_list:
        return text
    m, hits = pointer(text, focus, resolver)
    if m is not None and len(hits) > 1 and DRAFT_WORDS.search(text):
        acting = [e for e in hits if e.startswith(DRAFTABLE_TYPES)]
        hits = acting or hits
    if m is not None and len({_exception_parts(e)[:2] for e in hits}) == 1:
        hits = hits[:1]
    if m is None or len(hits) != 1:
        return text
    return text[: m.start()] + hits[0] + text[m.end() :]


def _exception_parts(exception_id: str) -> tuple[str, ...]:
    """Return an exception id's SKU, location and reference: "late_po:A@DC:PO-1" -> A, DC, PO-1."""
    rest = exception_id.partition(":")[2]
    sku, _, where = rest.partition("@")
    return (sku.upper(), *(p.upper() for p in where.split(":")))


def rewrite_ordinal(text: str, focus: Any, resolver: Any = None) -> str:
    """Replace "the third one" with the third exception of the last list shown."""
    if not focus.last_list:
        return text
    text = rewrite_pointer(text, focus, resolver)
    n, m = step_along(text, focus)
    if m is not None:
        return text if n is None else text[: m.start()] + focus.last_list[n - 1] + text[m.end() :]
    n, m = ordinal(text)
    if n is None or m is None:
        return text
    items = focus.last_list
    if n == -1:
        n = len(items)
    if not 1 <= n <= len(items):
        return text
    return text[: m.start()] + items[n - 1] + text[m.end() :]


DEFINITE_TYPE = re.compile(
    r"\b(?:the|that|this)\s+(?:(?:late|overdue|delayed)\s+(?:pos?|purchase\s+orders?|orders?|"
    r"deliver(?:y|ies))|stock[- ]?outs?(?:\s+risk)?|overstock|promo(?:tion)?(?:\s+risk)?|"
    r"(?:inventory\s+)?anomaly|negative\s+stock|forecast\s+bias|bias)\b"
    r"(?!\s+(?:at|in|for|of|on|from)\b)",
    re.I,
)
"""An exception of a type said as one the thread knows ("the late PO", "the stockout")."""
NOT_ABOUT_ONE = re.compile(
    r"\b(?:polic\w*|rules?|playbook|guidelines?|all|every|any|network|everywhere|how\s+(?:do|"
    r"should|must|can)\s+(?:we|i))\b",
    re.I,
)


def rewrite_definite(text: str, earlier: Sequence[BaseMessage], resolver: Any) -> str:
    """Scope "the late PO" / "the stockout" to the SKU and location the thread last looked at.

    "chase the overdue PO" after a look-up of SKU-0053 at DC-SOUTH means that SKU's late PO
    there, not every late PO of the network: the request gets the last tool call's SKU and
    location ("... for SKU-0053 at DC-SOUTH"), so one that the data narrows to one is used, not
    asked about. Only for a request that names no entity of its own.
    """
    if not DEFINITE_TYPE.search(text) or NOT_ABOUT_ONE.search(text):
        return text
    if any(entities(text, resolver).values()):
        return text
    args = _last_call_args(earlier)
    sku = args.get("sku")
    loc = args.get("location") or args.get("to_location") or args.get("location_id")
    scope = ""
    if isinstance(sku, str) and sku:
        scope += f" for {sku}"
    if isinstance(loc, str) and loc:
        scope += f" at {loc}"
    if not scope:
        return text
    m = re.search(r"\W*$", text)
    end = m.start() if m else len(text)
    return text[:end] + scope + text[end:]


def _last_call_args(earlier: Sequence[BaseMessage]) -> dict[str, Any]:
    """Return the arguments of the thread's last tool call ({} when there is none)."""
    for msg in reversed(earlier):
        calls = getattr(msg, "tool_calls", None)
        if calls:
            return dict(calls[-1].get("args") or {})
    return {}


NOT_A_STORE_NUMBER = (
    r"(?![.:,]\d)(?!\s*(?:%|x\b|units?\b|pcs\b|pieces\b|days?\b|weeks?\b|wks?\b|months?\b|"
    r"years?\b|am\b|pm\b|o'?clock\b|cases?\b|packs?\b|cartons?\b|boxes\b|of\b|stores?\b|"
    r"locations?\b|sites?\b|dcs?\b|skus?\b|items?\b|more\b|less\b|extra\b|each\b|a\s+day\b|"
    r"per\b|/))"
)
BARE_AT = re.compile(r"\bat\s+(?:#\s*)?(?P<n>\d{1,3})\b" + NOT_A_STORE_NUMBER, re.I)
BARE_TO = re.compile(
    r"\b(?P<p>to|into|in|for)\s+(?:#\s*)?(?P<n>\d{1,3})\b" + NOT_A_STORE_NUMBER, re.I
)
SUPPLY_WORDS = re.compile(
    r"\b(?:inbound|in\s+transit|transit|coming(?:\s+in)?|arriving|on\s+order|open\s+supply|"
    r"en\s+route|heading|on\s+the\s+way|incoming|flagged|flag)\b",
    re.I,
)
"""Open-supply and "why flagged" questions, where "to 7" is a store (never an amount)."""


KEEP_AT = re.compile(
    r"\b(?:keep|leave|hold|stick|stay)\w*\s+(?:it|that|this|the\s+\w+)?\s*(?:at|with)\s+\d",
    re.I,
)
"""A quantity kept ("actually keep it at 20", "leave it at 20"): a number of units, no store."""


def rewrite_store_number(text: str, resolver: Any) -> str:
    """Read a bare number as a store when the request names no location: "open supply at 3".

    "at 3" anywhere, and "to 7" / "in 7" in an open-supply or "why flagged" question, become
    "at store 3" (never a number of units, days, percent or stores). Returns the text as is
    when it names a location already or nothing reads as a store.
    """
    if resolver is None or entities(text, resolver)["location"] or KEEP_AT.search(text):
        return text
    out = BARE_AT.sub(lambda m: f"at store {m.group('n')}", text, count=1)
    if out == text and SUPPLY_WORDS.search(text):
        out = BARE_TO.sub(lambda m: f"{m.group('p')} store {m.group('n')}", text, count=1)
    return out


TIMES_COUNT = re.compile(
    r"(?<![\w.,-])(?P<n1>\d+)\s*x\s*(?P<sku1>[A-Za-z][\w-]*\d)(?![\w-])"
    r"|(?<![\w-])(?P<sku2>[A-Za-z][\w-]*\d)\s*(?:x\s*|\*\s*)(?P<n2>\d+)(?![\w.,-])",
    re.I,
)
"""A count written with a times sign beside an item id: "50 x SKU-0046", "SKU-0046 x50"."""


def rewrite_times_count(text: str, resolver: Any) -> str:
    """Read "<n> x <item>" and "<item> x<n>" as "<n> <item>": a quantity of units of the item.

    Only beside an item id (canonical text), so "2x demand" and "S003 x2" are left as written.
    """

    def swap(m: re.Match[str]) -> str:
        sku, n = (m["sku1"], m["n1"]) if m["sku1"] else (m["sku2"], m["n2"])
        return f"{n} {sku}" if kind_of(sku, resolver) == "sku" else m.group(0)

    return TIMES_COUNT.sub(swap, text)


NOT_A_STORE_WORD = frozenset(
    """other same next whole that this each every which any all per one a an my our your their
    his her its nearest closest biggest largest smallest top best worst first second third last
    own flagship main local new old busiest quietest slowest fastest home right wrong""".split()  # noqa: SIM905
)
UNKNOWN_STORE = re.compile(
    r"\b(?:store|shop|branch|location)\s+(?:#\s*|no\.?\s*|number\s+)?(?P<n>\d{1,3})\b"
    r"|(?<![\w'-])[Ss][-_]?0*(?P<s>\d{1,3})(?![\w-])"
    r"|\bthe\s+(?P<w>[A-Za-z][\w'-]+)\s+(?:store|shop|branch)\b",
)


def unknown_store(text: str, resolver: Any) -> str | None:
    """Return how a request names a store the network does not have ("store 7", "s7")."""
    if resolver is None or entities(text, resolver)["location"]:
        return None
    ids = [(m.start(), m.end()) for m in re.finditer(EXC_RE, text, re.IGNORECASE)]
    for m in UNKNOWN_STORE.finditer(text):
        if m.group("w") and m.group("w").lower() in NOT_A_STORE_WORD:
            continue
        if any(a <= m.start() < b for a, b in ids):
            continue  # a part of an exception id ("stockout_risk:SKU-0012@S003")
        word = m.group("n") or m.group("s")
        said = f"S{int(word):03d}" if word else m.group(0)
        if resolver.get("location", said) is not None or resolver.resolve("location", said).match:
            continue
        return m.group(0)
    return None


BY_CATEGORY = re.compile(r"\b(?:by|per|split\s+by|across)\s+(?:the\s+)?categor(?:y|ies)\b", re.I)
"""A request broken down by category: a follow-up naming one drills into it."""
DRILL_DOWN = re.compile(
    r"^\W*(?:(?:and|ok(?:ay)?|so|now|then|right)\W+)*(?:just|only|drill\s+(?:into|down\s+(?:into|on))|"
    r"zoom\s+(?:into|in\s+on)|focus\s+on|open\s+up|break\s+down|what\s+about|how\s+about|"
    r"and(?:\s+(?:in|for))?)\s+(?:the\s+)?(?P<cat>[a-z][a-z &-]*?)"
    r"(?:\s+(?:category|cat|dept|one|1))?(?:\s*(?:[-:,?!.]+\s*|\s+)(?P<tail>(?:what|which|who|where|show|list|why)\b.*))?\W*$",
    re.I,
)
"""A follow-up that names one category of a breakdown ("just pet - what's driving it?")."""


def _drill_down(text: str, previous: str, cats: list[str], resolver: Any) -> str:
    """Return the request a follow-up naming one category of a breakdown makes.

    After "how many stockouts per category?", "and electronics?" is that question for the one
    category; "just Pet - what's driving it?" / "drill into grocery" asks for the exceptions
    behind its line (of the type the breakdown counted, if it named one).
    """
    m = DRILL_DOWN.match(text)
    if m is None or any(entities(text, resolver).values()):
        return text
    named = category(m.group("cat"), cats)
    if named not in cats:
        return text
    lead = m.group(0)[: m.start("cat")].lower()
    if not m.group("tail") and re.search(r"\b(?:and|what\s+about|how\s+about)\b", lead):
        return BY_CATEGORY.sub(f"in the {named} category", previous, count=1)
    kind = next((p.search(previous) for _, p in TYPE_PATTERNS if p.search(previous)), None)
    return f"{kind.group(0) if kind else 'exceptions'} in the {named} category"


NEXT_CATEGORY = re.compile(
    r"^\W*(?:(?:and|ok(?:ay)?|so|now|then)\W+)*(?:(?:what|how)\s+about\s+|same\s+for\s+)?"
    r"(?:the\s+)?(?P<which>next|following|previous|prior|last)\s+(?:category|cat|dept|department)"
    r"(?:\s+(?:then|please|pls|too))?\W*$",
    re.I,
)
SAME_FOR_CATEGORY = re.compile(
    r"^\W*(?:(?:and|ok(?:ay)?|so|now|then)\W+)*(?:same\s+(?:for|with|in)|(?:what|how)\s+about|"
    r"and(?:\s+(?:in|for))?|now|then)\s+(?:the\s+|in\s+)?(?P<cat>[a-z][a-z &-]*?)"
    r"(?:\s+(?:category|dept|department|range|aisle))?(?:\s+(?:then|please|pls|too))?\W*$",
    re.I,
)


UNAPPROVED = re.compile(r"\b(?:un|non)[- ]?ap+ro?ved\b", re.I)
"""A draft said to be not yet approved ("unapproved", "non-approved", "unaproved")."""


def rewrite_unapproved(text: str) -> str:
    """Read "unapproved" as "pending" (never "approved", as a typo correction would).

    A draft not yet approved is one waiting for approval; "the unapproved ones" are the
    pending drafts.
    """
    text = re.sub(r"\b(?:un|non)[- ]?ap+ro?ved\s+ones\b", "pending drafts", text, flags=re.I)
    return UNAPPROVED.sub("pending", text)


THAT_CATEGORY = re.compile(
    r"\b(?:that|this|the\s+same|same|said|that\s+same|this\s+same|the\s+said)\s+"
    r"(?P<noun>category|cat|dept|department|range|aisle)(?P<s>'s)?\b",
    re.I,
)
"""A category said with a demonstrative ("that category", "the same dept", "this category's")."""


def thread_category(earlier: Sequence[BaseMessage], focus: Any, resolver: Any) -> str | None:
    """Return the category the thread is about, or None.

    The last category a tool was asked about, else the category of the thread's item
    (`focus.sku`).
    """
    for msg in reversed(earlier):
        for call in reversed(getattr(msg, "tool_calls", None) or []):
            cat = (call.get("args") or {}).get("category")
            if isinstance(cat, str) and cat:
                return cat
    sku = getattr(focus, "sku", None)
    ent = resolver.get("sku", sku) if resolver is not None and sku else None
    return ent.group if ent is not None and ent.group else None


def rewrite_that_category(
    text: str, earlier: Sequence[BaseMessage], focus: Any, resolver: Any
) -> str:
    """Put the thread's category in for "that category" ("split that category by location").

    The demonstrative is never a category's name; without a category in the thread the text
    is returned as it is (and the demonstrative names none: see `category`).
    """
    if resolver is None or not THAT_CATEGORY.search(text):
        return text
    cat = thread_category(earlier, focus, resolver)
    if cat is None or cat not in resolver.categories:
        return text
    return THAT_CATEGORY.sub(cat, text)  # "split Garden by location", not "the ... category"


def rewrite_category_follow_up(text: str, previous: str | None, resolver: Any) -> str:
    """Read "next category" or "same for Garden" after a request about a category.

    The previous request with its category swapped: the next (or previous) of the network's
    categories in their listed order, or the one named. Returns the text as is otherwise.
    """
    if resolver is None or not previous:
        return text
    cats = list(resolver.categories)
    before = category(previous, cats)
    if before is None and BY_CATEGORY.search(previous):
        return _drill_down(text, previous, cats, resolver)
    if before is None or before not in cats:
        return text
    after: str | None = None
    m = NEXT_CATEGORY.match(text)
    if m:
        step = -1 if m.group("which").lower() in ("previous", "prior", "last") else 1
        after = cats[(cats.index(before) + step) % len(cats)]
    else:
        m = SAME_FOR_CATEGORY.match(text)
        if m is None or any(entities(text, resolver).values()):
            return text
        named = category(m.group("cat"), cats)
        after = named if named in cats else None
    if after is None or after == before:
        return text
    word = before.lower()
    # the category as the previous request said it: "toy" or "toys" for Toys, "grocery" or
    # "groceries" for Grocery
    if word.endswith("y"):
        stem = re.escape(word[:-1]) + r"(?:y|ies)"
    else:
        stem = re.escape(word[:-1] if word.endswith("s") else word) + r"s?"
    swapped = re.sub(r"\b" + stem + r"\b", after, previous, count=1, flags=re.I)
    return swapped if swapped != previous else text


PROPOSAL_NOUN = (
    r"(?:move|transfer|xfer|shipment|order|po|purchase\s+order|draft|proposal|request|top[- ]?up|"
    r"restock|buy)"
)
_ID_WORD = r"(?-i:[A-Z][A-Z0-9]*(?:[-_][A-Z0-9]+)+|S\d+)"
_ID_LINK = r"(?:\s+(?:at|to|for|from|into|of|in|with)\s+|\s+)"
PROPOSAL_MENTION = re.compile(
    r"(?:\b(?:the|my|our|that|this|his|her|their)\s+)?(?P<ids>"
    + _ID_WORD
    + r"(?:"
    + _ID_LINK
    + _ID_WORD
    + r"){0,2})\s+(?P<noun>"
    + PROPOSAL_NOUN
    + r")s?\b"
    r"|\b(?:the|my|our|that|this|his|her|their)\s+(?P<noun2>" + PROPOSAL_NOUN + r")s?"
    r"(?P<ids2>(?:\s+(?:of|for|to|from|into|with|at|in)\s+(?:\d[\d,]*\s+)?"
    + _ID_WORD
    + r"){1,3})\b",
    re.I,
)
"""A proposal said by what it is about: "the sunscreen move", "my transfer to Vista"."""


def proposal_mention(text: str, focus: Any, resolver: Any) -> tuple[str, str | None]:
    """Return the request with "the SKU-0134 move" read as "the move", and that proposal's id.

    A thread's draft is often named by its item, supplier or places ("has bob actioned the
    sunscreen move?", "any news on the acme order?"): when every id the phrase names is one of
    a proposal of this thread (the latest such), the phrase becomes the bare noun, so the
    proposal intents read it as the thread's draft; (text, None) when none fits.
    """
    if not focus.proposals:
        return text, None
    for m in PROPOSAL_MENTION.finditer(text):
        ids = re.findall(_ID_WORD, m.group("ids") or m.group("ids2") or "")
        known = [i for i in ids if kind_of(i, resolver) is not None]
        if not known or len(known) != len(ids):
            continue
        for note in reversed(focus.proposals):
            about = {str(v).upper() for v in (note.args or {}).values() if isinstance(v, str)}
            if all(i.upper() in about for i in known):
                noun = m.group("noun") or m.group("noun2")
                return text[: m.start()] + f"the {noun}" + text[m.end() :], note.proposal_id
    return text, None


OF_IT = re.compile(
    r"(?:(?<![\w.-])\d[\d,]*|\b(?:any|some|more|much|many|enough|most|less|fewer|none|units?|"
    r"pcs|cases?|packs?))\s+(?P<of>of)\s+(?:it|that\s+(?:one|item|sku|product)|this\s+(?:one|"
    r"item|sku|product)|the\s+same(?:\s+(?:item|sku|product|thing|stuff))?)\b",
    re.I,
)
"""The thread's item said as a pronoun after a quantity word ("send 30 of it", "any of it")."""


def rewrite_item_pronoun(text: str, focus: Any, resolver: Any) -> str:
    """Read "30 of it" / "any of that item" as the thread's SKU when the request names none.

    "is there any of it at Union?" after a look-up of SKU-0130 asks about SKU-0130 there;
    "send 30 of it from there to S007" moves SKU-0130.
    """
    if not focus.sku or entities(text, resolver)["sku"]:
        return text
    m = OF_IT.search(text)
    if m is None:
        return text
    return text[: m.start("of")] + f"of {focus.sku}" + text[m.end() :]


THEM_SUPPLIER = re.compile(
    r"\b(off|from|by)\s+(?:them|that\s+(?:supplier|vendor)|this\s+(?:supplier|vendor)|"
    r"the\s+same\s+(?:supplier|vendor))\b",
    re.I,
)
"""A supplier pointed at, not named: "buy anything off them", "order it from that vendor"."""


def rewrite_supplier_pronoun(text: str, focus: Any, resolver: Any) -> str:
    """Read "off them" / "from that supplier" as the thread's supplier when none is named.

    "voltix - on-time record?" then "is the plan asking us to buy anything off them" asks
    about SUP-06; a request that names a supplier keeps its own.
    """
    if not focus.supplier or entities(text, resolver)["supplier"]:
        return text
    return THEM_SUPPLIER.sub(
        lambda m: f"{'by' if m.group(1).lower() == 'by' else 'from'} {focus.supplier}", text
    )
