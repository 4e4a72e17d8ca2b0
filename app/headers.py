"""Security headers on every response: CSP, framing, sniffing, referrer, HSTS in production.

Pages run only Kete's own scripts (``/static/*.js``; no inline scripts or event handlers),
may not be framed by anyone, and load images only from Kete itself (the bank's media,
``/media/…``) or the hosts in ``KETE_IMAGE_HOSTS``. Inline ``style`` attributes are allowed
(charts and bars are sized with them); ``<style>`` elements are not. A response that sets its
own ``Content-Security-Policy`` (``/docs``) keeps it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from app.config import get_settings

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
ASGI = Callable[[Scope, Callable[[], Awaitable[Message]], Callable[[Message], Awaitable[None]]],
                Awaitable[None]]


def content_security_policy() -> str:
    """The pages' policy (image hosts from ``KETE_IMAGE_HOSTS``)."""
    hosts = " ".join(f"https://{h}" for h in get_settings().image_host_list)
    return ("default-src 'self'; script-src 'self'; style-src 'self'; "
            "style-src-attr 'unsafe-inline'; "
            f"img-src 'self' {hosts}".rstrip() + "; font-src 'self'; connect-src 'self'; "
            "object-src 'none'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'")


def security_headers() -> list[tuple[bytes, bytes]]:
    headers = [
        (b"content-security-policy", content_security_policy().encode()),
        (b"x-content-type-options", b"nosniff"),
        (b"x-frame-options", b"DENY"),
        (b"referrer-policy", b"same-origin"),
        (b"cross-origin-opener-policy", b"same-origin"),
        (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
    ]
    if get_settings().environment == "production":
        headers.append((b"strict-transport-security", b"max-age=63072000; includeSubDomains"))
    return headers


class SecurityHeaders:
    """ASGI middleware adding :func:`security_headers` unless the response set them."""

    def __init__(self, app: ASGI) -> None:
        self.app = app
        self.headers = security_headers()

    async def __call__(self, scope: Scope, receive: Callable[[], Awaitable[Message]],
                       send: Callable[[Message], Awaitable[None]]) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {k.lower() for k, _ in message.get("headers", [])}
                message["headers"] = list(message.get("headers", [])) + [
                    (k, v) for k, v in self.headers if k not in present]
            await send(message)

        await self.app(scope, receive, with_headers)
