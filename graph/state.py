"""The copilot graph's state: the conversation, who is asking, and the actions awaiting decision."""

from __future__ import annotations

import operator
from typing import Annotated, Any, TypedDict

from langchain_core.messages import AnyMessage
from langgraph.graph.message import add_messages

from graph.approval import DecisionItem, Outcome


def merge_pending(current: list[str] | None, update: list[str] | dict[str, list[str]]) -> list[str]:
    """Add proposal ids (a list) or replace the whole list ({"replace": [...]})."""
    if isinstance(update, dict):
        return list(update.get("replace", []))
    merged = list(current or [])
    merged += [pid for pid in update if pid not in merged]
    return merged


def keep_first(current: str | None, update: str | None) -> str | None:
    """Keep the first value ever set (who opened a thread stays its owner)."""
    return current or update


class State(TypedDict, total=False):
    """What the graph carries from node to node and keeps in its checkpoints."""

    messages: Annotated[list[AnyMessage], add_messages]
    user: str
    role: str
    # Who opened the thread; `user` is whoever wrote last.
    owner: Annotated[str | None, keep_first]
    # Proposal ids awaiting a human decision (the proposals themselves live in the store).
    pending: Annotated[list[str], merge_pending]
    # The approval gate's answer, consumed by the review node: each decision by proposal id,
    # who decided, and why the answer was not applied (it did not match the gate), if so.
    decisions: dict[str, DecisionItem] | None
    decided_by: str | None
    decision_error: str | None
    # What the last decision round did, per proposal.
    outcomes: list[Outcome]
    # What the thread is about now (agents.focus): SKU, location, supplier, the last list shown,
    # the proposals drafted here; refreshed by the agent node from the messages each step.
    focus: dict[str, Any]
    # Every ERP document this thread committed.
    committed: Annotated[list[dict[str, Any]], operator.add]
