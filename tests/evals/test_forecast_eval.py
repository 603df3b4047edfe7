"""Tests for the rolling-origin forecast backtest (evals.forecast_eval)."""

from __future__ import annotations

import dataclasses
import functools
import json
import math
import sys
import types
from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest

from erp.demo import generate_demo
from evals import forecast_eval
from evals.forecast_eval import (
    BUCKET_BACKTEST,
    _naive_scale,
    pinball_loss,
    run_forecast_eval,
)
from planning.demand import DEMAND_CLASSES
from planning.network import NetworkData

AS_OF = date(2026, 6, 30)


def _network(series: dict[tuple[str, str], np.ndarray], end: date) -> NetworkData:
    """Build a network of stores selling `series` (daily units ending on `end`)."""
    rows = []
    for (sku, loc), units in series.items():
        days = pd.date_range(end=pd.Timestamp(end), periods=len(units), freq="D")
        rows.append(pd.DataFrame({"date": days, "sku": sku, "location_id": loc, "units": units}))
    sales = pd.concat(rows, ignore_index=True)
    sales = sales[sales["units"] > 0]
    locs = sorted({loc for _, loc in series})
    skus = sorted({sku for sku, _ in series})
    return NetworkData.from_frames(
        {
            "locations": pd.DataFrame(
                {
                    "location_id": ["DC1", *locs],
                    "name": ["DC", *locs],
                    "type": ["dc"] + ["store"] * len(locs),
                    "region": "",
                    "source_location": [""] + ["DC1"] * len(locs),
                }
            ),
            "items": pd.DataFrame(
                {
                    "sku": skus,
                    "description": "",
                    "category": "",
                    "unit_cost": 1.0,
                    "unit_price": 2.0,
                    "case_pack": 1,
                }
            ),
            "sales": sales,
        }
    )


@pytest.fixture(scope="module")
def demo_result() -> dict:
    net = generate_demo(seed=7, stores=4, skus=30, days=730, as_of=AS_OF).data
    return run_forecast_eval(net, horizon=28, origins=4)


def test_demo_result_shape_and_classes(demo_result: dict) -> None:
    r = demo_result
    assert r["methods"][:2] == ["stockpilot", "seasonal_naive"]
    assert set(r["class_counts"]) == set(DEMAND_CLASSES)
    assert sum(r["class_counts"].values()) == r["n_series"] == len(r["series"]) > 50
    for cls, n in r["class_counts"].items():
        # A class is either scored or clearly empty.
        assert (n > 0) == bool(r["by_class"][cls])
        if n:
            assert r["by_class"][cls]["stockpilot"]["n_series"] == n
    missing = [c for c, n in r["class_counts"].items() if n == 0]
    if missing:
        assert all(c in r["note"] for c in missing)
    assert r["origins"] == 4 and len(r["cutoffs"]) == 4
    assert r["cutoffs"][-1] == str(AS_OF - timedelta(days=28))
    json.dumps(r, allow_nan=False)  # JSON-ready: no NaN, no numpy values


def test_stockpilot_beats_seasonal_naive_on_smooth(demo_result: dict) -> None:
    smooth = demo_result["by_class"]["smooth"]
    assert smooth["stockpilot"]["wape"] < smooth["seasonal_naive"]["wape"]
    overall = demo_result["overall"]
    assert overall["stockpilot"]["wape"] < overall["seasonal_naive"]["wape"]
    assert abs(overall["stockpilot"]["bias"]) < 0.1


def test_all_four_classes_on_synthetic_history() -> None:
    rng = np.random.default_rng(3)
    t = 300
    series = {
        ("SMOOTH", "S1"): rng.poisson(6.0, t),
        ("ERRATIC", "S1"): rng.poisson(6.0, t) * rng.choice([1, 1, 1, 6], t) + 1,
        ("INTER", "S1"): (rng.random(t) < 0.2) * 2,
        ("LUMPY", "S1"): (rng.random(t) < 0.2) * rng.choice([1, 2, 15, 40], t),
    }
    r = run_forecast_eval(_network(series, AS_OF), horizon=14, origins=3)
    assert r["class_counts"] == {"smooth": 1, "erratic": 1, "intermittent": 1, "lumpy": 1}
    assert r["note"].startswith("statsforecast skipped") or "statsforecast" in r["methods"]
    by_sku = {s["sku"]: s["demand_class"] for s in r["series"]}
    assert by_sku == {
        "ERRATIC": "erratic",
        "INTER": "intermittent",
        "LUMPY": "lumpy",
        "SMOOTH": "smooth",
    }


def test_aggregation_on_two_series_by_hand() -> None:
    # 21 days of history, then one 7-day window scored (origins=1, horizon=7).
    a = np.full(28, 5)
    a[10] = 12  # in-sample seasonal-naive MAE: (7 + 7) / 14 = 1
    a[21:] = 6
    b = np.ones(28, dtype=np.int64)
    b[8] = 8  # in-sample seasonal-naive MAE: 1
    b[21:] = 3
    r = run_forecast_eval(
        _network({("A", "S1"): a, ("B", "S1"): b}, AS_OF),
        horizon=7,
        origins=1,
        with_statsforecast=False,
    )
    naive = r["overall"]["seasonal_naive"]
    # Naive forecasts 5/day for A (errors 7, actual 42) and 1/day for B (errors 14, actual 21).
    assert naive["wape"] == pytest.approx(21 / 63, abs=1e-6)  # not the mean of 1/6 and 2/3
    assert naive["bias"] == pytest.approx((35 + 7 - 63) / 63, abs=1e-6)
    assert naive["mase"] == pytest.approx(21 / (7 * 1 + 7 * 1))
    assert naive["mase_median"] == pytest.approx(1.5)  # per series: 1 and 2
    assert naive["actual_units"] == 63 and naive["n_series"] == 2
    per = {s["sku"]: s["seasonal_naive"] for s in r["series"]}
    assert per["A"] == pytest.approx({"wape": 7 / 42, "bias": -7 / 42, "mase": 1.0}, abs=1e-6)
    assert per["B"] == pytest.approx({"wape": 14 / 21, "bias": -14 / 21, "mase": 2.0}, abs=1e-6)
    assert r["methods"] == ["stockpilot", "seasonal_naive"]
    assert r["overall"]["stockpilot"]["actual_units"] == 63


def test_progress_and_max_series() -> None:
    net = generate_demo(seed=7, stores=2, skus=10, days=200, as_of=AS_OF).data
    calls: list[tuple[str, int, int]] = []
    r = run_forecast_eval(
        net,
        horizon=14,
        origins=2,
        max_series=5,
        with_statsforecast=False,
        progress=lambda *a: calls.append(a),
    )
    assert r["n_series"] == 5
    assert calls[-1] == ("forecast", 4, 4) and len(calls) == 4


def test_rejects_bad_arguments() -> None:
    net = _network({("A", "S1"): np.ones(20, dtype=np.int64)}, AS_OF)
    with pytest.raises(ValueError):
        run_forecast_eval(net, horizon=0)
    with pytest.raises(ValueError, match="too short"):
        run_forecast_eval(net, horizon=14, origins=1)


def test_statsforecast_used_when_importable(monkeypatch: pytest.MonkeyPatch) -> None:
    fitted: list[str] = []

    class _Model:
        def forecast(self, y: np.ndarray, h: int) -> dict:
            fitted.append(type(self).__name__)
            if type(self).__name__ == "CrostonClassic":
                raise RuntimeError("fit failed")  # falls back to the mean rate
            return {"mean": np.full(h, y[-7:].mean())}

    class AutoETS(_Model):
        def __init__(self, season_length: int) -> None:
            assert season_length == 7

    class CrostonClassic(_Model):
        pass

    fake = types.ModuleType("statsforecast.models")
    fake.AutoETS = AutoETS  # type: ignore[attr-defined]
    fake.CrostonClassic = CrostonClassic  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "statsforecast", types.ModuleType("statsforecast"))
    monkeypatch.setitem(sys.modules, "statsforecast.models", fake)
    rng = np.random.default_rng(1)
    series = {("SMOOTH", "S1"): rng.poisson(6.0, 120), ("INTER", "S1"): (rng.random(120) < 0.2) * 2}
    r = run_forecast_eval(_network(series, AS_OF), horizon=14, origins=2)
    assert r["methods"] == ["stockpilot", "seasonal_naive", "statsforecast"]
    assert sorted(set(fitted)) == ["AutoETS", "CrostonClassic"] and len(fitted) == 4
    assert r["overall"]["statsforecast"]["wape"] is not None
    # The stand-in has no StatsForecast class: the per-model baselines say why they are missing.
    assert "statsforecast models skipped" in r["note"]
    r = run_forecast_eval(_network(series, AS_OF), horizon=14, origins=2, with_statsforecast=False)
    assert "statsforecast" not in r["methods"]


def test_interval_coverage_reported_per_method_and_class() -> None:
    rng = np.random.default_rng(4)
    series = {(f"P{i}", "S1"): rng.poisson(rng.uniform(2, 8), 400) for i in range(40)}
    r = run_forecast_eval(_network(series, AS_OF), horizon=14, origins=3, with_statsforecast=False)
    for m in ("stockpilot", "seasonal_naive"):
        assert 0.0 <= r["overall"][m]["coverage_90"] <= 1.0
    # Stationary Poisson demand: the measured 0.9 quantile of 14-day demand holds near 90 %.
    assert r["overall"]["stockpilot"]["coverage_90"] == pytest.approx(0.9, abs=0.1)
    assert r["by_class"]["smooth"]["stockpilot"]["coverage_90"] is not None


def _monthly_rows(net: NetworkData) -> NetworkData:
    """The network's daily sales as one row per SKU-location and month, dated the 1st."""
    sales = net.sales.assign(date=net.sales["date"].dt.to_period("M").dt.to_timestamp())
    monthly = sales.groupby(["date", "sku", "location_id"], as_index=False)["units"].sum()
    return dataclasses.replace(net, sales=monthly)


@pytest.mark.parametrize("bucket", ["week", "month"])
def test_a_daily_network_scores_in_weeks_and_months(bucket: str) -> None:
    net = generate_demo(seed=3, as_of=AS_OF, stores=2, skus=12, days=800).data
    r = run_forecast_eval(net, bucket=bucket, with_statsforecast=False, **BUCKET_BACKTEST[bucket])
    assert r["bucket"] == bucket
    assert r["methods"] == ["stockpilot", "stockpilot_as_days", "seasonal_naive"]
    assert "summed from days" in r["note"]
    overall = r["overall"]
    assert overall["stockpilot"]["wape"] < overall["seasonal_naive"]["wape"]
    assert abs(overall["stockpilot"]["bias"]) < 0.1
    cut = pd.Timestamp(r["cutoffs"][-1])
    assert cut.day == 1 if bucket == "month" else cut.weekday() == 0


def test_monthly_rows_score_in_months_and_beat_reading_them_as_days() -> None:
    net = _monthly_rows(generate_demo(seed=5, as_of=AS_OF, stores=2, skus=20, days=1000).data)
    r = run_forecast_eval(net, bucket="month", horizon=3, origins=4, with_statsforecast=False)
    assert "rows in that bucket" in r["note"]
    # The snapshot's own month holds its row: the last cut-off leaves exactly 3 months after it.
    snapshot_month = pd.Timestamp(AS_OF).to_period("M").to_timestamp()
    assert pd.Timestamp(r["cutoffs"][-1]) == snapshot_month - pd.DateOffset(months=3)
    new, old = r["overall"]["stockpilot"], r["overall"]["stockpilot_as_days"]
    assert new["mase"] < old["mase"]


def test_an_unknown_bucket_is_refused() -> None:
    net = generate_demo(seed=3, as_of=AS_OF, stores=1, skus=3, days=120).data
    with pytest.raises(ValueError, match="unknown bucket"):
        run_forecast_eval(net, bucket="fortnight")


def test_stockout_days_of_the_inventory_history_are_neither_fitted_nor_scored() -> None:
    rng = np.random.default_rng(11)
    days, series, flags = 420, {}, []
    end = pd.Timestamp(AS_OF)
    dates = pd.date_range(end=end, periods=days, freq="D")
    for i in range(40):
        rate = rng.gamma(2.0, 2.0)
        demand = rng.poisson(rate, days).astype(float)
        out = np.zeros(days, dtype=bool)
        for t in np.flatnonzero(rng.random(days) < 1 / 60):
            out[t : t + rng.integers(5, 25)] = True
        key = (f"SKU-{i:02d}", "S1")
        series[key] = np.where(out, 0.0, demand)
        flags.append(
            pd.DataFrame(
                {"date": dates, "sku": key[0], "location_id": "S1", "on_hand": np.where(out, 0, 9)}
            )
        )
    plain = _network(series, AS_OF)
    history = pd.concat(flags, ignore_index=True).assign(stockout=False)
    known = dataclasses.replace(plain, inventory_history=history)
    kw = {"horizon": 28, "origins": 4, "with_statsforecast": False}
    with_history = run_forecast_eval(known, **kw)
    without = run_forecast_eval(plain, **kw)
    assert "stockout day(s) of the inventory history not scored" in with_history["note"]
    # Scored on the days demand was seen, the forecast of demand is unbiased; scored against
    # sales that stockouts cut, the same forecast reads as over-forecasting.
    assert abs(with_history["overall"]["stockpilot"]["bias"]) < 0.05
    assert without["overall"]["stockpilot"]["bias"] > with_history["overall"]["stockpilot"]["bias"]


def test_the_interval_is_measured_without_the_suspect_runs_the_fit_leaves_out(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Steady sellers whose past stockouts read as zero sales (no inventory history); the
    # scored days have none. The fit leaves the suspect runs out, and so does the interval:
    # counted as demand they widen it past its level.
    rng = np.random.default_rng(12)
    days, series = 560, {}
    for i in range(60):
        sales = rng.poisson(rng.uniform(4, 12), days).astype(float)
        t = int(rng.integers(0, 40))
        while t < days - 140:  # none running into an origin
            run = int(rng.integers(10, 31))
            sales[t : min(t + run, days - 140)] = 0.0
            t += run + int(rng.integers(40, 90))
        series[(f"SKU-{i:02d}", "S1")] = sales
    kw = {"horizon": 28, "origins": 4, "with_statsforecast": False}
    measured = run_forecast_eval(_network(series, AS_OF), **kw)
    scored = forecast_eval._score
    monkeypatch.setattr(forecast_eval, "_score", functools.partial(scored, suspect=False))
    as_sold = run_forecast_eval(_network(series, AS_OF), **kw)
    cover = measured["by_class"]["smooth"]["stockpilot"]["coverage_90"]
    assert cover == pytest.approx(0.9, abs=0.06)
    assert as_sold["by_class"]["smooth"]["stockpilot"]["coverage_90"] > cover


def test_pinball_loss_by_hand() -> None:
    actual = np.array([10.0, 4.0, 7.0])
    upper = np.array([7.0, 6.0, 7.0])
    # above the quantile: 0.9 * 3; under it: 0.1 * 2; on it: 0
    assert pinball_loss(actual, upper, 0.9) == pytest.approx([2.7, 0.2, 0.0])


def test_naive_scale_squared_is_the_one_step_mean_squared_error() -> None:
    x = np.array([[0.0, 0.0, 2.0, 0.0, 1.0, 1.0], [np.nan, 3.0, 3.0, 3.0, 3.0, 3.0]])
    # from the first sale (column 2): steps -2, +1, 0 -> (4 + 1 + 0) / 3; a flat series: 0
    assert _naive_scale(x, 1, squared=True) == pytest.approx([5 / 3, 0.0])
    assert _naive_scale(x, 1) == pytest.approx([1.0, 0.0])


def test_rmsse_and_pinball_aggregated_on_two_series_by_hand() -> None:
    a = np.full(28, 5)
    a[10] = 12  # one-step naive in the 21 days before the cut-off: +7, -7 over 20 steps
    a[21:] = 6
    b = np.ones(28, dtype=np.int64)
    b[8] = 8  # likewise 98 / 20
    b[21:] = 3
    r = run_forecast_eval(
        _network({("A", "S1"): a, ("B", "S1"): b}, AS_OF),
        horizon=7,
        origins=1,
        with_statsforecast=False,
    )
    naive = r["overall"]["seasonal_naive"]
    # naive forecasts 5 (errors 1 a day) and 1 (errors 2 a day): 7 * (1 + 4) squared errors
    scale = 7 * (98 / 20 + 98 / 20)  # in-sample steps from the first sale: 20 of each
    assert naive["rmsse"] == pytest.approx(math.sqrt(35 / scale), rel=1e-5)
    assert naive["pinball_90"] > 0
    for metrics in r["by_class"].values():
        assert all({"rmsse", "pinball_90"} <= set(m) for m in metrics.values())
