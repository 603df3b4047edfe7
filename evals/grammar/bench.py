"""The demo network the grammar is instantiated on, and its tools called directly.

`Bench` opens a workspace in a temporary folder, loads the generated network into it as the
agent evaluation's harness does, and calls the copilot's read tools with a runtime that carries
that workspace, so every expected fact comes from what the tool itself returns. Results are
cached by tool and arguments.
"""

from __future__ import annotations

import json
import tempfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from erp.demo import generate_demo
from erp.store import replace_snapshot
from planning.network import NetworkData
from stockpilot.actions import PurchaseOrderAction, TransferAction
from stockpilot.settings import Settings
from tools import insight, planner
from tools.context import CopilotContext
from tools.errors import NotFoundError
from tools.resolve import EntityKind
from tools.workspace import Workspace

NETWORK: dict[str, Any] = {
    "generator": "erp.demo.generate_demo",
    "seed": 389,
    "stores": 6,
    "skus": 48,
    "days": 400,
    "dcs": 2,
    "as_of": "2026-08-12",
}
"""The network of the grammar dataset: a seed and shape no other agent dataset uses."""

TOOLS = {t.name: t for t in planner.TOOLS}


@dataclass
class _Runtime:
    """The part of LangGraph's tool runtime the read tools use."""

    context: CopilotContext
    state: dict[str, Any] = field(default_factory=dict)
    config: dict[str, Any] = field(default_factory=dict)
    tool_call_id: str = "grammar"


class Bench:
    """A workspace on the grammar network whose read tools can be called directly."""

    def __init__(self, network: dict[str, Any] | None = None) -> None:
        spec = dict(network or NETWORK)
        spec.pop("generator", None)
        spec["as_of"] = date.fromisoformat(str(spec["as_of"]))
        self.as_of: date = spec["as_of"]
        self._tmp = tempfile.TemporaryDirectory(prefix="stockpilot-grammar-")
        folder = Path(self._tmp.name)
        settings = Settings(
            _env_file=None,
            database_url=f"sqlite:///{folder / 'store.db'}",
            plan_cache_dir=folder / "cache",
            checkpoint_url=f"sqlite:///{folder / 'checkpoints.db'}",
            knowledge_dir=folder / "knowledge",
        )
        self.ws = Workspace.open(settings)
        self.data: NetworkData = generate_demo(**spec).data
        replace_snapshot(self.ws.engine, self.data, source="demo:grammar")
        self._runtime = _Runtime(context=CopilotContext(self.ws))
        self._cache: dict[str, Any] = {}

    def close(self) -> None:
        """Release the store and the temporary folder."""
        self.ws.engine.dispose()
        self._tmp.cleanup()

    def call(self, name: str, **args: Any) -> Any:
        """Call a read tool by name and return its parsed JSON result."""
        key = json.dumps([name, args], sort_keys=True)
        if key not in self._cache:
            text = TOOLS[name].func(runtime=self._runtime, **args)  # type: ignore[attr-defined]
            self._cache[key] = json.loads(text)
        return self._cache[key]

    def resolves(self, kind: EntityKind, text: str, expected: str) -> bool:
        """Return True when the tools read `text` as the entity `expected`."""
        try:
            return insight.resolve_id(self.ws, kind, text) == expected
        except (NotFoundError, ValueError):
            return False

    def category_of(self, text: str) -> str | None:
        """Return the category the tools read `text` as, or None."""
        try:
            return insight.resolve_category(self.ws, text)
        except (NotFoundError, ValueError):
            return None


def accepted(bench: Bench, action: TransferAction | PurchaseOrderAction) -> bool:
    """Return True when the draft checks accept the action at its own quantity (no cut)."""
    check = bench.ws.drafts.check(action)
    return check.ok and int(check.action.qty) == int(action.qty)
