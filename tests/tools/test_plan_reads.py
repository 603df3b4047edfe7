"""Reads from the plan tables answer exactly as reads from the plan in memory did."""

from __future__ import annotations

from pathlib import Path

import pytest

from erp.connector import BuiltinErpConnector, PurchaseOrderRequest
from erp.demo import generate_demo
from erp.store import replace_snapshot
from planning.whatif import Scenario
from stockpilot.actions import PurchaseOrderAction
from stockpilot.settings import Settings
from tools import plan_runs
from tools.workspace import Workspace


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def workspace(request: pytest.FixtureRequest, tmp_path: Path):
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'store.db'}"
    else:
        url = request.getfixturevalue("postgres_url")
    ws = Workspace.open(Settings(database_url=url, plan_cache_dir=None))
    replace_snapshot(ws.engine, generate_demo(seed=3, stores=5, skus=40).data, source="test")
    yield ws
    ws.plans.wait_caught_up()
    ws.engine.dispose()
    plan_runs.dispose_engines()


def _answers(ws: Workspace) -> dict[str, object]:
    q = ws.queries
    everything = q.exceptions()
    first = everything[0]
    category = _category(ws, first["sku"])
    location = first["location"]
    return {
        "all": everything,
        "top": q.exceptions(top=5),
        "by_type": q.exceptions(type=first["type"]),
        "by_location": q.exceptions(location=location, min_money=1.0),
        "by_category": q.exceptions(category=category),
        "page": q.exception_page(offset=3, limit=4),
        "page_filtered": q.exception_page(offset=0, limit=10, location=location, min_money=0.5),
        "detail": q.exception(first["id"]),
        "inventory_sku": q.inventory(sku=first["sku"]),
        "inventory_location": q.inventory(location=location, top=10),
        "what_if": q.what_if(first["sku"], location, Scenario(demand_factor=1.2)),
        "chart": ws.charts.projection(first["sku"], location),
        "draft": _draft_check(ws, first),
        "counts": q.open_exception_counts(),  # the metrics' gauge
        "suppliers": q.supplier_status(),
        "suppliers_of_sku": q.supplier_status(sku=first["sku"]),
        "forecast": q.forecast(first["sku"], location, horizon=14),
    }


def _category(ws: Workspace, sku: str) -> str:
    return str(ws.plans.reference_of(sku).items.set_index("sku").loc[sku, "category"])


def _draft_check(ws: Workspace, exception: dict) -> object:
    rec = exception["recommendation"]
    supplier = (
        rec["supplier_id"]
        or ws.plans.reference_of(exception["sku"])
        .item_suppliers.query("sku == @exception['sku']")
        .iloc[0]["supplier_id"]
    )
    action = PurchaseOrderAction(
        supplier_id=supplier, sku=exception["sku"], location_id=exception["location"], qty=40
    )
    check = ws.drafts.check(action, since=[])
    return (check.errors, check.value, check.evidence, check.description, check.warnings)


def test_reads_from_the_plan_tables_equal_reads_from_the_plan_in_memory(workspace) -> None:
    before = _answers(workspace)
    assert workspace.plans.plan_run() is None
    summary = plan_runs.run_partitioned(workspace.engine, 3, workspace.plans.params)
    fresh = Workspace.open(workspace.settings)
    assert fresh.plans.plan_run() == summary.run_id
    after = _answers(fresh)
    for name, value in before.items():
        assert after[name] == value, name
    assert fresh.plans.loaded is None  # no plan of the whole network was held


def test_a_commit_re_plans_its_sku_in_the_background(workspace) -> None:
    plan_runs.run_partitioned(workspace.engine, 2, workspace.plans.params)
    ws = Workspace.open(workspace.settings)
    first = ws.queries.exceptions()[0]
    before = ws.queries.inventory(sku=first["sku"])
    supplier = ws.plans.reference().item_suppliers.query("sku == @first['sku']").iloc[0]
    BuiltinErpConnector(ws.engine).create_purchase_order(
        PurchaseOrderRequest(
            supplier_id=supplier["supplier_id"],
            sku=first["sku"],
            location_id=first["location"],
            qty=500,
            order_date=ws.plans.reference().as_of,
        ),
        idempotency_key="test-replan",
    )
    ws.queries.exceptions()  # the first read after the commit answers at once ...
    ws.plans.wait_caught_up(60)  # ... and the SKU is re-planned behind it
    after = {r["location_id"]: r for r in ws.queries.inventory(sku=first["sku"])}
    assert after[first["location"]]["on_order"] == 500 + next(
        r["on_order"] for r in before if r["location_id"] == first["location"]
    )


def test_warming_a_workspace_with_a_plan_run_loads_no_plan(workspace) -> None:
    plan_runs.run_partitioned(workspace.engine, 2, workspace.plans.params)
    ws = Workspace.open(workspace.settings)
    ws.plans.warm()
    assert ws.plans.loaded is None
    assert ws.queries.exception_page(offset=0, limit=5)[1] > 0


def test_a_server_with_a_plan_run_never_reads_the_whole_network(workspace, monkeypatch) -> None:
    """Its memory does not grow with the network: each answer queries the rows it needs."""
    plan_runs.run_partitioned(workspace.engine, 2, workspace.plans.params)
    expected = _answers(Workspace.open(workspace.settings))
    as_of = workspace.plans.reference().as_of
    ws = Workspace.open(workspace.settings)

    def whole_network(*args: object, **kwargs: object) -> None:
        raise AssertionError("the whole network was read")

    monkeypatch.setattr("tools.plan_cache.load_network", whole_network)
    ws.plans.warm()
    q = ws.queries
    first = q.exceptions()[0]
    sku, location = first["sku"], first["location"]
    assert q.exception_page(offset=3, limit=4) == expected["page"]
    assert q.exception(first["id"]) == expected["detail"]
    assert q.inventory(sku=sku) == expected["inventory_sku"]
    assert q.inventory(location=location, top=10) == expected["inventory_location"]
    assert q.what_if(sku, location, Scenario(demand_factor=1.2)) == expected["what_if"]
    assert ws.charts.projection(sku, location) == expected["chart"]
    assert q.supplier_status() == expected["suppliers"]
    assert q.supplier_status(sku=sku) == expected["suppliers_of_sku"]
    assert q.forecast(sku, location, horizon=14) == expected["forecast"]
    assert q.open_exception_counts() == expected["counts"]
    assert q.exceptions(category=_category(ws, sku)) == expected["by_category"]
    assert ws.plans.as_of() == as_of
    assert _draft_check(ws, first) == expected["draft"]
    assert ws.plans.loaded is None and ws.plans._ref is None
