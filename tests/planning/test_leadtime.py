"""The engine learns a supplier's lead time from its receipts where there are enough of them."""

from __future__ import annotations

from datetime import timedelta

import pandas as pd
import pytest

from planning.engine import plan
from planning.leadtime import MIN_RECEIPTS
from planning.recommend import supplier_options
from stockpilot.leadtime import described_moments
from tests.conftest import small_network


def with_receipts(lateness: list[int]):
    data = small_network()
    terms = supplier_options(data).set_index(["sku", "supplier_id"])
    (sku, supplier), quoted = next(iter(terms["lead_time"].items()))
    start = pd.Timestamp(data.as_of) - timedelta(days=300)
    rows = [
        {
            "po_id": f"PO-R{i}",
            "supplier_id": supplier,
            "sku": sku,
            "location_id": "DC1",
            "qty": 10,
            "order_date": start + timedelta(days=7 * i),
            "expected_date": start + timedelta(days=7 * i + int(quoted) + late),
            "status": "received",
        }
        for i, late in enumerate(lateness)
    ]
    frames = data.frames()
    open_orders = data.purchase_orders[data.purchase_orders["status"] == "open"]
    frames["purchase_orders"] = pd.concat([open_orders, pd.DataFrame(rows)], ignore_index=True)
    return type(data).from_frames(frames), sku, supplier, int(quoted)


def test_receipts_replace_the_described_lead_time():
    lateness = [0, 4, 2, 6, 0, 4, 2, 6, 0, 4]  # mean 2.8, sample std 2.2
    data, sku, supplier, quoted = with_receipts(lateness)
    row = supplier_options(data).set_index(["sku", "supplier_id"]).loc[(sku, supplier)]
    assert row["expected_lead_time"] == pytest.approx(quoted + 2.8)
    assert row["lead_time_std"] == pytest.approx(pd.Series(lateness).std())
    # ... and the DC buying from it plans with them.
    dc = plan(data).positions.set_index(["sku", "location_id"]).loc[(sku, "DC1")]
    assert dc["lead_time"] == round(quoted + 2.8)
    assert dc["lead_time_std"] == pytest.approx(pd.Series(lateness).std())


def test_too_few_receipts_keep_the_described_distribution():
    data, sku, supplier, quoted = with_receipts([5] * (MIN_RECEIPTS - 1))
    row = supplier_options(data).set_index(["sku", "supplier_id"]).loc[(sku, supplier)]
    sup = data.suppliers.set_index("supplier_id").loc[supplier]
    mean, std = described_moments(quoted, sup["lead_time_std_days"], sup["on_time_rate"])
    assert row["expected_lead_time"] == pytest.approx(float(mean))
    assert row["lead_time_std"] == pytest.approx(float(std))
