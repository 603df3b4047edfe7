"""The exceptions resource: today's ranked exceptions, and one exception with its evidence.

Reads only: every answer comes from `Workspace.exceptions` / `Workspace.exception`, the same
calls the agent tools make. Exception ids contain ':' and '@' (and a late PO adds a second ':'),
so the one-exception route takes the rest of the path.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, ConfigDict, Field

from api.deps import Reader, WorkspaceDep
from stockpilot.vocabulary import ActionKind, ExceptionType
from tools import insight

router = APIRouter(tags=["exceptions"])


class Recommendation(BaseModel):
    """What the engine recommends doing about an exception."""

    model_config = ConfigDict(extra="allow")

    kind: ActionKind
    qty: int
    from_location: str | None = None
    to_location: str | None = Field(None, description="A transfer's destination")
    location_id: str | None = Field(
        None, description="A purchase order's destination (an expedite's: the open PO's)"
    )
    supplier_id: str | None = None
    po_id: str | None = None
    unit_cost: float | None = None
    value: float | None = None
    lead_time_days: float | None = None
    rationale: str = ""


class ExceptionRecord(BaseModel):
    """One ranked exception with its recommendation and the numbers behind it."""

    model_config = ConfigDict(extra="allow")

    id: str = Field(examples=["stockout_risk:SKU-0001@S01"])
    type: ExceptionType
    sku: str
    location: str
    priority: int
    money_at_risk: float
    capital_tied_up: float = 0.0
    first_risk_date: str | None = None
    detail: str
    recommendation: Recommendation
    evidence: dict[str, Any] = {}


class SupplyLine(BaseModel):
    """An open purchase order or in-transit transfer feeding a SKU-location."""

    kind: str
    document_id: str
    supplier_id: str | None = None
    from_location: str | None = None
    qty: float
    expected_date: str
    assumed_arrival: str


class ExceptionDetail(ExceptionRecord):
    """One exception with the stock position and the open supply behind it."""

    position: dict[str, Any] | None = None
    open_supply: list[SupplyLine] = []


class TypeTotal(BaseModel):
    """How many exceptions of one type match, and the money they put at risk."""

    count: int
    money_at_risk: float


class ExceptionPage(BaseModel):
    """A page of ranked exceptions with the totals of everything that matched."""

    items: list[ExceptionRecord]
    total: int
    limit: int
    offset: int
    totals_by_type: dict[str, TypeTotal]


@router.get("/exceptions", response_model=ExceptionPage)
def list_exceptions(
    ws: WorkspaceDep,
    _: Reader,
    type: Annotated[ExceptionType | None, Query(description="Only this type.")] = None,
    location: Annotated[str | None, Query(max_length=64, description="Only here.")] = None,
    sku: Annotated[str | None, Query(max_length=64, description="Only this SKU.")] = None,
    category: Annotated[
        str | None, Query(max_length=128, description="Only SKUs of this item category.")
    ] = None,
    min_money: Annotated[
        float | None, Query(ge=0, le=1e15, description="Only exceptions risking at least this.")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> ExceptionPage:
    """List today's exceptions, highest priority first, filtered and paged."""
    page, total, by_type = ws.queries.exception_page(
        offset=offset,
        limit=limit,
        type=type.value if type is not None else None,
        location=location,
        sku=sku,
        category=category,
        min_money=min_money,
    )
    totals = {name: TypeTotal(**t) for name, t in by_type.items()}
    return ExceptionPage(
        items=[ExceptionRecord.model_validate(r) for r in page],
        total=total,
        limit=limit,
        offset=offset,
        totals_by_type=totals,
    )


@router.get(
    "/exceptions/{exception_id:path}",
    response_model=ExceptionDetail,
    responses={404: {"description": "No such exception today."}},
)
def get_exception(
    ws: WorkspaceDep,
    _: Reader,
    exception_id: Annotated[
        str,
        Path(
            min_length=1,
            max_length=256,
            description="As listed, e.g. 'stockout_risk:SKU@LOCATION'.",
        ),
    ],
) -> ExceptionDetail:
    """Return one exception with its evidence, recommendation, position and open supply."""
    return ExceptionDetail.model_validate(insight.exception_detail(ws, exception_id))
