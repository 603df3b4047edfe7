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
0.90 when the stated quantile holds; StockPilot's with its `p_alive`, the mixture's quantile),
on the history as StockPilot fits it (its suspect stockout runs left out, as the engine does).
Two squared / quantile scores judge accuracy and bias on one footing (MASE, an absolute error,
rewards forecasting under the mean of sparse series; a squared error does not): ``rmsse`` is
M5's RMSSE aggregated like MASE, sqrt(Σ(a - f)² / Σ(H · in-sample one-step naive MSE)), and
``pinball_90`` the pinball loss of that 0.9 quantile on the H-day sum (0.9 · (a - q) above it,
0.1 · (q - a) under it), over Σ(H · MASE's scale), so a quantile stated too low or too wide both
cost. Both per class for every method (the generator's true mean ``expected_demand`` too).
Classes come from `planning.demand.classify_demand` on the whole history window, promotion days
excluded.

With ``bucket`` "week" or "month" the backtest runs in that bucket (`planning.buckets`): a
daily network is summed into calendar weeks (from Monday) or months, data already in weekly or
monthly rows is read in its own bucket (the bucket holding the snapshot date counts when its
row is there), and horizon, step and origins count buckets. Methods: ``stockpilot`` forecasts
the buckets with their own periods (no weekly profile; a yearly index of 52 weeks or 12
months); ``stockpilot_as_days`` is the same series read as days (what StockPilot did with such
data before it knew buckets: a weekly profile on weeks or months); ``seasonal_naive`` is the
same bucket a year before (the last bucket while there is no year); ``statsforecast`` fits
AutoETS with the yearly season where two years are there (CrostonClassic otherwise). MASE
scales by the in-sample one-step naive error (lag 1), the usual scale of weekly and monthly
intermittent data.
Promotions are not modelled in buckets.
"""

from __future__ import annotations

import datetime
import functools
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from evals.forecast_baselines import LABELS as SF_LABELS
from evals.forecast_baselines import PanelForecaster, statsforecast_models
from planning.accuracy import MIN_TRAIN_DAYS
from planning.buckets import (
    FIT_PERIODS,
    PERIODS,
    bucket_grid,
    bucket_sums,
    infer_bucket,
    to_buckets,
)
from planning.buckets import SEASON as BUCKET_SEASON
from planning.censoring import (
    abandoned_shelf_runs,
    censor,
    empty_shelf_runs,
    inventory_days,
    suspect_stockouts,
)
from planning.demand import DEMAND_CLASSES, classify_demand
from planning.forecast import daily_periods, forecast_batch, sales_matrix
from planning.interval import DAILY_WINDOWS, interval_demand, windows_kwargs
from planning.network import NetworkData
from planning.params import PlanParams
from planning.promotions import future_uplift, learn_uplift, promo_calendar
from stockpilot.vocabulary import SalesBucket

Progress = Callable[[str, int, int], None]
SEASON = 7
STAGE = "forecast"
HISTORY_DAYS = PlanParams().history_days  # history the engine forecasts from, per cut-off
COVERAGE_LEVEL = 0.9  # upper quantile of H-day demand whose coverage is reported
STATSFORECAST_MAX_DAYS = 364  # per-series fits see at most the last year
METHOD_LABELS = {
    "stockpilot": "StockPilot",
    "stockpilot_as_days": "StockPilot, read as days",
    "seasonal_naive": "Seasonal naive",
    "expected_demand": "Expected demand (the generator's true mean)",
    "statsforecast": "statsforecast AutoETS / Croston",
    **SF_LABELS,
}
# Backtest settings per bucket (in buckets): horizon, origins, step, least history before a cut.
BUCKET_BACKTEST: dict[str, dict[str, int]] = {
    "week": {"horizon": 8, "origins": 4, "step": 4},
    "month": {"horizon": 3, "origins": 4, "step": 1},
}
MIN_TRAIN_BUCKETS = {"week": 26, "month": 12}


@dataclass(frozen=True)
class Panel:
    """The densified store series a backtest cuts: (n, T) units and promotion factors."""

    history: np.ndarray  # (n, T) units per day, column 0 is `start`
    calendar: np.ndarray  # (n, T) promotion factors (1.0 = none)
    keys: pd.DataFrame  # (n,) sku, location_id
    classes: np.ndarray  # (n,) demand class on the whole window
    start: datetime.date
    bucket: str = "day"  # what one column is: a day, a week or a month
    covered: np.ndarray | None = None  # (n,) series with inventory history (no suspect runs)
    in_stock: np.ndarray | None = None  # (n, T) days the inventory history records in stock
    # (n, T) the expected demand the units were drawn around (generated data only): scored as
    # the method ``expected_demand``, the yardstick of an unbiased forecast that knew the truth
    expected: np.ndarray | None = None
    # (n, T) days that closed with nothing on hand (generated data without inventory history):
    # a backtest reads only the day before each cut-off, the snapshot the engine would have
    shelf_empty: np.ndarray | None = None


# (panel, cut-off column, H) -> (n, H) mean, or the mean and (n,) the probability each item
# still sells (StockPilot's `p_alive`: its quantile is then the mixture's, `planning.interval`)
Forecaster = Callable[[Panel, int, int], np.ndarray | tuple[np.ndarray, np.ndarray]]


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
    bucket: str = "day",
    decline: str = "fitted",
) -> dict[str, Any]:
    """Backtest every store series of `data` and return JSON-ready accuracy results.

    `max_series` keeps an evenly spaced subset of the (sku, location) keys; `with_statsforecast`
    False skips the optional package even where it imports. `bucket` "week" or "month" scores
    in that bucket (horizon, origins and step then count buckets). `decline`: how StockPilot
    forecasts a significantly declining daily series (`planning.forecast.daily_periods`; the
    setting `forecast_decline`).
    """
    h_len, step_len = int(horizon), int(horizon if step is None else step)
    if h_len < 1 or step_len < 1 or origins < 1:
        raise ValueError("horizon, step and origins must be >= 1")
    if bucket not in tuple(SalesBucket):
        raise ValueError(f"unknown bucket {bucket!r}; one of day, week, month")
    if bucket != SalesBucket.DAY:
        return _run_bucketed(
            data,
            SalesBucket(bucket),
            h_len,
            origins,
            step_len,
            as_of=as_of,
            max_series=max_series,
            with_statsforecast=with_statsforecast,
            progress=progress,
        )
    t = as_of or data.as_of
    keys, start = _store_keys(data, t, h_len + (origins - 1) * step_len)
    if max_series is not None and len(keys) > max_series:
        pick = np.unique(np.linspace(0, len(keys) - 1, max(int(max_series), 1)).round())
        keys = keys.iloc[pick.astype(np.int64)].reset_index(drop=True)
    notes: list[str] = []
    days = (t - start).days + 1
    history = sales_matrix(data.sales, keys, start, t)
    # Stockout days of the inventory history are not demand: neither fitted nor scored.
    known, recorded = inventory_days(data.inventory_history, keys, start, t)
    covered = np.asarray(recorded.any(axis=1))
    if known.any():
        history = censor(history, known)
        notes.append(f"{int(known.sum())} stockout day(s) of the inventory history not scored")
    calendar = promo_calendar(keys, data.promotions, start, days)
    _, _, classes = classify_demand(history, exclude=np.isfinite(calendar) & (calendar != 1.0))
    panel = Panel(
        history, calendar, keys, classes, start, covered=covered, in_stock=recorded & ~known
    )
    return backtest_panel(
        panel,
        horizon=h_len,
        origins=origins,
        step=step_len,
        as_of=t,
        with_statsforecast=with_statsforecast,
        progress=progress,
        notes=notes,
        decline=decline,
    )


def backtest_panel(
    panel: Panel,
    *,
    horizon: int,
    origins: int,
    step: int,
    as_of: datetime.date,
    with_statsforecast: bool = True,
    progress: Progress | None = None,
    notes: list[str] | None = None,
    decline: str = "fitted",
) -> dict[str, Any]:
    """Score every method on `panel` from the rolling cut-offs; return the JSON-ready result.

    `decline`: how StockPilot forecasts a significantly declining series (`daily_periods`).
    """
    h_len, step_len = int(horizon), int(step)
    notes = list(notes or [])
    days = panel.history.shape[1]
    daily_periods(decline)  # an unknown method fails here, before any fit
    methods: dict[str, Forecaster] = {
        "stockpilot": functools.partial(_stockpilot, decline=decline),
        "seasonal_naive": _seasonal_naive,
    }
    if panel.expected is not None:
        methods["expected_demand"] = _expected_demand
    if with_statsforecast:
        sf, why = _statsforecast()
        if sf is None:
            notes.append(why)
        else:
            methods["statsforecast"] = sf
        models, why = statsforecast_models()
        notes.append(why)
        for name, model in models.items():
            methods[name] = _on_history(model)
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
    return _result(
        panel.keys, panel.classes, sums, cuts, panel.start, as_of, h_len, step_len, notes
    )


def _on_history(model: PanelForecaster) -> Forecaster:
    """Adapt a forecaster of the history matrix to the panel's."""

    def forecast(panel: Panel, c: int, h_len: int) -> np.ndarray:
        return model(panel.history, c, h_len)

    return forecast


def _run_bucketed(
    data: NetworkData,
    bucket: SalesBucket,
    h_len: int,
    origins: int,
    step_len: int,
    *,
    as_of: datetime.date | None,
    max_series: int | None,
    with_statsforecast: bool,
    progress: Progress | None,
) -> dict[str, Any]:
    """Backtest every store series of `data` summed into `bucket` (see the module docstring)."""
    t = as_of or data.as_of
    if len(data.sales) == 0:
        raise ValueError("the network has no sales to backtest")
    inferred, week_start = infer_bucket(pd.to_datetime(data.sales["date"]).to_numpy())
    labelled = inferred == bucket
    week_start = week_start if labelled else 0
    first_day = pd.Timestamp(data.sales["date"].min()).date()
    keys, _ = _store_keys(data, t, (t - first_day).days + 1 - HISTORY_DAYS)
    if max_series is not None and len(keys) > max_series:
        pick = np.unique(np.linspace(0, len(keys) - 1, max(int(max_series), 1)).round())
        keys = keys.iloc[pick.astype(np.int64)].reset_index(drop=True)
    days = (t - first_day).days + 1
    grid = bucket_grid(first_day, days, bucket, week_start)
    # Rows dated at the start of their bucket: the bucket of the snapshot date is in the data.
    last = grid.code[days - 1]
    over = (grid.first_day + grid.days <= days) | (labelled & (np.arange(grid.days.size) == last))
    done = int(np.flatnonzero(over).max()) + 1 if over.any() else 0
    daily = sales_matrix(data.sales, keys, first_day, t)
    if labelled:  # each row holds its whole bucket, whichever day of it the rows are dated
        values = bucket_sums(daily, grid)[0][:, :done]
    else:  # summed from days: a bucket cut by the start of the history is not measured
        values = to_buckets(daily, grid)[:, :done]
    lead = int(np.argmax(np.isfinite(values).any(axis=0))) if values.size else 0
    values = values[:, lead:]
    _, _, classes = classify_demand(values)
    start = grid.starts[lead] if grid.starts else first_day
    panel = Panel(values, np.ones_like(values), keys, classes, start, str(bucket))
    notes = [
        f"scored in {bucket}s ({'rows in that bucket' if labelled else 'summed from days'}); "
        "promotions not modelled"
    ]
    return backtest_buckets(
        panel,
        horizon=h_len,
        origins=origins,
        step=step_len,
        as_of=t,
        with_statsforecast=with_statsforecast,
        progress=progress,
        notes=notes,
    )


def backtest_buckets(
    panel: Panel,
    *,
    horizon: int,
    origins: int,
    step: int,
    as_of: datetime.date,
    with_statsforecast: bool = True,
    progress: Progress | None = None,
    notes: list[str] | None = None,
) -> dict[str, Any]:
    """Score every bucket method on `panel` (its columns weeks or months from `panel.start`)."""
    bucket = SalesBucket(panel.bucket)
    h_len, step_len = int(horizon), int(step)
    notes = list(notes or [])
    b_len = panel.history.shape[1]
    methods: dict[str, Forecaster] = {
        "stockpilot": _stockpilot_buckets,
        "stockpilot_as_days": _stockpilot_as_days,
        "seasonal_naive": _seasonal_naive_buckets,
    }
    if panel.expected is not None:
        methods["expected_demand"] = _expected_demand
    if with_statsforecast:
        sf, why = _statsforecast(BUCKET_SEASON[bucket])
        if sf is None:
            notes.append(why)
        else:
            methods["statsforecast"] = sf
        models, why = statsforecast_models()
        notes.append(why)
        for name, model in models.items():
            methods[name] = _on_history(model)
    min_train = MIN_TRAIN_BUCKETS[bucket]
    wanted = [b_len - h_len - k * step_len for k in range(origins)]
    cuts = sorted(c for c in wanted if c >= min_train)
    if len(cuts) < origins:
        notes.append(f"{origins - len(cuts)} origin(s) skipped: under {min_train} {bucket}s before")
    if not cuts:
        raise ValueError(
            f"history of {b_len} {bucket}s is too short for a {h_len}-{bucket} backtest"
        )
    total = len(cuts) * len(methods)
    sums_by: dict[str, dict[str, np.ndarray]] = {}
    for i, (name, fn) in enumerate(methods.items()):

        def tick(j: int, i: int = i) -> None:
            if progress is not None:
                progress(STAGE, i * len(cuts) + j, total)

        sums_by[name] = _score(
            panel, cuts, h_len, fn, tick, history_len=b_len, season=1, suspect=False
        )
    result = _result(
        panel.keys, panel.classes, sums_by, cuts, panel.start, as_of, h_len, step_len, notes
    )
    result["bucket"] = str(bucket)
    result["cutoffs"] = [str(_bucket_start(panel.start, bucket, c - 1)) for c in cuts]
    return result


def _bucket_start(start: datetime.date, bucket: SalesBucket, k: int) -> datetime.date:
    """Return the first day of the bucket `k` buckets after the one starting on `start`."""
    if bucket == SalesBucket.WEEK:
        return start + datetime.timedelta(days=7 * k)
    months = start.year * 12 + start.month - 1 + k
    return datetime.date(months // 12, months % 12 + 1, 1)


def _stockpilot_buckets(panel: Panel, c: int, h_len: int) -> tuple[np.ndarray, np.ndarray]:
    """Forecast the buckets with their own periods (no weekly profile, a yearly index)."""
    bucket = SalesBucket(panel.bucket)
    fc = forecast_batch(
        panel.history[:, :c],
        h_len,
        start=panel.start,
        periods=PERIODS[bucket],
        fit_days=FIT_PERIODS[bucket],
    )
    return np.asarray(fc.mean), np.asarray(fc.p_alive)


def _stockpilot_as_days(panel: Panel, c: int, h_len: int) -> np.ndarray:
    """Forecast the buckets as if each were a day (weekly profile and all): the old reading."""
    return np.asarray(forecast_batch(panel.history[:, :c], h_len, start=panel.start).mean)


def _seasonal_naive_buckets(panel: Panel, c: int, h_len: int) -> np.ndarray:
    """Repeat the same bucket a year before; the last bucket while there is no year."""
    season = BUCKET_SEASON[SalesBucket(panel.bucket)]
    hist = np.nan_to_num(panel.history[:, :c])
    if c >= season:
        return np.asarray(hist[:, c - season + np.arange(h_len) % season], dtype=np.float64)
    return np.repeat(hist[:, -1:], h_len, axis=1).astype(np.float64)


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
    panel: Panel,
    cuts: list[int],
    h_len: int,
    forecaster: Forecaster,
    tick: Callable[[int], None],
    *,
    history_len: int = HISTORY_DAYS,
    season: int = SEASON,
    suspect: bool = True,
) -> dict[str, np.ndarray]:
    """Return per-series error sums of one method over every cut-off.

    The interval is measured on the history as StockPilot fits it: with `suspect`, its suspect
    stockout runs (daily columns, `_suspect_runs`) are left out, as `_stockpilot` leaves them
    out of the fit (the bucket backtest fits its columns as they are).
    """
    history = panel.history
    n = history.shape[0]
    names = ("abs_err", "actual", "forecast", "scale", "mase_sum", "mase_n", "cover_hit", "cover_n")
    squared = ("sq_err", "sq_scale", "pinball", "pinball_scale")
    out = {k: np.zeros(n) for k in (*names, *squared, "truth_err", "truth")}
    bucket = SalesBucket(panel.bucket)
    windows = windows_kwargs(
        DAILY_WINDOWS if bucket == SalesBucket.DAY else PERIODS[bucket].interval
    )
    for j, c in enumerate(cuts, start=1):
        actual = history[:, c : c + h_len]
        made = forecaster(panel, c, h_len)
        fc, alive = made if isinstance(made, tuple) else (made, None)
        fc = np.where(np.isfinite(fc), np.maximum(fc, 0.0), 0.0)
        lo = max(0, c - history_len)
        past_promo = np.isfinite(panel.calendar[:, lo:c]) & (panel.calendar[:, lo:c] != 1.0)
        measured_out = past_promo
        if suspect:
            measured_out = past_promo | _suspect_runs(panel, history[:, lo:c], past_promo, c)
        spread = interval_demand(
            history[:, lo:c], fc, h_len, exclude=measured_out, alive=alive, **windows
        )
        upper = spread.quantiles[:, spread.levels.index(COVERAGE_LEVEL)]
        measured = np.isfinite(upper)
        out["cover_hit"] += measured & (actual.sum(axis=1) <= upper)
        out["cover_n"] += measured
        measured_days = np.isfinite(actual)
        actual = np.where(measured_days, actual, 0.0)
        fc = np.where(measured_days, fc, 0.0)  # an unmeasured bucket is not scored
        err = np.abs(actual - fc).sum(axis=1)
        scale = _naive_scale(history[:, :c], season)
        # RMSSE: squared errors over H times the in-sample one-step naive mean squared error
        sq_scale = _naive_scale(history[:, :c], 1, squared=True)
        sq_ok = np.isfinite(sq_scale) & (sq_scale > 0)
        out["sq_err"] += np.where(sq_ok, ((actual - fc) ** 2).sum(axis=1), 0.0)
        out["sq_scale"] += np.where(sq_ok, sq_scale, 0.0) * h_len
        # the 0.9 quantile's pinball loss on the H-day sum, on MASE's scale
        pin_ok = measured & np.isfinite(scale) & (scale > 0)
        loss = pinball_loss(actual.sum(axis=1), np.where(pin_ok, upper, 0.0), COVERAGE_LEVEL)
        out["pinball"] += np.where(pin_ok, loss, 0.0)
        out["pinball_scale"] += np.where(pin_ok, scale, 0.0) * h_len
        if panel.expected is not None:  # the error against the true mean (generated panels)
            truth = np.where(measured_days, panel.expected[:, c : c + h_len], 0.0)
            out["truth_err"] += np.abs(truth - fc).sum(axis=1)
            out["truth"] += truth.sum(axis=1)
        out["abs_err"] += err
        out["actual"] += actual.sum(axis=1)
        out["forecast"] += fc.sum(axis=1)
        out["scale"] += np.nan_to_num(scale) * h_len
        ok = np.isfinite(scale) & (scale > 0)
        out["mase_sum"][ok] += err[ok] / h_len / scale[ok]
        out["mase_n"][ok] += 1
        tick(j)
    return out


def pinball_loss(actual: np.ndarray, quantile: np.ndarray, level: float) -> np.ndarray:
    """Return the pinball (quantile) loss of the `level` quantile `quantile` for `actual`.

    level * (a - q) where the actual is above the quantile, (1 - level) * (q - a) where not.
    """
    gap = np.asarray(actual, dtype=np.float64) - np.asarray(quantile, dtype=np.float64)
    return np.asarray(np.maximum(level * gap, (level - 1.0) * gap))


def _naive_scale(
    insample: np.ndarray, season: int = SEASON, *, squared: bool = False
) -> np.ndarray:
    """Return the in-sample seasonal-naive MAE per row, from each series' first sale (NaN: none).

    `squared`: the mean squared error instead (RMSSE's scale, with `season` 1).
    """
    x = np.nan_to_num(insample)
    diff = x[:, season:] - x[:, :-season]
    diff = diff**2 if squared else np.abs(diff)
    if diff.shape[1] == 0:
        return np.full(x.shape[0], np.nan)
    # Only count differences after the first sale: days before it are "not yet listed".
    positive = x > 0
    first = np.where(positive.any(axis=1), positive.argmax(axis=1), x.shape[1])
    live = np.arange(season, x.shape[1])[None, :] - season >= first[:, None]
    count = live.sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(count > 0, (diff * live).sum(axis=1) / count, np.nan)


def _stockpilot(
    panel: Panel, c: int, h_len: int, decline: str = "fitted"
) -> tuple[np.ndarray, np.ndarray]:
    """Forecast as the engine does: its history length, learned promotion uplift, `decline`."""
    lo = max(0, c - HISTORY_DAYS)
    hist, hist_cal = panel.history[:, lo:c], panel.calendar[:, lo:c]
    suspect = _suspect_runs(panel, hist, np.isfinite(hist_cal) & (hist_cal != 1.0), c)
    if suspect.any():  # as the engine: suspect stockout runs between sales are left out
        hist = censor(hist, suspect)
    learned = learn_uplift(hist, hist_cal, panel.keys)
    fc = forecast_batch(
        hist,
        h_len,
        start=panel.start + datetime.timedelta(days=lo),
        uplift=future_uplift(panel.calendar[:, c : c + h_len], learned),
        history_uplift=hist_cal,
        in_stock=_in_stock(panel, hist, lo, c),
        periods=daily_periods(decline),
    )
    return np.asarray(fc.mean), np.asarray(fc.p_alive)


def _in_stock(panel: Panel, hist: np.ndarray, lo: int, cut: int) -> np.ndarray | None:
    """Return the days of `hist` (columns `lo`..`cut`) that count as known in stock.

    As the engine: the inventory history's, and without it a run to an empty shelf at the
    cut-off longer than restocking takes (`abandoned_shelf_runs`: an item nobody restocks).
    """
    stocked = None if panel.in_stock is None else panel.in_stock[:, lo:cut]
    if panel.shelf_empty is None or cut <= 0:
        return stocked
    on_hand = np.where(panel.shelf_empty[:, cut - 1], 0.0, 1.0)
    gone = abandoned_shelf_runs(hist, on_hand)
    if panel.covered is not None:
        gone &= ~panel.covered[:, None]
    if not gone.any():
        return stocked
    return gone if stocked is None else stocked | gone


def _suspect_runs(panel: Panel, hist: np.ndarray, promo: np.ndarray, cut: int) -> np.ndarray:
    """Return the stockout runs of `hist` (up to column `cut`) that StockPilot leaves out.

    As the engine: only where no inventory history covers the series (`panel.covered`), the
    suspect runs between sales and, where the snapshot at the cut-off (`panel.shelf_empty`
    the day before it) has nothing on hand, the run since the last sale.
    """
    suspect, _ = suspect_stockouts(hist, exclude=promo)
    if panel.shelf_empty is not None and cut > 0:
        on_hand = np.where(panel.shelf_empty[:, cut - 1], 0.0, 1.0)
        suspect |= empty_shelf_runs(hist, on_hand)
    if panel.covered is not None:
        suspect &= ~panel.covered[:, None]
    return np.asarray(suspect)


def _expected_demand(panel: Panel, c: int, h_len: int) -> np.ndarray:
    """Return the expected demand the horizon's units were drawn around (generated panels)."""
    assert panel.expected is not None
    return np.asarray(panel.expected[:, c : c + h_len], dtype=np.float64)


def _seasonal_naive(panel: Panel, c: int, h_len: int) -> np.ndarray:
    """Repeat the last observed week (same weekday last week) over the horizon."""
    last_week = np.nan_to_num(panel.history[:, c - SEASON : c])
    return np.asarray(last_week[:, np.arange(h_len) % SEASON], dtype=np.float64)


def _statsforecast(season: int = SEASON) -> tuple[Forecaster | None, str]:
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
            smooth = panel.classes[i] in ("smooth", "erratic") and y.size > 2 * season
            model = AutoETS(season_length=season) if smooth else CrostonClassic()
            try:
                out[i] = np.asarray(model.forecast(y=y, h=h_len)["mean"], dtype=np.float64)
            except Exception:  # a failed fit falls back to the series' mean rate
                out[i] = y.mean()
        return out

    return forecast, ""


def _metrics(s: dict[str, np.ndarray], rows: np.ndarray) -> dict[str, float | int | None]:
    """Aggregate the error sums of `rows` into WAPE, bias, MASE, RMSSE and the 0.9 pinball.

    Also the median series MASE; RMSSE and the scaled pinball loss as the module docstring says.

    On generated panels also WAPE and bias against the true mean (`wape_expected`,
    `bias_expected`): on sparse series the actuals of a few windows are mostly noise.
    """
    act, err, fct = s["actual"][rows].sum(), s["abs_err"][rows].sum(), s["forecast"][rows].sum()
    hits = s["cover_hit"][rows].sum()
    scale = s["scale"][rows].sum()
    truth, truth_err = s["truth"][rows].sum(), s["truth_err"][rows].sum()
    sq_err, sq_scale = s["sq_err"][rows].sum(), s["sq_scale"][rows].sum()
    pin, pin_scale = s["pinball"][rows].sum(), s["pinball_scale"][rows].sum()
    per = _series_mase(s)[rows]
    per = per[np.isfinite(per)]
    return {
        "wape": _num(err / act if act > 0 else math.nan),
        "bias": _num((fct - act) / act if act > 0 else math.nan),
        "mase": _num(err / scale if scale > 0 else math.nan),
        "mase_median": _num(float(np.median(per)) if per.size else math.nan),
        "rmsse": _num(math.sqrt(sq_err / sq_scale) if sq_scale > 0 else math.nan),
        "pinball_90": _num(pin / pin_scale if pin_scale > 0 else math.nan),
        "coverage_90": _num(hits / tried if (tried := s["cover_n"][rows].sum()) else math.nan),
        # generated panels only: the error and bias against the mean the units were drawn around
        "wape_expected": _num(truth_err / truth if truth > 0 else math.nan),
        "bias_expected": _num((fct - truth) / truth if truth > 0 else math.nan),
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
