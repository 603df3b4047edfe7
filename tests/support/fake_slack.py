"""A fake Slack Web API on localhost: records calls and answers like Slack.

    with FakeSlack() as slack:
        settings = Settings(..., slack_api_url=slack.api_url)
        ...
        slack.calls("chat.postMessage")  # -> list of payload dicts, in order

It serves `POST /api/<method>` (JSON or form bodies) for chat.postMessage, chat.update,
chat.postEphemeral and views.open, and `POST /response/<id>` as a slash command's response_url.
`fail[method] = "not_in_channel"` makes a method answer `{"ok": false, "error": ...}`.
"""

from __future__ import annotations

import itertools
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs


class FakeSlack:
    """A threaded HTTP server speaking enough of the Slack Web API for the bot's calls."""

    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.fail: dict[str, str] = {}
        self._lock = threading.Lock()
        self._ts = itertools.count(1)
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                raw = self.rfile.read(length).decode()
                if "json" in (self.headers.get("content-type") or ""):
                    payload = json.loads(raw or "{}")
                else:
                    payload = {k: v[0] for k, v in parse_qs(raw).items()}
                    for key in ("blocks", "view"):
                        if isinstance(payload.get(key), str):
                            payload[key] = json.loads(payload[key])
                answer = fake.record(self.path, payload, self.headers.get("authorization"))
                body = json.dumps(answer).encode()
                self.send_response(200)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.api_url = f"http://127.0.0.1:{self.port}/api/"
        self.response_url = f"http://127.0.0.1:{self.port}/response/1"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> FakeSlack:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    def record(self, path: str, payload: dict[str, Any], auth: str | None) -> dict[str, Any]:
        """Store a call and return Slack's answer to it."""
        method = path.removeprefix("/api/") if path.startswith("/api/") else path
        with self._lock:
            self.requests.append({"method": method, "payload": payload, "auth": auth})
            ts = f"1700000000.{next(self._ts):06d}"
        if method in self.fail:
            return {"ok": False, "error": self.fail[method]}
        channel = payload.get("channel")
        if method == "chat.postMessage":
            return {"ok": True, "channel": channel, "ts": ts, "message": {"ts": ts, **payload}}
        if method == "chat.update":
            return {"ok": True, "channel": channel, "ts": payload.get("ts"), "text": ""}
        if method == "chat.postEphemeral":
            return {"ok": True, "message_ts": ts}
        if method == "views.open":
            return {"ok": True, "view": {"id": "V0001", **(payload.get("view") or {})}}
        if method.startswith("/response/"):
            return {"ok": True}
        return {"ok": False, "error": "unknown_method"}

    def calls(self, method: str) -> list[dict[str, Any]]:
        """Return the payloads of every call to `method`, oldest first."""
        with self._lock:
            return [r["payload"] for r in self.requests if r["method"] == method]

    def clear(self) -> None:
        """Forget the calls recorded so far."""
        with self._lock:
            self.requests.clear()


def signed_headers(
    secret: str, body: str, *, timestamp: int | None = None, content_type: str = "json"
) -> dict[str, str]:
    """Return the headers Slack sends with `body`, signed with `secret` at `timestamp`."""
    import time

    from slack_sdk.signature import SignatureVerifier

    ts = str(int(time.time()) if timestamp is None else timestamp)
    return {
        "content-type": "application/json"
        if content_type == "json"
        else "application/x-www-form-urlencoded",
        "x-slack-request-timestamp": ts,
        "x-slack-signature": SignatureVerifier(secret).generate_signature(timestamp=ts, body=body),
    }


def event_body(event: dict[str, Any], event_id: str = "Ev001") -> str:
    """Return an Events API callback body carrying `event`."""
    return json.dumps(
        {
            "token": "unused",
            "team_id": "T001",
            "api_app_id": "A001",
            "type": "event_callback",
            "event_id": event_id,
            "event_time": 1700000000,
            "event": event,
        }
    )


def form_body(fields: dict[str, str]) -> str:
    """Return a form-encoded body (slash commands, and interactivity's `payload=`)."""
    from urllib.parse import urlencode

    return urlencode(fields)


def block_action_body(
    user: str, action_id: str, value: str, *, channel: str = "C001", ts: str = "1700000000.000002"
) -> str:
    """Return the interactivity body of a click on a card button in `channel` at `ts`."""
    payload = {
        "type": "block_actions",
        "team": {"id": "T001"},
        "user": {"id": user},
        "api_app_id": "A001",
        "trigger_id": "trigger-1",
        "container": {"type": "message", "channel_id": channel, "message_ts": ts},
        "channel": {"id": channel},
        "message": {"ts": ts, "thread_ts": "1700000000.000001"},
        "response_url": "http://127.0.0.1:1/unused",
        "actions": [{"type": "button", "action_id": action_id, "value": value}],
    }
    return form_body({"payload": json.dumps(payload)})


def view_submission_body(user: str, view: dict[str, Any], values: dict[str, Any]) -> str:
    """Return the interactivity body of a submitted modal (`values`: block → action → value)."""
    payload = {
        "type": "view_submission",
        "team": {"id": "T001"},
        "user": {"id": user},
        "api_app_id": "A001",
        "view": {**view, "id": "V0001", "state": {"values": values}},
    }
    return form_body({"payload": json.dumps(payload)})
