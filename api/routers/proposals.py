"""The proposals resource: drafted actions and their decisions, and the ERP documents they became.

Reads only (deciding goes through the approvals resource). Proposals come from
`Workspace.governance.proposals` (`erp.governance.ProposalStore`); a committed proposal's
document and the time the ERP recorded it come from the connector's ledger.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, Field

from api.deps import Reader, WorkspaceDep
from erp.governance import Proposal
from erp.store import commit_times
from stockpilot.vocabulary import ProposalStatus
from tools.errors import NotFoundError

router = APIRouter(tags=["proposals"])

Limit = Annotated[int, Query(ge=1, le=500, description="At most this many, newest first.")]
ThreadId = Annotated[str | None, Query(min_length=1, max_length=128)]


class ActionKind(StrEnum):
    """The actions the copilot can draft."""

    transfer = "transfer"
    purchase_order = "purchase_order"


class ProposalOut(BaseModel):
    """A drafted action and, once decided, who decided what and when."""

    id: str
    thread_id: str
    kind: str
    args: dict[str, Any]
    value: float
    description: str
    evidence: dict[str, Any]
    status: str
    created_by: str
    created_at: datetime
    decided_by: str | None
    decided_at: datetime | None
    decision: str | None
    decision_note: str | None
    document_id: str | None
    failure_reason: str | None
    version: int
    warnings: list[str] = Field(
        default_factory=list,
        description="The draft checks' warnings: cover above the class maximum, or no need.",
    )

    @classmethod
    def of(cls, p: Proposal) -> ProposalOut:
        """Return the API view of a stored proposal."""
        return cls.model_validate({**p.__dict__, "warnings": p.evidence.get("warnings", [])})


class ProposalList(BaseModel):
    """Proposals, newest first."""

    items: list[ProposalOut]


class Document(BaseModel):
    """An ERP document written from an approved proposal."""

    document_id: str
    kind: str
    args: dict[str, Any]
    value: float
    proposal_id: str
    thread_id: str
    decided_by: str | None
    committed_at: datetime | None


class DocumentList(BaseModel):
    """ERP documents the copilot wrote, newest first."""

    items: list[Document]


@router.get("/proposals", response_model=ProposalList)
def list_proposals(
    ws: WorkspaceDep,
    _: Reader,
    status: Annotated[ProposalStatus | None, Query(description="Only in this status.")] = None,
    thread_id: ThreadId = None,
    limit: Limit = 50,
) -> ProposalList:
    """List proposals, newest first, optionally by status and thread."""
    found = ws.governance.proposals.list(
        status=status.value if status is not None else None, thread_id=thread_id, limit=limit
    )
    return ProposalList(items=[ProposalOut.of(p) for p in found])


@router.get(
    "/proposals/{proposal_id}",
    response_model=ProposalOut,
    responses={404: {"description": "No such proposal."}},
)
def get_proposal(
    ws: WorkspaceDep,
    _: Reader,
    proposal_id: Annotated[str, Path(min_length=1, max_length=64)],
) -> ProposalOut:
    """Return one proposal."""
    found = ws.governance.proposals.get(proposal_id)
    if found is None:
        raise NotFoundError(f"no proposal {proposal_id!r}; ids look like 'PR-0123456789AB'")
    return ProposalOut.of(found)


@router.get("/documents", response_model=DocumentList)
def list_documents(
    ws: WorkspaceDep,
    _: Reader,
    kind: Annotated[ActionKind | None, Query(description="Only this kind.")] = None,
    thread_id: ThreadId = None,
    limit: Limit = 50,
) -> DocumentList:
    """List the ERP documents written from committed proposals, newest first.

    `kind` filters within the newest `limit` committed proposals.
    """
    found = ws.governance.proposals.list(status="committed", thread_id=thread_id, limit=limit)
    if kind is not None:
        found = [p for p in found if p.kind == kind.value]
    times = commit_times(ws.engine, [p.document_id for p in found if p.document_id])
    return DocumentList(
        items=[
            Document(
                document_id=p.document_id or "",
                kind=p.kind,
                args=p.args,
                value=p.value,
                proposal_id=p.id,
                thread_id=p.thread_id,
                decided_by=p.decided_by,
                committed_at=times.get(p.document_id or ""),
            )
            for p in found
        ]
    )
