"""Turn a plan into routine replenishment orders (pure): at each review, order up to S.

The engine raises exceptions only; this is the regular review on top of the same policy levels
(`docs/planning.md`, "Lead time and policy"). For every SKU-location whose inventory position is
below its order-up-to level at a review, the need is `ceil(order_up_to - position)`:

- a store with a source DC and a lane from it gets a transfer from the DC's stock on hand
  (shared by that DC's stores, largest need first), capped at the need; when the DC can ship
  nothing the store waits for the DC's next shipment (with `transfers=False` it buys);
- a DC (or a store without a source) gets a purchase order.

A purchase order goes to the best supplier of `planning.recommend.supplier_options`: lowest unit
cost, then the primary, then the shortest lead time; quantity `max(need, MOQ)` rounded up to whole
case packs. A line the MOQ raises above its need waits a review where waiting costs less
(`planning.policy.moq_order_beats_waiting`, `PlanParams.moq_round_up_or_skip`; a DC judged with
the stores it feeds). Units a DC ships in this round are taken off its position before its own
need is computed, so it reorders what its stores just pulled.

`plan_orders` is the order list of a plan: the exceptions' recommended transfers and purchase
orders, then the routine orders of the SKU-locations no exception covers (an exception's action
replaces the routine line for its SKU-location, so nothing is ordered twice); a routine transfer
is cut to what its DC can still ship after the exceptions' transfers. The simulation and the
copilot's order list both use it.

Between reviews, `receipt_transfers` sends what a DC received today on to its stores that would
run short before the next review's shipment lands (docs/planning.md, "Receipt forwarding").
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from planning.engine import Plan, exception_id
from planning.network import NetworkData
from planning.policy import (
    moq_order_beats_waiting,
    moq_wait_costs,
    round_up_to_pack,
    spare_stock,
)
from planning.recommend import supplier_options
from stockpilot.vocabulary import DRAFTABLE_KINDS, ActionKind

ORDER_COLUMNS: tuple[str, ...] = (
    "kind",
    "sku",
    "location_id",
    "from_location",
    "supplier_id",
    "qty",
    "unit_cost",
    "lead_time",
    "reason",
)

PLAN_ORDER_COLUMNS: tuple[str, ...] = (*ORDER_COLUMNS, "exception_id", "exception_type", "part")

MOQ_WAIT_COLUMNS: tuple[str, ...] = (
    "sku",
    "location_id",
    "supplier_id",
    "position",
    "reorder_point",
    "echelon_position",
    "need",
    "moq",
    "qty",
    "unit_cost",
    "cost_of_waiting",
    "cost_of_holding_moq",
    "reason",
)
"""The purchase order lines that wait a review for an MOQ round-up (`routine_review`): the
position and reorder point the need came from, the position the costs are judged on (a DC's
with its stores' added, `echelon_position`), the need, the supplier's MOQ and the quantity it would
have ordered, and the two costs compared over one review (`planning.policy.moq_wait_costs`):
the margin expected lost by waiting, and the holding of the MOQ's units. Never ordered."""
"""`plan_orders`' columns: an exception's lines name it (its id and type; `part` 1, 2... for a
split's further actions); a routine line has empty ones."""


def _best_suppliers(data: NetworkData) -> pd.DataFrame:
    """Return the routine supplier per SKU: lowest cost, then primary, then shortest lead time."""
    opts = supplier_options(data).sort_values(
        ["sku", "unit_cost", "primary", "lead_time", "supplier_id"],
        ascending=[True, True, False, True, True],
        kind="stable",
    )
    return opts.drop_duplicates("sku").set_index("sku")


def _po_reason(position: float, reorder_point: float, order_up_to: float, shipped: float) -> str:
    """Say why a purchase order line is there; a DC's position counts what it ships now."""
    if shipped >= 1:
        return (
            f"position {position + shipped:.0f} less {shipped:.0f} shipped to its stores now = "
            f"{position:.0f}, below reorder point {reorder_point:.0f}: order up to "
            f"{order_up_to:.0f}"
        )
    return (
        f"position {position:.0f} below reorder point {reorder_point:.0f}: "
        f"order up to {order_up_to:.0f}"
    )


def _purchase_orders(need: pd.DataFrame, data: NetworkData) -> pd.DataFrame:
    """Return purchase orders for the rows of `need` (columns sku, location_id, need).

    A DC's row may carry `shipped`: what it ships to its stores in this round, already off its
    position; its reason then shows both.
    """
    best = _best_suppliers(data)
    need = need[need["sku"].isin(best.index)]
    sup = best.loc[need["sku"]]
    pack = need["sku"].map(data.items.set_index("sku")["case_pack"]).to_numpy(float)
    qty = round_up_to_pack(need["need"].to_numpy(float), pack, sup["moq"].to_numpy(float))
    return pd.DataFrame(
        {
            "kind": ActionKind.PURCHASE_ORDER.value,
            "sku": need["sku"].to_numpy(object),
            "location_id": need["location_id"].to_numpy(object),
            "from_location": "",
            "supplier_id": sup["supplier_id"].to_numpy(object),
            "qty": qty,
            "unit_cost": sup["unit_cost"].to_numpy(float),
            "lead_time": sup["lead_time"].to_numpy(float),
            "reason": [
                _po_reason(p, r, s, sh)
                for p, r, s, sh in zip(
                    need["position"],
                    need["reorder_point"],
                    need["order_up_to"],
                    need["shipped"].fillna(0.0) if "shipped" in need else np.zeros(len(need)),
                    strict=True,
                )
            ],
        }
    )


def _transfer_orders(
    rows: pd.DataFrame,
    *,
    source: pd.Series,
    qty: pd.Series,
    lead_time: pd.Series,
    reason: list[str],
) -> pd.DataFrame:
    """Return transfer orders (columns `ORDER_COLUMNS`) for `rows` (sku, location_id, unit_cost).

    One constructor for the routine review's shipments and receipt forwarding alike.
    """
    return pd.DataFrame(
        {
            "kind": ActionKind.TRANSFER.value,
            "sku": rows["sku"].to_numpy(object),
            "location_id": rows["location_id"].to_numpy(object),
            "from_location": source.to_numpy(object),
            "supplier_id": "",
            "qty": qty.to_numpy(np.int64),
            "unit_cost": rows["unit_cost"].to_numpy(float),
            "lead_time": lead_time.to_numpy(float),
            "reason": reason,
        }
    ).reset_index(drop=True)


def _stores_ahead(
    frame: pd.DataFrame, is_dc: np.ndarray, shipped: pd.DataFrame, lanes: pd.Index, review: int
) -> pd.Series:
    """Return, per (sku, DC), how far its stores' positions stand above their mean position.

    A store orders from its DC only once its position falls below s, so what the DC will ship
    over its protection interval is its stores' demand plus their position then less their
    position now. After a review a store's position is S, then S − d·R, ... for the
    `m = floor((S − s) / (d·R))` reviews its lot lasts before it orders again (d its daily
    forecast): mean `S − m·d·R / 2`. A store just filled pulls less than its forecast over
    the DC's interval, one below s more. `shipped` carries the units (`_qty`) the DC ships its
    stores this review.
    """
    stores = frame[~is_dc & (frame["source"].to_numpy(object) != "")]
    on_lane = pd.MultiIndex.from_arrays([stores["source"], stores["location_id"]]).isin(lanes)
    stores = stores[on_lane]
    position = stores["position"].to_numpy(float)
    if "_qty" in shipped:
        sent = shipped["_qty"].where(shipped["_qty"] >= 1, 0.0).reindex(stores.index)
        position = position + np.nan_to_num(sent.to_numpy(float))
    top = stores["order_up_to"].to_numpy(float)
    per_review = np.maximum(stores["forecast_daily"].to_numpy(float), 0.0) * max(review, 1)
    lot = np.maximum(top - stores["reorder_point"].to_numpy(float), 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        reviews = np.where(
            per_review > 0, np.floor(lot / np.where(per_review > 0, per_review, 1)), 0
        )
    mean = top - reviews * per_review / 2
    ahead = pd.Series(
        position - mean, index=pd.MultiIndex.from_arrays([stores["sku"], stores["source"]])
    )
    return ahead.groupby(level=[0, 1]).sum()


def _moq_order_pays(
    orders: pd.DataFrame, buy: pd.DataFrame, pos: pd.DataFrame, data: NetworkData, params: Any
) -> tuple[np.ndarray, pd.DataFrame]:
    """Return the purchase orders to keep, and the lines waiting for an MOQ round-up.

    `planning.policy.moq_order_beats_waiting`'s rule on `moq_wait_costs` per line: a line
    the MOQ raises above its need (in whole case packs) waits when waiting costs less than
    holding. A DC is judged with the stores it feeds, as its safety stock is
    (`planning.engine`, the echelon rule): their positions and its own against the stores'
    demand until the receipt reaches a shelf (the DC's lead time plus the longest lane), its
    pooled one-day error, the unit cost's holding and the margin of a sale lost. Any other
    buying row on its own position and lead time. The waiting lines: `MOQ_WAIT_COLUMNS`.
    """
    key = pd.MultiIndex.from_arrays([orders["sku"], orders["location_id"]])
    at = pos.set_index(["sku", "location_id"]).reindex(key)
    position = at["position"].to_numpy(float)
    lead_time = orders["lead_time"].to_numpy(float)
    stores = pos[(pos["location_type"] != "dc") & (pos["source_location"].fillna("") != "")]
    if len(stores) and not data.lanes.empty:
        lanes = data.lanes.set_index(["from_location", "to_location"])["lead_time_days"]
        lane = lanes.reindex(
            pd.MultiIndex.from_arrays([stores["source_location"], stores["location_id"]])
        ).to_numpy(float)
        fed = stores.assign(_lane=lane)[~np.isnan(lane)]
        by_dc = fed.groupby(["sku", "source_location"]).agg(
            _held=("position", "sum"), _lane=("_lane", "max")
        )
        echelon = by_dc.reindex(key)
        position = position + np.nan_to_num(echelon["_held"].to_numpy(float))
        lead_time = lead_time + np.nan_to_num(echelon["_lane"].to_numpy(float))
    row = buy.set_index(["sku", "location_id"]).reindex(key)
    need = row["need"].to_numpy(float)
    pack = orders["sku"].map(data.items.set_index("sku")["case_pack"]).to_numpy(float)
    unit_cost = orders["unit_cost"].to_numpy(float)
    qty = orders["qty"].to_numpy(float)
    line: dict[str, Any] = {
        "qty": qty,
        "position": position,
        "daily": at["forecast_daily"].to_numpy(float),
        "sigma": at["sigma"].to_numpy(float),
        "lead_time": lead_time,
        "lead_time_std": at["lead_time_std"].to_numpy(float),
        "review": int(params.review_period_days),
        "holding_per_day": params.holding_per_unit_day * unit_cost,
        "shortage_cost": np.maximum(at["unit_price"].to_numpy(float) - unit_cost, 0.0),
    }
    # The one MOQ rule (`moq_order_beats_waiting`) decides; its two costs are listed beside.
    waits = ~moq_order_beats_waiting(lot=round_up_to_pack(need, pack, 0.0), **line)
    waiting, holding = moq_wait_costs(**line)
    terms = _best_suppliers(data)
    moq = orders["sku"].map(terms["moq"]).fillna(0.0).to_numpy(float)
    w = orders[waits]
    r = row[waits]
    review = int(params.review_period_days)
    waiting_lines = pd.DataFrame(
        {
            "sku": w["sku"].to_numpy(object),
            "location_id": w["location_id"].to_numpy(object),
            "supplier_id": w["supplier_id"].to_numpy(object),
            "position": r["position"].to_numpy(float),
            "reorder_point": r["reorder_point"].to_numpy(float),
            "echelon_position": position[waits],
            "need": need[waits],
            "moq": moq[waits],
            "qty": qty[waits].astype(np.int64),
            "unit_cost": unit_cost[waits],
            "cost_of_waiting": np.round(waiting[waits], 2),
            "cost_of_holding_moq": np.round(holding[waits], 2),
        }
    )
    waiting_lines["reason"] = [
        f"position {p:.0f} below reorder point {rp:.0f} needs {n:.0f}, but {sup}'s MOQ makes it "
        f"{q:.0f}: waiting a review (expected lost margin {cw:.2f}"
        + (f", its stores' stock counted: {e:.0f}" if e > p + 0.5 else "")
        + f") costs less than holding the {q:.0f} units {review} days ({ch:.2f}); no order "
        "this review"
        for p, e, rp, n, sup, q, cw, ch in zip(
            waiting_lines["position"],
            waiting_lines["echelon_position"],
            waiting_lines["reorder_point"],
            waiting_lines["need"],
            waiting_lines["supplier_id"],
            waiting_lines["qty"],
            waiting_lines["cost_of_waiting"],
            waiting_lines["cost_of_holding_moq"],
            strict=True,
        )
    ]
    return np.asarray(~waits, dtype=bool), waiting_lines[list(MOQ_WAIT_COLUMNS)]


def moq_waits_empty() -> pd.DataFrame:
    """Return an empty frame of MOQ-waiting lines (`MOQ_WAIT_COLUMNS`)."""
    return pd.DataFrame({c: [] for c in MOQ_WAIT_COLUMNS})


def replenishment_orders(plan: Plan, data: NetworkData, *, transfers: bool = True) -> pd.DataFrame:
    """Return the routine orders of a plan (columns `ORDER_COLUMNS`, one row per order)."""
    return routine_review(plan, data, transfers=transfers)[0]


def routine_review(
    plan: Plan, data: NetworkData, *, transfers: bool = True
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return the routine orders of a plan and the purchase orders waiting for an MOQ round-up.

    The orders: `replenishment_orders`. The waiting lines (`MOQ_WAIT_COLUMNS`): below the
    reorder point, but skipped this review (`PlanParams.moq_round_up_or_skip`); empty with it off.
    """
    pos = plan.positions
    position = pos["position"].to_numpy(float)
    reorder_point = pos["reorder_point"].to_numpy(float)
    order_up_to = pos["order_up_to"].to_numpy(float)
    is_dc = pos["location_type"].to_numpy(object) == "dc"
    need = np.where(position < reorder_point - 1e-9, np.ceil(order_up_to - position - 1e-9), 0.0)
    frame = pd.DataFrame(
        {
            "sku": pos["sku"].to_numpy(object),
            "location_id": pos["location_id"].to_numpy(object),
            "source": pos["source_location"].to_numpy(object),
            "need": need,
            "position": position,
            "reorder_point": reorder_point,
            "order_up_to": order_up_to,
            "forecast_daily": pos["forecast_daily"].to_numpy(float),
            "unit_cost": pos["unit_cost"].to_numpy(float),
        }
    )
    lanes = data.lanes.set_index(["from_location", "to_location"])
    store = frame[(~is_dc) & (need >= 1)]
    has_lane = pd.MultiIndex.from_arrays([store["source"], store["location_id"]]).isin(lanes.index)
    via_dc = store[has_lane & (store["source"] != "")] if transfers else store.iloc[:0]
    out: list[pd.DataFrame] = []
    shipped = pd.Series(dtype=float)
    if len(via_dc):
        # What each DC can ship: its on hand, largest need first (its stock exists to serve
        # its stores; the DC's own order refills its safety stock).
        dc = pos.set_index(["sku", "location_id"])
        dc_key = pd.MultiIndex.from_arrays([via_dc["sku"], via_dc["source"]])
        dc_on_hand = dc["on_hand"].reindex(dc_key).fillna(0.0).to_numpy(float)
        spare = spare_stock(dc_on_hand, 0.0, to_own_store=True)
        via_dc = via_dc.assign(_spare=spare).sort_values(
            ["sku", "source", "need", "location_id"],
            ascending=[True, True, False, True],
            kind="stable",
        )
        before = via_dc.groupby(["sku", "source"], sort=False)["need"].cumsum() - via_dc["need"]
        qty = np.clip(via_dc["_spare"] - before, 0.0, via_dc["need"])
        via_dc = via_dc.assign(_qty=qty.to_numpy(float))
        ship = via_dc[via_dc["_qty"] >= 1]
        lane = lanes.reindex(pd.MultiIndex.from_arrays([ship["source"], ship["location_id"]]))
        out.append(
            _transfer_orders(
                ship,
                source=ship["source"],
                qty=ship["_qty"],
                lead_time=lane["lead_time_days"],
                reason=[
                    f"position {p:.0f} below reorder point {r:.0f}: ship {q:.0f} of "
                    f"{n:.0f} from {src} (its source DC)"
                    for p, r, q, n, src in zip(
                        ship["position"],
                        ship["reorder_point"],
                        ship["_qty"],
                        ship["need"],
                        ship["source"],
                        strict=True,
                    )
                ],
            )
        )
        shipped = ship.groupby(["sku", "source"])["_qty"].sum()
    # A store fed by a DC waits for its DC (whose own order carries the store's demand): a
    # direct purchase order would arrive after the DC's next shipment and block it.
    rest = store.drop(index=via_dc.index)
    # DCs: their position less what they ship now.
    dcs = frame[is_dc].copy()
    dc_key = pd.MultiIndex.from_arrays([dcs["sku"], dcs["location_id"]])
    dcs["shipped"] = 0.0
    if len(shipped):
        took = np.nan_to_num(shipped.reindex(dc_key).to_numpy(float))
        dcs["position"] = dcs["position"].to_numpy(float) - took
        dcs["shipped"] = took
    if transfers and plan.params.dc_counts_store_stock:
        ahead = _stores_ahead(frame, is_dc, via_dc, lanes.index, plan.params.review_period_days)
        dcs["position"] = dcs["position"].to_numpy(float) + np.nan_to_num(
            ahead.reindex(dc_key).to_numpy(float)
        )
    below = dcs["position"].to_numpy(float) < dcs["reorder_point"].to_numpy(float) - 1e-9
    dcs["need"] = np.where(below, np.ceil(dcs["order_up_to"] - dcs["position"] - 1e-9), 0.0)
    buy = pd.concat([rest[rest["need"] >= 1], dcs[dcs["need"] >= 1]], ignore_index=True)
    waiting = moq_waits_empty()
    if len(buy):
        orders = _purchase_orders(buy, data)
        if plan.params.moq_round_up_or_skip and len(orders):
            keep, waiting = _moq_order_pays(orders, buy, pos, data, plan.params)
            orders = orders[keep]
        out.append(orders)
    if not out:
        return pd.DataFrame({c: [] for c in ORDER_COLUMNS}), waiting
    result = pd.concat(out, ignore_index=True)
    result["qty"] = result["qty"].astype(np.int64)
    return result[list(ORDER_COLUMNS)].reset_index(drop=True), waiting.reset_index(drop=True)


def _exception_lines(
    result: Plan, kinds: tuple[ActionKind, ...]
) -> tuple[pd.DataFrame, set[tuple[str, str]]]:
    """Return the exceptions' draftable actions and the SKU-locations they supply.

    In ranking order; the first exception of a SKU-location wins it.
    """
    exc = result.exceptions
    exc = exc[exc["rec_kind"].isin([k.value for k in kinds]) & (exc["rec_qty"] > 0)]
    rows: list[dict[str, object]] = []
    covered: set[tuple[str, str]] = set()
    for e in exc.itertuples():
        to = e.rec_to_location or e.location
        if (e.sku, to) in covered:
            continue
        covered.add((e.sku, to))
        listed = [a for a in (e.rec_actions or []) if a["kind"] in kinds]
        steps = listed or [
            {"kind": e.rec_kind, "qty": int(e.rec_qty), "from_location": e.rec_from_location,
             "to_location": to, "supplier_id": e.rec_supplier_id,
             "unit_cost": e.rec_unit_cost, "lead_time_days": e.rec_lead_time}
        ]  # fmt: skip
        eid = exception_id(e.type, e.sku, e.location, e.po_id or "")
        for part, a in enumerate(steps):
            rows.append(
                {
                    "kind": str(a["kind"]),
                    "sku": e.sku,
                    "location_id": a["to_location"] or to,
                    "from_location": a.get("from_location") or "",
                    "supplier_id": a.get("supplier_id") or "",
                    "qty": int(a["qty"]),
                    "unit_cost": float(a.get("unit_cost") or 0.0),
                    "lead_time": float(a.get("lead_time_days") or 0.0),
                    "reason": f"recommended for exception {eid}; replaces the routine line",
                    "exception_id": eid,
                    "exception_type": str(e.type),
                    "part": part,
                }
            )
    return pd.DataFrame(rows, columns=list(PLAN_ORDER_COLUMNS)), covered


def plan_orders(result: Plan, data: NetworkData, *, transfers: bool = True) -> pd.DataFrame:
    """Return the exceptions' recommended orders plus routine orders (`plan_order_list`)."""
    return plan_order_list(result, data, transfers=transfers)[0]


def plan_order_list(
    result: Plan, data: NetworkData, *, transfers: bool = True
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return the exceptions' recommended orders plus routine orders, one per SKU-location.

    Second, the purchase orders waiting a review for an MOQ round-up (`MOQ_WAIT_COLUMNS`,
    `routine_review`) of the SKU-locations no exception covers: below their reorder point with
    no line, and why.

    Columns `PLAN_ORDER_COLUMNS`. An exception's transfer or purchase order (a split's every
    action) replaces the routine line of the SKU-location it supplies. Routine transfers (a DC
    to its own stores) are cut to what the DC can still ship after the exceptions' transfers:
    all it holds (`planning.policy.spare_stock`, the production rule). `data` needs the lanes,
    the items and the item-supplier terms of the plan's SKUs (`replenishment_orders`).
    """
    kinds = DRAFTABLE_KINDS if transfers else (ActionKind.PURCHASE_ORDER,)
    exc, covered = _exception_lines(result, kinds)
    pos = result.positions
    spare = dict(
        zip(
            zip(pos["sku"], pos["location_id"], strict=True),
            spare_stock(pos["on_hand"], pos["safety_stock"], to_own_store=True),
            strict=True,
        )
    )
    for t in exc[exc["kind"] == ActionKind.TRANSFER].itertuples():
        key = (t.sku, t.from_location)
        spare[key] = spare.get(key, 0.0) - int(t.qty)
    routine, waiting = routine_review(result, data, transfers=transfers)
    uncovered = [
        (k not in covered) for k in zip(waiting["sku"], waiting["location_id"], strict=True)
    ]
    waiting = waiting[np.asarray(uncovered, dtype=bool)] if len(waiting) else waiting
    keep, qtys = [], []
    for o in routine.itertuples():
        if (o.sku, o.location_id) in covered:
            keep.append(False)
            qtys.append(0)
            continue
        qty = int(o.qty)
        if o.kind == ActionKind.TRANSFER:
            key = (o.sku, o.from_location)
            qty = int(min(qty, max(spare.get(key, 0.0), 0.0)))
            if qty >= 1:
                spare[key] -= qty
        keep.append(qty >= 1)
        qtys.append(qty)
    routine = routine.assign(
        qty=np.asarray(qtys, dtype=np.int64), exception_id="", exception_type="", part=0
    )
    routine = routine[np.asarray(keep, dtype=bool)] if len(routine) else routine
    out = pd.concat([exc, routine[list(PLAN_ORDER_COLUMNS)]], ignore_index=True)
    out["qty"] = out["qty"].astype(np.int64)
    out["part"] = out["part"].astype(np.int64)
    return out, waiting.reset_index(drop=True)


def receipt_transfers(
    state: pd.DataFrame, lanes: pd.DataFrame, days_to_review: int, transfer_line_cost: float
) -> pd.DataFrame:
    """Return the transfers a DC sends on the day it receives stock, between two reviews.

    `state` has one row per SKU-location: sku, location_id, location_type, source_location,
    on_hand, position (on hand plus open supply, today), order_up_to and forecast_daily (of the
    last plan), unit_price, unit_cost and received (units that arrived today). A store fed over
    a lane of lead time ℓ from a DC that received its SKU today would otherwise wait for the
    next review (in `days_to_review` days) and that shipment's lane: it must carry
    `k = days_to_review + ℓ − 1` days from its position. When `short = forecast_daily·k −
    position` is positive and its margin `short·(price − cost)` pays a transfer line, the DC
    ships it up to its order-up-to level now (`ceil(S − position)`), from all it holds
    (`planning.policy.spare_stock`: a DC to its own store), most units short first.
    """
    is_dc = state["location_type"].to_numpy(object) == "dc"
    got = state[is_dc & (state["received"].to_numpy(float) > 0)]
    if got.empty:
        return pd.DataFrame({c: [] for c in ORDER_COLUMNS})
    dc_stock = pd.Series(
        spare_stock(got["on_hand"].to_numpy(float), 0.0, to_own_store=True),
        index=pd.MultiIndex.from_arrays([got["sku"], got["location_id"]]),
    )
    stores = state[~is_dc & (state["source_location"].to_numpy(object) != "")]
    key = pd.MultiIndex.from_arrays([stores["sku"], stores["source_location"]])
    stores = stores[key.isin(dc_stock.index)]
    lane = lanes.set_index(["from_location", "to_location"]).reindex(
        pd.MultiIndex.from_arrays([stores["source_location"], stores["location_id"]])
    )
    lead = lane["lead_time_days"].to_numpy(float)
    k = days_to_review + np.maximum(lead, 1.0) - 1.0
    position = stores["position"].to_numpy(float)
    short = stores["forecast_daily"].to_numpy(float) * k - position
    margin = np.maximum(
        stores["unit_price"].to_numpy(float) - stores["unit_cost"].to_numpy(float), 0
    )
    want = np.ceil(stores["order_up_to"].to_numpy(float) - position - 1e-9)
    ok = np.isfinite(lead) & (short > 0) & (short * margin > transfer_line_cost) & (want >= 1)
    cand = stores[ok].assign(_short=short[ok], _want=want[ok], _lead=lead[ok])
    if cand.empty:
        return pd.DataFrame({c: [] for c in ORDER_COLUMNS})
    cand = cand.sort_values(
        ["sku", "source_location", "_short", "location_id"],
        ascending=[True, True, False, True],
        kind="stable",
    )
    spare = dc_stock.reindex(pd.MultiIndex.from_arrays([cand["sku"], cand["source_location"]]))
    before = cand.groupby(["sku", "source_location"], sort=False)["_want"].cumsum() - cand["_want"]
    qty = np.floor(np.clip(spare.to_numpy(float) - before.to_numpy(float), 0.0, cand["_want"]))
    cand = cand.assign(_qty=qty)[qty >= 1]
    return _transfer_orders(
        cand,
        source=cand["source_location"],
        qty=cand["_qty"],
        lead_time=cand["_lead"],
        reason=[
            f"{src} received stock; position {p:.0f} runs {s:.0f} short before the next "
            f"review's shipment lands: ship {q:.0f} now"
            for src, p, s, q in zip(
                cand["source_location"], cand["position"], cand["_short"], cand["_qty"], strict=True
            )
        ],
    )
