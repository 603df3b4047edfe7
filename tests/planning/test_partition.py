"""A plan of some SKUs with the whole network's figures equals the whole plan's rows of them."""

from __future__ import annotations

import zlib
from datetime import date

import numpy as np
import pandas as pd
import pytest

from erp.demo import generate_demo
from planning.engine import network_figures, part_figures, part_scan, plan
from planning.forecast import WeekdayTotals
from planning.network import NetworkData
from planning.recommend import supplier_lateness

# The demo network's date is pinned: by default it is today, and its exceptions move with it.
DEMO_AS_OF = date(2026, 12, 3)


def _part(data: NetworkData, skus: set[str]) -> NetworkData:
    return NetworkData.from_frames(
        {
            name: frame[frame["sku"].isin(skus)] if "sku" in frame.columns else frame
            for name, frame in data.frames().items()
        }
    )


def _hash_parts(data: NetworkData, n: int) -> list[NetworkData]:
    """Split by a hash of the SKU id: parts that are not ranges of ids."""
    skus = data.items["sku"].tolist()
    return [_part(data, {s for s in skus if zlib.crc32(s.encode()) % n == i}) for i in range(n)]


@pytest.mark.parametrize(("seed", "n"), [(1, 2), (4, 5)])
def test_parts_planned_with_network_figures_equal_the_whole_plan(seed: int, n: int) -> None:
    data = generate_demo(seed=seed, stores=6, skus=45, days=500, as_of=DEMO_AS_OF).data
    whole = plan(data)
    parts = _hash_parts(data, n)
    figures = network_figures(
        [part_figures(p, as_of=data.as_of) for p in parts], supplier_lateness(data)
    )
    plans = [plan(p, as_of=data.as_of, figures=figures) for p in parts]
    positions = (
        pd.concat([p.positions for p in plans])
        .sort_values(["sku", "location_id"])
        .reset_index(drop=True)
    )
    pd.testing.assert_frame_equal(positions, whole.positions, check_exact=False, rtol=1e-9)
    by_id = sorted((r for p in plans for r in p.exception_records()), key=lambda r: r["id"])
    assert by_id == sorted(whole.exception_records(), key=lambda r: r["id"])
    assert len(by_id) > 0


def test_parts_without_the_network_figures_plan_differently() -> None:
    """The figures matter: planned alone, a part ranks its SKUs A/B/C among itself only."""
    data = generate_demo(seed=2, stores=6, skus=45, days=500, as_of=DEMO_AS_OF).data
    whole = plan(data)
    part = _hash_parts(data, 3)[0]
    alone = plan(part, as_of=data.as_of).positions.set_index(["sku", "location_id"])
    same = whole.positions.set_index(["sku", "location_id"]).loc[alone.index]
    assert (alone["abc_class"] != same["abc_class"]).any()


def test_weekday_totals_of_parts_add_up_to_the_whole_exactly() -> None:
    data = generate_demo(seed=9, stores=4, skus=30, days=400, as_of=DEMO_AS_OF).data
    parts = _hash_parts(data, 4)
    whole = part_figures(data)
    total = WeekdayTotals.zero()
    for p in parts:
        total = total + part_figures(p, as_of=data.as_of).weekday_pool
    assert np.array_equal(total.units, whole.weekday_pool.units)
    assert np.array_equal(total.days, whole.weekday_pool.days)


def test_weekly_sales_partitioned_equal_the_whole_plan() -> None:
    data = generate_demo(seed=6, stores=5, skus=30, days=500, as_of=DEMO_AS_OF).data
    sales = data.sales.assign(
        date=data.sales["date"] - pd.to_timedelta(data.sales["date"].dt.day_of_week, unit="D")
    )
    weekly = sales.groupby(["date", "sku", "location_id"], as_index=False)["units"].sum()
    data = NetworkData.from_frames({**data.frames(), "sales": weekly})
    whole = plan(data)
    assert whole.sales_bucket == "week"
    parts = _hash_parts(data, 3)
    figures = network_figures(
        [part_figures(p, as_of=data.as_of) for p in parts], supplier_lateness(data)
    )
    assert figures.sales_bucket == ("week", 0)
    plans = [plan(p, as_of=data.as_of, figures=figures) for p in parts]
    positions = (
        pd.concat([p.positions for p in plans])
        .sort_values(["sku", "location_id"])
        .reset_index(drop=True)
    )
    pd.testing.assert_frame_equal(positions, whole.positions, check_exact=False, rtol=1e-9)
    by_id = sorted((r for p in plans for r in p.exception_records()), key=lambda r: r["id"])
    assert by_id == sorted(whole.exception_records(), key=lambda r: r["id"])


def test_a_part_planned_from_its_scan_s_sales_reads_no_sales_rows_and_plans_the_same() -> None:
    """The scan keeps what the plan reads of the sales; the part's plan from it is identical."""
    data = generate_demo(seed=4, stores=6, skus=45, days=500, as_of=DEMO_AS_OF).data
    parts = _hash_parts(data, 3)
    scans = [part_scan(p, as_of=data.as_of) for p in parts]
    figures = network_figures([f for f, _ in scans], supplier_lateness(data))
    for part, (_, sales) in zip(parts, scans, strict=True):
        read = plan(part, as_of=data.as_of, figures=figures)
        without_sales = NetworkData.from_frames(
            {name: frame for name, frame in part.frames().items() if name != "sales"}
        )
        kept = plan(without_sales, as_of=data.as_of, figures=figures, sales=sales)
        pd.testing.assert_frame_equal(kept.positions, read.positions, check_exact=True)
        assert kept.exception_records() == read.exception_records()
        np.testing.assert_array_equal(kept.demand, read.demand)
    with pytest.raises(ValueError, match="kept sales cover"):
        plan(parts[0], as_of=data.as_of - pd.Timedelta(days=1), figures=figures, sales=sales)
