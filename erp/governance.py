"""Store approval proposals and the append-only, hash-chained governance audit log.

The copilot prepares actions (transfers, purchase orders) as proposals; they reach the ERP only
after a human decides on them. Every state change is a conditional UPDATE (`WHERE status = ...`)
so two racing deciders cannot both win. The audit log records who did what; each entry's hash
covers the previous entry's hash, so edits, deletions and reorderings are detectable.

Both tables are governance state, not snapshot data: `erp.store` never touches them.
"""

from __future__ import annotations

import builtins
import hashlib
import json
import math
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any, cast

from sqlalchemy import Connection, Engine, Row, Table, false, func, insert, select, text, update
from sqlalchemy.exc import IntegrityError

from erp import models
from stockpilot.actions import Action, parse_action
from stockpilot.vocabulary import DRAFTABLE_KINDS, ActionKind, Decision, ProposalStatus

# Decision -> the status it moves a pending proposal to. "respond" answers the agent with a
# message instead of approving: the proposal is withdrawn (rejected) and the agent may propose
# again with a new proposal.
DECISION_STATUS: dict[Decision, ProposalStatus] = {
    Decision.APPROVE: ProposalStatus.APPROVED,
    Decision.EDIT: ProposalStatus.APPROVED,
    Decision.REJECT: ProposalStatus.REJECTED,
    Decision.RESPOND: ProposalStatus.REJECTED,
}
GENESIS_HASH = "0" * 64

_proposals = cast(Table, models.Proposal.__table__)
_audit = cast(Table, models.AuditEntry.__table__)


class GovernanceError(RuntimeError):
    """Base class of the governance store's errors."""


class ProposalNotFoundError(GovernanceError, LookupError):
    """Raised when no proposal has the given id."""


class ProposalStateError(GovernanceError):
    """Raised when a proposal is not in the state a transition needs; carries its current state."""

    def __init__(self, message: str, proposal: Proposal):
        super().__init__(message)
        self.proposal = proposal


class ProposalNotPendingError(ProposalStateError):
    """Raised when deciding on a proposal that was already decided (e.g. by a racing approver)."""


class AuditAppendError(GovernanceError):
    """Raised when an audit entry could not be chained after the bounded number of retries."""


def _utcnow() -> datetime:
    return datetime.now(UTC)


def _as_utc(value: datetime | None) -> datetime | None:
    """Return `value` as tz-aware UTC (SQLite hands back naive UTC datetimes)."""
    if value is None:
        return None
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def _json_default(value: Any) -> Any:
    """Encode the non-JSON values callers commonly pass (numpy scalars, dates, decimals, sets)."""
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, set | frozenset):
        return sorted(value, key=repr)
    if hasattr(value, "item") and callable(value.item):  # numpy scalar
        return value.item()
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def _dumps(value: Any) -> str:
    """Return canonical JSON (sorted keys, no whitespace)."""
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=_json_default
    )


Recorder = Callable[[Connection, "Proposal"], Any]


@dataclass(frozen=True)
class Proposal:
    """A proposal as stored (args and evidence decoded, datetimes tz-aware UTC)."""

    id: str
    thread_id: str
    kind: ActionKind
    args: dict[str, Any]
    value: float
    description: str
    evidence: dict[str, Any]
    status: ProposalStatus
    created_by: str
    created_at: datetime
    decided_by: str | None
    decided_at: datetime | None
    decision: Decision | None
    decision_note: str | None
    document_id: str | None
    failure_reason: str | None
    version: int

    @property
    def action(self) -> Action:
        """Return the proposed action as a typed object."""
        return parse_action(self.kind, self.args)

    @classmethod
    def from_row(cls, row: Row[Any]) -> Proposal:
        """Build a proposal from a `proposals` row."""
        created_at = _as_utc(row.created_at)
        assert created_at is not None
        return cls(
            id=row.id,
            thread_id=row.thread_id,
            kind=ActionKind(row.kind),
            args=json.loads(row.args),
            value=float(row.value),
            description=row.description,
            evidence=json.loads(row.evidence),
            status=ProposalStatus(row.status),
            created_by=row.created_by,
            created_at=created_at,
            decided_by=row.decided_by,
            decided_at=_as_utc(row.decided_at),
            decision=None if row.decision is None else Decision(row.decision),
            decision_note=row.decision_note,
            document_id=row.document_id,
            failure_reason=row.failure_reason,
            version=int(row.version),
        )


def new_proposal_id() -> str:
    """Return a fresh proposal id ("PR-" and 12 hex digits)."""
    return f"PR-{uuid.uuid4().hex[:12].upper()}"


def _check_value(value: float) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ValueError(f"value must be a finite number (got {value!r})")
    if value < 0:
        raise ValueError(f"value must not be negative (got {value!r})")
    return float(value)


def _target_columns(kind: str, args: Mapping[str, Any]) -> dict[str, str]:
    """Return the SKU-location the action brings stock to (its destination), as columns."""
    action = parse_action(kind, args)
    return {"target_sku": action.sku[:64], "target_location": action.destination[:64]}


def _check_args(args: Mapping[str, Any]) -> str:
    if not isinstance(args, Mapping):
        raise ValueError(f"args must be a mapping (got {type(args).__name__})")
    return _dumps(dict(args))


class ProposalStore:
    """Create proposals and move them through pending -> approved/rejected -> committed/failed.

    Authorization is the caller's job (see `stockpilot.policy`); this store only guarantees that
    each transition happens at most once, atomically, from the state it requires.
    """

    def __init__(self, engine: Engine):
        self.engine = engine

    def create(
        self,
        *,
        thread_id: str,
        kind: ActionKind | str,
        args: Mapping[str, Any],
        value: float,
        description: str,
        evidence: Mapping[str, Any],
        created_by: str,
    ) -> Proposal:
        """Store a new pending proposal and return it."""
        with self.engine.begin() as conn:
            return self.create_in(
                conn,
                thread_id=thread_id,
                kind=kind,
                args=args,
                value=value,
                description=description,
                evidence=evidence,
                created_by=created_by,
            )

    def create_in(
        self,
        conn: Connection,
        *,
        thread_id: str,
        kind: ActionKind | str,
        args: Mapping[str, Any],
        value: float,
        description: str,
        evidence: Mapping[str, Any],
        created_by: str,
    ) -> Proposal:
        """Store a new pending proposal inside the caller's transaction and return it."""
        if kind not in DRAFTABLE_KINDS:
            kinds = sorted(k.value for k in DRAFTABLE_KINDS)
            raise ValueError(f"kind must be one of {kinds} (got {kind!r})")
        if not thread_id:
            raise ValueError("thread_id must not be empty")
        if not created_by:
            raise ValueError("created_by must not be empty")
        proposal_id = new_proposal_id()
        conn.execute(
            _proposals.insert().values(
                id=proposal_id,
                thread_id=thread_id,
                kind=ActionKind(kind).value,
                args=_check_args(args),
                value=_check_value(value),
                description=description,
                evidence=_dumps(dict(evidence)),
                status=ProposalStatus.PENDING.value,
                created_by=created_by,
                # Set here rather than by the server: microsecond precision everywhere
                # keeps "newest first" meaningful on SQLite too.
                created_at=_utcnow(),
                version=1,
                **_target_columns(kind, args),
            )
        )
        return self._get(conn, proposal_id)

    def get(self, proposal_id: str) -> Proposal | None:
        """Return the proposal, or None when there is none with that id."""
        with self.engine.connect() as conn:
            row = conn.execute(select(_proposals).where(_proposals.c.id == proposal_id)).first()
        return Proposal.from_row(row) if row is not None else None

    def list(
        self,
        *,
        status: ProposalStatus | str | None = None,
        thread_id: str | None = None,
        limit: int = 200,
    ) -> builtins.list[Proposal]:
        """Return proposals, newest first, optionally filtered by status and thread."""
        query = select(_proposals).order_by(_proposals.c.created_at.desc(), _proposals.c.id.desc())
        if status is not None:
            query = query.where(_proposals.c.status == str(status))
        if thread_id is not None:
            query = query.where(_proposals.c.thread_id == thread_id)
        with self.engine.connect() as conn:
            rows = conn.execute(query.limit(limit)).all()
        return [Proposal.from_row(row) for row in rows]

    def count(self, *, status: ProposalStatus) -> int:
        """Return how many proposals are in `status`."""
        query = (
            select(func.count())
            .select_from(_proposals)
            .where(_proposals.c.status == ProposalStatus(status).value)
        )
        with self.engine.connect() as conn:
            return int(conn.execute(query).scalar_one())

    def decide(
        self,
        proposal_id: str,
        *,
        user: str,
        decision: Decision | str,
        note: str | None = None,
        args: Mapping[str, Any] | None = None,
        value: float | None = None,
        record: Recorder | None = None,
    ) -> Proposal:
        """Record a human decision on a pending proposal and return it.

        `record(conn, proposal)` runs inside the same transaction once the transition happened
        (to append the audit entry): the decision and its record commit together or not at all.

        approve: status "approved". edit: status "approved" with `args` and `value` replaced
        (both required). reject: status "rejected". respond: the approver answers the agent with
        `note` (required) instead of approving; the proposal is withdrawn (status "rejected",
        decision "respond") and the agent may make a new one.

        The transition is one conditional UPDATE, so of two racing deciders exactly one wins;
        the other gets `ProposalNotPendingError` carrying the proposal as the winner left it.
        """
        if decision not in set(Decision):
            decisions = sorted(d.value for d in Decision)
            raise ValueError(f"decision must be one of {decisions} (got {decision!r})")
        decision = Decision(decision)
        if not user:
            raise ValueError("user must not be empty")
        changes: dict[str, Any] = {}
        if decision == Decision.EDIT:
            if args is None or value is None:
                raise ValueError("an edit needs both the new args and the new value")
            current = self.get(proposal_id)
            kind = current.kind if current is not None else ""
            changes = {
                "args": _check_args(args),
                "value": _check_value(value),
                **_target_columns(kind, args),
            }
        elif args is not None or value is not None:
            raise ValueError(
                f"args and value can only be changed by an edit, not {decision.value!r}"
            )
        values = {
            "status": DECISION_STATUS[decision].value,
            "decision": decision.value,
            "decided_by": user,
            "decision_note": note,
            **changes,
        }
        current, changed = self._transition_flag(
            proposal_id, ProposalStatus.PENDING, record=record, decided_at=_utcnow, **values
        )
        if not changed:
            raise ProposalNotPendingError(
                f"proposal {proposal_id} is {current.status}, not pending"
                + (
                    f" ({current.decision} by {current.decided_by} at "
                    f"{current.decided_at.isoformat()})"
                    if current.decided_at is not None
                    else ""
                ),
                current,
            )
        return current

    def claim_in(
        self,
        conn: Connection,
        proposal_id: str,
        *,
        args: Mapping[str, Any] | None = None,
        value: float | None = None,
    ) -> Proposal | None:
        """Mark an approved proposal as passing its commit re-check, in the caller's transaction.

        From then on it counts as supply for its target (`erp.supply`). `args` and `value`
        replace its own when the re-check cut the quantity. Returns the proposal, or None when
        it is no longer approved (a racing commit or failure moved it on).
        """
        changes: dict[str, Any] = {}
        if args is not None:
            current = self._get(conn, proposal_id)
            changes = {"args": _check_args(args), **_target_columns(current.kind, args)}
        if value is not None:
            changes["value"] = _check_value(value)
        result = conn.execute(
            update(_proposals)
            .where(
                _proposals.c.id == proposal_id,
                _proposals.c.status == ProposalStatus.APPROVED.value,
            )
            .values(
                claimed_at=func.now(),
                claimed_import_id=select(func.max(models.SnapshotImport.id)).scalar_subquery(),
                version=_proposals.c.version + 1,
                **changes,
            )
        )
        return self._get(conn, proposal_id) if result.rowcount == 1 else None

    def mark_committed(self, proposal_id: str, document_id: str) -> Proposal:
        """Record that an approved proposal reached the ERP as `document_id`.

        Idempotent: marking an already committed proposal with the same document id returns it.
        """
        return self.commit_once(proposal_id, document_id)[0]

    def commit_once(
        self, proposal_id: str, document_id: str, *, record: Recorder | None = None
    ) -> tuple[Proposal, bool]:
        """Mark committed like `mark_committed`; also say whether this call made the change.

        Exactly one of several racing callers gets True; `record(conn, proposal)` runs for that
        one only, inside the same transaction.
        """
        if not document_id:
            raise ValueError("document_id must not be empty")
        current, changed = self._transition_flag(
            proposal_id,
            ProposalStatus.APPROVED,
            record=record,
            status=ProposalStatus.COMMITTED.value,
            document_id=document_id,
        )
        if current.status == ProposalStatus.COMMITTED and current.document_id == document_id:
            return current, changed
        raise ProposalStateError(
            f"proposal {proposal_id} is {current.status}"
            + (f" as {current.document_id}" if current.document_id else "")
            + f"; cannot mark it committed as {document_id}",
            current,
        )

    def mark_failed(self, proposal_id: str, reason: str) -> Proposal:
        """Record that writing an approved proposal to the ERP failed, and why.

        Idempotent: marking an already failed proposal with the same reason returns it.
        """
        current = self._transition(
            proposal_id,
            ProposalStatus.APPROVED,
            status=ProposalStatus.FAILED.value,
            failure_reason=reason,
        )
        if current.status == ProposalStatus.FAILED and current.failure_reason == reason:
            return current
        raise ProposalStateError(
            f"proposal {proposal_id} is {current.status}; only an approved one can fail", current
        )

    def _transition(self, proposal_id: str, required: ProposalStatus, **values: Any) -> Proposal:
        """Apply `values` if the proposal is in status `required`; return it as it now is."""
        return self._transition_flag(proposal_id, required, **values)[0]

    def _transition_flag(
        self,
        proposal_id: str,
        required: ProposalStatus,
        *,
        record: Recorder | None = None,
        **values: Any,
    ) -> tuple[Proposal, bool]:
        """Apply `values` if in status `required`; return the proposal and whether it changed.

        A callable value is called at each attempt (a timestamp). `record` runs in the same
        transaction when the row changed; a race on the audit chain retries the whole of it.
        """
        for attempt in range(50):
            try:
                with self.engine.begin() as conn:
                    result = conn.execute(
                        update(_proposals)
                        .where(
                            _proposals.c.id == proposal_id, _proposals.c.status == required.value
                        )
                        .values(
                            version=_proposals.c.version + 1,
                            **{k: v() if callable(v) else v for k, v in values.items()},
                        )
                    )
                    current = self._get(conn, proposal_id)
                    changed = result.rowcount == 1
                    if changed and record is not None:
                        record(conn, current)
                    return current, changed
            except IntegrityError:
                if record is None:
                    raise
                time.sleep(0.001 * (1 + attempt % 10))
        raise AuditAppendError(f"could not record the change of {proposal_id} (chain contention)")

    @staticmethod
    def _get(conn: Connection, proposal_id: str) -> Proposal:
        row = conn.execute(select(_proposals).where(_proposals.c.id == proposal_id)).first()
        if row is None:
            raise ProposalNotFoundError(f"no proposal {proposal_id!r}")
        return Proposal.from_row(row)


class Deliveries:
    """Inbound chat events seen so far: the first caller for a key wins, in any process."""

    def __init__(self, engine: Engine):
        self.engine = engine

    def first(self, key: str) -> bool:
        """Record `key` and return True, or return False when it was recorded before."""
        try:
            with self.engine.begin() as conn:
                conn.execute(insert(models.Delivery).values(key=key[:200]))
        except IntegrityError:
            return False
        return True


@dataclass(frozen=True)
class AuditRecord:
    """One audit log entry as stored (payload decoded)."""

    seq: int
    ts: str  # ISO-8601 UTC, exactly as hashed
    actor: str
    event: str
    thread_id: str | None
    proposal_id: str | None
    payload: dict[str, Any]
    prev_hash: str
    hash: str

    @property
    def timestamp(self) -> datetime:
        """Return `ts` as a tz-aware datetime."""
        return datetime.fromisoformat(self.ts)

    @classmethod
    def from_row(cls, row: Row[Any]) -> AuditRecord:
        """Build a record from an `audit_log` row."""
        return cls(
            seq=int(row.seq),
            ts=row.ts,
            actor=row.actor,
            event=row.event,
            thread_id=row.thread_id,
            proposal_id=row.proposal_id,
            payload=json.loads(row.payload),
            prev_hash=row.prev_hash,
            hash=row.hash,
        )


@dataclass(frozen=True)
class AuditVerification:
    """The outcome of checking the audit chain."""

    ok: bool
    checked: int
    first_bad_seq: int | None
    reason: str
    last_hash: str = GENESIS_HASH  # the head of the verified prefix, to anchor elsewhere


def entry_hash(
    *,
    ts: str,
    actor: str,
    event: str,
    thread_id: str | None,
    proposal_id: str | None,
    payload: Any,
    prev_hash: str,
) -> str:
    """Return the SHA-256 (hex) of an entry's canonical JSON."""
    material = {
        "ts": ts,
        "actor": actor,
        "event": event,
        "thread_id": thread_id,
        "proposal_id": proposal_id,
        "payload": payload,
        "prev_hash": prev_hash,
    }
    return hashlib.sha256(_dumps(material).encode()).hexdigest()


class AuditLog:
    """Append to and verify the hash-chained audit log.

    Appenders are serialised by a lock where the database has a cheap one (SQLite's write lock,
    a PostgreSQL table lock); the unique `prev_hash` is what guarantees a single chain either
    way, and a losing appender re-reads the head and retries.
    """

    max_attempts = 50

    def __init__(self, engine: Engine):
        self.engine = engine

    def append(
        self,
        event: str,
        actor: str,
        *,
        thread_id: str | None = None,
        proposal_id: str | None = None,
        payload: Mapping[str, Any] | None = None,
    ) -> AuditRecord:
        """Append an entry chained to the current head and return it."""
        if not event or len(event) > 40:
            raise ValueError("event must be 1 to 40 characters")
        if not actor:
            raise ValueError("actor must not be empty")
        # Round-trip through JSON so the hashed payload is exactly what verify() will read.
        payload_text = _dumps(dict(payload or {}))
        body = json.loads(payload_text)
        for attempt in range(self.max_attempts):
            try:
                with self.engine.begin() as conn:
                    return self.append_in(
                        conn,
                        event,
                        actor,
                        thread_id=thread_id,
                        proposal_id=proposal_id,
                        payload=body,
                    )
            except IntegrityError:
                # Another appender chained onto the same head first.
                time.sleep(0.001 * (1 + attempt % 10))
                continue
        raise AuditAppendError(
            f"could not append {event!r} after {self.max_attempts} attempts (chain contention)"
        )

    def append_in(
        self,
        conn: Connection,
        event: str,
        actor: str,
        *,
        thread_id: str | None = None,
        proposal_id: str | None = None,
        payload: Mapping[str, Any] | None = None,
    ) -> AuditRecord:
        """Append an entry inside the caller's transaction (it commits or rolls back with it).

        A racing appender makes the insert fail with IntegrityError; the caller retries its
        whole transaction.
        """
        if not event or len(event) > 40:
            raise ValueError("event must be 1 to 40 characters")
        if not actor:
            raise ValueError("actor must not be empty")
        payload_text = _dumps(dict(payload or {}))
        body = json.loads(payload_text)
        self._lock(conn)
        prev_hash = self._head(conn)
        ts = _utcnow().isoformat(timespec="microseconds")
        digest = entry_hash(
            ts=ts,
            actor=actor,
            event=event,
            thread_id=thread_id,
            proposal_id=proposal_id,
            payload=body,
            prev_hash=prev_hash,
        )
        result = conn.execute(
            _audit.insert().values(
                ts=ts,
                actor=actor,
                event=event,
                thread_id=thread_id,
                proposal_id=proposal_id,
                payload=payload_text,
                prev_hash=prev_hash,
                hash=digest,
            )
        )
        return AuditRecord(
            seq=int(result.inserted_primary_key[0]),  # type: ignore[index]
            ts=ts,
            actor=actor,
            event=event,
            thread_id=thread_id,
            proposal_id=proposal_id,
            payload=body,
            prev_hash=prev_hash,
            hash=digest,
        )

    def entries(
        self,
        *,
        thread_id: str | None = None,
        proposal_id: str | None = None,
        limit: int | None = None,
    ) -> list[AuditRecord]:
        """Return entries in seq order, optionally filtered; `limit` keeps the newest ones."""
        query = select(_audit)
        if thread_id is not None:
            query = query.where(_audit.c.thread_id == thread_id)
        if proposal_id is not None:
            query = query.where(_audit.c.proposal_id == proposal_id)
        if limit is not None:
            query = query.order_by(_audit.c.seq.desc()).limit(limit)
        with self.engine.connect() as conn:
            rows = conn.execute(query).all()
        return sorted((AuditRecord.from_row(row) for row in rows), key=lambda r: r.seq)

    def verify(self) -> AuditVerification:
        """Walk the chain in seq order; report the first entry whose hash or link is wrong.

        Detects edited fields, deleted or reordered entries and forged hashes. It cannot detect
        an attacker who rewrites an entry and recomputes every hash after it, nor a truncated
        tail: compare `last_hash` with a copy kept elsewhere to catch those.
        """
        expected_prev = GENESIS_HASH
        checked = 0
        with self.engine.connect() as conn:
            rows = conn.execution_options(yield_per=1000).execute(
                select(_audit).order_by(_audit.c.seq)
            )
            for row in rows:
                bad = self._check(row, expected_prev)
                if bad:
                    return AuditVerification(False, checked, int(row.seq), bad, expected_prev)
                checked += 1
                expected_prev = row.hash
        return AuditVerification(True, checked, None, f"{checked} entries verified", expected_prev)

    @staticmethod
    def _check(row: Row[Any], expected_prev: str) -> str | None:
        """Return why the entry is bad, or None when it is good."""
        if row.prev_hash != expected_prev:
            return (
                f"entry {row.seq} does not link to the entry before it "
                "(an entry was deleted, inserted or reordered)"
            )
        try:
            payload = json.loads(row.payload)
        except ValueError:
            return f"entry {row.seq} has a payload that is not JSON"
        digest = entry_hash(
            ts=row.ts,
            actor=row.actor,
            event=row.event,
            thread_id=row.thread_id,
            proposal_id=row.proposal_id,
            payload=payload,
            prev_hash=row.prev_hash,
        )
        if digest != row.hash:
            return f"entry {row.seq} does not match its hash (it was edited)"
        return None

    @staticmethod
    def _head(conn: Connection) -> str:
        head = conn.execute(select(_audit.c.hash).order_by(_audit.c.seq.desc()).limit(1)).first()
        return head[0] if head is not None else GENESIS_HASH

    @staticmethod
    def _lock(conn: Connection) -> None:
        """Take the database's write lock for the rest of the transaction, where cheap."""
        if conn.dialect.name == "postgresql":
            # Conflicts with itself and with plain INSERTs, not with readers.
            conn.execute(text("LOCK TABLE audit_log IN SHARE ROW EXCLUSIVE MODE"))
        elif conn.dialect.name == "sqlite":
            # A write statement (even one that matches nothing) as the transaction's first
            # statement takes SQLite's write lock, waiting out the busy timeout; reading the head
            # first and then writing could fail at once with "database is locked".
            conn.execute(update(_audit).where(false()).values(seq=_audit.c.seq))
