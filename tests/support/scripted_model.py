"""Test helpers around the scripted chat model: tool-call builders and a reply script."""

from __future__ import annotations

import itertools
from typing import Any

from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, ToolMessage

from agents.scripted import ScriptedChatModel

__all__ = ["Script", "ScriptedChatModel", "call"]

_ids = itertools.count(1)


def call(name: str, **args: Any) -> dict[str, Any]:
    """Return a tool call for a scripted reply."""
    return {"name": name, "args": args, "id": f"call-{next(_ids)}", "type": "tool_call"}


class Script:
    """Replies for the scripted model: queued replies for each planner turn, canned otherwise."""

    def __init__(self) -> None:
        self.turns: list[AIMessage | str] = []
        self.seen: list[list[BaseMessage]] = []

    def __call__(self, messages: list[BaseMessage]) -> AIMessage | str:
        self.seen.append(list(messages))
        last = messages[-1]
        if isinstance(last, HumanMessage) and last.name != "approval_gate":
            return self.turns.pop(0) if self.turns else "Nothing to do."
        if isinstance(last, ToolMessage):
            return "Tool said: " + str(last.content)[:500]
        return "Gate report: " + str(last.content)
