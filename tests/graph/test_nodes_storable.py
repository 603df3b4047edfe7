"""The agent node refuses a model step whose tool call no checkpoint can store."""

from __future__ import annotations

from typing import Any

import pytest
from langchain_core.messages import AIMessage

from graph.nodes import LARGEST_STORABLE, _storable


def _step(args: dict[str, Any]) -> AIMessage:
    return AIMessage("", tool_calls=[{"name": "draft_transfer", "args": args, "id": "c1"}])


@pytest.mark.parametrize(
    "args",
    [
        {"qty": LARGEST_STORABLE + 1},
        {"qty": -(LARGEST_STORABLE + 1)},
        {"qty": float("nan")},
        {"qty": float("inf")},
        {"lines": [{"sku": "A", "qty": 10**20}]},
    ],
)
def test_an_unstorable_number_is_refused_in_words(args: dict[str, Any]) -> None:
    out = _storable(_step(args))
    assert isinstance(out, AIMessage) and not out.tool_calls
    assert "Nothing was drafted" in str(out.content) and "draft_transfer" in str(out.content)


@pytest.mark.parametrize(
    "args", [{"qty": LARGEST_STORABLE}, {"qty": 25, "urgent": True}, {"qty": 2.5}, {}]
)
def test_a_storable_step_is_kept(args: dict[str, Any]) -> None:
    step = _step(args)
    assert _storable(step) is step
