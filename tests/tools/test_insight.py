"""The new planner tools (totals, network view, open supply, item, supplier overview, what-if at
any scope, proposals) and id resolution in every tool, through a real ToolNode.

The store holds `tests/conftest.py::small_network` (facts in tests/tools/test_planner.py).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pandas as pd
import pytest

from erp.demo import generate_demo
from erp.store import replace_snapshot
from planning.network import NetworkData
from stockpilot.actions import TransferAction
from stockpilot.settings import Settings
from tests.conftest import small_network
from tests.tools import test_planner as base
from tests.tools.test_planner import Caller, listed
from tools import insight
from tools.workspace import Workspace

# The demo network's date is pinned: by default it is today, and its exceptions move with it.
DEMO_AS_OF = date(2026, 12, 3)

# The tool graph and the small network's workspace of the planner tool tests.
ws = base.ws
graph = base.graph
call = base.call


def test_ids_in_any_form_are_resolved(call: Caller) -> None:
    lower, _ = call("get_inventory", sku="a", location="s1")
    assert [(r["sku"], r["location_id"]) for r in lower] == [("A", "S1")]
    named, _ = call("get_inventory", sku="Widget", location="Store One, High St")
    assert [(r["sku"], r["location_id"]) for r in named] == [("A", "S1")]
    by_name, _ = call("get_supplier_status", supplier_id="acme wholesale")
    assert [s["supplier_id"] for s in by_name] == ["V1"]
    exc, _ = call("explain_exception", exception_id="PROMO_UNCOVERED:a@s1")
    assert exc["id"] == "promo_uncovered:A@S1"


def test_unknown_ids_name_the_nearest(call: Caller) -> None:
    body, _ = call("get_inventory", sku="A", location="S3")
    assert "S3" in body["error"] and "nearest" in body["error"]
    body, _ = call("get_item", sku="Widgit")  # too short to be sure: suggested, not taken
    assert "A (Widget)" in body["error"]
    typo, _ = call("get_supplier_status", supplier_id="acme wholesal")  # a confident typo
    assert [s["supplier_id"] for s in typo] == ["V1"]
    body, _ = call("draft_transfer", sku="A", from_location="DCX", to_location="S1", qty=6)
    assert body["status"] == "invalid" and "DC1" in body["errors"][0]


def test_list_exceptions_pages_and_says_when_cut(call: Caller) -> None:
    page, _ = call("list_exceptions", top=1)
    assert (page["total"], page["returned"], page["truncated"]) == (2, 1, True)
    rest, _ = call("list_exceptions", top=1, offset=1)
    assert (rest["returned"], rest["truncated"]) == (1, False)
    assert page["items"][0]["id"] != rest["items"][0]["id"]
    small, _ = call("list_exceptions", compact=True)
    full, _ = call("list_exceptions")
    assert "evidence" not in small["items"][0] and "detail" not in small["items"][0]
    assert len(str(small)) < len(str(full))
    assert listed(call, priority=1) == [i for i in full["items"] if i["priority"] <= 1]
    assert listed(call, category="household") == full["items"]


def test_summarize_exceptions_totals_agree_with_the_list(call: Caller) -> None:
    full, _ = call("list_exceptions", top=100)
    for by in ("type", "location", "priority", "category"):
        totals, _ = call("summarize_exceptions", by=by)
        assert totals["count"] == full["total"]
        assert totals["total_money_at_risk"] == pytest.approx(
            sum(i["money_at_risk"] for i in full["items"]), abs=0.01
        )
        assert sum(g["count"] for g in totals["groups"]) == full["total"]
    at_s1, _ = call("summarize_exceptions", by="type", location="store one, high st")
    assert at_s1["count"] == 1 and at_s1["groups"][0]["key"] == "promo_uncovered"


def test_summarize_exceptions_gives_each_groups_share_of_the_money_at_risk(call: Caller) -> None:
    for by in ("location", "category", "sku", "type"):
        totals, _ = call("summarize_exceptions", by=by)
        total = totals["total_money_at_risk"]
        assert total > 0
        for g in totals["groups"]:
            assert g["share"] == pytest.approx(g["money_at_risk"] / total, abs=1e-4)
        assert sum(g["share"] for g in totals["groups"]) == pytest.approx(1.0, abs=1e-3)
    assert insight._share(0.0, 0.0) is None  # nothing at risk: no share to give


def test_summarize_by_source_names_where_each_recommended_action_gets_stock(call: Caller) -> None:
    full, _ = call("list_exceptions", top=100)
    totals, _ = call("summarize_exceptions", by="source")
    expected: dict[str, int] = {}
    for item in full["items"]:
        rec = item.get("recommendation") or {}
        key = rec.get("supplier_id") or rec.get("from_location") or "(no action)"
        expected[key] = expected.get(key, 0) + 1
    assert {g["key"]: g["count"] for g in totals["groups"]} == expected
    assert len(expected) > 1


def test_network_position(call: Caller) -> None:
    body, _ = call("get_network_position", sku="a")
    assert body["network"]["on_hand"] == 242.0  # 30 + 12 + 200
    assert body["most_on_hand"] == {"location_id": "DC1", "on_hand": 200.0}
    assert body["network"]["in_transit"] == 10.0  # T1
    assert {r["location_id"] for r in body["locations"]} == {"DC1", "S1", "S2"}


def test_open_supply(call: Caller) -> None:
    body, _ = call("get_open_supply", sku="A")
    docs = {line["document_id"]: line for line in body["lines"]}
    assert set(docs) == {"P1", "T1"}
    assert docs["P1"]["qty"] == 120.0 and docs["P1"]["supplier_id"] == "V1"
    assert docs["T1"]["from_location"] == "DC1" and docs["T1"]["location_id"] == "S2"
    assert body["total_units"] == 130.0
    by_sup, _ = call("get_open_supply", supplier_id="Acme Wholesale")
    assert [line["document_id"] for line in by_sup["lines"]] == ["P1"]
    everything, _ = call("get_open_supply")  # no filter: the whole network's open supply
    assert everything["filters"] == {} and everything["total_units"] == 130.0


def test_open_supply_within_a_time_window(call: Caller) -> None:
    everything, _ = call("get_open_supply")
    dates = sorted({line["expected_date"] for line in everything["lines"]})
    as_of = date.fromisoformat(everything["as_of"])
    first = (date.fromisoformat(dates[0]) - as_of).days
    soon, _ = call("get_open_supply", within_days=max(first, 0))
    assert soon["until"] == (as_of + timedelta(days=max(first, 0))).isoformat()
    assert soon["lines"] and all(line["expected_date"] <= soon["until"] for line in soon["lines"])
    assert soon["total_lines"] < everything["total_lines"] or len(dates) == 1
    none, _ = call("get_open_supply", within_days=max(first, 0) - 1) if first > 0 else (None, None)
    assert none is None or none["total_lines"] == 0


def test_lanes_say_whether_a_lane_exists_and_which_dc_feeds_a_store(call: Caller) -> None:
    yes, _ = call("get_lanes", from_location="store one, high st", to_location="S2")
    assert yes["exists"] is True and yes["lanes"][0]["lead_time_days"] == 1
    no, _ = call("get_lanes", from_location="S2", to_location="S1")
    assert no["exists"] is False and no["lanes"] == []
    assert [lane["from_location"] for lane in no["lanes_into"]] == ["DC1"]
    into, _ = call("get_lanes", to_location="s2")
    assert into["source_dc"] == "DC1"
    assert {lane["from_location"] for lane in into["lanes"]} == {"DC1", "S1"}
    out, _ = call("get_lanes", from_location="DC1")
    assert {lane["to_location"] for lane in out["lanes"]} == {"S1", "S2"}
    bad, _ = call("get_lanes", to_location="S99")
    assert "error" in bad


def test_item_and_supplier_terms(call: Caller) -> None:
    item, _ = call("get_item", sku="B")
    assert item["case_pack"] == 12 and item["primary_supplier"] == "V1"
    (term,) = item["suppliers"]
    assert (term["moq"], term["lead_time_days"], term["lead_time_source"]) == (48, 12, "item")
    sups, _ = call("get_supplier_status", sku="A")
    by_id = {s["supplier_id"]: s for s in sups}
    assert by_id["V1"]["item"]["primary"] is True and by_id["V2"]["item"]["primary"] is False
    assert by_id["V1"]["item"]["lead_time_days"] == 10  # the supplier default


def test_supplier_overview(call: Caller) -> None:
    body, _ = call("get_supplier_overview", supplier_id="v1")
    assert {s["sku"] for s in body["skus"]} == {"A", "B"}
    assert body["open_purchase_orders"]["lines"] == 1
    assert body["order_now"]["lines"] == len(body["order_now"]["items"])


def test_what_if_at_every_scope(call: Caller) -> None:
    pair, _ = call("run_what_if", sku="A", location="S1", demand_factor=3.0)
    assert pair["scope"] == {"sku": "A", "location": "S1"}
    network, _ = call("run_what_if", demand_factor=3.0)
    assert network["scope"] == {"network": True} and network["sku_locations"] == 6
    assert network["with_scenario"]["unmet_units_horizon"] >= network["base"]["unmet_units_horizon"]
    category, _ = call("run_what_if", category="household", demand_factor=3.0)
    assert category["sku_locations"] == 6
    location, _ = call("run_what_if", location="S2", demand_factor=0.5)
    assert location["sku_locations"] == 2
    supplier, _ = call("run_what_if", supplier_id="Quick Goods", supplier_delay_days=5)
    assert supplier["delayed_purchase_orders"] == 0
    assert any("No open purchase order from V2" in n for n in supplier["notes"])
    late, _ = call("run_what_if", supplier_id="V1", supplier_delay_days=30)
    assert late["delayed_purchase_orders"] == 1
    region, _ = call("run_what_if", served_by="DC1", demand_factor=3.0)
    assert region["scope"] == {"region": "DC1"}
    assert 0 < region["sku_locations"] <= network["sku_locations"]


def test_a_delay_that_moves_a_stockout_does_not_read_as_no_change(call: Caller) -> None:
    # P1 (V1, 120 of A into DC1) slipped 30 days lands after DC1 runs out and is still sold
    # within the horizon: same horizon total, an earlier stockout.
    late, _ = call("run_what_if", supplier_id="V1", supplier_delay_days=30)
    assert late["change"]["unmet_units_horizon"] == 0.0
    assert late["change"]["sku_locations_stockout_earlier"] == 1
    assert not any("the same with or without it" in n for n in late["notes"])
    assert any("1 SKU-location runs out earlier: A at DC1 on" in n for n in late["notes"])
    one, _ = call("run_what_if", sku="A", location="DC1", supplier_delay_days=30)
    assert one["change"]["first_stockout_days_earlier"] > 0
    assert any("A at DC1 runs out on" in n for n in one["notes"])
    quiet, _ = call("run_what_if", supplier_id="V1", supplier_delay_days=10)
    assert quiet["change"]["anything_changed"] is False
    assert one["change"]["anything_changed"] is True
    assert "anything_changed" not in quiet and "anything_changed" not in one  # in `change` only
    assert any("changes nothing" in n for n in quiet["notes"])


def test_hypothetical_promotion_and_why_nothing_changes(call: Caller) -> None:
    promo, _ = call(
        "run_what_if",
        sku="A",
        location="S2",
        promo_start="2026-04-01",
        promo_end="2026-04-20",
        promo_uplift=4.0,
    )
    assert promo["hypothetical_promotion_days"] == 20
    assert promo["with_scenario"]["forecast_units"] > promo["base"]["forecast_units"]
    outside, _ = call(
        "run_what_if", sku="A", location="S2", promo_start="2027-01-01", promo_end="2027-01-05",
        promo_uplift=2.0,
    )  # fmt: skip
    assert any("outside the horizon" in n for n in outside["notes"])
    bad, _ = call("run_what_if", sku="A", location="S2", promo_start="2026-04-10")
    assert "promo_end" in bad["error"]


def _draft(call: Caller, qty: int) -> dict[str, Any]:
    body, _ = call("draft_transfer", sku="A", from_location="DC1", to_location="S1", qty=qty)
    assert body["status"] == "pending_approval", body
    return body


def test_approval_route_reads_the_value_against_the_matrix(call: Caller, ws: Workspace) -> None:
    drafted = _draft(call, 12)
    route, _ = call("get_approval_route", proposal_id=drafted["proposal_id"])
    assert route["kind"] == "transfer" and route["status"] == "pending"
    roles = [a["role"] for a in route["approvers"]]
    expected = [r for r, _, _ in ws.policy.approvers("transfer", route["value"])]
    assert roles == expected and roles
    assert set(route["limits"]) >= set(roles)
    unknown, _ = call("get_approval_route", proposal_id="P-unknown")
    assert "error" in unknown


def test_amend_withdraws_and_redrafts_once(call: Caller, ws: Workspace) -> None:
    first = _draft(call, 30)
    body, _ = call("amend_proposal", proposal_id=first["proposal_id"], qty=36)
    assert body["status"] == "pending_approval" and body["replaces"] == first["proposal_id"]
    assert body["args"]["qty"] == 36 and body["previous_qty"] == 30
    pending = [p for p in ws.governance.proposals.list() if p.status == "pending"]
    assert [p.id for p in pending] == [body["proposal_id"]]  # never two pending for one need
    old = ws.governance.proposals.get(first["proposal_id"])
    assert (
        old is not None
        and old.status == "rejected"
        and "withdrawn by alice" in str(old.decision_note)
    )
    events = [e.event for e in ws.governance.audit.entries()]
    assert events.count("withdrawal") == 1 and events.count("proposal") == 2
    status, _ = call("get_proposal_status", proposal_id=first["proposal_id"])
    assert status["status"] == "rejected"
    again, _ = call("amend_proposal", proposal_id=first["proposal_id"], qty=40)
    assert again["status"] == "refused"


def test_amend_to_an_invalid_quantity_keeps_the_original(call: Caller, ws: Workspace) -> None:
    first = _draft(call, 30)
    body, _ = call("amend_proposal", proposal_id=first["proposal_id"], qty=100000)
    assert body["status"] == "invalid"
    p = ws.governance.proposals.get(first["proposal_id"])
    assert p is not None and p.status == "pending"


def test_list_and_withdraw_proposals(call: Caller, ws: Workspace) -> None:
    first = _draft(call, 30)
    mine, _ = call("list_proposals")
    assert [p["proposal_id"] for p in mine["proposals"]] == [first["proposal_id"]]
    assert mine["pending"] == 1
    other, _ = call.many([("list_proposals", {})], thread="t-other")
    assert other[0]["proposals"] == []
    viewer, _ = call("withdraw_proposal", user="victor", proposal_id=first["proposal_id"])
    assert viewer["status"] == "refused"
    body, _ = call("withdraw_proposal", proposal_id=first["proposal_id"], reason="not needed")
    assert body["status"] == "withdrawn" and body["proposal"]["status"] == "rejected"


def test_impossible_lane_is_refused_with_the_alternatives(call: Caller) -> None:
    body, _ = call("draft_transfer", sku="A", from_location="S2", to_location="S1", qty=6)
    assert body["status"] == "invalid"
    assert "no transfer lane" in body["errors"][0]
    lanes = body["alternatives"]["lanes_into"]
    assert [x["from_location"] for x in lanes] == ["DC1"]
    assert body["alternatives"]["purchase_order_supplier"] == "V1"


def test_a_sender_that_does_not_stock_the_sku_holds_none_of_it(ws: Workspace) -> None:
    # S1 -> S2 is a lane, but S1 does not stock C: the alternative says 0 on hand, not null.
    frames = small_network().frames()
    items = frames["items"]
    frames["items"] = pd.concat([items, items[items["sku"] == "A"].assign(sku="C")])
    terms = frames["item_suppliers"]
    frames["item_suppliers"] = pd.concat([terms, terms[terms["sku"] == "A"].assign(sku="C")])
    sales = frames["sales"]
    frames["sales"] = pd.concat(
        [sales, sales[(sales["sku"] == "A") & (sales["location_id"] == "S2")].assign(sku="C")]
    )
    replace_snapshot(ws.engine, NetworkData.from_frames(frames), source="t")
    lanes = insight.transfer_alternatives(ws, "C", "S2")["lanes_into"]
    by_sender = {lane["from_location"]: lane for lane in lanes}
    assert by_sender["S1"]["on_hand"] == 0.0 and by_sender["S1"]["stocks_sku"] is False
    assert by_sender["DC1"]["stocks_sku"] is True


def test_a_refused_transfer_offers_the_drafts_the_checks_accept(
    call: Caller, ws: Workspace
) -> None:
    body, _ = call("draft_transfer", sku="A", from_location="S2", to_location="S1", qty=6)
    accepted = body["accepted"]
    assert [(a["from_location"], a["to_location"], a["sku"]) for a in accepted] == [
        ("DC1", "S1", "A")
    ]
    # Each offer passes the same checks as a draft would (none was stored by asking).
    for a in accepted:
        check = ws.drafts.check(TransferAction(**a))
        assert check.ok, check.errors
        assert 1 <= a["qty"] <= 6
    huge, _ = call("draft_transfer", sku="A", from_location="DC1", to_location="S1", qty=10**6)
    assert huge["status"] == "invalid"
    cut = [a for a in huge["accepted"] if a["from_location"] == "DC1"]
    assert cut and cut[0]["qty"] < 10**6  # the most the checks allow, not the quantity asked
    assert ws.drafts.check(TransferAction(**cut[0])).ok


def test_forecast_says_what_its_accuracy_is_for(call: Caller) -> None:
    body, _ = call("get_forecast", sku="a", location="s1", horizon_days=14)
    assert body["accuracy_for"]["horizon_days"] == 14
    assert body["plan_forecast"]["days"] == 14 and "note" in body["plan_forecast"]
    # The inventory history has A out of stock at S1 on 10 March (on hand 0): left out, said so.
    stockouts = body["plan_forecast"]["stockouts"]
    assert stockouts["source"] == "inventory_history"
    assert stockouts["stockout_days_excluded"] == 1 and stockouts["suspect_stockout_days"] == 0
    assert "1 day(s) out of stock" in stockouts["note"]
    quiet, _ = call("get_forecast", sku="a", location="s2", horizon_days=14)
    assert "stockouts" not in quiet["plan_forecast"]  # nothing left out, nothing said


def test_every_parameter_is_described() -> None:
    from langchain_core.utils.function_calling import convert_to_openai_tool

    from tools.planner import TOOLS

    for t in TOOLS:
        params = convert_to_openai_tool(t)["function"]["parameters"]["properties"]
        for name, schema in params.items():
            assert schema.get("description"), f"{t.name}.{name} has no description"


def test_the_forecast_tool_gives_the_plans_own_forecast(call: Caller) -> None:
    body, _ = call("get_forecast", sku="A", location="S1", horizon_days=14)
    assert body["plan_days"] == 14
    assert body["total_mean"] == pytest.approx(body["plan_forecast"]["total_units"], abs=0.02)
    assert body["method"] == body["plan_forecast"]["method"]
    far, _ = call("get_forecast", sku="A", location="S1", horizon_days=120)
    days = far["plan_days"]
    assert len(far["forecast"]) == 120 and 0 < days < 120
    head = sum(d["mean"] for d in far["forecast"][:days])
    tail = [d["mean"] for d in far["forecast"][days:]]
    # Past the plan's horizon the forecast goes on at the plan's level, not at zero.
    assert min(tail) > 0 and abs(sum(tail) / len(tail) / (head / days) - 1) < 0.5
    for d in far["forecast"]:
        assert 0 <= d["lower"] <= d["mean"] <= d["upper"]


def test_open_supply_from_the_store_lists_what_the_plan_plans_to_receive(tmp_path) -> None:
    """The store's open lines (totals in SQL, the soonest read) are the plan's supply lines."""
    ws = Workspace.open(
        Settings(database_url=f"sqlite:///{tmp_path / 's.db'}", plan_cache_dir=None)
    )
    replace_snapshot(
        ws.engine, generate_demo(seed=3, stores=5, skus=40, as_of=DEMO_AS_OF).data, source="test"
    )
    plan = ws.plans.plan()
    supply = plan.supply.assign(
        sku=plan.positions["sku"].to_numpy()[plan.supply["row"].to_numpy()],
        location_id=plan.positions["location_id"].to_numpy()[plan.supply["row"].to_numpy()],
    )
    first = supply.iloc[0]
    for scope in (
        {},
        {"location": first["location_id"]},
        {"supplier_id": "SUP-01"},
        {"sku": first["sku"]},
    ):
        lines = supply
        for key, column in (
            ("sku", "sku"),
            ("location", "location_id"),
            ("supplier_id", "supplier_id"),
        ):
            if key in scope:
                lines = lines[lines[column] == scope[key]]
        got = insight.open_supply(ws, **scope)
        assert got["total_lines"] == len(lines), scope
        assert got["total_units"] == pytest.approx(float(lines["qty"].sum())), scope
        for kind, totals in got["by_kind"].items():
            assert totals["lines"] == int((lines["kind"] == kind).sum()), (scope, kind)
        soonest = lines.sort_values(["arrival_day", "doc_id", "kind", "sku", "location_id"])
        expected = list(zip(soonest["doc_id"], soonest["sku"], soonest["location_id"], strict=True))
        shown = [(x["document_id"], x["sku"], x["location_id"]) for x in got["lines"]]
        assert shown == expected[: insight.SUPPLY_LINES], scope
        assert got["truncated"] == (len(lines) > insight.SUPPLY_LINES)


def _whole_orders(ws: Workspace, **scope: str) -> set[tuple[str, str, str, str, str, int]]:
    """The order list of the whole plan (`planning.replenish.plan_orders`) in a scope."""
    from planning.replenish import plan_orders

    whole = plan_orders(ws.plans.plan(), ws.plans.reference())
    if "supplier_id" in scope:
        whole = whole[(whole["kind"] == "purchase_order")]
        whole = whole[whole["supplier_id"] == scope["supplier_id"]]
    if "location" in scope:
        loc = scope["location"]
        whole = whole[(whole["location_id"] == loc) | (whole["from_location"] == loc)]
    return {
        (o.kind, o.sku, o.location_id, o.from_location, o.supplier_id, int(o.qty))
        for o in whole.itertuples()
    }


def test_the_order_list_part_by_part_is_the_whole_plans(tmp_path) -> None:
    """A plan run's parts give the order list `plan_orders` gives on the whole plan."""
    from tools import plan_runs

    ws = Workspace.open(
        Settings(database_url=f"sqlite:///{tmp_path / 's.db'}", plan_cache_dir=None)
    )
    replace_snapshot(
        ws.engine, generate_demo(seed=3, stores=5, skus=40, as_of=DEMO_AS_OF).data, source="test"
    )
    plan_runs.run_partitioned(ws.engine, 3, ws.plans.params)
    assert ws.plans.plan_run() is not None
    whole = ws.plans.plan()
    sup = str(
        whole.exceptions[whole.exceptions["rec_kind"] == "purchase_order"].iloc[0][
            "rec_supplier_id"
        ]
    )
    try:
        for scope in ({}, {"supplier_id": sup}, {"location": "DC-NORTH"}):
            orders, _ = insight.order_list(ws, **scope)
            got = {
                (o.kind, o.sku, o.location_id, o.from_location, o.supplier_id, int(o.qty))
                for o in orders.itertuples()
            }
            assert got == _whole_orders(ws, **scope), scope
            assert len(got) == len(orders)
        page = insight.order_page(ws, top=5)
        assert (page["returned"], page["truncated"]) == (5, True)
        assert page["lines"] == page["total"] == len(orders_all := insight.order_list(ws)[0])
        assert page["from_exceptions"] == int((orders_all["exception_id"] != "").sum()) > 0
        overview = insight.supplier_overview(ws, sup)["order_now"]
        assert overview["lines"] == len(_whole_orders(ws, supplier_id=sup)) > 0
        everything = insight.order_page(ws, top=100)["items"]
        po = next(
            i for i in everything if i["kind"] == "purchase_order" and not i["from_exception"]
        )
        assert po["reason"].startswith("position ") and "order up to" in po["reason"]
        exc = next(i for i in everything if i["from_exception"])
        assert "replaces the routine line" in exc["reason"] and exc["exception_id"]
    finally:
        ws.plans.wait_caught_up()
        ws.engine.dispose()
        plan_runs.dispose_engines()


def test_a_supplier_with_nothing_to_order_says_why(call: Caller) -> None:
    """V2 of the small network: its SKU-locations counted, and where their orders go instead."""
    body, _ = call("get_supplier_overview", supplier_id="V2")
    now = body["order_now"]
    assert now["lines"] == 0 and now["items"] == []
    n, below = now["positions_checked"], now["below_reorder_point"]
    assert 0 < below <= n
    assert now["why_nothing"].startswith(f"{below} of its {n} SKU-locations are below")
    assert "another supplier" in now["why_nothing"]


def test_why_nothing_counts_each_position_below_its_reorder_point_once(call: Caller) -> None:
    """V2's SKU-locations below their reorder point split into reasons that add up to them;
    its DC ordered from V1 while not below its reorder point is counted beside, not inside."""
    now = call("get_supplier_overview", supplier_id="V2")[0]["order_now"]
    parts = now["why_nothing_counts"]
    reasons = ("to_other_suppliers", "by_transfer", "waiting")
    assert sum(parts[k] for k in reasons) == now["below_reorder_point"] > 0
    assert parts["not_below_ordered"] > 0
    why = now["why_nothing"]
    head, _, rest = why.partition(" (besides, ")
    stated = [int(w) for w in head.split(", but ")[1].replace(";", "").split() if w.isdigit()]
    assert sum(stated) == now["below_reorder_point"], why
    assert rest.startswith(f"{parts['not_below_ordered']} SKU-location(s) not below it")


def test_a_dc_ordered_for_what_it_ships_says_so_and_is_counted(call: Caller) -> None:
    """DC1 is not below its reorder point for A, but what it ships to its stores now takes it
    below: its line's reason starts from the position get_inventory shows, and the counter
    says why a DC with no position below its reorder point still has a line."""
    page = call("get_routine_orders", location="DC1")[0]
    inventory = {r["sku"]: r for r in call("get_inventory", location="DC1")[0]}
    dc_lines = [
        i for i in page["items"]
        if i["kind"] == "purchase_order" and i["location"] == "DC1" and not i["from_exception"]
    ]  # fmt: skip
    shipped = [i for i in dc_lines if "shipped to its stores now" in i["reason"]]
    assert shipped, dc_lines
    for line in shipped:
        position = inventory[line["sku"]]["position"]
        assert line["reason"].startswith(f"position {position:.0f} less "), line["reason"]
        assert position >= inventory[line["sku"]]["reorder_point"]
    assert page["below_reorder_point_after_store_shipments"] == len(shipped)


def test_a_supplier_with_no_position_below_its_reorder_point_says_so(tmp_path) -> None:
    data = small_network()
    data.inventory["on_hand"] = 5_000  # every position far above its reorder point
    ws = Workspace.open(
        Settings(_env_file=None, database_url=f"sqlite:///{tmp_path / 's.db'}", plan_cache_dir=None)
    )
    replace_snapshot(ws.engine, data, source="t")
    now = insight.supplier_overview(ws, "V1")["order_now"]
    positions = ws.plans.plan().positions
    offered = set(data.item_suppliers.loc[data.item_suppliers["supplier_id"] == "V1", "sku"])
    n = int(positions["sku"].isin(offered).sum())
    assert (now["lines"], now["below_reorder_point"], now["positions_checked"]) == (0, 0, n)
    assert now["why_nothing"] == f"none of its {n} SKU-locations is below its reorder point"
    ws.engine.dispose()


def test_a_draft_cut_by_other_orders_says_so_in_its_answer(call: Caller) -> None:
    """A quantity the planner asked for is never changed silently: the cut and why it was cut."""
    first = _draft(call, 100)  # S1's need for A is 107 (order-up-to 137, position 30)
    body, _ = call("draft_transfer", sku="A", from_location="DC1", to_location="S1", qty=30)
    assert body["status"] == "pending_approval", body
    assert body["args"]["qty"] < 30
    cut = body["cut"]
    assert (cut["requested_qty"], cut["qty"]) == (30, body["args"]["qty"])
    assert cut["reason"].startswith(f"Cut from 30 to {body['args']['qty']}: ")
    assert first["proposal_id"] in cut["reason"]
    assert body["warnings"][0] == cut["reason"]


def test_the_order_list_says_which_lines_wait_for_an_moq_round_up(tmp_path) -> None:
    """A position below its reorder point whose PO the MOQ round-up or skip put off has no
    line; the order list lists it beside the lines (`waiting_for_moq_items`: position, reorder
    point, need, MOQ and the two costs compared, with a reason), counted and paged like them,
    not in lines / units / value, and scoped like them (a supplier's own)."""
    ws = Workspace.open(
        Settings(_env_file=None, database_url=f"sqlite:///{tmp_path / 's.db'}", plan_cache_dir=None)
    )
    replace_snapshot(
        ws.engine, generate_demo(seed=3, stores=5, skus=40, as_of=DEMO_AS_OF).data, source="t"
    )
    try:
        everything = insight.order_page(ws, top=100)
        n = everything["waiting_for_moq"]
        assert n == len(everything["waiting_for_moq_items"]) > 1
        assert everything["waiting_for_moq_truncated"] is False
        ordered = {(i["sku"], i["location"]) for i in everything["items"]}
        for w in everything["waiting_for_moq_items"]:
            assert (w["sku"], w["location"]) not in ordered
            assert w["position"] < w["reorder_point"] and 0 < w["need"] < w["moq_order_qty"]
            assert w["moq_order_qty"] >= w["moq"] > 0
            assert w["cost_of_waiting_a_review"] < w["cost_of_holding_moq_a_review"]
            assert w["position_with_its_stores"] >= w["position"]
            assert f"{w['supplier_id']}'s MOQ makes it {w['moq_order_qty']}" in w["reason"]
            assert "no order this review" in w["reason"]
        assert "never drafted" in everything["waiting_for_moq_note"]
        first = insight.order_page(ws, top=1)
        assert first["lines"] == everything["lines"] and first["units"] == everything["units"]
        assert (first["waiting_for_moq"], first["waiting_for_moq_returned"]) == (n, 1)
        assert first["waiting_for_moq_truncated"] is True
        assert first["waiting_for_moq_items"][0] == everything["waiting_for_moq_items"][0]
        second = insight.order_page(ws, top=1, offset=1)
        assert second["waiting_for_moq_items"][0] == everything["waiting_for_moq_items"][1]
        sup = everything["waiting_for_moq_items"][0]["supplier_id"]
        mine = insight.order_page(ws, supplier_id=sup, top=100)["waiting_for_moq_items"]
        assert mine and all(w["supplier_id"] == sup for w in mine)
        assert len(mine) == sum(
            w["supplier_id"] == sup for w in everything["waiting_for_moq_items"]
        )
    finally:
        ws.engine.dispose()


def test_a_withdrawal_by_someone_else_is_not_said_to_be_the_drafters(call: Caller) -> None:
    call("draft_transfer", sku="A", from_location="DC1", to_location="S1", qty=20)
    [drafted] = call.ws.governance.proposals.list(status="pending")
    pid = drafted.id
    withdrawn = insight.withdraw(call.ws, pid, user="bob", thread_id="t9", reason="")
    assert withdrawn.created_by == "alice"
    assert "by its drafter" not in insight.status_word(withdrawn)
    assert insight.status_word(withdrawn) == "withdrawn by bob"
    call("draft_transfer", sku="A", from_location="DC1", to_location="S1", qty=20)
    [own] = call.ws.governance.proposals.list(status="pending")
    mine = insight.withdraw(call.ws, own.id, user="alice", thread_id="t1", reason="")
    assert insight.status_word(mine) == "withdrawn (by its drafter)"
