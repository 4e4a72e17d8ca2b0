"""One error hierarchy for the whole service, rendered as ``{"error": ..., "detail": ...}``.

Page routes (those left out of the API schema) get the same errors as an HTML page instead,
and :class:`LoginRequired` as a redirect to the log-in page: handled here, once.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.routing import APIRoute
from sqlalchemy.exc import DataError
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


class LoginRequired(NotAuthenticated):
    """A page was asked for without a log-in: the one handler answers with a redirect to
    ``login_page`` (``/login`` for staff, ``/student/login`` for students)."""

    def __init__(self, login_page: str = "/login") -> None:
        super().__init__("Log in first.")
        self.login_page = login_page


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


MAX_PROBLEMS = 100
"""An error lists at most this many problems; its detail says how many there were."""


def error_body(name: str, detail: str, problems: list[dict[str, Any]] | None = None) -> dict:
    """``{"error", "detail", "problems"?}``: the first :data:`MAX_PROBLEMS` problems, and their
    number in the detail when there are more."""
    body: dict[str, Any] = {"error": name, "detail": detail}
    if problems:
        if len(problems) > MAX_PROBLEMS:
            body["detail"] = (f"{detail} ({len(problems)} problems; the first {MAX_PROBLEMS} "
                              "are listed.)")
        body["problems"] = problems[:MAX_PROBLEMS]
    return body


def error_page(status: int, body: dict[str, Any]) -> str:
    """The HTML page for an error on a page route."""
    from app.ui.templates import render  # the shell's pages; errors stay importable alone

    return render("error.html", status=status, detail=body["detail"],
                  problems=body.get("problems", []))


def is_page(request: Request) -> bool:
    """Whether the request was routed to a page (a route left out of the API schema), or
    matched no route at all but came from a browser outside the API (a mistyped address)."""
    route = request.scope.get("route")
    if route is None:
        return (not request.url.path.startswith(("/api/", "/openapi.json", "/health"))
                and "text/html" in request.headers.get("accept", ""))
    return isinstance(route, APIRoute) and not route.include_in_schema


def _answer(request: Request, body: dict[str, Any], status: int,
            headers: dict[str, str] | None = None) -> Response:
    if is_page(request):
        return HTMLResponse(error_page(status, body), status_code=status, headers=headers)
    return JSONResponse(jsonable_encoder(body), status_code=status, headers=headers)


async def _app_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, AppError)
    if isinstance(exc, LoginRequired):
        return RedirectResponse(exc.login_page, status_code=303)
    body = error_body(type(exc).__name__, exc.detail, exc.problems)
    headers = {"Retry-After": str(exc.retry_after)} if isinstance(exc, Unavailable) else None
    return _answer(request, body, exc.status_code, headers)


async def _validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    page = is_page(request)
    problems = [
        {"field": _field(err.get("loc", ()), page), "message": err.get("msg", "")}
        for err in exc.errors()
    ]
    body = error_body("ValidationError", "The request is not valid; see problems.", problems)
    return _answer(request, body, 422)


def _field(loc: Any, page: bool) -> str:
    """Where a problem is: ``body.days`` for the API; on a page, the field's own name in words
    ("days", "class id"), as the person filling in the form knows it."""
    parts = [str(p) for p in loc]
    if page and parts:
        return parts[-1].replace("_", " ")
    return ".".join(parts)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    name = {404: "NotFound", 405: "MethodNotAllowed", 401: "NotAuthenticated",
            413: "PayloadTooLarge", 400: "BadRequest"}.get(exc.status_code, "HTTPError")
    detail = str(exc.detail)
    if exc.status_code == 404 and request.scope.get("route") is None and is_page(request):
        detail = "There is no page at this address. Check it, or start from the home page."
    return _answer(request, error_body(name, detail), exc.status_code,
                   getattr(exc, "headers", None))


async def _out_of_range(request: Request, exc: Exception) -> Response:
    """A number too large for its column (PostgreSQL's 32-bit integers) is the caller's
    mistake, not a server error; any other database data error stays a 500."""
    orig = getattr(exc, "orig", None)
    if type(orig).__name__ != "NumericValueOutOfRange":
        raise exc
    body = error_body("ValidationError", "The request is not valid; see problems.",
                      [{"field": "body", "message": "a number is out of range"}])
    return _answer(request, body, 422)


def install_error_handlers(app: FastAPI) -> None:
    """Render every AppError, validation error and HTTP error in the one JSON shape (pages:
    as an HTML page; a missing log-in on a page: as a redirect to the log-in page)."""
    app.add_exception_handler(AppError, _app_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(DataError, _out_of_range)
