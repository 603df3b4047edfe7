"""Time the whole path at a chosen scale: demo network → store write → store read → plan.

Usage: python benchmarks/bench_plan.py [--stores N] [--skus N] [--days N]
       [--database-url URL | --no-store]
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
from datetime import date
from pathlib import Path

from erp.db import make_engine, migrate
from erp.demo import generate_demo
from erp.store import load_network, replace_snapshot
from planning.engine import plan


def main() -> None:
    """Run the benchmark and print one line per stage."""
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--stores", type=int, default=20)
    ap.add_argument("--skus", type=int, default=300)
    ap.add_argument("--days", type=int, default=730)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--database-url", default=None, help="default: a temporary SQLite file")
    ap.add_argument("--no-store", action="store_true", help="plan straight from memory")
    args = ap.parse_args()

    t0 = time.perf_counter()
    demo = generate_demo(
        seed=args.seed, stores=args.stores, skus=args.skus, days=args.days, as_of=date(2026, 11, 22)
    )
    t_gen = time.perf_counter() - t0
    data = demo.data
    print(
        f"scale: {args.stores} stores x {args.skus} SKUs x {args.days} days: "
        f"{len(data.inventory):,} SKU-locations, {len(data.sales):,} sales rows"
    )
    print(f"generate     {t_gen:7.2f} s")
    if not args.no_store:
        url = args.database_url or f"sqlite:///{Path(tempfile.mkdtemp()) / 'bench.db'}"
        engine = make_engine(url)
        migrate(engine)
        t0 = time.perf_counter()
        replace_snapshot(engine, data, source="bench")
        print(f"store write  {time.perf_counter() - t0:7.2f} s  ({engine.dialect.name})")
        t0 = time.perf_counter()
        data = load_network(engine)
        print(f"store read   {time.perf_counter() - t0:7.2f} s")
    t0 = time.perf_counter()
    result = plan(data)
    print(f"plan         {time.perf_counter() - t0:7.2f} s  {result.timings}")
    print(f"exceptions   {len(result.exceptions):,}")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory  {peak:,.0f} MiB")


if __name__ == "__main__":
    main()
