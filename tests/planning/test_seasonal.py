"""The fitted yearly index: a real season is kept, a noise-only one is shrunk away."""

from __future__ import annotations

import datetime

import numpy as np
import pytest

from planning.buckets import PERIODS
from planning.forecast import forecast_batch
from planning.seasonal import seasonal_index
from stockpilot.vocabulary import SalesBucket


def _panel(seed: int, n: int, periods: int, year: int, season: float) -> np.ndarray:
    rng = np.random.default_rng(seed)
    rate = rng.gamma(2.0, 25.0, (n, 1))
    phase = rng.uniform(0, 2 * np.pi, (n, 1))
    t = np.arange(periods)
    return rng.poisson(rate * (1 + season * np.sin(2 * np.pi * t / year + phase))).astype(float)


@pytest.mark.parametrize("seed", [2, 11, 29])
def test_a_real_season_is_kept_and_noise_is_shrunk_away(seed: int) -> None:
    year = 12
    seasonal = _panel(seed, 200, 36, year, 0.5)
    flat = _panel(seed + 1, 200, 36, year, 0.0)
    pos = np.arange(36) % year
    idx_s = seasonal_index(seasonal.T, np.ones((36, 200), bool), pos, year)
    idx_f = seasonal_index(flat.T, np.ones((36, 200), bool), pos, year)
    np.testing.assert_allclose(idx_s.mean(axis=0), 1.0, atol=1e-9)
    # The seasonal series' index follows its sine (amplitude 0.5); the flat ones' stays near 1.
    amp_s = (idx_s.max(axis=0) - idx_s.min(axis=0)) / 2
    amp_f = (idx_f.max(axis=0) - idx_f.min(axis=0)) / 2
    assert np.median(amp_s) > 0.4
    assert np.median(amp_f) < 0.02 and (amp_f < 0.1).mean() > 0.75


def test_the_monthly_forecast_beats_the_level_alone_on_seasonal_demand() -> None:
    y = _panel(5, 300, 48, 12, 0.4)
    periods = PERIODS[SalesBucket.MONTH]
    fc = forecast_batch(y[:, :36], 12, start=datetime.date(2020, 1, 1), periods=periods)
    flat = np.repeat(fc.level[:, None], 12, axis=1)
    actual = y[:, 36:]
    assert np.abs(fc.mean - actual).sum() < 0.6 * np.abs(flat - actual).sum()


def test_daily_series_fit_a_weekly_resolution_index_over_the_weekly_profile() -> None:
    rng = np.random.default_rng(3)
    days = 728 + 56
    t = np.arange(days)
    week = np.array([0.8, 0.9, 0.9, 1.0, 1.1, 1.3, 1.0])
    curve = 1 + 0.5 * np.cos(2 * np.pi * (t - 100) / 364)
    y = rng.poisson(8.0 * week[t % 7] * curve, (60, days)).astype(float)
    start = datetime.date(2023, 1, 2)  # a Monday
    fc = forecast_batch(y[:, :728], 56, start=start)
    truth = 8.0 * week[t[728:] % 7] * curve[728:]
    got = fc.mean.mean(axis=0)
    assert np.abs(got / truth - 1).mean() < 0.1
    # The old reading of last year's same days only (shrunk by units) stayed further off.
    assert abs(got.sum() / truth.sum() - 1) < 0.05
