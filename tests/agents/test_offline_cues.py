"""A place's health asked in everyday words ("hows union lookin", "riverside ok?", "how are
things at kingston", "n kingston?" after one) is that place's exceptions, not its stock table;
a stock question about the place or an item at it stays the stock table (`cues.asks_health`).

Each phrasing runs through the real graph on the seed-7 network (`copilot`, `ask`).
"""

from __future__ import annotations

from typing import Any

import pytest

from graph.service import Copilot
from tests.agents.conftest import ask
from tests.agents.persona_phrasings import DEV, first_call_fits


@pytest.mark.parametrize(
    ("turns", "tool", "args"), DEV["health"], ids=[" / ".join(c[0]) for c in DEV["health"]]
)
def test_a_place_health_check_is_its_exceptions(
    copilot: Copilot, turns: tuple[str, ...], tool: str, args: dict[str, Any]
) -> None:
    result = ask(copilot, *turns)[-1]
    assert first_call_fits(result.tool_calls, tool, args), (turns, result.tool_calls[:2])
