"""Plan a large network on PostgreSQL: generate, plan in one process, plan on a Dask cluster.

Usage: python benchmarks/bench_scale.py --database-url postgresql+psycopg://user@host/db
       [--stores 100] [--dcs 4] [--skus 1120] [--days 730] [--block-skus 100]
       [--partitions N] [--workers 2] [--stages generate,plan,dask,replan,reads,api]
       (`plan_reread`: the plan stage with the plan phase reading the sales again, as before
       the scan kept them)

Each stage runs in a child process of its own, so its peak RSS is its own; the stages run side by
side in one invocation and the summary prints their ratios. `generate` replaces the database's
snapshot (`stockpilot demo --block-skus`); the other stages read it. The defaults are about 100k
SKU-locations (100 stores + 4 DCs x 1,120 SKUs, ~51M sales rows); 11,200 SKUs is about 1M.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
import uuid
from datetime import date
from pathlib import Path
from typing import Any

AS_OF = date(2026, 11, 22)
ROOT = Path(__file__).resolve().parents[1]


def _peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _cpu_s() -> float:
    """Return this process's CPU seconds (user + system): steadier than wall time under load."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _settings(args: argparse.Namespace) -> Any:
    from stockpilot.settings import Settings

    return Settings(_env_file=None, database_url=args.database_url, plan_cache_dir=None)  # type: ignore[call-arg]


def stage_generate(args: argparse.Namespace) -> dict[str, Any]:
    from tools.workspace import Workspace

    ws = Workspace.open(_settings(args))
    t0 = time.perf_counter()
    last = [t0]

    def progress(done: int, total: int) -> None:
        now = time.perf_counter()
        if now - last[0] >= 10 or done == total:
            last[0] = now
            rate = done / (now - t0)
            eta = (total - done) / rate if rate else 0.0
            print(
                f"  generate: {done:,}/{total:,} SKUs, {now - t0:,.0f} s, eta {eta:,.0f} s",
                file=sys.stderr,
                flush=True,
            )

    summary = ws.snapshots.seed_demo(
        stores=args.stores,
        skus=args.skus,
        days=args.days,
        dcs=args.dcs,
        as_of=AS_OF,
        replace=True,
        block_skus=args.block_skus,
        progress=progress,
    )
    wall = time.perf_counter() - t0
    with ws.engine.connect() as conn:
        from sqlalchemy import text

        size = conn.execute(text("SELECT pg_database_size(current_database())")).scalar_one()
    return {
        "wall_s": wall,
        "sku_locations": summary.row_counts["inventory"],
        "sales_rows": summary.row_counts["sales"],
        "database_gib": size / 2**30,
        "peak_rss_mib": _peak_rss_mib(),
    }


def _partition_costs(url: str, run_id: int) -> dict[str, Any]:
    """Return the run's per-partition costs: seconds per 1,000 SKU-locations (median, max)."""
    from erp.plan_store import partition_states
    from tools.plan_runs import store_engine

    states = partition_states(store_engine(url), run_id)
    per_k = (states["seconds"] / (states["weight"].clip(lower=1) / 1000)).sort_values()
    return {
        "partition_rows_median": int(states["weight"].median()),
        "partition_s_median": float(states["seconds"].median()),
        "partition_s_max": float(states["seconds"].max()),
        "s_per_1k_sku_locations_median": float(per_k.median()),
    }


def _summary(summary: Any) -> dict[str, Any]:
    return {
        "run_id": summary.run_id,
        "partitions": summary.n_partitions,
        "positions": summary.positions,
        "exceptions": summary.exceptions,
        "scan_s": summary.scan_s,
        "seal_s": summary.seal_s,
        "plan_s": summary.plan_s,
        "wall_s": summary.total_s,
        "sales_rows_read": summary.sales_rows,
    }


def stage_plan(args: argparse.Namespace, *, keep_sales: bool = True) -> dict[str, Any]:
    from tools.cluster import run_plan
    from tools.workspace import Workspace

    ws = Workspace.open(_settings(args))
    summary = run_plan(
        args.database_url, params=ws.plans.params, partitions=args.partitions, keep_sales=keep_sales
    )
    return {
        **_summary(summary),
        **_partition_costs(args.database_url, summary.run_id),
        "cpu_s": _cpu_s(),
        "peak_rss_mib": _peak_rss_mib(),
    }


def stage_plan_reread(args: argparse.Namespace) -> dict[str, Any]:
    """Run the plan stage as before the scan kept each partition's sales (read them twice).

    The plan phase reads the sales again (`keep_sales=False`): the side-by-side comparison.
    """
    return stage_plan(args, keep_sales=False)


def _worker_usage() -> tuple[float, float]:
    """Return a worker's (peak RSS MiB, CPU seconds)."""
    return _peak_rss_mib(), _cpu_s()


def stage_dask(args: argparse.Namespace) -> dict[str, Any]:
    import distributed

    from tools.cluster import run_plan
    from tools.workspace import Workspace

    ws = Workspace.open(_settings(args))
    t0 = time.perf_counter()
    with distributed.LocalCluster(
        n_workers=args.workers,
        threads_per_worker=1,
        processes=True,
        dashboard_address=":0",
        memory_limit=0,
    ) as cluster:
        started = time.perf_counter() - t0
        summary = run_plan(
            args.database_url,
            params=ws.plans.params,
            partitions=args.partitions,
            scheduler=cluster.scheduler_address,
        )
        with distributed.Client(cluster) as client:
            workers = client.run(_worker_usage)
    return {
        **_summary(summary),
        **_partition_costs(args.database_url, summary.run_id),
        "workers": args.workers,
        "cluster_start_s": started,
        "worker_peak_rss_mib": max(rss for rss, _ in workers.values()),
        "workers_cpu_s": sum(cpu for _, cpu in workers.values()),
        "client_peak_rss_mib": _peak_rss_mib(),
    }


def stage_replan(args: argparse.Namespace) -> dict[str, Any]:
    """Commit a purchase order for one SKU, then re-plan that SKU in the latest complete run."""
    from sqlalchemy import func, select

    from erp import models
    from erp.connector import BuiltinErpConnector, PurchaseOrderRequest
    from erp.plan_store import current_run, read_positions
    from erp.store import latest_import
    from tools.plan_runs import replan_skus, store_engine

    engine = store_engine(args.database_url)
    snapshot = latest_import(engine)
    assert snapshot is not None
    run_id = current_run(engine, snapshot.id)
    if run_id is None:
        raise SystemExit("replan: no complete plan run; run the plan stage first")
    with engine.connect() as conn:
        sku, supplier = conn.execute(
            select(models.ItemSupplier.sku, models.ItemSupplier.supplier_id)
            .where(models.ItemSupplier.is_primary)
            .order_by(func.md5(models.ItemSupplier.sku))
            .limit(1)
        ).one()
        dc = conn.execute(
            select(models.Location.location_id).where(models.Location.type == "dc").limit(1)
        ).scalar_one()
    timings = []
    moved = []
    for _ in range(5):
        before = read_positions(engine, run_id, sku=sku, location=dc)
        BuiltinErpConnector(engine).create_purchase_order(
            PurchaseOrderRequest(supplier, sku, dc, 100, AS_OF),
            idempotency_key=f"bench-scale-{uuid.uuid4().hex}",
        )
        t0 = time.perf_counter()
        replan_skus(args.database_url, run_id, [sku])
        timings.append(time.perf_counter() - t0)
        after = read_positions(engine, run_id, sku=sku, location=dc)
        moved.append(float(after["on_order"].sum() - before["on_order"].sum()))
    return {
        "sku": sku,
        "replan_s_median": sorted(timings)[len(timings) // 2],
        "replan_s_max": max(timings),
        "on_order_moved_per_commit": moved,
        "peak_rss_mib": _peak_rss_mib(),
    }


def stage_reads(args: argparse.Namespace) -> dict[str, Any]:
    """Time the API's page of exceptions as read from the plan tables (first page, 50 rows)."""
    from erp.plan_store import current_run, read_exceptions
    from erp.store import latest_import
    from tools.plan_runs import store_engine

    engine = store_engine(args.database_url)
    snapshot = latest_import(engine)
    assert snapshot is not None
    run_id = current_run(engine, snapshot.id)
    assert run_id is not None
    timings = []
    for i in range(200):
        t0 = time.perf_counter()
        _, total = read_exceptions(engine, run_id, offset=(i % 4) * 50, limit=50)
        timings.append(time.perf_counter() - t0)
    timings.sort()
    return {
        "exceptions_total": total,
        "page_p50_ms": 1000 * timings[len(timings) // 2],
        "page_p95_ms": 1000 * timings[int(len(timings) * 0.95)],
        "peak_rss_mib": _peak_rss_mib(),
    }


def _status_mib(pid: int, field: str) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")


def stage_api(args: argparse.Namespace) -> dict[str, Any]:
    """Serve the API on the store (one worker) and time GET /v1/exceptions?limit=50."""
    import signal
    import socket
    import tempfile

    import httpx

    folder = Path(tempfile.mkdtemp(prefix="bench-scale-api-"))
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    env = {
        **os.environ,
        "STOCKPILOT_ENVIRONMENT": "development",
        "STOCKPILOT_DATABASE_URL": args.database_url,
        "STOCKPILOT_PLAN_CACHE_DIR": str(folder / "cache"),
        "STOCKPILOT_CHECKPOINT_URL": f"sqlite:///{folder / 'checkpoints.db'}",
        "STOCKPILOT_API_TOKENS": "{}",
        "STOCKPILOT_RECOVERY_INTERVAL_SECONDS": "0",
    }
    cmd = [sys.executable, "-m", "uvicorn", "--factory", "ui.server:app_factory"]
    cmd += ["--host", "127.0.0.1", "--port", str(port), "--workers", "1"]
    cmd += ["--log-level", "warning", "--no-access-log"]
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, start_new_session=True)
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=600) as client:
            while True:
                try:
                    if client.get("/healthz").status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                if proc.poll() is not None or time.perf_counter() - t0 > 600:
                    raise SystemExit("api: the server did not start")
                time.sleep(0.5)
            ready = time.perf_counter() - t0
            headers = {"Authorization": "Bearer dev-alice"}
            t1 = time.perf_counter()
            first = client.get("/v1/exceptions", params={"limit": 50}, headers=headers)
            first_s = time.perf_counter() - t1
            first.raise_for_status()
            timings = []
            for i in range(200):
                params: dict[str, Any] = {"limit": 50, "offset": (i % 4) * 50}
                t1 = time.perf_counter()
                response = client.get("/v1/exceptions", params=params, headers=headers)
                timings.append(time.perf_counter() - t1)
                response.raise_for_status()
        timings.sort()
        return {
            "ready_s": ready,
            "first_request_s": first_s,
            "p50_ms": 1000 * timings[len(timings) // 2],
            "p95_ms": 1000 * timings[int(len(timings) * 0.95)],
            "api_rss_mib": _status_mib(proc.pid, "VmRSS"),
            "api_peak_rss_mib": _status_mib(proc.pid, "VmHWM"),
        }
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)


STAGES = {
    "generate": stage_generate,
    "plan": stage_plan,
    "plan_reread": stage_plan_reread,
    "dask": stage_dask,
    "replan": stage_replan,
    "reads": stage_reads,
    "api": stage_api,
}


# The targets (README's benchmark table), each held against one stage's figure.
TARGETS = (
    ("plan", "peak_rss_mib", 6 * 1024, "full plan in one process, peak RSS <= 6 GiB (MiB)"),
    ("replan", "replan_s_median", 1.0, "re-plan of 1 SKU after a commit <= 1 s (s)"),
    ("api", "p95_ms", 100.0, "GET /v1/exceptions?limit=50 p95 <= 100 ms (ms)"),
    ("api", "api_peak_rss_mib", 1024, "API peak RSS <= 1 GiB (MiB)"),
)


def summary_lines(results: dict[str, dict[str, Any]]) -> list[str]:
    """Return the run's ratio and targets, a line each.

    The ratio is the one process's wall time over the cluster's (its speed-up); a target is
    checked when its stage ran (against the last run of a stage named twice).
    """
    lines = []
    if "plan" in results and "dask" in results:
        one, cluster = results["plan"]["wall_s"], results["dask"]["wall_s"]
        lines.append(
            f"ratio     one process {one:,.0f} s / {results['dask']['workers']}-worker cluster "
            f"{cluster:,.0f} s = {one / cluster:.2f}x"
        )
    for stage, field, limit, what in TARGETS:
        if stage in results:
            value = float(results[stage][field])
            verdict = "met" if value <= limit else "NOT met"
            lines.append(f"target    {what}: {value:,.2f} {verdict}")
    return lines


def _run_stage(name: str, argv: list[str]) -> dict[str, Any]:
    """Run one stage in a child process; return the JSON line it printed last."""
    cmd = [sys.executable, __file__, *argv, "--stage", name]
    proc = subprocess.run(cmd, cwd=ROOT, stdout=subprocess.PIPE, text=True, check=False)
    if proc.returncode != 0:
        raise SystemExit(f"stage {name} failed (exit {proc.returncode})")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> None:
    """Run the chosen stages, each in a child process, and print one line each."""
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--database-url", required=True, help="a PostgreSQL store (it is replaced)")
    ap.add_argument("--stores", type=int, default=100)
    ap.add_argument("--dcs", type=int, default=4)
    ap.add_argument("--skus", type=int, default=1120)
    ap.add_argument("--days", type=int, default=730)
    ap.add_argument("--block-skus", type=int, default=100)
    ap.add_argument("--partitions", type=int, default=None)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--stages", default="generate,plan,dask,replan,reads,api")
    ap.add_argument("--stage", default=None, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.stage:
        print(json.dumps(STAGES[args.stage](args)), flush=True)
        return
    argv = [a for a in sys.argv[1:]]
    results: dict[str, dict[str, Any]] = {}
    for name in args.stages.split(","):
        print(f"{name} ...", file=sys.stderr, flush=True)
        results[name] = _run_stage(name, argv)
        print(f"{name:9s} {json.dumps(results[name])}", flush=True)
    for line in summary_lines(results):
        print(line, flush=True)


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    main()
