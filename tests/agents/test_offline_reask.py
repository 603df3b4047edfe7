"""A follow-up that only narrows the last list ("top 3 only", "just the P2s", "same, south
stores only", "just the stockout ones") is that list again with the narrowing added to its own
filters (`reask.narrowed`): a count, a priority, an exception type or the region's stores.

Each conversation runs through the real graph on the seed-7 network (`copilot`, `ask`).
"""

from __future__ import annotations

from typing import Any

import pytest

from graph.service import Copilot
from tests.agents.conftest import ask
from tests.agents.persona_phrasings import DEV, first_call_fits


@pytest.mark.parametrize(
    ("turns", "tool", "args"), DEV["narrowing"], ids=[" / ".join(c[0]) for c in DEV["narrowing"]]
)
def test_a_narrowing_follow_up_narrows_the_last_list(
    copilot: Copilot, turns: tuple[str, ...], tool: str, args: dict[str, Any]
) -> None:
    result = ask(copilot, *turns)[-1]
    assert first_call_fits(result.tool_calls, tool, args), (turns, result.tool_calls[:2])
