"""Authentication and authorization: no anonymous access except health and metrics."""

from __future__ import annotations

import re

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.app import create_app
from api.auth import AuthConfigError
from stockpilot.settings import Settings
from tests.api.conftest import USERS, auth

READS = [
    "/v1/exceptions",
    "/v1/exceptions/promo_uncovered:A@S1",
    "/v1/skus/A/positions",
    "/v1/locations/S1/positions",
    "/v1/forecasts/A/S1?horizon=3",
    "/v1/suppliers",
    "/v1/suppliers/V1",
    "/v1/orders",
    "/v1/proposals",
    "/v1/documents",
    "/v1/audit",
    "/v1/audit/verify",
]


def v1_operations(app: FastAPI) -> list[tuple[str, str]]:
    """Return (method, concrete path) for every /v1 operation in the OpenAPI schema."""
    ops = []
    for path, item in app.openapi()["paths"].items():
        if not path.startswith("/v1/"):
            continue
        concrete = re.sub(r"\{[^}]+\}", "x", path)
        for method in item:
            if method in {"get", "post", "put", "patch", "delete"}:
                ops.append((method.upper(), concrete))
    return ops


def test_schema_lists_the_read_routes(app: FastAPI) -> None:
    paths = set(app.openapi()["paths"])
    for path in (
        "/v1/exceptions",
        "/v1/exceptions/{exception_id}",
        "/v1/skus/{sku}/positions",
        "/v1/locations/{location}/positions",
        "/v1/forecasts/{sku}/{location}",
        "/v1/suppliers",
        "/v1/suppliers/{supplier_id}",
        "/v1/what-if",
        "/v1/orders",
        "/v1/proposals",
        "/v1/proposals/{proposal_id}",
        "/v1/documents",
        "/v1/audit",
        "/v1/audit/verify",
    ):
        assert path in paths


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer nope"},
        {"Authorization": "Bearer "},
        {"Authorization": "Basic ZGV2LWFsaWNlOng="},
        {"Authorization": "Bearer dev-mallory"},
        {"X-API-Key": "dev-nobody"},
    ],
    ids=["none", "unknown", "empty", "basic", "unlisted-user", "bad-key"],
)
def test_every_v1_route_refuses_missing_or_wrong_tokens(
    client: TestClient, app: FastAPI, headers: dict[str, str]
) -> None:
    ops = v1_operations(app)
    assert len(ops) >= 12
    for method, path in ops:
        resp = client.request(method, path, headers=headers)
        assert resp.status_code == 401, (method, path, resp.status_code, resp.text)
        assert resp.json()["error"]["code"] == "unauthorized"
        assert resp.headers["www-authenticate"] == "Bearer"


@pytest.mark.parametrize("user", sorted(USERS))
@pytest.mark.parametrize("path", READS)
def test_every_role_can_read(client: TestClient, user: str, path: str) -> None:
    resp = client.get(path, headers=auth(user))
    assert resp.status_code == 200, (user, path, resp.text)


@pytest.mark.parametrize("user", sorted(USERS))
def test_every_role_can_run_a_what_if(client: TestClient, user: str) -> None:
    resp = client.post("/v1/what-if", json={"sku": "A", "location": "S1"}, headers=auth(user))
    assert resp.status_code == 200


def test_api_key_header_works(client: TestClient) -> None:
    assert client.get("/v1/exceptions", headers={"X-API-Key": "dev-victor"}).status_code == 200


@pytest.mark.parametrize("path", ["/healthz", "/readyz", "/metrics"])
def test_health_and_metrics_are_anonymous(client: TestClient, path: str) -> None:
    assert client.get(path).status_code == 200


def _production(tmp_path, tokens: dict[str, str]) -> Settings:
    return Settings(
        _env_file=None,
        environment="production",
        secret_key="a-real-secret-" + "x" * 32,
        database_url=f"sqlite:///{tmp_path / 'prod.db'}",
        checkpoint_url=f"sqlite:///{tmp_path / 'cp.db'}",
        plan_cache_dir=None,
        api_tokens=tokens,
    )


@pytest.mark.parametrize(
    "tokens",
    [{}, {"dev-alice": "alice"}, {"short": "alice"}, {"x" * 40: "mallory"}],
    ids=["empty", "dev-token", "short-token", "unknown-user"],
)
def test_production_refuses_unsafe_tokens(tmp_path, tokens: dict[str, str]) -> None:
    with pytest.raises(AuthConfigError):
        create_app(_production(tmp_path, tokens))


def test_production_accepts_long_tokens_and_refuses_dev_ones(tmp_path) -> None:
    token = "t0k3n-" + "z" * 40
    app = create_app(_production(tmp_path, {token: "victor"}))
    with TestClient(app, raise_server_exceptions=False) as c:
        ok = c.get("/v1/proposals", headers={"Authorization": f"Bearer {token}"})
        assert ok.status_code == 200
        assert c.get("/v1/proposals", headers=auth("victor")).status_code == 401
