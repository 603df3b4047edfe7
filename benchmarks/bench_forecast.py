"""Time `forecast_batch` on synthetic M5-shaped data (default 30,490 series x 1,941 days).

Run from the repository root: `python benchmarks/bench_forecast.py [--series N --days T]`.
The data mixes smooth (Poisson with a weekly pattern), intermittent and lumpy series and some
all-zero ones, generated with numpy from a fixed seed.

Where statsforecast imports (`make compat` installs it in its own environment), the same run
also times its matched per-class models on the same series, side by side: SESOpt for the series
StockPilot forecasts with SES, CrostonSBA for SBA, TSB for TSB, WindowAverage (28 days) for a
k-day mean ("naive"), ADIDA for ADIDA and IMAPA for IMAPA (the all-zero series are left out of
both). StockPilot's time includes fitting every candidate of every series and choosing among
them (`planning.model_select`); statsforecast fits only the one model each series ended
with. It prints the ratio (statsforecast seconds / StockPilot seconds, best of `--repeat`),
with and without statsforecast's conversion of the matrix to its long frame; numba's
compilation is warmed up on a small frame first and not counted.
"""

from __future__ import annotations

import argparse
import datetime
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from planning.forecast import TSB_ALPHA, TSB_BETA, forecast_batch


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


def statsforecast_models() -> dict[str, Any] | None:
    """Return statsforecast's model matched to each StockPilot method, or None if absent."""
    try:
        from statsforecast.models import (
            ADIDA,
            IMAPA,
            TSB,
            CrostonSBA,
            SimpleExponentialSmoothingOptimized,
            WindowAverage,
        )
    except Exception:  # ImportError, or a broken install (numba)
        return None
    return {
        "ses": SimpleExponentialSmoothingOptimized(),
        "sba": CrostonSBA(),
        "tsb": TSB(alpha_d=TSB_ALPHA, alpha_p=TSB_BETA),
        "naive": WindowAverage(window_size=28),
        "adida": ADIDA(),
        "imapa": IMAPA(),
    }


def long_frame(history: np.ndarray) -> Any:
    """Return statsforecast's long frame (unique_id, ds, y) of the rows of `history`."""
    import pandas as pd

    n, t = history.shape
    return pd.DataFrame(
        {
            "unique_id": np.repeat(np.arange(n), t),
            "ds": np.tile(np.arange(t), n),
            "y": history.astype(np.float64).ravel(),
        }
    )


def run_statsforecast(
    history: np.ndarray, method: np.ndarray, horizon: int, models: dict[str, Any]
) -> tuple[float, float]:
    """Fit each method's matched model on its rows; return (seconds with, without conversion)."""
    from statsforecast import StatsForecast

    t0 = time.perf_counter()
    frames = {m: long_frame(history[method == m]) for m in models if (method == m).any()}
    t1 = time.perf_counter()
    for m, df in frames.items():
        StatsForecast(models=[models[m]], freq=1, n_jobs=1).forecast(df=df, h=horizon)
    t2 = time.perf_counter()
    return t2 - t0, t2 - t1


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--series", type=int, default=30_490)
    ap.add_argument("--days", type=int, default=1_941)
    ap.add_argument("--horizon", type=int, default=28)
    ap.add_argument("--dtype", choices=("float32", "float64"), default="float32")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--no-statsforecast", action="store_true", help="time StockPilot only")
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
    print(f"StockPilot seconds: best {best:.2f}, all {', '.join(f'{t:.2f}' for t in times)}")
    print(f"StockPilot series/second: {args.series / best:,.0f}")
    models = None if args.no_statsforecast else statsforecast_models()
    if models is None:
        print("statsforecast: not compared (not importable or --no-statsforecast)")
        return
    warm = np.concatenate([np.flatnonzero(fc.method == m)[:3] for m in models])
    run_statsforecast(history[warm, :60], fc.method[warm], 7, models)  # numba's compilation
    with_conv, fit_only = zip(
        *(run_statsforecast(history, fc.method, args.horizon, models) for _ in range(args.repeat)),
        strict=True,
    )
    sf_all, sf_fit = min(with_conv), min(fit_only)
    print(f"statsforecast seconds (matched per-class fit): best {sf_fit:.2f}")
    print(f"statsforecast seconds incl. long-frame conversion: best {sf_all:.2f}")
    print(f"ratio statsforecast / StockPilot: {sf_fit / best:.2f}x fit, {sf_all / best:.2f}x total")


if __name__ == "__main__":
    main()
