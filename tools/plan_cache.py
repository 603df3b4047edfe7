"""The current plan and reference data of the store, computed once per snapshot and ERP write.

A `PlanCache` keys what it holds by the snapshot import and the connector's write count
(`erp.store.snapshot_version`), so an import or an ERP write invalidates it. Plans and the
reference data are kept in memory and, when `plan_cache_dir` is set, pickled on disk, so
one-shot CLI calls on an unchanged snapshot neither recompute the plan nor re-read the master
data and open supply from the store. After ERP writes, the plan of the same snapshot from before
them is brought up to date by re-planning only the SKUs they touched (`planning.splice`), with
the network figures the whole plan was computed with (pickled beside it, once per snapshot).
A long-running server can reuse a freshness check for a second (`key_ttl`) and move each loaded
plan out of the cyclic garbage collector's reach (`freeze_heap`).
"""

from __future__ import annotations

import gc
import hashlib
import logging
import os
import pickle
import tempfile
import threading
import time
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path
from typing import TypeVar

from sqlalchemy import Engine

import planning
import stockpilot
from erp.overrides import override_event_mark, override_skus_since, overrides_in_force
from erp.plan_store import committed_skus, current_run
from erp.store import (
    is_empty,
    latest_import,
    load_entities,
    load_network,
    load_sku_reference,
    sku_exists,
    snapshot_as_of,
    snapshot_version,
)
from planning.engine import NetworkFigures, Plan, network_figures, part_figures, plan
from planning.network import NetworkData
from planning.params import PlanParams
from planning.recommend import supplier_lateness
from planning.splice import splice_plan
from stockpilot.policy import ApprovalPolicy
from stockpilot.settings import Settings
from tools.errors import NotFoundError
from tools.plan_runs import catch_up, params_digest, plan_parts, plan_skus, plan_skus_with

log = logging.getLogger(__name__)
T = TypeVar("T")
SKU_PLANS_KEPT = 32  # one-SKU plans kept (draft checks and charts ask for the same SKU again)
SKU_REFERENCES_KEPT = 32  # one-SKU reference reads kept, likewise
RUN_RECHECK_S = 2.0  # how long a server trusts its answer to "which plan run do reads use"


@dataclass(frozen=True)
class PlanKey:
    """What a plan was computed from: the store, its snapshot, its ERP writes, the parameters."""

    database_url: str
    snapshot: str  # the import record: id, time, source and row counts
    commits: int  # the latest ERP commit's number (`erp.store.ledger_mark`)
    params: PlanParams
    overrides: int = 0  # the latest forecast override change's number (`erp.overrides`)

    def snapshot_digest(self) -> str:
        """Return a file-name-safe digest of the key without its ERP writes (and of the code)."""
        what = f"{self.database_url}|{self.snapshot}|{self.params!r}"
        return hashlib.sha256(f"{what}|{_planning_code_fingerprint()}".encode()).hexdigest()[:24]

    def at(self, commits: int, overrides: int) -> PlanKey:
        """Return the key of the same snapshot at these ERP commit and override change marks."""
        return PlanKey(self.database_url, self.snapshot, commits, self.params, overrides)

    def before(self, other: PlanKey) -> bool:
        """Return True when `other` is this key's snapshot with at least its writes and changes."""
        return (
            self.same_snapshot(other)
            and self.commits <= other.commits
            and self.overrides <= other.overrides
        )

    def same_snapshot(self, other: PlanKey) -> bool:
        """Return True when the two keys differ at most by ERP writes made since."""
        return (self.database_url, self.snapshot, self.params) == (
            other.database_url,
            other.snapshot,
            other.params,
        )


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
    thresholds, review period, overstock days, the maximum cover of a draft, whether levels are
    economic, the cost model) over the settings;
    the settings fill what it does not give (and `service_level` is the one level for all SKUs
    when it gives no class levels).
    Parameters passed explicitly (`Workspace(params=...)`, `plan(params=...)`) win over both.
    """
    rules = policy.planning if policy is not None else None
    review, overstock = settings.review_period_days, settings.overstock_days
    levels = None if rules is None else rules.service_levels
    cutoffs = {} if rules is None else {str(k): v for k, v in rules.abc_thresholds.items()}
    if rules is not None:
        review = rules.review_period_days or review
        overstock = rules.overstock_days or overstock
    cover = None if rules is None else rules.max_cover_days
    costs, default = ({} if rules is None else rules.costs.given()), PlanParams()
    return PlanParams(
        horizon_days=settings.horizon_days,
        service_level=settings.service_level,
        review_period_days=review,
        overstock_days=overstock,
        history_days=settings.history_days,
        sales_bucket=settings.sales_bucket,
        forecast_decline=settings.forecast_decline,
        service_levels=None if levels is None else {str(k): v for k, v in levels.items()},
        abc_thresholds=PlanParams().abc_thresholds if rules is None else cutoffs,
        max_cover_days=(
            PlanParams().max_cover_days if cover is None else {str(k): v for k, v in cover.items()}
        ),
        economic_service_level=True if rules is None else rules.economic_service_level,
        holding_rate_per_year=costs.get("holding_rate_per_year", default.holding_rate_per_year),
        purchase_order_line_cost=costs.get(
            "purchase_order_line_cost", default.purchase_order_line_cost
        ),
        transfer_line_cost=costs.get("transfer_line_cost", default.transfer_line_cost),
        markdown_rate_per_year=costs.get("markdown_rate_per_year", default.markdown_rate_per_year),
    )


def _usable(held: tuple[PlanKey, T] | None, key: PlanKey, *, fresh: bool) -> T | None:
    """Return what is held when it is of `key` (or, unless `fresh`, of the same snapshot)."""
    if held is None:
        return None
    if held[0] == key or (not fresh and held[0].same_snapshot(key)):
        return held[1]
    return None


class PlanCache:
    """Load, keep fresh and (on a server) freeze the plan and the reference data of one store."""

    def __init__(
        self,
        settings: Settings,
        engine: Engine,
        *,
        params: PlanParams | None = None,
        policy: Callable[[], ApprovalPolicy] | None = None,
    ):
        self.settings = settings
        self.engine = engine
        self._params = params  # None: from the policy file and the settings (`plan_params`)
        self._policy = policy
        self._lock = threading.Lock()
        self._plan: tuple[PlanKey, Plan] | None = None
        self._figures: tuple[str, NetworkFigures] | None = None  # by the key's snapshot digest
        self._ref: tuple[PlanKey, NetworkData] | None = None
        self._entities: tuple[PlanKey, NetworkData] | None = None
        # Seconds a freshness check may be reused by reads (0: check every time). A server sets
        # it to trade up to that much staleness of lists for two fewer queries per request.
        self.key_ttl = 0.0
        self._key_memo: tuple[float, PlanKey] | None = None
        self._run_memo: tuple[PlanKey, int | None, float] | None = None
        self._catching_up: threading.Thread | None = None
        self._sku_plans: dict[tuple[PlanKey, int, str], Plan] = {}
        self._sku_refs: dict[tuple[PlanKey, str], NetworkData] = {}
        # A long-running server sets this: each newly loaded plan is moved out of the cyclic
        # garbage collector's reach, so full collections do not stall requests (see _settle).
        self.freeze_heap = False

    @property
    def params(self) -> PlanParams:
        """Return the planning parameters: those given, else the policy file over the settings."""
        if self._params is None:
            policy = self._policy() if self._policy is not None else None
            self._params = plan_params(self.settings, policy)
        return self._params

    @property
    def loaded(self) -> Plan | None:
        """Return the plan held in memory (of whatever snapshot), or None; never loads one."""
        held = self._plan
        return None if held is None else held[1]

    def key(self) -> PlanKey:
        """Return the key of the store as it is now (reused for `key_ttl` seconds)."""
        memo = self._key_memo
        now = time.monotonic()
        if memo is not None and self.key_ttl > 0 and now - memo[0] < self.key_ttl:
            return memo[1]
        snapshot, commits = snapshot_version(self.engine)
        overrides = override_event_mark(self.engine)
        key = PlanKey(self.settings.database_url, snapshot, commits, self.params, overrides)
        self._key_memo = (now, key)
        return key

    def plan_run(self) -> int | None:
        """Return the plan run reads use, or None when the store holds none for this snapshot.

        The newest complete run (`tools.plan_runs`) of the latest import with these parameters;
        its rows are read from the plan tables, page by page, instead of a plan in memory. When
        ERP commits were made since its rows were computed, their SKUs are re-planned in the
        background (`catch_up`) while reads keep seeing the previous rows of those SKUs.
        """
        key = self.key()
        memo = self._run_memo
        now = time.monotonic()
        # A run another process completes later is picked up within RUN_RECHECK_S.
        if memo is not None and memo[0] == key and now - memo[2] < RUN_RECHECK_S:
            return memo[1]
        snapshot = latest_import(self.engine)
        run = (
            None
            if snapshot is None
            else current_run(self.engine, snapshot.id, params_digest(self.params))
        )
        self._run_memo = (key, run, now)
        if run is not None:
            self._catch_up(run)
        return run

    def plan_of(self, sku: str, *, fresh: bool = True) -> Plan:
        """Return a plan holding `sku`: with a plan run, that SKU's own, else the whole plan.

        A SKU's own plan reads its network from the store as it is now and plans it with the
        run's network-wide figures (`tools.plan_runs.plan_skus`): the rows the whole plan would
        give it, at the cost of one SKU. The last few are kept per store version.
        """
        run = self.plan_run()
        if run is None:
            return self.plan(fresh=fresh)
        key = self.key()
        memo = (key, run, sku)
        with self._lock:
            held = self._sku_plans.get(memo)
        if held is not None:
            return held
        if not sku_exists(self.engine, sku):
            raise NotFoundError(f"no stock position for SKU {sku!r}")
        result = plan_skus(self.engine, run, [sku])
        with self._lock:
            if len(self._sku_plans) >= SKU_PLANS_KEPT:
                self._sku_plans.pop(next(iter(self._sku_plans)))
            self._sku_plans[memo] = result
        return result

    def plan_parts(self, skus: Collection[str] | None = None) -> Iterator[Plan]:
        """Yield plans holding `skus` (None: every SKU), one part of the network at a time.

        With a plan run, the run's SKUs planned part by part with its figures
        (`tools.plan_runs.plan_parts`: partitions read by SKU range, or the SKUs given a few at
        a time), so a question about many SKUs holds one part's plan, never the network's.
        Without one, the whole plan, held anyway.
        """
        run = self.plan_run()
        if run is None:
            yield self.plan()
            return
        yield from plan_parts(self.engine, run, skus)

    def _catch_up(self, run_id: int) -> None:
        """Start re-planning the SKUs of new commits in a background thread (one at a time)."""
        with self._lock:
            if self._catching_up is not None and self._catching_up.is_alive():
                return
            thread = threading.Thread(
                target=self._catch_up_quietly, args=(run_id,), name="plan-catch-up", daemon=True
            )
            self._catching_up = thread
            thread.start()

    def _catch_up_quietly(self, run_id: int) -> None:
        try:
            catch_up(self.engine, run_id)
        except Exception:  # the mark is put back: the next read retries
            self._run_memo = None

    def wait_caught_up(self, timeout: float | None = None) -> None:
        """Wait for a background re-plan to end (tests; a one-shot CLI call before exit)."""
        thread = self._catching_up
        if thread is not None:
            thread.join(timeout)

    def network(self, *, full_history: bool = False) -> NetworkData:
        """Load the snapshot with the sales history planning needs (or all of it)."""
        if full_history:
            return load_network(self.engine)
        as_of = snapshot_as_of(self.engine)
        p = self.params
        since = None if as_of is None else as_of - timedelta(p.history_days + p.bias_window_days)
        return load_network(self.engine, sales_since=since)

    def warm(self) -> None:
        """Compute (or load) the plan and reference data now, so the first request is fast.

        With a complete plan run of the snapshot, reads use the plan tables and query the rows
        they need: neither the plan nor the reference data is loaded, so a server's memory does
        not grow with the network.
        """
        if not is_empty(self.engine) and self.plan_run() is None:
            self.plan()
            self.reference()

    def plan(self, *, fresh: bool = True) -> Plan:
        """Return the plan for the current snapshot (computed once per snapshot and write).

        With `fresh=False` a plan of the same snapshot held in memory from before the latest
        ERP writes is good enough: validation reads stock from the store and needs only the
        policy levels, which one write does not move.

        Otherwise, after ERP writes, the plan of the same snapshot from before them (in memory
        or on disk) is brought up to date by re-planning only the SKUs the writes touched, with
        the network figures of the whole plan (`planning.splice`); the whole network is planned
        only for a new snapshot, new parameters or new planning code.
        """
        key = self.key()
        with self._lock:
            held = _usable(self._plan, key, fresh=fresh)
            if held is not None:
                return held
            result = self._read_cached(key, Plan, "plan")
            if result is None:
                base = self._base_plan(key)
                result = None if base is None else self._spliced(key, *base)
                if result is None:
                    if is_empty(self.engine):
                        raise NotFoundError("the store is empty: run `stockpilot demo` or `import`")
                    result = self._whole_plan(key)
                self._write_cached(key, result, "plan")
            self._plan = (key, result)
            self._settle()
            return result

    def _whole_plan(self, key: PlanKey) -> Plan:
        """Plan the whole network with its network figures, kept for later incremental plans."""
        data, params = self.network(), self.params
        figures = network_figures(
            [part_figures(data, params=params)], supplier_lateness(data), params
        )
        self._figures = (key.snapshot_digest(), figures)
        self._write_cached(key, figures, "figures", per_snapshot=True)
        return plan(data, params=params, figures=figures, overrides=overrides_in_force(self.engine))

    def _base_plan(self, key: PlanKey) -> tuple[PlanKey, Plan] | None:
        """Return the newest plan of the key's snapshot from before its ERP writes, if any."""
        held = self._plan
        if held is not None and held[0].before(key):
            return held
        newest = self._newest_cached(key, "plan")
        if newest is None:
            return None
        found = self._read_cached(key.at(*newest), Plan, "plan")
        return None if found is None else (key.at(*newest), found)

    def _spliced(self, key: PlanKey, base_key: PlanKey, base: Plan) -> Plan | None:
        """Return `base` with the SKUs of the ERP writes since it re-planned, or None.

        None when the whole plan's network figures are not at hand (the whole network is
        then planned) or the SKUs could not be planned on their own.
        """
        figures = self._network_figures(key)
        if figures is None:
            return None
        changed = set(committed_skus(self.engine, base_key.commits, key.commits))
        if key.overrides > base_key.overrides:
            changed.update(override_skus_since(self.engine, base_key.overrides, key.overrides))
        skus = sorted(changed)
        if not skus:
            return base
        try:
            part = plan_skus_with(self.engine, skus, self.params, base.as_of, figures)
            return splice_plan(base, part, skus)
        except Exception:  # the whole plan is always right: fall back to it
            log.warning("re-planning %d changed SKUs failed; planning the whole", len(skus))
            log.debug("incremental plan failure", exc_info=True)
            return None

    def _network_figures(self, key: PlanKey) -> NetworkFigures | None:
        digest = key.snapshot_digest()
        held = self._figures
        if held is not None and held[0] == digest:
            return held[1]
        found = self._read_cached(key, NetworkFigures, "figures", per_snapshot=True)
        if found is not None:
            self._figures = (digest, found)
        return found

    def cached(self) -> Plan | None:
        """Return the plan of the current snapshot if one is cached (memory or disk), else None.

        Never plans the whole network: a plan in memory from before the latest ERP writes
        counts as current, and one on disk is brought up to date by re-planning their SKUs.
        """
        key = self.key()
        held = self._plan
        if held is not None and held[0].same_snapshot(key):
            return self.plan(fresh=False)
        path = self._cache_file(key)
        if (path is not None and path.exists()) or self._newest_cached(key, "plan") is not None:
            return self.plan(fresh=False)
        return None

    def as_of(self) -> date:
        """Return the snapshot date without planning (the reference data's; no plan is loaded).

        A one-shot process after an ERP write would otherwise compute the whole plan for it.
        The latest inventory date is one indexed query; only a store without inventory reads
        the reference data (its last sale).
        """
        as_of = snapshot_as_of(self.engine)
        if as_of is not None:
            return as_of
        try:
            return self.reference(fresh=False).as_of
        except ValueError:  # no inventory and no sales
            raise NotFoundError("the store is empty: run `stockpilot demo` or `import`") from None

    def reference(self, *, fresh: bool = True) -> NetworkData:
        """Return the snapshot without sales (master data, open supply, promotions), cached.

        With `fresh=False` a copy read before the latest ERP writes will do (master data does
        not change with a write; callers read live stock with `erp.store.on_hand`).
        """
        key = self.key()
        with self._lock:
            held = _usable(self._ref, key, fresh=fresh)
            if held is not None:
                return held
        ref = self._read_cached(key, NetworkData, "ref")
        if ref is None and not fresh:  # one of the same snapshot from before the writes will do
            newest = self._newest_cached(key, "ref")
            if newest is not None:
                ref = self._read_cached(key.at(*newest), NetworkData, "ref")
                if ref is not None:
                    key = key.at(*newest)
        if ref is None:
            as_of = snapshot_as_of(self.engine)
            since = None if as_of is None else as_of + timedelta(days=1)
            ref = load_network(self.engine, sales_since=since)
            self._write_cached(key, ref, "ref")
        with self._lock:
            self._ref = (key, ref)
            self._settle()
        return ref

    def entities(self) -> NetworkData:
        """Return the snapshot's items, locations and suppliers (the other tables empty).

        What the name resolver needs: the whole reference data when it is held anyway, else the
        three master tables alone (`erp.store.load_entities`), kept per snapshot. ERP writes do
        not change them, so a copy from before the latest writes will do.
        """
        key = self.key()
        with self._lock:
            held = _usable(self._ref, key, fresh=False) or _usable(self._entities, key, fresh=False)
        if held is not None:
            return held
        found = load_entities(self.engine)
        with self._lock:
            self._entities = (key, found)
        return found

    def reference_of(self, sku: str, *, fresh: bool = True) -> NetworkData:
        """Return the snapshot without sales as far as one SKU needs it.

        All locations, lanes and suppliers; the SKU's own item, terms, stock, open supply and
        promotions. The whole reference data when it is held anyway; else that SKU's rows, read
        by indexed lookups (`erp.store.load_sku_reference`), the last few kept per store
        version: what a server answering for one SKU needs, whatever the network's size.
        """
        key = self.key()
        with self._lock:
            held = _usable(self._ref, key, fresh=fresh)
            if held is not None:
                return held
            memo = self._sku_refs.get((key, sku))
            if memo is None and not fresh:
                same = (
                    r for (k, s), r in self._sku_refs.items() if s == sku and k.same_snapshot(key)
                )
                memo = next(same, None)
        if memo is not None:
            return memo
        ref = load_sku_reference(self.engine, sku)
        with self._lock:
            if len(self._sku_refs) >= SKU_REFERENCES_KEPT:
                self._sku_refs.pop(next(iter(self._sku_refs)))
            self._sku_refs[(key, sku)] = ref
        return ref

    def _cache_file(
        self, key: PlanKey, kind: str = "plan", *, per_snapshot: bool = False
    ) -> Path | None:
        """Return the file of `kind` for `key` (for its snapshot alone when `per_snapshot`)."""
        folder = self.settings.plan_cache_dir
        if folder is None:
            return None
        tail = "" if per_snapshot else f"-{key.commits}.{key.overrides}"
        return folder / f"{kind}-{key.snapshot_digest()}{tail}.pkl"

    def _newest_cached(self, key: PlanKey, kind: str) -> tuple[int, int] | None:
        """Return the most (ERP writes, override changes), at most the key's, of a cached file."""
        folder = self.settings.plan_cache_dir
        if folder is None:
            return None
        prefix = f"{kind}-{key.snapshot_digest()}-"
        found = []
        for path in folder.glob(f"{prefix}*.pkl"):
            commits, _, overrides = path.name[len(prefix) : -len(".pkl")].partition(".")
            if not (commits.isdigit() and overrides.isdigit()):
                continue
            if int(commits) <= key.commits and int(overrides) <= key.overrides:
                found.append((int(commits), int(overrides)))
        return max(found, default=None)

    def _read_cached(
        self, key: PlanKey, of: type[T], kind: str, *, per_snapshot: bool = False
    ) -> T | None:
        path = self._cache_file(key, kind, per_snapshot=per_snapshot)
        if path is None or not path.exists():
            return None
        try:
            with path.open("rb") as fh:
                cached = pickle.load(fh)
        except Exception:  # a damaged or incompatible cache is only a cache: recompute
            return None
        return cached if isinstance(cached, of) else None

    def _write_cached(
        self, key: PlanKey, result: object, kind: str, *, per_snapshot: bool = False
    ) -> None:
        path = self._cache_file(key, kind, per_snapshot=per_snapshot)
        if path is None:
            return
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            for old in path.parent.glob(f"{kind}-*.pkl"):
                old.unlink(missing_ok=True)
            with tempfile.NamedTemporaryFile(dir=path.parent, delete=False, suffix=".tmp") as fh:
                pickle.dump(result, fh, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(fh.name, path)
        except OSError:
            pass  # a read-only or full disk costs only the cache

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
