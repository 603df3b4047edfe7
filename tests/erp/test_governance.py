"""Tests for the governance store: proposals' transitions and the hash-chained audit log."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, date
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import Engine, insert, inspect, text
from sqlalchemy.exc import IntegrityError

from erp import models
from erp.db import downgrade, migrate
from erp.governance import (
    GENESIS_HASH,
    AuditLog,
    Proposal,
    ProposalNotFoundError,
    ProposalNotPendingError,
    ProposalStateError,
    ProposalStore,
    entry_hash,
)
from erp.store import replace_snapshot

TRANSFER_ARGS = {"sku": "A", "from_location": "DC1", "to_location": "S1", "qty": 24}
PO_ARGS = {"sku": "A", "location_id": "DC1", "supplier_id": "V1", "qty": 120}


def _proposal(store: ProposalStore, **overrides: Any) -> Proposal:
    fields: dict[str, Any] = {
        "thread_id": "t-1",
        "kind": "transfer",
        "args": TRANSFER_ARGS,
        "value": 96.0,
        "description": "Move **24** units of A to S1: cover drops to 3 days.",
        "evidence": {"cover_days": 3.1, "plan_id": "p-9"},
        "created_by": "alice",
    }
    fields.update(overrides)
    return store.create(**fields)


def _race(n: int, fn: Callable[[int], Any]) -> tuple[list[Any], list[BaseException]]:
    """Run fn(0..n-1) on n threads released together; return results and errors."""
    barrier = threading.Barrier(n)
    results: list[Any] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def run(i: int) -> None:
        barrier.wait()
        try:
            out = fn(i)
        except BaseException as exc:
            with lock:
                errors.append(exc)
        else:
            with lock:
                results.append(out)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results, errors


# Proposals


def test_create_and_get_round_trip(store_engine: Engine) -> None:
    store = ProposalStore(store_engine)
    made = _proposal(store)
    assert made.id.startswith("PR-") and len(made.id) == 15
    assert made.status == "pending" and made.version == 1
    assert made.args == TRANSFER_ARGS and made.evidence == {"cover_days": 3.1, "plan_id": "p-9"}
    assert made.created_at.tzinfo is not None and made.created_at.utcoffset().total_seconds() == 0
    assert made.decided_at is None and made.decision is None
    assert store.get(made.id) == made
    assert store.get("PR-NOPE") is None


@pytest.mark.parametrize(
    ("overrides", "match"),
    [
        ({"kind": "sale"}, "kind"),
        ({"value": -1.0}, "negative"),
        ({"value": float("nan")}, "finite"),
        ({"thread_id": ""}, "thread_id"),
        ({"created_by": ""}, "created_by"),
    ],
)
def test_create_refuses_bad_input(
    sqlite_engine: Engine, overrides: dict[str, Any], match: str
) -> None:
    with pytest.raises(ValueError, match=match):
        _proposal(ProposalStore(sqlite_engine), **overrides)


def test_list_filters_newest_first(store_engine: Engine) -> None:
    store = ProposalStore(store_engine)
    first = _proposal(store, thread_id="t-1")
    second = _proposal(store, thread_id="t-2", kind="purchase_order", args=PO_ARGS, value=480.0)
    third = _proposal(store, thread_id="t-1")
    store.decide(third.id, user="bob", decision="reject")
    assert [p.id for p in store.list()] == [third.id, second.id, first.id]
    assert [p.id for p in store.list(thread_id="t-1")] == [third.id, first.id]
    assert [p.id for p in store.list(status="pending")] == [second.id, first.id]
    assert [p.id for p in store.list(status="pending", thread_id="t-2")] == [second.id]
    assert [p.id for p in store.list(limit=1)] == [third.id]


def test_count_by_status(store_engine: Engine) -> None:
    store = ProposalStore(store_engine)
    assert store.count(status="pending") == 0
    first, _ = _proposal(store), _proposal(store)
    store.decide(first.id, user="bob", decision="reject")
    assert store.count(status="pending") == 1
    assert store.count(status="rejected") == 1
    assert store.count(status="committed") == 0


def test_approve(store_engine: Engine) -> None:
    store = ProposalStore(store_engine)
    made = _proposal(store)
    decided = store.decide(made.id, user="bob", decision="approve", note="ok")
    assert decided.status == "approved" and decided.decision == "approve"
    assert decided.decided_by == "bob" and decided.decision_note == "ok"
    assert decided.decided_at is not None and decided.decided_at.tzinfo is not None
    assert decided.decided_at >= made.created_at
    assert decided.version == 2 and decided.args == made.args and decided.value == made.value
    assert store.get(made.id) == decided


def test_edit_replaces_args_and_value(store_engine: Engine) -> None:
    store = ProposalStore(store_engine)
    made = _proposal(store)
    edited = {**TRANSFER_ARGS, "qty": 12}
    decided = store.decide(made.id, user="bob", decision="edit", args=edited, value=48.0)
    assert decided.status == "approved" and decided.decision == "edit"
    assert decided.args == edited and decided.value == 48.0


@pytest.mark.parametrize("decision", ["reject", "respond"])
def test_reject_and_respond_withdraw_the_proposal(store_engine: Engine, decision: str) -> None:
    store = ProposalStore(store_engine)
    made = _proposal(store)
    decided = store.decide(made.id, user="bob", decision=decision, note="use S2 stock first")
    assert decided.status == "rejected" and decided.decision == decision
    assert decided.decision_note == "use S2 stock first"


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"decision": "maybe"}, "decision"),
        ({"decision": "approve", "user": ""}, "user"),
        ({"decision": "edit", "args": TRANSFER_ARGS}, "both"),
        ({"decision": "edit", "value": 10.0}, "both"),
        ({"decision": "edit", "args": TRANSFER_ARGS, "value": -5.0}, "negative"),
        ({"decision": "approve", "value": 10.0}, "only be changed by an edit"),
    ],
)
def test_decide_refuses_bad_input(
    sqlite_engine: Engine, kwargs: dict[str, Any], match: str
) -> None:
    store = ProposalStore(sqlite_engine)
    made = _proposal(store)
    with pytest.raises(ValueError, match=match):
        store.decide(made.id, **{"user": "bob", **kwargs})
    assert store.get(made.id) == made


def test_non_json_values_are_encoded(sqlite_engine: Engine) -> None:
    import numpy as np

    store = ProposalStore(sqlite_engine)
    made = _proposal(
        store,
        args={**TRANSFER_ARGS, "qty": np.int64(24)},
        evidence={"as_of": date(2026, 3, 31), "cover": np.float64(3.5), "cost": Decimal("4.5")},
    )
    assert made.args["qty"] == 24
    assert made.evidence == {"as_of": "2026-03-31", "cover": 3.5, "cost": 4.5}
    log = AuditLog(sqlite_engine)
    rec = log.append("proposal", "agent", payload={"qty": np.int64(3), "on": date(2026, 4, 1)})
    assert rec.payload == {"qty": 3, "on": "2026-04-01"} and log.verify().ok
    with pytest.raises(TypeError):
        log.append("proposal", "agent", payload={"x": object()})


def test_decide_unknown_proposal(sqlite_engine: Engine) -> None:
    with pytest.raises(ProposalNotFoundError):
        ProposalStore(sqlite_engine).decide("PR-NOPE", user="bob", decision="approve")


def test_decide_twice_is_refused_with_the_current_state(store_engine: Engine) -> None:
    store = ProposalStore(store_engine)
    made = _proposal(store)
    store.decide(made.id, user="bob", decision="approve")
    with pytest.raises(ProposalNotPendingError, match="approved") as caught:
        store.decide(made.id, user="carol", decision="reject")
    assert caught.value.proposal.decided_by == "bob"
    assert caught.value.proposal.status == "approved" and caught.value.proposal.version == 2


def test_racing_deciders_exactly_one_wins(store_engine: Engine) -> None:
    store = ProposalStore(store_engine)
    decisions = ["approve", "reject"] * 4
    for _ in range(3):
        made = _proposal(store)
        results, errors = _race(
            8, lambda i, pid=made.id: store.decide(pid, user=f"u{i}", decision=decisions[i])
        )
        assert len(results) == 1, errors
        assert len(errors) == 7 and all(isinstance(e, ProposalNotPendingError) for e in errors)
        winner = results[0]
        assert all(e.proposal == winner for e in errors)  # type: ignore[attr-defined]
        assert store.get(made.id) == winner and winner.version == 2


def test_commit_lifecycle(store_engine: Engine) -> None:
    store = ProposalStore(store_engine)
    made = _proposal(store)
    with pytest.raises(ProposalStateError, match="pending"):
        store.mark_committed(made.id, "TR-SP-1")
    store.decide(made.id, user="bob", decision="approve")
    committed = store.mark_committed(made.id, "TR-SP-1")
    assert committed.status == "committed" and committed.document_id == "TR-SP-1"
    assert committed.version == 3
    assert store.mark_committed(made.id, "TR-SP-1") == committed  # idempotent
    with pytest.raises(ProposalStateError, match="TR-SP-2"):
        store.mark_committed(made.id, "TR-SP-2")
    with pytest.raises(ProposalStateError, match="committed"):
        store.mark_failed(made.id, "ERP down")
    assert store.get(made.id) == committed


def test_racing_commits_with_one_document_agree(store_engine: Engine) -> None:
    store = ProposalStore(store_engine)
    made = _proposal(store)
    store.decide(made.id, user="bob", decision="approve")
    results, errors = _race(4, lambda _i: store.mark_committed(made.id, "TR-SP-1"))
    assert errors == [] and len({r.version for r in results}) == 1 and results[0].version == 3


def test_failure_lifecycle(store_engine: Engine) -> None:
    store = ProposalStore(store_engine)
    made = _proposal(store)
    with pytest.raises(ProposalStateError):
        store.mark_failed(made.id, "ERP down")
    store.decide(made.id, user="bob", decision="approve")
    failed = store.mark_failed(made.id, "ERP down")
    assert failed.status == "failed" and failed.failure_reason == "ERP down"
    assert store.mark_failed(made.id, "ERP down") == failed
    with pytest.raises(ProposalStateError):
        store.mark_committed(made.id, "TR-SP-1")
    with pytest.raises(ProposalNotFoundError):
        store.mark_failed("PR-NOPE", "x")


def test_rejected_cannot_be_committed(sqlite_engine: Engine) -> None:
    store = ProposalStore(sqlite_engine)
    made = _proposal(store)
    store.decide(made.id, user="bob", decision="reject")
    with pytest.raises(ProposalStateError, match="rejected"):
        store.mark_committed(made.id, "TR-SP-1")


def test_database_refuses_unknown_status(store_engine: Engine) -> None:
    made = _proposal(ProposalStore(store_engine))
    with pytest.raises(IntegrityError), store_engine.begin() as conn:
        conn.execute(
            text("UPDATE proposals SET status = 'shipped' WHERE id = :id"), {"id": made.id}
        )


# Audit log


def test_append_and_verify(store_engine: Engine) -> None:
    log = AuditLog(store_engine)
    assert log.verify().ok and log.verify().checked == 0
    first = log.append("proposal", "agent", thread_id="t-1", proposal_id="PR-1", payload={"v": 1})
    second = log.append("decision", "bob", thread_id="t-1", proposal_id="PR-1")
    third = log.append("refusal", "victor", thread_id="t-2", payload={"why": "viewer", "n": 2.5})
    assert first.prev_hash == GENESIS_HASH
    assert second.prev_hash == first.hash and third.prev_hash == second.hash
    assert first.seq < second.seq < third.seq
    assert first.timestamp.tzinfo is not None
    assert second.payload == {}
    assert log.entries() == [first, second, third]
    assert log.entries(thread_id="t-1") == [first, second]
    assert log.entries(proposal_id="PR-1") == [first, second]
    assert log.entries(limit=2) == [second, third]
    result = log.verify()
    assert result.ok and result.checked == 3 and result.first_bad_seq is None
    assert result.last_hash == third.hash


def test_hash_is_reproducible_from_the_stored_fields(sqlite_engine: Engine) -> None:
    log = AuditLog(sqlite_engine)
    rec = log.append("commit", "bob", proposal_id="PR-1", payload={"doc": "TR-SP-1", "é": [1]})
    (stored,) = log.entries()
    assert stored == rec
    assert rec.hash == entry_hash(
        ts=rec.ts,
        actor="bob",
        event="commit",
        thread_id=None,
        proposal_id="PR-1",
        payload={"doc": "TR-SP-1", "é": [1]},
        prev_hash=GENESIS_HASH,
    )


def _three(log: AuditLog) -> list[Any]:
    return [log.append("event", "actor", payload={"i": i}) for i in range(3)]


def test_verify_detects_an_edited_payload(store_engine: Engine) -> None:
    log = AuditLog(store_engine)
    entries = _three(log)
    with store_engine.begin() as conn:
        conn.execute(
            text("UPDATE audit_log SET payload = :p WHERE seq = :s"),
            {"p": '{"i":99}', "s": entries[1].seq},
        )
    result = log.verify()
    assert not result.ok and result.first_bad_seq == entries[1].seq and result.checked == 1
    assert "edited" in result.reason


def test_verify_detects_an_edited_actor(store_engine: Engine) -> None:
    log = AuditLog(store_engine)
    entries = _three(log)
    with store_engine.begin() as conn:
        conn.execute(text("UPDATE audit_log SET actor = 'mallory' WHERE seq = :s"), {"s": 1})
    result = log.verify()
    assert not result.ok and result.first_bad_seq == entries[0].seq


def test_verify_detects_a_deleted_entry(store_engine: Engine) -> None:
    log = AuditLog(store_engine)
    entries = _three(log)
    with store_engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_log WHERE seq = :s"), {"s": entries[1].seq})
    result = log.verify()
    assert not result.ok and result.first_bad_seq == entries[2].seq
    assert "link" in result.reason


def test_verify_detects_reordered_entries(sqlite_engine: Engine) -> None:
    log = AuditLog(sqlite_engine)
    a, b, _c = _three(log)
    with sqlite_engine.begin() as conn:
        conn.execute(text("UPDATE audit_log SET seq = -1 WHERE seq = :s"), {"s": a.seq})
        conn.execute(text("UPDATE audit_log SET seq = :a WHERE seq = :b"), {"a": a.seq, "b": b.seq})
        conn.execute(text("UPDATE audit_log SET seq = :b WHERE seq = -1"), {"b": b.seq})
    result = log.verify()
    assert not result.ok and result.first_bad_seq == a.seq


def test_verify_detects_a_forged_hash(sqlite_engine: Engine) -> None:
    log = AuditLog(sqlite_engine)
    entries = _three(log)
    with sqlite_engine.begin() as conn:
        conn.execute(
            text("UPDATE audit_log SET hash = :h WHERE seq = :s"),
            {"h": "f" * 64, "s": entries[2].seq},
        )
    result = log.verify()
    assert not result.ok and result.first_bad_seq == entries[2].seq


def test_prev_hash_is_unique(store_engine: Engine) -> None:
    log = AuditLog(store_engine)
    first = log.append("event", "actor")
    with pytest.raises(IntegrityError), store_engine.begin() as conn:
        conn.execute(
            insert(models.AuditEntry).values(
                ts=first.ts,
                actor="x",
                event="fork",
                payload="{}",
                prev_hash=GENESIS_HASH,
                hash="e" * 64,
            )
        )


def test_append_retries_when_its_head_was_taken(
    sqlite_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    log = AuditLog(sqlite_engine)
    log.append("event", "actor")
    real_head = AuditLog._head
    calls = {"n": 0}

    def stale_head(conn: Any) -> str:
        calls["n"] += 1
        return GENESIS_HASH if calls["n"] == 1 else real_head(conn)

    monkeypatch.setattr(AuditLog, "_head", staticmethod(stale_head))
    rec = log.append("event", "actor")
    assert calls["n"] == 2 and rec.seq == 2 and log.verify().ok


def test_concurrent_appends_form_one_chain(store_engine: Engine) -> None:
    log = AuditLog(store_engine)
    per_thread = 15

    def work(i: int) -> list[Any]:
        return [
            log.append("event", f"actor-{i}", thread_id=f"t-{i}", payload={"n": n})
            for n in range(per_thread)
        ]

    results, errors = _race(8, work)
    assert errors == []
    appended = [rec for batch in results for rec in batch]
    assert len(appended) == 8 * per_thread
    stored = log.entries()
    assert sorted(stored, key=lambda r: r.seq) == sorted(appended, key=lambda r: r.seq)
    assert all(len(log.entries(thread_id=f"t-{i}")) == per_thread for i in range(8))
    result = log.verify()
    assert result.ok and result.checked == 8 * per_thread, result.reason


def test_entries_are_utc(sqlite_engine: Engine) -> None:
    rec = AuditLog(sqlite_engine).append("event", "actor")
    assert rec.timestamp.utcoffset() == UTC.utcoffset(None)


# Schema


def test_snapshot_import_keeps_governance_tables(store_engine: Engine, network: Any) -> None:
    store = ProposalStore(store_engine)
    log = AuditLog(store_engine)
    made = _proposal(store)
    rec = log.append("proposal", "agent", proposal_id=made.id)
    replace_snapshot(store_engine, network, source="test")
    replace_snapshot(store_engine, network, source="test again")
    assert store.get(made.id) == made
    assert log.entries() == [rec] and log.verify().ok


def test_downgrade_to_0001_drops_only_governance_tables(sqlite_engine: Engine) -> None:
    downgrade(sqlite_engine, "0001")
    tables = set(inspect(sqlite_engine).get_table_names())
    assert "proposals" not in tables and "audit_log" not in tables and "items" in tables
    migrate(sqlite_engine)
    assert {"proposals", "audit_log"} <= set(inspect(sqlite_engine).get_table_names())


def test_a_decision_and_its_audit_record_commit_together(store_engine: Engine) -> None:
    store, log = ProposalStore(store_engine), AuditLog(store_engine)
    p = _proposal(store)

    def record_then_crash(conn: Any, decided: Proposal) -> None:
        log.append_in(conn, "decision", "bob", proposal_id=decided.id)
        raise RuntimeError("process died mid-transaction")

    with pytest.raises(RuntimeError):
        store.decide(p.id, user="bob", decision="approve", record=record_then_crash)
    assert store.get(p.id).status == "pending"  # neither the decision...
    assert log.entries() == []  # ...nor its record
    store.decide(
        p.id,
        user="bob",
        decision="approve",
        record=lambda conn, d: log.append_in(conn, "decision", "bob", proposal_id=d.id),
    )
    assert store.get(p.id).status == "approved"
    assert [e.event for e in log.entries()] == ["decision"]
    assert log.verify().ok


def test_commit_record_runs_once_for_racing_committers(store_engine: Engine) -> None:
    store, log = ProposalStore(store_engine), AuditLog(store_engine)
    p = _proposal(store)
    store.decide(p.id, user="bob", decision="approve")
    results, errors = _race(
        6,
        lambda _i: store.commit_once(
            p.id,
            "TR-SP-1",
            record=lambda conn, c: log.append_in(conn, "commit", "stockpilot", proposal_id=c.id),
        ),
    )
    assert not errors
    assert sum(1 for _p, first in results if first) == 1
    assert [e.event for e in log.entries()] == ["commit"]


def test_a_delivery_is_first_once_across_engines(store_engine):
    from erp.governance import Deliveries

    first, second = Deliveries(store_engine), Deliveries(store_engine)
    assert first.first("slack:Ev1") is True
    assert second.first("slack:Ev1") is False  # another process's view of the same store
    assert first.first("slack:Ev1") is False
    assert second.first("slack:Ev2") is True
