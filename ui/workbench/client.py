"""A small typed HTTP client over the StockPilot API: the workbench's only way to the data.

Every failure becomes an `ApiError` with a message a planner can act on: the API is down
(`ApiUnavailable`), the token is unknown (`Unauthorized`, 401), the role may not do that
(`Forbidden`, 403), the thing changed meanwhile (`Conflict`, 409), or any other 4xx/5xx with the
API's `{"error": {"code", "message", "field"}}`.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

import httpx

DEFAULT_TIMEOUT_S = 30.0
# A copilot turn (or a decision that commits to the ERP) can take a while on a cold plan.
TURN_TIMEOUT_S = 120.0


class ApiError(RuntimeError):
    """The API refused a request or could not be reached."""

    def __init__(
        self,
        message: str,
        *,
        status: int = 0,
        code: str = "error",
        field: str | None = None,
        body: dict[str, Any] | None = None,
    ):
        super().__init__(message)
        self.message = message
        self.status = status
        self.code = code
        self.field = field
        self.body = body or {}

    def __str__(self) -> str:
        where = f" (field: {self.field})" if self.field else ""
        prefix = f"{self.status} {self.code}: " if self.status else ""
        return f"{prefix}{self.message}{where}"


class ApiUnavailable(ApiError):
    """The API did not answer (not running, wrong URL, timed out)."""


class Unauthorized(ApiError):
    """401: the token is missing or unknown."""


class Forbidden(ApiError):
    """403: the signed-in user's role may not do this."""


class Conflict(ApiError):
    """409: the approval is no longer pending, or its interrupt id is stale."""


@dataclass(frozen=True)
class SseEvent:
    """One Server-Sent Event of a streamed turn: token, tool, pending, done or error."""

    event: str
    data: Any


@dataclass
class BulkResult:
    """What happened to one proposal of a bulk approval."""

    proposal_id: str
    thread_id: str
    outcome: str  # committed, refused, rejected, failed, conflict, error, ...
    document_id: str | None = None
    message: str = ""
    detail: dict[str, Any] = field(default_factory=dict)


def _error(response: httpx.Response) -> ApiError:
    """Build the ApiError for a non-2xx response."""
    try:
        body = response.json()
    except ValueError:
        body = {}
    err = body.get("error") if isinstance(body, dict) else None
    err = err if isinstance(err, dict) else {}
    message = str(err.get("message") or response.reason_phrase or "request failed")
    code = str(err.get("code") or "error")
    kind: type[ApiError] = {401: Unauthorized, 403: Forbidden, 409: Conflict}.get(
        response.status_code, ApiError
    )
    if response.status_code == 401:
        message = f"not signed in: {message} (check STOCKPILOT_UI_API_TOKEN)"
    return kind(
        message,
        status=response.status_code,
        code=code,
        field=err.get("field"),
        body=body if isinstance(body, dict) else {},
    )


def _params(**values: Any) -> dict[str, Any]:
    """Drop unset query parameters (None and empty strings)."""
    return {k: v for k, v in values.items() if v is not None and v != ""}


class WorkbenchClient:
    """The StockPilot API as the signed-in user (bearer token) sees it."""

    def __init__(
        self,
        base_url: str,
        token: str | None,
        *,
        timeout: float = DEFAULT_TIMEOUT_S,
        transport: httpx.BaseTransport | None = None,
    ):
        self.base_url = base_url.rstrip("/")
        headers = {"Accept": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        self._http = httpx.Client(
            base_url=self.base_url, headers=headers, timeout=timeout, transport=transport
        )

    def close(self) -> None:
        """Close the connection pool."""
        self._http.close()

    def __enter__(self) -> WorkbenchClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _unreachable(self, exc: Exception) -> ApiUnavailable:
        return ApiUnavailable(
            f"the StockPilot API at {self.base_url} is not reachable ({type(exc).__name__}); "
            "start it with `make run` or `stockpilot serve`, or set STOCKPILOT_UI_API_URL"
        )

    def request(self, method: str, path: str, **kwargs: Any) -> Any:
        """Send a request and return the decoded JSON body (raise ApiError otherwise)."""
        try:
            response = self._http.request(method, path, **kwargs)
        except httpx.TransportError as exc:
            raise self._unreachable(exc) from exc
        if response.status_code >= 400:
            raise _error(response)
        return response.json()

    # -- operations ---------------------------------------------------------------------------

    def health(self) -> dict[str, Any]:
        """Return /healthz (no token needed)."""
        result: dict[str, Any] = self.request("GET", "/healthz", timeout=3.0)
        return result

    def me(self) -> dict[str, Any]:
        """Return the signed-in caller: user, role, permissions and approval authority."""
        result: dict[str, Any] = self.request("GET", "/v1/me")
        return result

    # -- threads --------------------------------------------------------------------------------

    def threads(self, *, scope: str = "mine", limit: int = 50) -> list[dict[str, Any]]:
        """Return the thread list, newest first."""
        body = self.request("GET", "/v1/threads", params={"scope": scope, "limit": limit})
        return list(body["items"])

    def thread(self, thread_id: str) -> dict[str, Any]:
        """Return a thread: messages, pending approvals, committed documents, last outcomes."""
        result: dict[str, Any] = self.request("GET", f"/v1/threads/{quote(thread_id, safe='')}")
        return result

    def new_thread(self) -> str:
        """Start an empty thread and return its id."""
        return str(self.request("POST", "/v1/threads", json={})["thread_id"])

    def send(self, thread_id: str, content: str) -> dict[str, Any]:
        """Send a planner message and return the finished turn (no streaming)."""
        result: dict[str, Any] = self.request(
            "POST",
            f"/v1/threads/{quote(thread_id, safe='')}/messages",
            json={"content": content},
            timeout=TURN_TIMEOUT_S,
        )
        return result

    def stream(self, thread_id: str, content: str) -> Iterator[SseEvent]:
        """Send a planner message and yield the turn's events as they arrive.

        The last event is `done` (the turn) or `error` ({code, message}).
        """
        path = f"/v1/threads/{quote(thread_id, safe='')}/messages"
        headers = {"Accept": "text/event-stream"}
        try:
            with self._http.stream(
                "POST", path, json={"content": content}, headers=headers, timeout=TURN_TIMEOUT_S
            ) as response:
                if response.status_code >= 400:
                    response.read()
                    raise _error(response)
                yield from _parse_sse(response.iter_lines())
        except httpx.TransportError as exc:
            raise self._unreachable(exc) from exc

    # -- approvals ------------------------------------------------------------------------------

    def inbox(
        self,
        *,
        kind: str | None = None,
        location: str | None = None,
        min_value: float | None = None,
        max_value: float | None = None,
        decidable: bool = False,
        limit: int = 200,
    ) -> list[dict[str, Any]]:
        """Return the pending approvals (oldest first), filtered."""
        params = _params(
            kind=kind,
            location=location,
            min_value=min_value,
            max_value=max_value,
            decidable=str(decidable).lower(),
            limit=limit,
        )
        return list(self.request("GET", "/v1/approvals", params=params)["items"])

    def decide(
        self,
        thread_id: str,
        interrupt_id: str,
        decision: str,
        *,
        proposal_id: str | None = None,
        qty: int | None = None,
        message: str | None = None,
    ) -> dict[str, Any]:
        """Decide a pending approval; return the turn with per-proposal outcomes."""
        body = _params(decision=decision, proposal_id=proposal_id, qty=qty, message=message)
        result: dict[str, Any] = self.request(
            "POST",
            f"/v1/approvals/{quote(thread_id, safe='')}/{quote(interrupt_id, safe='')}",
            json=body,
            timeout=TURN_TIMEOUT_S,
        )
        return result

    def approve_many(self, items: list[dict[str, Any]]) -> list[BulkResult]:
        """Approve each inbox item with its own API call; report what happened to each.

        Deciding one proposal of a thread moves the thread's other proposals to a new interrupt
        id; a 409 that names the proposal as still pending is retried once with the new id.
        """
        results = []
        for item in items:
            pid, thread = str(item["proposal_id"]), str(item["thread_id"])
            interrupt = str(item["interrupt_id"])
            for attempt in range(2):
                try:
                    turn = self.decide(thread, interrupt, "approve", proposal_id=pid)
                except Conflict as exc:
                    pending = (exc.body.get("error") or {}).get("pending") or []
                    fresh = [p for p in pending if p.get("proposal_id") == pid]
                    if attempt == 0 and fresh and fresh[0]["interrupt_id"] != interrupt:
                        interrupt = str(fresh[0]["interrupt_id"])
                        continue
                    results.append(BulkResult(pid, thread, "conflict", message=exc.message))
                except ApiError as exc:
                    results.append(BulkResult(pid, thread, "error", message=str(exc)))
                else:
                    results.append(_bulk_result(pid, thread, turn))
                break
        return results

    # -- reads ----------------------------------------------------------------------------------

    def exceptions(
        self,
        *,
        type: str | None = None,
        location: str | None = None,
        category: str | None = None,
        min_money: float | None = None,
        limit: int = 200,
        offset: int = 0,
    ) -> dict[str, Any]:
        """Return a page of today's ranked exceptions with the totals by type."""
        params = _params(
            type=type,
            location=location,
            category=category,
            min_money=min_money,
            limit=limit,
            offset=offset,
        )
        result: dict[str, Any] = self.request("GET", "/v1/exceptions", params=params)
        return result

    def proposal(self, proposal_id: str) -> dict[str, Any]:
        """Return one proposal with its evidence."""
        result: dict[str, Any] = self.request("GET", f"/v1/proposals/{quote(proposal_id, safe='')}")
        return result

    def projection(
        self,
        sku: str,
        location: str,
        *,
        proposal_id: str | None = None,
        history_days: int = 56,
    ) -> dict[str, Any]:
        """Return the drill-down data of one SKU-location (and after a proposal)."""
        path = f"/v1/skus/{quote(sku, safe='')}/locations/{quote(location, safe='')}/projection"
        params = _params(proposal_id=proposal_id, history_days=history_days)
        result: dict[str, Any] = self.request("GET", path, params=params)
        return result

    def audit(
        self,
        *,
        thread_id: str | None = None,
        proposal_id: str | None = None,
        limit: int = 100,
    ) -> list[dict[str, Any]]:
        """Return the newest audit entries (oldest first)."""
        params = _params(thread_id=thread_id, proposal_id=proposal_id, limit=limit)
        return list(self.request("GET", "/v1/audit", params=params)["items"])

    def verify_audit(self) -> dict[str, Any]:
        """Return whether the audit chain is intact."""
        result: dict[str, Any] = self.request("GET", "/v1/audit/verify")
        return result


def _bulk_result(pid: str, thread: str, turn: dict[str, Any]) -> BulkResult:
    mine = [o for o in turn.get("outcomes", []) if o.get("proposal_id") == pid]
    if not mine:
        return BulkResult(pid, thread, "unknown", message="the API reported no outcome")
    o = mine[-1]
    return BulkResult(
        pid,
        thread,
        str(o.get("outcome", "unknown")),
        document_id=o.get("document_id"),
        message=str(o.get("message") or ""),
        detail=o,
    )


def _parse_sse(lines: Iterator[str]) -> Iterator[SseEvent]:
    """Decode Server-Sent Events (`event:` / `data:` lines, a blank line ends one)."""
    event, data = "message", list[str]()
    for line in lines:
        if not line:
            if data:
                text = "\n".join(data)
                try:
                    payload: Any = json.loads(text)
                except ValueError:
                    payload = text
                yield SseEvent(event, payload)
            event, data = "message", list[str]()
            continue
        if line.startswith(":"):
            continue  # a comment (keep-alive ping)
        name, _, value = line.partition(":")
        value = value[1:] if value.startswith(" ") else value
        if name == "event":
            event = value
        elif name == "data":
            data.append(value)
    if data:
        yield SseEvent(event, json.loads("\n".join(data)))
