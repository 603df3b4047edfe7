"""Carry the run's dependencies (the workspace) into tools through LangGraph's runtime context."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from tools.workspace import Workspace


@lru_cache(maxsize=1)
def default_workspace() -> Workspace:
    """Return the process-wide workspace configured from settings."""
    return Workspace.open()


@dataclass
class CopilotContext:
    """Run-scoped dependencies of the copilot graph (not checkpointed)."""

    workspace: Workspace | None = None

    def ws(self) -> Workspace:
        """Return the workspace of this run, or the process default."""
        return self.workspace or default_workspace()
