"""Build promotion calendars, learn promotion uplift from history and apply it to forecasts.

A calendar is an (n, days) array of demand factors per SKU-location and day: 1.0 where no
promotion runs, the promotion's `expected_uplift` where one does (the max where several overlap).
A promotion with an empty `location_id` applies to every location of its SKU.
"""

from __future__ import annotations

import datetime

import numpy as np
import pandas as pd

BASELINE_DAYS = 28  # non-promotion days looked at before each promotion day
MIN_BASELINE_DAYS = 7  # fewer kept days before a promotion day: that day is not scored
MIN_PROMO_DAYS = 7  # fewer scored promotion days: use the SKU's pooled multiplier
MIN_BASELINE_UNITS = 1.0  # less expected baseline over the scored days: not learnable
UPLIFT_CLIP = (0.25, 10.0)


def promo_calendar(
    keys: pd.DataFrame, promotions: pd.DataFrame, start: datetime.date, days: int
) -> np.ndarray:
    """Return (len(keys), days) uplift factors for the days from `start` on (1.0 = none)."""
    n = len(keys)
    cal = np.ones((n, max(days, 0)))
    if n == 0 or days <= 0 or len(promotions) == 0:
        return cal
    origin = np.datetime64(start, "D")
    p = pd.DataFrame(
        {
            "sku": promotions["sku"].to_numpy(),
            "location_id": promotions["location_id"].fillna("").to_numpy(),
            "_s": (_as_days(promotions["start_date"]) - origin).astype(np.int64),
            "_e": (_as_days(promotions["end_date"]) - origin).astype(np.int64),
            "_u": pd.to_numeric(promotions["expected_uplift"]).to_numpy(dtype=np.float64),
        }
    )
    k = pd.DataFrame(
        {
            "sku": keys["sku"].to_numpy(),
            "location_id": keys["location_id"].to_numpy(),
            "_row": np.arange(n),
        }
    )
    exact = p[p["location_id"] != ""].merge(k, on=["sku", "location_id"])
    every = p[p["location_id"] == ""].drop(columns="location_id").merge(k, on="sku")
    m = pd.concat([exact, every], ignore_index=True)
    s = np.clip(m["_s"].to_numpy(), 0, None)
    e = np.clip(m["_e"].to_numpy(), None, days - 1)
    u = m["_u"].to_numpy()
    ok = (e >= s) & np.isfinite(u)
    s, e, u, row = s[ok], e[ok], u[ok], m["_row"].to_numpy()[ok]
    if s.size:
        # Fill only the rows with a promotion: NaN (none yet) then the max of the factors.
        rows, sub_row = np.unique(row, return_inverse=True)
        sub = np.full((rows.size, days), np.nan)
        lengths = e - s + 1
        seg = np.repeat(np.arange(s.size), lengths)
        # Day within each promotion: position in the flat run minus the run's start offset.
        offs = np.arange(seg.size) - np.repeat(np.cumsum(lengths) - lengths, lengths)
        flat = sub_row[seg] * days + s[seg] + offs
        np.fmax.at(sub.reshape(-1), flat, u[seg])
        cal[rows] = np.where(np.isnan(sub), 1.0, sub)
    return cal


def _as_days(dates: pd.Series) -> np.ndarray:
    return pd.to_datetime(dates).to_numpy().astype("datetime64[D]")


def learn_uplift(
    history: np.ndarray,
    calendar: np.ndarray,
    keys: pd.DataFrame,
    *,
    min_promo_days: int = MIN_PROMO_DAYS,
) -> np.ndarray:
    """Return the learned promotion multiplier per series (n,), NaN where none can be learned.

    A promotion day is a calendar factor != 1. Its baseline is the mean of the kept
    non-promotion days among the `BASELINE_DAYS` days before it. The multiplier is
    sum(units on promotion days) / sum(baseline on those days), per series when it has
    `min_promo_days` scored promotion days, else pooled over the SKU's locations; clipped to
    `UPLIFT_CLIP`.
    """
    x = np.asarray(history, dtype=np.float64)
    cal = np.asarray(calendar, dtype=np.float64)
    if x.shape != cal.shape or x.ndim != 2:
        raise ValueError(f"history {x.shape} and calendar {cal.shape} must be the same (n, T)")
    n = x.shape[0]
    units, base = np.zeros(n), np.zeros(n)
    n_days = np.zeros(n, dtype=np.int64)
    # Only series with a calendar factor != 1 (NaN included) can have a day to score.
    rows = np.flatnonzero((cal != 1.0).any(axis=1))
    if rows.size:
        units[rows], base[rows], n_days[rows] = _scored_sums(x[rows], cal[rows])

    sku_idx, skus = pd.factorize(keys["sku"].astype(str))
    pooled_units = np.bincount(sku_idx, weights=units, minlength=len(skus))[sku_idx]
    pooled_base = np.bincount(sku_idx, weights=base, minlength=len(skus))[sku_idx]
    own = (n_days >= min_promo_days) & (base >= MIN_BASELINE_UNITS)
    pooled_ok = pooled_base >= MIN_BASELINE_UNITS
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.where(own, units / base, np.where(pooled_ok, pooled_units / pooled_base, np.nan))
    return np.where(np.isnan(out), np.nan, np.clip(out, *UPLIFT_CLIP))


def _scored_sums(x: np.ndarray, cal: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return per series the units, baseline and count of the scored promotion days."""
    t_len = x.shape[1]
    valid = np.isfinite(x)
    promo = np.isfinite(cal) & (cal != 1.0) & valid
    base_day = valid & ~promo
    v = np.where(base_day, np.maximum(x, 0.0), 0.0)
    zero_col = np.zeros((x.shape[0], 1))
    cs = np.concatenate([zero_col, np.cumsum(v, axis=1)], axis=1)
    cc = np.concatenate([zero_col, np.cumsum(base_day, axis=1)], axis=1)
    t = np.arange(t_len)
    lo = np.maximum(t - BASELINE_DAYS, 0)
    b_units = cs[:, t] - cs[:, lo]  # days [t-28, t)
    b_days = cc[:, t] - cc[:, lo]
    scored = promo & (b_days >= MIN_BASELINE_DAYS)
    baseline = np.where(scored, b_units / np.maximum(b_days, 1), 0.0)
    units = np.where(scored, np.maximum(x, 0.0), 0.0).sum(axis=1)
    return units, baseline.sum(axis=1), scored.sum(axis=1)


def future_uplift(expected: np.ndarray, learned: np.ndarray) -> np.ndarray:
    """Return (n, H) factors: on promotion days (expected != 1) `learned` where known.

    Elsewhere the factor is `expected`; NaN in `expected` counts as no promotion (1.0).
    """
    exp = np.asarray(expected, dtype=np.float64)
    exp = np.where(np.isfinite(exp), exp, 1.0)
    lrn = np.asarray(learned, dtype=np.float64)
    use = (exp != 1.0) & np.isfinite(lrn)[:, None]
    return np.where(use, lrn[:, None], exp)
