"""Guard request bodies at the ASGI layer: authenticate first, then count bytes as they stream.

A `Content-Length` header can be absent (chunked transfer encoding) or lie, so the cap is
enforced on the bytes actually received: the body is read, up to the cap, before the
application sees it, and a request that goes past the cap gets 413 at once (the rest is never
read). A protected route (`/v1/...`) checks the caller's token before one byte of the body is
read, so an anonymous client cannot make the server buffer anything. Slack and Teams
authenticate by a signature over the body, so they are only capped.
"""

from __future__ import annotations

import json

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.auth import TokenTable, token_of
from api.errors import error_body

PROTECTED_PREFIX = "/v1/"
BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class BodyTooLargeError(Exception):
    """The request body went past the cap while it was being read."""


class ClientGoneError(Exception):
    """The client disconnected before its body was complete."""


class BodyGuard:
    """ASGI middleware: 401 before reading an anonymous body, 413 past `max_bytes` received."""

    def __init__(self, app: ASGIApp, *, max_bytes: int, tokens: TokenTable):
        self.app = app
        self.max_bytes = max_bytes
        self.tokens = tokens

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Check the caller, read the body up to the cap, then hand it to the app whole."""
        if scope["type"] != "http" or scope["method"] not in BODY_METHODS:
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        if scope["path"].startswith(PROTECTED_PREFIX):
            token = token_of(headers.get("authorization", ""), headers.get("x-api-key"))
            if token is None or self.tokens.principal(token) is None:
                await _reply(
                    send,
                    401,
                    "unauthorized",
                    "a valid bearer token or X-API-Key is required",
                    [(b"www-authenticate", b"Bearer")],
                )
                return
        length = headers.get("content-length")
        if length is not None and (not length.isdigit() or int(length) > self.max_bytes):
            await _reply(send, 413, "payload_too_large", self._too_large())
            return
        try:
            body = await self._read(receive)
        except BodyTooLargeError:
            await _reply(send, 413, "payload_too_large", self._too_large())
            return
        except ClientGoneError:
            return  # nobody is left to answer
        await self.app(scope, _replay(body, receive), send)

    async def _read(self, receive: Receive) -> bytes:
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                raise ClientGoneError
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_bytes:
                raise BodyTooLargeError
            chunks.append(chunk)
            if not message.get("more_body", False):
                return b"".join(chunks)

    def _too_large(self) -> str:
        return f"request body over {self.max_bytes} bytes"


def _replay(body: bytes, receive: Receive) -> Receive:
    """Return a `receive` that yields the whole body once, then defers to the server's."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()  # after the body: disconnect notices (SSE streams need them)

    return replay


async def _reply(
    send: Send,
    status: int,
    code: str,
    message: str,
    headers: list[tuple[bytes, bytes]] | None = None,
) -> None:
    data = json.dumps(error_body(code, message)).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(data)).encode()),
                (b"connection", b"close"),
                *(headers or []),
            ],
        }
    )
    await send({"type": "http.response.body", "body": data})
