"""Replace some SKUs' rows of a whole plan with a fresh plan of those SKUs (an incremental plan).

An ERP commit (a purchase order, a transfer) changes the open supply and stock of its SKU only;
the network-wide figures a SKU's plan reads (`planning.engine.NetworkFigures`) move with sales,
not with a commit. So after commits, the whole plan is the previous plan with the committed
SKUs re-planned with the same figures (`plan(part, figures=...)`): `splice_plan` builds it.
Positions keep the engine's order (SKU, location), every per-row array and the supply lines
follow their rows, and the exceptions are ranked again the engine's way (money at risk
descending, then priority, exception type and row).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import replace

import numpy as np
import pandas as pd

from planning.engine import Plan
from planning.exceptions import EXCEPTION_TYPES


def splice_plan(whole: Plan, part: Plan, skus: Collection[str]) -> Plan:
    """Return `whole` with every row of `skus` replaced by `part`'s rows (the plan of `skus`).

    `part` must be planned as of the same date, with the same parameters and `whole`'s network
    figures, and hold only SKUs of `skus` (a SKU of `skus` that `part` does not plan loses its
    rows). Raises ValueError when the two plans do not line up.
    """
    if part.as_of != whole.as_of or part.params != whole.params or part.dates != whole.dates:
        raise ValueError("the plans differ in date, horizon or parameters: plan the whole")
    wanted = set(skus)
    outside = set(part.positions["sku"]) - wanted
    if outside:
        raise ValueError(f"the partial plan holds SKUs not being replaced: {sorted(outside)[:3]}")
    kept = ~whole.positions["sku"].isin(wanted).to_numpy()
    kept_rows = np.flatnonzero(kept)
    n_kept, n_part = len(kept_rows), len(part.positions)
    positions = pd.concat([whole.positions.iloc[kept_rows], part.positions], ignore_index=True)
    # The engine's row order: (sku, location), stable. `order[i]` is the stacked row of row i.
    order = np.lexsort(
        (positions["location_id"].to_numpy(object), positions["sku"].to_numpy(object))
    )
    new_row = np.empty(n_kept + n_part, dtype=np.int64)
    new_row[order] = np.arange(n_kept + n_part)
    # Old row numbers (whole's, part's) → new ones.
    whole_map = np.full(len(whole.positions), -1, dtype=np.int64)
    whole_map[kept_rows] = new_row[:n_kept]
    part_map = new_row[n_kept:]

    def stacked(name: str) -> np.ndarray:
        return np.concatenate([getattr(whole, name)[kept_rows], getattr(part, name)])[order]

    evidence = None
    if whole.stockout_evidence is not None and part.stockout_evidence is not None:
        evidence = {
            k: np.concatenate([v[kept_rows], part.stockout_evidence[k]])[order]
            for k, v in whole.stockout_evidence.items()
        }
    return replace(
        whole,
        positions=positions.iloc[order].reset_index(drop=True),
        exceptions=_ranked(
            _moved(whole.exceptions, whole_map, kept), _moved(part.exceptions, part_map, None)
        ),
        supply=_moved(whole.supply, whole_map, kept, part.supply, part_map),
        stockout_evidence=evidence,
        timings={"spliced_skus": float(len(wanted))},
        demand=stacked("demand"),
        projected=stacked("projected"),
        unmet=stacked("unmet"),
        receipts=stacked("receipts"),
        promo_mask=stacked("promo_mask"),
    )


def _moved(
    frame: pd.DataFrame,
    rows: np.ndarray,
    kept: np.ndarray | None,
    extra: pd.DataFrame | None = None,
    extra_rows: np.ndarray | None = None,
) -> pd.DataFrame:
    """Return the frame's lines of kept rows renumbered (and `extra`'s renumbered after them)."""
    old = frame["row"].to_numpy(np.int64)
    lines = frame if kept is None else frame[kept[old]]
    lines = lines.assign(row=rows[lines["row"].to_numpy(np.int64)])
    if extra is None or extra_rows is None:
        return lines.reset_index(drop=True)
    more = extra.assign(row=extra_rows[extra["row"].to_numpy(np.int64)])
    both = pd.concat([lines, more], ignore_index=True)
    return both.sort_values("row", kind="stable").reset_index(drop=True)


def _ranked(kept: pd.DataFrame, fresh: pd.DataFrame) -> pd.DataFrame:
    """Rank the exceptions of both plans together as `detect_exceptions` ranks one plan's."""
    both = pd.concat([kept, fresh], ignore_index=True)
    if both.empty:
        return both
    code = both["type"].map({t: i for i, t in enumerate(EXCEPTION_TYPES)}).to_numpy(np.int64)
    order = np.lexsort(
        (
            both["row"].to_numpy(np.int64),
            code,
            both["priority"].to_numpy(np.int64),
            -both["money_at_risk"].to_numpy(float),
        )
    )
    return both.iloc[order].reset_index(drop=True)
