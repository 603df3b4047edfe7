"""The served app: `stockpilot serve` builds the API with the chat bots mounted by `ui.server`."""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from api.app import create_app
from stockpilot.settings import get_settings
from tests.api.copilot_app import ApiEnv
from ui.cli import app as cli_app
from ui.server import create_served_app
from ui.teams.routes import TEAMS_PATH


def _paths(app: Any) -> set[str]:
    return {getattr(r, "path", "") for r in app.routes}


def test_the_api_mounts_no_bot_and_the_served_app_does(tmp_path: Path) -> None:
    env = ApiEnv(tmp_path)  # development, no API tokens: the Teams Emulator route is served
    try:
        api_only = create_app(env.settings, copilot=env.copilot())
        served = create_served_app(env.settings, copilot=env.copilot())
        assert TEAMS_PATH not in _paths(api_only)
        assert TEAMS_PATH in _paths(served)
        assert _paths(api_only) < _paths(served)
    finally:
        env.close()


def test_stockpilot_serve_runs_the_served_app_factory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import uvicorn

    runs: list[tuple[str, dict[str, Any]]] = []
    monkeypatch.setattr(uvicorn, "run", lambda target, **kw: runs.append((target, kw)))
    monkeypatch.setenv("STOCKPILOT_DATABASE_URL", f"sqlite:///{tmp_path / 'serve.db'}")
    monkeypatch.setenv("STOCKPILOT_CHECKPOINT_URL", f"sqlite:///{tmp_path / 'cp.db'}")
    monkeypatch.setenv("STOCKPILOT_PLAN_CACHE_DIR", str(tmp_path / "cache"))
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(cli_app, ["serve", "--port", "8123"], catch_exceptions=False)
        assert result.exit_code == 0, result.output
        [(target, options)] = runs
        assert options["factory"] is True and options["port"] == 8123
        module, name = target.split(":")
        served = getattr(importlib.import_module(module), name)()
        assert served.state.settings.database_url == f"sqlite:///{tmp_path / 'serve.db'}"
        assert TEAMS_PATH in _paths(served)  # the bots of the environment's settings
    finally:
        get_settings.cache_clear()
