"""Guard drafted orders against double ordering and insane cover (pure, vectorised).

Each function is one rule over aligned arrays, one element per drafted action and its *target*
(a transfer's destination, a purchase order's location). The draft checks (`planning.actions`)
and the commit re-check apply them; the I/O that finds the supply since the snapshot (proposals
and documents, `erp.governance`) stays outside.

Terms:
- *supply since the snapshot*: units on their way to the target because of StockPilot that the
  plan does not hold yet — pending and approved proposals, and documents committed since the
  snapshot. Each unit counts once, whoever drafted it and in whatever thread.
- `position`: on hand (negative counted as 0) + in transit + on order + that supply.
- `unmet_in_window`: the demand the projection leaves unmet within the `shortage_window` and on
  promotion days, with that supply arriving on its dates (the shortfalls the engine raises
  `stockout_risk` and `promo_uncovered` for).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from planning.policy import days_of_cover, project_on_hand, protection_days, round_up_to_pack

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]

_EPS = 1e-9


def _f(x: ArrayLike) -> FloatArray:
    return np.nan_to_num(np.asarray(x, dtype=float), nan=0.0)


def shortage_window(
    lead_time: ArrayLike, review_period: ArrayLike, position: ArrayLike, reorder_point: ArrayLike
) -> IntArray:
    """Return the days over which a run-out is a need now, as the engine's `stockout_risk` has it.

    Within the lead time L (nothing ordered now arrives sooner); over the protection interval
    L + R − 1 (`planning.policy.protection_days`) while the position is below the reorder point
    (the next review's order arrives on day L + R). Above the reorder point a run-out after day L
    is what the next regular order covers.
    """
    lead = np.rint(np.maximum(np.asarray(lead_time, dtype=float), 1.0)).astype(np.int64)
    below = _f(position) < _f(reorder_point)
    review = np.rint(np.asarray(review_period, dtype=float)).astype(np.int64)
    return np.asarray(np.where(below, protection_days(lead, review), lead), dtype=np.int64)


def unmet_in_window(
    on_hand: ArrayLike,
    receipts: FloatArray,
    demand: FloatArray,
    window: ArrayLike,
    promo_days: BoolArray | None = None,
    first_day: ArrayLike = 1,
) -> FloatArray:
    """Return the units each row's projection leaves unmet on days `first_day..window`.

    `receipts` and `demand` are (n, H) daily arrays (receipts include the supply since the
    snapshot on its arrival days); the projection is the engine's lost-sales one. Promotion
    days (`promo_days`, (n, H)) count wherever they fall in the horizon, as for the engine's
    `promo_uncovered`: an order up to S does not cover a promotion's extra demand.
    `first_day` is the day the order being judged would arrive (1-based): what runs short
    before it, no order placed now can fix.
    """
    proj = project_on_hand(on_hand, np.asarray(receipts, dtype=float), demand)
    n, h = demand.shape
    days = np.broadcast_to(np.clip(np.asarray(window, dtype=np.int64), 0, h), (n,))
    first = np.broadcast_to(np.maximum(np.asarray(first_day, dtype=np.int64), 1), (n,))
    day = np.arange(1, h + 1)[None, :]
    counted = day <= days[:, None]
    if promo_days is not None:
        counted = counted | np.asarray(promo_days, dtype=bool)
    counted = counted & (day >= first[:, None])
    # Rounding noise of the projection is not a shortage (the engine's own 1e-9 threshold).
    unmet = np.where(counted & (proj.unmet > 1e-9), proj.unmet, 0.0)
    return np.asarray(unmet.sum(axis=1), dtype=float)


def uncovered_need(
    order_up_to: ArrayLike, position: ArrayLike, unmet_in_window: ArrayLike
) -> FloatArray:
    """Return the need the target still has: `max(S - position, unmet in the window, 0)`.

    The same need the engine orders for (up to S, and at least what runs short before the next
    order arrives), with the supply since the snapshot counted; 0 means no need at all.
    """
    return np.maximum(
        np.maximum(_f(order_up_to) - _f(position), _f(unmet_in_window)),
        0.0,
    )


def quantity_left_to_order(
    qty: ArrayLike,
    need: ArrayLike,
    supply_since: ArrayLike,
    *,
    case_pack: ArrayLike = 1,
    moq: ArrayLike = 0,
) -> IntArray:
    """Return how much of each drafted quantity may still be ordered (rule: no double ordering).

    Where nothing is on its way to the target since the snapshot, the quantity stays as drafted
    (the sanity warnings judge it). Where something is, the order may only fill the need that
    supply leaves (`uncovered_need`): `min(qty, need)`, the need rounded up to whole units, then
    to the MOQ and the case pack so a purchase order stays a valid order; 0 when it is covered.
    """
    q = np.floor(np.maximum(_f(qty), 0.0) + _EPS)
    left = np.ceil(np.maximum(_f(need), 0.0) - _EPS)
    orderable = round_up_to_pack(left, case_pack, moq).astype(float)
    out = np.where(_f(supply_since) > _EPS, np.minimum(q, orderable), q)
    return out.astype(np.int64)


def days_of_cover_after(stock_after: ArrayLike, demand: FloatArray) -> FloatArray:
    """Return the days of forecast demand `stock_after` covers (past the horizon: extrapolated).

    `demand` is the (n, H) daily forecast of each target; infinite where it forecasts no demand
    and stock is left.
    """
    return days_of_cover(np.maximum(_f(stock_after), 0.0), demand, extrapolate=True)


def above_max_cover(cover_days: ArrayLike, max_cover_days: ArrayLike) -> BoolArray:
    """Return where an order leaves its target more days of cover than its class allows."""
    return np.asarray(cover_days, dtype=float) > _f(max_cover_days) + _EPS
