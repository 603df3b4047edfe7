"""Segregation of duties at the approval gate (`graph.nodes.own_part`, approval matrix §7).

Nobody approves a proposal they drafted or amended: the gate refuses it as an authority
refusal, the proposal keeps waiting, and another approver decides it. The approval inbox does
not offer it to them either.
"""

from langchain_core.messages import AIMessage

from tests.graph.conftest import draft_transfer, erp_documents
from tests.support.scripted_model import call


def test_an_approver_who_amended_a_planners_proposal_may_not_approve_it(copilot, script, workspace):
    script.turns.append(draft_transfer(20))
    [drafted] = copilot.ask("move 20 A to S1", user="alice", thread_id="z1").pending
    script.turns.append(
        AIMessage("", tool_calls=[call("amend_proposal", proposal_id=drafted.proposal_id, qty=18)])
    )
    [redraft] = copilot.ask(f"make {drafted.proposal_id} 18", user="bob", thread_id="z2").pending
    stored = workspace.governance.proposals.get(redraft.proposal_id)
    assert stored.created_by == "alice" and stored.args["qty"] == 18
    assert [i.proposal_id for i in copilot.inbox(decidable_by="bob")] == []
    assert [i.proposal_id for i in copilot.inbox(decidable_by="carol")] == [redraft.proposal_id]

    refused = copilot.decide("z2", user="bob", decision="approve")
    [out] = refused.outcomes
    assert (out["outcome"], out["reason"]) == ("refused", "authority")
    assert "bob amended" in out["message"] and "drafted or amended" in out["message"]
    assert workspace.governance.proposals.get(redraft.proposal_id).status == "pending"
    assert erp_documents(workspace)["ledger"] == 0
    edited = copilot.decide("z2", user="bob", decision="edit", qty=15)
    assert edited.outcomes[0]["outcome"] == "refused"

    done = copilot.decide("z2", user="carol", decision="approve")
    assert done.outcomes[0]["outcome"] == "committed"
    assert erp_documents(workspace)["ledger"] == 1


def test_an_approver_may_not_approve_their_own_draft_but_may_reject_it(copilot, script, workspace):
    script.turns.append(draft_transfer(20))
    [own] = copilot.ask("move 20 A to S1", user="bob", thread_id="b1").pending
    refused = copilot.decide("b1", user="bob", decision="approve")
    assert refused.outcomes[0]["outcome"] == "refused"
    assert "bob drafted" in refused.outcomes[0]["message"]
    assert workspace.governance.proposals.get(own.proposal_id).status == "pending"
    rejected = copilot.decide("b1", user="bob", decision="reject", message="not needed")
    assert rejected.outcomes[0]["outcome"] == "rejected"


def test_the_drafter_amending_their_own_draft_leaves_it_to_the_approver(copilot, script, workspace):
    script.turns.append(draft_transfer(20))
    [drafted] = copilot.ask("move 20 A to S1", user="alice", thread_id="a1").pending
    script.turns.append(
        AIMessage("", tool_calls=[call("amend_proposal", proposal_id=drafted.proposal_id, qty=30)])
    )
    [redraft] = copilot.ask("make it 30", user="alice", thread_id="a1").pending
    assert "amended_by" not in workspace.governance.proposals.get(redraft.proposal_id).evidence
    done = copilot.decide("a1", user="bob", decision="approve")
    assert done.outcomes[0]["outcome"] == "committed"
