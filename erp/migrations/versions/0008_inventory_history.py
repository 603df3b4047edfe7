"""Add the inventory history: past daily on hand or stockout flags (censored sales).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "inventory_history",
        sa.Column("sku", sa.String(length=64), nullable=False),
        sa.Column("location_id", sa.String(length=64), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("on_hand", sa.Integer(), nullable=True),
        sa.Column("stockout", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["location_id"],
            ["locations.location_id"],
            name=op.f("fk_inventory_history_location_id_locations"),
        ),
        sa.ForeignKeyConstraint(
            ["sku"], ["items.sku"], name=op.f("fk_inventory_history_sku_items")
        ),
        sa.PrimaryKeyConstraint("sku", "location_id", "date", name=op.f("pk_inventory_history")),
    )


def downgrade() -> None:
    op.drop_table("inventory_history")
