"""The v11 reading classes on phrasings held out while they were fixed.

A third of the phrasings (`class_phrasings.HELD_OUT`) were written with the others but only run
once the readings were done, to measure how far they generalise beyond the words they were
built on. Those still missed are strict xfails (`MISSED`), each a known gap, not a tuned case.
"""

from __future__ import annotations

import pytest

from graph.service import Copilot
from tests.agents.class_phrasings import HELD_OUT, Expected, calls_fit
from tests.agents.test_offline_class_readings import run_case

MISSED = frozenset({"priority_share-1", "waiting-0", "situation-1"})
"""Held-out phrasings the readings did not get at the first run (by case id): 9 of 12 passed
(main f8cb919: 1 of 12). "of the money at risk, how much is priority 1 stuff" says the whole
before the part, which the share reading does not know (it totals the P1s); "what's still queued
up for approval" lists the thread's drafts without the pending filter ("queued" is no pending
word there); "the situaton at riverside" has a typo the health cue does not forgive (stock)."""

CASES = [
    pytest.param(
        turns,
        network,
        expected,
        id=f"{family}-{i}",
        marks=[pytest.mark.xfail(strict=True, reason="held-out miss")]
        if f"{family}-{i}" in MISSED
        else [],
    )
    for family, cases in HELD_OUT.items()
    for i, (turns, network, expected) in enumerate(cases)
]


@pytest.mark.parametrize(("turns", "network", "expected"), CASES)
def test_a_held_out_phrasing_is_read_by_its_class(
    copilot: Copilot,
    three_dc_copilot: Copilot,
    turns: tuple[str, ...],
    network: str,
    expected: Expected,
) -> None:
    result = run_case(copilot, three_dc_copilot, turns, network)
    assert calls_fit(result.tool_calls, expected), (turns[-1], result.tool_calls[:3])
