"""Tests for the forecast of declining series (`planning.forecast.daily_periods`).

"fitted" (the default) gives a significantly declining intermittent series the log-linear rate
of its days up to its last sale (method "declining"); "smoothed" keeps it on its smoothed
level, through the engine's `PlanParams.forecast_decline` and the setting
`forecast_decline` (env STOCKPILOT_FORECAST_DECLINE).
"""

import datetime
from pathlib import Path

import numpy as np
import pytest

from erp.demo import generate_demo
from planning import forecast
from planning.buckets import PERIODS, forecast_in_buckets
from planning.decline import rate_before_run
from planning.engine import plan
from planning.forecast import daily_periods, forecast_batch
from planning.params import PlanParams
from stockpilot.settings import Settings
from stockpilot.vocabulary import SalesBucket
from tools.plan_cache import plan_params

START = datetime.date(2024, 1, 1)  # a Monday
AS_OF = datetime.date(2026, 6, 30)


def _steady_and_declining() -> np.ndarray:
    """Two intermittent items: one steady, one selling a quarter as often in its last 182 days.

    Both end on a sale of 2 and a run of 12 days without one.
    """
    rng = np.random.default_rng(12)
    steady = (rng.random(728) < 0.2) * rng.integers(1, 4, 728)
    declining = steady.copy()
    declining[-182:] *= rng.random(182) < 0.25
    for row in (steady, declining):
        row[0] = 1
        row[-13:] = [2] + [0] * 12
    return np.array([steady, declining], dtype=float)


def test_the_default_is_the_fitted_rate_and_an_unknown_method_is_refused() -> None:
    assert daily_periods() is forecast.DAILY
    assert daily_periods("smoothed").declining_half_life == 0.0
    assert daily_periods("fitted").declining_half_life == forecast.DECLINING_HALF_LIFE
    assert forecast.DAILY.declining_half_life == forecast.DECLINING_HALF_LIFE
    assert PlanParams().forecast_decline == "fitted"
    with pytest.raises(ValueError, match="unknown decline method"):
        daily_periods("linear")


def test_smoothed_keeps_a_declining_item_on_its_smoothed_level() -> None:
    x = _steady_and_declining()
    fc = forecast_batch(x, 14, start=START, periods=daily_periods("smoothed"))
    flags = forecast._declining(x.T, np.ones(x.T.shape, bool), 728 - forecast.SCORE_DAYS)
    assert flags.tolist() == [False, True]
    assert "declining" not in fc.method.tolist()
    # The run is judged by the slower of the window's and the recent days' frequency.
    last = x.shape[1] - 13
    recent = (x[:, last - forecast.RECENT_DAYS + 1 : last + 1] > 0).mean(axis=1)
    freq = min((x[1] > 0).mean(), recent[1])
    like = forecast.DECLINE_PRIOR * (1 - freq) ** 12
    assert fc.p_alive[1] == pytest.approx(like / (like + 1 - forecast.DECLINE_PRIOR), rel=1e-6)


def test_fitted_gives_a_declining_item_its_rate_before_the_run() -> None:
    x = _steady_and_declining()
    smoothed = forecast_batch(x, 14, start=START, periods=daily_periods("smoothed"))
    fc = forecast_batch(x, 14, start=START)
    # The steady item is not flagged: the same forecast either way.
    assert fc.method[0] == smoothed.method[0] != "declining"
    assert fc.level[0] == smoothed.level[0] and fc.p_alive[0] == smoothed.p_alive[0]
    # The declining one takes the fitted rate, its run judged by the slower of that rate over
    # the run and the recent frequency, under the decline's prior.
    rate, run_freq = rate_before_run(
        x[1:].T,
        np.ones((728, 1), bool),
        forecast.AHEAD_DAYS,
        half_life=forecast.DECLINING_HALF_LIFE,
    )
    last = x.shape[1] - 13
    recent = (x[1, last - forecast.RECENT_DAYS + 1 : last + 1] > 0).mean()
    freq = min((x[1] > 0).mean(), recent, run_freq[0])
    like = forecast.DECLINE_PRIOR * (1 - freq) ** 12
    assert fc.method[1] == "declining" and fc.beta[1] == 0.0
    assert fc.p_alive[1] == pytest.approx(like / (like + 1 - forecast.DECLINE_PRIOR), rel=1e-6)
    assert fc.level[1] == pytest.approx(rate[0] * fc.p_alive[1], rel=1e-6)
    assert fc.level[1] != pytest.approx(smoothed.level[1], rel=1e-3)


def test_fitted_ends_a_lumpy_item_whose_sales_stopped() -> None:
    active = np.tile([1.0, 0.0, 0.0, 12.0, 0.0, 0.0], 60)
    h = np.array([active, np.concatenate([active[:240], np.zeros(120)])])
    smoothed = forecast_batch(h, 7, start=START, periods=daily_periods("smoothed"))
    fc = forecast_batch(h, 7, start=START)
    assert smoothed.method[1] == "tsb" and fc.method[1] == "declining"
    assert fc.level[1] < 0.01 * fc.level[0]


def test_the_choice_reaches_daily_buckets_only() -> None:
    x = _steady_and_declining()
    fitted = forecast_in_buckets(x, 14, start=START, bucket=SalesBucket.DAY)
    smoothed = forecast_in_buckets(x, 14, start=START, bucket=SalesBucket.DAY, decline="smoothed")
    assert fitted.method[1] == "declining" != smoothed.method[1]
    # Weeks and months have no fitted declining method: the same forecast either way.
    for bucket in (SalesBucket.WEEK, SalesBucket.MONTH):
        assert PERIODS[bucket].declining_half_life == 0.0
        a = forecast_in_buckets(x, 28, start=START, bucket=bucket)
        b = forecast_in_buckets(x, 28, start=START, bucket=bucket, decline="smoothed")
        assert np.array_equal(a.mean, b.mean)


@pytest.fixture(scope="module")
def demo_plans() -> tuple:
    data = generate_demo(seed=7, stores=4, skus=30, as_of=AS_OF).data
    return plan(data, params=PlanParams(forecast_decline="smoothed")), plan(data)


def test_the_engine_plans_with_the_parameter(demo_plans: tuple) -> None:
    smoothed, fitted = demo_plans
    assert "declining" not in smoothed.positions["method"].tolist()
    declining = fitted.positions["method"].to_numpy() == "declining"
    assert declining.any()
    moved = (smoothed.demand != fitted.demand).any(axis=1)
    assert moved[declining].all()
    # Only the declining store rows and the DCs they feed move.
    assert (fitted.positions["location_type"].to_numpy()[moved & ~declining] == "dc").all()


def test_the_setting_chooses_the_engine_parameter(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    db = f"sqlite:///{tmp_path / 'ws.db'}"
    assert plan_params(Settings(_env_file=None, database_url=db)).forecast_decline == "fitted"
    monkeypatch.setenv("STOCKPILOT_FORECAST_DECLINE", "smoothed")
    assert plan_params(Settings(_env_file=None, database_url=db)).forecast_decline == "smoothed"
    monkeypatch.setenv("STOCKPILOT_FORECAST_DECLINE", "linear")
    with pytest.raises(ValueError, match="forecast_decline"):
        Settings(_env_file=None, database_url=db)
