"""Generated hard demand for the forecast backtest: what real demand does that the demo does not.

Each case is a panel of daily store series (numpy, fixed seed) scored like the demo network
(`evals.forecast_eval.backtest_panel`: the same methods, cut-offs, metrics and classes). The
series mix smooth (Poisson with a weekly pattern), intermittent (a sale on a share of days, small
sizes) and lumpy (rare sales, widely varying sizes) demand, then:

- ``obsolescent``: half the items decline (demand x exp(-t / tau), tau 120..500 days, from a
  random day), a quarter reach their end of life (no demand after a day in the last 300);
  the shelves never run empty and the inventory history records it (every day in stock, every
  series `covered`), so a run without a sale is demand that stopped;
- ``obsolescent_no_history``: the same series without the inventory history (a run without a
  sale at the origin may as well be a stockout);
- ``regime``: one to three level shifts (x 0.3 .. 3, log-uniform) in the last 600 days;
- ``censored``: stockouts: runs of 5..40 days every 40..120 days where nothing sells although
  demand was there (recorded sales are 0), with the inventory history that records them: the
  panel's stockout days are NaN (not measured: neither fitted nor scored), the others in
  stock, and every series is `covered`, as `evals.forecast_eval.run_forecast_eval` reads an
  `inventory_history`; the last `CLEAN_TAIL` days, which the cut-offs score, have none, so the
  actuals are the demand;
- ``censored_no_history``: the same series without the inventory history: the stockout days
  are zeros, and StockPilot has only its suspect runs (`planning.censoring.suspect_stockouts`);
- ``spare_parts``: spare-part demand: a sale on 1..4 % of days at the start (about 70 % of
  30-day months without one), sizes 1 + geometric, declining (tau 200..800 days) — the shape
  where naive, SES and IMAPA beat fixed-constant Croston.

And one case in months (`run_bucket_cases`, scored by `evals.forecast_eval.backtest_buckets`
like the `--bucket month` backtest of a network):

- ``spare_parts_monthly``: one row per month over 5 years, the shape of real spare-part data
  (about 71 % of months without a sale, declining): sales per month Poisson around a rate of
  0.05 + Gamma(1.2, 0.5), sizes 1 + negative binomial; 10 % of items steady, 60 % declining
  (x exp(-t / tau), tau 6..30 months, from a month in the first half), 30 % ending at a month
  from the middle of the history to a year past its end (so some end inside the scored months).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from evals.forecast_eval import (
    BUCKET_BACKTEST,
    HISTORY_DAYS,
    Panel,
    Progress,
    backtest_buckets,
    backtest_panel,
)
from planning.demand import classify_demand

CASES = (
    "obsolescent",
    "regime",
    "censored",
    "spare_parts",
    "censored_no_history",
    "obsolescent_no_history",
)
# The generator each case draws from (each ``_no_history`` case: the same series as its pair).
_DRAWN = {"censored_no_history": "censored", "obsolescent_no_history": "obsolescent"}
BUCKET_CASES = ("spare_parts_monthly",)
BUCKET_CASE_MONTHS = 60
START = datetime.date(2024, 1, 1)  # a Monday
CLEAN_TAIL = 112
WEEK = np.array([0.9, 0.85, 0.85, 0.95, 1.1, 1.25, 1.1])


def generate_case(name: str, series: int, days: int, seed: int = 7) -> Panel:
    """Return the panel of case `name` with `series` rows and `days` columns."""
    if name not in CASES:
        raise ValueError(f"unknown forecast case {name!r}; one of {', '.join(CASES)}")
    drawn = _DRAWN.get(name, name)
    rng = np.random.default_rng([seed, CASES.index(drawn)])
    t = np.arange(days)
    if name == "spare_parts":
        p0 = rng.uniform(0.01, 0.04, (series, 1))
        tau = rng.uniform(200, 800, (series, 1))
        p = p0 * np.exp(-t[None, :] / tau)
        q = rng.uniform(0.3, 0.8, (series, 1))
        sizes = 1 + rng.geometric(q, (series, days)) - 1
        units = (rng.random((series, days)) < p) * sizes
        return _panel(name, units.astype(np.float64), days, expected=p / q)
    kind = rng.choice(3, size=series, p=[0.35, 0.4, 0.25])
    factor = np.ones((series, days))
    if drawn == "obsolescent":
        fate = rng.choice(3, size=series, p=[0.25, 0.5, 0.25])  # stable, declining, ending
        t0 = rng.integers(0, days // 2, series)[:, None]
        tau = rng.uniform(120, 500, (series, 1))
        decline = np.exp(-np.maximum(t[None, :] - t0, 0) / tau)
        factor = np.where((fate == 1)[:, None], decline, factor)
        end = rng.integers(days - 300, days, series)[:, None]
        factor = np.where((fate == 2)[:, None] & (t[None, :] >= end), 0.0, factor)
        if name == "obsolescent":  # the inventory history: in stock every day
            demand, expected = _demand(rng, kind, factor, days)
            stocked = np.ones((series, days), bool)
            return _panel(name, demand, days, np.ones(series, bool), expected, stocked)
    elif name == "regime":
        for _ in range(3):
            shift = rng.random(series) < 0.7
            at = rng.integers(days - 600, days - 14, series)[:, None]
            level = np.exp(rng.uniform(np.log(0.3), np.log(3.0), (series, 1)))
            factor = np.where(shift[:, None] & (t[None, :] >= at), factor * level, factor)
        factor = np.clip(factor, 0.05, 20.0)
    demand, expected = _demand(rng, kind, factor, days)
    if drawn == "censored":
        out = np.zeros((series, days), bool)
        for i in range(series):
            day = int(rng.integers(0, 120))
            while day < days - CLEAN_TAIL:
                run = int(rng.integers(5, 41))
                out[i, day : min(day + run, days - CLEAN_TAIL)] = True
                day += run + int(rng.integers(40, 121))
        if name == "censored":  # the inventory history: stockout days are not measured
            history = np.where(out, np.nan, demand)
            return _panel(name, history, days, np.ones(series, bool), expected, ~out)
        demand = np.where(out, 0.0, demand)
        return _panel(name, demand, days, expected=expected, shelf_empty=out)
    if name == "obsolescent_no_history":  # the shelves never run empty
        return _panel(
            name, demand, days, expected=expected, shelf_empty=np.zeros_like(demand, bool)
        )
    return _panel(name, demand, days, expected=expected)


def _demand(
    rng: np.random.Generator, kind: np.ndarray, factor: np.ndarray, days: int
) -> tuple[Any, Any]:
    """Return daily units of smooth (0), intermittent (1) and lumpy (2) series, and their means.

    Each series is drawn around its expected daily demand times `factor`; the expected values
    are returned with the draws (the yardstick `expected_demand` of the backtest).
    """
    series = kind.size
    dow = np.arange(days) % 7
    out = np.zeros((series, days))
    expected = np.zeros((series, days))
    smooth = kind == 0
    rate = rng.gamma(2.0, 3.0, (int(smooth.sum()), 1)) + 0.5
    expected[smooth] = rate * WEEK[dow][None, :] * factor[smooth]
    out[smooth] = rng.poisson(expected[smooth])
    for k, (lo, hi) in ((1, (0.08, 0.45)), (2, (0.03, 0.25))):
        rows = kind == k
        m = int(rows.sum())
        p = np.clip(rng.uniform(lo, hi, (m, 1)) * factor[rows], 0.0, 0.95)
        if k == 1:
            lam = rng.uniform(0.3, 2.0, (m, 1))
            sizes = 1 + rng.poisson(lam, (m, days))
            expected[rows] = p * (1 + lam)
        else:
            q = rng.uniform(0.05, 0.3, (m, 1))
            sizes = 1 + rng.negative_binomial(1, q, (m, days))
            expected[rows] = p * (1 + (1 - q) / q)
        out[rows] = (rng.random((m, days)) < p) * sizes
    return out, expected


def _panel(
    name: str,
    units: np.ndarray,
    days: int,
    covered: np.ndarray | None = None,
    expected: np.ndarray | None = None,
    in_stock: np.ndarray | None = None,
    shelf_empty: np.ndarray | None = None,
) -> Panel:
    keys = pd.DataFrame(
        {"sku": [f"{name}-{i:04d}" for i in range(units.shape[0])], "location_id": "S01"}
    )
    _, _, classes = classify_demand(units)
    mean = None if expected is None else np.broadcast_to(expected, units.shape).astype(np.float64)
    return Panel(
        units,
        np.ones_like(units),
        keys,
        classes,
        START,
        covered=covered,
        expected=mean,
        in_stock=in_stock,
        shelf_empty=shelf_empty,
    )


def run_forecast_cases(
    *,
    series: int,
    horizon: int = 28,
    origins: int = 4,
    seed: int = 7,
    cases: tuple[str, ...] = CASES,
    with_statsforecast: bool = True,
    progress: Progress | None = None,
    decline: str = "fitted",
) -> dict[str, dict[str, Any]]:
    """Backtest every case of `cases` like the demo network; return each case's result.

    `decline`: how StockPilot forecasts a significantly declining series (`daily_periods`).
    """
    days = HISTORY_DAYS + horizon * origins
    out: dict[str, dict[str, Any]] = {}
    for name in cases:
        panel = generate_case(name, series, days, seed)
        tick: Callable[[str, int, int], None] | None = None
        if progress is not None:

            def tick(stage: str, done: int, total: int, name: str = name) -> None:
                assert progress is not None
                progress(f"{stage}:{name}", done, total)

        result = backtest_panel(
            panel,
            horizon=horizon,
            origins=origins,
            step=horizon,
            as_of=START + datetime.timedelta(days=days - 1),
            with_statsforecast=with_statsforecast,
            progress=tick,
            decline=decline,
        )
        result.pop("series", None)  # per-series rows of generated data say nothing
        result["case"] = {"name": name, "series": series, "days": days, "seed": seed}
        out[name] = result
    return out


def generate_bucket_case(name: str, series: int, months: int, seed: int = 7) -> Panel:
    """Return the monthly panel of bucket case `name` with `series` rows and `months` columns."""
    if name not in BUCKET_CASES:
        raise ValueError(f"unknown bucket case {name!r}; one of {', '.join(BUCKET_CASES)}")
    rng = np.random.default_rng([seed, len(CASES) + BUCKET_CASES.index(name)])
    t = np.arange(months)
    rate = rng.gamma(1.2, 0.5, (series, 1)) + 0.05
    fate = rng.choice(3, size=series, p=[0.1, 0.6, 0.3])  # steady, declining, ending
    t0 = rng.integers(0, months // 2, (series, 1))
    tau = rng.uniform(6, 30, (series, 1))
    factor = np.where((fate == 1)[:, None], np.exp(-np.maximum(t[None, :] - t0, 0) / tau), 1.0)
    end = rng.integers(months // 2, months + 12, (series, 1))
    factor = np.where((fate == 2)[:, None] & (t[None, :] >= end), 0.0, factor)
    lam = rate * factor
    q = rng.uniform(0.3, 0.8, (series, 1))
    sales = rng.poisson(lam)
    units = sales + rng.negative_binomial(np.maximum(sales, 1), q) * (sales > 0)
    keys = pd.DataFrame({"sku": [f"{name}-{i:04d}" for i in range(series)], "location_id": "S01"})
    values = units.astype(np.float64)
    _, _, classes = classify_demand(values)
    expected = np.broadcast_to(lam / q, values.shape).astype(np.float64)
    return Panel(values, np.ones_like(values), keys, classes, START, "month", expected=expected)


def run_bucket_cases(
    *,
    series: int,
    seed: int = 7,
    cases: tuple[str, ...] = BUCKET_CASES,
    with_statsforecast: bool = True,
    progress: Progress | None = None,
) -> dict[str, dict[str, Any]]:
    """Backtest every monthly case of `cases` like a network in months; return each result."""
    out: dict[str, dict[str, Any]] = {}
    settings = BUCKET_BACKTEST["month"]
    for name in cases:
        panel = generate_bucket_case(name, series, BUCKET_CASE_MONTHS, seed)
        tick: Callable[[str, int, int], None] | None = None
        if progress is not None:

            def tick(stage: str, done: int, total: int, name: str = name) -> None:
                assert progress is not None
                progress(f"{stage}:{name}", done, total)

        last = START.year * 12 + START.month - 1 + BUCKET_CASE_MONTHS - 1
        result = backtest_buckets(
            panel,
            horizon=settings["horizon"],
            origins=settings["origins"],
            step=settings["step"],
            as_of=datetime.date(last // 12, last % 12 + 1, 1),
            with_statsforecast=with_statsforecast,
            progress=tick,
        )
        result.pop("series", None)
        result["case"] = {
            "name": name,
            "series": series,
            "months": BUCKET_CASE_MONTHS,
            "seed": seed,
        }
        out[name] = result
    return out
