"""Per-thread locks across processes, and the checkpoint schema set up once by racing workers."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from langgraph.checkpoint.sqlite import SqliteSaver

from graph.locks import ThreadBusyError, ThreadLocks
from stockpilot.settings import Settings

PROBE = textwrap.dedent(
    """
    import sqlite3, sys
    from langgraph.checkpoint.sqlite import SqliteSaver
    from graph.locks import ThreadBusyError, ThreadLocks
    locks = ThreadLocks(SqliteSaver(sqlite3.connect(sys.argv[1], check_same_thread=False)))
    try:
        with locks.hold(sys.argv[2], wait=False):
            print("free")
    except ThreadBusyError:
        print("busy")
    """
)


def _probe(path: Path, thread: str) -> str:
    out = subprocess.run(
        [sys.executable, "-c", PROBE, str(path), thread], capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr
    return out.stdout.strip()


def test_a_thread_held_here_is_busy_in_another_process(tmp_path: Path) -> None:
    path = tmp_path / "checkpoints.db"
    locks = ThreadLocks(SqliteSaver(sqlite3.connect(path, check_same_thread=False)))
    with locks.hold("t-1"):
        assert _probe(path, "t-1") == "busy"
        assert _probe(path, "t-2") == "free"
        with pytest.raises(ThreadBusyError):  # and in this process, from another thread
            import threading

            errors: list[BaseException] = []

            def other() -> None:
                try:
                    with locks.hold("t-1", wait=False):
                        pass
                except BaseException as exc:
                    errors.append(exc)

            t = threading.Thread(target=other)
            t.start()
            t.join()
            raise errors[0]
    assert _probe(path, "t-1") == "free"


SETUP = textwrap.dedent(
    """
    import sys, time
    from graph.checkpoint import open_checkpointer
    from stockpilot.settings import Settings
    time.sleep(max(0.0, float(sys.argv[2]) - time.time()))
    saver = open_checkpointer(Settings(_env_file=None, database_url=sys.argv[1]))
    print("ok")
    """
)


@pytest.mark.postgres
def test_workers_starting_together_set_the_checkpoint_schema_up_once(
    pg_settings: Settings,
) -> None:
    start = time.time() + 3.0
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", SETUP, pg_settings.database_url, str(start)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(4)
    ]
    results = [p.communicate(timeout=60) for p in procs]
    assert all(p.returncode == 0 for p in procs), [err[-400:] for _, err in results]
    assert [out.strip() for out, _ in results] == ["ok"] * 4
