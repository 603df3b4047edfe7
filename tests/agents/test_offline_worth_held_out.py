"""The money questions on phrasings held out while their readers were built.

A third of the phrasings (`worth_phrasings.HELD_OUT`) were written with the others but only run
once the readers were done, to measure how far they generalise beyond the words they were built
on. Those they still miss are strict xfails (`MISSED`), each a known gap, not a tuned case.
"""

from __future__ import annotations

from typing import Any

import pytest

from graph.service import Copilot
from tests.agents.worth_phrasings import HELD_OUT, check

MISSED = frozenset({"draft-1", "total-0"})
"""Held-out phrasings the readers did not get at the first run (by case id): 6 of 8 passed.
"whats the value of it" after a draft: the worth reader knows "what's" and "what is", not the
apostrophe dropped, so the request is read as nothing (the fallback's suggestions). "total?"
after S001's list, which is empty: the list is asked again, but the answer says "0.00 at risk
in total across the 0 exceptions" instead of that there is no exception there."""

CASES = [
    pytest.param(
        family,
        texts,
        expect,
        id=f"{family}-{i}",
        marks=[pytest.mark.xfail(strict=True, reason="held-out miss")]
        if f"{family}-{i}" in MISSED
        else [],
    )
    for family, cases in HELD_OUT.items()
    for i, (texts, expect) in enumerate(cases)
]


@pytest.mark.parametrize(("family", "texts", "expect"), CASES)
def test_a_held_out_money_question_gets_its_own_figure(
    copilot: Copilot, family: str, texts: tuple[str, ...], expect: tuple[Any, ...]
) -> None:
    check(copilot, family, texts, expect)
