"""Held-out phrasings of the persona request classes (tests/agents/persona_phrasings.py):
written with the development ones, never used to build the readings, and run once at the end
to measure how far they generalise. A phrasing the model misses is a strict xfail with what it
did instead, so a later fix shows up as an unexpected pass.

Each conversation runs through the real graph on the seed-7 network (`copilot`, `ask`).
"""

from __future__ import annotations

from typing import Any

import pytest

from graph.service import Copilot
from tests.agents.conftest import ask
from tests.agents.persona_phrasings import HELD_OUT, drafted, first_call_fits

MISSED: dict[str, str] = {
    "hows kingston / n riverside": "a bare 'hows <place>' (no 'looking' / 'doing') is read as "
    "the place's stock table, and the follow-up re-asks that (get_inventory at S001)",
}
"""Held-out phrasings the model misses (turns joined by " / "), with what it did instead."""

CASES = [
    pytest.param(
        family,
        turns,
        tool,
        args,
        id=f"{family}: {' / '.join(turns)}",
        marks=[pytest.mark.xfail(strict=True, reason=MISSED[" / ".join(turns)])]
        if " / ".join(turns) in MISSED
        else [],
    )
    for family, cases in HELD_OUT.items()
    for turns, tool, args in cases
]


@pytest.mark.parametrize(("family", "turns", "tool", "args"), CASES)
def test_a_held_out_phrasing_is_read_like_its_class(
    copilot: Copilot, family: str, turns: tuple[str, ...], tool: str, args: dict[str, Any]
) -> None:
    results = ask(copilot, *turns)
    calls = results[-1].tool_calls
    if family == "cover":
        assert drafted(calls, tool, args), (turns, calls, results[-1].answer[:200])
        earlier = [c for r in results[:-1] for c in r.tool_calls if c["name"].startswith("draft_")]
        assert not earlier, (turns, earlier)
    else:
        assert first_call_fits(calls, tool, args), (turns, calls[:2])
