"""Check a drafted transfer or purchase order against the plan (pure; used to draft and commit).

The same checks run when the copilot drafts an action and again just before it is written to the
ERP, so stock that moved in between, or a quantity that no longer makes sense, stops the write.
Both apply the rules of `planning.coverage`: orders StockPilot drafted or wrote for the same
target since the snapshot (`since`) count as supply, so a second order for a covered need is cut
to the remainder or refused; and a draft above its class's maximum cover, or for a target with
no need, carries a warning.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import numpy as np
import pandas as pd

from planning.coverage import (
    above_max_cover,
    days_of_cover_after,
    quantity_left_to_order,
    shortage_window,
    uncovered_need,
    unmet_in_window,
)
from planning.engine import Plan
from planning.network import NetworkData, SupplyLine
from planning.policy import spare_stock
from stockpilot.actions import Action, PurchaseOrderAction, TransferAction
from stockpilot.vocabulary import MAX_EDIT_QTY, ActionKind

# A quantity is insane beyond this many days of the destination's forecast (or 3× its
# order-up-to level, whichever is larger).
SANE_DAYS_OF_DEMAND = 120
SANE_ORDER_UP_TO_MULTIPLE = 3.0


@dataclass(frozen=True)
class ActionCheck:
    """The verdict on one action: errors (empty when valid), its value and its evidence.

    `warnings` do not stop the action; they travel with the proposal to the approval gate.
    """

    action: Action  # as checked: a cut quantity replaces the one asked for
    errors: list[str] = field(default_factory=list)
    value: float = 0.0
    evidence: dict[str, Any] = field(default_factory=dict)
    description: str = ""
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Return True when the action may go ahead."""
        return not self.errors

    @property
    def kind(self) -> ActionKind:
        """Return the action's kind."""
        return self.action.kind

    @property
    def args(self) -> dict[str, Any]:
        """Return the action's JSON form (a proposal's `args`)."""
        return self.action.args()


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
    elif qty > MAX_EDIT_QTY:
        # Checked before any figure is computed from it: a value of 9e18 units overflows.
        errors.append(f"quantity {qty:,} is more than one action may carry ({MAX_EDIT_QTY:,})")
    return errors


@dataclass(frozen=True)
class _Guard:
    """What the coverage rules make of a drafted quantity for its target."""

    qty: int  # the quantity left to order (the drafted one when nothing else is on its way)
    errors: list[str]
    warnings: list[str]
    notes: list[str]  # description lines
    evidence: dict[str, Any]


def _receipts_with(plan: Plan, row: int, lines: Sequence[SupplyLine]) -> np.ndarray:
    """Return the row's receipts with the supply since the snapshot added on its arrival days."""
    h = plan.demand.shape[1]
    receipts = np.array(plan.receipts[row], dtype=float)
    for line in lines:
        day = 1 if line.arrives is None else max((line.arrives - plan.as_of).days, 1)
        if day <= h:
            receipts[day - 1] += line.qty
    return receipts


def _guard(
    plan: Plan,
    row: int | None,
    *,
    sku: str,
    location: str,
    qty: int,
    since: Sequence[SupplyLine],
    arrival_day: int = 1,
    case_pack: int = 1,
    moq: int = 0,
) -> _Guard:
    """Apply the coverage rules to `qty` units of `sku` for `location` (its plan row `row`).

    `arrival_day`: the day this order would arrive (what runs short before it is no need it
    can fill).
    """
    lines = list(since)
    supply = float(sum(line.qty for line in lines))
    covering = ", ".join(line.describe() for line in lines)
    evidence: dict[str, Any] = {
        "supply_since": [
            {"proposal_id": x.proposal_id, "status": x.status, "kind": x.kind, "qty": x.qty}
            | ({"document_id": x.document_id} if x.document_id else {})
            for x in lines
        ]
    }
    if row is None:
        # No position: nothing is forecast to sell there, so there is no need to fill.
        evidence["need"] = 0.0
        if supply > 0:
            return _Guard(
                0,
                [
                    f"{location} has no need for {sku} (no stock position) and {covering} "
                    "already sends it some; nothing more to order"
                ],
                [],
                [],
                evidence,
            )
        warning = f"{location} has no need for {sku}: no stock position, no forecast demand"
        return _Guard(qty, [], [warning], [], evidence | {"warnings": [warning]})
    pos = plan.positions.iloc[row]
    held = {line["document_id"] for line in plan.supply_lines(row)}
    # Documents a plan computed after their write already counts as open supply.
    extra = [x for x in lines if not (x.document_id and x.document_id in held)]
    position = _num(pos["position"]) + sum(x.qty for x in extra)
    h = plan.demand.shape[1]
    window = int(
        shortage_window(
            _num(pos["lead_time"]),
            plan.params.review_period_days,
            position,
            _num(pos["reorder_point"]),
        )
    )
    window = min(window, h)
    demand = plan.demand[row][None, :]
    receipts = _receipts_with(plan, row, extra)[None, :]
    promo = plan.promo_mask[row][None, :]
    unmet = float(
        unmet_in_window(
            [_num(pos["on_hand"])], receipts, demand, [window], promo, first_day=[arrival_day]
        )[0]
    )
    order_up_to = _num(pos["order_up_to"])
    need = float(uncovered_need(order_up_to, position, unmet))
    left = int(quantity_left_to_order(qty, need, supply, case_pack=case_pack, moq=moq))
    evidence |= {"need": round(need, 1), "position_with_supply_since": round(position, 1)}
    state = (
        f"its position with them is {position:.0f} against an order-up-to level of "
        f"{order_up_to:.0f}, and nothing runs short in the next {window} days"
        + (" nor on a promotion day" if promo.any() else "")
    )
    if supply > 0 and left <= 0:
        return _Guard(
            0,
            [f"the need of {location} for {sku} is already covered by {covering}: {state}"],
            [],
            [],
            evidence,
        )
    notes = []
    if left < qty:
        cut = (
            f"Cut from {qty} to {left}: {covering} already on its way to {location} "
            f"leaves a need of {math.ceil(need - 1e-9)}"
        )
        notes.append(f"- {cut}")
        evidence |= {"requested_qty": int(qty), "cut_reason": cut}
    warnings = []
    if need <= 0:
        warnings.append(
            f"{location} has no need for {sku}: its position {position:.0f} is at or above its "
            f"order-up-to level {order_up_to:.0f} and nothing runs short in the next "
            f"{window} days" + (" nor on a promotion day" if promo.any() else "")
        )
    abc = str(pos.get("abc_class", "") or "")
    limit = plan.params.class_max_cover_days().get(abc)
    after = position + left
    cover = float(days_of_cover_after([after], demand)[0])
    evidence["cover_days_after"] = round(cover, 1) if np.isfinite(cover) else None
    if limit is not None:
        evidence |= {"abc_class": abc, "max_cover_days": limit}
        if bool(above_max_cover([cover], [limit])[0]):
            warnings.append(
                f"{location} would hold {after:.0f} units of {sku} with this order, "
                + (
                    f"{cover:.0f} days of its forecast demand"
                    if np.isfinite(cover)
                    else "and no demand is forecast there"
                )
                + f": above the {limit:g}-day maximum cover of class {abc}"
            )
    if warnings:
        evidence["warnings"] = warnings
    return _Guard(left, [], warnings, notes, evidence)


def _headline(lines: list[str], guard: _Guard) -> list[str]:
    """Return the description lines with the warnings right under the headline."""
    flagged = [f"- **Warning:** {w}" for w in guard.warnings]
    return [lines[0], *flagged, *guard.notes, *lines[1:]]


def check_transfer(
    plan: Plan,
    ref: NetworkData,
    action: TransferAction,
    *,
    source_on_hand: float | None = None,
    since: Sequence[SupplyLine] = (),
    shipping: Sequence[SupplyLine] = (),
) -> ActionCheck:
    """Check a transfer: lane exists, the source keeps its safety stock, the quantity is sane.

    The source's stock is `source_on_hand` when given (read live by the caller), else the
    reference snapshot's. `since` are the orders StockPilot drafted or wrote for the
    destination since the snapshot: the quantity is cut to the need they leave, or refused when
    they cover it. `shipping` are the transfers out of the source that stock still holds
    (drafted or approved, not yet written): they come off it before what it can spare is judged.
    """
    sku, from_location, to_location = action.sku, action.from_location, action.to_location
    qty = action.qty
    errors = _common(ref, sku, qty, [from_location, to_location])
    if from_location == to_location:
        errors.append("from_location and to_location are the same")
    if errors:
        return ActionCheck(action, errors)
    lane = ref.lanes[
        (ref.lanes["from_location"] == from_location) & (ref.lanes["to_location"] == to_location)
    ]
    guard = _guard(
        plan,
        plan.row_of(sku, to_location),
        sku=sku,
        location=to_location,
        qty=qty,
        since=since,
        arrival_day=int(lane["lead_time_days"].iloc[0]) if not lane.empty else 1,
    )
    if guard.errors:
        return ActionCheck(action, guard.errors, evidence=guard.evidence)
    qty = guard.qty
    action = action.with_qty(qty)
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
    outgoing = float(sum(line.qty for line in shipping))
    leaving = ", ".join(line.describe() for line in shipping)
    available = 0.0
    if on_hand is None or on_hand <= 0:
        errors.append(f"{from_location} holds no {sku}")
    else:
        available = float(spare_stock(max(on_hand - outgoing, 0.0), safety, replenishment))
        if qty > available:
            keeps = "" if replenishment else f" less its safety stock {safety:.0f}"
            taken = f" less {outgoing:.0f} already leaving in {leaving}" if outgoing else ""
            errors.append(
                f"{from_location} can spare only {available:.0f} of {sku} (on hand "
                f"{on_hand:.0f}{taken}{keeps}); {qty} requested"
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
        "source_shipping": [
            {"proposal_id": x.proposal_id, "status": x.status, "qty": x.qty} for x in shipping
        ],
        "source_safety_stock": round(safety, 1),
        "replenishment_lane": bool(replenishment),
        "source_available": available,
        "destination_position": None if dst is None else _num(dst["position"]),
        "destination_order_up_to": None if dst is None else round(_num(dst["order_up_to"]), 1),
        "sane_limit": round(limit, 1),
        **guard.evidence,
    }
    value = round(qty * unit_cost, 2)
    lines = [
        f"**Transfer {qty} × {sku}** from {from_location} to {to_location} "
        f"(value {value:,.2f} at cost {unit_cost:.2f}/unit"
        + (f"; {lane_lt}-day lane, arrives {arrives}" if lane_lt is not None else "")
        + ")",
        f"- {from_location}: on hand {on_hand or 0:.0f}"
        + (f" ({outgoing:.0f} of it leaving in {leaving})" if outgoing else "")
        + f", safety stock {safety:.1f}"
        + (" (its own store: not held back)" if replenishment else "")
        + f", can spare {available:.0f}",
        *_dest_lines(dst, to_location),
    ]
    description = "\n".join(_headline(lines, guard))
    return ActionCheck(action, errors, value, evidence, description, guard.warnings)


def check_purchase_order(
    plan: Plan,
    ref: NetworkData,
    action: PurchaseOrderAction,
    *,
    since: Sequence[SupplyLine] = (),
) -> ActionCheck:
    """Check a purchase order: the supplier sells the SKU, MOQ and case pack hold, qty is sane.

    `since`: as for `check_transfer` (a cut quantity stays a whole number of cases, at least
    the MOQ).
    """
    sku, location, supplier_id = action.sku, action.location_id, action.supplier_id
    qty = action.qty
    errors = _common(ref, sku, qty, [location])
    if not (ref.suppliers["supplier_id"] == supplier_id).any():
        errors.append(f"unknown supplier {supplier_id!r}")
    if errors:
        return ActionCheck(action, errors)
    terms = ref.item_suppliers[
        (ref.item_suppliers["sku"] == sku) & (ref.item_suppliers["supplier_id"] == supplier_id)
    ]
    if terms.empty:
        return ActionCheck(action, [f"supplier {supplier_id} does not supply {sku}"])
    t = terms.iloc[0]
    sup = ref.suppliers.set_index("supplier_id").loc[supplier_id]
    pack = int(ref.items.set_index("sku").loc[sku, "case_pack"])
    moq = int(t["moq"])
    lead = int(t["lead_time_days"]) if pd.notna(t["lead_time_days"]) else int(sup["lead_time_days"])
    guard = _guard(
        plan,
        plan.row_of(sku, location),
        sku=sku,
        location=location,
        qty=qty,
        since=since,
        arrival_day=lead,
        case_pack=pack,
        moq=moq,
    )
    if guard.errors:
        return ActionCheck(action, guard.errors, evidence=guard.evidence)
    qty = guard.qty
    action = action.with_qty(qty)
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
        **guard.evidence,
    }
    lines = [
        f"**Purchase order {qty} × {sku}** from {supplier_id} ({sup['name']}) to {location} "
        f"(value {value:,.2f} at {cost:.2f}/unit; {lead}-day lead time, arrives {arrives}; "
        f"on time {_num(sup['on_time_rate']):.0%})",
        f"- MOQ {moq}, case pack {pack}",
        *_dest_lines(pos, location),
    ]
    description = "\n".join(_headline(lines, guard))
    return ActionCheck(action, errors, value, evidence, description, guard.warnings)
