"""Run the whole plan: network snapshot in, positions, projections and ranked exceptions out.

`plan()` forecasts every store (and direct-sourced) series in one batch, rolls store forecasts up
to their DCs, classifies SKUs A / B / C by 12-month sales value, computes the policy per
SKU-location (at its class's service level when the parameters give levels by class), projects
on hand, detects exceptions and attaches a recommendation to each (rules in `docs/planning.md`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd

from planning.abc import class_service_level, classify_abc, sales_value
from planning.exceptions import EVIDENCE_COLUMNS, LatePOs, PositionArrays, detect_exceptions
from planning.forecast import forecast_batch, sales_matrix
from planning.network import NetworkData
from planning.params import PlanParams
from planning.policy import (
    days_of_cover,
    mean_first_days,
    order_up_to,
    project_on_hand,
    reorder_point,
    safety_stock,
    z_value,
    z_values,
)
from planning.promotions import future_uplift, learn_uplift, promo_calendar
from planning.recommend import recommend, supplier_options

DEFAULT_PARAMS = PlanParams()
KEY = ["sku", "location_id"]
POLICY_COLUMNS = ("abc_class", "service_level")  # the class and level behind SS, ROP and S
CHUNK_ROWS = 1 << 20  # sales rows looked up at a time


@dataclass(frozen=True)
class Plan:
    """The result of one planning run; arrays are aligned with the rows of `positions`."""

    as_of: date
    params: PlanParams
    dates: list[date]
    positions: pd.DataFrame
    demand: np.ndarray  # (n, H) forecast units per day
    projected: np.ndarray  # (n, H) projected end-of-day on hand
    unmet: np.ndarray  # (n, H) projected unmet demand
    exceptions: pd.DataFrame  # ranked, with the rec_* columns of the recommendation
    receipts: np.ndarray  # (n, H) scheduled receipts per day (open POs and transfers)
    promo_mask: np.ndarray  # (n, H) promotion days
    supply: pd.DataFrame  # open supply lines: row, kind, doc_id, supplier_id, arrival_day, qty
    timings: dict[str, float] = field(default_factory=dict)

    def row_of(self, sku: str, location: str) -> int | None:
        """Return the positions row of a SKU-location, or None when it is not planned."""
        return self._rows.get((sku, location))

    @cached_property
    def _rows(self) -> dict[tuple[str, str], int]:
        """Map each (sku, location) to its positions row; built on first lookup."""
        skus, locations = self.positions["sku"].tolist(), self.positions["location_id"].tolist()
        keys = zip(skus, locations, strict=True)
        rows: dict[tuple[str, str], int] = {}
        for i, key in enumerate(keys):
            rows.setdefault(key, i)
        return rows

    def __getstate__(self) -> dict[str, Any]:
        """Pickle the plan without its lookup index (rebuilt on demand)."""
        state = dict(self.__dict__)
        state.pop("_rows", None)
        return state

    def exception_records(
        self,
        top: int | None = None,
        type: str | None = None,
        location: str | None = None,
        sku: str | None = None,
    ) -> list[dict[str, Any]]:
        """Return the ranked exceptions as JSON-ready dicts, optionally filtered and cut."""
        exc = self.exceptions
        if type is not None:
            exc = exc[exc["type"] == type]
        if location is not None:
            exc = exc[exc["location"] == location]
        if sku is not None:
            exc = exc[exc["sku"] == sku]
        if top is not None:
            exc = exc.head(max(top, 0))
        return [_exception_record(r) for r in exc.to_dict("records")]

    def supply_lines(self, row: int) -> list[dict[str, Any]]:
        """Return the open supply feeding one positions row, JSON-ready, soonest first as stored.

        `assumed_arrival` is when the plan counts it in (a late PO: later than expected);
        `arrival_day` is the same as a day index into `dates`.
        """
        lines = self.supply[self.supply["row"] == row]
        return [
            {
                "kind": line.kind,
                "document_id": line.doc_id,
                "supplier_id": line.supplier_id or None,
                "from_location": line.from_location or None,
                "qty": float(line.qty),
                "expected_date": pd.Timestamp(line.expected_date).date().isoformat(),
                "assumed_arrival": (self.as_of + timedelta(days=int(line.arrival_day))).isoformat(),
                "arrival_day": int(line.arrival_day),
            }
            for line in lines.itertuples()
        ]

    def position_records(
        self, sku: str | None = None, location: str | None = None
    ) -> list[dict[str, Any]]:
        """Return the positions (one per SKU-location) as JSON-ready dicts."""
        pos = self.positions
        if sku is not None:
            pos = pos[pos["sku"] == sku]
        if location is not None:
            pos = pos[pos["location_id"] == location]
        return [{k: _json(v) for k, v in r.items()} for r in pos.to_dict("records")]


def _json(v: Any) -> Any:
    """Return `v` as a plain JSON value (NaN/NaT -> None, dates -> ISO strings)."""
    if v is None or v is pd.NaT:
        return None
    if isinstance(v, pd.Timestamp):
        return v.date().isoformat()
    if isinstance(v, date):
        return v.isoformat()
    if isinstance(v, np.generic):
        v = v.item()
    if isinstance(v, float):
        return None if not math.isfinite(v) else round(v, 4)
    return v


def _id(v: Any) -> Any:
    """Return None for an empty identifier, so absent fields are JSON null."""
    return None if v == "" else v


def exception_id(kind: str, sku: str, location: str, po_id: str = "") -> str:
    """Return the stable id of an exception (a late PO adds its PO id)."""
    base = f"{kind}:{sku}@{location}"
    return f"{base}:{po_id}" if kind == "late_po" and po_id else base


def _exception_record(r: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": exception_id(r["type"], r["sku"], r["location"], r.get("po_id") or ""),
        "type": r["type"],
        "sku": r["sku"],
        "location": r["location"],
        "priority": int(r["priority"]),
        "money_at_risk": round(float(r["money_at_risk"]), 2),
        "first_risk_date": _json(r["first_risk_date"]),
        "detail": r["detail"],
        "recommendation": {
            "kind": r["rec_kind"],
            "qty": int(r["rec_qty"]),
            "from_location": _id(r["rec_from_location"]),
            "to_location": _id(r["rec_to_location"]),
            "supplier_id": _id(r["rec_supplier_id"]),
            "po_id": _id(r["rec_po_id"]),
            "unit_cost": _json(r["rec_unit_cost"]),
            "value": _json(r["rec_value"]),
            "lead_time_days": _json(r["rec_lead_time"]),
            "rationale": r["rec_rationale"],
        },
        "evidence": {
            k: _id(_json(r[k]))
            for k in (*EVIDENCE_COLUMNS, "unit_cost", "unit_price", "po_id", *POLICY_COLUMNS)
        },
    }


def _keys(data: NetworkData, sales: pd.DataFrame, as_of: date, first_day: date) -> pd.DataFrame:
    """Return the planned SKU-locations: inventory, recent sales, open supply, DCs feeding them.

    `sales` is `data.sales` as returned by `_coded_sales`.
    """
    po = data.purchase_orders[data.purchase_orders["status"] == "open"]
    tr = data.transfers[data.transfers["status"] == "in_transit"]
    parts = [
        data.inventory[KEY],
        _sold_keys(sales, as_of, first_day),
        po[KEY],
        tr[["sku", "to_location"]].rename(columns={"to_location": "location_id"}),
    ]
    keys = pd.concat(parts, ignore_index=True).drop_duplicates()
    locs = data.locations.set_index("location_id")
    keys = keys[keys["location_id"].isin(locs.index) & keys["sku"].isin(data.items["sku"])]
    # A DC carries every SKU its stores carry (its demand is theirs).
    src = keys["location_id"].map(locs["source_location"]).fillna("")
    dc = pd.DataFrame({"sku": keys["sku"], "location_id": src})
    dc = dc[dc["location_id"].isin(locs.index)]
    keys = pd.concat([keys, dc], ignore_index=True).drop_duplicates()
    return keys.sort_values(KEY, kind="stable").reset_index(drop=True)


def _coded_sales(data: NetworkData) -> pd.DataFrame:
    """Return the sales with sku and location_id as categoricals of the known items and locations.

    Unknown SKUs or locations become missing. Strings are hashed once here; later lookups work on
    the integer codes.
    """
    sales = data.sales
    skus = pd.Index(pd.unique(data.items["sku"].dropna()))
    locs = pd.Index(pd.unique(data.locations["location_id"].dropna()))
    return sales.assign(
        sku=_categorical(sales["sku"], skus), location_id=_categorical(sales["location_id"], locs)
    )


def _categorical(values: pd.Series, categories: pd.Index) -> pd.Categorical:
    """Return `values` coded by `categories` (missing where absent), looked up chunk by chunk."""
    codes = np.empty(len(values), dtype=np.int32)
    array = values.array
    for lo in range(0, len(values), CHUNK_ROWS):
        codes[lo : lo + CHUNK_ROWS] = categories.get_indexer(array[lo : lo + CHUNK_ROWS])
    return pd.Categorical.from_codes(codes, categories=categories)


def _sold_keys(sales: pd.DataFrame, as_of: date, first_day: date) -> pd.DataFrame:
    """Return the distinct known (sku, location_id) pairs of coded `sales` in the date range."""
    window = (
        (sales["date"] >= pd.Timestamp(first_day)) & (sales["date"] <= pd.Timestamp(as_of))
    ).to_numpy(bool)
    skus, locs = sales["sku"].cat.categories, sales["location_id"].cat.categories
    sku = sales["sku"].cat.codes.to_numpy()
    loc = sales["location_id"].cat.codes.to_numpy()
    if not window.all():
        sku, loc = sku[window], loc[window]
    if (len(skus) + 1) * (len(locs) + 1) <= 4 * len(sku) + 1_000_000:
        seen = np.zeros((len(skus) + 1, len(locs) + 1), dtype=bool)  # last: code -1 (missing)
        seen[sku, loc] = True
        sku_code, loc_code = np.nonzero(seen[:-1, :-1])
    else:
        ok = (sku >= 0) & (loc >= 0)
        code = np.unique(sku[ok].astype(np.int64) * len(locs) + loc[ok])
        sku_code, loc_code = code // len(locs), code % len(locs)
    return pd.DataFrame({"sku": skus[sku_code], "location_id": locs[loc_code]})


def _lead_times(
    keys: pd.DataFrame, data: NetworkData, opts: pd.DataFrame
) -> tuple[np.ndarray, np.ndarray]:
    """Return the replenishment lead time (at least 1 day) and its std per key."""
    locs = data.locations.set_index("location_id")
    ltype = keys["location_id"].map(locs["type"]).to_numpy()
    source = keys["location_id"].map(locs["source_location"]).fillna("").to_numpy()
    lanes = data.lanes.set_index(["from_location", "to_location"])["lead_time_days"]
    lane_lt = pd.Series(list(zip(source, keys["location_id"], strict=True))).map(lanes).to_numpy()
    prim = opts.sort_values(["sku", "primary", "supplier_id"], ascending=[True, False, True])
    prim = prim.drop_duplicates("sku").set_index("sku")
    sup_lt = keys["sku"].map(prim["lead_time"]).to_numpy(float)
    sup_std = keys["sku"].map(prim["lead_time_std"]).to_numpy(float)
    by_lane = (ltype != "dc") & (source != "") & np.isfinite(lane_lt.astype(float))
    lt = np.where(by_lane, lane_lt.astype(float), np.nan_to_num(sup_lt, nan=0.0))
    lt_std = np.where(by_lane, 0.0, np.nan_to_num(sup_std, nan=0.0))
    return np.maximum(np.round(lt), 1).astype(np.int64), lt_std


def _rows(keys: pd.DataFrame, sku: pd.Series, loc: pd.Series) -> np.ndarray:
    """Return the key row of each (sku, loc) pair, -1 where not planned."""
    idx = pd.MultiIndex.from_frame(keys[KEY])
    return np.asarray(idx.get_indexer(pd.MultiIndex.from_arrays([sku, loc])), dtype=np.int64)


def plan(
    data: NetworkData, *, params: PlanParams = DEFAULT_PARAMS, as_of: date | None = None
) -> Plan:
    """Plan the network as of `as_of` (default: the snapshot date)."""
    t_start = pd.Timestamp.now()
    timings: dict[str, float] = {}
    t = as_of or data.as_of
    h = int(params.horizon_days)
    hist_days, w = int(params.history_days), int(params.bias_window_days)
    long_start = t - timedelta(days=hist_days + w - 1)
    hist_start = t - timedelta(days=hist_days - 1)
    sales = _coded_sales(data)
    keys = _keys(data, sales, t, long_start)
    n = len(keys)
    locs = data.locations.set_index("location_id")
    ltype = keys["location_id"].map(locs["type"]).to_numpy(object)
    source = keys["location_id"].map(locs["source_location"]).fillna("").to_numpy(object)
    is_dc = ltype == "dc"
    st = np.flatnonzero(~is_dc)
    st_keys = keys.iloc[st].reset_index(drop=True)

    # Forecast the store series (history ends at T) and the bias check (history ends at T - w).
    long = sales_matrix(sales, st_keys, long_start, t)
    cal = promo_calendar(st_keys, data.promotions, long_start, hist_days + w + h)
    hist, hist_cal = long[:, w:], cal[:, w : w + hist_days]
    fut_cal = cal[:, w + hist_days :]
    learned = learn_uplift(hist, hist_cal, st_keys)
    fc = forecast_batch(
        hist, h, start=hist_start, uplift=future_uplift(fut_cal, learned), history_uplift=hist_cal
    )
    b_hist, b_cal = long[:, :hist_days], cal[:, :hist_days]
    b_learned = learn_uplift(b_hist, b_cal, st_keys)
    fc_b = forecast_batch(
        b_hist,
        w,
        start=long_start,
        uplift=future_uplift(cal[:, hist_days : hist_days + w], b_learned),
        history_uplift=b_cal,
    )
    timings["forecast_s"] = (pd.Timestamp.now() - t_start).total_seconds()

    demand = np.zeros((n, h))
    sigma = np.zeros(n)
    demand[st] = fc.mean
    sigma[st] = fc.sigma
    method = np.full(n, "dc_rollup", dtype=object)
    dclass = np.full(n, "", dtype=object)
    method[st] = fc.method
    dclass[st] = fc.demand_class
    # DC demand: the sum of its stores' forecasts; sigma: root of the summed squares.
    dc_row = _rows(keys, keys["sku"].iloc[st], pd.Series(source[st]))
    feeds = dc_row >= 0
    np.add.at(demand, dc_row[feeds], fc.mean[feeds])
    var = np.zeros(n)
    np.add.at(var, dc_row[feeds], fc.sigma[feeds] ** 2)
    sigma[is_dc] = np.sqrt(var[is_dc])
    promo_mask = np.zeros((n, h), dtype=bool)
    promo_mask[st] = fut_cal != 1.0

    # Policy: ABC class by network-wide sales value over the last abc_window_days; the service
    # level of the class when the parameters give levels by class, else one level for all.
    items = data.items.set_index("sku")
    window = min(int(params.abc_window_days), long.shape[1])
    st_units = long[:, long.shape[1] - window :].sum(axis=1)
    value = sales_value(
        st_keys["sku"], st_units, st_keys["sku"].map(items["unit_price"]).to_numpy(float)
    )
    value = value.reindex(pd.unique(keys["sku"]), fill_value=0.0)
    abc = keys["sku"].map(classify_abc(value, params.abc_cutoffs())).to_numpy(object)
    levels = params.class_service_levels()
    service = class_service_level(abc, levels, params.service_level)
    z = z_value(params.service_level) if levels is None else z_values(service)
    opts = supplier_options(data)
    lt, lt_std = _lead_times(keys, data, opts)
    d = mean_first_days(demand, lt)
    ss = safety_stock(d, sigma, lt + params.review_period_days, lt_std, z)
    rop = reorder_point(d, lt, ss)
    s = order_up_to(d, lt, params.review_period_days, ss)

    # Stock and supply.
    inv = data.inventory.groupby(KEY)["on_hand"].sum()
    on_hand = pd.MultiIndex.from_frame(keys[KEY]).map(inv).to_numpy(float)
    on_hand = np.nan_to_num(on_hand)
    receipts = np.zeros((n, h))
    po = data.purchase_orders[data.purchase_orders["status"] == "open"]
    po = po.assign(_row=_rows(keys, po["sku"], po["location_id"]))
    po = po[po["_row"] >= 0]
    po_day = (po["expected_date"] - pd.Timestamp(t)).dt.days.to_numpy(np.int64)
    std_by_sup = data.suppliers.set_index("supplier_id")["lead_time_std_days"]
    late_day = 1 + np.round(po["supplier_id"].map(std_by_sup).fillna(0.0).to_numpy(float))
    po_arrive = np.where(po_day <= 0, late_day, po_day).astype(np.int64)
    tr = data.transfers[data.transfers["status"] == "in_transit"]
    tr = tr.assign(_row=_rows(keys, tr["sku"], tr["to_location"]))
    tr = tr[tr["_row"] >= 0]
    tr_arrive = np.maximum((tr["expected_date"] - pd.Timestamp(t)).dt.days.to_numpy(np.int64), 1)
    for rows, day, qty in (
        (po["_row"].to_numpy(), po_arrive, po["qty"].to_numpy(float)),
        (tr["_row"].to_numpy(), tr_arrive, tr["qty"].to_numpy(float)),
    ):
        inside = day <= h
        np.add.at(receipts, (rows[inside], day[inside] - 1), qty[inside])
    on_order = np.bincount(po["_row"], weights=po["qty"].astype(float), minlength=n).astype(float)
    supply = pd.concat(
        [
            pd.DataFrame(
                {
                    "row": po["_row"].to_numpy(np.int64),
                    "kind": "purchase_order",
                    "doc_id": po["po_id"].to_numpy(object),
                    "supplier_id": po["supplier_id"].to_numpy(object),
                    "from_location": "",
                    "expected_date": po["expected_date"].to_numpy(),
                    "arrival_day": po_arrive,
                    "qty": po["qty"].to_numpy(float),
                }
            ),
            pd.DataFrame(
                {
                    "row": tr["_row"].to_numpy(np.int64),
                    "kind": "transfer",
                    "doc_id": tr["transfer_id"].to_numpy(object),
                    "supplier_id": "",
                    "from_location": tr["from_location"].to_numpy(object),
                    "expected_date": tr["expected_date"].to_numpy(),
                    "arrival_day": tr_arrive,
                    "qty": tr["qty"].to_numpy(float),
                }
            ),
        ],
        ignore_index=True,
    )
    in_transit = np.bincount(tr["_row"], weights=tr["qty"].astype(float), minlength=n).astype(float)
    late = po[po_day <= 0]
    late_pos = LatePOs(
        row=late["_row"].to_numpy(np.int64),
        po_id=late["po_id"].to_numpy(object),
        supplier_id=late["supplier_id"].to_numpy(object),
        qty=late["qty"].to_numpy(float),
        expected_date=late["expected_date"].to_numpy("datetime64[ns]"),
        arrival_day=po_arrive[po_day <= 0],
    )

    # Inputs of forecast_bias and phantom-stock detection (stores only).
    bias_f = np.full(n, np.nan)
    bias_a = np.full(n, np.nan)
    bias_s = np.zeros(n)
    bias_f[st] = fc_b.mean.sum(axis=1)
    # The error of a w-day sum also repeats the level's own estimation error every day: for a
    # smoothed level its variance is sigma²·w·(1 + w·alpha/(2 − alpha)).
    alpha_b = np.clip(np.nan_to_num(fc_b.alpha), 0.0, 1.0)
    bias_s[st] = fc_b.sigma * np.sqrt(1.0 + w * alpha_b / (2.0 - alpha_b))
    bias_a[st] = long[:, hist_days:].sum(axis=1)
    zero_run = np.zeros(n, dtype=np.int64)
    rate = np.zeros(n)
    if hist.shape[1]:
        sold = hist > 0
        any_sale = sold.any(axis=1)
        t_len = hist.shape[1]
        last = t_len - 1 - sold[:, ::-1].argmax(axis=1)
        first = sold.argmax(axis=1)
        zero_run[st] = np.where(any_sale, t_len - 1 - last, t_len)
        span = np.maximum(last - first + 1, 1)
        rate[st] = np.where(any_sale, hist.sum(axis=1) / span, 0.0)

    unit_cost = keys["sku"].map(items["unit_cost"]).to_numpy(float)
    unit_price = keys["sku"].map(items["unit_price"]).to_numpy(float)
    arrays = PositionArrays(
        as_of=t,
        sku=keys["sku"].to_numpy(object),
        location=keys["location_id"].to_numpy(object),
        unit_cost=unit_cost,
        unit_price=unit_price,
        on_hand=on_hand,
        in_transit=in_transit,
        on_order=on_order,
        lead_time=lt,
        lead_time_std=lt_std,
        d=d,
        sigma=sigma,
        ss=ss,
        rop=rop,
        s=s,
        demand=demand,
        receipts=receipts,
        promo_mask=promo_mask,
        bias_forecast=bias_f,
        bias_actual=bias_a,
        bias_sigma=bias_s,
        zero_run_days=zero_run,
        hist_rate=rate,
        late_pos=late_pos,
    )
    proj = project_on_hand(on_hand, receipts, demand)
    first_unmet = proj.first_unmet_day
    stockout = pd.to_datetime(
        [t + timedelta(days=int(k)) if k > 0 else None for k in first_unmet]
    ).astype("datetime64[ns]")
    positions = pd.DataFrame(
        {
            "sku": arrays.sku,
            "location_id": arrays.location,
            "location_type": ltype,
            "source_location": source,
            "on_hand": on_hand,
            "in_transit": in_transit,
            "on_order": on_order,
            "position": arrays.position,
            "forecast_daily": d,
            "sigma": sigma,
            "lead_time": lt,
            "lead_time_std": lt_std,
            "safety_stock": ss,
            "reorder_point": rop,
            "order_up_to": s,
            "days_of_cover": days_of_cover(np.maximum(on_hand, 0.0), demand),
            "projected_stockout_date": stockout,
            "method": method,
            "demand_class": dclass,
            "unit_cost": unit_cost,
            "unit_price": unit_price,
            "abc_class": abc,
            "service_level": service,
        }
    )
    t_exc = pd.Timestamp.now()
    exc = detect_exceptions(arrays, params, projection=proj)
    recs = recommend(exc, positions, data, t)
    exc = pd.concat([exc, recs], axis=1)
    rows = exc["row"].to_numpy(np.int64)
    for col in POLICY_COLUMNS:
        exc[col] = positions[col].to_numpy()[rows]
    timings["exceptions_s"] = (pd.Timestamp.now() - t_exc).total_seconds()
    timings["total_s"] = (pd.Timestamp.now() - t_start).total_seconds()
    return Plan(
        as_of=t,
        params=params,
        dates=[t + timedelta(days=j) for j in range(1, h + 1)],
        positions=positions,
        demand=demand,
        projected=proj.on_hand,
        unmet=proj.unmet,
        exceptions=exc,
        receipts=receipts,
        promo_mask=promo_mask,
        supply=supply,
        timings=timings,
    )
