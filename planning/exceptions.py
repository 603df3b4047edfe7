"""Detect planning exceptions over the whole network at once (see `docs/planning.md`).

`detect_exceptions` takes one aligned set of per-SKU-location arrays (`PositionArrays`) and returns
one DataFrame row per exception, ranked by money at risk. All rules are vectorised over
SKU-locations; text is built only for the flagged rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from planning.params import PlanParams
from planning.policy import (
    FloatArray,
    IntArray,
    Projection,
    chunks,
    days_of_cover,
    lead_time_sigma,
    normal_loss,
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
    return list(np.datetime_as_string(values, unit="D"))


def _priority(first_day: IntArray, lead_time: IntArray, window: IntArray) -> IntArray:
    return np.where(first_day <= lead_time, 1, np.where(first_day <= window, 2, 3)).astype(np.int64)


def _frame(
    kind: str, p: PositionArrays, rows: IntArray, cols: dict[str, object], detail: list[str]
) -> pd.DataFrame:
    """Build the rows of one exception type; missing evidence is NaN."""
    m = len(rows)
    pos = p.position[rows]
    data: dict[str, object] = {
        "type": np.full(m, kind, dtype=object),
        "sku": p.sku[rows],
        "location": p.location[rows],
        "row": rows.astype(np.int64),
        "detail": np.asarray(detail, dtype=object) if m else _empty_str(),
        "on_hand": p.on_hand[rows],
        "in_transit": p.in_transit[rows],
        "on_order": p.on_order[rows],
        "position": pos,
        "d": p.d[rows],
        "sigma": p.sigma[rows],
        "ss": p.ss[rows],
        "rop": p.rop[rows],
        "s": p.s[rows],
        "lead_time": p.lead_time[rows].astype(np.int64),
        "unit_cost": p.unit_cost[rows],
        "unit_price": p.unit_price[rows],
        "po_id": _empty_str(m),
        "supplier_id": _empty_str(m),
    }
    data.update(cols)
    df = pd.DataFrame(data)
    for c in COLUMNS:
        if c not in df:
            df[c] = np.nan
    return df[list(COLUMNS)]


def detect_exceptions(
    p: PositionArrays, params: PlanParams = DEFAULT_PARAMS, projection: Projection | None = None
) -> pd.DataFrame:
    """Return every exception of the network, ranked by money at risk (largest first)."""
    h = p.horizon
    proj = projection or project_on_hand(p.on_hand, p.receipts, p.demand)
    lt = np.clip(p.lead_time.astype(np.int64), 1, None)
    window = lt + int(params.review_period_days)  # L + R
    lt_h, win_h = np.minimum(lt, h), np.minimum(window, h)
    margin = np.maximum(p.unit_price - p.unit_cost, 0.0)
    pos = p.position
    first = proj.first_unmet_day
    unmet_win = window_sum(proj.unmet, win_h)
    frames: list[pd.DataFrame] = []

    # promo_uncovered: unmet demand on a promotion day anywhere in the horizon.
    cand = np.flatnonzero(p.promo_mask.any(axis=1) & (first > 0))
    short_promo = (proj.unmet[cand] > _EPS) & p.promo_mask[cand]
    has = short_promo.any(axis=1)
    pr = cand[has]
    pr_first = short_promo[has].argmax(axis=1) + 1
    pr_units = (proj.unmet[pr] * short_promo[has]).sum(axis=1)
    first_is_promo = np.zeros(p.n, dtype=bool)
    first_is_promo[pr] = p.promo_mask[pr, first[pr] - 1]
    if len(pr):
        money = np.round(pr_units * margin[pr], 2)
        dates = _dates(p.as_of, pr_first)
        ds = _fmt_dates(dates)
        detail = [
            f"Promotion demand short by {u:.0f} units, first on {ds[i]} (day {k}); "
            f"on hand {oh:.0f}, inbound {ib:.0f}, forecast {dd:.1f}/day."
            for i, (u, k, oh, ib, dd) in enumerate(
                zip(
                    pr_units,
                    pr_first,
                    p.on_hand[pr],
                    p.in_transit[pr] + p.on_order[pr],
                    p.d[pr],
                    strict=True,
                )
            )
        ]
        frames.append(
            _frame(
                "promo_uncovered",
                p,
                pr,
                {
                    "priority": _priority(pr_first, lt[pr], window[pr]),
                    "money_at_risk": money,
                    "first_risk_date": dates,
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
        units = unmet_win[so]
        dates = _dates(p.as_of, first[so])
        ds = _fmt_dates(dates)
        detail = [
            f"Runs out {ds[i]} (day {k}): {u:.0f} units unmet by day {w} "
            f"(on hand {oh:.0f}, inbound {ib:.0f}, forecast {dd:.1f}/day, ROP {r:.0f})."
            for i, (k, u, w, oh, ib, dd, r) in enumerate(
                zip(
                    first[so],
                    units,
                    win_h[so],
                    p.on_hand[so],
                    p.in_transit[so] + p.on_order[so],
                    p.d[so],
                    p.rop[so],
                    strict=True,
                )
            )
        ]
        frames.append(
            _frame(
                "stockout_risk",
                p,
                so,
                {
                    "priority": _priority(first[so], lt[so], window[so]),
                    "money_at_risk": np.round(units * margin[so], 2),
                    "first_risk_date": dates,
                    "first_risk_day": first[so],
                    "unmet_units": units,
                },
                detail,
            )
        )

    # below_safety_stock: no stockout by L + R, but on hand dips below SS within 1..L.
    min_oh = np.full(p.n, np.inf)
    first_below = np.zeros(p.n, dtype=np.int64)
    cols = np.arange(h)
    for lo, hi in chunks(p.n):
        in_lt = cols < lt_h[lo:hi, None]
        oh = proj.on_hand[lo:hi]
        min_oh[lo:hi] = np.where(in_lt, oh, np.inf).min(axis=1, initial=np.inf)
        below = in_lt & (oh < p.ss[lo:hi, None] - _EPS)
        first_below[lo:hi] = np.where(below.any(axis=1), below.argmax(axis=1) + 1, 0)
    bs = np.flatnonzero(~runs_out & ~first_is_promo & (first_below > 0))
    if len(bs):
        sig_lt = lead_time_sigma(p.d[bs], p.sigma[bs], lt[bs], p.lead_time_std[bs])
        with np.errstate(divide="ignore", invalid="ignore"):
            short = np.where(
                sig_lt > 0, sig_lt * normal_loss(min_oh[bs] / sig_lt), np.maximum(-min_oh[bs], 0)
            )
        dates = _dates(p.as_of, first_below[bs])
        ds = _fmt_dates(dates)
        detail = [
            f"Projected on hand falls to {mo:.0f} on {ds[i]}, below safety stock {ss:.0f} within "
            f"the {k}-day lead time (on hand {oh:.0f}, inbound {ib:.0f}, forecast {dd:.1f}/day); "
            f"expected short {u:.1f} units."
            for i, (mo, ss, k, oh, ib, dd, u) in enumerate(
                zip(
                    min_oh[bs],
                    p.ss[bs],
                    lt[bs],
                    p.on_hand[bs],
                    p.in_transit[bs] + p.on_order[bs],
                    p.d[bs],
                    short,
                    strict=True,
                )
            )
        ]
        frames.append(
            _frame(
                "below_safety_stock",
                p,
                bs,
                {
                    "priority": _priority(first_below[bs], lt[bs], window[bs]),
                    "money_at_risk": np.round(short * margin[bs], 2),
                    "first_risk_date": dates,
                    "first_risk_day": first_below[bs],
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
        detail = [
            f"Position {x:.0f} vs order-up-to {s:.0f}: {e:.0f} excess units, "
            + ("no forecast demand" if np.isinf(c) else f"{c:.0f} days of cover")
            + f" (limit {params.overstock_days})."
            for x, s, e, c in zip(pos[ov], p.s[ov], excess, cover, strict=True)
        ]
        frames.append(
            _frame(
                "overstock",
                p,
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

    frames.append(_late_po(p, proj, lt, window, margin))
    frames.append(_forecast_bias(p, params, win_h, margin))
    frames.append(_inventory_anomaly(p, params, win_h, margin))

    out = pd.concat([f for f in frames if len(f)] or [_frame("", p, np.zeros(0, int), {}, [])])
    out["priority"] = out["priority"].astype(np.int64)
    out["first_risk_day"] = out["first_risk_day"].astype(np.int64)
    code = pd.Categorical(out["type"], categories=EXCEPTION_TYPES).codes
    order = np.lexsort(
        (out["row"].to_numpy(), code, out["priority"].to_numpy(), -out["money_at_risk"].to_numpy())
    )
    return out.iloc[order].reset_index(drop=True)


def _late_po(
    p: PositionArrays, proj: Projection, lt: IntArray, window: IntArray, margin: FloatArray
) -> pd.DataFrame:
    """Return the late_po rows: money is the extra lost margin if the PO never arrives."""
    lp = p.late_pos
    rows = lp.row
    if not len(rows):
        return _frame("late_po", p, rows, {}, [])
    h = p.horizon
    win_h = np.minimum(window[rows], h)
    receipts = p.receipts[rows].copy()
    k = np.arange(len(rows))
    inside = (lp.arrival_day >= 1) & (lp.arrival_day <= h)
    receipts[k[inside], lp.arrival_day[inside] - 1] -= lp.qty[inside]
    without = project_on_hand(p.on_hand[rows], np.maximum(receipts, 0.0), p.demand[rows])
    unmet_with = window_sum(proj.unmet[rows], win_h)
    unmet_without = window_sum(without.unmet, win_h)
    lost = np.maximum(unmet_without - unmet_with, 0.0)
    f = without.first_unmet_day
    short = (f > 0) & (f <= win_h)
    due = lp.expected_date.astype("datetime64[D]") - np.datetime64(p.as_of, "D")
    first_day = np.where(short, f, due.astype(np.int64)).astype(np.int64)
    dates = _dates(p.as_of, first_day)
    exp_s = _fmt_dates(lp.expected_date)
    detail = [
        f"PO {po} ({q:.0f} units from {sup}) was due {exp_s[i]}, assumed to arrive on day {a}; "
        f"without it {uw:.0f} units go unmet by day {w}, with it {u:.0f}."
        for i, (po, q, sup, a, uw, w, u) in enumerate(
            zip(
                lp.po_id,
                lp.qty,
                lp.supplier_id,
                lp.arrival_day,
                unmet_without,
                win_h,
                unmet_with,
                strict=True,
            )
        )
    ]
    return _frame(
        "late_po",
        p,
        rows,
        {
            "priority": np.where(short, _priority(f, lt[rows], window[rows]), 3),
            "money_at_risk": np.round(lost * margin[rows], 2),
            "first_risk_date": dates,
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
) -> pd.DataFrame:
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
        return _frame("forecast_bias", p, rows, {}, [])
    b = bias[rows]
    units = window_sum(p.demand[rows], win_h[rows])
    rate = np.where(b < 0, margin[rows], p.unit_cost[rows])
    one = np.ones(len(rows), dtype=np.int64)
    w = params.bias_window_days
    detail = [
        f"{'Under' if bb < 0 else 'Over'}-forecast: the forecast made {w} days ago said "
        f"{ff:.0f} units, actual sales were {aa:.0f} (bias {bb:+.0%})."
        for ff, aa, bb in zip(f[rows], a[rows], b, strict=True)
    ]
    return _frame(
        "forecast_bias",
        p,
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
) -> pd.DataFrame:
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
        return _frame("inventory_anomaly", p, rows, {}, [])
    is_neg = neg[rows]
    lost_units = p.hist_rate[rows] * win_h[rows]
    money = np.where(is_neg, -p.on_hand[rows] * p.unit_cost[rows], lost_units * margin[rows])
    detail = [
        f"On hand is negative ({oh:.0f}): the stock record is wrong; count it."
        if ng
        else f"On hand {oh:.0f} but no sale in {kk} days, where {r:.1f}/day makes that chance "
        f"{pz:.1e}: possible phantom stock; count it."
        for ng, oh, kk, r, pz in zip(
            is_neg,
            p.on_hand[rows],
            p.zero_run_days[rows],
            p.hist_rate[rows],
            p_zero[rows],
            strict=True,
        )
    ]
    one = np.ones(len(rows), dtype=np.int64)
    return _frame(
        "inventory_anomaly",
        p,
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
