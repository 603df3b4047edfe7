"""Tests for evals.forecast_cases (generated hard demand for the forecast backtest)."""

from __future__ import annotations

import dataclasses
import datetime

import numpy as np
import pytest

from evals.forecast_cases import (
    BUCKET_CASE_MONTHS,
    CASES,
    CLEAN_TAIL,
    HISTORY_DAYS,
    START,
    generate_bucket_case,
    generate_case,
    run_bucket_cases,
    run_forecast_cases,
)
from evals.forecast_eval import backtest_buckets, backtest_panel


def test_spare_parts_are_mostly_zero_months_and_decline() -> None:
    panel = generate_case("spare_parts", 400, 840, seed=3)
    months = panel.history[:, : 840 // 30 * 30].reshape(400, -1, 30).sum(axis=2)
    assert 0.6 <= (months == 0).mean() <= 0.85
    first, last = panel.history[:, :280].sum(), panel.history[:, -280:].sum()
    assert last < 0.7 * first
    assert set(panel.classes) <= {"intermittent", "lumpy"}


def test_obsolescent_items_end_and_censored_history_has_stockouts_before_the_tail() -> None:
    obs = generate_case("obsolescent", 400, 840, seed=3).history
    ended = (obs[:, :400].sum(axis=1) > 0) & (obs[:, -60:].sum(axis=1) == 0)
    assert ended.mean() > 0.1
    cen = generate_case("censored_no_history", 200, 840, seed=3)
    smooth = cen.history[cen.classes == "smooth"]
    runs = (smooth[:, : 840 - CLEAN_TAIL] == 0).reshape(smooth.shape[0], -1, 14).all(axis=2)
    assert runs.any(axis=1).mean() > 0.8  # two zero weeks in a smooth series: a stockout
    tail = (smooth[:, -CLEAN_TAIL:] == 0).reshape(smooth.shape[0], -1, 14).all(axis=2)
    assert not tail.any()
    assert cen.covered is None  # no inventory history: suspect runs only


def test_the_censored_case_carries_its_inventory_history() -> None:
    known = generate_case("censored", 200, 840, seed=3)
    blind = generate_case("censored_no_history", 200, 840, seed=3)
    assert known.covered is not None and known.covered.all()
    out = np.isnan(known.history)
    # The same series: the stockout days the history records are the zeros of the other.
    assert 0.05 < out[:, : 840 - CLEAN_TAIL].mean() < 0.4 and not out[:, -CLEAN_TAIL:].any()
    assert (blind.history[out] == 0).all()
    np.testing.assert_array_equal(known.history[~out], blind.history[~out])


def test_the_obsolescent_case_records_every_day_in_stock_and_its_pair_none() -> None:
    known = generate_case("obsolescent", 200, 840, seed=3)
    blind = generate_case("obsolescent_no_history", 200, 840, seed=3)
    assert known.covered is not None and known.covered.all()
    assert known.in_stock is not None and known.in_stock.shape == known.history.shape
    assert known.in_stock.all()  # the shelves never run empty: a run without a sale is demand
    assert blind.covered is None and blind.in_stock is None
    np.testing.assert_array_equal(known.history, blind.history)  # the same series
    censored = generate_case("censored", 200, 840, seed=3)
    assert censored.in_stock is not None
    np.testing.assert_array_equal(censored.in_stock, np.isfinite(censored.history))


def test_the_cases_without_history_carry_the_snapshot_of_an_empty_shelf() -> None:
    known = generate_case("censored", 200, 840, seed=3)
    blind = generate_case("censored_no_history", 200, 840, seed=3)
    assert blind.shelf_empty is not None and known.shelf_empty is None
    np.testing.assert_array_equal(blind.shelf_empty, np.isnan(known.history))
    # Stockouts run up to the clean tail, where the first cut-off is: some are going on there.
    assert blind.shelf_empty[:, 840 - CLEAN_TAIL - 1].sum() > 10
    stocked = generate_case("obsolescent_no_history", 200, 840, seed=3)
    assert stocked.shelf_empty is not None and not stocked.shelf_empty.any()


def test_a_stockout_going_on_at_a_cut_off_is_not_read_as_zero_demand() -> None:
    days = HISTORY_DAYS + 28 * 4
    panel = generate_case("censored_no_history", 120, days, seed=3)
    kw = {"horizon": 28, "origins": 4, "step": 28, "with_statsforecast": False}
    as_of = START + datetime.timedelta(days=days - 1)
    seen = backtest_panel(panel, as_of=as_of, **kw)["by_class"]["smooth"]["stockpilot"]
    blind = dataclasses.replace(panel, shelf_empty=None)
    unseen = backtest_panel(blind, as_of=as_of, **kw)["by_class"]["smooth"]["stockpilot"]
    assert abs(seen["bias"]) < 0.02 < abs(unseen["bias"])
    assert seen["mase"] < unseen["mase"] and seen["coverage_90"] > unseen["coverage_90"]


def test_every_case_is_scored_by_class_and_unknown_cases_are_refused() -> None:
    out = run_forecast_cases(series=60, origins=2, with_statsforecast=False)
    assert list(out) == list(CASES)
    for result in out.values():
        assert result["origins"] == 2 and result["n_series"] == 60
        assert result["overall"]["stockpilot"]["mase"] is not None
        assert "series" not in result
    with pytest.raises(ValueError, match="unknown forecast case"):
        generate_case("nope", 5, 100)
    assert np.isfinite(out["regime"]["overall"]["seasonal_naive"]["wape"])


@pytest.mark.parametrize("name", CASES)
def test_the_expected_demand_is_what_the_units_are_drawn_around(name: str) -> None:
    panel = generate_case(name, 300, 840, seed=5)
    assert panel.expected is not None and panel.expected.shape == panel.history.shape
    seen = np.isfinite(panel.history)
    if name == "censored_no_history":  # its stockout days sold 0 of their expected demand
        seen &= np.isfinite(generate_case("censored", 300, 840, seed=5).history)
    drawn, mean = panel.history[seen].sum(), panel.expected[seen].sum()
    assert abs(drawn / mean - 1) < 0.06


def test_the_expected_demand_is_scored_beside_the_forecasts() -> None:
    out = run_forecast_cases(series=40, origins=1, cases=("regime",), with_statsforecast=False)
    result = out["regime"]
    assert result["methods"][:3] == ["stockpilot", "seasonal_naive", "expected_demand"]
    assert abs(result["overall"]["expected_demand"]["bias"]) < 0.1


def test_every_method_is_also_scored_against_the_expected_demand() -> None:
    # On spare parts the actuals of a few windows are mostly noise: each method's error and
    # bias against the true mean say how far the forecast is from what an oracle would say.
    out = run_forecast_cases(series=60, origins=2, cases=("spare_parts",), with_statsforecast=False)
    metrics = out["spare_parts"]["overall"]
    assert metrics["expected_demand"]["wape_expected"] == 0.0
    assert metrics["expected_demand"]["bias_expected"] == 0.0
    ours = metrics["stockpilot"]
    assert 0.0 < ours["wape_expected"] < 1.0  # TSB 0.1 / 0.03 was about 1.1 here
    assert abs(ours["bias_expected"]) < 0.3


def test_monthly_spare_parts_have_the_real_data_shape() -> None:
    panel = generate_bucket_case("spare_parts_monthly", 1500, BUCKET_CASE_MONTHS, seed=3)
    assert panel.bucket == "month" and panel.history.shape == (1500, BUCKET_CASE_MONTHS)
    assert 0.66 <= (panel.history == 0).mean() <= 0.76  # about 71 % of months without a sale
    first, last = panel.history[:, :12].sum(), panel.history[:, -12:].sum()
    assert last < 0.6 * first  # declining
    assert panel.expected is not None
    assert abs(panel.history.sum() / panel.expected.sum() - 1) < 0.05
    with pytest.raises(ValueError, match="unknown bucket case"):
        generate_bucket_case("nope", 5, 24)


def test_the_monthly_case_is_scored_in_months_beside_the_truth() -> None:
    out = run_bucket_cases(series=120, with_statsforecast=False)
    result = out["spare_parts_monthly"]
    assert result["bucket"] == "month" and result["horizon"] == 3 and result["origins"] == 4
    assert result["cutoffs"] == ["2028-06-01", "2028-07-01", "2028-08-01", "2028-09-01"]
    assert result["methods"] == [
        "stockpilot",
        "stockpilot_as_days",
        "seasonal_naive",
        "expected_demand",
    ]
    overall = result["overall"]
    assert overall["stockpilot"]["mase"] < overall["stockpilot_as_days"]["mase"]


def test_monthly_spare_parts_with_a_sale_in_most_months_are_covered_at_the_stated_level() -> None:
    # The 0.9 quantile of 3-month demand of the smooth / erratic spare parts, pooled over
    # four seeds (about 200 series): without the ratios to the year before each window it
    # held 0.85 of the time (the forecast's level error left out), now 0.88.
    hits = tried = 0.0
    for seed in (5, 11, 13, 29):
        panel = generate_bucket_case("spare_parts_monthly", 2000, BUCKET_CASE_MONTHS, seed)
        result = backtest_buckets(
            panel,
            horizon=3,
            origins=4,
            step=1,
            as_of=datetime.date(2028, 12, 1),
            with_statsforecast=False,
        )
        for cls in ("smooth", "erratic"):
            cell = result["by_class"][cls]["stockpilot"]
            hits += cell["coverage_90"] * cell["n_series"] * result["origins"]
            tried += cell["n_series"] * result["origins"]
    assert tried > 150 * 4
    assert 0.86 <= hits / tried <= 0.95


def test_the_backtest_runs_with_the_smoothed_decline_on_request() -> None:
    # The same obsolescent series: "smoothed" (the default is "fitted") moves StockPilot's
    # forecast of declining items only; the other methods score the same; an unknown method
    # is refused before any fit.
    kw = {"series": 60, "origins": 2, "cases": ("obsolescent",), "with_statsforecast": False}
    fitted = run_forecast_cases(**kw)["obsolescent"]["overall"]  # type: ignore[arg-type]
    smoothed = run_forecast_cases(decline="smoothed", **kw)["obsolescent"]["overall"]  # type: ignore[arg-type]
    assert fitted["stockpilot"]["mase"] != smoothed["stockpilot"]["mase"]
    assert fitted["seasonal_naive"] == smoothed["seasonal_naive"]
    with pytest.raises(ValueError, match="unknown decline method"):
        run_forecast_cases(decline="linear", **kw)  # type: ignore[arg-type]
