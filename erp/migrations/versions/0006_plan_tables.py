"""Plan tables: a snapshot's plan stored partition by partition (runs, positions, exceptions).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.String(64)
PLAN_ID = sa.String(64).with_variant(sa.String(64, collation="C"), "postgresql")


def _run_fk() -> sa.Column:
    return sa.Column(
        "run_id", sa.Integer(), sa.ForeignKey("plan_runs.id", ondelete="CASCADE"), primary_key=True
    )


def upgrade() -> None:
    op.create_table(
        "plan_runs",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("import_id", sa.Integer(), nullable=False),
        sa.Column("as_of_date", sa.Date(), nullable=False),
        sa.Column("n_partitions", sa.Integer(), nullable=False),
        sa.Column("params", sa.Text(), nullable=False),
        sa.Column("params_digest", sa.String(64), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("figures", sa.Text(), nullable=True),
        sa.Column(
            "started_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "status IN ('scanning', 'planning', 'complete', 'failed')", name="status"
        ),
    )
    op.create_index("ix_plan_runs_import_status", "plan_runs", ["import_id", "status"])
    op.create_table(
        "plan_partitions",
        _run_fk(),
        sa.Column("partition_id", sa.Integer(), primary_key=True),
        sa.Column("sku_first", ID, nullable=True),
        sa.Column("sku_last", ID, nullable=True),
        sa.Column("skus", sa.Integer(), nullable=False),
        sa.Column("weight", sa.Integer(), nullable=False),
        sa.Column("figures", sa.Text(), nullable=True),
        sa.Column("scanned_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("planned_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("positions", sa.Integer(), nullable=False),
        sa.Column("exceptions", sa.Integer(), nullable=False),
        sa.Column("seconds", sa.Float(), nullable=False),
    )
    op.create_table(
        "plan_sku_classes",
        _run_fk(),
        sa.Column("sku", ID, primary_key=True),
        sa.Column("abc_class", sa.String(1), nullable=False),
    )
    op.create_table(
        "plan_positions",
        _run_fk(),
        sa.Column("sku", PLAN_ID, primary_key=True),
        sa.Column("location_id", PLAN_ID, primary_key=True),
        sa.Column("location_type", sa.String(8), nullable=False),
        sa.Column("source_location", ID, nullable=False),
        *[
            sa.Column(name, sa.Float(), nullable=False)
            for name in ("on_hand", "in_transit", "on_order", "position", "forecast_daily", "sigma")
        ],
        sa.Column("lead_time", sa.Integer(), nullable=False),
        *[
            sa.Column(name, sa.Float(), nullable=False)
            for name in (
                "lead_time_std",
                "safety_stock",
                "reorder_point",
                "order_up_to",
                "days_of_cover",
            )
        ],
        sa.Column("projected_stockout_date", sa.Date(), nullable=True),
        sa.Column("method", sa.String(16), nullable=False),
        sa.Column("demand_class", sa.String(16), nullable=False),
        sa.Column("unit_cost", sa.Float(), nullable=True),
        sa.Column("unit_price", sa.Float(), nullable=True),
        sa.Column("abc_class", sa.String(1), nullable=False),
        sa.Column("service_level", sa.Float(), nullable=False),
    )
    op.create_index(
        "ix_plan_positions_run_location", "plan_positions", ["run_id", "location_id", "sku"]
    )
    op.create_table(
        "plan_exceptions",
        _run_fk(),
        sa.Column("exception_id", sa.String(200), primary_key=True),
        sa.Column("type", sa.String(32), nullable=False),
        sa.Column("type_rank", sa.Integer(), nullable=False),
        sa.Column("sku", PLAN_ID, nullable=False),
        sa.Column("location_id", PLAN_ID, nullable=False),
        sa.Column("priority", sa.Integer(), nullable=False),
        sa.Column("money_at_risk", sa.Float(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("rec_kind", sa.String(32), nullable=False),
        sa.Column("record", sa.Text(), nullable=False),
    )
    op.create_index(
        "ix_plan_exceptions_rank", "plan_exceptions", ["run_id", "money_at_risk", "priority"]
    )
    op.create_index("ix_plan_exceptions_sku", "plan_exceptions", ["run_id", "sku", "location_id"])
    op.create_index("ix_plan_exceptions_location", "plan_exceptions", ["run_id", "location_id"])
    op.create_index("ix_plan_exceptions_type", "plan_exceptions", ["run_id", "type"])
    # Partition reads: a range of SKUs of every table that has one.
    op.create_index("ix_promotions_sku", "promotions", ["sku"])


def downgrade() -> None:
    op.drop_index("ix_promotions_sku", "promotions")
    for table in (
        "plan_exceptions",
        "plan_positions",
        "plan_sku_classes",
        "plan_partitions",
        "plan_runs",
    ):
        op.drop_table(table)
