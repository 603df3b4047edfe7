"""The approvals resource: the inbox of pending approvals and the decisions on them.

Reading the inbox needs "read"; deciding needs "decide". Authority (what value of which action
a user may approve) is enforced by the graph, not here: a decision above the caller's authority
answers 200 with outcome "refused" and its reason, and the approval stays pending (a new
interrupt id, shown in the answer's `pending`). A decision on something no longer pending
answers 409 with what the thread waits on now (and the proposal's current state).
"""

from __future__ import annotations

import logging
from typing import Annotated, Any, Literal

from fastapi import APIRouter, HTTPException, Path, Query, Request, status
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StrictInt,
    ValidationInfo,
    field_validator,
)

from api.deps import CopilotDep, Decider, Reader, WorkspaceDep
from api.errors import error_body
from api.metrics import record_outcomes
from api.routers.threads import PendingOut, ThreadId, TurnOut
from graph.service import Copilot, NotWaitingError, StaleInterruptError
from stockpilot.vocabulary import DRAFTABLE_KINDS, MAX_EDIT_QTY, ActionKind, Decision
from tools.workspace import Workspace

router = APIRouter(tags=["approvals"])
log = logging.getLogger("stockpilot.api")

InterruptId = Annotated[str, Path(pattern=r"^[A-Za-z0-9_-]{1,128}$")]


def _draftable(kind: ActionKind) -> ActionKind:
    if kind not in DRAFTABLE_KINDS:
        raise ValueError(f"only {' and '.join(DRAFTABLE_KINDS)} are approved")
    return kind


DraftableKind = Annotated[ActionKind, AfterValidator(_draftable)]


class InboxItemOut(BaseModel):
    """A pending approval: decide it at /v1/approvals/{thread_id}/{interrupt_id}."""

    thread_id: str
    interrupt_id: str
    proposal_id: str
    kind: ActionKind
    args: dict[str, Any]
    value: float
    description: str
    created_by: str
    created_at: str
    age_seconds: float
    warnings: list[str] = Field(
        default_factory=list,
        description="The draft checks' warnings: cover above the class maximum, or no need.",
    )


class Inbox(BaseModel):
    """The approvals inbox, oldest first."""

    items: list[InboxItemOut]
    count: int


class DecisionIn(BaseModel):
    """A human decision on a pending approval."""

    model_config = ConfigDict(extra="forbid")

    decision: Decision
    qty: StrictInt | None = Field(
        None,
        ge=1,
        le=MAX_EDIT_QTY,
        validate_default=True,
        description='New quantity (edit only): a JSON integer; true, "5" or 5.0 are refused.',
    )
    message: str | None = Field(None, max_length=2000, description="Note to the agent.")
    proposal_id: str | None = Field(
        None,
        pattern=r"^[A-Za-z0-9_-]{1,64}$",
        description="Decide only this proposal (default: every action at this interrupt).",
    )

    @field_validator("qty")
    @classmethod
    def _qty_for_edits(cls, qty: int | None, info: ValidationInfo) -> int | None:
        decision = info.data.get("decision")
        if decision == Decision.EDIT and qty is None:
            raise ValueError("an edit needs qty (the new quantity)")
        if decision is not None and decision != Decision.EDIT and qty is not None:
            raise ValueError("qty applies only to an edit")
        return qty


@router.get("/approvals", response_model=Inbox)
def inbox(
    copilot: CopilotDep,
    principal: Reader,
    location: Annotated[
        str | None, Query(max_length=64, description="Source, destination or PO location.")
    ] = None,
    kind: Annotated[DraftableKind | None, Query()] = None,
    min_value: Annotated[float | None, Query(ge=0, le=1e12)] = None,
    max_value: Annotated[float | None, Query(ge=0, le=1e12)] = None,
    decidable: Annotated[
        bool, Query(description="Only what the caller may approve within its authority.")
    ] = False,
    limit: Annotated[int, Query(ge=1, le=500)] = 200,
) -> Inbox:
    """List every pending approval across threads, filtered."""
    items = copilot.inbox(
        location=location,
        kind=kind,
        min_value=min_value,
        max_value=max_value,
        decidable_by=principal.user if decidable else None,
        limit=limit,
    )
    out = [InboxItemOut(**{**i.__dict__, "created_at": i.created_at.isoformat()}) for i in items]
    return Inbox(items=out, count=len(out))


class ConflictProposal(BaseModel):
    """The current state of the proposal a 409 decision named."""

    id: str
    status: str
    decided_by: str | None
    decision: str | None
    document_id: str | None


class ConflictError(BaseModel):
    """409 error body: why, and what the thread waits on now."""

    code: Literal["not_pending", "stale_interrupt"]
    message: str
    thread_id: str
    pending: list[PendingOut]
    proposal: ConflictProposal | None = None


class Conflict(BaseModel):
    """409 envelope."""

    error: ConflictError


@router.post(
    "/approvals/{thread_id}/{interrupt_id}",
    response_model=TurnOut,
    responses={404: {"description": "Unknown thread."}, 409: {"model": Conflict}},
)
def decide(
    thread_id: ThreadId,
    interrupt_id: InterruptId,
    body: DecisionIn,
    copilot: CopilotDep,
    workspace: WorkspaceDep,
    principal: Decider,
    request: Request,
) -> TurnOut:
    """Decide a pending approval; approved actions are committed to the ERP before answering.

    The outcomes feed the metrics (commits, refusals, approval cycle time).
    """
    if not copilot.has_thread(thread_id):
        raise HTTPException(
            status.HTTP_404_NOT_FOUND,
            detail=error_body("not_found", f"no thread {thread_id!r}", "thread_id"),
        )
    try:
        result = copilot.decide(
            thread_id,
            user=principal.user,
            decision=body.decision,
            interrupt_id=interrupt_id,
            proposal_id=body.proposal_id,
            qty=body.qty,
            message=body.message,
        )
    except (NotWaitingError, StaleInterruptError) as exc:
        raise _conflict(exc, copilot, workspace, thread_id, body.proposal_id) from exc
    record_outcomes(request, result.outcomes, workspace)
    return TurnOut.of(result)


def _conflict(
    exc: Exception, copilot: Copilot, ws: Workspace, thread_id: str, proposal_id: str | None
) -> HTTPException:
    code = "not_pending" if isinstance(exc, NotWaitingError) else "stale_interrupt"
    proposal = ws.governance.proposals.get(proposal_id) if proposal_id else None
    body = ConflictError(
        code=code,
        message=str(exc),
        thread_id=thread_id,
        pending=[PendingOut.of(a) for a in copilot.pending(thread_id)],
        proposal=ConflictProposal(
            id=proposal.id,
            status=proposal.status,
            decided_by=proposal.decided_by,
            decision=proposal.decision,
            document_id=proposal.document_id,
        )
        if proposal
        else None,
    )
    return HTTPException(status.HTTP_409_CONFLICT, detail={"error": body.model_dump()})
