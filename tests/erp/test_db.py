import json
import subprocess
import sys
from pathlib import Path

from sqlalchemy import inspect, text

from erp.db import (
    current_revision,
    declared_head,
    downgrade,
    head_revision,
    make_engine,
    migrate,
)
from erp.models import Base
from erp.store import ledger_mark


def test_migrations_create_every_model_table(store_engine):
    assert current_revision(store_engine) == head_revision()
    tables = set(inspect(store_engine).get_table_names())
    assert set(Base.metadata.tables) <= tables


def test_migrate_is_idempotent(store_engine):
    migrate(store_engine)
    migrate(store_engine)
    assert current_revision(store_engine) == head_revision()


def test_migrations_match_the_models(store_engine):
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    with store_engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []


def test_downgrade_to_base_and_back(sqlite_engine):
    downgrade(sqlite_engine, "base")
    assert current_revision(sqlite_engine) is None
    migrate(sqlite_engine)
    assert current_revision(sqlite_engine) == head_revision()


def test_declared_head_is_alembics_head():
    assert declared_head() == head_revision()


def _version(folder, name, body):
    (folder / f"{name}.py").write_text(
        f'"""A migration."""\n\n{body}\n\ndef upgrade():\n    pass\n'
    )


def test_declared_head_reads_the_chain_and_refuses_what_it_cannot_read(tmp_path):
    _version(tmp_path, "a", 'revision: str = "a"\ndown_revision: str | None = None')
    _version(tmp_path, "b", 'revision = "b"\ndown_revision = "a"')
    assert declared_head(tmp_path) == "b"
    _version(tmp_path, "c", 'revision = "c"\ndown_revision = "a"')  # a second head
    assert declared_head(tmp_path) is None
    _version(tmp_path, "d", 'revision = "d"\ndown_revision = ("b", "c")')  # the merge
    assert declared_head(tmp_path) == "d"
    _version(tmp_path, "e", 'revision = make_id()\ndown_revision = "d"')  # not a literal
    assert declared_head(tmp_path) is None


def test_migrate_on_a_current_store_needs_no_alembic(tmp_path):
    # A store at the head is recognised without importing Alembic (every CLI call migrates).
    url = f"sqlite:///{tmp_path / 'store.db'}"
    migrate(make_engine(url))
    code = (
        "import sys; from erp.db import make_engine, migrate; "
        f"migrate(make_engine({url!r})); "
        "assert not [m for m in sys.modules if m.startswith('alembic')], 'alembic imported'"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=Path(__file__).parents[2])


def test_migrate_upgrades_a_store_behind_the_head(sqlite_engine):
    downgrade(sqlite_engine, "0004")
    migrate(sqlite_engine)
    assert current_revision(sqlite_engine) == head_revision()


def test_existing_erp_commits_are_numbered_in_the_order_they_were_written(sqlite_engine):
    """Migration 0012 numbers the ledger 1…N by time, so a stored count stays a valid mark."""
    downgrade(sqlite_engine, "0011")
    with sqlite_engine.begin() as conn:
        for key, at in (("b", "2026-01-02"), ("a", "2026-01-03"), ("c", "2026-01-01")):
            conn.execute(
                text(
                    "INSERT INTO erp_commits (idempotency_key, kind, document_id, payload,"
                    " created_at) VALUES (:k, 'transfer', :k, '{}', :at)"
                ),
                {"k": key, "at": at},
            )
    migrate(sqlite_engine)
    with sqlite_engine.connect() as conn:
        numbered = conn.execute(text("SELECT idempotency_key, seq FROM erp_commits ORDER BY seq"))
        assert [tuple(r) for r in numbered] == [("c", 1), ("b", 2), ("a", 3)]
    assert ledger_mark(sqlite_engine) == 3


def test_existing_plan_exceptions_get_their_sort_and_supplier_columns(sqlite_engine):
    """Migration 0014 fills first risk date, supplier and source from each stored record."""
    downgrade(sqlite_engine, "0013")
    records = {
        "a": {"first_risk_date": "2026-12-05", "recommendation": {"supplier_id": "SUP-1"}},
        "b": {"first_risk_date": None, "recommendation": {"from_location": "DC-N"}},
    }
    with sqlite_engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO plan_runs (id, import_id, as_of_date, n_partitions, params,"
                " params_digest, status, ledger_rows, override_events)"
                " VALUES (1, 1, '2026-12-01', 1, '{}', 'd', 'complete', 0, 0)"
            )
        )
        for key, record in records.items():
            conn.execute(
                text(
                    "INSERT INTO plan_exceptions (run_id, exception_id, type, type_rank, sku,"
                    " location_id, priority, money_at_risk, seq, rec_kind, record)"
                    " VALUES (1, :k, 'stockout', 0, 'SKU', 'S1', 1, 1.0, 0, 'none', :r)"
                ),
                {"k": key, "r": json.dumps(record)},
            )
    migrate(sqlite_engine)
    with sqlite_engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT exception_id, first_risk_date, rec_supplier_id, rec_from_location"
                " FROM plan_exceptions ORDER BY exception_id"
            )
        )
        assert [tuple(r) for r in rows] == [
            ("a", "2026-12-05", "SUP-1", None),
            ("b", None, None, "DC-N"),
        ]
