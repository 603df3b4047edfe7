"""Phrasings of four questions about a figure of money, written for their readers' tests.

- `share`: one share of the money at risk asked for two places at once ("S003 and S002").
- `cost`: what a transfer would cost or be worth, asked before any draft (nothing is drafted).
- `draft`: what the thread's draft is worth (the first request drafts it).
- `total`: the total of the exception list the thread just showed.

Each case is a conversation (requests in order; the last is the question) and what the answer
must name: the places of a share, the (sku, from, to, qty) of a transfer. All on the seed-7
network (S001 Riverside, S002 Monroe, S003 Union, S004 Kingston). `DEV` was used while the
readers were built; `HELD_OUT` (a third of them) was written at the same time and only run at
the end (tests/agents/test_offline_worth_held_out.py).
"""

from __future__ import annotations

import json
from typing import Any

from langchain_core.messages import HumanMessage, ToolMessage

from evals.faithfulness import assert_faithful
from graph.service import Copilot
from tests.agents.conftest import ask

Case = tuple[tuple[str, ...], tuple[object, ...]]

DRAFT = "transfer 20 SKU-0012 from DC-SOUTH to S003"
MOVE = ("SKU-0012", "DC-SOUTH", "S003")

DEV: dict[str, list[Case]] = {
    "share": [
        (("what share of the risk is at S003 and S002?",), ("S003", "S002")),
        (("what share of the stockout risk is in S003 and S002",), ("S003", "S002")),
        (("what % of the risk sits in S001 and S004?",), ("S001", "S004")),
        (("how much of the money at risk is at Union and Kingston?",), ("S003", "S004")),
    ],
    "cost": [
        (("how much would 20 SKU-0012 from DC-SOUTH to S003 cost?",), (*MOVE, 20)),
        (("what does moving 20 SKU-0012 from DC-SOUTH to S003 cost",), (*MOVE, 20)),
        (("what would it cost to send 15 SKU-0012 from DC-SOUTH to S003?",), (*MOVE, 15)),
        (("cost of transferring 10 SKU-0012 from DC-SOUTH to S003?",), (*MOVE, 10)),
    ],
    "draft": [
        ((DRAFT, "how much is it worth?"), ()),
        ((DRAFT, "value of that draft?"), ()),
        ((DRAFT, "what's that transfer worth"), ()),
        ((DRAFT, "ok and how much does it cost?"), ()),
    ],
    "total": [
        (("what's at risk at S003?", "how much is that in total?"), ()),
        (("what's at risk at S002?", "and the total?"), ()),
        (("list the stockout risks", "sum it up"), ()),
        (("show the exceptions at S004", "what does that add up to?"), ()),
    ],
}

HELD_OUT: dict[str, list[Case]] = {
    "share": [
        (("what portion of the exposure is S002 and S004's?",), ("S002", "S004")),
        (("share of money at risk for S001 and S003",), ("S001", "S003")),
    ],
    "cost": [
        (("how much is 20 SKU-0012 from DC-SOUTH to S003 worth?",), (*MOVE, 20)),
        (("what's the value of shipping 12 SKU-0012 from DC-SOUTH to S003",), (*MOVE, 12)),
    ],
    "draft": [
        ((DRAFT, "what would that cost us?"), ()),
        ((DRAFT, "whats the value of it"), ()),
    ],
    "total": [
        (("what's at risk at S001?", "total?"), ()),
        (("what needs attention at S003", "how much is that altogether"), ()),
    ],
}


def _payloads(copilot: Copilot, thread_id: str) -> list[Any]:
    """Return the tool results of the thread's last turn (parsed JSON, else the text)."""
    state = copilot.graph.get_state({"configurable": {"thread_id": thread_id}})
    messages = list((state.values or {}).get("messages", []))
    start = max(i for i, m in enumerate(messages) if isinstance(m, HumanMessage))
    out: list[Any] = []
    for m in messages[start:]:
        if isinstance(m, ToolMessage):
            try:
                out.append(json.loads(str(m.content)))
            except ValueError:
                out.append(str(m.content))
    return out


def check(copilot: Copilot, family: str, texts: tuple[str, ...], expect: tuple[Any, ...]) -> None:
    """Ask the conversation and check its last answer as its family wants (figures faithful)."""
    *before, result = ask(copilot, *texts)
    calls = result.tool_calls
    names = [c["name"] for c in calls]
    answer = result.answer
    payloads = _payloads(copilot, result.thread_id)
    assert "summarize_exceptions" not in names or family == "share", (texts, names)
    assert_faithful(answer, texts[-1], *payloads)
    if family == "share":
        assert names == ["summarize_exceptions"] and calls[0]["args"]["by"] == "location", names
        groups = {g["key"]: g for g in payloads[0]["groups"]}
        for place in expect:
            assert place in answer, (texts, answer)
            if place in groups:
                assert f"{groups[place]['share']:.1%}" in answer, (place, answer)
    elif family == "cost":
        sku, src, dst, qty = expect
        args = {"sku": sku, "from_location": src, "to_location": dst, "qty": qty}
        assert calls == [{"name": "check_transfer", "args": args}], (texts, calls)
        assert not result.pending
        assert f"{payloads[0]['value']:,.2f}" in answer, answer
        assert f"{qty * payloads[0]['unit_cost']:,.2f}" in answer, answer
    elif family == "draft":
        (drafted,) = before
        assert len(result.pending) == len(drafted.pending) == 1, (texts, result.pending)
        value = drafted.answer.split("value ", 1)[1].split(")", 1)[0].split(" ", 1)[0]
        assert names == ["get_proposal_status"], (texts, names)
        assert value in answer, (value, answer)
    else:
        (listed,) = before
        assert names == ["list_exceptions"], (texts, names)
        assert calls[0]["args"] == listed.tool_calls[0]["args"]
        total = listed.answer.split(" at risk in all")[0].rsplit(", ", 1)[-1]
        assert total in answer, (total, answer)
