"""Reads from the plan tables answer exactly as reads from the plan in memory did."""

from __future__ import annotations

import threading
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from erp import plan_store
from erp.connector import BuiltinErpConnector, PurchaseOrderRequest
from erp.demo import generate_demo
from erp.store import latest_import, replace_snapshot
from planning.whatif import Scenario
from stockpilot.actions import PurchaseOrderAction
from stockpilot.settings import Settings
from tools import insight, plan_runs
from tools.errors import NotFoundError
from tools.workspace import Workspace

# The demo network's date is pinned: by default it is today, and its exceptions move with it.
DEMO_AS_OF = date(2026, 12, 3)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def workspace(request: pytest.FixtureRequest, tmp_path: Path):
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'store.db'}"
    else:
        url = request.getfixturevalue("postgres_url")
    ws = Workspace.open(Settings(database_url=url, plan_cache_dir=None))
    replace_snapshot(
        ws.engine, generate_demo(seed=3, stores=5, skus=40, as_of=DEMO_AS_OF).data, source="test"
    )
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
        "region_page": insight.exception_page(ws, top=100, locations=_north(ws)),
        "region_totals": insight.exception_totals(ws, by="location", locations=_north(ws)),
        "region_groups": insight.exception_totals(ws, by="type", locations=_north(ws)),
    }


def _north(ws: Workspace) -> list[str]:
    return insight.stores_fed_by(ws, "DC-NORTH")


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


def test_reads_after_a_commit_answer_from_the_previous_rows_while_its_sku_is_re_planned(
    workspace, monkeypatch
) -> None:
    """The first read after a commit does not wait for the re-plan: until the swap commits,
    every read sees the committed SKU's previous rows; after it, all of its new rows."""
    plan_runs.run_partitioned(workspace.engine, 2, workspace.plans.params)
    ws = Workspace.open(workspace.settings)
    everything = ws.queries.exceptions()
    sku, location = everything[0]["sku"], everything[0]["location"]
    before = ws.queries.inventory(sku=sku)
    ws.plans.wait_caught_up(60)  # the reads' catch-up found nothing to do and ended
    inside, release = threading.Event(), threading.Event()
    real_plan_skus = plan_runs.plan_skus

    def held_plan_skus(*args, **kwargs):
        inside.set()
        release.wait(30)  # a read that waited for the re-plan would see its rows below
        return real_plan_skus(*args, **kwargs)

    monkeypatch.setattr(plan_runs, "plan_skus", held_plan_skus)
    supplier = ws.plans.reference_of(sku).item_suppliers.query("sku == @sku").iloc[0]
    BuiltinErpConnector(ws.engine).create_purchase_order(
        PurchaseOrderRequest(
            supplier_id=supplier["supplier_id"],
            sku=sku,
            location_id=location,
            qty=500,
            order_date=DEMO_AS_OF,
        ),
        idempotency_key="test-replan-held",
    )
    during = ws.queries.inventory(sku=sku)  # notices the commit, starts the re-plan ...
    assert inside.wait(30), "the commit's SKU was not re-planned in the background"
    assert during == before  # ... and answered from the previous rows without waiting
    assert ws.queries.exceptions() == everything
    release.set()
    ws.plans.wait_caught_up(60)
    after = {r["location_id"]: r for r in ws.queries.inventory(sku=sku)}
    was = {r["location_id"]: r for r in before}
    assert after[location]["on_order"] == was[location]["on_order"] + 500


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


def _run_rows(ws: Workspace, run_id: int) -> tuple[object, object]:
    positions = plan_store.read_positions(ws.engine, run_id)
    exceptions, _ = plan_store.read_exceptions(ws.engine, run_id)
    return positions, exceptions


def _edit_export(ws: Workspace, folder: Path) -> list[str]:
    """Export the snapshot, change two SKUs' rows (stock; an open order); return those SKUs."""
    ws.snapshots.export_dir(folder)
    inventory = pd.read_csv(folder / "inventory.csv", dtype=str, keep_default_na=False)
    inventory.loc[0, "on_hand"] = str(int(inventory.loc[0, "on_hand"]) + 37)
    inventory.to_csv(folder / "inventory.csv", index=False)
    orders = pd.read_csv(folder / "purchase_orders.csv", dtype=str, keep_default_na=False)
    open_line = orders.index[
        (orders["status"] == "open") & (orders["sku"] != inventory.loc[0, "sku"])
    ][0]
    removed = orders.loc[open_line, "sku"]
    orders.drop(index=open_line).to_csv(folder / "purchase_orders.csv", index=False)
    return sorted({inventory.loc[0, "sku"], removed})


def test_an_import_of_changed_rows_re_plans_only_their_skus(
    workspace, tmp_path, monkeypatch
) -> None:
    params = workspace.plans.params
    run_id = plan_runs.run_partitioned(workspace.engine, 3, params).run_id
    unchanged = tmp_path / "unchanged"
    workspace.snapshots.export_dir(unchanged)
    workspace.snapshots.import_dir(unchanged)  # the same rows: nothing to re-plan
    assert workspace.snapshots.last_replanned == []
    changed = _edit_export(workspace, tmp_path / "changed")
    planned: list[list[str]] = []
    real_plan = plan_runs.plan

    def counting_plan(data, **kwargs):
        planned.append(sorted(set(data.items["sku"])))
        return real_plan(data, **kwargs)

    monkeypatch.setattr(plan_runs, "plan", counting_plan)
    before = _run_rows(workspace, run_id)
    workspace.snapshots.import_dir(tmp_path / "changed")
    assert workspace.snapshots.last_replanned == changed
    assert planned == [changed]  # those SKUs alone, not a full run
    ws = Workspace.open(workspace.settings)
    assert ws.plans.plan_run() == run_id  # carried over to the new import
    carried = _run_rows(ws, run_id)
    assert not carried[0].equals(before[0])
    monkeypatch.setattr(plan_runs, "plan", real_plan)
    full = plan_runs.run_partitioned(ws.engine, 2, params).run_id
    expected = _run_rows(ws, full)
    pd.testing.assert_frame_equal(carried[0], expected[0])
    assert carried[1] == expected[1]


def test_an_import_that_fails_to_carry_the_run_changes_nothing(workspace, tmp_path, monkeypatch):
    """The swap is part of the import's transaction: reads see the previous plan until then."""
    run_id = plan_runs.run_partitioned(workspace.engine, 2, workspace.plans.params).run_id
    _edit_export(workspace, tmp_path / "changed")
    snapshot = latest_import(workspace.engine)
    before = _run_rows(workspace, run_id)

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(plan_store, "carry_run", broken)
    with pytest.raises(RuntimeError, match="disk full"):
        workspace.snapshots.import_dir(tmp_path / "changed")
    assert latest_import(workspace.engine).id == snapshot.id
    assert Workspace.open(workspace.settings).plans.plan_run() == run_id
    after = _run_rows(workspace, run_id)
    pd.testing.assert_frame_equal(after[0], before[0])
    assert after[1] == before[1]


def test_an_import_changing_the_network_needs_a_full_run(workspace, tmp_path) -> None:
    plan_runs.run_partitioned(workspace.engine, 2, workspace.plans.params)
    folder = tmp_path / "lanes"
    workspace.snapshots.export_dir(folder)
    lanes = pd.read_csv(folder / "lanes.csv", dtype=str, keep_default_na=False)
    lanes.iloc[1:].to_csv(folder / "lanes.csv", index=False)
    workspace.snapshots.import_dir(folder)
    assert workspace.snapshots.last_replanned is None
    assert Workspace.open(workspace.settings).plans.plan_run() is None


def _views(ws: Workspace) -> dict[str, object]:
    first = ws.queries.exceptions()[0]
    sku, location = first["sku"], first["location"]
    scenario = Scenario(demand_factor=1.3)
    return {
        "network_position": insight.network_position(ws, sku),
        "open_supply": insight.open_supply(ws, sku=sku),
        "open_supply_unknown": insight.open_supply(ws, sku="NO-SUCH-SKU"),
        "item_master": insight.item_master(ws, sku),
        "lanes_in": insight.transfer_alternatives(ws, sku, location),
        "what_if": insight.what_if_scope(ws, scenario, sku=sku, location=location),
        "what_if_sku": insight.what_if_scope(ws, scenario, sku=sku),
        "cover": insight.with_cover(ws, ws.queries.inventory(sku=sku)),
        "forecast": insight.forecast_context(ws, {"sku": sku, "location": location}, 14),
    }


def test_one_sku_views_with_a_plan_run_plan_that_sku_alone(workspace, monkeypatch) -> None:
    before = _views(workspace)
    plan_runs.run_partitioned(workspace.engine, 3, workspace.plans.params)
    ws = Workspace.open(workspace.settings)

    def whole_plan(*args: object, **kwargs: object) -> None:
        raise AssertionError("the whole network was planned")

    monkeypatch.setattr(ws.plans, "plan", whole_plan)
    monkeypatch.setattr("tools.plan_cache.load_network", whole_plan)
    after = _views(ws)
    for name, value in before.items():
        assert after[name] == value, name


def test_names_resolve_from_the_master_tables_without_the_whole_network(
    workspace, monkeypatch
) -> None:
    """The copilot's name resolver reads items, locations and suppliers, not the reference data."""
    items = workspace.plans.reference().items
    sku, described = str(items["sku"].iloc[3]), str(items["description"].iloc[3])
    category = str(items["category"].iloc[3])
    expected = insight.resolver(workspace)
    plan_runs.run_partitioned(workspace.engine, 2, workspace.plans.params)
    ws = Workspace.open(workspace.settings)

    def whole_network(*args: object, **kwargs: object) -> None:
        raise AssertionError("the whole network was read")

    monkeypatch.setattr("tools.plan_cache.load_network", whole_network)
    assert insight.resolve_id(ws, "sku", described) == sku
    assert insight.resolve_category(ws, category.upper()) == category
    got = insight.resolver(ws)
    assert got.entities == expected.entities
    assert insight.resolver(ws) is got  # built once per snapshot
    assert ws.plans._ref is None


def _network_views(ws: Workspace) -> dict[str, object]:
    """The answers above one SKU: a location, a category, a supplier, the network."""
    first = ws.queries.exceptions()[0]
    sku, location = first["sku"], first["location"]
    category = _category(ws, sku)
    terms = ws.plans.reference_of(sku).item_suppliers
    supplier = str(terms.loc[terms["sku"] == sku, "supplier_id"].iloc[0])
    demand = Scenario(demand_factor=1.3)
    late = Scenario(supplier_delay_days=10, supplier_id=supplier)
    return {
        "what_if_location": insight.what_if_scope(ws, demand, location=location),
        "what_if_category": insight.what_if_scope(ws, demand, category=category),
        "what_if_supplier": insight.what_if_scope(ws, late, supplier_id=supplier),
        "what_if_network": insight.what_if_scope(ws, Scenario(supplier_delay_days=7)),
        "what_if_sku_in_category": insight.what_if_scope(ws, demand, sku=sku, category=category),
        "open_supply_network": insight.open_supply(ws),
        "open_supply_location": insight.open_supply(ws, location=location),
        "open_supply_supplier": insight.open_supply(ws, supplier_id=supplier),
        "supplier_overview": insight.supplier_overview(ws, supplier),
        "cover_location": insight.with_cover(ws, ws.queries.inventory(location=location, top=40)),
        "summary_by_supplier": insight.exception_totals(ws, by="supplier"),
        "accepted": insight.acceptable_transfers(ws, sku, "DC-NORTH", location, 10_000),
        "lanes_into": insight.lanes(ws, to_location=location),
        "lane": insight.lanes(ws, from_location="DC-NORTH", to_location=location),
    }


def test_views_above_one_sku_with_a_plan_run_plan_part_by_part(workspace, monkeypatch) -> None:
    """A location's, a category's, a supplier's and the network's answers, as before, while
    neither the whole network's plan nor its reference data is ever built: each part's plan
    holds a few SKUs."""
    before = _network_views(workspace)
    skus = len(workspace.plans.entities().items)
    plan_runs.run_partitioned(workspace.engine, 3, workspace.plans.params)
    ws = Workspace.open(workspace.settings)

    def whole(*args: object, **kwargs: object) -> None:
        raise AssertionError("the whole network was planned or read")

    monkeypatch.setattr(ws.plans, "plan", whole)
    monkeypatch.setattr(ws.plans, "reference", whole)
    monkeypatch.setattr("tools.plan_cache.load_network", whole)
    monkeypatch.setattr(plan_runs, "SKUS_PER_PART", 4)
    planned: list[int] = []
    real_plan = plan_runs.plan

    def counting(data, **kwargs):  # type: ignore[no-untyped-def]
        planned.append(len(data.items))
        return real_plan(data, **kwargs)

    monkeypatch.setattr(plan_runs, "plan", counting)
    after = _network_views(ws)
    for name, value in before.items():
        assert after[name] == value, name
    assert planned and max(planned) < skus  # a part at a time, never the network
    assert ws.plans.loaded is None and ws.plans._ref is None


def _pages(ws: Workspace, first: dict, supplier: str) -> dict[str, object]:
    category = _category(ws, first["sku"])
    return {
        "default": insight.exception_page(ws),
        **{
            f"{sort}_{offset}": insight.exception_page(ws, top=9, offset=offset, sort=sort)
            for sort in ("priority", "first_risk_date")
            for offset in (0, 9)
        },
        "urgent_by_date": insight.exception_page(ws, top=6, priority=2, sort="first_risk_date"),
        "of_supplier": insight.exception_page(ws, top=5, supplier_id=supplier),
        "of_supplier_by_priority": insight.exception_page(
            ws, top=5, supplier_id=supplier, sort="priority"
        ),
        "by_supplier": insight.exception_totals(ws, by="supplier"),
        "by_source": insight.exception_totals(ws, by="source", priority=2),
        "by_type_of_supplier": insight.exception_totals(ws, by="type", supplier_id=supplier),
        "second": insight.exception_page(ws, top=7, offset=7, compact_mode=True),
        "urgent": insight.exception_page(ws, top=5, priority=1),
        "category": insight.exception_page(ws, top=4, category=category, priority=2),
        "location": insight.exception_page(ws, top=3, location=first["location"]),
        "past_the_end": insight.exception_page(ws, top=5, offset=10_000),
        **{
            f"by_{by}": insight.exception_totals(ws, by=by)
            for by in ("type", "priority", "location", "category", "sku")
        },
        "by_type_urgent": insight.exception_totals(ws, by="type", priority=1),
        "by_location_of_category": insight.exception_totals(ws, by="location", category=category),
        "by_category_at": insight.exception_totals(ws, by="category", location=first["location"]),
    }


def test_the_copilots_pages_and_totals_are_queried_with_a_plan_run(workspace, monkeypatch) -> None:
    """Pages in every order, totals and groups come from SQL: no list of every exception is
    read (a supplier's, sorted by priority or first risk date, grouped by supplier or source)."""
    ranked = workspace.queries.exceptions()
    first = ranked[0]
    suppliers = [r["recommendation"]["supplier_id"] for r in ranked]
    supplier = max(set(suppliers) - {None}, key=suppliers.count)
    dates = [r["first_risk_date"] for r in ranked]
    assert 2 < len(set(dates)) < len(dates)  # the date order has ties (kept in rank order)
    before = _pages(workspace, first, supplier)
    plan_runs.run_partitioned(workspace.engine, 2, workspace.plans.params)
    ws = Workspace.open(workspace.settings)

    def everything(*args: object, **kwargs: object) -> None:
        raise AssertionError("every exception was read")

    monkeypatch.setattr(ws.queries, "exceptions", everything)
    after = _pages(ws, first, supplier)
    for name, value in before.items():
        assert after[name] == value, name


def test_a_dcs_stores_scope_the_exception_list_and_totals(workspace) -> None:
    stores = insight.stores_fed_by(workspace, "DC-NORTH")
    master = workspace.plans.entities().locations
    assert stores == sorted(master[master["source_location"] == "DC-NORTH"]["location_id"])
    assert stores and "DC-NORTH" not in stores
    for ws in (workspace, None):
        if ws is None:  # the same answers read from a plan run's tables
            plan_runs.run_partitioned(workspace.engine, 2, workspace.plans.params)
            ws = Workspace.open(workspace.settings)
            assert ws.plans.plan_run() is not None
        everything = insight.exception_page(ws, top=100)["items"]
        expected = [e["id"] for e in everything if e["location"] in stores]
        page = insight.exception_page(ws, top=100, locations=stores)
        assert expected and [e["id"] for e in page["items"]] == expected
        assert page["total"] == len(expected) < len(everything)
        totals = insight.exception_totals(ws, by="location", locations=stores)
        assert {g["key"] for g in totals["groups"]} <= set(stores)
        assert totals["count"] == len(expected)
    with pytest.raises(NotFoundError, match="feeds no stores"):
        insight.stores_fed_by(workspace, stores[0])
