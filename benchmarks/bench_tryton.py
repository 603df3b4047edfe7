"""Time the Tryton connector's calls against a real trytond (SQLite, the test suite's template).

Starts trytond on the seeded template (built and cached under var/tryton/ on first use), then
times, side by side in one run: login, a full sync (every read of `read_network`), a live
`on_hand`, and `--writes` purchase-order and transfer writes (ledger claim, search by reference,
create), plus a replayed write (ledger hit). Prints per-RPC-method latencies (median, p95) and
writes them to benchmarks/RESULTS-tryton.md.

Usage: python benchmarks/bench_tryton.py [--writes N]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from erp.connector import PurchaseOrderRequest, TransferRequest
from erp.db import make_engine, migrate
from erp.tryton import TrytonConnector
from erp.tryton_rpc import TrytonClient
from tests.support.tryton_server import (
    DATABASE,
    PASSWORD,
    SEED_AS_OF,
    start_session_server,
)

RESULTS = Path(__file__).with_name("RESULTS-tryton.md")


def _ms(values: list[float]) -> str:
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
    return f"{statistics.median(ordered):.1f} | {p95:.1f}"


def main() -> None:
    """Run the measurements and print a table."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--writes", type=int, default=20)
    args = ap.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench-tryton-"))
    server = start_session_server(folder)
    try:
        engine = make_engine(f"sqlite:///{folder / 'store.db'}")
        migrate(engine)
        client = TrytonClient(server.url, DATABASE, "admin", PASSWORD)
        connector = TrytonConnector(client, engine, as_of=SEED_AS_OF)
        ops: dict[str, list[float]] = {}

        def timed(name: str, fn, *a, **kw):  # type: ignore[no-untyped-def]
            started = time.perf_counter()
            out = fn(*a, **kw)
            ops.setdefault(name, []).append((time.perf_counter() - started) * 1000)
            return out

        timed("login (argon2 password check + preferences)", client.login)
        for _ in range(3):
            timed("read_network (full sync, seeded network)", connector.read_network)
        for _ in range(args.writes):
            timed("on_hand (live stock at commit)", connector.on_hand, "SKU-001", "DC1")
        for i in range(args.writes):
            timed(
                "create_purchase_order (draft purchase.purchase)",
                connector.create_purchase_order,
                PurchaseOrderRequest("SUP-A", "SKU-002", "DC1", 24 + i, SEED_AS_OF),
                idempotency_key=f"PR-BENCH-PO-{i}",
            )
            timed(
                "create_transfer (draft stock.shipment.internal)",
                connector.create_transfer,
                TransferRequest("SKU-003", "DC1", "S1", 5 + i, SEED_AS_OF),
                idempotency_key=f"PR-BENCH-TR-{i}",
            )
            timed(
                "replayed write (ledger hit, no RPC)",
                connector.create_transfer,
                TransferRequest("SKU-003", "DC1", "S1", 5 + i, SEED_AS_OF),
                idempotency_key=f"PR-BENCH-TR-{i}",
            )
        lines = [
            "# Tryton connector latencies",
            "",
            f"trytond 8.2 on SQLite, localhost, the test suite's seeded network; {args.writes} "
            "writes of each kind. Milliseconds.",
            "",
            "| operation | median | p95 |",
            "|---|---|---|",
            *[f"| {name} | {_ms(v)} |" for name, v in ops.items()],
            "",
            "| JSON-RPC method | calls | median | p95 |",
            "|---|---|---|---|",
            *[
                f"| `{m}` | {s['calls']:.0f} | {s['median_ms']:.1f} | {s['p95_ms']:.1f} |"
                for m, s in client.latencies().items()
            ],
        ]
        text = "\n".join(lines) + "\n"
        print(text)
        RESULTS.write_text(text)
    finally:
        server.stop()


if __name__ == "__main__":
    main()
