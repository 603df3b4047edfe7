"""Fault injection: SIGKILL the served API at every node boundary and inside the ERP commit.

Each scenario starts `stockpilot serve` (the real HTTP server, the offline model) on a fresh
copy of the small network with `STOCKPILOT_FAULT_KILL_AT` naming one crash point, drafts
three transfers in three threads and approves them in a concurrent burst. The server dies at
the point; it is restarted without the fault, and its start-up recovery runs. Then:

- nothing is stranded: every pending proposal is at the gate (in the approvals inbox);
- what is still pending is approved, and every proposal ends committed with exactly one ERP
  document (one ledger row, one transfer line, the stock moved once), or with none;
- every committed proposal has one `decision` and one `commit` audit entry, the chain
  verifies, and its thread's state lists the document.

A second test fires n identical approvals at `stockpilot serve --workers 2` on SQLite and
on a fresh PostgreSQL database (whose checkpoint schema two workers set up at once).
`tests/artifacts/reliability.json` collects the figures the README reports.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import create_engine, func, select, text

from erp import models
from erp.csvio import write_csv_dir
from erp.db import make_engine
from tests.conftest import small_network

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "tests" / "artifacts"
STOCKPILOT = str(Path(sys.executable).parent / "stockpilot")
ASKS = (
    "transfer 6 A from DC1 to S1",
    "transfer 12 A from DC1 to S2",
    "transfer 12 B from DC1 to S1",
)
# Hits per point in the ask phase: each ask calls the agent twice and reaches the gate once,
# so `before:agent@7` is the first agent step after a commit, in the approval phase.
KILL_POINTS = (
    "before:agent@1",
    "after:agent@1",
    "before:approval@1",
    "before:approval@4",
    "after:approval@1",
    "before:review@1",
    "after:review@1",
    "before:commit@1",
    "before:erp_write@1",
    "before:ledger_commit@1",
    "after:erp_write@1",
    "after:commit@1",
    "before:agent@7",
    "after:agent@7",
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    """`stockpilot serve` on a free port, its output in a log file."""

    def __init__(self, env: dict[str, str], log: Path, workers: int = 1):
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = log.open("ab")
        self.proc = subprocess.Popen(
            [STOCKPILOT, "serve", "--port", str(self.port), "--workers", str(workers)],
            cwd=REPO,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.time() + 90
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError(f"the server exited at start ({log})")
            try:
                if httpx.get(f"{self.url}/readyz", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise AssertionError(f"the server did not start ({log})")

    def died(self, timeout: float = 30) -> bool:
        """Wait for a fault to take the server down; True when it was killed."""
        try:
            self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            return False
        return True

    def stop(self) -> None:
        """Stop the server (its whole process group: uvicorn's workers too)."""
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        else:  # a killed worker's siblings, if any
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGKILL)
        self.log.close()


def _auth(user: str) -> dict[str, str]:
    return {"Authorization": f"Bearer dev-{user}"}


def _env(root: Path, database_url: str, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("STOCKPILOT_", "OPENAI_"))}
    env.update(
        STOCKPILOT_ENVIRONMENT="development",
        STOCKPILOT_DATABASE_URL=database_url,
        STOCKPILOT_CHECKPOINT_URL=str(root / "checkpoints.db")
        if database_url.startswith("sqlite")
        else database_url,
        STOCKPILOT_PLAN_CACHE_DIR=str(root / "cache"),
        STOCKPILOT_KNOWLEDGE_DIR=str(root / "knowledge"),
        STOCKPILOT_RECOVERY_INTERVAL_SECONDS="2",
        PYTHONPATH=str(REPO),
        **extra,
    )
    return env


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store holding the small network (copied per scenario)."""
    root = tmp_path_factory.mktemp("fault-template")
    write_csv_dir(small_network(), root / "csv")
    env = _env(root, f"sqlite:///{root / 'store.db'}")
    done = subprocess.run(
        [STOCKPILOT, "import", str(root / "csv")],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    return root / "store.db"


def _post(client: httpx.Client, url: str, **kw: Any) -> httpx.Response | None:
    try:
        return client.post(url, **kw)
    except httpx.HTTPError:
        return None  # the server died under us


def _drive(server: Server) -> None:
    """Draft the three transfers, then approve them in one concurrent burst."""
    with httpx.Client(base_url=server.url, timeout=30) as client:
        for content in ASKS:
            if (
                _post(client, "/v1/threads", json={"content": content}, headers=_auth("alice"))
                is None
            ):
                return
        try:
            items = client.get("/v1/approvals", headers=_auth("bob")).json()["items"]
        except httpx.HTTPError:
            return

        def approve(item: dict[str, Any]) -> None:
            _post(
                client,
                f"/v1/approvals/{item['thread_id']}/{item['interrupt_id']}",
                json={"decision": "approve"},
                headers=_auth("bob"),
            )

        burst = [threading.Thread(target=approve, args=(i,)) for i in items]
        for t in burst:
            t.start()
        for t in burst:
            t.join()


def _audit(engine: Any) -> list[tuple[str, str | None]]:
    with engine.connect() as conn:
        return [
            (r.event, r.proposal_id)
            for r in conn.execute(text("SELECT event, proposal_id FROM audit_log ORDER BY seq"))
        ]


def _check(server: Server, engine: Any) -> dict[str, int]:
    """Finish what is at the gate, then check every proposal; return the counts."""
    counts = {"proposals": 0, "committed": 0, "duplicates": 0, "lost": 0, "stranded": 0}
    with httpx.Client(base_url=server.url, timeout=30) as client:
        inbox = client.get("/v1/approvals", headers=_auth("bob")).json()["items"]
        at_gate = {i["proposal_id"] for i in inbox}
        with engine.connect() as conn:
            pending = [
                r.id
                for r in conn.execute(text("SELECT id FROM proposals WHERE status = 'pending'"))
            ]
        counts["stranded"] = len(set(pending) - at_gate)
        for item in inbox:
            r = client.post(
                f"/v1/approvals/{item['thread_id']}/{item['interrupt_id']}",
                json={"decision": "approve"},
                headers=_auth("bob"),
            )
            assert r.status_code in (200, 409), r.text
        with engine.connect() as conn:
            proposals = conn.execute(
                text("SELECT id, thread_id, status, document_id FROM proposals")
            ).all()
            ledger = dict(
                conn.execute(
                    select(models.ErpCommit.idempotency_key, func.count()).group_by(
                        models.ErpCommit.idempotency_key
                    )
                ).all()
            )
            transfers = dict(
                conn.execute(
                    select(models.Transfer.transfer_id, func.count())
                    .where(models.Transfer.transfer_id.like("TR-SP-%"))
                    .group_by(models.Transfer.transfer_id)
                ).all()
            )
        audit = _audit(engine)
        for p in proposals:
            counts["proposals"] += 1
            if p.status == "committed":
                counts["committed"] += 1
                n_docs = ledger.get(p.id, 0) + transfers.get(p.document_id, 0)
                counts["duplicates"] += max(0, n_docs - 2)
                assert ledger.get(p.id) == 1 and transfers.get(p.document_id) == 1, p
                assert audit.count(("decision", p.id)) == 1, (p, audit)
                assert audit.count(("commit", p.id)) == 1, (p, audit)
                thread = client.get(f"/v1/threads/{p.thread_id}", headers=_auth("bob")).json()
                assert p.document_id in {c["document_id"] for c in thread["committed"]}, thread
            else:
                counts["lost"] += int(p.status == "approved")
                assert p.status in ("rejected", "failed"), p
                assert ledger.get(p.id, 0) == 0, p
        assert client.get("/v1/audit/verify", headers=_auth("bob")).json()["ok"] is True
    return counts


def _record(name: str, figures: Any) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / "reliability.json"
    data = json.loads(path.read_text()) if path.exists() else {}
    data[name] = figures
    path.write_text(json.dumps(data, indent=2))


@pytest.mark.slow
def test_sigkill_at_every_crash_point_leaves_nothing_half_done(
    template: Path, tmp_path: Path
) -> None:
    results: dict[str, dict[str, int]] = {}
    for point in KILL_POINTS:
        root = tmp_path / point.replace(":", "_").replace("@", "_")
        root.mkdir()
        shutil.copyfile(template, root / "store.db")
        url = f"sqlite:///{root / 'store.db'}"
        faulty = Server(_env(root, url, STOCKPILOT_FAULT_KILL_AT=point), root / "server.log")
        try:
            _drive(faulty)
            assert faulty.died(), f"{point}: the crash point was never reached"
            assert faulty.proc.returncode == -signal.SIGKILL, point
        finally:
            faulty.stop()
        restarted = Server(_env(root, url), root / "server.log")
        engine = create_engine(url)
        try:
            results[point] = _check(restarted, engine)
        finally:
            restarted.stop()
            engine.dispose()
    _record("kill_points", results)
    totals = {k: sum(r[k] for r in results.values()) for k in ("duplicates", "lost", "stranded")}
    assert totals == {"duplicates": 0, "lost": 0, "stranded": 0}, results
    assert sum(r["proposals"] for r in results.values()) >= 3 * (len(KILL_POINTS) - 3)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database(request: pytest.FixtureRequest, template: Path, tmp_path: Path) -> Iterator[str]:
    """A fresh store with the small network: SQLite, or a new PostgreSQL schema."""
    if request.param == "sqlite":
        shutil.copyfile(template, tmp_path / "store.db")
        yield f"sqlite:///{tmp_path / 'store.db'}"
        return
    url = request.getfixturevalue("postgres_url")  # a new schema, dropped afterwards
    done = subprocess.run(
        [STOCKPILOT, "import", str(template.parent / "csv")],
        cwd=REPO,
        env=_env(tmp_path, url),
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    yield url


@pytest.mark.slow
def test_concurrent_identical_approvals_on_two_workers_make_one_document(
    database: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    n = 20
    server = Server(_env(tmp_path, database), tmp_path / "server.log", workers=2)
    engine = make_engine(database)
    try:
        with httpx.Client(base_url=server.url, timeout=60) as client:
            r = client.post("/v1/threads", json={"content": ASKS[0]}, headers=_auth("alice"))
            assert r.status_code == 201, r.text
            [item] = r.json()["turn"]["pending"]
            thread_id = r.json()["thread_id"]
            codes: list[int] = []

            def approve() -> None:
                with httpx.Client(base_url=server.url, timeout=60) as own:
                    codes.append(
                        own.post(
                            f"/v1/approvals/{thread_id}/{item['interrupt_id']}",
                            json={"decision": "approve"},
                            headers=_auth("bob"),
                        ).status_code
                    )

            burst = [threading.Thread(target=approve) for _ in range(n)]
            for t in burst:
                t.start()
            for t in burst:
                t.join()
            thread = client.get(f"/v1/threads/{thread_id}", headers=_auth("bob")).json()
        with engine.connect() as conn:
            documents = conn.execute(
                select(func.count()).select_from(models.ErpCommit)
            ).scalar_one()
            [(status, document_id)] = conn.execute(
                text("SELECT status, document_id FROM proposals")
            ).all()
        audit = _audit(engine)
        assert sorted(set(codes)) <= [200, 409] and codes.count(200) >= 1, codes
        assert documents == 1 and status == "committed"
        assert [c["document_id"] for c in thread["committed"]] == [document_id]
        assert [e for e, _ in audit].count("commit") == 1
        assert [e for e, _ in audit].count("decision") == 1
        _record(
            f"identical_approvals_{request.node.callspec.id}",
            {
                "approvals": n,
                "documents": documents,
                "ok": codes.count(200),
                "conflict": codes.count(409),
                "thread_committed": len(thread["committed"]),
            },
        )
    finally:
        server.stop()
        engine.dispose()
