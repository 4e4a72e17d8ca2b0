"""Class pages for its teachers: print log-in cards, give one student a new password.

Both set fresh passwords (only hashes are kept) and are for the class's teachers only
(:func:`app.people.policy.may_see_logins`), checked by the services they call.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from app.db import SessionDep, StepRoute
from app.people import audit, audit_words, classes, student_logins, students
from app.people.classes_router import NO_STORE, login_url
from app.people.dependencies import Caller
from app.people.models import AuthSession
from app.people.policy import check_csrf, require_page
from app.ui.templates import templates

router = APIRouter(include_in_schema=False, route_class=StepRoute)
LoginsPage = Annotated[AuthSession | None, require_page("classes:logins")]


def _checked(login: AuthSession, csrf: str) -> Caller:
    check_csrf(login, csrf)
    return Caller.of_staff(login.staff, login)


@router.post("/classes/{class_id}/login-cards")
def login_cards(class_id: int, request: Request, session: SessionDep, login: LoginsPage,
                csrf: Annotated[str, Form(max_length=100)]) -> Response:
    """Fresh passwords for the whole class, as cards to print and cut out (PDF)."""
    if login is None:
        return RedirectResponse("/login", status_code=303)
    caller = _checked(login, csrf)
    group = classes.get(session, caller=caller, class_id=class_id)
    rows = student_logins.set_class_passwords(session, caller=caller, group=group,
                                              purpose="cards")
    pdf = student_logins.cards_pdf(group, rows, login_url=login_url(request))
    return Response(pdf, media_type="application/pdf", headers={
        **NO_STORE, "Content-Disposition": f'inline; filename="login-cards-{class_id}.pdf"'})


@router.post("/classes/{class_id}/students/{student_id}/password",
             response_class=HTMLResponse)
def new_password(class_id: int, student_id: int, request: Request, session: SessionDep,
                 login: LoginsPage, csrf: Annotated[str, Form(max_length=100)]) -> Response:
    """One student's new password, shown once on a page the teacher can print."""
    if login is None:
        return RedirectResponse("/login", status_code=303)
    caller = _checked(login, csrf)
    group = classes.get(session, caller=caller, class_id=class_id)
    student = students.get(session, caller=caller, student_id=student_id)
    fresh = student_logins.reset_student(session, caller=caller, student=student)
    response = templates.TemplateResponse(request, "student_password.html", {
        "login": login, "room": group, "fresh": fresh, "login_url": login_url(request)})
    response.headers.update(NO_STORE)
    return response


@router.get("/audit", response_class=HTMLResponse)
def audit_page(request: Request, session: SessionDep,
               login: Annotated[AuthSession, require_page("audit:read")],
               action: Annotated[str | None, Query(max_length=60)] = None) -> Response:
    """The school's audit trail for its leaders (admins: everything), newest first."""
    caller = Caller.of_staff(login.staff, login)
    events = audit.get_all(session, caller=caller, action=action or None, limit=500)
    return templates.TemplateResponse(request, "audit.html", {
        "login": login, "rows": audit_words.describe(session, events), "action": action or "",
        "filters": audit_words.FILTERS})
