"""Time the full-network exception scan on synthetic SKU-locations.

Usage: `.venv/bin/python benchmarks/bench_exceptions.py --n 1000000 --repeat 3`
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import date
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from planning.exceptions import LatePOs, PositionArrays, detect_exceptions
from planning.params import PlanParams
from planning.policy import (
    mean_first_days,
    order_up_to,
    reorder_point,
    safety_stock,
    z_value,
)


def synthetic(n: int, horizon: int, seed: int = 7) -> PositionArrays:
    """Build a synthetic network: mostly healthy, with a few percent of each exception type."""
    rng = np.random.default_rng(seed)
    params = PlanParams()
    base = rng.gamma(1.5, 2.0, n)
    weekly = np.array([0.8, 0.9, 0.9, 1.0, 1.1, 1.4, 0.9])
    demand = base[:, None] * np.tile(weekly, horizon // 7 + 1)[None, :horizon]
    promo = np.zeros((n, horizon), dtype=bool)
    pr = rng.random(n) < 0.05
    start = rng.integers(0, horizon - 7, n)
    for k in range(7):
        promo[np.flatnonzero(pr), start[pr] + k] = True
    demand = np.where(promo, demand * 1.8, demand)
    lead_time = rng.integers(1, 22, n)
    lt_std = np.where(rng.random(n) < 0.5, 0.0, rng.uniform(0.5, 3.0, n))
    d = mean_first_days(demand, lead_time)
    sigma = 0.6 * np.sqrt(d)
    ss = safety_stock(d, sigma, lead_time, lt_std, z_value(params.service_level))
    rop = reorder_point(d, lead_time, ss)
    s = order_up_to(d, lead_time, params.review_period_days, ss)
    # Healthy: position between ROP and S; 6 % low, 3 % over, 0.2 % negative.
    on_hand = np.round(rop + rng.uniform(0.0, 1.0, n) * (s - rop))
    low = rng.random(n) < 0.06
    on_hand[low] = np.round(rop[low] * rng.uniform(0.0, 0.9, low.sum()))
    over = rng.random(n) < 0.03
    on_hand[over] = np.round(s[over] * rng.uniform(5, 40, over.sum()))
    on_hand[rng.random(n) < 0.002] = -3
    # A third of the rows have part of their position on order, arriving within the lead time.
    receipts = np.zeros((n, horizon))
    has = np.flatnonzero(rng.random(n) < 0.3)
    part = np.round(on_hand[has] * 0.5)
    on_hand[has] -= part
    receipts[has, rng.integers(0, np.minimum(lead_time[has], 2))] = part
    on_order = receipts.sum(axis=1)
    late = np.flatnonzero(rng.random(n) < 0.01)
    late_day = 1 + np.round(lt_std[late]).astype(np.int64)
    receipts[late, late_day - 1] += 50
    on_order[late] += 50
    bias_actual = rng.poisson(base * 28).astype(float)
    bias_forecast = bias_actual * rng.normal(1.0, 0.12, n)
    zero_run = rng.geometric(0.5, n) - 1
    zero_run[rng.random(n) < 0.003] = 30
    return PositionArrays(
        as_of=date(2026, 11, 30),
        sku=np.array([f"SKU{i % 5000:05d}" for i in range(n)], dtype=object),
        location=np.array([f"L{i // 5000:03d}" for i in range(n)], dtype=object),
        unit_cost=rng.uniform(1, 50, n),
        unit_price=rng.uniform(51, 120, n),
        on_hand=on_hand,
        in_transit=np.zeros(n),
        on_order=on_order,
        lead_time=lead_time,
        lead_time_std=lt_std,
        forecast_daily=d,
        sigma=sigma,
        safety_stock=ss,
        reorder_point=rop,
        order_up_to=s,
        demand=demand,
        receipts=receipts,
        promo_mask=promo,
        bias_forecast=bias_forecast,
        bias_actual=bias_actual,
        bias_sigma=np.sqrt(base),
        zero_run_days=zero_run,
        hist_rate=base,
        late_pos=LatePOs(
            row=late,
            po_id=np.array([f"PO{i}" for i in range(len(late))], dtype=object),
            supplier_id=np.full(len(late), "SUP01", dtype=object),
            qty=np.full(len(late), 50.0),
            expected_date=np.full(len(late), np.datetime64("2026-11-20", "ns")),
            arrival_day=late_day,
        ),
    )


def main() -> None:
    """Build the arrays once, then time `detect_exceptions` `--repeat` times."""
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--n", type=int, default=1_000_000, help="SKU-locations")
    ap.add_argument("--horizon", type=int, default=56)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    t0 = time.perf_counter()
    arrays = synthetic(args.n, args.horizon)
    built = time.perf_counter() - t0
    print(f"built {args.n:,} SKU-locations x {args.horizon} days in {built:.1f} s")
    times, cpu = [], []
    for _ in range(args.repeat):
        t, c = time.perf_counter(), time.process_time()
        exc = detect_exceptions(arrays)
        times.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
    counts = exc["type"].value_counts().to_dict()
    print(f"exceptions: {len(exc):,} {counts}")
    print(f"detect_exceptions: best {min(times):.2f} s, median {float(np.median(times)):.2f} s")
    # CPU time (both threads) tells a slow run on a busy machine from a slow code path.
    print(f"cpu: best {min(cpu):.2f} s, median {float(np.median(cpu)):.2f} s")


if __name__ == "__main__":
    main()
