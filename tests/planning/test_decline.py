import numpy as np
import pytest

from planning.decline import decline_rate, rate_before_run, recency_weights


def _time_major(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return the (W, m) units and kept days of (m, W) series, kept from each first sale."""
    sold = x > 0
    first = np.where(sold.any(axis=1), sold.argmax(axis=1), x.shape[1])
    kept = np.arange(x.shape[1])[None, :] >= first[:, None]
    return np.ascontiguousarray(x.T), np.ascontiguousarray(kept.T)


def test_steady_rate_from_the_launch_is_not_read_as_a_decline() -> None:
    # A steady 1.5 % of days with a sale of 2, from the first sale: the kept days open with a
    # sale by construction. Counted, that sale reads as a decline since the launch.
    rng = np.random.default_rng(1)
    x = (rng.random((2000, 728)) < 0.015) * 2.0
    xs, ks = _time_major(x)
    rate = decline_rate(xs, ks, 28)
    assert rate.mean() == pytest.approx(0.03, rel=0.1)


def test_declining_rate_is_extrapolated_without_the_upward_bias_of_exp() -> None:
    # 3 % of days falling with tau 250 days, over 364 days: exp() of the extrapolated log-rate
    # alone forecast well above the truth here (0.3-0.9 on generated spare parts).
    rng = np.random.default_rng(2)
    t = np.arange(364 + 28)
    p = 0.03 * np.exp(-t / 250.0)
    x = (rng.random((3000, t.size)) < p) * 1.0
    xs, ks = _time_major(x[:, :364])
    rate = decline_rate(xs, ks, 28)
    assert rate.mean() / p[364:].mean() == pytest.approx(1.0, abs=0.15)


def test_no_sale_after_the_first_is_zero_and_empty_input_is_empty() -> None:
    x = np.zeros((2, 100))
    x[0, 10] = 3.0  # only the launch sale
    xs, ks = _time_major(x)
    assert decline_rate(xs, ks, 28).tolist() == [0.0, 0.0]
    assert decline_rate(np.zeros((5, 0)), np.zeros((5, 0), bool), 28).shape == (0,)


def test_a_decline_that_starts_inside_the_window_is_followed_with_a_half_life() -> None:
    # Monthly: flat for 24 months, then falling with tau 18 months. On the whole window evenly
    # the slope reads shallower and the sizes of the flat years count fully: the fit forecast
    # 1.98x the truth here; weighing months by a one-year half-life, 1.21x.
    rng = np.random.default_rng(4)
    t = np.arange(60 + 3)
    lam = 0.8 * np.exp(-np.maximum(t - 24, 0) / 18.0)
    x = rng.poisson(np.broadcast_to(lam, (3000, t.size))) * 2.0
    xs, ks = _time_major(x[:, :60])
    truth = 2.0 * lam[60:].mean()
    even = decline_rate(xs, ks, 3, 12.0).mean() / truth
    recent = decline_rate(xs, ks, 3, 12.0, half_life=1.0).mean() / truth
    assert even > 1.8
    assert recent < 1.3


def test_no_half_life_weighs_every_row_alike() -> None:
    t = np.linspace(-2.0, 0.0, 5)[:, None]
    assert np.array_equal(recency_weights(t, 0.0), np.ones_like(t))
    assert recency_weights(t, 1.0)[:, 0] == pytest.approx([0.25, 2**-1.5, 0.5, 2**-0.5, 1.0])


def test_a_declining_rate_before_the_run_follows_the_decline_and_judges_the_run() -> None:
    # 30 % of days falling with tau 250 days over two years (1.7 % at the end), a sale of 2.
    # The window's frequency is 6x the rate ahead, and a run since the last sale judged by it
    # reads as an end of life; the fit up to the last sale follows the decline.
    rng = np.random.default_rng(21)
    days, n = 728, 300
    p = 0.3 * np.exp(-np.arange(days + 28) / 250.0)
    xs = (rng.random((days, n)) < p[:days, None]) * 2.0
    ks = np.ones((days, n), bool)
    rate, run_freq = rate_before_run(xs, ks, 28, half_life=0.5)
    truth = 2.0 * p[days:].mean()
    assert (xs > 0).mean() * 2.0 > 5 * truth
    assert 0.85 < np.median(rate) / truth < 1.3
    # The run is judged by the fitted probability of its days, near the true one there.
    last = days - 1 - np.argmax((xs > 0)[::-1], axis=0)
    in_run = np.arange(days)[:, None] > last[None, :]
    p_run = (p[:days, None] * in_run).sum(axis=0) / np.maximum(in_run.sum(axis=0), 1)
    ran = in_run.any(axis=0)
    assert 0.7 < np.median(run_freq[ran] / p_run[ran]) < 1.5
    # No run (a sale at the origin): nothing to judge.
    assert (run_freq[~ran] == 0).all()


def test_the_rate_before_the_run_ignores_the_days_after_the_last_sale() -> None:
    # The same sales, then 60 days without a sale, kept (a run) or not (no run): those days do
    # not move the fit, so the rate ahead is the same; only the kept run is judged.
    rng = np.random.default_rng(4)
    t = np.arange(600)
    sold = (rng.random(600) < 0.2 * np.exp(-t / 300.0)) * 1.0
    sold[-1] = 3.0
    run = np.concatenate([sold, np.zeros(60)])
    both = np.zeros((660, 2))
    both[:600, 0], both[:, 1] = sold, run
    ks = np.ones((660, 2), bool)
    ks[600:, 0] = False  # the first series' last 60 rows are not kept: no run
    rate, run_freq = rate_before_run(both, ks, 28)
    assert run_freq[0] == 0 and run_freq[1] > 0
    assert rate[1] == pytest.approx(rate[0], rel=1e-9)
