"""Status questions after an approver decided between turns, through the real graph.

A thread drafts four proposals and the approver decides each differently (approved, rejected
with a reason, approved with the quantity edited, left pending). A question names its proposal by
kind ("the PO"), item, place, ERP document id, place in the thread ("the first one"), pronoun,
or asks for several; the answer leads with that proposal's status from the proposal tools. In a
new thread, with no memory of the drafts, the planner's proposals are looked up instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import pytest

from graph.service import Copilot


@dataclass
class Drafted:
    thread: str
    ids: dict[str, str]  # "s002", "po", "s003", "s001" -> proposal id
    doc: dict[str, str]  # committed ones -> document id


def _draft(copilot: Copilot, thread: str, text: str) -> str:
    r = copilot.ask(text, user="alice", thread_id=thread)
    assert len(r.pending) == 1, (text, r.answer[:300])
    return r.pending[0].proposal_id


@pytest.fixture(scope="module")
def drafted(copilot: Copilot) -> Drafted:
    ws = copilot.workspace
    for p in ws.governance.proposals.list(status="pending"):
        ws.governance.proposals.decide(p.id, user="bob", decision="reject")
    t = "status-refs"
    ids = {"s002": _draft(copilot, t, "transfer 12 of SKU-0016 from DC-NORTH to S002")}
    copilot.decide(t, user="bob", decision="approve")
    ids["po"] = _draft(copilot, t, "order 200 of SKU-0003 for DC-NORTH")
    copilot.decide(t, user="bob", decision="reject", message="budget freeze")
    ids["s003"] = _draft(copilot, t, "transfer 10 of SKU-0007 from DC-SOUTH to S003")
    copilot.decide(t, user="bob", decision="edit", qty=6)
    ids["s001"] = _draft(copilot, t, "transfer 5 of SKU-0009 from DC-NORTH to S001")
    view = copilot.thread(t)
    assert view is not None
    doc = {k: c["document_id"] for k in ids for c in view.committed if c["proposal_id"] == ids[k]}
    assert set(doc) == {"s002", "s003"}
    return Drafted(t, ids, doc)


def _thread_of(prefix: str, text: str) -> str:
    """Return a thread id of its own for a question (thread ids are names: no spaces or '?')."""
    return prefix + "-" + re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-")


def _asked(copilot: Copilot, thread: str, text: str) -> Any:
    r = copilot.ask(text, user="alice", thread_id=thread)
    assert not [c for c in r.tool_calls if not c["name"].startswith(("get_", "list_"))], r
    return r


@pytest.mark.parametrize(
    ("text", "which", "says"),
    [
        ("did the PO get the ok?", "po", ["No — it did not go through", "budget freeze"]),
        ("was the purchase order approved?", "po", ["rejected", "budget freeze"]),
        ("why was the PO rejected?", "po", ["bob rejected it", "budget freeze"]),
        ("what happened to the order for SKU-0003", "po", ["rejected"]),
        ("has the S003 one been signed off", "s003", ["went through", "edited the quantity to 6"]),
        (
            "did they change the qty on the S003 one?",
            "s003",
            ["Yes — bob edited the quantity to 6"],
        ),
        ("did they change the quantity of the SKU-0016 transfer?", "s002", ["No — bob approved"]),
        ("status of the first one", "s002", ["went through"]),
        ("and what about the third one, was it approved?", "s003", ["went through"]),
        ("status of the last one", "s001", ["still waiting"]),
        ("is it still waiting?", "s001", ["Yes — it is still waiting"]),
        ("did the S002 transfer go through", "s002", ["Yes — it went through"]),
    ],
)
def test_a_status_question_reads_the_proposal_it_names(
    copilot: Copilot, drafted: Drafted, text: str, which: str, says: list[str]
) -> None:
    r = _asked(copilot, drafted.thread, text)
    asked = [c["args"].get("proposal_id") for c in r.tool_calls]
    assert asked == [drafted.ids[which]], (text, r.tool_calls)
    for said in says:
        assert said in r.answer, (text, r.answer[:300])
    if which in drafted.doc:
        assert drafted.doc[which] in r.answer


def test_a_document_id_names_the_proposal_it_committed(copilot: Copilot, drafted: Drafted) -> None:
    for key in ("s002", "s003"):
        r = _asked(copilot, drafted.thread, f"is {drafted.doc[key]} committed?")
        assert [c["args"].get("proposal_id") for c in r.tool_calls] == [drafted.ids[key]]
        assert r.answer.startswith("**Yes — it went through.**"), r.answer[:200]


def test_several_asked_are_listed(copilot: Copilot, drafted: Drafted) -> None:
    r = _asked(copilot, drafted.thread, "which of my drafts are still waiting")
    assert [c["name"] for c in r.tool_calls] == ["list_proposals"]
    assert drafted.ids["s001"] in r.answer and drafted.ids["s002"] not in r.answer
    r = _asked(copilot, drafted.thread, "what's the status of my proposals")
    assert [c["name"] for c in r.tool_calls] == ["list_proposals"]
    assert all(pid in r.answer for pid in drafted.ids.values()), r.answer[:400]


@pytest.mark.parametrize(
    ("text", "which", "says"),
    [
        ("was the SKU-0003 order approved?", "po", ["No — it did not go through", "budget freeze"]),
        ("what happened to the S003 transfer?", "s003", ["went through"]),
        ("did my PO get signed off?", "po", ["rejected"]),
    ],
)
def test_in_a_new_thread_the_planners_proposals_are_looked_up(
    copilot: Copilot, drafted: Drafted, text: str, which: str, says: list[str]
) -> None:
    r = _asked(copilot, _thread_of("new", text), text)
    assert [c["name"] for c in r.tool_calls] == ["list_proposals"], (text, r.answer[:200])
    first = r.answer.splitlines()[0]
    assert drafted.ids[which] in first, (text, r.answer[:300])
    for said in says:
        assert said in first, (text, first)


def test_in_a_new_thread_a_document_id_and_an_approver_are_looked_up(
    copilot: Copilot, drafted: Drafted
) -> None:
    r = _asked(copilot, "new-doc", f"is {drafted.doc['s002']} committed?")
    assert r.answer.startswith("**Yes — it went through.**") and drafted.ids["s002"] in r.answer
    r = _asked(copilot, "new-bob", "did bob approve anything?")
    assert r.answer.startswith("**bob decided"), r.answer[:200]
    assert drafted.ids["s001"] not in r.answer  # still pending: bob decided nothing on it
    r = _asked(copilot, "new-news", "any news on my proposals?")
    assert all(pid in r.answer for pid in drafted.ids.values()), r.answer[:400]


@pytest.mark.parametrize(
    ("text", "which", "lead"),
    [
        ("has it been signed off", "s001", "**Not yet — it is still waiting"),
        ("any update?", "s001", "**Not yet"),
        ("did bob ok it?", "s003", "**Yes — it went through.**"),
    ],
)
def test_a_terse_status_question_in_a_new_thread_reads_the_latest_proposal(
    copilot: Copilot, drafted: Drafted, text: str, which: str, lead: str
) -> None:
    r = _asked(copilot, _thread_of("terse", text), text)
    assert [c["name"] for c in r.tool_calls] == ["list_proposals"], (text, r.answer[:200])
    first = r.answer.splitlines()[0]
    assert first.startswith(lead) and drafted.ids[which] in first, (text, first)
