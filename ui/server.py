"""Serve StockPilot over HTTP: the API (`api.app.create_app`) with the chat bots mounted beside it.

`stockpilot serve` runs `uvicorn --factory ui.server:app_factory`; each worker process calls the
factory, so each builds its own workspace and copilot from the environment (STOCKPILOT_*
settings). The bots are surfaces over the API's copilot: they are mounted here, by the serving
entry point, so the API never imports a surface.
"""

from __future__ import annotations

from fastapi import FastAPI

from api.app import create_app
from graph.service import Copilot
from stockpilot.settings import Settings, SettingsProblem, load_settings
from tools.workspace import Workspace


def create_served_app(
    settings: Settings | None = None,
    *,
    workspace: Workspace | None = None,
    copilot: Copilot | None = None,
) -> FastAPI:
    """Return the API app (see `create_app`) with the configured chat bots mounted."""
    app = create_app(settings, workspace=workspace, copilot=copilot)
    mount_chat_bots(app)
    return app


def app_factory() -> FastAPI:
    """Build the served app from the environment's settings (a bad one stops it in one line)."""
    try:
        settings = load_settings()
    except SettingsProblem as exc:
        raise SystemExit(f"error: {exc}") from None
    return create_served_app(settings)


def mount_chat_bots(app: FastAPI) -> None:
    """Mount the Slack and Teams bots, outside `/v1` (they authenticate by signature / JWT).

    Slack (`POST /slack/events`) when a signing secret is set; Teams (`POST /api/messages`)
    when an app id is set (every request then needs a valid Bot Framework JWT) or, without
    one, in development with no API tokens configured (the Bot Framework Emulator; it can
    ask but never decide). Identities load once, here. The bots use the app's settings,
    workspace and copilot (`app.state`).
    """
    settings: Settings = app.state.settings
    slack = settings.slack_signing_secret is not None
    emulator = settings.environment == "development" and not settings.api_tokens
    teams = bool(settings.teams_app_id) or emulator
    if not (slack or teams):
        return
    from stockpilot.identities import load_identities

    identities = load_identities(settings.identities_file, policy=app.state.workspace.policy)
    if slack:
        from ui.slack.routes import mount_slack  # the bots load only when mounted

        mount_slack(app, settings, identities)
    if teams:
        from ui.teams.routes import mount_teams

        mount_teams(app, settings, identities)
