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
    window_sum,
)

EXCEPTION_TYPES: tuple[str, ...] = (
    "stockout_risk",
    "below_safety_stock",
    "overstock",
    "late_po",
    "promo_uncovered",
    "forecast_bias",
    "inventory_anomaly",
)
SHORTAGE_TYPES: frozenset[str] = frozenset(
    {"stockout_risk", "below_safety_stock", "promo_uncovered"}
)

EVIDENCE_COLUMNS: tuple[str, ...] = (
    "on_hand",
    "in_transit",
    "on_order",
    "position",
    "d",
    "sigma",
    "ss",
    "rop",
    "s",
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
)
_EPS = 1e-9
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
    d: FloatArray
    sigma: FloatArray
    ss: FloatArray
    rop: FloatArray
    s: FloatArray
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


def _part(kind: str, rows: IntArray, cols: dict[str, Any], detail: list[str]) -> Part:
    """Return the rows of one exception type; shared columns are gathered later."""
    return {"type": kind, "row": rows.astype(np.int64), "detail": detail, **cols}


_GATHERED: tuple[str, ...] = (
    "sku",
    "location",
    "on_hand",
    "in_transit",
    "on_order",
    "d",
    "sigma",
    "ss",
    "rop",
    "s",
    "unit_cost",
    "unit_price",
)


def _assemble(p: PositionArrays, pos: FloatArray, parts: list[Part]) -> pd.DataFrame:
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
        "position": pos[rows],
        "lead_time": p.lead_time[rows].astype(np.int64),
        "po_id": column("po_id", "").astype(object)[order],
        "supplier_id": column("supplier_id", "").astype(object)[order],
    }
    data: dict[str, NDArray[Any]] = {}
    for c in COLUMNS:
        if c in own:
            data[c] = own[c]
        elif c in _GATHERED:
            data[c] = getattr(p, c)[rows]
        else:
            data[c] = column(c, np.nan)[order]
    return pd.DataFrame(data, columns=list(COLUMNS))


@dataclass(frozen=True)
class _Scan:
    """Per-row reductions of the projection that the rules need."""

    first: IntArray  # first day with unmet demand (0: none)
    unmet_win: FloatArray  # unmet units over days 1..min(L + R, H); see `_scan`
    min_oh: FloatArray  # lowest end-of-day on hand over days 1..min(L, H)
    first_below: IntArray  # first day within 1..min(L, H) below safety stock (0: none)
    first_is_promo: NDArray[np.bool_]  # the first unmet day is a promotion day
    promo_rows: IntArray  # rows short on some promotion day
    promo_first: IntArray  # their first such day
    promo_units: FloatArray  # their unmet units over promotion days


SCAN_ROWS = 4_096


def _scan(
    p: PositionArrays,
    lt_h: IntArray,
    win_h: IntArray,
    need_win: NDArray[np.bool_],
    projection: Projection | None,
) -> _Scan:
    """Reduce the projection block by block, projecting each block here unless one is given.

    Without a projection the (n, H) on hand and unmet arrays are never materialised: each block
    is projected and reduced while it is still in cache, two blocks at a time. `unmet_win` is
    summed only for rows that run short by day L + R and for `need_win` rows (0 elsewhere).
    """
    n, h = p.n, p.horizon
    first = np.zeros(n, dtype=np.int64)
    unmet_win = np.zeros(n)
    min_oh = np.full(n, np.inf)
    first_below = np.zeros(n, dtype=np.int64)
    first_is_promo = np.zeros(n, dtype=bool)
    start = np.maximum(p.on_hand, 0.0)
    ss_lim = p.ss - _EPS
    upto = np.arange(h) < np.arange(h + 1)[:, None]  # upto[k]: the first k days

    def block(bounds: tuple[int, int]) -> tuple[IntArray, IntArray, FloatArray]:
        lo, hi = bounds
        if projection is None:
            oh, u = project_block(start[lo:hi], p.receipts[lo:hi], p.demand[lo:hi])
            f = first_unmet_day(u)
        else:
            oh, u = projection.on_hand[lo:hi], projection.unmet[lo:hi]
            f = projection.first_unmet_day[lo:hi]
        first[lo:hi] = f
        c = np.flatnonzero(((f > 0) & (f <= win_h[lo:hi])) | need_win[lo:hi])
        unmet_win[lo + c] = np.where(upto[win_h[lo + c]], u[c], 0.0).sum(axis=1)
        in_lt = upto[lt_h[lo:hi]]
        mo = np.minimum.reduce(oh, axis=1, where=in_lt, initial=np.inf)
        min_oh[lo:hi] = mo
        # Only rows whose minimum is not above SS can dip below it (NaN stays a candidate).
        c = np.flatnonzero(~(mo >= ss_lim[lo:hi]))
        below = in_lt[c] & (oh[c] < ss_lim[lo + c, None])
        first_below[lo + c] = np.where(below.any(axis=1), below.argmax(axis=1) + 1, 0)
        pm = p.promo_mask[lo:hi]
        cand = np.flatnonzero(pm.any(axis=1) & (f > 0))
        short_promo = (u[cand] > _EPS) & pm[cand]
        has = short_promo.any(axis=1)
        pr, short_promo = cand[has], short_promo[has]
        first_is_promo[lo + pr] = pm[pr, f[pr] - 1]
        units = (u[pr] * short_promo).sum(axis=1)
        return lo + pr, short_promo.argmax(axis=1) + 1, units

    found = map_blocks(block, n, SCAN_ROWS) if h else []
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


def detect_exceptions(
    p: PositionArrays, params: PlanParams = DEFAULT_PARAMS, projection: Projection | None = None
) -> pd.DataFrame:
    """Return every exception of the network, ranked by money at risk (largest first)."""
    h = p.horizon
    lt = np.clip(p.lead_time.astype(np.int64), 1, None)
    window = lt + int(params.review_period_days)  # L + R
    lt_h, win_h = np.minimum(lt, h), np.minimum(window, h)
    margin = np.maximum(p.unit_price - p.unit_cost, 0.0)
    pos = p.position
    inbound = p.in_transit + p.on_order
    need_win = np.zeros(p.n, dtype=bool)
    need_win[p.late_pos.row] = True
    sc = _scan(p, lt_h, win_h, need_win, projection)
    first, first_is_promo = sc.first, sc.first_is_promo
    parts: list[Part] = []

    # promo_uncovered: unmet demand on a promotion day anywhere in the horizon.
    pr, pr_first, pr_units = sc.promo_rows, sc.promo_first, sc.promo_units
    if len(pr):
        detail = [
            f"Promotion demand short by {u:.0f} units, first on {ds} (day {k}); "
            f"on hand {oh:.0f}, inbound {ib:.0f}, forecast {dd:.1f}/day."
            for ds, u, k, oh, ib, dd in _lists(
                _fmt_days(p.as_of, pr_first),
                pr_units,
                pr_first,
                p.on_hand[pr],
                inbound[pr],
                p.d[pr],
            )
        ]
        parts.append(
            _part(
                "promo_uncovered",
                pr,
                {
                    "priority": _priority(pr_first, lt[pr], window[pr]),
                    "money_at_risk": np.round(pr_units * margin[pr], 2),
                    "first_risk_date": _dates(p.as_of, pr_first),
                    "first_risk_day": pr_first,
                    "unmet_units": pr_units,
                },
                detail,
            )
        )

    # stockout_risk: the projection runs out within the lead time, or by day L + R while the
    # position is below the reorder point (above it, the next regular order still protects).
    runs_out = (first > 0) & ((first <= lt_h) | ((first <= win_h) & (pos < p.rop - _EPS)))
    so = np.flatnonzero(runs_out & ~first_is_promo)
    if len(so):
        units, so_first = sc.unmet_win[so], first[so]
        detail = [
            f"Runs out {ds} (day {k}): {u:.0f} units unmet by day {w} "
            f"(on hand {oh:.0f}, inbound {ib:.0f}, forecast {dd:.1f}/day, ROP {r:.0f})."
            for ds, k, u, w, oh, ib, dd, r in _lists(
                _fmt_days(p.as_of, so_first),
                so_first,
                units,
                win_h[so],
                p.on_hand[so],
                inbound[so],
                p.d[so],
                p.rop[so],
            )
        ]
        parts.append(
            _part(
                "stockout_risk",
                so,
                {
                    "priority": _priority(so_first, lt[so], window[so]),
                    "money_at_risk": np.round(units * margin[so], 2),
                    "first_risk_date": _dates(p.as_of, so_first),
                    "first_risk_day": so_first,
                    "unmet_units": units,
                },
                detail,
            )
        )

    # below_safety_stock: no stockout by L + R, but on hand dips below SS within 1..L.
    bs = np.flatnonzero(~runs_out & ~first_is_promo & (sc.first_below > 0))
    if len(bs):
        min_oh, bs_first = sc.min_oh[bs], sc.first_below[bs]
        sig_lt = lead_time_sigma(p.d[bs], p.sigma[bs], lt[bs], p.lead_time_std[bs])
        with np.errstate(divide="ignore", invalid="ignore"):
            short = np.where(
                sig_lt > 0, sig_lt * normal_loss(min_oh / sig_lt), np.maximum(-min_oh, 0)
            )
        detail = [
            f"Projected on hand falls to {mo:.0f} on {ds}, below safety stock {ss:.0f} within "
            f"the {k}-day lead time (on hand {oh:.0f}, inbound {ib:.0f}, forecast {dd:.1f}/day); "
            f"expected short {u:.1f} units."
            for mo, ds, ss, k, oh, ib, dd, u in _lists(
                min_oh,
                _fmt_days(p.as_of, bs_first),
                p.ss[bs],
                lt[bs],
                p.on_hand[bs],
                inbound[bs],
                p.d[bs],
                short,
            )
        ]
        parts.append(
            _part(
                "below_safety_stock",
                bs,
                {
                    "priority": _priority(bs_first, lt[bs], window[bs]),
                    "money_at_risk": np.round(short * margin[bs], 2),
                    "first_risk_date": _dates(p.as_of, bs_first),
                    "first_risk_day": bs_first,
                    "unmet_units": short,
                },
                detail,
            )
        )

    # overstock: position above S and more than overstock_days of cover.
    oc = np.flatnonzero(pos - p.s > _EPS)
    cover = days_of_cover(pos[oc], p.demand[oc], extrapolate=True)
    ov = oc[cover > params.overstock_days]
    cover = cover[cover > params.overstock_days]
    if len(ov):
        excess = pos[ov] - p.s[ov]
        zeros = np.zeros(len(ov), dtype=np.int64)
        limit = params.overstock_days
        detail = [
            f"Position {x:.0f} vs order-up-to {s:.0f}: {e:.0f} excess units, "
            f"{'no forecast demand' if isinf(c) else f'{c:.0f} days of cover'} (limit {limit})."
            for x, s, e, c in _lists(pos[ov], p.s[ov], excess, cover)
        ]
        parts.append(
            _part(
                "overstock",
                ov,
                {
                    "priority": np.full(len(ov), 3, dtype=np.int64),
                    "money_at_risk": np.round(excess * p.unit_cost[ov], 2),
                    "first_risk_date": _dates(p.as_of, zeros),
                    "first_risk_day": zeros,
                    "excess_units": excess,
                    "days_of_cover": cover,
                },
                detail,
            )
        )

    parts.append(_late_po(p, sc.unmet_win, lt, window, margin))
    parts.append(_forecast_bias(p, params, win_h, margin))
    parts.append(_inventory_anomaly(p, params, win_h, margin))
    return _assemble(p, pos, parts)


def _late_po(
    p: PositionArrays, unmet_win: FloatArray, lt: IntArray, window: IntArray, margin: FloatArray
) -> Part:
    """Return the late_po rows: money is the extra lost margin if the PO never arrives."""
    lp = p.late_pos
    rows = lp.row
    if not len(rows):
        return _part("late_po", rows, {}, [])
    h = p.horizon
    win_h = np.minimum(window[rows], h)
    receipts = p.receipts[rows].copy()
    k = np.arange(len(rows))
    inside = (lp.arrival_day >= 1) & (lp.arrival_day <= h)
    receipts[k[inside], lp.arrival_day[inside] - 1] -= lp.qty[inside]
    without = project_on_hand(p.on_hand[rows], np.maximum(receipts, 0.0), p.demand[rows])
    unmet_with = unmet_win[rows]
    unmet_without = window_sum(without.unmet, win_h)
    lost = np.maximum(unmet_without - unmet_with, 0.0)
    f = without.first_unmet_day
    short = (f > 0) & (f <= win_h)
    due = lp.expected_date.astype("datetime64[D]") - np.datetime64(p.as_of, "D")
    first_day = np.where(short, f, due.astype(np.int64)).astype(np.int64)
    detail = [
        f"PO {po} ({q:.0f} units from {sup}) was due {exp}, assumed to arrive on day {a}; "
        f"without it {uw:.0f} units go unmet by day {w}, with it {u:.0f}."
        for po, q, sup, exp, a, uw, w, u in _lists(
            lp.po_id,
            lp.qty,
            lp.supplier_id,
            _fmt_dates(lp.expected_date),
            lp.arrival_day,
            unmet_without,
            win_h,
            unmet_with,
        )
    ]
    return _part(
        "late_po",
        rows,
        {
            "priority": np.where(short, _priority(f, lt[rows], window[rows]), 3),
            "money_at_risk": np.round(lost * margin[rows], 2),
            "first_risk_date": _dates(p.as_of, first_day),
            "first_risk_day": first_day,
            "unmet_units": lost,
            "po_id": lp.po_id.astype(object),
            "supplier_id": lp.supplier_id.astype(object),
            "po_qty": lp.qty,
        },
        detail,
    )


def _forecast_bias(
    p: PositionArrays, params: PlanParams, win_h: IntArray, margin: FloatArray
) -> Part:
    """Return the forecast_bias rows: a large bias that forecast noise does not explain."""
    f, a = p.bias_forecast, p.bias_actual
    ok = np.isfinite(f) & np.isfinite(a) & (a >= params.bias_min_units) & (a > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        bias = np.where(ok, (f - a) / np.where(a > 0, a, 1.0), 0.0)
    # The sum of W one-day errors has std sigma·sqrt(W): a miss within k of those is noise.
    noise = params.bias_sigma_k * np.nan_to_num(p.bias_sigma) * np.sqrt(params.bias_window_days)
    significant = np.abs(f - a) > noise
    rows = np.flatnonzero(ok & significant & (np.abs(bias) > params.bias_threshold))
    if not len(rows):
        return _part("forecast_bias", rows, {}, [])
    b = bias[rows]
    units = window_sum(p.demand[rows], win_h[rows])
    rate = np.where(b < 0, margin[rows], p.unit_cost[rows])
    one = np.ones(len(rows), dtype=np.int64)
    w = params.bias_window_days
    detail = [
        f"{'Under' if bb < 0 else 'Over'}-forecast: the forecast made {w} days ago said "
        f"{ff:.0f} units, actual sales were {aa:.0f} (bias {bb:+.0%})."
        for ff, aa, bb in _lists(f[rows], a[rows], b)
    ]
    return _part(
        "forecast_bias",
        rows,
        {
            "priority": np.full(len(rows), 3, dtype=np.int64),
            "money_at_risk": np.round(np.abs(b) * units * rate, 2),
            "first_risk_date": _dates(p.as_of, one),
            "first_risk_day": one,
            "bias": b,
        },
        detail,
    )


def _inventory_anomaly(
    p: PositionArrays, params: PlanParams, win_h: IntArray, margin: FloatArray
) -> Part:
    """Return the inventory_anomaly rows: negative on hand, or phantom stock."""
    neg = p.on_hand < 0
    k = p.zero_run_days.astype(float)
    p_zero = np.exp(-p.hist_rate * k)
    phantom = (
        ~neg
        & (p.on_hand > 0)
        & (p.zero_run_days >= params.phantom_min_days)
        & (p.hist_rate > 0)
        & (p_zero < params.phantom_probability)
    )
    rows = np.flatnonzero(neg | phantom)
    if not len(rows):
        return _part("inventory_anomaly", rows, {}, [])
    is_neg = neg[rows]
    lost_units = p.hist_rate[rows] * win_h[rows]
    money = np.where(is_neg, -p.on_hand[rows] * p.unit_cost[rows], lost_units * margin[rows])
    detail = [
        f"On hand is negative ({oh:.0f}): the stock record is wrong; count it."
        if ng
        else f"On hand {oh:.0f} but no sale in {kk} days, where {r:.1f}/day makes that chance "
        f"{pz:.1e}: possible phantom stock; count it."
        for ng, oh, kk, r, pz in _lists(
            is_neg, p.on_hand[rows], p.zero_run_days[rows], p.hist_rate[rows], p_zero[rows]
        )
    ]
    one = np.ones(len(rows), dtype=np.int64)
    return _part(
        "inventory_anomaly",
        rows,
        {
            "priority": np.full(len(rows), 2, dtype=np.int64),
            "money_at_risk": np.round(money, 2),
            "first_risk_date": _dates(p.as_of, one),
            "first_risk_day": one,
            "unmet_units": np.where(is_neg, np.nan, lost_units),
        },
        detail,
    )
