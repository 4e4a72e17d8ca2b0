"""Guards at the edge: body size limits, hostile JSON, NUL bytes and out-of-range integers.

* **Body limits** (:data:`BODY_LIMITS`, stated in the README): a request whose
  ``Content-Length`` is over its limit gets 413 at once, before anything is read; a body sent
  without a length (chunked) is counted as it streams and refused with 413 as soon as it goes
  over. Nothing is parsed first.
* **JSON bodies** are checked before the application parses them: nested deeper than
  :data:`JSON_DEPTH`, integers beyond 64 bits, numbers that are not finite and NUL characters
  in strings are 422, in the one error shape.
* **NUL bytes** in the path, the query or a form are 422.
* **Integers** declared by a route (path or query) must fit 64 bits: 422, not a database error
  (:func:`integer_params`, an app-wide dependency that runs before the route's own).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any, get_args

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from starlette.exceptions import HTTPException

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

KIB, MIB = 1024, 1024 * 1024
BODY_LIMITS: tuple[tuple[re.Pattern[str], int, str], ...] = (
    (re.compile(r"^/api/v1/classes/import$"), 2 * MIB, "a class list"),
    (re.compile(r"^/api/v1/import/items$"), 16 * MIB, "an item import"),
    (re.compile(r"^/api/v1/sittings/[^/]+/answers$"), 32 * KIB, "an answer"),
)
DEFAULT_LIMIT = 1 * MIB
"""Every other request body (JSON, forms, other uploads)."""
JSON_DEPTH = 32
INT_MAX = 2**63 - 1
INT_MIN = -(2**63)


def limit_for(path: str) -> tuple[int, str]:
    """The body limit for ``path`` in bytes, and what such a body is called."""
    for pattern, limit, what in BODY_LIMITS:
        if pattern.match(path):
            return limit, what
    return DEFAULT_LIMIT, "a request"


def _size(limit: int) -> str:
    return f"{limit // MIB} MiB" if limit >= MIB else f"{limit // KIB} KiB"


class TooLarge(HTTPException):
    """A body over its limit (413); raised while it streams in."""

    def __init__(self, limit: int, what: str) -> None:
        super().__init__(413, f"The body of {what} may be at most {_size(limit)}.")


class RequestGuard:
    """ASGI middleware: the limits and checks in this module's docstring."""

    def __init__(self, app: Callable[[Scope, Receive, Send], Awaitable[None]]) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        raw = scope.get("raw_path") or path.encode()
        query: bytes = scope.get("query_string", b"")
        if "\x00" in path or b"%00" in raw.lower() or b"%00" in query.lower():
            await _refuse(send, path, 422, "NUL characters are not allowed in a request.",
                          [{"field": "path" if b"%00" in raw.lower() else "query",
                            "message": "contains a NUL character"}])
            return
        limit, what = limit_for(path)
        headers = {k.decode("latin-1").lower(): v.decode("latin-1")
                   for k, v in scope.get("headers", [])}
        declared = headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            await _refuse(send, path, 413, TooLarge(limit, what).detail)
            return
        kind = headers.get("content-type", "").split(";")[0].strip().lower()
        if kind in ("application/json", "application/x-www-form-urlencoded"):
            try:
                body = await _read_all(receive, limit, what)
            except TooLarge as exc:
                await _refuse(send, path, 413, str(exc.detail))
                return
            problems = check_json(body) if kind == "application/json" else _check_form(body)
            if problems:
                await _refuse(send, path, 422, "The request is not valid; see problems.",
                              problems)
                return
            await self.app(scope, _replay(body, receive), send)
            return
        await self.app(scope, _counting(receive, limit, what), send)


async def _read_all(receive: Receive, limit: int, what: str) -> bytes:
    chunks, total = [], 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunk = message.get("body", b"")
        total += len(chunk)
        if total > limit:
            raise TooLarge(limit, what)
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def _replay(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


def _counting(receive: Receive, limit: int, what: str) -> Receive:
    total = 0

    async def counted() -> Message:
        nonlocal total
        message = await receive()
        if message["type"] == "http.request":
            total += len(message.get("body", b""))
            if total > limit:
                raise TooLarge(limit, what)
        return message

    return counted


def _check_form(body: bytes) -> list[dict[str, str]]:
    if b"%00" in body.lower() or b"\x00" in body:
        return [{"field": "body", "message": "contains a NUL character"}]
    return []


def check_json(body: bytes) -> list[dict[str, str]]:
    """What is wrong with a JSON body beyond its syntax (syntax errors are the parser's)."""
    problems: list[dict[str, str]] = []

    def parse_int(text: str) -> int:
        value = int(text)
        if not INT_MIN <= value <= INT_MAX:
            problems.append({"field": "body", "message": f"the integer {text[:30]}… does not "
                             "fit 64 bits" if len(text) > 30 else
                             f"the integer {text} does not fit 64 bits"})
            return 0
        return value

    def parse_float(text: str) -> float:
        value = float(text)
        if not math.isfinite(value):
            problems.append({"field": "body", "message": f"the number {text[:30]} is too large"})
            return 0.0
        return value

    def parse_constant(text: str) -> float:
        problems.append({"field": "body", "message": f"{text} is not a JSON number"})
        return 0.0

    try:
        data = json.loads(body, parse_int=parse_int, parse_float=parse_float,
                          parse_constant=parse_constant)
    except RecursionError:
        return [{"field": "body", "message": f"nested deeper than {JSON_DEPTH} levels"}]
    except (ValueError, UnicodeDecodeError):
        return []  # not JSON at all: the application's parser says so (422 json_invalid)
    return problems + _walk(data)


def _walk(data: Any) -> list[dict[str, str]]:
    """Depth and NUL checks, without recursion (the data may be deep)."""
    stack: list[tuple[Any, int]] = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict | list):
            if depth > JSON_DEPTH:
                return [{"field": "body", "message": f"nested deeper than {JSON_DEPTH} levels"}]
            children = value.items() if isinstance(value, dict) else enumerate(value)
            for key, child in children:
                if isinstance(key, str) and "\x00" in key:
                    return [{"field": "body", "message": "contains a NUL character"}]
                stack.append((child, depth + 1))
        elif isinstance(value, str) and "\x00" in value:
            return [{"field": "body", "message": "contains a NUL character"}]
    return []


async def _refuse(send: Send, path: str, status: int, detail: str,
                  problems: list[dict[str, str]] | None = None) -> None:
    from app.errors import error_body, error_page

    name = {413: "PayloadTooLarge", 422: "ValidationError"}[status]
    body = error_body(name, detail, problems)
    if path.startswith("/api/") or path in ("/openapi.json", "/health"):
        content, kind = json.dumps(body).encode(), b"application/json"
    else:
        content, kind = error_page(status, body).encode(), b"text/html; charset=utf-8"
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", kind),
                            (b"content-length", str(len(content)).encode()),
                            (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": content})


# --- integers declared by routes -------------------------------------------------------------

_INT_PARAMS: dict[int, tuple[tuple[str, str], ...]] = {}


def _declared_ints(route: APIRoute) -> tuple[tuple[str, str], ...]:
    """(``path``|``query``, name) of every integer parameter the route declares."""
    found = _INT_PARAMS.get(id(route))
    if found is None:
        out: list[tuple[str, str]] = []
        stack = [route.dependant]
        while stack:
            dependant = stack.pop()
            for where, fields in (("path", dependant.path_params),
                                  ("query", dependant.query_params)):
                out += [(where, f.alias) for f in fields if _is_int(f.field_info.annotation)]
            stack.extend(dependant.dependencies)
        found = _INT_PARAMS[id(route)] = tuple(out)
    return found


def _is_int(annotation: Any) -> bool:
    return annotation is int or int in get_args(annotation)


async def integer_params(request: Request) -> None:
    """422 for a declared integer path or query parameter beyond 64 bits (not a 500 from the
    database). Runs before every route's own parameters are read."""
    route = request.scope.get("route")
    if not isinstance(route, APIRoute):
        return
    problems = []
    for where, name in _declared_ints(route):
        values = ([request.path_params.get(name)] if where == "path"
                  else request.query_params.getlist(name))
        for value in values:
            text = str(value or "").strip()
            if re.fullmatch(r"[+-]?\d+", text) and not INT_MIN <= int(text) <= INT_MAX:
                problems.append({"loc": (where, name), "type": "int_range", "input": text,
                                 "msg": "must be an integer that fits 64 bits "
                                 f"(at most {INT_MAX})"})
    if problems:
        raise RequestValidationError(problems)
