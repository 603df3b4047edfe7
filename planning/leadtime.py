"""Supplier lead times learned from receipts, where the history has enough of them.

Received purchase orders carry their arrival in `expected_date`; the days beyond the quoted lead
time, per supplier, give the mean and standard deviation the engine plans with
(`planning.recommend.supplier_options`), in place of those of the distribution the supplier
data describes (`stockpilot.leadtime`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

MIN_RECEIPTS = 8  # receipts of a supplier before its observed lead times are trusted


def observed_lateness(purchase_orders: pd.DataFrame, quoted: pd.Series) -> pd.DataFrame:
    """Return per supplier the mean and std of received POs' days beyond the quoted lead time.

    A received PO's lead time is its `expected_date` (the arrival) less its `order_date`;
    `quoted` maps (sku, supplier_id) to the quoted lead time. Only suppliers with `MIN_RECEIPTS`
    receipts are returned (columns `mean`, `std`, `count`, indexed by `supplier_id`).
    """
    po = purchase_orders
    done = po[po["status"] == "received"]
    if done.empty:
        return pd.DataFrame(columns=["mean", "std", "count"], dtype=float)
    key = pd.MultiIndex.from_arrays([done["sku"], done["supplier_id"]])
    days = (done["expected_date"] - done["order_date"]).dt.days.to_numpy(float)
    late = pd.Series(days - quoted.reindex(key).to_numpy(float), index=done.index)
    late = late[np.isfinite(late)]
    stats = late.groupby(done.loc[late.index, "supplier_id"]).agg(["mean", "std", "count"])
    return stats[stats["count"] >= MIN_RECEIPTS].fillna({"std": 0.0})
