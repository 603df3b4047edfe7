"""Check drafted actions against the current plan before they become proposals.

A check needs only the plan's policy levels and master data, which an ERP write does not move,
so it reuses a plan of the same snapshot (`fresh=False`) and reads the source's live stock.
"""

from __future__ import annotations

from collections.abc import Callable

from erp.store import on_hand
from planning.actions import ActionCheck, check_purchase_order, check_transfer
from stockpilot.actions import Action, PurchaseOrderAction, TransferAction
from tools.plan_cache import PlanCache


class DraftChecks:
    """Validate transfers and purchase orders (quantities, stock, suppliers, policy)."""

    def __init__(
        self, plans: PlanCache, live_stock: Callable[[str, str], int | None] | None = None
    ):
        self.plans = plans
        # The ERP's stock now (the configured connector's), else the store's.
        self.live_stock = live_stock or (lambda sku, loc: on_hand(plans.engine, sku, loc))

    def check(self, action: Action) -> ActionCheck:
        """Check an action against the current plan (a transfer: and its source's stock now)."""
        plan, ref = self.plans.plan(fresh=False), self.plans.reference(fresh=False)
        match action:
            case TransferAction():
                live = self.live_stock(action.sku, action.from_location)
                source = 0.0 if live is None else float(live)
                return check_transfer(plan, ref, action, source_on_hand=source)
            case PurchaseOrderAction():
                return check_purchase_order(plan, ref, action)
