"""Liveness and readiness (anonymous)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from erp.db import ping

router = APIRouter(tags=["health"])


class Health(BaseModel):
    """A health answer."""

    status: str
    checks: dict[str, str] = {}


@router.get("/healthz", response_model=Health)
def healthz() -> Health:
    """Say the process is alive."""
    return Health(status="ok")


@router.get("/readyz", response_model=Health, responses={503: {"model": Health}})
def readyz(request: Request) -> Health | JSONResponse:
    """Check the store and the checkpointer answer."""
    checks: dict[str, str] = {}
    try:
        ping(request.app.state.workspace.engine)
        checks["database"] = "ok"
    except Exception as exc:  # report, don't crash: this endpoint exists to say what is wrong
        checks["database"] = f"error: {type(exc).__name__}"
    try:
        request.app.state.copilot.checkpointer.get_tuple(
            {"configurable": {"thread_id": "__readyz__", "checkpoint_ns": ""}}
        )
        checks["checkpointer"] = "ok"
    except Exception as exc:
        checks["checkpointer"] = f"error: {type(exc).__name__}"
    ok = all(v == "ok" for v in checks.values())
    body = Health(status="ok" if ok else "unavailable", checks=checks)
    return body if ok else JSONResponse(body.model_dump(), status_code=503)
