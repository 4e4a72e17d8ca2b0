"""The OpenAPI document states the one error shape and every 4xx an operation can return.

FastAPI documents 422 as its own ``HTTPValidationError`` (``detail`` an array); Kete answers
every error, 422 included, as :class:`ErrorBody`. This rewrites each operation's responses:

* 422 for every operation (bad parameters, NUL characters, integers beyond 64 bits);
* 401 and 403 for every operation that needs a log-in (no log-in; a role or a row the caller
  may not change, a missing CSRF token); 404 for those too (a row the caller may not see is
  answered exactly like one that does not exist); 409 for those that change things;
* 400 and 413 for every operation with a request body (unreadable; over its size limit);
* 401 and 429 for the log-in operations (wrong credentials; throttled).
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from pydantic import BaseModel, ConfigDict, Field

from app.people.policy import PUBLIC, route_policies

THROTTLED = {("POST", "/api/v1/auth/token"), ("POST", "/api/v1/auth/student")}
_WHY = {
    400: "The body could not be read (e.g. a broken upload).",
    401: "No log-in, or the credentials are not right.",
    403: "This role may not do this, this row may not be changed by you, or a browser "
         "log-in did not send its CSRF token.",
    404: "Not found, or not yours to see (answered exactly alike).",
    409: "This clashes with the current state (e.g. a duplicate, or a test already "
         "accepted).",
    413: "The request body is over its limit (see the README).",
    422: "The request is not valid: `problems` lists what and where.",
    429: "Too many failed log-ins: wait the `Retry-After` seconds and try again.",
}


class Problem(BaseModel):
    """One thing wrong with a request or a file."""

    model_config = ConfigDict(extra="allow")

    message: str = Field(description="What is wrong, in words.")
    field: str | None = Field(None, description="Where: e.g. `body.name` or `query.class_id`.")
    row: str | int | None = Field(None, description="For files: the row or line.")


class ErrorBody(BaseModel):
    """Every error Kete answers, whatever its status."""

    error: str = Field(description="The kind of error, e.g. `NotFound`, `ValidationError`.")
    detail: str = Field(description="What went wrong and what to do, for a person.")
    problems: list[Problem] | None = Field(
        None, description="The first 100 problems (their number is in `detail` when there "
        "are more).")


def install(app: FastAPI) -> None:
    """Replace ``app.openapi`` with the rewriting one (built once, then cached)."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = _document(app)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def _document(app: FastAPI) -> dict[str, Any]:
    spec = get_openapi(title=app.title, version=app.version, description=app.description,
                       routes=app.routes)
    schemas = spec.setdefault("components", {}).setdefault("schemas", {})
    for name in ("HTTPValidationError", "ValidationError"):
        schemas.pop(name, None)
    schemas["Problem"] = Problem.model_json_schema()
    schemas["ErrorBody"] = ErrorBody.model_json_schema(
        ref_template="#/components/schemas/{model}")
    schemas["ErrorBody"].pop("$defs", None)
    public = {(r.method, r.path) for r in route_policies(app) if r.permissions == (PUBLIC,)}
    for path, item in spec.get("paths", {}).items():
        for method, operation in item.items():
            key = (method.upper(), path)
            codes = {422}
            if key not in public:
                codes |= {401, 403, 404}
                if key[0] != "GET":
                    codes.add(409)
            if "requestBody" in operation:
                codes |= {400, 413}
            if key in THROTTLED:
                codes |= {401, 429}
            responses = operation.setdefault("responses", {})
            for code in sorted(codes):
                entry = responses.setdefault(str(code), {"description": _WHY[code]})
                entry["content"] = {"application/json": {
                    "schema": {"$ref": "#/components/schemas/ErrorBody"}}}
                entry.setdefault("description", _WHY[code])
    return spec


def add_docs(app: FastAPI) -> None:
    """``/docs`` (Swagger UI) and ``/redoc``, each with a CSP naming exactly the scripts it runs:
    the CDN bundle and, by hash, its one inline start-up script (no ``'unsafe-inline'``)."""
    from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
    from fastapi.responses import HTMLResponse

    from app.people.policy import require

    cdn = "https://cdn.jsdelivr.net"

    def policy_for(html: str) -> str:
        hashes = " ".join(f"'sha256-{_sha256(s)}'" for s in _INLINE.findall(html))
        return (f"default-src 'none'; script-src {cdn} {hashes}; style-src {cdn} "
                f"'unsafe-inline'; img-src 'self' data: https://fastapi.tiangolo.com; "
                f"connect-src 'self'; worker-src blob:; frame-ancestors 'none'; "
                f"base-uri 'none'; form-action 'none'")

    @app.get("/docs", include_in_schema=False, dependencies=[require("public")])
    def swagger() -> HTMLResponse:
        page = get_swagger_ui_html(openapi_url="/openapi.json", title=f"{app.title} – API")
        html = page.body.decode() if isinstance(page.body, bytes) else str(page.body)
        return HTMLResponse(html, headers={"Content-Security-Policy": policy_for(html)})

    @app.get("/redoc", include_in_schema=False, dependencies=[require("public")])
    def redoc() -> HTMLResponse:
        page = get_redoc_html(openapi_url="/openapi.json", title=f"{app.title} – API")
        html = page.body.decode() if isinstance(page.body, bytes) else str(page.body)
        return HTMLResponse(html, headers={"Content-Security-Policy": policy_for(html)})


_INLINE = __import__("re").compile(r"<script>(.*?)</script>", __import__("re").S)


def _sha256(text: str) -> str:
    import base64
    import hashlib

    return base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()
