"""Store planners' forecast overrides: set, clear, list, and read those in force for planning.

Each set or clear also appends a `forecast_override_events` row and a governance audit entry
in the same transaction, so a plan can tell which SKUs changed since it was computed
(`override_skus_since`) and the audit log says who changed what and why. Events are numbered
in the order they commit (writers of events take the table's write lock first), so a plan's
mark — the number of the last event its rows include — never passes an event that commits
later with a smaller number. Validation of the
values is `planning.overrides.check_override` (the caller's, before this); here the SKU and the
location must exist.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import pandas as pd
from sqlalchemy import Connection, Engine, Table, func, select, text, update

from erp import models
from erp.governance import AuditLog
from planning.network import OVERRIDE_COLUMNS, empty_overrides

OVERRIDES: Table = models.ForecastOverride.__table__  # type: ignore[assignment]
EVENTS: Table = models.ForecastOverrideEvent.__table__  # type: ignore[assignment]


class OverrideError(ValueError):
    """An override request that cannot be applied (the message names the field)."""


class OverrideNotFoundError(OverrideError, LookupError):
    """No override in force has that id."""


@dataclass(frozen=True)
class Override:
    """One stored override (`location_id` None: every store of the SKU)."""

    id: int
    sku: str
    location_id: str | None
    start_date: date
    end_date: date
    kind: str
    value: float
    reason: str
    author: str
    created_at: datetime | None
    cleared_at: datetime | None
    cleared_by: str | None

    def to_dict(self) -> dict[str, Any]:
        """Return the override as JSON-ready values (dates ISO)."""
        return {
            "id": self.id,
            "sku": self.sku,
            "location_id": self.location_id,
            "start_date": self.start_date.isoformat(),
            "end_date": self.end_date.isoformat(),
            "kind": self.kind,
            "value": self.value,
            "reason": self.reason,
            "author": self.author,
            "created_at": None if self.created_at is None else self.created_at.isoformat(),
            "cleared_at": None if self.cleared_at is None else self.cleared_at.isoformat(),
            "cleared_by": self.cleared_by,
            "active": self.cleared_at is None,
        }


def _override(row: Any) -> Override:
    return Override(
        id=int(row.id),
        sku=str(row.sku),
        location_id=row.location_id,
        start_date=row.start_date,
        end_date=row.end_date,
        kind=str(row.kind),
        value=float(row.value),
        reason=str(row.reason),
        author=str(row.author),
        created_at=row.created_at,
        cleared_at=row.cleared_at,
        cleared_by=row.cleared_by,
    )


def _append_event(conn: Connection, override_id: int, action: str, sku: str) -> None:
    """Append an override event, numbered after every event committed before it.

    PostgreSQL hands out sequence numbers when rows are inserted, not when they commit: without
    the lock, an event numbered 7 could commit while 6 is still open, and a plan caught up to 7
    would never see 6. The table's write lock (readers pass) makes the writers take turns, so
    the numbers grow in commit order. SQLite's one writer at a time does the same already.
    """
    if conn.dialect.name == "postgresql":
        conn.execute(text("LOCK TABLE forecast_override_events IN SHARE ROW EXCLUSIVE MODE"))
    conn.execute(EVENTS.insert().values(override_id=override_id, action=action, sku=sku))


def set_override(
    engine: Engine,
    *,
    sku: str,
    location_id: str | None,
    start: date,
    end: date,
    kind: str,
    value: float,
    reason: str,
    author: str,
) -> Override:
    """Store a new override and its event and audit entry in one transaction; return it.

    The caller checks the kind, value and window first (`planning.overrides.check_override`;
    the table's constraints refuse them too). Raises OverrideError naming the field (an unknown
    SKU or location, a DC, an empty reason or author); nothing is written then.
    """
    if not reason.strip():
        raise OverrideError("reason: must not be empty")
    if not author.strip():
        raise OverrideError("author: must not be empty")
    if len(reason) > 500:
        raise OverrideError("reason: at most 500 characters")
    location = location_id or None
    with engine.begin() as conn:
        if conn.execute(select(models.Item.sku).where(models.Item.sku == sku)).first() is None:
            raise OverrideError(f"sku: unknown SKU {sku!r}")
        if location is not None:
            loc = models.Location
            found = conn.execute(
                select(loc.type).where(loc.location_id == location)
            ).scalar_one_or_none()
            if found is None:
                raise OverrideError(f"location: unknown location {location!r}")
            if found == "dc":
                raise OverrideError(
                    f"location: {location!r} is a DC; its forecast is the sum of its stores'"
                    " (override a store, or the SKU network-wide)"
                )
        new_id = int(
            conn.execute(
                OVERRIDES.insert()
                .values(
                    sku=sku,
                    location_id=location,
                    start_date=start,
                    end_date=end,
                    kind=str(kind),
                    value=float(value),
                    reason=reason.strip(),
                    author=author.strip(),
                )
                .returning(OVERRIDES.c.id)
            ).scalar_one()
        )
        _append_event(conn, new_id, "set", sku)
        row = conn.execute(select(OVERRIDES).where(OVERRIDES.c.id == new_id)).one()
        stored = _override(row)
        AuditLog(engine).append_in(
            conn, "forecast_override_set", stored.author, payload=stored.to_dict()
        )
    return stored


def clear_override(engine: Engine, override_id: int, *, author: str) -> Override:
    """Clear an override in force (its event and audit entry with it); return it as cleared.

    Raises OverrideNotFoundError when no override in force has that id.
    """
    if not author.strip():
        raise OverrideError("author: must not be empty")
    with engine.begin() as conn:
        moved = conn.execute(
            update(OVERRIDES)
            .where(OVERRIDES.c.id == override_id, OVERRIDES.c.cleared_at.is_(None))
            .values(cleared_at=datetime.now(UTC), cleared_by=author.strip())
        ).rowcount
        if not moved:
            raise OverrideNotFoundError(f"id: no override in force with id {override_id}")
        row = conn.execute(select(OVERRIDES).where(OVERRIDES.c.id == override_id)).one()
        stored = _override(row)
        _append_event(conn, override_id, "clear", stored.sku)
        AuditLog(engine).append_in(
            conn, "forecast_override_cleared", stored.cleared_by or author, payload=stored.to_dict()
        )
    return stored


def list_overrides(
    engine: Engine,
    *,
    sku: str | None = None,
    location_id: str | None = None,
    skus: Collection[str] | None = None,
    include_cleared: bool = False,
    limit: int = 100,
    offset: int = 0,
) -> list[Override]:
    """Return overrides (in force unless `include_cleared`), newest first, one page.

    With `location_id`, that location's own and the SKU's network-wide ones (both apply there).
    """
    stmt = select(OVERRIDES).order_by(OVERRIDES.c.id.desc()).limit(limit).offset(offset)
    if sku is not None:
        stmt = stmt.where(OVERRIDES.c.sku == sku)
    if skus is not None:
        stmt = stmt.where(OVERRIDES.c.sku.in_(sorted(set(skus))))
    if location_id is not None:
        stmt = stmt.where(
            (OVERRIDES.c.location_id == location_id) | OVERRIDES.c.location_id.is_(None)
        )
    if not include_cleared:
        stmt = stmt.where(OVERRIDES.c.cleared_at.is_(None))
    with engine.connect() as conn:
        return [_override(r) for r in conn.execute(stmt)]


def overrides_in_force(engine: Engine, skus: Collection[str] | None = None) -> pd.DataFrame:
    """Return the overrides in force (of `skus`, else all) as the engine reads them.

    Overrides are a planner's few exceptions, not a table that grows with the network: a
    partition reads them all and keeps its own SKUs'.
    """
    cols = [OVERRIDES.c[name] for name in OVERRIDE_COLUMNS]
    stmt = select(*cols).where(OVERRIDES.c.cleared_at.is_(None)).order_by(OVERRIDES.c.id)
    wanted = None if skus is None else set(skus)
    if wanted is not None and len(wanted) <= 500:
        stmt = stmt.where(OVERRIDES.c.sku.in_(sorted(wanted)))
    with engine.connect() as conn:
        rows = conn.execute(stmt).all()
    frame = pd.DataFrame([tuple(r) for r in rows], columns=list(OVERRIDE_COLUMNS))
    if wanted is not None:
        frame = frame[frame["sku"].isin(wanted)]
    if frame.empty:
        return empty_overrides()
    frame["location_id"] = frame["location_id"].fillna("")
    return frame.reset_index(drop=True)


def override_event_mark(engine: Engine) -> int:
    """Return the number of the latest override change (set or clear) recorded, 0 for none.

    Numbers grow in commit order (`_append_event`), so a plan that includes every event up to
    this mark re-plans exactly the SKUs of the events numbered above it later.
    """
    with engine.connect() as conn:
        return int(conn.execute(select(func.coalesce(func.max(EVENTS.c.seq), 0))).scalar_one())


def override_skus_since(engine: Engine, seen: int, upto: int | None = None) -> list[str]:
    """Return the SKUs of the override changes numbered above `seen` (up to `upto`), sorted."""
    stmt = select(EVENTS.c.sku).where(EVENTS.c.seq > seen)
    if upto is not None:
        stmt = stmt.where(EVENTS.c.seq <= upto)
    with engine.connect() as conn:
        return sorted({str(s) for s in conn.execute(stmt).scalars()})
