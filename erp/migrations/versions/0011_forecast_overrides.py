"""Planners' forecast overrides, their change events, and the plan runs' override mark.

An override multiplies or replaces the forecast of a SKU at a location (or network-wide) over
a date window, with its reason and author; clearing stamps it. Each set or clear is an event in
order; a plan run records how many events its rows include, and the SKUs of later events are
re-planned alone (as after an ERP commit).

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "forecast_overrides",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("sku", sa.String(64), nullable=False),
        sa.Column("location_id", sa.String(64), nullable=True),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("reason", sa.String(500), nullable=False),
        sa.Column("author", sa.String(200), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column("cleared_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("cleared_by", sa.String(200), nullable=True),
        sa.CheckConstraint("kind IN ('multiplier', 'rate')", name="kind"),
        sa.CheckConstraint("value >= 0", name="value"),
        sa.CheckConstraint("end_date >= start_date", name="window"),
    )
    op.create_index("ix_forecast_overrides_sku_active", "forecast_overrides", ["sku", "cleared_at"])
    op.create_table(
        "forecast_override_events",
        sa.Column("seq", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("override_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(8), nullable=False),
        sa.Column("sku", sa.String(64), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.CheckConstraint("action IN ('set', 'clear')", name="action"),
    )
    op.create_index(
        "ix_forecast_override_events_override_id", "forecast_override_events", ["override_id"]
    )
    op.add_column(
        "plan_runs",
        sa.Column("override_events", sa.Integer(), nullable=False, server_default="0"),
    )


def downgrade() -> None:
    with op.batch_alter_table("plan_runs") as batch:
        batch.drop_column("override_events")
    op.drop_index("ix_forecast_override_events_override_id", "forecast_override_events")
    op.drop_table("forecast_override_events")
    op.drop_index("ix_forecast_overrides_sku_active", "forecast_overrides")
    op.drop_table("forecast_overrides")
