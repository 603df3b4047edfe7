"""Demand over the protection interval (lead time + review period) per series, measured.

`interval_demand` cuts each series' recent history into every window of its own protection
interval P (days, per series) that ends inside the last `window` days, and returns, per series:

- ``error_rms``: the root mean squared difference between those P-day sums and P days of the
  series' current forecast, after scaling the sums by (current forecast / mean P-day sum) so a
  trend or an end of life does not count as error (its level is the forecast's job); it is the
  spread of P-day demand around the forecast, measured, not sigma x sqrt(P) assumed;
- ``quantiles``: empirical quantiles at `levels` of P-day demand (for intermittent items, where
  a normal approximation of P-day demand is poor: many P-day sums are 0). The spread of P-day
  sums around a known mean leaves out that the forecast's mean is itself an estimate, which is
  why a 0.9 quantile of it held only 82–84 % of the time in the backtest. So each window's sum
  is also divided by what the mean of the `lookback` kept days before the window said (a
  forecast made then), and the quantile is the larger of the scaled sums' and forecast x those
  ratios' (when at least `MIN_RATIO_WINDOWS` windows have such a ratio): demand noise and the
  error of estimating its level, measured together.

A smooth series (the Syntetos–Boylan class of its kept days measured: a sale on most days,
steady sizes) takes the ratios' quantile alone, each ratio over the ratios' mean
(`normalised_ratio_quantiles`): its P-day sums over a year carry any trend or level shift of
that year (a declining item's early windows, scaled to today's level, spread as widely as the
decline), while a ratio to the days just before its window carries only the noise and the
error of a recent level, and over its mean not the drift between them. Intermittent series
keep the larger of the two: their 70-day means are too noisy to stand alone.

An item that may have reached its end of life (`alive`: the forecaster's `p_alive`, the
probability it still sells) has P-day demand that is a mixture: 0 with probability 1 - p, else
the demand of the item alive, at the rate forecast / p. Its quantile at level q is 0 where
q <= 1 - p, else the alive demand's quantile at (q - (1 - p)) / p (`alive_levels`): scaling
the alive spread down to the lowered forecast instead would cut the quantile of every item in
a run without a sale, the items that resume included.

Weekly or monthly series pass their own `IntervalWindows` (`planning.buckets.PERIODS`).
Months (`MONTHLY_WINDOWS`): a 70-period lookback is longer than five years of months, so
without their own no monthly series had a ratio and every one took the scaled sums alone,
whose 0.9 quantile held 0.83-0.86 of 3-month demand on generated smooth spare parts and
0.85-0.89 on erratic ones (5,000 series, seeds 3 / 7 / 11 / 21): the error of the forecast's
level was left out. A monthly series with a sale in most months (smooth / erratic) takes the
larger of the two with ratios to the year before each window (12 months) where it has at
least 24 such windows (two years of ratios: the larger of two quantiles is biased up by the
noise of each, which 12-20 ratios left large; the three-year demo network in months covered
0.86-0.92 without them and 0.89-0.93 with 12); intermittent / lumpy monthly series keep the
scaled sums alone (they held 0.88-0.91, and the ratios widened them to 0.91-0.92 at a higher
pinball loss).

Weeks (`WEEKLY_WINDOWS`) take ratios to the year before each window (52 weeks) instead of the
days' 70 periods, which in weeks reached back 16 months, over a season and a half: on the demo
network in weeks (seeds 3 / 7 / 11 / 21), smooth 0.857-0.905 -> 0.879-0.908 with a lower 0.9
pinball loss on every seed; the intermittent class (13-18 series) 0.788 / 0.883 / 0.861 / 0.941
-> 0.827 / 0.917 / 0.847 / 0.941, pinball within 0.001.

Kept days only (NaN and `exclude` days are not demand): a window's sum is taken over its kept
days and scaled to P days; windows with under half their days kept are dropped. Series with no
usable window get NaN.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from planning.demand import DEMAND_CLASSES, demand_stats

WINDOW_DAYS = 364
LEVELS = (0.5, 0.8, 0.9, 0.95, 0.99)
MIN_KEPT_SHARE = 0.5
LOOKBACK_DAYS = 70
MIN_RATIO_WINDOWS = 28


@dataclass(frozen=True)
class IntervalWindows:
    """How `interval_demand` measures a series, counted in its periods (the defaults: days)."""

    window: int = WINDOW_DAYS  # windows ending in the last `window` periods
    lookback: int = LOOKBACK_DAYS  # the mean before each window its ratio is taken to (0: off)
    min_ratio_windows: int = MIN_RATIO_WINDOWS  # least ratio windows for the ratios to count
    ratio_classes: tuple[str, ...] = DEMAND_CLASSES  # classes of kept periods that use ratios
    alone_classes: tuple[str, ...] = ("smooth",)  # classes that take the ratios alone


DAILY_WINDOWS = IntervalWindows()
# Weeks: ratios to the year before each window (52 weeks), the days' other settings.
WEEKLY_WINDOWS = IntervalWindows(lookback=52)
# Months: windows ending in the last five years (the monthly fit window, 60 months; the days'
# 364 would reach back 30 years), ratios to the year before each window, for series with a
# sale in most months only.
MONTHLY_WINDOW = 60
MONTHLY_WINDOWS = IntervalWindows(
    window=MONTHLY_WINDOW,
    lookback=12,
    min_ratio_windows=24,
    ratio_classes=("smooth", "erratic"),
    alone_classes=(),
)


@dataclass(frozen=True)
class IntervalDemand:
    """P-day demand around the forecast, per series."""

    protection_days: np.ndarray  # (n,) P per series
    forecast: np.ndarray  # (n,) forecast units over the next P days
    error_rms: np.ndarray  # (n,) RMS of (scaled P-day sum - forecast)
    levels: tuple[float, ...]
    quantiles: np.ndarray  # (n, len(levels)) scaled P-day demand quantiles
    windows: np.ndarray  # (n,) P-day windows measured


def interval_demand(
    history: np.ndarray,
    forecast_mean: np.ndarray,
    protection_days: np.ndarray | int,
    *,
    exclude: np.ndarray | None = None,
    window: int = WINDOW_DAYS,
    levels: tuple[float, ...] = LEVELS,
    lookback: int = LOOKBACK_DAYS,
    alive: np.ndarray | None = None,
    min_ratio_windows: int = MIN_RATIO_WINDOWS,
    ratio_classes: tuple[str, ...] = DEMAND_CLASSES,
    alone_classes: tuple[str, ...] = ("smooth",),
) -> IntervalDemand:
    """Measure P-day demand of each row of `history` (n, T) around its forecast (n, >= P).

    `lookback` (days, 0 = off) is the mean before each window that its ratio is taken to.
    `alive` (n,) is the probability each item still sells (None: 1): the quantiles are then
    those of the mixture of no demand and demand at the rate forecast / alive. The ratios
    count for rows whose kept days' demand class is in `ratio_classes`, with at least
    `min_ratio_windows` of them; rows of `alone_classes` take the normalised ratios alone.
    `IntervalWindows` holds these settings per bucket (`windows_kwargs`).
    """
    x = np.asarray(history, dtype=np.float64)
    if x.ndim != 2:
        raise ValueError(f"history must be 2-D (n, T), got shape {x.shape}")
    n, t_len = x.shape
    fm = np.asarray(forecast_mean, dtype=np.float64)
    look = int(lookback)
    p = np.broadcast_to(np.asarray(protection_days, dtype=np.int64), (n,)).copy()
    if (p < 1).any():
        raise ValueError("protection_days must be >= 1")
    if fm.ndim != 2 or fm.shape[0] != n or fm.shape[1] < p.max(initial=1):
        raise ValueError(f"forecast_mean must be (n, >= max P), got shape {fm.shape}")
    keep = np.isfinite(x)
    if exclude is not None:
        keep &= ~np.asarray(exclude, dtype=bool)
    units = np.where(keep, np.maximum(np.nan_to_num(x), 0.0), 0.0)
    cs = np.concatenate([np.zeros((n, 1)), np.cumsum(units, axis=1)], axis=1)
    cc = np.concatenate([np.zeros((n, 1)), np.cumsum(keep, axis=1)], axis=1)
    fc_p = np.where(np.arange(fm.shape[1])[None, :] < p[:, None], fm, 0.0).sum(axis=1)

    w_len = min(int(window), t_len)
    ends = np.arange(t_len - w_len + 1, t_len + 1)  # window end (exclusive column), (K,)
    starts = ends[None, :] - p[:, None]  # (n, K)
    valid = starts >= 0
    s0 = np.clip(starts, 0, None)
    rows = np.arange(n)[:, None]
    sums = cs[rows, ends[None, :]] - cs[rows, s0]
    kept = cc[rows, ends[None, :]] - cc[rows, s0]
    valid &= kept >= MIN_KEPT_SHARE * p[:, None]
    sums = np.where(valid, sums * p[:, None] / np.maximum(kept, 1), np.nan)
    count = valid.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_sum = np.nansum(sums, axis=1) / count
        scale = np.where(mean_sum > 0, fc_p / mean_sum, 0.0)
    scaled = sums * scale[:, None]
    has = count > 0
    err = np.full(n, np.nan)
    q = np.full((n, len(levels)), np.nan)
    p_alive = np.ones(n) if alive is None else np.clip(np.asarray(alive, np.float64), 0.0, 1.0)
    if p_alive.shape != (n,):
        raise ValueError(f"alive must be (n,), got shape {p_alive.shape}")
    # Levels of the alive part (n, L) and the alive forecast (the forecast is p x that).
    at = alive_levels(levels, p_alive)
    up = np.where(p_alive > 0, 1.0 / np.maximum(p_alive, 1e-12), 0.0)
    if has.any():
        dev = np.square(scaled[has] - fc_p[has, None])
        err[has] = np.sqrt(np.nanmean(dev, axis=1))
        q[has] = row_quantiles(scaled[has], at[has]) * up[has, None]
    if look > 0:
        # Each window's demand over what the mean of the `look` kept days before it said.
        lo = s0 - look
        before = lo >= 0
        lo = np.clip(lo, 0, None)
        pred_units = cs[rows, s0] - cs[rows, lo]
        pred_kept = cc[rows, s0] - cc[rows, lo]
        ok = valid & before & (pred_kept >= MIN_KEPT_SHARE * look) & (pred_units > 0)
        pred = pred_units / np.maximum(pred_kept, 1) * p[:, None]
        ratio = np.where(ok, sums / np.where(ok, pred, 1.0), np.nan)
        enough = ok.sum(axis=1) >= int(min_ratio_windows)
        if set(ratio_classes) != set(DEMAND_CLASSES):
            enough &= class_rows(x, keep, ratio_classes)
        if enough.any():
            r_q = row_quantiles(ratio[enough], at[enough]) * up[enough, None]
            q[enough] = np.maximum(q[enough], fc_p[enough, None] * r_q)
            steady = enough & class_rows(x, keep, alone_classes)
            if steady.any():
                r_n = normalised_ratio_quantiles(ratio[steady], at[steady])
                q[steady] = fc_p[steady, None] * r_n * up[steady, None]
    q = np.where(at > 0, q, np.where(np.isnan(q), np.nan, 0.0))  # the dead part's 0
    return IntervalDemand(p, fc_p, err, tuple(levels), q, count)


def windows_kwargs(windows: IntervalWindows) -> dict[str, Any]:
    """Return `windows` as `interval_demand`'s keyword arguments."""
    return {
        "window": windows.window,
        "lookback": windows.lookback,
        "min_ratio_windows": windows.min_ratio_windows,
        "ratio_classes": windows.ratio_classes,
        "alone_classes": windows.alone_classes,
    }


def smooth_rows(history: np.ndarray, keep: np.ndarray) -> np.ndarray:
    """Return (n,) True where a row's kept days are smooth demand (`planning.demand` classes)."""
    return class_rows(history, keep, ("smooth",))


def class_rows(history: np.ndarray, keep: np.ndarray, classes: tuple[str, ...]) -> np.ndarray:
    """Return (n,) True where the demand class of a row's kept days is one of `classes`."""
    if not classes:
        return np.zeros(np.asarray(history).shape[0], dtype=bool)
    _, _, demand_class, _ = demand_stats(history, exclude=~np.asarray(keep, dtype=bool))
    return np.asarray(np.isin(demand_class, classes))


def normalised_ratio_quantiles(ratio: np.ndarray, at: np.ndarray) -> np.ndarray:
    """Return (n, L) each row's quantiles of `ratio` (n, K; NaN ignored) at `at`, over its mean.

    A trend moves every ratio the same way (a declining item's windows each sell less than
    the days before them): dividing by the mean leaves their spread, not the drift.
    """
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.nansum(ratio, axis=1) / np.isfinite(ratio).sum(axis=1)
    scale = np.where(np.isfinite(mean) & (mean > 0), mean, 1.0)
    return np.asarray(row_quantiles(ratio, at) / scale[:, None])


def alive_levels(levels: tuple[float, ...], alive: np.ndarray) -> np.ndarray:
    """Return (n, L) the level of the alive part's quantile behind each mixture level.

    With probability 1 - p the item no longer sells (demand 0), so the mixture's quantile at
    q is 0 for q <= 1 - p (returned as 0) and the alive demand's at (q - (1 - p)) / p above it.
    """
    lv = np.asarray(levels, np.float64)[None, :]
    p = np.asarray(alive, np.float64)[:, None]
    with np.errstate(divide="ignore", invalid="ignore"):
        out = (lv - (1.0 - p)) / p
    return np.asarray(np.where(p > 0, np.clip(out, 0.0, 1.0), 0.0))


def row_quantiles(values: np.ndarray, at: np.ndarray) -> np.ndarray:
    """Return (n, L) each row's quantiles of `values` (n, K; NaN ignored) at its own levels.

    Linear interpolation between order statistics (numpy's default method); NaN for a row
    without a finite value.
    """
    v = np.sort(values, axis=1)  # NaN sort last
    count = np.isfinite(v).sum(axis=1)
    pos = at * np.maximum(count - 1, 0)[:, None]
    lo = np.floor(pos).astype(np.int64)
    hi = np.minimum(lo + 1, np.maximum(count - 1, 0)[:, None])
    rows = np.arange(v.shape[0])[:, None]
    frac = pos - lo
    out = v[rows, lo] * (1.0 - frac) + v[rows, hi] * frac
    return np.asarray(np.where(count[:, None] > 0, out, np.nan))
