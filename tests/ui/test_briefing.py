"""The briefing summarises `Workspace.queries.exceptions`: totals per type and the top by money at risk."""

from __future__ import annotations

from pathlib import Path

from erp.store import replace_snapshot
from stockpilot.settings import Settings
from tests.conftest import small_network
from tools.workspace import Workspace
from ui.briefing import build_briefing, recommendation_summary


def test_the_briefing_matches_the_workspace_exceptions(tmp_path: Path) -> None:
    ws = Workspace.open(
        Settings(_env_file=None, database_url=f"sqlite:///{tmp_path / 's.db'}", plan_cache_dir=None)
    )
    replace_snapshot(ws.engine, small_network(), source="test")
    records = ws.queries.exceptions()
    briefing = build_briefing(ws, top=2)
    assert briefing.top == records[:2]
    assert briefing.count == len(records)
    assert briefing.money_at_risk == sum(r["money_at_risk"] for r in records)
    assert sum(t.count for t in briefing.totals) == len(records)
    for t in briefing.totals:
        assert t.count == sum(1 for r in records if r["type"] == t.type) > 0
    assert briefing.as_of == ws.plans.plan().as_of


def test_recommendation_summaries() -> None:
    assert (
        recommendation_summary(
            {"kind": "transfer", "qty": 6, "from_location": "DC1", "to_location": "S2"}
        )
        == "transfer 6 DC1 → S2"
    )
    assert (
        recommendation_summary({"kind": "purchase_order", "qty": 48, "supplier_id": "V1"})
        == "PO 48 from V1"
    )
    assert recommendation_summary({"kind": "none"}) == "review"
