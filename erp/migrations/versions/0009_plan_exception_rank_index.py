"""The exceptions' rank index in the ranking's own order, so a page is an index range scan.

`GET /v1/exceptions` orders by money at risk descending, then priority, type rank, SKU,
location and sequence: an index in exactly that order lets PostgreSQL and SQLite read the first
page off the index instead of sorting every exception of the run.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.drop_index("ix_plan_exceptions_rank", "plan_exceptions")
    op.create_index(
        "ix_plan_exceptions_rank",
        "plan_exceptions",
        [
            "run_id",
            sa.text("money_at_risk DESC"),
            "priority",
            "type_rank",
            "sku",
            "location_id",
            "seq",
        ],
    )


def downgrade() -> None:
    op.drop_index("ix_plan_exceptions_rank", "plan_exceptions")
    op.create_index(
        "ix_plan_exceptions_rank", "plan_exceptions", ["run_id", "money_at_risk", "priority"]
    )
