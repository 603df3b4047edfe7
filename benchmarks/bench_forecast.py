"""Time `forecast_batch` on synthetic M5-shaped data (default 30,490 series x 1,941 days).

Run from the repository root: `python benchmarks/bench_forecast.py [--series N --days T]`.
The data mixes smooth (Poisson with a weekly pattern), intermittent and lumpy series and some
all-zero ones, generated with numpy from a fixed seed.
"""

from __future__ import annotations

import argparse
import datetime
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from planning.forecast import forecast_batch


def synthetic(series: int, days: int, dtype: str, seed: int = 7) -> np.ndarray:
    """Return (series, days) daily units: 25% smooth, 45% intermittent, 25% lumpy, 5% zero."""
    rng = np.random.default_rng(seed)
    kind = rng.choice(4, size=series, p=[0.25, 0.45, 0.25, 0.05])
    week = np.array([0.9, 0.85, 0.85, 0.95, 1.1, 1.25, 1.1])
    dow = np.arange(days) % 7
    year = 1 + 0.2 * np.sin(2 * np.pi * np.arange(days) / 365.25)
    rate = rng.gamma(2.0, 3.0, size=series)[:, None] * week[dow][None, :] * year[None, :]
    out = np.zeros((series, days), dtype=dtype)
    smooth = kind == 0
    out[smooth] = rng.poisson(rate[smooth])
    inter = kind == 1
    p = rng.uniform(0.05, 0.5, size=(int(inter.sum()), 1))
    out[inter] = (rng.random((int(inter.sum()), days)) < p) * rng.poisson(1.5, (p.size, days)) + (
        rng.random((p.size, days)) < p
    )
    lumpy = kind == 2
    p = rng.uniform(0.03, 0.3, size=(int(lumpy.sum()), 1))
    sizes = rng.negative_binomial(1, 0.1, size=(p.size, days))
    out[lumpy] = (rng.random((p.size, days)) < p) * (sizes + 1)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--series", type=int, default=30_490)
    ap.add_argument("--days", type=int, default=1_941)
    ap.add_argument("--horizon", type=int, default=28)
    ap.add_argument("--dtype", choices=("float32", "float64"), default="float32")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    history = synthetic(args.series, args.days, args.dtype)
    start = datetime.date(2011, 1, 29)
    times = []
    fc = None
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        fc = forecast_batch(history, args.horizon, start=start)
        times.append(time.perf_counter() - t0)
    assert fc is not None
    best = min(times)
    methods, counts = np.unique(fc.method, return_counts=True)
    print(f"series={args.series} days={args.days} horizon={args.horizon} dtype={args.dtype}")
    print(f"methods: {dict(zip(methods.tolist(), counts.tolist(), strict=True))}")
    print(f"seconds: best {best:.2f}, all {', '.join(f'{t:.2f}' for t in times)}")
    print(f"series/second: {args.series / best:,.0f}")


if __name__ == "__main__":
    main()
