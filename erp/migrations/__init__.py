"""Alembic migrations of the built-in ERP store."""
