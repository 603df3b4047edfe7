"""The lead-time distribution the supplier data describes: draws and moments agree with it."""

from __future__ import annotations

import numpy as np
import pytest

from stockpilot.leadtime import (
    described_moments,
    draw_lead_times,
    expected_review_pulls,
    review_pulls_quantile,
)


@pytest.mark.parametrize(
    ("nominal", "std", "on_time"),
    [(10, 2.0, 0.9), (14, 0.7, 0.8), (30, 7.7, 0.72), (5, 1.2, 0.95), (20, 4.6, 0.6)],
)
def test_draws_have_the_stated_std_on_time_rate_and_the_described_mean(nominal, std, on_time):
    u = np.random.default_rng(nominal).random(200_000)
    lead = draw_lead_times(nominal, std, on_time, u)
    mean, sd = described_moments(nominal, std, on_time)
    assert lead.std() == pytest.approx(std, rel=0.03)  # the data's std, not far below it
    assert (lead == nominal).mean() == pytest.approx(on_time, abs=0.005)
    assert (lead >= nominal).all()  # late, never early
    assert lead.mean() == pytest.approx(float(mean), abs=0.06)
    assert float(sd) == pytest.approx(std, rel=0.01)


def test_a_supplier_never_late_or_without_spread_is_always_on_time():
    u = np.linspace(0, 0.999, 50)
    assert (draw_lead_times(7, 2.0, 1.0, u) == 7).all()
    assert (draw_lead_times(7, 0.0, 0.5, u) == 7).all()
    assert described_moments(7, 0.0, 0.5) == (7.0, 0.0)
    # Vectorised over rows and days, as the twin draws it.
    rows = draw_lead_times(
        np.array([[7], [9]]), np.array([[1.0], [0.0]]), 0.8, np.full((2, 3), 0.99)
    )
    assert rows.shape == (2, 3) and (rows[1] == 9).all() and (rows[0] > 7).all()


@pytest.mark.parametrize(
    ("nominal", "std", "on_time"),
    [
        (7, 2.0, 0.9),
        (10, 1.0, 0.9),
        (13, 3.0, 0.8),
        (30, 7.7, 0.72),
        (3, 1.2, 0.95),
        (20, 4.6, 0.6),
    ],
)
def test_expected_review_pulls_are_those_of_the_twins_lead_times(nominal, std, on_time):
    # The twin draws each PO's lead time with `draw_lead_times`; the reviews a DC's stores pull
    # at before its next order lands, ceil(L' / R), average what the engine counts.
    u = np.random.default_rng(nominal).random(200_000)
    drawn = np.ceil(draw_lead_times(nominal, std, on_time, u) / 7).mean()
    assert float(expected_review_pulls(nominal, std, on_time, 7)) == pytest.approx(drawn, abs=0.01)


def test_expected_review_pulls_count_the_reviews_a_late_order_slips_past():
    # Never late: ceil(L0 / R). A 7-day supplier on time 90 % with a 1-day std, whose late
    # orders are almost all 1-7 days late: one more pull in about 10 % of orders (1.10), not
    # the two that "L + 1 std" counts; a wider lateness slips past two reviews more often.
    np.testing.assert_allclose(expected_review_pulls([7, 8, 14, 1], 0.0, 0.9, 7), [1, 2, 2, 1])
    assert float(expected_review_pulls(7, 2.0, 1.0, 7)) == 1.0
    assert float(expected_review_pulls(7, 1.0, 0.9, 7)) == pytest.approx(1.1, abs=0.005)
    wider = expected_review_pulls(7, [1.0, 2.0, 3.0], 0.9, 7)
    assert (np.diff(wider) > 0).all() and wider[-1] < 1.2
    pulls = expected_review_pulls(np.array([[7], [14]]), np.array([[2.0], [3.0]]), 0.9, [7, 7])
    assert pulls.shape == (2, 2) and (pulls[1] > 2.0).all() and (pulls[1] < 2.2).all()


@pytest.mark.parametrize(
    ("nominal", "std", "on_time"),
    [
        (7, 2.0, 0.9),
        (10, 1.0, 0.9),
        (13, 3.0, 0.8),
        (30, 7.7, 0.72),
        (3, 1.2, 0.95),
        (20, 4.6, 0.6),
    ],
)
@pytest.mark.parametrize("level", [0.5, 0.9, 0.95, 0.99])
def test_review_pulls_quantile_is_that_of_the_twins_lead_times(nominal, std, on_time, level):
    # The smallest k with P(ceil(L' / R) <= k) >= level over the twin's draws; k - 1 falls short.
    u = np.random.default_rng(nominal).random(200_000)
    drawn = np.ceil(draw_lead_times(nominal, std, on_time, u) / 7)
    k = float(review_pulls_quantile(nominal, std, on_time, 7, level))
    assert k == np.ceil(k) and k >= np.ceil(nominal / 7)
    assert (drawn <= k).mean() >= level - 0.005
    assert (drawn <= k - 1).mean() < level + 0.005


@pytest.mark.parametrize(
    ("nominal", "std", "on_time"),
    [
        (7, 2.0, 0.9),
        (10, 1.0, 0.9),
        (13, 3.0, 0.8),
        (30, 7.7, 0.72),
        (14, 0.7, 0.8),
        (20, 4.6, 0.6),
    ],
)
def test_review_pulls_at_a_service_level_are_at_least_their_expectation(nominal, std, on_time):
    # At the levels DCs plan at (critical ratios near 0.99, well above the on-time rates) the
    # count covers the late orders' extra pull whole, where the mean carries its probability.
    mean = float(expected_review_pulls(nominal, std, on_time, 7))
    levels = np.array([0.99, 0.995])
    pulls = review_pulls_quantile(nominal, std, on_time, 7, levels)
    assert (pulls >= mean).all() and (pulls > np.ceil(nominal / 7)).all()
    assert (np.diff(pulls) >= 0).all()  # a higher level never counts fewer
    # At or below the on-time rate it is the nominal count, which the mean exceeds.
    at_rate = float(review_pulls_quantile(nominal, std, on_time, 7, on_time))
    assert at_rate == np.ceil(nominal / 7) < mean


def test_review_pulls_quantile_is_not_a_bound_on_the_mean_at_a_lower_level():
    # A 10-day supplier late by 1-4 days lands before the third review in most late orders:
    # at 0.95 (and 0.98) the count stays 2, below the mean (2.016) a rare long slip adds to.
    assert float(review_pulls_quantile(10, 1.0, 0.9, 7, 0.95)) == 2.0
    assert float(expected_review_pulls(10, 1.0, 0.9, 7)) > 2.0


def test_review_pulls_quantile_of_a_certain_lead_time_is_the_nominal_count():
    # Never late, or late without spread: ceil(L0 / R) at every level.
    levels = [0.5, 0.95, 0.995, 1.0]
    np.testing.assert_array_equal(review_pulls_quantile(7, 2.0, 1.0, 7, levels), [1, 1, 1, 1])
    np.testing.assert_array_equal(review_pulls_quantile(8, 0.0, 0.9, 7, levels), [2, 2, 2, 2])
    np.testing.assert_array_equal(
        review_pulls_quantile([1, 7, 14, 15], 0.0, 0.7, 7, 0.99), [1, 1, 2, 3]
    )
    # A 7-day supplier on time 90 %: its late orders slip past a review, so a level above the
    # on-time rate counts the whole extra pull the expectation (1.1) carries a tenth of.
    assert float(review_pulls_quantile(7, 1.0, 0.9, 7, 0.85)) == 1.0
    assert float(review_pulls_quantile(7, 1.0, 0.9, 7, 0.95)) == 2.0
    # Vectorised over rows and levels, the engine's shape.
    pulls = review_pulls_quantile(np.array([[7], [14]]), 3.0, 0.9, 7, np.array([0.8, 0.99]))
    assert pulls.shape == (2, 2) and (pulls == [[1, 4], [2, 5]]).all()
