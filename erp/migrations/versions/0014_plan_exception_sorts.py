"""Plan exceptions carry their first risk date and recommendation's supplier and source.

Sorting a run's exceptions by priority or by first risk date, keeping one supplier's, and
grouping them by supplier or source read the JSON record of every exception; the columns and
indexes let the database do it. Existing rows are filled from their records.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-04
"""

import json
from collections.abc import Sequence
from datetime import date

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TIES = ["type_rank", "sku", "location_id", "seq"]
BATCH = 5_000


def upgrade() -> None:
    op.add_column("plan_exceptions", sa.Column("first_risk_date", sa.Date(), nullable=True))
    op.add_column("plan_exceptions", sa.Column("rec_supplier_id", sa.String(64), nullable=True))
    op.add_column("plan_exceptions", sa.Column("rec_from_location", sa.String(64), nullable=True))
    table = sa.table(
        "plan_exceptions",
        sa.column("run_id", sa.Integer()),
        sa.column("exception_id", sa.String()),
        sa.column("record", sa.Text()),
        sa.column("first_risk_date", sa.Date()),
        sa.column("rec_supplier_id", sa.String()),
        sa.column("rec_from_location", sa.String()),
    )
    conn = op.get_bind()
    update = (
        sa.update(table)
        .where(table.c.run_id == sa.bindparam("run"), table.c.exception_id == sa.bindparam("id"))
        .values(
            first_risk_date=sa.bindparam("risk"),
            rec_supplier_id=sa.bindparam("supplier"),
            rec_from_location=sa.bindparam("source"),
        )
    )
    rows = conn.execute(sa.select(table.c.run_id, table.c.exception_id, table.c.record)).all()
    for lo in range(0, len(rows), BATCH):
        values = []
        for run_id, exception_id, text in rows[lo : lo + BATCH]:
            record = json.loads(text)
            rec = record.get("recommendation") or {}
            risk = record.get("first_risk_date")
            values.append(
                {
                    "run": run_id,
                    "id": exception_id,
                    "risk": date.fromisoformat(risk) if risk else None,
                    "supplier": rec.get("supplier_id") or None,
                    "source": rec.get("from_location") or None,
                }
            )
        conn.execute(update, values)
    op.create_index(
        "ix_plan_exceptions_priority_rank",
        "plan_exceptions",
        ["run_id", "priority", sa.text("money_at_risk DESC"), *TIES],
    )
    op.create_index(
        "ix_plan_exceptions_risk_date",
        "plan_exceptions",
        ["run_id", "first_risk_date", "priority", sa.text("money_at_risk DESC"), *TIES],
    )
    op.create_index("ix_plan_exceptions_supplier", "plan_exceptions", ["run_id", "rec_supplier_id"])


def downgrade() -> None:
    op.drop_index("ix_plan_exceptions_supplier", "plan_exceptions")
    op.drop_index("ix_plan_exceptions_risk_date", "plan_exceptions")
    op.drop_index("ix_plan_exceptions_priority_rank", "plan_exceptions")
    op.drop_column("plan_exceptions", "rec_from_location")
    op.drop_column("plan_exceptions", "rec_supplier_id")
    op.drop_column("plan_exceptions", "first_risk_date")
