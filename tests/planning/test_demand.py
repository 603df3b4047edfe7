"""Tests for planning.demand."""

import numpy as np

from planning.demand import DEMAND_CLASSES, classify_demand


def test_each_class_and_zero() -> None:
    smooth = [5.0] * 30  # every day, constant size: adi 1, cv2 0
    erratic = [1.0, 10.0] * 15  # every day, sizes 1/10: cv2 = 20.25 / 5.5² = 0.669
    intermittent = [3.0, 0.0, 0.0] * 10  # adi 30 / 10 = 3, cv2 0
    lumpy = [1.0, 0.0, 0.0, 10.0, 0.0, 0.0] * 5  # adi 3, cv2 0.669
    zero = [0.0] * 30
    adi, cv2, cls = classify_demand(np.array([smooth, erratic, intermittent, lumpy, zero]))
    assert cls.tolist() == ["smooth", "erratic", "intermittent", "lumpy", "intermittent"]
    np.testing.assert_allclose(adi[:4], [1.0, 1.0, 3.0, 3.0])
    assert np.isinf(adi[4])
    np.testing.assert_allclose(cv2, [0.0, 20.25 / 30.25, 0.0, 20.25 / 30.25, 0.0])
    assert set(cls) <= set(DEMAND_CLASSES)


def test_adi_counts_from_first_sale_and_ignores_excluded_days() -> None:
    # A new item: 20 days unlisted, then sells daily. ADI 1 (smooth), not 2.
    h = np.array([[0.0] * 20 + [4.0] * 20])
    adi, _, cls = classify_demand(h)
    assert adi[0] == 1.0 and cls[0] == "smooth"
    # A promotion spike excluded from the size statistics keeps the series smooth.
    h2 = np.array([[4.0] * 10 + [40.0] + [4.0] * 9])
    excl = np.zeros_like(h2, dtype=bool)
    excl[0, 10] = True
    assert classify_demand(h2)[2][0] == "erratic"
    adi2, cv2, cls2 = classify_demand(h2, exclude=excl)
    assert cls2[0] == "smooth" and cv2[0] == 0.0 and adi2[0] == 1.0


def test_nan_is_ignored() -> None:
    adi, cv2, _ = classify_demand(np.array([[2.0, np.nan, 0.0, 2.0]]))
    assert adi[0] == 1.5  # 3 kept days / 2 sales
    assert cv2[0] == 0.0
