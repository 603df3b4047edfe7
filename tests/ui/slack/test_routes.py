"""Mounting the Slack bot: signature and timestamp verification on every request, mount rules."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from tests.api.copilot_app import ApiEnv
from tests.support.fake_slack import block_action_body, event_body, form_body, signed_headers
from tests.ui.slack.conftest import SECRET, SlackHarness
from ui.approvals import CardRef
from ui.server import create_served_app
from ui.slack.routes import SLACK_PATH

MENTION = {
    "type": "app_mention",
    "user": "UALICE",
    "text": "<@UBOT> hi",
    "channel": "C001",
    "ts": "1700000000.000001",
}


def _kinds() -> list[tuple[str, str, str]]:
    ref = CardRef("slack-C001-1700000000.000001", "i-1", "PR-000000000001").encode()
    command = form_body(
        {
            "command": "/stockpilot",
            "text": "exceptions top 5",
            "user_id": "UALICE",
            "channel_id": "C001",
            "team_id": "T001",
        }
    )
    return [
        ("event", event_body(MENTION), "json"),
        ("command", command, "form"),
        ("click", block_action_body("UBOB", "sp_approve", ref), "form"),
    ]


@pytest.mark.parametrize(
    ("name", "body", "kind"),
    _kinds(),
    ids=lambda v: v if v in ("event", "command", "click") else "",
)
def test_wrong_secret_and_stale_timestamps_are_refused_with_401(
    slack_env: SlackHarness, name: str, body: str, kind: str
) -> None:
    for headers in (
        signed_headers("not-the-secret", body, content_type=kind),
        signed_headers(SECRET, body, content_type=kind, timestamp=int(time.time()) - 10 * 60),
        {
            "content-type": "application/json"
            if kind == "json"
            else "application/x-www-form-urlencoded"
        },
        {"content-type": "application/json"},
    ):
        response = slack_env.client.post(SLACK_PATH, content=body, headers=headers)
        slack_env.drain()
        assert response.status_code == 401, name
    assert slack_env.fake.requests == []
    copilot = slack_env.client.app.state.copilot  # type: ignore[attr-defined]
    assert not copilot.has_thread("slack-C001-1700000000.000001")


def test_a_validly_signed_request_is_accepted(slack_env: SlackHarness) -> None:
    response = slack_env.post(event_body(MENTION))
    assert response.status_code == 200
    assert len(slack_env.fake.calls("chat.postMessage")) == 1


def test_a_tampered_body_is_refused(slack_env: SlackHarness) -> None:
    body = event_body(MENTION)
    headers = signed_headers(SECRET, body)
    tampered = body.replace("UALICE", "UCAROL")
    assert slack_env.client.post(SLACK_PATH, content=tampered, headers=headers).status_code == 401


def test_url_verification_answers_the_challenge(slack_env: SlackHarness) -> None:
    body = json.dumps({"type": "url_verification", "challenge": "abc123", "token": "x"})
    response = slack_env.post(body)
    assert response.status_code == 200 and response.json() == {"challenge": "abc123"}


def test_the_route_sits_outside_the_api_token_check(slack_env: SlackHarness) -> None:
    # No bearer token, yet a signed request is served; the API itself still needs one.
    assert slack_env.client.get("/v1/exceptions").status_code == 401
    assert slack_env.post(event_body(MENTION)).status_code == 200
    assert SLACK_PATH not in slack_env.client.get("/openapi.json").text


def test_slack_is_mounted_only_with_a_signing_secret(tmp_path: Path) -> None:
    env = ApiEnv(tmp_path)
    try:
        app = create_served_app(env.settings, copilot=env.copilot())
        assert SLACK_PATH not in {getattr(r, "path", None) for r in app.routes}
    finally:
        env.close()


def test_a_signing_secret_without_a_bot_token_refuses_to_start(tmp_path: Path) -> None:
    env = ApiEnv(tmp_path, slack_signing_secret=SECRET)
    try:
        with pytest.raises(ValueError, match="STOCKPILOT_SLACK_BOT_TOKEN"):
            create_served_app(env.settings, copilot=env.copilot())
    finally:
        env.close()


def test_a_bad_identities_file_refuses_to_start_naming_the_file(tmp_path: Path) -> None:
    bad = tmp_path / "ids.yaml"
    bad.write_text("version: 1\nslack:\n  UZED: zed\n")
    env = ApiEnv(
        tmp_path, slack_signing_secret=SECRET, slack_bot_token="xoxb-x", identities_file=bad
    )
    try:
        with pytest.raises(ValueError, match=r"ids\.yaml: slack\.UZED: unknown user 'zed'"):
            create_served_app(env.settings, copilot=env.copilot())
    finally:
        env.close()


def test_a_signed_body_that_does_not_parse_is_a_400(slack_env: SlackHarness) -> None:
    body = "payload=not-json"
    response = slack_env.client.post(SLACK_PATH, content=body, headers=signed_headers(SECRET, body))
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "bad_request"


@pytest.mark.parametrize("timestamp", ["abc", "", " 1", "1e9", "-5", "9" * 400])
def test_a_malformed_timestamp_is_401_not_500(slack_env: SlackHarness, timestamp: str) -> None:
    body = event_body(MENTION)
    headers = signed_headers(SECRET, body)
    headers["x-slack-request-timestamp"] = timestamp
    response = slack_env.client.post(SLACK_PATH, content=body, headers=headers)
    assert response.status_code == 401, response.text
    assert slack_env.fake.requests == []
