"""Render tool results as the offline model's answers: restating figures, never computing them."""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from agents.offline import rules
from agents.offline.messages import DRAFTABLE, POLICY_SHOWN, QUOTE_CHARS, Result, _load
from knowledge.rerank import expand_query
from stockpilot.vocabulary import ActionKind, ExceptionType

# -- formatting (restating, never computing) -----------------------------------------------------


def _qty(value: Any) -> str:
    """Format a quantity: whole numbers without decimals, others with one."""
    if value is None:
        return "n/a"
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"  # exact: a float would misquote a long whole number
    number = float(value)
    return f"{int(number):,}" if number.is_integer() else f"{number:,.1f}"


def _money(value: Any) -> str:
    """Format an amount with two decimals and thousands separators."""
    return "n/a" if value is None else f"{float(value):,.2f}"


def _pct(value: Any, signed: bool = False) -> str:
    """Format a ratio as a percentage: 0.9 -> 90%, 0.973 -> 97.3%."""
    if value is None:
        return "n/a"
    pct = round(float(value) * 100, 1)
    text = f"{pct:.0f}" if pct.is_integer() else f"{pct:.1f}"
    return f"+{text}%" if signed and pct > 0 else f"{text}%"


def _date(value: Any) -> str:
    return str(value) if value else "none"


def _table(header: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def _error_text(result: Result) -> str:
    return f"`{result.name}` returned an error: {result.error}"


TYPE_LABELS: dict[str, str] = {
    ExceptionType.STOCKOUT_RISK: "Stockout risk",
    ExceptionType.BELOW_SAFETY_STOCK: "Below safety stock",
    ExceptionType.OVERSTOCK: "Overstock",
    ExceptionType.LATE_PO: "Late purchase order",
    ExceptionType.PROMO_UNCOVERED: "Promotion not covered",
    ExceptionType.FORECAST_BIAS: "Forecast bias",
    ExceptionType.INVENTORY_ANOMALY: "Inventory anomaly",
}


def _rec_phrase(rec: dict[str, Any]) -> str:
    """Describe a recommendation in one phrase, from its own fields."""
    lead = rec.get("lead_time_days")
    lead_text = f", {_qty(lead)}-day lead time" if lead is not None else ""
    match rec.get("kind"):
        case ActionKind.TRANSFER:
            return (
                f"transfer {_qty(rec.get('qty'))} from {rec.get('from_location')} to "
                f"{rec.get('to_location')} (value {_money(rec.get('value'))}{lead_text})"
            )
        case ActionKind.PURCHASE_ORDER:
            return (
                f"order {_qty(rec.get('qty'))} from {rec.get('supplier_id')} for "
                f"{rec.get('location_id')} (value {_money(rec.get('value'))}{lead_text})"
            )
        case ActionKind.EXPEDITE:
            return (
                f"expedite {rec.get('po_id')} ({_qty(rec.get('qty'))} units from "
                f"{rec.get('supplier_id')}) — advice only, no document to approve"
            )
    return "review only (no ERP action)" + (f" — {_advice(rec)}" if _advice(rec) else "")


def _advice(rec: dict[str, Any]) -> str:
    """Return the gist of a review-only rationale: its instruction or its last clause."""
    rationale = str(rec.get("rationale") or "").strip()
    if not rationale:
        return ""
    head, sep, _ = rationale.partition(": ")
    # "Review the forecast: <detail>" / "Count the stock at S001: <detail>": keep the order.
    if sep and len(head.split()) <= 6 and head.split()[0] in ("Review", "Count", "Check"):
        return head.rstrip(".")
    clauses = re.split(r"(?<=\.)\s+|;\s+", rationale)
    return clauses[-1].strip().rstrip(".")


def _exception_line(exc: dict[str, Any]) -> str:
    when = f", first risk {exc['first_risk_date']}" if exc.get("first_risk_date") else ""
    return (
        f"- **{exc.get('id')}** · P{exc.get('priority')} · {_money(exc.get('money_at_risk'))} "
        f"at risk{when}. {exc.get('detail', '')} Recommendation: "
        f"{_rec_phrase(exc.get('recommendation') or {})}."
    )


def _items(result: Result) -> list[dict[str, Any]]:
    """Return the exceptions of a list_exceptions page."""
    data = result.data
    if isinstance(data, dict):
        data = data.get("items")
    return [e for e in data if isinstance(e, dict)] if isinstance(data, list) else []


def _list_totals(result: Result, shown: int) -> str:
    """Say the list's own count and money: "showing 10 of 37, 12,345.67 at risk in all".

    From the page's `total`, `total_money_at_risk` and `truncated` (nothing when the result
    has no totals).
    """
    data = result.data if isinstance(result.data, dict) else {}
    total, money = data.get("total"), data.get("total_money_at_risk")
    if total is None:
        return ""
    at_risk = f", {_money(money)} at risk in all" if money is not None else ""
    if data.get("truncated") or (isinstance(total, int) and total > shown):
        first = data.get("offset") or 0
        after = f" after the first {_qty(first)}" if first else ""
        return f" — showing {_qty(shown)}{after} of {_n(total, 'exception')}{at_risk}"
    return f" — {_n(total, 'exception')}{at_risk}"


def _render_exceptions(result: Result, title: str) -> str:
    if result.error:
        return _error_text(result)
    items = _items(result)
    if not items:
        return f"**{title}:** nothing matches — no open exceptions for this request."
    head = f"**{title}** (ranked by money at risk){_list_totals(result, len(items))}:"
    lines = [head, *(_exception_line(e) for e in items)]
    lines.append(
        "\nSay **explain <id>** for the evidence, or **fix <id>** to draft the recommended "
        "action for approval."
    )
    return "\n".join(lines)


EVIDENCE_LABELS = (
    ("on_hand", "On hand"),
    ("in_transit", "In transit"),
    ("on_order", "On order"),
    ("position", "Position"),
    ("forecast_daily", "Forecast/day"),
    ("safety_stock", "Safety stock"),
    ("reorder_point", "Reorder point"),
    ("order_up_to", "Order-up-to"),
    ("lead_time", "Lead time (days)"),
    ("unmet_units", "Unmet units"),
    ("excess_units", "Excess units"),
    ("days_of_cover", "Days of cover"),
    ("po_qty", "PO quantity"),
)


def _render_explain(result: Result) -> str:
    if result.error:
        return _error_text(result)
    exc = result.data if isinstance(result.data, dict) else {}
    rec = exc.get("recommendation") or {}
    when = f" · first risk {exc['first_risk_date']}" if exc.get("first_risk_date") else ""
    lines = [
        f"### {exc.get('id')}",
        f"**{TYPE_LABELS.get(str(exc.get('type')), exc.get('type'))}** · {exc.get('sku')} at "
        f"{exc.get('location')} · priority P{exc.get('priority')} · "
        f"{_money(exc.get('money_at_risk'))} at risk{when}",
        "",
        str(exc.get("detail", "")),
    ]
    evidence = exc.get("evidence") or {}
    shown = [
        (label, evidence[key]) for key, label in EVIDENCE_LABELS if evidence.get(key) is not None
    ]
    if evidence.get("bias") is not None:
        shown.append(("Forecast bias", None))
    if shown:
        lines += ["", "**Evidence**"]
        header = [label for label, _ in shown]
        row = [
            _pct(evidence["bias"], signed=True) if value is None else _qty(value)
            for _, value in shown
        ]
        lines.append(_table(header, [row]))
    if evidence.get("service_level") is not None:
        lines += ["", _service_line(evidence.get("abc_class"), evidence["service_level"])]
    lines += ["", f"**Recommendation:** {_rec_phrase(rec)}."]
    if rec.get("rationale"):
        lines.append(f"Rationale: {rec['rationale']}")
    supply = exc.get("open_supply") or []
    if supply:
        lines += ["", "**Open supply**"]
        for line in supply:
            origin = line.get("supplier_id") or line.get("from_location") or "?"
            lines.append(
                f"- {line.get('kind')} {line.get('document_id')}: {_qty(line.get('qty'))} units "
                f"from {origin}, expected {_date(line.get('expected_date'))} (assumed arrival "
                f"{_date(line.get('assumed_arrival'))})"
            )
    if rec.get("kind") in DRAFTABLE:
        lines += ["", f"Say **fix {exc.get('id')}** to draft this {rec['kind']} for approval."]
    return "\n".join(lines)


def _service_line(abc_class: Any, level: Any) -> str:
    """Say which service level the safety stock, reorder point and order-up-to protect."""
    cls = f" (ABC class {abc_class})" if abc_class else ""
    return (
        f"Safety stock, reorder point and order-up-to are set for a {_pct(level)} cycle service "
        f"level{cls}."
    )


def _render_inventory(result: Result) -> str:
    if result.error:
        return _error_text(result)
    rows = result.data if isinstance(result.data, list) else []
    if not rows:
        return "No stock positions match."
    table = _table(
        [
            "SKU",
            "Location",
            "On hand",
            "In transit",
            "On order",
            "Position",
            "Forecast/day",
            "Safety stock",
            "Reorder point",
            "Order-up-to",
            "Days of cover",
            "Projected stockout",
            "Class · service level",
        ],
        (
            [
                str(r.get("sku")),
                str(r.get("location_id")),
                _qty(r.get("on_hand")),
                _qty(r.get("in_transit")),
                _qty(r.get("on_order")),
                _qty(r.get("position")),
                _qty(r.get("forecast_daily")),
                _qty(r.get("safety_stock")),
                _qty(r.get("reorder_point")),
                _qty(r.get("order_up_to")),
                _qty(r.get("days_of_cover")),
                _date(r.get("projected_stockout_date")),
                _class_level(r),
            ]
            for r in rows
        ),
    )
    args = result.args
    if args.get("sku") and args.get("location") and len(rows) == 1:
        r = rows[0]
        stockout = r.get("projected_stockout_date")
        title = (
            f"**{r.get('sku')} at {r.get('location_id')}: {_qty(r.get('on_hand'))} on hand, "
            f"position {_qty(r.get('position'))}, {_qty(r.get('days_of_cover'))} days of cover"
            + (f" — projected stockout {stockout}" if stockout else " — no stockout projected")
            + ".**"
        )
    elif args.get("sku") and args.get("location"):
        title = f"**Stock of {args['sku']} at {args['location']}**"
    elif args.get("sku"):
        title = f"**Where {args['sku']} is stocked**"
    else:
        title = f"**Positions at {args.get('location')}** (lowest days of cover first)"
    return "\n".join([title, "", table])


def _class_level(row: dict[str, Any]) -> str:
    if row.get("service_level") is None:
        return "n/a"
    return f"{row.get('abc_class') or '?'} · {_pct(row['service_level'])}"


STOP = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "at",
        "be",
        "by",
        "can",
        "do",
        "does",
        "for",
        "from",
        "how",
        "i",
        "in",
        "is",
        "it",
        "of",
        "on",
        "or",
        "our",
        "the",
        "this",
        "to",
        "we",
        "what",
        "where",
        "which",
        "who",
        "why",
        "will",
        "with",
        "you",
        "your",
        "there",
        "any",
        "should",
        "must",
        "more",
        "than",
        "happen",
        "happens",
        "get",
        "gets",
    ]
)


def _words(text: str) -> set[str]:
    """Return the stems of a text's content words ("approves", "approval" -> "appro")."""
    words = re.findall(r"[a-z0-9]+", text.lower())
    stems = {_stem(w) for w in words if w not in STOP}
    # "recount" is a count, "restock" a stock: the word again also names the thing itself.
    stems |= {_stem(w[2:]) for w in words if w.startswith("re") and len(w) > 6 and w not in STOP}
    return {SAME.get(w, w) for w in stems} - {""}


def _stem(word: str) -> str:
    """Return a word's stem: a plural's singular, cut to 5 letters.

    Words ending in -er keep their whole form ("approver", "supplier", "transfer"), so an
    approver is not an approval.
    """
    if word.isdigit():
        return word
    word = word.rstrip("s") if len(word) > 3 else word
    return word if word.endswith("er") else word[:5]


SAME = {
    "maxim": "max",
    "limit": "max",
    "minim": "min",
    "ceili": "max",
    "cap": "max",
    "vendo": "suppl",
    "po": "purch",
    "sku": "item",
    "produ": "item",
    "sign": "appro",
    "sell": "sale",
    "sold": "sale",
    "late": "delay",
    "overd": "delay",
    "dc": "wareh",
    "fix": "corre",
    "resol": "corre",
    "repai": "corre",
}
"""Stems read as the same word when matching a question with the playbook."""


QUANTITATIVE = re.compile(
    r"\b(?:how\s+(?:much|many|far|often|long|early|soon|big|high|low)|limit|minimum|maximum|"
    r"min|max|threshold|value|level|percent|%|days?|weeks?|over|above|under|below|exceed\w*|"
    r"calculat\w*|comput\w*|formula|fee|cost|when|"
    r"\d[\d,]*k?)\b",
    re.I,
)


FREQUENCY = re.compile(
    r"\b(?:every|each|daily|weekly|monthly|quarterly|yearly|annually|once|twice|per\s+(?:day|"
    r"week|month|quarter|year))\b",
    re.I,
)
"""How often something happens, said in words ("counted every quarter", "twice a year")."""


FIGURE = re.compile(
    r"(?<!section )(?<!§)\b\d|\b(?:the|a|same|next|one|two|three|four|five|six|seven|eight|nine|"
    r"ten)\s+(?:working\s+)?(?:day|week|month)s?\b",
    re.I,
)
"""A figure in a sentence: a number, or a time said in words ("by the day before the start")."""


def _units(text: str) -> list[tuple[str, str]]:
    """Split a passage into units (text, kind).

    Paragraphs and list items have their wrapped lines joined ("para"); table rows are written
    with their header ("row").
    """
    units: list[tuple[str, str]] = []
    header: list[str] = []
    current: list[str] = []

    def flush() -> None:
        if current:
            units.append((" ".join(current), "para"))
            current.clear()

    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            flush()
            if not line:
                header = header if False else []
            continue
        if line.startswith("|"):
            flush()
            cells = [c.strip() for c in line.strip("|").split("|")]
            if all(re.fullmatch(r":?-+:?", c) for c in cells if c):
                continue
            if not header:
                header = cells
                continue
            pairs = [f"{h} {c}" if h else c for h, c in zip(header, cells, strict=False)]
            units.append((" · ".join(pairs), "row"))
            continue
        if re.match(r"^(?:[-*+]|\d+[.)])\s+", line):
            flush()
        current.append(line)
    flush()
    return units


def _sentences(unit: str) -> list[str]:
    parts = re.split(r"(?<=[.!?])\s+(?=[A-Z`(])", unit)
    return [re.sub(r"^(?:[-*+]|\d+[.)])\s+", "", p).strip() for p in parts if p.strip()]


def _weights(want: set[str], passages: Sequence[dict[str, Any]]) -> dict[str, float]:
    """Weigh the question's words by how rare they are among the passages (1 to about 2.6)."""
    bags = [_words(f"{p.get('section')} {p.get('text')}") for p in passages]
    n = max(len(bags), 1)
    return {w: 1.0 + math.log((n + 1) / (1 + sum(w in b for b in bags))) for w in want}


CONDITION_QUESTION = re.compile(
    r"\bwhen\b|\bbefore\b|\bwhether\b|\bunder\s+what\b|\bconditions?\b|\bcriteria\b|"
    r"\brules?\b|\bhas\s+to\s+(?:be\s+true|happen)\b|\brequire[sd]?\b|\bonly\s+if\b|\bworth\b|"
    r"\b(?:ok(?:ay)?|allowed|fine|right)\s+to\b|\b(?:can|may|should)\s+(?:i|we)\b",
    re.I,
)
"""A question for when an action may be taken ("what has to be true before we expedite?")."""
STATES_CONDITIONS = re.compile(r"\bonly\s+(?:when|if)\b|:\s*$", re.I)
"""A sentence that opens a list of conditions ("The planner expedites only when:")."""
CONDITION_HEADING = re.compile(r"^\W*when\s+(?:to|do\s+we|we)\s+(?P<what>.+)$", re.I)


def _conditions(question: str, passages: Sequence[dict[str, Any]]) -> dict[str, Any] | None:
    """Return the section headed "When to <action>" for a question about that action's conditions.

    That section states them, where others only mention the action; None when none fits.
    """
    if not CONDITION_QUESTION.search(question):
        return None
    asked = _words(question)
    for p in passages:
        m = CONDITION_HEADING.match(str(p.get("section") or ""))
        if m and _words(m.group("what")) & asked:
            return p
    return None


def _rerank(question: str, passages: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Order passages by how well their section and text match the question's rarer words.

    The search's own order (its embedding's) breaks ties and counts a little.
    """
    want = _words(question)
    weight = _weights(want, passages)

    def score(item: tuple[int, dict[str, Any]]) -> float:
        rank, p = item
        head = _words(str(p.get("section") or ""))
        body = _words(str(p.get("text") or ""))
        return (
            sum(2.0 * weight[w] for w in want & head)
            + sum(weight[w] for w in want & body)
            - 0.5 * rank
        )

    ranked = sorted(enumerate(passages), key=lambda item: -score(item))
    return [p for _, p in ranked]


DEADLINE_SPAN = re.compile(
    r"\b(?:within|inside|no\s+later\s+than|by|in\s+under|at\s+the\s+latest)\s+(?:the\s+)?"
    r"(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten)\s+(?:working\s+|business\s+|"
    r"calendar\s+)?(?:days?|hours?|weeks?)\b",
    re.I,
)
"""The time something is allowed to take ("counts the item within 2 working days")."""
LIMIT_FIGURE = re.compile(
    r"\b(?:below|above|under|over|less\s+than|more\s+than|fewer\s+than|at\s+least|at\s+most|"
    r"up\s+to|exceeds?|falls?\s+below|rises?\s+above|worth\s+less\s+than)\s+\d",
    re.I,
)
"""A figure said as a limit ("falls below 85 %", "worth less than 150")."""


def _best_sentence(
    question: str,
    passages: Sequence[dict[str, Any]],
    *,
    conditions: bool = False,
    leads: bool = False,
) -> tuple[str, Any]:
    """Return the sentence (or table row) that best answers the question, and its passage.

    `leads`: the first passage clearly led the search, so the others weigh much less.

    Sentences are read whole across the passage's line wraps, so the answer is never cut in
    the middle. A question about an amount prefers a sentence with a figure in it.
    """
    want = _words(question)
    weight = _weights(want, passages)
    figures = bool(QUANTITATIVE.search(question))
    often = bool(re.search(r"\bhow\s+(?:often|frequently)\b", question, re.I))
    # A question about how to do something is about its verb ("how do we fix ..."): a
    # sentence that says that action answers it.
    doing = re.search(
        r"\bhow\s+(?:do|should|must|can|would|to)\s+(?:we\s+|i\s+|you\s+)?(\w+)", question, re.I
    )
    verb = (_words(doing.group(1)) & set(weight)) if doing else set()
    # "late 5 working days now, who ...": the row or sentence of that stage ("day 5") answers.
    stages = [
        re.compile(rf"\bday\s+{n}\b|\b{n}\s+(?:working\s+|calendar\s+)?days?\b", re.I)
        for n in re.findall(
            r"(?<![\w.,-])(\d{1,2})\s+(?:working\s+|calendar\s+|business\s+)?days?\b",
            question,
            re.I,
        )
    ]
    who = bool(re.search(r"\bwho(?:se|m)?\b", question, re.I))
    # "what's the process and how fast?": the sentence with a time limit answers it.
    speed = bool(
        re.search(
            r"\bhow\s+(?:fast|quick(?:ly)?|soon)\b|\bby\s+when\b|\bdeadline\b", question, re.I
        )
        or rules.DEADLINE.search(question)
    )
    # "at which figure does procurement step in?": the sentence that sets the limit answers.
    threshold = bool(rules.THRESHOLD.search(question))
    best: tuple[float, str, Any, list[str]] = (0.0, "", None, [])
    for rank, p in enumerate(passages[:3]):
        text = str(p.get("text") or "")
        on_topic = sum(weight[w] for w in want & _words(str(p.get("section") or "")))
        units = _units(text)
        for at, (unit, kind) in enumerate(units):
            for sentence in [unit] if kind == "row" else _sentences(unit):
                if len(sentence) < 15:
                    continue
                overlap = sum(weight[w] for w in want & _words(sentence))
                if not overlap:
                    continue
                score = overlap + on_topic - (2.0 if leads else 0.4) * rank - len(sentence) / 2000
                if often:
                    score += 1.5 if FREQUENCY.search(sentence) else 0.0
                elif figures and FIGURE.search(sentence):
                    score += 1.5
                score += sum(weight[w] for w in verb & _words(sentence))
                if conditions and STATES_CONDITIONS.search(sentence):
                    score += 3.0
                if speed and re.search(
                    r"\b(?:\d+|one|two|three|five)\s+(?:working\s+)?(?:days?|hours?|weeks?)\b"
                    r"|\bsame\s+day\b",
                    sentence,
                    re.I,
                ):
                    score += 2.0
                    if speed and DEADLINE_SPAN.search(sentence):
                        score += 1.5  # "within 3 working days": the time allowed, not any span
                if threshold and LIMIT_FIGURE.search(sentence):
                    score += 2.0
                if any(stage.search(sentence) for stage in stages):
                    score += 2.5
                if kind == "row" and _in_row_range(question, sentence):
                    score += 3.0
                if who and kind == "row" and re.search(r"(?:^| · )Who\b", sentence):
                    score += 1.0
                if score > best[0]:
                    after = [u for u, _ in units[at + 1 : at + 6]]
                    best = (score, sentence, p, after)
    if best[2] is None:
        return "", {}
    sentence = best[1]
    if sentence.endswith(":"):  # "Rebalance when all of these hold:" — the steps are the answer
        for item in best[3]:
            if len(sentence) + len(item) > 800:
                break
            joined = sentence[-1] in ":;," or re.search(r"\b(?:and|or)$", sentence)
            sentence += (" " if joined else "; ") + item
    return sentence, best[2]


LIST_ITEM = re.compile(r"^(?:[-*+]|\d+[.)])\s+")


def _quote(text: str, focus: str = "", budget: int = QUOTE_CHARS) -> list[str]:
    """Return a passage as blockquote lines, from the paragraph that answers on.

    The paragraph, list item or table that holds `focus` (the answering sentence or row) is
    quoted whole; after it the quote stops at `budget` characters with "…". Tables keep rows.
    """
    lines = [line.strip() for line in text.strip().splitlines()]
    lines = [line for line in lines if not line.startswith("#")]
    at = 0
    if focus:
        if " · " in focus:  # a table row: the line holding each of its cells' values
            cells = [c.split()[-1] for c in focus.split(" · ") if c.split()]
            hits = [i for i, line in enumerate(lines) if all(c in line for c in cells)]
        else:
            hits = [i for i, line in enumerate(lines) if focus[:30] in line]
            if not hits:  # the sentence starts on a wrapped line: find it by its first words
                head = " ".join(focus.split()[:3])
                hits = [i for i, line in enumerate(lines) if head and head in line]
        at = hits[0] if hits else 0
    start = at
    if lines and lines[at].startswith("|"):
        while start > 0 and lines[start - 1].startswith("|"):
            start -= 1
    else:
        while start > 0 and lines[start - 1] and not LIST_ITEM.match(lines[start]):
            if lines[start - 1].startswith("|"):
                break
            start -= 1
    end = at  # the last line of the answering block
    while end + 1 < len(lines) and lines[end + 1] and not LIST_ITEM.match(lines[end + 1]):
        if lines[end + 1].startswith("|") != lines[at].startswith("|"):
            break
        end += 1
    out: list[str] = ["> …"] if any(lines[:start]) else []
    size = 0
    for i in range(start, len(lines)):
        line = lines[i]
        if not line:
            continue
        if i > end and size + len(line) > budget:
            out.append("> …")
            break
        if line.startswith("|") and out and not out[-1].startswith("> |"):
            out.append(">")  # a table needs a blank line before it to render
        out.append("> " + line)
        size += len(line)
    return out


WHOLE_PASSAGE = 1600
"""The closest passage is quoted whole up to this length (longer ones from the rule on)."""


SCORE_LEAD = 0.15
"""How far the search's top passage must score above the next for it to stay the answer."""


def _leading(passages: Sequence[dict[str, Any]]) -> dict[str, Any] | None:
    """Return the search's top passage when its score clearly leads the next one's, else None.

    Only a passage with a table (a ladder, a matrix): its rows answer; a passage that only
    points elsewhere ("as that procedure says") is not kept first for its score alone.
    """
    scores = [p.get("score") for p in passages[:2]]
    if len(scores) < 2:
        return None
    first, second = scores
    if not isinstance(first, (int, float)) or not isinstance(second, (int, float)):
        return None
    table = any(line.strip().startswith("|") for line in str(passages[0].get("text")).splitlines())
    return passages[0] if table and first - second >= SCORE_LEAD else None


RANGE_ROW = re.compile(r"(?:^|· |^\w[\w ]*? )(?P<a>\d[\d,]*)\s*[\u2013\u2014-]\s*(?P<b>\d[\d,]*)\b")
OVER_ROW = re.compile(r"(?:^|· |^\w[\w ]*? )(?:over|above|more\s+than|>)\s*(?P<a>\d[\d,]*)\b", re.I)
ASKED_FIGURE = re.compile(r"(?<![\w.,§-])(\d[\d,]*)(?![\w.,%-])")


def _in_row_range(question: str, row: str) -> bool:
    """Return whether a figure of the question falls in the range a table row starts with.

    "how deep is the markdown at 300 days of cover?": the row "Days of cover 271–365 · ...",
    not "181–270"; "over 365" holds any figure above 365.
    """
    asked = [int(n.replace(",", "")) for n in ASKED_FIGURE.findall(question)]
    if not asked:
        return False
    head = row.split(" · ")[0]
    m = RANGE_ROW.search(head)
    if m is not None:
        a, b = int(m.group("a").replace(",", "")), int(m.group("b").replace(",", ""))
        return any(a <= n <= b for n in asked)
    m = OVER_ROW.search(head)
    return m is not None and any(n > int(m.group("a").replace(",", "")) for n in asked)


def _render_policies(result: Result) -> str:
    if result.error:
        return _error_text(result)
    data = result.data if isinstance(result.data, dict) else {}
    passages = [p for p in data.get("passages") or [] if isinstance(p, dict)]
    if not passages:
        return (
            "The playbook has no passage on that, so I can't quote a rule for it. Try naming the "
            "topic (transfers, approvals, service levels, expedites, promotions, overstock, "
            "negative stock)."
        )
    question = expand_query(str(data.get("searched") or result.args.get("query") or ""))
    ranked = _rerank(question, passages)
    lead = _leading(passages)
    stated = _conditions(question, ranked)
    lead = None if stated else lead
    if lead is not None:
        # The search's top passage clearly leads: it stays first, and answers if it can.
        ranked = [lead, *(p for p in ranked if p is not lead)]
    passages = [stated, *(p for p in ranked if p is not stated)] if stated else ranked
    passages = passages[:POLICY_SHOWN]
    best, where = _best_sentence(
        question,
        [stated] if stated else passages,
        conditions=stated is not None,
        leads=lead is not None,
    )
    if not best:
        best, where = _best_sentence(question, passages)
    if where:
        passages = [where, *(p for p in passages if p is not where)]
    top = passages[0]
    lines = []
    if best:
        lines.append(f"**In short:** “{best}” ({where.get('citation')}).")
    lines.append(
        f"**From the playbook** — the closest passage is **{top.get('citation')}** "
        f"({top.get('section')}). Quoted as retrieved (policy text is quoted, not acted on):",
    )
    for n, p in enumerate(passages):
        lines += ["", f"**{p.get('citation')}** — {p.get('title')}, {p.get('section')}"]
        text = str(p.get("text") or "")
        if n == 0 and len(text) <= WHOLE_PASSAGE:
            lines += _quote(text, "", len(text))  # the whole section: nothing cut before the rule
            continue
        focus = best if p is where else ""
        lines += _quote(text, focus, QUOTE_CHARS if n == 0 else 200)
    sources = "; ".join(str(p.get("citation")) for p in passages)
    lines += ["", f"Sources: {sources}."]
    return "\n".join(lines)


def _render_forecast(result: Result) -> str:
    if result.error:
        return _error_text(result)
    fc = result.data if isinstance(result.data, dict) else {}
    days = fc.get("forecast") or []
    span = f" from {days[0]['date']} to {days[-1]['date']}" if days else ""
    acc = fc.get("accuracy") or {}
    lines = [
        f"**Forecast for {fc.get('sku')} at {fc.get('location')}** (as of {fc.get('as_of')}, "
        f"method `{fc.get('method')}`, {_pct(fc.get('interval'))} prediction interval)",
        f"- Expected demand{span}: **{_qty(fc.get('total_mean'))} units**",
        f"- Units sold in the last four weeks: {_qty(fc.get('history_units_last_28d'))}",
        f"- Backtest accuracy: WAPE {_pct(acc.get('wape'))}, bias "
        f"{_pct(acc.get('bias'), signed=True) if acc.get('bias') is not None else 'n/a'}, "
        f"MASE {_money(acc.get('mase'))}",
    ]
    promo = [d for d in days if d.get("promo_uplift") not in (None, 1, 1.0)]
    if promo:
        lines.append(
            f"- Promotion uplift on {promo[0]['date']} … {promo[-1]['date']} "
            f"(×{promo[0]['promo_uplift']} on the first promo day)"
        )
    shown = days[:14]
    if shown:
        lines += [
            "",
            _table(
                ["Date", "Mean", "Lower", "Upper", "Promo uplift"],
                (
                    [
                        str(d.get("date")),
                        f"{float(d.get('mean', 0)):,.1f}",
                        f"{float(d.get('lower', 0)):,.1f}",
                        f"{float(d.get('upper', 0)):,.1f}",
                        f"×{d.get('promo_uplift')}",
                    ]
                    for d in shown
                ),
            ),
        ]
        if len(days) > len(shown):
            lines.append(f"\n(Daily rows shown up to {shown[-1]['date']}; the total covers all.)")
    return "\n".join(lines)


def _suppliers_lead(sups: Sequence[dict[str, Any]]) -> str:
    """Lead with who supplies the SKU asked about, its primary supplier first."""
    items: list[tuple[dict[str, Any], dict[str, Any]]] = [
        (s, s["item"]) for s in sups if isinstance(s.get("item"), dict)
    ]
    if not items:
        return ""
    sku = items[0][1].get("sku")
    items.sort(key=lambda si: not si[1].get("primary"))
    parts = []
    for s, item in items:
        terms = [
            "primary" if item.get("primary") else "",
            f"lead time {_qty(item.get('lead_time_days'))} days"
            if item.get("lead_time_days") is not None
            else "",
        ]
        detail = "; ".join(t for t in terms if t)
        parts.append(f"{s.get('supplier_id')} ({s.get('name')}{', ' + detail if detail else ''})")
    who = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
    return f"**{sku} is supplied by {who}.**"


def _network_suppliers_lead(sups: Sequence[dict[str, Any]]) -> str:
    """Lead a list of several suppliers with the late ones and the least on time."""
    if len(sups) < 2:
        return ""
    late = [s for s in sups if s.get("late_po_lines")]
    rated = [s for s in sups if s.get("on_time_rate") is not None]
    worst = min(rated, key=lambda s: float(s["on_time_rate"])) if rated else None
    parts = []
    if late:
        parts.append(
            "late purchase orders at "
            + ", ".join(
                f"{s.get('supplier_id')} ({_qty(s.get('late_po_lines'))} lines)" for s in late
            )
        )
    else:
        parts.append("no late purchase orders")
    if worst is not None:
        parts.append(
            f"the least on time is {worst.get('supplier_id')} ({worst.get('name')}, "
            f"{_pct(worst.get('on_time_rate'))})"
        )
    return "**Suppliers: " + "; ".join(parts) + ".**"


def _one_supplier_lead(sups: Sequence[dict[str, Any]]) -> str:
    """Lead a single supplier's status with its terms in words: lead time, on time, open lines."""
    if len(sups) != 1 or isinstance(sups[0].get("item"), dict):
        return ""
    s = sups[0]
    std = s.get("lead_time_std_days")
    spread = f" (std {_qty(std)} days)" if std is not None else ""
    lines, late = s.get("open_po_lines") or 0, s.get("late_po_lines") or 0
    if lines:
        open_text = (
            f"{_n(lines, 'open purchase order line')} ({_qty(s.get('open_po_units'))} units), "
            + (f"{_qty(late)} of them late" if late else "none late")
        )
    else:
        open_text = "no open purchase order lines (nothing on order from it)"
    return (
        f"**{s.get('supplier_id')} ({s.get('name')}): lead time {_qty(s.get('lead_time_days'))} "
        f"days{spread}, {_pct(s.get('on_time_rate'))} of deliveries on time; {open_text}.**"
    )


def _render_suppliers(result: Result) -> str:
    if result.error:
        return _error_text(result)
    sups = result.data if isinstance(result.data, list) else []
    if not sups:
        return "No supplier matches."
    lead = _suppliers_lead(sups) or _network_suppliers_lead(sups) or _one_supplier_lead(sups)
    lines = [lead or "**Supplier status**", ""]
    lines += [
        _table(
            [
                "Supplier",
                "Name",
                "Lead time (days)",
                "Std (days)",
                "On time",
                "Open PO lines",
                "Open PO units",
                "Late lines",
            ],
            (
                [
                    str(s.get("supplier_id")),
                    str(s.get("name")),
                    _qty(s.get("lead_time_days")),
                    _qty(s.get("lead_time_std_days")),
                    _pct(s.get("on_time_rate")),
                    _qty(s.get("open_po_lines")),
                    _qty(s.get("open_po_units")),
                    _qty(s.get("late_po_lines")),
                ]
                for s in sups
            ),
        ),
    ]
    late = [(s, po) for s in sups for po in s.get("late_pos") or []]
    if late:
        lines += ["", "**Late purchase orders**"]
        lines += [
            f"- {po.get('po_id')} ({s.get('supplier_id')}): {_qty(po.get('qty'))} of "
            f"{po.get('sku')} for {po.get('location')}, due {po.get('expected_date')} — "
            f"{_qty(po.get('days_late'))} days late"
            for s, po in late
        ]
    else:
        lines.append("\nNo late purchase orders.")
    return "\n".join(lines)


WHAT_IF_ROWS = (
    ("first_stockout_date", "First stockout", _date),
    ("unmet_units_horizon", "Unmet units (horizon)", _qty),
    ("unmet_units_protection", "Unmet units (protection window)", _qty),
    ("lost_margin_horizon", "Lost margin (horizon)", _money),
    ("min_projected_on_hand", "Min projected on hand", _qty),
    ("end_on_hand", "End on hand", _qty),
    ("forecast_units", "Forecast units", _qty),
)


def _render_what_if(result: Result) -> str:
    if result.error:
        return _error_text(result)
    wi = result.data if isinstance(result.data, dict) else {}
    sc = wi.get("scenario") or {}
    parts = []
    if sc.get("supplier_delay_days"):
        only = f" ({sc['supplier_id']} only)" if sc.get("supplier_id") else ""
        parts.append(f"purchase orders {_qty(sc['supplier_delay_days'])} days late{only}")
    if sc.get("demand_factor") not in (None, 1, 1.0):
        parts.append(f"demand ×{sc['demand_factor']}")
    if sc.get("promo_factor") not in (None, 1, 1.0):
        parts.append(f"promotion demand ×{sc['promo_factor']}")
    base, new = wi.get("base") or {}, wi.get("with_scenario") or {}
    lines = [
        f"**What-if for {wi.get('sku')} at {wi.get('location')}** (as of {wi.get('as_of')}, "
        f"horizon {_qty(wi.get('horizon_days'))} days, protection window "
        f"{_qty(wi.get('protection_days'))} days)",
        f"Scenario: {_scenario_text(sc)}.",
        "",
        _table(
            ["", "Base", "Scenario"],
            ([label, fmt(base.get(key)), fmt(new.get(key))] for key, label, fmt in WHAT_IF_ROWS),
        ),
    ]
    change = wi.get("change") or {}
    units, margin = change.get("unmet_units_horizon"), change.get("lost_margin_horizon")
    if units or margin:
        lines.append(
            f"\n**Impact:** unmet units change by {_qty(units)} and lost margin by "
            f"{_money(margin)} over the horizon."
        )
    elif change.get("anything_changed"):
        lines.append(
            f"\n**Impact:** the shortage comes sooner or later, not bigger: unmet units within "
            f"the protection window change by {_qty(change.get('unmet_units_protection'))} and "
            f"lost margin by {_money(change.get('lost_margin_protection'))}; over the horizon "
            "they are the same both ways (stock runs out before its end either way)."
        )
    else:
        lines.append("\n**Impact:** no change in unmet units or lost margin over the horizon.")
    if base.get("first_stockout_date") != new.get("first_stockout_date"):
        lines.append(
            f"The first stockout moves from {_date(base.get('first_stockout_date'))} to "
            f"{_date(new.get('first_stockout_date'))}."
        )
    moved = wi.get("delayed_purchase_orders") or []
    if moved:
        lines += ["", "**Delayed purchase orders**"]
        lines += [
            f"- {po.get('po_id')} ({po.get('supplier_id')}, {_qty(po.get('qty'))} units): "
            f"arrival {po.get('arrival_before')} → {po.get('arrival_after')}"
            for po in moved
        ]
    elif sc.get("supplier_delay_days"):
        lines.append("\nNo open purchase order of this SKU-location is affected by the delay.")
    if sc.get("promo_factor") not in (None, 1, 1.0) and not wi.get("promotion_days"):
        lines.append(
            "No promotion days fall in the horizon, so the promotion factor has no effect."
        )
    return "\n".join(lines)


def _asked_qty(value: Any) -> str:
    """Return the quantity to say again in a suggestion, left open ("<qty>") unless it is one.

    A draft of 0 or -5 units failed its checks for its quantity: it is no request to repeat.
    """
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return _qty(value)
    return "<qty>"


def _render_draft(result: Result) -> str:
    if not result.name.startswith(("draft_", "amend_", "withdraw_")):
        return ""  # a look-up is no draft: never "not drafted: it failed the checks"
    data = result.data if isinstance(result.data, dict) else None
    if data is None or "error" in data:
        return f"- {_error_text(result)}"
    status = data.get("status")
    if status == "pending_approval":
        description = str(data.get("description") or data.get("action")).strip()
        # The draft checks' warnings (cover above the class maximum, no need) are the
        # approver's to weigh: each is said, once, even if the description lacks it.
        unsaid = [w for w in data.get("warnings") or [] if str(w) not in description]
        lines = [*(f"- **Warning:** {w}" for w in unsaid), *description.splitlines()]
        body = "\n".join(f"  {line}" for line in lines)
        flag = " ⚠" if data.get("warnings") else ""
        if data.get("replaces"):
            return (
                f"- **Changed:** {data.get('replaces')} ({_qty(data.get('previous_qty'))} units) "
                f"is "
                f"withdrawn and replaced by proposal **{data.get('proposal_id')}** — **awaiting "
                f"approval**{flag} (value {_money(data.get('value'))}):\n{body}"
            )
        return (
            f"- Proposal **{data.get('proposal_id')}** — **awaiting approval**{flag} (pending "
            f"approval by a human approver; value {_money(data.get('value'))}):\n{body}"
        )
    if status == "advice_only":
        rec = data.get("recommendation") or {}
        exc = data.get("exception_id") or result.args.get("exception_id")
        return f"- {exc}: nothing to draft — the recommendation is {_rec_phrase(rec)}."
    if status == "withdrawn":
        p = data.get("proposal") or {}
        return (
            f"- Proposal **{p.get('proposal_id')}** is **withdrawn**; nothing was written to "
            "the ERP."
        )
    errors = "; ".join(str(e) for e in data.get("errors") or []) or "no reason given"
    what = str(data.get("action") or result.name.removeprefix("draft_")).replace("_", " ")
    verdict = "refused" if status == "refused" else "not drafted: it failed the checks"
    text = f"- The {what} was **{verdict}** — {errors}. No proposal was created."
    if data.get("note"):
        text += f" {data['note']}"
    alt = data.get("alternatives") or {}
    args = result.args
    lanes = [x for x in alt.get("lanes_into") or [] if (x.get("on_hand") or 0) > 0]
    accepted = [a for a in data.get("accepted") or [] if isinstance(a, dict)]
    if accepted:
        first, more = accepted[0], accepted[1:3]
        text += (
            f"\n  **What the checks would accept instead:** transfer {_qty(first.get('qty'))} of "
            f"{first.get('sku')} from {first.get('from_location')} to "
            f"{first.get('to_location')} — say **ok do that** to draft it"
        )
        if more:
            text += (
                " (or "
                + ", ".join(
                    f"**transfer {_qty(a.get('qty'))} of {a.get('sku')} from "
                    f"{a.get('from_location')} to {a.get('to_location')}**"
                    for a in more
                )
                + ")"
            )
        if alt.get("purchase_order_supplier"):
            text += f"; or order it from {alt['purchase_order_supplier']}"
        text += "."
    elif lanes:
        first = lanes[0]
        text += (
            f"\n  Instead: {args.get('to_location')} can receive from "
            + ", ".join(
                f"{x.get('from_location')} ({_qty(x.get('lead_time_days'))}-day lane, "
                f"{_qty(x.get('on_hand'))} on hand)"
                for x in lanes
            )
            + f" — say **transfer {_asked_qty(args.get('qty'))} of {args.get('sku')} from "
            f"{first.get('from_location')} to {args.get('to_location')}**"
        )
        if alt.get("purchase_order_supplier"):
            text += f", or order it from {alt['purchase_order_supplier']}"
        text += "."
    elif alt.get("purchase_order_supplier"):
        text += (
            f"\n  Instead: order it from {alt['purchase_order_supplier']} — say **order "
            f"{_asked_qty(args.get('qty'))} of {args.get('sku')} for {args.get('to_location')} "
            f"from {alt['purchase_order_supplier']}**."
        )
    return text


def _is_pending(result: Result) -> bool:
    return isinstance(result.data, dict) and result.data.get("status") == "pending_approval"


def _render_drafts(results: Sequence[Result], title: str = "**Drafts**") -> str:
    drafts = [r for r in results if r.name.startswith("draft_")]
    if not drafts:
        return "Nothing was drafted."
    lines = [title, *(_render_draft(r) for r in drafts)]
    if any(_is_pending(r) for r in drafts):
        lines.append(
            "\nThese are drafts only: nothing is written to the ERP until a human approver "
            "approves them at the approval gate."
        )
    return "\n".join(lines)


# -- approval gate -------------------------------------------------------------------------------


def _approval_summary(content: str) -> str:
    """Summarise the approval gate's decisions; only "committed" means written to the ERP."""
    data = _load(content)
    results = data.get("results") if isinstance(data, dict) else None
    if not isinstance(results, list) or not results:
        return "No decisions were recorded at the approval gate; nothing was written to the ERP."
    lines = ["**Approval results**"]
    for r in results:
        what = f"{str(r.get('action') or 'proposal').replace('_', ' ')} {r.get('proposal_id')}"
        who = r.get("decided_by") or "the approver"
        message = r.get("message")
        outcome = r.get("outcome")
        if outcome == "committed":
            how = "approved with edits" if r.get("decision") == "edit" else "approved"
            line = (
                f"{how} by {who} and **committed** to the ERP as document "
                f"**{r.get('document_id')}**."
            )
            if r.get("cut"):  # cut to what other orders left of the need
                line += f" It was {r['cut']}."
        elif r.get("decision") == "respond":
            state = "closed" if outcome == "rejected" else "still pending"
            line = (
                f"{who} responded: “{message or ''}” — noted. The proposal is {state}; "
                "nothing was written to the ERP."
            )
        elif outcome == "rejected":
            reason = f" Reason: “{message}”." if message else ""
            line = f"**rejected** by {who}; nothing was written to the ERP.{reason}"
        elif outcome == "approved":
            line = f"approved by {who}, but not committed yet; no ERP document exists so far."
        elif outcome == "refused":
            line = f"**not committed** — the decision was refused: {message}."
        elif outcome == "failed":
            line = f"**commit failed** — {message}. No ERP document was created."
        elif outcome == "already_decided":
            line = f"not changed — it was {message}."
        else:
            why = f" ({message})" if message else ""
            line = f"still **pending** approval{why}; nothing was written to the ERP."
        lines.append(f"- {what}: {line}")
    return "\n".join(lines)


# -- answers that lead with the answer -----------------------------------------------------------

GROUP_LABELS = {
    "type": "Type",
    "priority": "Priority",
    "location": "Location",
    "category": "Category",
    "sku": "SKU",
    "supplier": "Supplier",
    "source": "Source",
}


def _filters_text(filters: dict[str, Any]) -> str:
    parts = []
    if filters.get("type"):
        parts.append(TYPE_LABELS.get(str(filters["type"]), str(filters["type"])).lower())
    for key in ("sku", "location", "category", "supplier_id"):
        if filters.get(key):
            parts.append(f"{'at ' if key == 'location' else ''}{filters[key]}")
    if filters.get("locations"):  # the stores a DC feeds
        parts.append("at " + ", ".join(map(str, filters["locations"])))
    if filters.get("priority"):
        parts.append(f"P{filters['priority']} or more urgent")
    return " · ".join(parts)


def _n(count: Any, noun: str) -> str:
    """Return "1 exception", "3 exceptions": a count with its noun in the right number."""
    return f"{_qty(count)} {noun}{'' if count == 1 else 's'}"


def render_totals(
    result: Result,
    *,
    count_first: bool = False,
    only: Callable[[str], bool] | None = None,
    noun: str = "",
) -> str:
    """Lead with the total (the count first when the question asks how many), then the groups.

    With `only` (a test on a group's key) and `noun` ("store"), a question about one kind of
    group ("which store has the most at risk?") leads with the first group of that kind.
    """
    if result.error:
        return _error_text(result)
    data = result.data if isinstance(result.data, dict) else {}
    scope = _filters_text(data.get("filters") or {})
    count = data.get("count") or 0
    plural = "s" if count != 1 else ""
    lead = (
        # The count first, as asked ("how many P1s?" -> "10 open"), then what it counts.
        f"**{_qty(count)} open** — {_qty(count)} exception{plural}"
        + (f" ({scope})" if scope else "")
        + f", with {_money(data.get('total_money_at_risk'))} at risk."
        if count_first
        else f"**{_money(data.get('total_money_at_risk'))} at risk across {_qty(count)} "
        f"exception{plural}**" + (f" ({scope})" if scope else "") + "."
    )
    groups = data.get("groups") or []
    if not groups:
        return lead + " Nothing matches, so nothing is at risk for this request."
    top = groups[0]
    by = str(data.get("by") or "type")
    key = TYPE_LABELS.get(str(top["key"]), str(top["key"])) if by == "type" else str(top["key"])
    share = (
        f"The largest share is {GROUP_LABELS.get(by, by).lower()} **{key}**: "
        f"{_money(top.get('money_at_risk'))} ({_n(top.get('count'), 'exception')})."
    )
    if only is not None and noun:
        kept = [g for g in groups if only(str(g["key"]))]
        if kept:
            first = kept[0]
            lead = (
                f"**The {noun} with the most at risk is {first['key']}: "
                f"{_money(first.get('money_at_risk'))} ({_n(first.get('count'), 'exception')}).**"
                f" In all, {_money(data.get('total_money_at_risk'))} is at risk across "
                f"{_n(count, 'exception')}" + (f" ({scope})" if scope else "") + "."
            )
            share = ""
        else:
            lead = f"**No {noun} has an exception with money at risk.** " + lead
    lines = [
        lead,
        *([share] if share else []),
        "",
        _table(
            [GROUP_LABELS.get(by, by), "Exceptions", "Money at risk"],
            (
                [
                    TYPE_LABELS.get(str(g["key"]), str(g["key"]))
                    if by == "type"
                    else str(g["key"]),
                    _qty(g.get("count")),
                    _money(g.get("money_at_risk")),
                ]
                for g in groups
            ),
        ),
    ]
    return "\n".join(lines)


def render_places_counted(
    result: Result, only: Callable[[str], bool] | None = None, noun: str = "location"
) -> str:
    """Lead with how many places have the exceptions asked about ("how many stores have ...").

    The places are the distinct locations of a `summarize_exceptions` by location (only those
    `only` keeps); then the exceptions they have between them, then each place's.
    """
    if result.error:
        return _error_text(result)
    data = result.data if isinstance(result.data, dict) else {}
    scope = _filters_text(data.get("filters") or {}) or "open exceptions"
    every = list(data.get("groups") or [])
    groups = [g for g in every if only is None or only(str(g["key"]))]
    if not groups:
        return (
            f"**No {noun}** has {scope}: nothing matches, so nothing is at risk for this request."
        )
    if len(groups) == len(every):  # the result's own figures: every group is a place asked about
        places = int(data.get("group_count", len(groups)))
        have = "has" if places == 1 else "have"
        count = int(data.get("count") or 0)
        lead = (
            f"**{_n(places, noun)} {have} {scope}** — {_n(count, 'exception')} between them, "
            f"with {_money(data.get('total_money_at_risk'))} at risk."
        )
    else:  # a subset: name the places; a count or a sum of them is in no tool result
        others = ", ".join(str(g["key"]) for g in every if g not in groups)
        lead = (
            f"**{noun.capitalize()}s with {scope}: "
            + ", ".join(str(g["key"]) for g in groups)
            + f"** (each below); also at {others}, not counted here."
        )
    table = _table(
        [GROUP_LABELS.get("location", "Location"), "Exceptions", "Money at risk"],
        ([str(g["key"]), _qty(g.get("count")), _money(g.get("money_at_risk"))] for g in groups),
    )
    return "\n".join([lead, "", table])


def render_totals_compared(result: Result, places: Sequence[str]) -> str:
    """Lead with the location that has more at risk among those asked about, then each one's."""
    data = result.data if isinstance(result.data, dict) else {}
    groups = {str(g["key"]): g for g in data.get("groups") or []}

    def said(place: str) -> str:
        g = groups.get(place)
        if g is None:
            return f"nothing at {place} (no exception)"
        return f"{_money(g.get('money_at_risk'))} at {place} ({_n(g.get('count'), 'exception')})"

    ranked = sorted(places, key=lambda p: -float((groups.get(p) or {}).get("money_at_risk") or 0))
    first, second = ranked[0], ranked[1]
    top = float((groups.get(first) or {}).get("money_at_risk") or 0)
    other = float((groups.get(second) or {}).get("money_at_risk") or 0)
    if top == other:
        lead = f"**{first} and {second} have as much at risk: {said(first)}, {said(second)}.**"
    else:
        lead = f"**{first} has more money at risk: {said(first)} vs {said(second)}.**"
    rows = [
        [p, _qty(groups[p].get("count")), _money(groups[p].get("money_at_risk"))]
        for p in ranked
        if p in groups
    ]
    table = _table(["Location", "Exceptions", "Money at risk"], rows) if rows else ""
    return "\n".join([lead, *(["", table] if table else [])])


def render_regions_compared(results: Sequence[Result]) -> str:
    """Lead with the region (a DC's stores) that has the most at risk, then each region's total.

    A region whose total the tool did not give is said to be missing, never read as 0.
    """
    failed = next((r for r in results if r.error), None)
    if failed is not None:
        return _error_text(failed)
    known: list[tuple[str, float, dict[str, Any]]] = []
    missing: list[tuple[str, dict[str, Any]]] = []
    for r in results:
        data = r.data if isinstance(r.data, dict) else {}
        dc = str(r.args.get("served_by"))
        if data.get("total_money_at_risk") is None:
            missing.append((dc, data))
        else:
            known.append((dc, float(data["total_money_at_risk"]), data))

    def said(dc: str, data: dict[str, Any]) -> str:
        return (
            f"{_money(data.get('total_money_at_risk'))} at the stores {dc} feeds "
            f"({_n(data.get('count'), 'exception')})"
        )

    ranked = sorted(known, key=lambda x: -x[1])
    if len(ranked) < 2:
        lead = "**I can't compare the regions: " + (
            f"only {said(ranked[0][0], ranked[0][2])} is known.**"
            if ranked
            else "no total is known.**"
        )
    else:
        (first, top, d1), rest = ranked[0], ranked[1:]
        tied = [(dc, d) for dc, money, d in rest if money == top]
        below = " and ".join(said(dc, d) for dc, money, d in rest if money != top)
        against = f", against {below}" if below else ""
        if tied:
            names = " and ".join(f"{dc}'s" for dc in [first, *(dc for dc, _ in tied)])
            each = " and ".join(said(dc, d) for dc, d in [(first, d1), *tied])
            lead = f"**{names} stores have as much at risk: {each}{against}.**"
        else:
            most = "more" if len(rest) == 1 else "the most"
            lead = f"**{first}'s stores have {most} money at risk: {said(first, d1)}{against}.**"
    if missing:
        lead += (
            f"\n\nThe tool gave no money at risk for the stores "
            f"{' and '.join(dc for dc, _ in missing)} "
            f"{'feeds' if len(missing) == 1 else 'feed'}: that figure is missing, so "
            f"{'it is' if len(missing) == 1 else 'they are'} left out of the comparison."
        )
    rows = [
        [f"{dc}'s stores", _qty(d.get("count")), _money(d.get("total_money_at_risk"))]
        for dc, _, d in ranked
    ] + [[f"{dc}'s stores", _qty(d.get("count")), "missing"] for dc, d in missing]
    return "\n".join([lead, "", _table(["Region", "Exceptions", "Money at risk"], rows)])


def _cover(row: dict[str, Any]) -> str:
    if row.get("days_of_cover_capped"):
        beyond = row.get("days_of_cover_beyond_horizon")
        return f"{_qty(beyond)} (beyond the horizon)" if beyond is not None else "beyond horizon"
    return _qty(row.get("days_of_cover"))


def render_network(result: Result) -> str:
    """Lead with the largest holder and the network totals, then every location."""
    if result.error:
        return _error_text(result)
    data = result.data if isinstance(result.data, dict) else {}
    net = data.get("network") or {}
    most = data.get("most_on_hand") or {}
    lines = [
        f"**{most.get('location_id')} holds the most {data.get('sku')}: "
        f"{_qty(most.get('on_hand'))} on hand.** Network: {_qty(net.get('on_hand'))} on hand, "
        f"{_qty(net.get('in_transit'))} in transit, {_qty(net.get('on_order'))} on order across "
        f"{_qty(net.get('locations'))} locations; network days of cover "
        f"{_qty(net.get('days_of_cover'))} (stores sell {_qty(net.get('store_forecast_daily'))} "
        f"a day). Lowest cover: {data.get('least_cover')}.",
        "",
        _table(
            ["Location", "On hand", "In transit", "On order", "Forecast/day", "Days of cover",
             "Below reorder point"],
            (
                [
                    str(r.get("location_id")),
                    _qty(r.get("on_hand")),
                    _qty(r.get("in_transit")),
                    _qty(r.get("on_order")),
                    _qty(r.get("forecast_daily")),
                    _cover(r),
                    "yes" if r.get("below_reorder_point") else "no",
                ]
                for r in data.get("locations") or []
            ),
        ),
    ]  # fmt: skip
    return "\n".join(lines)


def render_network_rank(
    result: Result, kind: str | None, *, least: bool, among: Sequence[str] = ()
) -> str:
    """Lead with the location of the kind asked that holds the most (or least), then the rest.

    `among`: the locations the request compares ("DC-NORTH or DC-SOUTH?"), ranked alone.
    """
    if result.error:
        return _error_text(result)
    data = result.data if isinstance(result.data, dict) else {}
    rows = [
        r
        for r in data.get("locations") or []
        if (kind is None or str(r.get("location_type") or "").lower() == kind)
        and (not among or r.get("location_id") in among)
    ]
    if not rows:
        return render_network(result)
    rows.sort(key=lambda r: float(r.get("on_hand") or 0), reverse=not least)
    top, word = rows[0], ("least" if least else "most")
    where = {"store": "stores", "dc": "DCs"}.get(kind or "", "locations")
    if among and len(rows) >= 2:
        second = rows[1]
        more = "less" if least else "more"
        lead = (
            f"**{top.get('location_id')} holds {more} {data.get('sku')}: "
            f"{_qty(top.get('on_hand'))} on hand vs {_qty(second.get('on_hand'))} at "
            f"{second.get('location_id')}**; days of cover {_cover(top)} vs {_cover(second)}."
        )
        return lead + "\n\n" + _network_table(rows)
    lead = (
        f"**{top.get('location_id')} has the {word} {data.get('sku')} of the "
        f"{where}: {_qty(top.get('on_hand'))} on hand**, days of cover {_cover(top)}."
    )
    others = [
        r for r in data.get("locations") or [] if kind and str(r.get("location_type")) != kind
    ]
    if others:
        big = max(others, key=lambda r: float(r.get("on_hand") or 0))
        lead += f" Beyond the {where}, {big.get('location_id')} holds {_qty(big.get('on_hand'))}."
    return lead + "\n\n" + _network_table(rows)


def _network_table(rows: Sequence[dict[str, Any]]) -> str:
    return _table(
        ["Location", "On hand", "In transit", "On order", "Days of cover"],
        (
            [
                str(r.get("location_id")),
                _qty(r.get("on_hand")),
                _qty(r.get("in_transit")),
                _qty(r.get("on_order")),
                _cover(r),
            ]
            for r in rows
        ),
    )


def render_late_supply(result: Result) -> str:
    """Lead with how many of a supplier's purchase order lines are late, then list them."""
    if result.error:
        return _error_text(result)
    data = result.data if isinstance(result.data, dict) else {}
    supplier = (data.get("filters") or {}).get("supplier_id") or "this supplier"
    late = [r for r in data.get("lines") or [] if r.get("late")]
    if not late:
        return (
            f"**No purchase order from {supplier} is late**: none of its open lines was due by "
            f"{_date(data.get('until') or data.get('as_of'))}."
        )
    out = [
        f"**{_qty(len(late))} late purchase order line{'s' if len(late) != 1 else ''} from "
        f"{supplier}** (due by {_date(data.get('until') or data.get('as_of'))}, not yet received):",
        "",
        _table(
            ["Document", "SKU", "To", "Qty", "Expected"],
            (
                [
                    str(r.get("document_id")),
                    str(r.get("sku")),
                    str(r.get("location_id")),
                    _qty(r.get("qty")),
                    _date(r.get("expected_date")),
                ]
                for r in late
            ),
        ),
    ]
    if data.get("truncated"):
        out.append(f"\n(First {len(data.get('lines') or [])} lines shown.)")
    return "\n".join(out)


def render_supplier_late(result: Result) -> str:
    """Lead with a supplier's late purchase orders, each with how many days late it is."""
    if result.error:
        return _error_text(result)
    sups = [
        s for s in (result.data if isinstance(result.data, list) else []) if isinstance(s, dict)
    ]
    if not sups:
        return "No supplier matches."
    out = []
    for s in sups:
        who = f"{s.get('supplier_id')} ({s.get('name')})"
        late = [po for po in s.get("late_pos") or [] if isinstance(po, dict)]
        if not late:
            out.append(
                f"**No purchase order from {who} is late**: "
                f"{_n(s.get('open_po_lines') or 0, 'open purchase order line')}, none past its "
                "expected date."
            )
            continue
        late.sort(key=lambda po: str(po.get("expected_date")))
        out.append(
            f"**{_n(len(late), 'late purchase order')} from {who}**, the oldest first "
            f"(of {_n(s.get('open_po_lines') or 0, 'open line')}):"
        )
        out += [
            f"- **{po.get('po_id')}**: {_qty(po.get('qty'))} of {po.get('sku')} for "
            f"{po.get('location')}, due {po.get('expected_date')} — "
            f"{_qty(po.get('days_late'))} days late"
            for po in late
        ]
    return "\n".join(out)


def render_supply(result: Result) -> str:
    """Lead with the total inbound, then the lines."""
    if result.error:
        return _error_text(result)
    data = result.data if isinstance(result.data, dict) else {}
    filters = data.get("filters") or {}
    scope = (
        " ".join(
            p
            for p in (
                f"for {filters['sku']}" if filters.get("sku") else "",
                f"to {filters['location']}" if filters.get("location") else "",
                f"from {filters['supplier_id']}" if filters.get("supplier_id") else "",
            )
            if p
        )
        or "across the network"
    )
    if data.get("until"):
        scope += f", due by {_date(data['until'])}"
    lines_n = data.get("total_lines") or 0
    if not lines_n:
        return f"**Nothing is inbound** {scope}: no open purchase order or transfer in transit."
    kinds = data.get("by_kind") or {}
    po, tr = kinds.get(ActionKind.PURCHASE_ORDER) or {}, kinds.get(ActionKind.TRANSFER) or {}
    out = [
        f"**{_qty(data.get('total_units'))} units inbound** {scope} on {_qty(lines_n)} "
        f"line{'s' if lines_n != 1 else ''}: {_qty(po.get('lines'))} purchase order line(s) "
        f"({_qty(po.get('units'))} units) and {_qty(tr.get('lines'))} transfer(s) "
        f"({_qty(tr.get('units'))} units).",
    ]
    first = (data.get("lines") or [{}])[0]
    if first.get("document_id"):
        out[0] += (
            f" The next to arrive is **{first.get('document_id')}**: {_qty(first.get('qty'))} "
            f"{first.get('sku')} to {first.get('location_id')}, expected "
            f"{_date(first.get('expected_date'))}" + (" (late)." if first.get("late") else ".")
        )
    out += [
        "",
        _table(
            ["Document", "Kind", "SKU", "To", "From", "Qty", "Expected", "Late"],
            (
                [
                    str(r.get("document_id")),
                    str(r.get("kind")).replace("_", " "),
                    str(r.get("sku")),
                    str(r.get("location_id")),
                    str(r.get("supplier_id") or r.get("from_location") or ""),
                    _qty(r.get("qty")),
                    _date(r.get("expected_date")),
                    "yes" if r.get("late") else "no",
                ]
                for r in data.get("lines") or []
            ),
        ),
    ]
    if data.get("truncated"):
        out.append("\n(The soonest lines are shown; the totals count all.)")
    return "\n".join(out)


def render_item(result: Result) -> str:
    """Lead with the item and its primary supplier, then the supplier terms."""
    if result.error:
        return _error_text(result)
    d = result.data if isinstance(result.data, dict) else {}
    terms = d.get("suppliers") or []
    primary = next((t for t in terms if t.get("primary")), None)
    lead = (
        f"**{d.get('sku')} — {d.get('description')}** ({d.get('category')}): unit cost "
        f"{_money(d.get('unit_cost'))}, price {_money(d.get('unit_price'))}, case pack "
        f"{_qty(d.get('case_pack'))}."
    )
    if primary:
        lead += (
            f" Primary supplier {primary.get('supplier_id')} ({primary.get('supplier_name')}): "
            f"lead time {_qty(primary.get('lead_time_days'))} days "
            f"({primary.get('lead_time_source')}), MOQ {_qty(primary.get('moq'))}."
        )
    timed = [t for t in terms if t.get("lead_time_days") is not None]
    if len(timed) > 1:
        # Which supplier is quickest, and by how much: the terms' own lead times, compared.
        quick = min(timed, key=lambda t: float(t["lead_time_days"]))
        ties = [t for t in timed if float(t["lead_time_days"]) == float(quick["lead_time_days"])]
        if len(ties) == 1:
            lead += (
                f" Quickest supplier: {quick.get('supplier_id')} ({quick.get('supplier_name')}), "
                f"lead time {_qty(quick.get('lead_time_days'))} days."
            )
        else:
            lead += (
                f" Quickest lead time: {_qty(quick.get('lead_time_days'))} days, shared by "
                + ", ".join(str(t.get("supplier_id")) for t in ties)
                + "."
            )
    return "\n".join(
        [
            lead,
            "",
            _table(
                ["Supplier", "Name", "Primary", "Unit cost", "MOQ", "Lead time (days)"],
                (
                    [
                        str(t.get("supplier_id")),
                        str(t.get("supplier_name")),
                        "yes" if t.get("primary") else "no",
                        _money(t.get("unit_cost")),
                        _qty(t.get("moq")),
                        f"{_qty(t.get('lead_time_days'))} ({t.get('lead_time_source')})",
                    ]
                    for t in terms
                ),
            ),
        ]
    )


def _order_lines(now: dict[str, Any]) -> list[str]:
    """Render an order list's lines as a table, and how to draft them."""
    items = now.get("items") or []
    if not items:
        return []
    out = [
        "",
        _table(
            ["SKU", "Location", "From", "Qty", "Value", "Why"],
            (
                [
                    str(i.get("sku")),
                    str(i.get("location")),
                    str(i.get("supplier_id") or i.get("from_location") or ""),
                    _qty(i.get("qty")),
                    _money(i.get("value")),
                    f"exception {i.get('exception_id')}"
                    if i.get("from_exception")
                    else str(i.get("reason") or "routine"),
                ]
                for i in items
            ),
        ),
    ]
    if now.get("truncated"):
        out.append(f"\nShowing {_qty(now.get('returned'))} of {_qty(now.get('total'))} lines.")
    out.append("\nSay **ok order that** to draft the first lines for approval.")
    return out


def _moq_waits(now: dict[str, Any]) -> list[str]:
    """One line on the lines waiting a review for an MOQ round-up (count, up to 3 items)."""
    count = now.get("waiting_for_moq")
    items = now.get("waiting_for_moq_items") or []
    if not count:
        return []
    shown = "; ".join(
        f"{i.get('sku')} at {i.get('location')} (need {_qty(i.get('need'))}, MOQ "
        f"{_qty(i.get('moq'))})"
        for i in items[:3]
    )
    return [
        f"**Waiting for an MOQ round-up: {_n(count, 'line')}** below their reorder point, put "
        "off a review because waiting costs less than holding the supplier's MOQ (not ordered, "
        "not in the totals)" + (f": {shown}." if shown else ".")
    ]


def _order_lead(now: dict[str, Any], what: str) -> str:
    """Lead with the order list's count and value (or why there is nothing to order)."""
    if not now.get("lines"):
        why = now.get("why_nothing")
        return f"**Nothing to order {what}**" + (f": {why}." if why else ".")
    replaced = int(now.get("from_exceptions") or 0)
    swap = (
        f"; {_n(replaced, 'line')} {'are' if replaced != 1 else 'is'} exceptions' "
        "recommendations, each replacing the routine line of its SKU-location"
        if replaced
        else ""
    )
    return (
        f"**Order {what}: {_n(now.get('lines'), 'line')}, {_qty(now.get('units'))} units, "
        f"value {_money(now.get('value'))}** (positions below their reorder point ordered up to "
        f"their order-up-to level{swap}; nothing is drafted yet)."
    )


def render_supplier_overview(result: Result) -> str:
    """Lead with what to order now (count and value), then its lines, the SKUs and open POs."""
    if result.error:
        return _error_text(result)
    d = result.data if isinstance(result.data, dict) else {}
    now = d.get("order_now") or {}
    pos = d.get("open_purchase_orders") or {}
    who = f"{d.get('supplier_id')} ({d.get('name')})"
    lines = [
        _order_lead(now, f"from {who} now"),
        f"It supplies {_qty(d.get('sku_count'))} SKUs (primary for "
        f"{_qty(d.get('primary_for'))}), lead time {_qty(d.get('lead_time_days'))} days, on time "
        f"{_pct(d.get('on_time_rate'))}; {_qty(pos.get('lines'))} open PO line(s), "
        f"{_qty(pos.get('units'))} units, {_qty(pos.get('late_lines'))} late.",
    ]
    return "\n".join(lines + _moq_waits(now) + _order_lines(now))


def render_routine_orders(result: Result) -> str:
    """Lead with the order list's count and value in its scope, then the lines."""
    if result.error:
        return _error_text(result)
    d = result.data if isinstance(result.data, dict) else {}
    scope = d.get("scope") or {}
    where = " ".join(str(v) for k, v in scope.items() if k != "network")
    what = f"for {where} now" if where else "now"
    return "\n".join([_order_lead(d, what), *_moq_waits(d), *_order_lines(d)])


def render_what_if_scope(result: Result, *, first: bool = False) -> str:
    """Lead with the change in unmet units and lost margin over a scope, then the details.

    `first`: the question asks what runs short first, so the earliest shortfalls lead.
    """
    if result.error:
        return _error_text(result)
    d = result.data if isinstance(result.data, dict) else {}
    if "sku_locations" not in d:
        change = d.get("change") or {}
        base, new = d.get("base") or {}, d.get("with_scenario") or {}
        same = base.get("first_stockout_date") == new.get("first_stockout_date")
        unchanged = not (change.get("unmet_units_horizon") or change.get("lost_margin_horizon"))
        notes = list(d.get("notes") or [])
        if unchanged and same and not change.get("anything_changed") and notes:
            # "No change" leads, with why (no promotion day in the horizon, stock covers it).
            rest = _notes({"notes": notes[1:]})
            return f"**No change: {notes[0]}**\n\n" + _render_what_if(result) + rest
        return _render_what_if(result) + _notes(d)
    scope = d.get("scope") or {}
    where = (
        "the whole network"
        if scope.get("network")
        else ", ".join(f"{k.replace('_id', '')} {v}" for k, v in scope.items())
    )
    base, new, change = d.get("base") or {}, d.get("with_scenario") or {}, d.get("change") or {}
    lead = (
        f"**Over {where} ({_qty(d.get('sku_locations'))} SKU-locations): unmet units change by "
        f"{_qty(change.get('unmet_units_horizon'))}{_direction(change.get('unmet_units_horizon'))}"
        f" and lost margin by "
        f"{_money(change.get('lost_margin_horizon'))}; {_qty(new.get('sku_locations_short'))} "
        f"SKU-locations run short (base {_qty(base.get('sku_locations_short'))}).**"
    )
    unchanged = not change.get("unmet_units_horizon") and not change.get("lost_margin_horizon")
    moved = change.get("anything_changed", not unchanged)
    if moved:
        lead = _moved_lead(d) + lead
    elif d.get("notes"):
        # "No change" must say why (no open PO to delay, no promotion scheduled), first.
        lead = f"**No change: {d['notes'][0]}** " + lead
    dated = sorted(
        (r for r in d.get("most_affected") or [] if r.get("first_stockout_scenario")),
        key=lambda r: str(r.get("first_stockout_scenario")),
    )
    if first and dated:
        earliest = "; ".join(
            f"{r.get('sku')} at {r.get('location')} on {_date(r.get('first_stockout_scenario'))}"
            for r in dated[:3]
        )
        lead = f"**First to run short: {earliest}** (of the most affected SKU-locations). {lead}"
    lines = [
        lead,
        f"Scenario: {_scenario_text(d.get('scenario') or {})}. Horizon "
        f"{_qty(d.get('horizon_days'))} days from {d.get('as_of')}. Both columns project "
        "today's stock and the supply already open (POs and transfers), with no new orders, "
        "so the base runs short too: the difference between them is the scenario's effect.",
        "",
        _table(
            ["", "Base", "Scenario"],
            (
                [label, fmt(base.get(key)), fmt(new.get(key))]
                for key, label, fmt in (
                    ("unmet_units_horizon", "Unmet units", _qty),
                    ("lost_margin_horizon", "Lost margin", _money),
                    ("sku_locations_short", "SKU-locations short", _qty),
                    ("forecast_units", "Forecast units", _qty),
                )
            ),
        ),
    ]
    most = d.get("most_affected") or []
    if most:
        lines += [
            "",
            "**Most affected**",
            _table(
                ["SKU", "Location", "Unmet base", "Unmet scenario", "Lost margin change",
                 "First stockout"],
                (
                    [
                        str(r.get("sku")),
                        str(r.get("location")),
                        _qty(r.get("unmet_units_base")),
                        _qty(r.get("unmet_units_scenario")),
                        _money(r.get("lost_margin_change")),
                        _date(r.get("first_stockout_scenario")),
                    ]
                    for r in most
                ),
            ),
        ]  # fmt: skip
    if d.get("delayed_purchase_orders"):
        lines.append(f"\nDelayed purchase orders: {_qty(d.get('delayed_purchase_orders'))}.")
        delayed = [r for r in d.get("delayed_purchase_order_lines") or [] if isinstance(r, dict)]
        if delayed:
            lines += [
                "",
                _table(
                    ["PO", "SKU", "Location", "Qty", "Arrives (base)", "Arrives (scenario)"],
                    (
                        [str(r.get("po_id")), str(r.get("sku")), str(r.get("location")),
                         _qty(r.get("qty")), _date(r.get("arrival_before")),
                         _date(r.get("arrival_after"))]
                        for r in delayed
                    ),
                ),
            ]  # fmt: skip
    return "\n".join(lines) + _notes(d)


def _direction(value: Any) -> str:
    """Say which way a change in unmet units goes ("-120" is fewer units unmet)."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return ""
    return " (fewer units unmet)" if number < 0 else " (more units unmet)" if number > 0 else ""


def _moved_lead(d: dict[str, Any]) -> str:
    """Lead with what a scope what-if moved: stockouts earlier / later and the protection window."""
    change = d.get("change") or {}
    rows = d.get("most_affected") or []
    parts = []
    for count, sign, word in (
        (change.get("sku_locations_stockout_earlier"), 1, "earlier"),
        (change.get("sku_locations_stockout_later"), -1, "later"),
    ):
        if not count:
            continue
        shown = [r for r in rows if (r.get("first_stockout_days_earlier") or 0) * sign > 0][:3]
        listed = "; ".join(
            f"{r.get('sku')} at {r.get('location')} on {_date(r.get('first_stockout_scenario'))} "
            f"instead of {_date(r.get('first_stockout_base'))}"
            for r in shown
        )
        noun = "SKU-location runs" if count == 1 else "SKU-locations run"
        parts.append(f"{_qty(count)} {noun} out {word}" + (f": {listed}" if listed else ""))
    if parts and not (
        change.get("sku_locations_stockout_earlier") and change.get("sku_locations_stockout_later")
    ):
        # One direction only: say the other has none ("none runs out earlier").
        other = "later" if change.get("sku_locations_stockout_earlier") else "earlier"
        parts.append(f"none runs out {other}")
    parts.append(
        f"unmet units within the protection window change by "
        f"{_qty(change.get('unmet_units_protection'))}"
        f"{_direction(change.get('unmet_units_protection'))} and lost margin by "
        f"{_money(change.get('lost_margin_protection'))}"
    )
    text = "; ".join(parts)
    return f"**{text[0].upper()}{text[1:]}.** "


def _scenario_text(sc: dict[str, Any]) -> str:
    parts = []
    if sc.get("supplier_delay_days"):
        only = f" ({sc['supplier_id']} only)" if sc.get("supplier_id") else ""
        parts.append(f"purchase orders {_qty(sc['supplier_delay_days'])} days late{only}")
    if sc.get("demand_factor") not in (None, 1, 1.0):
        parts.append(f"demand ×{sc['demand_factor']}")
    if sc.get("promo_factor") not in (None, 1, 1.0):
        parts.append(f"promotion demand ×{sc['promo_factor']}")
    if sc.get("promo_start"):
        parts.append(
            f"a promotion ×{sc.get('promo_uplift')} from {sc['promo_start']} to {sc['promo_end']}"
        )
    return ", ".join(parts) or "no change"


def _notes(d: dict[str, Any]) -> str:
    notes = d.get("notes") or []
    return ("\n\n" + "\n".join(f"Note: {n}" for n in notes)) if notes else ""


def render_proposals(result: Result) -> str:
    """Lead with how many are pending, then each proposal's status and document."""
    if result.error:
        return _error_text(result)
    d = result.data if isinstance(result.data, dict) else {}
    props = d.get("proposals") or []
    scope = {"thread": "in this conversation", "mine": "drafted by you", "all": "in all"}
    where = scope.get(str(d.get("scope")), "")
    if not props:
        return f"**No proposals {where}.**"
    lines = [f"**{_qty(d.get('pending'))} pending of {_qty(len(props))} proposals {where}.**"]
    lines += [f"- {proposal_line(p)}" for p in props]
    return "\n".join(lines)


def proposal_line(p: dict[str, Any]) -> str:
    """Say one proposal's what, status and document in a line."""
    a = p.get("args") or {}
    what = (
        f"transfer {_qty(a.get('qty'))} {a.get('sku')} {a.get('from_location')} → "
        f"{a.get('to_location')}"
        if p.get("kind") == ActionKind.TRANSFER
        else f"purchase order {_qty(a.get('qty'))} {a.get('sku')} for {a.get('location_id')} "
        f"from {a.get('supplier_id')}"
    )
    status = str(p.get("status"))
    if status == "committed":
        tail = f"**committed** as ERP document **{p.get('document_id')}**"
        if p.get("decided_by"):
            edited = str(p.get("decision")) == "edit"
            tail += (
                f" (approved by {p.get('decided_by')}"
                + (f", who edited the quantity to {_qty(a.get('qty'))} units" if edited else "")
                + ")"
            )
    elif status == "rejected" and str(p.get("decision_note") or "").startswith("withdrawn"):
        tail = f"**withdrawn** ({p.get('decision_note')})"
    elif status == "rejected":
        note = f": “{p.get('decision_note')}”" if p.get("decision_note") else ""
        tail = f"**rejected** by {p.get('decided_by')}{note}"
    elif status == "approved":
        tail = f"**approved** by {p.get('decided_by')}, not committed yet"
    elif status == "failed":
        tail = f"**failed**: {p.get('failure_reason')}"
    else:
        tail = "**pending approval**"
    return f"{p.get('proposal_id')} — {what} (value {_money(p.get('value'))}): {tail}"


def render_status(result: Result) -> str:
    """Answer "did it go through?" yes or no first."""
    if result.error:
        return _error_text(result)
    p = result.data if isinstance(result.data, dict) else {}
    status = str(p.get("status"))
    head = {
        "committed": "**Yes — it went through.**",
        "approved": "**Approved, but not committed yet.**",
        "pending": "**Not yet — it is still waiting for an approver.**",
        "rejected": "**No — it did not go through.**",
        "failed": "**No — the commit failed.**",
    }.get(status, f"Status: {status}.")
    return f"{head} {proposal_line(p)}."


def _lane_text(lane: dict[str, Any], *, end: str = "from_location") -> str:
    days = lane.get("lead_time_days")
    return f"{lane.get(end)} ({_qty(days)} day{'s' if days != 1 else ''})"


def render_lanes(result: Result) -> str:
    """Lead with the answer: the lane exists or not (with the alternatives), or the source DC."""
    if result.error:
        return _error_text(result)
    d = result.data if isinstance(result.data, dict) else {}
    f = d.get("filters") or {}
    src, dst, lanes = f.get("from_location"), f.get("to_location"), d.get("lanes") or []
    if src and dst:
        if d.get("exists") and lanes:
            lane = lanes[0]
            return (
                f"**Yes — there is a lane from {src} to {dst}**: {_qty(lane.get('lead_time_days'))}"
                f"-day lead time, {_money(lane.get('cost_per_unit'))} per unit."
            )
        into = d.get("lanes_into") or []
        alt = ", ".join(_lane_text(x) for x in into) or "none"
        return (
            f"**No — there is no lane from {src} to {dst}**, so a transfer on it would be "
            f"refused. Lanes into {dst}: {alt}."
        )
    lines = []
    if dst and d.get("source_dc"):
        own = next((x for x in lanes if x.get("from_location") == d["source_dc"]), None)
        lead = f" ({_qty(own.get('lead_time_days'))}-day lane)" if own else ""
        lines.append(f"**{d['source_dc']} feeds {dst}**: it is {dst}'s source DC{lead}.")
        others = [x for x in lanes if x.get("from_location") != d["source_dc"]]
        if others:
            lines.append(
                f"Other lanes into {dst}: " + ", ".join(_lane_text(x) for x in others) + "."
            )
        return "\n".join(lines)
    if not lanes:
        where = f" from {src}" if src else f" into {dst}" if dst else ""
        return f"**No lanes{where}.**"
    head = (
        f"**{src} ships to " + ", ".join(_lane_text(x, end="to_location") for x in lanes) + ".**"
        if src
        else f"**Lanes into {dst}: " + ", ".join(_lane_text(x) for x in lanes) + ".**"
        if dst
        else f"**{_qty(len(lanes))} lanes in the network.**"
    )
    rows = (
        [
            str(x.get("from_location")),
            str(x.get("to_location")),
            _qty(x.get("lead_time_days")),
            _money(x.get("cost_per_unit")),
        ]
        for x in lanes
    )
    return head + "\n\n" + _table(["From", "To", "Lead time (days)", "Cost per unit"], rows)


def render_approval_route(result: Result) -> str:
    """Lead with who may approve the proposal (its value against the approval matrix)."""
    if result.error:
        return _error_text(result)
    d = result.data if isinstance(result.data, dict) else {}
    pid, kind = d.get("proposal_id"), str(d.get("kind") or "").replace("_", " ")
    value = _money(d.get("value"))
    approvers = d.get("approvers") or []
    limits = d.get("limits") or {}
    if not approvers:
        top = max(limits.items(), key=lambda kv: kv[1], default=None)
        highest = f": the highest {kind} limit is {_money(top[1])} ({top[0]})" if top else ""
        return (
            f"**No role in the approval matrix may approve {pid} ({kind}, value {value}){highest}."
            "** It cannot be approved here as it stands; a smaller quantity can be."
        )
    who = " or ".join(
        (", ".join(a.get("users") or []) or f"any {a.get('role')}")
        + f" ({a.get('role')}, up to {_money(a.get('max_order_value'))})"
        for a in approvers
    )
    lines = [f"**{pid} ({kind}, value {value}) can be approved by {who}.**"]
    if d.get("status") not in (None, "pending"):
        lines.append(f"It is no longer waiting: its status is **{d.get('status')}**.")
    lines.append(
        "Limits for a "
        + kind
        + " by role: "
        + ", ".join(f"{role} {_money(limit)}" for role, limit in limits.items())
        + " (a value equal to the limit is allowed). Planners draft; they cannot approve."
    )
    return "\n".join(lines)


def render_overrides(result: Result) -> str:
    """Render list_forecast_overrides: how many are in force, then each one's own note."""
    if result.error:
        return _error_text(result)
    data = result.data if isinstance(result.data, dict) else {}
    items = [o for o in data.get("overrides") or [] if isinstance(o, dict)]
    scope = (
        " for "
        + " at ".join(str(result.args[k]) for k in ("sku", "location") if result.args.get(k))
        if any(result.args.get(k) for k in ("sku", "location"))
        else ""
    )
    if not items:
        return (
            f"**No forecast override is in force{scope}.** The plan uses the statistical forecast."
        )
    lines = [f"**{len(items)} forecast override{'s' if len(items) != 1 else ''} in force{scope}:**"]
    for o in items:
        note = (
            o.get("note")
            or f"{o.get('kind')} {o.get('value')} for {o.get('sku')} at {o.get('location_id')}"
        )
        by = f" — by {o['author']}" if o.get("author") else ""
        why = f"; reason: {o['reason']}" if o.get("reason") else ""
        lines.append(f"- `{o.get('id')}` {note}{by}{why}")
    return "\n".join(lines)


def render_override_set(result: Result) -> str:
    """Render set_forecast_override: what is now in force and how to undo it, or why not."""
    data = result.data if isinstance(result.data, dict) else {}
    if result.error:
        return _error_text(result)
    if data.get("status") != "set":
        errors = "; ".join(str(e) for e in data.get("errors") or []) or "no reason given"
        return f"**Not set** ({data.get('status', 'invalid')}): {errors}. Nothing was changed."
    o = data.get("override") or {}
    note = o.get("note") or f"{o.get('kind')} {o.get('value')} for {o.get('sku')}"
    replanned = ", ".join(str(s) for s in data.get("replanned_skus") or [])
    lines = [f"**Forecast override set** (`{o.get('id')}`): {note}."]
    if replanned:
        lines.append(f"Re-planned: {replanned}.")
    lines.append(str(data.get("note") or ""))
    return "\n\n".join(line for line in lines if line)
