"""Rankings and shares: questions that want an answer ("S003"), not a list of exceptions.

"Top 3 stores by money at risk", "which 5 stores are losing the most to stockouts", "worst DCs
for overstock", "which category has the most at risk", "rank suppliers by late POs", "biggest
stockout risks by store" all rank one kind of group (stores, DCs, locations, categories,
suppliers or SKUs) by a measure, and "what share of the risk is in S004" asks one group's part
of the whole ("at S003 and S002": each one's part, never their sum, which no tool returns).
The answer leads with the ranking (or the share), then the table.

- The figures are the totals tool's (`summarize_exceptions`, grouped by location, category,
  supplier or SKU, with the type, region, category and priority filters the request says);
  stores and DCs are both locations, so a ranking of one kind keeps the groups of that kind.
  Suppliers ranked by late POs read the supplier status instead (`get_supplier_status`: late
  PO lines per supplier), which counts every late order, not only those that put stock at risk.
- The measure is the money at risk unless the request counts ("most stockouts", "by number of
  exceptions"): then the count, money breaking ties.
- A count said ("top 3", "which five") is kept; a group said in the singular ("which store")
  is the first one; a plural with no count ranks them all. When fewer groups have exceptions
  than were asked for, the answer says so and names those with none.

Everything here reads: no call of this module writes.
"""

from __future__ import annotations

import re
from typing import Any

from agents.offline.handlers import _totals_args
from agents.offline.messages import Call, Request, Result, Step
from agents.offline.parsing import NUMBER_WORDS
from agents.offline.render import (
    TYPE_LABELS,
    _error_text,
    _money,
    _n,
    _qty,
    _table,
    render_regions_compared,
)
from tools.resolve import one_typo

GROUP_WORDS: dict[str, str] = {
    "store": r"st[o0]?res?|stors?|shops?|branch(?:es)?|outlets?",
    "dc": r"dcs?|d\.c\.s?|warehouses?|distribution\s+cent(?:er|re)s?|depots?",
    "location": r"locations?|sites?",
    "category": r"cat[ae]?g[oe]r(?:y|ies)|depts?|departments?",
    "supplier": r"suppl[iy]?[eo]rs?|vend[oe]rs?",
    "sku": r"skus?|item(?!s)|products?",
    "region": r"regions?|territor(?:y|ies)",
}
"""The words of each kind of group a ranking can be of (plural and common typos)."""

_ANY_GROUP = "|".join(f"(?:{w})" for w in GROUP_WORDS.values())
_COUNT = r"(?:\d{1,3}|" + "|".join(NUMBER_WORDS) + r")"
_NOT_AN_ID = r"(?![-_])(?!\s*#?\s*(?:[A-Za-z]+-)?\d)"
"""A group word is no group when an id follows it ("store S003", "item 12")."""
_ADJ = r"(?:(?!exceptions?\b|issues?\b|alerts?\b|flags?\b|problems?\b|risks?\b)[\w-]+\s+){0,2}?"
_WHICH_GROUP = (
    r"\b(?:which|what)\s+(?:" + _COUNT + r"\s+)?" + _ADJ + r"(?:" + _ANY_GROUP + r")\b" + _NOT_AN_ID
)
"""'which (3) stores', 'what category': a question for one or more groups, ranked after."""
_GROUP_THEN_WHICH = (
    r"(?:\b(?:of|among(?:st)?|across|out\s+of|from)\s+(?:all\s+)?(?:(?:the|our|my|these|those|"
    r"its|their)\s+)?(?:\w+\s+)?(?:" + _ANY_GROUP + r")\b" + _NOT_AN_ID + r"[^?]{0,80}?"
    r"\b(?:which|what|who)(?:\s+(?:single\s+)?one)?\b|\bwhich\s+(?:single\s+)?one\s+(?:of|among)\s+"
    r"(?:(?:the|our|my|these|those|all)\s+){0,2}(?:" + _ANY_GROUP + r")\b" + _NOT_AN_ID + r")"
)
"""'of our stores, which one', 'which one of the DCs': the group said before the question."""

_PARTITIVE = (
    r"\b(?:of|out\s+of|among(?:st)?|across)\s+(?:all\s+)?(?:(?:the|our|my|these|those)\s+)?"
    r"(?P<kind>"
    + _ANY_GROUP
    + r")\b"
    + _NOT_AN_ID
    + r"\W+(?:which|what)\s+(?P<n>"
    + _COUNT
    + r")\b"
)
"""The groups said first, the question after ("of all our categories, which one ...", "out of
the stores, which two ..."): the word order of a buyer's letter or a non-native speaker."""
PARTITIVE = re.compile(_PARTITIVE, re.I)

RANKING_CUES: tuple[re.Pattern[str], ...] = tuple(
    re.compile(p, re.I)
    for p in (
        # "top 3 stores", "worst DCs for overstock", "5 riskiest suppliers", "most exposed stores"
        r"\b(?:top|bottom|worst|best|biggest|largest|riskiest|highest|most\s+(?:exposed|"
        r"at[- ]risk|affected|impacted|hit))\s+(?:"
        + _COUNT
        + r"\s+)?"
        + _ADJ
        + r"(?:"
        + _ANY_GROUP
        + r")\b"
        + _NOT_AN_ID,
        r"\b"
        + _COUNT
        + r"\s+(?:worst|best|biggest|largest|riskiest|highest|most\s+exposed)\s+"
        + _ADJ
        + r"(?:"
        + _ANY_GROUP
        + r")\b"
        + _NOT_AN_ID,
        # "which 5 stores are losing the most", "which SKU is the single biggest risk"
        _WHICH_GROUP + r".*\b(?:most|biggest|largest|worst|highest|greatest|top|leads?|"
        r"leading|riskiest)\b",
        # "of our stores, which one carries the most?", "which one of the DCs is worst off?"
        _GROUP_THEN_WHICH + r".*\b(?:most|biggest|largest|worst|highest|greatest|top|leads?|"
        r"leading|riskiest)\b",
        # "the 3 stores with the most at risk", "suppliers with the most late POs"
        r"\b(?:" + _ANY_GROUP + r")\b" + _NOT_AN_ID + r"\s+(?:with|that\s+have|having|that\s+"
        r"are|losing|carrying)\s+(?:the\s+)?(?:most|biggest|largest|highest|greatest)\b",
        # "rank suppliers by late POs", "sort the categories by exposure", "ranking of stores"
        r"\b(?:rank|sort|order|list|league\s+table)(?:ed|ing|s)?\s+(?:of\s+)?(?:(?:the|our|all|"
        r"my|each|every)\s+){0,2}(?:" + _ANY_GROUP + r")\b" + _NOT_AN_ID + r".*\bby\b",
        r"\brank(?:ed|ing|s)?\s+(?:of\s+)?(?:(?:the|our|all|my|each|every)\s+){0,2}(?:"
        + _ANY_GROUP
        + r")\b"
        + _NOT_AN_ID,
        r"\b(?:" + _ANY_GROUP + r")\b" + _NOT_AN_ID + r"\s+(?:ranked|sorted|ordered|in\s+order)\b",
        # "which store has the least at risk", "best performing stores", "fewest exceptions"
        _WHICH_GROUP + r".*(?<!\bat\s)\b(?:least|fewest|lowest|smallest)\b",
        r"\b(?:best|least\s+exposed|least\s+at[- ]risk)\s+(?:"
        + _COUNT
        + r"\s+)?"
        + _ADJ
        + r"(?:"
        + _ANY_GROUP
        + r")\b"
        + _NOT_AN_ID,
        # "where is most of the overstock", "where are we losing the most to stockouts"
        r"^(?!.*\b(?:categor\w*|skus?|items?|products?|suppliers?|vendors?)\b)\bwhere\b.*\b(?:most|"
        r"biggest|largest|worst)\b.*\b(?:over[- ]?stock\w*|stock[- ]?outs?|late\s+(?:pos?|orders)|"
        r"excess|promo\w*|anomal\w*)",
        # "of all our categories, which one has the most at risk?"
        _PARTITIVE + r".*\b(?:most|biggest|largest|worst|highest|greatest|top|leads?|leading|"
        r"riskiest|least|fewest|lowest|smallest)\b",
        # "biggest stockout risks by store", "top exposure per category"
        r"\b(?:top|biggest|largest|worst|most|highest|rank\w*)\b.*\b(?:by|per|for\s+each)\s+"
        r"(?:" + _ANY_GROUP + r")\b" + _NOT_AN_ID,
    )
)
"""Words that rank groups: a rank word or a count before the group, "which ... most", a sort."""

NOT_EXCEPTIONS = re.compile(
    r"\b(?:on[- ]?hand|stock(?!\s*-?\s*outs?)\b|inventory|units|holds?|holding|cover|"
    r"forecast\w*|sales|sell\w*|sold|demand|lead[- ]?times?|on[- ]time|reliab\w*|punctual\w*|"
    r"cheap\w*|price|unit\s+cost|moq|reorder\w*|order\s+list|buy\w*|transfers?|polic\w*|"
    r"playbook|approv\w*|proposals?|drafts?|lanes?|margin|turns?|sell[- ]through|spend)\b",
    re.I,
)
"""Measures that are not the exceptions' (stock, sales, service, terms): not this module's."""

ITEM_ID = re.compile(r"(?<![\w-])SKU[-_]?\w+", re.I)
EXCEPTION_WORDS = re.compile(
    r"\b(?:risks?|risky|riskiest|exposure|exposed|exceptions?|issues?|alerts?|flags?|problems?|"
    r"stock[- ]?outs?|over[- ]?stock\w*|late|overdue|money|losing|lose|cost\w*)\b|[$£€]",
    re.I,
)
"""Words of the exceptions' measures: a ranking about an item must say one of them."""
LATE = re.compile(r"\b(?:late|overdue|delayed|behind)\b", re.I)
LATE_ORDERS = re.compile(
    r"\b(?:late|overdue|delayed|behind)\s+(?:pos?|purchase\s+orders?|orders?|deliveries|"
    r"lines|shipments)\b|\blate[- ]po\b",
    re.I,
)
"""Late orders said as such ("late POs"): counted per supplier, unlike "the most late"."""
MONEY = re.compile(
    r"\b(?:at\s+risk|money|exposure|exposed|los(?:e|es|ing|t)|cost\w*|value|dollars?|pounds?|"
    r"euros?|at\s+stake|on\s+the\s+line)\b|[$£€]",
    re.I,
)
COUNTED = re.compile(
    r"\bby\s+(?:the\s+)?(?:number|count|#|volume)\b|\bby\s+(?:exceptions?|issues?|alerts?|"
    r"flags?)\b|\b(?:most|fewest|more|highest\s+(?:number|count))\s+(?!of\b)(?:\w+\s+)?"
    r"(?:exceptions|issues|alerts|flags|problems|stock[- ]?outs|overstocks|late\s+"
    r"(?:pos|purchase\s+orders|orders|deliveries))\b|\bhow\s+many\b",
    re.I,
)
"""A ranking by how many exceptions each group has, not by the money."""

SHARE = re.compile(
    r"\b(?:what|which|how\s+big\s+(?:a|of\s+a))\s+(?:share|portion|proportion|percent(?:age)?|"
    r"fraction|part|slice|chunk|%)\s+(?:of\b|is\b|does\b|do\b|comes?\b)"
    r"|\bhow\s+much\s+of\s+(?:the|our|all\s+(?:the\s+)?)?\s*(?:total\s+|overall\s+)?(?:money\s+"
    r"at\s+risk|risk|exposure|at[- ]risk\s+money|money|problem|issues?|exceptions?)\b"
    r"|\b(?:share|percent(?:age)?|%)\s+of\s+(?:the\s+|our\s+)?(?:total\s+)?(?:risk|exposure|money"
    r"|at\s+risk)"
    # "what's the share of S003 in the total risk", "S004's percentage of the exposure"
    r"|\b(?:share|percent(?:age)?|proportion|fraction)\b.*\b(?:risk|exposure|at\s+stake)\b",
    re.I,
)
"""A question about one group's part of the whole ("what share of the risk is in S004")."""

NOUNS = {
    "store": ("store", "stores"),
    "dc": ("DC", "DCs"),
    "location": ("location", "locations"),
    "category": ("category", "categories"),
    "supplier": ("supplier", "suppliers"),
    "sku": ("SKU", "SKUs"),
    "region": ("region", "regions"),
}
BY = {"store": "location", "dc": "location", "location": "location"}


def _group_of(text: str) -> tuple[str, bool] | None:
    """Return the kind of group a ranking is of and whether it was said in the plural."""
    best: tuple[int, str, bool] | None = None
    for kind, words in GROUP_WORDS.items():
        for m in re.finditer(rf"\b(?:{words})\b{_NOT_AN_ID}", text, re.I):
            if best is None or m.start() < best[0]:
                word = m.group(0).lower()
                best = (m.start(), kind, word.endswith("s") and not word.endswith("ss"))
    # "by store" ranks stores whatever comes before it ("biggest stockout risks by store")
    by = re.search(rf"\b(?:by|per|for\s+each)\s+((?:{_ANY_GROUP}))\b{_NOT_AN_ID}", text, re.I)
    if by is not None:
        word = by.group(1)
        kind = next(k for k, w in GROUP_WORDS.items() if re.fullmatch(w, word, re.I))
        return kind, True
    if best is None and re.search(r"\bwhere\b", text, re.I):
        return "location", False  # "where is most of the overstock": the one location
    return (best[1], best[2]) if best else None


LEAST = re.compile(
    r"(?<!\bat\s)\b(?:least|fewest|lowest|smallest)\b|\bbest\b(?!\s+(?:seller|selling))"
    r"|\bleast\s+(?:exposed|at[- ]risk)\b",
    re.I,
)
"""A ranking from the bottom: the groups with the least at risk first ("best stores")."""


def _count_said(text: str, group: str | None = None) -> int | None:
    """Return the number of groups asked for ("top 3", "which five", "the 2 worst").

    With `group`, a count of another kind of group is not it ("of our stores (leaving the
    three DCs aside), which ..." asks for one store).
    """
    for m in re.finditer(
        rf"\b(?:top|bottom|worst|best|biggest|largest|riskiest|highest|which|what|the|first)\s+"
        rf"({_COUNT})\b(?!\s*(?:%|days?|weeks?))"
        rf"|\b({_COUNT})\s+{_ADJ}(?:{_ANY_GROUP})\b",
        text,
        re.I,
    ):
        counted = re.match(rf"\s+{_ADJ}({_ANY_GROUP})\b", text[m.end(m.lastindex or 1) :], re.I)
        if group is not None and counted is not None and _kind(counted.group(1)) != group:
            continue
        said = (m.group(1) or m.group(2)).lower()
        n = int(NUMBER_WORDS.get(said, said))
        return n if 1 <= n <= 100 else None
    return None


def _kind(word: str) -> str:
    """Return the kind of group a group word names ("shops": store)."""
    return next((k for k, w in GROUP_WORDS.items() if re.fullmatch(w, word, re.I)), "")


def read_ranking(text: str, resolver: Any) -> dict[str, str] | None:
    """Read a ranking of groups: its kind of group, the count asked for and the measure."""
    if NOT_EXCEPTIONS.search(text) or SHARE.search(text):
        return None
    if not any(p.search(text) for p in RANKING_CUES):
        return None
    if ITEM_ID.search(text) and not EXCEPTION_WORDS.search(text):
        return None  # "which store has the most SKU-0016?": stock of the item, not its risk
    found = _group_of(text)
    if found is None:
        return None
    group, plural = found
    if group != "region" and _compares(text, resolver):
        return None  # "Grocery or Pet: which has the most at risk?" weighs the two named
    n = _count_said(text, group)
    partitive = PARTITIVE.search(text)
    if partitive is not None:
        # "of all our categories, which one": the group said first, counted after it.
        said = partitive.group("n").lower()
        n, plural = int(NUMBER_WORDS.get(said, said)), said not in ("1", "one")
    if n is None and not plural:
        n = 1  # "which store ...": the first one
    money = bool(MONEY.search(text))
    if group == "supplier" and LATE.search(text) and not LATE_ORDERS.search(text):
        return None  # "which supplier is the most late?": its punctuality, not a count
    if group == "supplier" and LATE.search(text) and not money:
        measure = "late_pos"
    elif COUNTED.search(text) and not money:
        measure = "count"
    else:
        measure = "money"
    fields = {"group": group, "measure": measure}
    if LEAST.search(text) and measure != "late_pos" and group != "region":
        fields["order"] = "least"
    if n is not None:
        fields["n"] = str(n)
    if n is not None and not plural and (_count_said(text, group) is None or partitive is not None):
        fields["single"] = "1"
    return fields


COMPARING = re.compile(r"\b(?:vs\.?|versus|or|compared?\s+(?:to|with)|against|than)\b", re.I)


def _compares(text: str, resolver: Any) -> bool:
    """Return True when a request weighs two or more named places, regions or categories."""
    if resolver is None or not COMPARING.search(text):
        return False
    named = [re.escape(c) for c in getattr(resolver, "categories", None) or () if c] + [
        re.escape(i) for i in resolver.ids("location")
    ]
    tails = [re.sub(r"(?i)^dc\W*", "", dc) for dc in resolver.dcs()]
    named += [re.escape(t) for t in tails if t and not t.isdigit()]
    said = {m.lower() for p in named for m in re.findall(rf"(?<![\w-]){p}(?![\w-])", text, re.I)}
    words = re.findall(r"[a-z]+", text.lower())
    for cat in getattr(resolver, "categories", None) or ():
        if any(one_typo(w, cat.lower()) for w in words):  # "grocey or pet"
            said.add(cat.lower())
    return len(said) >= 2


def read_share(text: str, resolver: Any) -> dict[str, str] | None:
    """Read a question about one place's, category's, item's or supplier's share of the risk."""
    if SHARE.search(text) is None or NOT_EXCEPTIONS.search(text):
        return None
    return {}


def _args(req: Request, by: str) -> dict[str, Any]:
    """Return the totals tool's arguments: grouped by `by`, with the request's filters."""
    args = _totals_args(req)
    args["by"] = by
    if by == "location":
        args.pop("location", None)
    if by == "sku":
        args.pop("sku", None)
    if by == "category":
        args.pop("category", None)
    return args


def ranking(req: Request, results: list[Result]) -> Step:
    """Rank groups by a measure: the totals tool's groups (or the supplier status), led with."""
    group = req.fields.get("group", "location")
    if req.fields.get("measure") == "late_pos":
        if not results:
            return [Call("get_supplier_status", {})]
        return _render_late(req, results[-1])
    if group == "region":
        return _regions(req, results)
    if not results:
        return [Call("summarize_exceptions", _args(req, BY.get(group, group)))]
    return _render_ranking(req, results[-1])


def _regions(req: Request, results: list[Result]) -> Step:
    """Rank the regions (each DC's stores) by their totals, one total per DC."""
    dcs = req.resolver.dcs() if req.resolver is not None else []
    if not dcs:
        return "This network has no DC, so it has no regions to rank."
    if not results:
        args = {k: v for k, v in _totals_args(req).items() if k not in ("location", "served_by")}
        return [Call("summarize_exceptions", {**args, "by": "type", "served_by": dc}) for dc in dcs]
    return render_regions_compared([r for r in results if r.name == "summarize_exceptions"])


def _label(req: Request, group: str, key: str) -> str:
    kind = {"store": "location", "dc": "location", "location": "location"}.get(group, group)
    if req.resolver is None or kind not in ("location", "sku", "supplier"):
        return key
    ent = req.resolver.get(kind, key)
    return ent.label() if ent is not None else key


def _members(req: Request, group: str, served_by: str | None) -> list[str]:
    """Return every id of a kind of location (a region's stores when one is said), or []."""
    if req.resolver is None or group not in ("store", "dc"):
        return []
    return [
        e.id
        for e in req.resolver.entities["location"].values()
        if e.group == group and (served_by is None or group != "store" or e.parent == served_by)
    ]


def _of_kind(req: Request, group: str, key: str) -> bool:
    if group not in ("store", "dc") or req.resolver is None:
        return True
    ent = req.resolver.get("location", key)
    return ent is not None and ent.group == group


def _scope(data: dict[str, Any], args: dict[str, Any]) -> str:
    """Say the filters of a total: "stockout risk, category Grocery, the stores DC-NORTH feeds"."""
    filters = data.get("filters") or {}
    parts = []
    if filters.get("type"):
        parts.append(TYPE_LABELS.get(str(filters["type"]), str(filters["type"])).lower())
    if filters.get("category"):
        parts.append(f"category {filters['category']}")
    if filters.get("sku"):
        parts.append(str(filters["sku"]))
    if filters.get("location"):
        parts.append(f"at {filters['location']}")
    if args.get("served_by"):
        parts.append(f"the stores {args['served_by']} feeds")
    if filters.get("priority"):
        parts.append(f"P{filters['priority']} or more urgent")
    return ", ".join(parts)


def _render_ranking(req: Request, result: Result) -> str:
    if result.error:
        return _error_text(result)
    data = result.data if isinstance(result.data, dict) else {}
    group = req.fields.get("group", "location")
    one, many = NOUNS[group]
    measure = req.fields.get("measure", "money")
    n = int(req.fields["n"]) if req.fields.get("n") else None
    single = req.fields.get("single") == "1"
    every = [g for g in data.get("groups") or [] if _of_kind(req, group, str(g["key"]))]
    # exceptions with no supplier action (or no category) are no group to rank
    groups = [g for g in every if str(g["key"]) and not str(g["key"]).startswith("(")]
    unranked = [g for g in every if g not in groups]
    if measure == "count":
        groups.sort(key=lambda g: (-int(g.get("count") or 0), -float(g.get("money_at_risk") or 0)))
    least = req.fields.get("order") == "least"
    members = _members(req, group, result.args.get("served_by"))
    keys = {str(g["key"]) for g in groups}
    none = [m for m in members if m not in keys]
    if least:
        groups.reverse()
    scope = _scope(data, result.args)
    what = f"exceptions ({scope})" if scope else "exceptions"
    by_words = "number of exceptions" if measure == "count" else "money at risk"
    if least and none:
        # the least at risk are those with no exception at all
        lead = (
            f"**{_names(none)} {'has' if len(none) == 1 else 'have'} no {what}: nothing is at "
            f"risk there.**"
        )
        rest = f"Of the {many} with {what}, the least at risk: " if groups else ""
        lines = [
            lead,
            *(
                [
                    rest
                    + "; ".join(
                        _said_group(req, group, g, measure)
                        for g in (groups if n is None else groups[:n])
                    )
                ]
                if groups
                else []
            ),
        ]
        header = [one[0].upper() + one[1:], "Exceptions", "Money at risk"]
        rows = [[_label(req, group, m), "none", "none"] for m in none]
        rows += [[_label(req, group, str(g["key"])), _qty(g.get("count")),
                  _money(g.get("money_at_risk"))] for g in groups]  # fmt: skip
        return "\n".join([*lines, "", _table(header, rows[: n or len(rows)])])
    if not groups:
        return (
            f"**No {one} has {what}**, so there is nothing to rank. In all, "
            f"{_money(data.get('total_money_at_risk'))} is at risk across "
            f"{_n(data.get('count') or 0, 'exception')}."
        )
    shown = groups if (n is None or single) else groups[:n]

    def said(g: dict[str, Any]) -> str:
        return _said_group(req, group, g, measure)

    if n == 1:
        most = "the most exceptions" if measure == "count" else "the most at risk"
        if least:
            most = "the fewest exceptions" if measure == "count" else "the least at risk"
        first = groups[0]
        tied = [g for g in groups if _measure(g, measure) == _measure(first, measure)]
        if len(tied) > 1:
            names = " and ".join(_label(req, group, str(g["key"])) for g in tied)
            lead = f"**{names} are tied as the {many} with {most}"
            lead += f" ({scope})" if scope else ""
            lead += ": " + "; ".join(said(g) for g in tied) + ".**"
        else:
            lead = f"**The {one} with {most}" + (f" ({scope})" if scope else "")
            lead += (
                f" is {_label(req, group, str(first['key']))}: "
                f"{_money(first.get('money_at_risk'))} across "
                f"{_n(first.get('count'), 'exception')}.**"
            )
    else:
        head = f"Top {_qty(len(shown))} {many}" if n is not None else many[0].upper() + many[1:]
        if least:
            head = f"The {_qty(len(shown))} {many} with the least at risk" if n else head
            by_words += ", least first"
        lead = f"**{head} by {by_words}" + (f" ({scope})" if scope else "") + ": "
        lead += "; ".join(said(g) for g in shown) + ".**"
    lines = [lead]
    if n is not None and not single and len(groups) < n:
        only = _names([str(g["key"]) for g in groups])
        lines.append(
            f"Only {only} {'has' if len(groups) == 1 else 'have'} {what}: fewer {many} than "
            f"the {_qty(n)} asked for."
        )
    if none and (n is None or len(groups) < n):
        lines.append(f"No {what} at {_names(none)}.")
    if group == "supplier":
        lines.append(
            "A supplier's money at risk is that of the exceptions whose recommended purchase "
            "order or expedite goes to it."
        )
    for g in unranked:
        lines.append(
            f"{_n(g.get('count'), 'exception')} ({_money(g.get('money_at_risk'))} at risk) "
            f"{'has' if g.get('count') == 1 else 'have'} no {one} to rank by."
        )
    lines.append(
        f"In all, {_money(data.get('total_money_at_risk'))} is at risk across "
        f"{_n(data.get('count') or 0, 'exception')}" + (f" ({scope})" if scope else "") + "."
    )
    header = [one[0].upper() + one[1:], "Exceptions", "Money at risk"]
    rows = [
        [_label(req, group, str(g["key"])), _qty(g.get("count")), _money(g.get("money_at_risk"))]
        for g in shown
    ]
    return "\n".join([*lines, "", _table(header, rows)])


def _names(ids: list[str]) -> str:
    """Say ids as a list: "S001", "S001 and S002", "S001, S002 and S004"."""
    return ids[0] if len(ids) == 1 else ", ".join(ids[:-1]) + " and " + ids[-1]


def _said_group(req: Request, group: str, g: dict[str, Any], measure: str) -> str:
    money = f"{_money(g.get('money_at_risk'))} at risk"
    count = _n(g.get("count"), "exception")
    first, second = (count, money) if measure == "count" else (money, count)
    return f"{_label(req, group, str(g['key']))} — {first} ({second})"


def _measure(group: dict[str, Any], measure: str) -> float:
    if measure == "count":
        return float(group.get("count") or 0)
    return round(float(group.get("money_at_risk") or 0), 2)


def _render_late(req: Request, result: Result) -> str:
    """Lead with the suppliers that have the most late PO lines, then each one's record."""
    if result.error:
        return _error_text(result)
    rows = [r for r in result.data if isinstance(r, dict)] if isinstance(result.data, list) else []
    n = int(req.fields["n"]) if req.fields.get("n") else None
    late = sorted(
        (r for r in rows if int(r.get("late_po_lines") or 0) > 0),
        key=lambda r: (-int(r.get("late_po_lines") or 0), -int(r.get("open_po_lines") or 0)),
    )
    if not late:
        return f"**No supplier has a late PO line**: all {_n(len(rows), 'supplier')} are on time."
    shown = late if (n is None or req.fields.get("single") == "1") else late[:n]

    def label(r: dict[str, Any]) -> str:
        name = r.get("name")
        return f"{r.get('supplier_id')} ({name})" if name else str(r.get("supplier_id"))

    tied = [r for r in late if r.get("late_po_lines") == late[0].get("late_po_lines")]
    if n == 1 and len(tied) > 1:
        lead = (
            f"**{' and '.join(label(r) for r in tied)} are tied with the most late POs: "
            f"{_n(late[0].get('late_po_lines'), 'late PO line')} each.**"
        )
    elif n == 1:
        first = late[0]
        lead = (
            f"**{label(first)} has the most late POs: "
            f"{_n(first.get('late_po_lines'), 'late PO line')} of "
            f"{_qty(first.get('open_po_lines'))} open.**"
        )
    else:
        head = f"Top {_qty(len(shown))} suppliers" if n is not None else "Suppliers"
        lead = f"**{head} by late POs: " + "; ".join(
            f"{label(r)} — {_n(r.get('late_po_lines'), 'late PO line')}" for r in shown
        )
        lead += ".**"
    lines = [lead]
    if n is not None and req.fields.get("single") != "1" and len(late) < n:
        lines.append(
            f"Only {_names([str(r.get('supplier_id')) for r in late])} "
            f"{'has' if len(late) == 1 else 'have'} late POs: fewer suppliers than the "
            f"{_qty(n)} asked for."
        )
    on_time = [str(r.get("supplier_id")) for r in rows if not int(r.get("late_po_lines") or 0)]
    if on_time and (n is None or len(late) < n):
        lines.append(f"No late PO at {_names(on_time)}.")
    table = _table(
        ["Supplier", "Late PO lines", "Open PO lines", "On-time rate"],
        (
            [
                label(r),
                _qty(r.get("late_po_lines")),
                _qty(r.get("open_po_lines")),
                f"{float(r.get('on_time_rate') or 0):.0%}",
            ]
            for r in shown
        ),
    )
    return "\n".join([*lines, "", table])


def share(req: Request, results: list[Result]) -> Step:
    """Say one group's share of the money at risk: its total, the whole and the tool's share."""
    kind, key = _shared(req)
    if kind is None or key is None:
        return (
            "Which store, DC, category, SKU, supplier or exception type do you want the share "
            "of? For example: **what share of the risk is in S003**."
        )
    if not results:
        args = _totals_args(req)
        args["by"] = kind
        for k in SHARE_DROPS[kind]:
            args.pop(k, None)
        return [Call("summarize_exceptions", args)]
    result = results[-1]
    if result.error:
        return _error_text(result)
    data = result.data if isinstance(result.data, dict) else {}
    scope = _scope(data, result.args)
    group = next((g for g in data.get("groups") or [] if str(g["key"]) == key), None)
    total = _money(data.get("total_money_at_risk"))
    if kind == "priority":
        label = f"P{key}"
    else:
        label = TYPE_LABELS.get(key, key) if kind == "type" else _label(req, kind, key)
    within = f" ({scope})" if scope else ""
    others = _also_shared(req, kind, key)
    if others:
        return _shares(req, kind, [key, *others], data, total, within)
    if group is None:
        return (
            f"**None of the money at risk{within} is {label}'s: it has no exception.** In all, "
            f"{total} is at risk across {_n(data.get('count') or 0, 'exception')}."
        )
    part = group.get("share")
    pct = f" — {float(part):.1%} of it" if isinstance(part, int | float) else ""
    return (
        f"**{label} accounts for {_money(group.get('money_at_risk'))} of the {total} at "
        f"risk{within}{pct}** ({_n(group.get('count'), 'exception')} of "
        f"{_qty(data.get('count'))})."
    )


def _also_shared(req: Request, kind: str, key: str) -> list[str]:
    """Return the other groups of the same kind the request names ("S003 and S002")."""
    if kind not in ("location", "sku", "supplier"):
        return []
    said = req.found.get(kind) or []
    return list(dict.fromkeys(str(k) for k in said if str(k) != key))


def _shares(
    req: Request, kind: str, keys: list[str], data: dict[str, Any], total: str, within: str
) -> str:
    """Say each named group's share of the money at risk, each from the tool's own share.

    No sum of two groups is said: it is in no tool result, so each part stands on its own.
    """
    groups = {str(g["key"]): g for g in data.get("groups") or []}
    parts, none = [], []
    for key in keys:
        group = groups.get(key)
        label = _label(req, kind, key)
        if group is None:
            none.append(label)
            continue
        share_ = group.get("share")
        pct = f" ({float(share_):.1%})" if isinstance(share_, int | float) else ""
        parts.append(
            f"{label} {_money(group.get('money_at_risk'))}{pct}, "
            f"{_n(group.get('count'), 'exception')}"
        )
    lead = f"**Of the {total} at risk{within}, across {_n(data.get('count') or 0, 'exception')}: "
    lead += "; ".join(parts) if parts else "none of it is theirs"
    lead += ".**"
    if none and parts:
        lead += f" None of it is {_names(none)}'s: no exception there."
    elif none:
        lead += f" {_names(none)} have no exception."
    return lead


SHARE_DROPS = {
    "location": ("location", "served_by"),
    "sku": ("sku",),
    "supplier": (),
    "category": ("category",),
    "type": ("type",),
    "priority": ("priority",),
}
"""The filters a share drops: those of the group whose share it is (S004's among locations)."""


def _shared(req: Request) -> tuple[str | None, str | None]:
    """Return the kind and id of the group a share question is about (said, else in focus)."""
    for kind in ("location", "sku", "supplier"):
        said = req.said(kind)
        if said:
            return kind, said
    args = _totals_args(req)
    if args.get("category"):
        return "category", str(args["category"])
    if args.get("priority") is not None:
        return "priority", str(args["priority"])  # "how much of the risk is P1?"
    if args.get("served_by"):
        return None, None
    if args.get("type"):
        return "type", str(args["type"])  # "how much of the risk is overstock"
    for kind in ("location", "sku"):
        own = req.entity(kind)
        if own:
            return kind, own
    return None, None
