"""Check a drafted transfer or purchase order against the plan (pure; used to draft and commit).

The same checks run when the copilot drafts an action and again just before it is written to the
ERP, so stock that moved in between, or a quantity that no longer makes sense, stops the write.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import numpy as np
import pandas as pd

from planning.engine import Plan
from planning.network import NetworkData

# A quantity is insane beyond this many days of the destination's forecast (or 3× its
# order-up-to level, whichever is larger).
SANE_DAYS_OF_DEMAND = 120
SANE_ORDER_UP_TO_MULTIPLE = 3.0


@dataclass(frozen=True)
class ActionCheck:
    """The verdict on one action: errors (empty when valid), its value and its evidence."""

    kind: str
    args: dict[str, Any]
    errors: list[str] = field(default_factory=list)
    value: float = 0.0
    evidence: dict[str, Any] = field(default_factory=dict)
    description: str = ""

    @property
    def ok(self) -> bool:
        """Return True when the action may go ahead."""
        return not self.errors


def _num(x: Any) -> float:
    v = float(x)
    return 0.0 if not np.isfinite(v) else v


def _position(plan: Plan, sku: str, location: str) -> pd.Series | None:
    row = plan.row_of(sku, location)
    return None if row is None else plan.positions.iloc[row]


def _sane_limit(pos: pd.Series | None, floor: float) -> float:
    if pos is None:
        return floor
    return max(
        SANE_ORDER_UP_TO_MULTIPLE * _num(pos["order_up_to"]),
        SANE_DAYS_OF_DEMAND * _num(pos["forecast_daily"]),
        floor,
    )


def _dest_lines(pos: pd.Series | None, location: str) -> list[str]:
    if pos is None:
        return [f"- {location}: not stocked here yet (no position)"]
    stockout = pos["projected_stockout_date"]
    when = "none in the horizon" if pd.isna(stockout) else pd.Timestamp(stockout).date().isoformat()
    return [
        f"- {location}: on hand {_num(pos['on_hand']):.0f}, position {_num(pos['position']):.0f}, "
        f"forecast {_num(pos['forecast_daily']):.1f}/day, reorder point "
        f"{_num(pos['reorder_point']):.0f}, order-up-to {_num(pos['order_up_to']):.0f}, "
        f"projected stockout {when}"
    ]


def _common(ref: NetworkData, sku: str, qty: int, locations: list[str]) -> list[str]:
    errors = []
    if not (ref.items["sku"] == sku).any():
        errors.append(f"unknown SKU {sku!r}")
    known = set(ref.locations["location_id"])
    errors += [f"unknown location {loc!r}" for loc in locations if loc not in known]
    if int(qty) != qty or qty <= 0:
        errors.append(f"quantity must be a positive whole number (got {qty})")
    return errors


def check_transfer(
    plan: Plan,
    ref: NetworkData,
    *,
    sku: str,
    from_location: str,
    to_location: str,
    qty: int,
    source_on_hand: float | None = None,
) -> ActionCheck:
    """Check a transfer: lane exists, the source keeps its safety stock, the quantity is sane.

    The source's stock is `source_on_hand` when given (read live by the caller), else the
    reference snapshot's.
    """
    args = {"sku": sku, "from_location": from_location, "to_location": to_location, "qty": qty}
    errors = _common(ref, sku, qty, [from_location, to_location])
    if from_location == to_location:
        errors.append("from_location and to_location are the same")
    if errors:
        return ActionCheck("transfer", args, errors)
    lane = ref.lanes[
        (ref.lanes["from_location"] == from_location) & (ref.lanes["to_location"] == to_location)
    ]
    if lane.empty:
        errors.append(f"no transfer lane from {from_location} to {to_location}")
    src = _position(plan, sku, from_location)
    dst = _position(plan, sku, to_location)
    # Stock now, from the store snapshot (it may have moved since the plan was computed).
    on_hand: float | None = source_on_hand
    if on_hand is None:
        inv = ref.inventory
        held = inv[(inv["sku"] == sku) & (inv["location_id"] == from_location)]["on_hand"]
        on_hand = float(held.sum()) if len(held) else None
    # A DC replenishing one of its own stores may ship everything it holds (its stock is there
    # to serve them); any other source keeps its safety stock.
    sources = ref.locations.set_index("location_id")["source_location"]
    replenishment = sources.get(to_location, "") == from_location
    safety = 0.0 if src is None else _num(src["safety_stock"])
    held_back = 0.0 if replenishment else safety
    available = 0.0
    if on_hand is None or on_hand <= 0:
        errors.append(f"{from_location} holds no {sku}")
    else:
        available = max(np.floor(on_hand - held_back), 0.0)
        if qty > available:
            keeps = "" if replenishment else f" less its safety stock {safety:.0f}"
            errors.append(
                f"{from_location} can spare only {available:.0f} of {sku} (on hand "
                f"{on_hand:.0f}{keeps}); {qty} requested"
            )
    # With no position at the destination there is no demand to judge against: the source's
    # spare stock is the only bound, and the description says so.
    limit = _sane_limit(dst, floor=1.0) if dst is not None else max(available, 1.0)
    if qty > limit and dst is not None:
        errors.append(
            f"{qty} is more than {to_location} can use: at most {limit:.0f} "
            f"({SANE_ORDER_UP_TO_MULTIPLE:g}× its order-up-to or {SANE_DAYS_OF_DEMAND} days "
            "of its forecast)"
        )
    unit_cost = _num(ref.items.set_index("sku").loc[sku, "unit_cost"])
    lane_lt = int(lane["lead_time_days"].iloc[0]) if not lane.empty else None
    lane_cost = _num(lane["cost_per_unit"].iloc[0]) if not lane.empty else 0.0
    arrives = (plan.as_of + timedelta(days=lane_lt)).isoformat() if lane_lt is not None else None
    evidence = {
        "unit_cost": unit_cost,
        "lane_lead_time_days": lane_lt,
        "lane_cost_per_unit": lane_cost,
        "arrives": arrives,
        "source_on_hand": on_hand,
        "source_safety_stock": round(safety, 1),
        "replenishment_lane": bool(replenishment),
        "source_available": available,
        "destination_position": None if dst is None else _num(dst["position"]),
        "destination_order_up_to": None if dst is None else round(_num(dst["order_up_to"]), 1),
        "sane_limit": round(limit, 1),
    }
    value = round(qty * unit_cost, 2)
    lines = [
        f"**Transfer {qty} × {sku}** from {from_location} to {to_location} "
        f"(value {value:,.2f} at cost {unit_cost:.2f}/unit"
        + (f"; {lane_lt}-day lane, arrives {arrives}" if lane_lt is not None else "")
        + ")",
        f"- {from_location}: on hand {on_hand or 0:.0f}, safety stock {safety:.1f}"
        + (" (its own store: not held back)" if replenishment else "")
        + f", can spare {available:.0f}",
        *_dest_lines(dst, to_location),
    ]
    return ActionCheck("transfer", args, errors, value, evidence, "\n".join(lines))


def check_purchase_order(
    plan: Plan, ref: NetworkData, *, sku: str, location: str, supplier_id: str, qty: int
) -> ActionCheck:
    """Check a purchase order: the supplier sells the SKU, MOQ and case pack hold, qty is sane."""
    args = {"sku": sku, "location_id": location, "supplier_id": supplier_id, "qty": qty}
    errors = _common(ref, sku, qty, [location])
    if not (ref.suppliers["supplier_id"] == supplier_id).any():
        errors.append(f"unknown supplier {supplier_id!r}")
    if errors:
        return ActionCheck("purchase_order", args, errors)
    terms = ref.item_suppliers[
        (ref.item_suppliers["sku"] == sku) & (ref.item_suppliers["supplier_id"] == supplier_id)
    ]
    if terms.empty:
        return ActionCheck(
            "purchase_order", args, [f"supplier {supplier_id} does not supply {sku}"]
        )
    t = terms.iloc[0]
    sup = ref.suppliers.set_index("supplier_id").loc[supplier_id]
    pack = int(ref.items.set_index("sku").loc[sku, "case_pack"])
    moq = int(t["moq"])
    lead = int(t["lead_time_days"]) if pd.notna(t["lead_time_days"]) else int(sup["lead_time_days"])
    if qty < moq:
        errors.append(f"{qty} is below the minimum order quantity {moq} of {supplier_id}")
    if qty % pack:
        nearest = max(pack, round(qty / pack) * pack, -(-moq // pack) * pack)
        errors.append(f"{qty} is not a whole number of cases of {pack} (nearest: {nearest})")
    pos = _position(plan, sku, location)
    limit = _sane_limit(pos, floor=float(max(moq, pack)))
    if qty > limit:
        errors.append(
            f"{qty} is more than {location} can use: at most {limit:.0f} "
            f"({SANE_ORDER_UP_TO_MULTIPLE:g}× its order-up-to or {SANE_DAYS_OF_DEMAND} days "
            "of its forecast)"
        )
    cost = _num(t["unit_cost"])
    value = round(qty * cost, 2)
    arrives = (plan.as_of + timedelta(days=lead)).isoformat()
    evidence = {
        "unit_cost": cost,
        "moq": moq,
        "case_pack": pack,
        "lead_time_days": lead,
        "arrives": arrives,
        "supplier_on_time_rate": _num(sup["on_time_rate"]),
        "supplier_lead_time_std_days": _num(sup["lead_time_std_days"]),
        "position": None if pos is None else _num(pos["position"]),
        "order_up_to": None if pos is None else round(_num(pos["order_up_to"]), 1),
        "sane_limit": round(limit, 1),
    }
    lines = [
        f"**Purchase order {qty} × {sku}** from {supplier_id} ({sup['name']}) to {location} "
        f"(value {value:,.2f} at {cost:.2f}/unit; {lead}-day lead time, arrives {arrives}; "
        f"on time {_num(sup['on_time_rate']):.0%})",
        f"- MOQ {moq}, case pack {pack}",
        *_dest_lines(pos, location),
    ]
    return ActionCheck("purchase_order", args, errors, value, evidence, "\n".join(lines))
