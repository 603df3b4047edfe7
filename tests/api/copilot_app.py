"""Helpers for the chat and approval API tests: apps over one store with a scripted model."""

from __future__ import annotations

import sqlite3
from contextlib import ExitStack
from pathlib import Path
from typing import Any

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


def auth(user: str) -> dict[str, str]:
    """Return the development bearer header for `user`."""
    return {"Authorization": f"Bearer dev-{user}"}


def draft_transfer(qty: int = 20, to: str = "S1") -> AIMessage:
    """Return a scripted reply that drafts a transfer of A from DC1."""
    return AIMessage(
        "",
        tool_calls=[call("draft_transfer", sku="A", from_location="DC1", to_location=to, qty=qty)],
    )


def draft_po(qty: int = 48, sku: str = "A") -> AIMessage:
    """Return a scripted reply that drafts a purchase order at DC1 from V1."""
    return AIMessage(
        "",
        tool_calls=[
            call("draft_purchase_order", sku=sku, location_id="DC1", supplier_id="V1", qty=qty)
        ],
    )


class ApiEnv:
    """One store and checkpoint file; any number of copilots and apps over them."""

    def __init__(self, tmp_path: Path, **overrides: Any):
        self.tmp_path = tmp_path
        self.settings = Settings(
            _env_file=None,
            environment="development",
            database_url=f"sqlite:///{tmp_path / 'store.db'}",
            plan_cache_dir=tmp_path / "cache",
            checkpoint_url=f"sqlite:///{tmp_path / 'checkpoints.db'}",
            api_tokens={},
            **overrides,
        )
        self.workspace = Workspace.open(self.settings)
        replace_snapshot(self.workspace.engine, small_network(), source="test")
        self.script = Script()
        self._stack = ExitStack()

    def copilot(self, workspace: Workspace | None = None) -> Copilot:
        """Return a new copilot (own lock table and connection) over the shared checkpoints."""
        conn = sqlite3.connect(
            self.tmp_path / "checkpoints.db", check_same_thread=False, timeout=30
        )
        self._stack.callback(conn.close)
        saver = SqliteSaver(conn)
        saver.setup()
        return Copilot(
            workspace or self.workspace,
            checkpointer=saver,
            model=ScriptedChatModel(respond=self.script),
        )

    def client(self, copilot: Copilot | None = None, **kwargs: Any) -> TestClient:
        """Return a started TestClient over a new app (a new copilot unless one is given)."""
        copilot = copilot or self.copilot()
        app = create_served_app(self.settings, workspace=copilot.workspace, copilot=copilot)
        install_metrics(app)  # a no-op once create_app installs them
        return self._stack.enter_context(TestClient(app, **kwargs))

    def close(self) -> None:
        """Stop the clients and close the connections."""
        self._stack.close()
