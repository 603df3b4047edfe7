"""Add the governance tables: approval proposals and the hash-chained audit log.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "audit_log",
        sa.Column("seq", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("ts", sa.String(length=40), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("event", sa.String(length=40), nullable=False),
        sa.Column("thread_id", sa.String(length=200), nullable=True),
        sa.Column("proposal_id", sa.String(length=40), nullable=True),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_audit_log")),
        sa.UniqueConstraint("hash", name=op.f("uq_audit_log_hash")),
        sa.UniqueConstraint("prev_hash", name=op.f("uq_audit_log_prev_hash")),
        sqlite_autoincrement=True,
    )
    op.create_index(op.f("ix_audit_log_proposal_id"), "audit_log", ["proposal_id"])
    op.create_index(op.f("ix_audit_log_thread_id"), "audit_log", ["thread_id"])

    op.create_table(
        "proposals",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("thread_id", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("args", sa.Text(), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("evidence", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column("decided_by", sa.String(length=200), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decision", sa.String(length=16), nullable=True),
        sa.Column("decision_note", sa.Text(), nullable=True),
        sa.Column("document_id", sa.String(length=64), nullable=True),
        sa.Column("failure_reason", sa.Text(), nullable=True),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.CheckConstraint(
            "decision IS NULL OR decision IN ('approve', 'edit', 'reject', 'respond')",
            name=op.f("ck_proposals_decision"),
        ),
        sa.CheckConstraint(
            "kind IN ('transfer', 'purchase_order')", name=op.f("ck_proposals_kind")
        ),
        sa.CheckConstraint(
            "status IN ('pending', 'approved', 'rejected', 'committed', 'failed')",
            name=op.f("ck_proposals_status"),
        ),
        sa.CheckConstraint("value >= 0", name=op.f("ck_proposals_value")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_proposals")),
    )
    op.create_index(op.f("ix_proposals_status"), "proposals", ["status"])
    op.create_index(op.f("ix_proposals_thread_id"), "proposals", ["thread_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_proposals_thread_id"), table_name="proposals")
    op.drop_index(op.f("ix_proposals_status"), table_name="proposals")
    op.drop_table("proposals")
    op.drop_index(op.f("ix_audit_log_thread_id"), table_name="audit_log")
    op.drop_index(op.f("ix_audit_log_proposal_id"), table_name="audit_log")
    op.drop_table("audit_log")
