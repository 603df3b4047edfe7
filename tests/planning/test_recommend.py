"""Tests of the recommendations on hand-built positions (d = 10/day, margin 4, case pack 12)."""

from datetime import date

import numpy as np
import pandas as pd
import pytest

from planning.exceptions import LatePOs, detect_exceptions
from planning.network import NetworkData
from planning.params import PlanParams
from planning.recommend import line_cost, recommend, worth_its_line
from stockpilot.vocabulary import ActionKind
from tests.planning.test_exceptions import PARAMS, H, T, arrays


def network() -> NetworkData:
    sku_list = ["A", "C", "P", "E", "L", "O", "Q", "R"]
    k = len(sku_list)
    return NetworkData.from_frames(
        {
            "locations": pd.DataFrame(
                {
                    "location_id": ["DC1", "S1", "S2", "S3"],
                    "name": ["DC", "One", "Two", "Three"],
                    "type": ["dc", "store", "store", "store"],
                    "region": "",
                    "source_location": ["", "DC1", "DC1", "DC1"],
                }
            ),
            "lanes": pd.DataFrame(
                {
                    "from_location": ["DC1", "DC1", "DC1", "S2", "S2"],
                    "to_location": ["S1", "S2", "S3", "S1", "S3"],
                    "lead_time_days": [2, 2, 2, 1, 1],
                    "cost_per_unit": [0.1, 0.1, 0.1, 0.2, 0.2],
                }
            ),
            "suppliers": pd.DataFrame(
                {
                    "supplier_id": ["SUP1", "SUP2"],
                    "name": ["Slow", "Fast"],
                    "lead_time_days": [14, 5],
                    "lead_time_std_days": [0.0, 0.0],
                    "on_time_rate": [0.9, 0.9],
                }
            ),
            "items": pd.DataFrame(
                {
                    "sku": sku_list,
                    "description": "",
                    "category": "",
                    "unit_cost": 6.0,
                    "unit_price": 10.0,
                    "case_pack": 12,
                }
            ),
            "item_suppliers": pd.DataFrame(
                {
                    "sku": sku_list * 2,
                    "supplier_id": ["SUP1"] * k + ["SUP2"] * k,
                    "unit_cost": [6.0] * k + [6.5] * k,
                    "moq": [0] * k + [100] * k,
                    "lead_time_days": np.nan,
                    "primary": [True] * k + [False] * k,
                }
            ),
            "purchase_orders": pd.DataFrame(
                {
                    "po_id": ["PO-E", "PO-L"],
                    "supplier_id": ["SUP1", "SUP2"],
                    "sku": ["E", "L"],
                    "location_id": ["S1", "S1"],
                    "qty": [50, 40],
                    "order_date": ["2026-06-01", "2026-06-01"],
                    "expected_date": ["2026-07-10", "2026-06-25"],
                    "status": ["open", "open"],
                }
            ),
        }
    )


def scenario(extra: list[dict] | None = None):
    rec_e, rec_l = np.zeros(H), np.zeros(H)
    rec_e[9] = 50  # PO-E due day 10
    rec_l[0] = 40  # late PO-L assumed on day 1
    rows = [
        {"sku": "A", "location": "S1", "on_hand": 15.0},  # 0 short, need 75
        {"sku": "A", "location": "S2", "on_hand": 400.0},  # 1 surplus 310 (40 days: not over)
        {"sku": "C", "location": "S1", "on_hand": 0.0},  # 2 short, need 90, money 360
        {"sku": "C", "location": "S3", "on_hand": 15.0},  # 3 short, need 75, money 300
        {"sku": "C", "location": "S2", "on_hand": 150.0},  # 4 surplus 60
        # 5: DC buying from suppliers, L 5, ROP 50, S 120: runs out on day 5
        {
            "sku": "P",
            "location": "DC1",
            "on_hand": 45.0,
            "lead_time": 5,
            "reorder_point": 50.0,
            "order_up_to": 120.0,
        },
        {"sku": "E", "location": "S1", "on_hand": 15.0, "on_order": 50.0, "receipts": rec_e},
        {"sku": "L", "location": "S1", "on_hand": 15.0, "on_order": 40.0, "receipts": rec_l},
        {"sku": "O", "location": "S2", "on_hand": 2000.0},  # 8 overstock
        {"sku": "O", "location": "S1", "on_hand": 15.0},  # 9 short of O
        {"sku": "Q", "location": "S3", "on_hand": 2000.0},  # 10 overstock, nobody short
        *(extra or []),
    ]
    late = LatePOs(
        row=np.array([7]),
        po_id=np.array(["PO-L"], dtype=object),
        supplier_id=np.array(["SUP2"], dtype=object),
        qty=np.array([40.0]),
        expected_date=np.array(["2026-06-25"], dtype="datetime64[ns]"),
        arrival_day=np.array([1]),
    )
    a = arrays(rows, late)
    sources = network().locations.set_index("location_id")["source_location"]
    positions = pd.DataFrame(
        {
            "sku": a.sku,
            "location_id": a.location,
            "source_location": [sources[loc] for loc in a.location],
            "on_hand": a.on_hand,
            "safety_stock": a.safety_stock,
            "position": a.position,
            "reorder_point": a.reorder_point,
            "order_up_to": a.order_up_to,
            "unit_cost": a.unit_cost,
        }
    )
    exc = detect_exceptions(a, PARAMS)
    recs = recommend(exc, positions, network(), T)
    return pd.concat([exc, recs], axis=1)


def rec_for(out: pd.DataFrame, kind: str, row: int) -> pd.Series:
    sub = out[(out["type"] == kind) & (out["row"] == row)]
    assert len(sub) == 1, out[["type", "row", "rec_kind"]]
    return sub.iloc[0]


def test_transfer_from_true_surplus_over_faster_lane():
    r = rec_for(scenario(), "stockout_risk", 0)
    # Need max(90 - 15, 75) = 75; S2 surplus 400 - 90 = 310; 1-day lane vs 5 days from SUP2.
    assert r["rec_kind"] == "transfer"
    assert r["rec_qty"] == 75
    assert r["rec_from_location"] == "S2"
    assert r["rec_to_location"] == "S1"
    assert "surplus 310" in r["rec_rationale"]


def test_surplus_not_double_allocated():
    out = scenario()
    first = rec_for(out, "stockout_risk", 2)  # money 360: served first
    second = rec_for(out, "stockout_risk", 3)  # money 300
    assert first["rec_kind"] == "transfer"
    assert first["rec_qty"] == 60  # min(need 90, surplus 150 - 90 = 60)
    assert second["rec_kind"] == "purchase_order"  # no surplus left at S2
    # Nobody can arrive by day 2 and no open PO. SUP1 (14 days) lands 84 for 6 * 84 + 25 = 529
    # but loses 12 days x 10/day x margin 4 = 480 waiting; SUP2 (5 days, MOQ 100 -> 108) lands
    # for 6.5 * 108 + 25 = 727 and loses 3 days = 120: SUP2.
    assert second["rec_supplier_id"] == "SUP2"
    assert second["rec_qty"] == 108
    assert "Also considered: SUP1 (arrives day 14, after the risk)" in second["rec_rationale"]
    moved = out[(out["rec_kind"] == "transfer") & (out["sku"] == "C")]["rec_qty"].sum()
    assert moved <= 60


def test_purchase_order_in_time_with_moq_and_case_pack():
    r = rec_for(scenario(), "stockout_risk", 5)
    # First risk day 5: SUP2 (5 days) arrives in time, SUP1 (14) does not -> SUP2.
    # Need max(120 - 45, unmet 120 - 45) = 75 -> MOQ 100 -> 9 packs of 12 = 108; 108 * 6.5 = 702.
    assert r["rec_kind"] == "purchase_order"
    assert r["rec_supplier_id"] == "SUP2"
    assert r["rec_qty"] == 108
    assert r["rec_value"] == pytest.approx(702.0)


def test_expedite_when_no_supplier_in_time():
    r = rec_for(scenario(), "stockout_risk", 6)
    assert r["rec_kind"] == "expedite"
    assert r["rec_po_id"] == "PO-E"


def test_late_po_expedite():
    r = rec_for(scenario(), "late_po", 7)
    assert r["rec_kind"] == "expedite"
    assert r["rec_po_id"] == "PO-L"
    assert r["rec_qty"] == 40
    assert r["rec_supplier_id"] == "SUP2"


def test_shortage_ranks_above_overstock_and_takes_its_surplus_first():
    out = scenario()
    # O at S1 runs short (lost margin 300, P1); O at S2 holds 1910 excess units, whose holding
    # and markdown loss over the 14-day horizon is only 11460 * 0.55 * 14 / 365 = 241.76.
    short = rec_for(out, "stockout_risk", 9)
    over = rec_for(out, "overstock", 8)
    assert short.name < over.name  # ranked first
    assert (short["rec_kind"], short["rec_from_location"], short["rec_qty"]) == (
        "transfer",
        "S2",
        75,
    )
    assert "surplus 1910" in short["rec_rationale"]
    # The overstock's surplus left has no one below the reorder point to go to: markdown review.
    assert over["rec_kind"] == "none"
    assert "1835 units of surplus left" in over["rec_rationale"]
    assert rec_for(out, "overstock", 10)["rec_kind"] == "none"


def test_every_rationale_present():
    out = scenario()
    assert (out["rec_rationale"].str.len() > 0).all()
    assert date(2026, 6, 30) == T


def test_store_is_replenished_from_its_own_dc_even_into_its_safety_stock():
    # R at S1: on hand 15, need 75 (as for A). DC1 holds 60 with SS 50 and S 400: no surplus
    # above its order-up-to, and only 10 above its safety stock, but its stock is there to serve
    # its stores: with no order able to arrive in time it ships all 60 (a partial quantity).
    dc = {
        "sku": "R",
        "location": "DC1",
        "on_hand": 60.0,
        "safety_stock": 50.0,
        "reorder_point": 300.0,
        "order_up_to": 400.0,
    }
    out = scenario([dc, {"sku": "R", "location": "S1", "on_hand": 15.0}])
    r = rec_for(out, "stockout_risk", 12)
    assert (r["rec_kind"], r["rec_from_location"], r["rec_qty"]) == ("transfer", "DC1", 60)
    assert (
        "Replenish 60 from its source DC1 (on hand 60, 60 not yet allocated" in r["rec_rationale"]
    )


def test_dc_ships_the_full_need_when_it_holds_it():
    dc = {
        "sku": "R",
        "location": "DC1",
        "on_hand": 200.0,
        "safety_stock": 50.0,
        "reorder_point": 300.0,
        "order_up_to": 400.0,
    }
    out = scenario([dc, {"sku": "R", "location": "S1", "on_hand": 15.0}])
    r = rec_for(out, "stockout_risk", 12)
    assert (r["rec_kind"], r["rec_from_location"], r["rec_qty"]) == ("transfer", "DC1", 75)


def test_token_surplus_does_not_displace_an_order_that_arrives_in_time():
    # R at S1: on hand 45 at 10/day, L 7 -> runs out on day 5; need 90 - 45 = 45. S2 has only
    # 20 surplus (110 - 90). SUP2 (5 days) arrives by day 5, so order instead of moving 20.
    out = scenario(
        [
            {"sku": "R", "location": "S2", "on_hand": 110.0},
            {"sku": "R", "location": "S1", "on_hand": 45.0, "lead_time": 7},
        ]
    )
    r = rec_for(out, "stockout_risk", 12)
    assert (r["rec_kind"], r["rec_supplier_id"]) == ("purchase_order", "SUP2")


def test_no_order_that_costs_more_than_the_loss_it_prevents():
    # R at S1 dips below its SS of 8 (as in test_below_safety_stock_uses_normal_loss): 0.59 units
    # expected short, money 2.34. S2 could spare 1 unit over a 1-day lane for 5 + 0.2 = 5.2 and a
    # PO line costs 25: neither pays for itself, and the position (105) is above the reorder
    # point (28), so no routine line would carry it: no order (the exception stays listed).
    receipts = np.zeros(H)
    receipts[2] = 80
    dip = {
        "sku": "R",
        "location": "S1",
        "on_hand": 25.0,
        "on_order": 80.0,
        "receipts": receipts,
        "safety_stock": 8.0,
        "sigma": 4.0,
        "reorder_point": 28.0,
        "order_up_to": 98.0,
    }
    out = scenario([{"sku": "R", "location": "S2", "on_hand": 200.0}, dip])
    r = rec_for(out, "below_safety_stock", 12)
    assert r["money_at_risk"] == pytest.approx(2.34, abs=0.01)
    assert r["rec_kind"] == "none"
    assert r["rec_actions"] == []
    why = "Expected loss 2.34 < line cost 5.20 (a transfer from S2): no order; watch."
    assert why in r["rec_rationale"]


def test_an_order_is_worth_its_line_only_when_the_loss_covers_it():
    params = PlanParams(transfer_line_cost=5.0, purchase_order_line_cost=25.0)
    assert line_cost(ActionKind.TRANSFER, 1, 0.2, params) == pytest.approx(5.2)
    assert line_cost(ActionKind.PURCHASE_ORDER, 12, 0.0, params) == 25.0
    assert not worth_its_line(0.5 * 4, line_cost(ActionKind.TRANSFER, 1, 0.0, params), False)
    assert not worth_its_line(0.4, line_cost(ActionKind.PURCHASE_ORDER, 12, 0.0, params), False)
    assert worth_its_line(25.0, 25.0, False)
    # Below its reorder point the routine review orders anyway: the action takes that line.
    assert worth_its_line(0.4, 25.0, True)
