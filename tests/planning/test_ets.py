"""Tests for planning.ets."""

import datetime

import numpy as np
import pandas as pd

from planning.ets import forecast_series

FACTORS = np.array([0.8, 0.9, 0.9, 1.0, 1.1, 1.4, 0.9])


def _series(values: np.ndarray, first: str = "2024-01-01") -> pd.Series:
    return pd.Series(values, index=pd.date_range(first, periods=len(values), freq="D"))


def test_ets_interval_contains_mean_and_widens() -> None:
    rng = np.random.default_rng(6)
    idx = pd.date_range("2024-01-01", periods=280, freq="D")
    y = rng.poisson(30 * FACTORS[idx.day_of_week]).astype(float)
    fc = forecast_series(pd.Series(y, index=idx), 28, interval=0.9)
    assert fc.method.startswith("ets(")
    assert fc.dates[0] == datetime.date(2024, 10, 7) and len(fc.dates) == 28
    assert fc.interval == 0.9
    assert (fc.lower >= 0).all() and (fc.lower <= fc.mean).all() and (fc.mean <= fc.upper).all()
    width = fc.upper - fc.lower
    assert (np.diff(width) >= -1e-9).all() and width[-1] > width[0]
    # The weekly shape is kept: Saturdays (weekday 5) above Mondays.
    sat = [m for d, m in zip(fc.dates, fc.mean, strict=True) if d.weekday() == 5]
    mon = [m for d, m in zip(fc.dates, fc.mean, strict=True) if d.weekday() == 0]
    assert min(sat) > max(mon)
    assert abs(fc.mean.mean() - 30) < 4


def test_intermittent_falls_back_with_sqrt_widening() -> None:
    y = np.array([0.0, 0.0, 3.0] * 60)
    fc = forecast_series(_series(y), 14, interval=0.8)
    # A perfectly regular series: a bucket mean (rate exactly 1) beats SBA's 1 - alpha / 2.
    assert fc.method in ("naive", "adida", "imapa")
    assert (fc.lower >= 0).all() and (fc.upper >= fc.mean).all()
    width = fc.upper - fc.mean
    assert (np.diff(width) >= -1e-9).all() and width[-1] > width[0]
    np.testing.assert_allclose(fc.mean.sum() / 14, 1.0, atol=0.05)


def test_zero_series_and_uplift() -> None:
    fc = forecast_series(_series(np.zeros(60)), 7)
    assert fc.method == "zero"
    assert not fc.mean.any() and not fc.lower.any() and not fc.upper.any()
    y = np.full(60, 4.0) + np.tile([0.0, 1.0], 30)
    up = np.array([1.0, 1.0, 2.0, 1.0, 1.0, 1.0, 1.0])
    base = forecast_series(_series(y), 7)
    promo = forecast_series(_series(y), 7, uplift=up)
    np.testing.assert_allclose(promo.mean, base.mean * up)
    np.testing.assert_allclose(promo.upper, base.upper * up)
    assert (promo.lower >= 0).all()
