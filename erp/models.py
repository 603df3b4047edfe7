"""Declare the built-in ERP store's tables (SQLAlchemy 2.0 typed mappings)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    false,
    func,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

ID = String(64)
# Plan rows sort by SKU and location in code-point order (PostgreSQL's "C" collation; SQLite's
# BINARY), the order the planning engine ranks ties in, whatever the database's locale.
PLAN_ID = String(64).with_variant(String(64, collation="C"), "postgresql")


class Base(DeclarativeBase):
    """Base class of every ERP table."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Location(Base):
    """A store or distribution centre."""

    __tablename__ = "locations"
    __table_args__ = (CheckConstraint("type IN ('store', 'dc')", name="type"),)

    location_id: Mapped[str] = mapped_column(ID, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    type: Mapped[str] = mapped_column(String(8))
    region: Mapped[str] = mapped_column(String(100), default="")
    source_location: Mapped[str | None] = mapped_column(
        ID, ForeignKey("locations.location_id"), nullable=True
    )


class Lane(Base):
    """A transfer lane between two locations."""

    __tablename__ = "lanes"
    __table_args__ = (
        CheckConstraint("lead_time_days >= 0", name="lead_time"),
        CheckConstraint("cost_per_unit >= 0", name="cost"),
    )

    from_location: Mapped[str] = mapped_column(
        ID, ForeignKey("locations.location_id"), primary_key=True
    )
    to_location: Mapped[str] = mapped_column(
        ID, ForeignKey("locations.location_id"), primary_key=True
    )
    lead_time_days: Mapped[int] = mapped_column(Integer)
    cost_per_unit: Mapped[float] = mapped_column(Float)


class Supplier(Base):
    """A vendor with its default lead time and reliability."""

    __tablename__ = "suppliers"
    __table_args__ = (CheckConstraint("on_time_rate BETWEEN 0 AND 1", name="on_time_rate"),)

    supplier_id: Mapped[str] = mapped_column(ID, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    lead_time_days: Mapped[int] = mapped_column(Integer)
    lead_time_std_days: Mapped[float] = mapped_column(Float)
    on_time_rate: Mapped[float] = mapped_column(Float)


class Item(Base):
    """A SKU."""

    __tablename__ = "items"
    __table_args__ = (CheckConstraint("case_pack >= 1", name="case_pack"),)

    sku: Mapped[str] = mapped_column(ID, primary_key=True)
    description: Mapped[str] = mapped_column(String(500), default="")
    category: Mapped[str] = mapped_column(String(100), default="")
    unit_cost: Mapped[float] = mapped_column(Float)
    unit_price: Mapped[float] = mapped_column(Float)
    case_pack: Mapped[int] = mapped_column(Integer, default=1)


class ItemSupplier(Base):
    """Purchase terms of one SKU from one supplier."""

    __tablename__ = "item_suppliers"

    sku: Mapped[str] = mapped_column(ID, ForeignKey("items.sku"), primary_key=True)
    supplier_id: Mapped[str] = mapped_column(
        ID, ForeignKey("suppliers.supplier_id"), primary_key=True
    )
    unit_cost: Mapped[float] = mapped_column(Float)
    moq: Mapped[int] = mapped_column(Integer, default=0)
    lead_time_days: Mapped[int | None] = mapped_column(Integer, nullable=True)
    is_primary: Mapped[bool] = mapped_column(Boolean, default=False)


class InventoryBalance(Base):
    """On-hand stock of a SKU at a location on a date (may be negative: an ERP error to flag)."""

    __tablename__ = "inventory_balances"

    sku: Mapped[str] = mapped_column(ID, ForeignKey("items.sku"), primary_key=True)
    location_id: Mapped[str] = mapped_column(
        ID, ForeignKey("locations.location_id"), primary_key=True
    )
    on_hand: Mapped[int] = mapped_column(Integer)
    as_of_date: Mapped[date] = mapped_column(Date)


class DailySale(Base):
    """Units sold of a SKU at a location on a day (missing rows mean zero)."""

    __tablename__ = "sales_daily"
    # No separate date index: it doubles bulk-import time, and the history window query reads
    # most of the table anyway.
    __table_args__ = (CheckConstraint("units >= 0", name="units"),)

    sku: Mapped[str] = mapped_column(ID, ForeignKey("items.sku"), primary_key=True)
    location_id: Mapped[str] = mapped_column(
        ID, ForeignKey("locations.location_id"), primary_key=True
    )
    date: Mapped[date] = mapped_column(Date, primary_key=True)
    units: Mapped[int] = mapped_column(Integer)


class InventoryHistory(Base):
    """Stock of a SKU at a location at the end of a past day, or whether it was out of stock.

    Optional snapshot data: a stockout day (stockout true, or on_hand at or below 0) has sales
    that are not demand, and the forecast leaves it out.
    """

    __tablename__ = "inventory_history"

    sku: Mapped[str] = mapped_column(ID, ForeignKey("items.sku"), primary_key=True)
    location_id: Mapped[str] = mapped_column(
        ID, ForeignKey("locations.location_id"), primary_key=True
    )
    date: Mapped[date] = mapped_column(Date, primary_key=True)
    on_hand: Mapped[int | None] = mapped_column(Integer, nullable=True)
    stockout: Mapped[bool] = mapped_column(Boolean, default=False)


class PurchaseOrder(Base):
    """One line of a purchase order (a PO id may span several SKU-location lines)."""

    __tablename__ = "purchase_orders"
    __table_args__ = (
        UniqueConstraint("po_id", "sku", "location_id"),
        CheckConstraint("qty > 0", name="qty"),
        CheckConstraint("status IN ('open', 'received', 'cancelled')", name="status"),
        Index("ix_purchase_orders_sku_location", "sku", "location_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    po_id: Mapped[str] = mapped_column(ID)
    supplier_id: Mapped[str] = mapped_column(ID, ForeignKey("suppliers.supplier_id"))
    sku: Mapped[str] = mapped_column(ID, ForeignKey("items.sku"))
    location_id: Mapped[str] = mapped_column(ID, ForeignKey("locations.location_id"))
    qty: Mapped[int] = mapped_column(Integer)
    order_date: Mapped[date] = mapped_column(Date)
    expected_date: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16))


class Transfer(Base):
    """One line of a stock transfer between two locations."""

    __tablename__ = "transfers"
    __table_args__ = (
        UniqueConstraint("transfer_id", "sku"),
        CheckConstraint("qty > 0", name="qty"),
        CheckConstraint("status IN ('in_transit', 'received')", name="status"),
        Index("ix_transfers_sku_to_location", "sku", "to_location"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    transfer_id: Mapped[str] = mapped_column(ID)
    sku: Mapped[str] = mapped_column(ID, ForeignKey("items.sku"))
    from_location: Mapped[str] = mapped_column(ID, ForeignKey("locations.location_id"))
    to_location: Mapped[str] = mapped_column(ID, ForeignKey("locations.location_id"))
    qty: Mapped[int] = mapped_column(Integer)
    ship_date: Mapped[date] = mapped_column(Date)
    expected_date: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16))


class Promotion(Base):
    """A promotion of a SKU at a location over a date range."""

    __tablename__ = "promotions"
    __table_args__ = (
        UniqueConstraint("promo_id", "sku", "location_id"),
        CheckConstraint("end_date >= start_date", name="dates"),
        Index("ix_promotions_sku", "sku"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    promo_id: Mapped[str] = mapped_column(ID)
    sku: Mapped[str] = mapped_column(ID, ForeignKey("items.sku"))
    location_id: Mapped[str] = mapped_column(ID, ForeignKey("locations.location_id"))
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)
    expected_uplift: Mapped[float] = mapped_column(Float)
    discount_pct: Mapped[float] = mapped_column(Float)


class SnapshotImport(Base):
    """A record of each snapshot written into the store (import or demo)."""

    __tablename__ = "snapshot_imports"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    source: Mapped[str] = mapped_column(String(500))
    as_of_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    row_counts: Mapped[str] = mapped_column(String(2000))
    imported_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )


class ErpCommit(Base):
    """The ledger of documents written through the connector, one row per idempotency key.

    It is not part of the snapshot: re-importing replaces the network tables but keeps this
    ledger, so a retried write after a re-import still returns the original document.
    """

    __tablename__ = "erp_commits"
    __table_args__ = (CheckConstraint("kind IN ('purchase_order', 'transfer')", name="kind"),)

    idempotency_key: Mapped[str] = mapped_column(String(200), primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    document_id: Mapped[str] = mapped_column(ID, unique=True)
    payload: Mapped[str] = mapped_column(String(4000))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    # Numbered in commit order (`erp.store.append_commit`): a plan run's commit mark is the
    # last number its rows include, and the SKUs of the commits above it are re-planned.
    seq: Mapped[int | None] = mapped_column(Integer, index=True, unique=True)


class Proposal(Base):
    """An action the copilot prepared that waits for, or went through, human approval.

    Governance state, not snapshot data: a snapshot import never touches it.
    """

    __tablename__ = "proposals"
    __table_args__ = (
        CheckConstraint("kind IN ('transfer', 'purchase_order')", name="kind"),
        CheckConstraint(
            "status IN ('pending', 'approved', 'rejected', 'committed', 'failed')", name="status"
        ),
        CheckConstraint(
            "decision IS NULL OR decision IN ('approve', 'edit', 'reject', 'respond')",
            name="decision",
        ),
        CheckConstraint("value >= 0", name="value"),
        Index("ix_proposals_target", "target_sku", "target_location", "status"),
    )

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    thread_id: Mapped[str] = mapped_column(String(200), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    args: Mapped[str] = mapped_column(Text)
    value: Mapped[float] = mapped_column(Float)
    description: Mapped[str] = mapped_column(Text)
    evidence: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), index=True)
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    decided_by: Mapped[str | None] = mapped_column(String(200), nullable=True)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    decision: Mapped[str | None] = mapped_column(String(16), nullable=True)
    decision_note: Mapped[str | None] = mapped_column(Text, nullable=True)
    document_id: Mapped[str | None] = mapped_column(ID, nullable=True)
    failure_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    # The SKU-location the action brings stock to (a transfer's destination, a PO's location):
    # orders for the same target count as each other's supply (`erp.supply`).
    target_sku: Mapped[str | None] = mapped_column(ID, nullable=True)
    target_location: Mapped[str | None] = mapped_column(ID, nullable=True)
    # When an approved proposal passed its commit re-check (it is supply from then on), and
    # the snapshot import it was claimed under (committed, it counts until the next import).
    claimed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    claimed_import_id: Mapped[int | None] = mapped_column(Integer, nullable=True)


class AuditEntry(Base):
    """One entry of the append-only, hash-chained governance audit log.

    `ts` is the ISO-8601 text the hash was computed over, stored verbatim so it reads back
    exactly. `prev_hash` is unique: an entry has at most one successor, so concurrent appenders
    cannot fork the chain.
    """

    __tablename__ = "audit_log"
    # AUTOINCREMENT on SQLite: a deleted last entry's seq is never handed out again.
    __table_args__ = ({"sqlite_autoincrement": True},)

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    ts: Mapped[str] = mapped_column(String(40))
    actor: Mapped[str] = mapped_column(String(200))
    event: Mapped[str] = mapped_column(String(40))
    thread_id: Mapped[str | None] = mapped_column(String(200), nullable=True, index=True)
    proposal_id: Mapped[str | None] = mapped_column(String(40), nullable=True, index=True)
    payload: Mapped[str] = mapped_column(Text)
    prev_hash: Mapped[str] = mapped_column(String(64), unique=True)
    hash: Mapped[str] = mapped_column(String(64), unique=True)


class Delivery(Base):
    """One inbound chat event (a Slack event id), recorded before any work is done for it.

    Chat platforms redeliver events they think were lost; the primary key makes handling an
    event at most once across processes and restarts.
    """

    __tablename__ = "deliveries"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    received_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )


class PlanRun(Base):
    """One planning run of a snapshot, computed partition by partition into the plan tables.

    `status` moves scanning → planning → complete (or failed); reads use the newest complete
    run of the latest import. `figures` holds the network-wide figures every partition plans
    with (JSON: pooled weekday totals, supplier lateness); `params` the planning parameters.
    """

    __tablename__ = "plan_runs"
    __table_args__ = (
        CheckConstraint("status IN ('scanning', 'planning', 'complete', 'failed')", name="status"),
        Index("ix_plan_runs_import_status", "import_id", "status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    import_id: Mapped[int] = mapped_column(Integer)
    as_of_date: Mapped[date] = mapped_column(Date)
    n_partitions: Mapped[int] = mapped_column(Integer)
    params: Mapped[str] = mapped_column(Text)
    params_digest: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16))
    figures: Mapped[str | None] = mapped_column(Text, nullable=True)
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    # The number (`erp_commits.seq`) of the last ERP commit the run's rows include: commits are
    # numbered in commit order, and those above it are re-planned SKU by SKU
    # (`tools.plan_runs.catch_up`). A count stored before migration 0012 is a valid mark.
    ledger_rows: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # The number (`seq`) of the last forecast override change its rows include: events are
    # numbered in commit order, and those above it are re-planned SKU by SKU like commits.
    override_events: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class PlanPartition(Base):
    """One partition of a run: an inclusive range of SKU ids (in the store's order) and its state.

    `scanned_at` / `planned_at` record completion of each phase; a re-run of a partition
    replaces its rows and stamps it again, so every partition is written once, none missing.
    """

    __tablename__ = "plan_partitions"

    run_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("plan_runs.id", ondelete="CASCADE"), primary_key=True
    )
    partition_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sku_first: Mapped[str | None] = mapped_column(ID, nullable=True)  # None: an empty partition
    sku_last: Mapped[str | None] = mapped_column(ID, nullable=True)
    skus: Mapped[int] = mapped_column(Integer)
    weight: Mapped[int] = mapped_column(Integer)  # SKU-location rows it is sized by
    figures: Mapped[str | None] = mapped_column(Text, nullable=True)  # its share (JSON)
    scanned_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    planned_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    positions: Mapped[int] = mapped_column(Integer, default=0)
    exceptions: Mapped[int] = mapped_column(Integer, default=0)
    seconds: Mapped[float] = mapped_column(Float, default=0.0)


class PlanPartitionSales(Base):
    """A partition's sales as its scan read them, kept for its plan phase (the run's own copy).

    `data` is the partition's `planning.engine.PartSales` (`tools.plan_runs.encode_sales`):
    the plan phase reads it instead of the partition's sales rows, so a run reads its sales
    once. Written by the scan, removed when the run completes or fails.
    """

    __tablename__ = "plan_partition_sales"

    run_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("plan_runs.id", ondelete="CASCADE"), primary_key=True
    )
    partition_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)


class PlanSkuClass(Base):
    """The ABC class of each SKU in a run (its rank by sales value over the whole network)."""

    __tablename__ = "plan_sku_classes"

    run_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("plan_runs.id", ondelete="CASCADE"), primary_key=True
    )
    sku: Mapped[str] = mapped_column(ID, primary_key=True)
    abc_class: Mapped[str] = mapped_column(String(1))


class PlanPosition(Base):
    """One planned SKU-location of a run: the columns of the plan's positions."""

    __tablename__ = "plan_positions"
    __table_args__ = (Index("ix_plan_positions_run_location", "run_id", "location_id", "sku"),)

    run_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("plan_runs.id", ondelete="CASCADE"), primary_key=True
    )
    sku: Mapped[str] = mapped_column(PLAN_ID, primary_key=True)
    location_id: Mapped[str] = mapped_column(PLAN_ID, primary_key=True)
    location_type: Mapped[str] = mapped_column(String(8))
    source_location: Mapped[str] = mapped_column(ID)
    on_hand: Mapped[float] = mapped_column(Float)
    in_transit: Mapped[float] = mapped_column(Float)
    on_order: Mapped[float] = mapped_column(Float)
    position: Mapped[float] = mapped_column(Float)
    forecast_daily: Mapped[float] = mapped_column(Float)
    sigma: Mapped[float] = mapped_column(Float)
    lead_time: Mapped[int] = mapped_column(Integer)
    lead_time_std: Mapped[float] = mapped_column(Float)
    safety_stock: Mapped[float] = mapped_column(Float)
    reorder_point: Mapped[float] = mapped_column(Float)
    order_up_to: Mapped[float] = mapped_column(Float)
    days_of_cover: Mapped[float] = mapped_column(Float)
    projected_stockout_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    method: Mapped[str] = mapped_column(String(16))
    demand_class: Mapped[str] = mapped_column(String(16))
    unit_cost: Mapped[float | None] = mapped_column(Float, nullable=True)
    unit_price: Mapped[float | None] = mapped_column(Float, nullable=True)
    abc_class: Mapped[str] = mapped_column(String(1))
    service_level: Mapped[float] = mapped_column(Float)
    # The forecast's stockout evidence (`planning.engine.Plan.stockout_evidence`).
    stockout_days_excluded: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    suspect_stockout_days: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    trailing_suspect_days: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    inventory_history: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class PlanException(Base):
    """One ranked exception of a run, with its recommendation: the API's JSON in `record`.

    The rank is `money_at_risk` descending, then `priority`, `type_rank` (the vocabulary's
    order), SKU, location and `seq` (the order within the partition's ranking).
    """

    __tablename__ = "plan_exceptions"
    __table_args__ = (
        Index("ix_plan_exceptions_sku", "run_id", "sku", "location_id"),
        Index("ix_plan_exceptions_location", "run_id", "location_id"),
        Index("ix_plan_exceptions_type", "run_id", "type"),
    )

    run_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("plan_runs.id", ondelete="CASCADE"), primary_key=True
    )
    exception_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    type: Mapped[str] = mapped_column(String(32))
    type_rank: Mapped[int] = mapped_column(Integer)
    sku: Mapped[str] = mapped_column(PLAN_ID)
    location_id: Mapped[str] = mapped_column(PLAN_ID)
    priority: Mapped[int] = mapped_column(Integer)
    money_at_risk: Mapped[float] = mapped_column(Float)
    seq: Mapped[int] = mapped_column(Integer)
    rec_kind: Mapped[str] = mapped_column(String(32))
    # The record's first risk date and its recommendation's supplier and source location:
    # what the other sorts, the supplier filter and the supplier / source groups read.
    first_risk_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    rec_supplier_id: Mapped[str | None] = mapped_column(ID, nullable=True)
    rec_from_location: Mapped[str | None] = mapped_column(ID, nullable=True)
    record: Mapped[str] = mapped_column(Text)


# The ranking's own order (money at risk descending first): a page is an index range scan.
Index(
    "ix_plan_exceptions_rank",
    PlanException.run_id,
    PlanException.money_at_risk.desc(),
    PlanException.priority,
    PlanException.type_rank,
    PlanException.sku,
    PlanException.location_id,
    PlanException.seq,
)
# Most urgent first, then the ranking (`plan_store.read_exceptions(sort="priority")`).
Index(
    "ix_plan_exceptions_priority_rank",
    PlanException.run_id,
    PlanException.priority,
    PlanException.money_at_risk.desc(),
    PlanException.type_rank,
    PlanException.sku,
    PlanException.location_id,
    PlanException.seq,
)
# The earliest first risk first (none last), then the most urgent, then the ranking.
Index(
    "ix_plan_exceptions_risk_date",
    PlanException.run_id,
    PlanException.first_risk_date,
    PlanException.priority,
    PlanException.money_at_risk.desc(),
    PlanException.type_rank,
    PlanException.sku,
    PlanException.location_id,
    PlanException.seq,
)
Index("ix_plan_exceptions_supplier", PlanException.run_id, PlanException.rec_supplier_id)


class ForecastOverride(Base):
    """A planner's override of the forecast of a SKU at one location (or network-wide).

    Planner state, not snapshot data: an import keeps it. On the days `start_date`..`end_date`
    (inclusive) the planning engine multiplies the model's forecast by `value` (kind
    `multiplier`) or replaces it with `value` units per day (kind `rate`); `location_id` NULL
    applies it at every store of the SKU. Clearing stamps `cleared_at`; the row is kept.
    """

    __tablename__ = "forecast_overrides"
    __table_args__ = (
        CheckConstraint("kind IN ('multiplier', 'rate')", name="kind"),
        CheckConstraint("value >= 0", name="value"),
        CheckConstraint("end_date >= start_date", name="window"),
        Index("ix_forecast_overrides_sku_active", "sku", "cleared_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    sku: Mapped[str] = mapped_column(ID)
    location_id: Mapped[str | None] = mapped_column(ID, nullable=True)
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(16))
    value: Mapped[float] = mapped_column(Float)
    reason: Mapped[str] = mapped_column(String(500))
    author: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    cleared_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    cleared_by: Mapped[str | None] = mapped_column(String(200), nullable=True)


class ForecastOverrideEvent(Base):
    """One change to the overrides (set or clear), in order: what plans re-plan after them.

    Numbered in commit order (`erp.overrides._append_event`); a plan records the number of the
    last event its rows include, and the SKUs of later ones are re-planned alone, as after an
    ERP commit.
    """

    __tablename__ = "forecast_override_events"
    __table_args__ = (CheckConstraint("action IN ('set', 'clear')", name="action"),)

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    override_id: Mapped[int] = mapped_column(Integer, index=True)
    action: Mapped[str] = mapped_column(String(8))
    sku: Mapped[str] = mapped_column(ID)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
