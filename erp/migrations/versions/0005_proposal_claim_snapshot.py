"""Record which snapshot an approved proposal was claimed under.

A committed proposal counts as supply for its target until the next snapshot import (which
holds its document). Comparing times cannot tell a claim from an import of the same second
(SQLite keeps whole seconds), so the claim records the latest import's id instead.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("proposals", sa.Column("claimed_import_id", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("proposals") as batch:
        batch.drop_column("claimed_import_id")
