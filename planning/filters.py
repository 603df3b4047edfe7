"""Select exception records: the one filter behind the plan, the agent tools, the API and the CLI.

Records are the JSON-ready dicts of `Plan.exception_records`, ranked highest priority first;
filtering keeps their order, and `top` cuts after filtering.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from typing import Any, TypeVar

from stockpilot.vocabulary import EXCEPTION_SORTS

Record = TypeVar("Record", bound=Mapping[str, Any])


def filter_exceptions(
    records: Iterable[Record],
    *,
    type: str | None = None,
    location: str | None = None,
    sku: str | None = None,
    skus: Collection[str] | None = None,
    min_money: float | None = None,
    top: int | None = None,
    locations: Collection[str] | None = None,
) -> list[Record]:
    """Return the records that match every given criterion, in order, at most `top` of them.

    `type`, `location` and `sku` match exactly; `skus` keeps the records of those SKUs (an item
    category's, say), `locations` those at these locations (the stores a DC feeds); `min_money`
    keeps those risking at least that much; a negative `top` keeps none.
    """
    kept = [
        r
        for r in records
        if (type is None or r["type"] == type)
        and (location is None or r["location"] == location)
        and (locations is None or r["location"] in locations)
        and (sku is None or r["sku"] == sku)
        and (skus is None or r["sku"] in skus)
        and (min_money is None or r["money_at_risk"] >= min_money)
    ]
    return kept if top is None else kept[: max(top, 0)]


SORTS = EXCEPTION_SORTS
"""The orders of an exception list (`stockpilot.vocabulary.ExceptionSort`)."""


def sort_records(records: list[Record], sort: str) -> list[Record]:
    """Return ranked `records` in the order `sort` names (SORTS); equal keys keep the ranking.

    priority: most urgent first, then the most money at risk; first_risk_date: the earliest
    first risk first (none last), then the most urgent.
    """
    if sort == "money_at_risk":
        return records
    if sort == "priority":
        return sorted(records, key=lambda r: (r["priority"], -r["money_at_risk"]))
    if sort == "first_risk_date":
        return sorted(records, key=lambda r: (r["first_risk_date"] or "9999", r["priority"]))
    raise ValueError(f"sort must be one of {', '.join(SORTS)}")


def supplier_of(record: Mapping[str, Any]) -> str | None:
    """Return the supplier the record's recommendation orders from (None: none)."""
    return (record.get("recommendation") or {}).get("supplier_id")


def source_of(record: Mapping[str, Any]) -> str | None:
    """Return where the recommended stock comes from: its supplier or location (None: none)."""
    rec = record.get("recommendation") or {}
    return rec.get("supplier_id") or rec.get("from_location")
