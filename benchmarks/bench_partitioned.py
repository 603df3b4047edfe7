"""Whole-network plan vs the partitioned plan into the plan tables, and a 1-SKU re-plan.

Each mode runs in its own child process (wall time and peak RSS of that process), side by side
on the same store: `whole` loads the network and plans it in memory (today's path);
`partitioned N` runs `tools.plan_runs.run_partitioned` in-process with N partitions. Then a
purchase order is committed through the built-in connector and its SKU re-planned
(`replan_skus`: read its network, plan it, swap its rows).

Usage: python benchmarks/bench_partitioned.py [--stores N] [--skus N] [--days N]
       [--partitions 1,4,16] [--database-url URL]
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from erp.connector import BuiltinErpConnector, PurchaseOrderRequest
from erp.db import make_engine, migrate
from erp.demo import generate_demo
from erp.store import load_network, replace_snapshot, snapshot_as_of
from planning.engine import plan
from planning.params import PlanParams
from tools import plan_runs


def _child(mode: str, url: str) -> None:
    """Run one mode and print its figures as JSON (the parent reads the last line)."""
    started = time.perf_counter()
    out: dict[str, object] = {"mode": mode}
    if mode == "whole":
        engine = make_engine(url)
        params = PlanParams()
        as_of = snapshot_as_of(engine)
        assert as_of is not None
        data = load_network(
            engine, sales_since=as_of - timedelta(params.history_days + params.bias_window_days)
        )
        result = plan(data, params=params)
        out["exceptions"] = len(result.exceptions)
    else:
        summary = plan_runs.run_partitioned(url, int(mode), PlanParams())
        out.update(
            run_id=summary.run_id,
            exceptions=summary.exceptions,
            scan_s=round(summary.scan_s, 2),
            plan_s=round(summary.plan_s, 2),
        )
    out["wall_s"] = round(time.perf_counter() - started, 2)
    out["peak_mib"] = _peak_mib()
    print(json.dumps(out))


def _peak_mib() -> int:
    """Return this process's peak RSS (VmHWM: unlike ru_maxrss, not inherited over fork/exec)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024)
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)


def _run_child(mode: str, url: str) -> dict[str, object]:
    proc = subprocess.run(
        [sys.executable, __file__, "--child", mode, "--database-url", url],
        check=True,
        capture_output=True,
        text=True,
    )
    return dict(json.loads(proc.stdout.strip().splitlines()[-1]))


def _replan_after_commit(url: str, run_id: int, repeat: int) -> list[float]:
    """Commit a PO for one SKU, then time re-planning that SKU (`repeat` times)."""
    engine = plan_runs.store_engine(url)
    with engine.connect() as conn:
        sku, location, supplier = conn.exec_driver_sql(
            "SELECT p.sku, p.location_id, p.supplier_id FROM purchase_orders p "
            "WHERE p.status = 'open' ORDER BY p.id LIMIT 1"
        ).one()
    as_of = snapshot_as_of(engine)
    assert as_of is not None
    times = []
    for i in range(repeat):
        BuiltinErpConnector(engine).create_purchase_order(
            PurchaseOrderRequest(
                supplier_id=supplier, sku=sku, location_id=location, qty=10, order_date=as_of
            ),
            idempotency_key=f"bench-replan-{time.time_ns()}-{i}",
        )
        t0 = time.perf_counter()
        plan_runs.replan_skus(url, run_id, [sku])
        times.append(time.perf_counter() - t0)
    return times


def main() -> None:
    """Build the store once, run each mode in a child process, print a table."""
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--stores", type=int, default=20)
    ap.add_argument("--skus", type=int, default=300)
    ap.add_argument("--days", type=int, default=730)
    ap.add_argument("--partitions", default="1,4,16")
    ap.add_argument("--database-url", default=None, help="default: a temporary SQLite file")
    ap.add_argument("--keep-store", action="store_true", help="reuse the store at the URL")
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--child", default=None, help=argparse.SUPPRESS)
    args = ap.parse_args()
    url = args.database_url or f"sqlite:///{Path(tempfile.mkdtemp()) / 'bench.db'}"
    if args.child:
        _child(args.child, url)
        return
    engine = make_engine(url)
    migrate(engine)
    if not args.keep_store:
        data = generate_demo(
            stores=args.stores, skus=args.skus, days=args.days, as_of=date(2026, 11, 22)
        ).data
        t0 = time.perf_counter()
        replace_snapshot(engine, data, source="bench")
        print(
            f"store: {len(data.inventory):,} SKU-locations, {len(data.sales):,} sales rows, "
            f"written in {time.perf_counter() - t0:.1f} s ({engine.dialect.name})"
        )
        del data
    rows = [_run_child("whole", url)]
    for n in args.partitions.split(","):
        rows.append(_run_child(n.strip(), url))
    for row in rows:
        print(json.dumps(row))
    last = rows[-1]
    times = _replan_after_commit(url, int(str(last["run_id"])), args.repeat)
    print(
        f"re-plan of 1 SKU after a commit: median {statistics.median(times):.3f} s, "
        f"max {max(times):.3f} s (n = {len(times)})"
    )


if __name__ == "__main__":
    main()
