"""Open the checkpointer that keeps paused threads: SQLite by default, PostgreSQL with the store.

A pending approval lives in the checkpointer, so it survives a process kill and resumes in a new
process. With a PostgreSQL store, several processes share threads through the same database.
`latest_thread_ids` is the one place that reads LangGraph's own tables directly.
"""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.checkpoint.sqlite import SqliteSaver
from sqlalchemy.engine import make_url

from graph.locks import is_postgres_saver, pg_advisory
from stockpilot.settings import Settings, SettingsProblem

if TYPE_CHECKING:
    from psycopg import Connection

DEFAULT_SQLITE_CHECKPOINTS = Path("var/checkpoints.db")
SETUP_LOCK = 0x5370436B70  # PostgreSQL advisory lock id held while the checkpoint schema is set up

# Newest first by each thread's last root checkpoint (checkpoint ids are UUIDv6: they sort by time).
_LATEST_CHECKPOINTS = (
    "SELECT thread_id, MAX(checkpoint_id) AS last FROM checkpoints WHERE checkpoint_ns = '' "
    "GROUP BY thread_id ORDER BY last DESC LIMIT {param}"
)


def checkpoint_url(settings: Settings) -> str:
    """Return the checkpointer's database URL (see `Settings.checkpoint_url`)."""
    if settings.checkpoint_url:
        return settings.checkpoint_url
    if make_url(settings.database_url).get_backend_name() == "postgresql":
        return settings.database_url
    return f"sqlite:///{DEFAULT_SQLITE_CHECKPOINTS}"


def open_checkpointer(settings: Settings) -> BaseCheckpointSaver:
    """Open (and set up) the checkpointer; SettingsProblem names the setting when it cannot."""
    try:
        return _open(settings)
    except _open_errors() as exc:
        name = "STOCKPILOT_CHECKPOINT_URL" if settings.checkpoint_url else "STOCKPILOT_DATABASE_URL"
        shown = make_url(checkpoint_url(settings)).render_as_string(hide_password=True)
        raise SettingsProblem(f"{name}: cannot open the checkpoints at {shown}: {exc}") from exc


def _open_errors() -> tuple[type[Exception], ...]:
    # psycopg is imported only for PostgreSQL checkpoints, so only then can it have raised.
    psycopg = sys.modules.get("psycopg")
    driver = () if psycopg is None else (psycopg.Error,)
    return (OSError, sqlite3.Error, *driver)


def _open(settings: Settings) -> BaseCheckpointSaver:
    url = make_url(checkpoint_url(settings))
    if url.get_backend_name() == "postgresql":
        # The PostgreSQL driver and saver load only here: SQLite processes never pay for them.
        from langgraph.checkpoint.postgres import PostgresSaver
        from psycopg.rows import dict_row
        from psycopg_pool import ConnectionPool

        conninfo = url.set(drivername="postgresql").render_as_string(hide_password=False)
        pool = ConnectionPool(
            conninfo,
            min_size=1,
            max_size=8,
            open=True,
            kwargs={"autocommit": True, "prepare_threshold": 0, "row_factory": dict_row},
        )
        pg = PostgresSaver(pool)  # type: ignore[arg-type]
        # Workers start together on a fresh database: one creates the tables, the others wait
        # and then find them (setup is idempotent once they exist).
        with pg_advisory(conninfo, SETUP_LOCK):
            pg.setup()
        return pg
    path = Path(url.database or DEFAULT_SQLITE_CHECKPOINTS)
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path, check_same_thread=False, timeout=30)
    conn.execute("PRAGMA journal_mode=WAL")
    saver = SqliteSaver(conn)
    saver.setup()
    return saver


def latest_thread_ids(saver: BaseCheckpointSaver, limit: int) -> list[str]:
    """Return thread ids, the most recently checkpointed first (at most `limit`).

    SQLite and PostgreSQL savers answer with one query on LangGraph's `checkpoints` table,
    through their public connection; any other saver by walking its checkpoints.
    """
    if isinstance(saver, SqliteSaver):
        with saver.cursor(transaction=False) as cur:
            cur.execute(_LATEST_CHECKPOINTS.format(param="?"), (limit,))
            return [str(row[0]) for row in cur.fetchall()]
    if is_postgres_saver(saver):
        from psycopg.rows import dict_row
        from psycopg_pool import ConnectionPool

        query = _LATEST_CHECKPOINTS.format(param="%s")
        pool = saver.conn
        if isinstance(pool, ConnectionPool):
            with pool.connection() as pooled, pooled.cursor(row_factory=dict_row) as pg:
                rows = pg.execute(query, (limit,)).fetchall()
        else:  # one shared connection: take the saver's lock, as its own calls do
            shared: Connection[Any] = pool
            with saver.lock, shared.cursor(row_factory=dict_row) as pg:
                rows = pg.execute(query, (limit,)).fetchall()
        return [str(row["thread_id"]) for row in rows]
    latest: dict[str, str] = {}
    for item in saver.list(None):
        conf = item.config.get("configurable", {})
        if conf.get("checkpoint_ns", ""):
            continue
        thread, checkpoint = str(conf.get("thread_id")), str(conf.get("checkpoint_id"))
        latest[thread] = max(latest.get(thread, ""), checkpoint)
    return sorted(latest, key=lambda t: latest[t], reverse=True)[:limit]
