"""Forecast overrides: applied after the model, one override per store-day, DCs follow their stores."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from erp.demo import generate_demo
from planning.engine import plan
from planning.network import empty_overrides
from planning.overrides import apply_overrides, check_override

# The demo network's date is pinned: by default it is today, and its exceptions move with it.
DEMO_AS_OF = date(2026, 12, 3)

DAY1 = date(2026, 3, 1)


def _overrides(*rows: tuple) -> pd.DataFrame:
    return pd.DataFrame(
        rows, columns=["id", "sku", "location_id", "start_date", "end_date", "kind", "value"]
    )


def _mean() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    mean = np.arange(1.0, 31.0).reshape(3, 10)
    return mean, np.array(["A", "A", "B"], object), np.array(["S1", "S2", "S1"], object)


def test_a_multiplier_scales_its_window_and_a_rate_replaces_it() -> None:
    mean, sku, loc = _mean()
    got = apply_overrides(
        mean,
        sku,
        loc,
        DAY1,
        _overrides(
            (1, "A", "S1", date(2026, 3, 2), date(2026, 3, 4), "multiplier", 2.0),
            (2, "B", "", date(2026, 2, 1), date(2026, 3, 1), "rate", 7.0),
        ),
    )
    want = mean.copy()
    want[0, 1:4] *= 2.0
    want[2, 0] = 7.0
    np.testing.assert_array_equal(got, want)
    assert mean[0, 1] == 2.0  # the input is left alone


def test_a_location_beats_network_wide_and_the_later_one_wins() -> None:
    mean, sku, loc = _mean()
    got = apply_overrides(
        mean,
        sku,
        loc,
        DAY1,
        _overrides(
            (5, "A", "S1", DAY1, date(2026, 3, 10), "multiplier", 3.0),
            (7, "A", "", DAY1, date(2026, 3, 10), "multiplier", 0.5),  # later, but network-wide
            (6, "A", "", DAY1, date(2026, 3, 10), "rate", 1.0),
            (9, "A", "S1", date(2026, 3, 5), date(2026, 3, 5), "rate", 0.0),
        ),
    )
    want = mean.copy()
    want[0] *= 3.0
    want[0, 4] = 0.0
    want[1] *= 0.5
    np.testing.assert_array_equal(got, want)


def test_no_override_returns_the_forecast_unchanged() -> None:
    mean, sku, loc = _mean()
    assert apply_overrides(mean, sku, loc, DAY1, empty_overrides()) is mean
    far = _overrides((1, "A", "S1", date(2027, 1, 1), date(2027, 2, 1), "multiplier", 9.0))
    np.testing.assert_array_equal(apply_overrides(mean, sku, loc, DAY1, far), mean)


@pytest.mark.parametrize(
    ("kind", "value", "start", "end", "field"),
    [
        ("multiplier", -0.1, DAY1, DAY1, "value"),
        ("multiplier", float("inf"), DAY1, DAY1, "value"),
        ("bump", 1.0, DAY1, DAY1, "kind"),
        ("rate", 1.0, DAY1, date(2026, 2, 28), "end"),
        ("multiplier", 100.5, DAY1, DAY1, "value"),
        ("rate", 1e23, DAY1, DAY1, "value"),
    ],
)
def test_check_override_names_the_field(
    kind: str, value: float, start: date, end: date, field: str
) -> None:
    with pytest.raises(ValueError, match=rf"^{field}: "):
        check_override(kind, value, start, end)


def test_check_override_takes_the_largest_sane_values() -> None:
    check_override("multiplier", 100.0, DAY1, DAY1)
    check_override("rate", 1_000_000.0, DAY1, DAY1)


def test_the_engine_applies_a_store_override_and_its_dc_follows() -> None:
    data = generate_demo(seed=3, stores=3, skus=6, as_of=DEMO_AS_OF).data
    base = plan(data)
    stores = base.positions[base.positions["location_type"] == "store"]
    sku, store = str(stores["sku"].iloc[0]), str(stores["location_id"].iloc[0])
    dc = str(stores["source_location"].iloc[0])
    start = base.dates[0]
    over = _overrides((1, sku, store, start, base.dates[9], "multiplier", 2.0))
    got = plan(data, overrides=over)
    row, dc_row = got.row_of(sku, store), got.row_of(sku, dc)
    assert row is not None and dc_row is not None
    extra = base.demand[row, :10]
    np.testing.assert_allclose(got.demand[row, :10], 2 * extra)
    np.testing.assert_allclose(got.demand[row, 10:], base.demand[row, 10:])
    np.testing.assert_allclose(got.demand[dc_row, :10], base.demand[dc_row, :10] + extra)
    others = got.positions["sku"] != sku
    pd.testing.assert_frame_equal(got.positions[others], base.positions[others])
    assert got.positions.loc[row, "sigma"] == base.positions.loc[row, "sigma"]
