"""Forecast one daily series with statsmodels ETS and prediction intervals.

Smooth and erratic series with at least `MIN_ETS_DAYS` days use `ETSModel` with additive error
and additive weekly seasonality; both ETS(A,N,A) and ETS(A,Ad,A) are fitted and the lower AICc
wins. Intervals are statsmodels' analytic ones for these all-additive models.

Intermittent, lumpy, zero and short series fall back to the batch method
(`planning.forecast.forecast_batch`: SES/SBA/TSB with a weekly profile). Their interval is
mean ± z·sigma·sqrt(1 + (h - 1)·alpha²): the h-step error variance of simple exponential
smoothing (ETS(A,N,N)) around the one-day-ahead sigma, so it widens with the horizon.

Every bound is clipped at 0 and `uplift` (H,) multiplies mean and bounds alike.
"""

from __future__ import annotations

import datetime
import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.stats import norm
from statsmodels.tsa.exponential_smoothing.ets import ETSModel

from planning.demand import classify_demand
from planning.forecast import forecast_batch

MIN_ETS_DAYS = 56  # ETS(A,Ad,A) estimates ~11 parameters
MAX_ETS_DAYS = 728  # older history only slows the fit down


@dataclass(frozen=True)
class SeriesForecast:
    """A single-series forecast with a central prediction interval."""

    dates: list[datetime.date]
    mean: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    method: str
    interval: float


def forecast_series(
    history: pd.Series,
    horizon: int,
    *,
    interval: float = 0.9,
    uplift: np.ndarray | None = None,
) -> SeriesForecast:
    """Forecast `history` (daily units, DatetimeIndex) for `horizon` days with an interval.

    Missing days and NaN count as zero sales; negative values as zero.
    """
    if not 0 < interval < 1:
        raise ValueError("interval must be in (0, 1)")
    h_len = int(horizon)
    if h_len < 1:
        raise ValueError("horizon must be >= 1")
    if len(history) == 0:
        raise ValueError("history is empty")
    s = history.copy()
    s.index = pd.DatetimeIndex(pd.to_datetime(s.index)).normalize()
    s = s.groupby(level=0).sum().sort_index().asfreq("D")
    s = s.iloc[-MAX_ETS_DAYS:]
    y = np.maximum(np.nan_to_num(pd.to_numeric(s).to_numpy(dtype=np.float64)), 0.0)
    first = s.index[0].date()
    dates = [s.index[-1].date() + datetime.timedelta(days=h) for h in range(1, h_len + 1)]
    up = np.ones(h_len) if uplift is None else np.asarray(uplift, dtype=np.float64)
    if up.shape != (h_len,):
        raise ValueError(f"uplift shape {up.shape} != {(h_len,)}")
    up = np.where(np.isfinite(up), np.maximum(up, 0.0), 1.0)

    _, _, cls = classify_demand(y[None, :])
    fitted = None
    if cls[0] in ("smooth", "erratic") and y.size >= MIN_ETS_DAYS and y.any():
        fitted = _ets(pd.Series(y, index=s.index), h_len, interval)
    if fitted is None:
        fitted = _batch(y, h_len, interval, first)
    mean, lower, upper, method = fitted
    mean = np.maximum(mean, 0.0)
    lower = np.clip(lower, 0.0, mean)
    upper = np.maximum(upper, mean)
    return SeriesForecast(dates, mean * up, lower * up, upper * up, method, interval)


def _ets(
    y: pd.Series, h_len: int, interval: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray, str] | None:
    """Fit ETS(A,N,A) and ETS(A,Ad,A); return the better one's forecast, None on failure."""
    best = None
    for trend, name in ((False, "ets(A,N,A)"), (True, "ets(A,Ad,A)")):
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                model = ETSModel(
                    y,
                    error="add",
                    trend="add" if trend else None,
                    damped_trend=trend,
                    seasonal="add",
                    seasonal_periods=7,
                )
                res = model.fit(disp=False)
                frame = res.get_prediction(start=y.size, end=y.size + h_len - 1).summary_frame(
                    alpha=1 - interval
                )
        except Exception:  # a failed fit falls back to the batch method, never fails the plan
            continue
        out = (
            frame["mean"].to_numpy(dtype=np.float64),
            frame["pi_lower"].to_numpy(dtype=np.float64),
            frame["pi_upper"].to_numpy(dtype=np.float64),
        )
        if not all(np.isfinite(a).all() for a in out) or not np.isfinite(res.aicc):
            continue
        if best is None or res.aicc < best[0]:
            best = (float(res.aicc), (*out, name))
    return None if best is None else best[1]


def _batch(
    y: np.ndarray, h_len: int, interval: float, start: datetime.date
) -> tuple[np.ndarray, np.ndarray, np.ndarray, str]:
    """Forecast with the batch method; widen sigma as SES's h-step error does."""
    fc = forecast_batch(y[None, :], h_len, start=start)
    mean = fc.mean[0]
    steps = np.arange(h_len)
    width = norm.ppf(0.5 + interval / 2) * fc.sigma[0] * np.sqrt(1 + steps * fc.alpha[0] ** 2)
    return mean, mean - width, mean + width, str(fc.method[0])
