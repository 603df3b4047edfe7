"""Review of 2026-12-06, the API turn endpoint: a hostile message never answers 500.

The app runs the offline planner model (the copilot's model without an API key) on the small
network. Finding F8 of the review: a quantity of twenty digits in a message made the
checkpoint write fail, the turn answered 500 and every later message on that thread too.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from langgraph.checkpoint.sqlite import SqliteSaver

from agents.offline import OfflinePlannerModel
from graph.service import Copilot
from stockpilot.settings import Settings
from tests.api.conftest import auth
from tools.workspace import Workspace
from ui.server import create_served_app


@pytest.fixture
def offline_client(
    settings: Settings, workspace: Workspace, tmp_path: Path
) -> Iterator[TestClient]:
    """A started TestClient over the app with the offline planner model (500s stay 500s)."""
    conn = sqlite3.connect(tmp_path / "checkpoints.db", check_same_thread=False, timeout=30)
    saver = SqliteSaver(conn)
    saver.setup()
    copilot = Copilot(workspace, checkpointer=saver, model=OfflinePlannerModel())
    app = create_served_app(settings, workspace=workspace, copilot=copilot)
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client
    conn.close()


@pytest.mark.parametrize(
    "text",
    [
        "transfer 99999999999999999999 A from DC1 to S1",
        "move 18446744073709551616 A from DC1 to S1",
    ],
)
def test_a_huge_quantity_never_answers_500_nor_breaks_the_thread(
    offline_client: TestClient, text: str
) -> None:
    headers = auth("alice")
    thread_id = offline_client.post("/v1/threads", json={}, headers=headers).json()["thread_id"]
    r = offline_client.post(
        f"/v1/threads/{thread_id}/messages", json={"content": text}, headers=headers
    )
    assert r.status_code < 500, r.text
    if r.status_code == 200:  # refused in words: nothing drafted
        assert r.json()["pending"] == [], r.text
    else:  # or a 4xx with the error envelope and a clear message
        assert r.json()["error"]["message"], r.text
    after = offline_client.post(
        f"/v1/threads/{thread_id}/messages", json={"content": "what's pending?"}, headers=headers
    )
    assert after.status_code == 200, after.text
