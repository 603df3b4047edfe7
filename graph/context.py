"""Run-scoped dependencies of the graph: the workspace (from tools) and the chat model."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from langchain_core.language_models import BaseChatModel

from agents.models import load_chat_model
from tools.context import CopilotContext


@lru_cache(maxsize=1)
def default_model() -> BaseChatModel:
    """Return the process-wide chat model chosen by settings."""
    return load_chat_model()


@dataclass
class Context(CopilotContext):
    """The copilot's context: a workspace and, optionally, a chat model to use instead."""

    model: BaseChatModel | None = None

    def chat_model(self) -> BaseChatModel:
        """Return the model of this run, or the process default."""
        return self.model or default_model()
