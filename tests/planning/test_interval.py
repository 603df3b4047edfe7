"""Tests for planning.interval (demand over the protection interval)."""

from __future__ import annotations

import datetime

import numpy as np
import pytest
from scipy import stats

from planning.forecast import forecast_batch
from planning.interval import (
    DAILY_WINDOWS,
    MONTHLY_WINDOWS,
    alive_levels,
    class_rows,
    interval_demand,
    normalised_ratio_quantiles,
    row_quantiles,
    smooth_rows,
    windows_kwargs,
)


def test_poisson_series_spread_and_quantiles_match_the_distribution() -> None:
    rng = np.random.default_rng(3)
    h = rng.poisson(2.0, (200, 728)).astype(float)
    fc = np.full((200, 28), 2.0)
    out = interval_demand(h, fc, 10)
    assert out.forecast == pytest.approx(np.full(200, 20.0))
    assert np.median(out.error_rms) == pytest.approx(np.sqrt(20.0), rel=0.1)
    q90 = out.quantiles[:, out.levels.index(0.9)]
    assert np.median(q90) == pytest.approx(stats.poisson.ppf(0.9, 20.0), abs=1.5)
    assert (np.diff(out.quantiles, axis=1) >= 0).all()
    assert (out.windows == 364).all()


def test_intermittent_quantiles_cover_future_interval_demand() -> None:
    # ~70 % zero days, sizes 1..6; per-series protection intervals 7..21 days.
    rng = np.random.default_rng(8)
    n, t_len, p = 400, 728 + 21, rng.integers(7, 22, 400)
    rate = rng.uniform(0.1, 0.4, (n, 1))
    x = (rng.random((n, t_len)) < rate) * rng.integers(1, 7, (n, t_len))
    hist, future = x[:, :728].astype(float), x[:, 728:].astype(float)
    fc = np.repeat(rate * 3.5, 21, axis=1)  # the true mean rate
    out = interval_demand(hist, fc, p)
    actual = np.where(np.arange(21)[None, :] < p[:, None], future, 0).sum(axis=1)
    for level in (0.5, 0.9, 0.95):
        covered = (actual <= out.quantiles[:, out.levels.index(level)]).mean()
        assert covered == pytest.approx(level, abs=0.06)


def test_excluded_days_are_not_zero_demand_and_a_decline_is_not_error() -> None:
    rng = np.random.default_rng(5)
    h = rng.poisson(4.0, (1, 400)).astype(float)
    censored = h.copy()
    censored[0, 100:160] = 0  # a stockout: nothing sold
    mask = np.zeros_like(h, dtype=bool)
    mask[0, 100:160] = True
    fc = np.full((1, 14), 4.0)
    clean = interval_demand(h, fc, 14)
    kept = interval_demand(censored, fc, 14, exclude=mask)
    naive = interval_demand(censored, fc, 14)
    assert kept.error_rms[0] == pytest.approx(clean.error_rms[0], rel=0.25)
    assert naive.error_rms[0] > 1.5 * kept.error_rms[0]
    halved = interval_demand(h, fc / 2, 14)  # the forecast says demand halved
    assert halved.error_rms[0] == pytest.approx(clean.error_rms[0] / 2, rel=0.01)


def test_short_or_empty_history_gives_nan_and_bad_input_is_refused() -> None:
    out = interval_demand(np.array([[1.0, 2.0], [np.nan, np.nan]]), np.ones((2, 5)), 5)
    assert np.isnan(out.error_rms).all() and (out.windows == 0).all()
    with pytest.raises(ValueError, match="protection_days"):
        interval_demand(np.ones((1, 30)), np.ones((1, 5)), 0)
    with pytest.raises(ValueError, match="forecast_mean"):
        interval_demand(np.ones((1, 30)), np.ones((1, 5)), 7)
    with pytest.raises(ValueError, match="2-D"):
        interval_demand(np.ones(30), np.ones((1, 5)), 3)


def test_forecast_batch_reports_interval_demand_when_asked() -> None:
    rng = np.random.default_rng(2)
    h = rng.poisson(3.0, (5, 400)).astype(float)
    plain = forecast_batch(h, 28, start=datetime.date(2024, 1, 1))
    assert plain.interval is None
    fc = forecast_batch(h, 28, start=datetime.date(2024, 1, 1), protection_days=np.arange(5) + 7)
    assert fc.interval is not None
    assert fc.interval.forecast == pytest.approx(
        [fc.mean[i, : 7 + i].sum() for i in range(5)], rel=1e-9
    )
    assert (fc.interval.error_rms > 0).all()


def test_quantiles_count_the_error_of_the_forecast_itself() -> None:
    # Stationary slow movers forecast by forecast_batch: it misses the true rate by its own
    # estimation error, which the spread of past sums around a known mean omits.
    rng = np.random.default_rng(12)
    n, t_len, p = 2000, 560, 14
    rate = rng.uniform(0.2, 1.0, (n, 1))
    x = rng.poisson(rate, (n, t_len + p)).astype(float)
    hist, future = x[:, :t_len], x[:, t_len:].sum(axis=1)
    fc = forecast_batch(hist, p, start=datetime.date(2024, 1, 1)).mean
    measured = interval_demand(hist, fc, p)
    around = interval_demand(hist, fc, p, lookback=0)  # the spread around a known mean only
    q90 = measured.quantiles[:, measured.levels.index(0.9)]
    q90_around = around.quantiles[:, around.levels.index(0.9)]
    assert (future <= q90).mean() == pytest.approx(0.9, abs=0.03)
    assert (future <= q90_around).mean() < 0.875


def test_row_quantiles_match_numpy_at_each_rows_own_level() -> None:
    rng = np.random.default_rng(4)
    v = rng.gamma(2.0, 3.0, (50, 40))
    v[rng.random(v.shape) < 0.2] = np.nan
    v[0] = np.nan  # a row without a value
    at = rng.uniform(0.0, 1.0, (50, 3))
    got = row_quantiles(v, at)
    assert np.isnan(got[0]).all()
    for i in range(1, 50):
        assert got[i] == pytest.approx([np.nanquantile(v[i], a) for a in at[i]], rel=1e-12)


def test_alive_levels_are_the_mixtures() -> None:
    at = alive_levels((0.5, 0.9), np.array([1.0, 0.5, 0.05, 0.0]))
    assert at[0] == pytest.approx([0.5, 0.9])
    assert at[1] == pytest.approx([0.0, 0.8])  # P(D <= x) = 0.5 + 0.5 F(x) = 0.9 at F 0.8
    assert at[2] == pytest.approx([0.0, 0.0])  # dead 95 % of the time: the 0.9 quantile is 0
    assert at[3] == pytest.approx([0.0, 0.0])


def test_an_item_that_may_have_ended_has_the_mixtures_quantiles() -> None:
    # Items sell with probability `alive` at their rate, else not at all; the forecast is
    # alive x rate (the true mean: no estimation error, so no lookback ratios). Scaling the
    # alive spread down to that forecast under-covers the items that still sell; the
    # mixture's quantile covers about as stated.
    rng = np.random.default_rng(6)
    n, t_len, p = 3000, 400, 28
    rate = rng.uniform(0.1, 0.5, (n, 1))
    sizes = 1 + rng.poisson(1.0, (n, t_len + p))
    x = (rng.random((n, t_len + p)) < rate) * sizes
    alive = rng.uniform(0.3, 1.0, n)
    ends = rng.random(n) > alive
    future = np.where(ends, 0, x[:, t_len:].sum(axis=1))
    fc = np.repeat(rate * 2.0 * alive[:, None], p, axis=1)
    hist = x[:, :t_len].astype(float)
    mixed = interval_demand(hist, fc, p, alive=alive, lookback=0)
    scaled = interval_demand(hist, fc, p, lookback=0)
    level = mixed.levels.index(0.9)
    assert (future <= mixed.quantiles[:, level]).mean() == pytest.approx(0.9, abs=0.03)
    assert (future <= scaled.quantiles[:, level]).mean() < 0.8
    assert mixed.error_rms == pytest.approx(scaled.error_rms)
    assert interval_demand(hist, fc, p, alive=np.ones(n), lookback=0).quantiles == pytest.approx(
        scaled.quantiles
    )
    with pytest.raises(ValueError, match="alive"):
        interval_demand(hist, fc, p, alive=np.ones(n + 1))


def test_smooth_rows_are_the_smooth_class_of_the_kept_days() -> None:
    rng = np.random.default_rng(4)
    smooth = rng.poisson(6.0, (1, 364)).astype(float)
    sparse = ((rng.random((1, 364)) < 0.2) * 3).astype(float)
    keep = np.ones((2, 364), bool)
    assert smooth_rows(np.vstack([smooth, sparse]), keep).tolist() == [True, False]
    # Days not kept do not count: a smooth seller with a long stockout read as zeros.
    out = smooth.copy()
    out[0, 100:250] = 0.0
    kept = np.ones((1, 364), bool)
    assert not smooth_rows(out, kept)[0]
    kept[0, 100:250] = False
    assert smooth_rows(out, kept)[0]


def test_normalised_ratio_quantiles_leave_out_the_drift() -> None:
    ratio = np.array([[0.8, 0.9, 1.0, np.nan], [1.6, 1.8, 2.0, 2.2]])
    at = np.array([[0.5], [0.5]])
    got = normalised_ratio_quantiles(ratio, at)
    assert got[:, 0] == pytest.approx([1.0, 1.9 / 1.9])
    assert normalised_ratio_quantiles(np.array([[1.1, 0.9]]), np.array([[1.0]]))[0, 0] == (
        pytest.approx(1.1)
    )


def test_a_declining_smooth_series_is_not_given_its_declines_spread() -> None:
    # Poisson demand halving over the year: the year's 28-day sums scaled to today's level
    # spread as widely as the decline; the quantile should be today's demand's.
    rng = np.random.default_rng(6)
    n, t_len = 300, 728 + 28
    t = np.arange(t_len)
    rate = 20.0 * np.exp(-t / 500.0)[None, :]
    x = rng.poisson(np.broadcast_to(rate, (n, t_len))).astype(float)
    hist, future = x[:, :728], x[:, 728:]
    fc = np.broadcast_to(rate[:, 728:], (n, 28))
    out = interval_demand(hist, fc, 28)
    q90 = out.quantiles[:, out.levels.index(0.9)]
    covered = (future.sum(axis=1) <= q90).mean()
    assert covered == pytest.approx(0.9, abs=0.06)


def test_class_rows_are_the_rows_of_the_kept_days_classes() -> None:
    rng = np.random.default_rng(4)
    smooth = rng.poisson(6.0, (1, 60)).astype(float)
    sparse = ((rng.random((1, 60)) < 0.2) * 3).astype(float)
    x = np.vstack([smooth, sparse])
    keep = np.ones(x.shape, bool)
    assert class_rows(x, keep, ("smooth", "erratic")).tolist() == [True, False]
    assert class_rows(x, keep, ("intermittent",)).tolist() == [False, True]
    assert class_rows(x, keep, ()).tolist() == [False, False]
    assert class_rows(x, keep, ("smooth",)).tolist() == smooth_rows(x, keep).tolist()


def _monthly_sellers(seed: int) -> tuple[np.ndarray, np.ndarray]:
    # 60 months of 20 steady sellers (a sale every month) and one sparse one, each forecast
    # at its mean: the steady ones' 12-month means before each window carry their level's
    # error, which the scaled sums' spread around a known mean leaves out.
    rng = np.random.default_rng(seed)
    steady = rng.poisson(20.0, (20, 60)).astype(float)
    sparse = ((rng.random((1, 60)) < 0.25) * rng.integers(1, 9, (1, 60))).astype(float)
    hist = np.vstack([steady, sparse])
    return hist, np.repeat(hist.mean(axis=1, keepdims=True), 3, axis=1)


def test_monthly_frequent_series_take_the_larger_quantile_with_ratios_to_the_year_before() -> None:
    hist, fc = _monthly_sellers(5)
    monthly = interval_demand(hist, fc, 3, **windows_kwargs(MONTHLY_WINDOWS))
    scaled = interval_demand(hist, fc, 3, lookback=0)
    daily = interval_demand(hist, fc, 3, **windows_kwargs(DAILY_WINDOWS))
    # Days' 70-period lookback is longer than five years of months: no ratio, scaled sums only.
    assert daily.quantiles == pytest.approx(scaled.quantiles)
    q90 = monthly.quantiles[:, monthly.levels.index(0.9)]
    scaled_q90 = scaled.quantiles[:, scaled.levels.index(0.9)]
    for i in range(20):  # the larger of the scaled sums' and forecast x the ratios' quantile
        sums = np.convolve(hist[i], np.ones(3), "valid")  # sums[k]: months k..k+2
        before = np.array([hist[i, k - 12 : k].mean() * 3 for k in range(12, 58)])
        ratio_q90 = np.quantile(sums[12:58] / before, 0.9)
        assert q90[i] == pytest.approx(max(scaled_q90[i], fc[i, :3].sum() * ratio_q90))
    assert (q90[:20] > scaled_q90[:20]).sum() >= 5  # the level's error widens several
    # The sparse series keeps the scaled sums alone (its 12-month means are too noisy).
    assert monthly.quantiles[20] == pytest.approx(scaled.quantiles[20])


def test_monthly_ratios_need_two_years_of_them() -> None:
    hist, fc = _monthly_sellers(5)
    short = hist[:, -35:]  # 35 months: 21 windows with a year before them
    monthly = interval_demand(short, fc, 3, **windows_kwargs(MONTHLY_WINDOWS))
    assert monthly.quantiles == pytest.approx(interval_demand(short, fc, 3, lookback=0).quantiles)
    longer = hist[:, -38:]  # 24 windows
    monthly = interval_demand(longer, fc, 3, **windows_kwargs(MONTHLY_WINDOWS))
    scaled = interval_demand(longer, fc, 3, lookback=0)
    assert (monthly.quantiles[:20, 2] > scaled.quantiles[:20, 2]).any()


def test_monthly_windows_end_in_the_last_five_years() -> None:
    # 60 months, not the days' 364: of a ten-year history only the 3-month windows ending in
    # its last five years are measured (118 with 364).
    hist, fc = _monthly_sellers(5)
    ten_years = np.hstack([hist, hist])
    monthly = interval_demand(ten_years, fc, 3, **windows_kwargs(MONTHLY_WINDOWS))
    assert MONTHLY_WINDOWS.window == 60
    assert set(monthly.windows.tolist()) == {60}
