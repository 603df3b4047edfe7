"""One SKU-location's forecast as the plan has it, with per-day prediction intervals.

`plan_series` takes the plan's own forecast of a row (`Plan.demand`: the engine's model
choice, time bucket, censored history and promotion uplift, a DC's the sum of the stores it
feeds) for the days of the plan's horizon. Days past that horizon continue it with the same
engine's forecast of the series alone (`planning.buckets.forecast_in_buckets`, in the plan's
bucket), scaled so that over the plan's horizon it sums to the plan's forecast: the plan's level,
the series' own shape (weekly profile, yearly index) further out.

The interval of day h is mean ± z·sigma·sqrt(1 + (h − 1)·alpha²) times the day's promotion
uplift, with the plan's one-day error sigma and smoothing constant alpha (their daily
equivalents for weekly or monthly series): the h-step error of exponential smoothing around the
one-step error, so it widens with the horizon. Bounds are clipped at 0 and around the mean.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from planning.policy import z_value


@dataclass(frozen=True)
class SeriesBands:
    """A per-day forecast with a central prediction interval."""

    mean: np.ndarray  # (H,) units per day, promotions included
    lower: np.ndarray
    upper: np.ndarray
    plan_days: int  # the first days taken from the plan as they are


def plan_series(
    plan_mean: np.ndarray,
    sigma: float,
    alpha: float,
    uplift: np.ndarray,
    *,
    series_mean: np.ndarray | None = None,
    interval: float = 0.9,
) -> SeriesBands:
    """Return the plan's forecast of a row over len(`uplift`) days with its interval.

    `plan_mean` (P,) is the plan's forecast (uplift included); `series_mean` (H,) the engine's
    forecast of the series alone (uplift included), needed when H > P; `uplift` (H,) each
    day's promotion factor (1: none).
    """
    if not 0 < interval < 1:
        raise ValueError("interval must be in (0, 1)")
    up = np.where(np.isfinite(uplift), np.maximum(np.asarray(uplift, np.float64), 0.0), 1.0)
    h_len = up.size
    p = min(int(np.asarray(plan_mean).size), h_len)
    mean = np.zeros(h_len)
    mean[:p] = np.maximum(np.nan_to_num(np.asarray(plan_mean, np.float64)[:p]), 0.0)
    if h_len > p:
        if series_mean is None or np.asarray(series_mean).size < h_len:
            raise ValueError(f"series_mean must hold the {h_len} days past the plan's {p}")
        tail = np.maximum(np.nan_to_num(np.asarray(series_mean, np.float64)[:h_len]), 0.0)
        own = tail[:p].sum()
        scale = mean[:p].sum() / own if own > 0 else 1.0
        mean[p:] = tail[p:] * scale
    steps = np.arange(h_len)
    a = float(np.clip(np.nan_to_num(alpha), 0.0, 1.0))
    width = z_value(0.5 + interval / 2) * max(float(sigma), 0.0) * np.sqrt(1 + steps * a**2)
    width = width * up
    lower = np.clip(mean - width, 0.0, mean)
    upper = np.maximum(mean + width, mean)
    return SeriesBands(mean, lower, upper, p)
