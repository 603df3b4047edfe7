"""Which of a thread's proposals a follow-up acts on: by ordinal, id, item or place, or all.

Review 2026-12-06 F3/F5/F6/F13/F14/F17 as classes: each test drives the real graph on the
seed-7 demo (conftest `copilot`) and checks the store, not only the words.
"""

from __future__ import annotations

from typing import Any

import pytest

from agents.focus import Focus, ProposalNote
from agents.offline.proposal_refs import pointed, said_ids
from graph.service import Copilot
from tests.agents.conftest import ask

A = "transfer 20 SKU-0012 from DC-SOUTH to S003"
B = "transfer 10 SKU-0016 from DC-NORTH to S002"
WRITES = ("draft_", "amend_", "withdraw_")


def writes(result: Any) -> list[tuple[str, dict[str, Any]]]:
    """The write tools a turn called, with their arguments."""
    return [(c["name"], c["args"]) for c in result.tool_calls if c["name"].startswith(WRITES)]


def held(result: Any) -> list[tuple[str, int]]:
    """The thread's pending proposals as (sku, qty), sorted."""
    return sorted((p.args["sku"], p.args["qty"]) for p in result.pending)


def _focus(*qtys: int) -> Focus:
    notes = [
        ProposalNote(f"PR-00000000000{i}", "transfer", "pending", {"sku": f"SKU-000{i}", "qty": q})
        for i, q in enumerate(qtys, 1)
    ]
    return Focus(proposals=notes)


@pytest.mark.parametrize(
    ("text", "index"),
    [
        ("make the first one 30", 0),
        ("the second draft to 12", 1),
        ("withdraw the last transfer", 2),
        ("make the 1st one 5", 0),
    ],
)
def test_an_ordinal_picks_that_proposal_in_drafting_order(text: str, index: int) -> None:
    focus = _focus(20, 10, 5)
    assert pointed(text, focus, pending=True).ids == (focus.proposals[index].proposal_id,)


def test_an_ordinal_past_the_end_asks_which_listing_them() -> None:
    p = pointed("make the third one 30", _focus(20, 10), pending=True)
    assert p.ids == () and p.question is not None
    assert "PR-000000000001" in p.question and "PR-000000000002" in p.question


@pytest.mark.parametrize("text", ["withdraw both", "withdraw all", "make them 30", "scrap those"])
def test_a_plural_points_at_every_pending_proposal(text: str) -> None:
    focus = _focus(20, 10)
    focus.proposals.append(ProposalNote("PR-00000000000F", "transfer", "committed", {}))
    assert pointed(text, focus, pending=True).ids == ("PR-000000000001", "PR-000000000002")


def test_proposal_ids_are_read_in_any_case() -> None:
    assert said_ids("withdraw pr-8b08d28aeccf and PR-00AA11BB22CC") == [
        "PR-8B08D28AECCF",
        "PR-00AA11BB22CC",
    ]
    assert said_ids("order 20 from SUP-06 for S003") == []


@pytest.mark.parametrize(
    ("follow", "expected"),
    [
        ("make the first one 30", [("SKU-0012", 30), ("SKU-0016", 10)]),
        ("make the second draft 12", [("SKU-0012", 20), ("SKU-0016", 12)]),
        ("make the SKU-0012 one 25", [("SKU-0012", 25), ("SKU-0016", 10)]),
        ("make the S002 transfer 15", [("SKU-0012", 20), ("SKU-0016", 15)]),
        ("make them 30", [("SKU-0012", 30), ("SKU-0016", 30)]),
        ("make the third one 30", [("SKU-0012", 20), ("SKU-0016", 10)]),  # asks which
    ],
)
def test_a_follow_up_amends_the_proposal_it_points_at(
    copilot: Copilot, follow: str, expected: list[tuple[str, int]]
) -> None:
    *_, r = ask(copilot, A, B, follow)
    assert held(r) == expected, (follow, r.answer[:300])


@pytest.mark.parametrize("follow", ["withdraw both", "withdraw all", "cancel them both"])
def test_a_plural_withdrawal_withdraws_and_names_each(copilot: Copilot, follow: str) -> None:
    _, second, r = ask(copilot, A, B, follow)
    assert r.pending == [], (follow, r.answer[:300])
    assert all(p.proposal_id in r.answer for p in second.pending), r.answer[:400]


def test_undo_after_amending_both_puts_each_back(copilot: Copilot) -> None:
    *_, r = ask(copilot, A, B, "make them 30", "undo")
    assert held(r) == [("SKU-0012", 20), ("SKU-0016", 10)], r.answer[:300]


def test_undo_after_a_withdrawal_drafts_nothing_and_says_so(copilot: Copilot) -> None:
    *_, r = ask(copilot, A, "withdraw it", "undo that")
    assert writes(r) == [] and r.pending == [], r.answer[:300]
    assert "withdrawn" in r.answer and "rejected" not in r.answer, r.answer[:300]


def test_withdrawing_twice_says_withdrawn_not_rejected(copilot: Copilot) -> None:
    *_, r = ask(copilot, A, "withdraw it", "withdraw it")
    assert "withdrawn" in r.answer and "is rejected" not in r.answer, r.answer[:300]


@pytest.mark.parametrize("follow", ["make it 20", "make it 20 instead", "change it to 20"])
def test_a_no_op_amend_keeps_the_proposal(copilot: Copilot, follow: str) -> None:
    first, r = ask(copilot, A, follow)
    assert writes(r) == [], (follow, r.answer[:300])
    assert [p.proposal_id for p in r.pending] == [p.proposal_id for p in first.pending]


@pytest.mark.parametrize(
    "template", ["withdraw {pid}", "make {pid} 35", "status of {pid}", "cancel {lower}"]
)
def test_a_proposal_named_by_its_id_is_understood(copilot: Copilot, template: str) -> None:
    [first] = ask(copilot, A)
    pid = first.pending[0].proposal_id
    thread = f"by-id-{template.split()[0]}"  # another thread: the id is the only way to reach it
    r = copilot.ask(template.format(pid=pid, lower=pid.lower()), user="alice", thread_id=thread)
    assert "can't tell" not in r.answer, r.answer[:300]
    assert pid in r.answer, r.answer[:300]


@pytest.mark.parametrize("question", ["what went through?", "did they go through?"])
def test_a_whole_thread_status_question_reports_every_proposal(
    copilot: Copilot, question: str
) -> None:
    _, second, _, r = ask(copilot, A, B, "withdraw the second one", question)
    ids = [p.proposal_id for p in second.pending]
    assert len(ids) == 2 and all(pid in r.answer for pid in ids), r.answer[:400]
    assert "withdrawn" in r.answer and "pending" in r.answer, r.answer[:400]


@pytest.mark.parametrize(
    ("follow", "qty"),
    [
        ("actually keep it at 20", 20),
        ("leave it at 20", 20),
        ("ok just keep it at 25 then", 25),
        ("should we keep it at 20?", 30),  # a question: nothing changes
    ],
)
def test_keeping_it_at_a_quantity_amends_to_it(copilot: Copilot, follow: str, qty: int) -> None:
    *_, r = ask(copilot, A, "make it 30", follow)
    assert held(r) == [("SKU-0012", qty)], (follow, r.answer[:300])
    assert "no location" not in r.answer, r.answer[:300]


def test_an_ordinal_after_an_amend_keeps_the_order_the_planner_saw(copilot: Copilot) -> None:
    *_, withdrawn = ask(copilot, A, B, "make the first one 30", "withdraw the second one")
    [(name, _)] = writes(withdrawn)
    assert name == "withdraw_proposal"
    # The second draft asked for (SKU-0016) is withdrawn; the amended first one stays pending.
    assert held(withdrawn) == [("SKU-0012", 30)]


def test_a_redraft_takes_its_predecessors_place_among_the_ordinals() -> None:
    focus = _focus(20, 10)
    first, second = focus.proposals
    first.status = "rejected"  # amended: replaced by its redraft
    redraft = ProposalNote(
        "PR-00000000000A", "transfer", "pending", {"qty": 30}, replaces=first.proposal_id
    )
    focus.proposals.append(redraft)
    assert pointed("withdraw the second one", focus, pending=True).ids == (second.proposal_id,)
    assert pointed("make the first one 25", focus, pending=True).ids == (redraft.proposal_id,)
    assert pointed("withdraw the last one", focus, pending=True).ids == (second.proposal_id,)
    assert pointed("withdraw the latest one", focus, pending=True).ids == (redraft.proposal_id,)
    assert pointed("status of the first one", focus, pending=False).ids == (redraft.proposal_id,)
