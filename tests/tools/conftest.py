"""Fixtures of the tools tests: a PostgreSQL store reachable by URL alone (a throw-away schema)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import text

from erp.db import make_engine
from tools import plan_runs


@pytest.fixture
def postgres_url() -> Iterator[str]:
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
        plan_runs.dispose_engines()
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
