"""The double-ordering and sanity rules of `planning.coverage`, on arrays of drafted actions."""

from __future__ import annotations

import numpy as np
import pytest

from planning.coverage import (
    above_max_cover,
    days_of_cover_after,
    quantity_left_to_order,
    shortage_window,
    uncovered_need,
    unmet_in_window,
)


def test_uncovered_need_is_up_to_s_or_the_shortfall_before_the_next_order():
    need = uncovered_need(
        order_up_to=[100.0, 100.0, 100.0, 50.0, 50.0],
        position=[60.0, 85.0, 140.0, 80.0, 80.0],
        unmet_in_window=[0.0, 0.0, 0.0, 0.0, 12.0],
    )
    # Up to S; nothing above S; a run-out before the next order is a need even above S.
    np.testing.assert_allclose(need, [40.0, 15.0, 0.0, 0.0, 12.0])


def test_unmet_in_window_counts_supply_on_its_arrival_day():
    demand = np.full((3, 10), 5.0)
    receipts = np.zeros((3, 10))
    receipts[1, 1] = 30.0  # 30 units arrive on day 2
    receipts[2, 7] = 30.0  # ... or on day 8, after the window
    unmet = unmet_in_window([10.0, 10.0, 10.0], receipts, demand, [5, 5, 5])
    # 25 units of demand over 5 days against 10 on hand: 15 short, unless the 30 arrive on day 2.
    np.testing.assert_allclose(unmet, [15.0, 0.0, 15.0])


def test_a_second_order_for_a_covered_need_orders_nothing():
    # Thread one drafted the 40 the store needed; with it counted the need is 0.
    need = uncovered_need(order_up_to=100.0, position=60.0 + 40.0, unmet_in_window=0.0)
    assert quantity_left_to_order(40, need, supply_since=40.0).tolist() == 0


def test_a_second_order_for_a_partly_covered_need_orders_the_remainder():
    need = uncovered_need([100.0] * 3, [60.0 + 25, 60.0 + 39.5, 60.0 + 25], [0.0] * 3)
    left = quantity_left_to_order([40, 40, 10], need, supply_since=[25.0, 39.5, 25.0])
    # 15 left; 0.5 left rounds up to a whole unit; a draft smaller than the remainder stays.
    assert left.tolist() == [15, 1, 10]


def test_without_supply_since_the_snapshot_the_draft_is_left_as_it_is():
    # The first draft is not this rule's business, even above its need (the warnings are).
    left = quantity_left_to_order([40, 500, 7], [40.0, 40.0, 0.0], supply_since=[0.0, 0.0, 0.0])
    assert left.tolist() == [40, 500, 7]


def test_a_purchase_order_remainder_stays_a_valid_order():
    # 15 left, case pack 6 -> 18; with an MOQ of 24 -> 24; never more than drafted; covered -> 0.
    left = quantity_left_to_order(
        [48, 48, 12, 48],
        [15.0, 15.0, 15.0, 0.0],
        supply_since=[25.0, 25.0, 25.0, 48.0],
        case_pack=[6, 6, 6, 6],
        moq=[0, 24, 0, 24],
    )
    assert left.tolist() == [18, 24, 12, 0]


@pytest.mark.parametrize("seed", [3, 11, 2026])
def test_a_second_order_never_takes_the_target_beyond_its_need(seed):
    rng = np.random.default_rng(seed)
    n = 400
    s = rng.uniform(0, 200, n)
    pos = rng.uniform(-20, 200, n)
    supply = rng.choice([0.0, 1.0, 17.5, 60.0, 250.0], n)
    unmet = np.where(rng.random(n) < 0.2, rng.uniform(0, 40, n), 0.0)
    qty = rng.integers(1, 300, n)
    need = uncovered_need(s, pos + supply, unmet)
    left = quantity_left_to_order(qty, need, supply)
    other = supply > 0
    assert (left <= qty).all()
    assert (left[~other] == qty[~other]).all()
    assert (left[other] <= np.ceil(need[other] - 1e-9)).all()
    assert (left[other & (need == 0)] == 0).all()
    # With the supply since counted, the target ends at most one unit above S or its shortfall.
    end = (pos + supply + left)[other]
    assert (end <= np.maximum(s, pos + supply + unmet)[other] + 1).all()


def test_days_of_cover_after_an_order_extrapolates_past_the_horizon():
    demand = np.array([[5.0] * 28, [0.0] * 28, [5.0] * 28])
    days = days_of_cover_after([2000.0, 10.0, -4.0], demand)
    assert days[0] == pytest.approx(400.0)  # the 2,000-unit PO for a store selling 5 a day
    assert np.isinf(days[1])  # stock where nothing is forecast to sell
    assert days[2] == 0.0


def test_above_max_cover_compares_with_each_class_limit():
    flagged = above_max_cover([400.0, 59.0, 60.0, 61.0, np.inf], [120, 60, 60, 60, 120])
    assert flagged.tolist() == [True, False, False, True, True]


def test_unmet_on_a_promotion_day_counts_wherever_it_falls():
    demand = np.full((2, 20), 5.0)
    demand[:, 14:17] = 20.0  # a promotion on days 15-17, after the 9-day window
    promo = np.zeros((2, 20), dtype=bool)
    promo[:, 14:17] = True
    receipts = np.zeros((2, 20))
    receipts[1, 9] = 200.0  # row 1 gets a delivery before the promotion
    unmet = unmet_in_window([50.0, 50.0], receipts, demand, [9, 9], promo)
    # Row 0: 50 on hand cover days 1-9 (45), then nothing: the promotion's 60 are short.
    np.testing.assert_allclose(unmet, [60.0, 0.0])
    np.testing.assert_allclose(unmet_in_window([50.0, 50.0], receipts, demand, [9, 9]), [0, 0])


def test_a_run_out_after_the_lead_time_is_a_need_only_below_the_reorder_point():
    window = shortage_window(
        lead_time=[2, 2, 0, 10], review_period=7, position=[5.0, 30.0, 5.0, 100.0],
        reorder_point=[10.0, 10.0, 10.0, 90.0],
    )  # fmt: skip
    # Below the reorder point: the protection interval L + R - 1 (at least 1 day).
    assert window.tolist() == [8, 2, 7, 10]


def test_what_runs_short_before_the_order_could_arrive_is_no_need_it_can_fill():
    demand = np.full((1, 10), 5.0)
    receipts = np.zeros((1, 10))
    # 4 on hand: day 1 is 1 short and days 2-5 are 20 short; an order arriving on day 2 can
    # fill only the latter.
    assert unmet_in_window([4.0], receipts, demand, [5]).tolist() == [21.0]
    assert unmet_in_window([4.0], receipts, demand, [5], first_day=[2]).tolist() == [20.0]
    assert unmet_in_window([4.0], receipts, demand, [5], first_day=[7]).tolist() == [0.0]
