"""Recommend one action per exception: transfer, purchase order, expedite or none.

Rules are in `docs/planning.md` ("Recommendations"). Candidate transfers and suppliers are found
with merges on SKU; surplus is then allocated greedily in money order so that no surplus unit is
promised twice.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np
import pandas as pd

from planning.exceptions import SHORTAGE_TYPES
from planning.network import NetworkData
from planning.policy import round_up_to_pack

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
)


def supplier_options(data: NetworkData) -> pd.DataFrame:
    """Return one row per SKU-supplier: lead time, lead-time std, unit cost, MOQ, primary."""
    opts = data.item_suppliers.merge(
        data.suppliers[["supplier_id", "lead_time_days", "lead_time_std_days"]],
        on="supplier_id",
        how="left",
        suffixes=("", "_sup"),
    )
    lt = opts["lead_time_days"].fillna(opts["lead_time_days_sup"]).fillna(0.0)
    return pd.DataFrame(
        {
            "sku": opts["sku"],
            "supplier_id": opts["supplier_id"],
            "lead_time": lt.astype(np.int64),
            "lead_time_std": opts["lead_time_std_days"].fillna(0.0).astype(float),
            "unit_cost": opts["unit_cost"].astype(float),
            "moq": opts["moq"].astype(np.int64),
            "primary": opts["primary"].astype(bool),
        }
    )


def _best_supplier(exc: pd.DataFrame, opts: pd.DataFrame) -> pd.DataFrame:
    """Return the best supplier per exception index: in time first, then cost, then primary."""
    m = exc[["sku", "first_risk_day"]].reset_index(names="_exc").merge(opts, on="sku")
    m["_late"] = m["lead_time"] > m["first_risk_day"]
    m = m.sort_values(
        ["_exc", "_late", "unit_cost", "primary", "lead_time", "supplier_id"],
        ascending=[True, True, True, False, True, True],
        kind="stable",
    )
    return m.drop_duplicates("_exc").set_index("_exc")


def _fastest_supplier(exc: pd.DataFrame, opts: pd.DataFrame) -> pd.DataFrame:
    m = exc[["sku"]].reset_index(names="_exc").merge(opts, on="sku")
    m = m.sort_values(["_exc", "lead_time", "unit_cost"], kind="stable")
    return m.drop_duplicates("_exc").set_index("_exc")


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
        cls, position: np.ndarray, order_up_to: np.ndarray, on_hand: np.ndarray
    ) -> Allocation:
        """Return the pools before any recommendation.

        A DC can ship all it holds to its own stores (its safety stock protects store service
        and is refilled by its own order); any other move takes only stock above the source's
        order-up-to level.
        """
        return cls(
            surplus=np.floor(np.maximum(position - order_up_to, 0.0) + 1e-9),
            dc_available=np.floor(np.maximum(on_hand, 0.0) + 1e-9),
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
    best_supplier: pd.DataFrame  # per exception index
    fastest_supplier: pd.DataFrame  # per exception index
    first_open_po: pd.DataFrame  # the earliest open PO per (sku, location_id)
    case_pack: pd.Series

    def open_po(self, sku: str, location: str) -> pd.Series | None:
        """Return the earliest open PO of a SKU-location, or None."""
        key = (sku, location)
        return self.first_open_po.loc[key] if key in self.first_open_po.index else None


def _sources(exceptions: pd.DataFrame, positions: pd.DataFrame, data: NetworkData) -> _Sources:
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
    opts = supplier_options(data)
    return _Sources(
        position=position,
        order_up_to=order_up_to,
        reorder_point=reorder_point,
        on_hand=positions["on_hand"].to_numpy(float),
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
        best_supplier=_best_supplier(short, opts),
        fastest_supplier=_fastest_supplier(short, opts),
        first_open_po=open_po.drop_duplicates(["sku", "location_id"]).set_index(
            ["sku", "location_id"]
        ),
        case_pack=data.items.set_index("sku")["case_pack"].astype(float),
    )


def recommend(
    exceptions: pd.DataFrame, positions: pd.DataFrame, data: NetworkData, as_of: date
) -> pd.DataFrame:
    """Return the recommendation columns (`REC_COLUMNS`) aligned with `exceptions`' index.

    `positions` has one row per SKU-location with at least sku, location_id, source_location,
    on_hand, position, safety_stock, reorder_point, order_up_to and unit_cost;
    `exceptions["row"]` indexes it by position.
    """
    out = pd.DataFrame(index=exceptions.index)
    out["rec_kind"] = "none"
    out["rec_qty"] = 0
    for c in ("rec_from_location", "rec_to_location", "rec_supplier_id", "rec_po_id"):
        out[c] = ""
    out["rec_unit_cost"] = np.nan
    out["rec_value"] = 0.0
    out["rec_lead_time"] = np.nan
    out["rec_rationale"] = ""
    if not len(exceptions):
        return out[list(REC_COLUMNS)]

    sources = _sources(exceptions, positions, data)
    allocation = Allocation.start(sources.position, sources.order_up_to, sources.on_hand)
    recs: dict[int, dict[str, object]] = {}
    # One pass in rank order, so larger money at risk gets the surplus first.
    for idx, e in exceptions.iterrows():
        kind = e["type"]
        if kind in SHORTAGE_TYPES:
            rec = _shortage(int(idx), e, sources, allocation, as_of)
            rec["rec_to_location"] = e["location"]
        elif kind == "overstock":
            rec = _overstock(e, sources, allocation)
        elif kind == "late_po":
            rec = _expedite_late_po(e)
            rec["rec_to_location"] = e["location"]
        elif kind == "forecast_bias":
            rec = {"rec_rationale": f"Review the forecast: {e['detail']}"}
        else:
            rec = {"rec_rationale": f"Count the stock at {e['location']}: {e['detail']}"}
        recs[int(idx)] = rec

    if recs:
        upd = pd.DataFrame.from_dict(recs, orient="index")
        for c in upd.columns:
            vals = upd[c].dropna()
            out.loc[vals.index, c] = vals.to_numpy()
    out["rec_qty"] = out["rec_qty"].astype(np.int64)
    return out[list(REC_COLUMNS)]


def _shortage(
    idx: int, e: pd.Series, sources: _Sources, allocation: Allocation, as_of: date
) -> dict[str, object]:
    """Return the action for a shortage exception (rules 1-5 of "Recommendations")."""
    row = int(e["row"])
    risk = as_of + timedelta(days=int(e["first_risk_day"]))
    gap = sources.order_up_to[row] - sources.position[row]
    unmet = float(np.nan_to_num(e["unmet_units"]))
    need = max(math.ceil(gap - 1e-9), math.ceil(unmet - 1e-9), 0)
    head = (
        f"First risk {risk.isoformat()} at {e['location']} (on hand {_n(e['on_hand'])}, "
        f"inbound {_n(e['in_transit'] + e['on_order'])}, forecast "
        f"{e['forecast_daily']:.1f}/day). Need max(order-up-to {_n(sources.order_up_to[row])} "
        f"− position {_n(sources.position[row])}, unmet {_n(unmet)}) = {need}."
    )
    supplier = sources.best_supplier.loc[idx] if idx in sources.best_supplier.index else None
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
    in_time = supplier is not None and int(supplier["lead_time"]) <= int(e["first_risk_day"])
    transfer = _transfer_from_surplus(e, row, need, in_time, supplier, head, sources, allocation)
    if transfer is None:
        transfer = _replenish_from_own_dc(idx, e, row, need, in_time, head, sources, allocation)
    if transfer is not None:
        return transfer
    return _purchase_or_expedite(idx, e, need, in_time, supplier, po, head, risk, sources, as_of)


def _transfer_from_surplus(
    e: pd.Series,
    row: int,
    need: int,
    in_time: bool,
    supplier: pd.Series | None,
    head: str,
    sources: _Sources,
    allocation: Allocation,
) -> dict[str, object] | None:
    """Rule 1: a transfer from true surplus over a lane faster or cheaper than buying.

    A partial quantity only when no purchase order could arrive in time.
    """
    candidates = sources.by_target.members(row)
    for source, lane_lead_time, lane_cost in zip(
        sources.lane_source[candidates],
        sources.lane_lead_time[candidates],
        sources.lane_cost[candidates],
        strict=True,
    ):
        surplus = allocation.surplus[source]
        if surplus < 1:
            continue
        if supplier is not None and not (
            lane_lead_time < supplier["lead_time"] or lane_cost < supplier["unit_cost"]
        ):
            continue
        qty = int(min(need, surplus))
        if qty < need and in_time:
            continue
        vs = (
            f" vs {int(supplier['lead_time'])} days from {supplier['supplier_id']}"
            if supplier is not None
            else ""
        )
        name = str(sources.location[source])
        text = (
            f"{head} Transfer {qty} from {name} (position {_n(sources.position[source])} vs "
            f"order-up-to {_n(sources.order_up_to[source])}, surplus {_n(surplus)}) over a "
            f"{int(lane_lead_time)}-day lane{vs}."
        )
        allocation.move(source, row, qty, name)
        return _transfer(name, qty, e, float(lane_lead_time), text)
    return None


def _replenish_from_own_dc(
    idx: int,
    e: pd.Series,
    row: int,
    need: int,
    in_time: bool,
    head: str,
    sources: _Sources,
    allocation: Allocation,
) -> dict[str, object] | None:
    """Rule 2: a store replenished from its own DC, from all the DC holds.

    A partial shipment only when no purchase order could arrive in time.
    """
    dc = int(sources.own_dc_row.get(idx, -1))
    if dc < 0:
        return None
    name = str(sources.location[dc])
    lane = sources.lanes.get((name, str(e["location"])))
    available = allocation.dc_available[dc]
    if lane is None or available < 1 or (available < need and in_time):
        return None
    qty = int(min(need, available))
    text = (
        f"{head} Replenish {qty} from its source {name} (on hand "
        f"{_n(sources.on_hand[dc])}, {_n(available)} not yet allocated to its stores) "
        f"over a {lane[0]}-day lane."
    )
    allocation.move(dc, row, qty, name)
    return _transfer(name, qty, e, float(lane[0]), text)


def _purchase_or_expedite(
    idx: int,
    e: pd.Series,
    need: int,
    in_time: bool,
    supplier: pd.Series | None,
    po: pd.Series | None,
    head: str,
    risk: date,
    sources: _Sources,
    as_of: date,
) -> dict[str, object]:
    """Rules 3-5: buy when a supplier arrives in time, else expedite an open PO, else buy late."""
    if supplier is None and po is None:
        return {"rec_rationale": f"{head} No supplier and no open PO for this SKU."}
    if in_time or po is None:
        assert supplier is not None
        pack = float(sources.case_pack.get(e["sku"], 1.0))
        return _purchase(e, supplier, need, pack, as_of, head, risk)
    fastest = sources.fastest_supplier.loc[idx]
    why = (
        f"{head} No supplier can deliver by {risk.isoformat()} (fastest "
        f"{int(fastest['lead_time'])} days from {fastest['supplier_id']}):"
    )
    return _expedite(po, (e["sku"], e["location"]), why)


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
        "rec_kind": "expedite",
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
        "rec_kind": "transfer",
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
        "rec_kind": "purchase_order",
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
        "rec_kind": "expedite",
        "rec_qty": qty,
        "rec_supplier_id": po["supplier_id"],
        "rec_po_id": po["po_id"],
        "rec_to_location": key[1],
        "rec_rationale": (
            f"{why} expedite open PO {po['po_id']} ({qty} units from {po['supplier_id']}, "
            f"due {due})."
        ),
    }
