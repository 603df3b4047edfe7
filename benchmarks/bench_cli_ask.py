"""Wall time of whole `stockpilot ask` processes on a warm demo store, beside Python's own start.

Usage:
    python benchmarks/bench_cli_ask.py [--runs N] [--code LABEL=DIR ...] [--python LABEL=EXE ...]
        [--plan-run] [--after-commit]

Each round runs, in a shuffled order, `python -c pass`, `python -c "import <libraries>"` (the
third-party libraries any ask loads, the floor), `python -c "import graph.service"` and
`stockpilot ask QUESTION` for every code checkout given with `--code` (`PYTHONPATH=DIR`, so an
older checkout can be measured beside this one in the same run; default: this checkout, labelled
`this`; `--python LABEL=EXE` runs that checkout with another environment's interpreter, e.g. one
whose start-up hooks differ). `stockpilot` is run as the checkout's own console script: the
entry point its pyproject.toml names, called as the installed script calls it. The store is a
20-store × 300-SKU demo network seeded once into a temporary folder; each checkout gets its own
copy (checkouts may differ in their migrations) and plan cache folder, warmed by one ask.
Reported per command: median, p95 and minimum wall time, and the median CPU time (user +
system) of the child, which a busy machine disturbs less than wall time.

Warm means byte-code cached too: each checkout's modules are compiled once before the rounds
and the children run without PYTHONDONTWRITEBYTECODE, as an installed copy runs after its first
command. `--no-bytecode-cache` runs them with PYTHONDONTWRITEBYTECODE=1 after removing the
checkouts' `__pycache__` folders: every run then compiles StockPilot's own modules from source,
as every run here did before byte-code was cached.

`--plan-run` plans the seeded store into the plan tables (`stockpilot plan`) first, so reads use
them and a commit re-plans only its SKUs. `--after-commit` then drafts the action of the top
exception that has one, approves it (an ERP commit) and times the next ask of each checkout:
the first ask after a commit.

Every ask here is a whole process on the local store: no running service is involved.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

QUESTIONS = [
    "what needs attention today?",
    "top 5 exceptions by money",
    "stock of SKU-0001 at S003",
    "late POs",
]
# The third-party libraries every ask loads (the plan is pandas and numpy, the store SQLAlchemy,
# the copilot LangGraph with langchain-core and langsmith): the floor of an ask's start-up.
LIBRARIES = "pandas, sqlalchemy.orm, pydantic_settings, langgraph.graph, typer, rich"
ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("agents", "erp", "graph", "knowledge", "planning", "stockpilot", "tools", "ui")
# Calls a checkout's console-script entry point ("module:function") the way pip's script does.
SCRIPT = (
    "import importlib, sys; module, _, name = sys.argv[1].partition(':'); "
    "sys.argv = ['stockpilot', *sys.argv[2:]]; "
    "sys.exit(getattr(importlib.import_module(module), name)())"
)


@dataclass
class Samples:
    """Wall and CPU seconds of the runs of one command."""

    wall: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)

    def row(self, label: str, reference: float | None) -> str:
        """Return the table row: median, p95, min wall, median CPU, ratio to `reference`."""
        wall = sorted(self.wall)
        p95 = wall[min(len(wall) - 1, round(0.95 * (len(wall) - 1)))]
        med = statistics.median(wall)
        ratio = "" if reference is None else f"{med / reference:6.1f}×"
        return (
            f"{label:<40} {med:7.2f} {p95:7.2f} {wall[0]:7.2f} "
            f"{statistics.median(self.cpu):8.2f}  {ratio}"
        )


def timed(cmd: list[str], env: dict[str, str], cwd: Path) -> tuple[float, float, str]:
    """Run `cmd`; return its wall seconds, the child's CPU seconds and its stdout."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    done = subprocess.run(cmd, env=env, cwd=cwd, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({done.returncode}):\n{done.stderr[-2000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, done.stdout


def console_script(code: Path | None) -> str:
    """Return the `stockpilot` entry point ("module:function") of a checkout's pyproject.toml."""
    with ((code or ROOT) / "pyproject.toml").open("rb") as fh:
        return str(tomllib.load(fh)["project"]["scripts"]["stockpilot"])


def environment(
    store: Path, code: Path | None, label: str, *, bytecode_cache: bool = True
) -> dict[str, str]:
    """Return the environment of a checkout's runs: the store, its own plan cache, its code."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("STOCKPILOT_")}
    env.pop("OPENAI_API_KEY", None)  # the offline model
    if bytecode_cache:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
    else:
        env["PYTHONDONTWRITEBYTECODE"] = "1"
    env["STOCKPILOT_DATABASE_URL"] = f"sqlite:///{store / f'stockpilot-{label}.db'}"
    env["STOCKPILOT_PLAN_CACHE_DIR"] = str(store / f"cache-{label}")
    if code is not None:
        env["PYTHONPATH"] = str(code)
    return env


def main() -> None:
    """Seed the store, warm it, time the commands round-robin and print the table."""
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--runs", type=int, default=15, help="rounds (each runs every command once)")
    ap.add_argument(
        "--code",
        action="append",
        default=[],
        metavar="LABEL=DIR",
        help="a checkout to run with PYTHONPATH=DIR (repeatable; default: the installed code)",
    )
    ap.add_argument(
        "--python",
        action="append",
        default=[],
        metavar="LABEL=EXE",
        help="run checkout LABEL with this interpreter (and the stockpilot script beside it)",
    )
    ap.add_argument("--store", type=Path, help="reuse this folder's demo store (seeded if empty)")
    ap.add_argument("--after-commit", action="store_true", help="also time the ask after a commit")
    ap.add_argument(
        "--plan-run",
        action="store_true",
        help="run `stockpilot plan` after seeding, so reads use the plan tables",
    )
    ap.add_argument("--seed", type=int, default=0, help="shuffle seed")
    ap.add_argument(
        "--no-bytecode-cache",
        action="store_true",
        help="run with PYTHONDONTWRITEBYTECODE=1 and no byte-code of the checkouts' own modules",
    )
    args = ap.parse_args()
    cache = not args.no_bytecode_cache

    codes: list[tuple[str, Path | None]] = [("this", None)]
    if args.code:
        codes = [(c.split("=", 1)[0], Path(c.split("=", 1)[1]).resolve()) for c in args.code]
    store = args.store or Path(tempfile.mkdtemp(prefix="bench-cli-ask-"))
    store.mkdir(parents=True, exist_ok=True)
    envs = {label: environment(store, code, label, bytecode_cache=cache) for label, code in codes}
    pythons = {label: Path(sys.executable) for label, _ in codes}
    for given in args.python:
        label, exe = given.split("=", 1)
        if label not in pythons:
            raise SystemExit(f"--python {label}: no --code {label}=DIR")
        pythons[label] = Path(exe)
    scripts = {
        label: [str(pythons[label]), "-c", SCRIPT, console_script(code)] for label, code in codes
    }
    for label, code in codes:
        folders = [(code or ROOT) / p for p in PACKAGES if ((code or ROOT) / p).is_dir()]
        if cache:
            compile_all = [str(pythons[label]), "-m", "compileall", "-q", *map(str, folders)]
            timed(compile_all, envs[label], store)
        else:  # as a fresh editable install: the libraries' byte-code cached, ours not
            for folder in folders:
                for stale in folder.rglob("__pycache__"):
                    shutil.rmtree(stale, ignore_errors=True)
    first = envs[codes[0][0]]
    seeded = store / "stockpilot-seed.db"
    if not seeded.exists():
        t0 = time.perf_counter()
        seed_env = {**first, "STOCKPILOT_DATABASE_URL": f"sqlite:///{seeded}"}
        timed([*scripts[codes[0][0]], "demo", "--as-of", "2026-11-22"], seed_env, store)
        print(f"seeded the demo store in {store} ({time.perf_counter() - t0:.1f} s)")
    # Each checkout gets its own copy of the store: checkouts may differ in their migrations.
    for label, env in envs.items():
        copy = store / f"stockpilot-{label}.db"
        if not copy.exists():
            with sqlite3.connect(seeded) as src, sqlite3.connect(copy) as dst:
                src.backup(dst)
            if args.plan_run:
                wall, _, _ = timed([*scripts[label], "plan"], env, store)
                print(f"stockpilot plan ({label}, into the plan tables): {wall:.1f} s")
    for label, env in envs.items():  # warm: each checkout computes or loads its plan once
        wall, _, _ = timed([*scripts[label], "ask", QUESTIONS[0]], env, store)
        print(f"warm-up ask ({label}): {wall:.2f} s")

    commands: dict[str, tuple[list[str], dict[str, str]]] = {}
    seen: set[Path] = set()
    for label, exe in pythons.items():  # the interpreter's own start and the libraries, once each
        if exe in seen:
            continue
        seen.add(exe)
        suffix = "" if len(set(pythons.values())) == 1 else f" [{label}'s python]"
        commands[f"python -c pass{suffix}"] = ([str(exe), "-c", "pass"], first)
        commands[f'python -c "import <libraries>"{suffix}'] = (
            [str(exe), "-c", f"import {LIBRARIES}"],
            first,
        )
    for label, env in envs.items():
        suffix = "" if len(envs) == 1 else f" [{label}]"
        commands[f'python -c "import graph.service"{suffix}'] = (
            [str(pythons[label]), "-c", "import graph.service"],
            env,
        )
        commands[f"stockpilot ask{suffix}"] = ([*scripts[label], "ask"], env)
    samples = {name: Samples() for name in commands}
    rng = random.Random(args.seed)
    for r in range(args.runs):
        order = list(commands)
        rng.shuffle(order)
        for name in order:
            cmd, env = commands[name]
            if cmd[-1] == "ask":
                cmd = [*cmd, QUESTIONS[r % len(QUESTIONS)]]
            wall, cpu, _ = timed(cmd, env, store)
            samples[name].wall.append(wall)
            samples[name].cpu.append(cpu)

    load = os.getloadavg()[0]
    print(f"\n{args.runs} rounds, {os.cpu_count()} CPUs, load average {load:.1f}; seconds")
    print(f"{'command':<40} {'median':>7} {'p95':>7} {'min':>7} {'CPU med':>8}  vs pass")
    reference = statistics.median(samples[next(iter(samples))].wall)
    for name, s in samples.items():
        print(s.row(name, None if name.startswith("python -c pass") else reference))

    if args.after_commit:
        for label, env in envs.items():
            commit_and_ask(store, label, env, scripts[label])


def commit_and_ask(store: Path, label: str, first: dict[str, str], stockpilot: list[str]) -> None:
    """Draft and approve the top draftable exception's action, then time two asks."""
    _, _, out = timed([*stockpilot, "exceptions", "--json"], first, store)
    target = next(
        r["id"]
        for r in json.loads(out)
        if r["recommendation"]["kind"] in ("transfer", "purchase_order")
    )
    wall, _, out = timed([*stockpilot, "ask", f"fix {target}", "--json"], first, store)
    drafted = json.loads(out)
    if not drafted["pending"]:
        raise SystemExit(f"nothing was drafted: {drafted['answer']}")
    print(f"\n[{label}] draft: {wall:.2f} s")
    approve = [*stockpilot, "approve", drafted["thread_id"], "--user", "bob", "--json"]
    wall, _, out = timed(approve, first, store)
    outcomes = [o["outcome"] for o in json.loads(out)["outcomes"]]
    print(f"approve and commit: {wall:.2f} s ({', '.join(outcomes)})")
    wall, cpu, _ = timed([*stockpilot, "ask", QUESTIONS[0]], first, store)
    print(f"first ask after the commit [{label}]: {wall:.2f} s wall, {cpu:.2f} s CPU")
    wall, cpu, _ = timed([*stockpilot, "ask", QUESTIONS[0]], first, store)
    print(f"the ask after that [{label}]: {wall:.2f} s wall, {cpu:.2f} s CPU")


if __name__ == "__main__":
    main()
