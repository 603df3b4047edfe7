"""Serve the API with uvicorn: `uvicorn --factory api.server:app_factory --workers 2`.

Each worker process calls the factory, so each builds its own workspace and copilot from the
environment (STOCKPILOT_* settings).
"""

from __future__ import annotations

from fastapi import FastAPI

from api.app import create_app
from api.metrics import install_metrics


def app_factory() -> FastAPI:
    """Build the app from the environment's settings."""
    app = create_app()
    install_metrics(app)  # no-op once create_app installs them itself
    return app
