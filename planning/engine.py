"""Run the whole plan: network snapshot in, positions, projections and ranked exceptions out.

`plan()` forecasts every store (and direct-sourced) series in one batch, rolls store forecasts up
to their DCs, classifies SKUs A / B / C by 12-month sales value, computes the policy per
SKU-location (at its class's service level when the parameters give levels by class), projects
on hand, detects exceptions and attaches a recommendation to each (rules in `docs/planning.md`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd

from planning.abc import class_service_level, classify_abc, sales_value
from planning.buckets import bucket_grid, forecast_in_buckets, resolve_bucket, spread_to_days
from planning.censoring import (
    EVIDENCE,
    abandoned_shelf_runs,
    censor,
    empty_shelf_runs,
    inventory_days,
    phantom_runs,
    stockout_note,
    suspect_stockouts,
    trailing_run,
)
from planning.exceptions import EVIDENCE_COLUMNS, LatePOs, PositionArrays, detect_exceptions
from planning.filters import filter_exceptions
from planning.forecast import (
    BatchForecast,
    WeekdayTotals,
    sales_matrix,
    weekday_totals,
)
from planning.network import NetworkData
from planning.overrides import apply_overrides
from planning.params import PlanParams
from planning.policy import (
    Projection,
    days_of_cover,
    economic_order_quantity,
    economic_service_level,
    ended_safety_stock,
    interval_sigma,
    lot_scale_within,
    mean_first_days,
    order_cycle_days,
    project_on_hand,
    protection_days,
    round_up_to_pack,
    window_sum,
    z_values,
)
from planning.promotions import future_uplift, learn_uplift, promo_calendar
from planning.recommend import recommend, supplier_lateness, supplier_options
from stockpilot.leadtime import expected_review_pulls, review_pulls_quantile
from stockpilot.vocabulary import ActionKind, ExceptionType, SalesBucket

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
    sales_bucket: str = "day"  # the time bucket the sales history was read in
    # Per row (DCs 0): stockout days left out of the forecast's history, how many of them were
    # suspected from the sales (no inventory history), a suspect run of days without a sale up
    # to the snapshot (a stockout or an end of life: kept in the fit), and 1 where the
    # inventory history covers the row (`planning.censoring`).
    stockout_evidence: dict[str, np.ndarray] | None = None
    # (n,) the smoothing constant behind each row's one-day error (`positions.sigma`), its daily
    # equivalent for weekly or monthly series; a DC's is its stores', weighted by variance.
    forecast_alpha: np.ndarray | None = None

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
        records = [_exception_record(r) for r in self.exceptions.to_dict("records")]
        return filter_exceptions(records, type=type, location=location, sku=sku, top=top)

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
        held = self.stockout_evidence
        if held:
            rows = pos.index.to_numpy()
            pos = pos.assign(**{name: held[name][rows] for name in EVIDENCE})
        return position_records(pos)


def position_records(positions: pd.DataFrame) -> list[dict[str, Any]]:
    """Return rows of a positions table as JSON-ready dicts (`Plan.position_records`).

    Where the table has the stockout evidence columns (`planning.censoring.EVIDENCE`: a plan
    in memory, or the plan tables' rows), a row whose forecast left stockout days out, or ends
    in a suspect run, gets `stockouts` (`planning.censoring.stockout_note`) in their place.
    """
    evidence = [c for c in EVIDENCE if c in positions.columns]
    out = []
    for r in positions.to_dict("records"):
        note = stockout_note(*(r.pop(c) for c in evidence)) if evidence else None
        record = {k: _json(v) for k, v in r.items()}
        if note is not None:
            record["stockouts"] = note
        out.append(record)
    return out


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
    return f"{base}:{po_id}" if kind == ExceptionType.LATE_PO and po_id else base


def _recommendation_places(kind: str, destination: Any) -> dict[str, Any]:
    """Name a recommendation's destination as its action does.

    A transfer arrives at `to_location`; a purchase order (and the open PO an expedite speeds up)
    at `location_id`, the purchase order's own field. The other field is null.
    """
    if kind == ActionKind.TRANSFER:
        return {"to_location": destination, "location_id": None}
    if kind in (ActionKind.PURCHASE_ORDER, ActionKind.EXPEDITE):
        return {"to_location": None, "location_id": destination}
    return {"to_location": None, "location_id": None}


def _exception_record(r: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": exception_id(r["type"], r["sku"], r["location"], r.get("po_id") or ""),
        "type": r["type"],
        "sku": r["sku"],
        "location": r["location"],
        "priority": int(r["priority"]),
        "money_at_risk": round(float(r["money_at_risk"]), 2),
        "capital_tied_up": round(float(np.nan_to_num(r["capital_tied_up"])), 2),
        "first_risk_date": _json(r["first_risk_date"]),
        "detail": r["detail"],
        "recommendation": {
            "kind": r["rec_kind"],
            "qty": int(r["rec_qty"]),
            "from_location": _id(r["rec_from_location"]),
            **_recommendation_places(r["rec_kind"], _id(r["rec_to_location"])),
            "supplier_id": _id(r["rec_supplier_id"]),
            "po_id": _id(r["rec_po_id"]),
            "unit_cost": _json(r["rec_unit_cost"]),
            "value": _json(r["rec_value"]),
            "lead_time_days": _json(r["rec_lead_time"]),
            "rationale": r["rec_rationale"],
            # Every action to draft, in order: one, or a split's two (the first is the above).
            "actions": [dict(a) for a in (r.get("rec_actions") or [])],
        },
        "evidence": {
            k: _id(_json(r[k]))
            for k in (*EVIDENCE_COLUMNS, "unit_cost", "unit_price", "po_id", *POLICY_COLUMNS)
        },
    }


def _keys(data: NetworkData, sold: pd.DataFrame) -> pd.DataFrame:
    """Return the planned SKU-locations: inventory, recent sales, open supply, DCs feeding them.

    `sold` holds the (sku, location_id) pairs with a sale in the plan's window (`_sold_keys`).
    """
    po = data.purchase_orders[data.purchase_orders["status"] == "open"]
    tr = data.transfers[data.transfers["status"] == "in_transit"]
    parts = [
        data.inventory[KEY],
        sold,
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


@dataclass(frozen=True)
class NetworkFigures:
    """The network-wide figures the plan of a part of the network (a set of SKUs) depends on.

    A SKU's plan reads other SKUs through these alone: its ABC class (its rank by sales value
    among all SKUs), the pooled weekday totals the weekly profiles of both store forecasts
    (from T, and the bias check's from T − bias window) shrink toward, and its suppliers'
    lateness learned from the receipts of all their SKUs. `plan(part, figures=...)` with the
    whole network's figures gives exactly the whole plan's rows of the part's SKUs.
    """

    abc_class: pd.Series  # "A" / "B" / "C" by SKU
    weekday_pool: WeekdayTotals
    bias_weekday_pool: WeekdayTotals
    lateness: pd.DataFrame  # planning.recommend.supplier_lateness of the whole network
    sales_bucket: tuple[str, int] | None = None  # (bucket, week start) of all the sales


@dataclass(frozen=True)
class PartSales:
    """A part's sales as its plan reads them, kept from its scan so the plan reads no sales rows.

    The plan reads the sales only as the pairs sold in its window (`start`..`end`, the as-of
    date) and the store series' units per day over it. `plan(part, sales=...)` with the
    `PartSales` of `part_scan` on the same sales gives exactly `plan(part)`'s rows: a key the
    scan did not densify (a store series planned only for its open supply) sold nothing.
    """

    start: date
    end: date
    sold: pd.DataFrame  # sku, location_id: the known pairs with a sale row in the window
    keys: pd.DataFrame  # sku, location_id: the store series the scan densified
    units: np.ndarray  # (len(keys), days of the window) units per day, as `sales_matrix` sums

    def matrix(self, keys: pd.DataFrame) -> np.ndarray:
        """Return the units per day of `keys` (rows in their order; 0 where not densified)."""
        days = (self.end - self.start).days + 1
        out = np.zeros((len(keys), days))
        if len(keys) and len(self.keys):
            index = pd.MultiIndex.from_frame(self.keys[KEY])
            rows = index.get_indexer(pd.MultiIndex.from_frame(keys[KEY]))
            hit = rows >= 0
            out[hit] = self.units[rows[hit]]
        return out


@dataclass(frozen=True)
class PartFigures:
    """What one part of the network adds to `NetworkFigures` (see `part_figures`)."""

    sales_value: pd.Series  # 12-month sales value by SKU, every SKU the part plans
    weekday_pool: WeekdayTotals
    bias_weekday_pool: WeekdayTotals
    sold_days: np.ndarray | None = None  # day offsets from `long_start` with a sale
    long_start: date | None = None


def part_figures(
    data: NetworkData, *, params: PlanParams = DEFAULT_PARAMS, as_of: date | None = None
) -> PartFigures:
    """Return the part's share of the network-wide figures (the SKUs of `data`, all locations)."""
    return part_scan(data, params=params, as_of=as_of)[0]


def part_scan(
    data: NetworkData, *, params: PlanParams = DEFAULT_PARAMS, as_of: date | None = None
) -> tuple[PartFigures, PartSales]:
    """Return the part's share of the network-wide figures and its sales as the plan reads them.

    Planning the part later with the `PartSales` (`plan(part, sales=...)`) reads no sales rows.
    """
    today = as_of or data.as_of
    inputs = _store_inputs(data, params, today)
    history, calendar = inputs.history(), inputs.history_calendar()
    earlier, earlier_calendar = inputs.earlier(), inputs.earlier_calendar()
    # The value is in the part's own bucket: that of the whole network unless a part alone
    # looks bucketed (too few sale days), which `network_figures` does not correct.
    daily = _daily_sales(inputs, *_bucket(inputs, params))
    figures = PartFigures(
        sales_value=_sales_value(inputs.keys, inputs.store_keys, daily, data, params),
        weekday_pool=weekday_totals(history, start=inputs.history_start, history_uplift=calendar),
        bias_weekday_pool=weekday_totals(
            earlier, start=inputs.long_start, history_uplift=earlier_calendar
        ),
        sold_days=_sold_days(inputs),
        long_start=inputs.long_start,
    )
    sales = PartSales(inputs.long_start, today, inputs.sold, inputs.store_keys, inputs.long)
    return figures, sales


def network_figures(
    parts: list[PartFigures], lateness: pd.DataFrame, params: PlanParams = DEFAULT_PARAMS
) -> NetworkFigures:
    """Combine the parts' figures (together: every SKU once) with the network's lateness.

    `lateness` is `planning.recommend.supplier_lateness` of a network holding all the suppliers,
    SKU terms and purchase orders (the sales are not needed).
    """
    values = [p.sales_value for p in parts if len(p.sales_value)]
    value = pd.concat(values).sort_index() if values else pd.Series(dtype=float)
    weekday, bias_weekday = WeekdayTotals.zero(), WeekdayTotals.zero()
    sold: list[np.ndarray] = []
    for p in parts:
        weekday, bias_weekday = weekday + p.weekday_pool, bias_weekday + p.bias_weekday_pool
        if p.sold_days is not None and p.long_start is not None:
            sold.append(np.datetime64(p.long_start, "D") + p.sold_days)
    bucket, week_start = resolve_bucket(
        params.sales_bucket, np.unique(np.concatenate(sold)) if sold else []
    )
    return NetworkFigures(
        abc_class=classify_abc(value, params.abc_cutoffs()),
        weekday_pool=weekday,
        bias_weekday_pool=bias_weekday,
        lateness=lateness,
        sales_bucket=(str(bucket), int(week_start)),
    )


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
    keys: pd.DataFrame, data: NetworkData, options: pd.DataFrame
) -> tuple[np.ndarray, np.ndarray]:
    """Return the replenishment lead time (at least 1 day) and its std per key.

    A store with a source DC and a lane from it: the lane's lead time, std 0. A DC, or a store
    without a source: the SKU's primary supplier's expected lead time (rounded) and its std
    (`supplier_options`: learned from receipts, else the described distribution's).
    """
    locations = data.locations.set_index("location_id")
    location_type = keys["location_id"].map(locations["type"]).to_numpy()
    source = keys["location_id"].map(locations["source_location"]).fillna("").to_numpy()
    lanes = data.lanes.set_index(["from_location", "to_location"])["lead_time_days"]
    lane_pairs = pd.Series(list(zip(source, keys["location_id"], strict=True)))
    lane_lead_time = lane_pairs.map(lanes).to_numpy().astype(float)
    primary = options.sort_values(["sku", "primary", "supplier_id"], ascending=[True, False, True])
    primary = primary.drop_duplicates("sku").set_index("sku")
    supplier_lead_time = keys["sku"].map(primary["expected_lead_time"]).to_numpy(float)
    supplier_std = keys["sku"].map(primary["lead_time_std"]).to_numpy(float)
    by_lane = (location_type != "dc") & (source != "") & np.isfinite(lane_lead_time)
    lead_time = np.where(by_lane, lane_lead_time, np.nan_to_num(supplier_lead_time, nan=0.0))
    lead_time_std = np.where(by_lane, 0.0, np.nan_to_num(supplier_std, nan=0.0))
    return np.maximum(np.round(lead_time), 1).astype(np.int64), lead_time_std


def _rows(keys: pd.DataFrame, sku: pd.Series, loc: pd.Series) -> np.ndarray:
    """Return the key row of each (sku, loc) pair, -1 where not planned."""
    idx = pd.MultiIndex.from_frame(keys[KEY])
    return np.asarray(idx.get_indexer(pd.MultiIndex.from_arrays([sku, loc])), dtype=np.int64)


@dataclass(frozen=True)
class _StoreForecasts:
    """The store series' history and their two forecasts (from T and from T − bias window)."""

    daily_sales: np.ndarray  # (m, bias_window_days + history_days) units per day up to T
    history_days: int
    future_uplift: np.ndarray  # (m, H) promotion multipliers of the horizon (1: none)
    forecast: BatchForecast  # from T over the horizon
    bias_forecast: BatchForecast  # from T − bias window over that window
    sales_bucket: str = "day"  # the bucket the sales rows are in (weekly, monthly: spread)


@dataclass(frozen=True)
class _StoreInputs:
    """The planned keys and the store series' sales and promotion calendar, T − window to T + H."""

    keys: pd.DataFrame
    sold: pd.DataFrame  # the known (sku, location_id) pairs with a sale from `long_start` to T
    store_rows: np.ndarray
    store_keys: pd.DataFrame
    long: np.ndarray  # (m, bias_window_days + history_days) units per day up to T
    calendar: np.ndarray  # (m, bias_window_days + history_days + H) promotion factors
    long_start: date
    history_start: date
    history_days: int
    bias_days: int
    fit: np.ndarray  # `long` with the stockout days NaN (not demand): what the forecasts read
    out_of_stock: np.ndarray  # (m, days of `long`) stockout days left out
    suspect_trailing: np.ndarray  # (m,) days of a suspect run without a sale up to T
    covered: np.ndarray  # (m,) the inventory history covers the series
    in_stock: np.ndarray  # (m, days of `long`) days the inventory history records in stock

    def history(self) -> np.ndarray:
        return self.fit[:, self.bias_days :]

    def history_in_stock(self) -> np.ndarray:
        return self.in_stock[:, self.bias_days :]

    def history_calendar(self) -> np.ndarray:
        return self.calendar[:, self.bias_days : self.bias_days + self.history_days]

    def earlier(self) -> np.ndarray:
        return self.fit[:, : self.history_days]

    def earlier_calendar(self) -> np.ndarray:
        return self.calendar[:, : self.history_days]


def _store_inputs(
    data: NetworkData, params: PlanParams, as_of: date, kept: PartSales | None = None
) -> _StoreInputs:
    """Return the planned keys and the store series' sales and calendar (`_StoreInputs`).

    With `kept` (the part's scan of the same sales) `data.sales` is not read.
    """
    horizon = int(params.horizon_days)
    history_days, bias_days = int(params.history_days), int(params.bias_window_days)
    long_start = as_of - timedelta(days=history_days + bias_days - 1)
    if kept is None:
        sales = _coded_sales(data)
        sold = _sold_keys(sales, as_of, long_start)
    else:
        if (kept.start, kept.end) != (long_start, as_of):
            raise ValueError(
                f"the kept sales cover {kept.start}..{kept.end}, the plan reads "
                f"{long_start}..{as_of}"
            )
        sold = kept.sold
    keys = _keys(data, sold)
    locations = data.locations.set_index("location_id")
    location_type = keys["location_id"].map(locations["type"]).to_numpy(object)
    store_rows = np.flatnonzero(location_type != "dc")
    store_keys = keys.iloc[store_rows].reset_index(drop=True)
    if kept is None:
        long = sales_matrix(sales, store_keys, long_start, as_of)
    else:
        long = kept.matrix(store_keys)
    calendar = promo_calendar(
        store_keys, data.promotions, long_start, history_days + bias_days + horizon
    )
    # Stockout days are not demand: the inventory history's, else suspect runs of days without
    # a sale between sales (per series, so a part of the network censors as the whole does;
    # weekly or monthly rows read per day need runs of months to look suspect).
    known, recorded = inventory_days(data.inventory_history, store_keys, long_start, as_of)
    covered = np.asarray(recorded.any(axis=1))
    past = calendar[:, : long.shape[1]]
    suspect, trailing = suspect_stockouts(long, exclude=np.isfinite(past) & (past != 1.0))
    # Without that history the snapshot still tells a stockout going on now: on hand at or
    # below 0 since the last sale (`planning.censoring.empty_shelf_runs`).
    on_hand = _store_on_hand(data, store_keys)
    empty = empty_shelf_runs(long, on_hand)
    out_of_stock = np.where(covered[:, None], known, suspect | empty)
    in_stock = recorded & ~known
    # A run the record calls in stock that sold nothing while the SKU sold elsewhere: phantom
    # stock, so an empty shelf — censored, and no evidence that the item ended.
    phantom = phantom_runs(
        long,
        in_stock,
        store_keys["sku"].to_numpy(),
        min_days=int(params.phantom_min_days),
        probability=float(params.phantom_probability),
    )
    if phantom.any():
        out_of_stock = out_of_stock | phantom
        in_stock = in_stock & ~phantom
    # Longer than restocking takes, that empty shelf is an item nobody restocks (sold out and
    # not reordered): its run is evidence that the demand ended, like days recorded in stock.
    in_stock = in_stock | (abandoned_shelf_runs(long, on_hand) & ~covered[:, None])
    return _StoreInputs(
        keys=keys,
        sold=sold,
        store_rows=store_rows,
        store_keys=store_keys,
        long=long,
        calendar=calendar,
        long_start=long_start,
        history_start=as_of - timedelta(days=history_days - 1),
        history_days=history_days,
        bias_days=bias_days,
        fit=censor(long, out_of_stock) if out_of_stock.any() else long,
        out_of_stock=out_of_stock,
        suspect_trailing=np.where(covered | empty.any(axis=1), 0, trailing),
        covered=covered,
        in_stock=in_stock,
    )


def _store_on_hand(data: NetworkData, store_keys: pd.DataFrame) -> np.ndarray:
    """Return (m,) each store series' on hand at the snapshot (NaN: no inventory row)."""
    if len(data.inventory) == 0 or len(store_keys) == 0:
        return np.full(len(store_keys), np.nan)
    on_hand = pd.to_numeric(data.inventory["on_hand"], errors="coerce")
    totals = on_hand.groupby([data.inventory["sku"], data.inventory["location_id"]]).sum(
        min_count=1
    )
    index = pd.MultiIndex.from_frame(store_keys[KEY])
    return np.asarray(index.map(totals).to_numpy(dtype=float, na_value=np.nan), dtype=float)


def _stockout_evidence(n: int, inputs: _StoreInputs) -> dict[str, np.ndarray]:
    """Return the per-row stockout evidence of the forecast (`Plan.stockout_evidence`)."""
    excluded = inputs.out_of_stock[:, inputs.bias_days :].sum(axis=1)
    out = {}
    for name, values in (
        ("stockout_days_excluded", excluded),
        ("suspect_stockout_days", np.where(inputs.covered, 0, excluded)),
        ("trailing_suspect_days", inputs.suspect_trailing),
        ("inventory_history", inputs.covered),
    ):
        column = np.zeros(n, dtype=np.int64)
        column[inputs.store_rows] = values
        out[name] = column
    return out


def _sold_days(inputs: _StoreInputs) -> np.ndarray:
    """Return the day offsets from `long_start` on which any store series sold."""
    return np.flatnonzero(inputs.long.any(axis=0))


def _bucket(inputs: _StoreInputs, params: PlanParams) -> tuple[SalesBucket, int]:
    """Return the sales bucket of the setting (auto: inferred from the days with a sale)."""
    sold = np.datetime64(inputs.long_start, "D") + _sold_days(inputs)
    return resolve_bucket(params.sales_bucket, sold)


def _daily_sales(inputs: _StoreInputs, bucket: str, week_start: int) -> np.ndarray:
    """Return the store sales per day; bucketed sales spread over their bucket's days."""
    long = inputs.long
    if bucket != "day":
        # Day-based reads (ABC value, bias check, days without a sale) see the bucket's rate.
        grid = bucket_grid(inputs.long_start, long.shape[1], SalesBucket(bucket), week_start)
        long = spread_to_days(long, grid)
    return long


def _forecast_stores(
    inputs: _StoreInputs, params: PlanParams, figures: NetworkFigures | None = None
) -> _StoreForecasts:
    """Forecast the store series (history to T) and the bias check (history to T − window)."""
    horizon = int(params.horizon_days)
    history_days, bias_days = inputs.history_days, inputs.bias_days
    store_keys, calendar = inputs.store_keys, inputs.calendar
    history, history_calendar = inputs.history(), inputs.history_calendar()
    future_calendar = calendar[:, bias_days + history_days :]
    learned = learn_uplift(history, history_calendar, store_keys)
    if figures is not None and figures.sales_bucket is not None:
        bucket, week_start = SalesBucket(figures.sales_bucket[0]), figures.sales_bucket[1]
    else:
        bucket, week_start = _bucket(inputs, params)
    forecast = forecast_in_buckets(
        history,
        horizon,
        start=inputs.history_start,
        bucket=bucket,
        week_start=week_start,
        uplift=future_uplift(future_calendar, learned),
        history_uplift=history_calendar,
        weekday_pool=None if figures is None else figures.weekday_pool,
        in_stock=inputs.history_in_stock(),
        decline=params.forecast_decline,
    )
    earlier, earlier_calendar = inputs.earlier(), inputs.earlier_calendar()
    earlier_learned = learn_uplift(earlier, earlier_calendar, store_keys)
    bias_forecast = forecast_in_buckets(
        earlier,
        bias_days,
        start=inputs.long_start,
        bucket=bucket,
        week_start=week_start,
        uplift=future_uplift(calendar[:, history_days : history_days + bias_days], earlier_learned),
        history_uplift=earlier_calendar,
        weekday_pool=None if figures is None else figures.bias_weekday_pool,
        in_stock=inputs.in_stock[:, :history_days],
        decline=params.forecast_decline,
    )
    long = _daily_sales(inputs, bucket, week_start)
    return _StoreForecasts(
        long, history_days, future_calendar, forecast, bias_forecast, str(bucket)
    )


@dataclass(frozen=True)
class _NetworkDemand:
    """Forecast per SKU-location: stores their own, DCs the sum of the stores they feed."""

    demand: np.ndarray  # (n, H)
    sigma: np.ndarray  # (n,) one-day forecast error std
    alpha: np.ndarray  # (n,) level smoothing constant (a DC: its stores', weighted by variance)
    method: np.ndarray
    demand_class: np.ndarray
    promo_mask: np.ndarray  # (n, H)


def _network_demand(
    keys: pd.DataFrame, store_rows: np.ndarray, source: np.ndarray, stores: _StoreForecasts
) -> _NetworkDemand:
    """Place the store forecasts and roll them up to their DCs (sigma: root of summed squares)."""
    n, horizon = len(keys), stores.forecast.mean.shape[1]
    is_dc = np.ones(n, dtype=bool)
    is_dc[store_rows] = False
    forecast = stores.forecast
    demand = np.zeros((n, horizon))
    sigma = np.zeros(n)
    demand[store_rows] = forecast.mean
    sigma[store_rows] = forecast.sigma
    method = np.full(n, "dc_rollup", dtype=object)
    demand_class = np.full(n, "", dtype=object)
    method[store_rows] = forecast.method
    demand_class[store_rows] = forecast.demand_class
    dc_row = _rows(keys, keys["sku"].iloc[store_rows], pd.Series(source[store_rows]))
    feeds = dc_row >= 0
    np.add.at(demand, dc_row[feeds], forecast.mean[feeds])
    variance = np.zeros(n)
    store_variance = forecast.sigma[feeds] ** 2
    np.add.at(variance, dc_row[feeds], store_variance)
    sigma[is_dc] = np.sqrt(variance[is_dc])
    alpha = np.zeros(n)
    alpha[store_rows] = np.nan_to_num(forecast.alpha)
    weighted = np.zeros(n)
    np.add.at(weighted, dc_row[feeds], store_variance * np.nan_to_num(forecast.alpha[feeds]))
    with np.errstate(divide="ignore", invalid="ignore"):
        alpha[is_dc] = np.where(variance[is_dc] > 0, weighted[is_dc] / variance[is_dc], 0.0)
    promo_mask = np.zeros((n, horizon), dtype=bool)
    promo_mask[store_rows] = stores.future_uplift != 1.0
    return _NetworkDemand(demand, sigma, alpha, method, demand_class, promo_mask)


def _sales_value(
    keys: pd.DataFrame,
    store_keys: pd.DataFrame,
    daily_sales: np.ndarray,
    data: NetworkData,
    params: PlanParams,
) -> pd.Series:
    """Return each planned SKU's sales value over the ABC window (0 for a SKU without sales)."""
    window = min(int(params.abc_window_days), daily_sales.shape[1])
    units = daily_sales[:, daily_sales.shape[1] - window :].sum(axis=1)
    price = store_keys["sku"].map(data.items.set_index("sku")["unit_price"]).to_numpy(float)
    value = sales_value(store_keys["sku"], units, price)
    return value.reindex(pd.unique(keys["sku"]), fill_value=0.0)


@dataclass(frozen=True)
class _PolicyLevels:
    """Class, service level, lead time and the inventory policy per SKU-location."""

    abc_class: np.ndarray
    service_level: np.ndarray
    lead_time: np.ndarray  # days, at least 1
    lead_time_std: np.ndarray
    forecast_daily: np.ndarray  # d: mean forecast per day over the lead time
    protection_days: np.ndarray  # L + R − 1
    safety_stock: np.ndarray  # SS
    reorder_point: np.ndarray  # s
    order_up_to: np.ndarray  # S
    lot_size: np.ndarray  # max(EOQ − forecast over R, 0): S − s


def _policy_levels(
    keys: pd.DataFrame,
    store_rows: np.ndarray,
    stores: _StoreForecasts,
    network: _NetworkDemand,
    data: NetworkData,
    params: PlanParams,
    figures: NetworkFigures | None = None,
    restocked: np.ndarray | None = None,
) -> _PolicyLevels:
    """Return the (R, s, S) policy per SKU-location (docs/planning.md, "Lead time and policy").

    ABC class by network-wide sales value over the last abc_window_days; its class's service
    level (or the one level) as the target, or as the floor of the economic critical ratio.
    s = forecast over the protection interval + SS; S = s + max(EOQ − forecast over R, 0), a
    purchase order's EOQ scaled to the smallest lot within `purchase_lot_cost_tolerance`.
    """
    items = data.items.set_index("sku")
    if figures is None:
        store_keys = keys.iloc[store_rows].reset_index(drop=True)
        value = _sales_value(keys, store_keys, stores.daily_sales, data, params)
        classes = classify_abc(value, params.abc_cutoffs())
    else:
        classes = figures.abc_class
    abc = keys["sku"].map(classes).fillna("C").to_numpy(object)
    class_levels = params.class_service_levels()
    service = class_service_level(abc, class_levels, params.service_level)
    unit_cost = keys["sku"].map(items["unit_cost"]).to_numpy(float)
    margin = keys["sku"].map(items["unit_price"]).to_numpy(float) - unit_cost
    move_cost = _move_cost_per_unit(keys, data, store_rows, network)
    # Stock at a store carries its freight too: holding accrues on the landed value there.
    landed = np.nan_to_num(unit_cost)
    landed[store_rows] += move_cost[store_rows]
    holding_per_day = params.holding_per_unit_day * landed
    review = int(params.review_period_days)
    demand = network.demand
    daily = demand.mean(axis=1) if demand.shape[1] else np.zeros(len(keys))
    lot = np.zeros(len(keys))
    if params.lot_sizing:
        location = data.locations.set_index("location_id")
        source = keys["location_id"].map(location["source_location"]).fillna("")
        lanes = pd.MultiIndex.from_frame(data.lanes[["from_location", "to_location"]])
        by_lane = pd.MultiIndex.from_arrays([source, keys["location_id"]]).isin(lanes)
        line_cost = np.where(by_lane, params.transfer_line_cost, params.purchase_order_line_cost)
        eoq = economic_order_quantity(line_cost, daily, holding_per_day)
        # A purchase order's lot: the smallest within the cost tolerance of its EOQ.
        eoq = np.where(by_lane, eoq, eoq * lot_scale_within(params.purchase_lot_cost_tolerance))
        lot = np.maximum(eoq - daily * review, 0.0)
    lateness = supplier_lateness(data) if figures is None else figures.lateness
    options = supplier_options(data, lateness)
    if params.economic_service_level:
        earned = np.nan_to_num(margin) - move_cost
        # The overage period: a review, or with `cycle_service_level` the days one order lasts.
        period = (
            order_cycle_days(review, lot, daily, _minimum_order(keys, data, options))
            if params.cycle_service_level
            else review
        )
        economic = economic_service_level(earned, holding_per_day, period, params.service_level_cap)
        service = np.maximum(service, economic)
    lead_time, lead_time_std = _lead_times(keys, data, options)
    protection = protection_days(lead_time, review)
    over_protection = window_sum(demand, protection)
    span = protection.astype(float)
    if params.dc_review_pulls:
        # A DC's stores pull at the reviews: its order carries the pulls until the next order
        # lands, E[ceil(L' / R)] of them over the supplier's lateness (an order that slips past
        # a review leaves that review's pull to this one), at most L + R − 1 days' worth; with
        # `dc_review_pulls_quantile`, the count at the row's service level instead of the mean.
        level = service if params.dc_review_pulls_quantile else None
        pulls = _expected_pulls(keys, options, lead_time_std, review, level)
        whole = np.floor(pulls).astype(np.int64)
        below = window_sum(demand, review * whole)
        above = window_sum(demand, review * (whole + 1))
        use = _fed_dcs(keys, data, store_rows) & (review * pulls < protection)
        over_protection = np.where(use, below + (pulls - whole) * (above - below), over_protection)
        span = np.where(use, review * pulls, span)
        protection = np.where(use, np.ceil(review * pulls - 1e-9), protection).astype(np.int64)
    rate = over_protection / np.minimum(span, max(demand.shape[1], 1))
    error = interval_sigma(network.sigma, network.alpha, protection)
    z = z_values(service)
    safety = z * np.sqrt(error**2 + rate**2 * lead_time_std**2)
    alive = np.ones(len(keys))
    alive[store_rows] = stores.forecast.p_alive
    if restocked is not None:
        # stock on its way (an open PO or transfer) means somebody restocks it: not ended
        alive = np.where(restocked, 1.0, alive)
    safety = ended_safety_stock(safety, alive, service)
    if params.echelon_dc_safety_stock:
        safety = _echelon_dc_safety_stock(keys, data, network, lead_time, review, z, safety)
    reorder = over_protection + safety
    return _PolicyLevels(
        abc_class=abc,
        service_level=service,
        lead_time=lead_time,
        lead_time_std=lead_time_std,
        forecast_daily=mean_first_days(demand, lead_time),
        protection_days=protection,
        safety_stock=safety,
        reorder_point=reorder,
        order_up_to=reorder + lot,
        lot_size=lot,
    )


def _minimum_order(keys: pd.DataFrame, data: NetworkData, options: pd.DataFrame) -> np.ndarray:
    """Return the fewest units one order of a row brings: its buying supplier's MOQ.

    A row that buys (a DC, a store without a lane from its source) orders at least the MOQ of
    its SKU's routine supplier (`planning.replenish`: lowest unit cost, then the primary, then
    the shortest lead time), rounded up to a case pack; a row fed over a lane: 0.
    """
    out = np.zeros(len(keys))
    if options.empty:
        return out
    best = options.sort_values(
        ["sku", "unit_cost", "primary", "lead_time", "supplier_id"],
        ascending=[True, True, False, True, True],
        kind="stable",
    ).drop_duplicates("sku")
    moq = keys["sku"].map(best.set_index("sku")["moq"]).to_numpy(float)
    pack = keys["sku"].map(data.items.set_index("sku")["case_pack"]).to_numpy(float)
    least = round_up_to_pack(np.nan_to_num(moq), np.nan_to_num(pack, nan=1.0), 0.0)
    location = data.locations.set_index("location_id")
    source = keys["location_id"].map(location["source_location"]).fillna("")
    lanes = pd.MultiIndex.from_frame(data.lanes[["from_location", "to_location"]])
    buys = ~pd.MultiIndex.from_arrays([source, keys["location_id"]]).isin(lanes)
    out[buys] = least[buys]
    return out


def _expected_pulls(
    keys: pd.DataFrame,
    options: pd.DataFrame,
    lead_time_std: np.ndarray,
    review: int,
    level: np.ndarray | None = None,
) -> np.ndarray:
    """Return E[ceil(L' / R)] per row over its primary supplier's lead-time distribution.

    `stockpilot.leadtime.expected_review_pulls` of the quoted lead time, the on-time rate and
    the std the engine plans with (learned from receipts where there are enough, else the
    described one): the distribution the twin draws from. With `level` (per row), the smallest
    count reached in that share of orders instead (`review_pulls_quantile`). Rows without a
    supplier: 1.
    """
    primary = options.sort_values(["sku", "primary", "supplier_id"], ascending=[True, False, True])
    primary = primary.drop_duplicates("sku").set_index("sku")
    quoted = keys["sku"].map(primary["lead_time"]).to_numpy(float)
    on_time = keys["sku"].map(primary["on_time_rate"]).to_numpy(float)
    args = (
        np.nan_to_num(quoted, nan=1.0),
        np.nan_to_num(lead_time_std),
        np.nan_to_num(on_time, nan=1.0),
        review,
    )
    if level is None:
        return np.asarray(expected_review_pulls(*args), dtype=float)
    return np.asarray(review_pulls_quantile(*args, level), dtype=float)


def _fed_dcs(keys: pd.DataFrame, data: NetworkData, store_rows: np.ndarray) -> np.ndarray:
    """Return a mask of the rows that are a DC's SKU which some store is fed from."""
    out = np.zeros(len(keys), dtype=bool)
    if not len(store_rows):
        return out
    location = data.locations.set_index("location_id")
    source = keys["location_id"].iloc[store_rows].map(location["source_location"]).fillna("")
    dc_row = _rows(keys, keys["sku"].iloc[store_rows], source.reset_index(drop=True))
    out[dc_row[dc_row >= 0]] = True
    return out


def _move_cost_per_unit(
    keys: pd.DataFrame, data: NetworkData, store_rows: np.ndarray, network: _NetworkDemand
) -> np.ndarray:
    """Return what it costs per unit to bring a unit from here to the shelf it sells from.

    A store fed over a lane: the lane's cost per unit. A DC: its stores' lane costs weighted by
    their forecast. Anything else: 0. A sale lost saves that cost, so the margin a unit short
    loses is the margin less it (the underage cost of the critical ratio).
    """
    out = np.zeros(len(keys))
    if not len(store_rows) or data.lanes.empty:
        return out
    location = data.locations.set_index("location_id")
    source = keys["location_id"].map(location["source_location"]).fillna("").to_numpy(object)
    lanes = data.lanes.set_index(["from_location", "to_location"])["cost_per_unit"]
    store_source = source[store_rows]
    store_location = keys["location_id"].to_numpy(object)[store_rows]
    pairs = pd.MultiIndex.from_arrays([store_source, store_location])
    lane_cost = np.nan_to_num(lanes.reindex(pairs).to_numpy(float), nan=0.0)
    out[store_rows] = lane_cost
    dc_row = _rows(keys, keys["sku"].iloc[store_rows], pd.Series(store_source))
    fed = dc_row >= 0
    weight = np.maximum(network.demand[store_rows].sum(axis=1), 1e-9)[fed]
    paid, total = np.zeros(len(keys)), np.zeros(len(keys))
    np.add.at(paid, dc_row[fed], weight * lane_cost[fed])
    np.add.at(total, dc_row[fed], weight)
    dcs = total > 0
    out[dcs] = paid[dcs] / total[dcs]
    return out


def _echelon_dc_safety_stock(
    keys: pd.DataFrame,
    data: NetworkData,
    network: _NetworkDemand,
    lead_time: np.ndarray,
    review: int,
    z: np.ndarray,
    safety: np.ndarray,
) -> np.ndarray:
    """Return the safety stock with each DC's set to what its echelon needs beyond its stores'.

    A DC and the stores it feeds form one echelon: demand reaches it over the DC's lead time
    plus the stores' lane and one review (`L_dc + L_lane + R − 1` days). The echelon's safety
    stock for that interval, on the DC's pooled forecast error (root of the stores' summed
    squares), less the safety stock its stores already hold, is the DC's own (at least 0):
    pooling over the stores is what a DC saves. The supplier's lead-time spread is left out: its
    mean is in the DC's lead time, and a late receipt goes on to the stores the day it lands
    (`planning.replenish.receipt_transfers`); holding z·rate·σ_L at every DC for the few late
    orders cost more than their lost sales (docs/planning.md, "Lead time and policy").
    """
    locations = data.locations.set_index("location_id")
    location_type = keys["location_id"].map(locations["type"]).to_numpy()
    source = keys["location_id"].map(locations["source_location"]).fillna("").to_numpy()
    stores = np.flatnonzero(location_type != "dc")
    dc_row = _rows(keys, keys["sku"].iloc[stores], pd.Series(source[stores]))
    fed = dc_row >= 0
    if not fed.any():
        return safety
    held = np.zeros(len(keys))
    np.add.at(held, dc_row[fed], safety[stores[fed]])
    lane = np.zeros(len(keys))
    np.maximum.at(lane, dc_row[fed], lead_time[stores[fed]].astype(float))
    dcs = np.unique(dc_row[fed])
    days = lead_time[dcs] + lane[dcs] + review - 1
    error = interval_sigma(network.sigma[dcs], network.alpha[dcs], days)
    echelon = z[dcs] * error
    out = safety.copy()
    out[dcs] = np.maximum(echelon - held[dcs], 0.0)
    return out


def po_arrival_days(due_days: np.ndarray, lead_time_std_days: np.ndarray) -> np.ndarray:
    """Return the horizon day (1-based) open POs are planned to arrive on.

    On their expected day; a late one (expected on or before T) on day 1 + round(its
    supplier's lead-time standard deviation).
    """
    late_day = 1 + np.round(np.asarray(lead_time_std_days, dtype=float))
    return np.where(due_days <= 0, late_day, due_days).astype(np.int64)


def transfer_arrival_days(due_days: np.ndarray) -> np.ndarray:
    """Return the horizon day (1-based) in-transit transfers are planned to arrive on (late: 1)."""
    return np.maximum(np.asarray(due_days, dtype=np.int64), 1)


@dataclass(frozen=True)
class _OpenSupply:
    """Open purchase orders and in-transit transfers, as receipts and per-row totals."""

    receipts: np.ndarray  # (n, H) units arriving per day
    on_order: np.ndarray  # (n,) open PO units
    in_transit: np.ndarray  # (n,) in-transit transfer units
    lines: pd.DataFrame  # one row per document (see `Plan.supply`)
    late_pos: LatePOs


def _open_supply(keys: pd.DataFrame, data: NetworkData, as_of: date, horizon: int) -> _OpenSupply:
    """Return the open supply of the planned rows.

    A late PO (expected on or before T) is assumed to arrive on day 1 + round(supplier
    lead-time std); a late transfer on day 1.
    """
    n = len(keys)
    today = pd.Timestamp(as_of)
    po = data.purchase_orders[data.purchase_orders["status"] == "open"]
    po = po.assign(_row=_rows(keys, po["sku"], po["location_id"]))
    po = po[po["_row"] >= 0]
    po_due_day = (po["expected_date"] - today).dt.days.to_numpy(np.int64)
    std_by_supplier = data.suppliers.set_index("supplier_id")["lead_time_std_days"]
    po_arrival = po_arrival_days(
        po_due_day, po["supplier_id"].map(std_by_supplier).fillna(0.0).to_numpy(float)
    )
    tr = data.transfers[data.transfers["status"] == "in_transit"]
    tr = tr.assign(_row=_rows(keys, tr["sku"], tr["to_location"]))
    tr = tr[tr["_row"] >= 0]
    tr_arrival = transfer_arrival_days((tr["expected_date"] - today).dt.days.to_numpy(np.int64))
    receipts = np.zeros((n, horizon))
    for rows, day, qty in (
        (po["_row"].to_numpy(), po_arrival, po["qty"].to_numpy(float)),
        (tr["_row"].to_numpy(), tr_arrival, tr["qty"].to_numpy(float)),
    ):
        inside = day <= horizon
        np.add.at(receipts, (rows[inside], day[inside] - 1), qty[inside])
    on_order = np.bincount(po["_row"], weights=po["qty"].astype(float), minlength=n)
    in_transit = np.bincount(tr["_row"], weights=tr["qty"].astype(float), minlength=n)
    lines = pd.concat(
        [
            pd.DataFrame(
                {
                    "row": po["_row"].to_numpy(np.int64),
                    "kind": ActionKind.PURCHASE_ORDER.value,
                    "doc_id": po["po_id"].to_numpy(object),
                    "supplier_id": po["supplier_id"].to_numpy(object),
                    "from_location": "",
                    "expected_date": po["expected_date"].to_numpy(),
                    "arrival_day": po_arrival,
                    "qty": po["qty"].to_numpy(float),
                }
            ),
            pd.DataFrame(
                {
                    "row": tr["_row"].to_numpy(np.int64),
                    "kind": ActionKind.TRANSFER.value,
                    "doc_id": tr["transfer_id"].to_numpy(object),
                    "supplier_id": "",
                    "from_location": tr["from_location"].to_numpy(object),
                    "expected_date": tr["expected_date"].to_numpy(),
                    "arrival_day": tr_arrival,
                    "qty": tr["qty"].to_numpy(float),
                }
            ),
        ],
        ignore_index=True,
    )
    late = po_due_day <= 0
    late_po_rows = po[late]
    late_pos = LatePOs(
        row=late_po_rows["_row"].to_numpy(np.int64),
        po_id=late_po_rows["po_id"].to_numpy(object),
        supplier_id=late_po_rows["supplier_id"].to_numpy(object),
        qty=late_po_rows["qty"].to_numpy(float),
        expected_date=late_po_rows["expected_date"].to_numpy("datetime64[ns]"),
        arrival_day=po_arrival[late],
    )
    return _OpenSupply(receipts, on_order.astype(float), in_transit.astype(float), lines, late_pos)


@dataclass(frozen=True)
class _SalesSignals:
    """Inputs of forecast_bias and phantom-stock detection (stores only; NaN / 0 for DCs)."""

    bias_forecast: np.ndarray  # forecast of the last bias window made before it
    bias_actual: np.ndarray  # actual sales over that window
    bias_sigma: np.ndarray  # error std of a one-day share of that window's sum
    zero_run_days: np.ndarray  # trailing days without a sale
    hist_rate: np.ndarray  # units sold / days from the first to the last sale


def _sales_signals(
    n: int, store_rows: np.ndarray, stores: _StoreForecasts, out_of_stock: np.ndarray
) -> _SalesSignals:
    """Return the bias-check and phantom-stock inputs of every row.

    The bias check compares the forecast with sales over the window's days in stock only
    (`out_of_stock`: the censored days of the store series): a stockout or phantom-stock run
    sold nothing because the shelf was empty, which says nothing about the forecast.
    """
    bias_days = stores.daily_sales.shape[1] - stores.history_days
    bias_forecast = np.full(n, np.nan)
    bias_actual = np.full(n, np.nan)
    bias_sigma = np.zeros(n)
    earlier = stores.bias_forecast
    measured = ~out_of_stock[:, stores.history_days :]
    bias_forecast[store_rows] = (earlier.mean * measured).sum(axis=1)
    # The error of a w-day sum also repeats the level's own estimation error every day: for a
    # smoothed level its variance is sigma²·w·(1 + w·alpha/(2 − alpha)).
    alpha = np.clip(np.nan_to_num(earlier.alpha), 0.0, 1.0)
    bias_sigma[store_rows] = earlier.sigma * np.sqrt(1.0 + bias_days * alpha / (2.0 - alpha))
    bias_actual[store_rows] = (stores.daily_sales[:, stores.history_days :] * measured).sum(axis=1)
    zero_run = np.zeros(n, dtype=np.int64)
    rate = np.zeros(n)
    history = stores.daily_sales[:, bias_days:]
    if history.shape[1]:
        zero_run[store_rows], rate[store_rows], _ = trailing_run(history)
    return _SalesSignals(bias_forecast, bias_actual, bias_sigma, zero_run, rate)


def plan(
    data: NetworkData,
    *,
    params: PlanParams = DEFAULT_PARAMS,
    as_of: date | None = None,
    figures: NetworkFigures | None = None,
    overrides: pd.DataFrame | None = None,
    sales: PartSales | None = None,
) -> Plan:
    """Plan the network as of `as_of` (default: the snapshot date).

    `data` may hold only some SKUs (all their locations, lanes, suppliers and orders) when
    `figures` gives the whole network's (`NetworkFigures`); the plan is then exactly the whole
    plan's rows of those SKUs. `overrides` (planners' forecast overrides in force,
    `planning.overrides`) change the store forecasts after the model, before everything the
    plan derives from them. `sales` (the part's `part_scan` of the same sales, as of the same
    date) stands for `data.sales`, which is then not read (it may be empty).
    """
    started = pd.Timestamp.now()
    timings: dict[str, float] = {}
    today = as_of or data.as_of
    horizon = int(params.horizon_days)
    inputs = _store_inputs(data, params, today, sales)
    keys, store_rows = inputs.keys, inputs.store_rows
    n = len(keys)
    locations = data.locations.set_index("location_id")
    location_type = keys["location_id"].map(locations["type"]).to_numpy(object)
    source = keys["location_id"].map(locations["source_location"]).fillna("").to_numpy(object)

    stores = _forecast_stores(inputs, params, figures)
    if overrides is not None and not overrides.empty:
        store_keys = inputs.store_keys
        mean = apply_overrides(
            stores.forecast.mean,
            store_keys["sku"].to_numpy(object),
            store_keys["location_id"].to_numpy(object),
            today + timedelta(days=1),
            overrides,
        )
        stores = replace(stores, forecast=replace(stores.forecast, mean=mean))
    timings["forecast_s"] = (pd.Timestamp.now() - started).total_seconds()
    network = _network_demand(keys, store_rows, source, stores)
    supply = _open_supply(keys, data, today, horizon)
    restocked = (supply.on_order + supply.in_transit) > 0
    levels = _policy_levels(keys, store_rows, stores, network, data, params, figures, restocked)
    inventory = data.inventory.groupby(KEY)["on_hand"].sum()
    on_hand = np.nan_to_num(pd.MultiIndex.from_frame(keys[KEY]).map(inventory).to_numpy(float))
    signals = _sales_signals(n, store_rows, stores, inputs.out_of_stock)

    items = data.items.set_index("sku")
    unit_cost = keys["sku"].map(items["unit_cost"]).to_numpy(float)
    unit_price = keys["sku"].map(items["unit_price"]).to_numpy(float)
    arrays = PositionArrays(
        as_of=today,
        sku=keys["sku"].to_numpy(object),
        location=keys["location_id"].to_numpy(object),
        unit_cost=unit_cost,
        unit_price=unit_price,
        on_hand=on_hand,
        in_transit=supply.in_transit,
        on_order=supply.on_order,
        lead_time=levels.lead_time,
        lead_time_std=levels.lead_time_std,
        forecast_daily=levels.forecast_daily,
        sigma=network.sigma,
        safety_stock=levels.safety_stock,
        reorder_point=levels.reorder_point,
        order_up_to=levels.order_up_to,
        demand=network.demand,
        receipts=supply.receipts,
        promo_mask=network.promo_mask,
        bias_forecast=signals.bias_forecast,
        bias_actual=signals.bias_actual,
        bias_sigma=signals.bias_sigma,
        zero_run_days=signals.zero_run_days,
        hist_rate=signals.hist_rate,
        late_pos=supply.late_pos,
    )
    projection = project_on_hand(on_hand, supply.receipts, network.demand)
    positions = _positions_frame(arrays, projection, network, levels, location_type, source)
    exceptions_started = pd.Timestamp.now()
    exceptions = detect_exceptions(arrays, params, projection=projection)
    exceptions = pd.concat(
        [
            exceptions,
            recommend(
                exceptions,
                positions,
                data,
                today,
                params,
                None if figures is None else figures.lateness,
            ),
        ],
        axis=1,
    )
    rows = exceptions["row"].to_numpy(np.int64)
    for col in POLICY_COLUMNS:
        exceptions[col] = positions[col].to_numpy()[rows]
    now = pd.Timestamp.now()
    timings["exceptions_s"] = (now - exceptions_started).total_seconds()
    timings["total_s"] = (now - started).total_seconds()
    return Plan(
        as_of=today,
        params=params,
        dates=[today + timedelta(days=j) for j in range(1, horizon + 1)],
        positions=positions,
        demand=network.demand,
        projected=projection.on_hand,
        unmet=projection.unmet,
        exceptions=exceptions,
        receipts=supply.receipts,
        promo_mask=network.promo_mask,
        supply=supply.lines,
        timings=timings,
        sales_bucket=stores.sales_bucket,
        stockout_evidence=_stockout_evidence(n, inputs),
        forecast_alpha=network.alpha,
    )


def _positions_frame(
    arrays: PositionArrays,
    projection: Projection,
    network: _NetworkDemand,
    levels: _PolicyLevels,
    location_type: np.ndarray,
    source: np.ndarray,
) -> pd.DataFrame:
    """Return the positions table: one row per SKU-location, the columns of the API."""
    today = arrays.as_of
    stockout = pd.to_datetime(
        [today + timedelta(days=int(k)) if k > 0 else None for k in projection.first_unmet_day]
    ).astype("datetime64[ns]")
    return pd.DataFrame(
        {
            "sku": arrays.sku,
            "location_id": arrays.location,
            "location_type": location_type,
            "source_location": source,
            "on_hand": arrays.on_hand,
            "in_transit": arrays.in_transit,
            "on_order": arrays.on_order,
            "position": arrays.position,
            "forecast_daily": arrays.forecast_daily,
            "sigma": arrays.sigma,
            "lead_time": arrays.lead_time,
            "lead_time_std": arrays.lead_time_std,
            "safety_stock": arrays.safety_stock,
            "reorder_point": arrays.reorder_point,
            "order_up_to": arrays.order_up_to,
            "days_of_cover": days_of_cover(np.maximum(arrays.on_hand, 0.0), arrays.demand),
            "projected_stockout_date": stockout,
            "method": network.method,
            "demand_class": network.demand_class,
            "unit_cost": arrays.unit_cost,
            "unit_price": arrays.unit_price,
            "abc_class": levels.abc_class,
            "service_level": levels.service_level,
        }
    )
