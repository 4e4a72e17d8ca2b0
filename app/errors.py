"""One error hierarchy for the whole service, rendered as ``{"error": ..., "detail": ...}``."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException


class AppError(Exception):
    """Base of every error a person can act on; carries its HTTP status."""

    status_code = 400

    def __init__(self, detail: str, *, problems: list[dict[str, Any]] | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.problems = problems or []


class NotFound(AppError):
    """The resource does not exist, or the caller may not know that it does."""

    status_code = 404


class NotAuthenticated(AppError):
    status_code = 401


class NotPermitted(AppError):
    status_code = 403


class Conflict(AppError):
    """The request clashes with the current state (duplicate code, invalid transition)."""

    status_code = 409


class SendAgain(Conflict):
    """A clash with a request in flight at the same moment: sending the same request again
    is safe and will succeed (the player does so at once)."""


class Unavailable(AppError):
    """Kete is too busy (or its database unreachable) to answer now; retry after
    ``retry_after`` seconds. Always answered at once, never after a long wait."""

    status_code = 503

    def __init__(self, detail: str, *, retry_after: int = 2) -> None:
        super().__init__(detail)
        self.retry_after = retry_after


class InvalidInput(AppError):
    """Well-formed but unacceptable data, e.g. an import file with bad rows."""

    status_code = 422


def error_body(name: str, detail: str, problems: list[dict[str, Any]] | None = None) -> dict:
    body: dict[str, Any] = {"error": name, "detail": detail}
    if problems:
        body["problems"] = problems
    return body


async def _app_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, AppError)
    body = error_body(type(exc).__name__, exc.detail, exc.problems)
    headers = {"Retry-After": str(exc.retry_after)} if isinstance(exc, Unavailable) else None
    return JSONResponse(jsonable_encoder(body), status_code=exc.status_code, headers=headers)


async def _validation_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    problems = [
        {"field": ".".join(str(p) for p in err.get("loc", ())), "message": err.get("msg", "")}
        for err in exc.errors()
    ]
    body = error_body("ValidationError", "The request is not valid; see problems.", problems)
    return JSONResponse(jsonable_encoder(body), status_code=422)


async def _http_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    name = {404: "NotFound", 405: "MethodNotAllowed", 401: "NotAuthenticated"}.get(
        exc.status_code, "HTTPError"
    )
    return JSONResponse(error_body(name, str(exc.detail)), status_code=exc.status_code,
                        headers=getattr(exc, "headers", None))


def install_error_handlers(app: FastAPI) -> None:
    """Render every AppError, validation error and HTTP error in the one JSON shape."""
    app.add_exception_handler(AppError, _app_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
