"""Recommend one action per exception: transfer, purchase order, expedite or none.

Rules are in `docs/planning.md` ("Recommendations"). Candidate transfers and suppliers are found
with merges on SKU; surplus is then allocated greedily in money order so that no surplus unit is
promised twice.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, cast

import numpy as np
import pandas as pd

from planning.exceptions import SHORTAGE_TYPES
from planning.leadtime import observed_lateness
from planning.network import NetworkData
from planning.params import PlanParams
from planning.policy import round_up_to_pack, spare_stock
from stockpilot.leadtime import described_moments
from stockpilot.vocabulary import DRAFTABLE_KINDS, ActionKind, ExceptionType

DEFAULT_PARAMS = PlanParams()
REC_COLUMNS: tuple[str, ...] = (
    "rec_kind",
    "rec_qty",
    "rec_from_location",
    "rec_to_location",
    "rec_supplier_id",
    "rec_po_id",
    "rec_unit_cost",
    "rec_value",
    "rec_lead_time",
    "rec_rationale",
    "rec_actions",
)
ACTION_FIELDS: tuple[str, ...] = (
    "kind",
    "qty",
    "from_location",
    "to_location",
    "supplier_id",
    "unit_cost",
    "value",
    "lead_time_days",
)
"""The fields of each entry of `rec_actions`: one typed action to draft and approve."""


def _terms(data: NetworkData) -> tuple[pd.DataFrame, pd.Series]:
    """Return the item-supplier terms joined with their suppliers, and the quoted lead time."""
    opts = data.item_suppliers.merge(
        data.suppliers[["supplier_id", "lead_time_days", "lead_time_std_days", "on_time_rate"]],
        on="supplier_id",
        how="left",
        suffixes=("", "_sup"),
    )
    return opts, opts["lead_time_days"].fillna(opts["lead_time_days_sup"]).fillna(0.0)


def supplier_lateness(data: NetworkData) -> pd.DataFrame:
    """Return each supplier's lateness learned from the receipts of `data` (all its SKUs).

    `planning.leadtime.observed_lateness` of the purchase orders against the quoted lead times.
    """
    opts, quoted = _terms(data)
    return observed_lateness(
        data.purchase_orders,
        pd.Series(
            quoted.to_numpy(float),
            index=pd.MultiIndex.from_arrays([opts["sku"], opts["supplier_id"]]),
        ),
    )


def supplier_options(data: NetworkData, lateness: pd.DataFrame | None = None) -> pd.DataFrame:
    """Return one row per SKU-supplier: lead times, unit cost, MOQ, primary, on-time rate.

    `lead_time` is the quoted lead time (item terms, else the supplier's). `expected_lead_time`
    and `lead_time_std` are the mean and std the engine plans with: learned from the supplier's
    receipts where there are enough (`supplier_lateness`, or `lateness` when given: that of
    the whole network when `data` is a part of it), else those of the distribution its quoted
    lead time, std and on-time rate describe.
    """
    opts, quoted = _terms(data)
    mean, std = described_moments(
        quoted.to_numpy(float),
        opts["lead_time_std_days"].fillna(0.0).to_numpy(float),
        opts["on_time_rate"].fillna(1.0).to_numpy(float),
    )
    observed = supplier_lateness(data) if lateness is None else lateness
    seen = opts["supplier_id"].isin(observed.index).to_numpy()
    learned = observed.reindex(opts["supplier_id"])
    return pd.DataFrame(
        {
            "sku": opts["sku"],
            "supplier_id": opts["supplier_id"],
            "lead_time": quoted.astype(np.int64),
            "expected_lead_time": np.where(
                seen, quoted.to_numpy(float) + learned["mean"].to_numpy(float), mean
            ),
            "lead_time_std": np.where(seen, learned["std"].to_numpy(float), std),
            "unit_cost": opts["unit_cost"].astype(float),
            "moq": opts["moq"].astype(np.int64),
            "primary": opts["primary"].astype(bool),
            "on_time_rate": opts["on_time_rate"].fillna(1.0).astype(float),
        }
    )


class _Groups:
    """Index the positions of equal values in an int array (CSR-style) for cheap lookups."""

    def __init__(self, values: np.ndarray) -> None:
        """Sort `values` once; `members` then slices the sorted order."""
        self._order = np.argsort(values, kind="stable")
        self._sorted = values[self._order]

    def members(self, value: int) -> np.ndarray:
        """Return the positions holding `value`, in their original order."""
        lo, hi = np.searchsorted(self._sorted, [value, value + 1])
        return self._order[lo:hi]


def _n(x: float) -> str:
    return f"{x:.0f}"


@dataclass
class Allocation:
    """What the recommendations made so far in this run have promised, updated in rank order.

    Exceptions are handled largest money first and share these pools, so no unit is promised
    twice.
    """

    surplus: np.ndarray  # units above each location's own order-up-to not yet promised
    dc_available: np.ndarray  # units each location can still ship to its own stores
    incoming: np.ndarray  # units already sent to each location by an earlier recommendation
    sent_from: dict[int, str] = field(default_factory=dict)  # the last source per target row

    @classmethod
    def start(
        cls,
        position: np.ndarray,
        order_up_to: np.ndarray,
        on_hand: np.ndarray,
        safety_stock: np.ndarray,
    ) -> Allocation:
        """Return the pools before any recommendation.

        A DC can ship all it holds to its own stores (its safety stock protects store service
        and is refilled by its own order); any other move takes only stock above the source's
        order-up-to level that is on hand above its safety stock.
        """
        above_order_up_to = np.floor(np.maximum(position - order_up_to, 0.0) + 1e-9)
        return cls(
            surplus=np.minimum(
                above_order_up_to, spare_stock(on_hand, safety_stock, to_own_store=False)
            ),
            dc_available=spare_stock(on_hand, 0.0, to_own_store=True),
            incoming=np.zeros(len(position)),
        )

    def move(self, source: int, target: int, qty: int, source_name: str) -> None:
        """Record `qty` units promised from row `source` to row `target`."""
        self.surplus[source] = max(self.surplus[source] - qty, 0.0)
        self.dc_available[source] = max(self.dc_available[source] - qty, 0.0)
        self.incoming[target] += qty
        self.sent_from[target] = source_name


@dataclass(frozen=True)
class _Sources:
    """Where stock can come from: positions, lanes between them, suppliers and open POs."""

    position: np.ndarray
    order_up_to: np.ndarray
    reorder_point: np.ndarray
    on_hand: np.ndarray
    safety_stock: np.ndarray
    location: np.ndarray
    wanted: np.ndarray  # units wanted by locations below their reorder point (overstock targets)
    lane_source: np.ndarray  # candidate transfers, fastest lane first: source row,
    lane_target: np.ndarray  # target row,
    lane_lead_time: np.ndarray  # lane lead time,
    lane_cost: np.ndarray  # lane cost per unit
    by_target: _Groups
    by_source: _Groups
    lanes: dict[tuple[str, str], tuple[int, float]]  # (from, to) -> (lead time, cost per unit)
    own_dc_row: dict[int, int]  # exception index -> positions row of the store's source DC
    supplier_terms: pd.DataFrame  # supplier_options, indexed by sku
    first_open_po: pd.DataFrame  # the earliest open PO per (sku, location_id)
    case_pack: pd.Series

    def suppliers_of(self, sku: str) -> pd.DataFrame:
        """Return the suppliers of a SKU (one row each), cheapest first, the primary first."""
        if sku not in self.supplier_terms.index:
            return self.supplier_terms.iloc[:0]
        return self.supplier_terms.loc[[sku]]

    def open_po(self, sku: str, location: str) -> pd.Series | None:
        """Return the earliest open PO of a SKU-location, or None."""
        key = (sku, location)
        return self.first_open_po.loc[key] if key in self.first_open_po.index else None


def _sources(
    exceptions: pd.DataFrame,
    positions: pd.DataFrame,
    data: NetworkData,
    lateness: pd.DataFrame | None = None,
) -> _Sources:
    """Index every source of stock the rules consider for these exceptions."""
    position = positions["position"].to_numpy(float)
    order_up_to = positions["order_up_to"].to_numpy(float)
    reorder_point = positions["reorder_point"].to_numpy(float)
    lanes = data.lanes.rename(columns={"lead_time_days": "lane_lt", "cost_per_unit": "lane_cost"})
    open_po = data.purchase_orders[data.purchase_orders["status"] == "open"].sort_values(
        ["expected_date", "po_id"]
    )
    # Transfer candidates for every SKU-location: same SKU, any location, over an existing lane.
    pos_keys = pd.DataFrame(
        {"sku": positions["sku"], "location_id": positions["location_id"], "_row": positions.index}
    )
    pairs = pos_keys.merge(
        lanes[["from_location", "to_location", "lane_lt", "lane_cost"]],
        left_on="location_id",
        right_on="from_location",
    ).merge(
        pos_keys.rename(columns={"location_id": "to_location", "_row": "_to_row"}),
        on=["sku", "to_location"],
    )
    pairs = pairs.sort_values(["lane_lt", "lane_cost", "from_location"], kind="stable")
    lane_source = pairs["_row"].to_numpy()
    lane_target = pairs["_to_row"].to_numpy()
    short = exceptions[exceptions["type"].isin(SHORTAGE_TYPES)]
    pos_index = pd.MultiIndex.from_arrays([positions["sku"], positions["location_id"]])
    own_dc = positions["source_location"].to_numpy(object)[short["row"].to_numpy(int)]
    own_dc_rows = pos_index.get_indexer(pd.MultiIndex.from_arrays([short["sku"], own_dc]))
    opts = supplier_options(data, lateness)
    return _Sources(
        position=position,
        order_up_to=order_up_to,
        reorder_point=reorder_point,
        on_hand=positions["on_hand"].to_numpy(float),
        safety_stock=positions["safety_stock"].to_numpy(float),
        location=positions["location_id"].to_numpy(object),
        wanted=np.where(position < reorder_point, np.ceil(order_up_to - position - 1e-9), 0.0),
        lane_source=lane_source,
        lane_target=lane_target,
        lane_lead_time=pairs["lane_lt"].to_numpy(),
        lane_cost=pairs["lane_cost"].to_numpy(),
        by_target=_Groups(lane_target),
        by_source=_Groups(lane_source),
        lanes={
            (f, t): (int(lt), float(c))
            for f, t, lt, c in zip(
                lanes["from_location"],
                lanes["to_location"],
                lanes["lane_lt"],
                lanes["lane_cost"],
                strict=True,
            )
        },
        own_dc_row=dict(zip(short.index, own_dc_rows, strict=True)),
        supplier_terms=opts.sort_values(
            ["sku", "unit_cost", "primary", "lead_time", "supplier_id"],
            ascending=[True, True, False, True, True],
            kind="stable",
        ).set_index("sku", drop=False),
        first_open_po=open_po.drop_duplicates(["sku", "location_id"]).set_index(
            ["sku", "location_id"]
        ),
        case_pack=data.items.set_index("sku")["case_pack"].astype(float),
    )


def recommend(
    exceptions: pd.DataFrame,
    positions: pd.DataFrame,
    data: NetworkData,
    as_of: date,
    params: PlanParams = DEFAULT_PARAMS,
    lateness: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Return the recommendation columns (`REC_COLUMNS`) aligned with `exceptions`' index.

    `positions` has one row per SKU-location with at least sku, location_id, source_location,
    on_hand, position, safety_stock, reorder_point, order_up_to and unit_cost;
    `exceptions["row"]` indexes it by position. `lateness`: see `supplier_options`.
    """
    out = pd.DataFrame(index=exceptions.index)
    out["rec_kind"] = ActionKind.NONE.value
    out["rec_qty"] = 0
    for c in ("rec_from_location", "rec_to_location", "rec_supplier_id", "rec_po_id"):
        out[c] = ""
    out["rec_unit_cost"] = np.nan
    out["rec_value"] = 0.0
    out["rec_lead_time"] = np.nan
    out["rec_rationale"] = ""
    out["rec_actions"] = [[] for _ in range(len(out))]
    if not len(exceptions):
        return out[list(REC_COLUMNS)]

    sources = _sources(exceptions, positions, data, lateness)
    allocation = Allocation.start(
        sources.position, sources.order_up_to, sources.on_hand, sources.safety_stock
    )
    recs: dict[int, dict[str, object]] = {}
    # One pass in rank order, so larger money at risk gets the surplus first.
    for idx, e in exceptions.iterrows():
        kind = e["type"]
        if kind in SHORTAGE_TYPES:
            rec = _shortage(int(idx), e, sources, allocation, as_of, params)
            rec.setdefault("rec_to_location", e["location"])
        elif kind == ExceptionType.OVERSTOCK:
            rec = _overstock(e, sources, allocation)
        elif kind == ExceptionType.LATE_PO:
            rec = _expedite_late_po(e)
            rec["rec_to_location"] = e["location"]
        elif kind == ExceptionType.FORECAST_BIAS:
            rec = {"rec_rationale": f"Review the forecast: {e['detail']}"}
        else:
            rec = {"rec_rationale": f"Count the stock at {e['location']}: {e['detail']}"}
        recs[int(idx)] = rec

    splits = {
        i: cast(list[dict[str, object]], r.pop("rec_split"))
        for i, r in recs.items()
        if "rec_split" in r
    }
    if recs:
        upd = pd.DataFrame.from_dict(recs, orient="index")
        for c in upd.columns:
            vals = upd[c].dropna()
            out.loc[vals.index, c] = vals.to_numpy()
    out["rec_qty"] = out["rec_qty"].astype(np.int64)
    out["rec_actions"] = [
        _actions(r, exceptions.at[i, "location"], splits.get(i, []))
        for i, r in zip(out.index, out.to_dict("records"), strict=True)
    ]
    return out[list(REC_COLUMNS)]


def _actions(
    rec: dict[str, Any], location: object, rest: list[dict[str, object]]
) -> list[dict[str, object]]:
    """Return the recommendation's draftable actions: its own, then a split's remainder."""
    if rec["rec_kind"] not in DRAFTABLE_KINDS or int(rec["rec_qty"]) <= 0:
        return []
    first = {f: rec.get(f"rec_{f}") for f in ACTION_FIELDS if f != "lead_time_days"}
    first["to_location"] = first["to_location"] or location
    first["lead_time_days"] = rec.get("rec_lead_time")
    return [_clean(first), *(_clean(a) for a in rest)]


def _clean(action: dict[str, object]) -> dict[str, object]:
    """Return one action with plain JSON values ('' for no location or supplier)."""
    out: dict[str, object] = {}
    for f in ACTION_FIELDS:
        v = action.get(f)
        if f == "qty":
            out[f] = int(v)  # type: ignore[call-overload]
        elif f in ("unit_cost", "value", "lead_time_days"):
            out[f] = None if v is None or pd.isna(v) else float(v)  # type: ignore[arg-type]
        else:
            out[f] = "" if v is None or (isinstance(v, float) and math.isnan(v)) else str(v)
    return out


@dataclass(frozen=True)
class _Option:
    """One source considered for a shortage: what it can bring, when, and at what landed cost."""

    kind: ActionKind  # a transfer or a purchase order
    name: str  # the source location or the supplier
    row: int  # the source's positions row (transfers), -1 for a supplier
    available: float  # units it can supply now (inf: a supplier)
    arrival_day: int  # day it arrives (lead time)
    lane_cost: float  # transfer: cost per unit of the lane
    supplier: pd.Series | None = None  # purchase order: the supplier's terms
    own_dc: bool = False

    def quantity(self, need: int, pack: float) -> int:
        """Return the units it would send for `need` (a PO rounds up to MOQ and case pack)."""
        if self.supplier is None:
            return int(min(need, self.available))
        return int(round_up_to_pack(need, pack, int(self.supplier["moq"])))

    def landed_cost(self, need: int, pack: float, params: PlanParams) -> float:
        """Return the cost of bringing `need` units (or what it has) here."""
        qty = self.quantity(need, pack)
        if self.supplier is None:
            return qty * self.lane_cost + params.transfer_line_cost
        return qty * float(self.supplier["unit_cost"]) + params.purchase_order_line_cost


def _options(
    e: pd.Series, row: int, sources: _Sources, allocation: Allocation, idx: int
) -> list[_Option]:
    """Return every source for a shortage: its own DC, lateral surplus and the suppliers."""
    options: list[_Option] = []
    dc = int(sources.own_dc_row.get(idx, -1))
    if dc >= 0:
        name = str(sources.location[dc])
        lane = sources.lanes.get((name, str(e["location"])))
        if lane is not None:
            options.append(
                _Option(ActionKind.TRANSFER, name, dc, allocation.dc_available[dc], lane[0],
                        lane[1], own_dc=True)
            )  # fmt: skip
    candidates = sources.by_target.members(row)
    for source, lane_lead_time, lane_cost in zip(
        sources.lane_source[candidates],
        sources.lane_lead_time[candidates],
        sources.lane_cost[candidates],
        strict=True,
    ):
        if int(source) == dc:
            continue
        options.append(
            _Option(ActionKind.TRANSFER, str(sources.location[source]), int(source),
                    allocation.surplus[source], int(lane_lead_time), float(lane_cost))
        )  # fmt: skip
    for _, supplier in sources.suppliers_of(str(e["sku"])).iterrows():
        options.append(
            _Option(ActionKind.PURCHASE_ORDER, str(supplier["supplier_id"]), -1, math.inf,
                    int(supplier["lead_time"]), 0.0, supplier)
        )  # fmt: skip
    return options


def _shortage(
    idx: int,
    e: pd.Series,
    sources: _Sources,
    allocation: Allocation,
    as_of: date,
    params: PlanParams,
) -> dict[str, object]:
    """Return the action for a shortage exception ("Recommendations": source choice).

    Every source is considered together; the one covering the whole need by the first risk
    date at the lowest landed cost wins. Only when none covers it all in time does a partial
    in-time source take what it has (the rationale names the remainder's source). When nothing
    arrives in time an open PO is expedited (unless a transfer covering it all arrives before
    that PO is due), else the source covering it all at the lowest landed cost plus the margin
    lost while waiting for it.
    """
    row = int(e["row"])
    waits_for: tuple[pd.Series, int, str] | None = None  # the rest waits for this DC PO
    risk_day = int(e["first_risk_day"])
    risk = as_of + timedelta(days=risk_day)
    gap = sources.order_up_to[row] - sources.position[row]
    unmet = float(np.nan_to_num(e["unmet_units"]))
    need = max(math.ceil(gap - 1e-9), math.ceil(unmet - 1e-9), 0)
    head = (
        f"First risk {risk.isoformat()} at {e['location']} (on hand {_n(e['on_hand'])}, "
        f"inbound {_n(e['in_transit'] + e['on_order'])}, forecast "
        f"{e['forecast_daily']:.1f}/day). Need max(order-up-to {_n(sources.order_up_to[row])} "
        f"− position {_n(sources.position[row])}, unmet {_n(unmet)}) = {need}."
    )
    po = sources.open_po(e["sku"], e["location"])
    incoming = allocation.incoming[row]
    if need > 0 and incoming >= need:
        return {
            "rec_rationale": f"{head} Covered by the transfer of {_n(incoming)} from "
            f"{allocation.sent_from.get(row, '')} recommended above."
        }
    need -= int(incoming)
    if need <= 0:
        if po is not None:
            return _expedite(
                po, (e["sku"], e["location"]), head + " The position covers it but arrives late:"
            )
        return {"rec_rationale": head + " Nothing to order: review the timing."}
    pack = float(sources.case_pack.get(e["sku"], 1.0))
    options = [o for o in _options(e, row, sources, allocation, idx) if o.available >= 1]
    if not options and po is None:
        return {"rec_rationale": f"{head} No supplier and no open PO for this SKU."}

    def cost(o: _Option) -> float:
        return o.landed_cost(need, pack, params)

    in_time = [o for o in options if o.arrival_day <= risk_day]
    whole = sorted(
        (o for o in in_time if o.available >= need), key=lambda o: (cost(o), o.arrival_day)
    )
    if whole:
        chosen, remainder = whole[0], None
    elif in_time:
        chosen = max(in_time, key=lambda o: (min(o.available, need), -cost(o)))
        rest = [o for o in options if o is not chosen and o.available >= need - chosen.available]
        remainder = min(rest, key=lambda o: (o.arrival_day, cost(o))) if rest else None
        left = need - int(chosen.quantity(need, pack))
        dc_wait = _own_dc_inbound(idx, e, sources, as_of)
        # The rest is wanted once what the in-time source sends is sold.
        wanted = risk_day + chosen.quantity(need, pack) / max(float(e["forecast_daily"]), 1e-9)
        if (
            left > 0
            and dc_wait is not None
            and _waits_for_dc(dc_wait, remainder, e, left, pack, wanted, sources, params)
        ):
            waits_for = dc_wait
            remainder = None
    else:
        # Late either way: a day later loses that day's margin.
        lost_per_day = max(float(e["unit_price"]) - float(e["unit_cost"]), 0.0) * float(
            e["forecast_daily"]
        )
        late = sorted(
            (o for o in options if o.available >= need),
            key=lambda o: (cost(o) + lost_per_day * (o.arrival_day - risk_day), o.arrival_day),
        )
        first_transfer = next((o for o in late if o.supplier is None), None)
        po_day = (pd.Timestamp(po["expected_date"]).date() - as_of).days if po is not None else 0
        # The own DC's next receipt, shipped on over the lane, may beat every source now.
        dc_wait = _own_dc_inbound(idx, e, sources, as_of)
        if dc_wait is not None and (
            not late
            or _ship_on_cost(dc_wait, e, need, sources, params)
            + lost_per_day * (dc_wait[1] - risk_day)
            < cost(late[0]) + lost_per_day * (late[0].arrival_day - risk_day)
        ):
            dc_po, arrives, dc_name = dc_wait
            direct = (
                f"; the best source now ({late[0].name}) arrives day {late[0].arrival_day}"
                if late
                else ""
            )
            why = (
                f"{head} Nothing reaches it by {risk.isoformat()}; its source {dc_name} receives "
                f"PO {dc_po['po_id']} and can ship it on by day {arrives}{direct}:"
            )
            return _expedite(dc_po, (e["sku"], dc_name), why)
        if po is not None and (first_transfer is None or first_transfer.arrival_day > po_day):
            suppliers = [o for o in options if o.supplier is not None]
            fastest = min(suppliers, key=lambda o: o.arrival_day) if suppliers else None
            why = f"{head} No source can deliver by {risk.isoformat()}" + (
                f" (fastest {fastest.arrival_day} days from {fastest.name}):"
                if fastest is not None
                else ":"
            )
            return _expedite(po, (e["sku"], e["location"]), why)
        if not late:
            late = sorted(options, key=lambda o: (-o.available, o.arrival_day))
        chosen, remainder = late[0], None
    considered = _considered(options, chosen, need, risk_day, pack, params)
    qty = chosen.quantity(need, pack)
    if waits_for is not None and chosen.own_dc:
        qty = min(qty, _bridge(e, waits_for[1], float(sources.position[row]) + incoming))
    lines = line_cost(chosen.kind, qty, chosen.lane_cost, params)
    left = need - int(chosen.quantity(need, pack))
    if remainder is not None and left > 0:
        lines += line_cost(
            remainder.kind, remainder.quantity(left, pack), remainder.lane_cost, params
        )
    loss = float(np.nan_to_num(e["money_at_risk"]))
    routine = bool(sources.position[row] < sources.reorder_point[row] - 1e-9)
    # Only a dip into the safety stock: applied to run-outs too (before the reorder-point
    # condition), cut orders came back as larger routine ones and cost rose at line cost 5.
    if e["type"] == ExceptionType.BELOW_SAFETY_STOCK and not worth_its_line(loss, lines, routine):
        return {
            "rec_rationale": f"{head} Expected loss {loss:.2f} < line cost {lines:.2f} "
            f"({'a transfer' if chosen.supplier is None else 'a purchase order'} from "
            f"{chosen.name}): no order; watch.{considered}"
        }
    if chosen.supplier is not None:
        rec = _purchase(e, chosen.supplier, need, pack, as_of, head, risk)
    else:
        if chosen.own_dc:
            text = (
                f"{head} Replenish {qty} from its source {chosen.name} (on hand "
                f"{_n(sources.on_hand[chosen.row])}, {_n(chosen.available)} not yet allocated "
                f"to its stores) over a {chosen.arrival_day}-day lane."
            )
        else:
            text = (
                f"{head} Transfer {qty} from {chosen.name} (position "
                f"{_n(sources.position[chosen.row])} vs order-up-to "
                f"{_n(sources.order_up_to[chosen.row])}, surplus {_n(chosen.available)}) over a "
                f"{chosen.arrival_day}-day lane."
            )
        allocation.move(chosen.row, row, qty, chosen.name)
        rec = _transfer(chosen.name, qty, e, float(chosen.arrival_day), text)
    if remainder is not None:
        second = _remainder(e, remainder, left, pack, row, allocation) if left > 0 else None
        if second is not None:
            rec["rec_split"] = [second]
            rec["rec_rationale"] = str(rec["rec_rationale"]) + (
                f" No single source covers all {need} by {risk.isoformat()}: a second action "
                f"sends the remaining {left} from {remainder.name} ({_describe(second)}, "
                f"arrives day {remainder.arrival_day})."
            )
    if waits_for is not None:
        dc_po, arrives, dc_name = waits_for
        sent = rec.get("rec_qty")
        rec["rec_rationale"] = str(rec["rec_rationale"]) + (
            f" No single source covers all {need} by {risk.isoformat()}: the remaining "
            f"{need - (sent if isinstance(sent, int) else 0)} waits for {dc_name}'s PO "
            f"{dc_po['po_id']}, which it can ship on by day {arrives}, sooner or cheaper than "
            "ordering it now."
        )
    rec["rec_rationale"] = str(rec["rec_rationale"]) + considered
    return rec


def line_cost(kind: ActionKind, qty: int, lane_cost: float, params: PlanParams) -> float:
    """Return what an action costs beyond the units it brings (they sell either way).

    A purchase order pays its line; a transfer its line and the lane's cost per unit.
    """
    if kind == ActionKind.PURCHASE_ORDER:
        return params.purchase_order_line_cost
    return params.transfer_line_cost + qty * lane_cost


def worth_its_line(expected_loss: float, line_costs: float, routine_line: bool) -> bool:
    """Return whether an order pays for itself: the loss it prevents covers its line costs.

    `expected_loss` is the exception's expected economic loss within the horizon (its
    `money_at_risk`), the most any order can prevent. With `routine_line` (the position is
    below its reorder point, so the routine review orders this SKU-location anyway) the action
    takes that line's place and adds none: it is worth it. Otherwise, when its lines cost more
    than the loss, no order is recommended (the exception stays listed, to watch).
    """
    return routine_line or expected_loss >= line_costs


def _bridge(e: pd.Series, arrives: int, position: float) -> int:
    """Return what carries a store until its DC's inbound PO can reach it (at least 1 unit).

    When the DC's stock on hand cannot cover every store's need and the rest waits for the
    DC's PO, a store takes only its forecast up to the day that PO can be shipped on to it,
    plus its safety stock, less its position: the DC's stock is shared by the stores that run
    short before then (exceptions are handled one by one, largest money first, and the first
    store would otherwise take it all while a sibling runs out).
    """
    days = max(arrives - 1, 0)
    want = float(e["forecast_daily"]) * days + float(e["safety_stock"]) - position
    return max(math.ceil(want - 1e-9), 1)


def _waits_for_dc(
    dc_wait: tuple[pd.Series, int, str],
    remainder: _Option | None,
    e: pd.Series,
    left: int,
    pack: float,
    wanted: float,
    sources: _Sources,
    params: PlanParams,
) -> bool:
    """Return whether a split's rest should wait for the own DC's inbound PO.

    Each way is weighed by what it adds: the DC's PO its lane and a transfer line (its units
    are bought already), a new order its line (and lane), not the units it buys (they sell
    either way), each plus the margin lost per day between `wanted` (the day the in-time
    part runs out) and its arrival. Ordering the rest anew where the DC's PO lands sooner puts
    a second order for the same units on the way, and the store's position then counts an
    order landing after the DC's receipt, so that receipt is not shipped on to it.
    """
    if remainder is None:
        return True
    lost_per_day = max(float(e["unit_price"]) - float(e["unit_cost"]), 0.0) * float(
        e["forecast_daily"]
    )
    wait = _ship_on_cost(dc_wait, e, left, sources, params) + lost_per_day * max(
        dc_wait[1] - wanted, 0.0
    )
    now = remainder.landed_cost(left, pack, params) + lost_per_day * max(
        remainder.arrival_day - wanted, 0.0
    )
    if remainder.supplier is not None:
        now -= remainder.quantity(left, pack) * float(remainder.supplier["unit_cost"])
    return wait < now


def _remainder(
    e: pd.Series, option: _Option, left: int, pack: float, row: int, allocation: Allocation
) -> dict[str, object] | None:
    """Return the split's second action: `left` units from `option` (allocated here)."""
    qty = option.quantity(left, pack)
    if qty < 1:
        return None
    if option.supplier is None:
        allocation.move(option.row, row, qty, option.name)
        return {
            "kind": ActionKind.TRANSFER.value,
            "qty": qty,
            "from_location": option.name,
            "to_location": e["location"],
            "unit_cost": float(e["unit_cost"]),
            "value": round(qty * float(e["unit_cost"]), 2),
            "lead_time_days": float(option.arrival_day),
        }
    cost = float(option.supplier["unit_cost"])
    return {
        "kind": ActionKind.PURCHASE_ORDER.value,
        "qty": qty,
        "to_location": e["location"],
        "supplier_id": option.name,
        "unit_cost": cost,
        "value": round(qty * cost, 2),
        "lead_time_days": float(option.arrival_day),
    }


def _describe(action: dict[str, object]) -> str:
    """Return 'a transfer of 9' / 'a purchase order of 12' for a rationale."""
    kind = "a transfer" if action["kind"] == ActionKind.TRANSFER else "a purchase order"
    return f"{kind} of {action['qty']}"


def _own_dc_inbound(
    idx: int, e: pd.Series, sources: _Sources, as_of: date
) -> tuple[pd.Series, int, str] | None:
    """Return the own DC's earliest open PO, the day it could reach the store, and the DC."""
    dc = int(sources.own_dc_row.get(idx, -1))
    if dc < 0:
        return None
    name = str(sources.location[dc])
    lane = sources.lanes.get((name, str(e["location"])))
    po = sources.open_po(str(e["sku"]), name)
    if lane is None or po is None:
        return None
    due = max((pd.Timestamp(po["expected_date"]).date() - as_of).days, 1)
    return po, due + lane[0], name


def _ship_on_cost(
    dc_wait: tuple[pd.Series, int, str],
    e: pd.Series,
    need: int,
    sources: _Sources,
    params: PlanParams,
) -> float:
    """Return what shipping the DC's receipt on to the store costs: its lane and a line.

    Waiting for the DC's PO still pays the DC-to-store lane, so it is weighed with that cost
    against the sources shipping now (the DC's own stock over the same lane arrives sooner).
    """
    lane = sources.lanes[(dc_wait[2], str(e["location"]))]
    return need * float(lane[1]) + params.transfer_line_cost


def _considered(
    options: list[_Option],
    chosen: _Option,
    need: int,
    risk_day: int,
    pack: float,
    params: PlanParams,
) -> str:
    """Return the rationale's list of the other sources and why each lost."""
    reasons = []
    chosen_cost = chosen.landed_cost(need, pack, params)
    for o in options:
        if o is chosen:
            continue
        if o.arrival_day > risk_day:
            why = f"arrives day {o.arrival_day}, after the risk"
        elif o.available < need:
            why = f"has {_n(o.available)} of {need}"
        else:
            why = f"landed cost {o.landed_cost(need, pack, params):.2f} vs {chosen_cost:.2f}"
        reasons.append(f"{o.name} ({why})")
    return f" Also considered: {'; '.join(reasons)}." if reasons else ""


def _overstock(e: pd.Series, sources: _Sources, allocation: Allocation) -> dict[str, object]:
    """Move surplus to a location of the same SKU below its reorder point, else review markdown."""
    row = int(e["row"])
    text = (
        f"Position {_n(sources.position[row])} vs order-up-to {_n(sources.order_up_to[row])}: "
        f"{_n(allocation.surplus[row])} units of surplus left"
    )
    targets = sources.by_source.members(row)
    if targets.size and allocation.surplus[row] >= 1:
        for target, lane_lead_time in zip(
            sources.lane_target[targets], sources.lane_lead_time[targets], strict=True
        ):
            want = sources.wanted[target] - allocation.incoming[target]
            if want < 1:
                continue
            qty = int(min(allocation.surplus[row], want))
            allocation.move(row, target, qty, str(e["location"]))
            rec = _transfer(
                e["location"],
                qty,
                e,
                float(lane_lead_time),
                f"{text}. Transfer {qty} to {sources.location[target]} (position "
                f"{_n(sources.position[target])} below reorder point "
                f"{_n(sources.reorder_point[target])}, order-up-to "
                f"{_n(sources.order_up_to[target])}) over a {int(lane_lead_time)}-day lane.",
            )
            rec["rec_to_location"] = sources.location[target]
            return rec
    return {
        "rec_rationale": text + "; no location of this SKU below its reorder point over an "
        "existing lane: review for markdown."
    }


def _expedite_late_po(e: pd.Series) -> dict[str, object]:
    """Expedite the late PO itself."""
    qty = int(np.nan_to_num(e["po_qty"]))
    return {
        "rec_kind": ActionKind.EXPEDITE.value,
        "rec_qty": qty,
        "rec_supplier_id": e["supplier_id"],
        "rec_po_id": e["po_id"],
        "rec_unit_cost": float(e["unit_cost"]),
        "rec_value": round(qty * float(e["unit_cost"]), 2),
        "rec_rationale": (
            f"Expedite PO {e['po_id']} ({qty} units from {e['supplier_id']}, overdue at "
            f"{e['location']}): without it {_n(np.nan_to_num(e['unmet_units']))} more units "
            f"go unmet ({e['money_at_risk']:.2f} of margin)."
        ),
    }


def _transfer(
    from_location: object, qty: int, e: pd.Series, lead_time: float, rationale: str
) -> dict[str, object]:
    return {
        "rec_kind": ActionKind.TRANSFER.value,
        "rec_qty": qty,
        "rec_from_location": from_location,
        "rec_unit_cost": float(e["unit_cost"]),
        "rec_value": round(qty * float(e["unit_cost"]), 2),
        "rec_lead_time": lead_time,
        "rec_rationale": rationale,
    }


def _purchase(
    e: pd.Series, sup: pd.Series, need: int, pack: float, as_of: date, head: str, risk: date
) -> dict[str, object]:
    moq = int(sup["moq"])
    qty = int(round_up_to_pack(need, pack, moq))
    lt = int(sup["lead_time"])
    arrive = as_of + timedelta(days=lt)
    timing = "in time" if arrive <= risk else f"after the first risk date {risk.isoformat()}"
    cost = float(sup["unit_cost"])
    return {
        "rec_kind": ActionKind.PURCHASE_ORDER.value,
        "rec_qty": qty,
        "rec_supplier_id": sup["supplier_id"],
        "rec_unit_cost": cost,
        "rec_value": round(qty * cost, 2),
        "rec_lead_time": float(lt),
        "rec_rationale": (
            f"{head} Order {qty} from {sup['supplier_id']} at {cost:.2f}/unit "
            f"(max(need {need}, MOQ {moq}) rounded up to case pack {pack:.0f}); "
            f"{lt}-day lead time, arrives {arrive.isoformat()}, {timing}."
        ),
    }


def _expedite(po: pd.Series, key: tuple[str, str], why: str) -> dict[str, object]:
    qty = int(po["qty"])
    due = pd.Timestamp(po["expected_date"]).date().isoformat()
    return {
        "rec_kind": ActionKind.EXPEDITE.value,
        "rec_qty": qty,
        "rec_supplier_id": po["supplier_id"],
        "rec_po_id": po["po_id"],
        "rec_to_location": key[1],
        "rec_rationale": (
            f"{why} expedite open PO {po['po_id']} ({qty} units from {po['supplier_id']}, "
            f"due {due})."
        ),
    }
