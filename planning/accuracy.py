"""Measure forecast accuracy: WAPE, bias, MASE and rolling-origin evaluation.

Every metric works per row over the last axis and returns NaN where it is undefined.
"""

from __future__ import annotations

import datetime

import numpy as np
import pandas as pd

from planning.forecast import daily_periods, forecast_batch

MIN_TRAIN_DAYS = 14  # an origin with less history before it is skipped


def wape(actual: np.ndarray, forecast: np.ndarray) -> np.ndarray:
    """Return sum|a - f| / sum a per row; NaN where sum a == 0."""
    a, f = _pair(actual, forecast)
    return _ratio(np.abs(a - f).sum(axis=-1), a.sum(axis=-1))


def bias(actual: np.ndarray, forecast: np.ndarray) -> np.ndarray:
    """Return (sum f - sum a) / sum a per row; NaN where sum a == 0."""
    a, f = _pair(actual, forecast)
    return _ratio(f.sum(axis=-1) - a.sum(axis=-1), a.sum(axis=-1))


def mase(
    actual: np.ndarray, forecast: np.ndarray, insample: np.ndarray, season: int = 7
) -> np.ndarray:
    """Return MAE(a, f) / in-sample seasonal-naive MAE per row.

    NaN where the in-sample series is no longer than `season` or its seasonal-naive MAE is 0
    (then 0 when the forecast is exact too).
    """
    a, f = _pair(actual, forecast)
    x = np.asarray(insample, dtype=np.float64)
    mae = np.abs(a - f).mean(axis=-1)
    if x.shape[-1] <= season:
        return np.full(mae.shape, np.nan)
    scale = np.abs(x[..., season:] - x[..., :-season]).mean(axis=-1)
    out = _ratio(mae, scale)
    return np.where((scale == 0) & (mae == 0), 0.0, out)


def rolling_origin(
    history: np.ndarray,
    *,
    start: datetime.date,
    horizon: int,
    origins: int,
    step: int | None = None,
    uplift: np.ndarray | None = None,
    decline: str = "fitted",
) -> pd.DataFrame:
    """Score `forecast_batch` from `origins` cut-offs; return one row per series.

    Cut-offs are T - horizon - k·step (k = 0..origins-1, step defaults to horizon); each is
    forecast from the history before it and scored on the next `horizon` days. Cut-offs with
    fewer than `MIN_TRAIN_DAYS` days of history are skipped. WAPE and bias are on the errors
    and actuals summed over all windows, MASE is the mean over windows. `uplift` (n, T), the
    promotion calendar over the history, is passed as `history_uplift` before each cut-off and
    as `uplift` after it. `decline`: how declining series are forecast
    (`planning.forecast.daily_periods`). Columns: wape, bias, mase, n_origins.
    """
    x = np.asarray(history, dtype=np.float64)
    if x.ndim != 2:
        raise ValueError(f"history must be 2-D (n, T), got shape {x.shape}")
    n, t_len = x.shape
    h_len = int(horizon)
    step_len = h_len if step is None else int(step)
    if h_len < 1 or step_len < 1 or origins < 1:
        raise ValueError("horizon, step and origins must be >= 1")
    up = None if uplift is None else np.asarray(uplift, dtype=np.float64)
    if up is not None and up.shape != x.shape:
        raise ValueError(f"uplift shape {up.shape} != history shape {x.shape}")
    cuts = [t_len - h_len - k * step_len for k in range(origins)]
    cuts = sorted(c for c in cuts if c >= MIN_TRAIN_DAYS)
    abs_err = np.zeros(n)
    act = np.zeros(n)
    fct = np.zeros(n)
    mases = []
    for c in cuts:
        fc = forecast_batch(
            x[:, :c],
            h_len,
            start=start,
            history_uplift=None if up is None else up[:, :c],
            uplift=None if up is None else up[:, c : c + h_len],
            periods=daily_periods(decline),
        )
        a = np.nan_to_num(x[:, c : c + h_len])
        abs_err += np.abs(a - fc.mean).sum(axis=1)
        act += a.sum(axis=1)
        fct += fc.mean.sum(axis=1)
        mases.append(mase(a, fc.mean, np.nan_to_num(x[:, :c])))
    if mases:
        stacked = np.vstack(mases)
        seen = np.isfinite(stacked).any(axis=0)
        mean_mase = np.full(n, np.nan)
        mean_mase[seen] = np.nanmean(stacked[:, seen], axis=0)
    else:
        mean_mase = np.full(n, np.nan)
    return pd.DataFrame(
        {
            "wape": _ratio(abs_err, act),
            "bias": _ratio(fct - act, act),
            "mase": mean_mase,
            "n_origins": np.full(n, len(cuts), dtype=np.int64),
        }
    )


def _pair(actual: np.ndarray, forecast: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    a = np.asarray(actual, dtype=np.float64)
    f = np.asarray(forecast, dtype=np.float64)
    if a.shape != f.shape:
        raise ValueError(f"actual {a.shape} and forecast {f.shape} differ in shape")
    return a, f


def _ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(den != 0, num / np.where(den != 0, den, 1.0), np.nan)
