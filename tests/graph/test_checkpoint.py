"""`graph.checkpoint.latest_thread_ids`: newest thread first, root checkpoints only, per backend."""

from __future__ import annotations

import pytest
from langgraph.checkpoint.base import BaseCheckpointSaver, empty_checkpoint
from langgraph.checkpoint.memory import InMemorySaver
from langgraph.checkpoint.postgres import PostgresSaver
from psycopg import Connection
from psycopg.rows import dict_row
from sqlalchemy.engine import make_url

from graph.checkpoint import checkpoint_url, latest_thread_ids, open_checkpointer
from stockpilot.settings import Settings


def _put(saver: BaseCheckpointSaver, thread_id: str, ns: str = "") -> None:
    config = {"configurable": {"thread_id": thread_id, "checkpoint_ns": ns}}
    saver.put(config, empty_checkpoint(), {}, {})  # type: ignore[arg-type]


def _check(saver: BaseCheckpointSaver) -> None:
    assert latest_thread_ids(saver, 10) == []
    for thread in ("t-a", "t-c", "t-b"):
        _put(saver, thread)
    _put(saver, "t-sub", ns="child:1")  # a subgraph's checkpoint is not a thread of its own
    _put(saver, "t-a")  # t-a moves again: it is the newest now
    assert latest_thread_ids(saver, 10) == ["t-a", "t-b", "t-c"]
    assert latest_thread_ids(saver, 2) == ["t-a", "t-b"]


def test_on_sqlite(tmp_path):
    settings = Settings(
        _env_file=None,
        database_url=f"sqlite:///{tmp_path / 'store.db'}",
        checkpoint_url=f"sqlite:///{tmp_path / 'checkpoints.db'}",
    )
    saver = open_checkpointer(settings)
    assert type(saver).__name__ == "SqliteSaver"
    _check(saver)


def test_on_any_other_saver():
    _check(InMemorySaver())


@pytest.mark.postgres
def test_on_postgres_with_a_pool(pg_settings):
    saver = open_checkpointer(pg_settings)
    assert isinstance(saver, PostgresSaver)
    _check(saver)


@pytest.mark.postgres
def test_on_postgres_with_one_connection(pg_settings):
    url = make_url(checkpoint_url(pg_settings)).set(drivername="postgresql")
    with Connection.connect(
        url.render_as_string(hide_password=False),
        autocommit=True,
        prepare_threshold=0,
        row_factory=dict_row,
    ) as conn:
        saver = PostgresSaver(conn)
        saver.setup()
        _check(saver)
