"""Tests for planning.accuracy."""

import datetime

import numpy as np
import pytest

from planning.accuracy import bias, mase, rolling_origin, wape

START = datetime.date(2024, 1, 1)


def test_wape_and_bias_hand_computed() -> None:
    a = np.array([[10.0, 0.0, 5.0], [0.0, 0.0, 0.0]])
    f = np.array([[8.0, 1.0, 6.0], [1.0, 0.0, 0.0]])
    # Row 0: |errors| 2 + 1 + 1 = 4 over 15 actual; forecast total 15 -> bias 0.
    np.testing.assert_allclose(wape(a, f)[0], 4 / 15)
    assert bias(a, f)[0] == 0.0
    assert np.isnan(wape(a, f)[1]) and np.isnan(bias(a, f)[1])
    assert bias([10.0, 10.0], [12.0, 13.0]) == pytest.approx(0.25)


def test_mase_hand_computed() -> None:
    insample = np.array([[1.0, 2.0, 3.0, 5.0]])  # season 2: |3-1|, |5-2| -> scale 2.5
    a = np.array([[4.0, 6.0]])
    f = np.array([[5.0, 4.0]])  # MAE (1 + 2) / 2 = 1.5
    assert mase(a, f, insample, season=2)[0] == pytest.approx(1.5 / 2.5)
    assert np.isnan(mase(a, f, insample[:, :2], season=2)[0])  # too short
    flat = np.ones((1, 10))
    assert mase(np.ones((1, 3)), np.ones((1, 3)), flat)[0] == 0.0
    assert np.isnan(mase(np.ones((1, 3)), np.zeros((1, 3)), flat)[0])


def test_rolling_origin_perfect_on_constant_series() -> None:
    h = np.array([[6.0] * 200, [0.5] * 200, [40.0] * 200])
    res = rolling_origin(h, start=START, horizon=14, origins=4)
    assert list(res.columns) == ["wape", "bias", "mase", "n_origins"]
    assert len(res) == 3 and (res["n_origins"] == 4).all()
    np.testing.assert_allclose(res[["wape", "bias", "mase"]].to_numpy(), 0.0, atol=1e-6)


def test_rolling_origin_scores_noisy_series() -> None:
    rng = np.random.default_rng(7)
    h = rng.poisson(5.0, size=(30, 200)).astype(float)
    res = rolling_origin(h, start=START, horizon=14, origins=3, step=7)
    assert len(res) == 30 and (res["n_origins"] == 3).all()
    # Poisson(5) around a good mean: WAPE near E|X-5|/5 ~ 0.35, no systematic bias, MASE < 1
    # (seasonal naive differences two noisy days).
    assert 0.3 < res["wape"].mean() < 0.45
    assert abs(res["bias"].mean()) < 0.05
    assert 0.5 < res["mase"].mean() < 0.9


def test_rolling_origin_skips_origins_without_history() -> None:
    h = np.full((1, 40), 3.0)
    # Cut-offs 33, 26, 19, 12, 5: the last two have < 14 days before them.
    res = rolling_origin(h, start=START, horizon=7, origins=5)
    assert res.loc[0, "n_origins"] == 3 and res.loc[0, "wape"] == 0.0
