"""The copilot graph with ChatOpenAI against a local OpenAI-compatible server (real HTTP)."""

from __future__ import annotations

import sqlite3

import pytest
from langchain_core.messages import AIMessageChunk, HumanMessage
from langchain_openai import ChatOpenAI
from langgraph.checkpoint.sqlite import SqliteSaver

from agents.models import load_chat_model
from graph.service import Copilot
from stockpilot.settings import Settings
from tests.graph.conftest import erp_documents
from tests.support.fake_openai import FakeOpenAIServer, keyword_responder

ROUTES = {
    "exceptions": ("list_exceptions", {"top": 3}),
    "move": (
        "draft_transfer",
        {"sku": "A", "from_location": "DC1", "to_location": "S1", "qty": 20},
    ),
}


@pytest.fixture
def server():
    with FakeOpenAIServer(keyword_responder(ROUTES, fallback="Noted.")) as srv:
        yield srv


@pytest.fixture
def openai_copilot(server, workspace, tmp_path, monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    monkeypatch.setenv("OPENAI_BASE_URL", server.base_url)
    monkeypatch.setenv("STOCKPILOT_MODEL", "fake-model")
    model = load_chat_model(Settings(_env_file=None))
    assert isinstance(model, ChatOpenAI)
    saver = SqliteSaver(sqlite3.connect(tmp_path / "cp.db", check_same_thread=False))
    saver.setup()
    return Copilot(workspace, checkpointer=saver, model=model)


def test_tool_loop_over_http(openai_copilot, server):
    result = openai_copilot.ask("show today's exceptions", user="alice", thread_id="o1")
    assert [c["name"] for c in result.tool_calls] == ["list_exceptions"]
    assert result.answer.startswith("list_exceptions returned:")
    first = server.requests[0]
    assert first["model"] == "fake-model"
    assert first["messages"][0]["role"] == "system"
    assert "never invent" in first["messages"][0]["content"].lower() or "every number" in (
        first["messages"][0]["content"].lower()
    )
    offered = {t["function"]["name"] for t in first["tools"]}
    assert {"list_exceptions", "draft_transfer", "draft_recommended_action"} <= offered
    assert not any("commit" in name for name in offered)


def test_draft_approve_commit_over_http(openai_copilot, server, workspace):
    result = openai_copilot.ask("move 20 A to S1", user="alice", thread_id="o2")
    assert len(result.pending) == 1
    assert erp_documents(workspace)["ledger"] == 0
    done = openai_copilot.decide("o2", user="bob", decision="approve")
    assert done.outcomes[0]["outcome"] == "committed"
    assert erp_documents(workspace) == {"ledger": 1, "purchase_orders": 0, "transfers": 1}
    # The model saw the approval gate's report as the last message of the resumed run.
    last = server.requests[-1]["messages"][-1]
    assert last["role"] == "user" and "committed" in str(last["content"])


def test_streaming_through_the_graph(openai_copilot, server):
    chunks = []
    for chunk, _meta in openai_copilot.graph.stream(
        {"messages": [HumanMessage("show exceptions")], "user": "alice", "role": "planner"},
        {"configurable": {"thread_id": "o3"}},
        context=openai_copilot.context,
        stream_mode="messages",
    ):
        if isinstance(chunk, AIMessageChunk):
            chunks.append(chunk)
    assert any(r.get("stream") for r in server.requests)
    text = "".join(str(c.content) for c in chunks)
    assert "list_exceptions returned:" in text
    assert any(c.tool_call_chunks for c in chunks)
