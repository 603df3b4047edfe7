"""The `stockpilot` command line: a thin surface over `tools.workspace` (no planning logic)."""

from __future__ import annotations

import dataclasses
import json
import sys
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markdown import Markdown
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from sqlalchemy.exc import OperationalError

from erp.connector import ErpUnavailableError
from erp.csvio import ImportValidationError
from stockpilot.asking import InvalidAsk, checked_question, checked_thread_id
from stockpilot.imports import collector_paused
from stockpilot.settings import SettingsProblem, load_settings, scheduler_address
from stockpilot.vocabulary import MAX_EDIT_QTY, Decision, ExceptionType
from tools.errors import NotFoundError
from tools.snapshots import StoreNotEmptyError
from tools.workspace import Workspace
from ui.briefing import Briefing, build_briefing, recommendation_summary
from ui.console import command_group, err, fail, os_user, out, print_json
from ui.erp_cli import erp_app
from ui.knowledge_cli import knowledge_app
from ui.override_cli import override_app

app = command_group(
    "StockPilot: a planner copilot for retail demand planning and inventory coordination."
)
app.add_typer(knowledge_app, name="knowledge")
app.add_typer(erp_app, name="erp")
app.add_typer(override_app, name="override")


@app.callback()
def _check_settings() -> None:
    # Every command starts from valid settings: a bad one is one line naming it, exit 2.
    try:
        load_settings()
    except SettingsProblem as exc:
        raise fail(str(exc), 2) from None


def _workspace() -> Workspace:
    try:
        return Workspace.open()
    except OperationalError as exc:
        why = " ".join(str(exc.orig).split())
        raise fail(f"STOCKPILOT_DATABASE_URL: cannot open the store: {why}", 2) from None


def _money(value: float) -> str:
    return f"{value:,.2f}"


def _exceptions_table(records: list[dict[str, Any]], title: str) -> Table:
    table = Table(title=title, title_justify="left", show_lines=False)
    for name, justify in (
        ("#", "right"),
        ("type", "left"),
        ("sku", "left"),
        ("location", "left"),
        ("P", "right"),
        ("money at risk", "right"),
        ("first risk", "left"),
        ("action", "left"),
    ):
        table.add_column(name, justify=justify)  # type: ignore[arg-type]
    for i, r in enumerate(records, 1):
        table.add_row(
            str(i),
            r["type"],
            r["sku"],
            r["location"],
            str(r["priority"]),
            _money(r["money_at_risk"]),
            r["first_risk_date"] or "",
            recommendation_summary(r["recommendation"]),
        )
    return table


@app.command("import")
def import_(
    folder: Annotated[Path, typer.Argument(help="Folder with one CSV file per table.")],
) -> None:
    """Validate a CSV folder completely, then replace the store's snapshot with it."""
    snapshots = _workspace().snapshots
    try:
        summary = snapshots.import_dir(folder)
    except ImportValidationError as exc:
        raise fail(f"{exc}\nNothing was imported; the store is unchanged.", 2) from exc
    rows = ", ".join(f"{k} {v:,}" for k, v in summary.row_counts.items())
    out.print(f"Imported snapshot as of {summary.as_of}: {rows}")
    replanned = snapshots.last_replanned
    if replanned is not None:
        out.print(f"Re-planned {len(replanned):,} SKUs with changed rows in the current plan run")


@app.command()
def export(
    folder: Annotated[Path, typer.Argument(help="Folder to write the CSV files into.")],
) -> None:
    """Write the store's snapshot as CSV files (the import format)."""
    counts = _workspace().snapshots.export_dir(folder)
    out.print(
        f"Wrote {len(counts)} files to {folder}: "
        + ", ".join(f"{k} {v:,}" for k, v in counts.items())
    )


@app.command()
def demo(
    seed: Annotated[int, typer.Option(help="Random seed (same seed, same network).")] = 7,
    stores: Annotated[int, typer.Option(min=1, help="Number of stores.")] = 20,
    skus: Annotated[int, typer.Option(min=1, help="Number of SKUs.")] = 300,
    days: Annotated[int, typer.Option(min=60, help="Days of sales history.")] = 730,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Snapshot date YYYY-MM-DD (default today).")
    ] = None,
    replace: Annotated[
        bool, typer.Option(help="Overwrite an imported (non-demo) snapshot.")
    ] = False,
    dcs: Annotated[
        int | None,
        typer.Option(min=1, help="Number of DCs (default 2 up to 30 stores, else stores / 15)."),
    ] = None,
    block_skus: Annotated[
        int | None,
        typer.Option(
            "--block-skus",
            min=1,
            help="Generate and write this many SKUs at a time (bounded memory, with progress; "
            "for large networks).",
        ),
    ] = None,
) -> None:
    """Generate the deterministic demo network into the store."""
    try:
        day = date.fromisoformat(as_of) if as_of else None
    except ValueError as exc:
        raise fail(f"--as-of {as_of!r} is not a date in YYYY-MM-DD form", 2) from exc
    try:
        with Progress(
            *Progress.get_default_columns(), MofNCompleteColumn(), console=err, transient=True
        ) as bar:
            task = bar.add_task("SKUs written", total=skus, visible=block_skus is not None)
            summary = _workspace().snapshots.seed_demo(
                seed=seed,
                stores=stores,
                skus=skus,
                days=days,
                as_of=day,
                replace=replace,
                dcs=dcs,
                block_skus=block_skus,
                progress=lambda done, _total: bar.update(task, completed=done),
            )
    except StoreNotEmptyError as exc:
        raise fail(str(exc)) from exc
    rows = ", ".join(f"{k} {v:,}" for k, v in summary.row_counts.items())
    out.print(f"Demo network as of {summary.as_of}: {rows}")


@app.command()
def exceptions(
    top: Annotated[int | None, typer.Option(min=1, help="Show the N largest.")] = None,
    type: Annotated[str | None, typer.Option("--type", help="Only this exception type.")] = None,
    location: Annotated[str | None, typer.Option(help="Only this location.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """List today's exceptions ranked by money at risk, each with its recommendation."""
    if type is not None and type not in set(ExceptionType):
        raise fail(f"unknown --type {type!r}; one of: {', '.join(ExceptionType)}", 2)
    try:
        records = _workspace().queries.exceptions(top=top, type=type, location=location)
    except NotFoundError as exc:
        raise fail(str(exc)) from exc
    if as_json:
        print_json(records)
        return
    if not records:
        out.print("No exceptions match.")
        return
    total = sum(r["money_at_risk"] for r in records)
    out.print(_exceptions_table(records, f"{len(records)} exceptions, {_money(total)} at risk"))


@app.command()
def forecast(
    sku: Annotated[str, typer.Argument(help="SKU.")],
    location: Annotated[str, typer.Argument(help="Location id.")],
    horizon: Annotated[int, typer.Option(min=1, max=365, help="Days ahead.")] = 28,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Forecast one SKU at one location with prediction intervals and accuracy."""
    try:
        result = _workspace().queries.forecast(sku, location, horizon=horizon)
    except NotFoundError as exc:
        raise fail(str(exc)) from exc
    if as_json:
        print_json(result)
        return
    acc = result["accuracy"]
    out.print(
        f"{sku} at {location}, as of {result['as_of']}: {result['method']}, "
        f"{int(result['interval'] * 100)}% interval. Backtest WAPE {acc['wape']}, "
        f"bias {acc['bias']}, MASE {acc['mase']}. Total {result['total_mean']} units."
    )
    table = Table(show_lines=False)
    for col in ("date", "mean", "lower", "upper", "promo"):
        table.add_column(col, justify="left" if col == "date" else "right")
    for row in result["forecast"]:
        promo = f"x{row['promo_uplift']:g}" if row["promo_uplift"] != 1 else ""
        table.add_row(
            row["date"], f"{row['mean']:.1f}", f"{row['lower']:.1f}", f"{row['upper']:.1f}", promo
        )
    out.print(table)


@app.command()
def inventory(
    sku: Annotated[str, typer.Argument(help="SKU.")],
    location: Annotated[str | None, typer.Option(help="Only this location.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Show a SKU's position at every location: stock, inbound, cover, policy, stockout date."""
    try:
        records = _workspace().queries.inventory(sku, location)
    except NotFoundError as exc:
        raise fail(str(exc)) from exc
    if as_json:
        print_json(records)
        return
    table = Table(title=f"{sku}", title_justify="left")
    cols = [
        ("location", "location_id"),
        ("on hand", "on_hand"),
        ("in transit", "in_transit"),
        ("on order", "on_order"),
        ("per day", "forecast_daily"),
        ("SS", "safety_stock"),
        ("ROP", "reorder_point"),
        ("OUT", "order_up_to"),
        ("cover d", "days_of_cover"),
        ("stockout", "projected_stockout_date"),
    ]
    for name, _ in cols:
        table.add_column(name, justify="left" if name in ("location", "stockout") else "right")
    for r in records:
        table.add_row(*[_cell(r.get(key)) for _, key in cols])
    out.print(table)


@app.command()
def orders(
    supplier: Annotated[
        str | None, typer.Option(help="Only purchase orders to this supplier.")
    ] = None,
    location: Annotated[
        str | None, typer.Option(help="Only lines to or from this location.")
    ] = None,
    sku: Annotated[str | None, typer.Option(help="Only this SKU.")] = None,
    top: Annotated[
        int, typer.Option(min=1, max=100, help="Lines shown, largest value first.")
    ] = 50,
    offset: Annotated[int, typer.Option(min=0, help="Skip this many lines first.")] = 0,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Show what to order now: the plan's replenishment orders (nothing is drafted)."""
    from tools import insight

    ws = _workspace()
    try:
        page = insight.order_page(
            ws,
            supplier_id=insight.resolve_id(ws, "supplier", supplier),
            location=insight.resolve_id(ws, "location", location),
            sku=insight.resolve_id(ws, "sku", sku),
            top=top,
            offset=offset,
        )
    except NotFoundError as exc:
        raise fail(str(exc)) from exc
    if as_json:
        print_json(page)
        return
    if not page["lines"]:
        out.print(page["note"])
        _print_moq_waits(page)
        return
    title = (
        f"{page['lines']} lines, {page['units']:,} units, {_money(page['value'])} "
        f"({page['from_exceptions']} from exceptions)"
    )
    table = Table(title=title, title_justify="left")
    for name in ("sku", "location", "from", "qty", "value", "why"):
        table.add_column(name, justify="right" if name in ("qty", "value") else "left")
    for i in page["items"]:
        table.add_row(
            i["sku"],
            i["location"],
            i.get("supplier_id") or i.get("from_location") or "",
            f"{i['qty']:,}",
            _money(i["value"]),
            i.get("exception_id") or i.get("reason") or "",
        )
    out.print(table)
    if page["truncated"]:
        shown = page["offset"] + page["returned"]
        out.print(f"Showing {page['offset'] + 1}-{shown} of {page['total']}; page with --offset.")
    _print_moq_waits(page)


def _print_moq_waits(page: dict[str, Any]) -> None:
    """Show the order list's lines waiting a review for an MOQ round-up (none drafted)."""
    items = page.get("waiting_for_moq_items") or []
    if not items:
        return
    table = Table(
        title=f"{page['waiting_for_moq']} waiting a review for an MOQ round-up (not ordered)",
        title_justify="left",
    )
    for name in (
        "sku",
        "location",
        "supplier",
        "need",
        "moq",
        "cost of waiting",
        "cost of holding",
    ):
        table.add_column(
            name, justify="left" if name in ("sku", "location", "supplier") else "right"
        )
    for w in items:
        table.add_row(
            w["sku"],
            w["location"],
            w["supplier_id"],
            f"{w['need']:,}",
            f"{w['moq']:,}",
            _money(w["cost_of_waiting_a_review"]),
            _money(w["cost_of_holding_moq_a_review"]),
        )
    out.print(table)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:,.1f}"
    return str(value)


@app.command()
def start(
    top: Annotated[int, typer.Option(min=1, help="Exceptions to show.")] = 10,
) -> None:
    """Seed the demo network if the store is empty, then print today's briefing."""
    ws = _workspace()
    if ws.snapshots.is_empty():
        out.print("The store is empty: generating the demo network (about 15 seconds)...")
        summary = ws.snapshots.seed_demo()
        out.print(f"Demo network loaded as of {summary.as_of}.")
    _print_briefing(build_briefing(ws, top=top))
    out.print(
        'Next: `stockpilot ask "what needs attention today?"`, '
        "`stockpilot exceptions --top 20`, `stockpilot inventory SKU`, "
        "`stockpilot forecast SKU LOCATION`, `stockpilot import DIR`, `stockpilot export DIR`."
    )
    s = ws.settings
    out.print(
        f"API: `stockpilot serve` → http://{s.api_host}:{s.api_port}/docs "
        f"(development token: `Authorization: Bearer dev-{s.cli_user}`)."
    )


def _print_briefing(briefing: Briefing) -> None:
    out.print(f"[bold]StockPilot briefing[/] — {briefing.as_of}, store {briefing.store}")
    for t in briefing.totals:
        out.print(f"  {t.type:<20} {t.count:>5}   {_money(t.money_at_risk):>14} at risk")
    title = f"Top {len(briefing.top)} by money at risk"
    out.print(_exceptions_table(briefing.top, title))


@app.command()
def brief(
    top: Annotated[int, typer.Option(min=1, max=50, help="Exceptions to show.")] = 10,
    slack_channel: Annotated[
        str | None,
        typer.Option("--slack-channel", help="Post to this Slack channel id instead of printing."),
    ] = None,
) -> None:
    """Print today's exception briefing, or post it to a Slack channel (Block Kit)."""
    ws = _workspace()
    if ws.snapshots.is_empty():
        raise fail("the store is empty: run `stockpilot demo` or `stockpilot import DIR`", 2)
    briefing = build_briefing(ws, top=top)
    if slack_channel is None:
        _print_briefing(briefing)
        return
    from slack_sdk.errors import SlackApiError

    from ui.slack.briefing import SlackNotConfiguredError, post_briefing

    try:
        ts = post_briefing(ws.settings, slack_channel, briefing)
    except SlackNotConfiguredError as exc:
        raise fail(str(exc), 2) from exc
    except SlackApiError as exc:
        raise fail(f"Slack refused the briefing: {exc.response.get('error')}") from exc
    out.print(f"Posted the briefing to {slack_channel} (message {ts}).")


@app.command()
def serve(
    host: Annotated[
        str | None, typer.Option(help="Interface (default: settings api_host).")
    ] = None,
    port: Annotated[
        int | None, typer.Option(min=1, max=65535, help="Port (default: settings api_port).")
    ] = None,
    workers: Annotated[
        int | None, typer.Option(min=1, max=64, help="Worker processes (default: api_workers).")
    ] = None,
    reload: Annotated[bool, typer.Option(help="Restart on code changes (development).")] = False,
) -> None:
    """Serve the HTTP API (uvicorn, one app per worker built from the environment)."""
    import uvicorn

    from stockpilot.settings import get_settings

    settings = get_settings()
    host = host or settings.api_host
    port = port or settings.api_port
    workers = 1 if reload else (workers or settings.api_workers)
    out.print(f"StockPilot API on http://{host}:{port} (docs: http://{host}:{port}/docs)")
    uvicorn.run(
        "ui.server:app_factory",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        reload=reload,
        proxy_headers=True,
        log_level="info",
    )


def _copilot() -> Any:
    with collector_paused():  # the graph loads only for the copilot commands
        from graph.service import Copilot

    try:
        return Copilot(_workspace())
    except SettingsProblem as exc:
        raise fail(str(exc), 2) from None


def _print_turn(result: Any) -> None:
    out.print(f"[bold]thread[/] {result.thread_id}")
    if result.answer:
        out.print(Markdown(result.answer))
    for o in result.outcomes:
        doc = f" → {o['document_id']}" if o.get("document_id") else ""
        msg = f": {o['message']}" if o.get("message") else ""
        out.print(f"  {o['proposal_id']} {o.get('decision', '')}: {o['outcome']}{doc}{msg}")
    if result.pending:
        out.print("[bold]Waiting for approval[/] (stockpilot approve THREAD --decision ...):")
        for a in result.pending:
            value = f", value {a.value:,.2f}" if a.value is not None else ""
            out.print(
                f"  {a.proposal_id} {a.kind} {json.dumps(a.args)}{value} "
                f"[dim](interrupt {a.interrupt_id})[/]",
                highlight=False,
            )


@app.command()
def ask(
    question: Annotated[str, typer.Argument(help="What to ask the copilot.")],
    thread: Annotated[str | None, typer.Option(help="Continue this thread.")] = None,
    user: Annotated[str | None, typer.Option(help="Ask as this user.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Ask the copilot; print its answer and any actions waiting for approval."""
    try:  # refused before the workspace opens: nothing is asked or written
        question = checked_question(question, "QUESTION")
        if thread is not None:
            checked_thread_id(thread, "--thread")
    except InvalidAsk as exc:
        raise fail(f"{exc}; nothing was asked", 2) from None
    copilot = _copilot()
    try:
        who = user or copilot.workspace.settings.cli_user
        result = copilot.ask(question, user=who, thread_id=thread)
    except NotFoundError as exc:
        raise fail(str(exc)) from exc
    finally:
        copilot.close()
    if as_json:
        print_json(result.as_dict())
        return
    _print_turn(result)


@app.command()
def approve(
    thread: Annotated[str, typer.Argument(help="The thread waiting for a decision.")],
    decision: Annotated[str, typer.Option(help="approve | edit | reject | respond.")] = "approve",
    qty: Annotated[
        int | None, typer.Option(min=1, max=MAX_EDIT_QTY, help="New quantity (edit).")
    ] = None,
    message: Annotated[str | None, typer.Option(help="Reason or reply.")] = None,
    user: Annotated[str | None, typer.Option(help="Decide as this user.")] = None,
    interrupt: Annotated[
        str | None, typer.Option("--interrupt-id", help="The pending interrupt id.")
    ] = None,
    proposal: Annotated[str | None, typer.Option(help="Decide only this proposal.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Resume a thread at the approval gate with a decision."""
    from graph.service import NotWaitingError, StaleInterruptError

    try:
        checked_thread_id(thread, "THREAD")
    except InvalidAsk as exc:
        raise fail(f"{exc}; nothing was decided", 2) from None
    if decision not in set(Decision):
        raise fail(f"unknown --decision {decision!r}; one of {', '.join(Decision)}", 2)
    if decision == Decision.EDIT and qty is None:
        raise fail("--decision edit needs --qty", 2)
    settings = load_settings()
    if user and settings.environment != "development" and not settings.cli_allow_user_override:
        raise fail(
            f"--user is refused outside development: deciding as another user needs "
            f"STOCKPILOT_CLI_ALLOW_USER_OVERRIDE=true (the CLI decides as "
            f"STOCKPILOT_CLI_USER={settings.cli_user}); nothing was decided",
            2,
        )
    copilot = _copilot()
    who = user or settings.cli_user
    # The trail says the decision came from the command line, and as whom, before it is made.
    copilot.workspace.governance.audit.append(
        "cli_decision",
        f"cli:{os_user()}",
        thread_id=thread,
        proposal_id=proposal,
        payload={"as_user": who, "decision": decision, "user_option": user is not None},
    )
    try:
        result = copilot.decide(
            thread,
            user=who,
            decision=Decision(decision),
            interrupt_id=interrupt,
            proposal_id=proposal,
            qty=qty,
            message=message,
        )
    except (NotWaitingError, StaleInterruptError) as exc:
        raise fail(str(exc)) from exc
    except ValueError as exc:  # refused before the thread resumed: nothing decided
        raise fail(str(exc), 2) from exc
    except ErpUnavailableError as exc:
        raise fail(
            f"the decision is recorded but the ERP write did not happen: {exc}\n"
            "The proposal stays approved; recovery writes it once the ERP answers."
        ) from exc
    finally:
        copilot.close()
    if as_json:
        print_json(result.as_dict())
        return
    _print_turn(result)


@app.command("plan")
def plan_(
    scheduler: Annotated[
        str | None,
        typer.Option(
            "--scheduler",
            help="Dask scheduler tcp://host:8786 to map the partitions over (default "
            "STOCKPILOT_DASK_SCHEDULER; unset: in this process).",
        ),
    ] = None,
    partitions: Annotated[
        int | None, typer.Option("--partitions", min=1, help="Partitions (SKU ranges) to plan.")
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the run's summary as JSON.")
    ] = False,
) -> None:
    """Plan the whole network partition by partition into the store's plan tables."""
    from tools.cluster import PHASES, ClusterError, ClusterUnavailableError, run_plan

    settings = load_settings()
    try:
        address = scheduler_address(scheduler) if scheduler is not None else None
    except ValueError as exc:
        raise fail(f"--scheduler: {exc}", 2) from None
    address = address or settings.dask_scheduler
    ws = _workspace()
    with Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
        TimeElapsedColumn(), console=err, transient=as_json,
    ) as bar:  # fmt: skip
        tasks: dict[str, Any] = {}

        def progress(phase: str, done: int, total: int) -> None:
            if phase not in tasks:
                tasks[phase] = bar.add_task(PHASES.get(phase, phase), total=total)
            bar.update(tasks[phase], completed=done)

        try:
            summary = run_plan(
                settings.database_url,
                params=ws.plans.params,
                partitions=partitions,
                scheduler=address,
                on_done=progress,
            )
        except ClusterUnavailableError as exc:
            raise fail(str(exc), 2) from None
        except ClusterError as exc:
            raise fail(str(exc)) from None
        except NotFoundError as exc:
            raise fail(str(exc)) from None
    if as_json:
        print_json(dataclasses.asdict(summary))
        return
    where = f"on {address}" if address else "in this process"
    out.print(
        f"Plan run {summary.run_id}: {summary.positions:,} SKU-locations and "
        f"{summary.exceptions:,} exceptions in {summary.n_partitions} partitions {where}, "
        f"{summary.total_s:.1f} s"
    )


@app.command()
def recover(
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Only say what would be repaired.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Repair interrupted turns and approvals (the API does it at start-up and every minute)."""
    from graph.recovery import recover as run_recovery

    copilot = _copilot()
    try:
        repairs = run_recovery(copilot, dry_run=dry_run, wait=True)
    finally:
        copilot.close()
    if as_json:
        print_json([r.as_dict() for r in repairs])
        return
    if not repairs:
        out.print("Nothing to recover: every proposal is at the gate or decided.")
    verb = "would be" if dry_run else "was"
    for r in repairs:
        what = r.proposal_id or "the stopped turn"
        detail = f" ({r.detail})" if r.detail else ""
        out.print(f"{r.thread_id}: {what} ({r.was}) {verb} {r.action}{detail}", highlight=False)


@app.command()
def audit(
    verify: Annotated[bool, typer.Option(help="Check the hash chain.")] = False,
    limit: Annotated[int, typer.Option(min=1, help="Show the last N entries.")] = 20,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Show the audit trail (proposals, decisions, commits, refusals); --verify checks it."""
    log = _workspace().governance.audit
    entries = log.entries(limit=limit)
    result = log.verify() if verify else None
    if as_json:
        print_json(
            {
                "entries": [e.__dict__ for e in entries],
                "verification": None if result is None else result.__dict__,
            }
        )
    else:
        table = Table(title="Audit trail", title_justify="left")
        for col in ("seq", "time", "actor", "event", "proposal", "details"):
            table.add_column(col)
        for e in entries:
            table.add_row(
                str(e.seq),
                e.ts[:19],
                e.actor,
                e.event,
                e.proposal_id or "",
                json.dumps(e.payload, default=str)[:80],
            )
        out.print(table)
        if result is not None:
            colour = "green" if result.ok else "red"
            out.print(f"[{colour}]verify: {result.reason}[/]")
    if result is not None and not result.ok:
        raise typer.Exit(1)


@app.command("eval")
def eval_(
    suite: Annotated[str, typer.Option(help="sim | agent | forecast | all.")] = "all",
    llm: Annotated[str, typer.Option(help="offline | openai (needs OPENAI_API_KEY).")] = "offline",
    out: Annotated[
        Path, typer.Option(help="Folder for report.md, report.html, results.json.")
    ] = Path("var/eval"),
    size: Annotated[str, typer.Option(help="ci (small, fast) | full (the demo network).")] = "ci",
    path: Annotated[
        str | None,
        typer.Option(
            help="sim: engine (plan and order directly) | graph (through the copilot's approval "
            "gate and commit). Default: graph at ci size, engine at full size."
        ),
    ] = None,
    baseline: Annotated[
        Path | None, typer.Option(help="Fail (exit 1) on a regression against this baseline.")
    ] = None,
    write_baseline: Annotated[
        Path | None, typer.Option(help="Write the headline metrics as a new baseline here.")
    ] = None,
    data: Annotated[
        Path | None,
        typer.Option(help="CSV folder: replay and backtest this history instead of the demo."),
    ] = None,
    split: Annotated[
        str, typer.Option(help="Agent dataset: dev (tuned against) | heldout (only scored).")
    ] = "dev",
    bucket: Annotated[
        str,
        typer.Option(
            help="Forecast suite: day | week | month — score in that time bucket (a daily "
            "history is summed into weeks or months; weekly or monthly data is read as such)."
        ),
    ] = "day",
    decline: Annotated[
        str | None,
        typer.Option(
            help="Forecast suite: smoothed | fitted — how a daily series whose sales fell "
            "significantly is forecast (default: the setting forecast_decline)."
        ),
    ] = None,
) -> None:
    """Evaluate recommendations, the agent and forecasts; write one report."""
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from evals import runner

    if suite not in ("sim", "agent", "forecast", "all"):
        raise fail(f"unknown --suite {suite!r}; one of sim, agent, forecast, all", 2)
    if llm not in ("offline", "openai"):
        raise fail(f"unknown --llm {llm!r}; one of offline, openai", 2)
    if size not in ("ci", "full"):
        raise fail(f"unknown --size {size!r}; one of ci, full", 2)
    if split not in runner.AGENT_SPLITS:
        raise fail(f"unknown --split {split!r}; one of {', '.join(runner.AGENT_SPLITS)}", 2)
    if split != "dev" and (baseline is not None or write_baseline is not None):
        raise fail(
            f"--split {split} is not compared with a baseline (the baseline is the dev split's);"
            " drop --baseline / --write-baseline",
            2,
        )
    if path not in (None, "engine", "graph"):
        raise fail(f"unknown --path {path!r}; one of engine, graph", 2)
    if bucket not in runner.BUCKETS:
        raise fail(f"unknown --bucket {bucket!r}; one of {', '.join(runner.BUCKETS)}", 2)
    if bucket != "day" and (baseline is not None or write_baseline is not None):
        raise fail(
            f"--bucket {bucket} is not compared with a baseline (the baseline scores days);"
            " drop --baseline / --write-baseline",
            2,
        )
    if decline is None:
        from stockpilot.settings import get_settings

        decline = get_settings().forecast_decline
    if decline not in runner.DECLINES:
        raise fail(f"unknown --decline {decline!r}; one of {', '.join(runner.DECLINES)}", 2)
    if decline != "fitted" and (baseline is not None or write_baseline is not None):
        raise fail(
            f"--decline {decline} is not compared with a baseline (the baseline is the "
            "default's); drop --baseline / --write-baseline",
            2,
        )
    with Progress(
        TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn(), console=err
    ) as bar:
        tasks: dict[str, Any] = {}

        def progress(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage, total=max(total, 1))
            bar.update(tasks[stage], completed=done, total=max(total, 1))

        try:
            results = runner.run_eval(
                suite,  # type: ignore[arg-type]
                llm=llm,
                out=out,
                size=size,  # type: ignore[arg-type]
                progress=progress,
                data_dir=data,
                split=split,
                path=path,  # type: ignore[arg-type]
                bucket=bucket,
                decline=decline,
            )
        except ImportValidationError as exc:
            raise fail(str(exc), 2) from exc
    for kind, path in results.get("files", {}).items():
        if kind in ("markdown", "html", "json"):
            err.print(f"{kind}: {path}")
    headline = runner.headline_metrics(results)
    for name, value in headline.items():
        if value is not None:
            err.print(f"{name}: {value:.4f}")
    if write_baseline is not None:
        runner.write_baseline(results, write_baseline)
        err.print(f"baseline written to {write_baseline}")
    if baseline is not None:
        regressions = runner.compare_to_baseline(results, runner.load_baseline(baseline))
        if regressions:
            raise fail("regressions against the baseline:\n" + "\n".join(regressions))
        err.print("no regression against the baseline")


@app.command()
def workbench(
    host: Annotated[str, typer.Option(help="Interface the workbench listens on.")] = "127.0.0.1",
    port: Annotated[
        int | None, typer.Option(min=1, max=65535, help="Port (default: settings ui_port).")
    ] = None,
    api_url: Annotated[
        str | None, typer.Option(help="StockPilot API base URL (default: ui_api_url).")
    ] = None,
) -> None:
    """Run the Streamlit planner workbench (it talks to the API over HTTP)."""
    import os
    import subprocess

    from stockpilot.settings import get_settings

    settings = get_settings()
    port = port or settings.ui_port
    env = dict(os.environ)
    if api_url:
        env["STOCKPILOT_UI_API_URL"] = api_url
    script = Path(__file__).resolve().parent / "workbench" / "app.py"
    out.print(
        f"StockPilot workbench on http://{host}:{port} (API: {api_url or settings.ui_api_url})"
    )
    command = [sys.executable, "-m", "streamlit", "run", str(script), "--server.headless", "true"]
    command += ["--server.address", host, "--server.port", str(port)]
    command += ["--browser.gatherUsageStats", "false"]
    try:
        code = subprocess.call(command, env=env)
    except KeyboardInterrupt:
        code = 130
    raise typer.Exit(code)


def main() -> None:
    """Run the CLI (the `stockpilot` script is `ui.launcher.main`, which loads this module)."""
    app()


if __name__ == "__main__":
    main()
