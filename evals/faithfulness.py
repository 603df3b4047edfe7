"""Faithfulness check: every number, date and citation in an answer must come from a tool result.

An answer is faithful when each ISO date it writes occurs in one of its sources and each number
matches a number of the sources up to the answer's own rounding ("1,715.11", "2.5/day", "96%"
for a source's 0.96). Sources are tool payloads (walked as JSON) and plain texts such as the
planner's request. Codes and words (SKU-0001, S003, PO-000929, P1) carry no figures.

Citations are checked too: every section reference ("§2") of the answer must close a citation
that a source holds — a `citation` field of a search_policies passage ("Transfer policy v3, §2"),
or a citation written in a source text — so the text right before and including the "§2" must
end with it. A cited section that no tool returned, or a wrong title or version, is invented.
"""

from __future__ import annotations

import re
from typing import Any

DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
WORD = re.compile(r"[A-Za-z_][\w@:.\-]*")
NUMBER = re.compile(r"(\d[\d,]*(?:\.\d+)?)(%?)")
SECTION_REF = re.compile(r"§\s?[\w.\-]*\w")
CITATION = re.compile(r"[^\n,;:()\[\]*“”\"]+?(?:\s+v[\w.\-]+)?,\s§\s?[\w.\-]*\w")


def figures(text: str) -> tuple[set[str], list[tuple[float, int, bool]]]:
    """Return the ISO dates and the numbers (value, decimals, is-percent) written in a text."""
    dates = set(DATE.findall(text))
    rest = WORD.sub(" ", DATE.sub(" ", text))
    numbers = []
    for digits, pct in NUMBER.findall(rest):
        digits = digits.rstrip(",")
        decimals = len(digits.split(".")[1]) if "." in digits else 0
        numbers.append((float(digits.replace(",", "")), decimals, bool(pct)))
    return dates, numbers


def source_figures(*sources: Any) -> tuple[set[str], list[float]]:
    """Return the dates and numbers in tool payloads (walked as JSON) and plain texts."""
    dates: set[str] = set()
    numbers: list[float] = []

    def walk(value: Any) -> None:
        if isinstance(value, bool) or value is None:
            return
        if isinstance(value, int | float):
            numbers.append(float(value))
        elif isinstance(value, str):
            found_dates, found = figures(value)
            dates.update(found_dates)
            numbers.extend(n for n, _, _ in found)
            # "96%" written in a source also stands for the fraction 0.96.
            numbers.extend(n / 100 for n, _, pct in found if pct)
        elif isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, list | tuple):
            for item in value:
                walk(item)

    for source in sources:
        walk(source)
    return dates, numbers


def invented_figures(answer: str, *sources: Any) -> list[str]:
    """Return the dates and numbers the answer states that no source holds (up to rounding)."""
    known_dates, known = source_figures(*sources)
    dates, numbers = figures(answer)
    invented = [f"date {d}" for d in sorted(dates - known_dates)]
    for value, decimals, pct in numbers:
        tolerance = 0.5 * 10**-decimals + 1e-9
        candidates = [abs(k) * 100 for k in known] if pct else [abs(k) for k in known]
        if not any(abs(c - value) <= tolerance for c in candidates):
            shown = f"{value:.{decimals}f}" + ("%" if pct else "")
            invented.append(f"figure {shown}")
    return invented


def source_citations(*sources: Any) -> set[str]:
    """Return the citations the sources hold: `citation` fields and citations in their texts."""
    found: set[str] = set()

    def walk(value: Any, key: str | None = None) -> None:
        if isinstance(value, str):
            if key == "citation" and value.strip():
                found.add(" ".join(value.split()))
            elif "§" in value:
                for m in CITATION.finditer(value):
                    found.update(_tails(" ".join(m.group(0).split())))
        elif isinstance(value, dict):
            for k, item in value.items():
                walk(item, str(k))
        elif isinstance(value, list | tuple):
            for item in value:
                walk(item)

    for source in sources:
        walk(source)
    return {c.strip() for c in found if c.strip()}


def _tails(citation: str, min_title_words: int = 2) -> list[str]:
    """Return a citation found in free text and its shorter forms, keeping two title words.

    "See the Transfer policy v3, §2" also stands for "Transfer policy v3, §2".
    """
    head, _, section = citation.rpartition(",")
    words = head.split()
    version = 1 if words and re.fullmatch(r"v[\w.\-]+", words[-1]) else 0
    keep = min(len(words), min_title_words + version)
    return [" ".join(words[i:]) + "," + section for i in range(0, len(words) - keep + 1)]


def answer_citations(answer: str) -> list[str]:
    """Return the section references of an answer, each with the text of its line before it."""
    out = []
    for m in SECTION_REF.finditer(answer):
        line_start = answer.rfind("\n", 0, m.start()) + 1
        out.append(" ".join(answer[line_start : m.end()].split()))
    return out


def invented_citations(answer: str, *sources: Any) -> list[str]:
    """Return the answer's section references that do not close a citation of the sources."""
    known = source_citations(*sources)
    invented = []
    for ref in answer_citations(answer):
        if not any(ref.endswith(k) for k in known):
            tail = ref[-60:]
            invented.append(f"citation '{tail}'")
    return invented


def unfaithful(answer: str, *sources: Any) -> list[str]:
    """Return every invented figure, date and citation of the answer."""
    return invented_figures(answer, *sources) + invented_citations(answer, *sources)


def assert_faithful(answer: str, *sources: Any) -> None:
    """Fail when the answer states a date, number or citation that no source holds."""
    invented = unfaithful(answer, *sources)
    assert not invented, f"invented {', '.join(invented)} in answer:\n{answer}"
