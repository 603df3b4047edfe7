"""Backtest forecast accuracy on any imported history, by demand class and against baselines.

`run_forecast_eval` densifies the daily sales of every store SKU-location over the history
window (`planning.forecast.sales_matrix`), cuts it at rolling origins T - H - k·step and scores,
on the next H days after each cut-off:

- ``stockpilot``: `planning.forecast.forecast_batch` as the engine runs it (the last
  `PlanParams.history_days` before the cut-off, past promotion days left out of the fit, future
  promotion days lifted by the uplift learned before the cut-off);
- ``seasonal_naive``: the last observed week repeated (same weekday last week), no promotions;
- ``statsforecast``: only where the optional package imports: AutoETS (weekly season) for
  smooth / erratic series, CrostonClassic for intermittent / lumpy ones, fitted per series
  (slow: thousands of series take minutes).

Metrics (`planning.accuracy` definitions) per series and aggregated: WAPE = Σ|a - f| / Σa and
bias = (Σf - Σa) / Σa over every window of the series (or of all series), MASE = Σ|a - f| over
Σ(H · in-sample seasonal-naive MAE), so large sellers weigh more, as in WAPE; ``mase_median``
is the median of the per-series MASE (mean over windows). ``coverage_90`` is the share of
(series, cut-off) where the H days' actual demand stayed at or under the 0.9 quantile of H-day
demand measured before the cut-off around that method's forecast (`planning.interval`; about
0.90 when the stated quantile holds). Classes come from
`planning.demand.classify_demand` on the whole history window, promotion days excluded.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from planning.accuracy import MIN_TRAIN_DAYS
from planning.demand import DEMAND_CLASSES, classify_demand
from planning.forecast import forecast_batch, sales_matrix
from planning.interval import interval_demand
from planning.network import NetworkData
from planning.params import PlanParams
from planning.promotions import future_uplift, learn_uplift, promo_calendar

Progress = Callable[[str, int, int], None]
SEASON = 7
STAGE = "forecast"
HISTORY_DAYS = PlanParams().history_days  # history the engine forecasts from, per cut-off
COVERAGE_LEVEL = 0.9  # upper quantile of H-day demand whose coverage is reported
STATSFORECAST_MAX_DAYS = 364  # per-series fits see at most the last year
METHOD_LABELS = {
    "stockpilot": "StockPilot",
    "seasonal_naive": "Seasonal naive",
    "statsforecast": "statsforecast",
}


@dataclass(frozen=True)
class Panel:
    """The densified store series a backtest cuts: (n, T) units and promotion factors."""

    history: np.ndarray  # (n, T) units per day, column 0 is `start`
    calendar: np.ndarray  # (n, T) promotion factors (1.0 = none)
    keys: pd.DataFrame  # (n,) sku, location_id
    classes: np.ndarray  # (n,) demand class on the whole window
    start: datetime.date


Forecaster = Callable[[Panel, int, int], np.ndarray]  # (panel, cut-off column, H) -> (n, H)


def run_forecast_eval(
    data: NetworkData,
    *,
    horizon: int = 28,
    origins: int = 4,
    step: int | None = None,
    as_of: datetime.date | None = None,
    max_series: int | None = None,
    with_statsforecast: bool = True,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Backtest every store series of `data` and return JSON-ready accuracy results.

    `max_series` keeps an evenly spaced subset of the (sku, location) keys; `with_statsforecast`
    False skips the optional package even where it imports.
    """
    h_len, step_len = int(horizon), int(horizon if step is None else step)
    if h_len < 1 or step_len < 1 or origins < 1:
        raise ValueError("horizon, step and origins must be >= 1")
    t = as_of or data.as_of
    keys, start = _store_keys(data, t, h_len + (origins - 1) * step_len)
    if max_series is not None and len(keys) > max_series:
        pick = np.unique(np.linspace(0, len(keys) - 1, max(int(max_series), 1)).round())
        keys = keys.iloc[pick.astype(np.int64)].reset_index(drop=True)
    notes: list[str] = []
    days = (t - start).days + 1
    history = sales_matrix(data.sales, keys, start, t)
    calendar = promo_calendar(keys, data.promotions, start, days)
    _, _, classes = classify_demand(history, exclude=np.isfinite(calendar) & (calendar != 1.0))
    panel = Panel(history, calendar, keys, classes, start)
    methods: dict[str, Forecaster] = {"stockpilot": _stockpilot, "seasonal_naive": _seasonal_naive}
    if with_statsforecast:
        sf, why = _statsforecast()
        if sf is None:
            notes.append(why)
        else:
            methods["statsforecast"] = sf
    wanted = [days - h_len - k * step_len for k in range(origins)]
    cuts = sorted(c for c in wanted if c >= MIN_TRAIN_DAYS)
    if len(cuts) < origins:
        notes.append(f"{origins - len(cuts)} origin(s) skipped: under {MIN_TRAIN_DAYS} days before")
    if not cuts:
        raise ValueError(f"history of {days} days is too short for a {h_len}-day backtest")
    total = len(cuts) * len(methods)
    sums = {}
    for i, (name, fn) in enumerate(methods.items()):

        def tick(j: int, i: int = i) -> None:
            if progress is not None:
                progress(STAGE, i * len(cuts) + j, total)

        sums[name] = _score(panel, cuts, h_len, fn, tick)
    return _result(keys, classes, sums, cuts, start, t, h_len, step_len, notes)


def _store_keys(
    data: NetworkData, t: datetime.date, span: int
) -> tuple[pd.DataFrame, datetime.date]:
    """Return the sorted store (sku, location_id) keys selling in the window, and its start."""
    stores = data.locations.loc[data.locations["type"] == "store", "location_id"]
    sales = data.sales
    if len(sales) == 0:
        raise ValueError("the network has no sales to backtest")
    dates = pd.to_datetime(sales["date"])
    last = pd.Timestamp(t)
    first_day = max(dates.min(), last - pd.Timedelta(days=HISTORY_DAYS + span - 1))
    window = (dates >= first_day) & (dates <= last) & sales["location_id"].isin(stores)
    window &= pd.to_numeric(sales["units"]) > 0
    keys = (
        sales.loc[window, ["sku", "location_id"]]
        .drop_duplicates()
        .astype(str)
        .sort_values(["sku", "location_id"])
        .reset_index(drop=True)
    )
    if keys.empty:
        raise ValueError("no store sold anything in the backtest window")
    return keys, pd.Timestamp(first_day).date()


def _score(
    panel: Panel, cuts: list[int], h_len: int, forecaster: Forecaster, tick: Callable[[int], None]
) -> dict[str, np.ndarray]:
    """Return per-series error sums of one method over every cut-off."""
    history = panel.history
    n = history.shape[0]
    names = ("abs_err", "actual", "forecast", "scale", "mase_sum", "mase_n", "cover_hit", "cover_n")
    out = {k: np.zeros(n) for k in names}
    for j, c in enumerate(cuts, start=1):
        actual = history[:, c : c + h_len]
        fc = forecaster(panel, c, h_len)
        fc = np.where(np.isfinite(fc), np.maximum(fc, 0.0), 0.0)
        lo = max(0, c - HISTORY_DAYS)
        past_promo = np.isfinite(panel.calendar[:, lo:c]) & (panel.calendar[:, lo:c] != 1.0)
        spread = interval_demand(history[:, lo:c], fc, h_len, exclude=past_promo)
        upper = spread.quantiles[:, spread.levels.index(COVERAGE_LEVEL)]
        measured = np.isfinite(upper)
        out["cover_hit"] += measured & (actual.sum(axis=1) <= upper)
        out["cover_n"] += measured
        err = np.abs(actual - fc).sum(axis=1)
        scale = _naive_scale(history[:, :c])
        out["abs_err"] += err
        out["actual"] += actual.sum(axis=1)
        out["forecast"] += fc.sum(axis=1)
        out["scale"] += np.nan_to_num(scale) * h_len
        ok = np.isfinite(scale) & (scale > 0)
        out["mase_sum"][ok] += err[ok] / h_len / scale[ok]
        out["mase_n"][ok] += 1
        tick(j)
    return out


def _naive_scale(insample: np.ndarray) -> np.ndarray:
    """Return the in-sample seasonal-naive MAE per row, from each series' first sale (NaN: none)."""
    x = np.nan_to_num(insample)
    diff = np.abs(x[:, SEASON:] - x[:, :-SEASON])
    if diff.shape[1] == 0:
        return np.full(x.shape[0], np.nan)
    # Only count differences after the first sale: days before it are "not yet listed".
    positive = x > 0
    first = np.where(positive.any(axis=1), positive.argmax(axis=1), x.shape[1])
    live = np.arange(SEASON, x.shape[1])[None, :] - SEASON >= first[:, None]
    count = live.sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(count > 0, (diff * live).sum(axis=1) / count, np.nan)


def _stockpilot(panel: Panel, c: int, h_len: int) -> np.ndarray:
    """Forecast as the engine does: its history length, learned promotion uplift."""
    lo = max(0, c - HISTORY_DAYS)
    hist, hist_cal = panel.history[:, lo:c], panel.calendar[:, lo:c]
    learned = learn_uplift(hist, hist_cal, panel.keys)
    fc = forecast_batch(
        hist,
        h_len,
        start=panel.start + datetime.timedelta(days=lo),
        uplift=future_uplift(panel.calendar[:, c : c + h_len], learned),
        history_uplift=hist_cal,
    )
    return np.asarray(fc.mean)


def _seasonal_naive(panel: Panel, c: int, h_len: int) -> np.ndarray:
    """Repeat the last observed week (same weekday last week) over the horizon."""
    last_week = np.nan_to_num(panel.history[:, c - SEASON : c])
    return np.asarray(last_week[:, np.arange(h_len) % SEASON], dtype=np.float64)


def _statsforecast() -> tuple[Forecaster | None, str]:
    """Return a statsforecast forecaster, or None and why it is skipped."""
    try:
        from statsforecast.models import (
            AutoETS,
            CrostonClassic,
        )
    except Exception as exc:  # ImportError, or a broken install (numba)
        return None, f"statsforecast skipped: not importable ({type(exc).__name__})"

    def forecast(panel: Panel, c: int, h_len: int) -> np.ndarray:
        """Fit AutoETS or CrostonClassic per series on its last year, from its first sale."""
        hist = np.nan_to_num(panel.history[:, max(0, c - STATSFORECAST_MAX_DAYS) : c])
        out = np.zeros((hist.shape[0], h_len))
        for i, row in enumerate(hist):
            nz = np.flatnonzero(row > 0)
            if nz.size == 0:
                continue
            y = row[nz[0] :].astype(np.float64)
            smooth = panel.classes[i] in ("smooth", "erratic") and y.size > 2 * SEASON
            model = AutoETS(season_length=SEASON) if smooth else CrostonClassic()
            try:
                out[i] = np.asarray(model.forecast(y=y, h=h_len)["mean"], dtype=np.float64)
            except Exception:  # a failed fit falls back to the series' mean rate
                out[i] = y.mean()
        return out

    return forecast, ""


def _metrics(s: dict[str, np.ndarray], rows: np.ndarray) -> dict[str, float | int | None]:
    """Aggregate the error sums of `rows` into WAPE, bias, MASE and the median series MASE."""
    act, err, fct = s["actual"][rows].sum(), s["abs_err"][rows].sum(), s["forecast"][rows].sum()
    hits = s["cover_hit"][rows].sum()
    scale = s["scale"][rows].sum()
    per = _series_mase(s)[rows]
    per = per[np.isfinite(per)]
    return {
        "wape": _num(err / act if act > 0 else math.nan),
        "bias": _num((fct - act) / act if act > 0 else math.nan),
        "mase": _num(err / scale if scale > 0 else math.nan),
        "mase_median": _num(float(np.median(per)) if per.size else math.nan),
        "coverage_90": _num(hits / tried if (tried := s["cover_n"][rows].sum()) else math.nan),
        "actual_units": _num(act),
        "n_series": int(rows.size),
    }


def _series_mase(s: dict[str, np.ndarray]) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(s["mase_n"] > 0, s["mase_sum"] / s["mase_n"], np.nan)


def _ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(den > 0, num / np.where(den > 0, den, 1.0), np.nan)


def _num(value: float) -> float | None:
    """Return a JSON-safe float (None for NaN / inf), rounded to 6 decimals."""
    v = float(value)
    return round(v, 6) if math.isfinite(v) else None


def _result(
    keys: pd.DataFrame,
    classes: np.ndarray,
    sums: dict[str, dict[str, np.ndarray]],
    cuts: list[int],
    start: datetime.date,
    t: datetime.date,
    h_len: int,
    step_len: int,
    notes: list[str],
) -> dict[str, Any]:
    """Assemble the JSON-ready result."""
    everyone = np.arange(len(keys))
    overall = {m: _metrics(s, everyone) for m, s in sums.items()}
    by_class: dict[str, dict[str, Any]] = {}
    counts: dict[str, int] = {}
    for cls in DEMAND_CLASSES:
        rows = np.flatnonzero(classes == cls)
        counts[cls] = int(rows.size)
        by_class[cls] = {m: _metrics(s, rows) for m, s in sums.items()} if rows.size else {}
    series = []
    per = {
        m: (
            _ratio(s["abs_err"], s["actual"]),
            _ratio(s["forecast"] - s["actual"], s["actual"]),
            _series_mase(s),
        )
        for m, s in sums.items()
    }
    for i, (sku, loc) in enumerate(zip(keys["sku"], keys["location_id"], strict=True)):
        row: dict[str, Any] = {"sku": sku, "location_id": loc, "demand_class": str(classes[i])}
        for m, (w, b, ms) in per.items():
            row[m] = {"wape": _num(w[i]), "bias": _num(b[i]), "mase": _num(ms[i])}
        series.append(row)
    if not all(counts.values()):
        notes.append("no series in class(es): " + ", ".join(c for c, k in counts.items() if k == 0))
    day0 = pd.Timestamp(start)
    return {
        "methods": list(sums),
        "method_labels": {m: METHOD_LABELS.get(m, m) for m in sums},
        "overall": overall,
        "by_class": by_class,
        "class_counts": counts,
        "n_series": len(keys),
        "horizon": h_len,
        "origins": len(cuts),
        "step": step_len,
        "cutoffs": [str((day0 + pd.Timedelta(days=c - 1)).date()) for c in cuts],
        "history_start": str(start),
        "as_of": str(t),
        "series": series,
        "note": "; ".join(n for n in notes if n),
    }
