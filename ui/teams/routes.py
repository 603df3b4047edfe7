"""Mount the Teams bot on the API: `POST /api/messages` through the Bot Framework CloudAdapter.

Authentication is the Bot Framework's: with `STOCKPILOT_TEAMS_APP_ID` set, every activity must
carry a valid JWT issued to that app id (401 otherwise); replies and card updates go to the
activity's `serviceUrl` with the app's credentials. Without an app id there is no check at all,
which is why the API mounts this route without one in development only (Bot Framework
Emulator). The route sits outside `/v1` and its bearer-token check.
"""

from __future__ import annotations

import logging
from typing import Any

from botbuilder.core import TurnContext, serializer_helper
from botbuilder.integration.aiohttp import (
    CloudAdapter,
    ConfigurationBotFrameworkAuthentication,
)
from botbuilder.schema import Activity
from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse

from api.errors import error_body
from api.metrics import record_outcomes
from stockpilot.identities import IdentityMap
from stockpilot.settings import Settings
from ui.teams.bot import TeamsBot

TEAMS_PATH = "/api/messages"
log = logging.getLogger("stockpilot.teams")


class BotConfig:
    """The configuration object ConfigurationBotFrameworkAuthentication reads (from settings)."""

    def __init__(self, settings: Settings):
        password = settings.teams_app_password
        self.APP_ID = settings.teams_app_id or ""
        self.APP_PASSWORD = password.get_secret_value() if password else ""
        self.APP_TENANTID = settings.teams_app_tenant_id or ""
        self.APP_TYPE = "SingleTenant" if settings.teams_app_tenant_id else "MultiTenant"


def make_adapter(settings: Settings) -> CloudAdapter:
    """Return a CloudAdapter authenticating with the app id, password and tenant in settings."""
    adapter = CloudAdapter(ConfigurationBotFrameworkAuthentication(BotConfig(settings)))

    async def on_error(turn_context: TurnContext, error: Exception) -> None:
        log.error("Teams turn failed", exc_info=error)
        await turn_context.send_activity("Sorry, that failed; the incident was logged.")

    adapter.on_turn_error = on_error
    return adapter


def mount_teams(app: FastAPI, settings: Settings, identities: IdentityMap) -> TeamsBot:
    """Add `POST /api/messages` to `app`; the bot uses the app's copilot (`app.state.copilot`)."""
    bot = TeamsBot(
        copilot=lambda: app.state.copilot,
        identities=identities,
        on_outcomes=lambda outcomes: record_outcomes(app, outcomes, app.state.workspace),
        authenticated=bool(settings.teams_app_id),
    )

    @app.post(TEAMS_PATH, include_in_schema=False)
    async def teams_messages(request: Request) -> Response:
        """Receive a Bot Framework activity (JWT checked by the adapter when an app id is set)."""
        if "application/json" not in request.headers.get("content-type", ""):
            return JSONResponse(
                error_body("unsupported_media_type", "send the activity as application/json"),
                status_code=415,
            )
        try:
            body: Any = await request.json()
            activity = Activity().deserialize(body) if isinstance(body, dict) else None
        except Exception:  # malformed JSON or an activity msrest cannot read
            activity = None
        if activity is None or not activity.type:
            return JSONResponse(
                error_body("bad_request", "the body is not a Bot Framework activity"),
                status_code=400,
            )
        missing = _missing_fields(activity)
        if missing:
            return JSONResponse(
                error_body("bad_request", f"the activity has no {missing}", missing),
                status_code=400,
            )
        adapter: CloudAdapter = request.app.state.teams_adapter
        try:
            # Any failure to authenticate (no token, a malformed or forged one, keys that
            # cannot be fetched) refuses the activity; the bot never sees it.
            authenticated = await adapter.bot_framework_authentication.authenticate_request(
                activity, request.headers.get("authorization", "")
            )
        except Exception as exc:
            log.info("Teams activity refused: %s: %s", type(exc).__name__, exc)
            return JSONResponse(
                error_body("unauthorized", "a valid Bot Framework token is required"),
                status_code=401,
            )
        invoke = await adapter.process_activity(authenticated, activity, bot.on_turn)
        if invoke is not None:
            body = serializer_helper(invoke.body) if invoke.body is not None else None
            return JSONResponse(body, status_code=int(invoke.status))
        return Response(status_code=201)

    app.state.teams_bot = bot
    app.state.teams_adapter = make_adapter(settings)  # read per request (tests swap it)
    return bot


def _missing_fields(activity: Activity) -> str | None:
    """Name the first field a routable activity lacks (Teams always sends them all)."""
    if not activity.service_url:
        return "serviceUrl"
    if activity.conversation is None or not activity.conversation.id:
        return "conversation.id"
    if activity.from_property is None or not activity.from_property.id:
        return "from.id"
    return None
