"""The actions the copilot drafts: a transfer or a purchase order, as typed objects.

One field name per concept from the draft tool to the ERP write: a transfer goes `from_location`
→ `to_location`; a purchase order goes from `supplier_id` to `location_id` (the name of the
purchase-order CSV column and of the ERP's PO line). The same objects are checked by
`planning.actions`, stored as a proposal's `args` (their JSON form, `args()`), and extended with
dates into the connector's requests (`erp.connector.TransferRequest` / `PurchaseOrderRequest`).
They live in the base package so every layer, planning included, may use them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any, ClassVar

from stockpilot.vocabulary import ActionKind


class ActionError(ValueError):
    """Raised when action fields are missing or malformed; names the field."""


@dataclass(frozen=True)
class TransferAction:
    """Move `qty` units of `sku` from one location to another."""

    kind: ClassVar[ActionKind] = ActionKind.TRANSFER

    sku: str
    from_location: str
    to_location: str
    qty: int

    @property
    def destination(self) -> str:
        """Return the location the stock arrives at."""
        return self.to_location

    @property
    def locations(self) -> tuple[str, ...]:
        """Return every location the action touches."""
        return (self.from_location, self.to_location)

    def args(self) -> dict[str, Any]:
        """Return the JSON form (a proposal's `args`)."""
        return {
            "sku": self.sku,
            "from_location": self.from_location,
            "to_location": self.to_location,
            "qty": self.qty,
        }

    def summary(self) -> str:
        """Describe the action in one line, e.g. "Transfer 20 × A from DC1 to S1"."""
        return f"Transfer {self.qty} × {self.sku} from {self.from_location} to {self.to_location}"

    def with_qty(self, qty: int) -> TransferAction:
        """Return the same transfer with another quantity."""
        return replace(self, qty=qty)


@dataclass(frozen=True)
class PurchaseOrderAction:
    """Order `qty` units of `sku` from `supplier_id`, delivered to `location_id`."""

    kind: ClassVar[ActionKind] = ActionKind.PURCHASE_ORDER

    supplier_id: str
    sku: str
    location_id: str
    qty: int

    @property
    def destination(self) -> str:
        """Return the location the stock arrives at."""
        return self.location_id

    @property
    def locations(self) -> tuple[str, ...]:
        """Return every location the action touches."""
        return (self.location_id,)

    def args(self) -> dict[str, Any]:
        """Return the JSON form (a proposal's `args`)."""
        return {
            "sku": self.sku,
            "location_id": self.location_id,
            "supplier_id": self.supplier_id,
            "qty": self.qty,
        }

    def summary(self) -> str:
        """Describe the action in one line, e.g. "Purchase order 48 × A from V1 for DC1"."""
        return (
            f"Purchase order {self.qty} × {self.sku} from {self.supplier_id} for {self.location_id}"
        )

    def with_qty(self, qty: int) -> PurchaseOrderAction:
        """Return the same order with another quantity."""
        return replace(self, qty=qty)


Action = TransferAction | PurchaseOrderAction

_TYPES: dict[str, type[TransferAction] | type[PurchaseOrderAction]] = {
    ActionKind.TRANSFER.value: TransferAction,
    ActionKind.PURCHASE_ORDER.value: PurchaseOrderAction,
}


def _text(kind: str, args: Mapping[str, Any], name: str) -> str:
    value = args.get(name)
    if value is None or (isinstance(value, str) and not value.strip()):
        raise ActionError(f"a {kind} needs {name}")
    return str(value)


def _qty(kind: str, value: Any) -> int:
    if value is None:
        raise ActionError(f"a {kind} needs qty")
    try:
        return int(value)
    except (TypeError, ValueError):
        raise ActionError(f"qty must be a whole number (got {value!r})") from None


def parse_action(kind: str, args: Mapping[str, Any]) -> Action:
    """Build the action of `kind` from its JSON form (a stored proposal, an approval, an edit).

    Raises ActionError naming the kind or the field that is missing or malformed; keys other
    than the action's own fields are ignored.
    """
    cls = _TYPES.get(str(kind))
    if cls is None:
        kinds = ", ".join(_TYPES)
        raise ActionError(f"unknown action kind {kind!r}; one of {kinds}")
    if cls is TransferAction:
        return TransferAction(
            sku=_text(kind, args, "sku"),
            from_location=_text(kind, args, "from_location"),
            to_location=_text(kind, args, "to_location"),
            qty=_qty(kind, args.get("qty")),
        )
    return PurchaseOrderAction(
        supplier_id=_text(kind, args, "supplier_id"),
        sku=_text(kind, args, "sku"),
        location_id=_text(kind, args, "location_id"),
        qty=_qty(kind, args.get("qty")),
    )


def recommended_action(exception: Mapping[str, Any], qty: int | None = None) -> Action | None:
    """Return the action an exception record recommends (None: an expedite or a review).

    The recommendation names its destination as the action does (`to_location` for a transfer,
    `location_id` for a purchase order); it defaults to the exception's own location. `qty`
    replaces the recommended quantity.
    """
    rec = exception["recommendation"]
    kind = rec.get("kind")
    if kind not in _TYPES:
        return None
    amount = int(qty if qty is not None else rec["qty"])
    if kind == ActionKind.TRANSFER:
        return TransferAction(
            sku=exception["sku"],
            from_location=rec["from_location"],
            to_location=rec.get("to_location") or exception["location"],
            qty=amount,
        )
    return PurchaseOrderAction(
        supplier_id=rec["supplier_id"],
        sku=exception["sku"],
        location_id=rec.get("location_id") or exception["location"],
        qty=amount,
    )


def recommended_actions(exception: Mapping[str, Any]) -> list[Action]:
    """Return every action an exception record recommends, in order (empty: advice only).

    One action, or two and more where no single source covers the need in time (a split): each
    is drafted and approved on its own. A record without `actions` gives its one action.
    """
    listed = exception["recommendation"].get("actions")
    if not listed:
        one = recommended_action(exception)
        return [] if one is None else [one]
    out: list[Action] = []
    for a in listed:
        where = a.get("to_location") or exception["location"]
        if a["kind"] == ActionKind.TRANSFER:
            out.append(
                TransferAction(
                    sku=exception["sku"],
                    from_location=a["from_location"],
                    to_location=where,
                    qty=int(a["qty"]),
                )
            )
        elif a["kind"] == ActionKind.PURCHASE_ORDER:
            out.append(
                PurchaseOrderAction(
                    supplier_id=a["supplier_id"],
                    sku=exception["sku"],
                    location_id=where,
                    qty=int(a["qty"]),
                )
            )
    return out
