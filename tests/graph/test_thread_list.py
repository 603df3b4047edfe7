"""`graph.service.list_threads`: one SQL query on SQLite / PostgreSQL, a walk elsewhere."""

from __future__ import annotations

import pytest
from langgraph.checkpoint.memory import InMemorySaver

from erp.store import replace_snapshot
from graph.checkpoint import open_checkpointer
from graph.service import Copilot, list_threads
from tests.conftest import small_network
from tests.support.scripted_model import ScriptedChatModel
from tools.workspace import Workspace


def test_list_threads_on_an_in_memory_checkpointer(workspace, script):
    copilot = Copilot(
        workspace, checkpointer=InMemorySaver(), model=ScriptedChatModel(respond=script)
    )
    copilot.ask("first question", user="alice", thread_id="t-a")
    copilot.ask("from carol", user="carol", thread_id="t-c")
    copilot.ask("second question", user="alice", thread_id="t-b")
    mine = list_threads(copilot, user="alice")
    assert [t.thread_id for t in mine] == ["t-b", "t-a"]
    assert mine[1].title == "first question" and mine[1].last_message == "Nothing to do."
    assert [t.thread_id for t in list_threads(copilot, limit=2)] == ["t-b", "t-c"]


def _ask_three(copilot: Copilot) -> None:
    copilot.ask("first question", user="alice", thread_id="t-a")
    copilot.ask("from carol", user="carol", thread_id="t-c")
    copilot.ask("second question", user="alice", thread_id="t-b")


def _check(copilot: Copilot) -> None:
    mine = list_threads(copilot, user="alice")
    assert [t.thread_id for t in mine] == ["t-b", "t-a"]
    assert mine[1].title == "first question" and mine[1].last_message == "Nothing to do."
    assert [t.thread_id for t in list_threads(copilot, limit=2)] == ["t-b", "t-c"]
    assert list_threads(copilot, user="nobody") == []


def test_list_threads_on_the_sqlite_checkpointer(make_copilot):
    copilot = make_copilot()
    assert type(copilot.checkpointer).__name__ == "SqliteSaver"
    _ask_three(copilot)
    _check(copilot)


@pytest.mark.postgres
def test_list_threads_on_the_postgres_checkpointer(pg_settings, script):
    ws = Workspace.open(pg_settings)
    replace_snapshot(ws.engine, small_network(), source="t")
    saver = open_checkpointer(pg_settings)
    assert type(saver).__name__ == "PostgresSaver"
    copilot = Copilot(ws, checkpointer=saver, model=ScriptedChatModel(respond=script))
    _ask_three(copilot)
    _check(copilot)


def test_a_thread_stays_its_openers_after_someone_else_writes(make_copilot):
    copilot = make_copilot()
    copilot.ask("alice asks", user="alice", thread_id="t-own")
    copilot.ask("carol follows up", user="carol", thread_id="t-own")
    (alices,) = list_threads(copilot, user="alice")
    assert alices.thread_id == "t-own" and alices.owner == "alice" and alices.user == "carol"
    assert [t.thread_id for t in list_threads(copilot, user="carol")] == ["t-own"]
    assert list_threads(copilot, user="bob") == []
