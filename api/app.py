"""Build the FastAPI application: one router per resource under /v1, JSON errors, auth.

The chat bots are not part of it: the serving entry point (`ui.server`) mounts them.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import anyio
from fastapi import FastAPI

from api.auth import token_table
from api.errors import install_error_handlers
from api.limits import BodyGuard
from api.metrics import install_metrics
from api.routers import (
    approvals,
    audit,
    exceptions,
    health,
    me,
    network,
    orders,
    overrides,
    proposals,
    threads,
)
from graph.recovery import recover
from graph.service import Copilot
from stockpilot import __version__
from stockpilot.settings import Settings, get_settings
from tools.workspace import Workspace

log = logging.getLogger("stockpilot.api")


def _recover(app: FastAPI) -> None:
    try:
        repairs = recover(app.state.copilot)
    except Exception:  # a failed pass is logged and retried on the next one
        log.exception("recovery pass failed")
        return
    for r in repairs:
        if r.action != "busy":
            log.warning("recovered %s", r.as_dict())


async def _recover_every(app: FastAPI, seconds: float) -> None:
    while True:
        await anyio.sleep(seconds)
        await anyio.to_thread.run_sync(_recover, app)


def create_app(
    settings: Settings | None = None,
    *,
    workspace: Workspace | None = None,
    copilot: Copilot | None = None,
) -> FastAPI:
    """Create the app; the workspace and copilot are built from settings unless given."""
    settings = settings or get_settings()
    ws = workspace or (copilot.workspace if copilot else Workspace.open(settings))
    if workspace is None and copilot is None:
        ws.plans.key_ttl = 1.0  # a served app re-checks snapshot freshness at most once a second
        ws.plans.freeze_heap = True  # and keeps its loaded plan out of full garbage collections
    tokens = token_table(settings, ws.policy)  # refuses unsafe token configs at start-up

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        owned = copilot is None
        app.state.copilot = copilot or Copilot(ws)
        if owned:  # a served app loads its plan before the first request, not during it
            ws.plans.warm()
        async with anyio.create_task_group() as tasks:
            if settings.recovery_interval_seconds > 0:
                # Nothing stays half-done: interrupted turns and approvals are repaired now
                # (before the first request) and then on a schedule.
                await anyio.to_thread.run_sync(_recover, app)
                tasks.start_soon(_recover_every, app, settings.recovery_interval_seconds)
            yield
            tasks.cancel_scope.cancel()
        if owned:
            app.state.copilot.close()

    app = FastAPI(
        title="StockPilot",
        version=__version__,
        description="Planner copilot for retail demand planning and inventory coordination.",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.workspace = ws
    app.state.tokens = tokens
    if copilot is not None:
        app.state.copilot = copilot
    install_error_handlers(app)

    # Bodies are capped as they stream, and anonymous /v1 bodies are never read.
    app.add_middleware(BodyGuard, max_bytes=settings.max_body_bytes, tokens=tokens)

    app.include_router(health.router)
    for module in (
        me,
        threads,
        approvals,
        exceptions,
        network,
        orders,
        proposals,
        audit,
        overrides,
    ):
        app.include_router(module.router, prefix="/v1")
    install_metrics(app)  # last: its timing middleware is the outermost
    return app
