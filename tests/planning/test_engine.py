"""Tests of the planning engine on a tiny crafted network (steady sales of 10/day per store)."""

import json
from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest

from erp.demo import generate_demo
from planning.engine import plan
from planning.network import NetworkData
from stockpilot.actions import PurchaseOrderAction, recommended_action

# The demo network's date is pinned: by default it is today, and its exceptions move with it.
DEMO_AS_OF = date(2026, 12, 3)

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
    # DC: the echelon's pooled error beyond its stores' safety stock (at least 0).
    assert dc["safety_stock"] >= 0.0
    assert result.demand.shape == (15, 56)
    assert result.projected.shape == (15, 56)
    assert len(result.dates) == 56 and result.dates[0] == T + timedelta(days=1)
    k = pos.loc[("K", "S1")]
    assert k["projected_stockout_date"] == pd.Timestamp(T + timedelta(days=2))
    assert pd.isna(s1["projected_stockout_date"]) or s1["projected_stockout_date"] > pd.Timestamp(
        T + timedelta(days=2)
    )


def test_a_dc_holds_no_stock_for_its_suppliers_lead_time_spread():
    # The DCs' safety stock is the same however spread the suppliers' receipts were (a late
    # receipt is forwarded to the stores the day it lands, `planning.replenish.receipt_transfers`).
    from dataclasses import replace

    import numpy as np

    data = generate_demo(seed=7, stores=4, skus=20, days=240, as_of=DEMO_AS_OF).data
    po = data.purchase_orders
    received = (po["status"] == "received").to_numpy()
    # Per supplier, every receipt 4 days later, or alternately 0 and 8 days later (the last of
    # an odd count 4): the same mean lateness, more spread.
    nth = po[received].groupby("supplier_id").cumcount().reindex(po.index).to_numpy()
    count = po[received].groupby("supplier_id")["po_id"].transform("size").reindex(po.index)
    odd_last = (count.to_numpy() % 2 == 1) & (nth == count.to_numpy() - 1)
    alternate = np.where(odd_last, 4, np.where(nth % 2 == 0, 0, 8))

    def shifted(days: np.ndarray) -> NetworkData:
        return replace(
            data,
            purchase_orders=po.assign(
                expected_date=po["expected_date"] + pd.to_timedelta(days, "D")
            ),
        )

    even, wide = shifted(np.where(received, 4, 0)), shifted(np.where(received, alternate, 0))
    assert received.sum() >= 20
    a, b = plan(even).positions, plan(wide).positions
    dc = a["location_type"].eq("dc").to_numpy()
    assert (a.loc[dc, "safety_stock"] > 0).any()
    assert a.loc[dc, "safety_stock"].to_numpy() == pytest.approx(
        b.loc[dc, "safety_stock"].to_numpy()
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
    # 15 on hand at 10/day: unmet over days 1..L+R-1 = 8: 65 units * margin 4 = 260.
    assert k["money_at_risk"] == pytest.approx(260.0, rel=0.02)
    neg = exc[(exc["type"] == "inventory_anomaly") & (exc["sku"] == "N")].iloc[0]
    assert neg["money_at_risk"] == pytest.approx(30.0)  # 5 * unit cost 6
    over = exc[(exc["type"] == "overstock") & (exc["sku"] == "O")].iloc[0]
    capital = (3000 - over["order_up_to"]) * 6.0
    assert over["capital_tied_up"] == pytest.approx(capital, abs=0.01)
    assert over["money_at_risk"] == pytest.approx(capital * 0.55 * 56 / 365, abs=0.01)


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
    assert late[0]["recommendation"]["location_id"] == late[0]["location"]


@pytest.mark.parametrize("seed", [5, 7, 19])
def test_a_recommendation_names_its_destination_as_its_action_does(seed):
    """A transfer arrives at `to_location`, a purchase order at `location_id`; never both."""
    records = plan(
        generate_demo(seed=seed, stores=4, skus=30, days=240, as_of=DEMO_AS_OF).data
    ).exception_records()
    kinds = {r["recommendation"]["kind"] for r in records}
    assert {"transfer", "purchase_order", "expedite"} <= kinds, "each kind is checked"
    for record in records:
        rec = record["recommendation"]
        if rec["kind"] == "transfer":
            assert rec["to_location"] and rec["location_id"] is None
        elif rec["kind"] in ("purchase_order", "expedite"):
            assert rec["location_id"] and rec["to_location"] is None
        else:
            assert (rec["to_location"], rec["location_id"]) == (None, None)
        action = recommended_action(record)
        if isinstance(action, PurchaseOrderAction):
            assert action.location_id == rec["location_id"]
            assert action.args()["location_id"] == rec["location_id"]
        elif action is not None:
            assert action.to_location == rec["to_location"]


def test_filters(result):
    assert len(result.exception_records(top=2)) == 2
    s1 = result.exception_records(location="S1")
    assert s1 and all(r["location"] == "S1" for r in s1)
    assert result.exception_records(type="promo_uncovered") == []
    rows = result.position_records(sku="K", location="S1")
    assert len(rows) == 1 and rows[0]["on_hand"] == 15
    json.dumps(result.position_records())


def test_policy_levels_from_the_cumulative_forecast_the_interval_error_and_the_lot_size(network):
    # The store H@S1 sells exactly 10/day: L = 2 (lane), R = 7 -> protection 8 days, forecast
    # over it 80. s = 80 + SS; S = s + max(EOQ - 70, 0), EOQ = sqrt(2 * 5 * 10 / (0.25/365 * 6)).
    from planning.params import PlanParams

    base = plan(network, params=PlanParams(lot_sizing=False))
    sized = plan(network)
    pos, lot = base.positions.set_index(KEYS), sized.positions.set_index(KEYS)
    h = pos.loc[("H", "S1")]
    assert h["reorder_point"] == pytest.approx(80.0 + h["safety_stock"], rel=0.02)
    assert h["order_up_to"] == pytest.approx(h["reorder_point"])
    eoq = (2 * 5.0 * 10.0 / (0.25 / 365 * 6.0)) ** 0.5
    sized_h = lot.loc[("H", "S1")]
    assert sized_h["reorder_point"] == pytest.approx(h["reorder_point"])
    assert sized_h["order_up_to"] - sized_h["reorder_point"] == pytest.approx(
        max(eoq - 70.0, 0.0), rel=0.03
    )
    # The DC buys with a 25.00 line cost: a larger lot.
    dc = lot.loc[("H", "DC1")]
    assert (
        dc["order_up_to"] - dc["reorder_point"] > sized_h["order_up_to"] - sized_h["reorder_point"]
    )
    # The DC's purchase lot is its EOQ scaled to the smallest within the cost tolerance
    # (`purchase_lot_cost_tolerance`); a store's transfer lot is not scaled.
    eoq_lot = plan(network, params=PlanParams(purchase_lot_cost_tolerance=0.0))
    full = eoq_lot.positions.set_index(KEYS)
    full_dc, dc_lot = full.loc[("H", "DC1")], dc["order_up_to"] - dc["reorder_point"]
    assert 0 < dc_lot < full_dc["order_up_to"] - full_dc["reorder_point"]
    assert full.loc[("H", "S1")]["order_up_to"] == pytest.approx(sized_h["order_up_to"])


KEYS = ["sku", "location_id"]


def test_a_dc_holds_the_echelon_safety_stock_its_stores_do_not():
    # DC1 feeds S1 and S2 (lane 2 days). Stores: SS 12 and 9. DC: lead time 10, pooled
    # one-day error 5 (alpha 0), z 2. Echelon interval 10 + 2 + 7 - 1 = 18 days:
    # z * sqrt(5² * 18) = 2 * sqrt(450) = 42.43; less 21 held = 21.43. The supplier's lead-time
    # spread is not in it (a late receipt is forwarded the day it lands).
    import numpy as np

    from planning.engine import _echelon_dc_safety_stock, _NetworkDemand

    data = small_network_for_echelon()
    keys = pd.DataFrame({"sku": ["A", "A", "A"], "location_id": ["DC1", "S1", "S2"]})
    network = _NetworkDemand(
        demand=np.zeros((3, 1)),
        sigma=np.array([5.0, 3.0, 4.0]),
        alpha=np.zeros(3),
        method=np.array(["", "", ""], dtype=object),
        demand_class=np.array(["", "", ""], dtype=object),
        promo_mask=np.zeros((3, 1), dtype=bool),
    )
    out = _echelon_dc_safety_stock(
        keys,
        data,
        network,
        lead_time=np.array([10, 2, 2]),
        review=7,
        z=np.full(3, 2.0),
        safety=np.array([99.0, 12.0, 9.0]),
    )
    assert out[0] == pytest.approx(2 * np.sqrt(5**2 * 18) - 21.0)
    assert list(out[1:]) == [12.0, 9.0]  # the stores keep theirs
    # Stores already holding more than the echelon needs: the DC holds none.
    rich = _echelon_dc_safety_stock(
        keys, data, network, np.array([10, 2, 2]), 7, np.full(3, 2.0), np.array([99.0, 30.0, 20.0])
    )
    assert rich[0] == 0.0


def small_network_for_echelon():
    from tests.conftest import small_network

    return small_network()


def test_a_dc_carries_its_stores_review_pulls_until_its_next_order_lands(network):
    # H@DC1 buys from SUP1 (lead time 10 days): its stores (10 a day each) pull at the weekly
    # reviews, so an order carries ceil(10 / 7) = 2 reviews (14 days, 280 units) of their
    # demand, not 10 + 7 - 1 = 16 days (320). The stores keep L + R - 1 (they sell every day).
    from dataclasses import replace

    from planning.params import PlanParams

    params = PlanParams(lot_sizing=False)
    pulls = plan(network, params=replace(params, dc_review_pulls=True)).positions.set_index(KEYS)
    daily = plan(network, params=params).positions.set_index(KEYS)
    dc, before = pulls.loc[("H", "DC1")], daily.loc[("H", "DC1")]
    assert dc["reorder_point"] - dc["safety_stock"] == pytest.approx(280.0, rel=0.03)
    assert before["reorder_point"] - before["safety_stock"] == pytest.approx(320.0, rel=0.03)
    store = ("H", "S1")
    assert pulls.loc[store, "reorder_point"] == pytest.approx(daily.loc[store, "reorder_point"])


def test_a_dc_counts_the_review_pulls_expected_over_its_suppliers_lateness(network):
    # A 7-day supplier on time 90 % with a 3-day std: an order on time lands before the next
    # review (one pull), a late one slips past it (two, now and then three): E[ceil(L' / 7)]
    # = 1.162 pulls, 8.14 days of the stores' 20 a day (163 units). Counting the mean lead
    # time (7.8, rounded to 8) plus one std, 11 days, carried two pulls (280) for every order.
    from dataclasses import replace

    from planning.params import PlanParams
    from stockpilot.leadtime import expected_review_pulls

    suppliers = network.suppliers.assign(lead_time_days=7, lead_time_std_days=3.0)
    data = replace(network, suppliers=suppliers)
    params = PlanParams(lot_sizing=False, dc_review_pulls=True)
    dc = plan(data, params=params).positions.set_index(KEYS).loc[("H", "DC1")]
    carried = dc["reorder_point"] - dc["safety_stock"]
    pulls = float(expected_review_pulls(7, 3.0, 0.9, 7))
    assert pulls == pytest.approx(1.162, abs=0.002)
    assert carried == pytest.approx(20.0 * 7 * pulls, rel=0.03)


def test_a_dc_counts_the_review_pulls_at_its_service_level_when_asked(network):
    # The same 7-day supplier with a 3-day std. On time 99.9 %, the DC's service level (below
    # that) is met by the on-time count: one pull (140 units), where the expectation carried
    # 1.011. On time 90 %, the level (above 0.9) needs the late orders' tail: 4 pulls, more than
    # L + R - 1 days, so the DC carries L + R - 1 days as with the rule off.
    from dataclasses import replace

    from planning.params import PlanParams
    from stockpilot.leadtime import review_pulls_quantile

    params = PlanParams(lot_sizing=False, dc_review_pulls=True, dc_review_pulls_quantile=True)
    carried = {}
    for on_time in (0.999, 0.9):
        suppliers = network.suppliers.assign(
            lead_time_days=7, lead_time_std_days=3.0, on_time_rate=on_time
        )
        data = replace(network, suppliers=suppliers)
        for name, p in (("quantile", params), ("off", replace(params, dc_review_pulls=False))):
            dc = plan(data, params=p).positions.set_index(KEYS).loc[("H", "DC1")]
            carried[on_time, name] = dc["reorder_point"] - dc["safety_stock"]
        level = float(dc["service_level"])
        assert 0.9 < level < 0.999
        want = 1.0 if on_time > level else 4.0
        assert float(review_pulls_quantile(7, 3.0, on_time, 7, level)) == want
    assert carried[0.999, "quantile"] == pytest.approx(20.0 * 7, rel=0.03)
    assert carried[0.999, "off"] > 20.0 * 12
    assert carried[0.9, "quantile"] == pytest.approx(carried[0.9, "off"])


def test_the_cycle_service_level_carries_safety_stock_over_the_days_one_order_lasts(network):
    # `cycle_service_level`: the critical ratio's overage period is T = R + lot / d (or the
    # MOQ's days), not R. A row with a lot gets the lower ratio (never below its class floor);
    # a row without one keeps its level.
    from planning.params import PlanParams
    from planning.policy import economic_service_level

    base = plan(network).positions.set_index(KEYS)
    cyc = plan(network, params=PlanParams(cycle_service_level=True)).positions.set_index(KEYS)
    assert (cyc["service_level"] <= base["service_level"] + 1e-12).all()
    lower = cyc["service_level"] < base["service_level"] - 1e-9
    assert lower.any()
    assert (cyc["safety_stock"] <= base["safety_stock"] + 1e-9).all()
    # The lot itself does not move: only the safety stock under it does.
    np.testing.assert_allclose(
        cyc["order_up_to"] - cyc["reorder_point"], base["order_up_to"] - base["reorder_point"]
    )
    # The store H@S1 sells 10/day over a lane (no MOQ): T = 7 + lot / 10.
    h = cyc.loc[("H", "S1")]
    period = 7 + (h["order_up_to"] - h["reorder_point"]) / 10.0
    lanes = network.lanes.set_index(["from_location", "to_location"])["cost_per_unit"]
    lane = float(lanes.get(("DC1", "S1"), 0.0))
    earned = float(network.items.set_index("sku").loc["H", "unit_price"]) - 6.0 - lane
    holding = 0.25 / 365 * (6.0 + lane)
    want = max(0.95, float(economic_service_level(earned, holding, period, 0.995)))
    assert h["service_level"] == pytest.approx(want)
    assert h["service_level"] < base.loc[("H", "S1"), "service_level"]
