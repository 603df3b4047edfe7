"""A scripted chat model for graph tests: a function decides each reply from the messages."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from typing import Any

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, ToolMessage
from langchain_core.outputs import ChatGeneration, ChatResult

_ids = itertools.count(1)


def call(name: str, **args: Any) -> dict[str, Any]:
    """Return a tool call for a scripted reply."""
    return {"name": name, "args": args, "id": f"call-{next(_ids)}", "type": "tool_call"}


class ScriptedChatModel(BaseChatModel):
    """Reply with whatever `respond(messages)` returns: text, or an AIMessage with tool calls."""

    respond: Callable[[Sequence[BaseMessage]], AIMessage | str]
    calls: int = 0

    @property
    def _llm_type(self) -> str:
        return "scripted"

    def bind_tools(self, tools: Sequence[Any], **kwargs: Any) -> ScriptedChatModel:  # type: ignore[override]
        """Return self: the script knows which tools exist."""
        return self

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        self.calls += 1
        reply = self.respond(messages)
        msg = AIMessage(reply) if isinstance(reply, str) else reply
        return ChatResult(generations=[ChatGeneration(message=msg)])


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
