"""Who is calling: the staff member behind a bearer token or a session cookie."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from app.db import SessionDep
from app.errors import NotAuthenticated, NotPermitted
from app.people import service
from app.people.models import AuthSession, Staff
from app.people.security import same

SESSION_COOKIE = "kete_session"
CSRF_HEADER = "X-CSRF-Token"
_SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
_bearer = HTTPBearer(auto_error=False, description="A token from `POST /api/v1/auth/token`.")


def current_login(
    request: Request,
    session: SessionDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> AuthSession:
    """The caller's log-in. Cookie log-ins must send the CSRF token on unsafe methods."""
    if credentials is not None:
        auth = service.resolve(session, token=credentials.credentials, kind="bearer")
        if auth is None:
            raise NotAuthenticated("The bearer token is unknown or has expired; log in again.")
        return auth
    cookie = request.cookies.get(SESSION_COOKIE)
    auth = service.resolve(session, token=cookie, kind="cookie") if cookie else None
    if auth is None:
        raise NotAuthenticated("Log in first (a bearer token or a session cookie is needed).")
    if request.method not in _SAFE_METHODS:
        sent = request.headers.get(CSRF_HEADER, "")
        if not same(sent, auth.csrf_token):
            raise NotPermitted(f"Missing or wrong {CSRF_HEADER} header for a cookie log-in.")
    return auth


def current_staff(auth: Annotated[AuthSession, Depends(current_login)]) -> Staff:
    return auth.staff


CurrentStaff = Annotated[Staff, Depends(current_staff)]
