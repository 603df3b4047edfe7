from sqlalchemy import inspect

from erp.db import current_revision, downgrade, head_revision, migrate
from erp.models import Base


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
