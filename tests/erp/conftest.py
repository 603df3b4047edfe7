"""Fixtures for the ERP tests: a real Tryton server (session) restored before each test.

The planning store synced from the seeded Tryton is also built once per session and copied back
before each test that wants it, at one fixed path, so the cached plan stays valid; the tests
share one logged-in Tryton session (a login costs ~0.5 s of argon2).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from stockpilot.settings import Settings
from tests.support.tryton_server import (
    DATABASE,
    PASSWORD,
    SEED_AS_OF,
    TrytonServer,
    restore_sqlite,
)


@pytest.fixture(scope="session")
def tryton_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TrytonServer]:
    pytest.importorskip("trytond", reason="the tryton extra is not installed")
    from tests.support.tryton_server import start_session_server

    server = start_session_server(tmp_path_factory.mktemp("trytond"))
    yield server
    server.stop()


@pytest.fixture(scope="session")
def tryton_client(tryton_server: TrytonServer) -> Iterator[object]:
    from erp.tryton_rpc import TrytonClient

    client = TrytonClient(tryton_server.url, DATABASE, "admin", PASSWORD)
    client.context()
    yield client
    client.close()


@pytest.fixture
def tryton(tryton_server: TrytonServer) -> TrytonServer:
    """The session's Tryton, back to the seeded template."""
    tryton_server.restore()
    return tryton_server


def _settings(folder: Path, server: TrytonServer) -> Settings:
    return Settings(
        _env_file=None,
        database_url=f"sqlite:///{folder / 'store.db'}",
        plan_cache_dir=folder / "cache",
        checkpoint_url=f"sqlite:///{folder / 'checkpoints.db'}",
        knowledge_dir=folder / "knowledge",
        erp="tryton",
        tryton_url=server.url,
        tryton_database=DATABASE,
        tryton_user="admin",
        tryton_password=PASSWORD,
    )


@pytest.fixture(scope="session")
def _synced_store(
    tryton_server: TrytonServer, tryton_client: object, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, Path]:
    """Sync the seeded Tryton into a store once; return (the copy kept, the working folder)."""
    from erp.tryton import TrytonConnector
    from tools.workspace import Workspace

    folder = tmp_path_factory.mktemp("synced")
    tryton_server.restore()
    settings = _settings(folder, tryton_server)
    ws = Workspace.open(settings)
    ws._connector = TrytonConnector(tryton_client, ws.engine)  # type: ignore[arg-type]
    ws.sync_erp(as_of=SEED_AS_OF)
    ws.plans.plan()  # cached on disk for every test that starts from this store
    ws.engine.dispose()
    kept = tmp_path_factory.mktemp("synced-copy") / "store.db"
    restore_sqlite(folder / "store.db", kept)
    return kept, folder


@pytest.fixture
def tryton_settings(tryton: TrytonServer, tmp_path: Path) -> Settings:
    """Settings for a fresh, empty store pointing at the restored Tryton."""
    return _settings(tmp_path, tryton)


@pytest.fixture
def synced_settings(
    tryton: TrytonServer, _synced_store: tuple[Path, Path], tmp_path: Path
) -> Settings:
    """Settings for the store as synced from the seeded Tryton (restored for this test)."""
    kept, folder = _synced_store
    restore_sqlite(kept, folder / "store.db")
    for name in ("checkpoints.db", "checkpoints.db-wal", "checkpoints.db-shm"):
        (folder / name).unlink(missing_ok=True)
    return _settings(folder, tryton)
