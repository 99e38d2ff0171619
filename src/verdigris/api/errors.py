"""The one place that turns errors into Copper's error body {success, status, message}."""

from __future__ import annotations

import logging
from typing import cast

import orjson
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from verdigris.errors import RateLimited, Unavailable, Unprocessable, VerdigrisError

log = logging.getLogger("verdigris")

_REASONS = {400: "bad request", 404: "not found", 405: "method not allowed", 413: "too large"}


def error_response(status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    body = {"success": False, "status": status, "message": message}
    return Response(orjson.dumps(body), status, headers, media_type="application/json")


async def _verdigris_error(_request: Request, exc: Exception) -> Response:
    exc = cast(VerdigrisError, exc)  # registered for this type only
    headers = None
    if isinstance(exc, RateLimited | Unavailable):
        headers = {"Retry-After": str(exc.retry_after)}
    if isinstance(exc, Unprocessable) and exc.ids is not None:
        body = {"success": False, "status": 422, "message": exc.message, "ids": exc.ids}
        return Response(orjson.dumps(body), 422, media_type="application/json")
    return error_response(exc.status, exc.message, headers)


async def _http_error(request: Request, exc: Exception) -> Response:
    exc = cast(StarletteHTTPException, exc)
    if exc.status_code == 404:
        message = f"no route {request.method} {request.url.path}"
    elif exc.status_code == 405:
        message = f"method {request.method} not allowed on {request.url.path}"
    else:
        message = str(exc.detail or _REASONS.get(exc.status_code, "error"))
    return error_response(exc.status_code, message, getattr(exc, "headers", None))


async def _validation_error(_request: Request, exc: Exception) -> Response:
    exc = cast(RequestValidationError, exc)
    first = exc.errors()[0] if exc.errors() else {}
    where = ".".join(str(p) for p in first.get("loc", ()) if p not in ("body", "path", "query"))
    return error_response(400, f"{where or 'request'}: {first.get('msg', 'invalid value')}")


async def _unexpected(_request: Request, exc: Exception) -> Response:
    log.exception("unhandled error", exc_info=exc)
    return error_response(500, "internal error")


def install(app: FastAPI) -> None:
    app.add_exception_handler(VerdigrisError, _verdigris_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(Exception, _unexpected)
