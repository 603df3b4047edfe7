"""Talk JSON-RPC to a running Tryton server (`trytond`), with clear errors and call timings.

`POST <url>/<database>/rpc/` with `{"id", "method", "params"}`. `common.db.login` returns the
user id and a session key; every later call carries `Authorization: Session base64(login:id:key)`
and, as its last parameter, the user's preferences as context (they hold the company). Dates and
decimals travel as `{"__class__": "date" | "Decimal", ...}` objects.

Every failure becomes one `TrytonError` subclass with a sentence a planner can act on; they are
`ErpUnavailableError`s: nothing was written, and a later retry (recovery) may succeed.
"""

from __future__ import annotations

import base64
import itertools
import json
import threading
import time
from collections import defaultdict
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

import httpx

from erp.connector import ErpUnavailableError


class TrytonError(ErpUnavailableError):
    """Base class of every Tryton failure (nothing was written)."""


class TrytonUnreachableError(TrytonError):
    """The server did not answer (down, wrong URL, timeout)."""


class TrytonAuthError(TrytonError):
    """The user or password was refused, or the user may not call a method."""


class TrytonDatabaseError(TrytonError):
    """The server does not serve the configured database."""


class TrytonUserError(TrytonError):
    """Tryton refused the call with a user error (a closed period, a missing party address...)."""


class TrytonServerError(TrytonError):
    """Tryton failed with an internal error or answered something that is not JSON-RPC."""


def _encode(value: Any) -> Any:
    if isinstance(value, datetime):
        return {
            "__class__": "datetime",
            **{
                k: getattr(value, k)
                for k in ("year", "month", "day", "hour", "minute", "second", "microsecond")
            },
        }
    if isinstance(value, date):
        return {"__class__": "date", "year": value.year, "month": value.month, "day": value.day}
    if isinstance(value, Decimal):
        return {"__class__": "Decimal", "decimal": str(value)}
    if isinstance(value, timedelta):
        return {"__class__": "timedelta", "seconds": value.total_seconds()}
    raise TypeError(f"{type(value).__name__} cannot be sent to Tryton")


def _decode(obj: dict[str, Any]) -> Any:
    kind = obj.get("__class__")
    if kind == "date":
        return date(obj["year"], obj["month"], obj["day"])
    if kind == "datetime":
        return datetime(
            obj["year"],
            obj["month"],
            obj["day"],
            obj["hour"],
            obj["minute"],
            obj["second"],
            obj["microsecond"],
        )
    if kind == "Decimal":
        return Decimal(obj["decimal"])
    if kind == "timedelta":
        return timedelta(seconds=obj["seconds"])
    if kind == "bytes":
        return base64.b64decode(obj["base64"])
    return obj


class TrytonClient:
    """A logged-in JSON-RPC session with one Tryton database (thread-safe)."""

    def __init__(
        self,
        url: str,
        database: str,
        user: str,
        password: str,
        *,
        timeout: float = 30.0,
        transport: httpx.BaseTransport | None = None,
    ):
        self.url = url.rstrip("/")
        self.database = database
        self.user = user
        self._password = password
        self._http = httpx.Client(timeout=timeout, transport=transport)
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self._auth: str | None = None
        self._context: dict[str, Any] | None = None
        self.timings: dict[str, list[float]] = defaultdict(list)

    @property
    def endpoint(self) -> str:
        """Return the JSON-RPC endpoint of the database."""
        return f"{self.url}/{self.database}/rpc/"

    def close(self) -> None:
        """Close the HTTP connections."""
        self._http.close()

    def _post(self, method: str, params: list[Any], *, auth: str | None) -> httpx.Response:
        body = json.dumps(
            {"id": next(self._ids), "method": method, "params": params}, default=_encode
        )
        headers = {"Content-Type": "application/json"}
        if auth:
            headers["Authorization"] = auth
        started = time.perf_counter()
        try:
            response = self._http.post(self.endpoint, content=body, headers=headers)
        except httpx.TimeoutException as exc:
            raise TrytonUnreachableError(
                f"Tryton at {self.url} did not answer {method} in time ({exc.__class__.__name__})"
            ) from exc
        except httpx.HTTPError as exc:
            raise TrytonUnreachableError(
                f"Tryton is not reachable at {self.url} ({exc.__class__.__name__}: {exc}); "
                "is trytond running, and is STOCKPILOT_TRYTON_URL right?"
            ) from exc
        finally:
            self.timings[method].append((time.perf_counter() - started) * 1000)
        return response

    def _result(self, method: str, response: httpx.Response) -> Any:
        if response.status_code == 404:
            raise TrytonDatabaseError(
                f"Tryton at {self.url} has no database {self.database!r} "
                "(check STOCKPILOT_TRYTON_DATABASE; trytond must be started with -d for it)"
            )
        if response.status_code in (401, 403):
            what = "refused the login" if method == "common.db.login" else f"refused {method}"
            raise TrytonAuthError(
                f"Tryton {what} for user {self.user!r} on database {self.database!r} "
                f"(HTTP {response.status_code}); check STOCKPILOT_TRYTON_USER and "
                "STOCKPILOT_TRYTON_PASSWORD and the user's access rights"
            )
        if response.status_code == 429:
            raise TrytonAuthError(f"Tryton is rate-limiting logins for user {self.user!r}")
        if response.status_code >= 400:
            raise TrytonServerError(
                f"Tryton answered HTTP {response.status_code} to {method}: "
                f"{response.text[:200].strip()}"
            )
        try:
            payload = json.loads(response.content, object_hook=_decode)
        except ValueError as exc:
            raise TrytonServerError(f"Tryton answered {method} with something not JSON") from exc
        error = payload.get("error") if isinstance(payload, dict) else None
        if error:
            raise _error(method, error)
        return payload.get("result")

    def login(self) -> None:
        """Open a session and load the user's preferences (the context of every call)."""
        response = self._post(
            "common.db.login", [self.user, {"password": self._password}, "en"], auth=None
        )
        result = self._result("common.db.login", response)
        if not isinstance(result, list) or len(result) < 2:
            raise TrytonAuthError(f"Tryton refused the login for user {self.user!r}")
        user_id, session = result[0], result[1]
        token = base64.b64encode(f"{self.user}:{user_id}:{session}".encode()).decode()
        self._auth = f"Session {token}"
        prefs = self._result(
            "model.res.user.get_preferences",
            self._post("model.res.user.get_preferences", [True, {}], auth=self._auth),
        )
        self._context = dict(prefs or {})

    def context(self) -> dict[str, Any]:
        """Return the session's context (logging in first when needed)."""
        with self._lock:
            if self._auth is None or self._context is None:
                self.login()
            assert self._context is not None
            return dict(self._context)

    def call(self, method: str, *args: Any, context: dict[str, Any] | None = None) -> Any:
        """Call `method` (e.g. `model.purchase.purchase.search_read`) with the session context.

        An expired session is renewed once.
        """
        for attempt in (0, 1):
            ctx = {**self.context(), **(context or {})}
            response = self._post(method, [*args, ctx], auth=self._auth)
            if response.status_code == 401 and attempt == 0:
                with self._lock:
                    self._auth = None  # the session expired: log in again
                continue
            return self._result(method, response)
        raise AssertionError("unreachable")

    def model(
        self, name: str, method: str, *args: Any, context: dict[str, Any] | None = None
    ) -> Any:
        """Call `model.<name>.<method>`."""
        return self.call(f"model.{name}.{method}", *args, context=context)

    def latencies(self) -> dict[str, dict[str, float]]:
        """Return the calls made so far per method: count, median and p95 in milliseconds."""
        out: dict[str, dict[str, float]] = {}
        for method, values in sorted(self.timings.items()):
            ordered = sorted(values)
            out[method] = {
                "calls": len(ordered),
                "median_ms": round(ordered[len(ordered) // 2], 2),
                "p95_ms": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))], 2),
            }
        return out


def _error(method: str, error: Any) -> TrytonError:
    """Turn a JSON-RPC `error` member into the matching exception."""
    if isinstance(error, list) and error and error[0] in ("UserError", "UserWarning"):
        detail = error[1] if len(error) > 1 and isinstance(error[1], list) else []
        if error[0] == "UserWarning":
            detail = detail[1:]  # (name, message, description)
        parts = [str(p) for p in detail[:2] if p]
        return TrytonUserError(f"Tryton refused {method}: " + (" — ".join(parts) or str(error)))
    if isinstance(error, list) and error and error[0] == "ConcurrencyException":
        return TrytonUserError(f"Tryton refused {method}: the record was changed meanwhile")
    if isinstance(error, list) and error and error[0] == "LoginException":
        return TrytonAuthError(f"Tryton asks for more login parameters on {method}: {error}")
    first = error[0] if isinstance(error, list) and error else error
    return TrytonServerError(f"Tryton failed on {method}: {str(first)[:300]}")
