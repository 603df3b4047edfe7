"""Faithfulness check: every number or date in an answer must come from a tool result.

An answer is faithful when each ISO date it writes occurs in one of its sources and each number
matches a number of the sources up to the answer's own rounding ("1,715.11", "2.5/day", "96%"
for a source's 0.96). Sources are tool payloads (walked as JSON) and plain texts such as the
planner's request. Codes and words (SKU-0001, S003, PO-000929, P1) carry no figures.
"""

from __future__ import annotations

import re
from typing import Any

DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
WORD = re.compile(r"[A-Za-z_][\w@:.\-]*")
NUMBER = re.compile(r"(\d[\d,]*(?:\.\d+)?)(%?)")


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


def is_faithful(answer: str, *sources: Any) -> bool:
    """Return True when every date and number of the answer comes from a source."""
    return not invented_figures(answer, *sources)


def assert_faithful(answer: str, *sources: Any) -> None:
    """Fail when the answer states a date or number that no source holds (up to its rounding)."""
    invented = invented_figures(answer, *sources)
    assert not invented, f"invented {', '.join(invented)} in answer:\n{answer}"
