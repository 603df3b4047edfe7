"""PostgreSQL mode: the store and the checkpointer share PostgreSQL, so another instance can
pick up a pending approval."""

from __future__ import annotations

import pytest
from langchain_core.messages import AIMessage

from erp.store import replace_snapshot
from graph.checkpoint import open_checkpointer
from graph.service import Copilot
from tests.conftest import small_network
from tests.graph.conftest import erp_documents
from tests.support.scripted_model import Script, ScriptedChatModel, call
from tools.workspace import Workspace

pytestmark = pytest.mark.postgres


def test_pending_approval_is_shared_through_postgres(pg_settings):
    script = Script()
    script.turns.append(
        AIMessage(
            "",
            tool_calls=[
                call("draft_transfer", sku="A", from_location="DC1", to_location="S1", qty=20)
            ],
        )
    )
    first_ws = Workspace.open(pg_settings)
    replace_snapshot(first_ws.engine, small_network(), source="t")
    saver = open_checkpointer(pg_settings)
    assert type(saver).__name__ == "PostgresSaver"
    first = Copilot(first_ws, checkpointer=saver, model=ScriptedChatModel(respond=script))
    asked = first.ask("move 20 A to S1", user="alice", thread_id="pg-1")
    assert len(asked.pending) == 1

    # Another instance (think: another replica) sees the same pending approval and decides it.
    other_ws = Workspace.open(pg_settings)
    other = Copilot(
        other_ws,
        checkpointer=open_checkpointer(pg_settings),
        model=ScriptedChatModel(respond=script),
    )
    assert [a.proposal_id for a in other.pending("pg-1")] == [asked.pending[0].proposal_id]
    done = other.decide("pg-1", user="bob", decision="approve")
    assert done.outcomes[0]["outcome"] == "committed"
    assert erp_documents(other_ws) == {"ledger": 1, "purchase_orders": 0, "transfers": 1}
    assert not first.pending("pg-1")
    assert other_ws.governance.audit.verify().ok
