"""Questions about what the planning engine sizes or what a move would cost: answered, never drafted.

"How much SKU-0012 should S003 get?" asks the engine's need (the exception's recommendation, or
the engine's order-list line), stated with its reason; nothing is drafted and nothing waits for
approval. "How much would it cost to transfer 20 …" is that transfer checked without drafting
it (`check_transfer`: its value, lane and the checks' verdict); "the freight on moving 20 …" and
"cost of a PO for 100 … from SUP-06" are priced from the lane (`get_lanes`: cost per unit, lead
time) or the item-supplier terms (`get_item`: unit cost, MOQ, case pack), each figure said with
where it came from; no total is computed there (no tool returns one). Every figure of the answer
comes from the turn's tool results.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from langchain_core.messages import ToolMessage

from agents.offline.safety import write_not_meant
from evals.faithfulness import assert_faithful
from graph.service import Copilot, TurnResult
from tests.agents.conftest import ask

WRITE_TOOLS = ("draft_", "amend_", "withdraw_", "set_forecast", "clear_forecast")


def _payloads(copilot: Copilot, result: TurnResult) -> list[Any]:
    """The tool results of the thread (JSON where they are JSON)."""
    state = copilot.graph.get_state({"configurable": {"thread_id": result.thread_id}})
    out: list[Any] = []
    for m in (state.values or {}).get("messages", []):
        if isinstance(m, ToolMessage):
            try:
                out.append(json.loads(str(m.content)))
            except ValueError:
                out.append(str(m.content))
    return out


def _read_only(copilot: Copilot, text: str) -> TurnResult:
    (result,) = ask(copilot, text)
    assert not result.pending, (text, result.pending)
    called = [c["name"] for c in result.tool_calls]
    assert not [n for n in called if n.startswith(WRITE_TOOLS)], (text, called)
    assert_faithful(result.answer, *_payloads(copilot, result), text)
    return result


@pytest.mark.parametrize(
    "text",
    [
        "how much SKU-0012 should S003 get?",
        "what does the engine say S003 needs of SKU-0012",
        "how many of SKU-0012 should we send to store 3",
        "how mcuh sku-0012 shud union get",
        "how many sku-0012 does s003 need?",
    ],
)
def test_the_engines_need_is_stated_with_its_reason_and_nothing_is_drafted(
    copilot: Copilot, text: str
) -> None:
    result = _read_only(copilot, text)
    called = [c["name"] for c in result.tool_calls]
    assert "list_exceptions" in called, called
    assert "recommendation of exception stockout_risk:SKU-0012@S003" in result.answer
    assert "transfer 37 from DC-SOUTH to S003" in result.answer
    assert "Need max(order-up-to" in result.answer  # the engine's own reason
    assert "not drafted" in result.answer


def test_a_need_without_an_exception_is_the_order_list_line_or_none(copilot: Copilot) -> None:
    result = _read_only(copilot, "how much SKU-0001 should S001 get?")
    called = [c["name"] for c in result.tool_calls]
    assert "get_routine_orders" in called, called
    assert "planning engine" in result.answer


@pytest.mark.parametrize(
    "text", ["how much SKU-0012 should S003 get?", "how many of SKU-0012 should we send to store 3"]
)
def test_the_central_write_gate_reads_the_questions_as_no_write(text: str) -> None:
    assert write_not_meant(text) is not None


@pytest.mark.parametrize(
    "text",
    [
        "how much would it cost to transfer 20 SKU-0012 from DC-SOUTH to S003?",
        "how mcuh would it cost to ship 20 sku-0012 from dc-south to union",
        "whats the cost of moving 20 SKU-0012 from DC-SOUTH to S003",
    ],
)
def test_a_transfer_cost_question_is_the_transfer_checked(copilot: Copilot, text: str) -> None:
    result = _read_only(copilot, text)
    args = {"sku": "SKU-0012", "from_location": "DC-SOUTH", "to_location": "S003", "qty": 20}
    assert result.tool_calls == [{"name": "check_transfer", "args": args}], result.tool_calls
    assert "1,491.40" in result.answer  # 20 × 74.57: the value a draft of it carries
    assert "lane" in result.answer and "Nothing is drafted" in result.answer
    assert not result.pending


@pytest.mark.parametrize(
    "text", ["what's the freight on moving 20 of SKU-0012 from the south dc to store 3"]
)
def test_a_freight_question_is_the_lanes_unit_figures(copilot: Copilot, text: str) -> None:
    result = _read_only(copilot, text)
    assert [c["name"] for c in result.tool_calls] == ["get_lanes"], result.tool_calls
    assert result.tool_calls[0]["args"] == {"from_location": "DC-SOUTH", "to_location": "S003"}
    assert "20 units of SKU-0012" in result.answer
    assert "per unit" in result.answer and "lead time" in result.answer
    assert "get_lanes" in result.answer  # where the figures came from


@pytest.mark.parametrize(
    "text",
    [
        "cost of a PO for 100 SKU-0012 from SUP-06?",
        "how much would a purchase order for 100 sku-0012 from sup-06 cost",
        "price of a po for 100 SKU-0012 from SUP-06",
    ],
)
def test_a_purchase_order_cost_question_is_the_item_suppliers_terms(
    copilot: Copilot, text: str
) -> None:
    result = _read_only(copilot, text)
    assert [c["name"] for c in result.tool_calls] == ["get_item"], result.tool_calls
    assert "100 units of SKU-0012 from SUP-06" in result.answer
    for said in ("per unit", "MOQ", "Case pack", "get_item"):
        assert said in result.answer, said


@pytest.mark.parametrize(
    "text",
    [
        "how much would it cost to transfer 20 SKU-0012 from DC-SOUTH to S003?",
        "cost of a PO for 100 SKU-0012 from SUP-06?",
        "what's the freight on moving 20 of SKU-0012 from DC-SOUTH to S003",
    ],
)
def test_the_central_write_gate_reads_cost_questions_as_no_write(text: str) -> None:
    assert write_not_meant(text) is not None
