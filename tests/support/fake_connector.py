"""A fake Bot Framework connector (the Teams channel's REST API) on localhost.

    with FakeConnector() as connector:
        activity["serviceUrl"] = connector.url
        ...
        connector.sent      # activities the bot posted (replies), as JSON dicts
        connector.updated   # activities the bot replaced (card updates)

It answers `POST /v3/conversations/{id}/activities[/{replyToId}]` and
`PUT /v3/conversations/{id}/activities/{activityId}` like the channel does (a resource id).
"""

from __future__ import annotations

import itertools
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import unquote


class FakeConnector:
    """A threaded HTTP server recording what a bot sends to its conversations."""

    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        self._ids = itertools.count(1)
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def _answer(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                body = json.loads(self.rfile.read(length) or b"{}")
                parts = [unquote(p) for p in self.path.split("?")[0].strip("/").split("/")]
                with fake._lock:
                    new_id = f"activity-{next(fake._ids)}"
                    fake.requests.append(
                        {
                            "method": self.command,
                            "path": parts,
                            "body": body,
                            "auth": self.headers.get("authorization"),
                        }
                    )
                answer = json.dumps({"id": parts[-1] if self.command == "PUT" else new_id}).encode()
                self.send_response(200)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            do_POST = _answer
            do_PUT = _answer

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> FakeConnector:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    @property
    def sent(self) -> list[dict[str, Any]]:
        """Return the activities posted to conversations (replies and new messages)."""
        with self._lock:
            return [r["body"] for r in self.requests if r["method"] == "POST"]

    @property
    def updated(self) -> list[dict[str, Any]]:
        """Return the activities replaced in place (with the path that named them)."""
        with self._lock:
            return [
                {**r["body"], "_path": r["path"]} for r in self.requests if r["method"] == "PUT"
            ]

    def clear(self) -> None:
        """Forget what was recorded so far."""
        with self._lock:
            self.requests.clear()
