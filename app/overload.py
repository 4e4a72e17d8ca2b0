"""Back-pressure: when Kete has more work than it can start soon, it says so at once.

:class:`Admission` lets at most ``KETE_THREADS`` requests be worked on at a time (one per
handler thread, so an admitted request never waits for a thread or a database connection).
Others wait in the event loop, holding nothing. A request whose wait would be longer than
``KETE_REQUEST_WAIT`` seconds — judged from the queue ahead of it and how long recent
requests took, or found out by waiting — is answered ``503`` with ``Retry-After`` straight
away instead of hanging; the player sends it again after that many seconds (plus jitter).

A student's answer saves, hand-ins and stage changes (the player's requests) go ahead of
everything else waiting: a cohort logging in at once (each log-in checks a password hash)
must not hold up the answers of those already sitting the test. Within a priority the order
is first come, first served.

Database trouble gets the same answer: a pool that has no connection free within
``KETE_DB_POOL_TIMEOUT``, a connection the database dropped (it is replaced on the next
request) or a SQLite write lock that stayed busy are transient, so they are 503 + Retry-After
too, never a 500.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import re
import time
from collections import deque

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.types import ASGIApp, Receive, Scope, Send

from app.errors import error_body

EXEMPT = ("/health", "/static/")
URGENT = re.compile(r"/api/v1/sittings/\d+/(answers|submit|next)")
"""The player's requests during a test: they wait ahead of everything else."""
BUSY = "Kete is very busy just now and did not carry out this request. "


def busy_response(path: str, accept: str, retry_after: int, detail: str) -> Response:
    """503 with ``Retry-After``: JSON for the API, a short page for a browser."""
    headers = {"Retry-After": str(retry_after)}
    if path.startswith("/api/") or "text/html" not in accept:
        return JSONResponse(error_body("Unavailable", detail), status_code=503,
                            headers=headers)
    page = ("<!doctype html><html lang=en><meta charset=utf-8><title>Kete is busy</title>"
            "<main style='font-family:sans-serif;max-width:36rem;margin:3rem auto'>"
            f"<h1>Kete is busy</h1><p>{detail}</p><p>Go back and try again.</p></main>")
    return HTMLResponse(page, status_code=503, headers=headers)


class Slots:
    """``limit`` places at work; a waiter of priority 0 (urgent) is let in before any of
    priority 1, each in arrival order."""

    def __init__(self, limit: int) -> None:
        self.free = limit
        self.queues: tuple[deque[asyncio.Future[bool]], ...] = (deque(), deque())

    def waiting(self, priority: int) -> int:
        """Waiters who go in before a new one of ``priority``."""
        return sum(len(q) for q in self.queues[:priority + 1])

    async def acquire(self, priority: int, timeout: float) -> bool:
        """A place within ``timeout`` seconds (True), or False."""
        if self.free > 0 and not self.waiting(len(self.queues) - 1):
            self.free -= 1
            return True
        place: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        self.queues[priority].append(place)
        try:
            await asyncio.wait_for(place, timeout)  # handed over by release()
            return True
        except BaseException as exc:  # timed out, or the request itself was cancelled
            if place.done() and not place.cancelled():
                self.release()  # given a place just as the wait ended: pass it on
            else:
                with contextlib.suppress(ValueError):
                    self.queues[priority].remove(place)
            if isinstance(exc, TimeoutError):
                return False
            raise

    def release(self) -> None:
        """Hand the place to the first waiter of the highest priority, or free it."""
        for queue in self.queues:
            while queue:
                place = queue.popleft()
                if not place.done():
                    place.set_result(True)
                    return
        self.free += 1


class Admission:
    """ASGI middleware: at most ``limit`` requests at work; a fast 503 beyond what can
    start within ``max_wait`` seconds; the player's requests first."""

    def __init__(self, app: ASGIApp, *, limit: int, max_wait: float) -> None:
        self.app, self.limit, self.max_wait = app, limit, max_wait
        self.service = 0.05  # moving average of recent requests' time at work (s)
        self._slots: Slots | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    def expected_wait(self, priority: int = 1) -> float:
        """Seconds a request of ``priority`` arriving now would wait before it starts."""
        slots = self._slots
        ahead = slots.waiting(priority) if slots is not None else 0
        return ahead * self.service / self.limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(EXEMPT):
            await self.app(scope, receive, send)
            return
        slots = self._semaphore()
        priority = 0 if URGENT.fullmatch(scope["path"]) else 1
        if slots.free <= 0 and self.expected_wait(priority) > self.max_wait:
            await self._refuse(scope, receive, send, priority)
            return
        if not await slots.acquire(priority, self.max_wait):
            await self._refuse(scope, receive, send, priority)
            return
        began = time.monotonic()
        try:
            await self.app(scope, receive, send)
        finally:
            self.service += 0.1 * (time.monotonic() - began - self.service)
            slots.release()

    def _semaphore(self) -> Slots:
        loop = asyncio.get_running_loop()
        if self._slots is None or self._loop is not loop:  # one per event loop
            self._slots, self._loop = Slots(self.limit), loop
        return self._slots

    async def _refuse(self, scope: Scope, receive: Receive, send: Send,
                      priority: int) -> None:
        retry = min(30, max(1, math.ceil(self.expected_wait(priority))))
        headers = dict(scope.get("headers") or [])
        accept = headers.get(b"accept", b"").decode("latin-1")
        detail = BUSY + f"Try again in {retry} second{'s' if retry > 1 else ''}."
        await busy_response(scope["path"], accept, retry, detail)(scope, receive, send)


def transient(exc: BaseException) -> bool:
    """Whether a database error is one a retry will get past (dropped connection, pool
    exhausted, lock or deadlock) rather than a bug."""
    if isinstance(exc, PoolTimeout):
        return True
    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        return True
    if not isinstance(exc, OperationalError):
        return False
    message = str(exc.orig).lower()
    if "sqlite" in type(exc.orig).__module__:
        return "locked" in message or "busy" in message
    return True


async def _database_error(request: Request, exc: Exception) -> Response:
    if not transient(exc):
        raise exc
    detail = "Kete's database did not answer just now; nothing was changed. Try again."
    return busy_response(request.url.path, request.headers.get("accept", ""), 1, detail)


def install(app: FastAPI, *, limit: int, max_wait: float) -> None:
    """Add admission control and the 503 answer for transient database errors."""
    app.add_middleware(Admission, limit=limit, max_wait=max_wait)
    for kind in (PoolTimeout, DBAPIError):
        app.add_exception_handler(kind, _database_error)
