"""The approval gate: each decision's round trip, authority, stale and racing resumes."""

import threading
from pathlib import Path

import pytest
from langchain_core.messages import AIMessage

from erp.store import load_network
from graph.service import NotWaitingError, StaleInterruptError
from stockpilot.settings import Settings
from tests.graph.conftest import draft_po, draft_transfer, draft_transfer_and_po, erp_documents
from tests.support.scripted_model import call


def test_draft_pauses_at_the_gate_with_an_inbox_payload(copilot, script, workspace):
    script.turns.append(draft_transfer())
    result = copilot.ask("move 20 A to S1", user="alice", thread_id="t1")
    assert len(result.pending) == 1
    action = result.pending[0]
    assert action.kind == "transfer"
    assert action.args == {"sku": "A", "from_location": "DC1", "to_location": "S1", "qty": 20}
    assert "DC1: on hand 200" in action.description
    state = copilot.graph.get_state(copilot._config("t1"))
    payload = state.interrupts[0].value
    assert payload["review_configs"][0]["allowed_decisions"] == [
        "approve",
        "edit",
        "reject",
        "respond",
    ]
    assert payload["action_requests"][0]["name"] == "transfer"
    assert erp_documents(workspace) == {"ledger": 0, "purchase_orders": 0, "transfers": 0}


def test_approve_commits_exactly_one_document(copilot, script, workspace):
    script.turns.append(draft_transfer())
    copilot.ask("move 20 A to S1", user="alice", thread_id="t1")
    result = copilot.decide("t1", user="bob", decision="approve")
    [outcome] = result.outcomes
    assert outcome["outcome"] == "committed"
    assert outcome["document_id"].startswith("TR-SP-")
    assert erp_documents(workspace) == {"ledger": 1, "purchase_orders": 0, "transfers": 1}
    inv = load_network(workspace.engine).inventory.set_index(["sku", "location_id"])["on_hand"]
    assert inv[("A", "DC1")] == 180
    assert "committed" in result.answer and outcome["document_id"] in result.answer
    assert workspace.governance.proposals.get(outcome["proposal_id"]).status == "committed"
    events = [e.event for e in workspace.governance.audit.entries()]
    assert events == ["proposal", "decision", "commit"]
    with pytest.raises(NotWaitingError):
        copilot.decide("t1", user="bob", decision="approve")


def test_edit_changes_the_quantity_and_is_revalidated(copilot, script, workspace):
    script.turns.append(draft_transfer(20))
    copilot.ask("move 20 A to S1", user="alice", thread_id="t1")
    result = copilot.decide("t1", user="bob", decision="edit", qty=30)
    assert result.outcomes[0]["outcome"] == "committed"
    tr = load_network(workspace.engine).transfers
    assert tr[tr["transfer_id"].str.startswith("TR-SP-")]["qty"].tolist() == [30]


def test_edit_beyond_what_the_source_can_spare_is_refused_and_stays_pending(
    copilot, script, workspace
):
    script.turns.append(draft_transfer(20))
    copilot.ask("move 20 A to S1", user="alice", thread_id="t1")
    result = copilot.decide("t1", user="bob", decision="edit", qty=250)
    assert result.outcomes[0]["outcome"] == "refused"
    assert "can spare only" in result.outcomes[0]["message"]
    assert len(result.pending) == 1
    assert erp_documents(workspace)["ledger"] == 0


def test_reject_writes_nothing_and_tells_the_agent(copilot, script, workspace):
    script.turns.append(draft_transfer())
    copilot.ask("move 20 A to S1", user="alice", thread_id="t1")
    result = copilot.decide("t1", user="bob", decision="reject", message="S1 is being refitted")
    assert result.outcomes[0]["outcome"] == "rejected"
    assert "S1 is being refitted" in result.answer
    assert erp_documents(workspace)["ledger"] == 0
    assert not result.pending


def test_respond_sends_the_message_back_to_the_agent(copilot, script, workspace):
    script.turns.append(draft_transfer())
    copilot.ask("move 20 A to S1", user="alice", thread_id="t1")
    result = copilot.decide("t1", user="bob", decision="respond", message="use S2's stock instead")
    assert "use S2's stock instead" in result.answer
    assert erp_documents(workspace)["ledger"] == 0


def test_above_authority_is_refused_and_stays_pending(tmp_path, workspace, make_copilot, script):
    policy = tmp_path / "policy.yaml"
    policy.write_text(Path(workspace.settings.policy_file).read_text().replace("25000", "100"))
    workspace.settings = Settings(**{**workspace.settings.model_dump(), "policy_file": policy})
    workspace.__dict__.pop("policy", None)
    copilot = make_copilot()
    script.turns.append(draft_po(48))  # 48 x 4.00 = 192.00 > approver limit 100
    copilot.ask("order 48 A", user="alice", thread_id="t1")
    refused = copilot.decide("t1", user="bob", decision="approve")
    assert refused.outcomes[0]["outcome"] == "refused"
    assert "up to 100.00" in refused.outcomes[0]["message"]
    assert len(refused.pending) == 1
    assert erp_documents(workspace)["ledger"] == 0
    done = copilot.decide("t1", user="carol", decision="approve")  # admin: limit 250,000
    assert done.outcomes[0]["outcome"] == "committed"
    assert erp_documents(workspace) == {"ledger": 1, "purchase_orders": 1, "transfers": 0}
    assert [e.event for e in workspace.governance.audit.entries()] == [
        "proposal",
        "refusal",
        "decision",
        "commit",
    ]


def test_unknown_user_cannot_decide(copilot, script, workspace):
    script.turns.append(draft_transfer())
    copilot.ask("move", user="alice", thread_id="t1")
    result = copilot.decide("t1", user="mallory", decision="approve")
    assert result.outcomes[0]["outcome"] == "refused"
    assert erp_documents(workspace)["ledger"] == 0


def test_viewer_cannot_draft(copilot, script, workspace):
    script.turns.append(draft_transfer())
    result = copilot.ask("move", user="victor", thread_id="t1")
    assert not result.pending
    assert "may not draft" in result.answer


def test_stale_interrupt_and_idle_threads_are_errors(copilot, script):
    with pytest.raises(NotWaitingError):
        copilot.decide("never-started", user="bob", decision="approve")
    script.turns.append(draft_transfer())
    copilot.ask("move", user="alice", thread_id="t1")
    with pytest.raises(StaleInterruptError):
        copilot.decide("t1", user="bob", decision="approve", interrupt_id="not-the-one")
    with pytest.raises(StaleInterruptError):
        copilot.decide("t1", user="bob", decision="approve", proposal_id="PR-NOPE")
    # The thread still waits, untouched.
    assert len(copilot.pending("t1")) == 1


def test_a_refusal_creates_a_new_interrupt_and_the_old_id_goes_stale(copilot, script):
    script.turns.append(draft_transfer())
    first = copilot.ask("move", user="alice", thread_id="t1").pending[0].interrupt_id
    copilot.decide("t1", user="alice", decision="approve")  # planner: refused, still pending
    second = copilot.pending("t1")[0].interrupt_id
    assert second != first
    with pytest.raises(StaleInterruptError):
        copilot.decide("t1", user="bob", decision="approve", interrupt_id=first)


def test_two_proposals_decided_separately(copilot, script, workspace):
    script.turns.append(draft_transfer_and_po())
    result = copilot.ask("do both", user="alice", thread_id="t1")
    assert {a.kind for a in result.pending} == {"transfer", "purchase_order"}
    po = next(a for a in result.pending if a.kind == "purchase_order")
    r1 = copilot.decide("t1", user="bob", decision="reject", proposal_id=po.proposal_id)
    assert [a.kind for a in r1.pending] == ["transfer"]
    r2 = copilot.decide("t1", user="bob", decision="approve")
    assert r2.outcomes[0]["outcome"] == "committed"
    assert erp_documents(workspace) == {"ledger": 1, "purchase_orders": 0, "transfers": 1}


def test_racing_resumes_commit_once(make_copilot, script, workspace):
    script.turns.append(draft_transfer())
    first = make_copilot()
    first.ask("move", user="alice", thread_id="t1")
    copilots = [make_copilot() for _ in range(4)]  # separate instances: no shared lock
    barrier = threading.Barrier(len(copilots))
    results, errors = [], []

    def resume(c):
        barrier.wait()
        try:
            results.append(c.decide("t1", user="bob", decision="approve"))
        except (NotWaitingError, StaleInterruptError) as exc:
            errors.append(exc)

    threads = [threading.Thread(target=resume, args=(c,)) for c in copilots]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert erp_documents(workspace) == {"ledger": 1, "purchase_orders": 0, "transfers": 1}
    committed = [o for r in results for o in r.outcomes if o["outcome"] == "committed"]
    assert len({o["document_id"] for o in committed}) == 1
    assert [e.event for e in workspace.governance.audit.entries()].count("commit") == 1
    assert [e.event for e in workspace.governance.audit.entries()].count("decision") == 1
    assert workspace.governance.audit.verify().ok


def test_commit_revalidates_and_refuses_when_stock_has_gone(copilot, script, workspace):
    script.turns.append(draft_transfer(150))
    copilot.ask("move 150", user="alice", thread_id="t1")
    # Meanwhile the DC's stock drops (a new snapshot arrives).
    from erp.store import replace_snapshot
    from planning.network import NetworkData

    data = load_network(workspace.engine)
    inv = data.inventory.copy()
    inv.loc[(inv["sku"] == "A") & (inv["location_id"] == "DC1"), "on_hand"] = 60
    replace_snapshot(
        workspace.engine, NetworkData.from_frames({**data.frames(), "inventory": inv}), source="new"
    )
    result = copilot.decide("t1", user="bob", decision="approve")
    assert result.outcomes[0]["outcome"] == "failed"
    assert "can spare only" in result.outcomes[0]["message"]
    assert erp_documents(workspace)["ledger"] == 0
    assert workspace.governance.proposals.get(result.outcomes[0]["proposal_id"]).status == "failed"
    assert "commit_refused" in [e.event for e in workspace.governance.audit.entries()]


def test_an_approver_who_edits_the_quantity_at_the_gate_is_not_the_drafter(
    copilot, script, workspace
):
    """The gate's edit: the planner drafted it; the approver's decision holds both quantities."""
    script.turns.append(draft_transfer(20))
    pid = copilot.ask("move 20 A to S1", user="alice", thread_id="t1").pending[0].proposal_id
    copilot.decide("t1", user="bob", decision="edit", qty=30)
    entries = {e.event: e for e in workspace.governance.audit.entries(proposal_id=pid)}
    assert entries["proposal"].actor == "alice"
    decision = entries["decision"]
    assert decision.actor == "bob"
    assert decision.payload["decision"] == "edit"
    assert decision.payload["drafted_by"] == "alice"
    assert (decision.payload["previous_qty"], decision.payload["qty"]) == (20, 30)
    assert workspace.governance.proposals.get(pid).created_by == "alice"


def test_an_approver_who_amends_the_waiting_draft_leaves_the_planner_its_drafter(
    copilot, script, workspace
):
    """'make it 30' said by the approver while the draft waits: redrafted as the planner's."""
    script.turns.append(draft_transfer(20))
    old = copilot.ask("move 20 A to S1", user="alice", thread_id="t1").pending[0].proposal_id
    script.turns.append(AIMessage("", tool_calls=[call("amend_proposal", proposal_id=old, qty=30)]))
    [action] = copilot.ask("make it 30", user="bob", thread_id="t1").pending
    new = workspace.governance.proposals.get(action.proposal_id)
    assert new.id != old and new.args["qty"] == 30
    assert new.created_by == "alice"
    entries = workspace.governance.audit.entries(proposal_id=new.id)
    assert [(e.event, e.actor) for e in entries] == [("proposal", "alice"), ("decision", "bob")]
    edit = entries[1].payload
    assert edit["decision"] == "edit" and edit["drafted_by"] == "alice"
    assert (edit["replaces"], edit["previous_qty"], edit["qty"]) == (old, 20, 30)
    assert entries[0].payload["edited_by"] == "bob"


def test_a_planner_who_amends_their_own_draft_is_its_drafter(copilot, script, workspace):
    script.turns.append(draft_transfer(20))
    old = copilot.ask("move 20 A to S1", user="alice", thread_id="t1").pending[0].proposal_id
    script.turns.append(AIMessage("", tool_calls=[call("amend_proposal", proposal_id=old, qty=30)]))
    [action] = copilot.ask("make it 30", user="alice", thread_id="t1").pending
    entries = workspace.governance.audit.entries(proposal_id=action.proposal_id)
    assert [(e.event, e.actor) for e in entries] == [("proposal", "alice")]
    assert "edited_by" not in entries[0].payload
