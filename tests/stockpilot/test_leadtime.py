"""The lead-time distribution the supplier data describes: draws and moments agree with it."""

from __future__ import annotations

import numpy as np
import pytest

from stockpilot.leadtime import described_moments, draw_lead_times, expected_review_pulls


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
