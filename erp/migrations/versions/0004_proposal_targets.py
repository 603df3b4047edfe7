"""Give proposals their target and claim time: orders for the same need see each other.

`target_sku` / `target_location` are the SKU-location an action brings stock to (a transfer's
destination, a purchase order's location), indexed so a draft or a commit finds the other
orders for its target; `claimed_at` is when an approved proposal passed its commit re-check
(it counts as supply from then on). Existing proposals get their target from their args.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02
"""

import json
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("proposals", sa.Column("target_sku", sa.String(length=64), nullable=True))
    op.add_column("proposals", sa.Column("target_location", sa.String(length=64), nullable=True))
    op.add_column("proposals", sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True))
    op.create_index("ix_proposals_target", "proposals", ["target_sku", "target_location", "status"])
    proposals = sa.table(
        "proposals",
        sa.column("id", sa.String),
        sa.column("kind", sa.String),
        sa.column("args", sa.Text),
        sa.column("target_sku", sa.String),
        sa.column("target_location", sa.String),
    )
    conn = op.get_bind()
    for pid, kind, args in conn.execute(
        sa.select(proposals.c.id, proposals.c.kind, proposals.c.args)
    ):
        a = json.loads(args)
        where = a.get("to_location") if kind == "transfer" else a.get("location_id")
        conn.execute(
            proposals.update()
            .where(proposals.c.id == pid)
            .values(target_sku=a.get("sku"), target_location=where)
        )


def downgrade() -> None:
    op.drop_index("ix_proposals_target", table_name="proposals")
    with op.batch_alter_table("proposals") as batch:
        batch.drop_column("claimed_at")
        batch.drop_column("target_location")
        batch.drop_column("target_sku")
