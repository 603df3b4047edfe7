"""The briefing summarises the workspace's exceptions: totals per type and the top by money at risk."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from erp.demo import generate_demo
from erp.store import replace_snapshot
from stockpilot.settings import Settings
from tests.conftest import small_network
from tools import plan_runs
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
    assert briefing.money_at_risk == round(sum(r["money_at_risk"] for r in records), 2)
    assert sum(t.count for t in briefing.totals) == len(records)
    for t in briefing.totals:
        assert t.count == sum(1 for r in records if r["type"] == t.type) > 0
    assert briefing.as_of == ws.plans.plan().as_of


def test_with_a_plan_run_the_briefing_reads_one_page_and_the_totals(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Neither the whole plan nor every exception is read: the page and totals are queried."""
    settings = Settings(
        _env_file=None, database_url=f"sqlite:///{tmp_path / 's.db'}", plan_cache_dir=None
    )
    ws = Workspace.open(settings)
    network = generate_demo(seed=3, stores=5, skus=40, as_of=date(2026, 12, 3)).data
    replace_snapshot(ws.engine, network, source="test")
    in_memory = build_briefing(ws, top=3)
    assert in_memory.count > 3 and len(in_memory.totals) > 1
    try:
        plan_runs.run_partitioned(ws.engine, 2, ws.plans.params)
        fresh = Workspace.open(settings)

        def read_everything(*args: object, **kwargs: object) -> None:
            raise AssertionError("the briefing read every exception")

        monkeypatch.setattr(fresh.queries, "exceptions", read_everything)
        monkeypatch.setattr(fresh.plans, "plan", read_everything)
        assert fresh.plans.plan_run() is not None
        assert build_briefing(fresh, top=3) == in_memory
        fresh.plans.wait_caught_up(60)
    finally:
        ws.engine.dispose()
        plan_runs.dispose_engines()


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
