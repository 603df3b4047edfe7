"""`POST /api/messages` through the Bot Framework CloudAdapter: replies reach a fake connector on
localhost, card updates replace the card, and JWT validation refuses forged activities."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from fastapi.testclient import TestClient
from jwt.algorithms import RSAAlgorithm

from tests.api.copilot_app import ApiEnv, auth, draft_transfer
from tests.graph.conftest import erp_documents
from tests.support.fake_connector import FakeConnector
from tests.ui.teams.conftest import ALICE, BOB
from ui.approvals import CardRef
from ui.server import create_served_app
from ui.teams.bot import thread_id_for
from ui.teams.routes import TEAMS_PATH

APP_ID = "11111111-2222-4333-8444-555555555555"


@pytest.fixture
def connector() -> Iterator[FakeConnector]:
    with FakeConnector() as fake:
        yield fake


def _activity(connector: FakeConnector, **fields: Any) -> dict[str, Any]:
    activity = {
        "type": "message",
        "id": "incoming-1",
        "channelId": "msteams",
        "serviceUrl": connector.url,
        "conversation": {"id": "19:abc@thread.v2;messageid=1"},
        "from": {"id": "29:alice", "aadObjectId": ALICE},
        "recipient": {"id": "28:stockpilot"},
        "text": "hello",
    }
    activity.update(fields)
    return activity


@pytest.fixture
def client(api_env: ApiEnv) -> TestClient:
    return api_env.client(raise_server_exceptions=False)


def test_a_message_through_the_adapter_is_answered_at_the_service_url(
    client: TestClient, api_env: ApiEnv, connector: FakeConnector
) -> None:
    api_env.script.turns.append(draft_transfer(20))
    response = client.post(TEAMS_PATH, json=_activity(connector, text="move 20 A to S1"))
    assert response.status_code == 201
    answer, card = connector.sent
    paths = [r["path"] for r in connector.requests]
    assert paths[0] == [
        "v3",
        "conversations",
        "19:abc@thread.v2;messageid=1",
        "activities",
        "incoming-1",
    ]
    assert answer["type"] == "message" and answer["replyToId"] == "incoming-1" and answer["text"]
    content = card["attachments"][0]["content"]
    assert {a["data"]["decision"] for a in content["actions"]} == {
        "approve",
        "edit",
        "reject",
        "respond",
    }
    assert connector.requests[0]["auth"] is None  # no app id: no credentials either

    # Unauthenticated (no app id): anyone could claim to be bob, so a card decision is refused.
    connector.clear()
    approve = next(a["data"] for a in content["actions"] if a["data"]["decision"] == "approve")
    submit = _activity(
        connector,
        id="incoming-2",
        text=None,
        value=approve,
        replyToId="activity-2",
        **{"from": {"id": "29:bob", "aadObjectId": BOB}},
    )
    assert client.post(TEAMS_PATH, json=submit).status_code == 201
    (refusal,) = connector.sent
    assert "cannot decide approvals; nothing was changed" in refusal["text"]
    assert connector.updated == [] and erp_documents(api_env.workspace)["ledger"] == 0
    assert client.get("/v1/approvals", headers=auth("bob")).json()["count"] == 1


def test_teams_is_not_mounted_unauthenticated_when_api_tokens_are_configured(
    tmp_path: Path, identities_file: Path
) -> None:
    env = ApiEnv(tmp_path, identities_file=identities_file)
    try:
        settings = env.settings.model_copy(
            update={"api_tokens": {"a-long-development-token-01": "bob"}}
        )
        app = create_served_app(settings, copilot=env.copilot())
        assert TEAMS_PATH not in {getattr(r, "path", None) for r in app.routes}
    finally:
        env.close()


def test_bad_bodies_get_4xx(client: TestClient) -> None:
    assert (
        client.post(TEAMS_PATH, content="hi", headers={"content-type": "text/plain"}).status_code
        == 415
    )
    assert (
        client.post(
            TEAMS_PATH, content="{nope", headers={"content-type": "application/json"}
        ).status_code
        == 400
    )
    assert client.post(TEAMS_PATH, json=[1, 2]).status_code == 400
    assert client.post(TEAMS_PATH, json={"text": "no type"}).status_code == 400
    # An activity nobody could answer (no conversation, sender or service URL): 400, not 500.
    for partial in ({"type": "message"}, {"type": "invoke", "value": "x"}):
        response = client.post(TEAMS_PATH, json=partial)
        assert response.status_code == 400, response.text


@pytest.fixture
def secured(
    tmp_path: Path, identities_file: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[TestClient, Any]]:
    """An app with a Teams app id, and Bot Framework signing keys served locally (no network)."""
    from botframework.connector.auth import jwt_token_extractor as extractor

    channel_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    jwk = json.loads(RSAAlgorithm.to_jwk(channel_key.public_key()))
    jwk.update(kid="channel-key", endorsements=["msteams"])

    async def refresh(self: Any) -> None:  # what login.botframework.com would publish
        self.keys, self.last_updated = [jwk], datetime.now()

    monkeypatch.setattr(extractor.JwtTokenExtractor, "metadataCache", {})
    monkeypatch.setattr(extractor._OpenIdMetadata, "_refresh", refresh)
    env = ApiEnv(
        tmp_path,
        identities_file=identities_file,
        teams_app_id=APP_ID,
        teams_app_password="secret-password",
    )
    yield env.client(raise_server_exceptions=False), channel_key
    env.close()


def _token(key: Any, service_url: str, **claims: Any) -> str:
    payload = {
        "iss": "https://api.botframework.com",
        "aud": APP_ID,
        "serviceurl": service_url,
        "nbf": int(time.time()) - 60,
        "exp": int(time.time()) + 600,
        **claims,
    }
    return jwt.encode(payload, key, algorithm="RS256", headers={"kid": "channel-key"})


def test_with_an_app_id_activities_without_a_valid_token_are_refused(
    secured: tuple[TestClient, Any], connector: FakeConnector
) -> None:
    client, channel_key = secured
    forger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    body = _activity(connector)
    for headers in (
        {},
        {"Authorization": "Bearer garbage"},
        {"Authorization": "Basic dXNlcjpwYXNz"},
        {"Authorization": f"Bearer {_token(forger, connector.url)}"},  # signed with another key
        {"Authorization": f"Bearer {_token(channel_key, connector.url, aud='another-app')}"},
        {
            "Authorization": f"Bearer {_token(channel_key, connector.url, exp=int(time.time()) - 3600)}"
        },
        {
            "Authorization": f"Bearer {_token(channel_key, 'https://evil.example/')}"
        },  # other serviceUrl
    ):
        response = client.post(TEAMS_PATH, json=body, headers=headers)
        assert response.status_code == 401, headers
        assert response.json()["error"]["code"] == "unauthorized"
    assert connector.requests == []
    assert not client.app.state.copilot.has_thread(thread_id_for(body["conversation"]["id"]))  # type: ignore[attr-defined]


def test_with_an_app_id_a_signed_approval_commits_once_and_updates_the_card(
    secured: tuple[TestClient, Any],
    connector: FakeConnector,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from botframework.connector.auth import MicrosoftAppCredentials

    # Outbound replies need an Entra ID token; offline, the credential returns a fixed one.
    monkeypatch.setattr(MicrosoftAppCredentials, "get_access_token", lambda *_a, **_k: "out-tok")
    client, channel_key = secured
    env_script = client.app.state.copilot.context.model.respond  # type: ignore[attr-defined]
    env_script.turns.append(draft_transfer(20))
    headers = {"Authorization": f"Bearer {_token(channel_key, connector.url)}"}
    asked = client.post(TEAMS_PATH, json=_activity(connector, text="move 20 A"), headers=headers)
    assert asked.status_code == 201
    _answer, card = connector.sent
    content = card["attachments"][0]["content"]
    approve = next(a["data"] for a in content["actions"] if a["data"]["decision"] == "approve")
    submit = _activity(
        connector,
        id="incoming-2",
        text=None,
        value=approve,
        replyToId="activity-2",
        **{"from": {"id": "29:bob", "aadObjectId": BOB}},
    )
    connector.clear()
    assert client.post(TEAMS_PATH, json=submit, headers=headers).status_code == 201
    (update,) = connector.updated
    assert "committed as" in json.dumps(update["attachments"][0]["content"])
    assert connector.requests[0]["auth"] == "Bearer out-tok"
    ws = client.app.state.workspace  # type: ignore[attr-defined]
    assert erp_documents(ws)["ledger"] == 1
    # The same signed submission again (a retry or a second click) commits nothing more.
    connector.clear()
    assert client.post(TEAMS_PATH, json=submit, headers=headers).status_code == 201
    assert erp_documents(ws)["ledger"] == 1
    assert "out of date" in json.dumps(connector.updated[0]["attachments"][0]["content"])
    ref = CardRef.from_dict(approve)
    assert ref is not None and ref.thread_id == thread_id_for("19:abc@thread.v2;messageid=1")


def test_with_an_app_id_a_validly_signed_activity_is_accepted(
    secured: tuple[TestClient, Any], connector: FakeConnector
) -> None:
    client, channel_key = secured
    # A conversation update needs no reply, so no outbound token is fetched (that needs Entra ID).
    body = _activity(connector, type="conversationUpdate", text=None)
    headers = {"Authorization": f"Bearer {_token(channel_key, connector.url)}"}
    assert client.post(TEAMS_PATH, json=body, headers=headers).status_code == 201


def test_teams_is_mounted_outside_development_only_with_an_app_id(
    tmp_path: Path, identities_file: Path
) -> None:
    tokens = {"a-long-production-token-0001": "bob"}
    env = ApiEnv(tmp_path, identities_file=identities_file)
    try:
        base = env.settings.model_dump()
        for app_id, mounted in ((None, False), (APP_ID, True)):
            settings = type(env.settings)(
                **{
                    **base,
                    "environment": "production",
                    "secret_key": "x" * 32,
                    "api_tokens": tokens,
                    "teams_app_id": app_id,
                }
            )
            app = create_served_app(settings, copilot=env.copilot())
            assert (TEAMS_PATH in {getattr(r, "path", None) for r in app.routes}) is mounted
    finally:
        env.close()
