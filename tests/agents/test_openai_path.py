"""The OpenAI-compatible model path, end to end against a local fake OpenAI server.

Real HTTP and the real `ChatOpenAI` client: plain answers, tool schemas and tool calls,
streamed text and streamed tool calls, server errors, retries, and `load_chat_model`.
"""

from __future__ import annotations

import importlib.util
import socket
import threading
import time
from typing import Any

import openai
import pytest
from langchain_core.messages import AIMessage, AIMessageChunk, HumanMessage, ToolMessage
from langchain_core.tools import tool
from langchain_openai import ChatOpenAI

from agents.models import load_chat_model, model_name
from stockpilot.settings import Settings
from tests.support.fake_openai import FakeOpenAIServer, Reply, keyword_responder, script


@tool
def forecast_demand(sku: str, weeks: int = 8) -> str:
    """Forecast weekly demand for a SKU over the next weeks."""
    return f"{sku}: 120 units/week for {weeks} weeks"


@tool
def stock_position(sku: str, location_id: str) -> str:
    """Report on-hand and on-order stock for a SKU at a location."""
    return f"{sku}@{location_id}: 30 on hand, 120 on order"


def chat(server: FakeOpenAIServer, **kwargs: Any) -> ChatOpenAI:
    kwargs.setdefault("max_retries", 0)
    return ChatOpenAI(
        base_url=server.base_url, api_key="sk-test", model="fake-model", timeout=5, **kwargs
    )


def aggregate(chunks: list[Any]) -> AIMessageChunk:
    assert chunks, "the stream yielded nothing"
    total = chunks[0]
    for chunk in chunks[1:]:
        total = total + chunk
    return total


# -- plain answers ------------------------------------------------------------------------------


def test_invoke_returns_the_servers_answer():
    with FakeOpenAIServer(script("Store S1 needs 24 units of A.")) as server:
        answer = chat(server).invoke([HumanMessage("What should S1 order?")])

    assert isinstance(answer, AIMessage)
    assert answer.content == "Store S1 needs 24 units of A."
    assert answer.response_metadata["finish_reason"] == "stop"
    assert answer.usage_metadata is not None and answer.usage_metadata["total_tokens"] > 0
    [body] = server.requests
    assert body["model"] == "fake-model"
    assert not body.get("stream")
    assert body["messages"] == [{"role": "user", "content": "What should S1 order?"}]
    assert server.headers[0]["authorization"] == "Bearer sk-test"


def test_models_endpoint_lists_the_configured_models():
    with FakeOpenAIServer(models=("planner-small", "planner-large")) as server:
        client = openai.OpenAI(base_url=server.base_url, api_key="sk-test", max_retries=0)
        ids = [m.id for m in client.models.list()]
        client.close()
    assert ids == ["planner-small", "planner-large"]


# -- tools --------------------------------------------------------------------------------------


def test_bound_tools_reach_the_server_and_tool_calls_come_back_parsed():
    reply = Reply(
        tool_calls=[
            {"name": "forecast_demand", "arguments": {"sku": "A", "weeks": 4}, "id": "call_f"},
            {"name": "stock_position", "arguments": {"sku": "A", "location_id": "S1"}},
        ]
    )
    with FakeOpenAIServer(script(reply)) as server:
        model = chat(server).bind_tools([forecast_demand, stock_position])
        answer = model.invoke("Forecast A for 4 weeks and check S1.")

    tools = {t["function"]["name"]: t["function"] for t in server.requests[0]["tools"]}
    assert set(tools) == {"forecast_demand", "stock_position"}
    assert all(t["type"] == "function" for t in server.requests[0]["tools"])
    forecast = tools["forecast_demand"]
    assert forecast["description"].startswith("Forecast weekly demand")
    assert set(forecast["parameters"]["properties"]) == {"sku", "weeks"}
    assert forecast["parameters"]["required"] == ["sku"]
    assert forecast["parameters"]["properties"]["weeks"]["type"] == "integer"
    assert tools["stock_position"]["parameters"]["required"] == ["sku", "location_id"]

    assert answer.response_metadata["finish_reason"] == "tool_calls"
    assert [(c["name"], c["args"]) for c in answer.tool_calls] == [
        ("forecast_demand", {"sku": "A", "weeks": 4}),
        ("stock_position", {"sku": "A", "location_id": "S1"}),
    ]
    assert answer.tool_calls[0]["id"] == "call_f"
    assert answer.tool_calls[1]["id"]  # the server makes one up


def test_keyword_responder_drives_a_tool_loop():
    responder = keyword_responder({"forecast": ("forecast_demand", {"sku": "A", "weeks": 2})})
    with FakeOpenAIServer(responder) as server:
        model = chat(server).bind_tools([forecast_demand, stock_position])
        history: list[Any] = [HumanMessage("Please forecast SKU A")]
        first = model.invoke(history)
        [call] = first.tool_calls
        result = forecast_demand.invoke(call["args"])
        history += [first, ToolMessage(result, tool_call_id=call["id"])]
        second = model.invoke(history)
        unrelated = model.invoke("Hello")

    assert call["name"] == "forecast_demand"
    assert second.content == "forecast_demand returned: A: 120 units/week for 2 weeks"
    assert not second.tool_calls
    assert unrelated.content and not unrelated.tool_calls
    assert server.requests[1]["messages"][-1]["role"] == "tool"


def test_a_langgraph_tool_loop_streams_through_the_fake_server():
    from langgraph.graph import START, MessagesState, StateGraph
    from langgraph.prebuilt import ToolNode, tools_condition

    responder = keyword_responder({"stock": ("stock_position", {"sku": "A", "location_id": "S2"})})
    with FakeOpenAIServer(responder) as server:
        model = chat(server).bind_tools([forecast_demand, stock_position])
        builder = StateGraph(MessagesState)
        builder.add_node("agent", lambda state: {"messages": [model.invoke(state["messages"])]})
        builder.add_node("tools", ToolNode([forecast_demand, stock_position]))
        builder.add_edge(START, "agent")
        builder.add_conditional_edges("agent", tools_condition)
        builder.add_edge("tools", "agent")
        graph = builder.compile()
        tokens = [
            chunk.content
            for chunk, _meta in graph.stream(
                {"messages": [HumanMessage("What stock of A is at S2?")]}, stream_mode="messages"
            )
            if isinstance(chunk, AIMessageChunk) and chunk.content
        ]

    assert [body.get("stream") for body in server.requests] == [True, True]  # streamed via SSE
    assert "".join(tokens) == "stock_position returned: A@S2: 30 on hand, 120 on order"
    assert len(tokens) > 1


# -- streaming ----------------------------------------------------------------------------------


def test_streamed_text_arrives_in_several_chunks():
    text = "Order 24 units of A for S1 by Friday."
    with FakeOpenAIServer(script(text)) as server:
        chunks = list(chat(server).stream("What should S1 order?"))

    assert len([c for c in chunks if c.content]) > 3
    total = aggregate(chunks)
    assert total.content == text
    assert total.response_metadata["finish_reason"] == "stop"
    assert server.requests[0]["stream"] is True


def test_streamed_tool_call_arguments_are_accumulated():
    reply = Reply(
        content="Checking.",
        tool_calls=[
            {"name": "stock_position", "arguments": {"sku": "A", "location_id": "S1"}},
            {"name": "forecast_demand", "arguments": {"sku": "B", "weeks": 12}},
        ],
    )
    with FakeOpenAIServer(script(reply)) as server:
        model = chat(server).bind_tools([forecast_demand, stock_position])
        chunks = list(model.stream("Check A at S1 and forecast B."))

    pieces = [tc for c in chunks for tc in c.tool_call_chunks]
    assert len([p for p in pieces if p["index"] == 0]) > 2  # arguments split across deltas
    total = aggregate(chunks)
    assert total.content == "Checking."
    assert [(c["name"], c["args"]) for c in total.tool_calls] == [
        ("stock_position", {"sku": "A", "location_id": "S1"}),
        ("forecast_demand", {"sku": "B", "weeks": 12}),
    ]
    assert not total.invalid_tool_calls
    assert total.response_metadata["finish_reason"] == "tool_calls"
    assert {t["function"]["name"] for t in server.requests[0]["tools"]} == {
        "forecast_demand",
        "stock_position",
    }


def test_stream_usage_comes_in_a_final_chunk_when_asked_for():
    with FakeOpenAIServer(script("Two words")) as server:
        total = aggregate(list(chat(server, stream_usage=True).stream("hi")))

    assert server.requests[0]["stream_options"] == {"include_usage": True}
    assert total.usage_metadata is not None
    assert total.usage_metadata["output_tokens"] == 2


# -- failures -----------------------------------------------------------------------------------


def test_server_error_raises_an_openai_error():
    responder = script(Reply(status=500, error="planner backend down"))
    with (
        FakeOpenAIServer(responder) as server,
        pytest.raises(openai.InternalServerError, match="planner backend down"),
    ):
        chat(server).invoke("hi")
    assert len(server.requests) == 1  # max_retries=0: no second attempt


def test_error_in_the_middle_of_a_stream_raises():
    responder = script(Reply(content="partial answer", error="overloaded"))
    with FakeOpenAIServer(responder) as server, pytest.raises(openai.APIError, match="overloaded"):
        list(chat(server).stream("hi"))


def test_a_transient_server_error_is_retried():
    with FakeOpenAIServer(script(Reply(status=503), "recovered")) as server:
        answer = chat(server, max_retries=1).invoke("hi")
    assert answer.content == "recovered"
    assert len(server.requests) == 2


def test_an_exhausted_script_fails_loudly_without_retries():
    with (
        FakeOpenAIServer(script()) as server,
        pytest.raises(openai.InternalServerError, match="script has only 0"),
    ):
        chat(server, max_retries=2).invoke("hi")
    assert len(server.requests) == 1  # x-should-retry: false
    assert len(server.errors) == 1


# -- the server itself --------------------------------------------------------------------------


def test_server_binds_loopback_only_and_shuts_down_cleanly():
    before = set(threading.enumerate())
    with FakeOpenAIServer(script("one", "two")) as server:
        assert server.base_url.startswith("http://127.0.0.1:")
        port = server.port
        model = chat(server)
        model.invoke("hi")  # leaves an idle keep-alive connection in the client's pool
        list(model.stream("hi"))
        started = time.monotonic()
    assert time.monotonic() - started < 2
    assert set(threading.enumerate()) <= before
    with pytest.raises(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
        pass


# -- load_chat_model ----------------------------------------------------------------------------


@pytest.fixture
def clean_env(monkeypatch):
    for name in (
        "OPENAI_API_KEY",
        "OPENAI_BASE_URL",
        "STOCKPILOT_OPENAI_API_KEY",
        "STOCKPILOT_OPENAI_BASE_URL",
        "STOCKPILOT_MODEL",
    ):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_load_chat_model_uses_openai_when_a_key_is_set(clean_env):
    with FakeOpenAIServer(script("From the configured model.")) as server:
        clean_env.setenv("OPENAI_API_KEY", "sk-configured")
        clean_env.setenv("OPENAI_BASE_URL", server.base_url)
        clean_env.setenv("STOCKPILOT_MODEL", "planner-large")
        model = load_chat_model(Settings(_env_file=None))

        assert isinstance(model, ChatOpenAI)
        assert model.openai_api_base == server.base_url
        assert model.model_name == "planner-large"
        assert model.temperature == 0
        assert model.max_retries is not None and model.request_timeout is not None
        assert model_name(model) == "planner-large"
        assert model.invoke("hi").content == "From the configured model."

    assert server.requests[0]["model"] == "planner-large"
    assert server.headers[0]["authorization"] == "Bearer sk-configured"


def offline_or_skip() -> None:
    if importlib.util.find_spec("agents.offline") is None:
        pytest.skip("agents/offline.py (OfflinePlannerModel) does not exist yet")


@pytest.mark.parametrize("key", [None, "", "   "])
def test_load_chat_model_falls_back_to_the_offline_planner(clean_env, key):
    if key is not None:
        clean_env.setenv("OPENAI_API_KEY", key)
    offline_or_skip()
    from agents.offline import OfflinePlannerModel

    model = load_chat_model(Settings(_env_file=None))
    assert isinstance(model, OfflinePlannerModel)
    assert model_name(model) == "offline-planner"
