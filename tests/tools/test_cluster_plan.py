"""A plan run on a real local Dask cluster (two worker processes) over a PostgreSQL store.

The workers read their partitions from the store and write their rows back themselves; these
tests check that the distributed plan is the in-process plan, row for row, and that a worker
killed in the middle of the planning phase loses nothing and writes nothing twice.
"""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from datetime import date, timedelta

import pandas as pd
import pytest
from sqlalchemy import Engine, func, select, text

from erp import plan_store
from erp.db import make_engine, migrate
from erp.demo import generate_demo
from erp.store import SQL_TABLES, replace_snapshot
from planning.params import PlanParams
from tests.conftest import postgres_schema
from tools.cluster import run_plan
from tools.plan_runs import dispose_engines

distributed = pytest.importorskip("distributed", reason="the scale extra is not installed")
# A cluster start, two plan runs and a SIGKILL: about a minute on a quiet machine.
pytestmark = [pytest.mark.postgres, pytest.mark.slow]

AS_OF = date(2026, 6, 30)
PARTITIONS = 4


@pytest.fixture(scope="module")
def store() -> Iterator[tuple[str, Engine]]:
    """Return (URL, engine) of a PostgreSQL schema holding a small demo network."""
    # The workers open the store from this URL alone, so the schema travels in it.
    with postgres_schema() as url:
        engine = make_engine(url)
        try:
            migrate(engine)
            demo = generate_demo(seed=11, stores=5, skus=32, days=240, as_of=AS_OF)
            replace_snapshot(engine, demo.data, source="demo:cluster-test")
            yield url, engine
        finally:
            engine.dispose()
            dispose_engines()


@pytest.fixture(scope="module")
def cluster() -> Iterator[str]:
    """Return the address of a local cluster of two worker processes (one thread each)."""
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0"
    ) as local:
        yield local.scheduler_address


@pytest.fixture(scope="module")
def in_process(store) -> int:
    url, _ = store
    return run_plan(url, params=PlanParams(), partitions=PARTITIONS).run_id


def _rows(engine: Engine, run_id: int) -> tuple[pd.DataFrame, list[dict]]:
    positions = plan_store.read_positions(engine, run_id)
    exceptions, total = plan_store.read_exceptions(engine, run_id)
    assert total == len(exceptions)
    return positions, exceptions


def _assert_complete_and_once(engine: Engine, run_id: int) -> None:
    states = plan_store.partition_states(engine, run_id)
    assert len(states) == PARTITIONS and states["planned_at"].notna().all()
    with engine.connect() as conn:
        status = conn.execute(
            text("SELECT status FROM plan_runs WHERE id = :r"), {"r": run_id}
        ).scalar_one()
    assert status == "complete"
    with engine.connect() as conn:  # the sales the scans kept for the plan phase are dropped
        kept = conn.execute(
            text("SELECT count(*) FROM plan_partition_sales WHERE run_id = :r"), {"r": run_id}
        ).scalar_one()
    assert kept == 0
    positions, exceptions = _rows(engine, run_id)
    assert not positions.duplicated(["sku", "location_id"]).any()
    assert len({e["id"] for e in exceptions}) == len(exceptions)
    # Each partition's completion record counts exactly the rows it left.
    assert states["positions"].sum() == len(positions)
    assert states["exceptions"].sum() == len(exceptions)


def test_the_cluster_plan_is_the_in_process_plan(store, cluster, in_process):
    url, engine = store
    phases: dict[str, int] = {}
    summary = run_plan(
        url,
        params=PlanParams(),
        partitions=PARTITIONS,
        scheduler=cluster,
        on_done=lambda phase, done, total: phases.__setitem__(phase, done),
    )
    assert phases == {"scan_partition": PARTITIONS, "plan_partition": PARTITIONS}
    _assert_complete_and_once(engine, summary.run_id)
    params, sales = PlanParams(), SQL_TABLES["sales"]
    since = AS_OF - timedelta(days=params.history_days + params.bias_window_days)
    with engine.connect() as conn:  # each partition's sales read once: by its scan
        rows = conn.execute(
            select(func.count()).select_from(sales).where(sales.c.date >= since)
        ).scalar_one()
    assert summary.sales_rows == rows > 0
    want_positions, want_exceptions = _rows(engine, in_process)
    got_positions, got_exceptions = _rows(engine, summary.run_id)
    assert len(got_positions) == len(want_positions) > 0
    pd.testing.assert_frame_equal(got_positions, want_positions, check_exact=True)
    assert got_exceptions == want_exceptions and got_exceptions


def test_a_worker_killed_while_planning_loses_no_partition(store, cluster, in_process):
    url, engine = store
    killed: list[int] = []

    def kill_a_busy_worker(phase: str, done: int, total: int) -> None:
        # After the first partition is planned, SIGKILL a worker that is running another.
        if killed or phase != "plan_partition":
            return
        client = distributed.Client(cluster, set_as_default=False)
        try:
            busy = [w for w, tasks in client.processing().items() if tasks]
            pids = client.run(os.getpid, workers=busy[:1]) if busy else {}
        finally:
            client.close()
        for pid in pids.values():
            os.kill(pid, signal.SIGKILL)
            killed.append(pid)

    summary = run_plan(
        url,
        params=PlanParams(),
        partitions=PARTITIONS,
        scheduler=cluster,
        on_done=kill_a_busy_worker,
    )
    assert killed, "no worker was busy to kill"
    _assert_complete_and_once(engine, summary.run_id)
    want_positions, want_exceptions = _rows(engine, in_process)
    got_positions, got_exceptions = _rows(engine, summary.run_id)
    pd.testing.assert_frame_equal(got_positions, want_positions, check_exact=True)
    assert got_exceptions == want_exceptions
