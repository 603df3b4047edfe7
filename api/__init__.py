"""The HTTP service every surface uses (FastAPI)."""
