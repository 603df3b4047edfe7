"""Pick the copilot's chat model: the offline planner, or an OpenAI-compatible model.

With no ``OPENAI_API_KEY`` the copilot runs on `agents.offline.OfflinePlannerModel`, which needs
no network. With a key it uses `langchain_openai.ChatOpenAI` against OpenAI, or against any
OpenAI-compatible server (Azure OpenAI's v1 endpoint, vLLM, Ollama, ...) named by
``OPENAI_BASE_URL``; ``STOCKPILOT_MODEL`` names the model. Both imports are deferred so that
loading this module stays cheap and works before either backend is needed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from stockpilot.settings import Settings, get_settings

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

OFFLINE_MODEL_NAME = "offline-planner"
REQUEST_TIMEOUT_S = 60.0
"""Per-request timeout for the OpenAI path (connect + each read), in seconds."""
MAX_RETRIES = 2
"""Retries for connection errors, 408/409/429 and 5xx answers, with backoff."""


def load_chat_model(settings: Settings | None = None) -> BaseChatModel:
    """Return the configured chat model: ChatOpenAI when an API key is set, else offline."""
    settings = settings or get_settings()
    key = settings.openai_api_key
    if key is None or not key.get_secret_value().strip():
        from agents.offline import OfflinePlannerModel

        return OfflinePlannerModel()

    from langchain_openai import ChatOpenAI

    base_url = settings.openai_base_url or None
    return ChatOpenAI(
        model=settings.model,
        api_key=key,
        base_url=base_url,
        temperature=0,
        timeout=REQUEST_TIMEOUT_S,
        max_retries=MAX_RETRIES,
        # OpenAI-compatible servers speak Chat Completions; Responses API support is uneven.
        # Against OpenAI itself, let langchain-openai choose (some models are Responses-only).
        use_responses_api=False if base_url else None,
    )


def model_name(model: BaseChatModel) -> str:
    """Return a short name for logs: "offline-planner" or the OpenAI model's name."""
    if type(model).__name__ == "OfflinePlannerModel":
        return OFFLINE_MODEL_NAME
    name = getattr(model, "model_name", None)
    return name if isinstance(name, str) and name else type(model).__name__
