"""Authenticate requests by bearer token or API key, and say what each role may do.

Tokens map to StockPilot users (settings); users map to roles (the approval policy). Planners
chat and draft, approvers also decide (within the authority the policy gives them), viewers
read, admins do everything. Only health and metrics are anonymous.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from typing import Literal

from stockpilot.policy import ApprovalPolicy
from stockpilot.settings import Settings

Permission = Literal["read", "chat", "decide", "admin"]

ROLE_PERMISSIONS: dict[str, frozenset[Permission]] = {
    "viewer": frozenset({"read"}),
    "planner": frozenset({"read", "chat"}),
    "approver": frozenset({"read", "chat", "decide"}),
    "admin": frozenset({"read", "chat", "decide", "admin"}),
}
DEV_TOKEN_PREFIX = "dev-"


class AuthConfigError(ValueError):
    """Raised at start-up when the token configuration is unsafe or inconsistent."""


@dataclass(frozen=True)
class Principal:
    """The authenticated caller."""

    user: str
    role: str

    def can(self, permission: Permission) -> bool:
        """Return True when the caller's role grants `permission`."""
        return permission in ROLE_PERMISSIONS.get(self.role, frozenset())


class TokenTable:
    """Look tokens up in constant time per entry."""

    def __init__(self, tokens: dict[str, str], policy: ApprovalPolicy):
        self._tokens = list(tokens.items())
        self._policy = policy

    def principal(self, token: str) -> Principal | None:
        """Return the caller a token belongs to, or None."""
        found: str | None = None
        for known, user in self._tokens:
            if hmac.compare_digest(known.encode(), token.encode()):
                found = user
        if found is None:
            return None
        return Principal(user=found, role=self._policy.role_of(found) or "viewer")


def token_of(authorization: str, api_key: str | None) -> str | None:
    """Return the token a request carries: `Authorization: Bearer ...`, else `X-API-Key`."""
    if authorization.lower().startswith("bearer "):
        return authorization[7:].strip() or None
    return api_key or None


def token_table(settings: Settings, policy: ApprovalPolicy) -> TokenTable:
    """Build the token table; development gets 'dev-<user>' tokens when none are configured."""
    tokens = dict(settings.api_tokens)
    if settings.environment == "development" and not tokens:
        tokens = {f"{DEV_TOKEN_PREFIX}{user}": user for user in policy.users}
    if settings.environment != "development":
        if not tokens:
            raise AuthConfigError("STOCKPILOT_API_TOKENS is empty: no one could sign in")
        weak = [t for t in tokens if t.startswith(DEV_TOKEN_PREFIX) or len(t) < 16]
        if weak:
            raise AuthConfigError(
                "STOCKPILOT_API_TOKENS has development or short tokens (under 16 characters); "
                "use long random values outside development"
            )
    unknown = sorted({u for u in tokens.values() if policy.role_of(u) is None})
    if unknown:
        raise AuthConfigError(
            f"STOCKPILOT_API_TOKENS maps to users missing from the policy: {', '.join(unknown)}"
        )
    return TokenTable(tokens, policy)
