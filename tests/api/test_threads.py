"""The threads API: create, chat (JSON and Server-Sent Events), read, validation and roles."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest
from fastapi.testclient import TestClient
from langchain_core.messages import AIMessage

from stockpilot.asking import InvalidAsk, checked_thread_id
from tests.api.copilot_app import ApiEnv, auth, draft_transfer
from tests.support.scripted_model import call


@pytest.fixture
def env(tmp_path: Path) -> Iterator[ApiEnv]:
    e = ApiEnv(tmp_path)
    yield e
    e.close()


@pytest.fixture
def api(env: ApiEnv) -> TestClient:
    return env.client()


def new_thread(api: TestClient, user: str = "alice") -> str:
    r = api.post("/v1/threads", headers=auth(user))
    assert r.status_code == 201, r.text
    return str(r.json()["thread_id"])


def sse_events(lines: Iterator[str]) -> list[tuple[str, Any]]:
    """Parse an SSE body into (event, decoded data) pairs, event by event."""
    events: list[tuple[str, Any]] = []
    name, data = "message", []
    for line in lines:
        if line == "":
            if data:
                events.append((name, json.loads("\n".join(data))))
            name, data = "message", []
        elif line.startswith(":"):
            continue
        elif line.startswith("event:"):
            name = line[6:].strip()
        elif line.startswith("data:"):
            data.append(line[5:].removeprefix(" "))
    return events


def test_create_an_empty_thread_and_read_it(api):
    thread_id = new_thread(api)
    r = api.get(f"/v1/threads/{thread_id}", headers=auth("victor"))  # any reader may read
    assert r.status_code == 200
    assert r.json() == {
        "thread_id": thread_id,
        "messages": [],
        "pending": [],
        "committed": [],
        "outcomes": [],
    }


def test_create_with_a_first_message_runs_the_turn(api, env):
    env.script.turns.append("Hello from the copilot.")
    r = api.post("/v1/threads", json={"content": "hi"}, headers=auth("alice"))
    assert r.status_code == 201
    body = r.json()
    assert body["turn"]["thread_id"] == body["thread_id"]
    assert body["turn"]["answer"] == "Hello from the copilot."


def test_message_returns_the_turn_with_pending_approvals(api, env):
    thread_id = new_thread(api)
    env.script.turns.append(draft_transfer())
    r = api.post(
        f"/v1/threads/{thread_id}/messages", json={"content": "move 20 A"}, headers=auth("alice")
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["thread_id"] == thread_id
    [pending] = body["pending"]
    assert pending["kind"] == "transfer"
    assert pending["interrupt_id"] and pending["proposal_id"].startswith("PR-")
    assert pending["args"] == {"sku": "A", "from_location": "DC1", "to_location": "S1", "qty": 20}
    assert pending["value"] == 80.0
    assert body["tool_calls"] == [
        {
            "name": "draft_transfer",
            "args": {"sku": "A", "from_location": "DC1", "to_location": "S1", "qty": 20},
        }
    ]
    assert body["outcomes"] == [] and body["committed"] == []
    assert "pending_approval" in body["answer"]


@pytest.mark.parametrize("how", ["accept", "query"])
def test_message_streams_server_sent_events(api, env, how):
    thread_id = new_thread(api)
    env.script.turns.append(
        AIMessage(
            "",
            tool_calls=[
                call("get_inventory", sku="A"),
                call("draft_transfer", sku="A", from_location="DC1", to_location="S1", qty=20),
            ],
        )
    )
    url = f"/v1/threads/{thread_id}/messages"
    headers = auth("alice")
    if how == "accept":
        headers["Accept"] = "text/event-stream"
    else:
        url += "?stream=true"
    with api.stream("POST", url, json={"content": "move 20 A"}, headers=headers) as r:
        assert r.status_code == 200
        assert r.headers["content-type"].startswith("text/event-stream")
        events = sse_events(r.iter_lines())
    names = [name for name, _ in events]
    assert names[-1] == "done" and names.count("done") == 1
    tools = [data for name, data in events if name == "tool"]
    assert tools[:2] == [
        {"name": "get_inventory", "args": {"sku": "A"}},
        {
            "name": "draft_transfer",
            "args": {"sku": "A", "from_location": "DC1", "to_location": "S1", "qty": 20},
        },
    ]
    summaries = {d["name"]: d["summary"] for d in tools if "summary" in d}
    assert summaries["get_inventory"] == "get_inventory → 3 positions"
    assert summaries["draft_transfer"].startswith("draft_transfer → pending_approval PR-")
    tokens = "".join(data["text"] for name, data in events if name == "token")
    [pending] = [data for name, data in events if name == "pending"]
    done = events[-1][1]
    assert tokens == done["answer"] and tokens
    assert names.index("pending") < names.index("done")
    assert pending["pending"] == done["pending"]
    assert done["pending"][0]["interrupt_id"] and done["thread_id"] == thread_id
    # The streamed turn is stored like any other.
    stored = api.get(f"/v1/threads/{thread_id}", headers=auth("alice")).json()
    assert stored["pending"] == done["pending"]


def test_first_message_can_stream_too(api, env):
    env.script.turns.append("Streaming hello.")
    with api.stream(
        "POST",
        "/v1/threads",
        json={"content": "hi"},
        headers={**auth("alice"), "Accept": "text/event-stream"},
    ) as r:
        assert r.status_code == 201
        events = sse_events(r.iter_lines())
    assert events[0] == ("token", {"text": "Streaming hello."})
    assert events[-1][0] == "done" and events[-1][1]["answer"] == "Streaming hello."
    assert r.headers["location"] == f"/v1/threads/{events[-1][1]['thread_id']}"


def test_get_thread_shows_messages_pending_and_committed(api, env):
    thread_id = new_thread(api)
    env.script.turns.append(draft_transfer())
    turn = api.post(
        f"/v1/threads/{thread_id}/messages", json={"content": "move"}, headers=auth("alice")
    ).json()
    view = api.get(f"/v1/threads/{thread_id}", headers=auth("alice")).json()
    assert [m["role"] for m in view["messages"]] == ["user", "assistant", "tool", "assistant"]
    assert view["messages"][0]["content"] == "move"
    assert view["messages"][1]["tool_calls"][0]["name"] == "draft_transfer"
    assert view["messages"][2]["name"] == "draft_transfer"
    assert view["messages"][2]["summary"].startswith("draft_transfer → pending_approval PR-")
    assert view["pending"] == turn["pending"]
    interrupt = turn["pending"][0]["interrupt_id"]
    decided = api.post(
        f"/v1/approvals/{thread_id}/{interrupt}", json={"decision": "approve"}, headers=auth("bob")
    )
    assert decided.status_code == 200, decided.text
    view = api.get(f"/v1/threads/{thread_id}", headers=auth("victor")).json()
    assert view["pending"] == []
    [doc] = view["committed"]
    assert doc["document_id"].startswith("TR-SP-") and doc["kind"] == "transfer"
    assert view["outcomes"][0]["outcome"] == "committed"


def test_unknown_thread_is_404(api):
    r = api.get("/v1/threads/t-nope", headers=auth("alice"))
    assert r.status_code == 404
    assert r.json()["error"]["code"] == "not_found"
    r = api.post("/v1/threads/t-nope/messages", json={"content": "hi"}, headers=auth("alice"))
    assert r.status_code == 404


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"content": ""}, "body.content"),
        ({"content": "   "}, "body.content"),
        ({"content": "x" * 4001}, "body.content"),
        ({"content": 12}, "body.content"),
        ({}, "body.content"),
        ({"content": "hi", "extra": 1}, "body.extra"),
    ],
)
def test_invalid_messages_are_422_naming_the_field(api, body, field):
    thread_id = new_thread(api)
    r = api.post(f"/v1/threads/{thread_id}/messages", json=body, headers=auth("alice"))
    assert r.status_code == 422
    assert r.json()["error"]["field"] == field


def test_malformed_json_and_bad_ids_are_4xx(api):
    thread_id = new_thread(api)
    r = api.post(
        f"/v1/threads/{thread_id}/messages",
        content=b"{not json",
        headers={**auth("alice"), "Content-Type": "application/json"},
    )
    assert r.status_code == 422
    r = api.get("/v1/threads/" + "x" * 65, headers=auth("alice"))
    assert r.status_code == 422 and r.json()["error"]["field"] == "path.thread_id"
    r = api.post("/v1/threads", json={"content": ""}, headers=auth("alice"))
    assert r.status_code == 422 and r.json()["error"]["field"] == "body.content"


def test_content_at_the_limit_is_accepted(api, env):
    thread_id = new_thread(api)
    r = api.post(
        f"/v1/threads/{thread_id}/messages", json={"content": "y" * 4000}, headers=auth("alice")
    )
    assert r.status_code == 200


def test_authentication_and_roles(api):
    assert api.post("/v1/threads").status_code == 401
    assert api.post("/v1/threads", headers={"Authorization": "Bearer nope"}).status_code == 401
    r = api.post("/v1/threads", headers=auth("victor"))  # viewer: read only
    assert r.status_code == 403 and r.json()["error"]["code"] == "forbidden"
    thread_id = new_thread(api, "alice")
    r = api.post(
        f"/v1/threads/{thread_id}/messages", json={"content": "hi"}, headers=auth("victor")
    )
    assert r.status_code == 403
    assert api.get(f"/v1/threads/{thread_id}").status_code == 401
    for user in ("victor", "alice", "bob", "carol"):
        assert api.get(f"/v1/threads/{thread_id}", headers=auth(user)).status_code == 200
    for user in ("bob", "carol"):  # approvers and admins chat too
        r = api.post(
            f"/v1/threads/{thread_id}/messages", json={"content": "hi"}, headers=auth(user)
        )
        assert r.status_code == 200
    r = api.get(f"/v1/threads/{thread_id}", headers={"X-API-Key": "dev-victor"})
    assert r.status_code == 200


def test_a_failing_turn_streams_an_error_event(api, env):
    def boom(_messages: Any) -> AIMessage:
        raise RuntimeError("model down")

    env.script.turns.append("unused")
    thread_id = new_thread(api)
    copilot = api.app.state.copilot  # type: ignore[attr-defined]
    copilot.context.model.respond = boom
    with api.stream(
        "POST",
        f"/v1/threads/{thread_id}/messages?stream=true",
        json={"content": "hi"},
        headers=auth("alice"),
    ) as r:
        events = sse_events(r.iter_lines())
    assert events == [
        ("error", {"code": "internal_error", "message": "the turn failed; the incident was logged"})
    ]
    # The thread's lock was released: the next turn runs.
    copilot.context.model.respond = env.script
    r = api.post(f"/v1/threads/{thread_id}/messages", json={"content": "hi"}, headers=auth("alice"))
    assert r.status_code == 200


def test_a_client_leaving_a_stream_mid_turn_does_not_strand_the_draft(env):
    """The turn finishes server-side: the draft reaches the gate and the inbox."""
    import anyio

    from api.routers.threads import _sse

    copilot = env.copilot()
    env.script.turns.append(draft_transfer())

    async def leave_after_the_draft() -> None:
        events = _sse(copilot.stream("move 20 A", user="alice", thread_id="gone-1"))
        async for chunk in events:
            if b"pending_approval" in chunk:
                break  # the client disconnects right after the draft tool ran
        await events.aclose()

    anyio.run(leave_after_the_draft)
    [item] = copilot.inbox()
    assert item.thread_id == "gone-1" and item.kind == "transfer"
    assert [a.proposal_id for a in copilot.pending("gone-1")] == [item.proposal_id]


@pytest.mark.parametrize("thread_id", ["x%00y", "x%0Ay", "x%1B[31m", "-t", "t%201", "x" * 65])
def test_an_odd_thread_id_is_422_naming_it_like_every_other_surface(api, thread_id):
    """The API's thread id rule is the one the CLI, the bots and the service check."""
    r = api.post(f"/v1/threads/{thread_id}/messages", json={"content": "hi"}, headers=auth("alice"))
    assert r.status_code == 422 and r.json()["error"]["field"] == "path.thread_id"
    with pytest.raises(InvalidAsk):
        checked_thread_id(unquote(thread_id))
