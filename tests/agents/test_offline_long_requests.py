"""A request longer than the offline model reads is answered in words, and the thread goes on."""

from __future__ import annotations

from agents.offline.messages import MAX_REQUEST_CHARS
from graph.service import Copilot
from tests.agents.conftest import ask

DRAFT = "transfer 20 SKU-0012 from DC-SOUTH to S003 "


def test_a_pasted_wall_of_text_is_not_read_and_writes_nothing(copilot: Copilot) -> None:
    text = DRAFT * (MAX_REQUEST_CHARS // len(DRAFT) + 2)
    first, second = ask(copilot, text, "what's at risk at S003?")
    assert "characters long" in first.answer and f"{MAX_REQUEST_CHARS:,}" in first.answer
    assert first.pending == [] and not first.tool_calls
    assert "S003" in second.answer and second.tool_calls


def test_a_request_at_the_limit_is_read(copilot: Copilot) -> None:
    text = ("what's at risk at S003? " + " " * MAX_REQUEST_CHARS)[:MAX_REQUEST_CHARS]
    [r] = ask(copilot, text)
    assert "characters long" not in r.answer and r.tool_calls
