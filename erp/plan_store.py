"""The plan tables: a snapshot's plan written partition by partition, and read back with paging.

A run (`plan_runs`) belongs to one snapshot import. Its partitions (`plan_partitions`) are
inclusive ranges of SKU ids in the store's own order, sized by SKU-location rows; each one's
positions and exceptions are replaced in one transaction that also stamps the partition done,
so a partition re-run (a retry, a second worker) leaves its rows exactly once. Reads take the
newest complete run of the latest import.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import pandas as pd
from sqlalchemy import Connection, Engine, Numeric, Table, cast, delete, func, select, update

from erp import models
from erp.overrides import override_event_mark
from erp.store import _bulk_insert, ledger_mark
from stockpilot.vocabulary import EXCEPTION_SORTS as SORTS

RUNS: Table = models.PlanRun.__table__  # type: ignore[assignment]
PARTITIONS: Table = models.PlanPartition.__table__  # type: ignore[assignment]
CLASSES: Table = models.PlanSkuClass.__table__  # type: ignore[assignment]
KEPT_SALES: Table = models.PlanPartitionSales.__table__  # type: ignore[assignment]
POSITIONS: Table = models.PlanPosition.__table__  # type: ignore[assignment]
EXCEPTIONS: Table = models.PlanException.__table__  # type: ignore[assignment]
POSITION_COLUMNS: tuple[str, ...] = tuple(c.name for c in POSITIONS.columns if c.name != "run_id")
EXCEPTION_COLUMNS: tuple[str, ...] = tuple(c.name for c in EXCEPTIONS.columns if c.name != "run_id")


@dataclass(frozen=True)
class Partition:
    """One partition of a run: SKUs `sku_first`..`sku_last` (None: no SKU at all)."""

    run_id: int
    partition_id: int
    sku_first: str | None
    sku_last: str | None
    skus: int
    weight: int


@dataclass(frozen=True)
class RunRecord:
    """A run as stored."""

    id: int
    import_id: int
    as_of: date
    n_partitions: int
    params: str
    params_digest: str
    status: str
    figures: str | None
    ledger_rows: int
    override_events: int = 0


def _now() -> datetime:
    return datetime.now(UTC)


def sku_weights(engine: Engine) -> list[tuple[str, int]]:
    """Return every SKU in the store's order with its SKU-location rows (at least 1)."""
    items: Table = models.Item.__table__  # type: ignore[assignment]
    balances: Table = models.InventoryBalance.__table__  # type: ignore[assignment]
    with engine.connect() as conn:
        skus = conn.execute(select(items.c.sku).order_by(items.c.sku)).scalars().all()
        counts = {
            sku: int(n)
            for sku, n in conn.execute(
                select(balances.c.sku, func.count()).group_by(balances.c.sku)
            ).all()
        }
    return [(sku, max(int(counts.get(sku, 0)), 1)) for sku in skus]


def split_by_weight(weights: Sequence[tuple[str, int]], n: int) -> list[list[tuple[str, int]]]:
    """Cut the ordered SKUs into `n` contiguous ranges of about equal weight (some may be empty).

    Deterministic: the k-th cut falls at the first SKU whose cumulative weight reaches k/n of
    the total, so the same store gives the same partitions.
    """
    if n < 1:
        raise ValueError(f"the number of partitions must be at least 1, got {n}")
    total = sum(w for _, w in weights)
    parts: list[list[tuple[str, int]]] = [[] for _ in range(n)]
    seen = 0
    for sku, w in weights:
        index = min(n - 1, seen * n // total) if total else 0
        parts[index].append((sku, w))
        seen += w
    return parts


def create_run(
    engine: Engine,
    *,
    import_id: int,
    as_of: date,
    params: str,
    params_digest: str,
    n_partitions: int,
) -> int:
    """Record a new run and its partitions (SKU ranges sized by rows); return the run id."""
    parts = split_by_weight(sku_weights(engine), n_partitions)
    ledger = ledger_mark(engine)  # the commits the snapshot read from here on includes
    events = override_event_mark(engine)  # likewise the override changes (the last one's number)
    with engine.begin() as conn:
        run_id = int(
            conn.execute(
                RUNS.insert()
                .values(
                    import_id=import_id,
                    as_of_date=as_of,
                    n_partitions=n_partitions,
                    params=params,
                    params_digest=params_digest,
                    status="scanning",
                    ledger_rows=ledger,
                    override_events=events,
                )
                .returning(RUNS.c.id)
            ).scalar_one()
        )
        conn.execute(
            PARTITIONS.insert(),
            [
                {
                    "run_id": run_id,
                    "partition_id": i,
                    "sku_first": part[0][0] if part else None,
                    "sku_last": part[-1][0] if part else None,
                    "skus": len(part),
                    "weight": sum(w for _, w in part),
                    "positions": 0,
                    "exceptions": 0,
                    "seconds": 0.0,
                }
                for i, part in enumerate(parts)
            ],
        )
    return run_id


def run(engine: Engine, run_id: int) -> RunRecord:
    """Return the run `run_id` (KeyError when there is none)."""
    with engine.connect() as conn:
        row = conn.execute(select(RUNS).where(RUNS.c.id == run_id)).mappings().first()
    if row is None:
        raise KeyError(f"no plan run {run_id}")
    return RunRecord(
        id=row["id"],
        import_id=row["import_id"],
        as_of=row["as_of_date"],
        n_partitions=row["n_partitions"],
        params=row["params"],
        params_digest=row["params_digest"],
        status=row["status"],
        figures=row["figures"],
        ledger_rows=row["ledger_rows"],
        override_events=row["override_events"],
    )


def partition(engine: Engine, run_id: int, partition_id: int) -> Partition:
    """Return one partition of a run (KeyError when the run has no such partition)."""
    with engine.connect() as conn:
        row = (
            conn.execute(
                select(PARTITIONS).where(
                    PARTITIONS.c.run_id == run_id, PARTITIONS.c.partition_id == partition_id
                )
            )
            .mappings()
            .first()
        )
    if row is None:
        raise KeyError(f"plan run {run_id} has no partition {partition_id}")
    return Partition(
        run_id, partition_id, row["sku_first"], row["sku_last"], row["skus"], row["weight"]
    )


def partition_of(engine: Engine, run_id: int, sku: str) -> int | None:
    """Return the partition of a run whose range holds `sku` (None: outside every range)."""
    with engine.connect() as conn:
        return conn.execute(
            select(PARTITIONS.c.partition_id).where(
                PARTITIONS.c.run_id == run_id,
                PARTITIONS.c.sku_first <= sku,
                PARTITIONS.c.sku_last >= sku,
            )
        ).scalar_one_or_none()


def record_scan(engine: Engine, run_id: int, partition_id: int, figures: str) -> None:
    """Store a partition's share of the network-wide figures (JSON); a re-scan replaces it."""
    with engine.begin() as conn:
        conn.execute(
            update(PARTITIONS)
            .where(PARTITIONS.c.run_id == run_id, PARTITIONS.c.partition_id == partition_id)
            .values(figures=figures, scanned_at=_now())
        )


def keep_sales(engine: Engine, run_id: int, partition_id: int, data: bytes) -> None:
    """Keep a partition's scanned sales for its plan phase; a re-scan replaces them."""
    where = (KEPT_SALES.c.run_id == run_id, KEPT_SALES.c.partition_id == partition_id)
    with engine.begin() as conn:
        conn.execute(delete(KEPT_SALES).where(*where))
        conn.execute(
            KEPT_SALES.insert().values(run_id=run_id, partition_id=partition_id, data=data)
        )


def kept_sales(engine: Engine, run_id: int, partition_id: int) -> bytes | None:
    """Return a partition's kept sales (None when its scan kept none or the run ended)."""
    with engine.connect() as conn:
        value = conn.execute(
            select(KEPT_SALES.c.data).where(
                KEPT_SALES.c.run_id == run_id, KEPT_SALES.c.partition_id == partition_id
            )
        ).scalar_one_or_none()
    return None if value is None else bytes(value)


def scans(engine: Engine, run_id: int) -> list[str | None]:
    """Return each partition's scanned share (None where not scanned yet), by partition id."""
    with engine.connect() as conn:
        return list(
            conn.execute(
                select(PARTITIONS.c.figures)
                .where(PARTITIONS.c.run_id == run_id)
                .order_by(PARTITIONS.c.partition_id)
            ).scalars()
        )


def seal_run(engine: Engine, run_id: int, figures: str, classes: pd.DataFrame) -> None:
    """Store the run's network-wide figures and SKU classes; the run moves to planning."""
    with engine.begin() as conn:
        conn.execute(delete(CLASSES).where(CLASSES.c.run_id == run_id))
        _bulk_insert(conn, CLASSES, classes[["sku", "abc_class"]].assign(run_id=run_id))
        conn.execute(
            update(RUNS).where(RUNS.c.id == run_id).values(figures=figures, status="planning")
        )


def sku_classes(engine: Engine, run_id: int, first: str, last: str) -> pd.Series:
    """Return the ABC class of the run's SKUs `first`..`last`, indexed by SKU."""
    with engine.connect() as conn:
        rows = conn.execute(
            select(CLASSES.c.sku, CLASSES.c.abc_class).where(
                CLASSES.c.run_id == run_id, CLASSES.c.sku >= first, CLASSES.c.sku <= last
            )
        ).all()
    return pd.Series({sku: cls for sku, cls in rows}, dtype=object)


def _replace_rows(
    conn: Connection,
    run_id: int,
    where: Any,
    positions: pd.DataFrame,
    exceptions: pd.DataFrame,
) -> None:
    conn.execute(delete(POSITIONS).where(POSITIONS.c.run_id == run_id, where(POSITIONS)))
    conn.execute(delete(EXCEPTIONS).where(EXCEPTIONS.c.run_id == run_id, where(EXCEPTIONS)))
    _bulk_insert(conn, POSITIONS, positions[list(POSITION_COLUMNS)].assign(run_id=run_id))
    _bulk_insert(conn, EXCEPTIONS, exceptions[list(EXCEPTION_COLUMNS)].assign(run_id=run_id))


def _lock_partition(conn: Connection, run_id: int, partition_id: int) -> None:
    """Hold the partition's row for this transaction (PostgreSQL; SQLite locks on write)."""
    stmt = select(PARTITIONS.c.partition_id).where(
        PARTITIONS.c.run_id == run_id, PARTITIONS.c.partition_id == partition_id
    )
    if conn.dialect.name == "postgresql":
        stmt = stmt.with_for_update()
    conn.execute(stmt)


def write_partition(
    engine: Engine,
    part: Partition,
    positions: pd.DataFrame,
    exceptions: pd.DataFrame,
    seconds: float,
) -> None:
    """Replace the partition's rows and stamp it planned, in one transaction (idempotent)."""
    with engine.begin() as conn:
        _lock_partition(conn, part.run_id, part.partition_id)
        if part.sku_first is not None and part.sku_last is not None:
            first, last = part.sku_first, part.sku_last
            # The range is in the store's order (that of `items`), not the plan rows' own.
            postgres = conn.dialect.name == "postgresql"
            _replace_rows(
                conn,
                part.run_id,
                lambda t: (t.c.sku.collate("default") if postgres else t.c.sku).between(
                    first, last
                ),
                positions,
                exceptions,
            )
        conn.execute(
            update(PARTITIONS)
            .where(
                PARTITIONS.c.run_id == part.run_id,
                PARTITIONS.c.partition_id == part.partition_id,
            )
            .values(
                planned_at=_now(),
                positions=len(positions),
                exceptions=len(exceptions),
                seconds=seconds,
            )
        )


def replace_skus(
    engine: Engine,
    run_id: int,
    skus: Sequence[str],
    positions: pd.DataFrame,
    exceptions: pd.DataFrame,
) -> None:
    """Swap the rows of `skus` for new ones in one transaction: reads see the old or the new."""
    wanted = list(skus)
    with engine.begin() as conn:
        _replace_rows(conn, run_id, lambda t: t.c.sku.in_(wanted), positions, exceptions)


def carry_run(
    conn: Connection,
    run_id: int,
    import_id: int,
    skus: Sequence[str],
    positions: pd.DataFrame,
    exceptions: pd.DataFrame,
) -> None:
    """Move a complete run to a new import of the snapshot, swapping the rows of `skus`.

    Called inside the import's transaction: a read sees the old snapshot with the old rows or
    the new snapshot with the run's rows, those of `skus` re-planned; never a mix.
    """
    conn.execute(update(RUNS).where(RUNS.c.id == run_id).values(import_id=import_id))
    wanted = list(skus)
    if wanted:
        _replace_rows(conn, run_id, lambda t: t.c.sku.in_(wanted), positions, exceptions)


def complete_runs(engine: Engine, import_id: int) -> list[int]:
    """Return the newest complete run of `import_id` for each set of parameters, oldest first."""
    stmt = (
        select(func.max(RUNS.c.id))
        .where(RUNS.c.import_id == import_id, RUNS.c.status == "complete")
        .group_by(RUNS.c.params_digest)
    )
    with engine.connect() as conn:
        return sorted(int(r) for r in conn.execute(stmt).scalars())


def claim_commits(engine: Engine, run_id: int, seen: int, now: int) -> bool:
    """Move the run's commit mark from `seen` to `now`; False when another process did first."""
    with engine.begin() as conn:
        moved = conn.execute(
            update(RUNS)
            .where(RUNS.c.id == run_id, RUNS.c.ledger_rows == seen)
            .values(ledger_rows=now)
        ).rowcount
    return bool(moved)


def claim_overrides(engine: Engine, run_id: int, seen: int, now: int) -> bool:
    """Move the run's override mark from `seen` to `now`; False when another process did first."""
    with engine.begin() as conn:
        moved = conn.execute(
            update(RUNS)
            .where(RUNS.c.id == run_id, RUNS.c.override_events == seen)
            .values(override_events=now)
        ).rowcount
    return bool(moved)


def committed_skus(engine: Engine, seen: int, upto: int | None = None) -> list[str]:
    """Return the SKUs of the ERP commits numbered above `seen` (up to `upto`), distinct, sorted."""
    ledger: Table = models.ErpCommit.__table__  # type: ignore[assignment]
    stmt = select(ledger.c.payload).where(ledger.c.seq > seen)
    if upto is not None:
        stmt = stmt.where(ledger.c.seq <= upto)
    with engine.connect() as conn:
        skus = {json.loads(p).get("sku") for p in conn.execute(stmt).scalars()}
    return sorted(s for s in skus if isinstance(s, str))


def finish_run(engine: Engine, run_id: int) -> list[int]:
    """Mark the run complete when every partition is planned; return the missing partitions.

    Nothing changes while one is missing (the run stays in planning).
    """
    with engine.begin() as conn:
        missing = list(
            conn.execute(
                select(PARTITIONS.c.partition_id)
                .where(PARTITIONS.c.run_id == run_id, PARTITIONS.c.planned_at.is_(None))
                .order_by(PARTITIONS.c.partition_id)
            ).scalars()
        )
        if not missing:
            conn.execute(
                update(RUNS)
                .where(RUNS.c.id == run_id)
                .values(status="complete", finished_at=_now())
            )
            conn.execute(delete(KEPT_SALES).where(KEPT_SALES.c.run_id == run_id))
    return missing


def fail_run(engine: Engine, run_id: int) -> None:
    """Mark a run failed (reads never use it) and drop the sales its scans kept."""
    with engine.begin() as conn:
        conn.execute(update(RUNS).where(RUNS.c.id == run_id).values(status="failed"))
        conn.execute(delete(KEPT_SALES).where(KEPT_SALES.c.run_id == run_id))


def current_run(engine: Engine, import_id: int, params_digest: str | None = None) -> int | None:
    """Return the newest complete run of `import_id` (with these parameters, when given)."""
    stmt = select(func.max(RUNS.c.id)).where(
        RUNS.c.import_id == import_id, RUNS.c.status == "complete"
    )
    if params_digest is not None:
        stmt = stmt.where(RUNS.c.params_digest == params_digest)
    with engine.connect() as conn:
        value = conn.execute(stmt).scalar_one_or_none()
    return None if value is None else int(value)


def partition_states(engine: Engine, run_id: int) -> pd.DataFrame:
    """Return the run's partitions: ids, ranges, sizes, completion and timings."""
    with engine.connect() as conn:
        rows = conn.execute(
            select(PARTITIONS)
            .where(PARTITIONS.c.run_id == run_id)
            .order_by(PARTITIONS.c.partition_id)
        ).mappings()
        return pd.DataFrame([dict(r) for r in rows])


def read_positions(
    engine: Engine, run_id: int, *, sku: str | None = None, location: str | None = None
) -> pd.DataFrame:
    """Return the run's positions (of one SKU and / or location), by SKU and location."""
    stmt = select(*(POSITIONS.c[c] for c in POSITION_COLUMNS)).where(POSITIONS.c.run_id == run_id)
    if sku is not None:
        stmt = stmt.where(POSITIONS.c.sku == sku)
    if location is not None:
        stmt = stmt.where(POSITIONS.c.location_id == location)
    stmt = stmt.order_by(POSITIONS.c.sku, POSITIONS.c.location_id)
    with engine.connect() as conn:
        rows = conn.execute(stmt).all()
    frame = pd.DataFrame([tuple(r) for r in rows], columns=list(POSITION_COLUMNS))
    frame["projected_stockout_date"] = pd.to_datetime(frame["projected_stockout_date"]).astype(
        "datetime64[ns]"
    )
    return frame


def _cents(column: Any) -> Any:
    """Return the SQL of a money column rounded to cents (PostgreSQL rounds only numerics)."""
    return func.round(cast(column, Numeric(20, 6)), 2)


@dataclass(frozen=True)
class ExceptionFilters:
    """Which of a run's exceptions a read keeps (a field left None keeps them all).

    `skus` keeps those SKUs' (an item category's), `locations` those locations' (the stores a
    DC feeds); `min_money` those risking at least that (as the records round it); `rec_kind`
    those whose recommendation is of that kind; `priority` those of that priority or more
    urgent; `supplier_id` those whose recommendation orders from that supplier.
    """

    type: str | None = None
    location: str | None = None
    sku: str | None = None
    skus: Collection[str] | None = None
    min_money: float | None = None
    rec_kind: str | None = None
    priority: int | None = None
    locations: Collection[str] | None = None
    supplier_id: str | None = None

    def conditions(self, run_id: int) -> list[Any]:
        """Return the SQL conditions on `plan_exceptions` of the run's kept exceptions."""
        t = EXCEPTIONS
        conditions: list[Any] = [t.c.run_id == run_id]
        if self.rec_kind is not None:
            conditions.append(t.c.rec_kind == self.rec_kind)
        if self.priority is not None:
            conditions.append(t.c.priority <= self.priority)
        if self.type is not None:
            conditions.append(t.c.type == self.type)
        if self.location is not None:
            conditions.append(t.c.location_id == self.location)
        if self.locations is not None:
            conditions.append(t.c.location_id.in_(sorted(self.locations)))
        if self.sku is not None:
            conditions.append(t.c.sku == self.sku)
        if self.skus is not None:
            conditions.append(t.c.sku.in_(sorted(self.skus)))
        if self.supplier_id is not None:
            conditions.append(t.c.rec_supplier_id == self.supplier_id)
        if self.min_money is not None:
            conditions.append(_cents(t.c.money_at_risk) >= self.min_money)  # as records show it
        return conditions


ALL = ExceptionFilters()


def _rank() -> tuple[Any, ...]:
    """Return the ranking's order: money at risk descending, then its tie-breakers."""
    t = EXCEPTIONS
    return (
        t.c.money_at_risk.desc(),
        t.c.priority,
        t.c.type_rank,
        t.c.sku,
        t.c.location_id,
        t.c.seq,
    )


def _order(sort: str) -> tuple[Any, ...]:
    """Return the ORDER BY of a sort (`ExceptionSort`, as `sort_records` orders).

    Each is served by an index of `plan_exceptions`; equal keys keep the ranking's order.
    """
    t = EXCEPTIONS
    if sort == "money_at_risk":
        return _rank()
    if sort == "priority":  # most urgent first, then the most money (as records round it)
        return (t.c.priority, *_rank())
    if sort == "first_risk_date":  # the earliest risk first, none last; then most urgent
        return (t.c.first_risk_date.asc().nulls_last(), t.c.priority, *_rank())
    raise ValueError(f"sort must be one of {', '.join(SORTS)}")


def read_exceptions(
    engine: Engine,
    run_id: int,
    filters: ExceptionFilters = ALL,
    *,
    sort: str = "money_at_risk",
    offset: int = 0,
    limit: int | None = None,
) -> tuple[list[dict[str, Any]], int]:
    """Return one page of the run's kept exceptions (the API's JSON) and their total.

    In the ranking's order, or most urgent first (`sort="priority"`: then the most money at
    risk), or the earliest first risk first (`"first_risk_date"`: none last, then the most
    urgent); equal keys keep the ranking's order.
    """
    t = EXCEPTIONS
    conditions = filters.conditions(run_id)
    page = select(t.c.record).where(*conditions).order_by(*_order(sort)).offset(offset)
    if limit is not None:
        page = page.limit(limit)
    with engine.connect() as conn:
        total = conn.execute(select(func.count()).select_from(t).where(*conditions)).scalar_one()
        records = [json.loads(r) for r in conn.execute(page).scalars()]
    return records, int(total)


def read_exception(engine: Engine, run_id: int, exception_id: str) -> dict[str, Any] | None:
    """Return one exception of the run (the API's JSON) by id, or None."""
    t = EXCEPTIONS
    with engine.connect() as conn:
        record = conn.execute(
            select(t.c.record).where(t.c.run_id == run_id, t.c.exception_id == exception_id)
        ).scalar_one_or_none()
    return None if record is None else dict(json.loads(record))


def exception_totals(
    engine: Engine, run_id: int, filters: ExceptionFilters = ALL
) -> list[tuple[str, int, float]]:
    """Return (type, count, money at risk in cents-rounded records) of the kept exceptions."""
    t = EXCEPTIONS
    stmt = (
        select(t.c.type, func.count(), func.sum(_cents(t.c.money_at_risk)))
        .where(*filters.conditions(run_id))
        .group_by(t.c.type)
    )
    with engine.connect() as conn:
        return [(str(k), int(n), float(m or 0.0)) for k, n, m in conn.execute(stmt).all()]


def _group_key(by: str) -> Any:
    t = EXCEPTIONS
    if by == "supplier":  # the supplier the recommendation orders from
        return func.coalesce(t.c.rec_supplier_id, "(no supplier)")
    if by == "source":  # where the recommended stock comes from: a supplier or a location
        return func.coalesce(t.c.rec_supplier_id, t.c.rec_from_location, "(no action)")
    return t.c[GROUP_COLUMNS[by]]


GROUP_COLUMNS = {"type": "type", "priority": "priority", "location": "location_id", "sku": "sku"}
"""What `exception_groups` groups by: the exception field's plan-table column (and GROUPS)."""

GROUPS = (*GROUP_COLUMNS, "supplier", "source")
"""Every grouping of `exception_groups`: a column's, the recommendation's supplier or source."""


def exception_groups(
    engine: Engine, run_id: int, by: str, filters: ExceptionFilters = ALL
) -> list[tuple[str, int, float, int]]:
    """Return (key, count, money at risk, first rank) per group of the kept exceptions.

    `by` is one of GROUPS (supplier: the recommendation's, "(no supplier)" when none; source:
    its supplier or the location it moves stock from, "(no action)" when neither); money sums
    the cents-rounded records; `first rank` is the 0-based position in the ranking of the
    group's first exception (groups in the order a reader of the ranking meets them). One pass
    in SQL, whatever the number of exceptions.
    """
    if by not in GROUPS:
        raise ValueError(f"by must be one of {', '.join(GROUPS)}")
    t = EXCEPTIONS
    rank = func.row_number().over(order_by=_rank())
    ranked = (
        select(
            _group_key(by).label("key"),
            _cents(t.c.money_at_risk).label("money"),
            rank.label("rank"),
        )
        .where(*filters.conditions(run_id))
        .subquery()
    )
    stmt = select(
        ranked.c.key, func.count(), func.sum(ranked.c.money), func.min(ranked.c.rank)
    ).group_by(ranked.c.key)
    with engine.connect() as conn:
        return [(str(k), int(n), float(m or 0.0), int(r) - 1) for k, n, m, r in conn.execute(stmt)]
