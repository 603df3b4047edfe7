"""PostgreSQL mode over HTTP: two app instances share the store and the checkpointer, so a
draft made through one is decided through the other."""

from __future__ import annotations

from contextlib import ExitStack
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from erp.store import replace_snapshot
from graph.checkpoint import open_checkpointer
from graph.service import Copilot
from stockpilot.settings import Settings
from tests.api.copilot_app import auth, draft_transfer
from tests.conftest import small_network
from tests.graph.conftest import Script, erp_documents
from tests.support.scripted_model import ScriptedChatModel
from tools.workspace import Workspace
from ui.server import create_served_app

pytestmark = pytest.mark.postgres


@pytest.fixture
def pg_settings(postgres_url: str, tmp_path: Path) -> Settings:
    return Settings(
        _env_file=None,
        environment="development",
        api_tokens={},
        database_url=postgres_url,
        plan_cache_dir=tmp_path / "cache",
    )


def test_a_draft_through_one_instance_is_approved_through_another(pg_settings):
    script = Script()
    with ExitStack() as stack:
        clients: list[TestClient] = []
        for i in range(2):  # two replicas: each its own workspace, checkpointer and copilot
            ws = Workspace.open(pg_settings)
            if i == 0:
                replace_snapshot(ws.engine, small_network(), source="t")
            saver = open_checkpointer(pg_settings)
            assert type(saver).__name__ == "PostgresSaver"
            copilot = Copilot(ws, checkpointer=saver, model=ScriptedChatModel(respond=script))
            stack.callback(saver.conn.close)
            app = create_served_app(pg_settings, workspace=ws, copilot=copilot)
            clients.append(stack.enter_context(TestClient(app)))
        a, b = clients

        script.turns.append(draft_transfer(20))
        made = a.post("/v1/threads", json={"content": "move 20 A"}, headers=auth("alice"))
        assert made.status_code == 201, made.text
        thread_id = made.json()["thread_id"]
        [pending] = made.json()["turn"]["pending"]

        [item] = b.get("/v1/approvals", headers=auth("bob")).json()["items"]
        assert (item["thread_id"], item["interrupt_id"], item["proposal_id"]) == (
            thread_id,
            pending["interrupt_id"],
            pending["proposal_id"],
        )
        done = b.post(
            f"/v1/approvals/{thread_id}/{item['interrupt_id']}",
            json={"decision": "approve"},
            headers=auth("bob"),
        )
        assert done.status_code == 200, done.text
        [outcome] = done.json()["outcomes"]
        assert outcome["outcome"] == "committed"

        # Instance A sees it decided: a 409 with the current state, and the document.
        again = a.post(
            f"/v1/approvals/{thread_id}/{item['interrupt_id']}",
            json={"decision": "approve", "proposal_id": item["proposal_id"]},
            headers=auth("carol"),
        )
        assert again.status_code == 409
        assert again.json()["error"]["code"] == "not_pending"
        assert again.json()["error"]["proposal"]["status"] == "committed"
        assert again.json()["error"]["proposal"]["document_id"] == outcome["document_id"]
        seen = a.get(f"/v1/proposals/{item['proposal_id']}", headers=auth("victor"))
        assert seen.status_code == 200
        assert seen.json()["status"] == "committed"
        assert seen.json()["document_id"] == outcome["document_id"]
        assert a.get("/v1/approvals", headers=auth("bob")).json()["items"] == []
        view = a.get(f"/v1/threads/{thread_id}", headers=auth("alice")).json()
        assert (
            view["pending"] == [] and view["committed"][0]["document_id"] == outcome["document_id"]
        )
        ws_a = a.app.state.workspace  # type: ignore[attr-defined]
        assert erp_documents(ws_a) == {"ledger": 1, "purchase_orders": 0, "transfers": 1}
        assert ws_a.governance.audit.verify().ok
