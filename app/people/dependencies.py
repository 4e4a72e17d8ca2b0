"""Who is calling: a staff member or a student, from a bearer token or a session cookie.

Staff and students have separate session tables and separate cookies, so a student's token
can never pass for a staff log-in. What a caller may do is decided in :mod:`app.people.policy`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from app.db import SessionDep, own_step
from app.errors import NotAuthenticated, NotPermitted
from app.people import logins, service
from app.people.models import AuthSession, Staff, Student, StudentSession
from app.people.security import same

SESSION_COOKIE = "kete_session"
STUDENT_COOKIE = "kete_student"
CSRF_HEADER = "X-CSRF-Token"
_SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
bearer = HTTPBearer(auto_error=False, description="A token from `POST /api/v1/auth/token` "
                     "(staff) or `POST /api/v1/auth/student` (students).")


@dataclass(frozen=True)
class Caller:
    """The person behind a request: exactly one of ``staff`` or ``student``."""

    role: str
    staff: Staff | None = None
    student: Student | None = None
    login: AuthSession | StudentSession | None = None
    """The log-in the request came with (None when built outside a request)."""

    @classmethod
    def of_staff(cls, staff: Staff, login: AuthSession | None = None) -> Caller:
        return cls(role=staff.role, staff=staff, login=login)

    @classmethod
    def of_student(cls, student: Student, login: StudentSession | None = None) -> Caller:
        return cls(role="student", student=student, login=login)

    @property
    def via_cookie(self) -> bool:
        """Whether the caller logged in with a browser cookie (not a bearer token)."""
        return self.login is not None and self.login.kind == "cookie"

    @property
    def school_id(self) -> int | None:
        """The caller's school; None for bank-wide staff (admin, psychometrician, writers)."""
        if self.staff is not None:
            return self.staff.school_id
        return self.student.school_id if self.student is not None else None

    @property
    def label(self) -> str:
        """How the audit trail names the caller."""
        if self.staff is not None:
            return self.staff.email
        return f"student:{self.student.id}" if self.student is not None else "system"


def current_caller(
    request: Request,
    session: SessionDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Caller:
    """The caller. Cookie log-ins must send the CSRF token on unsafe methods.

    Its reads are one short transaction, finished before the handler's thread is awaited."""
    with own_step(session):
        return _caller(request, session, credentials)


def current_student(
    request: Request,
    session: SessionDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Caller:
    """:func:`current_caller` for routes only students may call: a bearer token is looked up
    among students' log-ins first (one query, not two)."""
    with own_step(session):
        return _caller(request, session, credentials, students_first=True)


def _caller(request: Request, session: Session,
            credentials: HTTPAuthorizationCredentials | None, *,
            students_first: bool = False) -> Caller:
    """``students_first``: look a bearer token up among students' log-ins first (one query
    instead of two on routes only students may call)."""
    if credentials is not None:
        token = credentials.credentials
        lookups = (_student_bearer, _staff_bearer) if students_first else (
            _staff_bearer, _student_bearer)
        for lookup in lookups:
            caller = lookup(session, token)
            if caller is not None:
                return caller
        raise NotAuthenticated("The bearer token is unknown or has expired; log in again.")
    login = cookie_login(request, session)
    if login is None:
        raise NotAuthenticated("Log in first (a bearer token or a session cookie is needed).")
    if request.method not in _SAFE_METHODS:
        sent = request.headers.get(CSRF_HEADER, "")
        if not same(sent, login.csrf_token):
            raise NotPermitted(f"Missing or wrong {CSRF_HEADER} header for a cookie log-in.")
    if isinstance(login, AuthSession):
        return Caller.of_staff(login.staff, login)
    return Caller.of_student(login.student, login)


def _staff_bearer(session: Session, token: str) -> Caller | None:
    login = service.resolve(session, token=token, kind="bearer")
    return None if login is None else Caller.of_staff(login.staff, login)


def _student_bearer(session: Session, token: str) -> Caller | None:
    login = logins.resolve_student(session, token=token, kind="bearer")
    return None if login is None else Caller.of_student(login.student, login)


def cookie_login(request: Request, session: SessionDep) -> AuthSession | StudentSession | None:
    """The staff log-in of the session cookie, else the student log-in of the student cookie."""
    token = request.cookies.get(SESSION_COOKIE)
    staff_login = service.resolve(session, token=token, kind="cookie") if token else None
    if staff_login is not None:
        return staff_login
    token = request.cookies.get(STUDENT_COOKIE)
    return logins.resolve_student(session, token=token, kind="cookie") if token else None


def current_staff(caller: Annotated[Caller, Depends(current_caller)]) -> Staff:
    """The calling staff member (students are refused). Prefer ``policy.require``."""
    if caller.staff is None:
        raise NotPermitted("This is for staff accounts only.")
    return caller.staff


CurrentStaff = Annotated[Staff, Depends(current_staff)]
"""Kept for routers not yet moved to ``policy.require``; such routes fail the policy tests."""
