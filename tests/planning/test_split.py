"""A split: no single source covers the need by the risk date, so two actions cover it.

The small network's S1 is short of A on a promotion (need 108 by day 10). Its DC holds only 10
and both suppliers take 20 days: the DC ships its 10 now and a purchase order brings the rest,
each a typed action of its own (`rec_actions`), the first one also in the `rec_*` columns.
"""

from __future__ import annotations

import math
from dataclasses import replace

from planning.engine import plan
from planning.network import NetworkData
from stockpilot.actions import PurchaseOrderAction, TransferAction, recommended_actions
from tests.conftest import small_network


def split_network(*, dc_po: bool = False) -> NetworkData:
    """Return the small network with DC1 holding 10 of A and every supplier 20 days away.

    Without `dc_po` DC1 has no purchase order of A on its way (the open P1 is dropped).
    """
    d = small_network()
    inv = d.inventory.copy()
    inv.loc[(inv["sku"] == "A") & (inv["location_id"] == "DC1"), "on_hand"] = 10
    pos = d.purchase_orders
    return replace(
        d,
        inventory=inv,
        suppliers=d.suppliers.assign(lead_time_days=20),
        item_suppliers=d.item_suppliers.assign(lead_time_days=20),
        purchase_orders=pos if dc_po else pos[pos["po_id"] != "P1"],
    )


def test_a_need_no_single_source_covers_in_time_is_split_into_two_actions() -> None:
    result = plan(split_network())
    exc = result.exceptions
    e = exc[(exc["sku"] == "A") & (exc["location"] == "S1")].iloc[0]
    first, second = e["rec_actions"]
    # The in-time part: everything DC1 holds, over its 2-day lane (the rec_* columns say so).
    assert first == {
        "kind": "transfer", "qty": 10, "from_location": "DC1", "to_location": "S1",
        "supplier_id": "", "unit_cost": 4.0, "value": 40.0, "lead_time_days": 2.0,
    }  # fmt: skip
    assert (e["rec_kind"], e["rec_qty"], e["rec_from_location"]) == ("transfer", 10, "DC1")
    # The remainder 108 - 10 = 98 from the cheaper supplier, up to its case pack of 6: 102.
    assert second == {
        "kind": "purchase_order", "qty": 102, "from_location": "", "to_location": "S1",
        "supplier_id": "V1", "unit_cost": 4.0, "value": 408.0, "lead_time_days": 20.0,
    }  # fmt: skip
    assert "a second action sends the remaining 98 from V1" in e["rec_rationale"]
    # The exception record lists both, and both become typed actions.
    record = next(
        r for r in result.exception_records() if r["sku"] == "A" and r["location"] == "S1"
    )
    assert len(record["recommendation"]["actions"]) == 2
    assert recommended_actions(record) == [
        TransferAction(sku="A", from_location="DC1", to_location="S1", qty=10),
        PurchaseOrderAction(supplier_id="V1", sku="A", location_id="S1", qty=102),
    ]


def test_a_single_source_recommendation_lists_its_one_action() -> None:
    result = plan(small_network())
    exc = result.exceptions
    e = exc[(exc["sku"] == "A") & (exc["location"] == "S1")].iloc[0]
    assert [(a["kind"], a["qty"], a["from_location"]) for a in e["rec_actions"]] == [
        ("transfer", int(e["rec_qty"]), "DC1")
    ]
    advice = exc[exc["rec_kind"].isin(["none", "expedite"])]
    assert all(actions == [] for actions in advice["rec_actions"])


def test_the_rest_waits_for_the_own_dcs_inbound_po_when_it_lands_sooner() -> None:
    """DC1's open P1 (due day 5, on over the 2-day lane by day 7) beats a new 20-day PO.

    Ordering the rest anew would put a second order for the same units on the way, and the
    store's position would count a PO landing after DC1's receipt, so the receipt would not
    be shipped on to it: the rest waits for P1 and only DC1's stock moves now.
    """
    result = plan(split_network(dc_po=True))
    exc = result.exceptions
    e = exc[(exc["sku"] == "A") & (exc["location"] == "S1")].iloc[0]
    assert [(a["kind"], a["from_location"]) for a in e["rec_actions"]] == [("transfer", "DC1")]
    assert "waits for DC1's PO P1, which it can ship on by day 7" in e["rec_rationale"]
    assert "second action" not in e["rec_rationale"]


def test_stores_short_before_the_dcs_po_lands_share_its_stock() -> None:
    """Both stores run short before DC1's P1 can reach them: each takes only its bridge.

    The bridge carries a store to the day P1 can be shipped on to it (day 7): forecast over
    days 1..6 plus its safety stock, less its position. Handled one by one, the first store
    would otherwise take all DC1 holds while its sibling runs out.
    """
    d = split_network(dc_po=True)
    base = plan(d).positions.set_index(["sku", "location_id"])
    inv = d.inventory.copy()
    at = inv.set_index(["sku", "location_id"]).index
    inv.loc[at == ("A", "S1"), "on_hand"] = 12
    inv.loc[at == ("A", "S2"), "on_hand"] = 4
    planted = replace(d, inventory=inv, transfers=d.transfers.iloc[:0])
    pos = plan(planted).positions.set_index(["sku", "location_id"])
    bridges = {}
    for store in ("S1", "S2"):
        p = pos.loc[("A", store)]
        bridges[store] = math.ceil(p["forecast_daily"] * 6 + p["safety_stock"] - p["position"])
    dc_stock = sum(bridges.values()) + 2  # enough for both bridges, far from both needs
    assert dc_stock < sum(
        base.loc[("A", s), "order_up_to"] - pos.loc[("A", s), "position"] for s in ("S1", "S2")
    )
    inv.loc[at == ("A", "DC1"), "on_hand"] = dc_stock
    exc = plan(replace(planted, inventory=inv)).exceptions
    moves = {
        e["location"]: [(a["kind"], a["from_location"], a["qty"]) for a in e["rec_actions"]]
        for _, e in exc[exc["sku"] == "A"].iterrows()
        if e["location"] in ("S1", "S2")
    }
    assert moves == {s: [("transfer", "DC1", q)] for s, q in bridges.items()}
