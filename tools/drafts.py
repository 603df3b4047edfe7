"""Check drafted actions against the current plan before they become proposals.

A check needs only the plan's policy levels and master data, which an ERP write does not move,
so it reuses a plan of the same snapshot (`fresh=False`) and reads the source's live stock.
"""

from __future__ import annotations

from collections.abc import Callable

from erp.store import on_hand
from planning.actions import ActionCheck, check_purchase_order, check_transfer
from tools.plan_cache import PlanCache


class DraftChecks:
    """Validate transfers and purchase orders (quantities, stock, suppliers, policy)."""

    def __init__(
        self, plans: PlanCache, live_stock: Callable[[str, str], int | None] | None = None
    ):
        self.plans = plans
        # The ERP's stock now (the configured connector's), else the store's.
        self.live_stock = live_stock or (lambda sku, loc: on_hand(plans.engine, sku, loc))

    def check_transfer(
        self, *, sku: str, from_location: str, to_location: str, qty: int
    ) -> ActionCheck:
        """Check a transfer against the current plan and the source's stock right now."""
        live = self.live_stock(sku, from_location)
        return check_transfer(
            self.plans.plan(fresh=False),
            self.plans.reference(fresh=False),
            sku=sku,
            from_location=from_location,
            to_location=to_location,
            qty=qty,
            source_on_hand=0.0 if live is None else float(live),
        )

    def check_purchase_order(
        self, *, sku: str, location: str, supplier_id: str, qty: int
    ) -> ActionCheck:
        """Check a purchase order against the current plan."""
        return check_purchase_order(
            self.plans.plan(fresh=False),
            self.plans.reference(fresh=False),
            sku=sku,
            location=location,
            supplier_id=supplier_id,
            qty=qty,
        )
