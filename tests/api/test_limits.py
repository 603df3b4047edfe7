"""Request bodies: capped as they stream (chunked too), anonymous /v1 bodies never read.

The TestClient joins a streamed body before the app sees it, so the streaming cases drive the
ASGI app directly with a `receive` that hands over one chunk at a time and counts them.
"""

from __future__ import annotations

import json
from typing import Any

import anyio
from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.api.conftest import auth


class ChunkedClient:
    """Send one chunked POST (no Content-Length) straight to an ASGI app."""

    def __init__(self, chunks: int, size: int = 64_000):
        self.chunks, self.size, self.pulled = chunks, size, 0
        self.status: int | None = None
        self.body = b""

    async def receive(self) -> dict[str, Any]:
        if self.pulled > self.chunks:
            await anyio.sleep(3600)  # the client keeps the connection open
        self.pulled += 1
        last = self.pulled > self.chunks
        return {"type": "http.request", "body": b"x" * self.size, "more_body": not last}

    async def send(self, message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            self.status = message["status"]
        elif message["type"] == "http.response.body":
            self.body += message.get("body", b"")

    def post(self, app: FastAPI, path: str, headers: dict[str, str]) -> ChunkedClient:
        raw = [(k.lower().encode(), v.encode()) for k, v in headers.items()]
        raw.append((b"transfer-encoding", b"chunked"))
        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": "POST",
            "scheme": "http",
            "path": path,
            "raw_path": path.encode(),
            "query_string": b"",
            "root_path": "",
            "headers": raw,
            "client": ("127.0.0.1", 5000),
            "server": ("127.0.0.1", 8000),
            "state": {},
        }

        async def run() -> None:
            with anyio.fail_after(10):
                await app(scope, self.receive, self.send)

        anyio.run(run)
        return self


def test_a_chunked_body_past_the_cap_is_refused_while_streaming(app: FastAPI):
    sent = ChunkedClient(chunks=3_000).post(app, "/v1/threads", auth("alice"))  # 192 MB
    assert sent.status == 413
    assert json.loads(sent.body)["error"]["code"] == "payload_too_large"
    assert sent.pulled == 16  # the default cap is 1 MB: reading stopped at the chunk past it


def test_bot_routes_are_capped_too(app: FastAPI):
    sent = ChunkedClient(chunks=3_000).post(app, "/slack/events", {})
    assert sent.status == 413 and sent.pulled == 16


def test_an_anonymous_body_on_a_protected_route_is_never_read(app: FastAPI):
    sent = ChunkedClient(chunks=3_000).post(app, "/v1/threads", {})
    assert sent.status == 401
    assert json.loads(sent.body)["error"]["code"] == "unauthorized"
    assert sent.pulled == 0
    wrong = ChunkedClient(chunks=3_000).post(app, "/v1/approvals/t/i", auth("nobody"))
    assert wrong.status == 401 and wrong.pulled == 0


def test_a_chunked_body_under_the_cap_reaches_the_route(client: TestClient):
    body = json.dumps({"content": "what needs attention today?"}).encode()
    r = client.post(
        "/v1/threads",
        content=iter([body[:10], body[10:]]),
        headers={**auth("alice"), "Content-Type": "application/json"},
    )
    assert r.status_code == 201, r.text


def test_a_lying_or_large_content_length_is_refused(client: TestClient):
    r = client.post(
        "/v1/threads",
        content=b"{}",
        headers={**auth("alice"), "Content-Length": "5000000", "Content-Type": "application/json"},
    )
    assert r.status_code == 413


def test_anonymous_reads_still_answer_401_and_health_is_open(client: TestClient):
    assert client.get("/v1/exceptions").status_code == 401
    assert client.get("/healthz").status_code == 200
