"""Fixtures for the Slack bot: the API app with Slack mounted, a fake Slack Web API, signed calls.

`slack_env` gives a `SlackHarness`: `event(...)`, `command(...)`, `click(...)`, `submit(...)`
send signed requests to `POST /slack/events` and wait for the work done after the ack;
`fake` is the fake Slack Web API that recorded what the bot posted.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from tests.api.copilot_app import ApiEnv
from tests.support.fake_slack import (
    FakeSlack,
    block_action_body,
    event_body,
    form_body,
    signed_headers,
    view_submission_body,
)
from ui.slack.bot import SlackBot

SECRET = "0123456789abcdef-test-signing-secret"
BOT_TOKEN = "xoxb-test-token"
IDENTITIES = """\
version: 1
slack:
  UALICE: alice
  UBOB: bob
  UCAROL: carol
  UVICTOR: victor
teams: {}
"""


class SlackHarness:
    """Drive the mounted Slack bot with signed requests and inspect the fake Slack."""

    def __init__(self, env: ApiEnv, client: TestClient, fake: FakeSlack):
        self.env = env
        self.client = client
        self.fake = fake
        self.bot: SlackBot = client.app.state.slack_bot  # type: ignore[attr-defined]

    def post(
        self, body: str, *, kind: str = "json", secret: str = SECRET, **kw: Any
    ) -> httpx.Response:
        """Send a signed body and wait for the work scheduled after the ack."""
        headers = signed_headers(secret, body, content_type=kind, **kw)
        response = self.client.post("/slack/events", content=body, headers=headers)
        self.drain()
        return response

    def drain(self) -> None:
        """Wait for the background work (answers, card updates) to finish."""
        assert self.client.portal is not None
        self.client.portal.call(self.bot.drain)

    def event(self, event: dict[str, Any], event_id: str = "Ev001") -> httpx.Response:
        return self.post(event_body(event, event_id))

    def mention(
        self, text: str, user: str = "UALICE", ts: str = "1700000000.000001"
    ) -> httpx.Response:
        return self.event(
            {
                "type": "app_mention",
                "user": user,
                "text": f"<@UBOT> {text}",
                "channel": "C001",
                "ts": ts,
            },
            event_id=f"Ev-{ts}",
        )

    def command(self, text: str, user: str = "UALICE", channel: str = "C001") -> httpx.Response:
        body = form_body(
            {
                "token": "unused",
                "team_id": "T001",
                "channel_id": channel,
                "user_id": user,
                "command": "/stockpilot",
                "text": text,
                "response_url": self.fake.response_url,
                "trigger_id": "trigger-1",
                "api_app_id": "A001",
            }
        )
        return self.post(body, kind="form")

    def click(
        self, user: str, action_id: str, value: str, ts: str = "1700000000.000002"
    ) -> httpx.Response:
        return self.post(block_action_body(user, action_id, value, ts=ts), kind="form")

    def submit(self, user: str, view: dict[str, Any], values: dict[str, Any]) -> httpx.Response:
        return self.post(view_submission_body(user, view, values), kind="form")

    def cards(self) -> list[dict[str, Any]]:
        """Return the posted messages that are approval cards (they have decision buttons)."""
        return [m for m in self.fake.calls("chat.postMessage") if button_values(m.get("blocks"))]


def button_values(blocks: Any) -> dict[str, str]:
    """Return action_id → value of the buttons in `blocks`."""
    out: dict[str, str] = {}
    for block in blocks or []:
        if block.get("type") == "actions":
            for element in block["elements"]:
                out[element["action_id"]] = element["value"]
    return out


def block_text(blocks: Any) -> str:
    """Return all the text of `blocks`, joined."""
    return json.dumps(blocks, ensure_ascii=False)


@pytest.fixture
def fake_slack() -> Iterator[FakeSlack]:
    with FakeSlack() as fake:
        yield fake


@pytest.fixture
def identities_file(tmp_path: Path) -> Path:
    path = tmp_path / "identities.yaml"
    path.write_text(IDENTITIES)
    return path


@pytest.fixture
def api_env(tmp_path: Path, fake_slack: FakeSlack, identities_file: Path) -> Iterator[ApiEnv]:
    env = ApiEnv(
        tmp_path,
        slack_signing_secret=SECRET,
        slack_bot_token=BOT_TOKEN,
        slack_api_url=fake_slack.api_url,
        identities_file=identities_file,
    )
    yield env
    env.close()


@pytest.fixture
def slack_env(api_env: ApiEnv, fake_slack: FakeSlack) -> SlackHarness:
    return SlackHarness(api_env, api_env.client(raise_server_exceptions=False), fake_slack)
