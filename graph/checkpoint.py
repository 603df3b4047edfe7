"""Open the checkpointer that keeps paused threads: SQLite by default, PostgreSQL with the store.

A pending approval lives in the checkpointer, so it survives a process kill and resumes in a new
process. With a PostgreSQL store, several processes share threads through the same database.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.checkpoint.postgres import PostgresSaver
from langgraph.checkpoint.sqlite import SqliteSaver
from psycopg.rows import dict_row
from psycopg_pool import ConnectionPool
from sqlalchemy.engine import make_url

from stockpilot.settings import Settings

DEFAULT_SQLITE_CHECKPOINTS = Path("var/checkpoints.db")


def checkpoint_url(settings: Settings) -> str:
    """Return the checkpointer's database URL (see `Settings.checkpoint_url`)."""
    if settings.checkpoint_url:
        return settings.checkpoint_url
    if make_url(settings.database_url).get_backend_name() == "postgresql":
        return settings.database_url
    return f"sqlite:///{DEFAULT_SQLITE_CHECKPOINTS}"


def open_checkpointer(settings: Settings) -> BaseCheckpointSaver:
    """Open (and set up) the checkpointer for the configured database."""
    url = make_url(checkpoint_url(settings))
    if url.get_backend_name() == "postgresql":
        conninfo = url.set(drivername="postgresql").render_as_string(hide_password=False)
        pool = ConnectionPool(
            conninfo,
            min_size=1,
            max_size=8,
            open=True,
            kwargs={"autocommit": True, "prepare_threshold": 0, "row_factory": dict_row},
        )
        pg = PostgresSaver(pool)  # type: ignore[arg-type]
        pg.setup()
        return pg
    path = Path(url.database or DEFAULT_SQLITE_CHECKPOINTS)
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path, check_same_thread=False, timeout=30)
    conn.execute("PRAGMA journal_mode=WAL")
    saver = SqliteSaver(conn)
    saver.setup()
    return saver
