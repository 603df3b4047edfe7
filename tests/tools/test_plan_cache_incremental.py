"""After ERP commits the plan cache re-plans only the committed SKUs, and gets the whole plan."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from erp.connector import PurchaseOrderRequest, TransferRequest
from erp.demo import generate_demo
from erp.store import load_network, replace_snapshot, snapshot_as_of
from planning import engine
from planning.engine import Plan
from planning.network import NetworkData
from stockpilot.settings import Settings
from tools.workspace import Workspace

# The demo network's date is pinned: by default it is today, and its exceptions move with it.
DEMO_AS_OF = date(2026, 12, 3)


@pytest.fixture(scope="module")
def demo() -> NetworkData:
    return generate_demo(seed=11, stores=4, skus=30, as_of=DEMO_AS_OF).data


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(
        _env_file=None,
        database_url=f"sqlite:///{tmp_path / 'ws.db'}",
        plan_cache_dir=tmp_path / "cache",
    )


@pytest.fixture
def whole_plans(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Count the plans of the whole network (the plan cache's own calls to the engine)."""
    calls: list[int] = []
    real = engine.plan

    def counting(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr("tools.plan_cache.plan", counting)
    return calls


@pytest.fixture
def sku_plans(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """Record the SKUs of each partial plan the plan cache asks for."""
    calls: list[list[str]] = []
    import tools.plan_cache as plan_cache

    real = plan_cache.plan_skus_with

    def recording(engine_, skus, *args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(sorted(skus))
        return real(engine_, skus, *args, **kwargs)

    monkeypatch.setattr(plan_cache, "plan_skus_with", recording)
    return calls


def _from_scratch(ws: Workspace) -> Plan:
    as_of = snapshot_as_of(ws.engine)
    assert as_of is not None
    p = ws.plans.params
    since = as_of - timedelta(p.history_days + p.bias_window_days)
    return engine.plan(load_network(ws.engine, sales_since=since), params=p)


def _supply_by_row(result: Plan) -> pd.DataFrame:
    cols = ["row", "kind", "doc_id", "supplier_id", "from_location", "arrival_day", "qty"]
    return result.supply[cols].sort_values(cols[:3]).reset_index(drop=True)


def _assert_same(got: Plan, want: Plan) -> None:
    assert got.exception_records() == want.exception_records()  # ranking, ids, evidence
    pd.testing.assert_frame_equal(
        got.positions, want.positions, check_exact=False, rtol=1e-9, check_dtype=False
    )
    for name in ("demand", "projected", "unmet", "receipts", "promo_mask"):
        np.testing.assert_allclose(getattr(got, name), getattr(want, name), rtol=1e-9)
    pd.testing.assert_frame_equal(_supply_by_row(got), _supply_by_row(want), check_dtype=False)
    assert got.stockout_evidence is not None and want.stockout_evidence is not None
    for k, v in want.stockout_evidence.items():
        np.testing.assert_allclose(got.stockout_evidence[k], v)
    row = got.row_of(str(want.positions["sku"].iloc[0]), str(want.positions["location_id"][0]))
    assert row == 0


def _commit_two(ws: Workspace, demo: NetworkData) -> set[str]:
    """Commit a purchase order and a transfer of two SKUs; return the SKUs."""
    term = demo.item_suppliers.iloc[0]
    locations = demo.locations.set_index("location_id")
    dc = str(locations.index[locations["type"] == "dc"][0])
    as_of = snapshot_as_of(ws.engine)
    assert as_of is not None
    connector = ws.connector()
    connector.create_purchase_order(
        PurchaseOrderRequest(str(term["supplier_id"]), str(term["sku"]), dc, 480, as_of),
        idempotency_key="po-1",
    )
    store = str(locations.index[locations["source_location"] == dc][0])
    other = next(s for s in demo.items["sku"] if s != term["sku"])
    connector.create_transfer(
        TransferRequest(str(other), dc, store, 12, as_of), idempotency_key="tr-1"
    )
    return {str(term["sku"]), str(other)}


def test_a_commit_re_plans_only_its_skus_and_gives_the_whole_plan(
    settings: Settings, demo: NetworkData, whole_plans: list[int], sku_plans: list[list[str]]
) -> None:
    ws = Workspace.open(settings)
    replace_snapshot(ws.engine, demo, source="t")
    before = ws.plans.plan()
    assert len(whole_plans) == 1
    touched = _commit_two(ws, demo)

    after = Workspace.open(settings).plans.plan()  # a new process: the plan on disk is older
    assert len(whole_plans) == 1 and sku_plans == [sorted(touched)]
    _assert_same(after, _from_scratch(ws))
    # The commits show: the purchase order is on order at the DC, the transfer in transit.
    moved = (
        after.positions[["on_order", "in_transit"]].sum()
        - before.positions[["on_order", "in_transit"]].sum()
    )
    assert moved.to_dict() == {"on_order": 480.0, "in_transit": 12.0}
    # The spliced plan is cached under the new writes: the next process plans nothing.
    again = Workspace.open(settings).plans.plan()
    assert len(whole_plans) == 1 and len(sku_plans) == 1
    _assert_same(again, after)


def test_a_process_that_holds_no_plan_brings_the_one_on_disk_up_to_date(
    settings: Settings, demo: NetworkData, whole_plans: list[int], sku_plans: list[list[str]]
) -> None:
    ws = Workspace.open(settings)
    replace_snapshot(ws.engine, demo, source="t")
    ws.plans.plan()
    touched = _commit_two(ws, demo)
    one_shot = Workspace.open(settings).plans
    assert one_shot.cached() is not None  # a plan of the snapshot is on disk: never computes
    assert (len(whole_plans), sku_plans) == (1, [sorted(touched)])
    # What checks use (fresh=False) is then the plan in memory: nothing more is planned.
    assert one_shot.plan(fresh=False) is one_shot.plan()
    assert (len(whole_plans), len(sku_plans)) == (1, 1)


def test_without_the_network_figures_the_whole_network_is_planned(
    settings: Settings, demo: NetworkData, whole_plans: list[int], sku_plans: list[list[str]]
) -> None:
    ws = Workspace.open(settings)
    replace_snapshot(ws.engine, demo, source="t")
    ws.plans.plan()
    assert settings.plan_cache_dir is not None
    for f in settings.plan_cache_dir.glob("figures-*.pkl"):
        f.unlink()
    _commit_two(ws, demo)
    after = Workspace.open(settings).plans.plan()
    assert len(whole_plans) == 2 and sku_plans == []
    _assert_same(after, _from_scratch(ws))


def test_a_new_snapshot_plans_the_whole_network(
    settings: Settings, demo: NetworkData, whole_plans: list[int], sku_plans: list[list[str]]
) -> None:
    ws = Workspace.open(settings)
    replace_snapshot(ws.engine, demo, source="t")
    ws.plans.plan()
    replace_snapshot(ws.engine, demo, source="t")
    Workspace.open(settings).plans.plan()
    assert len(whole_plans) == 2 and sku_plans == []
