"""Totals asked with the total last, and priority 1 in the tool's own words ("act today")."""

from __future__ import annotations

from datetime import date

import pytest

from agents.offline import parse
from agents.offline.parsing import priority_level
from tools.resolve import Resolver

AS_OF = date(2026, 6, 30)


@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("the act-today exceptions", 1),
        ("anything we must act today on", 1),
        ("must-act flags at S001", 1),
        ("P2s in toys", 2),
        ("we should act now on this", None),
    ],
)
def test_priority_one_is_also_what_must_be_acted_on_today(text: str, level: int | None) -> None:
    assert priority_level(text) == level


@pytest.mark.parametrize(
    "text",
    [
        "the act-today flags: how much is at stake across them altogether?",
        "p2 exceptions - money exposed, combined?",
    ],
)
def test_a_total_said_after_the_money_is_a_total(text: str, resolver: Resolver) -> None:
    intent, req = parse(text, (), resolver, as_of=AS_OF)
    assert intent.name == "totals"
    step = intent.handler(req, [])
    assert isinstance(step, list) and step[0].name == "summarize_exceptions"
    assert step[0].args.get("priority") in (1, 2)
