"""An everyday ask to supply the thread's item at its place with the amount left open ("get
some sent over from the dc pls", "ok ship whatever they need from the warehouse", "union is out
of X, pls get some from the dc") drafts the engine's cover of that need; an ask for something
that is no stock, a question or a hedge drafts nothing (`cover_asked`).

Each conversation runs through the real graph on the seed-7 network (`copilot`, `ask`).
"""

from __future__ import annotations

from typing import Any

import pytest

from graph.service import Copilot
from tests.agents.conftest import ask
from tests.agents.persona_phrasings import DEV, drafted


@pytest.mark.parametrize(
    ("turns", "tool", "args"), DEV["cover"], ids=[" / ".join(c[0]) for c in DEV["cover"]]
)
def test_an_everyday_supply_ask_covers_the_need(
    copilot: Copilot, turns: tuple[str, ...], tool: str, args: dict[str, Any]
) -> None:
    result = ask(copilot, *turns)[-1]
    assert drafted(result.tool_calls, tool, args), (turns, result.tool_calls, result.answer[:200])
