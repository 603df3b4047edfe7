"""Tests for planning.forecast."""

import dataclasses
import datetime

import numpy as np
import pandas as pd
import pytest

from planning import forecast
from planning.decline import decline_rate
from planning.forecast import forecast_batch, sales_matrix

START = datetime.date(2024, 1, 1)  # a Monday
FACTORS = np.array([0.8, 0.9, 0.9, 1.0, 1.1, 1.4, 0.9])  # Mon..Sun, mean 1


def test_ses_fixed_alpha_matches_hand_computation() -> None:
    # Weekday means are all 10, so the weekly profile is flat. Init = mean of the first 28 kept
    # days = 10. Alpha 0.5: level 10 until day 6 (x=16): 13; days 7..12 (x=10): 11.5, 10.75,
    # 10.375, 10.1875, 10.09375, 10.046875; day 13 (x=4): 10.046875 + 0.5·(4 − 10.046875).
    h = np.array([[10.0] * 6 + [16.0] + [10.0] * 6 + [4.0]])
    fc = forecast_batch(h, 5, start=START, ses_alpha=0.5, choose_models=False)
    assert fc.method[0] == "ses" and fc.demand_class[0] == "smooth"
    assert fc.level[0] == pytest.approx(7.0234375, abs=1e-4)
    np.testing.assert_allclose(fc.mean[0], 7.0234375, atol=1e-4)
    errs = np.array([6, -3, -1.5, -0.75, -0.375, -0.1875, -0.09375, -6.046875])
    assert fc.sigma[0] == pytest.approx(np.sqrt((errs**2).sum() / 14), rel=1e-4)
    assert fc.alpha[0] == 0.5


def test_sba_on_regular_intermittent_series() -> None:
    # Size 3 every 3rd day: Croston rate 3/3 = 1, SBA corrects by 1 − alpha/2.
    h = np.array([[0.0, 0.0, 3.0] * 100])
    fc = forecast_batch(h, 14, start=START, choose_models=False)
    assert fc.method[0] == "sba" and fc.demand_class[0] == "intermittent"
    # Perfectly regular: the lane with the smallest correction (alpha 0.05) forecasts best.
    assert fc.alpha[0] == pytest.approx(0.05) and fc.beta[0] == 0
    assert fc.level[0] == pytest.approx(0.975, abs=1e-3)
    # The weekly profile has mean 1, so any 7 consecutive days sum to 7 x the rate.
    assert fc.mean[0, :7].sum() == pytest.approx(7 * 0.975, abs=1e-2)


def test_tsb_for_lumpy_series_fades_after_sales_stop() -> None:
    active = np.tile([1.0, 0.0, 0.0, 12.0, 0.0, 0.0], 60)
    h = np.array([active, np.concatenate([active[:240], np.zeros(120)])])
    # The smoothed decline (the default "fitted" gives the stopped item method "declining":
    # tests/planning/test_forecast_decline.py).
    fc = forecast_batch(h, 7, start=START, periods=forecast.daily_periods("smoothed"))
    assert fc.demand_class.tolist() == ["lumpy", "lumpy"]
    assert fc.method[1] == "tsb"  # only TSB's probability decays while no sale comes
    # Active series: probability 1/3, mean size 6.5 -> about 2.17 per day.
    assert fc.level[0] == pytest.approx(6.5 / 3, rel=0.15)
    # After 120 days without a sale the probability has decayed by 0.95**120 ~ 0.002.
    assert fc.level[1] < 0.01 * fc.level[0]


def test_intermittent_lanes_fitted_per_series_follow_regime_changes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # 56-day regimes alternate between a sale of 4 every 2nd day and of 2 every 6th day; the
    # history ends 40 days into a slow regime (rate 1/3 per day).
    days = np.arange(56 * 13 + 40)
    fast = (days // 56) % 2 == 0
    units = np.where(fast, (days % 2 == 0) * 4.0, (days % 6 == 0) * 2.0)
    assert not fast[-1]
    h = np.array([units])
    fitted = forecast_batch(h, 7, start=START, choose_models=False)
    monkeypatch.setattr(forecast, "SBA_ALPHAS", forecast.SBA_ALPHAS[:1])
    monkeypatch.setattr(forecast, "TSB_PAIRS", forecast.TSB_PAIRS[:1])
    default = forecast_batch(h, 7, start=START, choose_models=False)
    assert fitted.demand_class[0] == default.demand_class[0] == "intermittent"
    # Enough sales to choose: SBA is the intermittent prior (TSB where too few, and for lumpy).
    assert default.method[0] == "sba"
    assert default.alpha[0] == pytest.approx(forecast.SBA_ALPHA)
    assert (fitted.alpha[0], fitted.beta[0]) != (default.alpha[0], default.beta[0])
    assert abs(fitted.level[0] - 1 / 3) < 0.5 * abs(default.level[0] - 1 / 3)


def test_stopped_intermittent_item_fades_and_a_live_one_does_not() -> None:
    rng = np.random.default_rng(11)
    live = (rng.random(720) < 0.25) * rng.integers(1, 4, 720)
    live[-3:] = [0, 0, 2]
    stopped = live.copy()
    stopped[-150:] = 0
    fc = forecast_batch(np.array([live, stopped], dtype=float), 14, start=START)
    assert fc.demand_class.tolist() == ["intermittent", "intermittent"]
    assert fc.p_alive[0] > 0.99 and fc.p_alive[1] < 0.01
    assert fc.mean[1].sum() < 0.01 * fc.mean[0].sum()
    assert fc.mean[0].sum() == pytest.approx(14 * live[-364:].mean(), rel=0.35)


def test_a_declining_intermittent_item_ends_sooner_and_a_steady_one_keeps_its_hazard() -> None:
    rng = np.random.default_rng(12)
    steady = (rng.random(728) < 0.2) * rng.integers(1, 4, 728)
    declining = steady.copy()
    declining[-182:] *= rng.random(182) < 0.25  # a quarter of its sales in the scored days
    for row in (steady, declining):
        row[0] = 1  # the first sale opens the window
        row[-13:] = [2] + [0] * 12  # a run of 12 days without a sale at the origin
    x = np.array([steady, declining], dtype=float)
    fc = forecast_batch(x, 14, start=START)
    flags = forecast._declining(x.T, np.ones(x.T.shape, bool), 728 - forecast.SCORE_DAYS)
    assert flags.tolist() == [False, True]
    # The run is judged by the slower of the window's and the recent days' sale frequency.
    last = x.shape[1] - 13
    recent = (x[:, last - forecast.RECENT_DAYS + 1 : last + 1] > 0).mean(axis=1)
    freq = np.minimum((x > 0).mean(axis=1), recent)
    # The steady item ends with the daily hazard on each day of the run ...
    h = forecast.END_HAZARD
    r = (1 - h) * (1 - freq[0])
    stay = r**12
    assert fc.p_alive[0] == pytest.approx(stay / (stay + h * (1 - stay) / (1 - r)), rel=1e-6)
    # ... the declining one has the decline's prior that it still sells before the run.
    like = forecast.DECLINE_PRIOR * (1 - freq[1]) ** 12
    assert fc.p_alive[1] == pytest.approx(like / (like + 1 - forecast.DECLINE_PRIOR), rel=1e-6)
    assert fc.p_alive[1] < 0.9 < 0.95 < fc.p_alive[0]


def test_the_end_of_life_hazard_grows_with_the_run_since_the_last_sale() -> None:
    # Three lumpy items selling on about 5 % of days for 700 days, then 0, 20 and 60 days
    # without a sale (not a significant decline: the scored days still hold most of their sales).
    rng = np.random.default_rng(3)
    base = (rng.random(760) < 0.05) * (1 + rng.negative_binomial(1, 0.15, 760))
    base[0] = base[-61] = 5
    rows = []
    for run in (0, 20, 60):
        row = base[60 - run : 760 - run].astype(float).copy()
        row[-1 - run] = 5.0  # the last sale, `run` days before the origin
        row[len(row) - run :] = 0.0
        rows.append(row)
    x = np.array(rows)
    fc = forecast_batch(x, 28, start=START)
    assert set(fc.demand_class) <= {"intermittent", "lumpy"}
    assert not forecast._declining(x.T, np.ones(x.T.shape, bool), 700 - forecast.SCORE_DAYS).any()
    assert fc.p_alive[0] == 1.0  # a sale on the last day: it sold then
    assert 0.9 < fc.p_alive[1] < 0.99  # three weeks: the gaps it often has
    # Two months, several of its usual gaps: under a fixed prior 0.999 that it still sells the
    # factor stayed above 0.95 and the forecast at its old level.
    freq = (x[2] > 0).mean()
    like = 0.999 * (1 - freq) ** 60
    assert like / (like + 0.001) > 0.95
    assert fc.p_alive[2] < 0.8


def test_the_end_of_life_hazard_closed_form_sums_the_days_it_may_have_ended() -> None:
    xs = np.zeros((40, 3), np.float32)
    xs[5, :] = 1.0
    xs[39, 0] = 2.0  # a sale at the origin
    xs[30, 1] = 1.0  # 9 days since the last sale
    ks = np.ones(xs.shape, bool)
    freq = np.array([0.1, 0.1, 0.1])
    got = forecast._alive_after_hazard(xs, ks, 0.01, freq)
    r = 0.99 * 0.9
    for i, q in enumerate((0, 9, 34)):
        ended = sum(0.01 * r**j for j in range(q))  # ended on day j of the run, alive before
        assert got[i] == pytest.approx(r**q / (r**q + ended), rel=1e-9)
    assert got[0] == 1.0
    assert forecast._alive_after_hazard(xs, ks, 0.0, freq).tolist() == [1.0, 1.0, 1.0]


def test_a_run_is_judged_by_the_slower_of_the_recent_and_the_window_frequency() -> None:
    # Every 2nd day for 600 days, then every 10th day up to the last sale: 91 days up to it
    # hold 10 sales (the last included), the window 300 + 13.
    x = np.zeros((1, 728))
    x[0, 0:600:2] = 1.0
    x[0, 600:730:10] = 1.0
    x[0, -6:] = 0.0  # ... and a week without a sale at the origin
    last = int(np.flatnonzero(x[0])[-1])
    ks = np.ones(x.T.shape, bool)
    got = forecast._recent_frequency(x.T, ks, 91)
    recent = x[0, last - 90 : last + 1].sum() / 91
    assert got[0] == pytest.approx(recent) and recent < (x > 0).mean()
    # A faster recent rate does not judge the run harder than the window's rate.
    fast = x[:, ::-1].copy()
    fast[0, -1] = 1.0
    assert forecast._recent_frequency(fast.T, ks, 91)[0] == pytest.approx((fast > 0).mean())
    # At its recent rate (about 1 in 10 days) a week without a sale is usual: the item lives.
    fc = forecast_batch(x, 14, start=START)
    window = forecast._alive_probability(x.T, ks, prior=forecast.DECLINE_PRIOR)
    assert fc.p_alive[0] > 0.5 > window[0]


def test_a_smooth_item_that_stopped_in_stock_fades_and_a_stockout_does_not() -> None:
    rng = np.random.default_rng(5)
    units = rng.poisson(6.0, (1, 364)).astype(float)
    units[0, -20:] = 0  # no sale for 20 days
    stopped = np.ones(units.shape, bool)  # ... the inventory history says it was on the shelf
    fc = forecast_batch(units, 14, start=START, in_stock=stopped)
    assert fc.demand_class[0] == "smooth"
    assert fc.p_alive[0] < 1e-6 and fc.mean[0].sum() < 0.01
    # ... or out of stock: those days are not demand (NaN, as the engine censors them) and
    # not known in stock, so the rate stays.
    censored = units.copy()
    censored[0, -20:] = np.nan
    out = stopped.copy()
    out[0, -20:] = False
    stockout = forecast_batch(censored, 14, start=START, in_stock=out)
    assert stockout.p_alive[0] == 1.0
    assert stockout.mean[0].sum() == pytest.approx(14 * 6.0, rel=0.15)
    # Without the inventory history a smooth series gets no end-of-life factor.
    assert forecast_batch(units, 14, start=START).p_alive[0] == 1.0


def test_smooth_end_of_life_reads_every_kept_period_of_the_run_without_a_history() -> None:
    # `Periods.smooth_end_of_life` (months): the run since the last sale judges a smooth
    # series' end of life on every kept period, with no inventory history; by default (days)
    # a smooth series without that history keeps the factor 1.
    rng = np.random.default_rng(5)
    units = rng.poisson(6.0, (2, 364)).astype(float)
    units[0, -20:] = 0  # row 0 stopped 20 periods ago; row 1 sells on
    assert forecast_batch(units, 14, start=START).p_alive.tolist() == [1.0, 1.0]
    periods = dataclasses.replace(forecast.DAILY, smooth_end_of_life=True)
    fc = forecast_batch(units, 14, start=START, periods=periods)
    assert fc.demand_class.tolist() == ["smooth", "smooth"]
    assert fc.p_alive[0] < 1e-6 and fc.mean[0].sum() < 0.01
    assert fc.p_alive[1] > 0.99
    assert not forecast.DAILY.smooth_end_of_life


def test_a_fast_seller_two_days_without_a_sale_in_stock_is_not_an_end_of_life() -> None:
    rng = np.random.default_rng(6)
    units = rng.poisson(8.0, (2, 364)).astype(float)
    units[:, -3:] = [[5.0, 0.0, 0.0], [0.0, 0.0, 0.0]]  # 2 and 3 days without a sale
    stocked = np.ones(units.shape, bool)
    fc = forecast_batch(units, 7, start=START, in_stock=stocked)
    blind = forecast_batch(units, 7, start=START)
    assert fc.p_alive[0] == 1.0  # under MIN_END_DAYS: a slow spell, the forecast unchanged
    np.testing.assert_allclose(fc.mean[0], blind.mean[0])
    assert fc.p_alive[1] < 0.01  # three days in stock at ~8 a day: the demand stopped


def test_a_declining_spare_part_is_not_cut_again_by_the_end_of_life_factor() -> None:
    # Sales of 2 with gaps growing 13 % each (8 .. 72 days), none in the last 160 days: the
    # log-linear rate of the sale days (method "decline") already holds that run. The end-of-
    # life factor multiplied it again (p_alive 0.966 here): the run-down counted twice.
    gaps = np.round(8 * 1.13 ** np.arange(40)).astype(int)
    sale_days = np.cumsum(gaps)
    units = np.zeros((1, 728))
    units[0, 0] = 2.0
    units[0, sale_days[sale_days < 600]] = 2.0
    fc = forecast_batch(units, 28, start=START)
    assert fc.method[0] == "decline"
    assert fc.p_alive[0] == 1.0
    xs, ks = np.ascontiguousarray(units.T), np.ones((728, 1), bool)
    assert fc.level[0] == pytest.approx(decline_rate(xs, ks, 28)[0], rel=1e-9)


def test_spare_parts_long_without_a_sale_are_not_forecast_near_zero() -> None:
    # Generated spare parts (a sale on 1-4 % of days, declining with tau 200-800 days): those
    # whose run since the last sale is over 4 of their mean gaps. The decline's fit already
    # lowers them (0.37x the truth); the end-of-life factor took them to 0.28x.
    rng = np.random.default_rng(11)
    n, w, h = 3000, 728, 28
    t = np.arange(w + h)
    p = rng.uniform(0.01, 0.04, (n, 1)) * np.exp(-t[None, :] / rng.uniform(200, 800, (n, 1)))
    units = (rng.random((n, t.size)) < p) * 1.0
    fc = forecast_batch(units[:, :w], h, start=START)
    sold = units[:, :w] > 0
    run = w - 1 - np.where(sold, np.arange(w), -1).max(axis=1)
    freq = sold.sum(axis=1) / (w - sold.argmax(axis=1))
    rows = (fc.method == "decline") & (run * freq > 4)
    assert rows.sum() > 100
    assert fc.level[rows].sum() / p[rows, w:].mean(axis=1).sum() > 0.33


def test_in_stock_must_match_the_history() -> None:
    with pytest.raises(ValueError, match="in_stock shape"):
        forecast_batch(np.ones((2, 30)), 7, start=START, in_stock=np.ones((2, 29), bool))


def test_weekly_profile_recovered_and_slow_mover_shrunk() -> None:
    rng = np.random.default_rng(1)
    dow = np.arange(364) % 7  # START is a Monday
    busy = rng.poisson(50 * FACTORS[dow], size=(20, 364)).astype(float)
    slow = np.zeros((1, 364))
    slow[0, -70::7] = 1.0  # one unit on each of the last 10 Mondays
    h = np.vstack([busy, slow])
    fc = forecast_batch(h, 14, start=START)
    # Day 1 of the horizon is day 364 -> a Monday.
    prof = fc.mean[:20, :7] / fc.mean[:20, :7].mean(axis=1, keepdims=True)
    np.testing.assert_allclose(prof.mean(axis=0), FACTORS, rtol=0.03)
    np.testing.assert_allclose(fc.mean[:20, :7].mean(axis=1), 50, rtol=0.1)
    # The slow mover's own profile would be Monday-only; shrinkage keeps it near the pooled one.
    slow_prof = fc.mean[20, :7] / fc.mean[20, :7].mean()
    assert slow_prof[0] < 1.2
    np.testing.assert_allclose(slow_prof, FACTORS, atol=0.2)


def test_zero_series_and_nonnegative_finite_output() -> None:
    rng = np.random.default_rng(2)
    h = rng.poisson(3.0, size=(3, 100)).astype(float)
    h[0] = 0.0
    h[1, 5:9] = np.nan
    h[2, -3:] = [0.0, 0.0, 0.0]
    fc = forecast_batch(h, 10, start=START)
    assert fc.method[0] == "zero"
    assert fc.sigma[0] == 0.0 and (fc.mean[0] == 0.0).all() and fc.level[0] == 0.0
    assert np.isfinite(fc.mean).all() and (fc.mean >= 0).all()
    assert (fc.sigma >= 0).all() and fc.sigma[1] > 0
    assert fc.mean.shape == (3, 10) and fc.mean.dtype == np.float64


def test_uplift_multiplies_exactly_the_promo_days() -> None:
    rng = np.random.default_rng(3)
    h = rng.poisson(8.0, size=(2, 200)).astype(np.float32)
    up = np.ones((2, 14))
    up[0, 3:6] = 2.0
    up[1, 10] = 1.5
    base = forecast_batch(h, 14, start=START)
    promo = forecast_batch(h, 14, start=START, uplift=up)
    np.testing.assert_allclose(promo.mean, base.mean * up, rtol=1e-12)
    assert (promo.mean[0, :3] == base.mean[0, :3]).all()
    np.testing.assert_array_equal(promo.sigma, base.sigma)


def test_history_uplift_days_are_left_out_of_the_baseline() -> None:
    h = np.full((1, 120), 10.0)
    hu = np.ones_like(h)
    h[0, 100:110] = 30.0  # a past promotion tripled sales
    hu[0, 100:110] = 3.0
    plain = forecast_batch(h, 7, start=START)
    clean = forecast_batch(h, 7, start=START, history_uplift=hu)
    assert clean.level[0] == pytest.approx(10.0, abs=1e-4)
    assert clean.sigma[0] == pytest.approx(0.0, abs=1e-4)
    assert plain.sigma[0] > 1.0


def test_yearly_index_lifts_last_years_peak() -> None:
    t_len = 364 + 100
    h = np.full((1, t_len), 20.0)
    # Last year the 28 days after the origin sold double: origin - 364 = column 99.
    h[0, 100:128] = 40.0
    fc = forecast_batch(h, 28, start=START)
    assert fc.level[0] == pytest.approx(20.0, abs=1e-3)
    mid = fc.mean[0, 7:21]
    assert (mid > 20 * 1.6).all() and (mid < 40).all()
    # Too little history: no yearly index, the forecast stays at the level.
    short = forecast_batch(h[:, -300:], 28, start=START + datetime.timedelta(days=164))
    np.testing.assert_allclose(short.mean[0], 20.0, atol=0.01)


def test_float32_and_float64_agree() -> None:
    rng = np.random.default_rng(4)
    h = rng.poisson(2.0, size=(50, 300)) * (rng.random((50, 300)) < 0.6)
    f64 = forecast_batch(h.astype(np.float64), 14, start=START)
    f32 = forecast_batch(h.astype(np.float32), 14, start=START)
    np.testing.assert_allclose(f32.mean, f64.mean, rtol=1e-5)
    np.testing.assert_array_equal(f32.method, f64.method)


def test_sales_matrix_densifies_in_key_order() -> None:
    sales = pd.DataFrame(
        {
            "date": pd.to_datetime(
                ["2024-01-01", "2024-01-03", "2024-01-03", "2024-01-02", "2023-12-31", "2024-01-04"]
            ),
            "sku": ["A", "A", "B", "A", "A", "B"],
            "location_id": ["S1", "S1", "S1", "S2", "S1", "S1"],
            "units": [2, 5, 7, 1, 99, 99],
        }
    )
    keys = pd.DataFrame({"sku": ["B", "A", "C"], "location_id": ["S1", "S1", "S1"]})
    m = sales_matrix(sales, keys, datetime.date(2024, 1, 1), datetime.date(2024, 1, 3))
    expected = np.array([[0, 0, 7], [2, 0, 5], [0, 0, 0]], dtype=float)
    np.testing.assert_array_equal(m, expected)
    assert m.dtype == np.float64


def _merge_sales_matrix(
    sales: pd.DataFrame, keys: pd.DataFrame, start: datetime.date, end: datetime.date
) -> np.ndarray:
    """Reference: the original merge-based densification."""
    days = (end - start).days + 1
    d = (sales["date"].to_numpy().astype("datetime64[D]") - np.datetime64(start, "D")).astype(int)
    inside = (d >= 0) & (d < days)
    s = pd.DataFrame(
        {
            "sku": sales["sku"].to_numpy()[inside],
            "location_id": sales["location_id"].to_numpy()[inside],
            "_col": d[inside],
            "_units": pd.to_numeric(sales["units"]).to_numpy(dtype=np.float64)[inside],
        }
    )
    k = pd.DataFrame(
        {"sku": keys["sku"].to_numpy(), "location_id": keys["location_id"].to_numpy()}
    ).assign(_row=np.arange(len(keys)))
    m = s.merge(k, on=["sku", "location_id"], how="inner")
    flat = m["_row"].to_numpy(np.int64) * days + m["_col"].to_numpy(np.int64)
    units = np.nan_to_num(m["_units"].to_numpy(np.float64))
    return np.bincount(flat, weights=units, minlength=len(keys) * days).reshape(len(keys), days)


def test_sales_matrix_matches_merge_reference_on_messy_input(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import planning.forecast as fc

    monkeypatch.setattr(fc, "SALES_CHUNK_ROWS", 7)  # many chunks, some partly out of range
    rng = np.random.default_rng(5)
    n = 400
    sales = pd.DataFrame(
        {
            "date": pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(-5, 40, n), "D"),
            "sku": rng.choice(["A", "B", "C", "Z"], n),
            "location_id": rng.choice(["S1", "S2", "X"], n),
            "units": rng.integers(0, 9, n).astype(float),
        }
    )
    sales.loc[::13, "units"] = np.nan
    sales.loc[::17, "units"] = 0.25
    # Duplicate keys get the same row; unknown keys stay zero.
    keys = pd.DataFrame(
        {"sku": ["B", "A", "C", "A", "Q"], "location_id": ["S1", "S2", "S2", "S2", "S1"]}
    )
    start, end = datetime.date(2024, 1, 3), datetime.date(2024, 1, 30)
    expected = _merge_sales_matrix(sales, keys, start, end)
    np.testing.assert_array_equal(sales_matrix(sales, keys, start, end), expected)
    # As the engine codes them: values outside the categories become missing.
    skus, locs = pd.Index(["C", "A", "B"]), pd.Index(["S2", "S1", "S9"])
    coded = sales.assign(
        sku=pd.Categorical.from_codes(skus.get_indexer(sales["sku"]), categories=skus),
        location_id=pd.Categorical.from_codes(locs.get_indexer(sales["location_id"]), locs),
    )
    np.testing.assert_array_equal(sales_matrix(coded, keys, start, end), expected)


def test_sba_counts_the_gap_in_progress_once_it_is_longer_than_the_interval(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A sale of 4 every 5th day, then 12 days without one: the interval estimate (5) takes the
    # 12-day gap in as if it ended at the origin; a gap shorter than 5 changes nothing.
    monkeypatch.setattr(forecast, "SBA_ALPHAS", forecast.SBA_ALPHAS[:1])
    monkeypatch.setattr(forecast, "TSB_PAIRS", forecast.TSB_PAIRS[:0])
    sales = np.tile([0.0, 0.0, 0.0, 0.0, 4.0], 120)
    regular = np.concatenate([np.zeros(12), sales])  # days before the first sale do not count
    gap = np.concatenate([sales, np.zeros(12)])
    fc = forecast_batch(np.array([regular, gap]), 7, start=START, choose_models=False)
    assert fc.method.tolist() == ["sba", "sba"] and fc.alpha[0] == fc.alpha[1]
    a = fc.alpha[1]
    rate = fc.level / fc.p_alive
    assert rate[1] / rate[0] == pytest.approx(5 / (5 + a * (12 - 5)), rel=1e-3)
    regular, short = regular[9:], np.concatenate([sales, np.zeros(3)])
    fc_short = forecast_batch(np.array([regular, short]), 7, start=START, choose_models=False)
    rate_short = fc_short.level / fc_short.p_alive
    assert rate_short[1] == pytest.approx(rate_short[0], rel=1e-3)


def test_shift_segment_fits_an_intermittent_rate_after_its_last_shift_only() -> None:
    # Sales on 8 % of days for 528 days, then on 24 % for the last 200 (sizes 2): with the
    # shift segment the rate is that of the last 200 days; without it, the window's lags it.
    rng = np.random.default_rng(21)
    t = np.arange(728)
    p = np.where(t >= 528, 0.24, 0.08)
    h = ((rng.random((40, 728)) < p) * 2.0).astype(float)
    whole = forecast_batch(h, 28, start=START, choose_models=False)
    periods = dataclasses.replace(forecast.DAILY, shift_segment=56)
    after = forecast_batch(h, 28, start=START, choose_models=False, periods=periods)
    truth = 0.24 * 2.0
    assert np.median(np.abs(after.level - truth)) < np.median(np.abs(whole.level - truth))
    assert np.median(after.level) == pytest.approx(truth, rel=0.15)
    # A steady series has no shift: the same forecast either way.
    steady = ((rng.random((1, 728)) < 0.15) * 3.0).astype(float)
    a = forecast_batch(steady, 28, start=START, periods=periods)
    b = forecast_batch(steady, 28, start=START)
    assert np.array_equal(a.mean, b.mean)
