"""Sales in any time bucket: daily, weekly or monthly series, forecast in their own bucket.

The sales table holds one row per (date, sku, location); weekly or monthly data has one row per
week or month, dated on a fixed weekday, the 1st or the last day of the month.

- `infer_bucket`: the bucket the sales dates say (all on the 1st, or all month-ends: monthly;
  all on one weekday: weekly, the weeks starting on that weekday; else daily).
- `bucket_grid`: the bucket of every day of a date range (calendar months; weeks of 7 days from
  the anchor weekday).
- `to_buckets`: sums a daily matrix per bucket. Days that are not demand (NaN: a stockout; a
  past promotion) are left out and the bucket is scaled up to its full length from the days
  kept, or is NaN when under half of its days were kept (the same rule as `planning.interval`).
- `forecast_in_buckets`: forecasts the buckets with the bucket's `Periods` (no weekly profile;
  a yearly index of 52 weeks or 12 months when there is a year of history plus the horizon)
  and spreads them back over days: the rate of a day is its bucket's forecast / the bucket's
  days. The one-period error and the smoothing constant come back as their daily equivalents
  (`daily_error`), so the error of any protection interval of P days computed from them
  (`planning.policy.interval_sigma`) equals the bucket error over P / bucket-days periods.
- `spread_to_days`: the same per-day rate for a history (evenly over each bucket's days), so
  what reads sales per day (ABC value, bias check, days without a sale) sees weekly or monthly
  data as the demand it was, not as one selling day and 6 or 30 empty ones.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, replace

import numpy as np

from planning.forecast import (
    ALIVE_PRIOR,
    DAILY,
    DECLINE_PRIOR,
    END_HAZARD,
    BatchForecast,
    Periods,
    WeekdayTotals,
    daily_periods,
    forecast_batch,
)
from planning.interval import MONTHLY_WINDOWS, WEEKLY_WINDOWS
from planning.model_select import Challengers
from stockpilot.vocabulary import SalesBucket

MIN_DATES = 3  # fewer distinct sale dates than this say nothing about the bucket
MIN_KEPT_SHARE = 0.5  # a bucket with fewer kept days than this share is not measured
AUTO = "auto"
WEEK_DAYS = 7
MONTH_DAYS = 365.25 / 12  # the mean month, for the daily equivalent of a monthly error

PERIODS: dict[SalesBucket, Periods] = {
    SalesBucket.DAY: DAILY,
    SalesBucket.WEEK: Periods(
        weekly_profile=False,
        score=52,
        init=8,
        ahead=4,
        year=52,
        yearly_level=4,
        yearly_half_window=1,
        yearly_min_rate=3.5,
        trend=((0.1, 0.005, 0.95), (0.2, 0.01, 0.95), (0.3, 0.02, 0.95)),
        season_smooth=1,
        season_positions=52,
        challengers=Challengers(naive=(1, 4, 13), aggregation=(1, 2, 4), origin_step=1, init=8),
        decline_prior=DECLINE_PRIOR**WEEK_DAYS,
        end_hazard=1.0 - (1.0 - END_HAZARD) ** WEEK_DAYS,
        interval=WEEKLY_WINDOWS,
    ),
    SalesBucket.MONTH: Periods(
        weekly_profile=False,
        score=24,
        init=6,
        ahead=3,
        year=12,
        yearly_level=2,
        yearly_half_window=1,
        yearly_min_rate=15.0,
        trend=((0.2, 0.02, 0.9), (0.3, 0.05, 0.9), (0.5, 0.1, 0.9)),
        season_smooth=0,
        season_positions=12,
        challengers=Challengers(naive=(1, 3, 6), aggregation=(1, 2, 3), origin_step=1, init=6),
        # The decline's prior is that the item still sells before its run, once, not per day:
        # raised to the month's days (0.7 ** 30.44 = 2e-5 since the daily prior went 0.97 ->
        # 0.7) it read every declining monthly series' run as its end (about 38 of 200 generated
        # spare parts forecast at 0 per seed). The months' own run keeps judging it.
        decline_prior=DECLINE_PRIOR,
        end_hazard=0.0,
        alive_prior=ALIVE_PRIOR**MONTH_DAYS,
        decline_every=True,
        decline_per_year=12.0,
        decline_alive=True,
        decline_half_life=1.0,
        smooth_end_of_life=True,
        interval=MONTHLY_WINDOWS,
    ),
}
FIT_PERIODS = {SalesBucket.WEEK: 156, SalesBucket.MONTH: 60}  # 3 years of weeks, 5 of months
SEASON = {SalesBucket.DAY: 7, SalesBucket.WEEK: 52, SalesBucket.MONTH: 12}


@dataclass(frozen=True)
class BucketGrid:
    """The bucket of each day of a date range, numbered from 0 (the bucket of the first day)."""

    bucket: SalesBucket
    code: np.ndarray  # (T,) bucket number of each day
    first_day: np.ndarray  # (B,) column of each bucket's first day (may be < 0: before the range)
    days: np.ndarray  # (B,) calendar days of each bucket
    starts: list[datetime.date]  # (B,) each bucket's first date


def infer_bucket(dates: np.ndarray | list[datetime.date]) -> tuple[SalesBucket, int]:
    """Return the bucket the sale dates say and the weekday weeks start on (Monday = 0).

    Monthly when every date is the 1st of its month, or every date the last day of its month;
    weekly when every date falls on one weekday (weeks start on it); else daily. Fewer than
    `MIN_DATES` distinct dates: daily.
    """
    days = np.unique(np.asarray(dates, dtype="datetime64[D]"))
    days = days[~np.isnat(days)]
    if days.size < MIN_DATES:
        return SalesBucket.DAY, 0
    month_start = days.astype("datetime64[M]").astype("datetime64[D]")
    next_month = (days.astype("datetime64[M]") + 1).astype("datetime64[D]")
    if (days == month_start).all() or (days + 1 == next_month).all():
        return SalesBucket.MONTH, 0
    weekday = (days.astype(np.int64) + 3) % 7  # 1970-01-01 was a Thursday
    if (weekday == weekday[0]).all():
        return SalesBucket.WEEK, int(weekday[0])
    return SalesBucket.DAY, 0


def resolve_bucket(
    setting: str, dates: np.ndarray | list[datetime.date]
) -> tuple[SalesBucket, int]:
    """Return the bucket of `setting` (``auto``: inferred from `dates`) and the week's anchor."""
    inferred, anchor = infer_bucket(dates)
    if setting == AUTO:
        return inferred, anchor
    bucket = SalesBucket(setting)
    return bucket, anchor if inferred == bucket else 0


def bucket_grid(
    start: datetime.date, n_days: int, bucket: SalesBucket, week_start: int = 0
) -> BucketGrid:
    """Return the bucket of each of the `n_days` days from `start`."""
    day0 = np.datetime64(start, "D")
    dates = day0 + np.arange(max(int(n_days), 0))
    if bucket == SalesBucket.MONTH:
        months = dates.astype("datetime64[M]")
        m0 = np.datetime64(start, "M")
        code = (months - m0).astype(np.int64)
        n_b = int(code.max()) + 1 if code.size else 0
        first = (m0 + np.arange(n_b)).astype("datetime64[D]")
        days = ((m0 + np.arange(1, n_b + 1)).astype("datetime64[D]") - first).astype(np.int64)
    elif bucket == SalesBucket.WEEK:
        lead = (start.weekday() - week_start) % WEEK_DAYS  # days of the first week before start
        code = (np.arange(dates.size) + lead) // WEEK_DAYS
        n_b = int(code.max()) + 1 if code.size else 0
        first = day0 - lead + WEEK_DAYS * np.arange(n_b)
        days = np.full(n_b, WEEK_DAYS, dtype=np.int64)
    else:
        code = np.arange(dates.size, dtype=np.int64)
        first = dates
        days = np.ones(dates.size, dtype=np.int64)
    first_col = (first - day0).astype(np.int64)
    starts = [d.item() for d in first]
    return BucketGrid(SalesBucket(bucket), code, first_col, days, starts)


def bucket_sums(
    daily: np.ndarray, grid: BucketGrid, *, exclude: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Return (n, B) units and kept days per bucket of `grid` (kept: finite, not excluded)."""
    x = np.asarray(daily, dtype=np.float64)
    n, t_len = x.shape
    keep = np.isfinite(x)
    if exclude is not None:
        keep &= ~np.asarray(exclude, dtype=bool)
    units = np.where(keep, np.maximum(np.nan_to_num(x), 0.0), 0.0)
    n_b = grid.days.size
    sums = np.zeros((n, n_b))
    kept = np.zeros((n, n_b))
    code = grid.code[:t_len]
    # Columns of one bucket are contiguous: reduce at each bucket's first column in range.
    edges = np.flatnonzero(np.r_[True, code[1:] != code[:-1]]) if t_len else np.array([], int)
    if edges.size:
        sums[:, code[edges]] = np.add.reduceat(units, edges, axis=1)
        kept[:, code[edges]] = np.add.reduceat(keep.astype(np.float64), edges, axis=1)
    return sums, kept


def to_buckets(
    daily: np.ndarray, grid: BucketGrid, *, exclude: np.ndarray | None = None
) -> np.ndarray:
    """Sum (n, T) daily units per bucket of `grid` into (n, B); unmeasured buckets are NaN.

    Kept days are finite and not in `exclude`; a bucket's sum over its kept days is scaled to
    its calendar days, and a bucket with under `MIN_KEPT_SHARE` of them kept (a stockout, a
    promotion) or that began before the range (its dated row may lie before it) is NaN.
    """
    sums, kept = bucket_sums(daily, grid, exclude=exclude)
    days = grid.days[None, :].astype(np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        scaled = sums * days / kept
    whole = (grid.first_day >= 0)[None, :]
    return np.where(whole & (kept >= MIN_KEPT_SHARE * days), scaled, np.nan)


def spread_to_days(daily: np.ndarray, grid: BucketGrid) -> np.ndarray:
    """Return `daily` (n, T) with each bucket's units spread evenly over its calendar days.

    A weekly or monthly row lands on one day of its bucket; spread, every day of the bucket
    holds the bucket's rate (units / days), so day-based reads see demand, not empty days.
    """
    x = np.asarray(daily, dtype=np.float64)
    sums, _ = bucket_sums(x, grid)
    code = grid.code[: x.shape[1]]
    return np.asarray(sums[:, code] / grid.days[code][None, :])


def daily_error(
    sigma: np.ndarray, alpha: np.ndarray, bucket_days: float
) -> tuple[np.ndarray, np.ndarray]:
    """Return the daily (sigma, alpha) equivalent to a bucket's one-period error and constant.

    `interval_sigma(s, a, k) = s·sqrt(k·(1 + k·a/(2 − a)))`: with s_d = s_b / sqrt(B) and a_d such
    that a_d/(2 − a_d) = a_b/((2 − a_b)·B), P days give exactly the bucket formula at k = P / B.
    """
    b = float(bucket_days)
    s = np.asarray(sigma, dtype=np.float64) / np.sqrt(b)
    a = np.clip(np.nan_to_num(np.asarray(alpha, dtype=np.float64)), 0.0, 1.0)
    r = a / (2.0 - a) / b
    return s, 2.0 * r / (1.0 + r)


def mean_bucket_days(bucket: SalesBucket) -> float:
    """Return the mean calendar days of one bucket."""
    return {SalesBucket.DAY: 1.0, SalesBucket.WEEK: float(WEEK_DAYS)}.get(bucket, MONTH_DAYS)


def forecast_in_buckets(
    history: np.ndarray,
    horizon: int,
    *,
    start: datetime.date,
    bucket: SalesBucket,
    week_start: int = 0,
    uplift: np.ndarray | None = None,
    history_uplift: np.ndarray | None = None,
    weekday_pool: WeekdayTotals | None = None,
    in_stock: np.ndarray | None = None,
    decline: str = "fitted",
) -> BatchForecast:
    """Forecast daily-indexed `history` (n, T from `start`) in `bucket`; return days 1..horizon.

    Only buckets over by the last day of `history` are fitted (the one holding it may be
    partial); past promotion days are not demand (`to_buckets`). The daily mean is the
    bucket's forecast / its days, times `uplift` (n, H); level, sigma and alpha are the daily
    equivalents; demand class, ADI and CV² are those of the bucket series. Daily series go
    to `forecast_batch` as they are (`weekday_pool`: its pooled weekday totals; `in_stock`:
    the days the inventory history records in stock, read by daily series only; `decline`: how
    a significantly declining daily series is forecast, `planning.forecast.daily_periods`).
    """
    bucket = SalesBucket(bucket)
    h_len = int(horizon)
    if bucket == SalesBucket.DAY:
        return forecast_batch(
            history,
            h_len,
            start=start,
            uplift=uplift,
            history_uplift=history_uplift,
            weekday_pool=weekday_pool,
            in_stock=in_stock,
            periods=daily_periods(decline),
        )
    x = np.asarray(history, dtype=np.float64)
    n, t_len = x.shape
    grid = bucket_grid(start, t_len + h_len, bucket, week_start)
    exclude = None
    if history_uplift is not None:
        hu = np.asarray(history_uplift, dtype=np.float64)
        exclude = np.isfinite(hu) & (hu != 1.0)
    values = to_buckets(x, grid, exclude=exclude)
    # Buckets over by the last history day; the first one may start before `start`.
    done = int(np.searchsorted(grid.first_day + grid.days, t_len, side="right"))
    fitted = values[:, :done]
    future_code = grid.code[t_len : t_len + h_len]
    steps = np.maximum(future_code - done + 1, 1)  # 1 = the first bucket after the fitted ones
    h_b = int(steps.max()) if steps.size else 0
    fc = forecast_batch(
        fitted,
        h_b,
        start=grid.starts[0] if grid.starts else start,
        fit_days=FIT_PERIODS[bucket],
        periods=PERIODS[bucket],
    )
    mean = fc.mean[:, steps - 1] / grid.days[future_code][None, :] if h_b else np.zeros((n, 0))
    if uplift is not None:
        up = np.asarray(uplift, dtype=np.float64)
        if up.shape != (n, h_len):
            raise ValueError(f"uplift shape {up.shape} != {(n, h_len)}")
        mean = mean * np.where(np.isfinite(up), np.maximum(up, 0.0), 1.0)
    b_days = mean_bucket_days(bucket)
    sigma, alpha = daily_error(fc.sigma, fc.alpha, b_days)
    return replace(fc, mean=mean, sigma=sigma, level=fc.level / b_days, alpha=alpha)
