"""The errors the workspace's reads raise for names that are not in the store or the plan."""

from __future__ import annotations


class NotFoundError(LookupError):
    """Raised when a SKU, location, exception or proposal is not in the network or the plan."""


class ProposalMismatchError(ValueError):
    """Raised when a proposal named for a SKU-location's chart concerns another one."""


def at(location: str | None) -> str:
    """Return " at 'LOC'" for a message naming a location, or "" when there is none."""
    return f" at {location!r}" if location else ""
