from datetime import date

import pytest

from erp.connector import PurchaseOrderRequest
from erp.store import load_network, replace_snapshot
from planning import engine
from stockpilot.actions import TransferAction
from stockpilot.settings import Settings
from tools.errors import NotFoundError
from tools.snapshots import StoreNotEmptyError
from tools.workspace import Workspace


@pytest.fixture
def settings(tmp_path):
    return Settings(
        _env_file=None,
        database_url=f"sqlite:///{tmp_path / 'ws.db'}",
        plan_cache_dir=tmp_path / "cache",
    )


@pytest.fixture
def counted_plans(monkeypatch):
    calls = []
    real = engine.plan

    def counting(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr("tools.plan_cache.plan", counting)
    return calls


def test_empty_store_says_how_to_fill_it(settings):
    with pytest.raises(NotFoundError, match="stockpilot demo"):
        Workspace.open(settings).plans.plan()


def test_plan_is_cached_across_workspaces_until_the_data_changes(settings, network, counted_plans):
    ws = Workspace.open(settings)
    replace_snapshot(ws.engine, network, source="t")
    first = ws.queries.exceptions()
    assert (
        Workspace.open(settings).queries.exceptions() == first
    )  # a new process reads the disk cache
    assert len(counted_plans) == 1
    ordered = ws.plans.plan().position_records(sku="A", location="DC1")[0]["on_order"]
    # An ERP write through the connector changes the plan's inputs: its SKU is re-planned
    # (tests/tools/test_plan_cache_incremental.py), not the whole network.
    ws.connector().create_purchase_order(
        PurchaseOrderRequest("V1", "A", "DC1", 48, date(2026, 3, 31)), idempotency_key="k1"
    )
    ws.queries.exceptions()
    assert ws.plans.plan().position_records(sku="A", location="DC1")[0]["on_order"] == ordered + 48
    assert len(counted_plans) == 1
    # A re-import, even of the same data, plans the whole network.
    replace_snapshot(ws.engine, network, source="t")
    Workspace.open(settings).queries.exceptions()
    assert len(counted_plans) == 2
    assert len(list((settings.plan_cache_dir).glob("plan-*.pkl"))) == 1


def test_damaged_cache_is_recomputed(settings, network, counted_plans):
    ws = Workspace.open(settings)
    replace_snapshot(ws.engine, network, source="t")
    ws.queries.exceptions()
    for f in settings.plan_cache_dir.glob("plan-*.pkl"):
        f.write_bytes(b"not a pickle")
    assert Workspace.open(settings).queries.exceptions()
    assert len(counted_plans) == 2


def test_cache_can_be_disabled(tmp_path, network, counted_plans):
    s = Settings(_env_file=None, database_url=f"sqlite:///{tmp_path / 'x.db'}", plan_cache_dir="")
    assert s.plan_cache_dir is None
    ws = Workspace.open(s)
    replace_snapshot(ws.engine, network, source="t")
    ws.queries.exceptions()
    Workspace.open(s).queries.exceptions()
    assert len(counted_plans) == 2


def test_demo_refuses_to_overwrite_imported_data(settings, network):
    ws = Workspace.open(settings)
    replace_snapshot(ws.engine, network, source="import:/somewhere")
    with pytest.raises(StoreNotEmptyError):
        ws.snapshots.seed_demo(stores=2, skus=5, days=120)


def test_unknown_names_raise_not_found(settings, network):
    ws = Workspace.open(settings)
    replace_snapshot(ws.engine, network, source="t")
    with pytest.raises(NotFoundError, match="unknown SKU"):
        ws.queries.forecast("ZZ", "S1")
    with pytest.raises(NotFoundError, match="unknown location"):
        ws.queries.forecast("A", "NOWHERE")
    with pytest.raises(NotFoundError):
        ws.queries.inventory("ZZ")


def test_validation_reuses_the_plan_after_an_erp_write(settings, network, counted_plans):
    ws = Workspace.open(settings)
    replace_snapshot(ws.engine, network, source="t")
    before = ws.plans.plan()
    ws.connector().create_purchase_order(
        PurchaseOrderRequest("V1", "A", "DC1", 48, date(2026, 3, 31)), idempotency_key="k2"
    )
    # Checks and the agent's date need no re-plan after a write; lists do.
    assert ws.plans.plan(fresh=False) is before
    assert ws.drafts.check(TransferAction(sku="A", from_location="DC1", to_location="S1", qty=5)).ok
    assert len(counted_plans) == 1
    # Lists re-plan the written SKU only (the whole network is planned once).
    assert ws.plans.plan() is not before
    assert len(counted_plans) == 1


def test_transfer_check_reads_live_stock_after_an_earlier_commit(settings, network):
    from erp.connector import TransferRequest

    ws = Workspace.open(settings)
    replace_snapshot(ws.engine, network, source="t")
    spare = ws.drafts.check(
        TransferAction(sku="A", from_location="DC1", to_location="S1", qty=1)
    ).evidence["source_available"]
    ws.connector().create_transfer(
        TransferRequest("A", "DC1", "S2", 100, date(2026, 3, 31)), idempotency_key="t-live"
    )
    after = ws.drafts.check(TransferAction(sku="A", from_location="DC1", to_location="S1", qty=1))
    assert after.evidence["source_on_hand"] == 100  # 200 less the 100 just shipped
    assert after.evidence["source_available"] == spare - 100


def test_a_server_workspace_freezes_its_plan_and_frees_the_replaced_one(settings, network):
    import gc
    import weakref

    ws = Workspace.open(settings)
    ws.plans.freeze_heap = True
    replace_snapshot(ws.engine, network, source="t")
    try:
        first = weakref.ref(ws.plans.plan())
        assert gc.get_freeze_count() > 0  # the loaded plan is out of full collections
        replace_snapshot(ws.engine, network, source="t")  # a re-import: a new plan replaces it
        ws.plans.plan()
        assert first() is None  # the replaced plan was freed, not frozen for ever
    finally:
        gc.unfreeze()


def test_a_cached_plan_finds_rows_after_a_round_trip_through_the_disk_cache(settings, network):
    ws = Workspace.open(settings)
    replace_snapshot(ws.engine, network, source="t")
    computed = ws.plans.plan()
    sku, loc = computed.positions.iloc[-1][["sku", "location_id"]]
    assert computed.row_of(sku, loc) == len(computed.positions) - 1
    loaded = Workspace.open(settings).plans.plan()  # read back from the pickle, without its index
    assert loaded is not computed
    assert loaded.row_of(sku, loc) == len(loaded.positions) - 1
    assert loaded.row_of(sku, "NOWHERE") is None


def test_constructing_a_workspace_does_not_migrate_and_open_does(tmp_path):
    from sqlalchemy import inspect

    s = Settings(_env_file=None, database_url=f"sqlite:///{tmp_path / 'fresh.db'}")
    ws = Workspace(s)
    assert inspect(ws.engine).get_table_names() == []  # a read facade changes nothing
    opened = Workspace.open(s)
    assert "proposals" in inspect(opened.engine).get_table_names()
    assert opened.snapshots.is_empty()


def test_cached_never_computes_a_plan(settings, network, counted_plans):
    ws = Workspace.open(settings)
    replace_snapshot(ws.engine, network, source="t")
    assert ws.plans.cached() is None and ws.plans.loaded is None
    computed = ws.plans.plan()
    assert ws.plans.cached() is computed
    other = Workspace.open(settings)  # another process: the plan is on disk
    assert other.plans.cached() is not None
    assert len(counted_plans) == 1


def test_reference_data_is_cached_across_workspaces_until_the_data_changes(
    settings, network, monkeypatch
):
    ws = Workspace.open(settings)
    replace_snapshot(ws.engine, network, source="t")
    first = ws.plans.reference()
    reads = []
    real = load_network

    def counting(*args, **kwargs):
        reads.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr("tools.plan_cache.load_network", counting)
    again = Workspace.open(settings).plans.reference()  # a new process reads the disk cache
    assert reads == []
    assert again.items.equals(first.items) and again.purchase_orders.equals(first.purchase_orders)
    # An ERP write adds open supply: the next process reads the store again.
    ws.connector().create_purchase_order(
        PurchaseOrderRequest("V1", "A", "DC1", 48, date(2026, 3, 31)), idempotency_key="k1"
    )
    after = Workspace.open(settings).plans.reference()
    assert reads == [1]
    assert len(after.purchase_orders) == len(first.purchase_orders) + 1
    assert len(list(settings.plan_cache_dir.glob("ref-*.pkl"))) == 1


def test_snapshot_date_needs_no_plan(settings, network, counted_plans):
    with pytest.raises(NotFoundError, match="stockpilot demo"):
        Workspace.open(settings).plans.as_of()
    ws = Workspace.open(settings)
    replace_snapshot(ws.engine, network, source="t")
    as_of = Workspace.open(settings).plans.as_of()
    assert counted_plans == []  # a one-shot ask after an ERP write reads the date, plans nothing
    assert as_of == ws.plans.plan().as_of
