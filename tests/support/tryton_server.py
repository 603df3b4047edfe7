"""A real `trytond` for the connector tests: a cached seeded template, one server per session.

Activating the modules takes 20-130 s, so the seeded database is built once and kept under
`var/tryton/` with a name keyed on the trytond version, the module list and the seed code; a
session copies it in, starts `trytond -d <db>` (SQLite) on a free port, and each test restores
the template into the live database with SQLite's backup API (~0.05 s). Tryton's in-process
caches only reload on a newer `ir_cache` timestamp, so a restore stamps every row with now.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from importlib.metadata import version
from pathlib import Path
from typing import Any

import httpx

REPO = Path(__file__).resolve().parents[2]
CACHE = REPO / "var" / "tryton"
DATABASE = "stockpilot_test"
PASSWORD = "admin-test-password"
MODULES = ("company", "currency", "party", "product", "purchase", "stock", "stock_supply")
SEED_AS_OF = date(2026, 6, 30)
SEED_ARGS: dict[str, Any] = {"stores": 2, "skus": 4, "days": 60, "seed": 7}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _bin(name: str) -> str:
    return str(Path(sys.executable).parent / name)


def template_key() -> str:
    seed_code = (REPO / "erp" / "tryton_seed.py").read_bytes()
    material = repr((version("trytond"), MODULES, SEED_AS_OF, sorted(SEED_ARGS.items())))
    return hashlib.sha256(material.encode() + seed_code).hexdigest()[:16]


def _config(folder: Path, port: int) -> Path:
    conf = folder / "trytond.conf"
    conf.write_text(
        "[database]\nuri = sqlite://\n"
        f"path = {folder / 'db'}\n"
        f"[web]\nlisten = 127.0.0.1:{port}\n"
        "[session]\nmax_attempt = 1000\n"
    )
    return conf


def _env(folder: Path) -> dict[str, str]:
    passfile = folder / "admin-password"
    passfile.write_text(PASSWORD)
    return {**os.environ, "TRYTONPASSFILE": str(passfile)}


@dataclass
class TrytonServer:
    """A running trytond on one SQLite database restored from the seeded template."""

    url: str
    database: str
    folder: Path
    template: Path
    process: subprocess.Popen[bytes] | None = None

    @property
    def db_file(self) -> Path:
        return self.folder / "db" / f"{self.database}.sqlite"

    def restore(self) -> None:
        """Put the live database back to the seeded template (the server keeps running)."""
        src = sqlite3.connect(self.template)
        dst = sqlite3.connect(self.db_file, timeout=30)
        try:
            # Sessions opened since survive the restore, so a session-wide login stays valid
            # (a login costs ~0.5 s: Tryton hashes passwords with argon2).
            sessions = _sessions(dst)
            src.backup(dst)
            if sessions:
                marks = ",".join("?" * len(sessions[0]))
                dst.executemany(f"INSERT OR IGNORE INTO ir_session VALUES ({marks})", sessions)
            stamp = (datetime.now() + timedelta(seconds=1)).strftime("%Y-%m-%d %H:%M:%S.%f")
            dst.execute("UPDATE ir_cache SET timestamp = ?", (stamp,))
            dst.commit()
        finally:
            src.close()
            dst.close()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def start(self) -> None:
        port = free_port()
        conf = _config(self.folder, port)
        self.url = f"http://127.0.0.1:{port}"
        log = (self.folder / "trytond.log").open("ab")
        self.process = subprocess.Popen(
            [_bin("trytond"), "-c", str(conf), "-d", self.database],
            env=_env(self.folder),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        wait_ready(self.url, self.database, self.process, self.folder / "trytond.log")


def _sessions(conn: sqlite3.Connection) -> list[tuple[Any, ...]]:
    try:
        return conn.execute("SELECT * FROM ir_session").fetchall()
    except sqlite3.OperationalError:  # a fresh file: no tables yet
        return []


def wait_ready(url: str, database: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 120
    body = {"id": 0, "method": "common.db.login", "params": ["admin", {"password": PASSWORD}]}
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"trytond exited: {log.read_text()[-2000:]}")
        try:
            if httpx.post(f"{url}/{database}/rpc/", json=body, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"trytond did not answer in 120 s: {log.read_text()[-2000:]}")


@contextmanager
def _lock(path: Path) -> Any:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def build_template(target: Path) -> None:
    """Activate the modules in a fresh SQLite database, seed it over RPC, save it as `target`."""
    from erp.tryton_rpc import TrytonClient
    from erp.tryton_seed import seed_tryton

    work = Path(tempfile.mkdtemp(prefix="tryton-template-"))
    try:
        (work / "db").mkdir()
        (work / "db" / f"{DATABASE}.sqlite").touch()
        conf = _config(work, free_port())
        activated = subprocess.run(
            [
                _bin("trytond-admin"),
                "-c",
                str(conf),
                "-d",
                DATABASE,
                "--all",
                "--activate-dependencies",
                "-u",
                *MODULES,
                "--email",
                "admin@example.com",
            ],
            env=_env(work),
            capture_output=True,
            text=True,
        )
        if activated.returncode != 0:
            raise RuntimeError(f"trytond-admin failed: {activated.stderr[-3000:]}")
        server = TrytonServer("", DATABASE, work, target)
        server.start()
        try:
            client = TrytonClient(server.url, DATABASE, "admin", PASSWORD)
            seed_tryton(client, as_of=SEED_AS_OF, **SEED_ARGS)
            client.close()
        finally:
            server.stop()
        partial = target.with_suffix(".partial")
        src = sqlite3.connect(work / "db" / f"{DATABASE}.sqlite")
        dst = sqlite3.connect(partial)
        src.backup(dst)
        dst.execute("PRAGMA journal_mode=DELETE")
        src.close()
        dst.close()
        os.replace(partial, target)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def template() -> Path:
    """Return the seeded template for this trytond and seed code, building it when missing."""
    target = CACHE / f"template-{template_key()}.sqlite"
    with _lock(CACHE / "build.lock"):
        if not target.exists():
            for old in CACHE.glob("template-*.sqlite"):
                old.unlink(missing_ok=True)
            build_template(target)
    return target


def start_session_server(folder: Path) -> TrytonServer:
    """Copy the template into `folder` and start trytond on it."""
    tpl = template()
    (folder / "db").mkdir(parents=True, exist_ok=True)
    server = TrytonServer("", DATABASE, folder, tpl)
    server.restore()
    server.start()
    return server


def restore_sqlite(source: Path, target: Path) -> None:
    """Copy one SQLite database over another with the backup API (safe with open readers)."""
    src = sqlite3.connect(source)
    dst = sqlite3.connect(target, timeout=30)
    try:
        src.backup(dst)
    finally:
        src.close()
        dst.close()
