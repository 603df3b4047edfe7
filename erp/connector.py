"""Define the ERP connector protocol and its built-in implementation over the store.

A request is the approved action (`stockpilot.actions`) with its dates. Every write takes an
idempotency key: the first call with a key creates the document, any later call with the same key
and the same request returns the same document id and writes nothing, and a later call with the
same key but a different request is refused.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from typing import Protocol, runtime_checkable

from sqlalchemy import Connection, Engine, select, update
from sqlalchemy.exc import IntegrityError

from erp import models
from erp.store import append_commit, on_hand
from planning.network import NetworkData
from stockpilot.actions import Action, PurchaseOrderAction, TransferAction
from stockpilot.faults import fault_point
from stockpilot.settings import Settings
from stockpilot.vocabulary import ActionKind


class ErpWriteError(ValueError):
    """Raised when the ERP refuses a write because the request is invalid."""


class IdempotencyConflictError(ErpWriteError):
    """Raised when an idempotency key is reused for a different request."""


class ErpUnavailableError(RuntimeError):
    """Raised when the ERP could not be reached or refused the call for now; nothing was written.

    Unlike `ErpWriteError` the request itself is not at fault: the proposal stays approved and a
    later retry (recovery) writes it, once.
    """


@dataclass(frozen=True)
class PurchaseOrderRequest(PurchaseOrderAction):
    """A purchase order line to create: the action, ordered on `order_date`."""

    order_date: date
    expected_date: date | None = None  # None: order date + the supplier's lead time


@dataclass(frozen=True)
class TransferRequest(TransferAction):
    """A transfer line to create (shipped at once from the source on `ship_date`)."""

    ship_date: date
    expected_date: date | None = None  # None: ship date + the lane's lead time


def write_action(connector: ErpConnector, action: Action, *, on: date, idempotency_key: str) -> str:
    """Write an approved action through `connector`, dated `on`; return the document id."""
    match action:
        case TransferAction():
            transfer = TransferRequest(**asdict(action), ship_date=on)
            return str(connector.create_transfer(transfer, idempotency_key=idempotency_key))
        case PurchaseOrderAction():
            order = PurchaseOrderRequest(**asdict(action), order_date=on)
            return str(connector.create_purchase_order(order, idempotency_key=idempotency_key))


@runtime_checkable
class ErpConnector(Protocol):
    """What StockPilot needs from an ERP: create POs and transfers."""

    name: str

    def create_purchase_order(self, request: PurchaseOrderRequest, *, idempotency_key: str) -> str:
        """Create a purchase order once per key; return the ERP document id."""
        ...

    def create_transfer(self, request: TransferRequest, *, idempotency_key: str) -> str:
        """Create a transfer once per key; return the ERP document id."""
        ...

    def on_hand(self, sku: str, location_id: str) -> int | None:
        """Return the stock of a SKU at a location right now (None: no such balance)."""
        ...


@runtime_checkable
class NetworkSource(Protocol):
    """An ERP the planning store can be synced from (`stockpilot erp sync`)."""

    name: str

    @property
    def label(self) -> str:
        """Return where it reads from (recorded as the snapshot's source)."""
        ...

    def read_network(
        self,
        *,
        sales_since: date | None = None,
        as_of: date | None = None,
        progress: Callable[[str, int, int], None] | None = None,
    ) -> NetworkData:
        """Return the network as of a date (default: the ERP's today) in the import's shape.

        `progress(stage, done, total)` is called as the reading goes.
        """
        ...


def open_connector(settings: Settings, engine: Engine) -> ErpConnector:
    """Return the connector `STOCKPILOT_ERP` names: the built-in store, or a Tryton server."""
    if settings.erp == "tryton":
        from erp.tryton import TrytonConnector  # an HTTP session: only when configured

        return TrytonConnector.from_settings(settings, engine)
    return BuiltinErpConnector(engine)


def committed_document(erp: ErpConnector, idempotency_key: str) -> str | None:
    """Return the document an earlier write under this key created, when the ERP can say.

    A connector that keeps a ledger answers through `document_for`; one that cannot says
    None, and a retried write (idempotent by key) finds the document instead.
    """
    lookup = getattr(erp, "document_for", None)
    return lookup(idempotency_key) if callable(lookup) else None


def _payload(request: PurchaseOrderRequest | TransferRequest) -> str:
    body = {k: (v.isoformat() if isinstance(v, date) else v) for k, v in asdict(request).items()}
    return json.dumps({"kind": request.kind.value, **body}, sort_keys=True)


_DOCUMENT_PREFIX = {ActionKind.PURCHASE_ORDER: "PO", ActionKind.TRANSFER: "TR"}


def document_id(kind: ActionKind, idempotency_key: str) -> str:
    """Return the document id a key maps to (stable, so racing writers agree on it)."""
    digest = hashlib.sha256(idempotency_key.encode()).hexdigest()[:10].upper()
    return f"{_DOCUMENT_PREFIX[kind]}-SP-{digest}"


class BuiltinErpConnector:
    """The built-in ERP store as a connector."""

    name = "builtin"

    def __init__(self, engine: Engine):
        self.engine = engine

    def create_purchase_order(self, request: PurchaseOrderRequest, *, idempotency_key: str) -> str:
        """Create an open PO line once per key; return its document id."""
        return self._write(request, idempotency_key)

    def create_transfer(self, request: TransferRequest, *, idempotency_key: str) -> str:
        """Create an in-transit transfer once per key (stock leaves the source); return its id."""
        return self._write(request, idempotency_key)

    def on_hand(self, sku: str, location_id: str) -> int | None:
        """Return the store's on-hand stock of a SKU-location now."""
        return on_hand(self.engine, sku, location_id)

    def _write(self, request: PurchaseOrderRequest | TransferRequest, key: str) -> str:
        if not key or len(key) > 200:
            raise ErpWriteError("idempotency_key must be 1 to 200 characters")
        payload = _payload(request)
        existing = self._existing(key, payload)
        if existing:
            return existing
        doc_id = document_id(request.kind, key)
        try:
            with self.engine.begin() as conn:
                # Claim the key first: a racing writer waits, fails here and reads our document.
                append_commit(
                    conn,
                    idempotency_key=key,
                    kind=request.kind.value,
                    document_id=doc_id,
                    payload=payload,
                )
                if isinstance(request, PurchaseOrderRequest):
                    _insert_po(conn, doc_id, request)
                else:
                    _insert_transfer(conn, doc_id, request)
                fault_point("before:ledger_commit")
        except IntegrityError:
            existing = self._existing(key, payload)
            if existing:
                return existing
            raise
        return doc_id

    def document_for(self, idempotency_key: str) -> str | None:
        """Return the document written under a key, or None (the ledger, read only)."""
        return ledger_document(self.engine, idempotency_key)

    def _existing(self, key: str, payload: str) -> str | None:
        return replayed_document(self.engine, key, payload)


def ledger_document(engine: Engine, idempotency_key: str) -> str | None:
    """Return the document the commit ledger links to a key, or None (read only)."""
    with engine.connect() as conn:
        found = conn.execute(
            select(models.ErpCommit.document_id).where(
                models.ErpCommit.idempotency_key == idempotency_key
            )
        ).scalar_one_or_none()
    return None if found is None else str(found)


def replayed_document(engine: Engine, key: str, payload: str) -> str | None:
    """Return the document already written for this key and request, or None.

    Raises IdempotencyConflictError when the key was used for a different request: a retry must
    repeat its request exactly, or it is not a retry.
    """
    with engine.connect() as conn:
        row = conn.execute(
            select(models.ErpCommit.document_id, models.ErpCommit.payload).where(
                models.ErpCommit.idempotency_key == key
            )
        ).first()
    if row is None:
        return None
    if row.payload != payload:
        raise IdempotencyConflictError(
            f"idempotency key {key!r} was already used for a different request "
            f"(document {row.document_id})"
        )
    return str(row.document_id)


def _require(conn: Connection, model: type[models.Base], column: str, value: str) -> None:
    col = getattr(model, column)
    if conn.execute(select(col).where(col == value)).first() is None:
        raise ErpWriteError(f"unknown {column} {value!r}")


def _insert_po(conn: Connection, doc_id: str, req: PurchaseOrderRequest) -> None:
    if req.qty <= 0:
        raise ErpWriteError(f"qty must be positive (got {req.qty})")
    _require(conn, models.Item, "sku", req.sku)
    _require(conn, models.Location, "location_id", req.location_id)
    _require(conn, models.Supplier, "supplier_id", req.supplier_id)
    expected = req.expected_date
    if expected is None:
        terms = conn.execute(
            select(models.ItemSupplier.lead_time_days, models.Supplier.lead_time_days)
            .join(models.Supplier, models.Supplier.supplier_id == models.ItemSupplier.supplier_id)
            .where(
                models.ItemSupplier.sku == req.sku,
                models.ItemSupplier.supplier_id == req.supplier_id,
            )
        ).first()
        if terms is None:
            raise ErpWriteError(f"supplier {req.supplier_id!r} does not supply {req.sku!r}")
        lead = terms[0] if terms[0] is not None else terms[1]
        expected = req.order_date + timedelta(days=int(lead))
    if expected < req.order_date:
        raise ErpWriteError("expected_date is before order_date")
    conn.execute(
        models.PurchaseOrder.__table__.insert().values(  # type: ignore[attr-defined]
            po_id=doc_id,
            supplier_id=req.supplier_id,
            sku=req.sku,
            location_id=req.location_id,
            qty=req.qty,
            order_date=req.order_date,
            expected_date=expected,
            status="open",
        )
    )


def _insert_transfer(conn: Connection, doc_id: str, req: TransferRequest) -> None:
    if req.qty <= 0:
        raise ErpWriteError(f"qty must be positive (got {req.qty})")
    if req.from_location == req.to_location:
        raise ErpWriteError("from_location and to_location are the same")
    _require(conn, models.Item, "sku", req.sku)
    for loc in (req.from_location, req.to_location):
        _require(conn, models.Location, "location_id", loc)
    expected = req.expected_date
    if expected is None:
        lane = conn.execute(
            select(models.Lane.lead_time_days).where(
                models.Lane.from_location == req.from_location,
                models.Lane.to_location == req.to_location,
            )
        ).first()
        if lane is None:
            raise ErpWriteError(f"no lane from {req.from_location} to {req.to_location}")
        expected = req.ship_date + timedelta(days=int(lane[0]))
    bal = models.InventoryBalance
    # The guarded decrement refuses to ship stock the source does not hold, even under a race.
    shipped = conn.execute(
        update(bal)
        .where(
            bal.sku == req.sku,
            bal.location_id == req.from_location,
            bal.on_hand >= req.qty,
        )
        .values(on_hand=bal.on_hand - req.qty)
    )
    if shipped.rowcount != 1:
        raise ErpWriteError(
            f"{req.from_location} does not hold {req.qty} units of {req.sku} to transfer"
        )
    conn.execute(
        models.Transfer.__table__.insert().values(  # type: ignore[attr-defined]
            transfer_id=doc_id,
            sku=req.sku,
            from_location=req.from_location,
            to_location=req.to_location,
            qty=req.qty,
            ship_date=req.ship_date,
            expected_date=expected,
            status="in_transit",
        )
    )
