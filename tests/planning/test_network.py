"""Tests for the network table contract (planning.network)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from planning.network import NetworkData, coerce_frame


def test_categorical_text_columns_become_text_with_missing_as_empty() -> None:
    # The demo builds its large tables with categorical keys; pandas 2.x refused fillna("")
    # on them ("Cannot setitem on a Categorical with a new category").
    sales = pd.DataFrame(
        {
            "date": pd.to_datetime(["2026-01-01", "2026-01-02", "2026-01-03"]),
            "sku": pd.Categorical(["A", "B", None], categories=["A", "B"]),
            "location_id": pd.Categorical.from_codes(np.array([1, 0, 1]), categories=["S1", "S2"]),
            "units": [1, 2, 3],
        }
    )
    out = coerce_frame("sales", sales)
    assert out["sku"].tolist() == ["A", "B", ""]
    assert out["location_id"].tolist() == ["S2", "S1", "S2"]
    assert not isinstance(out["sku"].dtype, pd.CategoricalDtype)
    plain = coerce_frame("sales", sales.astype({"sku": object, "location_id": object}))
    assert out["sku"].dtype == plain["sku"].dtype
    data = NetworkData.from_frames({"sales": sales})
    assert data.sales["location_id"].tolist() == ["S2", "S1", "S2"]
