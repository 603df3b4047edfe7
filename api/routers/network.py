"""The network resource: stock positions, forecasts, suppliers and what-if scenarios.

Reads only, through the same `Workspace` calls the agent tools make (`inventory`, `forecast`,
`supplier_status`, `what_if`); a what-if is a POST because it takes a scenario body, but it
changes nothing.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, HTTPException, Path, Query, status
from pydantic import BaseModel, ConfigDict, Field, StrictInt

from api.deps import Reader, WorkspaceDep
from api.errors import error_body
from planning.whatif import Scenario
from tools.errors import ProposalMismatchError

router = APIRouter(tags=["network"])

Code = Annotated[str, Path(min_length=1, max_length=64)]
NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"description": "Unknown SKU or location."}}


class Position(BaseModel):
    """The stock position and policy levels of one SKU-location."""

    model_config = ConfigDict(extra="allow")

    sku: str
    location_id: str
    on_hand: float | None = None
    in_transit: float | None = None
    on_order: float | None = None
    position: float | None = None
    forecast_daily: float | None = None
    safety_stock: float | None = None
    reorder_point: float | None = None
    order_up_to: float | None = None
    days_of_cover: float | None = None
    projected_stockout_date: str | None = None


class PositionList(BaseModel):
    """Stock positions."""

    items: list[Position]


class ForecastDay(BaseModel):
    """One day of a forecast with its interval."""

    date: str
    mean: float
    lower: float
    upper: float
    promo_uplift: float


class Forecast(BaseModel):
    """A single-series forecast with the model used and its back-tested accuracy."""

    model_config = ConfigDict(extra="allow")

    sku: str
    location: str
    as_of: str
    method: str
    interval: float
    history_days: int
    history_units_last_28d: float
    accuracy: dict[str, float | None]
    forecast: list[ForecastDay]
    total_mean: float


class LatePo(BaseModel):
    """An open purchase order past its expected date."""

    po_id: str
    sku: str
    location: str
    qty: int
    expected_date: str
    days_late: int


class Supplier(BaseModel):
    """A supplier with its lead time, reliability and open and late purchase orders."""

    supplier_id: str
    name: str
    lead_time_days: int
    lead_time_std_days: float
    on_time_rate: float
    open_po_lines: int
    open_po_units: float
    late_po_lines: int
    late_pos: list[LatePo]


class SupplierList(BaseModel):
    """Suppliers."""

    items: list[Supplier]


class WhatIfRequest(BaseModel):
    """A scenario for one SKU-location: later supplier deliveries and/or scaled demand."""

    model_config = ConfigDict(extra="forbid")

    sku: str = Field(min_length=1, max_length=64)
    location: str = Field(min_length=1, max_length=64)
    supplier_delay_days: StrictInt = Field(
        0, ge=0, le=365, description="Open POs arrive this late."
    )
    supplier_id: str | None = Field(
        None, min_length=1, max_length=64, description="Delay only this supplier's POs."
    )
    demand_factor: float = Field(1.0, ge=0, le=20, description="Scales every day's forecast.")
    promo_factor: float = Field(1.0, ge=0, le=20, description="Scales promotion days only.")


class WhatIfResult(BaseModel):
    """The base and scenario projections side by side, and what changed."""

    model_config = ConfigDict(extra="allow")

    sku: str
    location: str
    as_of: str
    horizon_days: int
    protection_days: int
    scenario: dict[str, Any]
    delayed_purchase_orders: list[dict[str, Any]]
    promotion_days: int
    base: dict[str, Any]
    with_scenario: dict[str, Any]
    # Numbers, and `anything_changed` a true boolean (not coerced to 1.0 / 0.0).
    change: dict[str, bool | int | float]


@router.get("/skus/{sku}/positions", response_model=PositionList, responses=NOT_FOUND)
def sku_positions(
    ws: WorkspaceDep,
    _: Reader,
    sku: Code,
    location: Annotated[str | None, Query(min_length=1, max_length=64)] = None,
) -> PositionList:
    """Return a SKU's positions across locations (or at one)."""
    return PositionList.model_validate({"items": ws.queries.inventory(sku, location)})


@router.get("/locations/{location}/positions", response_model=PositionList, responses=NOT_FOUND)
def location_positions(
    ws: WorkspaceDep,
    _: Reader,
    location: Code,
    top: Annotated[int, Query(ge=1, le=500, description="How many, fewest days first.")] = 25,
) -> PositionList:
    """Return a location's positions with the fewest days of cover first."""
    return PositionList.model_validate({"items": ws.queries.inventory(None, location, top=top)})


@router.get("/forecasts/{sku}/{location}", response_model=Forecast, responses=NOT_FOUND)
def forecast(
    ws: WorkspaceDep,
    _: Reader,
    sku: Code,
    location: Code,
    horizon: Annotated[int, Query(ge=1, le=365, description="Days ahead.")] = 28,
) -> Forecast:
    """Forecast one SKU-location with intervals, the model used and its accuracy."""
    return Forecast.model_validate(ws.queries.forecast(sku, location, horizon=horizon))


@router.get("/suppliers", response_model=SupplierList, responses=NOT_FOUND)
def suppliers(
    ws: WorkspaceDep,
    _: Reader,
    sku: Annotated[
        str | None, Query(min_length=1, max_length=64, description="Its suppliers.")
    ] = None,
) -> SupplierList:
    """List suppliers (those of a SKU) with lead times and open and late POs."""
    return SupplierList.model_validate({"items": ws.queries.supplier_status(None, sku)})


@router.get("/suppliers/{supplier_id}", response_model=Supplier, responses=NOT_FOUND)
def supplier(ws: WorkspaceDep, _: Reader, supplier_id: Code) -> Supplier:
    """Return one supplier with its lead time and open and late POs."""
    return Supplier.model_validate(ws.queries.supplier_status(supplier_id)[0])


@router.post("/what-if", response_model=WhatIfResult, responses=NOT_FOUND)
def what_if(ws: WorkspaceDep, _: Reader, body: WhatIfRequest) -> WhatIfResult:
    """Re-project a SKU-location under a supplier delay or a demand change (changes nothing)."""
    scenario = Scenario(
        supplier_delay_days=body.supplier_delay_days,
        supplier_id=body.supplier_id,
        demand_factor=body.demand_factor,
        promo_factor=body.promo_factor,
    )
    return WhatIfResult.model_validate(ws.queries.what_if(body.sku, body.location, scenario))


class ProjectionDay(BaseModel):
    """One day ahead: forecast with its interval, receipts, projected on hand (and after)."""

    date: str
    forecast: float
    forecast_lower: float
    forecast_upper: float
    promo: bool
    receipts: float
    projected_on_hand: float
    unmet: float
    receipts_after: float | None = None
    projected_on_hand_after: float | None = None
    unmet_after: float | None = None


class HistoryDay(BaseModel):
    """Units sold on one past day."""

    date: str
    units: float


class SupplyMarker(BaseModel):
    """An open purchase order or in-transit transfer arriving at this SKU-location."""

    kind: str
    document_id: str
    supplier_id: str | None = None
    from_location: str | None = None
    qty: float
    expected_date: str
    arrival_date: str = Field(description="When the plan assumes it arrives (late POs: later).")
    in_horizon: bool


class ProposalEffect(BaseModel):
    """What a proposed action does to this SKU-location's projection."""

    id: str
    kind: str
    status: str
    args: dict[str, Any]
    value: float
    qty: float
    effect: Literal["receipt", "issue"]
    date: str
    applied: bool = Field(description="False when committed (already supply) or rejected.")
    note: str
    document_id: str | None = None


class ProjectionOutcome(BaseModel):
    """The projection's headline numbers."""

    first_stockout_date: str | None
    unmet_units: float
    min_projected_on_hand: float | None
    end_on_hand: float | None


class Projection(BaseModel):
    """Everything the drill-down chart of one SKU-location shows, from the plan."""

    sku: str
    location: str
    location_type: str
    as_of: str
    horizon_days: int
    interval: float = Field(description="Central coverage of forecast_lower..forecast_upper.")
    method: str
    policy: dict[str, float | None] = Field(
        description="on_hand, in_transit, on_order, position, forecast_daily, sigma, lead_time, "
        "safety_stock, reorder_point, order_up_to."
    )
    history_locations: list[str] = Field(description="Whose sales the history sums.")
    history: list[HistoryDay]
    days: list[ProjectionDay]
    supply: list[SupplyMarker]
    proposal: ProposalEffect | None
    base: ProjectionOutcome
    after: ProjectionOutcome | None


@router.get(
    "/skus/{sku}/locations/{location}/projection",
    response_model=Projection,
    responses={
        **NOT_FOUND,
        422: {"description": "The proposal concerns another SKU-location."},
    },
)
def projection(
    ws: WorkspaceDep,
    _: Reader,
    sku: Code,
    location: Code,
    proposal_id: Annotated[
        str | None,
        Query(
            pattern=r"^[A-Za-z0-9_-]{1,64}$",
            description="Also project after this proposed transfer or purchase order.",
        ),
    ] = None,
    history_days: Annotated[int, Query(ge=7, le=730, description="Days of sales shown.")] = 56,
) -> Projection:
    """Return one SKU-location's drill-down: history, forecast, projection and supply.

    The projection (on hand against safety stock and reorder point) comes from the plan; with
    `proposal_id` it is also rerun after that proposed transfer or purchase order.
    """
    try:
        data = ws.charts.projection(
            sku, location, proposal_id=proposal_id, history_days=history_days
        )
    except ProposalMismatchError as exc:
        raise HTTPException(
            status.HTTP_422_UNPROCESSABLE_CONTENT,
            detail=error_body("invalid_request", str(exc), "proposal_id"),
        ) from exc
    return Projection.model_validate(data)
