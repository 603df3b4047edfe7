"""The copilot service (`graph.service.Copilot`) on input it must refuse in words.

Review 15 pinned what it found here as strict xfails: each fails on main and passes once fixed.
"""

import pytest

from stockpilot.asking import InvalidAsk
from tests.graph.conftest import draft_transfer, draft_transfer_and_po


def test_an_edit_beyond_any_storable_quantity_is_refused_and_the_thread_still_waits(
    copilot, script, workspace
):
    script.turns.append(draft_transfer())
    copilot.ask("move 20 A to S1", user="alice", thread_id="t1")
    try:
        result = copilot.decide("t1", user="bob", decision="edit", qty=10**30)
    except ValueError as exc:  # refused before resuming, like an edit with no quantity
        assert "--qty" in str(exc) and "10,000,000" in str(exc)
    else:
        assert not result.committed
        assert "refused" in result.answer
    [pending] = workspace.governance.proposals.list(status="pending")
    assert pending.args["qty"] == 20
    assert copilot.pending("t1")


def test_a_proposal_withdrawn_elsewhere_no_longer_waits_in_its_thread(copilot, script, workspace):
    from tools import insight

    script.turns.append(draft_transfer())
    first = copilot.ask("move 20 A to S1", user="alice", thread_id="t1")
    [waiting] = first.pending
    insight.withdraw(workspace, waiting.proposal_id, user="alice", thread_id="t2", reason="")
    assert not workspace.governance.proposals.list(status="pending")
    if copilot.pending("t1"):  # still shown as waiting: deciding it must say what it is
        result = copilot.decide("t1", user="bob", decision="approve")
        assert waiting.proposal_id in result.answer
        assert "withdrawn" in result.answer


@pytest.mark.parametrize(
    ("text", "thread_id", "field"),
    [
        ("   ", "t1", "question"),
        ("x" * 4001, "t1", "question"),
        ("what is late?", "a/b", "thread_id"),
        ("what is late?", "t\x00", "thread_id"),
        ("what is late?", "t" * 65, "thread_id"),
        ("what is late?", "", "thread_id"),
    ],
)
def test_a_bad_question_or_thread_id_is_refused_and_writes_nothing(
    copilot, workspace, text, thread_id, field
):
    for run in (
        lambda: copilot.ask(text, user="alice", thread_id=thread_id),
        lambda: list(copilot.stream(text, user="alice", thread_id=thread_id)),
    ):
        with pytest.raises(InvalidAsk) as refused:
            run()
        assert refused.value.field == field
    assert workspace.governance.audit.entries() == []
    if thread_id and "\x00" not in thread_id:
        assert not copilot.has_thread(thread_id)


def test_deciding_a_gate_whose_proposal_was_withdrawn_elsewhere_says_so_and_stops_waiting(
    copilot, script, workspace
):
    from graph.service import NotWaitingError
    from tools import insight

    script.turns.append(draft_transfer())
    [waiting] = copilot.ask("move 20 A to S1", user="alice", thread_id="t1").pending
    insight.withdraw(workspace, waiting.proposal_id, user="bob", thread_id="t2", reason="")
    assert copilot.pending("t1") == []
    view = copilot.thread("t1")
    assert view is not None and view.pending == []
    result = copilot.decide("t1", user="bob", decision="approve")
    assert f"{waiting.proposal_id} is withdrawn by bob" in result.answer
    assert not result.committed and not result.pending
    assert result.answer in [m["content"] for m in copilot.thread("t1").messages]  # type: ignore[union-attr]
    with pytest.raises(NotWaitingError):
        copilot.decide("t1", user="bob", decision="approve")
    assert workspace.governance.proposals.get(waiting.proposal_id).status == "rejected"


def test_the_other_proposal_at_the_gate_is_still_decided_when_one_was_withdrawn_elsewhere(
    copilot, script, workspace
):
    from tools import insight

    script.turns.append(draft_transfer_and_po())
    first = copilot.ask("do both", user="alice", thread_id="t1")
    po = next(a for a in first.pending if a.kind == "purchase_order")
    transfer = next(a for a in first.pending if a.kind == "transfer")
    insight.withdraw(workspace, po.proposal_id, user="alice", thread_id="t2", reason="")
    assert [a.proposal_id for a in copilot.pending("t1")] == [transfer.proposal_id]
    alone = copilot.decide("t1", user="bob", decision="approve", proposal_id=po.proposal_id)
    assert "Nothing was decided" in alone.answer and po.proposal_id in alone.answer
    assert [a.proposal_id for a in alone.pending] == [transfer.proposal_id]
    result = copilot.decide("t1", user="bob", decision="approve")
    assert f"{po.proposal_id} is withdrawn" in result.answer
    assert [c["proposal_id"] for c in result.committed] == [transfer.proposal_id]
    assert not copilot.pending("t1")
