"""Source choice on varied generated networks: the own DC that covers the whole need in time wins.

Each case takes a demo network (several seeds and shapes), picks a store whose own DC's lane is
no faster than a sibling store's lane to it, and plants: the store short a few days out, its DC
holding the store's whole need, the sibling a little surplus (a third of the need). Every
source is considered together, so the own DC covering the whole need by the risk date is
chosen, not the sibling's partial surplus over the faster lane.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import replace

import pandas as pd
import pytest

from erp.demo import generate_demo
from planning.engine import plan
from planning.network import NetworkData

# The demo network's date is pinned: by default it is today, and its exceptions move with it.
DEMO_AS_OF = dt.date(2026, 12, 3)

AS_OF = dt.date(2026, 6, 30)
CASES = [(3, 6, 20), (11, 4, 15), (23, 8, 25), (41, 5, 30)]  # seed, stores, SKUs


def _case(seed: int, stores: int, skus: int) -> tuple[NetworkData, str, str, str, str]:
    """Return the planted network and (sku, store, own DC, sibling)."""
    data = generate_demo(seed=seed, stores=stores, skus=skus, days=240, as_of=DEMO_AS_OF).data
    base = plan(data)
    pos = base.positions.set_index(["sku", "location_id"])
    source = data.locations.set_index("location_id")["source_location"]
    lanes = data.lanes.set_index(["from_location", "to_location"])["lead_time_days"]
    for (sibling, store), sibling_lead in lanes.items():
        dc = source.get(store, "")
        if not dc or source.get(sibling, "") == "" or (dc, store) not in lanes.index:
            continue
        if sibling_lead > lanes[(dc, store)]:
            continue
        for sku in sorted(data.items["sku"]):
            keys = [(sku, store), (sku, sibling), (sku, dc)]
            if not all(k in pos.index for k in keys) or pos.loc[(sku, store), "forecast_daily"] < 2:
                continue
            return _plant(data, pos, sku, store, dc, sibling, int(lanes[(dc, store)]))
    pytest.skip("no store with a sibling lane in this network")


def _plant(data, pos, sku, store, dc, sibling, dc_lead):
    daily = float(pos.loc[(sku, store), "forecast_daily"])
    need = float(pos.loc[(sku, store), "order_up_to"])
    inv = data.inventory.set_index(["sku", "location_id"])["on_hand"].copy()
    for key in inv.index[inv.index.get_level_values("sku") == sku]:  # no other surplus
        if key in pos.index:
            inv[key] = math.floor(float(pos.loc[key, "order_up_to"]))
    inv[(sku, store)] = math.floor(daily * dc_lead)  # runs out just after the DC lane lands
    inv[(sku, dc)] = math.ceil(need) + 1
    sibling_s = float(pos.loc[(sku, sibling), "order_up_to"])
    inv[(sku, sibling)] = math.ceil(sibling_s + need / 3)
    inventory = inv.rename("on_hand").reset_index().assign(as_of_date=data.as_of)
    other = ~(data.purchase_orders["sku"] == sku)
    moving = ~(data.transfers["sku"] == sku)
    planted = replace(
        data,
        inventory=inventory.astype(data.inventory.dtypes.to_dict()),
        purchase_orders=data.purchase_orders[other],
        transfers=data.transfers[moving],
    )
    return planted, sku, store, dc, sibling


@pytest.mark.parametrize(("seed", "stores", "skus"), CASES)
def test_own_dc_covering_the_whole_need_in_time_beats_a_partial_lateral(
    seed: int, stores: int, skus: int
) -> None:
    data, sku, store, dc, sibling = _case(seed, stores, skus)
    result = plan(data)
    exc = result.exceptions
    short = exc[(exc["sku"] == sku) & (exc["location"] == store)]
    short = short[short["type"].isin(["stockout_risk", "below_safety_stock"])]
    assert len(short) == 1, exc[["type", "sku", "location"]]
    rec = short.iloc[0]
    row = result.row_of(sku, store)
    assert row is not None
    p = result.positions.iloc[row]
    need = math.ceil(max(p["order_up_to"] - p["position"], rec["unmet_units"]) - 1e-9)
    assert (rec["rec_kind"], rec["rec_from_location"]) == ("transfer", dc), rec["rec_rationale"]
    assert rec["rec_qty"] == need
    assert "Also considered: " in rec["rec_rationale"]
    assert sibling in rec["rec_rationale"]
    assert not pd.isna(rec["rec_lead_time"])


def _wait_case(seed: int, stores: int, skus: int) -> tuple[NetworkData, str, str, str]:
    """Plant a slow seller out of stock at a store whose DC holds its whole need now and also
    has an open PO due in two days: nothing reaches the store by its risk date either way."""
    data = generate_demo(seed=seed, stores=stores, skus=skus, days=240, as_of=AS_OF).data
    base = plan(data)
    pos = base.positions.set_index(["sku", "location_id"])
    source = data.locations.set_index("location_id")["source_location"]
    lanes = data.lanes.set_index(["from_location", "to_location"])["lead_time_days"]
    slow = pos[(pos["forecast_daily"] > 0.2) & (pos["forecast_daily"] < 1.5)]
    for sku, store in slow.index:
        dc = source.get(store, "")
        if not dc or (dc, store) not in lanes.index or lanes[(dc, store)] < 2:
            continue
        need = float(pos.loc[(sku, store), "order_up_to"])
        inv = data.inventory.set_index(["sku", "location_id"])["on_hand"].copy()
        for key in inv.index[inv.index.get_level_values("sku") == sku]:  # no other surplus
            if key in pos.index:
                inv[key] = math.floor(float(pos.loc[key, "order_up_to"]))
        inv[(sku, store)] = 0
        inv[(sku, dc)] = math.ceil(need) + 1
        inventory = inv.rename("on_hand").reset_index().assign(as_of_date=data.as_of)
        supplier = str(
            data.item_suppliers[data.item_suppliers["sku"] == sku]["supplier_id"].iloc[0]
        )
        due = data.as_of + dt.timedelta(days=2)
        dc_po = pd.DataFrame(
            [{"po_id": "PO-PLANTED", "supplier_id": supplier, "sku": sku, "location_id": dc,
              "qty": 500, "order_date": data.as_of - dt.timedelta(days=20),
              "expected_date": due, "status": "open"}]
        )  # fmt: skip
        pos_other = data.purchase_orders[data.purchase_orders["sku"] != sku]
        planted = replace(
            data,
            inventory=inventory.astype(data.inventory.dtypes.to_dict()),
            purchase_orders=pd.concat([pos_other, dc_po.astype(pos_other.dtypes.to_dict())]),
            transfers=data.transfers[data.transfers["sku"] != sku],
        )
        return planted, sku, store, dc
    pytest.skip("no slow seller at a store more than a day from its DC")


@pytest.mark.parametrize(("seed", "stores", "skus"), CASES)
def test_own_dc_stock_now_beats_expediting_its_inbound_po(
    seed: int, stores: int, skus: int
) -> None:
    """The DC's inbound PO would still have to travel the same lane: its stock ships sooner."""
    data, sku, store, dc = _wait_case(seed, stores, skus)
    records = plan(data).exception_records()
    recs = [r["recommendation"] for r in records if r["sku"] == sku]
    assert not [r for r in recs if r.get("po_id") == "PO-PLANTED"], recs
    moves = [r for r in recs if r["kind"] == "transfer" and r["from_location"] == dc]
    assert {r["to_location"] for r in moves} == {store}, recs
