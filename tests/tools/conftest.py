"""Fixtures of the tools tests: a PostgreSQL store reachable by URL alone (a throw-away schema)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tools import plan_runs


@pytest.fixture
def postgres_url(postgres_url: str) -> Iterator[str]:
    """The shared throw-away schema (tests/conftest.py); the plan workers' cached engines close
    before it is dropped."""
    yield postgres_url
    plan_runs.dispose_engines()
