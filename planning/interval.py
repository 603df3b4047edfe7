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

Kept days only (NaN and `exclude` days are not demand): a window's sum is taken over its kept
days and scaled to P days; windows with under half their days kept are dropped. Series with no
usable window get NaN.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from planning.demand import demand_stats

WINDOW_DAYS = 364
LEVELS = (0.5, 0.8, 0.9, 0.95, 0.99)
MIN_KEPT_SHARE = 0.5
LOOKBACK_DAYS = 70
MIN_RATIO_WINDOWS = 28


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
) -> IntervalDemand:
    """Measure P-day demand of each row of `history` (n, T) around its forecast (n, >= P).

    `lookback` (days, 0 = off) is the mean before each window that its ratio is taken to.
    `alive` (n,) is the probability each item still sells (None: 1): the quantiles are then
    those of the mixture of no demand and demand at the rate forecast / alive.
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
        enough = ok.sum(axis=1) >= MIN_RATIO_WINDOWS
        if enough.any():
            r_q = row_quantiles(ratio[enough], at[enough]) * up[enough, None]
            q[enough] = np.maximum(q[enough], fc_p[enough, None] * r_q)
            steady = enough & smooth_rows(x, keep)
            if steady.any():
                r_n = normalised_ratio_quantiles(ratio[steady], at[steady])
                q[steady] = fc_p[steady, None] * r_n * up[steady, None]
    q = np.where(at > 0, q, np.where(np.isnan(q), np.nan, 0.0))  # the dead part's 0
    return IntervalDemand(p, fc_p, err, tuple(levels), q, count)


def smooth_rows(history: np.ndarray, keep: np.ndarray) -> np.ndarray:
    """Return (n,) True where a row's kept days are smooth demand (`planning.demand` classes)."""
    _, _, demand_class, _ = demand_stats(history, exclude=~np.asarray(keep, dtype=bool))
    return np.asarray(demand_class == "smooth")


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
