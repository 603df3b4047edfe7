"""Tests of the policy math, each against a hand computation."""

import numpy as np
import pytest

from planning.policy import (
    days_of_cover,
    lot_scale_within,
    mean_first_days,
    normal_loss,
    order_up_to,
    project_on_hand,
    reorder_point,
    round_up_to_pack,
    safety_stock,
    window_sum,
    z_value,
)


def test_z_value():
    assert z_value(0.95) == pytest.approx(1.6449, abs=1e-4)
    assert z_value(0.5) == pytest.approx(0.0)
    with pytest.raises(ValueError):
        z_value(1.0)


def test_safety_stock_rop_order_up_to():
    # d=10, sigma=3, L=4, sigma_L=1, z=1.645: SS = 1.645 * sqrt(4*9 + 100*1) = 1.645 * 11.662
    ss = safety_stock(10.0, 3.0, 4, 1.0, 1.645)
    assert ss == pytest.approx(19.184, abs=1e-3)
    # ROP = 10*4 + 19.184 = 59.184; S = 10*(4+7) + 19.184 = 129.184
    assert reorder_point(10.0, 4, ss) == pytest.approx(59.184, abs=1e-3)
    assert order_up_to(10.0, 4, 7, ss) == pytest.approx(129.184, abs=1e-3)
    # Vectorised, sigma_L = 0: SS = z * sigma * sqrt(L) = 2 * 2 * sqrt(9) = 12
    out = safety_stock(np.array([5.0, 0.0]), np.array([2.0, 0.0]), np.array([9, 3]), 0.0, 2.0)
    np.testing.assert_allclose(out, [12.0, 0.0])


def test_project_on_hand_by_hand():
    # On hand 5, demand 3/day, 10 units arrive on day 3.
    # day1: 5-3=2; day2: 2 of 3 sold, 1 unmet, 0 left; day3: +10, 10-3=7; day4: 4; day5: 1
    # Lost sales are not backfilled: day 2's unmet unit stays lost.
    demand = np.full((1, 5), 3.0)
    receipts = np.zeros((1, 5))
    receipts[0, 2] = 10
    p = project_on_hand(np.array([5.0]), receipts, demand)
    np.testing.assert_allclose(p.on_hand[0], [2, 0, 7, 4, 1])
    np.testing.assert_allclose(p.unmet[0], [0, 1, 0, 0, 0])
    assert p.first_unmet_day[0] == 2


def test_project_on_hand_negative_start_and_no_shortage():
    demand = np.array([[1.0, 1.0, 1.0], [2.0, 2.0, 2.0]])
    receipts = np.zeros((2, 3))
    # Row 0 starts at -4 -> treated as 0, every day unmet; row 1 has 10, never short.
    p = project_on_hand(np.array([-4.0, 10.0]), receipts, demand)
    np.testing.assert_allclose(p.on_hand, [[0, 0, 0], [8, 6, 4]])
    np.testing.assert_allclose(p.unmet, [[1, 1, 1], [0, 0, 0]])
    np.testing.assert_array_equal(p.first_unmet_day, [1, 0])


def test_project_on_hand_many_blocks_matches_loop():
    rng = np.random.default_rng(0)
    n, h = 40_000, 9  # more rows than one block
    demand = rng.uniform(0, 5, (n, h))
    receipts = np.where(rng.random((n, h)) < 0.1, 20.0, 0.0)
    start = rng.uniform(-2, 30, n)
    p = project_on_hand(start, receipts, demand)
    stock = np.maximum(start, 0)
    for j in range(h):
        stock = stock + receipts[:, j]
        sold = np.minimum(stock, demand[:, j])
        np.testing.assert_allclose(p.unmet[:, j], demand[:, j] - sold, atol=1e-9)
        stock = stock - sold
        np.testing.assert_allclose(p.on_hand[:, j], stock, atol=1e-9)


def test_days_of_cover():
    demand = np.array([[2.0, 2.0, 2.0, 2.0], [1.0, 1.0, 1.0, 1.0], [0.0, 0.0, 0.0, 0.0]])
    # Row 0: 5 units -> days 1,2 fully (4), day 3 half -> 2.5. Row 1: 10 units, capped at H=4.
    # Row 2: no demand -> capped at 4.
    np.testing.assert_allclose(days_of_cover(np.array([5.0, 10.0, 3.0]), demand), [2.5, 4, 4])
    # Extrapolated: row 1 has 6 left after day 4 at 1/day -> 4 + 6 = 10; row 2 infinite.
    ext = days_of_cover(np.array([5.0, 10.0, 3.0]), demand, extrapolate=True)
    np.testing.assert_allclose(ext, [2.5, 10.0, np.inf])
    assert days_of_cover(np.array([0.0]), demand[:1])[0] == 0.0


def test_mean_first_days_and_window_sum():
    demand = np.array([[1.0, 2.0, 3.0, 4.0]])
    # mean over first 3 days = (1+2+3)/3 = 2; over 9 days is clipped to 4 -> 2.5
    assert mean_first_days(demand, 3)[0] == pytest.approx(2.0)
    assert mean_first_days(demand, 9)[0] == pytest.approx(2.5)
    np.testing.assert_allclose(window_sum(np.vstack([demand, demand]), [2, 0]), [3.0, 0.0])


def test_normal_loss():
    # G(0) = phi(0) = 0.39894; G(1) = 0.24197 - 1 * 0.15866 = 0.08332
    np.testing.assert_allclose(normal_loss([0.0, 1.0]), [0.398942, 0.083315], atol=1e-6)
    # G(-2) = G(2) + 2 = 0.008491 + 2
    assert normal_loss(-2.0) == pytest.approx(2.008491, abs=1e-6)


def test_round_up_to_pack():
    # need 75, MOQ 100 -> 100 -> 9 packs of 12 = 108; need 130, MOQ 100 -> 11 packs = 132
    np.testing.assert_array_equal(round_up_to_pack([75, 130, 0, 12], 12, 100), [108, 132, 0, 108])
    assert round_up_to_pack(7, 6, 0) == 12
    assert round_up_to_pack(6, 6, 0) == 6


def test_protection_interval_is_lead_time_plus_review_less_one():
    # Ordered at a review, it lands on day L; the next review's order lands on day L + R and
    # sells that day: this order carries days 1..L + R - 1.
    from planning.policy import protection_days

    np.testing.assert_array_equal(protection_days([1, 2, 10], 7), [7, 8, 16])
    assert protection_days(0, 1) == 1


def test_interval_sigma_adds_the_level_error():
    from planning.policy import interval_sigma

    # sigma 2, k = 8 days: alpha 0 -> 2 * sqrt(8); alpha 0.2 -> 2 * sqrt(8 * (1 + 8 * 0.2 / 1.8)).
    assert interval_sigma(2.0, 0.0, 8) == pytest.approx(2 * np.sqrt(8))
    assert interval_sigma(2.0, 0.2, 8) == pytest.approx(2 * np.sqrt(8 * (1 + 1.6 / 1.8)))


def test_economic_service_level_and_order_quantity():
    from planning.policy import economic_order_quantity, economic_service_level

    # margin 4, holding 0.01/day over R 7 -> 4 / 4.07; capped at 0.95.
    assert economic_service_level(4.0, 0.01, 7, 0.999) == pytest.approx(4 / 4.07)
    assert economic_service_level(4.0, 0.01, 7, 0.95) == pytest.approx(0.95)
    assert economic_service_level(0.0, 0.01, 7, 0.99) == 0.0
    # EOQ = sqrt(2 * 5 * 10 / 0.02) = sqrt(5000)
    assert economic_order_quantity(5.0, 10.0, 0.02) == pytest.approx(np.sqrt(5000))
    assert economic_order_quantity(5.0, 10.0, 0.0) == 0.0


def test_order_cycle_days_is_how_long_one_order_lasts():
    from planning.policy import order_cycle_days

    # d 10/day, R 7: no lot -> 7 days; a lot of 70 -> 7 + 7; an MOQ of 300 -> 30 days; d 0 -> R.
    np.testing.assert_allclose(
        order_cycle_days(7, [0.0, 70.0, 70.0, 50.0], [10.0, 10.0, 10.0, 0.0], [0, 0, 300, 500]),
        [7.0, 14.0, 30.0, 7.0],
    )
    # An MOQ smaller than the lot changes nothing.
    assert order_cycle_days(7, 70.0, 10.0, 50.0) == pytest.approx(14.0)


def test_spare_stock_is_the_one_hold_back_rule():
    from planning.policy import spare_stock

    # A DC shipping to its own store ships all it holds; any other move keeps the SS.
    np.testing.assert_array_equal(
        spare_stock([60.0, 60.0, 10.0, -3.0], [50.0, 50.0, 50.0, 0.0], [True, False, False, True]),
        [60.0, 10.0, 0.0, 0.0],
    )


def test_an_moq_round_up_waits_a_review_when_the_holding_outweighs_the_shortage_it_risks() -> None:
    """`moq_order_beats_waiting`: order the MOQ now, or skip to the next review."""
    from planning.policy import moq_order_beats_waiting

    common = dict(
        daily=np.array([2.0, 2.0, 2.0, 2.0]),
        sigma=np.array([1.0, 1.0, 1.0, 1.0]),
        lead_time=np.array([7.0, 7.0, 7.0, 7.0]),
        lead_time_std=np.zeros(4),
        review=7,
        holding_per_day=np.full(4, 0.01),
        shortage_cost=np.full(4, 2.0),
    )
    keep = moq_order_beats_waiting(
        # 200 units for a need of 10: R days of holding on 200 units (14) against the margin
        # of what a week more exposure loses. Row 0: a position of 40 covers the 26 units of
        # L + R − 1 = 13 days and most of 20 days' 40 (about 1.9 short: 3.8 < 14): wait.
        # Row 1: a position of 20: about 14 more units short in the extra week (28 > 14):
        # order. Row 2: no MOQ round-up (qty = lot): order. Row 3: holding a tenth (1.4 < 3.8):
        # order.
        qty=np.array([200.0, 200.0, 10.0, 200.0]),
        lot=np.array([10.0, 10.0, 10.0, 10.0]),
        position=np.array([40.0, 20.0, 40.0, 40.0]),
        **{**common, "holding_per_day": np.array([0.01, 0.01, 0.01, 0.001])},
    )
    assert keep.tolist() == [False, True, True, True]


def test_the_moq_wait_costs_are_the_two_figures_the_round_up_rule_compares() -> None:
    """`moq_wait_costs`: the margin lost by waiting a review and the holding of the MOQ's
    units over it; `moq_order_beats_waiting` waits exactly where the first is the smaller."""
    from planning.policy import moq_order_beats_waiting, moq_wait_costs

    args = dict(
        qty=np.array([200.0, 200.0]),
        position=np.array([40.0, 20.0]),
        daily=np.array([2.0, 2.0]),
        sigma=np.array([1.0, 1.0]),
        lead_time=np.array([7.0, 7.0]),
        lead_time_std=np.zeros(2),
        review=7,
        holding_per_day=np.full(2, 0.01),
        shortage_cost=np.full(2, 2.0),
    )
    waiting, holding = moq_wait_costs(**args)  # type: ignore[arg-type]
    assert holding.tolist() == pytest.approx([14.0, 14.0])  # 0.01 x 200 units x 7 days
    assert 0 < waiting[0] < 14.0 < waiting[1]
    keep = moq_order_beats_waiting(lot=np.array([10.0, 10.0]), **args)  # type: ignore[arg-type]
    assert keep.tolist() == (waiting >= holding).tolist() == [False, True]


def test_waiting_a_review_is_priced_on_the_measured_window_one_review_after_the_receipt() -> None:
    """`moq_wait_costs` prices days L + R..L + 2R − 1 on today's position, not the receipt's
    delay alone (days L..L + R − 1): measured side by side, the delay's window waited more and
    lost more margin than it saved (docs/planning.md, "MOQ round-up or skip: the waiting
    window"). L = 2, R = 7, 10 a day, no error: the delay loses 50 units at position 30 and
    none at 90; the rule's window counts 70 and 60."""
    from planning.policy import moq_wait_costs

    waiting, holding = moq_wait_costs(
        qty=np.array([200.0, 200.0]),
        position=np.array([30.0, 90.0]),
        daily=np.array([10.0, 10.0]),
        sigma=np.zeros(2),
        lead_time=np.array([2.0, 2.0]),
        lead_time_std=np.zeros(2),
        review=7,
        holding_per_day=np.full(2, 0.01),
        shortage_cost=np.full(2, 1.0),
    )
    assert waiting.tolist() == pytest.approx([70.0, 60.0])
    assert holding.tolist() == pytest.approx([14.0, 14.0])


def test_lot_scale_within_a_cost_tolerance():
    # A lot f·EOQ costs (f + 1/f) / 2 of the EOQ's ordering plus cycle holding: at 5 % the
    # smallest f is 1.05 − sqrt(1.05² − 1) = 0.7298; 0 (or less) keeps the EOQ.
    assert lot_scale_within(0.05) == pytest.approx(0.7298, abs=1e-4)
    for t in (0.01, 0.05, 0.2):
        f = lot_scale_within(t)
        assert (f + 1 / f) / 2 == pytest.approx(1 + t)
        assert 0 < f < 1
    assert lot_scale_within(0.0) == 1.0
    assert lot_scale_within(-1.0) == 1.0


def test_lot_scale_within_a_large_tolerance_stays_a_positive_share():
    # (1 + t) - sqrt((1 + t)^2 - 1) cancels to 0 in floating point for a tolerance this large.
    f = lot_scale_within(1e8)
    assert 0.0 < f < 1e-8
    assert (f + 1.0 / f) / 2.0 == pytest.approx(1.0 + 1e8, rel=1e-9)
