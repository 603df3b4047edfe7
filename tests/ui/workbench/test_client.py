"""The workbench's HTTP client against the real API: streaming, errors, bulk approvals."""

from __future__ import annotations

import pytest

from tests.support.serve import free_port
from ui.workbench.client import (
    ApiError,
    ApiUnavailable,
    Conflict,
    Forbidden,
    Unauthorized,
    WorkbenchClient,
    _parse_sse,
)


def test_stream_yields_tool_pending_and_done_events(live_api):
    with WorkbenchClient(live_api.url, "dev-alice") as c:
        thread = c.new_thread()
        events = list(c.stream(thread, "transfer 20 A from DC1 to S1"))
    names = [e.event for e in events]
    assert names[-2:] == ["pending", "done"] and "tool" in names
    assert events[-1].data["pending"][0]["args"]["qty"] == 20
    calls = [e.data for e in events if e.event == "tool" and "args" in e.data]
    assert calls[0]["name"] == "draft_transfer"


def test_errors_are_typed_with_the_api_message(live_api):
    with WorkbenchClient(live_api.url, "not-a-token") as c, pytest.raises(Unauthorized) as bad:
        c.inbox()
    assert bad.value.status == 401 and "STOCKPILOT_UI_API_TOKEN" in str(bad.value)
    with WorkbenchClient(live_api.url, "dev-victor") as c, pytest.raises(Forbidden) as denied:
        c.new_thread()
    assert "victor (viewer) may not chat" in denied.value.message
    with WorkbenchClient(live_api.url, "dev-alice") as c:
        with pytest.raises(ApiError) as missing:
            c.projection("A", "NOWHERE")
        assert missing.value.status == 404 and missing.value.code == "not_found"
        with pytest.raises(ApiError) as invalid:
            c.exceptions(min_money=-1)
        assert invalid.value.status == 422 and invalid.value.field == "query.min_money"
    with WorkbenchClient(f"http://127.0.0.1:{free_port()}", "dev-alice") as c:
        with pytest.raises(ApiUnavailable, match="not reachable"):
            c.health()
        with pytest.raises(ApiUnavailable):
            list(c.stream("t-x", "hello"))


def test_bulk_approval_follows_a_moved_interrupt_and_reports_conflicts(live_api):
    # One thread with two pending transfers: deciding the first moves the second's interrupt.
    turn = live_api.copilot.ask("transfer 5 A from DC1 to S1", user="alice")
    live_api.copilot.ask("transfer 6 A from DC1 to S2", user="alice", thread_id=turn.thread_id)
    with WorkbenchClient(live_api.url, "dev-bob") as c:
        items = [i for i in c.inbox() if i["thread_id"] == turn.thread_id]
        assert len(items) == 2
        results = c.approve_many(items)
        assert [r.outcome for r in results] == ["committed", "committed"]
        assert all(r.document_id for r in results)
        again = c.approve_many(items[:1])
    assert again[0].outcome == "conflict" and "not waiting" in again[0].message
    with WorkbenchClient(live_api.url, "dev-bob") as c, pytest.raises(Conflict):
        c.decide(turn.thread_id, items[0]["interrupt_id"], "approve")


def test_sse_parser_handles_comments_and_multiline_data():
    lines = [": ping", "event: token", 'data: {"text": "a"}', "", "data: plain", "data: two", ""]
    events = list(_parse_sse(iter(lines)))
    assert [(e.event, e.data) for e in events] == [
        ("token", {"text": "a"}),
        ("message", "plain\ntwo"),
    ]
