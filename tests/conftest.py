"""Shared fixtures: a small hand-made network and stores on SQLite and PostgreSQL."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import Engine, text

from erp.csvio import write_csv_dir
from erp.db import make_engine, migrate
from planning.network import NetworkData

AS_OF = "2026-03-31"


def small_network() -> NetworkData:
    """Return a tiny valid network: one DC, two stores, two SKUs, two suppliers."""
    days = pd.date_range("2026-02-01", AS_OF, freq="D")
    sales = pd.concat(
        [
            pd.DataFrame({"date": days, "sku": "A", "location_id": "S1", "units": 5}),
            pd.DataFrame({"date": days, "sku": "A", "location_id": "S2", "units": 3}),
            pd.DataFrame({"date": days[::2], "sku": "B", "location_id": "S1", "units": 2}),
        ]
    )
    frames = {
        "locations": pd.DataFrame(
            {
                "location_id": ["DC1", "S1", "S2"],
                "name": ["Central DC", "Store One, High St", 'Store "Two"'],
                "type": ["dc", "store", "store"],
                "region": ["", "North", "North"],
                "source_location": ["", "DC1", "DC1"],
            }
        ),
        "lanes": pd.DataFrame(
            {
                "from_location": ["DC1", "DC1", "S1"],
                "to_location": ["S1", "S2", "S2"],
                "lead_time_days": [2, 2, 1],
                "cost_per_unit": [0.3, 0.3, 0.5],
            }
        ),
        "suppliers": pd.DataFrame(
            {
                "supplier_id": ["V1", "V2"],
                "name": ["Acme Wholesale", "Quick Goods"],
                "lead_time_days": [10, 4],
                "lead_time_std_days": [2.0, 0.5],
                "on_time_rate": [0.9, 0.97],
            }
        ),
        "items": pd.DataFrame(
            {
                "sku": ["A", "B"],
                "description": ["Widget", "Gadget"],
                "category": ["Household", "Household"],
                "unit_cost": [4.0, 2.0],
                "unit_price": [10.0, 5.0],
                "case_pack": [6, 12],
            }
        ),
        "item_suppliers": pd.DataFrame(
            {
                "sku": ["A", "A", "B"],
                "supplier_id": ["V1", "V2", "V1"],
                "unit_cost": [4.0, 4.5, 2.0],
                "moq": [24, 0, 48],
                "lead_time_days": [None, None, 12],
                "primary": [True, False, True],
            }
        ),
        "inventory": pd.DataFrame(
            {
                "sku": ["A", "A", "A", "B", "B", "B"],
                "location_id": ["S1", "S2", "DC1", "S1", "S2", "DC1"],
                "on_hand": [30, 12, 200, 50, -3, 100],
                "as_of_date": [AS_OF] * 6,
            }
        ),
        "sales": sales,
        "purchase_orders": pd.DataFrame(
            {
                "po_id": ["P1", "P2"],
                "supplier_id": ["V1", "V1"],
                "sku": ["A", "B"],
                "location_id": ["DC1", "DC1"],
                "qty": [120, 96],
                "order_date": ["2026-03-20", "2026-03-01"],
                "expected_date": ["2026-04-05", "2026-03-13"],
                "status": ["open", "received"],
            }
        ),
        "transfers": pd.DataFrame(
            {
                "transfer_id": ["T1"],
                "sku": ["A"],
                "from_location": ["DC1"],
                "to_location": ["S2"],
                "qty": [10],
                "ship_date": ["2026-03-30"],
                "expected_date": ["2026-04-01"],
                "status": ["in_transit"],
            }
        ),
        "promotions": pd.DataFrame(
            {
                "promo_id": ["PR1"],
                "sku": ["A"],
                "location_id": ["S1"],
                "start_date": ["2026-04-10"],
                "end_date": ["2026-04-16"],
                "expected_uplift": [1.5],
                "discount_pct": [20.0],
            }
        ),
        "inventory_history": pd.DataFrame(
            {
                "date": ["2026-03-10", "2026-03-11", "2026-03-12"],
                "sku": ["A", "A", "B"],
                "location_id": ["S1", "S1", "S2"],
                "on_hand": [0, 4, None],
                "stockout": [False, False, True],
            }
        ),
    }
    return NetworkData.from_frames(frames)


@pytest.fixture
def network() -> NetworkData:
    """Return the small hand-made network."""
    return small_network()


@pytest.fixture
def csv_dir(tmp_path: Path, network: NetworkData) -> Path:
    """Return a folder holding the small network in the CSV interchange format."""
    folder = tmp_path / "csv"
    write_csv_dir(network, folder)
    return folder


@pytest.fixture
def sqlite_engine(tmp_path: Path) -> Iterator[Engine]:
    """Return a migrated SQLite store in a temporary file."""
    engine = make_engine(f"sqlite:///{tmp_path / 'store.db'}")
    migrate(engine)
    yield engine
    engine.dispose()


@contextmanager
def postgres_schema() -> Iterator[str]:
    """Yield the URL of a new, empty PostgreSQL schema, dropped afterwards; skip without a server.

    The one place tests make a throw-away schema. `STOCKPILOT_TEST_POSTGRES_URL` names the server
    and database; the URL selects the schema per connection (libpq `options`), so an engine, a
    Settings, a plan worker or a subprocess given it works inside the schema.
    """
    base = os.environ.get("STOCKPILOT_TEST_POSTGRES_URL")
    if not base:
        pytest.skip("STOCKPILOT_TEST_POSTGRES_URL is not set")
    schema = f"sp_test_{uuid.uuid4().hex[:10]}"
    admin = make_engine(base)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in base else "?"
    try:
        yield f"{base}{sep}options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """Return the URL of a throw-away PostgreSQL schema (`postgres_schema`) for one test."""
    with postgres_schema() as url:
        yield url


@pytest.fixture
def postgres_engine(postgres_url: str) -> Iterator[Engine]:
    """Return a migrated PostgreSQL store in a throw-away schema."""
    engine = make_engine(postgres_url)
    try:
        migrate(engine)
        yield engine
    finally:
        engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store_engine(request: pytest.FixtureRequest) -> Engine:
    """Return a migrated store, once on SQLite and once on PostgreSQL."""
    name = "sqlite_engine" if request.param == "sqlite" else "postgres_engine"
    return request.getfixturevalue(name)
