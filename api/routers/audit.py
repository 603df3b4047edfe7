"""The audit resource: the hash-chained governance log, and a check that it is intact.

Every reader may see the trail and verify it: transparency is the point of the log, and it
holds who decided what, not stock or cost data beyond what proposals already show. Entries come
from `Workspace.governance.audit` (`erp.governance.AuditLog`).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel

from api.deps import Reader, WorkspaceDep

router = APIRouter(tags=["audit"])

Id = Annotated[str | None, Query(min_length=1, max_length=128)]


class AuditEntry(BaseModel):
    """One audit log entry, with the hashes that chain it."""

    seq: int
    ts: str
    actor: str
    event: str
    thread_id: str | None
    proposal_id: str | None
    payload: dict[str, Any]
    prev_hash: str
    hash: str


class AuditTrail(BaseModel):
    """Audit entries, oldest first (the newest `limit` of those that match)."""

    items: list[AuditEntry]


class AuditCheck(BaseModel):
    """Whether the chain is intact; where it breaks, the first bad entry and why."""

    ok: bool
    checked: int
    first_bad_seq: int | None
    reason: str
    last_hash: str


@router.get("/audit", response_model=AuditTrail)
def audit_trail(
    ws: WorkspaceDep,
    _: Reader,
    thread_id: Id = None,
    proposal_id: Id = None,
    limit: Annotated[int, Query(ge=1, le=1000, description="The newest this many.")] = 100,
) -> AuditTrail:
    """Return the newest audit entries (oldest first), optionally of one thread or proposal."""
    entries = ws.governance.audit.entries(thread_id=thread_id, proposal_id=proposal_id, limit=limit)
    return AuditTrail(items=[AuditEntry.model_validate(e.__dict__) for e in entries])


@router.get("/audit/verify", response_model=AuditCheck)
def verify_audit(ws: WorkspaceDep, _: Reader) -> AuditCheck:
    """Walk the whole chain and report the first edited, deleted or reordered entry."""
    return AuditCheck.model_validate(ws.governance.audit.verify().__dict__)
