"""The one place where errors become HTTP responses: {"error": {"code", "message"}}."""

from __future__ import annotations

import logging
import re

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from threadgraph.errors import (
    Conflict,
    Forbidden,
    InvalidInput,
    ModelError,
    NotFound,
    RateLimited,
    ThreadgraphError,
    TooLarge,
    Unauthorized,
    Unavailable,
)

log = logging.getLogger(__name__)

# One status per kind of error. A subclass gets the status of its nearest ancestor in
# this table (its method resolution order decides, not the order written here); an error
# of no listed kind is a 500.
STATUS: dict[type[ThreadgraphError], int] = {
    InvalidInput: 400,
    Unauthorized: 401,
    Forbidden: 403,
    NotFound: 404,
    Conflict: 409,
    TooLarge: 413,
    RateLimited: 429,
    ModelError: 502,
    Unavailable: 503,
}


def error_body(code: str, message: str) -> dict[str, dict[str, str]]:
    return {"error": {"code": code, "message": message}}


def status_for(error: ThreadgraphError) -> int:
    for kind in type(error).__mro__:
        status = STATUS.get(kind)
        if status is not None:
            return status
    return 500


def error_response(error: ThreadgraphError) -> JSONResponse:
    """The answer to a request that met ``error`` (also used outside FastAPI's routes,
    by the /mcp endpoint's sign-in)."""
    status = status_for(error)
    # 401 says how to sign in (RFC 9110 requires the header).
    headers = {"WWW-Authenticate": 'Bearer realm="threadgraph"'} if status == 401 else None
    if isinstance(error, RateLimited):
        headers = {"Retry-After": str(error.retry_after)}
    return JSONResponse(error_body(error.code, error.message), status, headers=headers)


def allowed_methods(request: Request) -> str | None:
    """Every method the OpenAPI document lists at the request's path. Starlette's own 405
    names only the first route that matched the path, and FastAPI makes a route per
    method; None for a path the document does not have."""
    paths: dict[str, dict[str, object]] = request.app.openapi().get("paths", {})
    for template, operations in paths.items():
        pattern = re.sub(r"\\{[^/]+?\\}", "[^/]+", re.escape(template))
        if re.fullmatch(pattern, request.url.path):
            return ", ".join(sorted(method.upper() for method in operations))
    return None


def install(app: FastAPI) -> None:
    @app.exception_handler(ThreadgraphError)
    async def on_threadgraph_error(_: Request, error: ThreadgraphError) -> JSONResponse:
        return error_response(error)

    @app.exception_handler(RequestValidationError)
    async def on_validation_error(_: Request, error: RequestValidationError) -> JSONResponse:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'] if p != 'body') or 'body'}: {e['msg']}"
            for e in error.errors()
        )
        return JSONResponse(error_body("invalid_input", problems), status_code=400)

    @app.exception_handler(StarletteHTTPException)
    async def on_http_error(request: Request, error: StarletteHTTPException) -> JSONResponse:
        code = {404: "not_found", 413: "too_large"}.get(error.status_code, "http_error")
        message = str(error.detail)
        headers = dict(error.headers or {})
        allowed = allowed_methods(request) if error.status_code == 405 else None
        if allowed:  # say which methods the path has (RFC 9110: Allow)
            headers["Allow"] = allowed
        return JSONResponse(error_body(code, message), error.status_code, headers=headers)

    @app.exception_handler(Exception)
    async def on_unexpected(_: Request, error: Exception) -> JSONResponse:
        log.exception("unhandled error")
        return JSONResponse(
            error_body("internal", "an unexpected error happened; it has been logged"),
            status_code=500,
        )
