"""Load who is who in Slack and Teams: chat identities mapped to StockPilot users.

The file (`Settings.identities_file`, by default `config/identities.yaml`) maps Slack user ids
and Teams (Entra ID / AAD) object ids to StockPilot user names; the role of each user comes from
the approval policy (`config/policy.yaml`). A chat user not in the file is unknown: the bots let
them read (ask, briefing) but never decide.
"""

from __future__ import annotations

import re
import uuid
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from stockpilot.policy import ApprovalPolicy, load_yaml_model
from stockpilot.settings import get_settings

SLACK_ID = re.compile(r"^[UW][A-Z0-9]{2,20}$")


class IdentitiesError(ValueError):
    """Raised when an identities file cannot be read or is invalid; names the file and field."""


class IdentityMap(BaseModel):
    """Slack user ids and Teams AAD object ids, each mapped to a StockPilot user."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    version: Literal[1]
    slack: dict[str, str] = Field(default_factory=dict)
    teams: dict[str, str] = Field(default_factory=dict)

    @field_validator("slack", mode="before")
    @classmethod
    def _slack_ids(cls, value: object) -> object:
        if value is None:
            return {}
        if isinstance(value, dict):
            for key in value:
                if not isinstance(key, str) or not SLACK_ID.match(key):
                    raise ValueError(
                        f"{key!r} is not a Slack user id (like U0123ABCD or W0123ABCD)"
                    )
        return value

    @field_validator("teams", mode="before")
    @classmethod
    def _teams_ids(cls, value: object) -> object:
        if value is None:
            return {}
        if not isinstance(value, dict):
            return value
        out: dict[object, object] = {}
        for key, user in value.items():
            try:
                canonical = str(uuid.UUID(str(key)))
            except ValueError:
                raise ValueError(
                    f"{key!r} is not an AAD object id (a GUID like "
                    "00000000-0000-0000-0000-000000000000)"
                ) from None
            if canonical in out:
                raise ValueError(f"{key!r} is listed twice")
            out[canonical] = user
        return out

    def slack_user(self, slack_user_id: str | None) -> str | None:
        """Return the StockPilot user behind a Slack user id, or None when unknown."""
        return self.slack.get(slack_user_id or "")

    def teams_user(self, aad_object_id: str | None) -> str | None:
        """Return the StockPilot user behind a Teams AAD object id, or None when unknown."""
        try:
            return self.teams.get(str(uuid.UUID(str(aad_object_id))))
        except ValueError:
            return None

    def check_users(self, policy: ApprovalPolicy) -> list[str]:
        """Return a problem per mapped user the policy does not know (empty when all known)."""
        return [
            f"{section}.{chat_id}: unknown user {user!r} (not in the policy's users)"
            for section, table in (("slack", self.slack), ("teams", self.teams))
            for chat_id, user in table.items()
            if policy.role_of(user) is None
        ]


def load_identities(
    path: str | Path | None = None, *, policy: ApprovalPolicy | None = None
) -> IdentityMap:
    """Read and validate an identities file (default: the configured `identities_file`).

    With a policy, every mapped user must exist in it.
    """
    path = Path(path) if path is not None else get_settings().identities_file
    # Duplicate keys are refused: a chat id must not map twice.
    identities = load_yaml_model(
        path,
        IdentityMap,
        what="identities",
        expected="version, slack and teams",
        error=IdentitiesError,
    )
    problems = identities.check_users(policy) if policy is not None else []
    if problems:
        raise IdentitiesError(f"{path}: {'; '.join(problems)}")
    return identities
