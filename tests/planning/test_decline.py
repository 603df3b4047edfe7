import numpy as np
import pytest

from planning.decline import decline_rate, recency_weights


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
