"""Fixtures for API tests: an app on the small network, a TestClient, and `auth(user)` headers.

Reuse from any test under tests/api:

    def test_something(client, script, auth_headers): ...
    client.get("/v1/exceptions", headers=auth("bob"))   # from tests.api.conftest import auth

`script` queues the scripted model's replies (AIMessage with tool calls, or text) per turn, as
in tests/graph; `app` is the FastAPI app, `workspace` the store behind it.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from langchain_core.messages import AIMessage
from langgraph.checkpoint.sqlite import SqliteSaver

from api.metrics import install_metrics
from erp.store import replace_snapshot
from graph.service import Copilot
from stockpilot.settings import Settings
from tests.conftest import small_network
from tests.support.scripted_model import Script, ScriptedChatModel, call
from tools.workspace import Workspace
from ui.server import create_served_app

USERS = {"alice": "planner", "bob": "approver", "carol": "admin", "victor": "viewer"}


def auth(user: str) -> dict[str, str]:
    """Return the headers of a development bearer token for `user`."""
    return {"Authorization": f"Bearer dev-{user}"}


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Return development settings on temporary files."""
    return Settings(
        _env_file=None,
        environment="development",
        database_url=f"sqlite:///{tmp_path / 'store.db'}",
        plan_cache_dir=tmp_path / "cache",
        checkpoint_url=f"sqlite:///{tmp_path / 'checkpoints.db'}",
        api_tokens={},
    )


@pytest.fixture
def workspace(settings: Settings) -> Workspace:
    """Return a workspace holding the small network."""
    ws = Workspace.open(settings)
    replace_snapshot(ws.engine, small_network(), source="test")
    return ws


@pytest.fixture
def script() -> Script:
    """Return the scripted model's replies (empty: it answers 'Nothing to do.')."""
    return Script()


@pytest.fixture
def copilot(workspace: Workspace, script: Script, tmp_path: Path) -> Iterator[Copilot]:
    """Return a copilot with a SQLite checkpointer and the scripted model."""
    conn = sqlite3.connect(tmp_path / "checkpoints.db", check_same_thread=False, timeout=30)
    saver = SqliteSaver(conn)
    saver.setup()
    yield Copilot(workspace, checkpointer=saver, model=ScriptedChatModel(respond=script))
    conn.close()


@pytest.fixture
def app(settings: Settings, copilot: Copilot) -> FastAPI:
    """Return the app over the copilot (metrics installed)."""
    app = create_served_app(settings, copilot=copilot)
    install_metrics(app)  # idempotent: a no-op once create_app installs metrics itself
    return app


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    """Return a TestClient (lifespan run) that raises nothing server-side: 500s stay 500s."""
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c


def draft_transfer_reply(qty: int = 20) -> AIMessage:
    """Return a scripted model reply that drafts a transfer of A from DC1 to S1."""
    return AIMessage(
        "",
        tool_calls=[
            call("draft_transfer", sku="A", from_location="DC1", to_location="S1", qty=qty)
        ],
    )


@pytest.fixture
def pending_thread(copilot: Copilot, script: Script) -> str:
    """Return a thread waiting at the approval gate on one transfer proposal (drafted by alice)."""
    script.turns.append(draft_transfer_reply())
    result = copilot.ask("move 20 A to S1", user="alice", thread_id="t-pending")
    assert len(result.pending) == 1
    return result.thread_id
