"""FastAPI dependencies: the workspace, the copilot, and the authenticated caller."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, HTTPException, Request, status

from api.auth import Permission, Principal, TokenTable, token_of
from api.errors import error_body
from graph.service import Copilot
from tools.workspace import Workspace


def get_workspace(request: Request) -> Workspace:
    """Return the app's workspace."""
    ws: Workspace = request.app.state.workspace
    return ws


def get_copilot(request: Request) -> Copilot:
    """Return the app's copilot (graph, checkpointer, model)."""
    copilot: Copilot = request.app.state.copilot
    return copilot


def current_principal(request: Request) -> Principal:
    """Authenticate the caller (401 when missing or unknown)."""
    token = token_of(request.headers.get("authorization", ""), request.headers.get("x-api-key"))
    table: TokenTable = request.app.state.tokens
    principal = table.principal(token) if token else None
    if principal is None:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            detail=error_body("unauthorized", "a valid bearer token or X-API-Key is required"),
            headers={"WWW-Authenticate": "Bearer"},
        )
    return principal


def require(permission: Permission):
    """Return a dependency that admits callers whose role grants `permission` (else 403)."""

    def check(principal: Annotated[Principal, Depends(current_principal)]) -> Principal:
        if not principal.can(permission):
            raise HTTPException(
                status.HTTP_403_FORBIDDEN,
                detail=error_body(
                    "forbidden", f"{principal.user} ({principal.role}) may not {permission}"
                ),
            )
        return principal

    return check


WorkspaceDep = Annotated[Workspace, Depends(get_workspace)]
CopilotDep = Annotated[Copilot, Depends(get_copilot)]
Reader = Annotated[Principal, Depends(require("read"))]
Chatter = Annotated[Principal, Depends(require("chat"))]
Decider = Annotated[Principal, Depends(require("decide"))]
Admin = Annotated[Principal, Depends(require("admin"))]
