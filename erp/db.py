"""Open the store's database and bring its schema to the latest migration.

Every entry point migrates first, so a store already at the newest revision is recognised
without Alembic: the head is read from the version files' `revision` / `down_revision`
constants and compared with the `alembic_version` row (a one-shot CLI call then never imports
Alembic). Anything else (an older store, a version file this cannot read) goes through Alembic.
"""

from __future__ import annotations

import ast
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

if TYPE_CHECKING:
    from alembic.config import Config


def make_engine(url: str, **kwargs: Any) -> Engine:
    """Create an engine; a SQLite file gets its folder, WAL journaling and foreign keys."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        kwargs.setdefault("connect_args", {"check_same_thread": False, "timeout": 30})
        engine = create_engine(url, **kwargs)

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn: Any, _record: Any) -> None:
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            if parsed.database and parsed.database != ":memory:":
                cur.execute("PRAGMA journal_mode=WAL")
            cur.close()

        return engine
    kwargs.setdefault("pool_pre_ping", True)
    return create_engine(url, **kwargs)


def ping(engine: Engine) -> None:
    """Run a trivial query; raise what the driver raises when the database does not answer."""
    with engine.connect() as conn:
        conn.execute(text("SELECT 1"))


def alembic_config(url: str | None = None) -> Config:
    """Return an Alembic config pointing at the packaged migrations."""
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(files("erp") / "migrations"))
    if url:
        cfg.set_main_option("sqlalchemy.url", url)
    return cfg


def head_revision() -> str:
    """Return the newest migration revision."""
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    """Return the revision the database is at (None when it has never been migrated)."""
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


_UNREADABLE = object()


def _literals(source: str) -> dict[str, object]:
    """Return the module-level names of `source` assigned a literal (others: _UNREADABLE)."""
    found: dict[str, object] = {}
    for node in ast.parse(source).body:
        targets: list[ast.expr]
        if isinstance(node, ast.AnnAssign) and node.value is not None:
            targets, value = [node.target], node.value
        elif isinstance(node, ast.Assign):
            targets, value = node.targets, node.value
        else:
            continue
        for target in targets:
            if isinstance(target, ast.Name):
                try:
                    found[target.id] = ast.literal_eval(value)
                except ValueError:
                    found[target.id] = _UNREADABLE
    return found


def declared_head(versions: Path | None = None) -> str | None:
    """Return the newest revision read from the version files, or None when unsure.

    Each file must assign `revision` a string and `down_revision` a string, a tuple of strings
    or None; the head is the one revision no other names as its parent. Anything else (a
    computed value, several heads) answers None, and callers ask Alembic instead.
    """
    revisions: set[str] = set()
    parents: set[str] = set()
    folder = versions or Path(str(files("erp") / "migrations" / "versions"))
    for path in folder.iterdir():
        if not path.name.endswith(".py") or path.name.startswith("__"):
            continue
        found = _literals(path.read_text(encoding="utf-8"))
        revision, down = found.get("revision"), found.get("down_revision", _UNREADABLE)
        downs = down if isinstance(down, tuple) else (down,)
        if not isinstance(revision, str) or revision in revisions:
            return None
        if not all(d is None or isinstance(d, str) for d in downs):
            return None
        revisions.add(revision)
        parents.update(str(d) for d in downs if d is not None)
    heads = revisions - parents
    return heads.pop() if len(heads) == 1 else None


def _stored_revisions(engine: Engine) -> set[str] | None:
    """Return the `alembic_version` rows, or None when the table cannot be read."""
    try:
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT version_num FROM alembic_version"))
            return {str(row[0]) for row in rows}
    except DBAPIError:  # never migrated: no version table
        return None


def migrate(engine: Engine, revision: str = "head") -> None:
    """Upgrade the database to `revision` (no-op when already there)."""
    if revision == "head":
        head = declared_head()
        if head is not None and _stored_revisions(engine) == {head}:
            return
        if current_revision(engine) == head_revision():
            return
    from alembic import command

    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)


def downgrade(engine: Engine, revision: str) -> None:
    """Downgrade the database to `revision` ("base" removes every table)."""
    from alembic import command

    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, revision)
