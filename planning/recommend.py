"""Recommend one action per exception: transfer, purchase order, expedite or none.

Rules are in `docs/planning.md` ("Recommendations"). Candidate transfers and suppliers are found
with merges on SKU; surplus is then allocated greedily in money order so that no surplus unit is
promised twice.
"""

from __future__ import annotations

import math
from datetime import date, timedelta

import numpy as np
import pandas as pd

from planning.exceptions import SHORTAGE_TYPES
from planning.network import NetworkData

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

    pos_val = positions["position"].to_numpy(float)
    s_val = positions["order_up_to"].to_numpy(float)
    rop_val = positions["reorder_point"].to_numpy(float)
    loc_arr = positions["location_id"].to_numpy(object)
    # Surplus above each location's own order-up-to, shared by every exception.
    surplus = np.floor(np.maximum(pos_val - s_val, 0.0) + 1e-9)
    # What a DC can ship to its own stores now: all it holds, most urgent store first. Its
    # safety stock protects store service, and the DC's own order refills it.
    on_hand_val = positions["on_hand"].to_numpy(float)
    ship_avail = np.floor(np.maximum(on_hand_val, 0.0) + 1e-9)
    # Units wanted by locations below their reorder point (targets of overstock moves).
    wanted = np.where(pos_val < rop_val, np.ceil(s_val - pos_val - 1e-9), 0.0)

    lanes = data.lanes.rename(columns={"lead_time_days": "lane_lt", "cost_per_unit": "lane_cost"})
    opts = supplier_options(data)
    pack = data.items.set_index("sku")["case_pack"].astype(float)
    open_po = data.purchase_orders[data.purchase_orders["status"] == "open"].sort_values(
        ["expected_date", "po_id"]
    )
    first_po = open_po.drop_duplicates(["sku", "location_id"]).set_index(["sku", "location_id"])

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
    pair_from = pairs["_row"].to_numpy()
    pair_to = pairs["_to_row"].to_numpy()
    pair_lt = pairs["lane_lt"].to_numpy()
    pair_cost = pairs["lane_cost"].to_numpy()
    by_target = _Groups(pair_to)
    by_source = _Groups(pair_from)

    short = exceptions[exceptions["type"].isin(SHORTAGE_TYPES)]
    # Each shortage's source DC row (-1: none) and the lane from it.
    pos_index = pd.MultiIndex.from_arrays([positions["sku"], positions["location_id"]])
    src_loc = positions["source_location"].to_numpy(object)[short["row"].to_numpy(int)]
    src_row = dict(
        zip(
            short.index,
            pos_index.get_indexer(pd.MultiIndex.from_arrays([short["sku"], src_loc])),
            strict=True,
        )
    )
    lane_lookup = {
        (f, t): (int(lt), float(c))
        for f, t, lt, c in zip(
            lanes["from_location"],
            lanes["to_location"],
            lanes["lane_lt"],
            lanes["lane_cost"],
            strict=True,
        )
    }
    best = _best_supplier(short, opts)
    fastest = _fastest_supplier(short, opts)
    incoming = np.zeros(len(positions))  # units already sent to a location by an earlier rec
    sent_from: dict[int, str] = {}
    recs: dict[int, dict[str, object]] = {}

    def shortage(idx: int, e: pd.Series) -> dict[str, object]:
        r = int(e["row"])
        risk = as_of + timedelta(days=int(e["first_risk_day"]))
        gap = s_val[r] - pos_val[r]
        unmet = float(np.nan_to_num(e["unmet_units"]))
        need = max(math.ceil(gap - 1e-9), math.ceil(unmet - 1e-9), 0)
        head = (
            f"First risk {risk.isoformat()} at {e['location']} (on hand {_n(e['on_hand'])}, "
            f"inbound {_n(e['in_transit'] + e['on_order'])}, forecast {e['d']:.1f}/day). "
            f"Need max(order-up-to {_n(s_val[r])} − position {_n(pos_val[r])}, "
            f"unmet {_n(unmet)}) = {need}."
        )
        sup = best.loc[idx] if idx in best.index else None
        po_key = (e["sku"], e["location"])
        po = first_po.loc[po_key] if po_key in first_po.index else None
        if need > 0 and incoming[r] >= need:
            return {
                "rec_rationale": f"{head} Covered by the transfer of {_n(incoming[r])} from "
                f"{sent_from.get(r, '')} recommended above."
            }
        need -= int(incoming[r])
        if need <= 0:
            if po is not None:
                return _expedite(po, po_key, head + " The position covers it but arrives late:")
            return {"rec_rationale": head + " Nothing to order: review the timing."}
        in_time = sup is not None and int(sup["lead_time"]) <= int(e["first_risk_day"])
        # 1. Transfer from true surplus over a lane faster or cheaper than buying; a partial
        # quantity only when no purchase order could arrive in time.
        cands = by_target.members(r)
        if cands.size:
            for src, lane_lt, lane_cost in zip(
                pair_from[cands], pair_lt[cands], pair_cost[cands], strict=True
            ):
                if surplus[src] < 1:
                    continue
                if sup is not None and not (
                    lane_lt < sup["lead_time"] or lane_cost < sup["unit_cost"]
                ):
                    continue
                qty = int(min(need, surplus[src]))
                if qty < need and in_time:
                    continue
                vs = (
                    f" vs {int(sup['lead_time'])} days from {sup['supplier_id']}"
                    if sup is not None
                    else ""
                )
                text = (
                    f"{head} Transfer {qty} from {loc_arr[src]} (position {_n(pos_val[src])} vs "
                    f"order-up-to {_n(s_val[src])}, surplus {_n(surplus[src])}) over a "
                    f"{int(lane_lt)}-day lane{vs}."
                )
                surplus[src] -= qty
                ship_avail[src] = max(ship_avail[src] - qty, 0.0)
                incoming[r] += qty
                sent_from[r] = str(loc_arr[src])
                return {
                    "rec_kind": "transfer",
                    "rec_qty": qty,
                    "rec_from_location": loc_arr[src],
                    "rec_unit_cost": float(e["unit_cost"]),
                    "rec_value": round(qty * float(e["unit_cost"]), 2),
                    "rec_lead_time": float(lane_lt),
                    "rec_rationale": text,
                }
        # 2. Replenish from the store's own DC, keeping the DC's safety stock; a partial
        # shipment only when no purchase order could arrive in time.
        sr = int(src_row.get(idx, -1))
        lane = lane_lookup.get((str(loc_arr[sr]), str(e["location"]))) if sr >= 0 else None
        if lane is not None and ship_avail[sr] >= 1 and (ship_avail[sr] >= need or not in_time):
            qty = int(min(need, ship_avail[sr]))
            text = (
                f"{head} Replenish {qty} from its source {loc_arr[sr]} (on hand "
                f"{_n(on_hand_val[sr])}, {_n(ship_avail[sr])} not yet allocated to its stores) "
                f"over a {lane[0]}-day lane."
            )
            ship_avail[sr] -= qty
            surplus[sr] = max(surplus[sr] - qty, 0.0)
            incoming[r] += qty
            sent_from[r] = str(loc_arr[sr])
            return {
                "rec_kind": "transfer",
                "rec_qty": qty,
                "rec_from_location": loc_arr[sr],
                "rec_unit_cost": float(e["unit_cost"]),
                "rec_value": round(qty * float(e["unit_cost"]), 2),
                "rec_lead_time": float(lane[0]),
                "rec_rationale": text,
            }
        # 3. Purchase order when a supplier arrives in time; 4. else expedite an open PO.
        if sup is None and po is None:
            return {"rec_rationale": f"{head} No supplier and no open PO for this SKU."}
        if in_time or po is None:
            assert sup is not None
            return _purchase(e, sup, need, float(pack.get(e["sku"], 1.0)), as_of, head, risk)
        f = fastest.loc[idx]
        why = (
            f"{head} No supplier can deliver by {risk.isoformat()} (fastest "
            f"{int(f['lead_time'])} days from {f['supplier_id']}):"
        )
        return _expedite(po, po_key, why)

    def overstock(e: pd.Series) -> dict[str, object]:
        r = int(e["row"])
        text = (
            f"Position {_n(pos_val[r])} vs order-up-to {_n(s_val[r])}: "
            f"{_n(surplus[r])} units of surplus left"
        )
        targets = by_source.members(r)
        if targets.size and surplus[r] >= 1:
            for dst, lane_lt in zip(pair_to[targets], pair_lt[targets], strict=True):
                want = wanted[dst] - incoming[dst]
                if want < 1:
                    continue
                qty = int(min(surplus[r], want))
                surplus[r] -= qty
                ship_avail[r] = max(ship_avail[r] - qty, 0.0)
                incoming[dst] += qty
                sent_from[dst] = str(e["location"])
                return {
                    "rec_kind": "transfer",
                    "rec_qty": qty,
                    "rec_from_location": e["location"],
                    "rec_to_location": loc_arr[dst],
                    "rec_unit_cost": float(e["unit_cost"]),
                    "rec_value": round(qty * float(e["unit_cost"]), 2),
                    "rec_lead_time": float(lane_lt),
                    "rec_rationale": (
                        f"{text}. Transfer {qty} to {loc_arr[dst]} (position "
                        f"{_n(pos_val[dst])} below reorder point {_n(rop_val[dst])}, "
                        f"order-up-to {_n(s_val[dst])}) over a {int(lane_lt)}-day lane."
                    ),
                }
        return {
            "rec_rationale": text + "; no location of this SKU below its reorder point over an "
            "existing lane: review for markdown."
        }

    def late_po(e: pd.Series) -> dict[str, object]:
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

    # One pass in rank order, so larger money at risk gets the surplus first.
    for idx, e in exceptions.iterrows():
        kind = e["type"]
        if kind in SHORTAGE_TYPES:
            rec = shortage(int(idx), e)
            rec["rec_to_location"] = e["location"]
        elif kind == "overstock":
            rec = overstock(e)
        elif kind == "late_po":
            rec = late_po(e)
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


def _purchase(
    e: pd.Series, sup: pd.Series, need: int, pack: float, as_of: date, head: str, risk: date
) -> dict[str, object]:
    moq = int(sup["moq"])
    qty = int(math.ceil(max(need, moq) / max(pack, 1.0) - 1e-9) * max(pack, 1.0))
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
