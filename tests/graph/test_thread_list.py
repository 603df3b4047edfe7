"""`graph.service.list_threads` on any checkpointer (the generic path walks checkpoints)."""

from __future__ import annotations

from langgraph.checkpoint.memory import InMemorySaver

from graph.service import Copilot, list_threads
from tests.support.scripted_model import ScriptedChatModel


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
