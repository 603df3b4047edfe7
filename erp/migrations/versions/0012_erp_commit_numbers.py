"""ERP commits are numbered in commit order; a plan run's commit mark is the last one's number.

The connector ledger had no number, so a plan run counted its rows and re-planned "the newest
N" after it: on PostgreSQL two commits could commit in the other order than their rows' times
and leave a SKU unplanned. Existing rows are numbered 1, 2, … by the time they were written, so
a count a plan run stored earlier is still a valid mark (at worst it re-plans extra SKUs).

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("erp_commits", sa.Column("seq", sa.Integer(), nullable=True))
    ledger = sa.table(
        "erp_commits",
        sa.column("idempotency_key", sa.String()),
        sa.column("created_at", sa.DateTime(timezone=True)),
        sa.column("seq", sa.Integer()),
    )
    conn = op.get_bind()
    keys = conn.execute(
        sa.select(ledger.c.idempotency_key).order_by(ledger.c.created_at, ledger.c.idempotency_key)
    ).scalars()
    numbered = [{"key": key, "number": n} for n, key in enumerate(keys, start=1)]
    if numbered:
        conn.execute(
            sa.update(ledger)
            .where(ledger.c.idempotency_key == sa.bindparam("key"))
            .values(seq=sa.bindparam("number")),
            numbered,
        )
    op.create_index("ix_erp_commits_seq", "erp_commits", ["seq"], unique=True)


def downgrade() -> None:
    op.drop_index("ix_erp_commits_seq", "erp_commits")
    with op.batch_alter_table("erp_commits") as batch:
        batch.drop_column("seq")
