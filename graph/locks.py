"""Serialise runs per thread across processes, where the thread's checkpoints live.

Two workers resuming the same interrupt would fork the thread's checkpoint history, and the
surviving branch could be the loser's (a committed document missing from the thread). Every
run of a thread (ask, stream, decide, recover) therefore holds the thread's lock:

- PostgreSQL checkpoints: a session advisory lock on a dedicated connection, keyed by the
  thread id; the database releases it if the process dies.
- SQLite checkpoints: a POSIX byte-range lock (one byte per thread hash) in a `.locks` file
  beside the checkpoint file; the kernel releases it if the process dies. Record locks belong
  to the process, so an in-process lock per thread serialises the threads of one process.
- Anything else (an in-memory saver in tests): the in-process lock alone.
"""

from __future__ import annotations

import errno
import fcntl
import hashlib
import os
import sqlite3
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeGuard

from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.checkpoint.sqlite import SqliteSaver

if TYPE_CHECKING:
    from langgraph.checkpoint.postgres import PostgresSaver

SLOTS = 1 << 20  # byte offsets in the lock file; distinct threads rarely share one
_files: dict[str, int] = {}  # one descriptor per lock file per process (closing one drops all)
_files_guard = threading.Lock()


class ThreadBusyError(RuntimeError):
    """The thread is being run elsewhere (only from `hold(..., wait=False)`)."""


class ThreadLocks:
    """Per-thread locks that hold across the processes sharing a checkpointer."""

    def __init__(self, saver: BaseCheckpointSaver):
        self._local: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()
        self._pg_conninfo = _pg_conninfo(saver)
        self._lock_file = _sqlite_lock_file(saver)

    def _in_process(self, thread_id: str) -> threading.Lock:
        with self._guard:
            return self._local.setdefault(thread_id, threading.Lock())

    @contextmanager
    def hold(self, thread_id: str, *, wait: bool = True) -> Iterator[None]:
        """Hold the thread's lock; with `wait=False` raise ThreadBusyError instead of waiting."""
        local = self._in_process(thread_id)
        if not local.acquire(blocking=wait):
            raise ThreadBusyError(thread_id)
        try:
            if self._pg_conninfo is not None:
                with _pg_lock(self._pg_conninfo, thread_id, wait):
                    yield
            elif self._lock_file is not None:
                with _file_lock(self._lock_file, thread_id, wait):
                    yield
            else:
                yield
        finally:
            local.release()


def is_postgres_saver(saver: BaseCheckpointSaver) -> TypeGuard[PostgresSaver]:
    """Return True for LangGraph's PostgreSQL saver, without importing the PostgreSQL driver.

    A process on SQLite never imports psycopg (a tenth of a one-shot CLI call's start-up); a
    PostgresSaver can only exist once its module has been imported.
    """
    module = sys.modules.get("langgraph.checkpoint.postgres")
    return module is not None and isinstance(saver, module.PostgresSaver)


def _pg_conninfo(saver: BaseCheckpointSaver) -> str | None:
    if not is_postgres_saver(saver):
        return None
    conn: Any = saver.conn
    conninfo = getattr(conn, "conninfo", None)  # a ConnectionPool
    if conninfo is None and hasattr(conn, "info"):  # one shared Connection
        conninfo = conn.info.dsn
    return str(conninfo) if conninfo else None


def _sqlite_lock_file(saver: BaseCheckpointSaver) -> Path | None:
    if not isinstance(saver, SqliteSaver):
        return None
    try:
        rows = saver.conn.execute("PRAGMA database_list").fetchall()
    except sqlite3.Error:
        return None
    main = next((row[2] for row in rows if row[1] == "main"), "")
    return Path(f"{main}.locks") if main else None


def _key(thread_id: str) -> int:
    digest = hashlib.sha256(f"stockpilot-thread:{thread_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


@contextmanager
def pg_advisory(conninfo: str, key: int, *, wait: bool = True) -> Iterator[bool]:
    """Hold a session advisory lock on a connection of its own; yield whether it is held.

    Waiting polls `pg_try_advisory_lock` rather than blocking in `pg_advisory_lock`: a
    session blocked inside a statement is an open transaction, and `CREATE INDEX
    CONCURRENTLY` (the checkpoint schema's setup) waits for every open transaction, so a
    blocked waiter and a holder running setup would wait on each other forever.
    """
    import psycopg  # PostgreSQL only

    with psycopg.connect(conninfo, autocommit=True) as conn:
        delay = 0.005
        while True:
            row = conn.execute("SELECT pg_try_advisory_lock(%s)", (key,)).fetchone()
            if row and row[0]:
                break
            if not wait:
                yield False
                return
            time.sleep(delay)
            delay = min(delay * 2, 0.1)
        try:
            yield True
        finally:
            conn.execute("SELECT pg_advisory_unlock(%s)", (key,))


@contextmanager
def _pg_lock(conninfo: str, thread_id: str, wait: bool) -> Iterator[None]:
    with pg_advisory(conninfo, _key(thread_id), wait=wait) as held:
        if not held:
            raise ThreadBusyError(thread_id)
        yield


def _descriptor(path: Path) -> int:
    with _files_guard:
        fd = _files.get(str(path))
        if fd is None:
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
            _files[str(path)] = fd
        return fd


@contextmanager
def _file_lock(path: Path, thread_id: str, wait: bool) -> Iterator[None]:
    fd = _descriptor(path)
    slot = _key(thread_id) % SLOTS
    flags = fcntl.LOCK_EX if wait else fcntl.LOCK_EX | fcntl.LOCK_NB
    try:
        fcntl.lockf(fd, flags, 1, slot)
    except OSError as exc:
        if exc.errno in (errno.EAGAIN, errno.EACCES):
            raise ThreadBusyError(thread_id) from None
        raise
    try:
        yield
    finally:
        fcntl.lockf(fd, fcntl.LOCK_UN, 1, slot)
