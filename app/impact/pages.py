"""Impact pages: a student's record, progress between two chosen tests, the leader's console
and teachers' groups. Each report page is HTML, and the same template as an A4 PDF with
``?format=pdf``; errors are pages (a refused comparison is explained beside the chooser)."""

from __future__ import annotations

from typing import Annotated, Any, Literal
from urllib.parse import quote

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from app.db import SessionDep, StepRoute
from app.errors import AppError, InvalidInput
from app.impact import record, school, scope, service, views
from app.impact.progress import ProgressRefused
from app.impact.schemas import RowId
from app.itembank.curricula import get_all_subjects, get_subject
from app.people.dependencies import Caller
from app.people.models import AuthSession
from app.people.policy import check_csrf, require_page
from app.ui import flash, pdf
from app.ui.templates import render, templates

router = APIRouter(include_in_schema=False, route_class=StepRoute)
ResultsPage = Annotated[AuthSession, require_page("results:read")]
GroupsPage = Annotated[AuthSession, require_page("groups:write")]
Format = Annotated[Literal["html", "pdf"], Query(description="html or pdf")]
Id = Annotated[int | None, Query(ge=1, le=2**31 - 1)]
Choice = Annotated[str | None, Query(max_length=12)]
"""A chosen id from a form's drop-down; "" is the drop-down's "none chosen"."""


def chosen_id(name: str, text: str | None) -> int | None:
    """A drop-down's id: None when nothing was chosen; a clear error when it is no id."""
    if text is None or not text.strip():
        return None
    if not text.strip().isdigit() or not 1 <= int(text) < 2**31:
        raise InvalidInput(f"{name} must be the number of a test or group; choose again.")
    return int(text)


def report(request: Request, template: str, context: dict[str, Any], *, fmt: str = "html",
           name: str = "report", status: int = 200) -> Response:
    """A report page, or the same template printed as an A4 PDF."""
    if fmt == "pdf":
        html = render(template, **{**context, "pdf": True})
        return Response(pdf.render_pdf(html), media_type="application/pdf",
                        headers={"Content-Disposition": f'inline; filename="{name}.pdf"'})
    return templates.TemplateResponse(request, template, context, status_code=status)


@router.get("/students/{student_id}", response_class=HTMLResponse)
def record_page(student_id: int, request: Request, session: SessionDep, login: ResultsPage,
                format: Format = "html") -> Response:
    """A student's record: every result over time, on one scale per subject."""
    caller = Caller.of_staff(login.staff)
    student = scope.get_student(session, caller=caller, student_id=student_id)
    rec = record.build(session, student=student)
    rooms = [c for c in student.classes if c.school_id == student.school_id]
    return report(request, "impact/record.html", {
        "login": login, "record": rec, "charts": views.record_charts(rec), "rooms": rooms,
        "pdf": format == "pdf"}, fmt=format, name=f"record-{student.student_number}")


@router.get("/progress", response_class=HTMLResponse)
def progress_page(request: Request, session: SessionDep, login: ResultsPage,
                  from_assignment: Choice = None, to_assignment: Choice = None,
                  class_id: Choice = None, group_id: Choice = None,
                  format: Format = "html") -> Response:
    """Choose two tests of one subject; see d with its interval and each student's gain."""
    return _progress(request, session, login, chosen_id("from_assignment", from_assignment),
                     chosen_id("to_assignment", to_assignment), chosen_id("class_id", class_id),
                     chosen_id("group_id", group_id), format)


def _progress(request: Request, session: SessionDep, login: AuthSession,
              from_assignment: int | None, to_assignment: int | None, class_id: int | None,
              group_id: int | None, format: str) -> Response:
    caller = Caller.of_staff(login.staff)
    room = scope.get_class(session, caller=caller, class_id=class_id) if class_id else None
    context: dict[str, Any] = {
        "login": login, "room": room, "choices": views.test_choices(
            session, caller=caller, class_id=class_id),
        "groups": service.get_groups(session, caller=caller), "chosen": {
            "from": from_assignment, "to": to_assignment, "group": group_id},
        "progress": None, "refusal": None, "pdf": format == "pdf"}
    status = 200
    if from_assignment and to_assignment:
        try:
            progress = service.progress_between(
                session, caller=caller, from_assignment=from_assignment,
                to_assignment=to_assignment, group_id=group_id)
            context.update(progress=progress, quadrant=views.quadrant_chart(progress),
                           effect=views.effect_chart([("This group", progress)],
                                                     chart_id="effect", title="Effect size"))
        except ProgressRefused as exc:
            context["refusal"], status = exc.detail, exc.status_code
            format = "html"
    elif from_assignment or to_assignment:
        context["refusal"], status = "Choose both tests: an earlier one and a later one.", 422
    return report(request, "impact/progress.html", context, fmt=format, status=status,
                  name=f"progress-{from_assignment}-{to_assignment}")


@router.get("/reports/progress")
def old_progress_link(_login: ResultsPage, pre: Id = None, post: Id = None) -> Response:
    """Links to the old progress report land on the progress page with the same two tests."""
    query = f"?from_assignment={pre}&to_assignment={post}" if pre and post else ""
    return RedirectResponse(f"/progress{query}", status_code=303)


@router.get("/groups", response_class=HTMLResponse)
def groups_page(request: Request, session: SessionDep, login: GroupsPage,
                class_id: Id = None) -> Response:
    """The teacher's groups, and a form to make one from a class's students."""
    caller = Caller.of_staff(login.staff)
    rooms = scope.get_classes(session, caller=caller)
    room = next((r for r in rooms if r.id == class_id), rooms[0] if rooms else None)
    return templates.TemplateResponse(request, "impact/groups.html", {
        "login": login, "groups": service.get_groups(session, caller=caller), "rooms": rooms,
        "room": room})


@router.post("/groups")
def create_group(session: SessionDep, login: GroupsPage,
                 csrf: Annotated[str, Form(max_length=100)],
                 name: Annotated[str, Form(max_length=100)] = "",
                 student_ids: Annotated[list[RowId] | None, Form()] = None,
                 class_id: Annotated[int | None, Form(ge=1, le=2**31 - 1)] = None) -> Response:
    check_csrf(login, csrf)
    try:
        group = service.create_group(session, caller=Caller.of_staff(login.staff), name=name,
                                     student_ids=student_ids or [])
        message = f"Group {group.name!r} made with {len(group.students)} students."
    except AppError as exc:
        message = exc.detail
    return flash.redirect(f"/groups?class_id={class_id}" if class_id else "/groups", message)


@router.get("/console", response_class=HTMLResponse)
def console_page(request: Request, session: SessionDep,
                 login: Annotated[AuthSession, require_page("results:school")],
                 subject: Annotated[str | None, Query(max_length=40)] = None,
                 year: Annotated[int | None, Query(ge=2000, le=2100)] = None,
                 term: Annotated[int | None, Query(ge=1, le=4)] = None,
                 year_level: Annotated[int | None, Query(ge=1, le=13)] = None,
                 class_id: Id = None, format: Format = "html",
                 when: Annotated[str | None, Query(pattern=r"^\d{4}-[1-4]$")] = None) -> Response:
    """The school's results by year level, class and student groups; drill down by year
    level and class to each student."""
    caller = Caller.of_staff(login.staff)
    subjects = get_all_subjects(session)
    if not subjects:
        raise InvalidInput("There are no subjects yet.")
    chosen = next((s for s in subjects if s.code == subject), None) or next(
        (s for s in subjects if s.code == "mathematics"), subjects[0])
    room = scope.get_class(session, caller=caller, class_id=class_id) if class_id else None
    if when:
        year, term = (int(part) for part in when.split("-"))
    occasion = (year, term) if year and term else None
    data = school.view(session, caller=caller, subject=chosen, occasion=occasion,
                        year_level=year_level, class_id=class_id)
    effects = [(g.label, g.progress) for g in data.breakdowns.get("Year level", []) + (
        data.breakdowns.get("Class", []) if year_level else []) if g.progress]
    return report(request, "impact/console.html", {
        "login": login, "view": data, "subjects": subjects, "year_level": year_level,
        "room": room, "distribution": views.year_distribution(data),
        "effects": views.effect_chart(effects, chart_id="cohort-d",
                                      title="Progress this year by group") if effects else None,
        "may_set_targets": login.staff.role in ("admin", "leader"),
        "pdf": format == "pdf"}, fmt=format, name=f"console-{chosen.code}")


TargetsPage = Annotated[AuthSession, require_page("targets:write")]


@router.post("/console/targets")
def set_target(session: SessionDep, login: TargetsPage, csrf: Annotated[str, Form(max_length=100)],
               subject: Annotated[str, Form(max_length=40)],
               year: Annotated[int, Form(ge=2000, le=2100)],
               kind: Annotated[Literal["at_expected", "mean_d"], Form()],
               value: Annotated[float, Form(ge=-1, le=100)],
               year_level: Annotated[str, Form(max_length=2)] = "",
               note: Annotated[str, Form(max_length=500)] = "") -> Response:
    """Set a year level's (or the school's) target; a share is given in percent."""
    check_csrf(login, csrf)
    level = int(year_level) if year_level.strip().isdigit() else None
    amount = value / 100 if kind == "at_expected" else value
    try:
        school.set_target(session, caller=Caller.of_staff(login.staff),
                          subject=get_subject(session, code=subject), year=year,
                          year_level=level, kind=kind, value=amount, note=note)
        message = "Target saved."
    except AppError as exc:
        message = exc.detail
    return flash.redirect(f"/console?subject={quote(subject)}#targets", message)


@router.post("/console/targets/{target_id}/delete")
def delete_target(target_id: int, session: SessionDep, login: TargetsPage,
                  csrf: Annotated[str, Form(max_length=100)],
                  subject: Annotated[str, Form(max_length=40)] = "") -> Response:
    check_csrf(login, csrf)
    target = school.delete_target(session, caller=Caller.of_staff(login.staff),
                                  target_id=target_id)
    return flash.redirect(f"/console?subject={quote(subject)}#targets",
                          f"Target removed: {school.target_label(target)} ({target.school_year}).")
