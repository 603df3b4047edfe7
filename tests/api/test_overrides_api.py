"""/v1/overrides: a planner sets and clears a forecast override; bad bodies get a 422 naming the field."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import auth

BODY = {
    "sku": "A",
    "location": "S1",
    "start": "2026-04-01",
    "end": "2026-04-20",
    "kind": "multiplier",
    "value": 1.3,
    "reason": "new listing",
}


def test_a_planner_sets_lists_and_clears_an_override(client: TestClient) -> None:
    ws = client.app.state.workspace  # type: ignore[attr-defined]
    before = ws.queries.inventory("A", "S1")[0]
    made = client.post("/v1/overrides", json=BODY, headers=auth("alice"))
    assert made.status_code == 201, made.text
    got = made.json()
    assert (got["author"], got["active"], got["replanned_skus"]) == ("alice", True, ["A"])
    assert got["note"].startswith("override applied: ×1.3 by alice (new listing), S1")
    after = ws.queries.inventory("A", "S1")[0]
    assert after["overrides"] == [got["note"]]
    assert after["forecast_daily"] == pytest.approx(1.3 * before["forecast_daily"], rel=1e-4)

    listed = client.get("/v1/overrides", params={"sku": "A"}, headers=auth("victor")).json()
    assert [o["id"] for o in listed["items"]] == [got["id"]]
    gone = client.delete(f"/v1/overrides/{got['id']}", headers=auth("bob"))
    assert gone.status_code == 200 and gone.json()["cleared_by"] == "bob"
    assert client.get("/v1/overrides", headers=auth("alice")).json()["items"] == []
    again = client.delete(f"/v1/overrides/{got['id']}", headers=auth("bob"))
    assert again.status_code == 404
    assert ws.queries.inventory("A", "S1")[0]["forecast_daily"] == pytest.approx(
        before["forecast_daily"]
    )


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"sku": "NOPE"}, "body.sku"),
        ({"location": "NOWHERE"}, "body.location"),
        ({"location": "DC1"}, "body.location"),
        ({"value": -1}, "body.value"),
        ({"kind": "add"}, "body.kind"),
        ({"end": "2026-03-01"}, "body.end"),
        ({"reason": ""}, "body.reason"),
    ],
)
def test_bad_bodies_get_422_naming_the_field_and_store_nothing(
    client: TestClient, change: dict, field: str
) -> None:
    got = client.post("/v1/overrides", json={**BODY, **change}, headers=auth("alice"))
    assert got.status_code == 422, got.text
    assert got.json()["error"]["field"] == field
    listed = client.get("/v1/overrides", params={"include_cleared": True}, headers=auth("alice"))
    assert listed.json()["items"] == []


def test_a_viewer_cannot_set_one(client: TestClient) -> None:
    assert client.post("/v1/overrides", json=BODY, headers=auth("victor")).status_code == 403
