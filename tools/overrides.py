"""Planners' forecast overrides for every surface: set, clear, list, and the note on a position.

Setting or clearing an override stores it (`erp.overrides`) and re-plans only its SKU: with a
plan run, its rows are swapped in the plan tables before this returns (`tools.plan_runs
.catch_up`: reads see the previous rows until then); without one, the plan in memory (or on
disk) is brought up to date by re-planning that SKU alone (`tools.plan_cache`). Surfaces (CLI,
API, copilot) call these and only format the result.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

from erp.overrides import (
    Override,
    OverrideError,
    OverrideNotFoundError,
    clear_override,
    list_overrides,
    set_override,
)
from erp.plan_store import current_run
from erp.store import latest_import
from planning.overrides import check_override
from stockpilot.vocabulary import OverrideKind
from tools.plan_cache import PlanCache
from tools.plan_runs import catch_up, params_digest

__all__ = [
    "OverrideError",
    "OverrideNotFoundError",
    "clear",
    "describe",
    "listed",
    "notes_for",
    "set_",
]


def describe(o: Override) -> str:
    """Return the one-line note a position shows: 'override applied: ×1.3 by alice (reason)'."""
    what = f"×{o.value:g}" if o.kind == OverrideKind.MULTIPLIER else f"{o.value:g} units/day"
    where = o.location_id or "every store"
    return (
        f"override applied: {what} by {o.author} ({o.reason}), {where}, "
        f"{o.start_date.isoformat()}..{o.end_date.isoformat()} [id {o.id}]"
    )


def _view(o: Override) -> dict[str, Any]:
    return {**o.to_dict(), "note": describe(o)}


def _replan(plans: PlanCache) -> bool:
    """Re-plan the SKUs of override changes not yet in the current plan; False: no plan held.

    Without a plan run or a plan in memory or on disk there is nothing to bring up to date:
    the next plan is computed with the override.
    """
    snapshot = latest_import(plans.engine)
    run = (
        None
        if snapshot is None
        else current_run(plans.engine, snapshot.id, params_digest(plans.params))
    )
    if run is not None:
        catch_up(plans.engine, run)
        return True
    if plans.cached() is None:
        return False
    plans.plan()  # the plan held, its changed SKU re-planned alone
    return True


def set_(
    plans: PlanCache,
    *,
    sku: str,
    location: str | None,
    start: date,
    end: date,
    kind: str,
    value: float,
    reason: str,
    author: str,
) -> dict[str, Any]:
    """Store an override and re-plan its SKU; return it with the SKUs re-planned.

    Raises OverrideError naming the field; nothing is stored then.
    """
    try:
        check_override(kind, value, start, end)
    except ValueError as exc:
        raise OverrideError(str(exc)) from None
    stored = set_override(
        plans.engine,
        sku=sku,
        location_id=location,
        start=start,
        end=end,
        kind=kind,
        value=value,
        reason=reason,
        author=author,
    )
    return {**_view(stored), "replanned_skus": _replan_skus(plans, stored.sku)}


def clear(plans: PlanCache, override_id: int, *, author: str) -> dict[str, Any]:
    """Clear an override in force and re-plan its SKU; raises OverrideNotFoundError."""
    stored = clear_override(plans.engine, override_id, author=author)
    return {**stored.to_dict(), "replanned_skus": _replan_skus(plans, stored.sku)}


def _replan_skus(plans: PlanCache, sku: str) -> list[str]:
    return [sku] if _replan(plans) else []


def listed(
    plans: PlanCache,
    *,
    sku: str | None = None,
    location: str | None = None,
    include_cleared: bool = False,
    limit: int = 100,
    offset: int = 0,
) -> list[dict[str, Any]]:
    """Return overrides, newest first, one page (those in force unless `include_cleared`)."""
    found = list_overrides(
        plans.engine,
        sku=sku,
        location_id=location,
        include_cleared=include_cleared,
        limit=limit,
        offset=offset,
    )
    return [_view(o) if o.cleared_at is None else o.to_dict() for o in found]


def notes_for(
    plans: PlanCache, pairs: Iterable[tuple[str, str]], as_of: date, horizon: int
) -> dict[tuple[str, str], list[str]]:
    """Return the notes of the overrides the plan applied to each (SKU, location) given.

    An override applies where it is in force, covers a day of the plan's horizon and reaches
    the location (its own, or network-wide at a store). Pairs without one are left out.
    """
    wanted = list(pairs)
    skus = sorted({s for s, _ in wanted})
    if not skus:
        return {}
    found = [
        o
        for o in list_overrides(plans.engine, skus=skus, limit=10_000)
        if o.end_date > as_of and o.start_date <= as_of + timedelta(days=horizon)
    ]
    out: dict[tuple[str, str], list[str]] = {}
    for sku, loc in wanted:
        notes = [
            describe(o)
            for o in sorted(found, key=lambda o: o.id)
            if o.sku == sku and o.location_id in (None, loc)
        ]
        if notes:
            out[(sku, loc)] = notes
    return out
