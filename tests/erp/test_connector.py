import threading
from datetime import date

import pytest
from sqlalchemy import func, select

from erp import models
from erp.connector import (
    BuiltinErpConnector,
    ErpConnector,
    ErpWriteError,
    IdempotencyConflictError,
    PurchaseOrderRequest,
    TransferRequest,
)
from erp.store import load_network, replace_snapshot


@pytest.fixture
def erp(store_engine, network):
    replace_snapshot(store_engine, network, source="test")
    return BuiltinErpConnector(store_engine)


def _count(engine, model):
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(model)).scalar_one()


PO = PurchaseOrderRequest(
    supplier_id="V1", sku="A", location_id="DC1", qty=48, order_date=date(2026, 3, 31)
)


def test_builtin_connector_satisfies_the_protocol(erp):
    assert isinstance(erp, ErpConnector)


def test_purchase_order_is_created_once_per_key(erp, store_engine):
    before = _count(store_engine, models.PurchaseOrder)
    doc = erp.create_purchase_order(PO, idempotency_key="proposal-1")
    assert doc.startswith("PO-SP-")
    assert erp.create_purchase_order(PO, idempotency_key="proposal-1") == doc
    assert _count(store_engine, models.PurchaseOrder) == before + 1
    po = load_network(store_engine).purchase_orders.set_index("po_id").loc[doc]
    # Expected date = order date + supplier V1's default lead time (10 days).
    assert po["expected_date"].date() == date(2026, 4, 10)
    assert po["status"] == "open" and po["qty"] == 48


def test_same_key_different_request_is_refused(erp):
    erp.create_purchase_order(PO, idempotency_key="proposal-2")
    changed = PurchaseOrderRequest(**{**PO.__dict__, "qty": 60})
    with pytest.raises(IdempotencyConflictError):
        erp.create_purchase_order(changed, idempotency_key="proposal-2")


def test_concurrent_writes_with_one_key_create_one_document(erp, store_engine):
    before = _count(store_engine, models.PurchaseOrder)
    results: list[str] = []
    errors: list[Exception] = []

    def write():
        try:
            results.append(erp.create_purchase_order(PO, idempotency_key="race"))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=write) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert len(set(results)) == 1
    assert _count(store_engine, models.PurchaseOrder) == before + 1


def test_ledger_survives_a_reimport(erp, store_engine, network):
    doc = erp.create_purchase_order(PO, idempotency_key="proposal-3")
    replace_snapshot(store_engine, network, source="reimport")
    assert erp.create_purchase_order(PO, idempotency_key="proposal-3") == doc


def test_transfer_ships_stock_from_the_source(erp, store_engine):
    req = TransferRequest(
        sku="A", from_location="DC1", to_location="S1", qty=40, ship_date=date(2026, 3, 31)
    )
    doc = erp.create_transfer(req, idempotency_key="t-1")
    assert erp.create_transfer(req, idempotency_key="t-1") == doc
    data = load_network(store_engine)
    inv = data.inventory.set_index(["sku", "location_id"])["on_hand"]
    assert inv[("A", "DC1")] == 160  # 200 - 40, once
    tr = data.transfers.set_index("transfer_id").loc[doc]
    assert tr["expected_date"].date() == date(2026, 4, 2)  # lane DC1 -> S1 is 2 days
    assert tr["status"] == "in_transit"


@pytest.mark.parametrize(
    ("request_", "message"),
    [
        (TransferRequest("A", "DC1", "S1", 500, date(2026, 3, 31)), "does not hold 500"),
        (TransferRequest("A", "S2", "DC1", 1, date(2026, 3, 31)), "no lane"),
        (TransferRequest("A", "S1", "S1", 1, date(2026, 3, 31)), "the same"),
        (TransferRequest("ZZ", "DC1", "S1", 1, date(2026, 3, 31)), "unknown sku"),
        (PurchaseOrderRequest("V2", "B", "DC1", 10, date(2026, 3, 31)), "does not supply"),
        (PurchaseOrderRequest("V1", "A", "DC1", 0, date(2026, 3, 31)), "positive"),
        (PurchaseOrderRequest("V1", "A", "XX", 5, date(2026, 3, 31)), "unknown location_id"),
    ],
)
def test_invalid_writes_are_refused_and_change_nothing(erp, store_engine, request_, message):
    before = (
        _count(store_engine, models.PurchaseOrder),
        _count(store_engine, models.Transfer),
        _count(store_engine, models.ErpCommit),
        load_network(store_engine).inventory["on_hand"].sum(),
    )
    with pytest.raises(ErpWriteError, match=message):
        if isinstance(request_, TransferRequest):
            erp.create_transfer(request_, idempotency_key="bad")
        else:
            erp.create_purchase_order(request_, idempotency_key="bad")
    after = (
        _count(store_engine, models.PurchaseOrder),
        _count(store_engine, models.Transfer),
        _count(store_engine, models.ErpCommit),
        load_network(store_engine).inventory["on_hand"].sum(),
    )
    assert after == before
