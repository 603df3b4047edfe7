"""Carry the forecast's stockout evidence in the plan tables' positions.

A plan read from the plan tables said nothing of the stockout days its forecast left out (the
in-memory plan's `stockout_evidence`): each position now holds the days left out, how many of
them were suspected from the sales, the suspect run up to the snapshot, and whether the
inventory history covers the SKU-location. Rows of older runs read 0 / false.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COUNTS = ("stockout_days_excluded", "suspect_stockout_days", "trailing_suspect_days")


def upgrade() -> None:
    with op.batch_alter_table("plan_positions") as batch:
        for name in COUNTS:
            batch.add_column(
                sa.Column(name, sa.Integer(), nullable=False, server_default=sa.text("0"))
            )
        batch.add_column(
            sa.Column("inventory_history", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    with op.batch_alter_table("plan_positions") as batch:
        for name in (*COUNTS, "inventory_history"):
            batch.drop_column(name)
