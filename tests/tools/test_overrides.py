"""A forecast override re-plans only its SKU, and the result is the whole plan with it (both paths).

With a plan run the SKU's rows are swapped in the plan tables; without one the plan cache
re-plans the SKU alone. Either way the plan equals a whole plan computed with the overrides,
on SQLite and PostgreSQL; clearing gives back the plan without it.
"""

from __future__ import annotations

import threading
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from erp import plan_store
from erp.demo import generate_demo
from erp.governance import AuditLog
from erp.overrides import overrides_in_force, set_override
from erp.store import load_network, replace_snapshot, snapshot_as_of
from planning import engine
from planning.censoring import EVIDENCE
from planning.engine import Plan
from planning.network import NetworkData
from stockpilot.settings import Settings
from tools import insight, overrides, plan_runs
from tools.workspace import Workspace

# The demo network's date is pinned: by default it is today, and its exceptions move with it.
DEMO_AS_OF = date(2026, 12, 3)


@pytest.fixture(scope="module")
def demo() -> NetworkData:
    return generate_demo(seed=11, stores=4, skus=30, as_of=DEMO_AS_OF).data


def _settings(url: str, cache: Path | None = None) -> Settings:
    return Settings(_env_file=None, database_url=url, plan_cache_dir=cache)


def _from_scratch(ws: Workspace) -> Plan:
    as_of = snapshot_as_of(ws.engine)
    assert as_of is not None
    p = ws.plans.params
    since = as_of - timedelta(p.history_days + p.bias_window_days)
    data = load_network(ws.engine, sales_since=since)
    return engine.plan(data, params=p, overrides=overrides_in_force(ws.engine))


def _store_row(ws: Workspace, demo: NetworkData) -> tuple[str, str]:
    locations = demo.locations.set_index("location_id")
    store = str(locations.index[locations["type"] == "store"][0])
    sold = demo.sales[demo.sales["location_id"] == store].groupby("sku")["units"].sum()
    return str(sold.idxmax()), store


def _set(ws: Workspace, sku: str, location: str | None, value: float = 1.5) -> dict:
    as_of = ws.plans.as_of()
    return overrides.set_(
        ws.plans,
        sku=sku,
        location=location,
        start=as_of + timedelta(days=1),
        end=as_of + timedelta(days=20),
        kind="multiplier",
        value=value,
        reason="regional festival",
        author="alice",
    )


def _assert_run_is_whole(ws: Workspace, run_id: int) -> Plan:
    whole = _from_scratch(ws)
    positions = plan_store.read_positions(ws.engine, run_id)
    pd.testing.assert_frame_equal(
        positions.drop(columns=list(EVIDENCE)),
        whole.positions,
        check_exact=False,
        rtol=1e-9,
        check_dtype=False,
    )
    records, _ = plan_store.read_exceptions(ws.engine, run_id)
    assert records == whole.exception_records()
    return whole


def _run_path(url: str, demo: NetworkData) -> None:
    ws = Workspace.open(_settings(url))
    replace_snapshot(ws.engine, demo, source="t")
    summary = plan_runs.run_partitioned(ws.engine, 2, ws.plans.params)
    before = plan_store.read_positions(ws.engine, summary.run_id)
    sku, store = _store_row(ws, demo)

    made = _set(ws, sku, store)
    assert made["replanned_skus"] == [sku]
    assert made["note"].startswith("override applied: ×1.5 by alice (regional festival)")
    after = plan_store.read_positions(ws.engine, summary.run_id)
    _assert_run_is_whole(ws, summary.run_id)
    moved = ~np.isclose(after["forecast_daily"], before["forecast_daily"])
    assert set(after.loc[moved, "sku"]) == {sku}  # only the SKU's rows (the store and its DC)
    row = after[(after["sku"] == sku) & (after["location_id"] == store)].iloc[0]
    was = before[(before["sku"] == sku) & (before["location_id"] == store)].iloc[0]
    assert row["forecast_daily"] == pytest.approx(1.5 * was["forecast_daily"], rel=1e-9)
    assert plan_store.run(ws.engine, summary.run_id).override_events == 1

    # Reads show the override on the position.
    shown = ws.queries.inventory(sku=sku, location=store)
    assert shown[0]["overrides"] == [made["note"]]

    overrides.clear(ws.plans, made["id"], author="bob")
    events = [(e.event, e.actor) for e in ws.governance.audit.entries()]
    assert events == [("forecast_override_set", "alice"), ("forecast_override_cleared", "bob")]
    cleared = plan_store.read_positions(ws.engine, summary.run_id)
    pd.testing.assert_frame_equal(
        cleared.drop(columns=list(EVIDENCE)),
        before.drop(columns=list(EVIDENCE)),
        check_exact=False,
        rtol=1e-9,
    )
    assert "overrides" not in ws.queries.inventory(sku=sku, location=store)[0]


def test_override_re_plans_its_sku_in_the_plan_run_on_sqlite(
    tmp_path: Path, demo: NetworkData
) -> None:
    try:
        _run_path(f"sqlite:///{tmp_path / 'ws.db'}", demo)
    finally:
        plan_runs.dispose_engines()


@pytest.mark.postgres
def test_override_re_plans_its_sku_in_the_plan_run_on_postgres(
    postgres_url: str, demo: NetworkData
) -> None:
    try:
        _run_path(postgres_url, demo)
    finally:
        plan_runs.dispose_engines()


def test_a_full_run_plans_with_the_overrides(tmp_path: Path, demo: NetworkData) -> None:
    ws = Workspace.open(_settings(f"sqlite:///{tmp_path / 'ws.db'}"))
    replace_snapshot(ws.engine, demo, source="t")
    sku, _ = _store_row(ws, demo)
    _set(ws, sku, None, value=2.0)  # network-wide: every store, and the DCs' sums
    summary = plan_runs.run_partitioned(ws.engine, 3, ws.plans.params)
    _assert_run_is_whole(ws, summary.run_id)
    assert plan_runs.catch_up(ws.engine, summary.run_id) == []  # the run includes it


def test_override_re_plans_its_sku_in_the_plan_in_memory(
    tmp_path: Path, demo: NetworkData, monkeypatch: pytest.MonkeyPatch
) -> None:
    ws = Workspace.open(_settings(f"sqlite:///{tmp_path / 'ws.db'}", tmp_path / "cache"))
    replace_snapshot(ws.engine, demo, source="t")
    before = ws.plans.plan()
    sku, store = _store_row(ws, demo)
    wholes: list[int] = []
    real = engine.plan

    def counting(*args, **kwargs):  # type: ignore[no-untyped-def]
        wholes.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr("tools.plan_cache.plan", counting)
    made = _set(ws, sku, store, value=0.5)
    assert made["replanned_skus"] == [sku]
    after = ws.plans.plan()
    assert wholes == [] and after.timings == {"spliced_skus": 1.0}
    want = _from_scratch(ws)
    assert after.exception_records() == want.exception_records()
    pd.testing.assert_frame_equal(
        after.positions, want.positions, check_exact=False, rtol=1e-9, check_dtype=False
    )
    np.testing.assert_allclose(after.demand, want.demand, rtol=1e-9)
    row = after.row_of(sku, store)
    assert row is not None
    np.testing.assert_allclose(after.demand[row, :20], 0.5 * before.demand[row, :20], rtol=1e-9)
    np.testing.assert_allclose(after.demand[row, 20:], before.demand[row, 20:], rtol=1e-9)
    forecast = ws.queries.forecast(sku, store)
    assert forecast["overrides"] == [made["note"]]
    # The copilot's tools pass the notes through (get_inventory, get_forecast).
    shown = insight.with_cover(ws, ws.queries.inventory(sku, store))
    assert shown[0]["overrides"] == [made["note"]]
    assert insight.forecast_context(ws, forecast, 28)["overrides"] == [made["note"]]
    # A new process finds the plan on disk older than the override and re-plans the SKU alone.
    again = Workspace.open(_settings(ws.settings.database_url, tmp_path / "cache")).plans.plan()
    assert wholes == []
    np.testing.assert_allclose(again.demand, want.demand, rtol=1e-9)


def test_bad_override_changes_nothing(tmp_path: Path, demo: NetworkData) -> None:
    ws = Workspace.open(_settings(f"sqlite:///{tmp_path / 'ws.db'}"))
    replace_snapshot(ws.engine, demo, source="t")
    sku, store = _store_row(ws, demo)
    as_of = ws.plans.as_of()
    good = {
        "sku": sku,
        "location": store,
        "start": as_of,
        "end": as_of + timedelta(days=3),
        "kind": "multiplier",
        "value": 1.2,
        "reason": "r",
        "author": "alice",
    }
    dc = str(demo.locations.loc[demo.locations["type"] == "dc", "location_id"].iloc[0])
    for change, field in (
        ({"sku": "NOPE"}, "sku"),
        ({"location": "NOWHERE"}, "location"),
        ({"location": dc}, "location"),
        ({"value": -1.0}, "value"),
        ({"value": float("nan")}, "value"),
        ({"kind": "add"}, "kind"),
        ({"end": as_of - timedelta(days=1)}, "end"),
        ({"reason": " "}, "reason"),
        ({"author": ""}, "author"),
    ):
        with pytest.raises(overrides.OverrideError, match=rf"^{field}: "):
            overrides.set_(ws.plans, **{**good, **change})  # type: ignore[arg-type]
    assert overrides.listed(ws.plans, include_cleared=True) == []
    assert ws.governance.audit.entries() == []
    with pytest.raises(overrides.OverrideNotFoundError, match=r"^id: "):
        overrides.clear(ws.plans, 999, author="bob")


@pytest.mark.postgres
def test_an_override_committed_after_a_later_numbered_one_is_still_re_planned(
    postgres_url: str, demo: NetworkData, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two overrides in flight at once: the first to start commits last.

    Its event must not fall behind the run's mark: the catch-up between the two commits and
    the one after them together re-plan both SKUs.
    """
    ws = Workspace.open(_settings(postgres_url))
    replace_snapshot(ws.engine, demo, source="t")
    summary = plan_runs.run_partitioned(ws.engine, 2, ws.plans.params)
    slow_sku, _ = _store_row(ws, demo)
    fast_sku = next(s for s in sorted(demo.items["sku"]) if s != slow_sku)
    inside, release = threading.Event(), threading.Event()
    append = AuditLog.append_in

    def held_open(self, conn, event, actor, **kwargs):  # type: ignore[no-untyped-def]
        # The slow override's transaction stays open after its event row is inserted.
        if (kwargs.get("payload") or {}).get("sku") == slow_sku:
            inside.set()
            assert release.wait(30)
        return append(self, conn, event, actor, **kwargs)

    monkeypatch.setattr(AuditLog, "append_in", held_open)

    def store_only(sku: str) -> None:
        as_of = ws.plans.as_of()
        set_override(
            ws.engine,
            sku=sku,
            location_id=None,
            start=as_of + timedelta(days=1),
            end=as_of + timedelta(days=20),
            kind="multiplier",
            value=2.0,
            reason="festival",
            author="alice",
        )

    slow = threading.Thread(target=store_only, args=(slow_sku,))
    slow.start()
    assert inside.wait(30)
    fast = threading.Thread(target=store_only, args=(fast_sku,))
    fast.start()
    fast.join(1.0)  # it commits now if nothing orders it after the slow one
    replanned = set(plan_runs.catch_up(ws.engine, summary.run_id))
    release.set()
    slow.join(30)
    fast.join(30)
    replanned.update(plan_runs.catch_up(ws.engine, summary.run_id))
    assert replanned == {slow_sku, fast_sku}
    assert plan_runs.catch_up(ws.engine, summary.run_id) == []
    _assert_run_is_whole(ws, summary.run_id)
