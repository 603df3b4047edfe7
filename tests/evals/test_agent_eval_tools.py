"""The `--llm openai` agent evaluation drives the issue-16 tools through their schemas.

A rule-based model behind the local OpenAI-compatible server calls each new tool with the
arguments a language model would write (names and aliases, not ids); the run must score every
case, and each request must offer every tool with a described parameter schema.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from evals.agent_eval import run_agent_eval
from tests.evals.test_agent_eval import case, write_dataset
from tests.support.fake_openai import FakeOpenAIServer, keyword_responder
from tools.planner import TOOLS

NEW_TOOLS = {
    "totals": ("summarize_exceptions", {"by": "location", "type": "stockout_risk"}),
    "holds the most": ("get_network_position", {"sku": "sku 12"}),
    "inbound": ("get_open_supply", {"location": "dc south"}),
    "moq": ("get_item", {"sku": "Eco HDMI Cable"}),
    "buy from": ("get_supplier_overview", {"supplier_id": "Voltix"}),
    "grocery": ("run_what_if", {"category": "grocery", "demand_factor": 1.2}),
    "pending": ("list_proposals", {"scope": "all", "status": "pending"}),
    "lane": ("get_lanes", {"from_location": "union", "to_location": "store 4"}),
}


def test_the_openai_path_calls_every_new_tool(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    cases = [
        case(f"new-{i}", f"{keyword} please", [tool], expected_facts=["returned"])
        for i, (keyword, (tool, _)) in enumerate(NEW_TOOLS.items())
    ]
    path = write_dataset(tmp_path, cases)
    with FakeOpenAIServer(keyword_responder(NEW_TOOLS)) as server:
        monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
        monkeypatch.setenv("OPENAI_BASE_URL", server.base_url)
        monkeypatch.setenv("STOCKPILOT_MODEL", "fake-model")
        report = run_agent_eval(path, llm="openai")
        requests: list[dict[str, Any]] = list(server.requests)
    assert [c["passed"] for c in report["cases"]] == [True] * len(cases), report["cases"]
    offered = {t["function"]["name"]: t["function"] for t in requests[0]["tools"]}
    assert set(offered) == {t.name for t in TOOLS}
    for name, schema in offered.items():
        for param, spec in schema["parameters"].get("properties", {}).items():
            assert spec.get("description"), f"{name}.{param}"
    results = [
        json.loads(m["content"])
        for body in requests
        for m in body["messages"]
        if m.get("role") == "tool"
    ]
    assert len(results) == len(NEW_TOOLS)
    assert all("error" not in r for r in results if isinstance(r, dict)), results


def test_the_openai_path_reads_who_approves_the_threads_draft(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    routes = {
        "draft": (
            "draft_transfer",
            {"sku": "sku 1", "from_location": "north dc", "to_location": "store 1", "qty": 40},
        ),
        "who approves": ("get_approval_route", {}),
    }
    convo = {
        "id": "approval-route",
        "turns": [
            case("t1", "draft please", ["draft_transfer"], expected_facts=["returned"]),
            case("t2", "who approves this?", ["get_approval_route"], expected_facts=["approver"]),
        ],
    }
    path = write_dataset(tmp_path, [convo])
    with FakeOpenAIServer(keyword_responder(routes)) as server:
        monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
        monkeypatch.setenv("OPENAI_BASE_URL", server.base_url)
        monkeypatch.setenv("STOCKPILOT_MODEL", "fake-model")
        report = run_agent_eval(path, llm="openai")
        requests: list[dict[str, Any]] = list(server.requests)
    assert report["cases"][0]["passed"], report["cases"]
    routed = [
        json.loads(m["content"])
        for body in requests
        for m in body["messages"]
        if m.get("role") == "tool" and "approvers" in m.get("content", "")
    ]
    assert routed and routed[-1]["kind"] == "transfer"
    assert [a["role"] for a in routed[-1]["approvers"]] == ["approver", "admin"]
