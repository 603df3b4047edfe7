"""Turn every failure into a JSON error with a clear message (and the offending field)."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from erp.connector import ErpUnavailableError
from graph.service import NotWaitingError, StaleInterruptError
from stockpilot.asking import InvalidAsk
from tools.errors import NotFoundError

log = logging.getLogger("stockpilot.api")


def error_body(code: str, message: str, field: str | None = None, **extra: Any) -> dict[str, Any]:
    """Return the JSON error envelope every endpoint uses."""
    error: dict[str, Any] = {"code": code, "message": message}
    if field:
        error["field"] = field
    error.update(extra)
    return {"error": error}


def _field(loc: Any) -> str:
    return ".".join(str(p) for p in loc)


def install_error_handlers(app: FastAPI) -> None:
    """Register the handlers on `app`."""

    @app.exception_handler(RequestValidationError)
    async def _invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        errors = exc.errors()
        first = errors[0] if errors else {"loc": (), "msg": "invalid request"}
        field = _field(first.get("loc", ()))
        problems = [
            {"field": _field(e.get("loc", ())), "message": e.get("msg", "")} for e in errors
        ]
        return JSONResponse(
            error_body("invalid_request", f"{field}: {first.get('msg')}", field, problems=problems),
            status_code=422,
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        detail = exc.detail
        body = detail if isinstance(detail, dict) and "error" in detail else None
        if body is None:
            body = error_body(_code(exc.status_code), str(detail))
        return JSONResponse(body, status_code=exc.status_code, headers=exc.headers)

    @app.exception_handler(InvalidAsk)
    async def _invalid_ask(_: Request, exc: InvalidAsk) -> JSONResponse:
        # The schema states the same limits; this answers a path that reaches the service.
        return JSONResponse(error_body("invalid_request", str(exc), exc.field), status_code=422)

    @app.exception_handler(NotFoundError)
    async def _not_found(_: Request, exc: NotFoundError) -> JSONResponse:
        return JSONResponse(error_body("not_found", str(exc)), status_code=404)

    @app.exception_handler(NotWaitingError)
    async def _not_waiting(_: Request, exc: NotWaitingError) -> JSONResponse:
        return JSONResponse(error_body("not_pending", str(exc)), status_code=409)

    @app.exception_handler(StaleInterruptError)
    async def _stale(_: Request, exc: StaleInterruptError) -> JSONResponse:
        return JSONResponse(error_body("stale_interrupt", str(exc)), status_code=409)

    @app.exception_handler(ErpUnavailableError)
    async def _erp_down(_: Request, exc: ErpUnavailableError) -> JSONResponse:
        message = (
            f"{exc}. Nothing was written to the ERP; an approved proposal stays approved and "
            "recovery writes it once the ERP answers."
        )
        return JSONResponse(
            error_body("erp_unavailable", message), status_code=503, headers={"Retry-After": "30"}
        )

    @app.exception_handler(PermissionError)
    async def _forbidden(_: Request, exc: PermissionError) -> JSONResponse:
        return JSONResponse(error_body("forbidden", str(exc)), status_code=403)

    @app.exception_handler(Exception)
    async def _crash(_: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error", exc_info=exc)
        return JSONResponse(
            error_body("internal_error", "internal error; the incident was logged"),
            status_code=500,
        )


def _code(status: int) -> str:
    return {
        400: "bad_request",
        401: "unauthorized",
        403: "forbidden",
        404: "not_found",
        405: "method_not_allowed",
        409: "conflict",
        413: "payload_too_large",
        415: "unsupported_media_type",
        422: "invalid_request",
    }.get(status, "error")
