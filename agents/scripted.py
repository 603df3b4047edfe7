"""A chat model driven by a script instead of an LLM: for simulations and tests.

`respond(messages)` returns the reply — text, or an AIMessage carrying tool calls — so the real
graph (tools, approval gate, commit) runs with no model in the loop.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatResult


class ScriptedChatModel(BaseChatModel):
    """Reply with whatever `respond(messages)` returns; count the calls."""

    respond: Callable[[Sequence[BaseMessage]], AIMessage | str]
    calls: int = 0

    @property
    def _llm_type(self) -> str:
        return "scripted"

    def bind_tools(self, tools: Sequence[Any], **kwargs: Any) -> ScriptedChatModel:
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
