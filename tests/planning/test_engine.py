"""Tests of the planning engine on a tiny crafted network (steady sales of 10/day per store)."""

import json
from datetime import date, timedelta

import pandas as pd
import pytest

from planning.engine import plan
from planning.network import NetworkData

T = date(2026, 6, 30)
SKUS = ["H", "K", "N", "O", "G"]


@pytest.fixture(scope="module")
def network() -> NetworkData:
    days = pd.date_range(T - timedelta(days=199), T)
    sales = pd.DataFrame(
        [(d, s, loc, 10) for d in days for s in SKUS for loc in ("S1", "S2")],
        columns=["date", "sku", "location_id", "units"],
    )
    inv = {(s, loc): 60 for s in SKUS for loc in ("S1", "S2")}
    inv |= {(s, "DC1"): 300 for s in SKUS}
    inv[("K", "S1")] = 15  # stockout_risk
    inv[("N", "S1")] = -5  # inventory_anomaly (negative)
    inv[("O", "S2")] = 3000  # overstock
    inv[("G", "DC1")] = 150  # late PO at the DC
    inventory = pd.DataFrame(
        [(s, loc, q, T) for (s, loc), q in inv.items()],
        columns=["sku", "location_id", "on_hand", "as_of_date"],
    )
    return NetworkData.from_frames(
        {
            "locations": pd.DataFrame(
                {
                    "location_id": ["DC1", "S1", "S2"],
                    "name": ["DC", "One", "Two"],
                    "type": ["dc", "store", "store"],
                    "region": "",
                    "source_location": ["", "DC1", "DC1"],
                }
            ),
            "lanes": pd.DataFrame(
                {
                    "from_location": ["DC1", "DC1", "S2"],
                    "to_location": ["S1", "S2", "S1"],
                    "lead_time_days": [2, 2, 1],
                    "cost_per_unit": [0.1, 0.1, 0.2],
                }
            ),
            "suppliers": pd.DataFrame(
                {
                    "supplier_id": ["SUP1"],
                    "name": ["Supplier"],
                    "lead_time_days": [10],
                    "lead_time_std_days": [1.0],
                    "on_time_rate": [0.9],
                }
            ),
            "items": pd.DataFrame(
                {
                    "sku": SKUS,
                    "description": "",
                    "category": "",
                    "unit_cost": 6.0,
                    "unit_price": 10.0,
                    "case_pack": 12,
                }
            ),
            "item_suppliers": pd.DataFrame(
                {
                    "sku": SKUS,
                    "supplier_id": "SUP1",
                    "unit_cost": 6.0,
                    "moq": 0,
                    "lead_time_days": float("nan"),
                    "primary": True,
                }
            ),
            "inventory": inventory,
            "sales": sales,
            "purchase_orders": pd.DataFrame(
                {
                    "po_id": ["PO-G"],
                    "supplier_id": ["SUP1"],
                    "sku": ["G"],
                    "location_id": ["DC1"],
                    "qty": [300],
                    "order_date": [T - timedelta(days=20)],
                    "expected_date": [T - timedelta(days=5)],
                    "status": ["open"],
                }
            ),
        }
    )


@pytest.fixture(scope="module")
def result(network):
    return plan(network)


def test_positions_and_policy(result):
    pos = result.positions.set_index(["sku", "location_id"])
    assert len(pos) == 15  # 5 SKUs x (2 stores + the DC)
    s1 = pos.loc[("H", "S1")]
    assert s1["forecast_daily"] == pytest.approx(10.0, rel=0.02)
    assert s1["lead_time"] == 2  # the lane DC1 -> S1
    dc = pos.loc[("H", "DC1")]
    assert dc["forecast_daily"] == pytest.approx(20.0, rel=0.02)  # the two stores' demand
    assert dc["lead_time"] == 10
    # DC: SS = 1.645 * sqrt(10 * sigma^2 + 20^2 * 1^2) >= 1.645 * 20 = 32.9
    assert dc["safety_stock"] >= 32.8
    assert result.demand.shape == (15, 56)
    assert result.projected.shape == (15, 56)
    assert len(result.dates) == 56 and result.dates[0] == T + timedelta(days=1)
    k = pos.loc[("K", "S1")]
    assert k["projected_stockout_date"] == pd.Timestamp(T + timedelta(days=2))
    assert pd.isna(s1["projected_stockout_date"]) or s1["projected_stockout_date"] > pd.Timestamp(
        T + timedelta(days=2)
    )


def test_expected_exceptions_and_healthy_rows(result):
    exc = result.exceptions
    found = set(zip(exc["type"], exc["sku"], exc["location"], strict=True))
    assert ("stockout_risk", "K", "S1") in found
    assert ("inventory_anomaly", "N", "S1") in found
    assert ("overstock", "O", "S2") in found
    assert ("late_po", "G", "DC1") in found
    assert not exc["sku"].eq("H").any()  # healthy everywhere
    k = exc[(exc["type"] == "stockout_risk") & (exc["sku"] == "K")].iloc[0]
    # 15 on hand at 10/day: unmet over days 1..9 = 75 units * margin 4 = 300.
    assert k["money_at_risk"] == pytest.approx(300.0, rel=0.02)
    neg = exc[(exc["type"] == "inventory_anomaly") & (exc["sku"] == "N")].iloc[0]
    assert neg["money_at_risk"] == pytest.approx(30.0)  # 5 * unit cost 6
    over = exc[(exc["type"] == "overstock") & (exc["sku"] == "O")].iloc[0]
    assert over["money_at_risk"] == pytest.approx((3000 - over["order_up_to"]) * 6.0, abs=0.01)


def test_exception_records_contract(result):
    recs = result.exception_records()
    assert recs, "expected exceptions"
    money = [r["money_at_risk"] for r in recs]
    assert money == sorted(money, reverse=True)
    required = {
        "type",
        "sku",
        "location",
        "priority",
        "money_at_risk",
        "first_risk_date",
        "detail",
        "recommendation",
    }
    for r in recs:
        assert required <= set(r)
        assert {"kind", "qty", "from_location", "supplier_id", "rationale"} <= set(
            r["recommendation"]
        )
        assert r["recommendation"]["kind"] in {"transfer", "purchase_order", "expedite", "none"}
        date.fromisoformat(r["first_risk_date"])
        assert r["priority"] in (1, 2, 3)
    json.dumps(recs)  # JSON-ready
    late = result.exception_records(type="late_po")
    assert [r["sku"] for r in late] == ["G"]
    assert late[0]["recommendation"]["kind"] == "expedite"
    assert late[0]["recommendation"]["po_id"] == "PO-G"


def test_filters(result):
    assert len(result.exception_records(top=2)) == 2
    s1 = result.exception_records(location="S1")
    assert s1 and all(r["location"] == "S1" for r in s1)
    assert result.exception_records(type="promo_uncovered") == []
    rows = result.position_records(sku="K", location="S1")
    assert len(rows) == 1 and rows[0]["on_hand"] == 15
    json.dumps(result.position_records())
