"""One-time messages after a form is sent ("Target saved.", "Assigned: …").

A page that handles a POST redirects (303) to the page to show next and hands the message
over in a short-lived cookie signed with ``KETE_SECRET_KEY``; the next page rendered reads it,
shows it once (``role="status"``, so screen readers announce it) and clears it. A message never
travels in the URL: a link such as ``/norms?message=…`` can make no text appear on a Kete page,
and a cookie whose signature does not match (or that has expired) shows nothing.

Use :func:`redirect` in the POST handler; :class:`app.ui.templates.PageTemplates` does the
reading and clearing for every page, and ``_flash.html`` shows it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time

from fastapi.responses import RedirectResponse
from starlette.responses import Response

from app.config import get_settings

COOKIE = "kete_flash"
LIFETIME_S = 60
"""The message waits this long for the page it was sent to (the redirect is immediate)."""
LONGEST = 600
"""Characters kept of a message: a cookie holds about 4 kB."""
_PURPOSE = b"kete-flash-v1."


def _signature(payload: str) -> str:
    key = get_settings().secret_key.encode()
    mac = hmac.new(key, _PURPOSE + payload.encode("ascii"), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac).decode("ascii").rstrip("=")


def seal(text: str, *, now: float | None = None) -> str:
    """``text`` with its expiry, signed, as a cookie-safe value (``payload.signature``)."""
    expires = int((time.time() if now is None else now) + LIFETIME_S)
    raw = json.dumps([text[:LONGEST], expires], ensure_ascii=False).encode()
    payload = base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")
    return f"{payload}.{_signature(payload)}"


def unseal(value: str, *, now: float | None = None) -> str | None:
    """The message in a cookie :func:`seal` made, or None if it was altered, forged,
    malformed or has expired."""
    payload, _, signature = value.partition(".")
    try:
        if not signature or not hmac.compare_digest(_signature(payload), signature):
            return None  # not made by this server (or made with another secret)
        text, expires = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    except (ValueError, TypeError, UnicodeError):
        return None
    if not isinstance(text, str) or not isinstance(expires, int):
        return None
    return text if (time.time() if now is None else now) <= expires else None


def redirect(url: str, message: str) -> RedirectResponse:
    """A 303 to ``url`` that shows ``message`` once on the page it lands on."""
    response = RedirectResponse(url, status_code=303)
    if message:
        response.set_cookie(COOKIE, seal(message), max_age=LIFETIME_S, path="/",
                            httponly=True, samesite="lax",
                            secure=get_settings().environment == "production")
    return response


def forget(response: Response) -> None:
    """Clear the message cookie: it has been shown (or could not be read)."""
    response.delete_cookie(COOKIE, path="/", httponly=True, samesite="lax",
                           secure=get_settings().environment == "production")
