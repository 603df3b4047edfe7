"""Receipt forwarding: a DC ships what it received to stores that would run short before the
next review's shipment lands (`planning.replenish.receipt_transfers`); the order list of a plan
(`planning.replenish.plan_orders`)."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from erp.demo import generate_demo
from planning.engine import plan
from planning.replenish import (
    ORDER_COLUMNS,
    PLAN_ORDER_COLUMNS,
    plan_orders,
    receipt_transfers,
    replenishment_orders,
)

# The demo network's date is pinned: by default it is today, and its exceptions move with it.
DEMO_AS_OF = date(2026, 12, 3)

LANES = pd.DataFrame(
    {
        "from_location": ["DC1", "DC1", "DC1", "DC2"],
        "to_location": ["S1", "S2", "S3", "S4"],
        "lead_time_days": [2, 2, 1, 2],
        "cost_per_unit": [0.2, 0.2, 0.2, 0.2],
    }
)


def _state(dc1_on_hand: float = 200.0, dc1_received: float = 100.0) -> pd.DataFrame:
    rows = [
        # location, type, source, on_hand, position, S, rate, price, cost, received
        ("DC1", "dc", "", dc1_on_hand, dc1_on_hand, 400, 30.0, 10.0, 6.0, dc1_received),
        ("DC2", "dc", "", 150, 150, 400, 10.0, 10.0, 6.0, 0.0),
        ("S1", "store", "DC1", 5, 5, 80, 10.0, 10.0, 6.0, 0.0),  # 45 short over 5 days
        ("S2", "store", "DC1", 100, 100, 80, 10.0, 10.0, 6.0, 0.0),  # covered
        ("S3", "store", "DC1", 1, 1, 20, 1.0, 10.0, 6.0, 0.0),  # 3 short x margin 4 > 5
        ("S4", "store", "DC2", 0, 0, 80, 10.0, 10.0, 6.0, 0.0),  # its DC received nothing
    ]
    cols = ["location_id", "location_type", "source_location", "on_hand", "position",
            "order_up_to", "forecast_daily", "unit_price", "unit_cost", "received"]  # fmt: skip
    return pd.DataFrame(rows, columns=cols).assign(sku="A")


def test_a_receipt_goes_on_to_the_stores_that_would_run_short_before_the_next_shipment() -> None:
    out = receipt_transfers(_state(), LANES, days_to_review=4, transfer_line_cost=5.0)
    assert list(out.columns) == list(ORDER_COLUMNS)
    # S1 carries 4 + 2 - 1 = 5 days on 5 units at 10 a day: 45 short, shipped up to S (80).
    # S3: 4 days at 1 a day on 1 unit: 3 short, 3 x margin 4 = 12 > the line's 5.
    assert out[["location_id", "from_location", "qty"]].values.tolist() == [
        ["S1", "DC1", 75],
        ["S3", "DC1", 19],
    ]
    assert (out["kind"] == "transfer").all()


def test_no_forwarding_when_the_margin_does_not_pay_the_line() -> None:
    out = receipt_transfers(_state(), LANES, days_to_review=4, transfer_line_cost=20.0)
    assert out["location_id"].tolist() == ["S1"]


def test_without_a_receipt_nothing_moves_between_reviews() -> None:
    assert receipt_transfers(_state(dc1_received=0.0), LANES, 4, 5.0).empty


def test_the_dc_ships_what_it_holds_most_units_short_first() -> None:
    out = receipt_transfers(
        _state(dc1_on_hand=50.0), LANES, days_to_review=4, transfer_line_cost=5.0
    )
    assert out[["location_id", "qty"]].values.tolist() == [["S1", 50]]


def test_a_dc_counts_how_far_its_stores_stand_above_their_mean_position() -> None:
    # A's stores: s 20, S 41 at 1 a day, so a lot lasts floor(21 / 7) = 3 reviews and their
    # position after a review is 41, 34, 27, 20: mean 30.5. Both just filled (41): the DC
    # will ship 2 x 10.5 less than their forecast before its order lands, so DC1 one unit
    # below its reorder level orders nothing. At their mean it orders up to its S.
    from dataclasses import replace

    from planning.engine import plan
    from planning.params import PlanParams
    from planning.replenish import replenishment_orders
    from tests.conftest import small_network

    data = small_network()
    p = plan(data, params=PlanParams(history_days=56))

    def dc_order(store_position: float, *, counts: bool = True) -> int:
        pos = p.positions.copy()
        a = pos["sku"] == "A"
        store = a & (pos["location_type"] == "store")
        pos.loc[store, ["forecast_daily", "reorder_point", "order_up_to"]] = [1.0, 20.0, 41.0]
        pos.loc[store, "position"] = store_position
        dc = a & (pos["location_id"] == "DC1")
        s = float(pos.loc[dc, "reorder_point"].iloc[0])
        pos.loc[dc, ["on_hand", "position"]] = [s - 1, s - 1]
        params = replace(p.params, dc_counts_store_stock=counts)
        orders = replenishment_orders(replace(p, positions=pos, params=params), data)
        buy = orders[(orders["sku"] == "A") & (orders["location_id"] == "DC1")]
        return int(buy["qty"].sum())

    assert dc_order(41.0) == 0
    assert dc_order(41.0, counts=False) > 0
    assert dc_order(30.5) == dc_order(41.0, counts=False)
    # Stores below s are filled from the DC first: counted after the shipment, at S.
    assert dc_order(10.0) > dc_order(41.0, counts=False)


def test_an_exceptions_action_replaces_the_routine_line_of_its_sku_location() -> None:
    """The order list (`plan_orders`): the exceptions' actions, then the routine lines of the
    SKU-locations no exception supplies; nothing is ordered twice for one SKU-location."""
    data = generate_demo(seed=3, stores=5, skus=40, as_of=DEMO_AS_OF).data
    result = plan(data)
    routine = replenishment_orders(result, data)
    orders = plan_orders(result, data)
    assert list(orders.columns) == list(PLAN_ORDER_COLUMNS)
    from_exc = orders[orders["exception_id"] != ""]
    assert len(from_exc) and (from_exc["reason"].str.contains("replaces the routine line")).all()
    covered = set(zip(from_exc["sku"], from_exc["location_id"], strict=True))
    rest = orders[orders["exception_id"] == ""]
    kept = set(zip(rest["sku"], rest["location_id"], strict=True))
    assert not covered & kept  # an exception's line replaces the routine one
    replaced = routine[
        [k in covered for k in zip(routine["sku"], routine["location_id"], strict=True)]
    ]
    assert len(replaced)  # the demo has SKU-locations that both would order
    # Every routine line of a SKU-location no exception covers is kept (a routine transfer cut
    # at most to what its DC can still ship after the exceptions' transfers).
    others = routine.drop(index=replaced.index)
    got = rest.set_index(["kind", "sku", "location_id"])["qty"]
    for o in others.itertuples():
        key = (o.kind, o.sku, o.location_id)
        if o.kind == "purchase_order":
            assert got[key] == o.qty
        else:
            assert key not in got.index or got[key] <= o.qty
    assert (orders["qty"] >= 1).all()


def test_a_dc_waits_a_review_rather_than_round_up_to_an_moq_its_stores_do_not_need_yet() -> None:
    """MOQ round-up or skip (`moq_round_up_or_skip`): a DC whose need is below its supplier's
    MOQ orders the MOQ only when waiting one more review would cost its echelon (it and the
    stores it feeds) more lost margin than R days of holding the MOQ."""
    from dataclasses import replace

    from planning.params import PlanParams
    from tests.conftest import small_network

    data = small_network()
    p = plan(data, params=PlanParams(history_days=56))

    def dc_order(store_position: float, *, skip: bool | None = None, moq: int = 600) -> int:
        pos = p.positions.copy()
        a = pos["sku"] == "A"
        store = a & (pos["location_type"] == "store")
        pos.loc[store, ["position", "reorder_point", "order_up_to"]] = [store_position, 0.0, 0.0]
        dc = a & (pos["location_id"] == "DC1")
        s = float(pos.loc[dc, "reorder_point"].iloc[0])
        pos.loc[dc, ["on_hand", "position", "order_up_to"]] = [s - 1, s - 1, s + 5]
        terms = data.item_suppliers.assign(
            moq=np.where(data.item_suppliers["sku"] == "A", moq, data.item_suppliers["moq"])
        )
        params = p.params if skip is None else replace(p.params, moq_round_up_or_skip=skip)
        orders = replenishment_orders(
            replace(p, positions=pos, params=params), replace(data, item_suppliers=terms)
        )
        buy = orders[(orders["sku"] == "A") & (orders["location_id"] == "DC1")]
        return int(buy["qty"].sum())

    # Its stores hold plenty: a week more without the 600 loses almost nothing; wait (the
    # default).
    assert dc_order(200.0) == 0
    assert dc_order(200.0, skip=False) == 600
    # Its stores are empty: waiting would lose sales; the MOQ goes now.
    assert dc_order(0.0) == 600
    # The MOQ does not raise the order: ordered as the need asks, whatever the stores hold.
    assert dc_order(200.0, moq=0) == dc_order(200.0, skip=False, moq=0) > 0


def test_a_line_waiting_for_an_moq_round_up_is_listed_with_the_two_costs_and_why() -> None:
    """The MOQ round-up or skip leaves no order; `routine_review` and `plan_order_list` list
    the line that waits (`MOQ_WAIT_COLUMNS`): its position, reorder point, need, the MOQ and
    the two costs compared, with a reason. Ordered now (stores empty), it is not listed."""
    from dataclasses import replace

    from planning.params import PlanParams
    from planning.replenish import MOQ_WAIT_COLUMNS, plan_order_list, routine_review
    from tests.conftest import small_network

    data = small_network()
    p = plan(data, params=PlanParams(history_days=56))

    def review(store_position: float, *, skip: bool = True):
        pos = p.positions.copy()
        a = pos["sku"] == "A"
        store = a & (pos["location_type"] == "store")
        pos.loc[store, ["position", "reorder_point", "order_up_to"]] = [store_position, 0.0, 0.0]
        dc = a & (pos["location_id"] == "DC1")
        s = float(pos.loc[dc, "reorder_point"].iloc[0])
        pos.loc[dc, ["on_hand", "position", "order_up_to"]] = [s - 1, s - 1, s + 5]
        terms = data.item_suppliers.assign(
            moq=np.where(data.item_suppliers["sku"] == "A", 600, data.item_suppliers["moq"])
        )
        params = replace(p.params, moq_round_up_or_skip=skip)
        return replace(p, positions=pos, params=params), replace(data, item_suppliers=terms), s

    the_plan, the_data, s = review(200.0)
    orders, waiting = routine_review(the_plan, the_data)
    assert list(waiting.columns) == list(MOQ_WAIT_COLUMNS)
    assert not ((orders["sku"] == "A") & (orders["location_id"] == "DC1")).any()
    w = waiting[(waiting["sku"] == "A") & (waiting["location_id"] == "DC1")]
    assert len(w) == 1
    line = w.iloc[0]
    assert line["position"] == s - 1 and line["reorder_point"] == s
    assert line["need"] == 6 and line["moq"] == 600 and line["qty"] == 600
    assert 0 <= line["cost_of_waiting"] < line["cost_of_holding_moq"]
    assert line["supplier_id"] and "MOQ" in line["reason"] and "no order" in line["reason"]
    listed, listed_waiting = plan_order_list(the_plan, the_data)
    assert listed.equals(plan_orders(the_plan, the_data))
    assert ((listed_waiting["sku"] == "A") & (listed_waiting["location_id"] == "DC1")).sum() == 1
    # Stores empty: the MOQ goes now, nothing waits; with the rule off nothing ever waits.
    assert routine_review(*review(0.0)[:2])[1].empty
    assert routine_review(*review(200.0, skip=False)[:2])[1].empty


def test_the_moq_wait_is_decided_by_the_one_rule_in_policy(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The review's MOQ round-up or skip is `planning.policy.moq_order_beats_waiting` itself,
    not a copy of it: a rule that always orders leaves nothing waiting, and the MOQ goes."""
    from dataclasses import replace

    import planning.replenish as replenish
    from planning.params import PlanParams
    from planning.replenish import routine_review
    from tests.conftest import small_network

    data = small_network()
    p = plan(data, params=PlanParams(history_days=56))
    pos = p.positions.copy()
    a = pos["sku"] == "A"
    store = a & (pos["location_type"] == "store")
    pos.loc[store, ["position", "reorder_point", "order_up_to"]] = [200.0, 0.0, 0.0]
    dc = a & (pos["location_id"] == "DC1")
    s = float(pos.loc[dc, "reorder_point"].iloc[0])
    pos.loc[dc, ["on_hand", "position", "order_up_to"]] = [s - 1, s - 1, s + 5]
    terms = data.item_suppliers.assign(
        moq=np.where(data.item_suppliers["sku"] == "A", 600, data.item_suppliers["moq"])
    )
    the_plan = replace(p, positions=pos, params=replace(p.params, moq_round_up_or_skip=True))
    the_data = replace(data, item_suppliers=terms)
    at_dc = ("A", "DC1")

    def dc_lines(frame: pd.DataFrame) -> pd.DataFrame:
        return frame[(frame["sku"] == at_dc[0]) & (frame["location_id"] == at_dc[1])]

    calls: list[int] = []
    rule = replenish.moq_order_beats_waiting

    def spy(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(1)
        return rule(*args, **kwargs)

    monkeypatch.setattr(replenish, "moq_order_beats_waiting", spy)
    orders, waiting = routine_review(the_plan, the_data)
    assert calls and len(dc_lines(waiting)) == 1 and dc_lines(orders).empty

    def always_order(*args, **kwargs):  # type: ignore[no-untyped-def]
        return np.ones(len(np.atleast_1d(kwargs["qty"])), dtype=bool)

    monkeypatch.setattr(replenish, "moq_order_beats_waiting", always_order)
    orders, waiting = routine_review(the_plan, the_data)
    assert waiting.empty
    assert int(dc_lines(orders)["qty"].sum()) == 600
