"""`stockpilot erp ...`: sync the planning store from the configured ERP, and check the link.

A thin surface over `tools.workspace.Workspace.sync_erp` and the connector's `status`; the
Tryton client is imported only when a command runs.
"""

from __future__ import annotations

import json
import sys
from datetime import date
from typing import Annotated, Any

import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from erp.connector import ErpUnavailableError
from erp.csvio import ImportValidationError
from tools.snapshots import ErpSyncError
from tools.workspace import Workspace
from ui.console import command_group, err, fail, out

erp_app = command_group(
    "The ERP link: pull a snapshot from Tryton, show the connection, seed a demo."
)
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON.")]
AsOfOption = Annotated[
    str | None, typer.Option("--as-of", help="Snapshot date YYYY-MM-DD (default: Tryton's today).")
]


def _day(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError as exc:
        raise fail(f"--as-of {value!r} is not a date in YYYY-MM-DD form", 2) from exc


def _tryton(ws: Workspace) -> Any:
    connector = ws.connector()
    if connector.name != "tryton":
        raise fail(
            "STOCKPILOT_ERP is builtin; set STOCKPILOT_ERP=tryton and STOCKPILOT_TRYTON_URL, "
            "_DATABASE, _USER and _PASSWORD",
            2,
        )
    return connector


@erp_app.command()
def sync(as_of: AsOfOption = None, as_json: JsonOption = False) -> None:
    """Read the network from the ERP, validate it like a CSV import, then replace the snapshot."""
    day = _day(as_of)
    ws = Workspace.open()
    try:
        with Progress(
            TextColumn("{task.description:<16}"),
            BarColumn(),
            TimeElapsedColumn(),
            console=err,
            transient=True,
            disable=as_json or not sys.stderr.isatty(),
        ) as bar:
            task = bar.add_task("connecting", total=1)

            def progress(stage: str, done: int, total: int) -> None:
                bar.update(task, description=stage, completed=done, total=total)

            summary = ws.sync_erp(as_of=day, progress=progress)
    except ErpSyncError as exc:
        raise fail(str(exc), 2) from exc
    except ImportValidationError as exc:
        raise fail(f"{exc}\nNothing was synced; the store is unchanged.", 2) from exc
    except ErpUnavailableError as exc:
        raise fail(f"{exc}\nNothing was synced; the store is unchanged.") from exc
    if as_json:
        sys.stdout.write(json.dumps(summary.__dict__, default=str) + "\n")
        return
    rows = ", ".join(f"{k} {v:,}" for k, v in summary.row_counts.items())
    out.print(f"Synced snapshot as of {summary.as_of}: {rows}")


@erp_app.command()
def status(as_json: JsonOption = False) -> None:
    """Log in to the ERP and show the server, database and record counts."""
    ws = Workspace.open()
    connector = _tryton(ws)
    try:
        info = connector.status()
    except ErpUnavailableError as exc:
        raise fail(str(exc)) from exc
    info["latency_ms"] = connector.client.latencies()
    if as_json:
        sys.stdout.write(json.dumps(info, default=str) + "\n")
        return
    for key, value in info.items():
        if key != "latency_ms":
            out.print(f"{key:<34} {value}")


@erp_app.command()
def seed(
    as_of: AsOfOption = None,
    stores: Annotated[int, typer.Option(min=1, max=50, help="Number of stores.")] = 2,
    skus: Annotated[int, typer.Option(min=1, max=500, help="Number of products.")] = 4,
    days: Annotated[int, typer.Option(min=7, max=730, help="Days of sales.")] = 60,
) -> None:
    """Fill an EMPTY Tryton database with a small demo network (a DC, stores, sales, supply)."""
    from erp.tryton_seed import seed_tryton

    ws = Workspace.open()
    connector = _tryton(ws)
    day = _day(as_of)
    try:
        when = day or connector.client.call("model.ir.date.today")
        counts = seed_tryton(connector.client, as_of=when, stores=stores, skus=skus, days=days)
    except ValueError as exc:
        raise fail(str(exc), 2) from exc
    except ErpUnavailableError as exc:
        raise fail(str(exc)) from exc
    out.print(f"Seeded Tryton as of {when}: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
