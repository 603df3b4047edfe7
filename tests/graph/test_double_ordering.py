"""One need is ordered once: two threads (and two workers) fixing the same exception, and the
commit re-check, through the real graph on SQLite and PostgreSQL (issue 13, double ordering).

Each "worker" is its own Workspace (its own database engine and plan cache) and Copilot over
the same store and checkpoints, as two API processes would be. On the network below S1 needs
NEED units of A (its order-up-to level less its position 4), and the engine recommends a
transfer of exactly that from DC1 for `stockout_risk:A@S1`.
"""

from __future__ import annotations

import math
import re
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, ToolMessage
from sqlalchemy import select

from erp import models
from erp.store import replace_snapshot
from graph.service import Copilot
from planning.engine import plan
from planning.network import NetworkData
from stockpilot.settings import Settings
from tests.conftest import small_network
from tests.support.scripted_model import ScriptedChatModel, call
from tools import drafts, governance
from tools.workspace import Workspace

EXC = "stockout_risk:A@S1"


def short_network() -> NetworkData:
    """The small network without its promotion, and S1 down to 4 units of A."""
    frames = small_network().frames()
    frames["promotions"] = frames["promotions"].iloc[0:0]
    inv = frames["inventory"]
    inv.loc[(inv["sku"] == "A") & (inv["location_id"] == "S1"), "on_hand"] = 4
    return NetworkData.from_frames(frames)


def _need() -> int:
    """Return S1's need for A: the engine's recommended transfer, which is S - position."""
    p = plan(short_network())
    pos = p.positions.iloc[p.row_of("A", "S1")]
    [rec] = [r["recommendation"] for r in p.exception_records() if r["id"] == EXC]
    assert rec["kind"] == "transfer" and rec["from_location"] == "DC1"
    assert rec["qty"] == math.ceil(float(pos["order_up_to"]) - float(pos["position"]))
    return int(rec["qty"])


NEED = _need()


def respond(messages: list[BaseMessage]) -> AIMessage | str:
    """'move N' drafts a transfer of N from DC1 to S1; anything else fixes the exception."""
    last = messages[-1]
    if isinstance(last, HumanMessage) and last.name != "approval_gate":
        moved = re.match(r"move (\d+)", str(last.content))
        if moved:
            args = {"sku": "A", "from_location": "DC1", "to_location": "S1"}
            return AIMessage("", tool_calls=[call("draft_transfer", **args, qty=int(moved[1]))])
        return AIMessage("", tool_calls=[call("draft_recommended_action", exception_id=EXC)])
    if isinstance(last, ToolMessage):
        return "drafted: " + str(last.content)
    return "report: " + str(last.content)


Workers = Callable[[], Copilot]


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def worker(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Workers]:
    """Return a factory of workers (a Workspace and a Copilot each) over one seeded store."""
    if request.param == "postgres":
        settings: Settings = request.getfixturevalue("pg_settings")
    else:
        settings = Settings(
            _env_file=None,
            database_url=f"sqlite:///{tmp_path / 'store.db'}",
            plan_cache_dir=tmp_path / "cache",
            checkpoint_url=f"sqlite:///{tmp_path / 'checkpoints.db'}",
            knowledge_dir=tmp_path / "knowledge",
        )
    made: list[Copilot] = []

    def make() -> Copilot:
        ws = Workspace.open(settings)
        if not made:
            replace_snapshot(ws.engine, short_network(), source="test")
        copilot = Copilot(ws, model=ScriptedChatModel(respond=respond))
        made.append(copilot)
        return copilot

    yield make
    for c in made:
        c.close()
        c.workspace.engine.dispose()


def transfers_to_s1(ws: Workspace) -> list[int]:
    """Return the quantities of the transfers StockPilot wrote to S1."""
    t = models.Transfer
    with ws.engine.connect() as conn:
        rows = conn.execute(
            select(t.qty).where(t.to_location == "S1", t.transfer_id.like("TR-SP-%"))
        ).scalars()
        return sorted(int(q) for q in rows)


def draft_tool_result(copilot: Copilot, thread_id: str) -> dict[str, Any]:
    """Return the (last) draft tool's JSON answer on a thread."""
    import json

    values = copilot.graph.get_state({"configurable": {"thread_id": thread_id}}).values
    [last] = [
        m for m in values["messages"] if isinstance(m, ToolMessage) and m.name.startswith("draft_")
    ][-1:]
    return dict(json.loads(str(last.content)))


def events(ws: Workspace, name: str) -> list[Any]:
    return [e for e in ws.governance.audit.entries() if e.event == name]


@pytest.fixture
def legacy_drafts(monkeypatch: pytest.MonkeyPatch) -> Callable[[], Any]:
    """Return a context in which drafts see no other orders (as drafted before this rule)."""
    from contextlib import contextmanager

    @contextmanager
    def blind() -> Iterator[None]:
        with monkeypatch.context() as m:
            for module in (drafts, governance):
                m.setattr(module, "supply_since", lambda *a, **k: [])
                m.setattr(module, "shipped_since", lambda *a, **k: [])
            yield

    return blind


def test_the_same_exception_fixed_in_two_threads_is_ordered_once(worker: Workers) -> None:
    one, two = worker(), worker()
    first = one.ask(f"fix {EXC}", user="alice", thread_id="t1")
    [pending] = first.pending
    assert pending.args["qty"] == NEED
    second = two.ask(f"fix {EXC}", user="alice", thread_id="t2")
    assert second.pending == []  # nothing drafted: the need is covered
    refused = draft_tool_result(two, "t2")
    assert refused["status"] == "invalid"
    assert (
        f"already covered by {pending.proposal_id} (pending transfer of {NEED})"
        in (refused["errors"][0])
    )
    assert f"already covered by {pending.proposal_id}" in second.answer
    done = two.decide("t1", user="bob", decision="approve")  # any worker may decide
    assert done.outcomes[0]["outcome"] == "committed"
    assert transfers_to_s1(one.workspace) == [NEED]  # not twice the order-up-to
    assert len(events(one.workspace, "proposal")) == 1
    assert one.workspace.governance.audit.verify().ok


def test_a_partly_covered_need_is_drafted_for_the_remainder(worker: Workers) -> None:
    one, two = worker(), worker()
    assert one.ask("move 10", user="alice", thread_id="t1").pending[0].args["qty"] == 10
    second = two.ask(f"fix {EXC}", user="alice", thread_id="t2")
    [rest] = second.pending
    assert rest.args["qty"] == NEED - 10
    assert f"Cut from {NEED} to {NEED - 10}" in rest.description
    body = draft_tool_result(two, "t2")
    assert (body["requested_qty"], body["args"]["qty"]) == (NEED, NEED - 10)
    for copilot, thread in ((one, "t1"), (two, "t2")):
        out = copilot.decide(thread, user="bob", decision="approve")
        assert out.outcomes[0]["outcome"] == "committed"
    assert transfers_to_s1(one.workspace) == [10, NEED - 10]


def test_the_commit_recheck_refuses_an_order_whose_need_was_covered_since(
    worker: Workers, legacy_drafts: Callable[[], Any]
) -> None:
    # Two full transfers were drafted for the same need before this rule (the old defect).
    one, two = worker(), worker()
    first = one.ask(f"fix {EXC}", user="alice", thread_id="t1").pending[0]
    with legacy_drafts():
        second = two.ask(f"fix {EXC}", user="alice", thread_id="t2").pending[0]
    assert first.args["qty"] == second.args["qty"] == NEED
    # Both are approved; the second thread's commits first, the first's finds it covered.
    assert two.decide("t2", user="bob", decision="approve").outcomes[0]["outcome"] == "committed"
    refused = one.decide("t1", user="bob", decision="approve").outcomes[0]
    assert refused["outcome"] == "failed"
    assert f"already covered by {second.proposal_id}" in refused["message"]
    assert transfers_to_s1(one.workspace) == [NEED]
    ws = one.workspace
    stored = ws.governance.proposals.get(first.proposal_id)
    assert stored is not None and stored.status == "failed"
    [audited] = events(ws, "commit_refused")
    assert audited.proposal_id == first.proposal_id
    assert (
        f"already covered by {second.proposal_id} (committed transfer of {NEED}"
        in (audited.payload["reason"])
    )
    assert ws.governance.audit.verify().ok


def test_the_commit_recheck_cuts_an_order_whose_need_was_partly_covered_since(
    worker: Workers, legacy_drafts: Callable[[], Any]
) -> None:
    one, two = worker(), worker()
    one.ask("move 10", user="alice", thread_id="t1")
    with legacy_drafts():
        full = two.ask(f"fix {EXC}", user="alice", thread_id="t2").pending[0]
    assert full.args["qty"] == NEED
    assert one.decide("t1", user="bob", decision="approve").outcomes[0]["outcome"] == "committed"
    done = two.decide("t2", user="bob", decision="approve")
    cut = done.outcomes[0]
    assert cut["outcome"] == "committed"
    assert f"cut from {NEED} to {NEED - 10} units" in cut["cut"]
    assert f"cut from {NEED} to {NEED - 10} units" in done.answer  # the gate's report
    assert transfers_to_s1(one.workspace) == [10, NEED - 10]
    ws = two.workspace
    stored = ws.governance.proposals.get(full.proposal_id)
    assert stored is not None and stored.args["qty"] == NEED - 10
    assert stored.value == (NEED - 10) * 4.0
    [trimmed] = events(ws, "commit_trimmed")
    assert (trimmed.payload["approved_qty"], trimmed.payload["qty"]) == (NEED, NEED - 10)
    [commit] = [e for e in events(ws, "commit") if e.proposal_id == full.proposal_id]
    assert commit.payload["args"]["qty"] == NEED - 10
    assert ws.governance.audit.verify().ok


def _together(*calls: Callable[[], Any]) -> list[Any]:
    """Run the calls on threads released at once; return their results in order."""
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)
    errors: list[BaseException] = []

    def run(i: int) -> None:
        barrier.wait()
        try:
            results[i] = calls[i]()
        except BaseException as exc:  # surfaced below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not errors, errors
    return results


def test_racing_drafts_of_one_need_in_two_workers_draft_it_once(worker: Workers) -> None:
    one, two = worker(), worker()
    one.workspace.plans.warm()
    two.workspace.plans.warm()
    a, b = _together(
        lambda: one.ask(f"fix {EXC}", user="alice", thread_id="t1"),
        lambda: two.ask(f"fix {EXC}", user="alice", thread_id="t2"),
    )
    drafted = [p.args["qty"] for r in (a, b) for p in r.pending]
    assert drafted == [NEED]
    assert len(one.workspace.governance.proposals.list()) == 1


def test_racing_commits_of_one_need_in_two_workers_write_it_once(
    worker: Workers, legacy_drafts: Callable[[], Any]
) -> None:
    one, two = worker(), worker()
    with legacy_drafts():
        one.ask(f"fix {EXC}", user="alice", thread_id="t1")
        two.ask(f"fix {EXC}", user="alice", thread_id="t2")
    a, b = _together(
        lambda: one.decide("t1", user="bob", decision="approve"),
        lambda: two.decide("t2", user="bob", decision="approve"),
    )
    outcomes = sorted(r.outcomes[0]["outcome"] for r in (a, b))
    assert outcomes == ["committed", "failed"]
    assert transfers_to_s1(one.workspace) == [NEED]
    assert len(events(one.workspace, "commit_refused")) == 1
    assert one.workspace.governance.audit.verify().ok


def test_an_edit_beyond_the_need_other_orders_leave_is_cut(worker: Workers) -> None:
    one, two = worker(), worker()
    one.ask("move 10", user="alice", thread_id="t1")
    [rest] = two.ask(f"fix {EXC}", user="alice", thread_id="t2").pending
    assert rest.args["qty"] == NEED - 10
    # The approver edits the first to the whole need: the other 32 pending leave only 10.
    out = one.decide("t1", user="bob", decision="edit", qty=NEED).outcomes[0]
    assert out["outcome"] == "committed"
    assert f"edit cut from {NEED} to 10 units: {rest.proposal_id} cover the rest" in out["cut"]
    assert two.decide("t2", user="bob", decision="approve").outcomes[0]["outcome"] == "committed"
    assert transfers_to_s1(one.workspace) == [10, NEED - 10]
