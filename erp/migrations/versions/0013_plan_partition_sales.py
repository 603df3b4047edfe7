"""A partition's sales as its scan read them, kept for the plan phase of the same run.

The scan phase and the plan phase of a run read the same sales rows; the scan now stores what
the plan reads of them (the pairs sold in the window and the store series' units per day,
compressed) and the plan phase reads that instead, so a run reads its sales once. Rows live
while the run is in progress.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "plan_partition_sales",
        sa.Column(
            "run_id",
            sa.Integer(),
            sa.ForeignKey("plan_runs.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("partition_id", sa.Integer(), primary_key=True),
        sa.Column("data", sa.LargeBinary(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("plan_partition_sales")
