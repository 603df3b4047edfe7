"""Apply planners' forecast overrides to the model's forecast (after the model, never inside it).

An override names a SKU, a location (empty: every store of the SKU), an inclusive date window,
a kind and a value: `multiplier` scales the model's forecast on those days, `rate` replaces it
with that many units per day. Where several cover the same store-day, a location's own override
wins over a network-wide one, and of two of the same reach the later one (higher `id`) wins:
one override decides each day, they never compound. A DC's forecast is the sum of its stores',
so it follows their overridden forecasts. The forecast error (sigma) stays the model's.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from stockpilot.vocabulary import OverrideKind

MAX_MULTIPLIER = 100.0
"""The largest factor an override may scale the model's forecast by (a hundredfold)."""
MAX_RATE = 1_000_000.0
"""The most units per day an override may set: beyond it a value is a typo, not a plan."""


def check_override(kind: str, value: float, start: date, end: date) -> None:
    """Raise ValueError naming the field when an override is not well formed."""
    if kind not in tuple(OverrideKind):
        raise ValueError(f"kind: must be one of {', '.join(OverrideKind)}, not {kind!r}")
    if not np.isfinite(value) or value < 0:
        raise ValueError(f"value: must be a finite number >= 0, not {value!r}")
    most = MAX_MULTIPLIER if kind == OverrideKind.MULTIPLIER else MAX_RATE
    if value > most:
        unit = "times the forecast" if kind == OverrideKind.MULTIPLIER else "units per day"
        raise ValueError(f"value: a {kind} override is at most {most:,.0f} {unit}, not {value:,g}")
    if end < start:
        raise ValueError(f"end: {end.isoformat()} is before start {start.isoformat()}")


def apply_overrides(
    mean: np.ndarray,
    sku: np.ndarray,
    location: np.ndarray,
    first_day: date,
    overrides: pd.DataFrame,
) -> np.ndarray:
    """Return the store forecasts `mean` (n, H; day 1 is `first_day`) with the overrides applied.

    `sku` and `location` name each row. Rows and days no override covers keep the model's
    forecast; the input is not changed.
    """
    if overrides is None or overrides.empty or mean.size == 0:
        return mean
    horizon = mean.shape[1]
    days = np.datetime64(first_day, "D") + np.arange(horizon)
    local = overrides["location_id"].fillna("").astype(str) != ""
    # Network-wide first, then a location's own; each in id order: the last one written wins.
    ordered = overrides.assign(is_local=local).sort_values(["is_local", "id"], kind="stable")
    factor = np.ones_like(mean, dtype=float)
    rate = np.full(mean.shape, np.nan)
    for row in ordered.itertuples(index=False):
        rows = sku == row.sku
        if row.is_local:
            rows &= location == row.location_id
        start = np.datetime64(pd.Timestamp(row.start_date).date(), "D")
        end = np.datetime64(pd.Timestamp(row.end_date).date(), "D")
        cols = (days >= start) & (days <= end)
        if not rows.any() or not cols.any():
            continue
        cell = np.ix_(np.flatnonzero(rows), np.flatnonzero(cols))
        if row.kind == OverrideKind.RATE:
            rate[cell] = float(row.value)
            factor[cell] = 1.0
        else:
            factor[cell] = float(row.value)
            rate[cell] = np.nan
    return np.where(np.isnan(rate), mean * factor, rate)
