"""Mount the Slack bot on the API: `POST /slack/events` (events, interactivity, slash command).

The route sits outside `/v1` and its bearer-token check: bolt authenticates every request by
its signature and timestamp (the signing secret), answering 401 otherwise.
"""

from __future__ import annotations

from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse
from slack_bolt.adapter.fastapi.async_handler import AsyncSlackRequestHandler
from slack_sdk.signature import SignatureVerifier

from api.errors import error_body
from api.metrics import record_outcomes
from stockpilot.identities import IdentityMap
from stockpilot.settings import Settings
from ui.slack.bot import SlackBot

SLACK_PATH = "/slack/events"


def mount_slack(app: FastAPI, settings: Settings, identities: IdentityMap) -> SlackBot:
    """Add `POST /slack/events` to `app`; the bot uses the app's copilot (`app.state.copilot`)."""
    bot = SlackBot(
        settings,
        copilot=lambda: app.state.copilot,
        identities=identities,
        on_outcomes=lambda outcomes: record_outcomes(app, outcomes, app.state.workspace),
    )
    handler = AsyncSlackRequestHandler(bot.app)
    assert settings.slack_signing_secret is not None  # SlackBot refuses to start without it
    verifier = SignatureVerifier(settings.slack_signing_secret.get_secret_value())

    @app.post(SLACK_PATH, include_in_schema=False)
    async def slack_events(request: Request) -> Response:
        """Receive a Slack event, interaction or slash command (signature checked first)."""
        # Checked here before anything parses the body, and again by bolt.
        if not _signed(verifier, await request.body(), dict(request.headers)):
            return JSONResponse(
                error_body("unauthorized", "invalid or stale Slack request signature"),
                status_code=401,
            )
        try:
            return await handler.handle(request)
        except ValueError:  # a signed body that is not what its content type says
            return JSONResponse(
                error_body("bad_request", "the body does not match its content type"),
                status_code=400,
            )

    app.state.slack_bot = bot
    return bot


def _signed(verifier: SignatureVerifier, body: bytes, headers: dict[str, str]) -> bool:
    """Say whether a request carries a valid, fresh Slack signature.

    The verifier turns the timestamp header into an int, so a malformed one (`abc`) would
    raise: it is simply not a valid signature.
    """
    timestamp = headers.get("x-slack-request-timestamp", "")
    if not timestamp.isascii() or not timestamp.isdigit():
        return False
    try:
        return verifier.is_valid_request(body, headers)
    except (ValueError, TypeError, OverflowError):
        return False
