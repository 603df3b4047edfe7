"""Time `generate_demo` at the default scale and at larger ones.

Usage: `.venv/bin/python benchmarks/bench_demo.py [--scale 20x300 --scale 100x2000 --days 730]`
Prints, per scale, the best wall time over `--repeat` runs, the row counts and the peak traced
memory of one run (tracemalloc sees numpy and pandas buffers).
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from erp.demo import generate_demo

AS_OF = dt.date(2026, 11, 22)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--scale", action="append", help="STORESxSKUS (repeatable)")
    ap.add_argument("--days", type=int, default=730)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    scales = args.scale or ["20x300", "60x1000", "100x2000"]
    for scale in scales:
        stores, skus = (int(x) for x in scale.lower().split("x"))
        times = []
        demo = None
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            demo = generate_demo(stores=stores, skus=skus, days=args.days, as_of=AS_OF)
            times.append(time.perf_counter() - t0)
        assert demo is not None
        tracemalloc.start()
        generate_demo(stores=stores, skus=skus, days=args.days, as_of=AS_OF)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        rows = {k: len(v) for k, v in demo.data.frames().items()}
        print(
            f"{stores} stores x {skus} SKUs x {args.days} days: best {min(times):.2f} s "
            f"(runs {', '.join(f'{t:.2f}' for t in times)}), peak traced {peak / 2**20:.0f} MiB, "
            f"planted {len(demo.planted)}"
        )
        print("  rows: " + ", ".join(f"{k} {v:,}" for k, v in rows.items()))


if __name__ == "__main__":
    main()
