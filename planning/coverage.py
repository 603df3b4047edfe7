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
- `unmet_in_window`: the demand the projection leaves unmet over the protection interval
  (days 1..L+R), with that supply arriving on its dates.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
from numpy.typing import ArrayLike, NDArray

from planning.policy import days_of_cover, project_on_hand, round_up_to_pack, window_sum

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]

_EPS = 1e-9


@dataclass(frozen=True)
class SupplyLine:
    """One order StockPilot drafted or wrote for a target since the snapshot.

    `status` is the proposal's (pending, approved or committed); `document_id` is set once it
    was written to the ERP (a plan computed after that write already holds it as open supply);
    `arrives` is the date the draft check expected it.
    """

    proposal_id: str
    status: str
    kind: str
    qty: float
    document_id: str | None = None
    arrives: date | None = None

    def describe(self) -> str:
        """Return the line as a planner reads it ("PR-1 (pending transfer of 40)")."""
        what = f"{self.status} {self.kind.replace('_', ' ')} of {self.qty:g}"
        if self.document_id:
            what += f", {self.document_id}"
        return f"{self.proposal_id} ({what})"


def _f(x: ArrayLike) -> FloatArray:
    return np.nan_to_num(np.asarray(x, dtype=float), nan=0.0)


def unmet_in_window(
    on_hand: ArrayLike, receipts: FloatArray, demand: FloatArray, window: ArrayLike
) -> FloatArray:
    """Return the units each row's projection leaves unmet over its first `window` days.

    `receipts` and `demand` are (n, H) daily arrays (receipts include the supply since the
    snapshot on its arrival days); the projection is the engine's lost-sales one.
    """
    proj = project_on_hand(on_hand, np.asarray(receipts, dtype=float), demand)
    days = np.clip(np.asarray(window, dtype=np.int64), 0, demand.shape[1])
    # Rounding noise of the projection is not a shortage (the engine's own 1e-9 threshold).
    unmet = np.where(proj.unmet > 1e-9, proj.unmet, 0.0)
    return window_sum(unmet, np.broadcast_to(days, (demand.shape[0],)))


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
