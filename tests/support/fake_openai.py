"""A local OpenAI-compatible chat server for tests: real HTTP, scripted replies.

`FakeOpenAIServer` serves the two endpoints the copilot's OpenAI path touches, on 127.0.0.1 and
an ephemeral port, from a background thread:

- ``POST /v1/chat/completions``: a ``chat.completion`` JSON body, or, when the request has
  ``"stream": true``, Server-Sent Events: ``chat.completion.chunk`` objects (role first, content
  split into word-sized deltas, tool-call arguments split across several deltas that share the
  call's ``index``), a chunk carrying ``finish_reason``, a usage chunk with empty ``choices`` when
  ``stream_options.include_usage`` was asked for, then ``data: [DONE]``. Streams use chunked
  transfer encoding, so each event reaches the client as it is written.
- ``GET /v1/models``: the configured model names.

What the server answers is decided by a *responder*, ``(request_body) -> Reply``. Use
`script` for a fixed sequence of replies, or `keyword_responder` for a small rule-based model
that drives a tool-calling loop (user message -> tool call -> answer quoting the tool result).

Example::

    with FakeOpenAIServer(script("hello")) as server:
        model = ChatOpenAI(base_url=server.base_url, api_key="x", model="m", max_retries=0)
        assert model.invoke("hi").content == "hello"
        assert server.requests[0]["messages"][0]["content"] == "hi"

Failures are injected with ``Reply(status=500)`` (an HTTP error with an OpenAI-style error
body) or ``Reply(error="...")`` (status 200: an error event in the middle of a stream). A
responder that raises, or a script that runs out, gives a 500 marked ``x-should-retry: false``
and is recorded in `FakeOpenAIServer.errors`. Responders run on the server's handler threads
and must return promptly: leaving the ``with`` block joins those threads (idle keep-alive
connections are cut first, so a client's connection pool never holds it up).
"""

from __future__ import annotations

import contextlib
import itertools
import json
import re
import socket
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any

HOST = "127.0.0.1"
ARGUMENT_PIECES = 3
"""How many deltas a streamed tool call's JSON arguments are split into (at most)."""


@dataclass(frozen=True)
class Reply:
    """One scripted answer: text and/or tool calls, or a failure.

    ``tool_calls`` items are ``{"name": str, "arguments": dict, "id": str (optional)}``.
    ``status`` >= 400 answers with that HTTP status and an OpenAI-style error body carrying
    ``error`` (or the status phrase). ``error`` with status 200 fails a *streamed* answer
    mid-stream (after the content deltas); a non-streamed request gets a 500 instead.
    """

    content: str = ""
    tool_calls: list[dict[str, Any]] = field(default_factory=list)
    status: int = 200
    error: str | None = None

    def __post_init__(self) -> None:
        for call in self.tool_calls:
            if not isinstance(call.get("name"), str) or not isinstance(
                call.get("arguments", {}), dict
            ):
                raise ValueError(f"tool call needs a str 'name' and dict 'arguments': {call!r}")


Responder = Callable[[dict[str, Any]], Reply]


class ScriptExhaustedError(AssertionError):
    """The server got more requests than the script had replies."""


def script(*replies: Reply | str) -> Responder:
    """Return a responder giving ``replies`` in order (a str is a plain text reply)."""
    queue = [Reply(content=r) if isinstance(r, str) else r for r in replies]
    lock = threading.Lock()
    served = itertools.count()

    def respond(body: dict[str, Any]) -> Reply:
        with lock:
            index = next(served)
        if index >= len(queue):
            raise ScriptExhaustedError(
                f"request {index + 1} but the script has only {len(queue)} replies"
            )
        return queue[index]

    return respond


def message_text(message: Mapping[str, Any]) -> str:
    """Return a request message's text, joining content parts when content is a list."""
    content = message.get("content")
    if content is None:
        return ""
    if isinstance(content, str):
        return content
    parts = []
    for part in content:
        if isinstance(part, str):
            parts.append(part)
        elif isinstance(part, Mapping) and isinstance(part.get("text"), str):
            parts.append(part["text"])
    return "".join(parts)


def offered_tools(body: Mapping[str, Any]) -> list[str]:
    """Return the names of the function tools a request offers, in order."""
    return [
        tool["function"]["name"]
        for tool in body.get("tools") or []
        if tool.get("type") == "function" and "function" in tool
    ]


def tool_name_for(body: Mapping[str, Any], tool_call_id: str) -> str:
    """Return the name of the earlier assistant tool call with ``tool_call_id`` (or "tool")."""
    for message in body.get("messages", []):
        for call in message.get("tool_calls") or []:
            if call.get("id") == tool_call_id:
                return str(call["function"]["name"])
    return "tool"


def keyword_responder(
    routes: Mapping[str, str | tuple[str, dict[str, Any]]],
    *,
    fallback: str = "I can help with forecasts, inventory and exceptions.",
) -> Responder:
    """Return a rule-based responder for tool-calling loops.

    ``routes`` maps a keyword to a tool name, or to ``(tool name, arguments)``. When the last
    message is the user's, the first route (in mapping order) whose keyword occurs in it
    (case-insensitively) and whose tool the request offers is called. When the last message is
    a tool result, the answer quotes it: ``"<tool> returned: <result>"``. Otherwise the answer
    is ``fallback``.
    """

    def respond(body: dict[str, Any]) -> Reply:
        messages = body.get("messages") or []
        last = messages[-1] if messages else {}
        if last.get("role") == "tool":
            name = tool_name_for(body, str(last.get("tool_call_id", "")))
            return Reply(content=f"{name} returned: {message_text(last)}")
        if last.get("role") == "user":
            text = message_text(last).lower()
            tools = offered_tools(body)
            for keyword, route in routes.items():
                name, arguments = (route, {}) if isinstance(route, str) else route
                if keyword.lower() in text and name in tools:
                    return Reply(tool_calls=[{"name": name, "arguments": dict(arguments)}])
        return Reply(content=fallback)

    return respond


def _words(text: str) -> list[str]:
    """Split ``text`` into word-sized pieces that join back to it exactly."""
    return re.findall(r"\s*\S+\s*|\s+", text) or [text]


def _pieces(text: str, count: int) -> list[str]:
    """Split ``text`` into at most ``count`` non-empty pieces of similar size."""
    size = max(1, -(-len(text) // count))
    return [text[i : i + size] for i in range(0, len(text), size)] or [""]


def _phrase(status: int) -> str:
    """Return the reason phrase for an HTTP status, or a generic one."""
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return f"HTTP {status}"


def _tokens(text: str) -> int:
    """Return a rough token count (words) for usage figures."""
    return len(text.split())


class _Server(ThreadingHTTPServer):
    """A threading HTTP server that tracks its connections so it can close them all."""

    daemon_threads = False  # joined in server_close()
    block_on_close = True
    allow_reuse_address = False

    def __init__(self, owner: FakeOpenAIServer) -> None:
        self.owner = owner
        self.connections: set[socket.socket] = set()
        self.closing = False
        self.guard = threading.Lock()
        super().__init__((HOST, 0), _Handler)

    def track(self, conn: socket.socket) -> None:
        """Register a live connection (or cut it at once when closing)."""
        with self.guard:
            self.connections.add(conn)
            if self.closing:
                _cut(conn)

    def untrack(self, conn: socket.socket) -> None:
        """Forget a finished connection."""
        with self.guard:
            self.connections.discard(conn)

    def cut_all(self) -> None:
        """Shut down every open connection so blocked handler threads return."""
        with self.guard:
            self.closing = True
            for conn in self.connections:
                _cut(conn)


def _cut(conn: socket.socket) -> None:
    with contextlib.suppress(OSError):  # already closed by the peer
        conn.shutdown(socket.SHUT_RDWR)


class _Handler(BaseHTTPRequestHandler):
    """Serve the OpenAI chat endpoints from the owning `FakeOpenAIServer`'s responder."""

    protocol_version = "HTTP/1.1"
    timeout = 10.0  # idle keep-alive connections give up on their own, as a backstop
    server: _Server

    def setup(self) -> None:
        super().setup()
        self.server.track(self.connection)

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            self.server.untrack(self.connection)

    def log_message(self, format: str, *args: Any) -> None:
        """Keep test output quiet."""

    # -- routing ------------------------------------------------------------------------------

    def do_GET(self) -> None:
        if self.path.rstrip("/") == "/v1/models":
            data = [
                {"id": name, "object": "model", "created": 0, "owned_by": "stockpilot-tests"}
                for name in self.server.owner.models
            ]
            self._send_json(200, {"object": "list", "data": data})
        else:
            self._send_error(404, f"no route for GET {self.path}", "not_found_error")

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        if self.path.rstrip("/") != "/v1/chat/completions":
            self._send_error(404, f"no route for POST {self.path}", "not_found_error")
            return
        try:
            body = json.loads(raw or b"null")
            if not isinstance(body, dict):
                raise ValueError("the request body is not a JSON object")
        except ValueError as exc:
            self._send_error(400, f"invalid JSON body: {exc}", "invalid_request_error")
            return
        owner = self.server.owner
        owner._record(body, {k.lower(): v for k, v in self.headers.items()})
        try:
            reply = owner.responder(body)
            if not isinstance(reply, Reply):
                raise TypeError(f"the responder returned {type(reply).__name__}, not Reply")
        except Exception as exc:
            owner._fail(exc)
            self._send_error(500, f"fake server responder failed: {exc!r}", retry=False)
            return
        if reply.status >= 400:
            message = reply.error or _phrase(reply.status)
            self._send_error(reply.status, message)
        elif body.get("stream"):
            self._stream(body, reply)
        elif reply.error:
            self._send_error(500, reply.error)
        else:
            self._send_json(200, owner._completion(body, reply))

    # -- writing ------------------------------------------------------------------------------

    def _send_json(
        self, status: int, payload: Any, headers: Mapping[str, str] | None = None
    ) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(data)

    def _send_error(
        self, status: int, message: str, kind: str = "server_error", *, retry: bool | None = None
    ) -> None:
        if status < 500 and kind == "server_error":
            kind = "invalid_request_error"
        error = {"message": message, "type": kind, "param": None, "code": None}
        headers = {} if retry is None else {"x-should-retry": str(retry).lower()}
        self._send_json(status, {"error": error}, headers)

    def _stream(self, body: dict[str, Any], reply: Reply) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.send_header("Cache-Control", "no-cache")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        try:
            for event in self.server.owner._events(body, reply):
                data = f"data: {event}\n\n".encode()
                self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
            self.wfile.write(b"0\r\n\r\n")
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True


class FakeOpenAIServer:
    """A scripted OpenAI-compatible chat server on 127.0.0.1; use it as a context manager.

    ``base_url`` is ``http://127.0.0.1:PORT/v1``; ``requests`` holds every chat-completions
    request body received (parsed JSON, in arrival order) and ``headers`` their HTTP headers
    (names lower-cased); ``errors`` holds the exceptions raised by the responder. ``responder`` defaults to
    ``keyword_responder({})`` (text answers only).
    """

    def __init__(
        self, responder: Responder | None = None, *, models: Sequence[str] = ("fake-model",)
    ) -> None:
        self.responder: Responder = responder or keyword_responder({})
        self.models = list(models)
        self.requests: list[dict[str, Any]] = []
        self.headers: list[dict[str, str]] = []
        self.errors: list[Exception] = []
        self._lock = threading.Lock()
        self._ids = itertools.count(1)
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle ----------------------------------------------------------------------------

    @property
    def port(self) -> int:
        """Return the port the server listens on (it must be started)."""
        if self._server is None:
            raise RuntimeError("FakeOpenAIServer is not running")
        return int(self._server.server_address[1])

    @property
    def base_url(self) -> str:
        """Return the OpenAI base URL, ``http://127.0.0.1:PORT/v1``."""
        return f"http://{HOST}:{self.port}/v1"

    def start(self) -> FakeOpenAIServer:
        """Bind an ephemeral port on 127.0.0.1 and serve from a background thread."""
        if self._server is not None:
            raise RuntimeError("FakeOpenAIServer is already running")
        self._server = _Server(self)
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"fake-openai:{self.port}",
        )
        self._thread.start()
        return self

    def close(self) -> None:
        """Stop serving, cut open connections and join every server thread."""
        server, thread = self._server, self._thread
        if server is None or thread is None:
            return
        server.shutdown()  # stop accepting; serve_forever returns
        thread.join()
        server.cut_all()  # wake handlers parked on idle keep-alive connections
        server.server_close()  # close the listener and join the handler threads
        self._server = self._thread = None

    def __enter__(self) -> FakeOpenAIServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # -- used by the handler ------------------------------------------------------------------

    def _record(self, body: dict[str, Any], headers: dict[str, str]) -> None:
        with self._lock:
            self.requests.append(body)
            self.headers.append(headers)

    def _fail(self, exc: Exception) -> None:
        with self._lock:
            self.errors.append(exc)

    def _next_id(self) -> int:
        with self._lock:
            return next(self._ids)

    def _tool_calls(self, reply: Reply, serial: int) -> list[dict[str, Any]]:
        return [
            {
                "id": call.get("id") or f"call_{serial}_{index}",
                "type": "function",
                "function": {"name": call["name"], "arguments": json.dumps(call["arguments"])},
            }
            for index, call in enumerate(reply.tool_calls)
        ]

    def _usage(self, body: dict[str, Any], reply: Reply) -> dict[str, int]:
        prompt = sum(_tokens(message_text(m)) for m in body.get("messages") or [])
        completion = _tokens(reply.content) + sum(
            _tokens(json.dumps(c["arguments"])) for c in reply.tool_calls
        )
        return {
            "prompt_tokens": prompt,
            "completion_tokens": completion,
            "total_tokens": prompt + completion,
        }

    def _completion(self, body: dict[str, Any], reply: Reply) -> dict[str, Any]:
        serial = self._next_id()
        message: dict[str, Any] = {
            "role": "assistant",
            "content": reply.content if reply.content or not reply.tool_calls else None,
            "refusal": None,
        }
        if reply.tool_calls:
            message["tool_calls"] = self._tool_calls(reply, serial)
        return {
            "id": f"chatcmpl-fake{serial}",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": body.get("model", "fake-model"),
            "system_fingerprint": "fp_fake",
            "choices": [
                {
                    "index": 0,
                    "message": message,
                    "logprobs": None,
                    "finish_reason": "tool_calls" if reply.tool_calls else "stop",
                }
            ],
            "usage": self._usage(body, reply),
        }

    def _events(self, body: dict[str, Any], reply: Reply) -> Iterator[str]:
        """Yield the SSE ``data`` payloads of a streamed answer, ``[DONE]`` last."""
        serial = self._next_id()
        base = {
            "id": f"chatcmpl-fake{serial}",
            "object": "chat.completion.chunk",
            "created": int(time.time()),
            "model": body.get("model", "fake-model"),
            "system_fingerprint": "fp_fake",
        }

        def chunk(delta: dict[str, Any], finish_reason: str | None = None) -> str:
            choice = {"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish_reason}
            return json.dumps({**base, "choices": [choice]})

        first_content = "" if reply.content or not reply.tool_calls else None
        yield chunk({"role": "assistant", "content": first_content, "refusal": None})
        if reply.content:
            for word in _words(reply.content):
                yield chunk({"content": word})
        if reply.error:
            error = {"message": reply.error, "type": "server_error", "param": None, "code": None}
            yield json.dumps({"error": error})
            return
        for index, call in enumerate(self._tool_calls(reply, serial)):
            function = call["function"]
            yield chunk(
                {
                    "tool_calls": [
                        {
                            "index": index,
                            "id": call["id"],
                            "type": "function",
                            "function": {"name": function["name"], "arguments": ""},
                        }
                    ]
                }
            )
            for piece in _pieces(function["arguments"], ARGUMENT_PIECES):
                yield chunk({"tool_calls": [{"index": index, "function": {"arguments": piece}}]})
        yield chunk({}, "tool_calls" if reply.tool_calls else "stop")
        if (body.get("stream_options") or {}).get("include_usage"):
            yield json.dumps({**base, "choices": [], "usage": self._usage(body, reply)})
        yield "[DONE]"
