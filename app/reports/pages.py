"""Teachers' and leaders' pages: their classes, assigning tests, and the reports.

Every report is HTML by default and the same template as an A4 PDF with ``?format=pdf``.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Annotated, Literal

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.assembly.models import Form as TestForm
from app.db import SessionDep, StepRoute, utcnow
from app.delivery import sittings
from app.delivery.schemas import AssignmentCreate
from app.errors import AppError, InvalidInput
from app.people import classes, policy
from app.people.dependencies import Caller
from app.people.models import AuthSession
from app.people.policy import check_csrf, require_page
from app.reports import group, individual, printing, service
from app.reports import jobs as report_jobs
from app.ui import flash
from app.ui.templates import templates

router = APIRouter(include_in_schema=False, route_class=StepRoute)
ClassPage = Annotated[AuthSession, require_page("classes:read")]
AssignPage = Annotated[AuthSession, require_page("forms:write")]
Format = Annotated[Literal["html", "pdf"], Query(description="html or pdf")]


def _pdf(body: bytes, name: str) -> Response:
    return Response(body, media_type="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="{name}.pdf"'})


@router.get("/classes", response_class=HTMLResponse)
def class_list(request: Request, session: SessionDep, login: ClassPage) -> Response:
    caller = Caller.of_staff(login.staff)
    rooms = classes.get_all(session, caller=caller, mine=caller.role == "teacher")
    return templates.TemplateResponse(request, "classes.html", {"login": login, "rooms": rooms})


@router.get("/classes/{class_id}", response_class=HTMLResponse)
def class_page(class_id: int, request: Request, session: SessionDep, login: ClassPage,
               form_id: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None) -> Response:
    caller = Caller.of_staff(login.staff)
    try:
        room = classes.get(session, caller=caller, class_id=class_id)
    except AppError:
        return templates.TemplateResponse(request, "not_found.html", {
            "login": login, "what": f"class {class_id}",
            "back": ("/classes", "Back to your classes")}, status_code=404)
    given = sittings.assignments_of_class(session, caller=caller, class_id=class_id)
    counts = {a.id: sittings.status_counts(session, a) for a in given}
    accepted = _accepted_tests(session, room.school_id, login.staff.id)
    chosen = form_id if any(f.id == form_id for f in accepted) else (
        accepted[0].id if accepted else None)
    scored = [a for a in given if counts[a.id].get("scored")]
    a_sittings = {a.id: sittings.sittings_of(session, assignment=a) for a in given}
    return templates.TemplateResponse(request, "class.html", {
        "login": login, "room": room, "assignments": given, "counts": counts,
        "a_sittings": a_sittings,
        "accepted": accepted, "chosen": chosen,
        "today": utcnow().date(), "closes_default": utcnow().date() + timedelta(days=14),
        "durations": {f.id: _offered_minutes(f) for f in accepted},
        "may_see_logins": policy.may_see_logins(caller, room),
        "progress": _progress_pair(scored)})


def _offered_minutes(form: TestForm) -> int | None:
    """The time limit offered when giving a test: the time it was built for plus the minutes
    its unscored trial questions take (kept apart by :mod:`app.assembly.seeding`), so the
    scored questions keep the time the teacher asked for."""
    asked = (form.request or {}).get("duration_minutes")
    if not asked:
        return None
    trial_s = float((form.summary or {}).get("trial_time_s") or 0)
    return int(asked) + -(-int(trial_s) // 60)


def _accepted_tests(session: Session, school_id: int, staff_id: int) -> list[TestForm]:
    """The school's accepted tests, the teacher's own first (newest first within each)."""
    rows = session.scalars(select(TestForm).where(
        TestForm.status == "accepted", TestForm.school_id == school_id)
        .order_by(TestForm.id.desc()))
    return sorted(rows, key=lambda f: f.created_by_id != staff_id)


def _window(opens: date | None, closes: date | None, days: int) -> tuple[datetime, datetime]:
    """Opening now (or at the start of a later day) until the end of the closing day (or
    ``days`` after opening)."""
    now = utcnow()
    start = (now if opens is None or opens <= now.date()
             else datetime.combine(opens, time.min, tzinfo=now.tzinfo))
    end = (datetime.combine(closes, time(23, 59, 59), tzinfo=now.tzinfo) if closes is not None
           else start + timedelta(days=days))
    return start, end


@router.post("/classes/{class_id}/assign")
def assign(class_id: int, session: SessionDep, login: AssignPage,
           csrf: Annotated[str, Form(max_length=100)],
           form_id: Annotated[int | None, Form(ge=1, le=2**31 - 1)] = None,
           opens: Annotated[date | None, Form()] = None,
           closes: Annotated[date | None, Form()] = None,
           days: Annotated[int, Form(ge=1, le=60)] = 14,
           minutes: Annotated[int | None, Form(ge=1, le=240)] = None,
           mode: Annotated[Literal["screen", "paper"], Form()] = "screen") -> Response:
    check_csrf(login, csrf)
    try:
        if form_id is None:
            raise InvalidInput("Choose an accepted test to give.")
        start, end = _window(opens, closes, days)
        if end <= start:
            raise InvalidInput("The window must close after it opens: choose a later "
                               "closing day.")
        data = AssignmentCreate(form_id=form_id, class_id=class_id, opens_at=start,
                                closes_at=end, time_limit_minutes=minutes, mode=mode)
        sittings.assign(session, caller=Caller.of_staff(login.staff), data=data)
        when = ("when they log in" if start <= utcnow() else
                f"from {start:%-d %B}")
        message = (f"Assigned: students see it {when}, until {end:%-d %B}"
                   + (f", with {minutes} minutes each once they start." if minutes else "."))
    except (AppError, ValidationError) as exc:
        message = exc.detail if isinstance(exc, AppError) else "Check the dates and time."
    return flash.redirect(f"/classes/{class_id}", message)


@router.get("/reports/sittings/{sitting_id}")
def individual_report(sitting_id: int, session: SessionDep, login: ClassPage,
                      format: Format = "html") -> Response:
    """A student's Individual Learning Pathway."""
    sitting = sittings.get_sitting(session, caller=Caller.of_staff(login.staff),
                                   sitting_id=sitting_id)
    view = service.pathway_view(session, sitting)
    if format == "pdf":
        html = individual.render_individual_html(view, pdf_version=True)
        key = f"pathway:{sitting_id}"
        body = (printing.cached(session, key=key, html=html)
                or printing.print_and_keep(session, key=key, html=html))
        return _pdf(body, f"pathway-{sitting_id}")
    assignment = sitting.assignment
    nav = [(f"/classes/{assignment.class_id}", "← Class"),
           (f"/reports/assignments/{assignment.id}", "Class report"),
           (None, "Learning pathway")]
    if sitting.student_id is not None:
        nav.append((f"/students/{sitting.student_id}", "Record over time"))
    nav.append((f"/progress?class_id={assignment.class_id}", "Progress"))
    return HTMLResponse(individual.render_individual_html(
        view, login=login, nav=nav, pdf_href=f"/reports/sittings/{sitting_id}?format=pdf"))


@router.get("/reports/assignments/{assignment_id}")
def class_report(assignment_id: int, request: Request, session: SessionDep, login: ClassPage,
                 format: Format = "html") -> Response:
    """The class report for one assigned test. Its PDF is kept until the report changes; a
    big class's PDF is printed by a background job while this page waits and reloads."""
    caller = Caller.of_staff(login.staff)
    assignment = sittings.get_assignment(session, caller=caller, assignment_id=assignment_id)
    classes.get(session, caller=caller, class_id=assignment.class_id)
    view = service.class_view(session, assignment)
    if format != "pdf":
        nav = [(f"/classes/{assignment.class_id}", "← Class"), (None, "Class report"),
               (f"/progress?class_id={assignment.class_id}", "Progress"),
               (f"/groups?class_id={assignment.class_id}", "Groups")]
        return HTMLResponse(group.render_class_html(
            view, login=login, nav=nav,
            pdf_href=f"/reports/assignments/{assignment_id}?format=pdf"))
    html = group.render_class_html(view, pdf_version=True)
    key = f"class:{assignment_id}"
    body = printing.cached(session, key=key, html=html)
    if body is None and view.n > printing.INLINE_STUDENTS:
        report_jobs.print_class_report(assignment_id)
        return templates.TemplateResponse(request, "reports/printing.html", {
            "login": login, "view": view, "back": f"/reports/assignments/{assignment_id}"},
            status_code=202, headers={"Retry-After": "3"})
    return _pdf(body or printing.print_and_keep(session, key=key, html=html),
                f"class-{assignment_id}")


def _progress_pair(scored: list) -> tuple | None:
    """The class's first and latest scored tests of the latest test's subject (the progress
    page opens on them; any two can be chosen there)."""
    if not scored:
        return None
    same = [a for a in scored if a.form.subject_id == scored[0].form.subject_id]
    return (same[-1], same[0]) if len(same) >= 2 else None
