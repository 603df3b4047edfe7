"""The API additions the workbench uses: the thread list and the SKU-location projection."""

from __future__ import annotations

import numpy as np
from langchain_core.messages import AIMessage

from tests.api.conftest import auth, draft_transfer_reply
from tests.support.scripted_model import call


def test_thread_list_is_per_user_newest_first_with_pending_counts(client, copilot, script):
    script.turns.append(draft_transfer_reply(qty=20))
    first = copilot.ask("move 20 A to S1", user="alice", thread_id="t-one").thread_id
    second = copilot.open_thread(user="alice")
    copilot.ask("hello", user="carol", thread_id="t-carol")
    body = client.get("/v1/threads", headers=auth("alice")).json()
    assert [t["thread_id"] for t in body["items"]] == [second, first]
    assert body["count"] == 2
    one = body["items"][1]
    assert one["title"] == "move 20 A to S1" and one["pending"] == 1 and one["user"] == "alice"
    assert one["message_count"] >= 3 and one["updated_at"]
    assert body["items"][0]["title"] == "(new thread)" and body["items"][0]["pending"] == 0
    everyone = client.get("/v1/threads", params={"scope": "all"}, headers=auth("victor")).json()
    assert {t["thread_id"] for t in everyone["items"]} == {first, second, "t-carol"}
    assert (
        client.get("/v1/threads", params={"limit": 1}, headers=auth("alice")).json()["count"] == 1
    )
    # Deciding clears the pending count; the thread stays alice's.
    copilot.decide(first, user="bob", decision="approve")
    after = client.get("/v1/threads", headers=auth("alice")).json()["items"]
    assert {t["thread_id"]: t["pending"] for t in after}[first] == 0


def test_thread_list_refuses_bad_input_and_anonymous_callers(client):
    assert client.get("/v1/threads").status_code == 401
    bad = client.get("/v1/threads", params={"scope": "others"}, headers=auth("alice"))
    assert bad.status_code == 422 and bad.json()["error"]["field"] == "query.scope"
    assert client.get("/v1/threads", params={"limit": 0}, headers=auth("alice")).status_code == 422


def test_projection_matches_the_plan(client, workspace):
    r = client.get("/v1/skus/A/locations/S2/projection", headers=auth("victor"))
    assert r.status_code == 200
    body = r.json()
    plan = workspace.plans.plan()
    row = plan.row_of("A", "S2")
    assert [d["projected_on_hand"] for d in body["days"]] == list(np.round(plan.projected[row], 3))
    assert [d["forecast"] for d in body["days"]] == list(np.round(plan.demand[row], 3))
    assert all(d["forecast_lower"] <= d["forecast"] <= d["forecast_upper"] for d in body["days"])
    assert body["policy"]["safety_stock"] == round(
        float(plan.positions.iloc[row]["safety_stock"]), 3
    )
    assert body["policy"]["reorder_point"] == round(
        float(plan.positions.iloc[row]["reorder_point"]), 3
    )
    # The in-transit transfer T1 (10 units, expected 2026-04-01) is a marker and a receipt.
    assert [(s["document_id"], s["qty"], s["arrival_date"]) for s in body["supply"]] == [
        ("T1", 10.0, "2026-04-01")
    ]
    assert body["days"][0]["receipts"] == 10.0
    assert len(body["history"]) == 56 and body["history"][-1] == {
        "date": "2026-03-31",
        "units": 3.0,
    }
    assert body["proposal"] is None and body["after"] is None


def test_projection_of_a_dc_sums_its_stores_history(client):
    body = client.get(
        "/v1/skus/A/locations/DC1/projection", params={"history_days": 7}, headers=auth("alice")
    ).json()
    assert body["history_locations"] == ["S1", "S2"]
    assert [h["units"] for h in body["history"]] == [8.0] * 7
    assert [s["document_id"] for s in body["supply"]] == ["P1"]


def test_projection_after_a_proposed_transfer(client, copilot, script):
    script.turns.append(draft_transfer_reply(qty=20))
    turn = copilot.ask("move 20 A to S1", user="alice", thread_id="t-draft")
    pid = turn.pending[0].proposal_id
    body = client.get(
        "/v1/skus/A/locations/S1/projection", params={"proposal_id": pid}, headers=auth("alice")
    ).json()
    p = body["proposal"]
    assert p["id"] == pid and p["applied"] and p["effect"] == "receipt"
    assert p["date"] == "2026-04-02"  # the DC1 → S1 lane takes 2 days
    added = [d["receipts_after"] - d["receipts"] for d in body["days"]]
    assert added[1] == 20 and sum(added) == 20
    assert body["after"]["unmet_units"] == round(body["base"]["unmet_units"] - 20, 1)
    # At the source the stock leaves today: less on hand from day one.
    source = client.get(
        "/v1/skus/A/locations/DC1/projection", params={"proposal_id": pid}, headers=auth("alice")
    ).json()
    assert source["proposal"]["effect"] == "issue"
    first = source["days"][0]
    assert first["projected_on_hand_after"] == round(first["projected_on_hand"] - 20, 3)
    # Once committed the transfer is open supply in the plan: nothing is added twice.
    copilot.decide(turn.thread_id, user="bob", decision="approve")
    done = client.get(
        "/v1/skus/A/locations/S1/projection", params={"proposal_id": pid}, headers=auth("alice")
    ).json()
    assert done["proposal"]["status"] == "committed" and not done["proposal"]["applied"]
    assert done["after"] is None
    assert done["proposal"]["document_id"] in {s["document_id"] for s in done["supply"]}


def test_projection_errors_name_the_problem(client, copilot, script):
    script.turns.append(
        AIMessage(
            "",
            tool_calls=[
                call("draft_purchase_order", sku="B", location_id="DC1", supplier_id="V1", qty=48)
            ],
        )
    )
    pid = copilot.ask("order B", user="alice", thread_id="t-po").pending[0].proposal_id
    wrong = client.get(
        "/v1/skus/A/locations/S1/projection", params={"proposal_id": pid}, headers=auth("alice")
    )
    assert wrong.status_code == 422
    assert wrong.json()["error"]["field"] == "proposal_id"
    assert "does not touch A at S1" in wrong.json()["error"]["message"]
    unknown = client.get(
        "/v1/skus/A/locations/S1/projection",
        params={"proposal_id": "PR-NOPE"},
        headers=auth("alice"),
    )
    assert unknown.status_code == 404 and "PR-NOPE" in unknown.json()["error"]["message"]
    assert (
        client.get("/v1/skus/Z/locations/S1/projection", headers=auth("alice")).status_code == 404
    )
    bad = client.get(
        "/v1/skus/A/locations/S1/projection",
        params={"proposal_id": "x y"},
        headers=auth("alice"),
    )
    assert bad.status_code == 422 and bad.json()["error"]["field"] == "query.proposal_id"
    assert client.get("/v1/skus/A/locations/S1/projection").status_code == 401
