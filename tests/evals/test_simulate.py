"""Tests of the digital twin: timing, lost sales, costs and the simulator connector."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest

from erp.connector import (
    ErpWriteError,
    IdempotencyConflictError,
    PurchaseOrderRequest,
    TransferRequest,
)
from evals.policies import oracle_base_stock, oracle_tail_cover
from evals.simulate import (
    SimConfig,
    SimulatorConnector,
    Twin,
    World,
    build_world,
    echelon_cover,
    extend_world,
    going_concern_tail_days,
    metrics,
    run_down_days,
    unservable_units,
)
from planning.network import NetworkData

TODAY = date(2025, 1, 1)


def tiny_world(demand: list[list[float]], on_hand: list[float], *, dc: bool = True) -> World:
    """Return a world of one store (row 0) fed by one DC (row 1), one SKU, a 2-day supplier."""
    d = np.array(demand, float)
    n = d.shape[0]
    cfg = SimConfig(horizon_days=d.shape[1], end_date=date(2025, 1, 1), review_period_days=1)
    return World(
        config=cfg,
        data=NetworkData.from_frames({}),
        sku=np.array(["A"] * n, object),
        location=np.array(["S1", "DC"][:n], object),
        is_dc=np.array([False, True][:n]),
        source_row=np.array([1, -1][:n]) if dc else np.array([-1, -1][:n]),
        lane_lead=np.array([1, 0][:n]),
        lane_cost=np.array([0.5, 0.0][:n]),
        unit_cost=np.full(n, 4.0),
        unit_price=np.full(n, 10.0),
        case_pack=np.full(n, 1),
        supplier_id=np.array(["V"] * n, object),
        supplier_lead=np.full(n, 2),
        supplier_std=np.zeros(n),
        supplier_on_time=np.ones(n),
        supplier_moq=np.zeros(n),
        demand=d,
        on_hand0=np.array(on_hand, float),
        draw_u=np.zeros((n, d.shape[1] + 1)),
        hist_tail=np.zeros((n, 28)),
        rows={("A", "S1"): 0, ("A", "DC"): 1},
        lanes={("DC", "S1"): (1, 0.5)},
        terms={("A", "V"): (2, 4.0, 0)},
        suppliers={"V": (0.0, 1.0)},
    )


def test_po_arrives_after_lead_time_before_that_days_demand() -> None:
    w = tiny_world([[3, 3, 3, 3]], [5])
    tw = Twin(w)
    assert tw.purchase("A", "S1", "V", 10) == 2  # ordered end of day 0, 2-day lead time
    assert tw.position[0] == 15
    for _ in range(4):
        tw.step()
    np.testing.assert_array_equal(tw.end_on_hand[0], [2, 9, 6, 3])
    assert tw.lost.sum() == 0
    assert tw.position[0] == 3


def test_lost_sales_are_not_backfilled_and_costs_add_up() -> None:
    w = tiny_world([[3, 3, 3]], [2])
    tw = Twin(w)
    tw.step()  # day 1: sell 2, lose 1
    tw.purchase("A", "S1", "V", 4)  # arrives day 3
    tw.step()  # day 2: nothing on hand, lose 3
    tw.step()  # day 3: 4 arrive, sell 3, keep 1
    np.testing.assert_array_equal(tw.sold[0], [2, 0, 3])
    np.testing.assert_array_equal(tw.lost[0], [1, 3, 0])
    m = metrics(tw)
    assert m["fill_rate"] == pytest.approx(5 / 9, abs=1e-4)
    assert m["lost_margin"] == pytest.approx(4 * 6.0)
    assert m["holding_cost"] == pytest.approx(1 * 4.0 * 0.25 / 365, abs=0.01)
    assert m["ordering_cost"] == 25.0
    assert m["total_cost"] == pytest.approx(24 + 25 + m["holding_cost"], abs=0.01)


def test_backorders_fill_later() -> None:
    w = tiny_world([[3, 3, 3]], [2])
    w.config = SimConfig(horizon_days=3, lost_sales=False)
    tw = Twin(w)
    tw.step()
    tw.purchase("A", "S1", "V", 10)
    tw.step()
    tw.step()  # 10 arrive: serve the backlog of 4 and today's 3
    np.testing.assert_array_equal(tw.sold[0], [2, 0, 7])
    assert tw.backlog[0] == 0


def test_transfer_ships_now_and_arrives_after_lane() -> None:
    w = tiny_world([[0, 1, 1], [0, 0, 0]], [0, 10])
    tw = Twin(w)
    assert tw.transfer("A", "DC", "S1", 4) == 1
    assert tw.on_hand[1] == 6 and tw.pulled[1, 0] == 4
    tw.step()
    assert tw.on_hand[0] == 4
    assert metrics(tw)["transfer_cost"] == pytest.approx(5.0 + 4 * 0.5)
    with pytest.raises(ErpWriteError):
        tw.transfer("A", "DC", "S1", 7)  # the DC holds 6


def test_the_lane_cost_of_the_stores_end_stock_is_credited_back() -> None:
    # 4 shipped on day 0 (arrive day 1), 3 more on day 2 (arrive day 3, after the horizon).
    w = tiny_world([[0, 1], [0, 0]], [0, 10])
    tw = Twin(w)
    tw.transfer("A", "DC", "S1", 4)
    tw.step()
    tw.step()
    tw.transfer("A", "DC", "S1", 3)
    m = metrics(tw)
    assert m["transfer_cost"] == pytest.approx(2 * 5.0 + 7 * 0.5)
    # The store ends with 3 on hand and 3 on their way: their lane cost comes back; the DC's 3
    # units cost nothing per unit to buy and earn no credit.
    assert m["end_stock_credit"] == pytest.approx(6 * 0.5)
    assert m["total_cost_end_credited"] == pytest.approx(m["total_cost"] - 3.0)


def test_late_po_draws_a_delay_from_the_described_distribution() -> None:
    from stockpilot.leadtime import delay_scale

    w = tiny_world([[0, 0, 0, 0, 0, 0]], [0])
    w.suppliers["V"] = (2.0, 0.9)
    w.draw_u[0, 0] = 0.5  # below the on-time rate: on time
    assert Twin(w).purchase("A", "S1", "V", 1) == 2
    # 0.99: late, at the |z| quantile 0.5 + 0.5 * (0.99 - 0.9) / 0.1 = 0.95 -> z = 1.645; the
    # delay's scale c gives the lead time its stated std of 2 days.
    w.draw_u[0, 0] = 0.99
    c = float(delay_scale(2.0, 0.9))
    assert Twin(w).purchase("A", "S1", "V", 1) == 2 + int(np.ceil(c * 1.6448536 - 1e-9))


def test_connector_is_idempotent_per_key() -> None:
    tw = Twin(tiny_world([[0, 0, 0], [0, 0, 0]], [0, 10]))
    conn = SimulatorConnector(tw)
    req = PurchaseOrderRequest("V", "A", "DC", 5, TODAY)
    a = conn.create_purchase_order(req, idempotency_key="k1")
    b = conn.create_purchase_order(req, idempotency_key="k1")
    assert a == b and tw.purchase_orders == 1 and tw.pipeline[1] == 5
    with pytest.raises(IdempotencyConflictError):
        conn.create_purchase_order(
            PurchaseOrderRequest("V", "A", "DC", 6, TODAY), idempotency_key="k1"
        )
    t = TransferRequest("A", "DC", "S1", 4, TODAY)
    assert conn.create_transfer(t, idempotency_key="t1") == conn.create_transfer(
        t, idempotency_key="t1"
    )
    assert tw.transfers == 1 and tw.on_hand[1] == 6
    with pytest.raises(ErpWriteError):
        conn.create_transfer(TransferRequest("A", "DC", "S1", 99, TODAY), idempotency_key="t2")
    assert tw.rejected == 1


def test_servable_fill_leaves_out_what_the_opening_stock_cannot_reach() -> None:
    # The supplier takes 2 days: day 1's demand of 3 can only be met from the 2 units the
    # network holds (1 at the store, 1 at the DC), so 1 unit is lost whatever a policy does.
    w = tiny_world([[3, 3, 3, 3], [0, 0, 0, 0]], [1, 1])
    assert unservable_units(w) == 1.0
    tw = Twin(w)
    tw.transfer("A", "DC", "S1", 1)  # lands day 1
    tw.purchase("A", "S1", "V", 9)  # lands day 2
    for _ in range(4):
        tw.step()
    m = metrics(tw)
    assert m["lost_sales_units"] == 1.0
    assert m["fill_rate"] == pytest.approx(11 / 12, abs=1e-4)
    assert m["fill_rate_servable"] == 1.0  # every unit some policy could sell was sold
    assert m["unservable_units"] == 1.0


def test_the_snapshot_holds_the_twins_own_stock_history() -> None:
    # A real ERP records the stock behind the sales: day 2 ran out, so its sale of 1 is not
    # the demand (the engine leaves such days out of the forecast).
    w = tiny_world([[3, 3, 3]], [4], dc=False)
    tw = Twin(w)
    tw.step()
    tw.step()
    hist = tw.snapshot().inventory_history
    start = w.config.start
    assert [d.date() for d in hist["date"]] == [
        start + timedelta(days=1),
        start + timedelta(days=2),
    ]
    assert hist["on_hand"].tolist() == [1, 0]
    assert hist["stockout"].tolist() == [False, True]


def test_the_world_shows_no_stock_history_after_day_zero() -> None:
    world = build_world(SimConfig(stores=2, skus=3, horizon_days=14, policies=()))
    hist = world.data.inventory_history
    assert len(hist) > 0
    assert hist["date"].max() <= pd.Timestamp(world.config.start)


def test_the_going_concern_cover_leaves_out_each_rows_last_lead_time_and_review() -> None:
    # Store (lane 1 day) and DC (supplier 2 days), daily reviews: the last 2 and 3 days are
    # where a hindsight level may run the stock down. Stock of 2 at the store and 8 at the DC,
    # run down to 0 in exactly those days: the full run averages it in, the yardstick does not.
    world = tiny_world([[1.0] * 10, [0.0] * 10], [0.0, 0.0])
    np.testing.assert_array_equal(run_down_days(world), [2, 3])
    stock = np.array([[2.0] * 8 + [0.0] * 2, [8.0] * 7 + [0.0] * 3])
    cover = echelon_cover(world, stock)
    assert cover["store_days_of_cover"] == pytest.approx(1.6)
    assert cover["dc_days_of_cover"] == pytest.approx(5.6)
    assert cover["store_days_of_cover_before_run_down"] == pytest.approx(2.0)
    assert cover["dc_days_of_cover_before_run_down"] == pytest.approx(8.0)
    # A run no longer than the DC's window leaves no DC day to measure: None, not 0.
    short = tiny_world([[1.0] * 3, [0.0] * 3], [0.0, 0.0])
    out = echelon_cover(short, np.array([[2.0, 2.0, 0.0], [8.0, 8.0, 8.0]]))
    assert out["dc_days_of_cover_before_run_down"] is None
    assert out["store_days_of_cover_before_run_down"] == pytest.approx(2.0)


def test_a_run_extended_by_a_tail_keeps_its_own_days_and_repeats_its_last_weeks() -> None:
    demand = [[float(d % 7) for d in range(35)], [0.0] * 35]
    world = tiny_world(demand, [2.0, 6.0])
    longer = extend_world(world, 10)
    assert longer.horizon == 45 and longer.draw_u.shape == (2, 46)
    np.testing.assert_array_equal(longer.demand[:, :35], world.demand)
    np.testing.assert_array_equal(longer.draw_u[:, :36], world.draw_u)
    # The tail repeats the last 28 days from their first: weekdays stay aligned.
    np.testing.assert_array_equal(longer.demand[0, 35:], world.demand[0, 7:17])
    assert world.horizon == 35  # the run itself is untouched
    assert extend_world(world, 0) is world
    # Store lane 1 + review 1 = 2 days, DC supplier 2 + 1 = 3: one week of tail.
    assert going_concern_tail_days(world) == 7


def test_the_tail_solved_oracle_chooses_its_levels_for_the_longer_run() -> None:
    # A DC whose opening stock lasts half the run and whose supplier takes 6 days: in hindsight
    # over the run alone it is cheaper never to order (level 0); with the run going on, it
    # orders. Without a tail the figure is the oracle's own.
    world = tiny_world([[1.0] * 12, [0.0] * 12], [2.0, 6.0])
    world = replace(
        world,
        supplier_lead=np.array([2, 6]),
        config=replace(world.config, order_cost=3.0, transfer_fixed_cost=0.0),
    )
    plain = oracle_base_stock(world)
    assert plain["levels"][1] == 0
    assert oracle_base_stock(extend_world(world, 14))["levels"][1] > 0
    same = oracle_tail_cover(world, 0)
    assert same["dc_days_of_cover"] == plain["metrics"]["dc_days_of_cover"]
    assert same["store_days_of_cover"] == plain["metrics"]["store_days_of_cover"]
    assert oracle_tail_cover(world)["tail_days"] == 7
