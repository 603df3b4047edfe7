"""Fixtures for the workbench tests: the real API app served on a localhost port, and AppTest.

`live_api` (module scope) serves `ui.server.create_served_app` over the small network with the offline
planner model in a uvicorn thread; `policy` gives bob an authority of 100 so refusals are easy
to provoke (a transfer of 20 A is worth 80, the promotion fix of 53 A is worth 212).
`app_test(page, user)` returns an AppTest of the real app, signed in as `user`, on that page.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from langgraph.checkpoint.sqlite import SqliteSaver
from streamlit.testing.v1 import AppTest

from agents.offline import OfflinePlannerModel
from erp.store import replace_snapshot
from graph.service import Copilot
from stockpilot.settings import PROJECT_ROOT, Settings
from tests.conftest import small_network
from tests.support.serve import serve
from tools.workspace import Workspace
from ui.server import create_served_app

APP = PROJECT_ROOT / "ui" / "workbench" / "app.py"
BOB_LIMIT = 100


def write_policy(folder: Path, approver_limit: float = BOB_LIMIT) -> Path:
    """Write the project's policy with a lower approver authority."""
    policy = yaml.safe_load((PROJECT_ROOT / "config" / "policy.yaml").read_text())
    policy["roles"]["approver"]["max_order_value"] = approver_limit
    path = folder / "policy.yaml"
    path.write_text(yaml.safe_dump(policy))
    return path


@dataclass
class LiveApi:
    """A served API: its URL, and the copilot and workspace behind it (for arranging)."""

    url: str
    copilot: Copilot
    workspace: Workspace

    def draft_transfer(self, qty: int = 20, user: str = "alice") -> dict:
        """Draft a transfer of A from DC1 to S1 through the copilot; return its pending action."""
        turn = self.copilot.ask(f"transfer {qty} A from DC1 to S1", user=user)
        assert len(turn.pending) == 1, turn.answer
        return {"thread_id": turn.thread_id, **turn.pending[0].__dict__}


@pytest.fixture(autouse=True)
def _no_order_on_its_way(request: pytest.FixtureRequest) -> None:
    """Start each test with no order on its way to S1 (the tests share one served store).

    Earlier tests' drafts and commits would count as supply for the same need and cut or
    refuse this test's drafts: pending ones are rejected and the snapshot is loaded again.
    """
    if "live_api" not in request.fixturenames:
        return
    ws = request.getfixturevalue("live_api").workspace
    for p in ws.governance.proposals.list(status="pending"):
        ws.governance.proposals.decide(p.id, user="carol", decision="reject", note="test isolation")
    replace_snapshot(ws.engine, small_network(), source="test")


@pytest.fixture(scope="module")
def live_api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveApi]:
    tmp = tmp_path_factory.mktemp("api")
    settings = Settings(
        _env_file=None,
        environment="development",
        database_url=f"sqlite:///{tmp / 'store.db'}",
        plan_cache_dir=tmp / "cache",
        checkpoint_url=f"sqlite:///{tmp / 'checkpoints.db'}",
        api_tokens={},
        policy_file=write_policy(tmp),
    )
    ws = Workspace.open(settings)
    replace_snapshot(ws.engine, small_network(), source="test")
    conn = sqlite3.connect(tmp / "checkpoints.db", check_same_thread=False, timeout=30)
    saver = SqliteSaver(conn)
    saver.setup()
    copilot = Copilot(ws, checkpointer=saver, model=OfflinePlannerModel())
    app = create_served_app(settings, copilot=copilot)
    with serve(app) as url:
        ws.plans.warm()
        yield LiveApi(url, copilot, ws)
    conn.close()


@pytest.fixture
def app_test(live_api: LiveApi, monkeypatch: pytest.MonkeyPatch) -> Callable[..., AppTest]:
    """Return a factory: an AppTest of the workbench, signed in as `user`, on `page`."""
    monkeypatch.delenv("STOCKPILOT_UI_API_TOKEN", raising=False)
    monkeypatch.setenv("STOCKPILOT_ENVIRONMENT", "development")

    def make(page: str = "chat", user: str = "alice", url: str | None = None) -> AppTest:
        at = AppTest.from_file(str(APP), default_timeout=30)
        at.session_state["api_url"] = url or live_api.url
        at.session_state["user"] = user
        at.run()
        if page != "chat":
            at.switch_page(f"{page}.py").run()
        return at

    return make


def table(at: AppTest, column: str):
    """Return the first dataframe shown whose columns include `column` (AppTest drops keys)."""
    for frame in at.dataframe:
        if column in frame.value.columns:
            return frame.value
    raise AssertionError(f"no table with a {column!r} column")
