"""Open the store and compute plans: the one read path for the CLI, the agent tools and the API.

A `Workspace` owns the database engine and caches the current plan; the cache is keyed by the
snapshot import and the connector's write count, so an import or an ERP write invalidates it.
"""

from __future__ import annotations

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
from typing import Any

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
from erp.governance import AuditLog, Proposal, ProposalStore
from erp.store import (
    SnapshotSummary,
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
from planning.whatif import Scenario, what_if
from stockpilot.policy import ApprovalPolicy, load_policy
from stockpilot.settings import Settings, get_settings

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


class Workspace:
    """The store plus the planning engine, configured from settings."""

    def __init__(
        self,
        settings: Settings | None = None,
        engine: Engine | None = None,
        connector: ErpConnector | None = None,
    ):
        self.settings = settings or get_settings()
        self._connector = connector  # None: the built-in ERP over this store
        self.engine = engine or make_engine(self.settings.database_url)
        migrate(self.engine)
        self._lock = threading.Lock()
        self._plan: tuple[_PlanKey, Plan] | None = None
        self._ref: tuple[_PlanKey, NetworkData] | None = None
        # Seconds a freshness check may be reused by reads (0: check every time). A server sets
        # it to trade up to that much staleness of lists for two fewer queries per request.
        self.key_ttl = 0.0
        self._key_memo: tuple[float, _PlanKey] | None = None
        # The plan's exception records (JSON-ready) and an index by id, built once per plan.
        self._records: tuple[Plan, list[dict[str, Any]], dict[str, dict[str, Any]]] | None = None

    @property
    def params(self) -> PlanParams:
        """Return the planning parameters from settings."""
        s = self.settings
        return PlanParams(
            horizon_days=s.horizon_days,
            service_level=s.service_level,
            review_period_days=s.review_period_days,
            overstock_days=s.overstock_days,
            history_days=s.history_days,
        )

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
        return ref

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
            supply = result.supply[result.supply["row"] == row]
            record["open_supply"] = [
                {
                    "kind": line.kind,
                    "document_id": line.doc_id,
                    "supplier_id": line.supplier_id or None,
                    "from_location": line.from_location or None,
                    "qty": float(line.qty),
                    "expected_date": pd.Timestamp(line.expected_date).date().isoformat(),
                    "assumed_arrival": (
                        result.as_of + timedelta(days=int(line.arrival_day))
                    ).isoformat(),
                }
                for line in supply.itertuples()
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


def _at(location: str | None) -> str:
    return f" at {location!r}" if location else ""
