"""The orders resource: what to order now, the planning engine's replenishment order list.

Reads only, through the call the agent tool `get_routine_orders` makes
(`tools.insight.order_page`): every stock position below its reorder point ordered up to its
order-up-to level, an exception's recommended action replacing the routine line of its
SKU-location. Nothing is drafted; drafts go through the proposals and the approval gate.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field

from api.deps import Reader, WorkspaceDep
from stockpilot.vocabulary import ActionKind
from tools import insight

router = APIRouter(tags=["orders"])


class OrderLine(BaseModel):
    """One line of the order list: a purchase order to a supplier or a transfer from a DC."""

    model_config = ConfigDict(extra="allow")

    kind: ActionKind
    sku: str
    location: str = Field(description="Where the stock arrives")
    supplier_id: str | None = Field(None, description="A purchase order's supplier")
    from_location: str | None = Field(None, description="A transfer's source")
    qty: int
    value: float
    from_exception: bool = Field(description="An exception's recommendation, not a routine line")
    exception_id: str | None = None
    unit_cost: float | None = None
    lead_time_days: int | None = None
    reason: str | None = Field(
        None, examples=["position 12 below reorder point 20: order up to 48"]
    )


class MoqWait(BaseModel):
    """A PO line below its reorder point that waits a review for an MOQ round-up (no order)."""

    model_config = ConfigDict(extra="allow")

    sku: str
    location: str
    supplier_id: str
    position: float
    reorder_point: float
    position_with_its_stores: float = Field(
        description="The position the costs are judged on (a DC's with its stores' added)"
    )
    need: int
    moq: int
    moq_order_qty: int = Field(description="What the MOQ would have ordered")
    cost_of_waiting_a_review: float = Field(description="Margin expected lost by waiting")
    cost_of_holding_moq_a_review: float = Field(description="Holding the MOQ's units a review")
    reason: str


class OrderPage(BaseModel):
    """A page of the order list with the totals of every line in scope."""

    scope: dict[str, Any]
    lines: int
    units: int
    value: float
    from_exceptions: int
    positions_checked: int
    below_reorder_point: int
    total: int
    offset: int
    returned: int
    truncated: bool
    items: list[OrderLine]
    note: str
    why_nothing: str | None = None
    waiting_for_moq: int = Field(0, description="PO lines waiting a review for an MOQ round-up")
    waiting_for_moq_returned: int = 0
    waiting_for_moq_truncated: bool = False
    waiting_for_moq_items: list[MoqWait] = Field(
        default_factory=list, description="This page of them (same top / offset); not drafted"
    )
    waiting_for_moq_note: str | None = None


@router.get("/orders", response_model=OrderPage)
def orders(
    ws: WorkspaceDep,
    _: Reader,
    supplier_id: Annotated[
        str | None,
        Query(min_length=1, max_length=64, description="Only purchase orders to this supplier."),
    ] = None,
    location: Annotated[
        str | None,
        Query(min_length=1, max_length=64, description="Only lines to or from this location."),
    ] = None,
    sku: Annotated[
        str | None, Query(min_length=1, max_length=64, description="Only this SKU.")
    ] = None,
    top: Annotated[int, Query(ge=1, le=100, description="Lines on this page.")] = 20,
    offset: Annotated[
        int, Query(ge=0, le=10_000_000, description="Skip this many lines first.")
    ] = 0,
    compact: Annotated[bool, Query(description="Without unit costs and reasons.")] = False,
) -> OrderPage:
    """Return what to order now (largest value first), with the totals of the whole scope."""
    page = insight.order_page(
        ws,
        supplier_id=supplier_id,
        location=location,
        sku=sku,
        top=top,
        offset=offset,
        compact_mode=compact,
    )
    return OrderPage.model_validate(page)
