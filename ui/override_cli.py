"""`stockpilot override set|list|clear`: a planner's forecast overrides, from the command line.

A thin surface over `tools.overrides`: setting or clearing one re-plans only its SKU. Bad input
names the option, exits 2 and stores nothing.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

import typer
from rich.table import Table

from stockpilot.vocabulary import OverrideKind
from tools import overrides
from tools.workspace import Workspace
from ui.console import command_group, fail, os_user, out, print_json

override_app = command_group(
    "Forecast overrides: multiply or replace a SKU's forecast over a date window."
)
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON.")]


def _day(option: str, value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise fail(f"{option}: {value!r} is not a date in YYYY-MM-DD form", 2) from None


def _replanned(result: dict[str, Any]) -> str:
    skus = result["replanned_skus"]
    return f"re-planned {', '.join(skus)}" if skus else "no plan held yet: the next plan uses it"


@override_app.command("set")
def set_override(
    sku: Annotated[str, typer.Argument(help="SKU.")],
    start: Annotated[str, typer.Option("--start", help="First day YYYY-MM-DD.")],
    end: Annotated[str, typer.Option("--end", help="Last day YYYY-MM-DD (inclusive).")],
    reason: Annotated[str, typer.Option("--reason", help="Why (shown with the plan).")],
    location: Annotated[
        str | None, typer.Option("--location", help="A store (default: every store).")
    ] = None,
    multiplier: Annotated[
        float | None, typer.Option("--multiplier", help="Multiply the forecast by this.")
    ] = None,
    rate: Annotated[
        float | None, typer.Option("--rate", help="Replace the forecast: units per day.")
    ] = None,
    author: Annotated[str | None, typer.Option("--author", help="Default: your login.")] = None,
    as_json: JsonOption = False,
) -> None:
    """Set an override of a SKU's forecast (at one store, or every store) and re-plan the SKU."""
    if (multiplier is None) == (rate is None):
        raise fail("--multiplier / --rate: give exactly one", 2)
    kind, value = (
        (OverrideKind.MULTIPLIER, multiplier)
        if multiplier is not None
        else (OverrideKind.RATE, rate)
    )
    assert value is not None
    first, last = _day("--start", start), _day("--end", end)
    try:
        result = overrides.set_(
            Workspace.open().plans,
            sku=sku,
            location=location,
            start=first,
            end=last,
            kind=kind,
            value=value,
            reason=reason,
            author=author or os_user(),
        )
    except overrides.OverrideError as exc:
        field, _, why = str(exc).partition(": ")
        option = {"sku": "SKU", "value": f"--{kind}"}.get(field, f"--{field}")
        raise fail(f"{option}: {why}", 2) from None
    if as_json:
        print_json(result)
        return
    out.print(f"override {result['id']} set; {_replanned(result)}", highlight=False)
    out.print(result["note"], highlight=False)


@override_app.command("list")
def list_overrides(
    sku: Annotated[str | None, typer.Option("--sku", help="Only this SKU.")] = None,
    location: Annotated[
        str | None, typer.Option("--location", help="Those that apply at this store.")
    ] = None,
    all_: Annotated[bool, typer.Option("--all", help="Include cleared ones.")] = False,
    limit: Annotated[int, typer.Option(min=1, max=1000, help="At most this many.")] = 100,
    as_json: JsonOption = False,
) -> None:
    """List overrides in force (newest first)."""
    found = overrides.listed(
        Workspace.open().plans, sku=sku, location=location, include_cleared=all_, limit=limit
    )
    if as_json:
        print_json(found)
        return
    if not found:
        out.print("no overrides")
        return
    table = Table()
    for col in ("id", "sku", "location", "from", "to", "override", "by", "reason", "cleared"):
        table.add_column(col)
    for o in found:
        what = f"×{o['value']:g}" if o["kind"] == OverrideKind.MULTIPLIER else f"{o['value']:g}/day"
        table.add_row(
            str(o["id"]),
            o["sku"],
            o["location_id"] or "every store",
            o["start_date"],
            o["end_date"],
            what,
            o["author"],
            o["reason"],
            "" if o["cleared_at"] is None else f"{o['cleared_at'][:10]} by {o['cleared_by']}",
        )
    out.print(table)


@override_app.command("clear")
def clear_override(
    override_id: Annotated[int, typer.Argument(help="The override's id (`override list`).")],
    author: Annotated[str | None, typer.Option("--author", help="Default: your login.")] = None,
    as_json: JsonOption = False,
) -> None:
    """Clear an override in force and re-plan its SKU."""
    try:
        result = overrides.clear(Workspace.open().plans, override_id, author=author or os_user())
    except overrides.OverrideNotFoundError as exc:
        raise fail(str(exc), 1) from None
    except overrides.OverrideError as exc:
        raise fail(str(exc), 2) from None
    if as_json:
        print_json(result)
        return
    out.print(f"override {override_id} cleared; {_replanned(result)}", highlight=False)
