"""The one read-and-act path for the CLI, the agent tools and the API: a store's concerns, wired.

A `Workspace` builds the components of one store and hands them out; callers use a component's
own public API (`ws.queries.exceptions(...)`, `ws.governance.proposals.get(...)`):

- `plans` (`tools.plan_cache.PlanCache`): the plan and reference data, cached per snapshot and
  ERP write, on disk too when `plan_cache_dir` is set; frozen out of the GC on a server.
- `queries` (`tools.plan_queries.PlanQueries`): exceptions, positions, suppliers, what-ifs,
  forecasts.
- `charts` (`tools.projection.Projections`): a SKU-location's chart data, before and after a
  proposal.
- `drafts` (`tools.drafts.DraftChecks`): checks of transfers and purchase orders.
- `governance` (`tools.governance.Governance`): proposals, the audit log, chat deliveries, and
  the locked propose / claim of a drafted action.
- `snapshots` (`tools.snapshots.SnapshotAdmin`): CSV import and export, the demo network.

The workspace itself keeps only what spans components: the settings and the engine, the approval
policy, the ERP connector (built once, on first use), `sync_erp` (the connector's network into a
snapshot) and the knowledge base (ingested on first use). Constructing a workspace touches
nothing: entry points (CLI commands, API start-up, the agent server, tests' fixtures) open it
with `Workspace.open`, which first brings the database schema to the latest migration.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date
from functools import cached_property
from typing import TYPE_CHECKING

from sqlalchemy import Engine

from erp.connector import ErpConnector, open_connector
from erp.db import make_engine, migrate
from erp.store import SnapshotSummary
from planning.params import PlanParams
from stockpilot.policy import ApprovalPolicy, load_policy
from stockpilot.settings import Settings, get_settings
from tools.drafts import DraftChecks
from tools.governance import Governance
from tools.plan_cache import PlanCache
from tools.plan_queries import PlanQueries
from tools.projection import Projections
from tools.snapshots import SnapshotAdmin

if TYPE_CHECKING:
    from knowledge import KnowledgeBase

__all__ = ["Workspace"]


class Workspace:
    """The store plus the planning engine, configured from settings and the policy file."""

    def __init__(
        self,
        settings: Settings | None = None,
        engine: Engine | None = None,
        connector: ErpConnector | None = None,
        *,
        params: PlanParams | None = None,
    ):
        self.settings = settings or get_settings()
        self.engine = engine or make_engine(self.settings.database_url)
        self._connector = connector  # None: the configured ERP (`connector()`)
        self._connector_lock = threading.Lock()
        self._knowledge: KnowledgeBase | None = None
        self._knowledge_lock = threading.Lock()

        self.plans = PlanCache(
            self.settings, self.engine, params=params, policy=lambda: self.policy
        )
        self.queries = PlanQueries(self.plans)
        # Commits re-check a transfer's source against the ERP's stock now, not the snapshot.
        self.drafts = DraftChecks(self.plans, lambda sku, loc: self.connector().on_hand(sku, loc))
        self.governance = Governance(self.engine, policy=lambda: self.policy, checks=self.drafts)
        self.charts = Projections(self.plans, self.governance.proposals)
        self.snapshots = SnapshotAdmin(self.engine)

    @classmethod
    def open(
        cls,
        settings: Settings | None = None,
        engine: Engine | None = None,
        connector: ErpConnector | None = None,
        *,
        params: PlanParams | None = None,
    ) -> Workspace:
        """Return a workspace on a database brought to the latest migration (entry points)."""
        ws = cls(settings, engine, connector, params=params)
        migrate(ws.engine)
        return ws

    @cached_property
    def policy(self) -> ApprovalPolicy:
        """Return the approval authority policy."""
        return load_policy(self.settings.policy_file)

    def connector(self) -> ErpConnector:
        """Return the ERP connector: the one given at construction, else the configured one.

        `STOCKPILOT_ERP=tryton` writes to a Tryton server (one logged-in client per workspace);
        the default is the built-in ERP over this store.
        """
        if self._connector is None:
            with self._connector_lock:
                if self._connector is None:
                    self._connector = open_connector(self.settings, self.engine)
        return self._connector

    def sync_erp(
        self,
        *,
        as_of: date | None = None,
        progress: Callable[[str, int, int], None] | None = None,
    ) -> SnapshotSummary:
        """Replace the snapshot with the network read from the configured ERP (validated)."""
        return self.snapshots.sync_erp(self.connector(), as_of=as_of, progress=progress)

    def knowledge(self) -> KnowledgeBase:
        """Return the playbook's knowledge base, ingesting the corpus when it is empty."""
        with self._knowledge_lock:
            if self._knowledge is None:
                from knowledge import KnowledgeBase  # chromadb: import only when asked

                kb = KnowledgeBase(self.settings)
                kb.ensure_ingested()
                self._knowledge = kb
            return self._knowledge
