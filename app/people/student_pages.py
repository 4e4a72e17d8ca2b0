"""Student pages: log in with school code, student number and class code; "your tests".

The student cookie is separate from the staff cookie; the log-in form is protected by a
double-submit CSRF cookie like the staff one, and log-out by the session's CSRF token.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from app.config import get_settings
from app.db import SessionDep, StepRoute
from app.delivery.sittings import open_assignments
from app.errors import NotAuthenticated
from app.people import logins, students
from app.people.dependencies import STUDENT_COOKIE
from app.people.models import StudentSession
from app.people.policy import require, require_student_page
from app.people.ratelimit import LockedOut
from app.people.security import new_token, same

templates = Jinja2Templates(directory=Path(__file__).resolve().parent.parent / "templates")
router = APIRouter(prefix="/student", include_in_schema=False, route_class=StepRoute)
LOGIN_CSRF_COOKIE = "kete_student_login_csrf"
StudentLogin = Annotated[StudentSession | None, require_student_page()]


def _to(path: str) -> RedirectResponse:
    return RedirectResponse(path, status_code=303)


@router.get("/login", response_class=HTMLResponse, dependencies=[require("public")])
def login_form(request: Request, error: Annotated[str | None, Query(max_length=20)] = None,
               until: Annotated[str | None, Query(pattern=r"^\d\d:\d\d$")] = None) -> Response:
    csrf = new_token()
    response = templates.TemplateResponse(request, "student_login.html",
                                          {"csrf": csrf, "error": error, "until": until})
    response.set_cookie(LOGIN_CSRF_COOKIE, csrf, httponly=True, samesite="strict")
    return response


@router.post("/login", dependencies=[require("public")])
def login(request: Request, session: SessionDep,
          school_code: Annotated[str, Form(max_length=20)],
          student_number: Annotated[str, Form(max_length=40)],
          class_code: Annotated[str, Form(max_length=12)],
          csrf: Annotated[str, Form(max_length=100)]) -> Response:
    cookie = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    if not cookie or not same(cookie, csrf):
        return _to("/student/login?error=expired")
    try:
        student, group = logins.student_login(
            session, school_code=school_code, student_number=student_number,
            class_code=class_code, address=request.client.host if request.client else None)
    except LockedOut as exc:
        return _to(f"/student/login?error=locked&until={exc.retry_at:%H:%M}")
    except NotAuthenticated:
        return _to("/student/login?error=credentials")
    token, _ = logins.start_student_session(session, student=student, group=group,
                                            kind="cookie")
    response = _to("/student")
    response.set_cookie(STUDENT_COOKIE, token, httponly=True, samesite="lax",
                        secure=get_settings().environment == "production",
                        max_age=get_settings().session_hours * 3600)
    response.delete_cookie(LOGIN_CSRF_COOKIE)
    return response


@router.get("", response_class=HTMLResponse)
def home(request: Request, session: SessionDep, login: StudentLogin) -> Response:
    if login is None:
        return _to("/student/login")
    home = students.home(login.student)
    home.tests = [t.model_dump() for t in open_assignments(session, student=login.student)]
    context = {"student_login": login, "home": home}
    return templates.TemplateResponse(request, "student_home.html", context)


@router.post("/logout", dependencies=[require("public")])
def logout(request: Request, session: SessionDep,
           csrf: Annotated[str, Form(max_length=100)]) -> Response:
    token = request.cookies.get(STUDENT_COOKIE, "")
    login = logins.resolve_student(session, token=token, kind="cookie") if token else None
    if login is not None and same(csrf, login.csrf_token):
        logins.end_student_session(session, token=token)
    response = _to("/student/login")
    response.delete_cookie(STUDENT_COOKIE)
    return response
