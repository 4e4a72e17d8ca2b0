"""Log-in for the API (staff and students), one's own account, and the people routers."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from app.config import get_settings
from app.db import SessionDep, StepRoute
from app.errors import AppError, NotAuthenticated, error_body
from app.people import logins, service, staff, students
from app.people.admin_router import router as admin_router
from app.people.class_pages import router as class_pages_router
from app.people.classes_router import router as classes_router
from app.people.dependencies import Caller
from app.people.models import AuthSession, StudentSession
from app.people.network import client_address
from app.people.policy import require
from app.people.ratelimit import LockedOut
from app.people.schemas import (
    PasswordChange,
    StaffRead,
    StudentTokenRequest,
    TokenRead,
    TokenRequest,
)
from app.people.student_pages import router as student_pages_router
from app.people.student_schemas import StudentHome
from app.people.students_router import router as students_router

auth = APIRouter(prefix="/api/v1", tags=["authentication"], route_class=StepRoute)
_REFUSALS: dict[int | str, dict[str, Any]] = {
    401: {"description": "The credentials are not right (the same words and the same time "
                         "for unknown, inactive and wrong-password accounts)."},
    429: {"description": "Too many failed log-ins: wait (the `Retry-After` header says how "
                         "many seconds) and try again."}}


def refusal(exc: AppError) -> JSONResponse:
    """A refused log-in as a response, so the failure it counted is committed."""
    headers = {"Retry-After": str(exc.retry_after_seconds)} if isinstance(exc, LockedOut) else {}
    return JSONResponse(error_body(type(exc).__name__, exc.detail), status_code=exc.status_code,
                        headers=headers)


def _token(token: str) -> TokenRead:
    return TokenRead(access_token=token, expires_in=get_settings().session_hours * 3600)


@auth.post("/auth/token", response_model=TokenRead, responses=_REFUSALS,
           summary="Exchange e-mail and password for a token", dependencies=[require("public")])
def issue_token(body: TokenRequest, request: Request, session: SessionDep) -> Any:
    """A staff bearer token for API calls; valid for `KETE_SESSION_HOURS` hours. After a few
    failures each further try on the account waits longer (up to a minute), and an address
    with very many failures waits too: 429 with `Retry-After`."""
    try:
        member = logins.staff_login(session, email=body.email, password=body.password,
                                    address=client_address(request))
    except (NotAuthenticated, LockedOut) as exc:
        return refusal(exc)
    return _token(service.start_session(session, staff=member, kind="bearer")[0])


@auth.post("/auth/student", response_model=TokenRead, responses=_REFUSALS,
           summary="Student log-in with school code, student number and their own password",
           dependencies=[require("public")])
def issue_student_token(body: StudentTokenRequest, request: Request,
                        session: SessionDep) -> Any:
    """A student bearer token. It reaches only the student's own things, never staff
    endpoints. Each student has their own password (on the log-in card from their teacher);
    a class code does not log anyone in. Failures are throttled as for staff."""
    try:
        student = logins.student_login(
            session, school_code=body.school_code, student_number=body.student_number,
            password=body.password, address=client_address(request))
    except (NotAuthenticated, LockedOut) as exc:
        return refusal(exc)
    token, _ = logins.start_student_session(session, student=student, kind="bearer")
    return _token(token)


@auth.delete("/auth/token", status_code=204, summary="Revoke this bearer token (log out)")
def revoke_token(session: SessionDep, caller: Annotated[Caller, require("session:self")]
                 ) -> None:
    """Ends the log-in the request was made with (staff or student, token or cookie): the
    token stops working at once. Cookie log-ins must send `X-CSRF-Token`."""
    if isinstance(caller.login, AuthSession):
        service.end_login(session, login=caller.login)
    elif isinstance(caller.login, StudentSession):
        logins.end_student_login(session, login=caller.login)


@auth.get("/auth/me", response_model=StaffRead, summary="The account behind this token")
def me(caller: Annotated[Caller, require("account:self")]) -> StaffRead:
    assert caller.staff is not None
    return StaffRead.of(caller.staff)


@auth.post("/auth/password", status_code=204, summary="Change one's own password")
def change_password(body: PasswordChange, session: SessionDep,
                    caller: Annotated[Caller, require("account:self")]) -> None:
    """Every other log-in of the account (browser sessions and bearer tokens) ends; the one
    making this request stays. Audited."""
    assert caller.staff is not None
    staff.change_own_password(session, caller=caller, current=body.current_password,
                              new=body.new_password)


@auth.get("/student/me", response_model=StudentHome, tags=["students"],
          summary="A logged-in student's own page: their classes and tests")
def student_home(caller: Annotated[Caller, require("student:self")]) -> StudentHome:
    assert caller.student is not None
    return students.home(caller.student)


router = APIRouter(route_class=StepRoute)
for _child in (auth, admin_router, students_router, classes_router, student_pages_router,
               class_pages_router):
    router.include_router(_child)
