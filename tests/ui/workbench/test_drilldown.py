"""The drill-down page and chart against the real API's projection."""

from __future__ import annotations

import json

from tests.ui.workbench.conftest import table
from ui.workbench.charts import drilldown_chart


def chart_spec(at) -> dict:
    [chart] = at.get("vega_lite_chart")
    return json.loads(chart.proto.spec)


def test_empty_state_then_chart_and_numbers(app_test, live_api):
    at = app_test("drilldown")
    assert any("Enter a SKU" in i.value for i in at.info)
    at.text_input(key="dd-sku").input("A")
    at.text_input(key="dd-location").input("S2").run()
    assert not at.exception
    spec = chart_spec(at)
    assert len(spec["vconcat"]) == 2
    days = table(at, "forecast_lower")
    plan = live_api.workspace.plans.plan()
    row = plan.row_of("A", "S2")
    assert list(days["projected_on_hand"].round(3)) == [
        round(float(v), 3) for v in plan.projected[row]
    ]
    supply = table(at, "document_id")
    assert list(supply["document_id"]) == ["T1"]
    labels = {m.label: m.value for m in at.metric}
    assert labels["On hand"] == "12"


def test_chart_after_a_proposed_transfer(app_test, live_api):
    drafted = live_api.draft_transfer(qty=20)
    at = app_test("chat", user="bob")
    at.session_state["thread_id"] = drafted["thread_id"]
    at.run()
    at.button(key=f"chart-{drafted['proposal_id']}").click().run()
    assert not at.exception
    assert at.text_input(key="dd-proposal").value == drafted["proposal_id"]
    days = table(at, "forecast_lower")
    assert "projected_on_hand_after" in days.columns
    assert days["receipts_after"].sum() - days["receipts"].sum() == 20
    assert any("arrive" in i.value and drafted["proposal_id"] in i.value for i in at.info)


def test_unknown_sku_is_a_clear_error(app_test):
    at = app_test("drilldown")
    at.text_input(key="dd-sku").input("NOPE")
    at.text_input(key="dd-location").input("S1").run()
    assert not at.exception
    assert any("no stock position" in e.value for e in at.error)


def test_chart_layers_markers_levels_and_after(live_api):
    drafted = live_api.draft_transfer(qty=20)
    from ui.workbench.client import WorkbenchClient

    with WorkbenchClient(live_api.url, "dev-alice") as c:
        data = c.projection("A", "S1", proposal_id=drafted["proposal_id"])
    spec = drilldown_chart(data).to_dict()
    stock = spec["vconcat"][1]["layer"]
    assert stock[0]["transform"][0]["fold"] == ["projected on hand", "after the proposed action"]
    assert stock[0]["encoding"]["color"]["scale"]["domain"][:2] == stock[0]["transform"][0]["fold"]
    datasets = spec["datasets"]
    levels = next(v for v in datasets.values() if v and "level" in v[0])
    assert {d["level"] for d in levels} == {"safety stock", "reorder point"}
    markers = next(v for v in datasets.values() if v and "document_id" in v[0])
    assert drafted["proposal_id"] in {m["document_id"] for m in markers}
