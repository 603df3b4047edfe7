"""A split: no single source covers the need by the risk date, so two actions cover it.

The small network's S1 is short of A on a promotion (need 108 by day 10). Its DC holds only 10
and both suppliers take 20 days: the DC ships its 10 now and a purchase order brings the rest,
each a typed action of its own (`rec_actions`), the first one also in the `rec_*` columns.
"""

from __future__ import annotations

from dataclasses import replace

from planning.engine import plan
from planning.network import NetworkData
from stockpilot.actions import PurchaseOrderAction, TransferAction, recommended_actions
from tests.conftest import small_network


def split_network() -> NetworkData:
    """Return the small network with DC1 holding 10 of A and every supplier 20 days away."""
    d = small_network()
    inv = d.inventory.copy()
    inv.loc[(inv["sku"] == "A") & (inv["location_id"] == "DC1"), "on_hand"] = 10
    return replace(
        d,
        inventory=inv,
        suppliers=d.suppliers.assign(lead_time_days=20),
        item_suppliers=d.item_suppliers.assign(lead_time_days=20),
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
