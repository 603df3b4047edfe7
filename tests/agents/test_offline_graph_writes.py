"""Writes through the copilot's graph on the seed-7 demo: the quantity drafted is the one said.

A number elsewhere in the request (a sales figure, days of cover, a stock level) is no bound of
the write's own quantity, "send over N" sends N, and an amend said as a bound meets it.
"""

from __future__ import annotations

import itertools
import sqlite3
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from langgraph.checkpoint.sqlite import SqliteSaver

from agents.offline import OfflinePlannerModel
from erp.demo import generate_demo
from erp.store import replace_snapshot
from graph.service import Copilot
from stockpilot.settings import Settings
from tools.workspace import Workspace

_ids = itertools.count()


@pytest.fixture(scope="module")
def copilot(tmp_path_factory: pytest.TempPathFactory) -> Copilot:
    tmp: Path = tmp_path_factory.mktemp("graph_writes")
    ws = Workspace.open(Settings(_env_file=None, database_url=f"sqlite:///{tmp / 'store.db'}",
                                 plan_cache_dir=tmp / "cache"))  # fmt: skip
    demo = generate_demo(seed=7, stores=4, skus=30, days=400, as_of=date(2026, 6, 30))
    replace_snapshot(ws.engine, demo.data, source="demo:test")
    saver = SqliteSaver(sqlite3.connect(tmp / "cp.db", check_same_thread=False))
    saver.setup()
    return Copilot(ws, checkpointer=saver, model=OfflinePlannerModel())


def thread(copilot: Copilot, *texts: str) -> list[Any]:
    """Ask the texts in one fresh thread; every pending proposal is rejected first."""
    ws = copilot.workspace
    for p in ws.governance.proposals.list(status="pending"):
        ws.governance.proposals.decide(p.id, user="bob", decision="reject")
    tid = f"gw-{next(_ids)}"
    return [copilot.ask(t, user="alice", thread_id=tid) for t in texts]


def writes(result: Any) -> list[tuple[str, dict[str, Any]]]:
    names = ("draft_", "amend_", "withdraw_", "approve")
    return [(c["name"], c["args"]) for c in result.tool_calls if c["name"].startswith(names)]


@pytest.mark.parametrize(
    ("text", "qty"),
    [
        ("transfer 30 SKU-0016 from DC-NORTH to S002 - stock there is under 30 days of cover", 30),
        ("move 25 SKU-0003 from DC-NORTH to S001; it has less than 25 days of cover", 25),
        (
            "S002 sold more than 20 SKU-0003 last week, transfer 20 SKU-0003 from DC-NORTH to S002",
            20,
        ),
        ("S002 is below 20 units of SKU-0003, transfer 20 from DC-NORTH", 20),
        ("S001 has over 15 SKU-0016 on the shelf, move 15 SKU-0016 from DC-NORTH to S002", 15),
        ("send over 20 SKU-0016 from DC-NORTH to S002", 20),
        ("ship over 12 of SKU-0003 from DC-NORTH to S001", 12),
    ],
)
def test_a_stated_quantity_is_drafted_as_said(copilot: Copilot, text: str, qty: int) -> None:
    [r] = thread(copilot, text)
    assert [a["qty"] for _, a in writes(r)] == [qty], (text, writes(r))


@pytest.mark.parametrize(
    ("follow", "bound"),
    [("make it more than 30", lambda q: q > 30), ("make it at least 45", lambda q: q >= 45),
     ("change it to no more than 5", lambda q: 0 < q <= 5)],
)  # fmt: skip
def test_an_amend_said_as_a_bound_meets_it(copilot: Copilot, follow: str, bound: Any) -> None:
    _, r = thread(copilot, "transfer 20 SKU-0016 from DC-NORTH to S002", follow)
    amended = [a["qty"] for n, a in writes(r) if "qty" in a]
    assert amended and all(bound(q) for q in amended), (follow, writes(r), r.answer[:200])
