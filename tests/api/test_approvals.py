"""The approvals API: the inbox and its filters, each decision, authority, conflicts, races."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from langchain_core.messages import AIMessage

from erp.store import load_network
from stockpilot.settings import Settings
from tests.api.copilot_app import ApiEnv, auth, draft_po, draft_transfer
from tests.graph.conftest import erp_documents
from tests.support.scripted_model import call

NO_DOCS = {"ledger": 0, "purchase_orders": 0, "transfers": 0}


@pytest.fixture
def env(tmp_path: Path) -> Iterator[ApiEnv]:
    e = ApiEnv(tmp_path)
    yield e
    e.close()


@pytest.fixture
def api(env: ApiEnv) -> TestClient:
    return env.client()


def draft(api: TestClient, env: ApiEnv, reply: Any, user: str = "alice") -> dict[str, Any]:
    """Start a thread whose first turn drafts `reply`; return the pending action."""
    env.script.turns.append(reply)
    r = api.post("/v1/threads", json={"content": "please draft"}, headers=auth(user))
    assert r.status_code == 201, r.text
    [pending] = r.json()["turn"]["pending"]
    return {"thread_id": r.json()["thread_id"], **pending}


def decide(api: TestClient, item: dict[str, Any], user: str = "bob", **body: Any) -> Any:
    body.setdefault("decision", "approve")
    return api.post(
        f"/v1/approvals/{item['thread_id']}/{item['interrupt_id']}", json=body, headers=auth(user)
    )


def inbox(api: TestClient, user: str = "bob", **params: Any) -> list[dict[str, Any]]:
    r = api.get("/v1/approvals", params=params, headers=auth(user))
    assert r.status_code == 200, r.text
    assert r.json()["count"] == len(r.json()["items"])
    return list(r.json()["items"])


def test_inbox_lists_every_pending_approval_with_filters(api, env):
    s1 = draft(api, env, draft_transfer(20, to="S1"))  # value 80
    s2 = draft(api, env, draft_transfer(10, to="S2"))  # value 40
    po = draft(api, env, draft_po(48))  # value 192 at DC1
    items = inbox(api)
    assert [i["proposal_id"] for i in items] == [
        s1["proposal_id"],
        s2["proposal_id"],
        po["proposal_id"],
    ]
    first = items[0]
    assert first["thread_id"] == s1["thread_id"]
    assert first["interrupt_id"] == s1["interrupt_id"]
    assert first["kind"] == "transfer" and first["value"] == 80.0
    assert first["args"] == {"sku": "A", "from_location": "DC1", "to_location": "S1", "qty": 20}
    assert first["created_by"] == "alice" and first["created_at"]
    assert first["age_seconds"] >= 0 and "Transfer 20" in first["description"]

    def ids(**params: Any) -> set[str]:
        return {i["proposal_id"] for i in inbox(api, **params)}

    assert ids(location="S2") == {s2["proposal_id"]}
    assert ids(location="DC1") == {s1["proposal_id"], s2["proposal_id"], po["proposal_id"]}
    assert ids(kind="purchase_order") == {po["proposal_id"]}
    assert ids(min_value=100) == {po["proposal_id"]}
    assert ids(max_value=50) == {s2["proposal_id"]}
    assert ids(min_value=50, max_value=100, kind="transfer") == {s1["proposal_id"]}
    assert ids(decidable="true") == ids()  # bob may approve up to 25,000
    assert inbox(api, "alice", decidable="true") == []  # planners approve nothing
    assert len(inbox(api, "victor")) == 3  # viewers read the inbox


def test_decidable_respects_the_callers_authority(tmp_path):
    policy = tmp_path / "policy.yaml"
    policy.write_text(
        Path(Settings(_env_file=None).policy_file).read_text().replace("25000", "100")
    )
    env = ApiEnv(tmp_path, policy_file=policy)
    try:
        api = env.client()
        small = draft(api, env, draft_transfer(20))  # 80.00: within bob's 100
        big = draft(api, env, draft_po(48))  # 192.00: above it
        assert {i["proposal_id"] for i in inbox(api, decidable="true")} == {small["proposal_id"]}
        assert len(inbox(api, "carol", decidable="true")) == 2  # admin

        # Above authority: 200 with outcome refused, and it stays in the inbox.
        r = decide(api, big)
        assert r.status_code == 200, r.text
        [outcome] = r.json()["outcomes"]
        assert outcome["outcome"] == "refused" and "up to 100.00" in outcome["message"]
        [still] = r.json()["pending"]
        assert still["proposal_id"] == big["proposal_id"]
        assert still["interrupt_id"] != big["interrupt_id"]  # the gate asked again
        [item] = [i for i in inbox(api) if i["proposal_id"] == big["proposal_id"]]
        assert item["interrupt_id"] == still["interrupt_id"]
        assert erp_documents(env.workspace) == NO_DOCS

        done = decide(api, item, "carol")
        assert done.json()["outcomes"][0]["outcome"] == "committed"
        assert erp_documents(env.workspace)["purchase_orders"] == 1
    finally:
        env.close()


def test_approve_commits_one_document_and_empties_the_inbox(api, env):
    item = draft(api, env, draft_transfer(20))
    r = decide(api, item)
    assert r.status_code == 200, r.text
    [outcome] = r.json()["outcomes"]
    assert outcome["outcome"] == "committed" and outcome["decided_by"] == "bob"
    assert outcome["document_id"].startswith("TR-SP-")
    assert r.json()["committed"][0]["document_id"] == outcome["document_id"]
    assert r.json()["pending"] == []
    assert erp_documents(env.workspace) == {"ledger": 1, "purchase_orders": 0, "transfers": 1}
    assert inbox(api) == []
    proposal = env.workspace.governance.proposals.get(item["proposal_id"])
    assert proposal.status == "committed" and proposal.document_id == outcome["document_id"]
    assert "stockpilot_commits_total 1.0" in api.get("/metrics").text


def test_edit_commits_the_new_quantity(api, env):
    item = draft(api, env, draft_transfer(20))
    r = decide(api, item, decision="edit", qty=30)
    assert r.json()["outcomes"][0]["outcome"] == "committed"
    tr = load_network(env.workspace.engine).transfers
    assert tr[tr["transfer_id"].str.startswith("TR-SP-")]["qty"].tolist() == [30]


def test_edit_needs_a_positive_qty_and_only_edits_take_one(api, env):
    item = draft(api, env, draft_transfer(20))
    for body, field in [
        ({"decision": "edit"}, "body.qty"),
        ({"decision": "edit", "qty": 0}, "body.qty"),
        ({"decision": "edit", "qty": "many"}, "body.qty"),
        ({"decision": "edit", "qty": True}, "body.qty"),  # quantities are strict integers
        ({"decision": "edit", "qty": "5"}, "body.qty"),
        ({"decision": "edit", "qty": 5.0}, "body.qty"),
        ({"decision": "edit", "qty": 5.5}, "body.qty"),
        ({"decision": "edit", "qty": 2**70}, "body.qty"),
        ({"decision": "approve", "qty": 5}, "body.qty"),
        ({"decision": "maybe"}, "body.decision"),
        ({"decision": "reject", "message": "x" * 2001}, "body.message"),
        ({"decision": "approve", "proposal_id": "no spaces please"}, "body.proposal_id"),
        ({"decision": "approve", "extra": True}, "body.extra"),
    ]:
        r = decide(api, item, **body)
        assert r.status_code == 422, body
        assert r.json()["error"]["field"] == field, body
    assert erp_documents(env.workspace) == NO_DOCS
    assert len(inbox(api)) == 1


def test_edit_beyond_what_the_source_can_spare_is_refused(api, env):
    item = draft(api, env, draft_transfer(20))
    r = decide(api, item, decision="edit", qty=250)
    assert r.status_code == 200
    assert r.json()["outcomes"][0]["outcome"] == "refused"
    assert len(r.json()["pending"]) == 1


def test_reject_writes_nothing(api, env):
    item = draft(api, env, draft_transfer(20))
    r = decide(api, item, decision="reject", message="S1 is being refitted")
    [outcome] = r.json()["outcomes"]
    assert outcome["outcome"] == "rejected" and outcome["message"] == "S1 is being refitted"
    assert "S1 is being refitted" in r.json()["answer"]
    assert erp_documents(env.workspace) == NO_DOCS
    assert env.workspace.governance.proposals.get(item["proposal_id"]).status == "rejected"
    assert inbox(api) == []


def test_respond_sends_the_message_back_to_the_agent(api, env):
    item = draft(api, env, draft_transfer(20))
    r = decide(api, item, decision="respond", message="use S2's stock instead")
    assert r.status_code == 200
    assert "use S2's stock instead" in r.json()["answer"]
    assert erp_documents(env.workspace) == NO_DOCS


def test_deciding_twice_is_409_with_the_current_state(api, env):
    item = draft(api, env, draft_transfer(20))
    doc = decide(api, item).json()["outcomes"][0]["document_id"]
    r = decide(api, item, proposal_id=item["proposal_id"])
    assert r.status_code == 409
    error = r.json()["error"]
    assert error["code"] == "not_pending"
    assert error["thread_id"] == item["thread_id"] and error["pending"] == []
    assert error["proposal"] == {
        "id": item["proposal_id"],
        "status": "committed",
        "decided_by": "bob",
        "decision": "approve",
        "document_id": doc,
    }
    r = decide(api, item, "carol", decision="reject")  # without proposal_id: no proposal block
    assert r.status_code == 409 and r.json()["error"]["proposal"] is None
    assert erp_documents(env.workspace)["ledger"] == 1


def test_a_stale_interrupt_id_is_409_naming_the_pending_one(api, env):
    item = draft(api, env, draft_transfer(20))
    r = decide(api, {**item, "interrupt_id": "0123abcd"})
    assert r.status_code == 409
    error = r.json()["error"]
    assert error["code"] == "stale_interrupt"
    assert [p["interrupt_id"] for p in error["pending"]] == [item["interrupt_id"]]
    r = decide(api, item, proposal_id="PR-NOT-HERE")
    assert r.status_code == 409 and r.json()["error"]["code"] == "stale_interrupt"
    assert erp_documents(env.workspace) == NO_DOCS
    assert len(inbox(api)) == 1  # untouched


def test_racing_decisions_over_http_commit_exactly_once(api, env):
    item = draft(api, env, draft_transfer(20))
    # Two app instances (separate copilots, so no shared in-process lock), two clients each.
    clients = [api, api, env.client(), env.client()]
    barrier = threading.Barrier(len(clients))
    statuses: list[int] = []
    docs: set[str] = set()

    def race(client: TestClient) -> None:
        barrier.wait()
        r = decide(client, item)
        statuses.append(r.status_code)
        if r.status_code == 200:
            docs.update(o["document_id"] for o in r.json()["outcomes"] if o.get("document_id"))

    threads = [threading.Thread(target=race, args=(c,)) for c in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(set(statuses)) in ([200], [200, 409])
    assert 200 in statuses
    assert erp_documents(env.workspace) == {"ledger": 1, "purchase_orders": 0, "transfers": 1}
    assert len(docs) == 1
    events = [e.event for e in env.workspace.governance.audit.entries()]
    assert events.count("commit") == 1 and events.count("decision") == 1


def test_only_deciders_may_decide(api, env):
    item = draft(api, env, draft_transfer(20))
    assert decide(api, item, "victor").status_code == 403
    r = decide(api, item, "alice")
    assert r.status_code == 403 and r.json()["error"]["code"] == "forbidden"
    r = api.post(
        f"/v1/approvals/{item['thread_id']}/{item['interrupt_id']}", json={"decision": "approve"}
    )
    assert r.status_code == 401
    assert api.get("/v1/approvals").status_code == 401
    assert erp_documents(env.workspace) == NO_DOCS


def test_unknown_thread_and_bad_filters(api):
    r = decide(api, {"thread_id": "t-nope", "interrupt_id": "abc"})
    assert r.status_code == 404
    r = api.get("/v1/approvals", params={"kind": "teleport"}, headers=auth("bob"))
    assert r.status_code == 422 and r.json()["error"]["field"] == "query.kind"
    r = api.get("/v1/approvals", params={"min_value": "-1"}, headers=auth("bob"))
    assert r.status_code == 422 and r.json()["error"]["field"] == "query.min_value"
    r = api.get("/v1/approvals", params={"decidable": "perhaps"}, headers=auth("bob"))
    assert r.status_code == 422


def test_a_draft_without_need_carries_its_warning_to_the_proposal_and_the_inbox(api, env):
    # S2 sells no B: no need there, and any stock is beyond the class's maximum cover.
    no_need = AIMessage(
        "",
        tool_calls=[
            call("draft_purchase_order", sku="B", location_id="S2", supplier_id="V1", qty=48)
        ],
    )
    po = draft(api, env, no_need)
    [warning] = [w for w in po["warnings"] if "no need" in w]
    assert warning.startswith("S2 has no need for B: its position 0 is at or above")
    assert f"**Warning:** {warning}" in po["description"]
    [item] = inbox(api)
    assert item["warnings"] == po["warnings"]
    r = api.get("/v1/proposals", headers=auth("bob"))
    assert r.status_code == 200, r.text
    [stored] = r.json()["items"]
    assert stored["warnings"] == po["warnings"] == stored["evidence"]["warnings"]
    # A transfer S1 needs says nothing.
    assert draft(api, env, draft_transfer(20, to="S1"))["warnings"] == []
