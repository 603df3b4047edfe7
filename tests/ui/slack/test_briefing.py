"""`stockpilot brief --slack-channel C` posts the exception briefing as Block Kit."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from stockpilot.settings import Settings, get_settings
from tests.support.fake_slack import FakeSlack
from tools.workspace import Workspace
from ui.briefing import build_briefing
from ui.cli import app
from ui.slack.briefing import SlackNotConfiguredError, post_briefing


@pytest.fixture
def fake_slack() -> Iterator[FakeSlack]:
    with FakeSlack() as fake:
        yield fake


@pytest.fixture
def cli(tmp_path: Path, csv_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable]:
    monkeypatch.setenv("STOCKPILOT_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    monkeypatch.setenv("STOCKPILOT_PLAN_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("STOCKPILOT_SLACK_BOT_TOKEN", raising=False)
    get_settings.cache_clear()
    runner = CliRunner()

    def run(*args: str):
        get_settings.cache_clear()
        return runner.invoke(app, list(args), catch_exceptions=False)

    assert run("import", str(csv_dir)).exit_code == 0
    yield run
    get_settings.cache_clear()


def test_brief_posts_the_top_exceptions_to_the_channel(
    cli, fake_slack: FakeSlack, monkeypatch
) -> None:
    monkeypatch.setenv("STOCKPILOT_SLACK_BOT_TOKEN", "xoxb-brief")
    monkeypatch.setenv("STOCKPILOT_SLACK_API_URL", fake_slack.api_url)
    result = cli("brief", "--slack-channel", "C0BRIEF", "--top", "3")
    assert result.exit_code == 0, result.output
    (post,) = fake_slack.calls("chat.postMessage")
    assert post["channel"] == "C0BRIEF"
    assert fake_slack.requests[0]["auth"] == "Bearer xoxb-brief"
    records = Workspace.open(get_settings()).queries.exceptions(top=3)
    text = json.dumps(post["blocks"], ensure_ascii=False)
    assert f"Top {len(records)} by money at risk" in text
    for r in records:  # the same exceptions, in the same order, with their money at risk
        assert f"{r['sku']} @ {r['location']} — {r['money_at_risk']:,.2f}" in text
        assert r["id"] in text
    positions = [text.index(r["id"]) for r in records]
    assert positions == sorted(positions)
    assert "message 1700000000." in result.output


def test_brief_without_a_channel_prints_the_briefing(cli, fake_slack: FakeSlack) -> None:
    result = cli("brief", "--top", "2")
    assert result.exit_code == 0, result.output
    assert "StockPilot briefing" in result.output and "Top 2 by money at risk" in result.output
    assert fake_slack.requests == []


def test_brief_to_slack_without_a_token_fails_clearly(cli) -> None:
    result = cli("brief", "--slack-channel", "C0BRIEF")
    assert result.exit_code == 2
    assert "STOCKPILOT_SLACK_BOT_TOKEN is not set" in result.output


def test_brief_reports_a_slack_refusal(cli, fake_slack: FakeSlack, monkeypatch) -> None:
    monkeypatch.setenv("STOCKPILOT_SLACK_BOT_TOKEN", "xoxb-brief")
    monkeypatch.setenv("STOCKPILOT_SLACK_API_URL", fake_slack.api_url)
    fake_slack.fail["chat.postMessage"] = "not_in_channel"
    result = cli("brief", "--slack-channel", "C0BRIEF")
    assert result.exit_code == 1
    assert "Slack refused the briefing: not_in_channel" in result.output


def test_post_briefing_needs_a_token(tmp_path: Path) -> None:
    from erp.store import replace_snapshot
    from tests.conftest import small_network

    settings = Settings(
        _env_file=None, database_url=f"sqlite:///{tmp_path / 's.db'}", plan_cache_dir=None
    )
    ws = Workspace.open(settings)
    replace_snapshot(ws.engine, small_network(), source="test")
    with pytest.raises(SlackNotConfiguredError):
        post_briefing(settings, "C1", build_briefing(ws))
