"""Load-test the API's read endpoints under uvicorn with 2 workers, on 127.0.0.1 only.

Seeds the demo network (default scale) into a temporary SQLite store, computes the plan once so
the disk cache is warm, starts `uvicorn --factory ui.server:app_factory --workers 2`, then
drives four read endpoints (exceptions list, one exception, SKU positions, one supplier) with a
bounded pool of async httpx clients and prints requests/s and latency percentiles. It stops by
itself and always stops uvicorn.

Usage: `.venv/bin/python benchmarks/bench_api_reads.py --clients 32 --seconds 15`
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from stockpilot.settings import Settings  # noqa: E402
from tools.workspace import Workspace  # noqa: E402

MAX_SECONDS = 20.0
HOST = "127.0.0.1"
HEADERS = {"Authorization": "Bearer dev-victor"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def seed(folder: Path) -> tuple[dict[str, str], float, float]:
    """Seed the demo store and warm the plan cache; return the env and the two timings."""
    env = {
        "STOCKPILOT_ENVIRONMENT": "development",
        "STOCKPILOT_DATABASE_URL": f"sqlite:///{folder / 'store.db'}",
        "STOCKPILOT_PLAN_CACHE_DIR": str(folder / "cache"),
        "STOCKPILOT_CHECKPOINT_URL": f"sqlite:///{folder / 'checkpoints.db'}",
        "STOCKPILOT_API_TOKENS": "{}",
    }
    settings = Settings(
        _env_file=None,
        environment="development",
        database_url=env["STOCKPILOT_DATABASE_URL"],
        plan_cache_dir=folder / "cache",
        checkpoint_url=env["STOCKPILOT_CHECKPOINT_URL"],
    )
    ws = Workspace.open(settings)
    t0 = time.perf_counter()
    ws.snapshots.seed_demo()  # generate_demo at default scale, via erp.store.replace_snapshot
    t1 = time.perf_counter()
    ws.plans.plan()  # computed once, cached on disk for the workers
    t2 = time.perf_counter()
    ws.engine.dispose()
    return env, t1 - t0, t2 - t1


def start_server(env: dict[str, str], port: int, workers: int) -> subprocess.Popen[bytes]:
    cmd = [
        sys.executable,
        "-m",
        "uvicorn",
        "--factory",
        "ui.server:app_factory",
        "--host",
        HOST,
        "--port",
        str(port),
        "--workers",
        str(workers),
        "--log-level",
        "warning",
        "--no-access-log",
    ]
    return subprocess.Popen(
        cmd,
        cwd=ROOT,
        env={**os.environ, **env},
        start_new_session=True,  # its own process group: stopped as one at the end
    )


def stop_server(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is not None:
        return
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=5)


async def wait_ready(base: str, proc: subprocess.Popen[bytes], timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    async with httpx.AsyncClient(base_url=base) as client:
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise RuntimeError(f"uvicorn exited with {proc.returncode}")
            try:
                if (await client.get("/healthz")).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.2)
    raise RuntimeError("uvicorn did not become ready in time")


async def targets(base: str) -> dict[str, str]:
    """Pick real ids from the data for each endpoint."""
    async with httpx.AsyncClient(base_url=base, headers=HEADERS, timeout=60) as client:
        page = (await client.get("/v1/exceptions", params={"limit": 50})).raise_for_status()
        first = page.json()["items"][0]
        sups = (await client.get("/v1/suppliers")).raise_for_status().json()["items"]
    return {
        "exceptions": "/v1/exceptions?limit=50",
        "exception": f"/v1/exceptions/{first['id']}",
        "sku_positions": f"/v1/skus/{first['sku']}/positions",
        "supplier": f"/v1/suppliers/{sups[0]['supplier_id']}",
    }


async def drive(
    base: str, paths: dict[str, str], clients: int, seconds: float
) -> tuple[dict[str, list[float]], dict[str, int], float]:
    """Run `clients` concurrent loops over the endpoints for `seconds`; return latencies."""
    latencies: dict[str, list[float]] = defaultdict(list)
    errors: dict[str, int] = defaultdict(int)
    names = list(paths)
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(
        base_url=base, headers=HEADERS, limits=limits, timeout=30
    ) as client:
        # Warm both workers (each loads the cached plan from disk on its first request).
        await asyncio.gather(*(client.get(paths[n]) for n in names for _ in range(4)))
        stop = time.perf_counter() + seconds

        async def loop(i: int) -> None:
            k = i
            while time.perf_counter() < stop:
                name = names[k % len(names)]
                k += 1
                t0 = time.perf_counter()
                try:
                    resp = await client.get(paths[name])
                    ok = resp.status_code == 200
                except httpx.HTTPError:
                    ok = False
                if ok:
                    latencies[name].append(time.perf_counter() - t0)
                else:
                    errors[name] += 1

        start = time.perf_counter()
        await asyncio.gather(*(loop(i) for i in range(clients)))
        elapsed = time.perf_counter() - start
    return latencies, errors, elapsed


def group_cpu_seconds(pgid: int) -> float:
    """Return the CPU time (user + system) used so far by the processes of a process group."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid:  # fields after the command: state, ppid, pgrp, ...
            total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / tick


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=15.0, help=f"at most {MAX_SECONDS:g}")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    seconds = min(max(args.seconds, 1.0), MAX_SECONDS)
    clients = min(max(args.clients, 1), 256)

    with tempfile.TemporaryDirectory(prefix="sp-bench-api-") as tmp:
        env, t_seed, t_plan = seed(Path(tmp))
        print(f"seeded demo in {t_seed:.1f} s, planned (cache warmed) in {t_plan:.1f} s")
        port = free_port()
        base = f"http://{HOST}:{port}"
        proc = start_server(env, port, args.workers)
        try:
            asyncio.run(wait_ready(base, proc))
            paths = asyncio.run(targets(base))
            cpu0 = group_cpu_seconds(proc.pid)
            load0 = os.getloadavg()[0]
            latencies, errors, elapsed = asyncio.run(drive(base, paths, clients, seconds))
            server_cpu = group_cpu_seconds(proc.pid) - cpu0
            load1 = os.getloadavg()[0]
        finally:
            stop_server(proc)

    total = sum(len(v) for v in latencies.values())
    everything = [x for v in latencies.values() for x in v]
    print(
        f"{args.workers} workers, {clients} clients, {elapsed:.1f} s, "
        f"cpus {os.cpu_count()}, load generator on the same machine"
    )
    print(f"{'endpoint':<14} {'requests':>9} {'errors':>7} {'p50 ms':>8} {'p95 ms':>8}")
    for name in paths:
        v = latencies[name]
        print(
            f"{name:<14} {len(v):>9} {errors[name]:>7} "
            f"{pct(v, 50) * 1000:>8.1f} {pct(v, 95) * 1000:>8.1f}"
        )
    print(
        f"{'all':<14} {total:>9} {sum(errors.values()):>7} "
        f"{pct(everything, 50) * 1000:>8.1f} {pct(everything, 95) * 1000:>8.1f}"
    )
    print(f"throughput: {total / elapsed:.0f} req/s")
    per_request = server_cpu / max(total, 1)
    print(
        f"server CPU: {server_cpu:.1f} s over the run (incl. warm-up), "
        f"{per_request * 1000:.1f} ms per request -> at most "
        f"{args.workers / per_request:.0f} req/s on {args.workers} dedicated cores; "
        f"load average {load0:.1f} -> {load1:.1f}"
    )


if __name__ == "__main__":
    main()
