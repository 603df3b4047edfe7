"""Chart data for one SKU-location: history, forecast band, receipts and projected stock.

Everything but the sales history comes from the plan's own arrays; with a proposal, its
effect (a receipt, or stock leaving a transfer's source) is applied and the projection rerun
(`planning.whatif.project_with_change`).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import numpy as np
import pandas as pd

from erp.governance import ProposalStore
from erp.store import daily_sales
from planning.whatif import project_with_change
from stockpilot.actions import PurchaseOrderAction, TransferAction
from stockpilot.vocabulary import ProposalStatus
from tools.errors import NotFoundError, ProposalMismatchError, at
from tools.plan_cache import PlanCache


class Projections:
    """Build a SKU-location's drill-down chart, before and after a proposal."""

    def __init__(self, plans: PlanCache, proposals: ProposalStore):
        self.plans = plans
        self.proposals = proposals

    def projection(
        self,
        sku: str,
        location: str,
        *,
        proposal_id: str | None = None,
        history_days: int = 56,
        interval: float = 0.9,
    ) -> dict[str, Any]:
        """Return one SKU-location's chart data from the plan, and the projection after a proposal.

        History is the units sold there (a DC: summed over the stores it feeds, as its forecast
        is); the forecast, its interval (mean ± z·sigma of each day's demand, sigma being the
        engine's one-day-ahead error), receipts, projected on hand and unmet demand are the
        plan's own arrays. With `proposal_id`, a pending or approved transfer or purchase order
        touching this SKU-location is applied (a receipt on its arrival date, or stock leaving a
        transfer's source today) and the projection rerun; a committed one is already part of
        the plan's open supply. Raises NotFoundError, or ProposalMismatchError when the
        proposal concerns another SKU-location.
        """
        from scipy.stats import norm

        if not 0 < interval < 1:
            raise ValueError("interval must be in (0, 1)")
        result = self.plans.plan_of(sku)
        row = result.row_of(sku, location)
        if row is None:
            raise NotFoundError(f"no stock position for SKU {sku!r}" + at(location))
        pos = result.positions.iloc[row]
        as_of = result.as_of
        h = result.demand.shape[1]

        # History: this location's sales, or (a DC) those of the stores its forecast rolls up.
        feeds = [location]
        if pos["location_type"] == "dc":
            p = result.positions
            feeds = list(
                p.loc[(p["sku"] == sku) & (p["source_location"] == location), "location_id"]
            )
        start = as_of - timedelta(days=max(int(history_days), 1) - 1)
        sold = daily_sales(self.plans.engine, sku, feeds, start=start, end=as_of)
        history = [
            {"date": d.isoformat(), "units": sold.get(d, 0.0)}
            for d in (start + timedelta(days=k) for k in range((as_of - start).days + 1))
        ]

        demand = result.demand[row]
        width = float(norm.ppf(0.5 + interval / 2)) * float(pos["sigma"])
        receipts = result.receipts[row]
        markers = [
            {
                **{k: v for k, v in line.items() if k not in ("assumed_arrival", "arrival_day")},
                "arrival_date": line["assumed_arrival"],
                "in_horizon": line["arrival_day"] <= h,
            }
            for line in result.supply_lines(row)
        ]

        action = None
        after = None
        if proposal_id is not None:
            action, change = self._proposal_effect(proposal_id, sku, location, as_of)
            if change is not None:
                after_receipts, after = project_with_change(result, row, *change)

        days = []
        for j, d in enumerate(result.dates):
            entry: dict[str, Any] = {
                "date": d.isoformat(),
                "forecast": round(float(demand[j]), 3),
                "forecast_lower": round(max(float(demand[j]) - width, 0.0), 3),
                "forecast_upper": round(float(demand[j]) + width, 3),
                "promo": bool(result.promo_mask[row, j]),
                "receipts": round(float(receipts[j]), 3),
                "projected_on_hand": round(float(result.projected[row, j]), 3),
                "unmet": round(float(result.unmet[row, j]), 3),
                "receipts_after": None,
                "projected_on_hand_after": None,
                "unmet_after": None,
            }
            if after is not None:
                entry["receipts_after"] = round(float(after_receipts[j]), 3)
                entry["projected_on_hand_after"] = round(float(after.on_hand[0, j]), 3)
                entry["unmet_after"] = round(float(after.unmet[0, j]), 3)
            days.append(entry)

        def outcome(on: np.ndarray, unmet: np.ndarray) -> dict[str, Any]:
            hit = np.flatnonzero(unmet > 1e-9)
            return {
                "first_stockout_date": result.dates[int(hit[0])].isoformat() if len(hit) else None,
                "unmet_units": round(float(unmet.sum()), 1),
                "min_projected_on_hand": round(float(on.min()), 1) if on.size else None,
                "end_on_hand": round(float(on[-1]), 1) if on.size else None,
            }

        return {
            "sku": sku,
            "location": location,
            "location_type": str(pos["location_type"]),
            "as_of": as_of.isoformat(),
            "horizon_days": h,
            "interval": interval,
            "method": str(pos["method"]),
            "policy": {
                k: (None if pd.isna(pos[k]) else round(float(pos[k]), 3))
                for k in (
                    "on_hand",
                    "in_transit",
                    "on_order",
                    "position",
                    "forecast_daily",
                    "sigma",
                    "lead_time",
                    "safety_stock",
                    "reorder_point",
                    "order_up_to",
                )
            },
            "history_locations": feeds,
            "history": history,
            "days": days,
            "supply": markers,
            "proposal": action,
            "base": outcome(result.projected[row], result.unmet[row]),
            "after": None if after is None else outcome(after.on_hand[0], after.unmet[0]),
        }

    def _proposal_effect(
        self, proposal_id: str, sku: str, location: str, as_of: date
    ) -> tuple[dict[str, Any], tuple[int, float] | None]:
        """Return a proposal's description for a chart and its change (day, qty) here, if any.

        Day 0 means stock leaves today (a transfer's source); a positive day is a receipt.
        """
        p = self.proposals.get(proposal_id)
        if p is None:
            raise NotFoundError(f"unknown proposal {proposal_id!r}")
        action = p.action
        match action:
            case TransferAction():
                source = action.from_location == location
                where = f"from {action.from_location} to {action.to_location}"
            case PurchaseOrderAction():
                source, where = False, f"at {action.location_id}"
        if action.sku != sku or (action.destination != location and not source):
            raise ProposalMismatchError(
                f"proposal {p.id} is a {p.kind} of {action.sku} {where}; "
                f"it does not touch {sku} at {location}"
            )
        qty = float(action.qty)
        arrives = p.evidence.get("arrives")
        if source:
            day, effect = 0, "leave the source today"
        elif arrives:
            day = max((date.fromisoformat(str(arrives)) - as_of).days, 1)
            effect = "arrive " + (as_of + timedelta(days=day)).isoformat()
        else:
            day, effect = 1, "arrive tomorrow (no lead time recorded)"
        applied = p.status in (ProposalStatus.PENDING, ProposalStatus.APPROVED)
        if p.status == ProposalStatus.COMMITTED:
            note = f"committed as {p.document_id}: already part of the open supply above"
        elif applied:
            note = f"{qty:g} units {effect}"
        else:
            note = f"{p.status}: it changes nothing"
        out = {
            "id": p.id,
            "kind": p.kind,
            "status": p.status,
            "args": p.args,
            "value": p.value,
            "qty": qty,
            "effect": "issue" if source else "receipt",
            "date": (as_of + timedelta(days=day)).isoformat(),
            "applied": applied,
            "note": note,
            "document_id": p.document_id,
        }
        return out, ((day, -qty if source else qty) if applied else None)
