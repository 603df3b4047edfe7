"""Detect planning exceptions over the whole network at once (see `docs/planning.md`).

`detect_exceptions` takes one aligned set of per-SKU-location arrays (`PositionArrays`) and returns
one DataFrame row per exception, ranked by money at risk. All rules are vectorised over
SKU-locations; text is built only for the flagged rows.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from itertools import chain
from math import isinf
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from planning.params import PlanParams
from planning.policy import (
    FloatArray,
    IntArray,
    Projection,
    days_of_cover,
    first_unmet_day,
    lead_time_sigma,
    map_blocks,
    normal_loss,
    project_block,
    project_on_hand,
    protection_days,
    window_sum,
)
from stockpilot.vocabulary import ExceptionType

# The types as plain strings, in report order (the vocabulary declares them).
EXCEPTION_TYPES: tuple[str, ...] = tuple(t.value for t in ExceptionType)
SHORTAGE_TYPES: frozenset[str] = frozenset(
    {ExceptionType.STOCKOUT_RISK, ExceptionType.BELOW_SAFETY_STOCK, ExceptionType.PROMO_UNCOVERED}
)

EVIDENCE_COLUMNS: tuple[str, ...] = (
    "on_hand",
    "in_transit",
    "on_order",
    "position",
    "forecast_daily",
    "sigma",
    "safety_stock",
    "reorder_point",
    "order_up_to",
    "lead_time",
    "unmet_units",
    "excess_units",
    "days_of_cover",
    "bias",
    "po_qty",
)
COLUMNS: tuple[str, ...] = (
    "type",
    "sku",
    "location",
    "row",
    "priority",
    "money_at_risk",
    "first_risk_date",
    "first_risk_day",
    "detail",
    *EVIDENCE_COLUMNS,
    "po_id",
    "supplier_id",
    "unit_cost",
    "unit_price",
    "capital_tied_up",
)
_EPS = 1e-9
MIN_EXPECTED_SHORT = 0.01  # below_safety_stock: fewer units expected short is a dip, not a risk
DEFAULT_PARAMS = PlanParams()


def totals_by_type(records: Iterable[Mapping[str, Any]]) -> dict[str, dict[str, Any]]:
    """Count exception records and sum their money at risk per type, in `EXCEPTION_TYPES` order.

    Only types that occur are present; money is rounded to cents.
    """
    totals: dict[str, dict[str, Any]] = {}
    for r in records:
        t = totals.setdefault(str(r["type"]), {"count": 0, "money_at_risk": 0.0})
        t["count"] += 1
        t["money_at_risk"] += float(r["money_at_risk"])
    order = {name: i for i, name in enumerate(EXCEPTION_TYPES)}
    return {
        name: {"count": t["count"], "money_at_risk": round(t["money_at_risk"], 2)}
        for name, t in sorted(totals.items(), key=lambda kv: order.get(kv[0], len(order)))
    }


def _empty_str(n: int = 0) -> NDArray[np.object_]:
    return np.full(n, "", dtype=object)


@dataclass(frozen=True)
class LatePOs:
    """Open purchase orders whose expected date is on or before the snapshot date."""

    row: IntArray  # (m,) index into the PositionArrays rows
    po_id: NDArray[np.object_]
    supplier_id: NDArray[np.object_]
    qty: FloatArray
    expected_date: NDArray[np.datetime64]
    arrival_day: IntArray  # 1-based day the receipts assume the PO arrives

    @classmethod
    def empty(cls) -> LatePOs:
        """Return an empty set."""
        z = np.zeros(0, dtype=np.int64)
        return cls(z, _empty_str(), _empty_str(), np.zeros(0), np.zeros(0, "datetime64[ns]"), z)


@dataclass(frozen=True)
class PositionArrays:
    """Aligned per-SKU-location inputs of the exception rules (n rows, H horizon days)."""

    as_of: date
    sku: NDArray[np.object_]
    location: NDArray[np.object_]
    unit_cost: FloatArray
    unit_price: FloatArray
    on_hand: FloatArray
    in_transit: FloatArray
    on_order: FloatArray
    lead_time: IntArray  # days, at least 1
    lead_time_std: FloatArray
    forecast_daily: FloatArray  # d: mean forecast per day over the lead time
    sigma: FloatArray  # one-day forecast error std
    safety_stock: FloatArray  # SS
    reorder_point: FloatArray  # s (ROP)
    order_up_to: FloatArray  # S
    demand: FloatArray  # (n, H) forecast per day
    receipts: FloatArray  # (n, H) scheduled receipts per day
    promo_mask: NDArray[np.bool_]  # (n, H) promotion day
    bias_forecast: FloatArray  # (n,) forecast of the last bias window made before it; NaN: none
    bias_actual: FloatArray  # (n,) actual sales over the last bias window; NaN: none
    bias_sigma: FloatArray  # (n,) one-day error std of that earlier forecast
    zero_run_days: IntArray  # (n,) trailing days without a sale up to the snapshot
    hist_rate: FloatArray  # (n,) mean daily sales before that run; 0: unknown
    late_pos: LatePOs = field(default_factory=LatePOs.empty)

    @property
    def n(self) -> int:
        """Return the number of SKU-locations."""
        return len(self.sku)

    @property
    def horizon(self) -> int:
        """Return the number of horizon days."""
        return int(self.demand.shape[1])

    @property
    def position(self) -> FloatArray:
        """Return the inventory position (negative on hand counts as zero)."""
        return np.maximum(self.on_hand, 0.0) + self.in_transit + self.on_order


def _dates(as_of: date, days: IntArray) -> NDArray[np.datetime64]:
    base = np.datetime64(as_of, "D")
    return (base + np.asarray(days, dtype=np.int64).astype("timedelta64[D]")).astype(
        "datetime64[ns]"
    )


def _fmt_dates(values: NDArray[np.datetime64]) -> list[str]:
    return np.datetime_as_string(values, unit="D").tolist()


def _fmt_days(as_of: date, days: IntArray) -> list[str]:
    """Return `as_of + days` as ISO dates, formatting each distinct day once."""
    if not len(days):
        return []
    lo = int(days.min())
    table = _fmt_dates(_dates(as_of, np.arange(lo, int(days.max()) + 1)))
    return [table[k - lo] for k in days.tolist()]


def _lists(*cols: NDArray[Any] | list[Any]) -> Iterator[tuple[Any, ...]]:
    """Zip the columns as Python scalars (formatting those is much faster than numpy scalars)."""
    return zip(*(c if isinstance(c, list) else c.tolist() for c in cols), strict=True)


def _priority(first_day: IntArray, lead_time: IntArray, window: IntArray) -> IntArray:
    return np.where(first_day <= lead_time, 1, np.where(first_day <= window, 2, 3)).astype(np.int64)


Part = dict[str, Any]  # the columns of one exception type: `type`, `row`, `detail`, its evidence


def _part(kind: ExceptionType, rows: IntArray, cols: dict[str, Any], detail: list[str]) -> Part:
    """Return the rows of one exception type; shared columns are gathered later."""
    return {"type": kind, "row": rows.astype(np.int64), "detail": detail, **cols}


_GATHERED: tuple[str, ...] = (
    "sku",
    "location",
    "on_hand",
    "in_transit",
    "on_order",
    "forecast_daily",
    "sigma",
    "safety_stock",
    "reorder_point",
    "order_up_to",
    "unit_cost",
    "unit_price",
)


def _assemble(arrays: PositionArrays, position: FloatArray, parts: list[Part]) -> pd.DataFrame:
    """Concatenate the parts, rank them and build the frame once; missing evidence is NaN."""
    parts = [q for q in parts if len(q["row"])]
    sizes = [len(q["row"]) for q in parts]
    total = sum(sizes)

    def column(name: str, default: Any) -> NDArray[Any]:
        if not parts:
            return np.full(0, default)
        return np.concatenate(
            [q.get(name, np.full(m, default)) for q, m in zip(parts, sizes, strict=True)]
        )

    rows = column("row", 0).astype(np.int64)
    code = np.repeat(np.array([EXCEPTION_TYPES.index(q["type"]) for q in parts], int), sizes)
    priority = column("priority", np.nan).astype(np.int64)
    money = column("money_at_risk", np.nan)
    order = np.lexsort((rows, code, priority, -money))
    rows = rows[order]
    detail = np.fromiter(chain.from_iterable(q["detail"] for q in parts), object, total)
    own = {
        "type": np.array(EXCEPTION_TYPES, dtype=object)[code[order]],
        "row": rows,
        "priority": priority[order],
        "money_at_risk": money[order],
        "first_risk_day": column("first_risk_day", np.nan).astype(np.int64)[order],
        "detail": detail[order],
        "position": position[rows],
        "lead_time": arrays.lead_time[rows].astype(np.int64),
        "po_id": column("po_id", "").astype(object)[order],
        "supplier_id": column("supplier_id", "").astype(object)[order],
    }
    data: dict[str, NDArray[Any]] = {}
    for c in COLUMNS:
        if c in own:
            data[c] = own[c]
        elif c in _GATHERED:
            data[c] = getattr(arrays, c)[rows]
        else:
            data[c] = column(c, np.nan)[order]
    return pd.DataFrame(data, columns=list(COLUMNS))


@dataclass(frozen=True)
class _Scan:
    """Per-row reductions of the projection that the rules need."""

    first: IntArray  # first day with unmet demand (0: none)
    unmet_win: FloatArray  # unmet units over days 1..min(L + R − 1, H); see `_scan`
    min_oh: FloatArray  # lowest end-of-day on hand over days 1..min(L, H)
    first_below: IntArray  # first day within 1..min(L, H) below safety stock (0: none)
    first_is_promo: NDArray[np.bool_]  # the first unmet day is a promotion day
    promo_rows: IntArray  # rows short on some promotion day
    promo_first: IntArray  # their first such day
    promo_units: FloatArray  # their unmet units over promotion days


SCAN_ROWS = 4_096


def _scan(
    arrays: PositionArrays,
    lead_time_in_horizon: IntArray,
    protection_in_horizon: IntArray,
    needs_window_sum: NDArray[np.bool_],
    projection: Projection | None,
) -> _Scan:
    """Reduce the projection block by block, projecting each block here unless one is given.

    Without a projection the (n, H) on hand and unmet arrays are never materialised: each block
    is projected and reduced while it is still in cache, two blocks at a time. `unmet_win` is
    summed only for rows that run short by day L + R − 1 and for `needs_window_sum` rows (0
    elsewhere).
    """
    n, horizon = arrays.n, arrays.horizon
    first = np.zeros(n, dtype=np.int64)
    unmet_win = np.zeros(n)
    min_oh = np.full(n, np.inf)
    first_below = np.zeros(n, dtype=np.int64)
    first_is_promo = np.zeros(n, dtype=bool)
    start = np.maximum(arrays.on_hand, 0.0)
    below_limit = arrays.safety_stock - _EPS
    first_days = np.arange(horizon) < np.arange(horizon + 1)[:, None]  # [k]: the first k days

    def block(bounds: tuple[int, int]) -> tuple[IntArray, IntArray, FloatArray]:
        lo, hi = bounds
        if projection is None:
            on_hand, unmet = project_block(
                start[lo:hi], arrays.receipts[lo:hi], arrays.demand[lo:hi]
            )
            first_unmet = first_unmet_day(unmet)
        else:
            on_hand, unmet = projection.on_hand[lo:hi], projection.unmet[lo:hi]
            first_unmet = projection.first_unmet_day[lo:hi]
        first[lo:hi] = first_unmet
        summed = np.flatnonzero(
            ((first_unmet > 0) & (first_unmet <= protection_in_horizon[lo:hi]))
            | needs_window_sum[lo:hi]
        )
        in_window = first_days[protection_in_horizon[lo + summed]]
        unmet_win[lo + summed] = np.where(in_window, unmet[summed], 0.0).sum(axis=1)
        in_lead_time = first_days[lead_time_in_horizon[lo:hi]]
        lowest = np.minimum.reduce(on_hand, axis=1, where=in_lead_time, initial=np.inf)
        min_oh[lo:hi] = lowest
        # Only rows whose minimum is not above SS can dip below it (NaN stays a candidate).
        dips = np.flatnonzero(~(lowest >= below_limit[lo:hi]))
        below = in_lead_time[dips] & (on_hand[dips] < below_limit[lo + dips, None])
        first_below[lo + dips] = np.where(below.any(axis=1), below.argmax(axis=1) + 1, 0)
        promo = arrays.promo_mask[lo:hi]
        candidates = np.flatnonzero(promo.any(axis=1) & (first_unmet > 0))
        short_on_promo = (unmet[candidates] > _EPS) & promo[candidates]
        has = short_on_promo.any(axis=1)
        promo_rows, short_on_promo = candidates[has], short_on_promo[has]
        first_is_promo[lo + promo_rows] = promo[promo_rows, first_unmet[promo_rows] - 1]
        units = (unmet[promo_rows] * short_on_promo).sum(axis=1)
        return lo + promo_rows, short_on_promo.argmax(axis=1) + 1, units

    found = map_blocks(block, n, SCAN_ROWS) if horizon else []
    return _Scan(
        first,
        unmet_win,
        min_oh,
        first_below,
        first_is_promo,
        np.concatenate([r for r, _, _ in found]) if found else np.zeros(0, dtype=np.int64),
        np.concatenate([k for _, k, _ in found]) if found else np.zeros(0, dtype=np.int64),
        np.concatenate([u for _, _, u in found]) if found else np.zeros(0),
    )


@dataclass(frozen=True)
class RuleInputs:
    """What every exception rule reads: the arrays, their windows and the projection's scan."""

    arrays: PositionArrays
    params: PlanParams
    lead_time: IntArray  # L, at least 1 day
    protection: IntArray  # L + R − 1: the protection interval (at least 1 day)
    lead_time_in_horizon: IntArray  # min(L, H)
    protection_in_horizon: IntArray  # min(L + R − 1, H)
    lead_time_need: FloatArray  # forecast over days 1..L + SS: what the lead time needs
    margin: FloatArray  # unit price - unit cost, at least 0
    position: FloatArray
    inbound: FloatArray  # in transit + on order
    scan: _Scan


def rule_inputs(
    arrays: PositionArrays, params: PlanParams, projection: Projection | None = None
) -> RuleInputs:
    """Return the shared inputs of the rules, scanning the projection once."""
    horizon = arrays.horizon
    lead_time = np.clip(arrays.lead_time.astype(np.int64), 1, None)
    # The protection interval of the replenishment rule (planning.policy.protection_days): the
    # next review's order arrives on day L + R and sells that day.
    protection = protection_days(lead_time, int(params.review_period_days))
    lead_time_in_horizon = np.minimum(lead_time, horizon)
    protection_in_horizon = np.minimum(protection, horizon)
    # Rows with a late PO need their unmet units over L + R − 1 even when they do not run out.
    needs_window_sum = np.zeros(arrays.n, dtype=bool)
    needs_window_sum[arrays.late_pos.row] = True
    scan = _scan(arrays, lead_time_in_horizon, protection_in_horizon, needs_window_sum, projection)
    return RuleInputs(
        arrays=arrays,
        params=params,
        lead_time=lead_time,
        protection=protection,
        lead_time_in_horizon=lead_time_in_horizon,
        protection_in_horizon=protection_in_horizon,
        lead_time_need=window_sum(arrays.demand, lead_time_in_horizon) + arrays.safety_stock,
        margin=np.maximum(arrays.unit_price - arrays.unit_cost, 0.0),
        position=arrays.position,
        inbound=arrays.in_transit + arrays.on_order,
        scan=scan,
    )


def detect_exceptions(
    arrays: PositionArrays,
    params: PlanParams = DEFAULT_PARAMS,
    projection: Projection | None = None,
) -> pd.DataFrame:
    """Return every exception of the network, ranked by money at risk (largest first)."""
    inputs = rule_inputs(arrays, params, projection)
    runs_out = _runs_out(inputs)
    parts = [
        _promo_uncovered(inputs),
        _stockout_risk(inputs, runs_out),
        _below_safety_stock(inputs, runs_out),
        _overstock(inputs),
        _late_po(inputs),
        _forecast_bias(inputs),
        _inventory_anomaly(inputs),
    ]
    return _assemble(arrays, inputs.position, parts)


def _shortage_columns(
    inputs: RuleInputs, rows: IntArray, first_day: IntArray, units: FloatArray
) -> dict[str, Any]:
    """Return the priority, money, first risk and unmet units of shortage rows."""
    return {
        "priority": _priority(first_day, inputs.lead_time[rows], inputs.protection[rows]),
        "money_at_risk": np.round(units * inputs.margin[rows], 2),
        "first_risk_date": _dates(inputs.arrays.as_of, first_day),
        "first_risk_day": first_day,
        "unmet_units": units,
    }


def _promo_uncovered(inputs: RuleInputs) -> Part:
    """Return the promo_uncovered rows: unmet demand on a promotion day anywhere in the horizon."""
    arrays, scan = inputs.arrays, inputs.scan
    rows, first_day, units = scan.promo_rows, scan.promo_first, scan.promo_units
    detail = [
        f"Promotion demand short by {u:.0f} units, first on {ds} (day {k}); "
        f"on hand {oh:.0f}, inbound {ib:.0f}, forecast {dd:.1f}/day."
        for ds, u, k, oh, ib, dd in _lists(
            _fmt_days(arrays.as_of, first_day),
            units,
            first_day,
            arrays.on_hand[rows],
            inputs.inbound[rows],
            arrays.forecast_daily[rows],
        )
    ]
    return _part(
        ExceptionType.PROMO_UNCOVERED,
        rows,
        _shortage_columns(inputs, rows, first_day, units),
        detail,
    )


def _runs_out(inputs: RuleInputs) -> NDArray[np.bool_]:
    """Return the rows that run out within L, or by L + R − 1 while short of the lead time's need.

    With the position at or above the forecast over the lead time plus SS, a run-out after day
    L is what the regular order of this review (it arrives on day L) covers.
    """
    first = inputs.scan.first
    short_of_lead_time = inputs.position < inputs.lead_time_need - _EPS
    return (first > 0) & (
        (first <= inputs.lead_time_in_horizon)
        | ((first <= inputs.protection_in_horizon) & short_of_lead_time)
    )


def _stockout_risk(inputs: RuleInputs, runs_out: NDArray[np.bool_]) -> Part:
    """Return the stockout_risk rows (a run-out whose first day is not a promotion day)."""
    arrays, scan = inputs.arrays, inputs.scan
    rows = np.flatnonzero(runs_out & ~scan.first_is_promo)
    units, first_day = scan.unmet_win[rows], scan.first[rows]
    detail = [
        f"Runs out {ds} (day {k}): {u:.0f} units unmet by day {w} "
        f"(on hand {oh:.0f}, inbound {ib:.0f}, forecast {dd:.1f}/day, lead-time demand + SS "
        f"{r:.0f})."
        for ds, k, u, w, oh, ib, dd, r in _lists(
            _fmt_days(arrays.as_of, first_day),
            first_day,
            units,
            inputs.protection_in_horizon[rows],
            arrays.on_hand[rows],
            inputs.inbound[rows],
            arrays.forecast_daily[rows],
            inputs.lead_time_need[rows],
        )
    ]
    return _part(
        ExceptionType.STOCKOUT_RISK, rows, _shortage_columns(inputs, rows, first_day, units), detail
    )


def _below_safety_stock(inputs: RuleInputs, runs_out: NDArray[np.bool_]) -> Part:
    """Return the below_safety_stock rows: no run-out, but on hand dips below SS within L.

    Money: the expected units short over the lead time (`_expected_short`); rows expecting less
    than `MIN_EXPECTED_SHORT` units are not flagged.
    """
    arrays, scan = inputs.arrays, inputs.scan
    candidates = np.flatnonzero(~runs_out & ~scan.first_is_promo & (scan.first_below > 0))
    expected_short = _expected_short(inputs, candidates)
    # SS protects the whole interval L + R − 1; dipping into it within the lead time matters
    # only where a shortfall over the lead time is expected at all.
    material = expected_short >= MIN_EXPECTED_SHORT
    rows, expected_short = candidates[material], expected_short[material]
    lowest_on_hand, first_day = scan.min_oh[rows], scan.first_below[rows]
    lead_time = inputs.lead_time[rows]
    detail = [
        f"Projected on hand falls to {mo:.0f} on {ds}, below safety stock {ss:.0f} within "
        f"the {k}-day lead time (on hand {oh:.0f}, inbound {ib:.0f}, forecast {dd:.1f}/day); "
        f"expected short {u:.1f} units."
        for mo, ds, ss, k, oh, ib, dd, u in _lists(
            lowest_on_hand,
            _fmt_days(arrays.as_of, first_day),
            arrays.safety_stock[rows],
            lead_time,
            arrays.on_hand[rows],
            inputs.inbound[rows],
            arrays.forecast_daily[rows],
            expected_short,
        )
    ]
    columns = _shortage_columns(inputs, rows, first_day, expected_short)
    return _part(ExceptionType.BELOW_SAFETY_STOCK, rows, columns, detail)


def excess_loss_rate(params: PlanParams) -> float:
    """Return the expected loss per unit of cost of a unit too many within the horizon.

    Holding plus markdown risk, `(holding_rate_per_year + markdown_rate_per_year) × H / 365`:
    what excess stock costs the business over the horizon, comparable with a shortage's lost
    margin (the capital itself is not lost; `capital_tied_up` reports it).
    """
    yearly = params.holding_rate_per_year + params.markdown_rate_per_year
    return yearly * params.horizon_days / 365.0


def _expected_short(inputs: RuleInputs, rows: IntArray) -> FloatArray:
    """Return the expected units short over the lead time: sigma_LT · G(min on hand / sigma_LT)."""
    arrays = inputs.arrays
    lowest_on_hand = inputs.scan.min_oh[rows]
    lead_time_demand_std = lead_time_sigma(
        arrays.forecast_daily[rows],
        arrays.sigma[rows],
        inputs.lead_time[rows],
        arrays.lead_time_std[rows],
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(
            lead_time_demand_std > 0,
            lead_time_demand_std * normal_loss(lowest_on_hand / lead_time_demand_std),
            np.maximum(-lowest_on_hand, 0),
        )


def _overstock(inputs: RuleInputs) -> Part:
    """Return the overstock rows: position above S and more than overstock_days of cover.

    Money: the excess's holding and markdown loss within the horizon (`excess_loss_rate`).
    """
    arrays, position = inputs.arrays, inputs.position
    limit = inputs.params.overstock_days
    above = np.flatnonzero(position - arrays.order_up_to > _EPS)
    cover = days_of_cover(position[above], arrays.demand[above], extrapolate=True)
    rows = above[cover > limit]
    cover = cover[cover > limit]
    excess = position[rows] - arrays.order_up_to[rows]
    capital = excess * arrays.unit_cost[rows]
    today = np.zeros(len(rows), dtype=np.int64)
    detail = [
        f"Position {x:.0f} vs order-up-to {s:.0f}: {e:.0f} excess units, "
        f"{'no forecast demand' if isinf(c) else f'{c:.0f} days of cover'} (limit {limit})."
        for x, s, e, c in _lists(position[rows], arrays.order_up_to[rows], excess, cover)
    ]
    return _part(
        ExceptionType.OVERSTOCK,
        rows,
        {
            "priority": np.full(len(rows), 3, dtype=np.int64),
            "money_at_risk": np.round(capital * excess_loss_rate(inputs.params), 2),
            "capital_tied_up": np.round(capital, 2),
            "first_risk_date": _dates(arrays.as_of, today),
            "first_risk_day": today,
            "excess_units": excess,
            "days_of_cover": cover,
        },
        detail,
    )


def _late_po(inputs: RuleInputs) -> Part:
    """Return the late_po rows: money is the extra lost margin if the PO never arrives."""
    arrays, late = inputs.arrays, inputs.arrays.late_pos
    rows = late.row
    if not len(rows):
        return _part(ExceptionType.LATE_PO, rows, {}, [])
    horizon = arrays.horizon
    window = inputs.protection_in_horizon[rows]
    receipts = arrays.receipts[rows].copy()
    k = np.arange(len(rows))
    inside = (late.arrival_day >= 1) & (late.arrival_day <= horizon)
    receipts[k[inside], late.arrival_day[inside] - 1] -= late.qty[inside]
    without = project_on_hand(arrays.on_hand[rows], np.maximum(receipts, 0.0), arrays.demand[rows])
    unmet_with = inputs.scan.unmet_win[rows]
    unmet_without = window_sum(without.unmet, window)
    lost = np.maximum(unmet_without - unmet_with, 0.0)
    first_unmet = without.first_unmet_day
    runs_short = (first_unmet > 0) & (first_unmet <= window)
    due = late.expected_date.astype("datetime64[D]") - np.datetime64(arrays.as_of, "D")
    first_day = np.where(runs_short, first_unmet, due.astype(np.int64)).astype(np.int64)
    detail = [
        f"PO {po} ({q:.0f} units from {sup}) was due {exp}, assumed to arrive on day {a}; "
        f"without it {uw:.0f} units go unmet by day {w}, with it {u:.0f}."
        for po, q, sup, exp, a, uw, w, u in _lists(
            late.po_id,
            late.qty,
            late.supplier_id,
            _fmt_dates(late.expected_date),
            late.arrival_day,
            unmet_without,
            window,
            unmet_with,
        )
    ]
    priority = _priority(first_unmet, inputs.lead_time[rows], inputs.protection[rows])
    return _part(
        ExceptionType.LATE_PO,
        rows,
        {
            "priority": np.where(runs_short, priority, 3),
            "money_at_risk": np.round(lost * inputs.margin[rows], 2),
            "first_risk_date": _dates(arrays.as_of, first_day),
            "first_risk_day": first_day,
            "unmet_units": lost,
            "po_id": late.po_id.astype(object),
            "supplier_id": late.supplier_id.astype(object),
            "po_qty": late.qty,
        },
        detail,
    )


def _forecast_bias(inputs: RuleInputs) -> Part:
    """Return the forecast_bias rows: a large bias that forecast noise does not explain."""
    arrays, params = inputs.arrays, inputs.params
    forecast, actual = arrays.bias_forecast, arrays.bias_actual
    measured = (
        np.isfinite(forecast)
        & np.isfinite(actual)
        & (actual >= params.bias_min_units)
        & (actual > 0)
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        bias = np.where(measured, (forecast - actual) / np.where(actual > 0, actual, 1.0), 0.0)
    # The sum of W one-day errors has std sigma·sqrt(W): a miss within k of those is noise.
    noise = (
        params.bias_sigma_k * np.nan_to_num(arrays.bias_sigma) * np.sqrt(params.bias_window_days)
    )
    significant = np.abs(forecast - actual) > noise
    rows = np.flatnonzero(measured & significant & (np.abs(bias) > params.bias_threshold))
    if not len(rows):
        return _part(ExceptionType.FORECAST_BIAS, rows, {}, [])
    row_bias = bias[rows]
    units = window_sum(arrays.demand[rows], inputs.protection_in_horizon[rows])
    # Under-forecast loses margin; over-forecast buys stock that costs holding and markdown.
    excess_rate = arrays.unit_cost[rows] * excess_loss_rate(params)
    rate = np.where(row_bias < 0, inputs.margin[rows], excess_rate)
    tomorrow = np.ones(len(rows), dtype=np.int64)
    window_days = params.bias_window_days
    detail = [
        f"{'Under' if bb < 0 else 'Over'}-forecast: the forecast made {window_days} days ago "
        f"said {ff:.0f} units, actual sales were {aa:.0f} (bias {bb:+.0%})."
        for ff, aa, bb in _lists(forecast[rows], actual[rows], row_bias)
    ]
    return _part(
        ExceptionType.FORECAST_BIAS,
        rows,
        {
            "priority": np.full(len(rows), 3, dtype=np.int64),
            "money_at_risk": np.round(np.abs(row_bias) * units * rate, 2),
            "first_risk_date": _dates(arrays.as_of, tomorrow),
            "first_risk_day": tomorrow,
            "bias": row_bias,
        },
        detail,
    )


def _inventory_anomaly(inputs: RuleInputs) -> Part:
    """Return the inventory_anomaly rows: negative on hand, or phantom stock."""
    arrays, params = inputs.arrays, inputs.params
    negative = arrays.on_hand < 0
    p_no_sale = np.exp(-arrays.hist_rate * arrays.zero_run_days.astype(float))
    phantom = (
        ~negative
        & (arrays.on_hand > 0)
        & (arrays.zero_run_days >= params.phantom_min_days)
        & (arrays.hist_rate > 0)
        & (p_no_sale < params.phantom_probability)
    )
    rows = np.flatnonzero(negative | phantom)
    if not len(rows):
        return _part(ExceptionType.INVENTORY_ANOMALY, rows, {}, [])
    is_negative = negative[rows]
    lost_units = arrays.hist_rate[rows] * inputs.protection_in_horizon[rows]
    money = np.where(
        is_negative,
        -arrays.on_hand[rows] * arrays.unit_cost[rows],
        lost_units * inputs.margin[rows],
    )
    detail = [
        f"On hand is negative ({oh:.0f}): the stock record is wrong; count it."
        if ng
        else f"On hand {oh:.0f} but no sale in {kk} days, where {r:.1f}/day makes that chance "
        f"{pz:.1e}: possible phantom stock; count it."
        for ng, oh, kk, r, pz in _lists(
            is_negative,
            arrays.on_hand[rows],
            arrays.zero_run_days[rows],
            arrays.hist_rate[rows],
            p_no_sale[rows],
        )
    ]
    tomorrow = np.ones(len(rows), dtype=np.int64)
    return _part(
        ExceptionType.INVENTORY_ANOMALY,
        rows,
        {
            "priority": np.full(len(rows), 2, dtype=np.int64),
            "money_at_risk": np.round(money, 2),
            "first_risk_date": _dates(arrays.as_of, tomorrow),
            "first_risk_day": tomorrow,
            "unmet_units": np.where(is_negative, np.nan, lost_units),
        },
        detail,
    )
