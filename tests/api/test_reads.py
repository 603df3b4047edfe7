"""Every read endpoint: happy path, filters, paging, 404s and 422s with the offending field."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient

from graph.service import Copilot
from tests.api.conftest import auth

R = auth("victor")  # a viewer can read everything below


def error(resp) -> dict:
    body = resp.json()
    assert set(body) == {"error"}, body
    assert body["error"]["code"] and body["error"]["message"]
    return body["error"]


# -- exceptions ------------------------------------------------------------------------------


def test_exceptions_list_is_ranked_with_totals(client: TestClient) -> None:
    resp = client.get("/v1/exceptions", headers=R)
    assert resp.status_code == 200
    body = resp.json()
    assert body["limit"] == 50 and body["offset"] == 0
    assert body["total"] == len(body["items"]) == 2
    ids = [e["id"] for e in body["items"]]
    assert ids == ["promo_uncovered:A@S1", "inventory_anomaly:B@S2"]
    assert body["items"][0]["recommendation"]["kind"] == "transfer"
    totals = body["totals_by_type"]
    assert totals["promo_uncovered"]["count"] == 1
    assert totals["inventory_anomaly"] == {"count": 1, "money_at_risk": 6.0}
    assert sum(t["count"] for t in totals.values()) == body["total"]


@pytest.mark.parametrize(
    ("query", "ids"),
    [
        ("type=inventory_anomaly", ["inventory_anomaly:B@S2"]),
        ("type=overstock", []),
        ("location=S1", ["promo_uncovered:A@S1"]),
        ("sku=B", ["inventory_anomaly:B@S2"]),
        ("sku=B&location=S1", []),
        ("category=Household", ["promo_uncovered:A@S1", "inventory_anomaly:B@S2"]),
        ("category=Toys", []),
        ("min_money=100", ["promo_uncovered:A@S1"]),
        ("min_money=0", ["promo_uncovered:A@S1", "inventory_anomaly:B@S2"]),
    ],
)
def test_exceptions_filters(client: TestClient, query: str, ids: list[str]) -> None:
    body = client.get(f"/v1/exceptions?{query}", headers=R).json()
    assert [e["id"] for e in body["items"]] == ids
    assert body["total"] == len(ids)
    assert sum(t["count"] for t in body["totals_by_type"].values()) == len(ids)


def test_exceptions_paging_keeps_totals_of_everything(client: TestClient) -> None:
    first = client.get("/v1/exceptions?limit=1", headers=R).json()
    second = client.get("/v1/exceptions?limit=1&offset=1", headers=R).json()
    past = client.get("/v1/exceptions?limit=1&offset=5", headers=R).json()
    assert [e["id"] for e in first["items"]] == ["promo_uncovered:A@S1"]
    assert [e["id"] for e in second["items"]] == ["inventory_anomaly:B@S2"]
    assert past["items"] == []
    assert first["total"] == second["total"] == past["total"] == 2
    assert (first["limit"], second["offset"]) == (1, 1)
    assert first["totals_by_type"] == past["totals_by_type"]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("limit=0", "query.limit"),
        ("limit=501", "query.limit"),
        ("limit=ten", "query.limit"),
        ("offset=-1", "query.offset"),
        ("type=bogus", "query.type"),
        ("min_money=-5", "query.min_money"),
        ("min_money=lots", "query.min_money"),
        ("sku=" + "X" * 65, "query.sku"),
    ],
)
def test_exceptions_bad_query_is_422_naming_the_field(
    client: TestClient, query: str, field: str
) -> None:
    resp = client.get(f"/v1/exceptions?{query}", headers=R)
    assert resp.status_code == 422
    err = error(resp)
    assert err["code"] == "invalid_request"
    assert err["field"] == field
    assert field in err["message"]


def test_one_exception_with_position_and_supply(client: TestClient) -> None:
    resp = client.get("/v1/exceptions/promo_uncovered:A@S1", headers=R)
    assert resp.status_code == 200
    body = resp.json()
    assert body["id"] == "promo_uncovered:A@S1"
    assert body["position"]["sku"] == "A" and body["position"]["location_id"] == "S1"
    assert body["evidence"]["on_hand"] == 30.0
    assert body["recommendation"]["from_location"] == "DC1"
    assert body["open_supply"] == []


def test_one_exception_says_whether_its_cover_is_capped(client: TestClient) -> None:
    # The same position record as the copilot's explain_exception: never a silent cap.
    body = client.get("/v1/exceptions/promo_uncovered:A@S1", headers=R).json()
    assert body["position"]["days_of_cover_capped"] is False
    assert "days_of_cover_beyond_horizon" not in body["position"]


def test_one_exception_url_encoded_id(client: TestClient) -> None:
    resp = client.get(f"/v1/exceptions/{quote('inventory_anomaly:B@S2', safe='')}", headers=R)
    assert resp.status_code == 200
    assert resp.json()["id"] == "inventory_anomaly:B@S2"


def test_one_exception_open_supply(client: TestClient) -> None:
    # S2 has a transfer in transit; it is listed when S2 has an exception for A.
    for exc in client.get("/v1/exceptions", headers=R).json()["items"]:
        detail = client.get(f"/v1/exceptions/{exc['id']}", headers=R).json()
        assert isinstance(detail["open_supply"], list)


@pytest.mark.parametrize(
    "exception_id", ["nope", "stockout_risk:A@S1", "late_po:A@DC1:P9", "a/b/c"]
)
def test_unknown_exception_is_404_json(client: TestClient, exception_id: str) -> None:
    resp = client.get(f"/v1/exceptions/{exception_id}", headers=R)
    assert resp.status_code == 404
    err = error(resp)
    assert err["code"] == "not_found"
    assert "ids look like" in err["message"]


# -- network ---------------------------------------------------------------------------------


def test_sku_positions(client: TestClient) -> None:
    body = client.get("/v1/skus/A/positions", headers=R).json()
    assert {p["location_id"] for p in body["items"]} == {"DC1", "S1", "S2"}
    one = client.get("/v1/skus/A/positions?location=S2", headers=R).json()
    [pos] = one["items"]
    assert pos["in_transit"] == 10.0 and pos["on_hand"] == 12.0


def test_sku_positions_404(client: TestClient) -> None:
    resp = client.get("/v1/skus/ZZZ/positions", headers=R)
    assert resp.status_code == 404
    assert "ZZZ" in error(resp)["message"]
    resp = client.get("/v1/skus/A/positions?location=NOWHERE", headers=R)
    assert resp.status_code == 404


def test_location_positions_fewest_days_first(client: TestClient) -> None:
    body = client.get("/v1/locations/S1/positions", headers=R).json()
    covers = [p["days_of_cover"] for p in body["items"]]
    assert {p["sku"] for p in body["items"]} == {"A", "B"}
    assert covers == sorted(covers, key=lambda c: (c is None, c))
    top = client.get("/v1/locations/S1/positions?top=1", headers=R).json()
    assert top["items"] == body["items"][:1]


def test_location_positions_errors(client: TestClient) -> None:
    assert client.get("/v1/locations/NOWHERE/positions", headers=R).status_code == 404
    resp = client.get("/v1/locations/S1/positions?top=0", headers=R)
    assert resp.status_code == 422 and error(resp)["field"] == "query.top"


def test_forecast(client: TestClient) -> None:
    resp = client.get("/v1/forecasts/A/S1?horizon=7", headers=R)
    assert resp.status_code == 200
    body = resp.json()
    assert (body["sku"], body["location"]) == ("A", "S1")
    assert len(body["forecast"]) == 7
    day = body["forecast"][0]
    assert day["lower"] <= day["mean"] <= day["upper"]
    assert set(body["accuracy"]) == {"wape", "bias", "mase"}


@pytest.mark.parametrize(
    ("path", "status", "field"),
    [
        ("/v1/forecasts/A/S1?horizon=0", 422, "query.horizon"),
        ("/v1/forecasts/A/S1?horizon=366", 422, "query.horizon"),
        ("/v1/forecasts/ZZZ/S1", 404, None),
        ("/v1/forecasts/A/NOWHERE", 404, None),
    ],
)
def test_forecast_errors(client: TestClient, path: str, status: int, field: str | None) -> None:
    resp = client.get(path, headers=R)
    assert resp.status_code == status
    err = error(resp)
    if field:
        assert err["field"] == field


def test_suppliers(client: TestClient) -> None:
    body = client.get("/v1/suppliers", headers=R).json()
    assert [s["supplier_id"] for s in body["items"]] == ["V1", "V2"]
    of_b = client.get("/v1/suppliers?sku=B", headers=R).json()
    assert [s["supplier_id"] for s in of_b["items"]] == ["V1"]
    one = client.get("/v1/suppliers/V1", headers=R).json()
    assert one["name"] == "Acme Wholesale"
    assert one["open_po_lines"] == 1 and one["late_pos"] == []


def test_supplier_errors(client: TestClient) -> None:
    assert client.get("/v1/suppliers/NOPE", headers=R).status_code == 404
    assert client.get("/v1/suppliers?sku=ZZZ", headers=R).status_code == 404
    resp = client.get("/v1/suppliers?sku=", headers=R)
    assert resp.status_code == 422 and error(resp)["field"] == "query.sku"


def test_orders(client: TestClient) -> None:
    body = client.get("/v1/orders?top=1", headers=R).json()
    assert body["returned"] == min(1, body["total"]) and body["lines"] == body["total"]
    assert body["truncated"] == (body["total"] > 1)
    # The lines waiting a review for an MOQ round-up, counted and paged beside the lines.
    assert body["waiting_for_moq_returned"] == len(body["waiting_for_moq_items"])
    assert body["waiting_for_moq_returned"] == min(1, body["waiting_for_moq"])
    dc = client.get("/v1/orders?location=DC1&compact=true", headers=R).json()
    assert all(i.get("reason") is None for i in dc["items"])
    assert all("DC1" in (i["location"], i.get("from_location")) for i in dc["items"])
    v2 = client.get("/v1/orders?supplier_id=V2", headers=R).json()
    assert v2["lines"] == 0 and v2["why_nothing"]
    assert client.get("/v1/orders?supplier_id=NOPE", headers=R).status_code == 404
    assert client.get("/v1/orders?top=0", headers=R).status_code == 422


def test_what_if(client: TestClient) -> None:
    body = {"sku": "A", "location": "DC1", "supplier_delay_days": 30, "demand_factor": 1.5}
    resp = client.post("/v1/what-if", json=body, headers=R)
    assert resp.status_code == 200
    out = resp.json()
    assert out["scenario"]["supplier_delay_days"] == 30
    assert out["scenario"]["demand_factor"] == 1.5
    assert [po["po_id"] for po in out["delayed_purchase_orders"]] == ["P1"]
    assert out["with_scenario"]["forecast_units"] > out["base"]["forecast_units"]
    # The documented `change.anything_changed` is a boolean, the whole days shift a whole number.
    assert out["change"]["anything_changed"] is True
    assert out["change"]["first_stockout_days_earlier"] == int(
        out["change"]["first_stockout_days_earlier"]
    )
    assert isinstance(out["change"]["first_stockout_days_earlier"], int)
    assert "anything_changed" not in out  # one place only: inside `change`


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"sku": "A", "location": "S1", "supplier_delay_days": 366}, "body.supplier_delay_days"),
        ({"sku": "A", "location": "S1", "supplier_delay_days": -1}, "body.supplier_delay_days"),
        ({"sku": "A", "location": "S1", "supplier_delay_days": True}, "body.supplier_delay_days"),
        ({"sku": "A", "location": "S1", "supplier_delay_days": "3"}, "body.supplier_delay_days"),
        ({"sku": "A", "location": "S1", "demand_factor": 21}, "body.demand_factor"),
        ({"sku": "A", "location": "S1", "promo_factor": -0.1}, "body.promo_factor"),
        ({"location": "S1"}, "body.sku"),
        ({"sku": "A", "location": "S1", "surprise": 1}, "body.surprise"),
    ],
)
def test_what_if_invalid_body_is_422(client: TestClient, body: dict, field: str) -> None:
    resp = client.post("/v1/what-if", json=body, headers=R)
    assert resp.status_code == 422
    assert error(resp)["field"] == field


def test_what_if_malformed_and_unknown(client: TestClient) -> None:
    resp = client.post(
        "/v1/what-if", content=b"{not json", headers={**R, "Content-Type": "application/json"}
    )
    assert resp.status_code == 422
    resp = client.post("/v1/what-if", json={"sku": "ZZZ", "location": "S1"}, headers=R)
    assert resp.status_code == 404 and "ZZZ" in error(resp)["message"]


def test_oversized_body_is_413(client: TestClient) -> None:
    big = b'{"sku": "' + b"A" * 2_000_000 + b'", "location": "S1"}'
    resp = client.post(
        "/v1/what-if", content=big, headers={**R, "Content-Type": "application/json"}
    )
    assert resp.status_code == 413
    assert error(resp)["code"] == "payload_too_large"


# -- proposals, documents, audit ---------------------------------------------------------------


def test_proposals_empty(client: TestClient) -> None:
    assert client.get("/v1/proposals", headers=R).json() == {"items": []}
    assert client.get("/v1/documents", headers=R).json() == {"items": []}


def test_proposals_list_and_get(client: TestClient, pending_thread: str) -> None:
    body = client.get("/v1/proposals", headers=R).json()
    [p] = body["items"]
    assert p["status"] == "pending" and p["thread_id"] == pending_thread
    assert p["kind"] == "transfer" and p["args"]["qty"] == 20
    assert p["created_by"] == "alice"
    assert client.get("/v1/proposals?status=pending", headers=R).json()["items"] == [p]
    assert client.get("/v1/proposals?status=committed", headers=R).json()["items"] == []
    assert client.get("/v1/proposals?thread_id=other", headers=R).json()["items"] == []
    assert (
        len(client.get(f"/v1/proposals?thread_id={pending_thread}", headers=R).json()["items"]) == 1
    )
    one = client.get(f"/v1/proposals/{p['id']}", headers=R)
    assert one.status_code == 200 and one.json() == p


def test_proposal_errors(client: TestClient) -> None:
    resp = client.get("/v1/proposals/PR-NOPE", headers=R)
    assert resp.status_code == 404 and "PR-NOPE" in error(resp)["message"]
    for query, field in [
        ("status=maybe", "query.status"),
        ("limit=0", "query.limit"),
        ("limit=501", "query.limit"),
        ("thread_id=", "query.thread_id"),
    ]:
        resp = client.get(f"/v1/proposals?{query}", headers=R)
        assert resp.status_code == 422, query
        assert error(resp)["field"] == field


def test_documents_after_commit(client: TestClient, copilot: Copilot, pending_thread: str) -> None:
    result = copilot.decide(pending_thread, user="bob", decision="approve")
    [outcome] = result.outcomes
    assert outcome["outcome"] == "committed"
    docs = client.get("/v1/documents", headers=R).json()["items"]
    [doc] = docs
    assert doc["document_id"] == outcome["document_id"]
    assert doc["kind"] == "transfer" and doc["args"]["qty"] == 20
    assert doc["decided_by"] == "bob" and doc["committed_at"]
    assert client.get("/v1/documents?kind=purchase_order", headers=R).json()["items"] == []
    assert client.get("/v1/documents?kind=transfer&limit=1", headers=R).json()["items"] == docs
    resp = client.get("/v1/documents?kind=invoice", headers=R)
    assert resp.status_code == 422 and error(resp)["field"] == "query.kind"


def test_audit_trail_and_verify(client: TestClient, copilot: Copilot, pending_thread: str) -> None:
    copilot.decide(pending_thread, user="bob", decision="approve")
    trail = client.get("/v1/audit", headers=R).json()["items"]
    events = [e["event"] for e in trail]
    assert events[:1] == ["proposal"] and "decision" in events and "commit" in events
    assert [e["seq"] for e in trail] == sorted(e["seq"] for e in trail)
    pid = trail[0]["proposal_id"]
    assert all(
        e["proposal_id"] == pid
        for e in client.get(f"/v1/audit?proposal_id={pid}", headers=R).json()["items"]
    )
    assert client.get(f"/v1/audit?thread_id={pending_thread}", headers=R).json()["items"]
    assert client.get("/v1/audit?thread_id=nope", headers=R).json()["items"] == []
    newest = client.get("/v1/audit?limit=1", headers=R).json()["items"]
    assert newest == trail[-1:]
    check = client.get("/v1/audit/verify", headers=R).json()
    assert check["ok"] is True and check["checked"] == len(trail)
    assert check["first_bad_seq"] is None and check["last_hash"] == trail[-1]["hash"]
    resp = client.get("/v1/audit?limit=0", headers=R)
    assert resp.status_code == 422 and error(resp)["field"] == "query.limit"


def test_audit_verify_reports_tampering(client: TestClient, workspace, pending_thread: str) -> None:
    from sqlalchemy import text

    with workspace.engine.begin() as conn:
        conn.execute(text("UPDATE audit_log SET actor = 'mallory' WHERE seq = 1"))
    check = client.get("/v1/audit/verify", headers=R).json()
    assert check["ok"] is False and check["first_bad_seq"] == 1
    assert "edited" in check["reason"]


def test_empty_store_is_404_not_500(tmp_path) -> None:
    from api.app import create_app
    from stockpilot.settings import Settings
    from tools.workspace import Workspace

    settings = Settings(
        _env_file=None,
        database_url=f"sqlite:///{tmp_path / 'empty.db'}",
        plan_cache_dir=None,
        checkpoint_url=f"sqlite:///{tmp_path / 'cp.db'}",
    )
    app = create_app(settings, workspace=Workspace.open(settings))
    with TestClient(app, raise_server_exceptions=False) as c:
        resp = c.get("/v1/exceptions", headers=R)
        assert resp.status_code == 404
        assert "empty" in error(resp)["message"]
