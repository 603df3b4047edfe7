"""What-if scenarios on a real plan of the small network.

Hand-computed facts of `tests/conftest.py::small_network` (as_of 2026-03-31, horizon 56 days):
- open PO P1: 120 of A from V1 into DC1, expected 2026-04-05 -> arrival day 5;
- in-transit transfer T1: 10 of A DC1->S2 (not a purchase order: never delayed);
- promotion PR1: A@S1 from 2026-04-10 to 2026-04-16 -> days 10..16 (7 days);
- A@DC1 starts with 200 on hand and its forecast is ~8.2/day (~460 over 56 days), so it runs
  out within the horizon even with P1: every unit received is eventually sold.
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest

from planning.engine import Plan, plan
from planning.whatif import Scenario, what_if, what_if_part, what_if_rows
from tests.conftest import small_network


@pytest.fixture(scope="module")
def p() -> Plan:
    return plan(small_network())


def _row(p: Plan, sku: str, loc: str) -> int:
    row = p.row_of(sku, loc)
    assert row is not None
    return row


def test_plan_facts_used_below(p: Plan) -> None:
    assert p.as_of == date(2026, 3, 31)
    assert p.demand.shape[1] == 56
    po = p.supply[p.supply["kind"] == "purchase_order"]
    assert po[["doc_id", "supplier_id", "arrival_day", "qty"]].values.tolist() == [
        ["P1", "V1", 5, 120.0]
    ]
    assert int(po["row"].iloc[0]) == _row(p, "A", "DC1")


@pytest.mark.parametrize(("sku", "loc"), [("A", "DC1"), ("A", "S1"), ("A", "S2"), ("B", "S2")])
def test_zero_scenario_equals_base(p: Plan, sku: str, loc: str) -> None:
    out = what_if(p, _row(p, sku, loc), Scenario())
    assert out["with_scenario"] == out["base"]
    assert out["change"]["unmet_units_horizon"] == 0.0
    assert out["change"]["lost_margin_horizon"] == 0.0
    assert out["change"]["first_stockout_days_earlier"] == 0
    assert out["change"]["anything_changed"] is False
    assert out["delayed_purchase_orders"] == []
    assert out["sku"] == sku and out["location"] == loc
    assert out["as_of"] == "2026-03-31"
    assert out["horizon_days"] == 56


def test_base_matches_the_plan_projection(p: Plan) -> None:
    row = _row(p, "A", "DC1")
    base = what_if(p, row, Scenario())["base"]
    assert base["forecast_units"] == round(float(p.demand[row].sum()), 1)
    assert base["unmet_units_horizon"] == round(float(p.unmet[row].sum()), 1)
    assert base["end_on_hand"] == round(float(p.projected[row, -1]), 1)


@pytest.mark.parametrize(("sku", "loc"), [("A", "DC1"), ("A", "S1"), ("B", "DC1")])
def test_base_stockout_date_matches_the_position(p: Plan, sku: str, loc: str) -> None:
    row = _row(p, sku, loc)
    stockout = p.positions.iloc[row]["projected_stockout_date"]
    base = what_if(p, row, Scenario())["base"]
    if stockout is pd.NaT or pd.isna(stockout):
        assert base["first_stockout_date"] is None  # B@DC1 never runs out
    else:
        assert base["first_stockout_date"] == pd.Timestamp(stockout).date().isoformat()


def test_supplier_delay_moves_the_open_po(p: Plan) -> None:
    row = _row(p, "A", "DC1")
    out = what_if(p, row, Scenario(supplier_delay_days=10))
    assert out["delayed_purchase_orders"] == [
        {
            "po_id": "P1",
            "supplier_id": "V1",
            "qty": 120.0,
            "arrival_before": "2026-04-05",  # day 5
            "arrival_after": "2026-04-15",  # day 15
        }
    ]
    base, new = out["base"], out["with_scenario"]
    assert new["unmet_units_horizon"] >= base["unmet_units_horizon"]
    # 200 on hand lasts ~24 days (> day 15), so a 10-day slip loses nothing over the horizon;
    # demand is unchanged.
    assert new["unmet_units_horizon"] == base["unmet_units_horizon"]
    assert new["forecast_units"] == base["forecast_units"]
    # Before day 15 the stock is lower by the 120 units not yet received.
    assert new["min_projected_on_hand"] <= base["min_projected_on_hand"]


def test_delay_past_the_horizon_loses_the_whole_po(p: Plan) -> None:
    row = _row(p, "A", "DC1")
    out = what_if(p, row, Scenario(supplier_delay_days=60))
    # Day 5 + 60 = day 65 > 56: P1 never arrives, arrival 2026-03-31 + 65 days = 2026-06-04.
    assert out["delayed_purchase_orders"][0]["arrival_after"] == "2026-06-04"
    base, new = out["base"], out["with_scenario"]
    # DC1 sells out either way, so unmet grows by exactly the 120 units that no longer arrive.
    assert base["unmet_units_horizon"] > 0
    assert out["change"]["unmet_units_horizon"] == pytest.approx(120.0, abs=0.11)
    margin = 10.0 - 4.0
    assert out["change"]["lost_margin_horizon"] == pytest.approx(120.0 * margin, abs=1.0)
    assert new["first_stockout_date"] < base["first_stockout_date"]


def test_demand_factor_doubles_the_forecast(p: Plan) -> None:
    for sku, loc in [("A", "DC1"), ("A", "S1")]:
        row = _row(p, sku, loc)
        out = what_if(p, row, Scenario(demand_factor=2.0))
        total = float(p.demand[row].sum())
        assert out["base"]["forecast_units"] == round(total, 1)
        assert out["with_scenario"]["forecast_units"] == round(2 * total, 1)
        assert out["with_scenario"]["unmet_units_horizon"] >= out["base"]["unmet_units_horizon"]
        assert out["change"]["unmet_units_horizon"] >= 0
        assert out["delayed_purchase_orders"] == []


def test_demand_factor_doubles_unmet_on_a_store_with_no_supply(p: Plan) -> None:
    # A@S1: 30 on hand, no open supply, ~5/day -> base unmet = demand - 30;
    # doubled: 2 x demand - 30, i.e. a change of exactly the base demand.
    row = _row(p, "A", "S1")
    total = float(p.demand[row].sum())
    out = what_if(p, row, Scenario(demand_factor=2.0))
    assert out["base"]["unmet_units_horizon"] == pytest.approx(total - 30, abs=0.11)
    assert out["with_scenario"]["unmet_units_horizon"] == pytest.approx(2 * total - 30, abs=0.11)


def test_promo_factor_touches_only_promotion_days(p: Plan) -> None:
    row = _row(p, "A", "S1")
    # PR1 runs 2026-04-10..2026-04-16: days 10..16 of the horizon, indexes 9..15.
    expected_mask = np.zeros(56, dtype=bool)
    expected_mask[9:16] = True
    assert np.array_equal(p.promo_mask[row], expected_mask)
    assert p.dates[9] == date(2026, 4, 10) and p.dates[15] == date(2026, 4, 16)
    promo_units = float(p.demand[row][p.promo_mask[row]].sum())
    total = float(p.demand[row].sum())
    factor = 1.8
    out = what_if(p, row, Scenario(promo_factor=factor))
    assert out["promotion_days"] == 7
    assert out["base"]["forecast_units"] == round(total, 1)
    assert out["with_scenario"]["forecast_units"] == round(total + (factor - 1) * promo_units, 1)
    change = out["with_scenario"]["forecast_units"] - out["base"]["forecast_units"]
    assert change == pytest.approx((factor - 1) * promo_units, abs=0.11)
    assert out["with_scenario"]["unmet_units_horizon"] >= out["base"]["unmet_units_horizon"]


def test_promo_factor_without_promotions_changes_nothing(p: Plan) -> None:
    row = _row(p, "A", "S2")  # no promotion at S2
    out = what_if(p, row, Scenario(promo_factor=3.0))
    assert out["promotion_days"] == 0
    assert out["with_scenario"] == out["base"]


def test_promo_factor_combines_with_demand_factor(p: Plan) -> None:
    row = _row(p, "A", "S1")
    mask = p.promo_mask[row]
    d = p.demand[row]
    # 2x every day, and those promotion days again x 1.5
    expected = 2 * float(d[~mask].sum()) + 2 * 1.5 * float(d[mask].sum())
    out = what_if(p, row, Scenario(demand_factor=2.0, promo_factor=1.5))
    assert out["with_scenario"]["forecast_units"] == round(expected, 1)


@pytest.mark.parametrize(
    "scenario",
    [
        Scenario(supplier_delay_days=-1),
        Scenario(supplier_delay_days=366),
        Scenario(demand_factor=50),
        Scenario(promo_factor=50),
        Scenario(demand_factor=-0.5),
        Scenario(promo_factor=-1),
    ],
)
def test_invalid_scenarios_raise(p: Plan, scenario: Scenario) -> None:
    with pytest.raises(ValueError):
        what_if(p, _row(p, "A", "DC1"), scenario)


def test_limits_are_inclusive(p: Plan) -> None:
    row = _row(p, "A", "DC1")
    what_if(p, row, Scenario(supplier_delay_days=365, demand_factor=20, promo_factor=0))
    out = what_if(p, row, Scenario(demand_factor=0))
    assert out["with_scenario"]["forecast_units"] == 0.0
    assert out["with_scenario"]["unmet_units_horizon"] == 0.0


def test_supplier_filter_delays_only_that_suppliers_pos(p: Plan) -> None:
    row = _row(p, "A", "DC1")
    other = what_if(p, row, Scenario(supplier_delay_days=10, supplier_id="V2"))
    assert other["delayed_purchase_orders"] == []
    assert other["with_scenario"] == other["base"]
    late = what_if(p, row, Scenario(supplier_delay_days=60, supplier_id="V2"))
    assert late["with_scenario"] == late["base"]
    mine = what_if(p, row, Scenario(supplier_delay_days=60, supplier_id="V1"))
    assert [m["po_id"] for m in mine["delayed_purchase_orders"]] == ["P1"]
    assert mine["change"]["unmet_units_horizon"] > 0


def test_delay_does_not_move_transfers(p: Plan) -> None:
    # A@S2 gets only the in-transit transfer T1: a supplier delay leaves it in place.
    out = what_if(p, _row(p, "A", "S2"), Scenario(supplier_delay_days=30))
    assert out["delayed_purchase_orders"] == []
    assert out["with_scenario"] == out["base"]


def test_what_if_does_not_mutate_the_plan(p: Plan) -> None:
    row = _row(p, "A", "DC1")
    receipts = p.receipts.copy()
    demand = p.demand.copy()
    what_if(p, row, Scenario(supplier_delay_days=10, demand_factor=3.0, promo_factor=2.0))
    assert np.array_equal(p.receipts, receipts)
    assert np.array_equal(p.demand, demand)


def test_arrival_dates_follow_as_of(p: Plan) -> None:
    out = what_if(p, _row(p, "A", "DC1"), Scenario(supplier_delay_days=3))
    moved = out["delayed_purchase_orders"][0]
    assert moved["arrival_before"] == (p.as_of + timedelta(days=5)).isoformat()
    assert moved["arrival_after"] == (p.as_of + timedelta(days=8)).isoformat()


def test_project_with_change_adds_a_receipt_or_takes_stock_now(p: Plan) -> None:
    from planning.whatif import project_with_change

    row = 0
    base_on_hand = p.projected[row]
    receipts, after = project_with_change(p, row, 1, 10.0)
    assert receipts[0] == p.receipts[row][0] + 10
    assert after.on_hand[0, 0] >= base_on_hand[0]  # more stock from day one
    _, taken = project_with_change(p, row, 0, -5.0)
    assert taken.on_hand[0, 0] <= base_on_hand[0]  # stock leaves today
    unchanged, beyond = project_with_change(p, row, p.demand.shape[1] + 5, 10.0)
    assert (unchanged == p.receipts[row]).all()
    assert beyond.on_hand[0] == pytest.approx(base_on_hand)


def _a_at_dc1(p: Plan, delay: int) -> tuple[dict, dict]:
    row = _row(p, "A", "DC1")
    return what_if(p, row, Scenario(supplier_delay_days=delay)), what_if_rows(
        p, np.arange(len(p.positions)), Scenario(supplier_delay_days=delay)
    )


def test_a_delay_that_moves_a_stockout_inside_the_horizon_is_a_change(p: Plan) -> None:
    # 200 on hand lasts ~24 days; P1 (120, day 5) slipped 30 days arrives on day 35, after the
    # first stockout, and is still all sold within the horizon: the horizon total is the same,
    # but A@DC1 runs out ~15 days earlier.
    one, scope = _a_at_dc1(p, 30)
    change = one["change"]
    assert change["unmet_units_horizon"] == 0.0
    assert change["first_stockout_days_earlier"] > 0
    assert one["with_scenario"]["first_stockout_date"] < one["base"]["first_stockout_date"]
    assert change["unmet_units_28_days"] > 0
    assert change["anything_changed"] is True
    assert scope["change"]["unmet_units_horizon"] == 0.0
    assert scope["change"]["sku_locations_stockout_earlier"] == 1
    assert scope["change"]["sku_locations_stockout_later"] == 0
    assert (
        scope["change"]["first_stockout_days_earlier_max"] == change["first_stockout_days_earlier"]
    )
    assert scope["change"]["anything_changed"] is True
    top = scope["most_affected"][0]
    assert (top["sku"], top["location"]) == ("A", "DC1")
    assert top["first_stockout_days_earlier"] == change["first_stockout_days_earlier"]
    assert top["first_stockout_scenario"] == one["with_scenario"]["first_stockout_date"]
    assert top["unmet_units_protection_scenario"] == one["with_scenario"]["unmet_units_protection"]
    for key in ("unmet_units_protection", "unmet_units_14_days", "unmet_units_28_days"):
        assert scope["change"][key] == change[key]


def test_a_delay_that_moves_nothing_is_no_change(p: Plan) -> None:
    one, scope = _a_at_dc1(p, 10)  # P1 arrives on day 15, before the stock runs out on ~24
    assert one["base"]["first_stockout_date"] == one["with_scenario"]["first_stockout_date"]
    assert one["change"]["anything_changed"] is False
    assert scope["change"]["anything_changed"] is False
    assert scope["change"]["sku_locations_stockout_earlier"] == 0
    assert scope["most_affected"] == []


def test_a_delay_past_the_horizon_changes_the_total_and_the_window(p: Plan) -> None:
    one, scope = _a_at_dc1(p, 60)
    assert one["change"]["unmet_units_horizon"] == pytest.approx(120.0, abs=0.11)
    assert scope["change"]["unmet_units_horizon"] == one["change"]["unmet_units_horizon"]
    assert one["change"]["first_stockout_days_earlier"] > 0
    assert scope["change"]["anything_changed"] is True


def test_protection_window_is_the_one_planning_protects(p: Plan) -> None:
    # One interval, L + R − 1 (planning.policy.protection_days), for the single row and the
    # vectorised rows alike: the what-if must not count a day planning does not protect.
    review = int(p.params.review_period_days)
    for sku, loc in (("A", "S1"), ("A", "DC1"), ("B", "S2")):
        row = _row(p, sku, loc)
        lead = int(p.positions["lead_time"].iloc[row])
        one = what_if(p, row, Scenario(demand_factor=2.0))
        assert one["protection_days"] == min(lead + review - 1, p.demand.shape[1])
        part = what_if_part(p, np.array([row]), Scenario(demand_factor=2.0))
        assert int(part.protection_days[0]) == one["protection_days"]
