"""Thread memory through the real graph with the offline model: aliases, ordinals, follow-ups,
amending the pending proposal (never two pending for one need) and "did that go through?".

The network is a demo network of another seed and size than the agent dataset's, and the ids
the requests use are read from its data.
"""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from langgraph.checkpoint.sqlite import SqliteSaver

from agents.focus import order_offers
from agents.offline import OfflinePlannerModel
from erp.demo import generate_demo
from erp.store import replace_snapshot
from graph.service import Copilot
from stockpilot.settings import Settings
from tools.workspace import Workspace


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> tuple[Copilot, Workspace, dict[str, Any]]:
    tmp: Path = tmp_path_factory.mktemp("memory")
    ws = Workspace.open(
        Settings(
            _env_file=None,
            database_url=f"sqlite:///{tmp / 'store.db'}",
            plan_cache_dir=tmp / "cache",
            knowledge_dir=tmp / "knowledge",
        )
    )
    data = generate_demo(seed=11, stores=6, skus=60, days=200, as_of=date(2026, 3, 31)).data
    replace_snapshot(ws.engine, data, source="demo:memory")
    saver = SqliteSaver(sqlite3.connect(tmp / "cp.db", check_same_thread=False))
    saver.setup()
    copilot = Copilot(ws, checkpointer=saver, model=OfflinePlannerModel())
    pos = ws.plans.plan().positions
    stores = pos[pos["location_type"] == "store"]
    # A SKU whose store's DC holds plenty, so a small transfer passes the checks.
    dc_on_hand = pos[pos["location_type"] == "dc"].set_index(["sku", "location_id"])["on_hand"]
    row = next(
        r
        for r in stores.itertuples()
        if dc_on_hand.get((r.sku, r.source_location), 0) > 200 and r.forecast_daily > 0.5
    )
    names = data.locations.set_index("location_id")["name"]
    return (
        copilot,
        ws,
        {
            "sku": row.sku,
            "store": row.location_id,
            "dc": row.source_location,
            "store_name": str(names[row.location_id]),
            "store_no": int(str(row.location_id).lstrip("S")),
            "sku_no": int(str(row.sku).split("-")[1]),
            "dc_other": next(
                str(d)
                for d in pos[pos["location_type"] == "dc"]["location_id"].unique()
                if d != row.source_location
            ),
        },
    )


def calls(result: Any) -> list[tuple[str, dict[str, Any]]]:
    return [(c["name"], c["args"]) for c in result.tool_calls]


def test_names_and_follow_ups_resolve(world: Any) -> None:
    copilot, _, ids = world
    t = "mem-alias"
    first = copilot.ask(
        f"how much sku {ids['sku_no']} is at the {ids['store_name']} store?",
        user="alice",
        thread_id=t,
    )
    assert calls(first) == [("get_inventory", {"sku": ids["sku"], "location": ids["store"]})]
    assert f"{ids['store']} ({ids['store_name']} store)" in first.answer
    again = copilot.ask(f"same for {ids['dc'].lower()}", user="alice", thread_id=t)
    assert calls(again) == [("get_inventory", {"sku": ids["sku"], "location": ids["dc"]})]
    forecast = copilot.ask("and the forecast?", user="alice", thread_id=t)
    assert calls(forecast)[0][0] == "get_forecast"
    assert calls(forecast)[0][1]["sku"] == ids["sku"]
    state = copilot.graph.get_state(copilot._config(t)).values
    assert state["focus"]["sku"] == ids["sku"]


def test_ordinals_point_into_the_last_list(world: Any) -> None:
    copilot, ws, _ = world
    t = "mem-ordinal"
    listed = copilot.ask("what needs attention today?", user="alice", thread_id=t)
    assert calls(listed)[0][0] == "list_exceptions"
    third = ws.queries.exceptions(top=10)[2]["id"]
    explained = copilot.ask("explain the third one", user="alice", thread_id=t)
    assert calls(explained) == [("explain_exception", {"exception_id": third})]
    assert third in explained.answer


def test_amend_keeps_one_pending_draft_and_status_follows_the_gate(world: Any) -> None:
    copilot, ws, ids = world
    t = "mem-amend"
    drafted = copilot.ask(
        f"send 6 units of {ids['sku']} from {ids['dc']} to store {ids['store_no']}",
        user="alice",
        thread_id=t,
    )
    assert [p.args["qty"] for p in drafted.pending] == [6], drafted.answer
    first_id = drafted.pending[0].proposal_id
    amended = copilot.ask("actually make it 12 instead", user="alice", thread_id=t)
    assert calls(amended) == [("amend_proposal", {"proposal_id": first_id, "qty": 12})]
    pending = [p for p in ws.governance.proposals.list(thread_id=t) if p.status == "pending"]
    assert [p.args["qty"] for p in pending] == [12]
    assert [p.proposal_id for p in amended.pending] == [pending[0].id]
    old = ws.governance.proposals.get(first_id)
    assert old is not None and old.status == "rejected"
    assert any(
        e.event == "withdrawal" and e.proposal_id == first_id for e in ws.governance.audit.entries()
    )
    waiting = copilot.ask("was it approved?", user="alice", thread_id=t)
    assert calls(waiting) == [("get_proposal_status", {"proposal_id": pending[0].id})]
    assert "Not yet" in waiting.answer
    copilot.decide(t, user="bob", decision="approve")
    done = copilot.ask("did that go through?", user="alice", thread_id=t)
    committed = ws.governance.proposals.get(pending[0].id)
    assert committed is not None and committed.status == "committed"
    assert "Yes" in done.answer and str(committed.document_id) in done.answer


def test_nothing_to_amend_drafts_nothing(world: Any) -> None:
    copilot, _, _ = world
    reply = copilot.ask("make it 60 instead", user="alice", thread_id="mem-nothing")
    assert reply.tool_calls == [] and reply.pending == []
    assert "no pending proposal" in reply.answer


def test_a_shared_description_asks_which_one_with_the_candidates(world: Any) -> None:
    copilot, _, _ = world
    data = generate_demo(seed=11, stores=6, skus=60, days=200, as_of=date(2026, 3, 31)).data
    items = data.items
    shared = items[items.duplicated("description", keep=False)]
    if shared.empty:
        pytest.skip("this network has no repeated description")
    desc = str(shared.iloc[0]["description"])
    ids = sorted(shared[shared["description"] == desc]["sku"])[:3]
    result = copilot.ask(
        f"how much {desc.lower()} do we have at S001?", user="alice", thread_id="amb"
    )
    # It may first look up each candidate's stock at S001 to narrow them; it drafts nothing.
    calls = result.tool_calls
    assert all(c["name"] == "get_inventory" and c["args"]["location"] == "S001" for c in calls)
    assert result.pending == []
    assert "which item do you mean" in result.answer.lower()
    assert all(i in result.answer for i in ids)


def _pending_of(ws: Workspace, thread: str) -> list[Any]:
    return [p for p in ws.governance.proposals.list(thread_id=thread) if p.status == "pending"]


def test_two_transfers_in_one_message_are_both_drafted(world: Any) -> None:
    copilot, ws, ids = world
    t = "mem-two"
    reply = copilot.ask(
        f"move 3 of {ids['sku']} from {ids['dc']} to {ids['store']} and 4 from {ids['dc']} to "
        f"{ids['dc_other']}",
        user="alice",
        thread_id=t,
    )
    assert calls(reply) == [
        ("draft_transfer", {"sku": ids["sku"], "from_location": ids["dc"],
                            "to_location": ids["store"], "qty": 3}),
        ("draft_transfer", {"sku": ids["sku"], "from_location": ids["dc"],
                            "to_location": ids["dc_other"], "qty": 4}),
    ]  # fmt: skip
    assert sorted(p.args["qty"] for p in _pending_of(ws, t)) == [3, 4], reply.answer


def test_a_quantity_in_cases_is_the_items_case_pack_times_the_count(world: Any) -> None:
    copilot, ws, ids = world
    t = "mem-cases"
    pack = int(ws.plans.reference().items.set_index("sku").loc[ids["sku"], "case_pack"])
    reply = copilot.ask(
        f"send 2 cases of {ids['sku']} from {ids['dc']} to {ids['store']}",
        user="alice",
        thread_id=t,
    )
    assert [name for name, _ in calls(reply)] == ["get_item", "draft_transfer"]
    assert calls(reply)[1][1]["qty"] == 2 * pack
    assert [p.args["qty"] for p in _pending_of(ws, t)] == [2 * pack], reply.answer


def test_ok_order_that_after_a_supplier_overview_drafts_its_order_now_lines(world: Any) -> None:
    copilot, ws, _ = world
    from tools import insight

    suppliers = ws.plans.reference().suppliers
    overview = next(
        o
        for o in (insight.supplier_overview(ws, s) for s in suppliers["supplier_id"])
        if o["order_now"]["items"]
    )
    t = "mem-overview"
    shown = copilot.ask(
        f"what should I order from {overview['name']} now?", user="alice", thread_id=t
    )
    assert calls(shown) == [("get_supplier_overview", {"supplier_id": overview["supplier_id"]})]
    ordered = copilot.ask("ok order that", user="alice", thread_id=t)
    # Each line drafts itself: a routine purchase order with its quantity, an exception's line
    # that exception's recommendation (once).
    wanted = order_offers(overview["order_now"]["items"])[:5]
    assert calls(ordered) == [(o["tool"], o["args"]) for o in wanted], ordered.answer


def test_a_refused_transfer_offers_what_the_checks_accept_and_ok_drafts_it(world: Any) -> None:
    copilot, ws, ids = world
    t = "mem-refused"
    ref = ws.plans.reference()
    lanes = set(zip(ref.lanes["from_location"], ref.lanes["to_location"], strict=True))
    stores = ref.locations[ref.locations["type"] == "store"]["location_id"]
    source = next(s for s in stores if s != ids["store"] and (s, ids["store"]) not in lanes)
    refused = copilot.ask(
        f"transfer 5 of {ids['sku']} from {source} to {ids['store']}", user="alice", thread_id=t
    )
    assert refused.pending == [], refused.answer
    assert "no transfer lane" in refused.answer
    assert "What the checks would accept instead" in refused.answer
    offered = copilot.ask("ok do that", user="alice", thread_id=t)
    [(name, args)] = calls(offered)
    assert name == "draft_transfer" and args["to_location"] == ids["store"]
    assert (args["from_location"], ids["store"]) in lanes and 0 < args["qty"] <= 5
    assert [p.args["qty"] for p in _pending_of(ws, t)] == [args["qty"]], offered.answer
