"""Classify SKUs A / B / C by their share of network-wide sales value (pure functions).

A SKU's value is its units sold over the last 12 months at all locations times its unit price.
SKUs are ranked by value; `share_above` of a SKU is the share of total value held by SKUs of
strictly higher value. A SKU is class A while `share_above` < the A threshold (0.80 by default:
the SKUs making up the top 80 % of value, including the one that crosses the line), B while it
is below the B threshold (0.95), else C. SKUs of equal value therefore share a class, whatever
their order, and a SKU without sales (value 0, or a missing or negative value) is always C.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

CLASSES: tuple[str, ...] = ("A", "B", "C")
DEFAULT_THRESHOLDS: dict[str, float] = {"A": 0.80, "B": 0.95}


def sales_value(sku: ArrayLike, units: ArrayLike, unit_price: ArrayLike) -> pd.Series:
    """Return the sales value (units × unit price) summed per SKU, indexed by SKU.

    `sku`, `units` and `unit_price` are aligned per row (e.g. per SKU-location); a missing or
    negative units or price counts as 0.
    """
    u = np.nan_to_num(np.asarray(units, dtype=float), nan=0.0, posinf=0.0, neginf=0.0)
    p = np.nan_to_num(np.asarray(unit_price, dtype=float), nan=0.0, posinf=0.0, neginf=0.0)
    value = np.maximum(u, 0.0) * np.maximum(p, 0.0)
    return (
        pd.Series(value, index=pd.Index(np.asarray(sku, dtype=object), name="sku"))
        .groupby(level=0, sort=True)
        .sum()
    )


def classify_abc(
    value: pd.Series, thresholds: Mapping[str, float] = DEFAULT_THRESHOLDS
) -> pd.Series:
    """Return the ABC class ("A", "B" or "C") of each SKU of `value` (indexed like it).

    `thresholds` holds the cumulative value shares "A" and "B" (0 < A < B <= 1).
    """
    cut_a, cut_b = float(thresholds["A"]), float(thresholds["B"])
    if not 0.0 < cut_a < cut_b <= 1.0:
        raise ValueError(f"ABC thresholds need 0 < A < B <= 1, got A={cut_a}, B={cut_b}")
    v = np.nan_to_num(value.to_numpy(dtype=float), nan=0.0, posinf=0.0, neginf=0.0)
    v = np.maximum(v, 0.0)
    out = np.full(len(v), "C", dtype=object)
    total = float(v.sum())
    if total <= 0.0:
        return pd.Series(out, index=value.index, name="abc_class")
    # Value held by SKUs strictly above each distinct value: the total less the cumulative
    # value up to and including it (distinct values ascending).
    _, inverse = np.unique(v, return_inverse=True)
    held = np.bincount(inverse, weights=v)
    share_above = np.maximum(total - np.cumsum(held), 0.0)[inverse] / total
    eps = 1e-12  # a share exactly at a threshold is past it, whatever the rounding
    out[share_above < cut_b - eps] = "B"
    out[share_above < cut_a - eps] = "A"
    out[v <= 0.0] = "C"
    return pd.Series(out, index=value.index, name="abc_class")


def class_service_level(
    classes: ArrayLike, levels: Mapping[str, float] | None, default: float
) -> np.ndarray:
    """Return the service level of each class (`default` for all when `levels` is None)."""
    cls = np.asarray(classes, dtype=object)
    if levels is None:
        return np.full(len(cls), float(default))
    missing = sorted({str(c) for c in cls} - set(levels))
    if missing:
        raise ValueError(f"no service level for ABC class {', '.join(missing)}")
    return (
        pd.Series(cls, dtype=object)
        .map({k: float(v) for k, v in levels.items()})
        .to_numpy(dtype=float)
    )
