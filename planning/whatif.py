"""Re-project SKU-locations under a scenario: a supplier delay, a demand change, a promotion.

Pure: it reads a finished `Plan` and returns the base and scenario projections side by side, so
a planner can see what a late supplier, a stronger promotion or a hypothetical one would do
before acting. `what_if` answers for one SKU-location; `what_if_rows` for any set of them (a
category, a location, a supplier's SKUs, the whole network) in one vectorised projection, or
part by part (`what_if_part` per plan of a part, `combine_what_if` over their outcomes).

Both projections count today's stock and the supply already open, with no new orders, so a row
that runs out before the horizon's end runs out either way: a later arrival then moves WHEN the
shortage starts, not its horizon total. The effect is therefore also measured where a planner
acts: unmet units and lost margin within the protection window (`planning.policy.protection_days`,
L + R − 1: the days an order placed today must carry until the next review's order arrives)
and within 14 and 28 days, and the first-stockout date's shift (`first_stockout_days_earlier`;
a row with no stockout within the horizon counts as running out the day after it, so a new
stockout's shift is a lower bound).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, timedelta
from typing import Any

import numpy as np

from planning.engine import Plan
from planning.policy import project_on_hand, protection_days
from stockpilot.vocabulary import ActionKind


@dataclass(frozen=True)
class Scenario:
    """What changes: open POs arrive later, or demand is scaled."""

    supplier_delay_days: int = 0
    supplier_id: str | None = None  # None: delay every open PO of the SKU-location
    demand_factor: float = 1.0  # scales every day's forecast
    promo_factor: float = 1.0  # scales the forecast on promotion days only
    # A hypothetical promotion: demand x promo_uplift from promo_start to promo_end (inclusive).
    promo_start: date | None = None
    promo_end: date | None = None
    promo_uplift: float = 1.0


def _check(scenario: Scenario) -> None:
    if scenario.supplier_delay_days < 0 or scenario.supplier_delay_days > 365:
        raise ValueError("supplier_delay_days must be between 0 and 365")
    for name in ("demand_factor", "promo_factor", "promo_uplift"):
        value = getattr(scenario, name)
        if not 0 <= value <= 20:
            raise ValueError(f"{name} must be between 0 and 20")
    start, end = scenario.promo_start, scenario.promo_end
    if (start is None) != (end is None):
        raise ValueError("a hypothetical promotion needs both promo_start and promo_end")
    if start is not None and end is not None and end < start:
        raise ValueError("promo_end must not be before promo_start")


def window_mask(plan: Plan, scenario: Scenario) -> np.ndarray:
    """Return the horizon days (bool, length H) of the scenario's hypothetical promotion."""
    if scenario.promo_start is None or scenario.promo_end is None:
        return np.zeros(len(plan.dates), dtype=bool)
    start, end = scenario.promo_start, scenario.promo_end
    return np.array([start <= d <= end for d in plan.dates], dtype=bool)


def scenario_demand(plan: Plan, rows: np.ndarray, scenario: Scenario) -> np.ndarray:
    """Return the forecast of the rows under the scenario's demand and promotion changes."""
    demand = plan.demand[rows] * scenario.demand_factor
    demand = np.where(plan.promo_mask[rows], demand * scenario.promo_factor, demand)
    window = window_mask(plan, scenario)
    if window.any():
        demand = np.where(window[None, :], demand * scenario.promo_uplift, demand)
    return demand


WINDOWS = (14, 28)
"""Fixed windows (days from today) whose unmet units are reported beside the horizon total."""


def _window_key(days: int) -> str:
    return f"unmet_units_{days}_days"


def days_earlier(base_first: np.ndarray, new_first: np.ndarray, horizon: int) -> np.ndarray:
    """Return how many days earlier the scenario's first stockout comes (negative: later).

    Days are 1-based first days with unmet demand, 0 for none within the horizon (counted as
    the day after it); 0 when neither runs out or the date does not move.
    """
    b = np.where(base_first > 0, base_first, horizon + 1)
    n = np.where(new_first > 0, new_first, horizon + 1)
    return (b - n).astype(np.int64)


def _outcome(
    as_of: date,
    on_hand: float,
    receipts: np.ndarray,
    demand: np.ndarray,
    window: int,
    margin: float,
) -> dict[str, Any]:
    proj = project_on_hand(np.array([on_hand]), receipts[None, :], demand[None, :])
    first = int(proj.first_unmet_day[0])
    unmet = proj.unmet[0]
    return {
        "first_stockout_date": (as_of + timedelta(days=first)).isoformat() if first else None,
        "first_stockout_day": first,
        "unmet_units_horizon": round(float(unmet.sum()), 1),
        "unmet_units_protection": round(float(unmet[:window].sum()), 1),
        **{_window_key(w): round(float(unmet[:w].sum()), 1) for w in WINDOWS},
        "lost_margin_horizon": round(float(unmet.sum()) * margin, 2),
        "lost_margin_protection": round(float(unmet[:window].sum()) * margin, 2),
        "min_projected_on_hand": round(float(proj.on_hand[0].min()), 1),
        "end_on_hand": round(float(proj.on_hand[0, -1]), 1),
        "forecast_units": round(float(demand.sum()), 1),
    }


def what_if(plan: Plan, row: int, scenario: Scenario) -> dict[str, Any]:
    """Return the base and scenario outcomes of one SKU-location and what changed."""
    _check(scenario)
    pos = plan.positions.iloc[row]
    h = plan.demand.shape[1]
    base_receipts = plan.receipts[row]
    receipts = base_receipts.copy()
    moved: list[dict[str, Any]] = []
    lines = plan.supply[
        (plan.supply["row"] == row) & (plan.supply["kind"] == ActionKind.PURCHASE_ORDER)
    ]
    if scenario.supplier_id is not None:
        lines = lines[lines["supplier_id"] == scenario.supplier_id]
    if scenario.supplier_delay_days:
        for line in lines.itertuples():
            old_day = int(line.arrival_day)
            new_day = old_day + scenario.supplier_delay_days
            if old_day <= h:
                receipts[old_day - 1] -= line.qty
            if new_day <= h:
                receipts[new_day - 1] += line.qty
            moved.append(
                {
                    "po_id": line.doc_id,
                    "supplier_id": line.supplier_id,
                    "qty": float(line.qty),
                    "arrival_before": (plan.as_of + timedelta(days=old_day)).isoformat(),
                    "arrival_after": (plan.as_of + timedelta(days=new_day)).isoformat(),
                }
            )
    base_demand = plan.demand[row]
    demand = scenario_demand(plan, np.array([row]), scenario)[0]
    window = min(int(protection_days(int(pos["lead_time"]), plan.params.review_period_days)), h)
    margin = float(pos["unit_price"] - pos["unit_cost"])
    on_hand = max(float(pos["on_hand"]), 0.0)
    base = _outcome(plan.as_of, on_hand, base_receipts, base_demand, window, margin)
    new = _outcome(plan.as_of, on_hand, receipts, demand, window, margin)
    shift = int(
        days_earlier(
            np.array([base.pop("first_stockout_day")]),
            np.array([new.pop("first_stockout_day")]),
            h,
        )[0]
    )
    deltas = ("unmet_units_protection", *map(_window_key, WINDOWS))
    return {
        "sku": str(pos["sku"]),
        "location": str(pos["location_id"]),
        "as_of": plan.as_of.isoformat(),
        "horizon_days": h,
        "protection_days": window,
        "scenario": asdict(scenario),
        "delayed_purchase_orders": moved,
        "promotion_days": int(plan.promo_mask[row].sum()),
        "hypothetical_promotion_days": int(window_mask(plan, scenario).sum()),
        "base": base,
        "with_scenario": new,
        "change": {
            "unmet_units_horizon": round(
                new["unmet_units_horizon"] - base["unmet_units_horizon"], 1
            ),
            "lost_margin_horizon": round(
                new["lost_margin_horizon"] - base["lost_margin_horizon"], 2
            ),
            **{key: round(new[key] - base[key], 1) for key in deltas},
            "lost_margin_protection": round(
                new["lost_margin_protection"] - base["lost_margin_protection"], 2
            ),
            "first_stockout_days_earlier": shift,
            "anything_changed": bool(
                shift or any(new[k] != base[k] for k in (*deltas, "unmet_units_horizon"))
            ),
        },
    }


def project_with_change(plan: Plan, row: int, day: int, qty: float) -> tuple[np.ndarray, Any]:
    """Re-project one row with one stock change: day 0 changes stock now, day d > 0 is a receipt.

    A negative `qty` is stock leaving (a transfer's source). Returns the receipts with the
    change and the projection (`planning.policy.project_on_hand`, one row); a change beyond
    the horizon changes nothing within it.
    """
    h = plan.demand.shape[1]
    start = float(plan.positions.iloc[row]["on_hand"])
    extra = np.zeros(h)
    if day == 0:
        start += qty
    elif 0 < day <= h:
        extra[day - 1] += qty
    receipts = plan.receipts[row] + extra
    return receipts, project_on_hand(
        np.array([start]), receipts[None, :], plan.demand[row][None, :]
    )


MOST_AFFECTED = 10
"""SKU-locations listed by `what_if_rows`: the largest change in lost margin within the
protection window first, then the largest first-stockout shift, then the horizon's change."""
DELAYED_LINES = 20
"""Delayed purchase-order lines listed (all are counted), soonest original arrival first."""


@dataclass(frozen=True)
class RowsOutcome:
    """A scenario's per-row results over some SKU-locations of one plan (`what_if_part`).

    Small (a few numbers per row): the outcomes of a network's parts, each planned and
    projected on its own, are combined by `combine_what_if` without holding any part's plan.
    """

    as_of: date
    horizon_days: int
    sku: np.ndarray
    location: np.ndarray
    base_unmet: np.ndarray
    new_unmet: np.ndarray
    base_lost: np.ndarray
    new_lost: np.ndarray
    base_first: np.ndarray  # first day with unmet demand (0: none)
    new_first: np.ndarray
    base_demand: np.ndarray  # forecast units over the horizon
    new_demand: np.ndarray
    protection_days: np.ndarray  # L + R − 1 (planning.policy.protection_days), at most the horizon
    base_unmet_protection: np.ndarray
    new_unmet_protection: np.ndarray
    base_lost_protection: np.ndarray
    new_lost_protection: np.ndarray
    base_unmet_windows: np.ndarray  # (rows, len(WINDOWS)): unmet units within each window
    new_unmet_windows: np.ndarray
    delayed: int  # open purchase-order lines the delay moves
    delayed_lines: list[dict[str, Any]]  # the first DELAYED_LINES of them
    promotion_days: int
    hypothetical_promotion_days: int


def _delayed_order(line: dict[str, Any]) -> tuple[str, str, str, str]:
    return (line["arrival_before"], line["po_id"], line["sku"], line["location"])


def what_if_part(plan: Plan, rows: np.ndarray, scenario: Scenario) -> RowsOutcome:
    """Project `rows` of `plan` with and without the scenario; return the per-row results."""
    _check(scenario)
    rows = np.asarray(rows, dtype=np.int64)
    h = plan.demand.shape[1]
    pos = plan.positions.iloc[rows]
    base_receipts = plan.receipts[rows]
    receipts = base_receipts.copy()
    moved: list[dict[str, Any]] = []
    if scenario.supplier_delay_days and len(rows):
        index = {int(r): i for i, r in enumerate(rows)}
        lines = plan.supply[
            (plan.supply["kind"] == ActionKind.PURCHASE_ORDER) & plan.supply["row"].isin(index)
        ]
        if scenario.supplier_id is not None:
            lines = lines[lines["supplier_id"] == scenario.supplier_id]
        for line in lines.itertuples():
            i = index[int(line.row)]
            old_day = int(line.arrival_day)
            new_day = old_day + scenario.supplier_delay_days
            if old_day <= h:
                receipts[i, old_day - 1] -= line.qty
            if new_day <= h:
                receipts[i, new_day - 1] += line.qty
            moved.append(
                {
                    "po_id": line.doc_id,
                    "supplier_id": line.supplier_id,
                    "sku": str(pos.iloc[i]["sku"]),
                    "location": str(pos.iloc[i]["location_id"]),
                    "qty": float(line.qty),
                    "arrival_before": (plan.as_of + timedelta(days=old_day)).isoformat(),
                    "arrival_after": (plan.as_of + timedelta(days=new_day)).isoformat(),
                }
            )
    base_demand = plan.demand[rows]
    demand = scenario_demand(plan, rows, scenario)
    on_hand = np.maximum(pos["on_hand"].to_numpy(float), 0.0)
    margin = (pos["unit_price"] - pos["unit_cost"]).to_numpy(float)
    base = project_on_hand(on_hand, base_receipts, base_demand)
    new = project_on_hand(on_hand, receipts, demand)
    base_unmet, new_unmet = base.unmet.sum(axis=1), new.unmet.sum(axis=1)
    window = np.minimum(
        protection_days(pos["lead_time"].to_numpy(np.int64), int(plan.params.review_period_days)),
        h,
    )
    within = np.arange(h)[None, :] < window[:, None]
    base_prot = (base.unmet * within).sum(axis=1)
    new_prot = (new.unmet * within).sum(axis=1)
    return RowsOutcome(
        as_of=plan.as_of,
        horizon_days=h,
        sku=pos["sku"].to_numpy(object),
        location=pos["location_id"].to_numpy(object),
        base_unmet=base_unmet,
        new_unmet=new_unmet,
        base_lost=base_unmet * margin,
        new_lost=new_unmet * margin,
        base_first=np.asarray(base.first_unmet_day, dtype=np.int64),
        new_first=np.asarray(new.first_unmet_day, dtype=np.int64),
        base_demand=base_demand.sum(axis=1),
        new_demand=demand.sum(axis=1),
        protection_days=window,
        base_unmet_protection=base_prot,
        new_unmet_protection=new_prot,
        base_lost_protection=base_prot * margin,
        new_lost_protection=new_prot * margin,
        base_unmet_windows=np.stack([base.unmet[:, :w].sum(axis=1) for w in WINDOWS], axis=1),
        new_unmet_windows=np.stack([new.unmet[:, :w].sum(axis=1) for w in WINDOWS], axis=1),
        delayed=len(moved),
        delayed_lines=sorted(moved, key=_delayed_order)[:DELAYED_LINES],
        promotion_days=int(plan.promo_mask[rows].sum()),
        hypothetical_promotion_days=int(window_mask(plan, scenario).sum()),
    )


def combine_what_if(parts: list[RowsOutcome], scenario: Scenario) -> dict[str, Any]:
    """Return the base and scenario totals of the parts' rows and the most affected ones.

    The rows are taken in (SKU, location) order whatever the parts, so a network answered part
    by part says exactly what its whole plan says.
    """
    if not parts:
        raise ValueError("no SKU-location to project")
    first_part = parts[0]

    def cat(name: str) -> np.ndarray:
        return np.concatenate([getattr(p, name) for p in parts])

    sku, location = cat("sku"), cat("location")
    order = np.lexsort((location.astype(str), sku.astype(str)))
    sku, location = sku[order], location[order]
    base_unmet, new_unmet = cat("base_unmet")[order], cat("new_unmet")[order]
    base_lost, new_lost = cat("base_lost")[order], cat("new_lost")[order]
    base_first, new_first = cat("base_first")[order], cat("new_first")[order]
    base_demand, new_demand = cat("base_demand")[order], cat("new_demand")[order]
    protection = cat("protection_days")[order]
    base_prot, new_prot = cat("base_unmet_protection")[order], cat("new_unmet_protection")[order]
    base_lost_prot = cat("base_lost_protection")[order]
    new_lost_prot = cat("new_lost_protection")[order]
    base_win, new_win = cat("base_unmet_windows")[order], cat("new_unmet_windows")[order]
    h = first_part.horizon_days
    shift = days_earlier(base_first, new_first, h)

    def totals(
        unmet: np.ndarray,
        lost: np.ndarray,
        dem: np.ndarray,
        prot: np.ndarray,
        lost_prot: np.ndarray,
        win: np.ndarray,
    ) -> dict[str, Any]:
        return {
            "sku_locations_short": int((unmet > 1e-9).sum()),
            "unmet_units_horizon": round(float(unmet.sum()), 1),
            "lost_margin_horizon": round(float(lost.sum()), 2),
            "forecast_units": round(float(dem.sum()), 1),
            "unmet_units_protection": round(float(prot.sum()), 1),
            "lost_margin_protection": round(float(lost_prot.sum()), 2),
            **{_window_key(w): round(float(win[:, i].sum()), 1) for i, w in enumerate(WINDOWS)},
        }

    def first(day: int) -> str | None:
        return (first_part.as_of + timedelta(days=int(day))).isoformat() if day else None

    delta = new_lost - base_lost
    delta_prot = new_lost_prot - base_lost_prot
    moved = (
        (np.abs(delta) > 1e-9)
        | (np.abs(new_unmet - base_unmet) > 1e-9)
        | (np.abs(new_prot - base_prot) > 1e-9)
        | (np.abs(new_win - base_win) > 1e-9).any(axis=1)
        | (shift != 0)
    )
    ranked = np.lexsort((np.arange(len(sku)), -np.abs(delta), -np.abs(shift), -np.abs(delta_prot)))
    affected = [
        {
            "sku": str(sku[i]),
            "location": str(location[i]),
            "unmet_units_base": round(float(base_unmet[i]), 1),
            "unmet_units_scenario": round(float(new_unmet[i]), 1),
            "lost_margin_change": round(float(delta[i]), 2),
            "first_stockout_base": first(base_first[i]),
            "first_stockout_scenario": first(new_first[i]),
            "first_stockout_days_earlier": int(shift[i]),
            "protection_days": int(protection[i]),
            "unmet_units_protection_base": round(float(base_prot[i]), 1),
            "unmet_units_protection_scenario": round(float(new_prot[i]), 1),
            "lost_margin_protection_change": round(float(delta_prot[i]), 2),
        }
        for i in ranked[moved[ranked]][:MOST_AFFECTED]
    ]
    b = totals(base_unmet, base_lost, base_demand, base_prot, base_lost_prot, base_win)
    n = totals(new_unmet, new_lost, new_demand, new_prot, new_lost_prot, new_win)
    earlier, later = shift > 0, shift < 0
    delayed_lines = sorted((x for p in parts for x in p.delayed_lines), key=_delayed_order)
    return {
        "as_of": first_part.as_of.isoformat(),
        "horizon_days": first_part.horizon_days,
        "sku_locations": len(sku),
        "scenario": asdict(scenario),
        "delayed_purchase_orders": sum(p.delayed for p in parts),
        "delayed_purchase_order_lines": delayed_lines[:DELAYED_LINES],
        "promotion_days": sum(p.promotion_days for p in parts),
        "hypothetical_promotion_days": first_part.hypothetical_promotion_days,
        "base": b,
        "with_scenario": n,
        "change": {
            "unmet_units_horizon": round(n["unmet_units_horizon"] - b["unmet_units_horizon"], 1),
            "lost_margin_horizon": round(n["lost_margin_horizon"] - b["lost_margin_horizon"], 2),
            "sku_locations_short": n["sku_locations_short"] - b["sku_locations_short"],
            **{
                key: round(n[key] - b[key], 1)
                for key in ("unmet_units_protection", *map(_window_key, WINDOWS))
            },
            "lost_margin_protection": round(
                n["lost_margin_protection"] - b["lost_margin_protection"], 2
            ),
            "sku_locations_stockout_earlier": int(earlier.sum()),
            "sku_locations_stockout_later": int(later.sum()),
            "first_stockout_days_earlier_max": int(shift[earlier].max()) if earlier.any() else 0,
            "sku_locations_changed": int(moved.sum()),
            "anything_changed": bool(moved.any()),
        },
        "most_affected": affected,
    }


def what_if_rows(plan: Plan, rows: np.ndarray, scenario: Scenario) -> dict[str, Any]:
    """Return the base and scenario totals of many SKU-locations and the most affected ones."""
    return combine_what_if([what_if_part(plan, rows, scenario)], scenario)
