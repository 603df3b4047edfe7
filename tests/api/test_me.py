"""GET /v1/me: who a token belongs to and what the policy lets them do."""

from __future__ import annotations

import pytest

from tests.api.copilot_app import auth


@pytest.mark.parametrize(
    ("user", "role", "permissions", "limit"),
    [
        ("victor", "viewer", ["read"], 0),
        ("alice", "planner", ["chat", "read"], 0),
        ("bob", "approver", ["chat", "decide", "read"], 25_000),
        ("carol", "admin", ["admin", "chat", "decide", "read"], 250_000),
    ],
)
def test_me_names_the_caller_their_role_and_authority(client, user, role, permissions, limit):
    body = client.get("/v1/me", headers=auth(user)).json()
    assert body["user"] == user and body["role"] == role
    assert body["permissions"] == permissions
    assert body["max_order_value"] == limit
    assert body["may_draft"] is (role != "viewer")
    assert body["may_approve"] == (["transfer", "purchase_order"] if limit else [])


def test_me_needs_a_token(client):
    assert client.get("/v1/me").status_code == 401
    assert client.get("/v1/me", headers={"Authorization": "Bearer nope"}).status_code == 401
