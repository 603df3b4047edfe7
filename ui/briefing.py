"""Today's exception briefing: totals by type and the top exceptions by money at risk.

One summary of the workspace's exceptions for every surface: `stockpilot start` and
`stockpilot brief` print it, the Slack bot posts it (formatting lives with each surface). It is
the first page of the ranking and its totals (`Workspace.queries.exception_page`): with a plan run
both are queried from the plan tables, so a briefing never reads every exception of the network.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from stockpilot.vocabulary import ActionKind

if TYPE_CHECKING:  # the workbench imports this module and must not load the planning stack
    from tools.workspace import Workspace


@dataclass(frozen=True)
class TypeTotal:
    """How many exceptions of one type, and the money they put at risk."""

    type: str
    count: int
    money_at_risk: float


@dataclass(frozen=True)
class Briefing:
    """Today's exceptions in brief (records as `Workspace.queries.exceptions` returns them)."""

    as_of: date
    store: str
    totals: list[TypeTotal]
    top: list[dict[str, Any]]
    count: int
    money_at_risk: float


def build_briefing(ws: Workspace, *, top: int = 10) -> Briefing:
    """Summarise today's exceptions: totals per type, and the `top` largest by money at risk."""
    page, count, by_type = ws.queries.exception_page(offset=0, limit=max(top, 0))
    totals = [TypeTotal(type=name, **t) for name, t in by_type.items()]
    return Briefing(
        as_of=ws.plans.as_of(),
        store=ws.settings.database_url,
        totals=totals,
        top=page,
        count=count,
        money_at_risk=round(sum(t.money_at_risk for t in totals), 2),
    )


def recommendation_summary(rec: dict[str, Any]) -> str:
    """Describe a recommendation in a few words, e.g. "transfer 12 DC1 → S2"."""
    match rec.get("kind", ActionKind.NONE):
        case ActionKind.TRANSFER:
            return f"transfer {rec['qty']} {rec['from_location']} → {rec['to_location']}"
        case ActionKind.PURCHASE_ORDER:
            return f"PO {rec['qty']} from {rec['supplier_id']}"
        case ActionKind.EXPEDITE:
            return f"expedite {rec.get('po_id') or ''} ({rec.get('supplier_id') or ''})".strip()
    return "review"
