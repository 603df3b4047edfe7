"""Fixtures for graph tests: a copilot on the small network with a scripted model."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from langchain_core.messages import AIMessage
from langgraph.checkpoint.sqlite import SqliteSaver
from sqlalchemy import func, select

from erp import models
from erp.store import replace_snapshot
from graph.service import Copilot
from stockpilot.settings import Settings
from tests.conftest import small_network
from tests.support.scripted_model import Script, ScriptedChatModel, call
from tools.workspace import Workspace


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(
        _env_file=None,
        database_url=f"sqlite:///{tmp_path / 'store.db'}",
        plan_cache_dir=tmp_path / "cache",
        checkpoint_url=f"sqlite:///{tmp_path / 'checkpoints.db'}",
        knowledge_dir=tmp_path / "knowledge",
    )


@pytest.fixture
def workspace(settings: Settings) -> Workspace:
    ws = Workspace.open(settings)
    replace_snapshot(ws.engine, small_network(), source="test")
    return ws


@pytest.fixture
def script() -> Script:
    return Script()


@pytest.fixture
def make_copilot(
    workspace: Workspace, script: Script, tmp_path: Path
) -> Iterator[Callable[[], Copilot]]:
    """Return a factory of copilots sharing the store and the checkpoint file."""
    conns: list[sqlite3.Connection] = []

    def make() -> Copilot:
        conn = sqlite3.connect(tmp_path / "checkpoints.db", check_same_thread=False, timeout=30)
        conns.append(conn)
        saver = SqliteSaver(conn)
        saver.setup()
        return Copilot(workspace, checkpointer=saver, model=ScriptedChatModel(respond=script))

    yield make
    for c in conns:
        c.close()


@pytest.fixture
def copilot(make_copilot: Callable[[], Copilot]) -> Copilot:
    return make_copilot()


def erp_documents(ws: Workspace) -> dict[str, int]:
    """Count what the connector wrote: ledger rows, PO lines and transfer lines it created."""
    with ws.engine.connect() as conn:
        ledger = conn.execute(select(func.count()).select_from(models.ErpCommit)).scalar_one()
        pos = conn.execute(
            select(func.count())
            .select_from(models.PurchaseOrder)
            .where(models.PurchaseOrder.po_id.like("PO-SP-%"))
        ).scalar_one()
        trs = conn.execute(
            select(func.count())
            .select_from(models.Transfer)
            .where(models.Transfer.transfer_id.like("TR-SP-%"))
        ).scalar_one()
    return {"ledger": ledger, "purchase_orders": pos, "transfers": trs}


def draft_transfer(qty: int = 20) -> AIMessage:
    """A model turn drafting a transfer of A from DC1 to S1."""
    return AIMessage(
        "",
        tool_calls=[
            call("draft_transfer", sku="A", from_location="DC1", to_location="S1", qty=qty)
        ],
    )


def draft_po(qty: int = 48) -> AIMessage:
    """A model turn drafting a purchase order of A for DC1 from V1."""
    return AIMessage(
        "",
        tool_calls=[
            call("draft_purchase_order", sku="A", location_id="DC1", supplier_id="V1", qty=qty)
        ],
    )


def draft_transfer_and_po(po_sku: str = "B") -> AIMessage:
    """A model turn drafting two proposals at once: a transfer of A and a purchase order."""
    return AIMessage(
        "",
        tool_calls=[
            call("draft_transfer", sku="A", from_location="DC1", to_location="S1", qty=20),
            call("draft_purchase_order", sku=po_sku, location_id="DC1", supplier_id="V1", qty=48),
        ],
    )


@pytest.fixture
def pg_settings(postgres_url: str, tmp_path: Path) -> Settings:
    """Settings for a fresh PostgreSQL schema (store and checkpoints); skip without a server."""
    return Settings(_env_file=None, database_url=postgres_url, plan_cache_dir=tmp_path / "cache")
