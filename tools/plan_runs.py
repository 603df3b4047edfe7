"""Plan the store partition by partition into the plan tables, in-process or on any mapper.

The plan of one SKU across its network (DCs, stores, lanes, suppliers) depends on other SKUs
only through three network-wide figures (`planning.engine.NetworkFigures`: ABC classes, the
pooled weekday profile, supplier lateness). A run therefore has two mapped phases:

    run_id = begin_run(url, n)                           # partitions: SKU ranges sized by rows
    map(scan_partition, [url] * n, [run_id] * n, range(n))   # each partition's share of them
    seal_run(url, run_id)                                # combine: classes, pool, lateness
    map(plan_partition, [url] * n, [run_id] * n, range(n))   # plan and write each partition
    finish_run(url, run_id)                              # complete when none is missing

The scan keeps what the plan reads of the partition's sales (`planning.engine.PartSales`,
compressed, in `plan_partition_sales`), so the plan phase reads no sales rows: a run reads
each partition's sales once. A plan phase that finds none kept reads the sales itself.

`run_partitioned` does all of it with a given `map` (the built-in one: in-process). Every mapped
function takes only the store URL and ids, reads its partition from the store, writes its result
back and returns a small summary, so a distributed runner ships nothing but ids. Each is
idempotent: a retried or duplicated call replaces its own rows and leaves them exactly once.
`replan_skus` re-plans a few SKUs of a complete run with its figures, swapping their rows in one
transaction (reads see the old rows until then); `catch_up` does it for the SKUs of the ERP
commits made since the run's rows were computed; `carry_forward` for the SKUs an import of
changed rows touched, carrying the run over to the new import.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import json
import threading
import time
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Connection, Engine

from erp import plan_store
from erp.db import make_engine, migrate
from erp.overrides import override_event_mark, override_skus_since, overrides_in_force
from erp.store import (
    latest_import,
    ledger_mark,
    load_network,
    load_skus,
    load_supplier_history,
    snapshot_as_of,
)
from planning.censoring import EVIDENCE
from planning.engine import (
    NetworkFigures,
    PartFigures,
    PartSales,
    Plan,
    network_figures,
    part_scan,
    plan,
)
from planning.exceptions import EXCEPTION_TYPES
from planning.forecast import WeekdayTotals
from planning.network import NetworkData, changed_skus
from planning.params import PlanParams
from planning.recommend import supplier_lateness
from tools.errors import NotFoundError

Mapper = Callable[..., Iterable[Any]]

_engines: dict[str, Engine] = {}
_engines_lock = threading.Lock()


def store_engine(store_url: str | Engine) -> Engine:
    """Return this process's engine of `store_url` (one per URL, reused by every call).

    Every function here takes the store as a URL (what a distributed runner ships) or, in the
    process that holds one, as an engine.
    """
    if isinstance(store_url, Engine):
        return store_url
    with _engines_lock:
        engine = _engines.get(store_url)
        if engine is None:
            engine = _engines[store_url] = make_engine(store_url)
        return engine


def dispose_engines() -> None:
    """Close and forget this process's engines (tests; a worker shutting down)."""
    with _engines_lock:
        for engine in _engines.values():
            engine.dispose()
        _engines.clear()


SKUS_PER_PART = 100
"""SKUs planned together by `plan_parts` when it is given SKUs (each read with its network)."""


@dataclass(frozen=True)
class ScanResult:
    """What `scan_partition` found: the partition's SKUs and SKU-locations planned."""

    run_id: int
    partition_id: int
    skus: int
    seconds: float
    sales_rows: int = 0  # sales rows read from the store


@dataclass(frozen=True)
class PartitionResult:
    """What `plan_partition` wrote: positions and exceptions rows, and how long it took."""

    run_id: int
    partition_id: int
    positions: int
    exceptions: int
    seconds: float
    sales_rows: int = 0  # sales rows read from the store (0: the scan's kept sales)


@dataclass(frozen=True)
class RunSummary:
    """A finished run: its id, size and the time of each phase (seconds)."""

    run_id: int
    n_partitions: int
    positions: int
    exceptions: int
    scan_s: float
    seal_s: float
    plan_s: float
    total_s: float
    sales_rows: int = 0  # sales rows read from the store, both phases


def params_json(params: PlanParams) -> str:
    """Return the parameters as JSON (class mappings as sorted pairs)."""
    return json.dumps(dataclasses.asdict(params), sort_keys=True)


def params_from_json(text: str) -> PlanParams:
    """Return the parameters `params_json` wrote."""
    raw: dict[str, Any] = json.loads(text)
    fields: dict[str, Any] = {
        k: tuple(tuple(p) for p in v) if isinstance(v, list) else v for k, v in raw.items()
    }
    return PlanParams(**fields)


def params_digest(params: PlanParams) -> str:
    """Return a short digest identifying the parameters."""
    return hashlib.sha256(params_json(params).encode()).hexdigest()[:32]


def _sales_since(params: PlanParams, run: plan_store.RunRecord) -> Any:
    return run.as_of - timedelta(params.history_days + params.bias_window_days)


def _load(
    engine: Engine,
    run: plan_store.RunRecord,
    part: plan_store.Partition,
    *,
    with_sales: bool = True,
) -> Any:
    assert part.sku_first is not None and part.sku_last is not None
    params = params_from_json(run.params)
    return load_skus(
        engine,
        part.sku_first,
        part.sku_last,
        sales_since=_sales_since(params, run),
        with_sales=with_sales,
    )


def _whole_dtype(units: np.ndarray) -> Any:
    """Return the smallest integer type holding `units` exactly, or None (not whole numbers)."""
    if units.size == 0:
        return np.int8
    if not np.isfinite(units).all() or not np.array_equal(units, np.round(units)):
        return None
    low, high = units.min(), units.max()
    for kind in (np.int8, np.int16, np.int32):
        if np.iinfo(kind).min <= low and high <= np.iinfo(kind).max:
            return kind
    return None


def encode_sales(sales: PartSales) -> bytes:
    """Return a partition's kept sales as compressed bytes (`decode_sales` reads them back).

    Units that are whole numbers are stored as the smallest integer type holding them
    (exactly the same floats when read back), else as floats.
    """
    whole = _whole_dtype(sales.units)
    buffer = io.BytesIO()
    np.savez_compressed(
        buffer,
        window=np.array([sales.start.isoformat(), sales.end.isoformat()]),
        sold_sku=np.array(sales.sold["sku"].astype(str).tolist(), dtype=str),
        sold_location=np.array(sales.sold["location_id"].astype(str).tolist(), dtype=str),
        key_sku=np.array(sales.keys["sku"].astype(str).tolist(), dtype=str),
        key_location=np.array(sales.keys["location_id"].astype(str).tolist(), dtype=str),
        units=sales.units if whole is None else sales.units.astype(whole),
    )
    return buffer.getvalue()


def decode_sales(data: bytes) -> PartSales:
    """Return the kept sales `encode_sales` wrote."""
    with np.load(io.BytesIO(data), allow_pickle=False) as raw:
        start, end = (date.fromisoformat(str(d)) for d in raw["window"])

        def pairs(sku: str, location: str) -> pd.DataFrame:
            return pd.DataFrame(
                {
                    "sku": pd.Series(raw[sku], dtype="str"),
                    "location_id": pd.Series(raw[location], dtype="str"),
                }
            )

        return PartSales(
            start,
            end,
            pairs("sold_sku", "sold_location"),
            pairs("key_sku", "key_location"),
            raw["units"].astype(np.float64),
        )


def begin_run(store_url: str | Engine, n_partitions: int, params: PlanParams | None = None) -> int:
    """Record a run of the store's current snapshot in `n_partitions` partitions; return its id.

    Partitions are contiguous ranges of SKU ids in the store's order, cut so each holds about
    the same number of SKU-location rows (deterministic for a given store).
    """
    engine = store_engine(store_url)
    migrate(engine)
    snapshot = latest_import(engine)
    as_of = snapshot_as_of(engine) or (snapshot.as_of_date if snapshot is not None else None)
    if snapshot is None or as_of is None:
        raise NotFoundError("the store is empty: run `stockpilot demo` or `import`")
    chosen = params or PlanParams()
    return plan_store.create_run(
        engine,
        import_id=snapshot.id,
        as_of=as_of,
        params=params_json(chosen),
        params_digest=params_digest(chosen),
        n_partitions=n_partitions,
    )


def _part_json(figures: PartFigures) -> str:
    return json.dumps(
        {
            "skus": figures.sales_value.index.tolist(),
            "values": figures.sales_value.to_numpy(float).tolist(),
            "weekday": _weekday_json(figures.weekday_pool),
            "bias_weekday": _weekday_json(figures.bias_weekday_pool),
            "sold_days": [] if figures.sold_days is None else figures.sold_days.tolist(),
            "long_start": None if figures.long_start is None else figures.long_start.isoformat(),
        }
    )


def _weekday_json(totals: WeekdayTotals) -> dict[str, list[float]]:
    return {"units": totals.units.tolist(), "days": totals.days.tolist()}


def _weekday(raw: dict[str, list[float]]) -> WeekdayTotals:
    return WeekdayTotals(np.asarray(raw["units"], float), np.asarray(raw["days"], float))


def scan_partition(
    store_url: str | Engine, run_id: int, partition_id: int, keep_sales: bool = True
) -> ScanResult:
    """Compute and store one partition's share of the network-wide figures (idempotent).

    With `keep_sales` it also keeps what the plan phase reads of the partition's sales
    (`plan_store.keep_sales`), so `plan_partition` reads no sales rows.
    """
    started = time.perf_counter()
    engine = store_engine(store_url)
    run = plan_store.run(engine, run_id)
    part = plan_store.partition(engine, run_id, partition_id)
    rows = 0
    if part.sku_first is None:
        figures = PartFigures(pd.Series(dtype=float), WeekdayTotals.zero(), WeekdayTotals.zero())
    else:
        params = params_from_json(run.params)
        data = _load(engine, run, part)
        rows = len(data.sales)
        figures, sales = part_scan(data, params=params, as_of=run.as_of)
        del data
        if keep_sales:
            plan_store.keep_sales(engine, run_id, partition_id, encode_sales(sales))
    plan_store.record_scan(engine, run_id, partition_id, _part_json(figures))
    return ScanResult(run_id, partition_id, part.skus, time.perf_counter() - started, rows)


def seal_run(store_url: str | Engine, run_id: int) -> None:
    """Combine the partitions' shares into the run's figures and SKU classes.

    Raises RuntimeError naming the partitions not scanned yet.
    """
    engine = store_engine(store_url)
    run = plan_store.run(engine, run_id)
    shares = plan_store.scans(engine, run_id)
    missing = [i for i, s in enumerate(shares) if s is None]
    if missing:
        raise RuntimeError(f"plan run {run_id}: partitions {missing} are not scanned")
    parts = []
    for text in shares:
        raw = json.loads(text or "{}")
        parts.append(
            PartFigures(
                pd.Series(raw["values"], index=pd.Index(raw["skus"], dtype=object), dtype=float),
                _weekday(raw["weekday"]),
                _weekday(raw["bias_weekday"]),
                np.asarray(raw["sold_days"], dtype=np.int64),
                None if raw["long_start"] is None else date.fromisoformat(raw["long_start"]),
            )
        )
    params = params_from_json(run.params)
    lateness = supplier_lateness(load_supplier_history(engine))
    figures = network_figures(parts, lateness, params)
    classes = figures.abc_class
    plan_store.seal_run(
        engine,
        run_id,
        json.dumps(
            {
                "weekday": _weekday_json(figures.weekday_pool),
                "bias_weekday": _weekday_json(figures.bias_weekday_pool),
                "sales_bucket": figures.sales_bucket,
                "lateness": {
                    "supplier_id": lateness.index.astype(str).tolist(),
                    **{c: lateness[c].astype(float).tolist() for c in ("mean", "std", "count")},
                },
            }
        ),
        pd.DataFrame({"sku": classes.index.astype(str), "abc_class": classes.to_numpy(object)}),
    )


def _run_figures(
    engine: Engine, run: plan_store.RunRecord, first: str, last: str
) -> NetworkFigures:
    if run.figures is None:
        raise RuntimeError(f"plan run {run.id} is not sealed: run seal_run first")
    raw = json.loads(run.figures)
    late = raw["lateness"]
    lateness = pd.DataFrame(
        {c: pd.Series(late[c], dtype=float) for c in ("mean", "std", "count")}
    ).set_index(pd.Index(late["supplier_id"], dtype=object, name="supplier_id"))
    return NetworkFigures(
        abc_class=plan_store.sku_classes(engine, run.id, first, last),
        weekday_pool=_weekday(raw["weekday"]),
        bias_weekday_pool=_weekday(raw["bias_weekday"]),
        lateness=lateness,
        sales_bucket=None if raw["sales_bucket"] is None else tuple(raw["sales_bucket"]),
    )


def plan_rows(result: Plan) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return a plan's positions and exceptions as rows of the plan tables."""
    positions = result.positions.copy()
    positions["projected_stockout_date"] = positions["projected_stockout_date"].astype(
        "datetime64[ns]"
    )
    # The forecast's stockout evidence travels with the rows (none held: nothing left out).
    held = result.stockout_evidence or {}
    for name in EVIDENCE:
        values = held.get(name, np.zeros(len(positions), dtype=np.int64))
        positions[name] = values.astype(bool) if name == "inventory_history" else values
    records = result.exception_records()
    raw = result.exceptions
    exceptions = pd.DataFrame(
        {
            "exception_id": [r["id"] for r in records],
            "type": raw["type"].to_numpy(object),
            "type_rank": [EXCEPTION_TYPES.index(t) for t in raw["type"]],
            "sku": raw["sku"].to_numpy(object),
            "location_id": raw["location"].to_numpy(object),
            "priority": raw["priority"].to_numpy(np.int64),
            "money_at_risk": raw["money_at_risk"].to_numpy(float),
            "seq": np.arange(len(raw), dtype=np.int64),
            "rec_kind": raw["rec_kind"].to_numpy(object),
            "first_risk_date": pd.to_datetime(
                pd.Series([r["first_risk_date"] for r in records], dtype=object)
            ).astype("datetime64[ns]"),
            "rec_supplier_id": [r["recommendation"]["supplier_id"] or None for r in records],
            "rec_from_location": [r["recommendation"]["from_location"] or None for r in records],
            "record": [json.dumps(r) for r in records],
        }
    )
    return positions, exceptions


def plan_partition(store_url: str | Engine, run_id: int, partition_id: int) -> PartitionResult:
    """Plan one partition of a sealed run and write its rows to the plan tables.

    The contract a distributed runner relies on: it reads the partition's SKUs (every table
    they appear in; all locations, lanes, suppliers) from the store at `store_url` itself,
    plans them with the run's parameters and network-wide figures, and in one transaction
    replaces the partition's positions and exceptions and stamps the partition planned. Calling
    it again (a retry, a duplicate on another worker) leaves the same rows once; two calls at
    once are serialised by a lock on the partition's row. It returns only a small summary.
    """
    started = time.perf_counter()
    engine = store_engine(store_url)
    run = plan_store.run(engine, run_id)
    part = plan_store.partition(engine, run_id, partition_id)
    if part.sku_first is None or part.sku_last is None:
        empty = pd.DataFrame(columns=list(plan_store.POSITION_COLUMNS))
        plan_store.write_partition(engine, part, empty, empty, 0.0)
        return PartitionResult(run_id, partition_id, 0, 0, time.perf_counter() - started)
    figures = _run_figures(engine, run, part.sku_first, part.sku_last)
    kept = plan_store.kept_sales(engine, run_id, partition_id)
    data = _load(engine, run, part, with_sales=kept is None)
    overrides = overrides_in_force(engine, data.items["sku"].astype(str).tolist())
    result = plan(
        data,
        params=params_from_json(run.params),
        as_of=run.as_of,
        figures=figures,
        overrides=overrides,
        sales=None if kept is None else decode_sales(kept),
    )
    positions, exceptions = plan_rows(result)
    seconds = time.perf_counter() - started
    plan_store.write_partition(engine, part, positions, exceptions, seconds)
    return PartitionResult(
        run_id, partition_id, len(positions), len(exceptions), seconds, len(data.sales)
    )


def finish_run(store_url: str | Engine, run_id: int) -> None:
    """Mark the run complete; raises RuntimeError naming any partition not planned."""
    missing = plan_store.finish_run(store_engine(store_url), run_id)
    if missing:
        raise RuntimeError(f"plan run {run_id}: partitions {missing} are not planned")


def run_partitioned(
    store_url: str | Engine,
    n_partitions: int,
    params: PlanParams | None = None,
    *,
    map: Mapper = map,
    keep_sales: bool = True,
) -> RunSummary:
    """Plan the store's snapshot in `n_partitions` partitions with `map` (default: in-process).

    `map(fn, urls, run_ids, partition_ids, ...)` must call `fn` once per partition (in any
    order, anywhere) and return the results; a distributed runner passes its own (e.g. a
    cluster's `map` followed by gathering the results). Without `keep_sales` the plan phase
    reads each partition's sales again (the scan keeps none).
    """
    started = time.perf_counter()
    run_id = begin_run(store_url, n_partitions, params)
    ids = list(range(n_partitions))
    urls, runs = [store_url] * n_partitions, [run_id] * n_partitions
    engine = store_engine(store_url)
    try:
        scanned_parts: list[ScanResult] = list(
            map(scan_partition, urls, runs, ids, [keep_sales] * n_partitions)
        )
        scanned = time.perf_counter()
        seal_run(store_url, run_id)
        sealed = time.perf_counter()
        results: list[PartitionResult] = list(map(plan_partition, urls, runs, ids))
        finish_run(store_url, run_id)
    except BaseException:
        plan_store.fail_run(engine, run_id)
        raise
    done = time.perf_counter()
    return RunSummary(
        run_id=run_id,
        n_partitions=n_partitions,
        positions=sum(r.positions for r in results),
        exceptions=sum(r.exceptions for r in results),
        scan_s=scanned - started,
        seal_s=sealed - scanned,
        plan_s=done - sealed,
        total_s=done - started,
        sales_rows=sum(r.sales_rows for r in scanned_parts) + sum(r.sales_rows for r in results),
    )


def plan_skus(store_url: str | Engine, run_id: int, skus: Sequence[str]) -> Plan:
    """Plan `skus` from the store as it is now, with the run's parameters and figures.

    Each SKU is read with its whole network; nothing is written.
    """
    engine = store_engine(store_url)
    run = plan_store.run(engine, run_id)
    wanted = sorted(set(skus))
    if not wanted:
        raise ValueError("name at least one SKU to plan")
    params = params_from_json(run.params)
    figures = _run_figures(engine, run, wanted[0], wanted[-1])
    return plan_skus_with(engine, wanted, params, run.as_of, figures)


def plan_parts(
    store_url: str | Engine,
    run_id: int,
    skus: Collection[str] | None = None,
    *,
    per_part: int | None = None,
) -> Iterator[Plan]:
    """Yield plans of the run's SKUs one part at a time, from the store as it is now.

    Every SKU partition by partition (indexed range reads), or only `skus`, `per_part` at a
    time (default `SKUS_PER_PART`; each read with its network); planned with the run's
    parameters and figures, nothing written. What a question about many SKUs (a location's, a
    category's, the network's) reads instead of a plan of the whole network: one part's plan
    is held at a time.
    """
    engine = store_engine(store_url)
    run = plan_store.run(engine, run_id)
    if skus is not None:
        wanted, step = sorted(set(skus)), per_part or SKUS_PER_PART
        for i in range(0, len(wanted), step):
            yield plan_skus(engine, run_id, wanted[i : i + step])
        return
    params = params_from_json(run.params)
    for partition_id in range(run.n_partitions):
        part = plan_store.partition(engine, run_id, partition_id)
        if part.sku_first is None or part.sku_last is None:
            continue
        data = _load(engine, run, part)
        yield plan(
            data,
            params=params,
            as_of=run.as_of,
            figures=_run_figures(engine, run, part.sku_first, part.sku_last),
            overrides=overrides_in_force(engine, data.items["sku"].astype(str).tolist()),
        )


def plan_skus_with(
    engine: Engine,
    skus: Sequence[str],
    params: PlanParams,
    as_of: date,
    figures: NetworkFigures,
) -> Plan:
    """Plan `skus` from the store as it is now with the given parameters and network figures.

    Each SKU is read with its whole network (sales from the history the parameters need); the
    result is the whole plan's rows of those SKUs when `figures` are the whole network's.
    """
    wanted = sorted(set(skus))
    if not wanted:
        raise ValueError("name at least one SKU to plan")
    since = as_of - timedelta(params.history_days + params.bias_window_days)
    data = _concat([load_skus(engine, sku, sku, sales_since=since) for sku in wanted])
    overrides = overrides_in_force(engine, wanted)
    return plan(data, params=params, as_of=as_of, figures=figures, overrides=overrides)


def replan_skus(store_url: str | Engine, run_id: int, skus: Sequence[str]) -> int:
    """Re-plan `skus` of a sealed run from the store as it is now; return positions written.

    Each SKU is planned with its whole network and the run's figures (its ABC class, the pooled
    profile and lateness stay the run's: they move with sales, not with a commit), and all their
    rows are swapped in one transaction: a read sees the old rows or the new, never a mix.
    """
    if not skus:
        return 0
    positions, exceptions = plan_rows(plan_skus(store_url, run_id, skus))
    plan_store.replace_skus(
        store_engine(store_url), run_id, sorted(set(skus)), positions, exceptions
    )
    return len(positions)


def catch_up(store_url: str | Engine, run_id: int) -> list[str]:
    """Re-plan the SKUs of ERP commits and override changes made since the run's rows; return them.

    The run's marks move first (compare-and-set), so of several processes noticing the same
    changes one re-plans them; a re-plan that fails puts the marks back.
    """
    engine = store_engine(store_url)
    run = plan_store.run(engine, run_id)
    now, events = ledger_mark(engine), override_event_mark(engine)
    commits = now > run.ledger_rows and plan_store.claim_commits(
        engine, run_id, run.ledger_rows, now
    )
    changed = events > run.override_events and plan_store.claim_overrides(
        engine, run_id, run.override_events, events
    )
    if not commits and not changed:
        return []
    skus = set(plan_store.committed_skus(engine, run.ledger_rows, now) if commits else [])
    if changed:
        skus.update(override_skus_since(engine, run.override_events, events))
    try:
        replan_skus(store_url, run_id, sorted(skus))
    except BaseException:
        if commits:
            plan_store.claim_commits(engine, run_id, now, run.ledger_rows)
        if changed:
            plan_store.claim_overrides(engine, run_id, events, run.override_events)
        raise
    return sorted(skus)


@dataclass(frozen=True)
class CarriedRuns:
    """Complete runs an import carries over: the SKUs it re-plans and their new rows per run."""

    skus: list[str]
    rows: dict[int, tuple[pd.DataFrame, pd.DataFrame]]  # run id: (positions, exceptions)

    def write(self, conn: Connection, import_id: int) -> None:
        """Move the runs to the new import and swap the SKUs' rows (in its transaction)."""
        for run_id, (positions, exceptions) in self.rows.items():
            plan_store.carry_run(conn, run_id, import_id, self.skus, positions, exceptions)


def _only(data: NetworkData, skus: Sequence[str], since: date) -> NetworkData:
    """Return `data` restricted to `skus` (shared tables whole) and to sales from `since` on."""
    frames = {}
    for name, frame in data.frames().items():
        if "sku" in frame.columns:
            frame = frame[frame["sku"].isin(skus)]
        if name in ("sales", "inventory_history"):
            frame = frame[frame["date"] >= pd.Timestamp(since)]
        frames[name] = frame.reset_index(drop=True)
    return NetworkData.from_frames(frames)


def carry_forward(store_url: str | Engine, data: NetworkData) -> CarriedRuns | None:
    """Re-plan only what importing `data` over the store's snapshot changes, if that is enough.

    For each complete run of the current import (one per set of parameters), the SKUs whose
    rows differ (`planning.network.changed_skus`, over the sales the run plans with) are
    planned from `data` with the run's figures, like a commit's SKUs: their ABC class, the
    pooled profile and lateness stay the run's until the next full run. Returns None when a
    full run is needed instead: no complete run, a new snapshot date, a change to locations,
    lanes, suppliers, the set of SKUs or received purchase orders.
    """
    engine = store_engine(store_url)
    snapshot = latest_import(engine)
    runs = [] if snapshot is None else plan_store.complete_runs(engine, snapshot.id)
    if not runs:
        return None
    records = [plan_store.run(engine, r) for r in runs]
    since = min(_sales_since(params_from_json(r.params), r) for r in records)
    old = load_network(engine, sales_since=since)
    new = _only(data, data.items["sku"].astype(str).tolist(), since)
    skus = changed_skus(old, new)
    if skus is None or any(r.as_of != new.as_of for r in records):
        return None
    wanted = sorted(skus)
    overrides = overrides_in_force(engine, wanted)
    rows: dict[int, tuple[pd.DataFrame, pd.DataFrame]] = {}
    for record in records:
        if not wanted:
            empty = pd.DataFrame(columns=list(plan_store.POSITION_COLUMNS))
            rows[record.id] = (empty, empty)
            continue
        params = params_from_json(record.params)
        figures = _run_figures(engine, record, wanted[0], wanted[-1])
        part = _only(data, wanted, _sales_since(params, record))
        rows[record.id] = plan_rows(
            plan(part, params=params, as_of=record.as_of, figures=figures, overrides=overrides)
        )
    return CarriedRuns(wanted, rows)


def _concat(parts: list[Any]) -> Any:
    """Return one network of several SKU reads (shared tables taken once)."""
    if len(parts) == 1:
        return parts[0]
    first = parts[0]
    frames = {}
    for name, frame in first.frames().items():
        if "sku" in frame.columns:
            frames[name] = pd.concat([p.frames()[name] for p in parts], ignore_index=True)
        else:
            frames[name] = frame
    return type(first).from_frames(frames)
