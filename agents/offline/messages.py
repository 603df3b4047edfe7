"""Messages and steps of the offline planner model: tool calls, results and the request."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from langchain_core.messages import (
    AIMessage,
    BaseMessage,
    ToolMessage,
)

from agents.focus import Focus
from stockpilot.vocabulary import DRAFTABLE_KINDS
from tools.planner import TOOLS

PLANNER_TOOLS = tuple(t.name for t in TOOLS)
"""The planner tools' names, from the tools themselves (assumed when no tools are bound)."""
DEFAULT_TOP = 10
DEFAULT_HORIZON = 28
MAX_DRAFTS = 5
MAX_ROUNDS = 4
"""Tool-call rounds per request before the model answers with what it has."""
MAX_REQUEST_CHARS = 1_000
"""The longest request the offline model reads: its reading is pattern matching, whose cost
grows faster than the text; a planner's request is a sentence or two, a paste is not one."""
DRAFTABLE = DRAFTABLE_KINDS
POLICY_PASSAGES = 5
"""Passages asked of search_policies for a policy question (reranked by their words)."""
POLICY_SHOWN = 3
"""Passages quoted and cited in a policy answer."""
QUOTE_CHARS = 420


# -- messages and steps --------------------------------------------------------------------------


@dataclass(frozen=True)
class Call:
    """A tool call the model wants to make."""

    name: str
    args: dict[str, Any]

    def __post_init__(self) -> None:
        if self.name not in PLANNER_TOOLS:
            raise ValueError(f"{self.name!r} is not a planner tool ({', '.join(PLANNER_TOOLS)})")


@dataclass(frozen=True)
class Result:
    """A tool call of this turn with its result (parsed JSON, or None for plain text)."""

    name: str
    args: dict[str, Any]
    content: str
    data: Any = None

    @property
    def error(self) -> str | None:
        """Return the tool's error message, if the call failed."""
        if isinstance(self.data, dict) and "error" in self.data:
            return str(self.data["error"])
        if self.data is None:
            return self.content.strip() or f"{self.name} returned nothing"
        return None


Step = list[Call] | str
"""A handler's decision: tool calls to make now, or the final answer."""


@dataclass(frozen=True)
class Asker:
    """Who asks, as the system prompt says: their name, role and whether they may only read."""

    user: str = ""
    role: str = ""
    read_only: bool = False


@dataclass(frozen=True)
class Request:
    """The planner's request: its canonical text, captured fields, entities and the thread.

    `text` has names and aliases replaced by ids ("store 3" -> "S003"); `named` maps each such
    id back to how the planner wrote it, so answers can say "S003 (store 3)". `found` holds the
    ids the text names, by kind; `focus` is the thread's memory (agents.focus). `unread` holds
    the sentences of an e-mail that told a write beside its question and were not acted on.
    """

    text: str
    fields: dict[str, str]
    earlier: tuple[BaseMessage, ...] = ()
    focus: Focus = field(default_factory=Focus)
    found: dict[str, list[str]] = field(default_factory=dict)
    named: dict[str, str] = field(default_factory=dict)
    resolver: Any = None
    as_of: date | None = None
    original: str = ""
    asker: Asker = field(default_factory=Asker)
    unread: tuple[str, ...] = ()

    def get(self, name: str) -> str | None:
        """Return a captured field, or None."""
        return self.fields.get(name)

    def said(self, kind: str) -> str | None:
        """Return the first id of a kind the request itself names."""
        ids = self.found.get(kind) or []
        return ids[0] if ids else None

    def entity(self, kind: str) -> str | None:
        """Return the id of a kind the request names, else the thread's focus one."""
        attr = {"sku": "sku", "location": "location", "supplier": "supplier"}[kind]
        return self.said(kind) or getattr(self.focus, attr)


Handler = Callable[[Request, list[Result]], Step]


def _text(message: BaseMessage) -> str:
    content = message.content
    if isinstance(content, str):
        return content
    parts = [p if isinstance(p, str) else str(p.get("text", "")) for p in content]
    return "".join(parts)


def _load(content: str) -> Any:
    try:
        return json.loads(content)
    except (TypeError, ValueError):
        return None


def _turn_results(turn: Sequence[BaseMessage]) -> tuple[list[Result], int]:
    """Pair this turn's tool calls with their results; also count the tool-call rounds."""
    calls: dict[str, tuple[str, dict[str, Any]]] = {}
    results: list[Result] = []
    rounds = 0
    for msg in turn:
        if isinstance(msg, AIMessage) and msg.tool_calls:
            rounds += 1
            for tc in msg.tool_calls:
                calls[str(tc.get("id"))] = (tc["name"], dict(tc.get("args") or {}))
        elif isinstance(msg, ToolMessage) and msg.tool_call_id in calls:
            name, args = calls[msg.tool_call_id]
            content = _text(msg)
            results.append(Result(name, args, content, _load(content)))
    return results, rounds


def _call_ids(messages: Sequence[BaseMessage], count: int) -> list[str]:
    """Return deterministic tool-call ids, unique within the conversation."""
    digest = hashlib.sha256()
    for msg in messages:
        # Message ids are left out on purpose: the graph assigns random ones.
        item = {
            "type": msg.type,
            "name": getattr(msg, "name", None),
            "content": _text(msg),
            "calls": [
                (c["name"], c.get("args"), c.get("id")) for c in getattr(msg, "tool_calls", [])
            ],
            "call_id": getattr(msg, "tool_call_id", None),
        }
        digest.update(json.dumps(item, sort_keys=True, default=str).encode())
        digest.update(b"\x00")
    prefix = digest.hexdigest()[:16]
    return [f"call_{prefix}_{i}" for i in range(count)]


def instruction(call: Call, qty: str | None = None) -> str | None:
    """Return a draft call as the plain instruction that would make it (None: not a draft).

    `qty` stands in for the call's quantity (e.g. "<qty>" where the quantity is left open).
    """
    args = call.args
    units = args.get("qty") if qty is None else qty
    if call.name == "draft_transfer":
        return (
            f"transfer {units} {args.get('sku')} from {args.get('from_location')} "
            f"to {args.get('to_location')}"
        )
    if call.name == "draft_purchase_order":
        return (
            f"order {units} {args.get('sku')} for {args.get('location_id')} "
            f"from {args.get('supplier_id')}"
        )
    if call.name == "draft_recommended_action":
        return f"draft the fix for {args.get('exception_id')}"
    return None
