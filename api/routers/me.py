"""The caller's own identity: who the token belongs to, their role and their authority.

Surfaces use it to say who is signed in and to offer only what the caller may do; the API
still enforces every permission on the calls themselves.
"""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel

from api.auth import ROLE_PERMISSIONS
from api.deps import Reader, WorkspaceDep

router = APIRouter(tags=["me"])


class Me(BaseModel):
    """The authenticated caller and what the policy lets them do."""

    user: str
    role: str
    permissions: list[str]
    may_draft: bool
    may_approve: list[str]
    max_order_value: float


@router.get("/me", response_model=Me)
def me(ws: WorkspaceDep, principal: Reader) -> Me:
    """Return who the token belongs to, their role and their approval authority."""
    role = ws.policy.roles.get(principal.role)
    return Me(
        user=principal.user,
        role=principal.role,
        permissions=sorted(ROLE_PERMISSIONS.get(principal.role, frozenset())),
        may_draft=ws.policy.may_draft(principal.user),
        may_approve=list(role.may_approve) if role else [],
        max_order_value=role.max_order_value if role else 0.0,
    )
