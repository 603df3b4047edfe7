"""Hostile input against a served StockPilot: bad requests, and the body cap under chunked uploads.

Seeds a small demo network into a temporary SQLite store, starts `stockpilot serve` (Slack
mounted with a test signing secret, the Teams Emulator route in development), then:

1. sends a list of malformed API, Slack and Teams requests and counts the answers by status,
   the 5xx among them, and the tracebacks in the server's log;
2. streams `--upload-mb` of chunked body (no Content-Length) three times — anonymously to a
   `/v1` route, with a valid token to `/v1/threads`, and to `/slack/events` — and reports the
   server's resident memory before and after (from /proc).

Usage: `.venv/bin/python benchmarks/bench_reliability.py [--upload-mb 200]`
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
STOCKPILOT = str(Path(sys.executable).parent / "stockpilot")
ALICE = {"Authorization": "Bearer dev-alice"}
BOB = {"Authorization": "Bearer dev-bob"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def rss_mb(pid: int) -> float:
    """Resident memory of a process and its children (uvicorn workers), in MB."""
    total = 0
    pids = [pid] + [
        int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split() if p
    ]
    for p in pids:
        for line in Path(f"/proc/{p}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1])
    return total / 1024


def chunks(total_mb: int, prefix: bytes = b'{"content": "') -> Iterator[bytes]:
    yield prefix
    block = b"x" * (1 << 20)
    for _ in range(total_mb):
        yield block
    yield b'"}'


def bad_requests(thread_id: str, interrupt_id: str) -> list[tuple[str, str, dict[str, Any]]]:
    """Return (method, path, httpx kwargs) of malformed requests a new user might send."""
    decide = f"/v1/approvals/{thread_id}/{interrupt_id}"
    json_h = {**BOB, "Content-Type": "application/json"}
    slack_h = {"Content-Type": "application/json", "X-Slack-Signature": "v0=abc"}
    out: list[tuple[str, str, dict[str, Any]]] = []
    for qty in (True, "5", 5.0, 5.5, -1, 0, 2**70, None, [], {}):
        out.append(("POST", decide, {"json": {"decision": "edit", "qty": qty}, "headers": BOB}))
    for body in (
        b"",
        b"{",
        b"[]",
        b"null",
        b'{"decision": 1}',
        b"\x00\xff",
        b'{"decision":"approve","x":1}',
    ):
        out.append(("POST", decide, {"content": body, "headers": json_h}))
    for content in ("", " ", "x" * 4001, 12, None, ["a"], "\x00"):
        out.append(("POST", "/v1/threads", {"json": {"content": content}, "headers": ALICE}))
    for path in (
        "/v1/threads/..%2F..%2Fetc",
        "/v1/threads/" + "a" * 300,
        "/v1/exceptions?limit=-1",
        "/v1/exceptions?limit=abc",
        "/v1/exceptions?min_money=1e400",
        "/v1/exceptions/%00",
        "/v1/skus/%FF/positions",
        "/v1/forecasts/A/S1?horizon_days=100000",
        "/v1/approvals?min_value=nan",
        "/v1/audit?limit=99999999999999999999",
    ):
        out.append(("GET", path, {"headers": ALICE}))
    for body in (
        {"sku": "A", "location": "S1", "supplier_delay_days": True},
        {"sku": "A", "location": "S1", "demand_factor": "lots"},
        {"sku": "A" * 500, "location": "S1"},
        {"sku": "ZZZ", "location": "S1"},
    ):
        out.append(("POST", "/v1/what-if", {"json": body, "headers": ALICE}))
    for ts in ("abc", "", "1e9", "-5", "9" * 400, str(int(time.time()))):
        out.append(
            (
                "POST",
                "/slack/events",
                {"content": b"{}", "headers": {**slack_h, "X-Slack-Request-Timestamp": ts}},
            )
        )
    out.append(("POST", "/slack/events", {"content": b"\x00" * 10, "headers": {}}))
    for body in (b"", b"{", b'{"type": "message"}', b'{"type": "invoke", "value": "x"}'):
        out.append(
            (
                "POST",
                "/api/messages",
                {"content": body, "headers": {"Content-Type": "application/json"}},
            )
        )
    out.append(
        ("POST", "/api/messages", {"content": b"{}", "headers": {"Authorization": "Bearer x.y.z"}})
    )
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--upload-mb", type=int, default=200)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-rel-") as tmp:
        folder = Path(tmp)
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("STOCKPILOT_")},
            "STOCKPILOT_ENVIRONMENT": "development",
            "STOCKPILOT_DATABASE_URL": f"sqlite:///{folder / 'store.db'}",
            "STOCKPILOT_PLAN_CACHE_DIR": str(folder / "cache"),
            "STOCKPILOT_CHECKPOINT_URL": str(folder / "checkpoints.db"),
            "STOCKPILOT_KNOWLEDGE_DIR": str(folder / "knowledge"),
            "STOCKPILOT_SLACK_SIGNING_SECRET": "bench-signing-secret",
            "STOCKPILOT_SLACK_BOT_TOKEN": "xoxb-bench",
            "STOCKPILOT_SLACK_API_URL": "http://127.0.0.1:9/",
        }
        subprocess.run(
            [STOCKPILOT, "demo", "--stores", "3", "--skus", "30", "--days", "120"],
            env=env,
            check=True,
            capture_output=True,
        )
        port = free_port()
        log = (folder / "server.log").open("wb")
        server = subprocess.Popen(
            [STOCKPILOT, "serve", "--port", str(port)],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        url = f"http://127.0.0.1:{port}"
        try:
            for _ in range(300):
                try:
                    if httpx.get(f"{url}/readyz", timeout=1).status_code == 200:
                        break
                except httpx.HTTPError:
                    time.sleep(0.2)
            with httpx.Client(base_url=url, timeout=120) as client:
                r = client.post(
                    "/v1/threads",
                    json={"content": "what needs attention today?"},
                    headers=ALICE,
                )
                thread_id = r.json()["thread_id"]
                statuses: Counter[int | str] = Counter()
                dropped: list[str] = []
                cases = bad_requests(thread_id, "i-nope")
                for method, path, kw in cases:
                    try:
                        code = client.request(method, path, **kw).status_code
                        statuses[code] += 1
                        if code >= 500:
                            dropped.append(f"{code} {method} {path[:60]}")
                    except httpx.HTTPError as exc:  # the server closed the connection
                        statuses[type(exc).__name__] += 1
                        dropped.append(f"{method} {path[:60]}")
                base = rss_mb(server.pid)
                uploads = {}
                for name, path, headers in (
                    ("anonymous /v1/threads", "/v1/threads", {}),
                    ("authenticated /v1/threads", "/v1/threads", ALICE),
                    ("/slack/events", "/slack/events", {}),
                ):
                    started = time.perf_counter()
                    try:
                        code = client.post(
                            path,
                            content=chunks(args.upload_mb),
                            headers={**headers, "Content-Type": "application/json"},
                        ).status_code
                    except httpx.HTTPError as exc:  # the server closed the upload early
                        code = type(exc).__name__
                    uploads[name] = {
                        "status": code,
                        "seconds": round(time.perf_counter() - started, 2),
                        "rss_mb_after": round(rss_mb(server.pid), 1),
                    }
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
            log.close()
        text = (folder / "server.log").read_text(errors="replace")
        tracebacks = text.count("Traceback")
        errors = sorted(
            {ln for ln in text.splitlines() if ln and not ln[0].isspace() and "Error" in ln}
        )
    report = {
        "bad_requests": len(cases),
        "by_status": {str(k): v for k, v in sorted(statuses.items(), key=str)},
        "5xx": sum(n for code, n in statuses.items() if isinstance(code, int) and code >= 500),
        "5xx_or_dropped": dropped,
        "tracebacks_in_server_log": tracebacks,
        "errors_in_server_log": errors[:10],
        "upload_mb": args.upload_mb,
        "rss_mb_before_uploads": round(base, 1),
        "uploads": uploads,
    }
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
