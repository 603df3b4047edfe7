"""Tests of the exception rules on hand-built position arrays (H = 14, R = 7, margin 4)."""

from datetime import date

import numpy as np
import pandas as pd
import pytest

from planning.exceptions import LatePOs, PositionArrays, detect_exceptions
from planning.params import PlanParams
from planning.policy import project_on_hand

T = date(2026, 6, 30)
H = 14
PARAMS = PlanParams(horizon_days=H)


def arrays(rows: list[dict], late: LatePOs | None = None) -> PositionArrays:
    """Build arrays where every row defaults to a healthy store: d=10, L=2, SS=0, ROP 20, S 90."""
    base = {
        "unit_cost": 6.0,
        "unit_price": 10.0,
        "on_hand": 60.0,
        "in_transit": 0.0,
        "on_order": 0.0,
        "lead_time": 2,
        "lead_time_std": 0.0,
        "forecast_daily": 10.0,
        "sigma": 0.0,
        "safety_stock": 0.0,
        "reorder_point": 20.0,
        "order_up_to": 90.0,
        "bias_forecast": np.nan,
        "bias_actual": np.nan,
        "bias_sigma": 0.0,
        "zero_run_days": 0,
        "hist_rate": 10.0,
    }
    cols = {k: np.array([r.get(k, v) for r in rows]) for k, v in base.items()}
    demand = np.array([r.get("demand", np.full(H, 10.0)) for r in rows], dtype=float)
    receipts = np.array([r.get("receipts", np.zeros(H)) for r in rows], dtype=float)
    promo = np.array([r.get("promo", np.zeros(H, bool)) for r in rows], dtype=bool)
    return PositionArrays(
        as_of=T,
        sku=np.array([r.get("sku", f"SKU{i}") for i, r in enumerate(rows)], dtype=object),
        location=np.array([r.get("location", "S1") for r in rows], dtype=object),
        demand=demand,
        receipts=receipts,
        promo_mask=promo,
        late_pos=late or LatePOs.empty(),
        **{
            k: v.astype(np.int64) if k in ("lead_time", "zero_run_days") else v.astype(float)
            for k, v in cols.items()
        },
    )


def only(exc: pd.DataFrame, kind: str) -> pd.Series:
    sub = exc[exc["type"] == kind]
    assert len(sub) == 1, exc[["type", "sku", "money_at_risk"]]
    return sub.iloc[0]


def test_healthy_rows_flag_nothing():
    # Stock between ROP 20 and S 90, steady demand, no promotions, no receipts.
    rows = [{"on_hand": x} for x in (20.0, 21.0, 45.0, 60.0, 90.0)]
    assert detect_exceptions(arrays(rows), PARAMS).empty


def test_stockout_risk_within_lead_time():
    # On hand 15 at 10/day: day1 5 left, day2 5 unmet. Unmet over the protection interval
    # 1..L+R-1 = 8: 80-15 = 65. Money 65 * (10-6) = 260; first risk day 2 <= L=2 -> priority 1.
    exc = detect_exceptions(arrays([{"on_hand": 15.0}]), PARAMS)
    e = only(exc, "stockout_risk")
    assert e["money_at_risk"] == pytest.approx(260.0)
    assert e["priority"] == 1
    assert e["first_risk_date"] == pd.Timestamp("2026-07-02")
    assert e["unmet_units"] == pytest.approx(65.0)
    assert "Runs out 2026-07-02" in e["detail"]


def test_stockout_risk_after_lead_time_needs_position_below_rop():
    # SS 5, ROP 25, S 95, on hand 24 < ROP: runs out on day 3 (> L) -> stockout, priority 2.
    # Unmet over 1..8 = 80 - 24 = 56 -> money 224.
    row = {"on_hand": 24.0, "safety_stock": 5.0, "reorder_point": 25.0, "order_up_to": 95.0}
    e = only(detect_exceptions(arrays([row]), PARAMS), "stockout_risk")
    assert e["money_at_risk"] == pytest.approx(224.0)
    assert e["priority"] == 2
    # Same stock with position at ROP (1 unit on order, arriving day 14): no stockout_risk.
    rec = np.zeros(H)
    rec[-1] = 1
    row = {**row, "on_order": 1.0, "receipts": rec}
    assert "stockout_risk" not in set(detect_exceptions(arrays([row]), PARAMS)["type"])


def test_the_shortage_window_is_the_protection_interval_of_replenishment():
    # L = 2, R = 7: this review's order arrives on day 2, the next one's on day 9 and sells that
    # day, so replenishment protects days 1..8 (L + R - 1), and so does the stockout rule. Both
    # rows are short of the lead time's need (forecast 20 + SS 70 = 90).
    row = {"safety_stock": 70.0, "reorder_point": 150.0, "order_up_to": 160.0}
    by_day_8 = detect_exceptions(arrays([{**row, "on_hand": 75.0}]), PARAMS)
    e = only(by_day_8, "stockout_risk")
    assert (e["first_risk_date"], e["priority"]) == (pd.Timestamp("2026-07-08"), 2)
    # A run-out on day 9 is what the next review's order covers: no exception for it.
    on_day_9 = detect_exceptions(arrays([{**row, "on_hand": 85.0}]), PARAMS)
    assert "stockout_risk" not in set(on_day_9["type"])


def test_below_safety_stock_uses_normal_loss():
    # SS 8, sigma 4, L 2; on hand 25 plus 80 arriving day 3: day1 15, day2 5 < 8 -> flagged.
    # No stockout through day 9 (105 - 90 = 15). sigma_LT = sqrt(2 * 16) = 5.657;
    # G(5 / 5.657 = 0.8839) = 0.2700 - 0.8839 * 0.1884 = 0.1035; short 0.5855 units * 4 = 2.34.
    rec = np.zeros(H)
    rec[2] = 80
    row = {
        "on_hand": 25.0,
        "on_order": 80.0,
        "receipts": rec,
        "safety_stock": 8.0,
        "sigma": 4.0,
        "reorder_point": 28.0,
        "order_up_to": 98.0,
    }
    exc = detect_exceptions(arrays([row]), PARAMS)
    e = only(exc, "below_safety_stock")
    assert e["money_at_risk"] == pytest.approx(2.34, abs=0.01)
    assert e["first_risk_date"] == pd.Timestamp("2026-07-02")
    assert set(exc["type"]) == {"below_safety_stock"}


def test_overstock():
    # Position 2000 vs S 90: excess 1910; cover 14 + (2000 - 140) / 10 = 200 days > 120.
    # Capital 1910 * unit cost 6 = 11460; money: its holding (0.25) and markdown (0.30) loss
    # per year over the 14-day horizon = 11460 * 0.55 * 14 / 365.
    e = only(detect_exceptions(arrays([{"on_hand": 2000.0}]), PARAMS), "overstock")
    assert e["capital_tied_up"] == pytest.approx(11460.0)
    assert e["money_at_risk"] == pytest.approx(11460.0 * 0.55 * 14 / 365, abs=0.01)
    assert e["days_of_cover"] == pytest.approx(200.0)
    assert e["priority"] == 3
    assert e["first_risk_date"] == pd.Timestamp(T)
    # 1000 units: 14 + 86 = 100 days of cover -> not overstock.
    assert detect_exceptions(arrays([{"on_hand": 1000.0}]), PARAMS).empty


def test_late_po():
    # On hand 15 + late PO of 40 assumed on day 1. With it: 55 units -> unmet 35 by day 9;
    # without it: unmet 75. Money (75 - 35) * 4 = 160. First unmet without it: day 2.
    rec = np.zeros(H)
    rec[0] = 40
    late = LatePOs(
        row=np.array([0]),
        po_id=np.array(["PO1"], dtype=object),
        supplier_id=np.array(["SUP1"], dtype=object),
        qty=np.array([40.0]),
        expected_date=np.array(["2026-06-25"], dtype="datetime64[ns]"),
        arrival_day=np.array([1]),
    )
    row = {"on_hand": 15.0, "on_order": 40.0, "receipts": rec}
    exc = detect_exceptions(arrays([row], late), PARAMS)
    e = only(exc, "late_po")
    assert e["money_at_risk"] == pytest.approx(160.0)
    assert e["po_id"] == "PO1"
    assert e["first_risk_date"] == pd.Timestamp("2026-07-02")
    assert e["priority"] == 1
    assert set(exc["type"]) == {"late_po"}  # position 55 >= ROP: no stockout_risk


def test_promo_uncovered_replaces_stockout():
    # On hand 50; demand 30/day on promotion days 3..5, 10 otherwise.
    # day1 40, day2 30, day3 0, day4 30 unmet, day5 30 unmet -> 60 promo units * 4 = 240.
    demand = np.full(H, 10.0)
    demand[2:5] = 30
    promo = np.zeros(H, bool)
    promo[2:5] = True
    exc = detect_exceptions(arrays([{"on_hand": 50.0, "demand": demand, "promo": promo}]), PARAMS)
    e = only(exc, "promo_uncovered")
    assert e["money_at_risk"] == pytest.approx(240.0)
    assert e["first_risk_date"] == pd.Timestamp("2026-07-04")
    assert "stockout_risk" not in set(exc["type"])


def test_forecast_bias():
    # Forecast 20 vs actual 40: bias -0.5 (under-forecast). Money: 0.5 * the forecast over the
    # protection interval L + R - 1 = 8 days (80 units) * margin 4 = 160.
    rows = [
        {"bias_forecast": 20.0, "bias_actual": 40.0},
        {"bias_forecast": 10.0, "bias_actual": 20.0},  # actual < 28 units: not flagged
        {"bias_forecast": 36.0, "bias_actual": 30.0},  # bias +0.2: not flagged
        {"bias_forecast": 60.0, "bias_actual": 40.0},  # over: 0.5 * 80 units * 6 * 0.55 * 14/365
    ]
    exc = detect_exceptions(arrays(rows), PARAMS)
    b = exc[exc["type"] == "forecast_bias"].set_index("row")
    assert sorted(b.index) == [0, 3]
    assert b.loc[0, "money_at_risk"] == pytest.approx(160.0)
    assert b.loc[0, "bias"] == pytest.approx(-0.5)
    assert b.loc[3, "money_at_risk"] == pytest.approx(240.0 * 0.55 * 14 / 365, abs=0.01)


def test_forecast_bias_within_forecast_noise_is_not_flagged():
    # Miss of 20 units over W = 28 days. sigma 1: noise band 3 * 1 * sqrt(28) = 15.9 < 20 -> flag.
    # sigma 2: band 31.7 > 20 -> the same miss is noise.
    rows = [
        {"bias_forecast": 20.0, "bias_actual": 40.0, "bias_sigma": 1.0},
        {"bias_forecast": 20.0, "bias_actual": 40.0, "bias_sigma": 2.0},
    ]
    exc = detect_exceptions(arrays(rows), PARAMS)
    assert list(exc[exc["type"] == "forecast_bias"]["row"]) == [0]


def test_inventory_anomaly():
    rows = [
        {"on_hand": -5.0},  # negative: 5 * 6 = 30
        {"zero_run_days": 10, "hist_rate": 1.0},  # P(0) = e^-10: phantom; 1*(L+R-1=8)*4 = 32
        {"zero_run_days": 5, "hist_rate": 3.0},  # fewer than 7 days: fine
        {"zero_run_days": 7, "hist_rate": 0.5},  # e^-3.5 = 0.03: fine
    ]
    exc = detect_exceptions(arrays(rows), PARAMS)
    a = exc[exc["type"] == "inventory_anomaly"].set_index("row")
    assert sorted(a.index) == [0, 1]
    assert a.loc[0, "money_at_risk"] == pytest.approx(30.0)
    assert a.loc[1, "money_at_risk"] == pytest.approx(32.0)


def test_ranked_by_money_and_columns():
    rows = [{"on_hand": 15.0}, {"on_hand": 2000.0}, {"on_hand": -5.0}]
    exc = detect_exceptions(arrays(rows), PARAMS)
    money = exc["money_at_risk"].to_numpy()
    assert (np.diff(money) <= 0).all()
    for col in (
        "type",
        "sku",
        "location",
        "priority",
        "money_at_risk",
        "first_risk_date",
        "detail",
        "on_hand",
        "position",
        "forecast_daily",
        "safety_stock",
        "reorder_point",
        "order_up_to",
        "unmet_units",
        "lead_time",
    ):
        assert col in exc.columns
    assert exc["priority"].between(1, 3).all()


def test_scan_matches_a_given_projection():
    # More rows than one scan block: the blockwise scan (two threads) must agree exactly with
    # the rules evaluated on a full projection.
    rng = np.random.default_rng(3)
    n = 9000
    rows = [
        {
            "on_hand": float(x),
            "lead_time": int(lt),
            "safety_stock": 15.0,
            "sigma": 4.0,
            "demand": rng.gamma(2.0, 5.0, H),
            "receipts": np.where(rng.random(H) < 0.05, 30.0, 0.0),
            "promo": rng.random(H) < 0.1,
        }
        for x, lt in zip(rng.integers(-5, 200, n), rng.integers(1, 10, n), strict=True)
    ]
    a = arrays(rows)
    proj = project_on_hand(a.on_hand, a.receipts, a.demand)
    exc = detect_exceptions(a, PARAMS)
    assert {"stockout_risk", "promo_uncovered", "below_safety_stock"} <= set(exc["type"])
    pd.testing.assert_frame_equal(exc, detect_exceptions(a, PARAMS, projection=proj))


def test_totals_by_type_count_and_sum_in_type_order():
    from planning.exceptions import totals_by_type

    records = [
        {"type": "overstock", "money_at_risk": 10.004},
        {"type": "stockout_risk", "money_at_risk": 5.0},
        {"type": "overstock", "money_at_risk": 2.5},
    ]
    totals = totals_by_type(records)
    assert list(totals) == ["stockout_risk", "overstock"]  # EXCEPTION_TYPES order
    assert totals["overstock"] == {"count": 2, "money_at_risk": 12.5}
    assert totals_by_type([]) == {}


def test_a_p1_stockout_outranks_a_large_overstock():
    # Lost margin 300 within the lead time vs 11460 of capital tied up in excess: the ranking
    # is by expected loss within the horizon (the excess's holding and markdown), so the
    # stockout leads.
    exc = detect_exceptions(arrays([{"on_hand": 2000.0}, {"on_hand": 15.0}]), PARAMS)
    assert list(exc["type"]) == ["stockout_risk", "overstock"]
    assert exc.iloc[1]["capital_tied_up"] > exc.iloc[0]["money_at_risk"]


def test_a_dip_into_safety_stock_with_no_expected_shortfall_is_not_flagged():
    # On hand 35 at 10/day, SS 30, L 2, 100 arriving on day 3: on hand falls to 15 (below SS)
    # within the lead time, but with no forecast error no unit is expected short: no exception.
    receipts = np.zeros(H)
    receipts[2] = 100.0
    quiet = {"on_hand": 35.0, "safety_stock": 30.0, "receipts": receipts, "on_order": 100.0}
    assert detect_exceptions(arrays([quiet]), PARAMS).empty
    # The same dip with forecast error expects a shortfall: flagged.
    noisy = detect_exceptions(arrays([{**quiet, "on_hand": 22.0, "sigma": 6.0}]), PARAMS)
    assert list(noisy["type"]) == ["below_safety_stock"]
    assert noisy.iloc[0]["unmet_units"] >= 0.01
