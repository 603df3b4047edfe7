"""Orders for a target since the snapshot, and the per-target lock (SQLite and PostgreSQL)."""

from __future__ import annotations

import json
import threading
import time
from typing import Any

from sqlalchemy import Engine, insert, select

from erp import models
from erp.db import downgrade, migrate
from erp.governance import Proposal, ProposalStore
from erp.store import replace_snapshot
from erp.supply import lock_target, supply_since
from tests.conftest import small_network

TO_S1 = {"sku": "A", "from_location": "DC1", "to_location": "S1", "qty": 20}


def _draft(store: ProposalStore, args: dict[str, Any], kind: str = "transfer") -> Proposal:
    return store.create(
        thread_id="t",
        kind=kind,
        args=args,
        value=1.0,
        description="d",
        evidence={"arrives": "2026-04-02"},
        created_by="alice",
    )


def _approve(store: ProposalStore, p: Proposal) -> Proposal:
    return store.decide(p.id, user="bob", decision="approve")


def _commit(store: ProposalStore, p: Proposal, document_id: str) -> None:
    """Commit an approved proposal the way the graph does: claim it, then mark it written."""
    with store.engine.begin() as conn:
        assert store.claim_in(conn, p.id) is not None
    store.commit_once(p.id, document_id)


def _lines(engine: Engine, **kw: Any) -> list[tuple[str, str, float]]:
    with engine.connect() as conn:
        return [(x.proposal_id, x.status, x.qty) for x in supply_since(conn, "A", "S1", **kw)]


def test_a_draft_sees_pending_approved_and_newly_committed_orders_for_its_target(
    store_engine: Engine,
) -> None:
    replace_snapshot(store_engine, small_network(), source="t")
    store = ProposalStore(store_engine)
    pending = _draft(store, TO_S1)
    approved = _approve(store, _draft(store, {**TO_S1, "qty": 5}))
    committed = _approve(store, _draft(store, {**TO_S1, "qty": 7}))
    _commit(store, committed, "TR-1")
    rejected = _draft(store, TO_S1)
    store.decide(rejected.id, user="bob", decision="reject")
    _draft(store, {**TO_S1, "to_location": "S2"})  # another target
    _draft(
        store, {"sku": "A", "location_id": "S1", "supplier_id": "V2", "qty": 6}, "purchase_order"
    )
    lines = _lines(store_engine)
    assert [(pid, status) for pid, status, _ in lines[:3]] == [
        (pending.id, "pending"),
        (approved.id, "approved"),
        (committed.id, "committed"),
    ]
    assert [q for _, _, q in lines] == [20.0, 5.0, 7.0, 6.0]  # the PO to S1 counts too
    assert pending.id not in [pid for pid, _, _ in _lines(store_engine, exclude=pending.id)]
    with store_engine.connect() as conn:
        [line] = supply_since(conn, "A", "S1", exclude=pending.id, drafts=False)[:1]
        assert line.document_id == "TR-1" and str(line.arrives) == "2026-04-02"


def test_a_commit_sees_claimed_and_committed_orders_only(store_engine: Engine) -> None:
    replace_snapshot(store_engine, small_network(), source="t")
    store = ProposalStore(store_engine)
    _draft(store, TO_S1)
    approved = _approve(store, _draft(store, TO_S1))
    assert _lines(store_engine, drafts=False) == []  # approved, not yet past its re-check
    with store_engine.begin() as conn:
        claimed = store.claim_in(conn, approved.id, args={**TO_S1, "qty": 12}, value=48.0)
    assert claimed is not None and claimed.args["qty"] == 12 and claimed.value == 48.0
    assert _lines(store_engine, drafts=False) == [(approved.id, "approved", 12.0)]
    with store_engine.begin() as conn:  # no longer approved: nothing to claim
        store.mark_failed(approved.id, "the ERP refused it")
        assert store.claim_in(conn, approved.id) is None
    assert _lines(store_engine, drafts=False) == []


def test_documents_committed_before_the_snapshot_are_in_it(store_engine: Engine) -> None:
    replace_snapshot(store_engine, small_network(), source="t")
    store = ProposalStore(store_engine)
    old = _approve(store, _draft(store, TO_S1))
    _commit(store, old, "TR-OLD")
    assert [pid for pid, _, _ in _lines(store_engine)] == [old.id]
    # The next import (within the same second, too) is the ERP's export holding the document.
    replace_snapshot(store_engine, small_network(), source="t2")
    assert _lines(store_engine) == []
    # A pending draft is in no snapshot: it still counts after an import.
    pending = _draft(store, TO_S1)
    replace_snapshot(store_engine, small_network(), source="t3")
    assert [pid for pid, _, _ in _lines(store_engine)] == [pending.id]


def test_an_edit_that_moves_the_destination_moves_the_target(store_engine: Engine) -> None:
    store = ProposalStore(store_engine)
    p = _draft(store, TO_S1)
    store.decide(p.id, user="bob", decision="edit", args={**TO_S1, "to_location": "S2"}, value=1)
    assert _lines(store_engine) == []


def test_the_target_lock_serialises_readers_and_writers_of_one_target(
    store_engine: Engine,
) -> None:
    # The first holder reads nothing, waits, then drafts; the second, started meanwhile, must
    # wait for the lock and then see the first one's draft.
    store = ProposalStore(store_engine)
    seen: dict[str, list[str]] = {}
    holding = threading.Event()

    def first() -> None:
        with store_engine.begin() as conn:
            lock_target(conn, "A", "S1")
            seen["first"] = [x.proposal_id for x in supply_since(conn, "A", "S1")]
            holding.set()
            time.sleep(0.5)
            store.create_in(
                conn,
                thread_id="t1",
                kind="transfer",
                args=TO_S1,
                value=1.0,
                description="",
                evidence={},
                created_by="alice",
            )

    def second() -> None:
        holding.wait(10)
        with store_engine.begin() as conn:
            lock_target(conn, "A", "S1")
            seen["second"] = [x.proposal_id for x in supply_since(conn, "A", "S1")]

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert seen["first"] == []
    assert len(seen["second"]) == 1


def test_existing_proposals_get_their_target_from_their_args(sqlite_engine: Engine) -> None:
    downgrade(sqlite_engine, "0003")
    row = {
        "thread_id": "t",
        "value": 1.0,
        "description": "",
        "evidence": "{}",
        "status": "pending",
        "created_by": "alice",
        "version": 1,
    }
    proposals = models.Proposal.__table__.c
    with sqlite_engine.begin() as conn:
        table = models.Proposal.__table__
        new = ("target_sku", "target_location", "claimed_at")
        cols = {c.name for c in proposals if c.name not in new}
        for pid, kind, args in (
            ("PR-T", "transfer", TO_S1),
            ("PR-P", "purchase_order", {"sku": "B", "location_id": "DC1", "qty": 48}),
        ):
            values = {**row, "id": pid, "kind": kind, "args": json.dumps(args)}
            conn.execute(insert(table).values({k: v for k, v in values.items() if k in cols}))
    migrate(sqlite_engine)
    with sqlite_engine.connect() as conn:
        got = conn.execute(
            select(proposals.id, proposals.target_sku, proposals.target_location).order_by(
                proposals.id
            )
        ).all()
    assert [tuple(r) for r in got] == [("PR-P", "B", "DC1"), ("PR-T", "A", "S1")]
