"""The forecast overrides resource: list, set (planners and up) and clear a SKU's override.

A thin surface over `tools.overrides`: setting or clearing re-plans only the override's SKU;
the author is the caller. A body that is not well formed, or names an unknown SKU or location,
gets a 422 naming the field and stores nothing.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Path, Query, status
from pydantic import BaseModel, Field, ValidationInfo, field_validator

from api.deps import Chatter, Reader, WorkspaceDep
from api.errors import error_body
from stockpilot.vocabulary import OverrideKind
from tools import overrides

router = APIRouter(tags=["overrides"])


class OverrideIn(BaseModel):
    """A new override of a SKU's forecast over a date window (inclusive)."""

    sku: str = Field(min_length=1, max_length=64)
    location: str | None = Field(
        default=None, min_length=1, max_length=64, description="A store; none: every store."
    )
    start: date
    end: date
    kind: OverrideKind = Field(description="multiplier: times the forecast; rate: units per day.")
    value: float = Field(ge=0, allow_inf_nan=False)
    reason: str = Field(min_length=1, max_length=500)

    @field_validator("end")
    @classmethod
    def _not_before_start(cls, end: date, info: ValidationInfo) -> date:
        start = info.data.get("start")
        if start is not None and end < start:
            raise ValueError(f"{end} is before start {start}")
        return end


class OverrideOut(BaseModel):
    """A stored override; `note` is what a position shows while it applies."""

    id: int
    sku: str
    location_id: str | None
    start_date: date
    end_date: date
    kind: OverrideKind
    value: float
    reason: str
    author: str
    created_at: datetime | None
    cleared_at: datetime | None
    cleared_by: str | None
    active: bool
    note: str | None = None
    replanned_skus: list[str] = Field(
        default_factory=list, description="The SKUs re-planned by this change."
    )


class OverrideList(BaseModel):
    """Overrides, newest first."""

    items: list[OverrideOut]


def _unprocessable(exc: overrides.OverrideError) -> HTTPException:
    field, _, _why = str(exc).partition(": ")
    return HTTPException(
        422,
        detail=error_body(
            "invalid_request", str(exc), f"body.{field}" if field.isidentifier() else None
        ),
    )


@router.get("/overrides", response_model=OverrideList)
def list_overrides(
    ws: WorkspaceDep,
    _: Reader,
    sku: Annotated[str | None, Query(min_length=1, max_length=64)] = None,
    location: Annotated[
        str | None, Query(min_length=1, max_length=64, description="Those that apply here.")
    ] = None,
    include_cleared: bool = False,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> OverrideList:
    """List overrides in force (or all), newest first, one page."""
    found: list[dict[str, Any]] = overrides.listed(
        ws.plans,
        sku=sku,
        location=location,
        include_cleared=include_cleared,
        limit=limit,
        offset=offset,
    )
    return OverrideList(items=[OverrideOut.model_validate(o) for o in found])


@router.post(
    "/overrides",
    response_model=OverrideOut,
    status_code=status.HTTP_201_CREATED,
    responses={422: {"description": "A field is invalid (named); nothing stored."}},
)
def set_override(ws: WorkspaceDep, principal: Chatter, body: OverrideIn) -> OverrideOut:
    """Set an override (authored by the caller) and re-plan its SKU."""
    try:
        made = overrides.set_(
            ws.plans,
            sku=body.sku,
            location=body.location,
            start=body.start,
            end=body.end,
            kind=body.kind,
            value=body.value,
            reason=body.reason,
            author=principal.user,
        )
    except overrides.OverrideError as exc:
        raise _unprocessable(exc) from None
    return OverrideOut.model_validate(made)


@router.delete(
    "/overrides/{override_id}",
    response_model=OverrideOut,
    responses={404: {"description": "No override in force with that id."}},
)
def clear_override(
    ws: WorkspaceDep, principal: Chatter, override_id: Annotated[int, Path(ge=1)]
) -> OverrideOut:
    """Clear an override in force (recorded as the caller's) and re-plan its SKU."""
    try:
        cleared = overrides.clear(ws.plans, override_id, author=principal.user)
    except overrides.OverrideNotFoundError as exc:
        raise HTTPException(
            status.HTTP_404_NOT_FOUND, detail=error_body("not_found", str(exc))
        ) from None
    return OverrideOut.model_validate(cleared)
