"""Check drafted actions against the current plan before they become proposals.

A check needs only the plan's policy levels and master data, which an ERP write does not move,
so it reuses a plan of the same snapshot (`fresh=False`) and reads the source's live stock. It
also counts the orders StockPilot drafted or wrote for the same target since the snapshot
(`erp.supply`): a second order for a covered need is cut to the remainder or refused
(`planning.coverage`), and takes the transfers drafted out of a source and not yet written off
that source's stock. Read here without a lock, as a preview: `Governance.propose` and
`Governance.claim` run the check again under the target's lock.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from erp.store import on_hand
from erp.supply import shipped_since, supply_since
from planning.actions import ActionCheck, check_purchase_order, check_transfer
from planning.network import SupplyLine
from stockpilot.actions import Action, PurchaseOrderAction, TransferAction
from tools.plan_cache import PlanCache


class DraftChecks:
    """Validate transfers and purchase orders (quantities, stock, suppliers, policy, cover)."""

    def __init__(
        self, plans: PlanCache, live_stock: Callable[[str, str], int | None] | None = None
    ):
        self.plans = plans
        # The ERP's stock now (the configured connector's), else the store's.
        self.live_stock = live_stock or (lambda sku, loc: on_hand(plans.engine, sku, loc))

    def supply(
        self, sku: str, location: str, *, exclude: str | None = None, drafts: bool = True
    ) -> list[SupplyLine]:
        """Return the orders for a target since the snapshot (see `erp.supply.supply_since`)."""
        with self.plans.engine.connect() as conn:
            return supply_since(conn, sku, location, exclude=exclude, drafts=drafts)

    def shipping(
        self, sku: str, source: str, *, exclude: str | None = None, drafts: bool = True
    ) -> list[SupplyLine]:
        """Return the transfers out of a source not yet written (`erp.supply.shipped_since`)."""
        with self.plans.engine.connect() as conn:
            return shipped_since(conn, sku, source, exclude=exclude, drafts=drafts)

    def source_stock(self, action: Action) -> float | None:
        """Return a transfer's source stock now (from the ERP); None for a purchase order.

        Callers holding the target's lock read it before taking the lock (no ERP call then).
        """
        if not isinstance(action, TransferAction):
            return None
        live = self.live_stock(action.sku, action.from_location)
        return 0.0 if live is None else float(live)

    def check(
        self,
        action: Action,
        *,
        since: Sequence[SupplyLine] | None = None,
        exclude: str | None = None,
        source_on_hand: float | None = None,
        shipping: Sequence[SupplyLine] | None = None,
    ) -> ActionCheck:
        """Check an action against the current plan (a transfer: and its source's stock now).

        `since`: the orders for the action's target since the snapshot (None: read them now,
        all but the proposal `exclude`). `source_on_hand`: a transfer source's stock read by
        the caller (None: ask the ERP now). `shipping`: the transfers out of that source not
        yet written (None: read them now, a draft's view, all but `exclude`).
        """
        plan = self.plans.plan_of(action.sku, fresh=False)
        ref = self.plans.reference_of(action.sku, fresh=False)
        if since is None:
            since = self.supply(action.sku, action.destination, exclude=exclude)
        match action:
            case TransferAction():
                source = self.source_stock(action) if source_on_hand is None else source_on_hand
                if shipping is None:
                    shipping = self.shipping(action.sku, action.from_location, exclude=exclude)
                return check_transfer(
                    plan, ref, action, source_on_hand=source, since=since, shipping=shipping
                )
            case PurchaseOrderAction():
                return check_purchase_order(plan, ref, action, since=since)
