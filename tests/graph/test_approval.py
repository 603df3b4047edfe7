"""The approval contract: decisions pair with proposals by id only; outcomes carry a reason."""

from __future__ import annotations

import re

import pytest
from langgraph.types import Command

from graph.approval import DecisionMismatchError, match_decisions
from tests.graph.conftest import draft_transfer_and_po, erp_documents

SHOWN = ["PR-1", "PR-2"]


def test_decisions_pair_by_proposal_id_in_any_order_and_may_leave_some_pending() -> None:
    answer = {
        "user": "bob",
        "decisions": [
            {"type": "reject", "proposal_id": "PR-2"},
            {"type": "approve", "proposal_id": "PR-1"},
        ],
    }
    matched = match_decisions(SHOWN, answer)
    assert {pid: d["type"] for pid, d in matched.items()} == {"PR-1": "approve", "PR-2": "reject"}
    one = match_decisions(SHOWN, {"user": "bob", "decisions": [answer["decisions"][0]]})
    assert list(one) == ["PR-2"]


@pytest.mark.parametrize(
    ("decisions", "why"),
    [
        ([{"type": "approve"}], "names no proposal_id"),
        ([{"type": "approve"}, {"type": "approve"}], "names no proposal_id"),
        ([{"type": "approve", "proposal_id": "PR-9"}], "not at the gate"),
        (
            [{"type": "approve", "proposal_id": "PR-1"}, {"type": "reject", "proposal_id": "PR-1"}],
            "two decisions",
        ),
        (
            [{"type": "approve", "proposal_id": p} for p in ("PR-1", "PR-2", "PR-1")],
            "3 decisions for 2 proposal(s)",
        ),
        (["approve"], "names no proposal_id"),
    ],
)
def test_a_decision_that_does_not_pair_one_to_one_is_an_error(decisions, why) -> None:
    with pytest.raises(DecisionMismatchError, match=re.escape(why)):
        match_decisions(SHOWN, {"user": "bob", "decisions": decisions})


@pytest.mark.parametrize("answer", [None, "approve", {"user": "bob"}, {"decisions": "approve"}])
def test_an_answer_without_a_decision_list_is_an_error(answer) -> None:
    with pytest.raises(DecisionMismatchError, match="no list of decisions"):
        match_decisions(SHOWN, answer)


def test_a_resume_matched_by_position_decides_nothing_and_the_thread_still_resumes(
    copilot, script, workspace
):
    script.turns.append(draft_transfer_and_po(po_sku="A"))
    first = copilot.ask("move 20 A to S1 and order 48", user="alice", thread_id="t1")
    assert len(first.pending) == 2
    [interrupt] = copilot.graph.get_state(copilot._config("t1")).interrupts
    # HumanInTheLoopMiddleware's bare shape pairs decisions by position: not accepted here.
    copilot.graph.invoke(
        Command(resume={interrupt.id: {"user": "bob", "decisions": [{"type": "approve"}] * 2}}),
        copilot._config("t1"),
        context=copilot.context,
    )
    after = copilot.pending("t1")
    assert {a.proposal_id for a in after} == {a.proposal_id for a in first.pending}
    assert {workspace.governance.proposals.get(a.proposal_id).status for a in after} == {"pending"}
    outcomes = copilot.thread("t1").outcomes
    assert {o["outcome"] for o in outcomes} == {"pending"}
    assert all("names no proposal_id" in o["message"] for o in outcomes)
    assert erp_documents(workspace)["ledger"] == 0
    done = copilot.decide("t1", user="carol", decision="approve")
    assert [o["outcome"] for o in done.outcomes] == ["committed", "committed"]


def test_outcomes_say_why_a_decision_did_not_go_through(copilot, script, workspace):
    script.turns.append(draft_transfer_and_po(po_sku="A"))
    copilot.ask("move 20 A to S1 and order 48", user="alice", thread_id="t1")
    refused = copilot.decide("t1", user="alice", decision="approve")  # a planner
    assert {(o["outcome"], o["reason"]) for o in refused.outcomes} == {("refused", "authority")}
    transfer = next(a for a in refused.pending if a.kind == "transfer")
    edit = copilot.decide(
        "t1", user="bob", decision="edit", proposal_id=transfer.proposal_id, qty=999
    )
    assert [(o["outcome"], o["reason"]) for o in edit.outcomes] == [("refused", "validation")]
    done = copilot.decide("t1", user="bob", decision="approve")
    assert [(o["outcome"], o["reason"]) for o in done.outcomes] == [("committed", None)] * 2
