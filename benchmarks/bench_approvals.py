"""Time approval-to-commit over HTTP: POST /v1/approvals/... from request to response.

Seeds a demo store, drafts N proposals through the copilot (offline model: the engine's
recommendations, then planner-requested purchase orders), starts uvicorn on 127.0.0.1, then
approves a third one by one, a third at a fixed arrival rate (open loop, --rate per second) and
a third with --clients closed-loop clients. Each response includes the review, the ERP commit
and the agent's report. Prints p50/p95/p99 (target p95 <= 100 ms); bounded by --timeout.

Usage: python benchmarks/bench_approvals.py [--stores N] [--skus N] [--proposals N]
       [--clients N] [--rate R] [--workers N] [--database-url URL] [--profile]
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

import httpx

from agents.offline import OfflinePlannerModel
from graph.checkpoint import open_checkpointer
from graph.service import Copilot
from stockpilot.settings import Settings
from stockpilot.vocabulary import DRAFTABLE_KINDS
from tools.workspace import Workspace

USER = "carol"  # admin: authority up to 250,000, so no draft is refused for its value


def free_port() -> int:
    """Return a free TCP port on 127.0.0.1."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def pct(values: list[float], q: float) -> float:
    """Return the q-quantile (0..1) of values, nearest rank."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * len(ordered) + 0.5) - 1))]


def draft_all(copilot: Copilot, count: int) -> list[tuple[str, str]]:
    """Draft up to `count` actions, one thread each; return (thread, interrupt).

    First the engine's recommendations ("fix <exception id>"); the demo has only a few dozen,
    so the rest are purchase orders a planner asks for by name ("order N of SKU for LOC from
    SUPPLIER", N = the supplier's MOQ in whole case packs), which the same checks validate.
    """
    ws = copilot.workspace
    seen: set[tuple[str, str]] = set()
    out: list[tuple[str, str]] = []

    def ask(text: str) -> None:
        result = copilot.ask(text, user="alice", thread_id=f"bench-{len(seen)}")
        if result.pending:
            out.append((result.thread_id, result.pending[0].interrupt_id))

    for exc in ws.queries.exceptions():
        rec = exc["recommendation"]
        key = (exc["sku"], exc["location"])
        if rec["kind"] not in DRAFTABLE_KINDS or key in seen:
            continue
        seen.add(key)
        ask(f"fix {exc['id']}")
        if len(out) >= count:
            return out
    ref = ws.plans.reference(fresh=False)
    packs = dict(zip(ref.items["sku"], ref.items["case_pack"], strict=True))
    terms = ref.item_suppliers.drop_duplicates("sku").set_index("sku")
    positions = ws.plans.plan(fresh=False).positions
    for sku, loc in zip(positions["sku"], positions["location_id"], strict=True):
        if len(out) >= count:
            break
        if (sku, loc) in seen or sku not in terms.index:
            continue
        seen.add((sku, loc))
        pack = max(int(packs[sku]), 1)
        qty = -(-max(int(terms.at[sku, "moq"]), pack) // pack) * pack
        ask(f"order {qty} of {sku} for {loc} from {terms.at[sku, 'supplier_id']}")
    return out


def approve(client: httpx.Client, thread: str, interrupt: str) -> tuple[float, str]:
    """Approve one pending action; return (seconds, outcome)."""
    start = time.perf_counter()
    r = client.post(f"/v1/approvals/{thread}/{interrupt}", json={"decision": "approve"})
    elapsed = time.perf_counter() - start
    if r.status_code != 200:
        return elapsed, f"http {r.status_code}"
    outcomes = r.json()["outcomes"]
    return elapsed, outcomes[0]["outcome"] if outcomes else "none"


def report(label: str, timings: list[float], outcomes: Counter[str]) -> str:
    """Format one line of results (milliseconds)."""
    ms = [t * 1000 for t in timings]
    if not ms:
        print(f"{label:<28} n=  0", flush=True)
        return label
    line = (
        f"{label:<28} n={len(ms):>3}  p50={pct(ms, 0.5):7.1f} ms  p95={pct(ms, 0.95):7.1f} ms"
        f"  p99={pct(ms, 0.99):7.1f} ms  mean={statistics.fmean(ms):7.1f} ms  max={max(ms):7.1f} ms"
        f"  {dict(outcomes)}"
    )
    print(line, flush=True)
    return line


def open_loop(base: str, headers: dict[str, str], items: list[tuple[str, str]], rate: float) -> str:
    """Send approvals at a fixed rate, whatever the answers' speed; time each from its slot.

    Timing from the scheduled send time (not the actual one) counts any wait for a free
    connection as latency, so a slow server cannot hide behind fewer requests.
    """
    timings: list[float] = []
    outcomes = Counter[str]()
    lock = threading.Lock()
    clients = [httpx.Client(base_url=base, headers=headers, timeout=60) for _ in range(16)]
    free = list(clients)
    start = time.perf_counter()

    def one(slot: float, item: tuple[str, str]) -> None:
        with lock:
            client = free.pop()
        try:
            _, outcome = approve(client, *item)
        finally:
            with lock:
                free.append(client)
        with lock:
            timings.append(time.perf_counter() - slot)
            outcomes[outcome] += 1

    threads = []
    for i, item in enumerate(items):
        slot = start + i / rate
        time.sleep(max(0.0, slot - time.perf_counter()))
        t = threading.Thread(target=one, args=(slot, item))
        t.start()
        threads.append(t)
    for t in threads:
        t.join()
    for c in clients:
        c.close()
    return report(f"open loop ({rate:g}/s)", timings, outcomes)


def serve(
    env: dict[str, str], port: int, timeout: float, workers: int = 1
) -> subprocess.Popen[bytes]:
    """Start uvicorn on the app factory and wait until /readyz answers."""
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "--factory",
            "ui.server:app_factory",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--log-level",
            "warning",
            "--workers",
            str(workers),
        ],
        env=env,
    )
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=1).status_code == 200:
                return proc
        except httpx.HTTPError:
            pass
        if proc.poll() is not None:
            raise RuntimeError("uvicorn exited during start-up")
        time.sleep(0.2)
    proc.terminate()
    raise RuntimeError("uvicorn did not become ready")


def main() -> None:
    """Run the benchmark."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--stores", type=int, default=20)
    ap.add_argument("--skus", type=int, default=300)
    ap.add_argument("--proposals", type=int, default=60)
    ap.add_argument("--clients", type=int, default=4)
    ap.add_argument("--workers", type=int, default=1, help="uvicorn worker processes.")
    ap.add_argument(
        "--rate", type=float, default=15.0, help="Approvals per second of the open-loop phase."
    )
    ap.add_argument("--timeout", type=float, default=600, help="Stop everything after this.")
    ap.add_argument("--profile", action="store_true", help="Profile 5 decisions in-process.")
    ap.add_argument(
        "--database-url",
        default=None,
        help="Store and checkpointer database (e.g. PostgreSQL); default: temporary SQLite files.",
    )
    args = ap.parse_args()
    started = time.monotonic()

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        env_vars = {
            "STOCKPILOT_ENVIRONMENT": "development",
            "STOCKPILOT_DATABASE_URL": args.database_url or f"sqlite:///{folder / 'store.db'}",
            "STOCKPILOT_CHECKPOINT_URL": args.database_url
            or f"sqlite:///{folder / 'checkpoints.db'}",
            "STOCKPILOT_PLAN_CACHE_DIR": str(folder / "cache"),
            "OPENAI_API_KEY": "",
        }
        settings = Settings(
            _env_file=None,
            database_url=env_vars["STOCKPILOT_DATABASE_URL"],
            checkpoint_url=env_vars["STOCKPILOT_CHECKPOINT_URL"],
            plan_cache_dir=folder / "cache",
        )
        ws = Workspace.open(settings)
        t0 = time.perf_counter()
        summary = ws.snapshots.seed_demo(stores=args.stores, skus=args.skus)
        ws.plans.plan()
        print(
            f"demo: {args.stores} stores x {args.skus} SKUs as of {summary.as_of}; seeded and "
            f"planned in {time.perf_counter() - t0:.1f} s",
            flush=True,
        )
        copilot = Copilot(ws, checkpointer=open_checkpointer(settings), model=OfflinePlannerModel())
        t0 = time.perf_counter()
        extra = 5 if args.profile else 0
        pending = draft_all(copilot, args.proposals + extra)
        print(f"drafted {len(pending)} proposals in {time.perf_counter() - t0:.1f} s", flush=True)

        if args.profile:
            prof = cProfile.Profile()
            for thread, interrupt in pending[-extra:]:
                t0 = time.perf_counter()
                prof.enable()
                copilot.decide(thread, user=USER, decision="approve", interrupt_id=interrupt)
                prof.disable()
                print(f"in-process decide: {(time.perf_counter() - t0) * 1000:.1f} ms")
            pstats.Stats(prof).sort_stats("cumulative").print_stats(35)
            pending = pending[:-extra]
        copilot.close()

        port = free_port()
        proc = serve({**os.environ, **env_vars}, port, timeout=120, workers=args.workers)
        lines: list[str] = []
        try:
            base = f"http://127.0.0.1:{port}"
            headers = {"Authorization": f"Bearer dev-{USER}"}
            third = len(pending) // 3
            with httpx.Client(base_url=base, headers=headers, timeout=60) as client:
                first = approve(client, *pending[0])  # the server loads its plan here
                lines.append(report("first (cold server)", [first[0]], Counter([first[1]])))
                timings, outcomes = [], Counter[str]()
                for thread, interrupt in pending[1:third]:
                    if time.monotonic() - started > args.timeout:
                        break
                    elapsed, outcome = approve(client, thread, interrupt)
                    timings.append(elapsed)
                    outcomes[outcome] += 1
                lines.append(report("sequential", timings, outcomes))

            lines.append(open_loop(base, headers, pending[third : 2 * third], args.rate))
            rest = list(pending[2 * third :])
            lock = threading.Lock()
            ctimings: list[float] = []
            coutcomes = Counter[str]()

            def worker() -> None:
                with httpx.Client(base_url=base, headers=headers, timeout=60) as c:
                    while time.monotonic() - started < args.timeout:
                        with lock:
                            if not rest:
                                return
                            item = rest.pop()
                        elapsed, outcome = approve(c, *item)
                        with lock:
                            ctimings.append(elapsed)
                            coutcomes[outcome] += 1

            t0 = time.perf_counter()
            workers = [threading.Thread(target=worker) for _ in range(args.clients)]
            for w in workers:
                w.start()
            for w in workers:
                w.join()
            wall = time.perf_counter() - t0
            lines.append(report(f"concurrent ({args.clients} clients)", ctimings, coutcomes))
            print(f"concurrent throughput: {len(ctimings) / wall:.1f} approvals/s", flush=True)
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()


if __name__ == "__main__":
    main()
