"""Student pages: log in with school code, student number and their own password; "your tests".

``/student/login?class=CODE`` (a class's access code) names the class and fills in the school
code: a convenience for the whiteboard, never a secret. The student cookie is separate from
the staff cookie; the log-in form is protected by a double-submit CSRF cookie like the staff
one, and log-out needs the session's CSRF token.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from app.config import get_settings
from app.db import SessionDep, StepRoute
from app.errors import NotAuthenticated, NotPermitted
from app.people import classes, logins
from app.people.dependencies import STUDENT_COOKIE
from app.people.network import client_address
from app.people.policy import require
from app.people.ratelimit import LockedOut
from app.people.security import new_token, same
from app.ui.templates import templates

router = APIRouter(prefix="/student", include_in_schema=False, route_class=StepRoute)
LOGIN_CSRF_COOKIE = "kete_student_login_csrf"


def _to(path: str) -> RedirectResponse:
    return RedirectResponse(path, status_code=303)


@router.get("/login", response_class=HTMLResponse, dependencies=[require("public")])
def login_form(request: Request, session: SessionDep,
               error: Annotated[str | None, Query(max_length=20)] = None,
               until: Annotated[str | None, Query(pattern=r"^\d\d:\d\d(:\d\d)?$")] = None,
               class_code: Annotated[str | None, Query(alias="class", max_length=12)] = None,
               ) -> Response:
    csrf = new_token()
    room = classes.by_access_code(session, code=class_code) if class_code else None
    response = templates.TemplateResponse(request, "student_login.html", {
        "csrf": csrf, "error": error, "until": until, "room": room})
    response.set_cookie(LOGIN_CSRF_COOKIE, csrf, httponly=True, samesite="strict")
    return response


@router.post("/login", dependencies=[require("public")])
def login(request: Request, session: SessionDep,
          school_code: Annotated[str, Form(max_length=20)],
          student_number: Annotated[str, Form(max_length=40)],
          password: Annotated[str, Form(max_length=100)],
          csrf: Annotated[str, Form(max_length=100)]) -> Response:
    cookie = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    if not cookie or not same(cookie, csrf):
        return _to("/student/login?error=expired")
    try:
        student = logins.student_login(
            session, school_code=school_code, student_number=student_number,
            password=password, address=client_address(request))
    except LockedOut as exc:
        return _to(f"/student/login?error=locked&until={exc.retry_at:%H:%M:%S}")
    except NotAuthenticated:
        return _to("/student/login?error=credentials")
    token, _ = logins.start_student_session(session, student=student, kind="cookie")
    response = _to("/student")
    response.set_cookie(STUDENT_COOKIE, token, httponly=True, samesite="lax",
                        secure=get_settings().environment == "production",
                        max_age=get_settings().session_hours * 3600)
    response.delete_cookie(LOGIN_CSRF_COOKIE)
    return response


@router.post("/logout", dependencies=[require("public")])
def logout(request: Request, session: SessionDep,
           csrf: Annotated[str, Form(max_length=100)]) -> Response:
    token = request.cookies.get(STUDENT_COOKIE, "")
    login = logins.resolve_student(session, token=token, kind="cookie") if token else None
    if login is not None:
        if not same(csrf, login.csrf_token):
            raise NotPermitted("This page has expired; go back to your tests and log out "
                               "from there.")
        logins.end_student_login(session, login=login)
    response = _to("/student/login")
    response.delete_cookie(STUDENT_COOKIE)
    return response
