"""Orders StockPilot drafted or wrote for a target since the snapshot, read under its lock.

`planning.coverage` counts them as supply for their target (a transfer's destination, a purchase
order's location), so one need is ordered once. A draft reads them, re-checks and stores its
proposal in one transaction that holds the target's lock; a commit reads them, re-checks and
claims its proposal the same way. Of two racing drafts or commits for one need, the second
therefore sees the first, in any thread, worker or replica.

The lock is PostgreSQL's transaction-level advisory lock on a hash of the target (other targets
go on in parallel), or SQLite's write lock (one writer at a time anyway), taken by the
transaction's first statement. Both end with the transaction; nothing outlives a crash.

A transfer also takes stock from its source. `shipped_since` returns the transfers out of a
source StockPilot drafted or approved and has not written yet: the ERP's stock now does not lack
them (a written transfer has already left it), so the draft checks take them off the source's
stock before judging what it can spare — a second draft of one need does not ship the same
units twice.

What counts, besides the proposal being checked:
- for a draft: pending and approved proposals, and those committed under the latest snapshot
  import (claimed after it was loaded: earlier documents are in the snapshot);
- for a commit: approved proposals that passed their own commit re-check (claimed), and those
  committed since the snapshot: of two approved orders for one need, the first to reach its
  commit wins.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any, cast

from sqlalchemy import Connection, Table, and_, false, func, or_, select, text, update

from erp import models
from planning.network import SupplyLine
from stockpilot.vocabulary import ActionKind, ProposalStatus

_proposals = cast(Table, models.Proposal.__table__)


def lock_target(conn: Connection, sku: str, location: str) -> None:
    """Hold the target's lock until the caller's transaction ends (call it first)."""
    if conn.dialect.name == "postgresql":
        # Advisory locks are database-wide: the schema is part of the key, so stores in other
        # schemas of the same database never wait on each other.
        conn.execute(
            text("SELECT pg_advisory_xact_lock(hashtextextended(current_schema() || :key, 0))"),
            {"key": f"/stockpilot-target/{sku}\x1f{location}"},
        )
    elif conn.dialect.name == "sqlite":
        # A write as the transaction's first statement takes SQLite's write lock (waiting out
        # the busy timeout) before anything is read.
        conn.execute(update(_proposals).where(false()).values(version=_proposals.c.version))


def _arrival(evidence: str) -> date | None:
    try:
        arrives = json.loads(evidence).get("arrives")
        return date.fromisoformat(str(arrives)) if arrives else None
    except (ValueError, AttributeError):
        return None


def supply_since(
    conn: Connection,
    sku: str,
    location: str,
    *,
    exclude: str | None = None,
    drafts: bool = True,
) -> list[SupplyLine]:
    """Return the orders for the target that count as its supply since the snapshot.

    `drafts`: count pending and every approved proposal (a draft's view); else only claimed
    approved ones (a commit's view). `exclude` is the proposal being checked.
    """
    latest = select(func.max(models.SnapshotImport.id)).scalar_subquery()
    committed = and_(
        _proposals.c.status == ProposalStatus.COMMITTED.value,
        or_(latest.is_(None), _proposals.c.claimed_import_id >= latest),
    )
    open_ = _open_status(drafts)
    query = (
        select(
            _proposals.c.id,
            _proposals.c.status,
            _proposals.c.kind,
            _proposals.c.args,
            _proposals.c.evidence,
            _proposals.c.document_id,
        )
        .where(
            _proposals.c.target_sku == sku,
            _proposals.c.target_location == location,
            or_(open_, committed),
        )
        .order_by(_proposals.c.created_at, _proposals.c.id)
    )
    if exclude is not None:
        query = query.where(_proposals.c.id != exclude)
    return [_supply_line(row, json.loads(row.args)) for row in conn.execute(query)]


def _open_status(drafts: bool) -> Any:
    """Return the filter of proposals still to be written.

    Pending and approved ones (a draft's view), or only claimed approved ones (a commit's view).
    """
    approved = _proposals.c.status == ProposalStatus.APPROVED.value
    if not drafts:
        return and_(approved, _proposals.c.claimed_at.is_not(None))
    return or_(_proposals.c.status == ProposalStatus.PENDING.value, approved)


def _supply_line(row: Any, args: dict[str, Any]) -> SupplyLine:
    return SupplyLine(
        proposal_id=row.id,
        status=row.status,
        kind=row.kind,
        qty=float(args.get("qty", 0) or 0),
        document_id=row.document_id,
        arrives=_arrival(row.evidence),
    )


def shipped_since(
    conn: Connection,
    sku: str,
    source: str,
    *,
    exclude: str | None = None,
    drafts: bool = True,
) -> list[SupplyLine]:
    """Return the transfers of `sku` out of `source` drafted or approved and not yet written.

    `drafts`: pending and every approved transfer (a draft's view); else only claimed approved
    ones (a commit's view: of two approved transfers the first to reach its commit ships).
    Committed transfers are not listed: the ERP's stock now already lacks what they shipped.
    `exclude` is the proposal being checked.
    """
    open_ = _open_status(drafts)
    query = (
        select(
            _proposals.c.id,
            _proposals.c.status,
            _proposals.c.kind,
            _proposals.c.args,
            _proposals.c.evidence,
            _proposals.c.document_id,
        )
        .where(
            _proposals.c.target_sku == sku,
            _proposals.c.kind == ActionKind.TRANSFER.value,
            open_,
        )
        .order_by(_proposals.c.created_at, _proposals.c.id)
    )
    if exclude is not None:
        query = query.where(_proposals.c.id != exclude)
    rows = ((row, json.loads(row.args)) for row in conn.execute(query))
    return [
        _supply_line(row, args)
        for row, args in rows
        if str(args.get("from_location", "")) == source
    ]
