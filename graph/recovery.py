"""Recover interrupted turns and approvals, so that nothing stays half-done.

A proposal must always be at the gate (pending, its thread waiting on it), decided (rejected,
committed, failed) or withdrawn. A process killed mid-run, or a stream whose client left,
can leave one otherwise: `pending` while its thread is not waiting on it, or `approved` with
no ERP document linked. `recover` finds those from the store and repairs each, under the
thread's lock (graph.locks), reconciling against the ERP's commit ledger:

- a thread stopped mid-run (a checkpoint with a next step and no interrupt; the threads of
  open proposals and the most recent threads are checked) is resumed: the
  turn finishes, drafts reach the gate, and approved proposals are committed (the commit
  node links a document the ledger already holds, or writes idempotently by proposal id);
- an approved proposal whose thread has moved on is settled directly: the ledger's document
  is linked and audited as `commit`, or the action is re-validated and written once, and the
  thread's state records the commit (a gate report, then the model tells the planner);
- a pending proposal its idle thread does not wait on is put back at the gate; one whose
  thread is gone, or is waiting on something else, is withdrawn with an audit entry.

The API runs it at start-up and then on a schedule; `stockpilot recover [--dry-run]` runs it
by hand. Threads another process is running right now are skipped (their lock is held).
"""

from __future__ import annotations

import contextlib
import json
import logging
from dataclasses import asdict, dataclass
from typing import Any

from langchain_core.messages import HumanMessage

from erp.governance import ProposalNotPendingError
from graph.approval import Outcome
from graph.checkpoint import latest_thread_ids
from graph.locks import ThreadBusyError
from graph.nodes import settle_approved
from graph.service import Copilot, _pending_of, stopped
from stockpilot.vocabulary import GATE_NAME, Decision, OutcomeKind, ProposalStatus

SYSTEM_ACTOR = "stockpilot"
log = logging.getLogger("stockpilot.recovery")
SCAN_LIMIT = 5000
RECENT_THREADS = 500  # threads checked for a stopped run, newest first


@dataclass(frozen=True)
class Repair:
    """What recovery did (or, in a dry run, would do) for one thread or proposal."""

    thread_id: str
    proposal_id: str | None
    was: str  # the proposal's status, or "stopped" for a thread stopped mid-run
    action: str  # resumed | linked | committed | failed | returned | withdrawn | busy
    detail: str = ""

    def as_dict(self) -> dict[str, Any]:
        """Return the repair as a JSON-ready dict."""
        return asdict(self)


def recover(copilot: Copilot, *, dry_run: bool = False, wait: bool = False) -> list[Repair]:
    """Repair every proposal that is neither at the gate nor decided; return what was done.

    `wait=False` skips threads whose lock another run holds (reported as `busy`).
    """
    ws = copilot.workspace
    threads: dict[str, None] = {}
    for status in (ProposalStatus.APPROVED, ProposalStatus.PENDING):
        for p in ws.governance.proposals.list(status=status, limit=SCAN_LIMIT):
            threads.setdefault(p.thread_id, None)
    # A run killed after its last write to the store (a commit whose checkpoint was never
    # written) leaves no proposal behind, but its thread does not show the commit yet.
    for thread_id in latest_thread_ids(copilot.checkpointer, RECENT_THREADS):
        if thread_id not in threads and stopped(
            copilot.graph.get_state(copilot._config(thread_id))
        ):
            threads[thread_id] = None
    repairs: list[Repair] = []
    for thread_id in threads:
        try:
            with copilot.locks.hold(thread_id, wait=wait):
                repairs += _repair_thread(copilot, thread_id, dry_run)
        except ThreadBusyError:
            repairs.append(Repair(thread_id, None, "running", "busy", "another run holds it"))
        except Exception as exc:  # one thread's failure (an ERP that is down) spares the others
            log.warning("recovery of thread %s failed: %s", thread_id, exc)
            repairs.append(Repair(thread_id, None, "stopped", "error", str(exc)[:500]))
    return repairs


def _repair_thread(copilot: Copilot, thread_id: str, dry_run: bool) -> list[Repair]:
    repairs: list[Repair] = []
    config = copilot._config(thread_id)
    state = copilot.graph.get_state(config)
    if stopped(state):
        repairs.append(Repair(thread_id, None, "stopped", "resumed", f"next: {state.next}"))
        if not dry_run:
            copilot.graph.invoke(None, config, context=copilot.context, durability="sync")
            state = copilot.graph.get_state(config)
    ws = copilot.workspace
    proposals = [
        p
        for status in (ProposalStatus.APPROVED, ProposalStatus.PENDING)
        for p in ws.governance.proposals.list(status=status, limit=SCAN_LIMIT)
        if p.thread_id == thread_id
    ]
    if dry_run and repairs:
        return repairs  # resuming would settle these; nothing more to predict safely
    waiting = {a.proposal_id for a in _pending_of(state)}
    settled: list[dict[str, Any]] = []
    outcomes: list[Outcome] = []
    stranded = [
        p.id for p in proposals if p.status == ProposalStatus.PENDING and p.id not in waiting
    ]
    if stranded:
        repairs += _strand(copilot, thread_id, stranded, state, dry_run)
    for p in proposals:
        if p.status == ProposalStatus.APPROVED:
            if dry_run:
                repairs.append(Repair(thread_id, p.id, p.status, "settle"))
                continue
            out: Outcome = {
                "proposal_id": p.id,
                "action": p.kind.value,
                "decision": "" if p.decision is None else p.decision.value,
                "decided_by": p.decided_by or "",
                "outcome": OutcomeKind.APPROVED.value,
                "reason": None,
            }
            erp = ws.connector()
            entry = settle_approved(ws, erp, p, thread_id, ws.plans.as_of(), out)
            if entry is not None:
                settled.append(entry)
            action = "linked" if out["outcome"] == OutcomeKind.COMMITTED else out["outcome"]
            repairs.append(Repair(thread_id, p.id, p.status, action, out.get("message", "")))
            outcomes.append(out)
    if settled or outcomes:
        _tell_thread(copilot, thread_id, settled, outcomes)
    return repairs


def _strand(
    copilot: Copilot, thread_id: str, proposal_ids: list[str], state: Any, dry_run: bool
) -> list[Repair]:
    """Put pending proposals their idle thread forgot back at the gate, or withdraw them."""
    idle = state.created_at is not None and not stopped(state) and not state.interrupts
    if idle:
        if not dry_run:
            config = copilot._config(thread_id)
            # As if the model had just drafted them: the graph routes pending ones to the gate.
            copilot.graph.update_state(config, {"pending": proposal_ids}, as_node="agent")
            copilot.graph.invoke(None, config, context=copilot.context, durability="sync")
        return [
            Repair(thread_id, p, "pending", "returned", "back at the gate") for p in proposal_ids
        ]
    why = "its thread is gone" if state.created_at is None else "its thread waits on another gate"
    return [_withdraw(copilot, thread_id, p, why, dry_run) for p in proposal_ids]


def _withdraw(
    copilot: Copilot, thread_id: str, proposal_id: str, why: str, dry_run: bool
) -> Repair:
    if not dry_run:
        ws = copilot.workspace
        # Decided meanwhile (ProposalNotPendingError): then nothing is stranded any more.
        with contextlib.suppress(ProposalNotPendingError):
            ws.governance.proposals.decide(
                proposal_id,
                user=SYSTEM_ACTOR,
                decision=Decision.REJECT,
                note=f"withdrawn by recovery: {why}",
                record=lambda conn, cur: ws.governance.audit.append_in(
                    conn,
                    "withdrawal",
                    SYSTEM_ACTOR,
                    thread_id=thread_id,
                    proposal_id=cur.id,
                    payload={"kind": cur.kind, "args": cur.args, "reason": why},
                ),
            )
    return Repair(thread_id, proposal_id, "pending", "withdrawn", why)


def _tell_thread(
    copilot: Copilot,
    thread_id: str,
    committed: list[dict[str, Any]],
    outcomes: list[Outcome],
) -> None:
    """Record what was settled in the thread's state, as the commit node would have."""
    config = copilot._config(thread_id)
    state = copilot.graph.get_state(config)
    if state.interrupts or state.created_at is None:
        return  # waiting on another gate (or gone): the store and the audit trail hold it
    report = HumanMessage(
        json.dumps({"event": "decisions", "results": outcomes}, default=str), name=GATE_NAME
    )
    copilot.graph.update_state(
        config,
        {"committed": committed, "outcomes": outcomes, "messages": [report]},
        as_node="commit",
    )
    copilot.graph.invoke(None, config, context=copilot.context, durability="sync")
