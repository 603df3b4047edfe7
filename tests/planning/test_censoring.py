"""Stockout days are not demand: known from the inventory history or suspected from the sales."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest

from planning.censoring import (
    EMPTY_SHELF_MAX_DAYS,
    abandoned_shelf_runs,
    censor,
    empty_shelf_runs,
    inventory_days,
    phantom_runs,
    stockout_days,
    suspect_stockouts,
    trailing_run,
)
from planning.engine import plan
from planning.forecast import forecast_batch
from planning.policy import ended_safety_stock
from tests.conftest import small_network

START = date(2024, 1, 1)


def test_suspect_runs_are_long_for_the_series_and_between_sales_only():
    x = np.array([[1, 0, 2] + [0] * 9 + [1, 1, 0, 0, 0] + [1] * 20 + [0] * 10], dtype=float)
    between, trailing = suspect_stockouts(x)
    # Sells on 23 of 37 days: 9 days without a sale is under 1 in 1,000; 1 and 3 are usual.
    assert np.flatnonzero(between[0]).tolist() == list(range(3, 12))
    assert trailing.tolist() == [10]  # counted, not left out: it may be an end of life


@pytest.mark.parametrize("gap", [6, 20])
def test_a_slow_seller_gap_or_a_short_one_is_not_suspect(gap):
    slow = np.zeros((1, 200))
    slow[0, ::25] = 1  # sells every 25 days: a 24-day gap is its usual
    short = np.ones((1, 60))
    short[0, 20 : 20 + min(gap, 6)] = 0  # under MIN_SUSPECT_DAYS
    assert not suspect_stockouts(slow)[0].any()
    assert not suspect_stockouts(short)[0].any()


def test_excluded_days_neither_count_nor_break_a_run():
    x = np.ones((1, 60))
    x[0, 20:30] = 0
    x[0, 24] = np.nan  # a promotion day, say: not measured
    between, _ = suspect_stockouts(x)
    assert between[0, 20:30].sum() == 9 and not between[0, 24]


def test_stockout_days_come_from_flags_or_on_hand_at_or_below_zero():
    keys = pd.DataFrame({"sku": ["A", "A", "B"], "location_id": ["S1", "S2", "S1"]})
    history = pd.DataFrame(
        {
            "date": pd.to_datetime(["2024-01-02", "2024-01-03", "2024-01-04", "2024-01-02"]),
            "sku": ["A", "A", "A", "B"],
            "location_id": ["S1", "S1", "S1", "S1"],
            "on_hand": [0.0, -2.0, 5.0, np.nan],
            "stockout": [False, False, False, True],
        }
    )
    mask, covered = stockout_days(history, keys, START, START + timedelta(days=4))
    assert mask.astype(int).tolist() == [[0, 1, 1, 0, 0], [0, 0, 0, 0, 0], [0, 1, 0, 0, 0]]
    assert covered.tolist() == [True, False, True]
    out, recorded = inventory_days(history, keys, START, START + timedelta(days=4))
    np.testing.assert_array_equal(out, mask)
    # A recorded day that is not a stockout is in stock (A@S1 on 4 Jan: on hand 5).
    assert (recorded & ~out).astype(int).tolist() == [[0, 0, 0, 1, 0], [0] * 5, [0] * 5]


def _censored_history(seed: int, n: int = 600, t_len: int = 730):
    """Poisson demand at a constant rate per series, sold only while in stock (~10 % of days)."""
    rng = np.random.default_rng(seed)
    rate = rng.gamma(1.5, 2.0, n)
    demand = rng.poisson(rate[:, None] * np.ones((1, t_len))).astype(float)
    out = np.zeros((n, t_len), dtype=bool)
    for i, t in zip(*np.nonzero(rng.random((n, t_len)) < 1 / 150), strict=True):
        out[i, t : t + rng.integers(5, 31)] = True
    return rate, np.where(out, 0.0, demand), out


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_censoring_stockouts_removes_the_forecast_bias_they_caused(seed):
    rate, sales, out = _censored_history(seed)
    truth = rate.sum() * 28

    def bias(history: np.ndarray) -> float:
        return float(forecast_batch(history, 28, start=START).mean.sum() / truth - 1)

    old = bias(sales)  # stockout days read as zero demand
    known = bias(censor(sales, out))  # the inventory history's stockout days left out
    suspect, _ = suspect_stockouts(sales)
    guessed = bias(censor(sales, suspect))  # no inventory history: suspect runs left out
    assert old < -0.08
    assert abs(known) < 0.02
    assert old < guessed < 0.0 and abs(guessed) < 0.8 * abs(old)


def test_an_empty_shelf_at_the_snapshot_censors_the_run_since_the_last_sale():
    x = np.array(
        [
            [3, 0, 2, 0, 0, 0],  # 0 on hand: the 3 days since the last sale are censored
            [3, 0, 2, 0, 0, 0],  # on the shelf: a run like any other
            [3, 0, 2, 0, 0, 0],  # on hand not known
            [0, 0, 0, 0, 0, 0],  # never sold: nothing to censor toward
            [3, 0, 2, 0, 0, 4],  # sold on the snapshot's day: no run
        ],
        dtype=float,
    )
    out = empty_shelf_runs(x, np.array([0.0, 5.0, np.nan, -1.0, 0.0]))
    assert out[0].tolist() == [False, False, False, True, True, True]
    assert not out[1:].any()
    with pytest.raises(ValueError, match="on_hand"):
        empty_shelf_runs(x, np.zeros(3))


def test_a_shelf_empty_for_longer_than_restocking_takes_is_not_a_stockout():
    # Sold out 70 days ago and never restocked: an item nobody reorders, read as before.
    x = np.zeros((2, 200))
    x[:, :130:2] = 3.0
    x[1, 129] = 0.0
    x[1, 150] = 3.0  # the last sale 49 days before the snapshot: within the limit
    out = empty_shelf_runs(x, np.zeros(2), max_days=56)
    assert not out[0].any()
    assert out[1].sum() == 49
    # The longer run is the shelf nobody restocks: evidence that the demand ended.
    gone = abandoned_shelf_runs(x, np.zeros(2), max_days=56)
    assert gone[0].sum() == 71 and gone[0, 129:].all() and not gone[1].any()
    assert not abandoned_shelf_runs(x, np.array([5.0, np.nan]), max_days=56).any()


def _stockout_network(
    with_history: bool,
    on_hand_at_end: float = 0.0,
    *,
    stopped_everywhere: bool = False,
    snapshot_on_hand: float | None = None,
    run: int = 20,
):
    """The small network with A@S1 without a sale for its last `run` days: out of stock (0 on
    hand in the history) or, with `on_hand_at_end` > 0, on the shelf without a sale — while
    A sells at S2, or, `stopped_everywhere`, with no sale of A anywhere in those days."""
    net = small_network()
    as_of = pd.Timestamp(net.inventory["as_of_date"].max())
    days = pd.date_range(as_of - pd.Timedelta(days=364), as_of, freq="D")
    rng = np.random.default_rng(9)
    units = rng.poisson(6.0, len(days))
    units[-run:] = 0
    sales = pd.concat(
        [
            net.sales[~((net.sales["sku"] == "A") & (net.sales["location_id"] == "S1"))],
            pd.DataFrame({"date": days, "sku": "A", "location_id": "S1", "units": units}),
        ],
        ignore_index=True,
    )
    if stopped_everywhere:
        late = (sales["sku"] == "A") & (pd.to_datetime(sales["date"]) > days[-run - 1])
        sales = sales[~late]
    history = net.inventory_history.iloc[:0]
    if with_history:
        history = pd.DataFrame(
            {
                "date": days,
                "sku": "A",
                "location_id": "S1",
                "on_hand": np.r_[np.full(len(days) - run, 30.0), np.full(run, on_hand_at_end)],
                "stockout": False,
            }
        )
    inventory = net.inventory
    if snapshot_on_hand is not None:
        at = (inventory["sku"] == "A") & (inventory["location_id"] == "S1")
        inventory = inventory.assign(on_hand=inventory["on_hand"].where(~at, snapshot_on_hand))
    return dataclasses.replace(
        net,
        sales=sales,
        inventory=inventory,
        inventory_history=history,
        promotions=net.promotions.iloc[:0],
    )


def test_the_engine_leaves_out_known_stockouts_and_says_so():
    without = plan(_stockout_network(False))
    known = plan(_stockout_network(True))
    row = known.row_of("A", "S1")
    assert row is not None and row == without.row_of("A", "S1")
    rate_known = known.positions.loc[row, "forecast_daily"]
    rate_without = without.positions.loc[row, "forecast_daily"]
    assert rate_known == pytest.approx(6.0, rel=0.15)
    assert rate_without < 0.7 * rate_known  # the old reading: 20 days of zero demand
    assert known.stockout_evidence is not None and without.stockout_evidence is not None
    assert known.stockout_evidence["stockout_days_excluded"][row] == 20
    assert known.stockout_evidence["inventory_history"][row] == 1
    # Without history the 20-day run up to today is suspect but kept (it may be the end).
    assert without.stockout_evidence["trailing_suspect_days"][row] == 20
    assert without.stockout_evidence["stockout_days_excluded"][row] == 0


def test_without_history_an_empty_shelf_now_makes_the_run_to_it_a_stockout():
    # No inventory history, but the snapshot says A@S1 has nothing on hand: the 20 days since
    # its last sale sold nothing because nothing was there, so they are left out as a stockout.
    empty = plan(_stockout_network(False, snapshot_on_hand=0.0))
    row = empty.row_of("A", "S1")
    assert row is not None
    assert empty.positions.loc[row, "forecast_daily"] == pytest.approx(6.0, rel=0.15)
    assert empty.stockout_evidence is not None
    assert empty.stockout_evidence["stockout_days_excluded"][row] == 20
    assert empty.stockout_evidence["suspect_stockout_days"][row] == 20
    assert empty.stockout_evidence["trailing_suspect_days"][row] == 0


def test_the_engine_reads_a_run_without_sales_in_stock_as_the_end_of_demand():
    stockout = plan(_stockout_network(True))
    stopped = plan(_stockout_network(True, on_hand_at_end=30.0, stopped_everywhere=True))
    row = stopped.row_of("A", "S1")
    assert row is not None and row == stockout.row_of("A", "S1")
    assert stockout.positions.loc[row, "forecast_daily"] == pytest.approx(6.0, rel=0.15)
    # 20 days on the shelf without a sale at ~6 a day: the demand stopped, nothing to reorder.
    assert stopped.positions.loc[row, "forecast_daily"] < 0.01
    assert stopped.stockout_evidence is not None
    assert stopped.stockout_evidence["stockout_days_excluded"][row] == 0


def _reordered(p, sku: str, location: str) -> float:
    """Return the units the plan recommends moving or buying for `sku` at `location`."""
    at = p.exceptions[(p.exceptions["sku"] == sku) & (p.exceptions["location"] == location)]
    return float(at["rec_qty"].sum()) if "rec_qty" in at else 0.0


@pytest.mark.parametrize(
    "how",
    ["sold out and not restocked, no inventory history", "stopped on the shelf, recorded"],
)
def test_a_discontinued_item_is_no_longer_forecast_nor_reordered(how):
    # A@S1 sold ~6 a day and was discontinued: no sale of A anywhere since. Either the store
    # sold it out and nobody restocked it for longer than restocking takes (no inventory
    # history, nothing on hand at the snapshot), or it stopped selling with stock on the shelf
    # (the history records it in stock). Its forecast and its buffer fall to 0, and nothing
    # is reordered: its one-day error, measured while it sold, kept a safety stock of ~22
    # units that a transfer refilled.
    if how.startswith("sold out"):
        run = EMPTY_SHELF_MAX_DAYS + 14
        net = _stockout_network(False, stopped_everywhere=True, snapshot_on_hand=0.0, run=run)
    else:
        net = _stockout_network(True, on_hand_at_end=30.0, stopped_everywhere=True)
    p = plan(net)
    row = p.row_of("A", "S1")
    assert row is not None
    position = p.positions.loc[row]
    assert position["forecast_daily"] < 0.01
    assert position["safety_stock"] == 0.0
    assert position["reorder_point"] < 0.01 and position["order_up_to"] < 0.01
    assert _reordered(p, "A", "S1") == 0
    # Within restocking time the same empty shelf is a stockout: the item is forecast and
    # refilled as before.
    waiting = plan(_stockout_network(False, stopped_everywhere=True, snapshot_on_hand=0.0))
    assert waiting.positions.loc[row, "forecast_daily"] == pytest.approx(6.0, rel=0.15)
    assert _reordered(waiting, "A", "S1") > 0


def test_an_empty_shelf_with_stock_on_its_way_keeps_its_safety_stock():
    # The same long run to an empty shelf, but a transfer to it is in transit: somebody
    # restocks it, so it is no discontinued item and keeps the buffer it had before.
    run = EMPTY_SHELF_MAX_DAYS + 14
    net = _stockout_network(False, stopped_everywhere=True, snapshot_on_hand=0.0, run=run)
    inbound = net.transfers.assign(transfer_id="T9", to_location="S1", qty=40)
    net = dataclasses.replace(net, transfers=pd.concat([net.transfers, inbound]))
    p = plan(net)
    row = p.row_of("A", "S1")
    assert row is not None
    assert p.positions.loc[row, "in_transit"] == 40
    assert p.positions.loc[row, "safety_stock"] > 0


def test_an_items_safety_stock_is_0_where_its_end_is_likelier_than_the_service_allows():
    safety = ended_safety_stock([10.0, 10.0, 10.0], [1.0, 0.05, 0.04], [0.95, 0.95, 0.96])
    assert safety.tolist() == [10.0, 0.0, 0.0]


def test_a_store_that_stops_selling_what_sells_elsewhere_has_phantom_stock_not_an_end():
    # 20 days "on the shelf" at S1 without a sale at ~6 a day while A sells at S2: the record
    # is wrong (the phantom-stock exception says count it), so the run is censored like a
    # stockout: the forecast keeps its rate, and no overstock or forecast bias is invented.
    net = _stockout_network(True, on_hand_at_end=30.0)
    assert (net.sales[(net.sales["sku"] == "A") & (net.sales["location_id"] == "S2")]
            ["date"].max() >= net.sales["date"].max())  # fmt: skip
    p = plan(net)
    row = p.row_of("A", "S1")
    assert row is not None
    assert p.positions.loc[row, "forecast_daily"] == pytest.approx(6.0, rel=0.15)
    assert p.stockout_evidence is not None
    assert p.stockout_evidence["stockout_days_excluded"][row] == 20
    at = p.exceptions[(p.exceptions["sku"] == "A") & (p.exceptions["location"] == "S1")]
    assert "inventory_anomaly" in set(at["type"].astype(str))
    assert not {"overstock", "forecast_bias"} & set(at["type"].astype(str))


def test_phantom_runs_need_the_record_in_stock_an_improbable_run_and_a_sale_elsewhere():
    t = 60
    fast = np.r_[np.full(t - 15, 5.0), np.zeros(15)]
    other = np.full(t, 3.0)
    stocked = np.ones((2, t), dtype=bool)
    group = np.array(["A", "A"])
    runs = phantom_runs(np.vstack([fast, other]), stocked, group)
    assert np.flatnonzero(runs[0]).tolist() == list(range(t - 15, t))
    assert not runs[1].any()
    # The same run with the SKU silent everywhere: an end of life, not phantom stock.
    silent = np.vstack([fast, np.r_[np.full(t - 15, 3.0), np.zeros(15)]])
    assert not phantom_runs(silent, stocked, group).any()
    # Another SKU's sales are no evidence.
    assert not phantom_runs(np.vstack([fast, other]), stocked, np.array(["A", "B"])).any()
    # A day the record does not call in stock: a stockout or unknown, not phantom stock.
    gap = stocked.copy()
    gap[0, -3] = False
    assert not phantom_runs(np.vstack([fast, other]), gap, group)[0].any()
    # A slow seller's run is not improbable: 0.2 a day, 15 days without a sale is 5 %.
    slow = np.r_[np.tile([1.0, 0, 0, 0, 0], (t - 15) // 5), np.zeros(15)]
    assert not phantom_runs(np.vstack([slow, other]), stocked, group).any()
    # Shorter than the minimum: never.
    short = np.r_[np.full(t - 5, 50.0), np.zeros(5)]
    assert not phantom_runs(np.vstack([short, other]), stocked, group).any()


@pytest.mark.parametrize("rows", [0, 1, 3])
def test_a_history_of_no_days_has_no_trailing_run_and_no_empty_shelf(rows):
    run, rate, last = trailing_run(np.zeros((rows, 0)))
    assert run.tolist() == [0] * rows
    assert rate.tolist() == [0.0] * rows
    assert last.tolist() == [-1] * rows
    assert empty_shelf_runs(np.zeros((rows, 0)), np.zeros(rows)).shape == (rows, 0)
    assert abandoned_shelf_runs(np.zeros((rows, 0)), np.zeros(rows)).shape == (rows, 0)
