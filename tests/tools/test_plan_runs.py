"""The partitioned plan in the plan tables equals the whole-network plan (SQLite, PostgreSQL)."""

from __future__ import annotations

import dataclasses
import json
import threading
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import Engine, delete, func, select, text, update

from erp import connector, models, plan_store
from erp.connector import BuiltinErpConnector, PurchaseOrderRequest
from erp.db import migrate
from erp.demo import generate_demo
from erp.store import SQL_TABLES, load_network, replace_snapshot, snapshot_as_of
from planning.censoring import EVIDENCE
from planning.engine import Plan, plan, position_records
from planning.filters import SORTS, filter_exceptions, sort_records
from planning.network import NetworkData
from planning.params import PlanParams
from tools import plan_runs

# The demo network's date is pinned: by default it is today, and its exceptions move with it.
DEMO_AS_OF = date(2026, 12, 3)

PARAMS = PlanParams()


@pytest.fixture(scope="module")
def demo() -> NetworkData:
    return generate_demo(as_of=DEMO_AS_OF).data


def _sqlite_url(folder: Path) -> str:
    return f"sqlite:///{folder / 'store.db'}"


@pytest.fixture
def sqlite_url(tmp_path: Path) -> Iterator[str]:
    yield _sqlite_url(tmp_path)
    plan_runs.dispose_engines()


def _stored(url: str, data: NetworkData) -> tuple[Engine, Plan]:
    """Write `data` into the store at `url` and return its engine and today's whole plan."""
    engine = plan_runs.store_engine(url)
    migrate(engine)
    replace_snapshot(engine, data, source="test")
    return engine, _whole_plan(engine)


def _whole_plan(engine: Engine) -> Plan:
    as_of = snapshot_as_of(engine)
    assert as_of is not None
    since = as_of - timedelta(PARAMS.history_days + PARAMS.bias_window_days)
    return plan(load_network(engine, sales_since=since), params=PARAMS)


def _assert_same_plan(engine: Engine, run_id: int, whole: Plan) -> None:
    records, total = plan_store.read_exceptions(engine, run_id)
    expected = whole.exception_records()
    assert total == len(expected) > 0
    assert records == expected  # same ranking, numbers, recommendations and evidence
    positions = plan_store.read_positions(engine, run_id)
    pd.testing.assert_frame_equal(
        positions.drop(columns=list(EVIDENCE)),
        whole.positions,
        check_exact=False,
        rtol=1e-9,
        check_dtype=False,
    )
    assert whole.stockout_evidence is not None
    for name in EVIDENCE:  # the forecast's stockout evidence travels with the rows
        np.testing.assert_array_equal(positions[name], whole.stockout_evidence[name])
    assert position_records(positions) == whole.position_records()
    page, _ = plan_store.read_exceptions(engine, run_id, offset=10, limit=7)
    assert page == expected[10:17]
    first = expected[0]
    for kind, location, sku in (
        (first["type"], None, None),
        (None, first["location"], None),
        (None, None, first["sku"]),
        ("overstock", first["location"], None),
    ):
        got, n = plan_store.read_exceptions(
            engine,
            run_id,
            plan_store.ExceptionFilters(type=kind, location=location, sku=sku),
        )
        want = filter_exceptions(expected, type=kind, location=location, sku=sku)
        assert (got, n) == (want, len(want))


@pytest.mark.parametrize("n_partitions", [2, 5])
def test_partitioned_plan_equals_the_whole_plan_on_sqlite(
    sqlite_url: str, demo: NetworkData, n_partitions: int
) -> None:
    engine, whole = _stored(sqlite_url, demo)
    summary = plan_runs.run_partitioned(sqlite_url, n_partitions, PARAMS)
    assert summary.positions == len(whole.positions)
    assert plan_store.current_run(engine, _import_id(engine)) == summary.run_id
    _assert_same_plan(engine, summary.run_id, whole)


@pytest.mark.postgres
def test_partitioned_plan_equals_the_whole_plan_on_postgres(
    postgres_url: str, demo: NetworkData
) -> None:
    engine, whole = _stored(postgres_url, demo)
    summary = plan_runs.run_partitioned(postgres_url, 3, PARAMS)
    _assert_same_plan(engine, summary.run_id, whole)


def _import_id(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(text("SELECT max(id) FROM snapshot_imports")).scalar_one())


def test_partitions_are_written_once_and_a_missing_one_keeps_the_run_open(
    sqlite_url: str,
) -> None:
    data = generate_demo(seed=11, stores=4, skus=30, as_of=DEMO_AS_OF).data
    engine, whole = _stored(sqlite_url, data)
    run_id = plan_runs.begin_run(sqlite_url, 3, PARAMS)
    parts = plan_store.partition_states(engine, run_id)
    assert parts["skus"].sum() == 30 and (parts["skus"] > 0).all()
    with pytest.raises(RuntimeError, match="not scanned"):
        plan_runs.seal_run(sqlite_url, run_id)
    for i in range(3):
        plan_runs.scan_partition(sqlite_url, run_id, i)
    plan_runs.seal_run(sqlite_url, run_id)
    first = [plan_runs.plan_partition(sqlite_url, run_id, i) for i in (0, 1)]
    with pytest.raises(RuntimeError, match=r"partitions \[2\] are not planned"):
        plan_runs.finish_run(sqlite_url, run_id)
    assert plan_store.current_run(engine, _import_id(engine)) is None
    again = plan_runs.plan_partition(sqlite_url, run_id, 1)  # a retried partition
    assert again.positions == first[1].positions
    plan_runs.plan_partition(sqlite_url, run_id, 2)
    plan_runs.finish_run(sqlite_url, run_id)
    positions = plan_store.read_positions(engine, run_id)
    assert not positions.duplicated(["sku", "location_id"]).any()
    _assert_same_plan(engine, run_id, whole)


def _kept_sales_rows(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(
            conn.execute(select(func.count()).select_from(plan_store.KEPT_SALES)).scalar_one()
        )


def _assert_reads_each_partition_s_sales_once(url: str) -> None:
    data = generate_demo(seed=11, stores=4, skus=30, as_of=DEMO_AS_OF).data
    engine, whole = _stored(url, data)
    as_of = snapshot_as_of(engine)
    assert as_of is not None
    sales = SQL_TABLES["sales"]
    since = as_of - timedelta(PARAMS.history_days + PARAMS.bias_window_days)
    with engine.connect() as conn:
        rows = conn.execute(
            select(func.count()).select_from(sales).where(sales.c.date >= since)
        ).scalar_one()
    once = plan_runs.run_partitioned(url, 3, PARAMS)
    assert once.sales_rows == rows > 0  # the scans read them; the plan phase reads none
    assert _kept_sales_rows(engine) == 0  # dropped when the run completed
    _assert_same_plan(engine, once.run_id, whole)
    twice = plan_runs.run_partitioned(url, 3, PARAMS, keep_sales=False)
    assert twice.sales_rows == 2 * rows
    assert plan_store.read_exceptions(engine, twice.run_id) == plan_store.read_exceptions(
        engine, once.run_id
    )
    pd.testing.assert_frame_equal(
        plan_store.read_positions(engine, twice.run_id),
        plan_store.read_positions(engine, once.run_id),
        check_exact=True,
    )


def test_a_run_reads_each_partition_s_sales_once_on_sqlite(sqlite_url: str) -> None:
    _assert_reads_each_partition_s_sales_once(sqlite_url)


@pytest.mark.postgres
def test_a_run_reads_each_partition_s_sales_once_on_postgres(postgres_url: str) -> None:
    _assert_reads_each_partition_s_sales_once(postgres_url)


def test_a_partition_without_kept_sales_reads_them_and_plans_the_same(sqlite_url: str) -> None:
    """A plan phase whose scan kept nothing (its row lost, an older scan) reads the sales."""
    data = generate_demo(seed=11, stores=4, skus=30, as_of=DEMO_AS_OF).data
    engine, whole = _stored(sqlite_url, data)
    run_id = plan_runs.begin_run(sqlite_url, 3, PARAMS)
    scans = [plan_runs.scan_partition(sqlite_url, run_id, i) for i in range(3)]
    assert _kept_sales_rows(engine) == 3
    plan_runs.seal_run(sqlite_url, run_id)
    with engine.begin() as conn:
        conn.execute(delete(plan_store.KEPT_SALES).where(plan_store.KEPT_SALES.c.partition_id == 1))
    planned = [plan_runs.plan_partition(sqlite_url, run_id, i) for i in range(3)]
    assert [p.sales_rows for p in planned] == [0, scans[1].sales_rows, 0]
    assert scans[1].sales_rows > 0
    plan_runs.finish_run(sqlite_url, run_id)
    assert _kept_sales_rows(engine) == 0
    _assert_same_plan(engine, run_id, whole)


def test_more_partitions_than_skus_leaves_empty_partitions(sqlite_url: str) -> None:
    data = generate_demo(seed=5, stores=3, skus=4, as_of=DEMO_AS_OF).data
    engine, whole = _stored(sqlite_url, data)
    summary = plan_runs.run_partitioned(sqlite_url, 9, PARAMS)
    parts = plan_store.partition_states(engine, summary.run_id)
    assert (parts["skus"] == 0).any() and parts["planned_at"].notna().all()
    _assert_same_plan(engine, summary.run_id, whole)


def test_replan_of_one_sku_swaps_only_its_rows(sqlite_url: str) -> None:
    data = generate_demo(seed=3, stores=5, skus=40, as_of=DEMO_AS_OF).data
    engine, _ = _stored(sqlite_url, data)
    summary = plan_runs.run_partitioned(sqlite_url, 2, PARAMS)
    before = plan_store.read_positions(engine, summary.run_id)
    sku, location = before.iloc[0]["sku"], before.iloc[0]["location_id"]
    balances = models.InventoryBalance.__table__
    with engine.begin() as conn:
        conn.execute(
            update(balances)
            .where(balances.c.sku == sku, balances.c.location_id == location)
            .values(on_hand=balances.c.on_hand + 500)
        )
    assert plan_runs.replan_skus(sqlite_url, summary.run_id, [sku]) > 0
    after = plan_store.read_positions(engine, summary.run_id)
    replanned = _whole_plan(engine)
    whole = replanned.positions
    pd.testing.assert_frame_equal(
        after.drop(columns=list(EVIDENCE)), whole, check_exact=False, rtol=1e-9, check_dtype=False
    )
    assert replanned.stockout_evidence is not None
    for name in EVIDENCE:  # the re-planned SKU's stockout evidence is swapped in with its rows
        np.testing.assert_array_equal(after[name], replanned.stockout_evidence[name])
    changed = after["on_hand"].to_numpy() != before["on_hand"].to_numpy()
    assert set(after.loc[changed, "sku"]) == {sku}
    records, _ = plan_store.read_exceptions(engine, summary.run_id)
    assert records == _whole_plan(engine).exception_records()


def test_the_plan_tables_carry_the_stockout_evidence(sqlite_url: str) -> None:
    data = generate_demo(seed=5, stores=3, skus=4, as_of=DEMO_AS_OF).data
    store = data.sales.groupby(["sku", "location_id"])["units"].sum().idxmax()
    days = pd.date_range(pd.Timestamp(data.as_of) - pd.Timedelta(days=40), periods=10)
    hit = (
        (data.sales["sku"] == store[0])
        & (data.sales["location_id"] == store[1])
        & pd.to_datetime(data.sales["date"]).isin(days)
    )
    history = pd.DataFrame(
        {"date": days, "sku": store[0], "location_id": store[1], "on_hand": 0.0, "stockout": True}
    )
    data = dataclasses.replace(
        data,
        sales=data.sales[~hit].reset_index(drop=True),
        inventory_history=history.astype(data.inventory_history.dtypes.to_dict()),
    )
    engine, whole = _stored(sqlite_url, data)
    summary = plan_runs.run_partitioned(sqlite_url, 2, PARAMS)
    read = plan_store.read_positions(engine, summary.run_id, sku=store[0], location=store[1])
    (record,) = position_records(read)
    assert record["stockouts"]["source"] == "inventory_history"
    assert record["stockouts"]["stockout_days_excluded"] == 10
    assert "10 day(s) out of stock" in record["stockouts"]["note"]
    assert [record] == whole.position_records(sku=store[0], location=store[1])


@pytest.mark.postgres
def test_a_commit_that_lands_after_a_later_numbered_one_is_still_re_planned(
    postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two ERP commits in flight at once: the first to start commits last.

    Its ledger row must not fall behind the run's commit mark: the catch-up between the two
    commits and the one after them together re-plan both SKUs, and the rows equal a full plan.
    """
    engine, _ = _stored(
        postgres_url, generate_demo(seed=3, stores=5, skus=40, as_of=DEMO_AS_OF).data
    )
    summary = plan_runs.run_partitioned(postgres_url, 2, PARAMS)
    data = load_network(engine)
    pairs = data.item_suppliers.drop_duplicates("sku").head(2)
    (slow_sku, slow_supplier), (fast_sku, fast_supplier) = pairs[["sku", "supplier_id"]].values
    store = str(data.locations.loc[data.locations["type"] == "store", "location_id"].iloc[0])
    inside, release = threading.Event(), threading.Event()
    insert_po = connector._insert_po

    def held_open(conn, doc_id, req):  # type: ignore[no-untyped-def]
        # The slow commit's transaction stays open after its ledger row is inserted.
        if req.sku == slow_sku:
            inside.set()
            assert release.wait(30)
        insert_po(conn, doc_id, req)

    monkeypatch.setattr(connector, "_insert_po", held_open)

    def commit(sku: str, supplier: str) -> None:
        BuiltinErpConnector(engine).create_purchase_order(
            PurchaseOrderRequest(
                supplier_id=str(supplier),
                sku=str(sku),
                location_id=store,
                qty=500,
                order_date=data.as_of,
            ),
            idempotency_key=f"race-{sku}",
        )

    slow = threading.Thread(target=commit, args=(slow_sku, slow_supplier))
    slow.start()
    assert inside.wait(30)
    fast = threading.Thread(target=commit, args=(fast_sku, fast_supplier))
    fast.start()
    fast.join(1.0)  # it commits now if nothing orders it after the slow one
    replanned = set(plan_runs.catch_up(postgres_url, summary.run_id))
    release.set()
    slow.join(30)
    fast.join(30)
    replanned.update(plan_runs.catch_up(postgres_url, summary.run_id))
    assert replanned == {slow_sku, fast_sku}
    assert plan_runs.catch_up(postgres_url, summary.run_id) == []
    _assert_same_plan(engine, summary.run_id, _whole_plan(engine))


def _assert_sorted_in_sql_as_in_memory(url: str) -> None:
    data = generate_demo(seed=11, stores=4, skus=30, as_of=DEMO_AS_OF).data
    engine, _ = _stored(url, data)
    run_id = plan_runs.run_partitioned(url, 2, PARAMS).run_id
    records, _ = plan_store.read_exceptions(engine, run_id)
    table = plan_store.EXCEPTIONS
    with engine.begin() as conn:  # two exceptions without a first risk date: they sort last
        for r in records[:2]:
            r["first_risk_date"] = None
            conn.execute(
                update(table)
                .where(table.c.run_id == run_id, table.c.exception_id == r["id"])
                .values(first_risk_date=None, record=json.dumps(r))
            )
    supplier = next(
        r["recommendation"]["supplier_id"] for r in records if r["recommendation"]["supplier_id"]
    )
    for sort in SORTS:
        got, total = plan_store.read_exceptions(engine, run_id, sort=sort)
        assert got == sort_records(records, sort) and total == len(records)
        kept = plan_store.ExceptionFilters(supplier_id=supplier, priority=2)
        page, n = plan_store.read_exceptions(engine, run_id, kept, sort=sort, offset=1, limit=3)
        want = [
            r
            for r in sort_records(records, sort)
            if r["recommendation"]["supplier_id"] == supplier and r["priority"] <= 2
        ]
        assert (page, n) == (want[1:4], len(want))
    assert sort_records(records, "first_risk_date")[-2:] == records[:2]


def test_exceptions_sort_in_sql_as_in_memory_on_sqlite(sqlite_url: str) -> None:
    _assert_sorted_in_sql_as_in_memory(sqlite_url)


@pytest.mark.postgres
def test_exceptions_sort_in_sql_as_in_memory_on_postgres(postgres_url: str) -> None:
    _assert_sorted_in_sql_as_in_memory(postgres_url)
