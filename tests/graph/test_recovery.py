"""Recovery: a stopped turn, a killed approval or a new message never leaves a proposal half-done."""

from __future__ import annotations

import json

import pytest

from erp.store import load_network
from graph.recovery import recover
from tests.graph.conftest import draft_transfer, erp_documents
from tests.graph.test_guarantees import _worker


def test_a_stream_closed_after_the_draft_is_finished_by_recovery(copilot, script, workspace):
    script.turns.append(draft_transfer())
    events = copilot.stream("move 20 A to S1", user="alice", thread_id="s1")
    for event in events:
        if event["event"] == "tool" and "summary" in event["data"]:
            break  # the client went away right after the draft tool ran
    events.close()
    [proposal] = workspace.governance.proposals.list()
    assert proposal.status == "pending"
    assert copilot.inbox() == []  # stranded: the thread never reached the gate

    dry = recover(copilot, dry_run=True)
    assert [r.action for r in dry] == ["resumed"]
    assert copilot.inbox() == []  # a dry run changes nothing

    repairs = recover(copilot)
    assert [r.action for r in repairs] == ["resumed"]
    assert [i.proposal_id for i in copilot.inbox()] == [proposal.id]
    assert recover(copilot) == []  # nothing left


def test_a_new_message_finishes_a_stopped_turn_first(copilot, script, workspace):
    script.turns.append(draft_transfer())
    events = copilot.stream("move 20 A to S1", user="alice", thread_id="s2")
    for event in events:
        if event["event"] == "tool" and "summary" in event["data"]:
            break
    events.close()
    copilot.ask("and what else?", user="alice", thread_id="s2")
    [proposal] = workspace.governance.proposals.list()
    assert [a.proposal_id for a in copilot.pending("s2")] == [proposal.id]


def test_a_forgotten_pending_proposal_goes_back_to_the_gate(copilot, script, workspace):
    script.turns.append(draft_transfer())
    copilot.ask("move 20 A to S1", user="alice", thread_id="s3")
    [proposal] = workspace.governance.proposals.list()
    # The gate's checkpoint is lost (an older release, a hand edit): the thread is idle.
    config = copilot._config("s3")
    copilot.graph.update_state(
        config, {"pending": {"replace": []}, "decisions": None}, as_node="approval"
    )
    assert copilot.pending("s3") == [] and copilot.inbox() == []
    [repair] = recover(copilot)
    assert (repair.proposal_id, repair.action) == (proposal.id, "returned")
    assert [a.proposal_id for a in copilot.pending("s3")] == [proposal.id]


def test_a_pending_proposal_of_a_vanished_thread_is_withdrawn_and_audited(
    copilot, script, workspace
):
    script.turns.append(draft_transfer())
    copilot.ask("move 20 A to S1", user="alice", thread_id="s4")
    [proposal] = workspace.governance.proposals.list()
    copilot.checkpointer.delete_thread("s4")
    [repair] = recover(copilot)
    assert repair.action == "withdrawn"
    assert workspace.governance.proposals.get(proposal.id).status == "rejected"
    assert [e.event for e in workspace.governance.audit.entries()][-1] == "withdrawal"
    assert erp_documents(workspace)["ledger"] == 0


@pytest.mark.slow
def test_kill_after_the_erp_write_then_a_new_message_commits_once(tmp_path, workspace):
    assert _worker(tmp_path, "ask").returncode == 0
    crashed = _worker(tmp_path, "decide", "--crash-after-erp-write")
    assert crashed.returncode == 137, crashed.stderr
    said = _worker(tmp_path, "say")  # the planner writes again before anyone recovers
    assert said.returncode == 0, said.stderr
    # The follow-up drafted a second transfer (the worker's model drafts on every message).
    [proposal] = [p for p in workspace.governance.proposals.list() if p.decided_by == "bob"]
    assert proposal.status == "committed"
    assert erp_documents(workspace) == {"ledger": 1, "purchase_orders": 0, "transfers": 1}
    assert [c["document_id"] for c in json.loads(said.stdout)["committed"]] == [
        proposal.document_id
    ]
    inv = load_network(workspace.engine).inventory.set_index(["sku", "location_id"])["on_hand"]
    assert inv[("A", "DC1")] == 180
    events = [e.event for e in workspace.governance.audit.entries()]
    assert events.count("commit") == 1 and events.count("decision") == 1
    assert json.loads(_worker(tmp_path, "recover-all").stdout) == []  # the new draft waits
    assert len(json.loads(said.stdout)["pending"]) == 1
