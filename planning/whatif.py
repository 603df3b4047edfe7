"""Re-project one SKU-location under a scenario: a supplier delay or a demand change.

Pure: it reads a finished `Plan` and returns the base and scenario projections side by side, so
a planner can see what a late supplier or a stronger promotion would do before acting.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, timedelta
from typing import Any

import numpy as np

from planning.engine import Plan
from planning.policy import project_on_hand


@dataclass(frozen=True)
class Scenario:
    """What changes: open POs arrive later, or demand is scaled."""

    supplier_delay_days: int = 0
    supplier_id: str | None = None  # None: delay every open PO of the SKU-location
    demand_factor: float = 1.0  # scales every day's forecast
    promo_factor: float = 1.0  # scales the forecast on promotion days only


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
        "unmet_units_horizon": round(float(unmet.sum()), 1),
        "unmet_units_protection": round(float(unmet[:window].sum()), 1),
        "lost_margin_horizon": round(float(unmet.sum()) * margin, 2),
        "min_projected_on_hand": round(float(proj.on_hand[0].min()), 1),
        "end_on_hand": round(float(proj.on_hand[0, -1]), 1),
        "forecast_units": round(float(demand.sum()), 1),
    }


def what_if(plan: Plan, row: int, scenario: Scenario) -> dict[str, Any]:
    """Return the base and scenario outcomes of one SKU-location and what changed."""
    if scenario.supplier_delay_days < 0 or scenario.supplier_delay_days > 365:
        raise ValueError("supplier_delay_days must be between 0 and 365")
    for name in ("demand_factor", "promo_factor"):
        value = getattr(scenario, name)
        if not 0 <= value <= 20:
            raise ValueError(f"{name} must be between 0 and 20")
    pos = plan.positions.iloc[row]
    h = plan.demand.shape[1]
    base_receipts = plan.receipts[row]
    receipts = base_receipts.copy()
    moved: list[dict[str, Any]] = []
    lines = plan.supply[(plan.supply["row"] == row) & (plan.supply["kind"] == "purchase_order")]
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
    demand = base_demand * scenario.demand_factor
    demand = np.where(plan.promo_mask[row], demand * scenario.promo_factor, demand)
    window = min(int(pos["lead_time"]) + plan.params.review_period_days, h)
    margin = float(pos["unit_price"] - pos["unit_cost"])
    on_hand = max(float(pos["on_hand"]), 0.0)
    base = _outcome(plan.as_of, on_hand, base_receipts, base_demand, window, margin)
    new = _outcome(plan.as_of, on_hand, receipts, demand, window, margin)
    return {
        "sku": str(pos["sku"]),
        "location": str(pos["location_id"]),
        "as_of": plan.as_of.isoformat(),
        "horizon_days": h,
        "protection_days": window,
        "scenario": asdict(scenario),
        "delayed_purchase_orders": moved,
        "promotion_days": int(plan.promo_mask[row].sum()),
        "base": base,
        "with_scenario": new,
        "change": {
            "unmet_units_horizon": round(
                new["unmet_units_horizon"] - base["unmet_units_horizon"], 1
            ),
            "lost_margin_horizon": round(
                new["lost_margin_horizon"] - base["lost_margin_horizon"], 2
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
