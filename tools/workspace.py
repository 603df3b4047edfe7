"""Open the store and compute plans: the one read path for the CLI, the agent tools and the API.

A `Workspace` owns the database engine and caches the current plan; the cache is keyed by the
snapshot import and the connector's write count, so an import or an ERP write invalidates it.
"""

from __future__ import annotations

import gc
import hashlib
import os
import pickle
import tempfile
import threading
import time
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cached_property, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from sqlalchemy import Engine, func, select

import planning
import stockpilot
from erp import models
from erp.connector import BuiltinErpConnector, ErpConnector
from erp.csvio import read_csv_dir, write_csv_dir
from erp.db import make_engine, migrate
from erp.demo import generate_demo
from erp.governance import AuditLog, Deliveries, Proposal, ProposalStore
from erp.store import (
    SnapshotSummary,
    daily_sales,
    is_empty,
    latest_import,
    load_network,
    load_series,
    on_hand,
    replace_snapshot,
    snapshot_as_of,
)
from planning.accuracy import rolling_origin
from planning.actions import ActionCheck, check_purchase_order, check_transfer
from planning.engine import Plan, plan
from planning.forecast import sales_matrix
from planning.network import NetworkData
from planning.params import PlanParams
from planning.promotions import promo_calendar
from planning.whatif import Scenario, project_with_change, what_if
from stockpilot.policy import ApprovalPolicy, load_policy
from stockpilot.settings import Settings, get_settings

if TYPE_CHECKING:
    from knowledge import KnowledgeBase

DEMO_SOURCE_PREFIX = "demo:"


class StoreNotEmptyError(RuntimeError):
    """Raised when a demo would overwrite a snapshot that did not come from the demo."""


class NotFoundError(LookupError):
    """Raised when a SKU or location is not in the network."""


@dataclass(frozen=True)
class _PlanKey:
    database_url: str
    snapshot: str  # the import record: id, time, source and row counts
    commits: int
    params: PlanParams

    def digest(self) -> str:
        """Return a file-name-safe digest of the key and of the planning code."""
        return hashlib.sha256(f"{self!r}|{_planning_code_fingerprint()}".encode()).hexdigest()[:24]


def _same_snapshot(a: _PlanKey, b: _PlanKey) -> bool:
    """Return True when two keys differ at most by ERP writes made since."""
    return (a.database_url, a.snapshot, a.params) == (b.database_url, b.snapshot, b.params)


@lru_cache(maxsize=1)
def _planning_code_fingerprint() -> str:
    """Identify the planning code, so a cached plan never outlives a code change."""
    root = Path(planning.__file__).parent
    parts = [
        f"{p.name}:{p.stat().st_size}:{p.stat().st_mtime_ns}" for p in sorted(root.glob("*.py"))
    ]
    return f"{stockpilot.__version__}|" + "|".join(parts)


def plan_params(settings: Settings, policy: ApprovalPolicy | None = None) -> PlanParams:
    """Return the planning parameters of the settings and the policy file's `planning` section.

    Precedence: the policy file's planning section (service levels by ABC class, ABC
    thresholds, review period, overstock days) over the settings; the settings fill what it does
    not give (and `service_level` is the one level for all SKUs when it gives no class levels).
    Parameters passed explicitly (`Workspace(params=...)`, `plan(params=...)`) win over both.
    """
    rules = policy.planning if policy is not None else None
    review, overstock = settings.review_period_days, settings.overstock_days
    levels = None if rules is None else rules.service_levels
    cutoffs = {} if rules is None else {str(k): v for k, v in rules.abc_thresholds.items()}
    if rules is not None:
        review = rules.review_period_days or review
        overstock = rules.overstock_days or overstock
    return PlanParams(
        horizon_days=settings.horizon_days,
        service_level=settings.service_level,
        review_period_days=review,
        overstock_days=overstock,
        history_days=settings.history_days,
        service_levels=None if levels is None else {str(k): v for k, v in levels.items()},
        abc_thresholds=PlanParams().abc_thresholds if rules is None else cutoffs,
    )


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
        self._connector = connector  # None: the built-in ERP over this store
        self._params = params  # None: from the policy file and the settings (`plan_params`)
        self._knowledge: KnowledgeBase | None = None
        self._knowledge_lock = threading.Lock()
        self.engine = engine or make_engine(self.settings.database_url)
        migrate(self.engine)
        self._lock = threading.Lock()
        self._plan: tuple[_PlanKey, Plan] | None = None
        self._ref: tuple[_PlanKey, NetworkData] | None = None
        # Seconds a freshness check may be reused by reads (0: check every time). A server sets
        # it to trade up to that much staleness of lists for two fewer queries per request.
        self.key_ttl = 0.0
        self._key_memo: tuple[float, _PlanKey] | None = None
        # A long-running server sets this: each newly loaded plan is moved out of the cyclic
        # garbage collector's reach, so full collections do not stall requests (see _settle).
        self.freeze_heap = False
        # The plan's exception records (JSON-ready) and an index by id, built once per plan.
        self._records: tuple[Plan, list[dict[str, Any]], dict[str, dict[str, Any]]] | None = None

    @property
    def params(self) -> PlanParams:
        """Return the planning parameters: those given, else the policy file over the settings."""
        if self._params is None:
            self._params = plan_params(self.settings, self.policy)
        return self._params

    def knowledge(self) -> KnowledgeBase:
        """Return the playbook's knowledge base, ingesting the corpus when it is empty."""
        with self._knowledge_lock:
            if self._knowledge is None:
                from knowledge import KnowledgeBase  # chromadb: import only when asked

                kb = KnowledgeBase(self.settings)
                kb.ensure_ingested()
                self._knowledge = kb
            return self._knowledge

    @cached_property
    def deliveries(self) -> Deliveries:
        """Return the record of inbound chat events (at-most-once handling across processes)."""
        return Deliveries(self.engine)

    @cached_property
    def proposals(self) -> ProposalStore:
        """Return the store of drafted actions awaiting or past a decision."""
        return ProposalStore(self.engine)

    @cached_property
    def audit(self) -> AuditLog:
        """Return the hash-chained audit log."""
        return AuditLog(self.engine)

    @cached_property
    def policy(self) -> ApprovalPolicy:
        """Return the approval authority policy."""
        return load_policy(self.settings.policy_file)

    def propose(
        self,
        check: ActionCheck,
        *,
        thread_id: str,
        user: str,
        exception_id: str | None = None,
        reason: str = "",
    ) -> Proposal:
        """Store a valid action as a proposal awaiting a decision, and audit it."""
        if not check.ok:
            raise ValueError("; ".join(check.errors))
        if not self.policy.may_draft(user):
            role = self.policy.role_of(user) or "unknown user"
            raise PermissionError(f"{user} ({role}) may not draft actions")
        description = check.description
        if exception_id:
            description += f"\n- For exception `{exception_id}`"
        if reason:
            description += f"\n- Why: {reason}"
        proposal = self.proposals.create(
            thread_id=thread_id,
            kind=check.kind,
            args=check.args,
            value=check.value,
            description=description,
            evidence={**check.evidence, "exception_id": exception_id, "reason": reason},
            created_by=user,
        )
        self.audit.append(
            "proposal",
            user,
            thread_id=thread_id,
            proposal_id=proposal.id,
            payload={
                "kind": check.kind,
                "args": check.args,
                "value": check.value,
                "exception_id": exception_id,
            },
        )
        return proposal

    def connector(self) -> ErpConnector:
        """Return the ERP connector: the one given at construction, else the built-in store."""
        if self._connector is not None:
            return self._connector
        return BuiltinErpConnector(self.engine)

    def is_empty(self) -> bool:
        """Return True when no snapshot has been loaded."""
        return is_empty(self.engine)

    def import_dir(self, folder: Path | str) -> SnapshotSummary:
        """Validate a CSV folder completely, then replace the snapshot with it atomically."""
        data = read_csv_dir(folder)
        return replace_snapshot(self.engine, data, source=f"import:{Path(folder).resolve()}")

    def export_dir(self, folder: Path | str) -> dict[str, int]:
        """Write the whole snapshot as CSV files."""
        return write_csv_dir(load_network(self.engine), folder)

    def seed_demo(
        self,
        *,
        seed: int = 7,
        stores: int = 20,
        skus: int = 300,
        days: int = 730,
        as_of: date | None = None,
        replace: bool = False,
    ) -> SnapshotSummary:
        """Generate the demo network into the store; refuse to overwrite imported data."""
        last = latest_import(self.engine)
        if (
            not replace
            and not self.is_empty()
            and (last is None or not last.source.startswith(DEMO_SOURCE_PREFIX))
        ):
            raise StoreNotEmptyError(
                "the store holds an imported snapshot; pass --replace to overwrite it with "
                "the demo network"
            )
        demo = generate_demo(seed=seed, stores=stores, skus=skus, days=days, as_of=as_of)
        source = f"{DEMO_SOURCE_PREFIX}seed={seed},stores={stores},skus={skus},days={days}"
        return replace_snapshot(self.engine, demo.data, source=source)

    def network(self, *, full_history: bool = False) -> NetworkData:
        """Load the snapshot with the sales history planning needs (or all of it)."""
        if full_history:
            return load_network(self.engine)
        as_of = snapshot_as_of(self.engine)
        p = self.params
        since = None if as_of is None else as_of - timedelta(p.history_days + p.bias_window_days)
        return load_network(self.engine, sales_since=since)

    def _plan_key(self) -> _PlanKey:
        memo = self._key_memo
        now = time.monotonic()
        if memo is not None and self.key_ttl > 0 and now - memo[0] < self.key_ttl:
            return memo[1]
        key = self._read_plan_key()
        self._key_memo = (now, key)
        return key

    def _read_plan_key(self) -> _PlanKey:
        snap = models.SnapshotImport
        latest = (
            select(snap.id, snap.imported_at, snap.source, snap.row_counts)
            .order_by(snap.id.desc())
            .limit(1)
        )
        with self.engine.connect() as conn:  # one connection, two index-only queries
            last = conn.execute(latest).first()
            commits = conn.execute(select(func.count()).select_from(models.ErpCommit)).scalar_one()
        snapshot = "|".join(str(v) for v in last) if last else ""
        return _PlanKey(self.settings.database_url, snapshot, int(commits), self.params)

    def warm(self) -> None:
        """Compute (or load) the plan and reference data now, so the first request is fast."""
        if not self.is_empty():
            self.plan()
            self.reference()

    def plan(self, *, fresh: bool = True) -> Plan:
        """Return the plan for the current snapshot (computed once per snapshot and write).

        The plan is kept in memory and, when `plan_cache_dir` is set, on disk, so one-shot CLI
        calls on an unchanged snapshot do not recompute it. With `fresh=False` a plan of the
        same snapshot computed before the latest ERP writes is good enough: validation reads
        stock from the store and needs only the policy levels, which one write does not move.
        """
        key = self._plan_key()
        with self._lock:
            if self._plan is not None and self._plan[0] == key:
                return self._plan[1]
            if not fresh and self._plan is not None and _same_snapshot(self._plan[0], key):
                return self._plan[1]
            result = self._read_cached(key)
            if result is None:
                if self.is_empty():
                    raise NotFoundError("the store is empty: run `stockpilot demo` or `import`")
                result = plan(self.network(), params=self.params)
                self._write_cached(key, result)
            self._plan = (key, result)
            self._settle()
            return result

    def _cache_file(self, key: _PlanKey) -> Path | None:
        folder = self.settings.plan_cache_dir
        return None if folder is None else folder / f"plan-{key.digest()}.pkl"

    def _read_cached(self, key: _PlanKey) -> Plan | None:
        path = self._cache_file(key)
        if path is None or not path.exists():
            return None
        try:
            with path.open("rb") as fh:
                cached = pickle.load(fh)
        except Exception:  # a damaged or incompatible cache is only a cache: recompute
            return None
        return cached if isinstance(cached, Plan) else None

    def _write_cached(self, key: _PlanKey, result: Plan) -> None:
        path = self._cache_file(key)
        if path is None:
            return
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            for old in path.parent.glob("plan-*.pkl"):
                old.unlink(missing_ok=True)
            with tempfile.NamedTemporaryFile(dir=path.parent, delete=False, suffix=".tmp") as fh:
                pickle.dump(result, fh, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(fh.name, path)
        except OSError:
            pass  # a read-only or full disk costs only the cache

    def reference(self, *, fresh: bool = True) -> NetworkData:
        """Return the snapshot without sales (master data, open supply, promotions), cached.

        With `fresh=False` a copy read before the latest ERP writes will do (master data does
        not change with a write; callers read live stock with `erp.store.on_hand`).
        """
        key = self._plan_key()
        with self._lock:
            if self._ref is not None and self._ref[0] == key:
                return self._ref[1]
            if not fresh and self._ref is not None and _same_snapshot(self._ref[0], key):
                return self._ref[1]
        as_of = snapshot_as_of(self.engine)
        since = None if as_of is None else as_of + timedelta(days=1)
        ref = load_network(self.engine, sales_since=since)
        with self._lock:
            self._ref = (key, ref)
            self._settle()
        return ref

    def _settle(self) -> None:
        """Collect the garbage of the previous plan once, then freeze what is left.

        The plan and reference data are hundreds of thousands of long-lived objects; without
        this every full collection walks them all (~180 ms on the demo network), which shows
        up as a random slow request. Unfreezing first lets the replaced plan be collected.
        """
        if self.freeze_heap:
            gc.unfreeze()
            gc.collect()
            gc.freeze()

    def exceptions(
        self,
        *,
        top: int | None = None,
        type: str | None = None,
        location: str | None = None,
        sku: str | None = None,
    ) -> list[dict[str, Any]]:
        """Return ranked exceptions with their recommendations (JSON-ready; do not mutate)."""
        records = [
            r
            for r in self._exception_index()[0]
            if (type is None or r["type"] == type)
            and (location is None or r["location"] == location)
            and (sku is None or r["sku"] == sku)
        ]
        return records if top is None else records[: max(top, 0)]

    def _exception_index(self) -> tuple[list[dict[str, Any]], dict[str, dict[str, Any]]]:
        result = self.plan()
        cached = self._records
        if cached is None or cached[0] is not result:
            records = result.exception_records()
            cached = (result, records, {r["id"]: r for r in records})
            self._records = cached
        return cached[1], cached[2]

    def exception(self, exception_id: str) -> dict[str, Any]:
        """Return one exception by id, with the position and open supply behind it."""
        found = self._exception_index()[1].get(exception_id)
        if found is None:
            raise NotFoundError(
                f"no exception {exception_id!r} today; ids look like 'stockout_risk:SKU@LOCATION'"
            )
        result = self.plan()
        record = dict(found)  # the cached record stays as it is
        row = result.row_of(record["sku"], record["location"])
        if row is not None:
            record["position"] = result.position_records(
                sku=record["sku"], location=record["location"]
            )[0]
            record["open_supply"] = [
                {k: v for k, v in line.items() if k != "arrival_day"}
                for line in result.supply_lines(row)
            ]
        return record

    def inventory(
        self, sku: str | None = None, location: str | None = None, *, top: int = 25
    ) -> list[dict[str, Any]]:
        """Return positions: a SKU across locations, or a location's SKUs by days of cover."""
        if sku is None and location is None:
            raise NotFoundError("name a SKU, a location, or both")
        result = self.plan()
        records = result.position_records(sku=sku, location=location)
        if not records:
            raise NotFoundError(
                f"no stock position for {'SKU ' + repr(sku) if sku else 'location'}" + _at(location)
            )
        if sku is None:
            records.sort(key=lambda r: (r["days_of_cover"] is None, r["days_of_cover"]))
            records = records[:top]
        return records

    def supplier_status(
        self, supplier_id: str | None = None, sku: str | None = None
    ) -> list[dict[str, Any]]:
        """Return suppliers (one, those of a SKU, or all) with lead times and open/late POs."""
        ref = self.reference()
        sups = ref.suppliers
        if supplier_id is not None:
            sups = sups[sups["supplier_id"] == supplier_id]
            if sups.empty:
                raise NotFoundError(f"unknown supplier {supplier_id!r}")
        if sku is not None:
            if not (ref.items["sku"] == sku).any():
                raise NotFoundError(f"unknown SKU {sku!r}")
            of_sku = ref.item_suppliers[ref.item_suppliers["sku"] == sku]["supplier_id"]
            sups = sups[sups["supplier_id"].isin(of_sku)]
        as_of = pd.Timestamp(ref.as_of)
        po = ref.purchase_orders[ref.purchase_orders["status"] == "open"]
        out = []
        for sup in sups.itertuples():
            mine = po[po["supplier_id"] == sup.supplier_id]
            if sku is not None:
                mine = mine[mine["sku"] == sku]
            late = mine[mine["expected_date"] <= as_of]
            out.append(
                {
                    "supplier_id": sup.supplier_id,
                    "name": sup.name,
                    "lead_time_days": int(sup.lead_time_days),
                    "lead_time_std_days": float(sup.lead_time_std_days),
                    "on_time_rate": float(sup.on_time_rate),
                    "open_po_lines": len(mine),
                    "open_po_units": float(mine["qty"].sum()),
                    "late_po_lines": len(late),
                    "late_pos": [
                        {
                            "po_id": r.po_id,
                            "sku": r.sku,
                            "location": r.location_id,
                            "qty": int(r.qty),
                            "expected_date": r.expected_date.date().isoformat(),
                            "days_late": int((as_of - r.expected_date).days),
                        }
                        for r in late.sort_values("expected_date").head(20).itertuples()
                    ],
                }
            )
        return out

    def what_if(self, sku: str, location: str, scenario: Scenario) -> dict[str, Any]:
        """Re-project a SKU-location under a supplier delay or a demand change."""
        result = self.plan()
        row = result.row_of(sku, location)
        if row is None:
            raise NotFoundError(f"no stock position for SKU {sku!r}" + _at(location))
        return what_if(result, row, scenario)

    def check_transfer(
        self, *, sku: str, from_location: str, to_location: str, qty: int
    ) -> ActionCheck:
        """Check a transfer against the current plan and the source's stock right now."""
        live = on_hand(self.engine, sku, from_location)
        return check_transfer(
            self.plan(fresh=False),
            self.reference(fresh=False),
            sku=sku,
            from_location=from_location,
            to_location=to_location,
            qty=qty,
            source_on_hand=0.0 if live is None else float(live),
        )

    def check_purchase_order(
        self, *, sku: str, location: str, supplier_id: str, qty: int
    ) -> ActionCheck:
        """Check a purchase order against the current plan."""
        return check_purchase_order(
            self.plan(fresh=False),
            self.reference(fresh=False),
            sku=sku,
            location=location,
            supplier_id=supplier_id,
            qty=qty,
        )

    def forecast(self, sku: str, location: str, *, horizon: int = 28) -> dict[str, Any]:
        """Return a single-series forecast with intervals, the model used and its accuracy."""
        ref = self.reference()
        if not (ref.items["sku"] == sku).any():
            raise NotFoundError(f"unknown SKU {sku!r}")
        if not (ref.locations["location_id"] == location).any():
            raise NotFoundError(f"unknown location {location!r}")
        as_of = ref.as_of
        start = as_of - timedelta(days=self.params.history_days - 1)
        keys = pd.DataFrame({"sku": [sku], "location_id": [location]})
        sales = load_series(self.engine, sku, location, since=start)
        history = sales_matrix(sales, keys, start, as_of)
        uplift = promo_calendar(keys, ref.promotions, as_of + timedelta(days=1), horizon)[0]
        series = pd.Series(history[0], index=pd.date_range(start, as_of, freq="D"))
        from planning.ets import forecast_series  # statsmodels: import only when asked

        fc = forecast_series(series, horizon, uplift=uplift)
        acc = rolling_origin(history, start=start, horizon=min(horizon, 28), origins=4)
        row = acc.iloc[0]
        return {
            "sku": sku,
            "location": location,
            "as_of": as_of.isoformat(),
            "method": fc.method,
            "interval": fc.interval,
            "history_days": int(history.shape[1]),
            "history_units_last_28d": float(history[0, -28:].sum()),
            "accuracy": {
                k: (None if pd.isna(row[k]) else round(float(row[k]), 4))
                for k in ("wape", "bias", "mase")
            },
            "forecast": [
                {
                    "date": d.isoformat(),
                    "mean": round(float(m), 3),
                    "lower": round(float(lo), 3),
                    "upper": round(float(hi), 3),
                    "promo_uplift": round(float(u), 3),
                }
                for d, m, lo, hi, u in zip(
                    fc.dates, fc.mean, fc.lower, fc.upper, uplift, strict=True
                )
            ],
            "total_mean": round(float(np.sum(fc.mean)), 2),
        }

    def projection(
        self,
        sku: str,
        location: str,
        *,
        proposal_id: str | None = None,
        history_days: int = 56,
        interval: float = 0.9,
    ) -> dict[str, Any]:
        """Return one SKU-location's chart data from the plan, and the projection after a proposal.

        History is the units sold there (a DC: summed over the stores it feeds, as its forecast
        is); the forecast, its interval (mean ± z·sigma of each day's demand, sigma being the
        engine's one-day-ahead error), receipts, projected on hand and unmet demand are the
        plan's own arrays. With `proposal_id`, a pending or approved transfer or purchase order
        touching this SKU-location is applied (a receipt on its arrival date, or stock leaving a
        transfer's source today) and the projection rerun; a committed one is already part of
        the plan's open supply. Raises NotFoundError, or ProposalMismatchError when the
        proposal concerns another SKU-location.
        """
        from scipy.stats import norm

        if not 0 < interval < 1:
            raise ValueError("interval must be in (0, 1)")
        result = self.plan()
        row = result.row_of(sku, location)
        if row is None:
            raise NotFoundError(f"no stock position for SKU {sku!r}" + _at(location))
        pos = result.positions.iloc[row]
        as_of = result.as_of
        h = result.demand.shape[1]

        # History: this location's sales, or (a DC) those of the stores its forecast rolls up.
        feeds = [location]
        if pos["location_type"] == "dc":
            p = result.positions
            feeds = list(
                p.loc[(p["sku"] == sku) & (p["source_location"] == location), "location_id"]
            )
        start = as_of - timedelta(days=max(int(history_days), 1) - 1)
        sold = daily_sales(self.engine, sku, feeds, start=start, end=as_of)
        history = [
            {"date": d.isoformat(), "units": sold.get(d, 0.0)}
            for d in (start + timedelta(days=k) for k in range((as_of - start).days + 1))
        ]

        demand = result.demand[row]
        width = float(norm.ppf(0.5 + interval / 2)) * float(pos["sigma"])
        receipts = result.receipts[row]
        markers = [
            {
                **{k: v for k, v in line.items() if k not in ("assumed_arrival", "arrival_day")},
                "arrival_date": line["assumed_arrival"],
                "in_horizon": line["arrival_day"] <= h,
            }
            for line in result.supply_lines(row)
        ]

        action = None
        after = None
        if proposal_id is not None:
            action, change = self._proposal_effect(proposal_id, sku, location, as_of)
            if change is not None:
                after_receipts, after = project_with_change(result, row, *change)

        days = []
        for j, d in enumerate(result.dates):
            entry: dict[str, Any] = {
                "date": d.isoformat(),
                "forecast": round(float(demand[j]), 3),
                "forecast_lower": round(max(float(demand[j]) - width, 0.0), 3),
                "forecast_upper": round(float(demand[j]) + width, 3),
                "promo": bool(result.promo_mask[row, j]),
                "receipts": round(float(receipts[j]), 3),
                "projected_on_hand": round(float(result.projected[row, j]), 3),
                "unmet": round(float(result.unmet[row, j]), 3),
                "receipts_after": None,
                "projected_on_hand_after": None,
                "unmet_after": None,
            }
            if after is not None:
                entry["receipts_after"] = round(float(after_receipts[j]), 3)
                entry["projected_on_hand_after"] = round(float(after.on_hand[0, j]), 3)
                entry["unmet_after"] = round(float(after.unmet[0, j]), 3)
            days.append(entry)

        def outcome(on: np.ndarray, unmet: np.ndarray) -> dict[str, Any]:
            hit = np.flatnonzero(unmet > 1e-9)
            return {
                "first_stockout_date": result.dates[int(hit[0])].isoformat() if len(hit) else None,
                "unmet_units": round(float(unmet.sum()), 1),
                "min_projected_on_hand": round(float(on.min()), 1) if on.size else None,
                "end_on_hand": round(float(on[-1]), 1) if on.size else None,
            }

        return {
            "sku": sku,
            "location": location,
            "location_type": str(pos["location_type"]),
            "as_of": as_of.isoformat(),
            "horizon_days": h,
            "interval": interval,
            "method": str(pos["method"]),
            "policy": {
                k: (None if pd.isna(pos[k]) else round(float(pos[k]), 3))
                for k in (
                    "on_hand",
                    "in_transit",
                    "on_order",
                    "position",
                    "forecast_daily",
                    "sigma",
                    "lead_time",
                    "safety_stock",
                    "reorder_point",
                    "order_up_to",
                )
            },
            "history_locations": feeds,
            "history": history,
            "days": days,
            "supply": markers,
            "proposal": action,
            "base": outcome(result.projected[row], result.unmet[row]),
            "after": None if after is None else outcome(after.on_hand[0], after.unmet[0]),
        }

    def _proposal_effect(
        self, proposal_id: str, sku: str, location: str, as_of: date
    ) -> tuple[dict[str, Any], tuple[int, float] | None]:
        """Return a proposal's description for a chart and its change (day, qty) here, if any.

        Day 0 means stock leaves today (a transfer's source); a positive day is a receipt.
        """
        p = self.proposals.get(proposal_id)
        if p is None:
            raise NotFoundError(f"unknown proposal {proposal_id!r}")
        a = p.args
        here = a.get("to_location") if p.kind == "transfer" else a.get("location_id")
        source = p.kind == "transfer" and a.get("from_location") == location
        if a.get("sku") != sku or (here != location and not source):
            where = (
                f"from {a.get('from_location')} to {a.get('to_location')}"
                if p.kind == "transfer"
                else f"at {a.get('location_id')}"
            )
            raise ProposalMismatchError(
                f"proposal {p.id} is a {p.kind} of {a.get('sku')} {where}; "
                f"it does not touch {sku} at {location}"
            )
        qty = float(a.get("qty", 0))
        arrives = p.evidence.get("arrives")
        if source:
            day, effect = 0, "leave the source today"
        elif arrives:
            day = max((date.fromisoformat(str(arrives)) - as_of).days, 1)
            effect = "arrive " + (as_of + timedelta(days=day)).isoformat()
        else:
            day, effect = 1, "arrive tomorrow (no lead time recorded)"
        applied = p.status in ("pending", "approved")
        if p.status == "committed":
            note = f"committed as {p.document_id}: already part of the open supply above"
        elif applied:
            note = f"{qty:g} units {effect}"
        else:
            note = f"{p.status}: it changes nothing"
        out = {
            "id": p.id,
            "kind": p.kind,
            "status": p.status,
            "args": a,
            "value": p.value,
            "qty": qty,
            "effect": "issue" if source else "receipt",
            "date": (as_of + timedelta(days=day)).isoformat(),
            "applied": applied,
            "note": note,
            "document_id": p.document_id,
        }
        return out, ((day, -qty if source else qty) if applied else None)


def _at(location: str | None) -> str:
    return f" at {location!r}" if location else ""


class ProposalMismatchError(ValueError):
    """Raised when a proposal named for a SKU-location's chart concerns another one."""
