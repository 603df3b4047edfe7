"""Create the initial ERP store tables.

Revision ID: 0001
Revises:
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "erp_commits",
        sa.Column("idempotency_key", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("document_id", sa.String(length=64), nullable=False),
        sa.Column("payload", sa.String(length=4000), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.CheckConstraint(
            "kind IN ('purchase_order', 'transfer')", name=op.f("ck_erp_commits_kind")
        ),
        sa.PrimaryKeyConstraint("idempotency_key", name=op.f("pk_erp_commits")),
        sa.UniqueConstraint("document_id", name=op.f("uq_erp_commits_document_id")),
    )
    op.create_table(
        "items",
        sa.Column("sku", sa.String(length=64), nullable=False),
        sa.Column("description", sa.String(length=500), nullable=False),
        sa.Column("category", sa.String(length=100), nullable=False),
        sa.Column("unit_cost", sa.Float(), nullable=False),
        sa.Column("unit_price", sa.Float(), nullable=False),
        sa.Column("case_pack", sa.Integer(), nullable=False),
        sa.CheckConstraint("case_pack >= 1", name=op.f("ck_items_case_pack")),
        sa.PrimaryKeyConstraint("sku", name=op.f("pk_items")),
    )
    op.create_table(
        "locations",
        sa.Column("location_id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("type", sa.String(length=8), nullable=False),
        sa.Column("region", sa.String(length=100), nullable=False),
        sa.Column("source_location", sa.String(length=64), nullable=True),
        sa.CheckConstraint("type IN ('store', 'dc')", name=op.f("ck_locations_type")),
        sa.ForeignKeyConstraint(
            ["source_location"],
            ["locations.location_id"],
            name=op.f("fk_locations_source_location_locations"),
        ),
        sa.PrimaryKeyConstraint("location_id", name=op.f("pk_locations")),
    )
    op.create_table(
        "snapshot_imports",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("source", sa.String(length=500), nullable=False),
        sa.Column("as_of_date", sa.Date(), nullable=True),
        sa.Column("row_counts", sa.String(length=2000), nullable=False),
        sa.Column(
            "imported_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_snapshot_imports")),
    )
    op.create_table(
        "suppliers",
        sa.Column("supplier_id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("lead_time_days", sa.Integer(), nullable=False),
        sa.Column("lead_time_std_days", sa.Float(), nullable=False),
        sa.Column("on_time_rate", sa.Float(), nullable=False),
        sa.CheckConstraint("on_time_rate BETWEEN 0 AND 1", name=op.f("ck_suppliers_on_time_rate")),
        sa.PrimaryKeyConstraint("supplier_id", name=op.f("pk_suppliers")),
    )
    op.create_table(
        "inventory_balances",
        sa.Column("sku", sa.String(length=64), nullable=False),
        sa.Column("location_id", sa.String(length=64), nullable=False),
        sa.Column("on_hand", sa.Integer(), nullable=False),
        sa.Column("as_of_date", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(
            ["location_id"],
            ["locations.location_id"],
            name=op.f("fk_inventory_balances_location_id_locations"),
        ),
        sa.ForeignKeyConstraint(
            ["sku"], ["items.sku"], name=op.f("fk_inventory_balances_sku_items")
        ),
        sa.PrimaryKeyConstraint("sku", "location_id", name=op.f("pk_inventory_balances")),
    )
    op.create_table(
        "item_suppliers",
        sa.Column("sku", sa.String(length=64), nullable=False),
        sa.Column("supplier_id", sa.String(length=64), nullable=False),
        sa.Column("unit_cost", sa.Float(), nullable=False),
        sa.Column("moq", sa.Integer(), nullable=False),
        sa.Column("lead_time_days", sa.Integer(), nullable=True),
        sa.Column("is_primary", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["sku"], ["items.sku"], name=op.f("fk_item_suppliers_sku_items")),
        sa.ForeignKeyConstraint(
            ["supplier_id"],
            ["suppliers.supplier_id"],
            name=op.f("fk_item_suppliers_supplier_id_suppliers"),
        ),
        sa.PrimaryKeyConstraint("sku", "supplier_id", name=op.f("pk_item_suppliers")),
    )
    op.create_table(
        "lanes",
        sa.Column("from_location", sa.String(length=64), nullable=False),
        sa.Column("to_location", sa.String(length=64), nullable=False),
        sa.Column("lead_time_days", sa.Integer(), nullable=False),
        sa.Column("cost_per_unit", sa.Float(), nullable=False),
        sa.CheckConstraint("cost_per_unit >= 0", name=op.f("ck_lanes_cost")),
        sa.CheckConstraint("lead_time_days >= 0", name=op.f("ck_lanes_lead_time")),
        sa.ForeignKeyConstraint(
            ["from_location"],
            ["locations.location_id"],
            name=op.f("fk_lanes_from_location_locations"),
        ),
        sa.ForeignKeyConstraint(
            ["to_location"], ["locations.location_id"], name=op.f("fk_lanes_to_location_locations")
        ),
        sa.PrimaryKeyConstraint("from_location", "to_location", name=op.f("pk_lanes")),
    )
    op.create_table(
        "promotions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("promo_id", sa.String(length=64), nullable=False),
        sa.Column("sku", sa.String(length=64), nullable=False),
        sa.Column("location_id", sa.String(length=64), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=False),
        sa.Column("expected_uplift", sa.Float(), nullable=False),
        sa.Column("discount_pct", sa.Float(), nullable=False),
        sa.CheckConstraint("end_date >= start_date", name=op.f("ck_promotions_dates")),
        sa.ForeignKeyConstraint(
            ["location_id"],
            ["locations.location_id"],
            name=op.f("fk_promotions_location_id_locations"),
        ),
        sa.ForeignKeyConstraint(["sku"], ["items.sku"], name=op.f("fk_promotions_sku_items")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_promotions")),
        sa.UniqueConstraint(
            "promo_id", "sku", "location_id", name=op.f("uq_promotions_promo_id_sku_location_id")
        ),
    )
    op.create_table(
        "purchase_orders",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("po_id", sa.String(length=64), nullable=False),
        sa.Column("supplier_id", sa.String(length=64), nullable=False),
        sa.Column("sku", sa.String(length=64), nullable=False),
        sa.Column("location_id", sa.String(length=64), nullable=False),
        sa.Column("qty", sa.Integer(), nullable=False),
        sa.Column("order_date", sa.Date(), nullable=False),
        sa.Column("expected_date", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.CheckConstraint(
            "status IN ('open', 'received', 'cancelled')", name=op.f("ck_purchase_orders_status")
        ),
        sa.CheckConstraint("qty > 0", name=op.f("ck_purchase_orders_qty")),
        sa.ForeignKeyConstraint(
            ["location_id"],
            ["locations.location_id"],
            name=op.f("fk_purchase_orders_location_id_locations"),
        ),
        sa.ForeignKeyConstraint(["sku"], ["items.sku"], name=op.f("fk_purchase_orders_sku_items")),
        sa.ForeignKeyConstraint(
            ["supplier_id"],
            ["suppliers.supplier_id"],
            name=op.f("fk_purchase_orders_supplier_id_suppliers"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_purchase_orders")),
        sa.UniqueConstraint(
            "po_id", "sku", "location_id", name=op.f("uq_purchase_orders_po_id_sku_location_id")
        ),
    )
    with op.batch_alter_table("purchase_orders", schema=None) as batch_op:
        batch_op.create_index(
            "ix_purchase_orders_sku_location", ["sku", "location_id"], unique=False
        )

    op.create_table(
        "sales_daily",
        sa.Column("sku", sa.String(length=64), nullable=False),
        sa.Column("location_id", sa.String(length=64), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("units", sa.Integer(), nullable=False),
        sa.CheckConstraint("units >= 0", name=op.f("ck_sales_daily_units")),
        sa.ForeignKeyConstraint(
            ["location_id"],
            ["locations.location_id"],
            name=op.f("fk_sales_daily_location_id_locations"),
        ),
        sa.ForeignKeyConstraint(["sku"], ["items.sku"], name=op.f("fk_sales_daily_sku_items")),
        sa.PrimaryKeyConstraint("sku", "location_id", "date", name=op.f("pk_sales_daily")),
    )
    op.create_table(
        "transfers",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("transfer_id", sa.String(length=64), nullable=False),
        sa.Column("sku", sa.String(length=64), nullable=False),
        sa.Column("from_location", sa.String(length=64), nullable=False),
        sa.Column("to_location", sa.String(length=64), nullable=False),
        sa.Column("qty", sa.Integer(), nullable=False),
        sa.Column("ship_date", sa.Date(), nullable=False),
        sa.Column("expected_date", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.CheckConstraint(
            "status IN ('in_transit', 'received')", name=op.f("ck_transfers_status")
        ),
        sa.CheckConstraint("qty > 0", name=op.f("ck_transfers_qty")),
        sa.ForeignKeyConstraint(
            ["from_location"],
            ["locations.location_id"],
            name=op.f("fk_transfers_from_location_locations"),
        ),
        sa.ForeignKeyConstraint(["sku"], ["items.sku"], name=op.f("fk_transfers_sku_items")),
        sa.ForeignKeyConstraint(
            ["to_location"],
            ["locations.location_id"],
            name=op.f("fk_transfers_to_location_locations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_transfers")),
        sa.UniqueConstraint("transfer_id", "sku", name=op.f("uq_transfers_transfer_id_sku")),
    )
    with op.batch_alter_table("transfers", schema=None) as batch_op:
        batch_op.create_index("ix_transfers_sku_to_location", ["sku", "to_location"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("transfers", schema=None) as batch_op:
        batch_op.drop_index("ix_transfers_sku_to_location")

    op.drop_table("transfers")
    op.drop_table("sales_daily")
    with op.batch_alter_table("purchase_orders", schema=None) as batch_op:
        batch_op.drop_index("ix_purchase_orders_sku_location")

    op.drop_table("purchase_orders")
    op.drop_table("promotions")
    op.drop_table("lanes")
    op.drop_table("item_suppliers")
    op.drop_table("inventory_balances")
    op.drop_table("suppliers")
    op.drop_table("snapshot_imports")
    op.drop_table("locations")
    op.drop_table("items")
    op.drop_table("erp_commits")
