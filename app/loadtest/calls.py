"""One HTTP call made the way Kete's player makes it, and the record of every attempt.

Retry rules (the player's, see ``app/static/player.js``): a 503 or 429 is sent again after its
``Retry-After`` plus up to half as much again (jitter, so a cohort does not come back in
step); a 409 whose error is ``SendAgain`` is sent again at once; a time-out, a refused
connection or another 5xx is sent again after an exponential, jittered back-off. Anything
else (2xx, a final 409, other 4xx) ends the call. Every attempt is counted by its class.

The burst's HTTP client is aiohttp, not httpx: on a 2-core machine the load generator shares
the CPU with the server it measures, and httpx spent about 5 ms of CPU per request (the bench
needed most of a core for ``/health`` alone, so the yardstick measured the client); aiohttp
spends a fraction of that.
"""

from __future__ import annotations

import asyncio
import json
import random
import time
from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import aiohttp

RETRIED = frozenset({"503", "429", "409 send again", "timeout", "connection", "5xx"})


@dataclass(frozen=True)
class Reply:
    """A whole response: status, headers and body (read before the connection is reused)."""

    status_code: int
    headers: Mapping[str, str]
    content: bytes

    def json(self) -> Any:
        return json.loads(self.content)

    @property
    def text(self) -> str:
        return self.content.decode("utf-8", "replace")


class Http:
    """The burst's connection pool to one server (keep-alive, no limit on connections)."""

    def __init__(self, base_url: str, timeout: float) -> None:
        self.base_url = base_url.rstrip("/")
        self.session = aiohttp.ClientSession(
            connector=aiohttp.TCPConnector(limit=0, ttl_dns_cache=None),
            timeout=aiohttp.ClientTimeout(total=timeout, connect=min(timeout, 10.0)))

    async def request(self, method: str, path: str, *, headers: Mapping[str, str] | None = None,
                      json: Any = None) -> Reply:
        """One attempt; raises :class:`TimeoutError` or :class:`aiohttp.ClientError`."""
        async with self.session.request(method, self.base_url + path, headers=headers,
                                        json=json) as response:
            return Reply(response.status, response.headers, await response.read())

    async def close(self) -> None:
        await self.session.close()


def classify(response: Reply) -> str:
    """The outcome class of one attempt, e.g. ``ok``, ``503`` or ``409 send again``."""
    code = response.status_code
    if code < 400:
        return "ok"
    if code == 409:
        try:
            again = response.json().get("error") == "SendAgain"
        except ValueError:
            again = False
        return "409 send again" if again else "409"
    if code in (429, 503):
        return str(code)
    return "5xx" if code >= 500 else "4xx"


def retry_after(response: Reply | None, default: float = 1.0) -> float:
    """Seconds the server asked us to wait (``Retry-After``), or ``default``."""
    if response is None:
        return default
    try:
        return max(0.0, float(response.headers.get("retry-after", default)))
    except ValueError:
        return default


@dataclass
class Record:
    """Every attempt's outcome class, every call's latency (first try to final answer)."""

    attempts: Counter[tuple[str, str]] = field(default_factory=Counter)
    latencies: defaultdict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    finished: defaultdict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    failures: Counter[tuple[str, str]] = field(default_factory=Counter)
    examples: dict[str, str] = field(default_factory=dict)
    first_start: dict[str, float] = field(default_factory=dict)

    def attempt(self, kind: str, outcome: str, detail: str = "") -> None:
        self.attempts[(kind, outcome)] += 1
        if outcome != "ok" and detail and outcome not in self.examples:
            self.examples[outcome] = f"{kind}: {detail[:200]}"

    def done(self, kind: str, seconds: float, outcome: str) -> None:
        """A call ended: its latency counts if it succeeded; otherwise it is a failure."""
        if outcome == "ok":
            self.latencies[kind].append(seconds)
            self.finished[kind].append(time.monotonic())
        else:
            self.failures[(kind, outcome)] += 1


@dataclass
class Caller:
    """Makes calls for one simulated player (or the bench's own staff set-up)."""

    http: Http
    record: Record
    give_up_after: float = 120.0
    headers: dict[str, str] = field(default_factory=dict)

    async def call(self, kind: str, method: str, path: str, **kwargs: Any
                   ) -> Reply | None:
        """The final response (2xx or a final 4xx), or None if the call gave up."""
        began, backoff = time.monotonic(), 0.25
        self.record.first_start.setdefault(kind, began)
        while True:
            response, outcome, wait = await self._attempt(kind, method, path, backoff, **kwargs)
            if outcome not in RETRIED:
                self.record.done(kind, time.monotonic() - began, outcome)
                return response
            if time.monotonic() + wait - began > self.give_up_after:
                self.record.done(kind, time.monotonic() - began, f"gave up after {outcome}")
                return None
            backoff = min(backoff * 2, 4.0)
            await asyncio.sleep(wait)

    async def _attempt(self, kind: str, method: str, path: str, backoff: float,
                       **kwargs: Any) -> tuple[Reply | None, str, float]:
        try:
            response = await self.http.request(method, path, headers=self.headers, **kwargs)
        except TimeoutError as exc:
            self.record.attempt(kind, "timeout", type(exc).__name__)
            return None, "timeout", random.uniform(0, backoff)
        except aiohttp.ClientError as exc:
            self.record.attempt(kind, "connection", type(exc).__name__)
            return None, "connection", random.uniform(0, backoff)
        outcome = classify(response)
        self.record.attempt(kind, outcome, response.text if outcome != "ok" else "")
        if outcome in ("503", "429"):
            base = retry_after(response)
            return response, outcome, base * random.uniform(1.0, 1.5)
        if outcome == "409 send again":
            return response, outcome, random.uniform(0, 0.05)
        return response, outcome, random.uniform(0, backoff)


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0–100) by linear interpolation; nan for no values."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)
