"""Answers over the plan and the store for the copilot's tools.

Totals, network views, open supply, item master, supplier views, proposals and what-ifs at any
scope.

Every function takes a `Workspace` and ids already resolved (`resolve_*` below turn what a
planner or a language model wrote into ids, with errors that name the nearest valid ones).
Figures come from the planning engine's plan or from the store; nothing here invents one.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from typing import Any

import numpy as np
import pandas as pd

from erp.governance import Proposal, ProposalNotPendingError
from erp.store import (
    load_lanes,
    load_order_reference,
    open_supply_lines,
    skus_in_category,
    supplier_item_terms,
)
from planning.censoring import EVIDENCE, stockout_note
from planning.engine import po_arrival_days, transfer_arrival_days
from planning.filters import SORTS, sort_records, source_of, supplier_of
from planning.policy import days_of_cover
from planning.replenish import PLAN_ORDER_COLUMNS, moq_waits_empty, plan_order_list
from planning.whatif import Scenario, combine_what_if, what_if, what_if_part
from stockpilot.actions import TransferAction
from stockpilot.vocabulary import ActionKind, ExceptionType
from tools.errors import NotFoundError
from tools.resolve import EntityKind, ResolveError, Resolver, resolver_for
from tools.workspace import Workspace

COMPACT_FIELDS = ("id", "type", "sku", "location", "priority", "money_at_risk", "first_risk_date")
GROUPS = ("type", "priority", "location", "category", "sku", "supplier", "source")
MAX_PAGE = 100
SUPPLY_LINES = 50
"""Open supply lines listed at most (the totals always count all of them)."""
ORDER_LINES_SHOWN = 20
"""Order lines a supplier overview shows, largest value first (get_routine_orders pages on)."""
MOQ_WAIT_NOTE = (
    "Below their reorder point but not ordered this review: the supplier's MOQ would raise the "
    "purchase order well above the need, and one review's wait is expected to lose less margin "
    "(cost_of_waiting_a_review) than holding the MOQ's units for it costs "
    "(cost_of_holding_moq_a_review). Not order lines: not in lines, units or value; never drafted."
)

ORDERS_NOTE = (
    "The planning engine's order list: every stock position below its reorder point ordered up "
    "to its order-up-to level (stores from their DC first, purchase orders to the routine "
    "supplier: lowest cost, then primary, then lead time; MOQ and case packs). Where an "
    "exception recommends a transfer or purchase order for a SKU-location, that line replaces "
    "the routine one (from_exception: true), so nothing is counted twice. A DC's position is "
    "taken after what it ships to its stores in the same round, so a DC can get a purchase "
    "order while its position alone is above its reorder point "
    "(`below_reorder_point_after_store_shipments`; the line's reason shows both). Nothing is "
    "drafted until asked."
)


# -- resolving what the planner wrote ----------------------------------------------------------


def resolver(ws: Workspace) -> Resolver:
    """Return the entity resolver of the workspace's current snapshot (its master tables only)."""
    return resolver_for(ws.plans.entities(), getattr(ws.settings, "aliases_file", None))


def resolve_id(ws: Workspace, kind: EntityKind, value: str | None) -> str | None:
    """Return the id a phrase names (None stays None); NotFoundError names the nearest ids."""
    if value is None or not str(value).strip():
        return None
    res = resolver(ws)
    try:
        return res.require(kind, str(value))
    except ResolveError as exc:
        near = exc.resolution.candidates or tuple(
            _as_match(e) for e in res.nearest(kind, str(value))
        )
        if not exc.resolution.candidates and near:
            ids = ", ".join(m.entity.label() for m in near)
            raise NotFoundError(f"{exc}; nearest: {ids}") from None
        raise NotFoundError(str(exc)) from None


def _as_match(entity: Any) -> Any:
    from tools.resolve import Match

    return Match(entity, entity.id, 0.0)


def resolve_exception_id(ws: Workspace, text: str) -> str:
    """Normalise an exception id written in any case, with aliases for its SKU and location."""
    raw = str(text).strip()
    m = re.match(r"^\s*([A-Za-z_]+)\s*:\s*(.+?)\s*@\s*([^:]+?)\s*(?::\s*(\S+))?\s*$", raw)
    if not m:
        raise NotFoundError(
            f"{raw!r} is not an exception id; ids look like 'stockout_risk:SKU-0001@S003'"
        )
    kind = m.group(1).lower()
    if kind not in set(ExceptionType):
        raise NotFoundError(f"unknown exception type {kind!r}; types: {', '.join(ExceptionType)}")
    try:
        sku = resolve_id(ws, "sku", m.group(2))
        loc = resolve_id(ws, "location", m.group(3))
    except NotFoundError as exc:
        raise NotFoundError(f"no exception {raw!r} today: {exc}") from None
    tail = f":{m.group(4).upper()}" if m.group(4) else ""
    return f"{kind}:{sku}@{loc}{tail}"


# -- exceptions: pages and totals --------------------------------------------------------------


def _categories(ws: Workspace) -> dict[str, str]:
    items = ws.plans.entities().items
    return dict(zip(items["sku"], items["category"], strict=True))


def resolve_category(ws: Workspace, value: str | None) -> str | None:
    """Return the item category a phrase names (any case, singular or plural, small typos)."""
    if value is None or not str(value).strip():
        return None
    cats = sorted(set(_categories(ws).values()))
    want = str(value).strip().lower().rstrip("s")
    for cat in cats:
        if cat.lower().rstrip("s") == want:
            return cat
    from rapidfuzz import fuzz, process

    got = process.extractOne(want, [c.lower() for c in cats], scorer=fuzz.ratio, score_cutoff=80)
    if got:
        return cats[got[2]]
    raise NotFoundError(f"unknown category {value!r}; categories: {', '.join(cats)}")


def stores_fed_by(ws: Workspace, dc: str) -> list[str]:
    """Return the stores a DC feeds (each store's source DC in the location master), sorted."""
    locs = ws.plans.entities().locations
    if dc not in set(locs["location_id"].astype(str)):
        raise NotFoundError(f"unknown location {dc!r}")
    fed = locs[locs["source_location"].astype(str) == dc]
    if fed.empty:
        raise NotFoundError(f"{dc} feeds no stores: name a DC like DC-NORTH")
    return sorted(fed["location_id"].astype(str))


def _filtered(
    ws: Workspace,
    *,
    type: str | None = None,
    location: str | None = None,
    sku: str | None = None,
    category: str | None = None,
    priority: int | None = None,
    supplier_id: str | None = None,
    locations: Sequence[str] | None = None,
) -> list[dict[str, Any]]:
    records = ws.queries.exceptions(type=type, location=location, sku=sku, locations=locations)
    if category is not None:
        cats = _categories(ws)
        records = [r for r in records if cats.get(r["sku"]) == category]
    if priority is not None:
        records = [r for r in records if int(r["priority"]) <= int(priority)]
    if supplier_id is not None:
        records = [r for r in records if supplier_of(r) == supplier_id]
    return records


def compact(record: Mapping[str, Any]) -> dict[str, Any]:
    """Return an exception without its evidence and prose (ids, figures, the action in brief)."""
    rec = record.get("recommendation") or {}
    out = {k: record.get(k) for k in COMPACT_FIELDS}
    out["recommendation"] = {
        k: rec.get(k)
        for k in ("kind", "qty", "from_location", "supplier_id", "po_id", "value")
        if rec.get(k) is not None
    }
    return out


def exception_page(
    ws: Workspace,
    *,
    top: int = 10,
    offset: int = 0,
    compact_mode: bool = False,
    sort: str = "money_at_risk",
    **filters: Any,
) -> dict[str, Any]:
    """Return one page of ranked exceptions with the total count and whether it was cut.

    With a plan run, the page in any order, its total and the money at risk are queried
    (`PlanQueries.exception_page`); without one, every matching record is sorted.
    """
    if sort not in SORTS:
        raise ValueError(f"sort must be one of {', '.join(SORTS)}")
    top = max(1, min(int(top), MAX_PAGE))
    offset = max(0, int(offset))
    if ws.plans.plan_run():
        page, total, by_type = ws.queries.exception_page(
            offset=offset, limit=top, sort=sort, **filters
        )
        return {
            "total": total,
            "offset": offset,
            "returned": len(page),
            "truncated": offset + len(page) < total,
            "total_money_at_risk": round(sum(t["money_at_risk"] for t in by_type.values()), 2),
            "filters": {k: v for k, v in filters.items() if v is not None},
            "items": [compact(r) for r in page] if compact_mode else page,
        }
    records = sort_records(_filtered(ws, **filters), sort)
    page = records[offset : offset + top]
    return {
        "total": len(records),
        "offset": offset,
        "returned": len(page),
        "truncated": offset + len(page) < len(records),
        "total_money_at_risk": round(sum(float(r["money_at_risk"]) for r in records), 2),
        "filters": {k: v for k, v in filters.items() if v is not None},
        "items": [compact(r) for r in page] if compact_mode else page,
    }


def exception_totals(ws: Workspace, *, by: str = "type", **filters: Any) -> dict[str, Any]:
    """Return the count and money at risk of the matching exceptions, grouped by `by`.

    Largest group first (equal ones in the order the ranking meets them). With a plan run,
    every grouping is counted in SQL.
    """
    if by not in GROUPS:
        raise ValueError(f"by must be one of {', '.join(GROUPS)}")
    grouped = ws.queries.exception_groups(by, **filters)
    if grouped is not None:  # a plan run: grouped in SQL, in the order the ranking meets them
        met = sorted(grouped, key=lambda g: g[3])
        total = sum(g[2] for g in met)
        return {
            "by": by,
            "filters": {k: v for k, v in filters.items() if v is not None},
            "count": sum(g[1] for g in met),
            "total_money_at_risk": round(total, 2),
            "group_count": len(met),
            "groups": [
                {"key": k, "count": n, "money_at_risk": round(m, 2), "share": _share(m, total)}
                for k, n, m, _ in sorted(met, key=lambda g: -round(g[2], 2))
            ],
        }
    records = _filtered(ws, **filters)
    cats = _categories(ws) if by == "category" else {}
    groups: dict[str, dict[str, Any]] = {}
    for r in records:
        if by == "category":
            key = cats.get(r["sku"], "")
        elif by == "supplier":
            key = supplier_of(r) or "(no supplier)"
        elif by == "source":
            key = source_of(r) or "(no action)"
        else:
            key = str(r[by])
        g = groups.setdefault(key, {"key": key, "count": 0, "money_at_risk": 0.0})
        g["count"] += 1
        g["money_at_risk"] += float(r["money_at_risk"])
    rows = sorted(groups.values(), key=lambda g: -round(g["money_at_risk"], 2))
    total = sum(float(r["money_at_risk"]) for r in records)
    for g in rows:
        g["share"] = _share(g["money_at_risk"], total)
        g["money_at_risk"] = round(g["money_at_risk"], 2)
    return {
        "by": by,
        "filters": {k: v for k, v in filters.items() if v is not None},
        "count": len(records),
        "total_money_at_risk": round(total, 2),
        "group_count": len(rows),
        "groups": rows,
    }


def _share(money: float, total: float) -> float | None:
    """Return a group's share of the total money at risk (0.2 = 20%), None when nothing is."""
    money, total = round(money, 2), round(total, 2)  # as said: the same with a plan run or not
    return round(money / total, 4) if total > 0 else None


# -- positions: the network view of a SKU, cover beyond the horizon ---------------------------


def _plan_for(ws: Workspace, skus: set[str], *, fresh: bool = True) -> Any:
    """Return a plan holding `skus`: one SKU's own when that is all, else the whole plan.

    With a plan run, one SKU's plan is read and planned for that SKU alone (`PlanCache.plan_of`).
    """
    if len(skus) == 1:
        return ws.plans.plan_of(next(iter(skus)), fresh=fresh)
    return ws.plans.plan(fresh=fresh)


def _cover_fields(plan: Any, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return days of cover past the horizon (extrapolated) and whether the plan's was capped."""
    on_hand = np.maximum(plan.positions["on_hand"].to_numpy(float)[rows], 0.0)
    extended = days_of_cover(on_hand, plan.demand[rows], extrapolate=True)
    capped = plan.positions["days_of_cover"].to_numpy(float)[rows] >= plan.demand.shape[1]
    return extended, capped & (on_hand > 0)


def with_cover(ws: Workspace, records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Add `days_of_cover_capped` and, when capped, the extrapolated cover to position records.

    With a plan run, only the rows whose cover reaches the horizon can be capped: their SKUs
    are planned alone (`PlanCache.plan_of`) for the extrapolation, and nothing else is.
    """
    if not records:
        return records
    skus = {r["sku"] for r in records}
    if len(skus) > 1 and ws.plans.plan_run() is not None:
        # Cover is capped at the horizon; a day's margin covers the records' rounding.
        near = int(ws.plans.params.horizon_days) - 1
        skus = {
            r["sku"]
            for r in records
            if r["days_of_cover"] is None or float(r["days_of_cover"]) >= near
        }
        plans = {sku: ws.plans.plan_of(sku) for sku in sorted(skus)}
    else:
        plan = _plan_for(ws, skus)
        plans = dict.fromkeys(skus, plan)
    out = []
    for r in records:
        r = dict(r)
        cap, ext = False, np.nan
        plan = plans.get(r["sku"])
        if plan is not None:
            row = np.array([plan.row_of(r["sku"], r["location_id"])], dtype=np.int64)
            extended, capped = _cover_fields(plan, row)
            cap, ext = bool(capped[0]), float(extended[0])
        r["days_of_cover_capped"] = cap
        if cap:
            r["days_of_cover_beyond_horizon"] = None if not np.isfinite(ext) else round(ext, 1)
        out.append(r)
    return out


def exception_detail(ws: Workspace, exception_id: str) -> dict[str, Any]:
    """Return one exception with its position and open supply (`PlanQueries.exception`).

    The position's days of cover is capped at the planning horizon: `days_of_cover_capped` says
    so and `days_of_cover_beyond_horizon` extrapolates it (`with_cover`), for every reader.
    """
    found = ws.queries.exception(exception_id)
    if "position" in found:
        found["position"] = with_cover(ws, [found["position"]])[0]
    return found


def network_position(ws: Workspace, sku: str) -> dict[str, Any]:
    """Return a SKU's stock at every location, the network totals and the largest holder."""
    plan = ws.plans.plan_of(sku)
    pos = plan.positions
    rows = np.flatnonzero(pos["sku"].to_numpy() == sku)
    if not len(rows):
        raise NotFoundError(f"no stock position for SKU {sku!r}")
    extended, capped = _cover_fields(plan, rows)
    sub = pos.iloc[rows]
    stores = sub["location_type"].to_numpy() == "store"
    store_demand = float(sub["forecast_daily"].to_numpy(float)[stores].sum())
    on_hand = sub["on_hand"].to_numpy(float)
    total_on_hand = float(on_hand.sum())
    in_transit = float(sub["in_transit"].sum())
    on_order = float(sub["on_order"].sum())
    locations = []
    for i, (_, r) in enumerate(sub.iterrows()):
        locations.append(
            {
                "location_id": r["location_id"],
                "location_type": r["location_type"],
                "on_hand": float(r["on_hand"]),
                "in_transit": float(r["in_transit"]),
                "on_order": float(r["on_order"]),
                "forecast_daily": round(float(r["forecast_daily"]), 3),
                "days_of_cover": round(float(r["days_of_cover"]), 1),
                "days_of_cover_capped": bool(capped[i]),
                "days_of_cover_beyond_horizon": (
                    round(float(extended[i]), 1) if capped[i] and np.isfinite(extended[i]) else None
                ),
                "safety_stock": round(float(r["safety_stock"]), 1),
                "reorder_point": round(float(r["reorder_point"]), 1),
                "below_reorder_point": bool(r["position"] < r["reorder_point"]),
            }
        )
    locations.sort(key=lambda r: -r["on_hand"])
    network_cover = (
        round((total_on_hand + in_transit) / store_demand, 1) if store_demand > 0 else None
    )
    return {
        "sku": sku,
        "as_of": plan.as_of.isoformat(),
        "locations": locations,
        "network": {
            "locations": len(locations),
            "on_hand": total_on_hand,
            "in_transit": in_transit,
            "on_order": on_order,
            "store_forecast_daily": round(store_demand, 3),
            "days_of_cover": network_cover,
            "days_of_cover_note": "network on hand plus in transit divided by the stores' "
            "forecast per day",
        },
        "most_on_hand": {
            "location_id": locations[0]["location_id"],
            "on_hand": locations[0]["on_hand"],
        },
        "least_cover": min(locations, key=lambda r: r["days_of_cover"])["location_id"],
    }


# -- open supply, item master, suppliers --------------------------------------------------------


def open_supply(
    ws: Workspace,
    *,
    sku: str | None = None,
    location: str | None = None,
    supplier_id: str | None = None,
    within_days: int | None = None,
) -> dict[str, Any]:
    """Return the open purchase orders and in-transit transfers for a SKU / location / supplier.

    With no filter, the whole network's. Read from the store (`erp.store.open_supply_lines`:
    totals in SQL, only the lines that can be among the soonest), never from a plan: the lines
    listed are the soonest planned arrivals (cut at the limit, `truncated` says so). An unknown
    SKU has no lines. `within_days` keeps the lines expected by that many days after the
    snapshot date (late ones included: they are due now); the answer's `until` says the last day.
    """
    if within_days is not None and within_days < 0:
        raise ValueError("within_days must be 0 or more")
    as_of = ws.plans.as_of()
    until = None if within_days is None else as_of + timedelta(days=int(within_days))
    found = open_supply_lines(
        ws.engine,
        as_of,
        sku=sku,
        location=location,
        supplier_id=supplier_id,
        until=until,
        soonest=SUPPLY_LINES,
    )
    lines = found.lines
    today = pd.Timestamp(as_of)
    due = (lines["expected_date"] - today).dt.days.to_numpy(np.int64)
    is_po = (lines["kind"] == ActionKind.PURCHASE_ORDER).to_numpy()
    std = ws.plans.entities().suppliers.set_index("supplier_id")["lead_time_std_days"]
    lines = lines.assign(
        arrival_day=np.where(
            is_po,
            po_arrival_days(due, lines["supplier_id"].map(std).fillna(0.0).to_numpy(float)),
            transfer_arrival_days(due),
        )
    ).sort_values(["arrival_day", "doc_id", "kind", "sku", "location_id"], kind="stable")
    out = [
        {
            "kind": r.kind,
            "document_id": r.doc_id,
            "sku": r.sku,
            "location_id": r.location_id,
            "supplier_id": r.supplier_id or None,
            "from_location": r.from_location or None,
            "qty": float(r.qty),
            "expected_date": pd.Timestamp(r.expected_date).date().isoformat(),
            "late": bool(
                pd.Timestamp(r.expected_date) <= today and r.kind == ActionKind.PURCHASE_ORDER
            ),
        }
        for r in lines.head(SUPPLY_LINES).itertuples()
    ]
    by_kind = {
        kind.value: {"lines": found.totals[kind.value][0], "units": found.totals[kind.value][1]}
        for kind in (ActionKind.PURCHASE_ORDER, ActionKind.TRANSFER)
    }
    total_lines = sum(v["lines"] for v in by_kind.values())
    return {
        "filters": {
            k: v
            for k, v in (("sku", sku), ("location", location), ("supplier_id", supplier_id))
            if v is not None
        },
        "as_of": as_of.isoformat(),
        **({} if until is None else {"until": until.isoformat()}),
        "total_lines": total_lines,
        "total_units": float(sum(v["units"] for v in by_kind.values())),
        "by_kind": by_kind,
        "truncated": total_lines > SUPPLY_LINES,
        "lines": out,
    }


def item_master(ws: Workspace, sku: str) -> dict[str, Any]:
    """Return an item's master data and its supplier terms (cost, MOQ, lead time, primary)."""
    ref = ws.plans.reference_of(sku, fresh=False)
    items = ref.items[ref.items["sku"] == sku]
    if items.empty:
        raise NotFoundError(f"unknown SKU {sku!r}")
    item = items.iloc[0]
    sups = ref.suppliers.set_index("supplier_id")
    terms = []
    for r in ref.item_suppliers[ref.item_suppliers["sku"] == sku].itertuples():
        item_lead = None if pd.isna(r.lead_time_days) else int(r.lead_time_days)
        default = (
            int(sups.loc[r.supplier_id, "lead_time_days"]) if r.supplier_id in sups.index else None
        )
        terms.append(
            {
                "supplier_id": r.supplier_id,
                "supplier_name": str(sups.loc[r.supplier_id, "name"])
                if r.supplier_id in sups.index
                else "",
                "primary": bool(r.primary),
                "unit_cost": float(r.unit_cost),
                "moq": None if pd.isna(r.moq) else float(r.moq),
                "lead_time_days": item_lead if item_lead is not None else default,
                "lead_time_source": "item" if item_lead is not None else "supplier default",
            }
        )
    terms.sort(key=lambda t: (not t["primary"], t["supplier_id"]))
    return {
        "sku": sku,
        "description": str(item["description"]),
        "category": str(item["category"]),
        "unit_cost": float(item["unit_cost"]),
        "unit_price": float(item["unit_price"]),
        "case_pack": int(item["case_pack"]),
        "primary_supplier": next((t["supplier_id"] for t in terms if t["primary"]), None),
        "suppliers": terms,
    }


def _order_plans(ws: Workspace, skus: set[str] | None) -> Sequence[Any] | Any:
    """Return the plans the order list of `skus` (None: every SKU) is computed from, by part."""
    if skus is not None and not skus:
        return []
    if skus is not None and len(skus) == 1:
        return [ws.plans.plan_of(next(iter(skus)))]
    return ws.plans.plan_parts(skus)


def order_list(
    ws: Workspace,
    *,
    supplier_id: str | None = None,
    location: str | None = None,
    sku: str | None = None,
) -> tuple[pd.DataFrame, dict[str, int]]:
    """Return the plan's order lines in a scope, and how many positions it checked."""
    orders, counts, _ = order_list_with_moq_waits(
        ws, supplier_id=supplier_id, location=location, sku=sku
    )
    return orders, counts


def order_list_with_moq_waits(
    ws: Workspace,
    *,
    supplier_id: str | None = None,
    location: str | None = None,
    sku: str | None = None,
) -> tuple[pd.DataFrame, dict[str, int], pd.DataFrame]:
    """Return the plan's order lines in a scope, the positions checked, and the MOQ waits.

    The order list of `planning.replenish.plan_orders` (the simulation's), computed a part of
    the network at a time (`PlanCache.plan_parts`) with the lanes, items and item terms of that
    part's SKUs only (`erp.store.load_order_reference`). Scope: purchase orders to a supplier
    (of the SKUs it has terms for), lines to or from a location, a SKU's lines; none: all.
    The counts: `positions` (SKU-locations in scope), `below_reorder_point`, and for a
    supplier a partition of the SKU-locations below their reorder point, each counted once
    under its first reason (`below_reorder_point_reasons`): `ordered_here` (a purchase order
    to the supplier), `to_other_suppliers` (one to another supplier), `by_transfer` (a
    transfer into it), `waiting` (no line now); and `not_below_ordered`, the SKU-locations not
    below it that get a line to another supplier or a transfer all the same (an exception's
    recommendation, or a DC's order for what it ships to its stores). The MOQ waits
    (`planning.replenish.MOQ_WAIT_COLUMNS`, largest holding cost first): below the reorder
    point, no line this review because the supplier's MOQ would cost more to hold than waiting
    loses (counted `waiting` for a supplier); in the same scope (a supplier: its own).
    """
    master = ws.plans.entities()
    for value, table, column, what in (
        (supplier_id, master.suppliers, "supplier_id", "supplier"),
        (location, master.locations, "location_id", "location"),
        (sku, master.items, "sku", "SKU"),
    ):
        if value is not None and not (table[column] == value).any():
            raise NotFoundError(f"unknown {what} {value!r}")
    skus: set[str] | None = None if sku is None else {sku}
    if supplier_id is not None:
        offered = set(supplier_item_terms(ws.engine, supplier_id)["sku"])
        skus = offered if skus is None else skus & offered
    lines: list[pd.DataFrame] = []
    waits: list[pd.DataFrame] = []
    counts = {"positions": 0, "below_reorder_point": 0, "below_after_store_shipments": 0}
    if supplier_id is not None:
        counts |= {reason: 0 for reason in (*BELOW_REORDER_POINT_REASONS, "not_below_ordered")}
    for plan in _order_plans(ws, skus):
        pos = plan.positions
        in_scope = np.ones(len(pos), dtype=bool)
        if skus is not None:
            in_scope &= pos["sku"].isin(skus).to_numpy()
        if location is not None:
            in_scope &= pos["location_id"].to_numpy(object) == location
        if not in_scope.any():
            continue
        counts["positions"] += int(in_scope.sum())
        below = pos["position"].to_numpy(float) < pos["reorder_point"].to_numpy(float) - 1e-9
        counts["below_reorder_point"] += int((below & in_scope).sum())
        part_skus = sorted(set(pos["sku"][in_scope]))
        orders, waiting = plan_order_list(plan, load_order_reference(ws.engine, part_skus))
        waits.append(_moq_waits_in_scope(waiting, supplier_id, location, skus))
        keep = np.ones(len(orders), dtype=bool)
        if skus is not None:
            keep &= orders["sku"].isin(skus).to_numpy()
        if location is not None:
            at_loc = (orders["location_id"] == location) | (orders["from_location"] == location)
            keep &= at_loc.to_numpy()
        if supplier_id is not None:
            po = (orders["kind"] == ActionKind.PURCHASE_ORDER).to_numpy()
            mine = po & (orders["supplier_id"] == supplier_id).to_numpy()
            _count_reasons(counts, pos[in_scope], below[in_scope], orders[keep], mine[keep])
            keep &= mine
        counts["below_after_store_shipments"] += _below_after_store_shipments(
            pos, in_scope & ~below, orders
        )
        lines.append(orders[keep])
    waited = pd.concat(waits, ignore_index=True) if waits else moq_waits_empty()
    if len(waited):
        waited = waited.sort_values(
            ["cost_of_holding_moq", "sku", "location_id"], ascending=[False, True, True]
        ).reset_index(drop=True)
    if not lines:
        return plan_orders_empty(), counts, waited
    out = pd.concat(lines, ignore_index=True)
    out["value"] = (out["qty"].to_numpy(float) * out["unit_cost"].to_numpy(float)).round(2)
    out = out.sort_values(["value", "sku", "location_id"], ascending=[False, True, True])
    return out.reset_index(drop=True), counts, waited


def _moq_waits_in_scope(
    waiting: pd.DataFrame, supplier_id: str | None, location: str | None, skus: set[str] | None
) -> pd.DataFrame:
    """Return the MOQ-waiting lines of a scope: a supplier's own, a location's, the SKUs'."""
    keep = np.ones(len(waiting), dtype=bool)
    if skus is not None:
        keep &= waiting["sku"].isin(skus).to_numpy()
    if location is not None:
        keep &= (waiting["location_id"] == location).to_numpy()
    if supplier_id is not None:
        keep &= (waiting["supplier_id"] == supplier_id).to_numpy()
    return waiting[keep]


def _below_after_store_shipments(
    pos: pd.DataFrame, not_below: np.ndarray, orders: pd.DataFrame
) -> int:
    """Count the DC positions not below their reorder point that get a routine purchase order.

    `not_below`: the positions in scope not below it. Such a DC is below it once what it ships
    to its stores in this round is taken off its position.
    """
    routine = orders[
        (orders["kind"] == ActionKind.PURCHASE_ORDER).to_numpy()
        & (orders["exception_id"] == "").to_numpy()
    ]
    ordered = set(zip(routine["sku"], routine["location_id"], strict=True))
    rows = not_below & (pos["location_type"].to_numpy(object) == "dc")
    keys = zip(
        pos["sku"].to_numpy(object)[rows], pos["location_id"].to_numpy(object)[rows], strict=True
    )
    return sum(k in ordered for k in keys)


BELOW_REORDER_POINT_REASONS = ("ordered_here", "to_other_suppliers", "by_transfer", "waiting")


def _count_reasons(
    counts: dict[str, int],
    positions: pd.DataFrame,
    below: np.ndarray,
    orders: pd.DataFrame,
    mine: np.ndarray,
) -> None:
    """Add a supplier scope's SKU-locations to `counts`, each once, under its first reason.

    Below the reorder point: `BELOW_REORDER_POINT_REASONS` in that order (a line to this
    supplier, to another one, a transfer in, none); not below it: `not_below_ordered` when a
    line to another supplier or a transfer goes to it all the same.
    """
    target = list(zip(orders["sku"], orders["location_id"], strict=True))
    po = (orders["kind"] == ActionKind.PURCHASE_ORDER).to_numpy()
    here = {t for t, m in zip(target, mine, strict=True) if m}
    other = {t for t, p, m in zip(target, po, mine, strict=True) if p and not m}
    moved = {t for t, p in zip(target, po, strict=True) if not p}
    keys = zip(positions["sku"], positions["location_id"], strict=True)
    for key, is_below in zip(keys, below, strict=True):
        if not is_below:
            counts["not_below_ordered"] += int(key not in here and (key in other or key in moved))
            continue
        reason = (
            "ordered_here"
            if key in here
            else "to_other_suppliers"
            if key in other
            else "by_transfer"
            if key in moved
            else "waiting"
        )
        counts[reason] += 1


def plan_orders_empty() -> pd.DataFrame:
    """Return an empty order list (`planning.replenish.PLAN_ORDER_COLUMNS` and `value`)."""
    return pd.DataFrame({c: [] for c in (*PLAN_ORDER_COLUMNS, "value")})


def _order_line(o: Any, *, compact_mode: bool) -> dict[str, Any]:
    line: dict[str, Any] = {
        "kind": o.kind,
        "sku": o.sku,
        "location": o.location_id,
        "qty": int(o.qty),
        "value": round(float(o.value), 2),
        "from_exception": bool(o.exception_id),
    }
    if o.kind == ActionKind.PURCHASE_ORDER:
        line["supplier_id"] = o.supplier_id
    else:
        line["from_location"] = o.from_location
    if o.exception_id:
        line["exception_id"] = o.exception_id
    if not compact_mode:
        line["unit_cost"] = round(float(o.unit_cost), 4)
        line["lead_time_days"] = None if pd.isna(o.lead_time) else int(o.lead_time)
        line["reason"] = o.reason
    return line


def _moq_wait_line(w: Any) -> dict[str, Any]:
    """One line waiting for an MOQ round-up, as the order list shows it (never drafted)."""
    return {
        "sku": w.sku,
        "location": w.location_id,
        "supplier_id": w.supplier_id,
        "position": round(float(w.position), 1),
        "reorder_point": round(float(w.reorder_point), 1),
        "position_with_its_stores": round(float(w.echelon_position), 1),
        "need": int(w.need),
        "moq": int(w.moq),
        "moq_order_qty": int(w.qty),
        "cost_of_waiting_a_review": round(float(w.cost_of_waiting), 2),
        "cost_of_holding_moq_a_review": round(float(w.cost_of_holding_moq), 2),
        "reason": w.reason,
    }


def _nothing_to_order(counts: dict[str, int]) -> str:
    """Say why a scope has no order line, with the positions counted."""
    n, below = counts["positions"], counts["below_reorder_point"]
    if not n:
        return "no stock position in scope"
    if not below:
        return f"none of its {n} SKU-locations is below its reorder point"
    if "to_other_suppliers" not in counts:
        rest = "stores fed by a DC wait for its next shipment"
        return f"{below} of its {n} SKU-locations are below their reorder point, but {rest}"
    # A supplier: the SKU-locations below their reorder point, each counted once.
    why = []
    if counts["to_other_suppliers"]:
        why.append(
            f"{counts['to_other_suppliers']} get a purchase order from another supplier (the "
            "routine one: lowest cost, then primary, then lead time)"
        )
    if counts["by_transfer"]:
        why.append(
            f"{counts['by_transfer']} are fed by transfer (their units come from a DC, or from "
            "the location an exception names)"
        )
    if counts["waiting"]:
        why.append(
            f"{counts['waiting']} get no line now (a store waits for its DC's next shipment; a "
            "DC counts the stock its stores hold ahead)"
        )
    text = f"{below} of its {n} SKU-locations are below their reorder point, but " + "; ".join(why)
    if counts["not_below_ordered"]:
        text += (
            f" (besides, {counts['not_below_ordered']} SKU-location(s) not below it get a line "
            "from another supplier or a transfer: an exception's recommendation, or a DC's order "
            "for what it ships)"
        )
    return text


def order_page(
    ws: Workspace,
    *,
    supplier_id: str | None = None,
    location: str | None = None,
    sku: str | None = None,
    top: int = 20,
    offset: int = 0,
    compact_mode: bool = False,
) -> dict[str, Any]:
    """Return one page of the plan's order list in a scope, with its totals (`order_list`).

    Largest value first; {lines, units, value, from_exceptions, positions_checked,
    below_reorder_point, total, offset, returned, truncated, items, note}; with no line,
    `why_nothing` says why (no position below its reorder point, with the count checked), and
    for a supplier `why_nothing_counts` partitions `below_reorder_point` (`to_other_suppliers`,
    `by_transfer`, `waiting`; each SKU-location once) beside `not_below_ordered`.
    """
    top = max(1, min(int(top), MAX_PAGE))
    offset = max(0, int(offset))
    orders, counts, waited = order_list_with_moq_waits(
        ws, supplier_id=supplier_id, location=location, sku=sku
    )
    scope = {
        k: v
        for k, v in (("supplier_id", supplier_id), ("location", location), ("sku", sku))
        if v is not None
    }
    page = orders.iloc[offset : offset + top]
    out: dict[str, Any] = {
        "scope": scope or {"network": True},
        "lines": len(orders),
        "units": int(orders["qty"].sum()) if len(orders) else 0,
        "value": round(float(orders["value"].sum()), 2) if len(orders) else 0.0,
        "from_exceptions": int((orders["exception_id"] != "").sum()) if len(orders) else 0,
        "positions_checked": counts["positions"],
        "below_reorder_point": counts["below_reorder_point"],
        "below_reorder_point_after_store_shipments": counts["below_after_store_shipments"],
        "total": len(orders),
        "offset": offset,
        "returned": len(page),
        "truncated": offset + len(page) < len(orders),
        "items": [_order_line(o, compact_mode=compact_mode) for o in page.itertuples()],
        "note": ORDERS_NOTE,
    }
    waits_page = waited.iloc[offset : offset + top]
    out |= {
        "waiting_for_moq": len(waited),
        "waiting_for_moq_returned": len(waits_page),
        "waiting_for_moq_truncated": offset + len(waits_page) < len(waited),
        "waiting_for_moq_items": [_moq_wait_line(w) for w in waits_page.itertuples()],
    }
    if len(waited):
        out["waiting_for_moq_note"] = MOQ_WAIT_NOTE
    if not len(orders):
        where = " ".join(f"{k.replace('_id', '')} {v}" for k, v in scope.items())
        out["why_nothing"] = _nothing_to_order(counts)
        if supplier_id is not None:
            # The partition `why_nothing` states: each SKU-location below its reorder point once.
            out["why_nothing_counts"] = {
                k: counts[k] for k in (*BELOW_REORDER_POINT_REASONS[1:], "not_below_ordered")
            }
        out["note"] = (
            f"Nothing to order {f'for {where}' if where else 'now'}: {out['why_nothing']}."
        )
        if len(waited):
            out["note"] += f" {len(waited)} line(s) wait a review for an MOQ round-up: " + (
                "waiting_for_moq_items."
            )
    return out


def supplier_overview(ws: Workspace, supplier_id: str) -> dict[str, Any]:
    """Return a supplier's SKUs with their terms, its open POs, and what to order now.

    "What to order now" is the plan's order list (`order_page`, its `ORDER_LINES_SHOWN`
    largest lines; the totals count all): the routine purchase orders to this supplier, an
    exception's recommended PO replacing the routine line of its SKU-location (nothing is
    drafted here). Its terms and open lines are read by the supplier.
    """
    master = ws.plans.entities()
    sup = master.suppliers[master.suppliers["supplier_id"] == supplier_id]
    if sup.empty:
        raise NotFoundError(f"unknown supplier {supplier_id!r}")
    s = sup.iloc[0]
    links = supplier_item_terms(ws.engine, supplier_id)
    items = master.items.set_index("sku")
    skus = [
        {
            "sku": r.sku,
            "description": str(items.loc[r.sku, "description"]) if r.sku in items.index else "",
            "primary": bool(r.primary),
            "unit_cost": float(r.unit_cost),
            "moq": None if pd.isna(r.moq) else float(r.moq),
            "lead_time_days": int(s.lead_time_days)
            if pd.isna(r.lead_time_days)
            else int(r.lead_time_days),
        }
        for r in links.sort_values("sku").itertuples()
    ]
    supply = open_supply(ws, supplier_id=supplier_id)
    order_now = order_page(ws, supplier_id=supplier_id, top=ORDER_LINES_SHOWN)
    order_now.pop("scope", None)
    return {
        "supplier_id": supplier_id,
        "name": str(s["name"]),
        "lead_time_days": int(s["lead_time_days"]),
        "on_time_rate": float(s["on_time_rate"]),
        "skus": skus,
        "sku_count": len(skus),
        "primary_for": sum(1 for x in skus if x["primary"]),
        "open_purchase_orders": {
            "lines": supply["total_lines"],
            "units": supply["total_units"],
            "late_lines": sum(1 for line in supply["lines"] if line["late"]),
            "lines_shown": supply["lines"][:20],
        },
        "order_now": order_now,
    }


# -- what-if at any scope -----------------------------------------------------------------------


def what_if_scope(
    ws: Workspace,
    scenario: Scenario,
    *,
    sku: str | None = None,
    location: str | None = None,
    category: str | None = None,
    supplier_id: str | None = None,
    region: tuple[str, Sequence[str]] | None = None,
) -> dict[str, Any]:
    """Re-project one SKU-location, or every one of a SKU / location / category / supplier / all.

    `region`: a DC and the locations of its region (itself and the stores it feeds), to keep.

    Above one SKU the scope's SKUs are planned and projected a part at a time
    (`PlanCache.plan_parts`: with a plan run, partitions or a few SKUs at once; the per-row
    results combined by `combine_what_if`), so no process holds the network's plan. A result
    whose scenario changes nothing carries `notes` saying why (no open purchase order of the
    supplier, no promotion scheduled, the window outside the horizon...).
    """
    if sku is not None and location is not None and category is None:
        plan = ws.plans.plan_of(sku)
        row = plan.row_of(sku, location)
        if row is None:
            raise NotFoundError(f"no stock position for SKU {sku!r} at {location!r}")
        out = what_if(plan, row, scenario)
        out["scope"] = {"sku": sku, "location": location}
        out["notes"] = _notes(plan.dates, scenario, out, single=True)
        return out
    scope: dict[str, Any] = {}
    skus: set[str] | None = None  # None: every SKU
    if sku is not None:
        skus = {sku}
        scope["sku"] = sku
    if location is not None:
        scope["location"] = location
    if region is not None:
        scope["region"] = region[0]
    if category is not None:
        in_category = skus_in_category(ws.engine, category)
        skus = in_category if skus is None else skus & in_category
        scope["category"] = category
    if supplier_id is not None and sku is None and category is None:
        skus = set(supplier_item_terms(ws.engine, supplier_id)["sku"])
        scope["supplier_id"] = supplier_id
    parts, dates = [], None
    if skus is None or skus:
        plans = ws.plans.plan_parts(skus) if skus is None or len(skus) > 1 else None
        for plan in plans if plans is not None else [ws.plans.plan_of(next(iter(skus or ())))]:
            pos = plan.positions
            mask = np.ones(len(pos), dtype=bool)
            if skus is not None:
                mask &= pos["sku"].isin(skus).to_numpy()
            if location is not None:
                mask &= pos["location_id"].to_numpy() == location
            if region is not None:
                mask &= pos["location_id"].isin(list(region[1])).to_numpy()
            rows = np.flatnonzero(mask)
            dates = plan.dates if dates is None else dates
            if len(rows):
                parts.append(what_if_part(plan, rows, scenario))
    if not parts or dates is None:
        raise NotFoundError(f"no SKU-location in scope {scope or 'network'}")
    out = combine_what_if(parts, scenario)
    out["scope"] = scope or {"network": True}
    out["notes"] = _notes(dates, scenario, out, single=False)
    return out


def _notes(
    dates: Sequence[date], scenario: Scenario, out: dict[str, Any], *, single: bool
) -> list[str]:
    notes: list[str] = []
    delayed = out.get("delayed_purchase_orders")
    moved = len(delayed) if isinstance(delayed, list) else int(delayed or 0)
    if scenario.supplier_delay_days and not moved:
        who = f"from {scenario.supplier_id} " if scenario.supplier_id else ""
        notes.append(
            f"No open purchase order {who}arrives for this scope, so the delay changes nothing."
        )
    if scenario.promo_factor != 1.0 and not out.get("promotion_days"):
        notes.append(
            "No promotion is scheduled for this scope within the horizon, so the promotion "
            "factor changes nothing (ask for a hypothetical promotion with dates instead)."
        )
    if scenario.promo_start is not None and not out.get("hypothetical_promotion_days"):
        notes.append(
            f"The promotion window {scenario.promo_start}..{scenario.promo_end} falls outside "
            f"the horizon ({dates[0]}..{dates[-1]}), so it changes nothing."
        )
    change = out.get("change") or {}
    base_unmet = (out.get("base") or {}).get("unmet_units_horizon")
    if notes:
        return notes
    if not scenario_moves(out):
        if base_unmet:
            notes.append(
                "The scenario changes nothing: no first stockout moves and no unmet units are "
                "added within the protection window, 14 or 28 days or the horizon; the shortage "
                "is the same with or without it."
            )
        else:
            notes.append(
                "Stock on hand and open supply cover the scenario's demand: no unmet units "
                "either way over the horizon."
            )
    elif not change.get("unmet_units_horizon"):
        notes.append(
            "Unmet units over the whole horizon are the same both ways (stock runs out before "
            "the horizon's end either way), but the scenario moves the shortage: "
            + moved_text(out)
            + "."
        )
    return notes


def scenario_moves(out: dict[str, Any]) -> bool:
    """Return whether a what-if result moves anything: a first stockout or unmet in any window."""
    change = out.get("change") or {}
    if "anything_changed" in change:
        return bool(change["anything_changed"])
    return bool(change.get("unmet_units_horizon") or change.get("lost_margin_horizon"))


def moved_text(out: dict[str, Any]) -> str:
    """Say what a what-if moved: which first stockouts come earlier (or later), and by how much."""
    change = out.get("change") or {}
    base, new = out.get("base") or {}, out.get("with_scenario") or {}
    prot = (
        f"unmet units within the protection window {base.get('unmet_units_protection')} -> "
        f"{new.get('unmet_units_protection')}"
    )
    if "sku_locations" not in out:  # one SKU-location
        shift = int(change.get("first_stockout_days_earlier") or 0)
        after, before = new.get("first_stockout_date"), base.get("first_stockout_date")
        when = (
            f"{out.get('sku')} at {out.get('location')} runs out "
            f"{'on ' + after if after else 'not within the horizon'} instead of "
            f"{'on ' + before if before else 'not within the horizon'}"
        )
        return f"{when}; {prot}" if shift else prot
    rows = out.get("most_affected") or []
    earlier = [r for r in rows if (r.get("first_stockout_days_earlier") or 0) > 0]
    later = [r for r in rows if (r.get("first_stockout_days_earlier") or 0) < 0]
    parts = []
    for count, shown, word in (
        (change.get("sku_locations_stockout_earlier"), earlier, "earlier"),
        (change.get("sku_locations_stockout_later"), later, "later"),
    ):
        if count:
            listed = "; ".join(
                f"{r['sku']} at {r['location']} on {r.get('first_stockout_scenario') or 'none'} "
                f"instead of {r.get('first_stockout_base') or 'none'}"
                for r in shown[:3]
            )
            noun = "SKU-location runs" if count == 1 else "SKU-locations run"
            parts.append(f"{count} {noun} out {word}" + (f": {listed}" if listed else ""))
    parts.append(prot)
    return "; ".join(parts)


def parse_day(value: str | date | None, field: str) -> date | None:
    """Return an ISO date argument as a date (None stays None)."""
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        raise ValueError(f"{field} must be a date like 2026-07-10 (got {value!r})") from None


# -- proposals ----------------------------------------------------------------------------------


def proposal_view(p: Proposal) -> dict[str, Any]:
    """Return a proposal as a tool shows it: what, status, value, who, and the ERP document."""
    return {
        "proposal_id": p.id,
        "kind": p.kind,
        "status": p.status,
        "args": p.args,
        "value": p.value,
        "created_by": p.created_by,
        "thread_id": p.thread_id,
        "exception_id": (p.evidence or {}).get("exception_id"),
        "decision": p.decision,
        "decided_by": p.decided_by,
        "decision_note": p.decision_note,
        "document_id": p.document_id,
        "failure_reason": p.failure_reason,
    }


def withdraw(
    ws: Workspace, proposal_id: str, *, user: str, thread_id: str, reason: str
) -> Proposal:
    """Withdraw a pending proposal (recorded as rejected by the drafter), with an audit entry."""
    p = ws.governance.proposals.get(proposal_id)
    if p is None:
        raise NotFoundError(f"unknown proposal {proposal_id!r}")
    if not ws.policy.may_draft(user):
        raise PermissionError(f"{user} may not withdraw proposals")
    note = f"withdrawn by {user}" + (f": {reason}" if reason else "")
    try:
        return ws.governance.proposals.decide(
            proposal_id,
            user=user,
            decision="reject",
            note=note,
            record=lambda conn, cur: ws.governance.audit.append_in(
                conn,
                "withdrawal",
                user,
                thread_id=thread_id,
                proposal_id=cur.id,
                payload={"kind": cur.kind, "args": cur.args, "reason": reason},
            ),
        )
    except ProposalNotPendingError as exc:
        raise ValueError(
            f"proposal {proposal_id} is {status_word(exc.proposal)}, so it can no longer be "
            "withdrawn"
        ) from None


def status_word(p: Proposal) -> str:
    """Say a proposal's status as a planner would: a withdrawal (kept as rejected) is withdrawn.

    It says by whom: "withdrawn (by its drafter)" only when the drafter withdrew it, else
    "withdrawn by bob" (an approver may withdraw someone else's proposal).
    """
    if p.status == "rejected" and str(p.decision_note or "").startswith("withdrawn by"):
        if not p.decided_by or p.decided_by == p.created_by:
            return "withdrawn (by its drafter)"
        return f"withdrawn by {p.decided_by}"
    return str(p.status)


def list_proposals(
    ws: Workspace,
    *,
    scope: str,
    status: str | None,
    limit: int,
    thread_id: str,
    user: str,
) -> dict[str, Any]:
    """Return the proposals of this thread, of this user, or all, newest first."""
    limit = max(1, min(int(limit), 100))
    if scope == "thread":
        found = ws.governance.proposals.list(status=status, thread_id=thread_id, limit=limit)
    else:
        found = ws.governance.proposals.list(status=status, limit=500 if scope == "mine" else limit)
        if scope == "mine":
            found = [p for p in found if p.created_by == user]
    total = len(found)
    shown = found[:limit]
    return {
        "scope": scope,
        "status": status,
        "total": total,
        "truncated": total > len(shown),
        "pending": sum(1 for p in shown if p.status == "pending"),
        "proposals": [proposal_view(p) for p in shown],
    }


def approval_route(ws: Workspace, proposal_id: str) -> dict[str, Any]:
    """Return who may approve a proposal: its kind and value against the approval matrix.

    `approvers` lists the roles whose limit covers the value (lowest authority first) with
    their users; `limits` every role's limit for that kind of action.
    """
    p = ws.governance.proposals.get(proposal_id.strip())
    if p is None:
        raise NotFoundError(f"unknown proposal {proposal_id!r}")
    policy = ws.policy
    value = float(p.value or 0.0)
    return {
        "proposal_id": p.id,
        "kind": p.kind,
        "status": p.status,
        "value": round(value, 2),
        "approvers": [
            {"role": role, "max_order_value": limit, "users": users}
            for role, limit, users in policy.approvers(p.kind, value)
        ],
        "limits": {
            role: rules.max_order_value
            for role, rules in policy.roles.items()
            if p.kind in rules.may_approve
        },
    }


def with_item_terms(
    ws: Workspace, rows: list[dict[str, Any]], sku: str | None
) -> list[dict[str, Any]]:
    """Add a SKU's item-level terms (lead time, MOQ, cost, primary) to supplier status rows."""
    if sku is None:
        return rows
    terms = {t["supplier_id"]: t for t in item_master(ws, sku)["suppliers"]}
    out = []
    for r in rows:
        t = terms.get(r["supplier_id"])
        r = dict(r)
        if t is not None:
            r["item"] = {
                "sku": sku,
                "primary": t["primary"],
                "lead_time_days": t["lead_time_days"],
                "lead_time_source": t["lead_time_source"],
                "moq": t["moq"],
                "unit_cost": t["unit_cost"],
            }
        out.append(r)
    return out


def lanes(
    ws: Workspace, *, from_location: str | None = None, to_location: str | None = None
) -> dict[str, Any]:
    """Return the transfer lanes from and/or to a location, and each store's own source DC.

    With both ends: whether that lane exists (`exists`), and when it does not, the lanes into
    the destination (`lanes_into`) as the alternatives. A destination store also gets its
    `source_dc` (the DC that replenishes it). Reads the lanes table and the location master,
    not the network's reference data.
    """
    table = load_lanes(ws.engine)
    rows = table
    if from_location is not None:
        rows = rows[rows["from_location"] == from_location]
    if to_location is not None:
        rows = rows[rows["to_location"] == to_location]

    def view(frame: pd.DataFrame) -> list[dict[str, Any]]:
        return [
            {
                "from_location": str(r.from_location),
                "to_location": str(r.to_location),
                "lead_time_days": int(r.lead_time_days),
                "cost_per_unit": round(float(r.cost_per_unit), 4),
            }
            for r in frame.sort_values(
                ["lead_time_days", "from_location", "to_location"]
            ).itertuples()
        ]

    out: dict[str, Any] = {
        "filters": {
            k: v for k, v in (("from_location", from_location), ("to_location", to_location)) if v
        },
        "lanes": view(rows),
    }
    if from_location is not None and to_location is not None:
        out["exists"] = not rows.empty
        if rows.empty:
            out["lanes_into"] = view(table[table["to_location"] == to_location])
    if to_location is not None:
        locs = ws.plans.entities().locations.set_index("location_id")
        if to_location in locs.index:
            source = str(locs.loc[to_location].get("source_location") or "")
            if source:
                out["source_dc"] = source
    return out


def transfer_alternatives(ws: Workspace, sku: str, to_location: str) -> dict[str, Any]:
    """Say where a location can receive a SKU from: lanes in (with stock there) and a supplier.

    A sender that does not stock the SKU (no position) holds 0 of it (`stocks_sku` false).
    """
    ref = ws.plans.reference_of(sku, fresh=False)
    lanes = ref.lanes[ref.lanes["to_location"] == to_location]
    plan = _plan_for(ws, {sku}, fresh=False)
    sources = []
    for lane in lanes.itertuples():
        row = plan.row_of(sku, lane.from_location)
        sources.append(
            {
                "from_location": lane.from_location,
                "lead_time_days": int(lane.lead_time_days),
                "on_hand": 0.0 if row is None else float(plan.positions.iloc[row]["on_hand"]),
                "stocks_sku": row is not None,
            }
        )
    primary = None
    with contextlib.suppress(NotFoundError):
        primary = item_master(ws, sku)["primary_supplier"]
    return {
        "lanes_into": sorted(sources, key=lambda x: -x["on_hand"]),
        "purchase_order_supplier": primary,
    }


def acceptable_transfers(
    ws: Workspace, sku: str, from_location: str, to_location: str, qty: int
) -> list[dict[str, Any]]:
    """Return the transfers into `to_location` that the draft checks accept, best first.

    For a refused transfer: from the same source and from every other lane into the
    destination, the requested quantity, or when the checks refuse it, the most they allow
    (the source's spare stock and the destination's sane limit, as the check reports them),
    checked again. Each entry holds the draft's arguments (sku, from_location, to_location,
    qty) and its lane's lead time; those that deliver more come first, then the faster lanes.
    """
    ref = ws.plans.reference_of(sku, fresh=False)
    lanes = ref.lanes[ref.lanes["to_location"] == to_location]
    lead = {str(r.from_location): int(r.lead_time_days) for r in lanes.itertuples()}
    sources = [from_location, *(s for s in lead if s != from_location)]
    accepted: list[dict[str, Any]] = []
    for source in sources:
        if source not in lead:
            continue
        check = ws.drafts.check(TransferAction(sku, source, to_location, int(qty)))
        if not check.ok:
            bounds = [
                float(v)
                for v in (check.evidence.get("source_available"), check.evidence.get("sane_limit"))
                if v is not None
            ]
            most = int(min([float(qty), *bounds]))
            if not bounds or most < 1 or most >= qty:
                continue
            check = ws.drafts.check(TransferAction(sku, source, to_location, most))
            if not check.ok:
                continue
        accepted.append(
            {
                "sku": sku,
                "from_location": source,
                "to_location": to_location,
                "qty": int(check.action.qty),
                "lead_time_days": lead[source],
            }
        )
    accepted.sort(key=lambda a: (-a["qty"], a["lead_time_days"]))
    return accepted


def forecast_context(ws: Workspace, out: dict[str, Any], horizon: int) -> dict[str, Any]:
    """Say which model and horizon the accuracy is for, and set the plan's forecast beside it."""
    out = dict(out)
    out["accuracy_for"] = {
        "model": out.get("method"),
        "horizon_days": min(horizon, 28),
        "method": "rolling-origin backtest over the last 4 origins of this series",
    }
    plan = _plan_for(ws, {out["sku"]}, fresh=False)
    row = plan.row_of(out["sku"], out["location"])
    if row is not None:
        h = min(horizon, plan.demand.shape[1])
        plan_total = float(plan.demand[row, :h].sum())
        out["plan_forecast"] = {
            "method": str(plan.positions.iloc[row]["method"]),
            "forecast_daily": round(float(plan.positions.iloc[row]["forecast_daily"]), 3),
            "total_units": round(plan_total, 2),
            "days": h,
            "note": "This answer is the planning engine's own forecast of this SKU-location (the "
            "model chosen for it by backtest, its sales bucket, stockout days left out), so its "
            "total equals the plan's; days past the plan's horizon continue at the plan's level "
            "with the series' own shape. Safety stock, reorder point and exceptions use it."
            + (
                " At a DC the plan's forecast is the sum of the stores it feeds."
                if str(plan.positions.iloc[row]["location_type"]) == "dc"
                else ""
            ),
        }
        evidence = stockout_evidence(plan, row)
        if evidence is not None:
            out["plan_forecast"]["stockouts"] = evidence
    return out


def stockout_evidence(plan: Any, row: int) -> dict[str, Any] | None:
    """Return what the plan's forecast left out as stockouts at `row` (None: nothing to say)."""
    held = getattr(plan, "stockout_evidence", None)
    if not held:
        return None
    return stockout_note(*(held[name][row] for name in EVIDENCE))
