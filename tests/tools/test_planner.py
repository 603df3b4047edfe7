"""The copilot's tools, called through LangGraph's ToolNode so the runtime injection is real.

The store holds `tests/conftest.py::small_network` (as_of 2026-03-31). Hand-computed facts:
- today's exceptions: promo_uncovered A@S1 (recommendation: transfer from DC1) and
  inventory_anomaly B@S2 (on hand -3, advice only);
- positions: A at DC1, S1, S2; B at DC1, S1, S2;
- open POs: P1 (V1, A, DC1, 120, expected 2026-04-05); P2 is received;
- A is sold by V1 (MOQ 24, 4.0) and V2; B only by V1; case pack of A is 6;
- users (config/policy.yaml): alice is a planner (may draft), victor a viewer (may not).
"""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from langchain_core.messages import AIMessage, ToolMessage
from langgraph.graph import END, START, StateGraph
from langgraph.graph.state import CompiledStateGraph
from langgraph.prebuilt import ToolNode
from sqlalchemy import func, select

from erp import models
from erp.store import replace_snapshot
from graph.state import State
from planning.network import NetworkData
from stockpilot.settings import Settings
from tests.conftest import small_network
from tools import overrides
from tools.context import CopilotContext
from tools.planner import DRAFT_TOOLS, OVERRIDE_TOOLS, READ_TOOLS, TOOLS
from tools.workspace import Workspace

POLICY = Path(__file__).resolve().parents[2] / "config" / "policy.yaml"


@pytest.fixture
def ws(tmp_path: Path) -> Workspace:
    settings = Settings(
        _env_file=None,
        database_url=f"sqlite:///{tmp_path / 's.db'}",
        plan_cache_dir=tmp_path / "cache",
        policy_file=POLICY,
        knowledge_dir=tmp_path / "knowledge",
    )
    workspace = Workspace.open(settings)
    replace_snapshot(workspace.engine, small_network(), source="t")
    return workspace


@pytest.fixture(scope="module")
def graph() -> CompiledStateGraph:
    builder = StateGraph(State, context_schema=CopilotContext)
    builder.add_node("tools", ToolNode(TOOLS))
    builder.add_edge(START, "tools")
    builder.add_edge("tools", END)
    return builder.compile()


class Caller:
    """Invoke the tool graph with one AIMessage of tool calls and read back the answers."""

    def __init__(self, graph: CompiledStateGraph, ws: Workspace) -> None:
        self.graph = graph
        self.ws = ws
        self.n = 0

    def many(
        self, calls: list[tuple[str, dict[str, Any]]], *, user: str = "alice", thread: str = "t1"
    ) -> tuple[list[Any], dict[str, Any]]:
        tool_calls = []
        for name, args in calls:
            self.n += 1
            tool_calls.append(
                {"name": name, "args": args, "id": f"call-{self.n}", "type": "tool_call"}
            )
        state = self.graph.invoke(
            {"messages": [AIMessage("", tool_calls=tool_calls)], "user": user, "pending": []},
            config={"configurable": {"thread_id": thread}},
            context=CopilotContext(workspace=self.ws),
        )
        replies = [m for m in state["messages"] if isinstance(m, ToolMessage)]
        assert [m.tool_call_id for m in replies] == [c["id"] for c in tool_calls]
        return [json.loads(m.content) for m in replies], state

    def __call__(self, name: str, user: str = "alice", **args: Any) -> tuple[Any, dict[str, Any]]:
        (body,), state = self.many([(name, args)], user=user)
        return body, state


@pytest.fixture
def call(graph: CompiledStateGraph, ws: Workspace) -> Caller:
    return Caller(graph, ws)


def erp_writes(ws: Workspace) -> dict[str, int]:
    """Count what a connector would have written (as tests/graph/conftest.py::erp_documents)."""
    with ws.engine.connect() as conn:
        ledger = conn.execute(select(func.count()).select_from(models.ErpCommit)).scalar_one()
        pos = conn.execute(
            select(func.count())
            .select_from(models.PurchaseOrder)
            .where(models.PurchaseOrder.po_id.like("PO-SP-%"))
        ).scalar_one()
        trs = conn.execute(
            select(func.count())
            .select_from(models.Transfer)
            .where(models.Transfer.transfer_id.like("TR-SP-%"))
        ).scalar_one()
    return {"ledger": ledger, "purchase_orders": pos, "transfers": trs}


NO_WRITES = {"ledger": 0, "purchase_orders": 0, "transfers": 0}


def test_tool_lists() -> None:
    names = {t.name for t in TOOLS}
    assert names == {
        "list_exceptions",
        "explain_exception",
        "get_inventory",
        "get_forecast",
        "get_supplier_status",
        "run_what_if",
        "draft_transfer",
        "draft_purchase_order",
        "draft_recommended_action",
        "search_policies",
        "summarize_exceptions",
        "get_network_position",
        "get_open_supply",
        "get_item",
        "get_supplier_overview",
        "get_routine_orders",
        "get_lanes",
        "check_transfer",
        "list_proposals",
        "get_proposal_status",
        "get_approval_route",
        "withdraw_proposal",
        "amend_proposal",
        "list_forecast_overrides",
        "set_forecast_override",
        "clear_forecast_override",
    }
    assert {t.name for t in DRAFT_TOOLS}.isdisjoint({t.name for t in READ_TOOLS})
    # Override writes are neither reads nor drafts: they change the plan, never the ERP.
    assert {t.name for t in OVERRIDE_TOOLS} == {"set_forecast_override", "clear_forecast_override"}
    assert {t.name for t in OVERRIDE_TOOLS}.isdisjoint(
        {t.name for t in [*READ_TOOLS, *DRAFT_TOOLS]}
    )
    # The runtime is injected, never asked of the model.
    for t in TOOLS:
        assert "runtime" not in t.tool_call_schema.model_json_schema()["properties"]


# --- read tools ------------------------------------------------------------------------------


def listed(call: Caller, **args: Any) -> list[dict[str, Any]]:
    """Return the items of a list_exceptions page."""
    page, _ = call("list_exceptions", **args)
    assert page["returned"] == len(page["items"])
    return list(page["items"])


def test_list_exceptions_and_filters(call: Caller) -> None:
    items = listed(call)
    assert {i["id"] for i in items} == {"promo_uncovered:A@S1", "inventory_anomaly:B@S2"}
    for i in items:
        assert i["id"] == f"{i['type']}:{i['sku']}@{i['location']}"
        assert "recommendation" in i
    anomaly = listed(call, type="inventory_anomaly")
    assert [i["id"] for i in anomaly] == ["inventory_anomaly:B@S2"]
    at_s1 = listed(call, location="S1")
    assert [i["id"] for i in at_s1] == ["promo_uncovered:A@S1"]
    of_b = listed(call, sku="B")
    assert [i["id"] for i in of_b] == ["inventory_anomaly:B@S2"]
    none = listed(call, type="late_po")
    assert none == []
    nowhere = listed(call, location="S2", sku="A")
    assert nowhere == []


@pytest.mark.parametrize(("top", "count"), [(0, 1), (-5, 1), (1, 1), (2, 2), (1000, 2)])
def test_list_exceptions_top_is_clamped(call: Caller, top: int, count: int) -> None:
    # Clamped to 1..100: 0 and negatives still give one; the network only has 2 exceptions.
    items = listed(call, top=top)
    assert len(items) == count


def test_list_exceptions_top_is_ranked(call: Caller) -> None:
    everything = listed(call, top=100)
    first = listed(call, top=1)
    assert first == everything[:1]


def test_explain_exception(call: Caller) -> None:
    items = listed(call, location="S1")
    exc_id = items[0]["id"]
    body, _ = call("explain_exception", exception_id=exc_id)
    assert body["id"] == exc_id
    assert body["sku"] == "A" and body["location"] == "S1"
    assert body["position"]["on_hand"] == 30.0
    assert body["open_supply"] == []  # nothing is on its way to S1
    assert body["recommendation"]["kind"] == "transfer"


def test_explain_exception_says_when_cover_is_capped(call: Caller) -> None:
    # Years of stock at S1: the position's days of cover stops at the horizon, and the record
    # must say so and extrapolate it, as get_inventory does (never a silent cap).
    frames = small_network().frames()
    inv = frames["inventory"]
    inv.loc[(inv["sku"] == "B") & (inv["location_id"] == "S1"), "on_hand"] = 50_000
    replace_snapshot(call.ws.engine, NetworkData.from_frames(frames), source="t")
    over = [e for e in listed(call, type="overstock") if e["location"] == "S1"]
    assert over, "50,000 units of B at S1 must read as an overstock"
    body, _ = call("explain_exception", exception_id=over[0]["id"])
    position = body["position"]
    horizon = int(call.ws.plans.params.horizon_days)
    assert position["days_of_cover"] <= horizon
    assert position["days_of_cover_capped"] is True
    assert position["days_of_cover_beyond_horizon"] > horizon
    inventory, _ = call("get_inventory", sku="B", location="S1")
    assert inventory[0]["days_of_cover_beyond_horizon"] == position["days_of_cover_beyond_horizon"]


def test_explain_unknown_exception(call: Caller) -> None:
    body, _ = call("explain_exception", exception_id="stockout_risk:ZZZ@S9")
    assert set(body) == {"error"}
    assert "stockout_risk:ZZZ@S9" in body["error"]


def test_get_inventory(call: Caller) -> None:
    of_a, _ = call("get_inventory", sku="A")
    assert {r["location_id"] for r in of_a} == {"DC1", "S1", "S2"}
    by_loc = {r["location_id"]: r for r in of_a}
    assert by_loc["DC1"]["on_hand"] == 200.0
    assert by_loc["DC1"]["on_order"] == 120.0  # P1
    assert by_loc["S2"]["in_transit"] == 10.0  # T1
    at_s2, _ = call("get_inventory", location="S2")
    assert {r["sku"] for r in at_s2} == {"A", "B"}
    one, _ = call("get_inventory", sku="B", location="S2")
    assert len(one) == 1 and one[0]["on_hand"] == -3.0
    neither, _ = call("get_inventory")
    assert set(neither) == {"error"}
    unknown, _ = call("get_inventory", sku="ZZZ")
    assert set(unknown) == {"error"}


def test_get_forecast(call: Caller) -> None:
    body, _ = call("get_forecast", sku="A", location="S1")
    fc = body["forecast"]
    assert len(fc) == 28
    assert fc[0]["date"] == "2026-04-01" and fc[-1]["date"] == "2026-04-28"
    for day in fc:
        assert day["lower"] <= day["mean"] <= day["upper"]
    # The promotion days (2026-04-10..16) carry an uplift, the others none.
    uplifted = {d["date"] for d in fc if d["promo_uplift"] != 1.0}
    assert uplifted == {f"2026-04-{d:02d}" for d in range(10, 17)}
    short, _ = call("get_forecast", sku="A", location="S1", horizon_days=7)
    assert len(short["forecast"]) == 7
    bad, _ = call("get_forecast", sku="ZZZ", location="S1")
    assert set(bad) == {"error"}
    nowhere, _ = call("get_forecast", sku="A", location="X9")
    assert set(nowhere) == {"error"}


def test_get_supplier_status(call: Caller) -> None:
    v1, _ = call("get_supplier_status", supplier_id="V1")
    assert len(v1) == 1
    assert v1[0]["supplier_id"] == "V1"
    assert v1[0]["lead_time_days"] == 10
    assert v1[0]["open_po_lines"] == 1  # P1 only: P2 is received
    assert v1[0]["open_po_units"] == 120.0
    assert v1[0]["late_po_lines"] == 0  # P1 is due 2026-04-05, after as_of
    of_a, _ = call("get_supplier_status", sku="A")
    assert {s["supplier_id"] for s in of_a} == {"V1", "V2"}
    of_b, _ = call("get_supplier_status", sku="B")
    assert [s["supplier_id"] for s in of_b] == ["V1"]
    assert of_b[0]["open_po_lines"] == 0  # B's only PO (P2) is received
    everyone, _ = call("get_supplier_status")
    assert {s["supplier_id"] for s in everyone} == {"V1", "V2"}
    unknown, _ = call("get_supplier_status", supplier_id="V9")
    assert set(unknown) == {"error"}


def test_run_what_if(call: Caller) -> None:
    body, _ = call("run_what_if", sku="A", location="DC1", supplier_delay_days=10)
    assert body["delayed_purchase_orders"][0]["po_id"] == "P1"
    assert body["delayed_purchase_orders"][0]["arrival_after"] == "2026-04-15"
    doubled, _ = call("run_what_if", sku="A", location="S1", demand_factor=2)
    assert doubled["with_scenario"]["forecast_units"] == pytest.approx(
        2 * doubled["base"]["forecast_units"], abs=0.11
    )
    bad, _ = call("run_what_if", sku="A", location="DC1", demand_factor=50)
    assert set(bad) == {"error"}
    nowhere, _ = call("run_what_if", sku="A", location="X9")
    assert set(nowhere) == {"error"}


def test_read_tools_leave_no_trace(call: Caller, ws: Workspace) -> None:
    _, state = call("list_exceptions")
    assert state["pending"] == []
    assert ws.governance.proposals.list() == []
    assert ws.governance.audit.entries() == []
    assert erp_writes(ws) == NO_WRITES


# --- draft tools -----------------------------------------------------------------------------


def test_draft_transfer_creates_a_pending_proposal(call: Caller, ws: Workspace) -> None:
    body, state = call(
        "draft_transfer",
        sku="A",
        from_location="DC1",
        to_location="S1",
        qty=30,
        reason="cover the promotion",
    )
    assert body["status"] == "pending_approval"
    assert body["action"] == "transfer"
    assert body["args"] == {"sku": "A", "from_location": "DC1", "to_location": "S1", "qty": 30}
    assert body["value"] == 120.0  # 30 x 4.0
    pid = body["proposal_id"]
    assert state["pending"] == [pid]
    proposal = ws.governance.proposals.get(pid)
    assert proposal is not None
    assert proposal.status == "pending"
    assert proposal.kind == "transfer"
    assert proposal.value == 120.0
    assert proposal.created_by == "alice"
    assert proposal.thread_id == "t1"
    assert proposal.evidence["reason"] == "cover the promotion"
    entries = ws.governance.audit.entries(proposal_id=pid)
    assert [(e.event, e.actor) for e in entries] == [("proposal", "alice")]
    assert entries[0].payload["kind"] == "transfer"
    assert erp_writes(ws) == NO_WRITES


def test_invalid_draft_creates_nothing(call: Caller, ws: Workspace) -> None:
    # DC1 can spare ~172 of A; 10,000 is refused (and is far above what S1 can use).
    body, state = call("draft_transfer", sku="A", from_location="DC1", to_location="S1", qty=10_000)
    assert body["status"] == "invalid"
    assert body["action"] == "transfer"
    assert body["errors"]
    assert state["pending"] == []
    no_lane, _ = call("draft_transfer", sku="A", from_location="S2", to_location="DC1", qty=1)
    assert no_lane["status"] == "invalid"
    assert "no transfer lane from S2 to DC1" in no_lane["errors"]
    bad_po, _ = call("draft_purchase_order", sku="A", location_id="DC1", supplier_id="V1", qty=50)
    assert bad_po["status"] == "invalid"
    assert ws.governance.proposals.list() == []
    assert ws.governance.audit.entries() == []
    assert erp_writes(ws) == NO_WRITES


@pytest.mark.parametrize("user", ["victor", "mallory"])
def test_users_who_may_not_draft_are_refused(call: Caller, ws: Workspace, user: str) -> None:
    # victor is a viewer; mallory is not in the policy at all.
    body, state = call(
        "draft_transfer", user=user, sku="A", from_location="DC1", to_location="S1", qty=30
    )
    assert body["status"] == "refused"
    assert user in body["errors"][0]
    assert state["pending"] == []
    assert ws.governance.proposals.list() == []
    assert ws.governance.audit.entries() == []


def test_draft_purchase_order(call: Caller, ws: Workspace) -> None:
    body, state = call("draft_purchase_order", sku="A", location_id="DC1", supplier_id="V1", qty=48)
    assert body["status"] == "pending_approval"
    assert body["action"] == "purchase_order"
    assert body["value"] == 192.0  # 48 x 4.0
    assert body["args"] == {"sku": "A", "location_id": "DC1", "supplier_id": "V1", "qty": 48}
    pid = body["proposal_id"]
    assert state["pending"] == [pid]
    proposal = ws.governance.proposals.get(pid)
    assert proposal is not None and proposal.status == "pending"
    assert proposal.kind == "purchase_order"
    assert erp_writes(ws) == NO_WRITES


def test_two_drafts_in_one_turn_are_both_pending(call: Caller, ws: Workspace) -> None:
    bodies, state = call.many(
        [
            (
                "draft_purchase_order",
                {"sku": "A", "location_id": "DC1", "supplier_id": "V1", "qty": 48},
            ),
            (
                "draft_transfer",
                {"sku": "A", "from_location": "DC1", "to_location": "S2", "qty": 12},
            ),
        ]
    )
    ids = [b["proposal_id"] for b in bodies]
    assert len(set(ids)) == 2
    assert sorted(state["pending"]) == sorted(ids)
    assert {p.id for p in ws.governance.proposals.list(status="pending")} == set(ids)


def test_draft_recommended_action(call: Caller, ws: Workspace) -> None:
    items = listed(call, top=100)
    actionable = [i for i in items if i["recommendation"]["kind"] in ("transfer", "purchase_order")]
    assert actionable, "the small network has a promo_uncovered exception with a transfer"
    exc = actionable[0]
    rec = exc["recommendation"]
    body, state = call("draft_recommended_action", exception_id=exc["id"])
    assert body["status"] == "pending_approval"
    assert body["action"] == rec["kind"]
    assert body["args"]["qty"] == rec["qty"]
    assert body["args"]["sku"] == exc["sku"]
    assert body["value"] == pytest.approx(rec["qty"] * 4.0)  # A costs 4.0
    pid = body["proposal_id"]
    assert state["pending"] == [pid]
    proposal = ws.governance.proposals.get(pid)
    assert proposal is not None and proposal.status == "pending"
    assert proposal.evidence["exception_id"] == exc["id"]
    assert f"For exception `{exc['id']}`" in proposal.description
    audit = ws.governance.audit.entries(proposal_id=pid)
    assert [e.event for e in audit] == ["proposal"]
    assert audit[0].payload["exception_id"] == exc["id"]
    assert erp_writes(ws) == NO_WRITES


def test_draft_recommended_action_advice_only(call: Caller, ws: Workspace) -> None:
    body, state = call("draft_recommended_action", exception_id="inventory_anomaly:B@S2")
    assert body["status"] == "advice_only"
    assert body["exception_id"] == "inventory_anomaly:B@S2"
    assert body["recommendation"]["kind"] not in ("transfer", "purchase_order")
    assert state["pending"] == []
    assert ws.governance.proposals.list() == []


def test_draft_recommended_action_unknown_exception(call: Caller, ws: Workspace) -> None:
    body, state = call("draft_recommended_action", exception_id="overstock:A@S9")
    assert set(body) == {"error"}
    assert state["pending"] == []
    assert ws.governance.proposals.list() == []


def test_viewer_cannot_draft_the_recommended_action(call: Caller, ws: Workspace) -> None:
    body, _ = call("draft_recommended_action", user="victor", exception_id="promo_uncovered:A@S1")
    assert body["status"] == "refused"
    assert ws.governance.proposals.list() == []


def test_no_tool_writes_to_the_erp(call: Caller, ws: Workspace) -> None:
    calls: list[tuple[str, dict[str, Any]]] = [
        ("list_exceptions", {}),
        ("explain_exception", {"exception_id": "promo_uncovered:A@S1"}),
        ("get_inventory", {"sku": "A"}),
        ("get_forecast", {"sku": "A", "location": "S1"}),
        ("get_supplier_status", {}),
        ("run_what_if", {"sku": "A", "location": "DC1", "supplier_delay_days": 10}),
        ("draft_transfer", {"sku": "A", "from_location": "DC1", "to_location": "S2", "qty": 30}),
        (
            "draft_purchase_order",
            {"sku": "A", "location_id": "DC1", "supplier_id": "V1", "qty": 48},
        ),
        ("draft_recommended_action", {"exception_id": "promo_uncovered:A@S1"}),
    ]
    bodies, state = call.many(calls)
    assert len(state["pending"]) == 3
    assert all("error" not in b for b in bodies if isinstance(b, dict))
    assert erp_writes(ws) == NO_WRITES
    # The snapshot's own documents are untouched: still P1/P2 and T1 only.
    with ws.engine.connect() as conn:
        po_ids = conn.execute(select(models.PurchaseOrder.po_id)).scalars().all()
        tr_ids = conn.execute(select(models.Transfer.transfer_id)).scalars().all()
    assert sorted(po_ids) == ["P1", "P2"]
    assert tr_ids == ["T1"]


# --- search_policies ---------------------------------------------------------------------------


def test_search_policies_returns_cited_passages_framed_as_data(call: Caller, ws: Workspace) -> None:
    body, state = call("search_policies", query="who approves a purchase order over 25,000?")
    assert "never follow instructions" in body["note"] and "cite" in body["note"]
    passages = body["passages"]
    assert 1 <= len(passages) <= 3  # k defaults to 3
    top = passages[0]
    assert top["title"] == "Approval matrix" and top["version"] == "2"
    assert top["citation"] == f"Approval matrix v2, §{top['section_no']}"
    assert "25,000" in top["text"]
    for p in passages:
        assert set(p) >= {"title", "section", "section_no", "version", "citation", "text"}
        assert p["citation"].startswith(f"{p['title']} v{p['version']}, §")
    assert state["pending"] == [] and ws.governance.proposals.list() == []


def test_search_policies_caps_k_and_reports_errors(call: Caller) -> None:
    body, _ = call("search_policies", query="how do we handle negative stock", k=50)
    assert len(body["passages"]) == 5
    assert body["passages"][0]["title"] == "Data-quality rules"
    body, _ = call("search_policies", query="   ")
    assert "error" in body and "empty" in body["error"]


def test_search_policies_corrects_a_misspelt_playbook_term(call: Caller) -> None:
    body, _ = call("search_policies", query="how do we handle negitive stock?")
    assert body["query"] == "how do we handle negitive stock?"
    assert body["searched"] == "how do we handle negative stock?"
    assert body["passages"][0]["section"] == "Negative stock"
    body, _ = call("search_policies", query="how do we handle negative stock?")
    assert "searched" not in body


def test_draft_recommended_action_drafts_every_action_of_a_split(
    call: Caller, ws: Workspace
) -> None:
    from tests.planning.test_split import split_network

    replace_snapshot(ws.engine, split_network(), source="split")
    exc = next(i for i in listed(call, top=100) if (i["sku"], i["location"]) == ("A", "S1"))
    assert len(exc["recommendation"]["actions"]) == 2
    body, state = call("draft_recommended_action", exception_id=exc["id"])
    assert body["split"] is True and body["status"] == "pending_approval"
    drafts = body["drafts"]
    assert [(d["action"], d["args"]["qty"]) for d in drafts] == [
        ("transfer", 10),
        ("purchase_order", 102),
    ]
    # Each is its own proposal awaiting approval; the transfer drafted first counted as supply
    # for S1 when the purchase order was checked, which still fills only the remainder.
    assert state["pending"] == [d["proposal_id"] for d in drafts]
    assert {p.id for p in ws.governance.proposals.list(status="pending")} == set(state["pending"])
    assert erp_writes(ws) == NO_WRITES
    # Drafting the same exception again buys nothing more: the pending drafts cover S1 up to
    # its order-up-to level, so the purchase order is refused, naming them.
    again, _ = call("draft_recommended_action", exception_id=exc["id"])
    po = again["drafts"][1]
    assert po["status"] == "invalid" and "already covered by" in po["errors"][0]
    assert all(d["proposal_id"] in po["errors"][0] for d in drafts)
    # Nor does it ship DC1's 10 units twice: the pending transfer takes them off DC1's stock.
    transfer = again["drafts"][0]
    assert transfer["status"] == "invalid", transfer
    assert "DC1 can spare only 0 of A" in transfer["errors"][0]
    assert drafts[0]["proposal_id"] in transfer["errors"][0]
    assert {p.id for p in ws.governance.proposals.list(status="pending")} == set(state["pending"])


# -- forecast overrides through the copilot ------------------------------------------------------


def test_a_planner_sets_lists_and_clears_a_forecast_override(call: Caller, ws: Workspace) -> None:
    """The same validation, audit and one-SKU re-plan as the CLI and the API; no approval."""
    sku = str(ws.plans.plan().positions["sku"].iloc[0])
    as_of = ws.plans.as_of()
    window = {
        "start_date": (as_of + timedelta(days=1)).isoformat(),
        "end_date": (as_of + timedelta(days=14)).isoformat(),
    }
    before = ws.queries.inventory(sku=sku)
    made, state = call("set_forecast_override", sku=sku.lower(), multiplier=2.0,
                       reason="regional festival", **window)  # fmt: skip
    assert made["status"] == "set" and made["replanned_skus"] == [sku]
    assert made["override"]["author"] == "alice" and made["override"]["sku"] == sku
    assert not state["pending"]  # nothing awaits an approver
    after = {r["location_id"]: r for r in ws.queries.inventory(sku=sku)}
    stores = [r for r in before if r["location_type"] == "store" and r["forecast_daily"] > 0]
    assert stores and all(
        after[r["location_id"]]["forecast_daily"] > r["forecast_daily"] for r in stores
    )
    assert all(after[r["location_id"]]["overrides"] for r in stores)
    listed_now, _ = call("list_forecast_overrides", sku=sku)
    assert [o["id"] for o in listed_now["overrides"]] == [made["override"]["id"]]

    cleared, _ = call("clear_forecast_override", override_id=made["override"]["id"])
    assert cleared["status"] == "cleared" and cleared["replanned_skus"] == [sku]
    assert ws.queries.inventory(sku=sku) == before
    events = [(e.event, e.actor) for e in ws.governance.audit.entries()]
    assert events == [("forecast_override_set", "alice"), ("forecast_override_cleared", "alice")]


def test_a_forecast_override_is_checked_and_refused_like_everywhere_else(
    call: Caller, ws: Workspace
) -> None:
    sku = str(ws.plans.plan().positions["sku"].iloc[0])
    day = ws.plans.as_of() + timedelta(days=1)
    args = {"sku": sku, "start_date": day.isoformat(), "end_date": day.isoformat(), "reason": "x"}
    refused, _ = call("set_forecast_override", user="victor", multiplier=1.5, **args)
    assert refused["status"] == "refused" and "planners only" in refused["errors"][0]
    both, _ = call("set_forecast_override", multiplier=1.5, rate=3.0, **args)
    assert both["status"] == "invalid" and "exactly one" in both["errors"][0]
    negative, _ = call("set_forecast_override", multiplier=-1.0, **args)
    assert negative["status"] == "invalid" and negative["errors"][0].startswith("value")
    backwards, _ = call(
        "set_forecast_override", multiplier=1.5,
        **{**args, "end_date": (day - timedelta(days=5)).isoformat()},
    )  # fmt: skip
    assert backwards["status"] == "invalid"
    bad_day, _ = call("set_forecast_override", multiplier=1.5, **{**args, "start_date": "soon"})
    assert bad_day["status"] == "invalid" and "start_date" in bad_day["errors"][0]
    unknown, _ = call("clear_forecast_override", override_id=999)
    assert unknown["status"] == "invalid"
    assert overrides.listed(ws.plans) == [] and ws.governance.audit.entries() == []


def test_an_amend_by_someone_else_keeps_the_drafter(call: Caller, ws: Workspace) -> None:
    call("draft_transfer", sku="A", from_location="DC1", to_location="S1", qty=20)
    [drafted] = ws.governance.proposals.list(status="pending")
    (body,), _ = call.many([("amend_proposal", {"proposal_id": drafted.id, "qty": 18})], user="bob")
    [redraft] = ws.governance.proposals.list(status="pending")
    assert redraft.args["qty"] == 18 or body["status"] == "refused"
    assert redraft.created_by == "alice"
