"""Tests for planning.promotions."""

import datetime

import numpy as np
import pandas as pd

from planning.promotions import future_uplift, learn_uplift, promo_calendar

START = datetime.date(2024, 3, 1)


def _promos(rows: list[tuple[str, str, str, str, float]]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "promo_id": [f"P{i}" for i in range(len(rows))],
            "sku": [r[0] for r in rows],
            "location_id": [r[1] for r in rows],
            "start_date": pd.to_datetime([r[2] for r in rows]),
            "end_date": pd.to_datetime([r[3] for r in rows]),
            "expected_uplift": [r[4] for r in rows],
            "discount_pct": [10.0] * len(rows),
        }
    )


def test_promo_calendar_overlaps_take_the_max_and_clip_to_range() -> None:
    keys = pd.DataFrame({"sku": ["A", "A", "B"], "location_id": ["S1", "S2", "S1"]})
    promos = _promos(
        [
            ("A", "S1", "2024-02-27", "2024-03-02", 1.5),  # starts before the range
            ("A", "S1", "2024-03-02", "2024-03-04", 2.0),  # overlaps the first on 03-02
            ("B", "S1", "2024-03-05", "2024-03-09", 1.2),  # ends after the range
            ("C", "S1", "2024-03-01", "2024-03-06", 3.0),  # SKU not in keys
            ("A", "S9", "2024-03-01", "2024-03-06", 3.0),  # location not in keys
        ]
    )
    cal = promo_calendar(keys, promos, START, 6)
    expected = np.array(
        [
            [1.5, 2.0, 2.0, 2.0, 1.0, 1.0],
            [1.0, 1.0, 1.0, 1.0, 1.0, 1.0],
            [1.0, 1.0, 1.0, 1.0, 1.2, 1.2],
        ]
    )
    np.testing.assert_array_equal(cal, expected)


def test_promo_calendar_empty_location_means_every_location() -> None:
    keys = pd.DataFrame({"sku": ["A", "A", "B"], "location_id": ["S1", "S2", "S1"]})
    cal = promo_calendar(keys, _promos([("A", "", "2024-03-02", "2024-03-02", 1.4)]), START, 3)
    np.testing.assert_array_equal(cal, [[1, 1.4, 1], [1, 1.4, 1], [1, 1, 1]])
    empty = promo_calendar(keys, _promos([]), START, 3)
    np.testing.assert_array_equal(empty, np.ones((3, 3)))


def test_learn_uplift_recovers_planted_double_and_pools_per_sku() -> None:
    rng = np.random.default_rng(5)
    t_len = 200
    h = rng.poisson(10.0, size=(4, t_len)).astype(float)
    cal = np.ones_like(h)
    promo_days = np.r_[60:70, 120:130]
    cal[0, promo_days] = 1.8  # the plan said +80 %, the truth is x2
    h[0, promo_days] = rng.poisson(20.0, size=promo_days.size)
    cal[1, 150:152] = 1.8  # same SKU, only 2 promo days: pooled
    h[1, 150:152] = [20.0, 20.0]
    keys = pd.DataFrame({"sku": ["A", "A", "B", "B"], "location_id": ["S1", "S2", "S1", "S2"]})
    learned = learn_uplift(h, cal, keys)
    assert abs(learned[0] - 2.0) < 0.15
    assert abs(learned[1] - 2.0) < 0.15  # pooled over SKU A's locations
    assert np.isnan(learned[2]) and np.isnan(learned[3])  # SKU B never promoted


def test_future_uplift_prefers_learned_on_promo_days() -> None:
    expected = np.array([[1.0, 1.5, 1.5], [1.0, 1.5, np.nan]])
    learned = np.array([2.2, np.nan])
    out = future_uplift(expected, learned)
    np.testing.assert_array_equal(out, [[1.0, 2.2, 2.2], [1.0, 1.5, 1.0]])


def test_learn_uplift_ignores_series_without_promotions() -> None:
    rng = np.random.default_rng(2)
    h = rng.poisson(3.0, size=(4, 120)).astype(float)
    cal = np.ones((4, 120))
    cal[1, 60:75] = 2.0
    h[1, 60:75] *= 2
    keys = pd.DataFrame({"sku": ["A", "A", "B", "C"], "location_id": ["S1", "S2", "S1", "S1"]})
    learned = learn_uplift(h, cal, keys)
    # Series 0 pools with series 1 (same SKU); B and C have nothing to learn from.
    assert learned[0] == learned[1] and 1.5 < learned[1] < 2.5
    assert np.isnan(learned[2:]).all()
