"""Impact cycle pages: the team's cycles side by side, planning a cycle, and a cycle's
result once its post-test is scored."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import select

from app.db import SessionDep, StepRoute
from app.errors import AppError, InvalidInput
from app.impact import cycles, results, scope, service, views
from app.impact.models import ImpactCycle
from app.impact.pages import Format, report
from app.impact.schemas import RowId
from app.itembank.curricula import get_all_subjects
from app.itembank.models import Objective, Subject
from app.people import policy
from app.people.dependencies import Caller
from app.people.models import AuthSession, ClassGroup, Staff
from app.people.policy import check_csrf, require_page
from app.ui import flash
from app.ui.templates import templates

router = APIRouter(include_in_schema=False, route_class=StepRoute)
ReadPage = Annotated[AuthSession, require_page("cycles:read")]
WritePage = Annotated[AuthSession, require_page("cycles:write")]


def card(session: SessionDep, caller: Caller, cycle: ImpactCycle) -> dict[str, Any]:
    """What a cycle's card shows: who, which class, when, and d once it is known."""
    room = session.get(ClassGroup, cycle.class_id)
    result = cycles.outcome(session, cycle=cycle)
    return {"cycle": cycle, "room": room, "outcome": result}


@router.get("/cycles", response_class=HTMLResponse)
def cycles_page(request: Request, session: SessionDep, login: ReadPage) -> Response:
    """My cycles, my teams' cycles side by side, and (leaders) every cycle of the school."""
    caller = Caller.of_staff(login.staff)
    every = [card(session, caller, c) for c in cycles.get_all(session, caller=caller)]
    teams = cycles.teams_of(session, caller=caller)
    by_team = [(t, [c for c in every if c["cycle"].team_id == t.id]) for t in teams]
    mine = [c for c in every if c["cycle"].created_by_id == login.staff.id]
    colleagues = list(session.scalars(select(Staff).where(
        Staff.school_id == (login.staff.school_id or -1), Staff.is_active,
        Staff.role.in_(("leader", "teacher")), Staff.id != login.staff.id).order_by(Staff.name)))
    return templates_response(request, "impact/cycles.html", {
        "login": login, "mine": mine, "by_team": by_team, "every": every,
        "colleagues": colleagues, "leading": login.staff.role in scope.LEADING})


@router.post("/cycles/teams")
def create_team(session: SessionDep, login: WritePage, csrf: Annotated[str, Form(max_length=100)],
                name: Annotated[str, Form(max_length=100)] = "",
                member_ids: Annotated[list[RowId] | None, Form()] = None) -> Response:
    check_csrf(login, csrf)
    try:
        team = cycles.create_team(session, caller=Caller.of_staff(login.staff), name=name,
                                  member_ids=member_ids or [])
        message = f"Team {team.name!r} made: its members see each other's cycles."
    except AppError as exc:
        message = exc.detail
    return flash.redirect("/cycles", message)


@router.get("/cycles/new", response_class=HTMLResponse)
def new_cycle(request: Request, session: SessionDep, login: WritePage,
              class_id: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
              subject: Annotated[str | None, Query(max_length=40)] = None) -> Response:
    """The planning form: objectives, success criteria, dates, and the tests' length."""
    return _plan_form(request, session, login, {"class_id": class_id, "subject": subject})


def _plan_form(request: Request, session: SessionDep, login: AuthSession,
               chosen: dict[str, Any], error: str | None = None, status: int = 200) -> Response:
    caller = Caller.of_staff(login.staff)
    rooms = [r for r in scope.get_classes(session, caller=caller)
             if policy.may_write_class(caller, r)]
    subjects = get_all_subjects(session)
    code = chosen.get("subject") or "mathematics"
    subject = next((s for s in subjects if s.code == code), subjects[0] if subjects else None)
    subject_id = subject.id if subject else -1
    objectives = list(session.scalars(select(Objective).where(
        Objective.subject_id == subject_id).order_by(Objective.level, Objective.code)))
    today = date.today()
    defaults = {"starts_on": today + timedelta(days=7),
                "ends_on": today + timedelta(days=7 + 7 * 10), "duration_minutes": 30}
    return templates_response(request, "impact/cycle_new.html", {
        "login": login, "rooms": rooms, "subjects": subjects, "subject": subject,
        "objectives": objectives, "chosen": {**defaults, **{k: v for k, v in chosen.items()
                                                           if v is not None}},
        "groups": service.get_groups(session, caller=caller),
        "teams": cycles.teams_of(session, caller=caller), "error": error}, status=status)


@router.post("/cycles")
def create_cycle(request: Request, session: SessionDep, login: WritePage,
                 csrf: Annotated[str, Form(max_length=100)],
                 title: Annotated[str, Form(max_length=120)] = "",
                 class_id: Annotated[int | None, Form(ge=1, le=2**31 - 1)] = None,
                 subject: Annotated[str, Form(max_length=40)] = "mathematics",
                 objectives: Annotated[list[str] | None, Form()] = None,
                 success_criteria: Annotated[str, Form(max_length=4000)] = "",
                 starts_on: Annotated[date | None, Form()] = None,
                 ends_on: Annotated[date | None, Form()] = None,
                 duration_minutes: Annotated[int, Form(ge=8, le=60)] = 30,
                 group_id: Annotated[str, Form(max_length=12)] = "",
                 team_id: Annotated[str, Form(max_length=12)] = "") -> Response:
    """Plan the cycle and build its pre- and post-test together."""
    check_csrf(login, csrf)
    chosen: dict[str, Any] = {
        "title": title, "class_id": class_id, "subject": subject, "objectives": objectives or [],
        "success_criteria": success_criteria, "starts_on": starts_on, "ends_on": ends_on,
        "duration_minutes": duration_minutes, "group_id": _int(group_id),
        "team_id": _int(team_id)}
    try:
        if class_id is None or starts_on is None or ends_on is None:
            raise InvalidInput("Choose the class and both dates.")
        cycle = cycles.create(session, caller=Caller.of_staff(login.staff), plan=cycles.CyclePlan(
            title=title, class_id=class_id, subject=subject, objectives=objectives or [],
            success_criteria=success_criteria.splitlines(), starts_on=starts_on,
            ends_on=ends_on, duration_minutes=duration_minutes, group_id=_int(group_id),
            team_id=_int(team_id)))
    except AppError as exc:
        return _plan_form(request, session, login, chosen, error=exc.detail,
                          status=exc.status_code)
    room = session.get(ClassGroup, cycle.class_id)
    return flash.redirect(f"/cycles/{cycle.id}", (
        f"Cycle ‘{cycle.title}’ planned: its pre-test and a parallel post-test are built and "
        f"given to {room.name if room else 'the class'}, for {_day(cycle.starts_on)} and "
        f"{_day(cycle.ends_on)}."))


@router.get("/cycles/{cycle_id}", response_class=HTMLResponse)
def cycle_page(cycle_id: int, request: Request, session: SessionDep, login: ReadPage,
               format: Format = "html") -> Response:
    """The plan, the two tests, and — once the post-test is scored — the impact."""
    caller = Caller.of_staff(login.staff)
    cycle = cycles.get(session, caller=caller, cycle_id=cycle_id)
    result = cycles.outcome(session, cycle=cycle)
    subject = session.get(Subject, cycle.subject_id)
    objectives = dict(session.execute(select(Objective.code, Objective.text).where(
        Objective.subject_id == cycle.subject_id, Objective.code.in_(cycle.objectives))).all())
    team = [card(session, caller, c) for c in cycles.get_all(session, caller=caller)
            if cycle.team_id and c.team_id == cycle.team_id and c.id != cycle.id]
    scale = results.scale_info(session, cycle.subject_id)
    return report(request, "impact/cycle.html", {
        "login": login, "cycle": cycle, "room": session.get(ClassGroup, cycle.class_id),
        "scale": None if scale is None else scale.scale,
        "subject": subject, "objectives": objectives, "outcome": result, "team": team,
        "group": cycles.group_of(session, cycle),
        "quadrant": views.quadrant_chart(result.progress) if result.progress else None,
        "may_write": cycle.created_by_id == login.staff.id or login.staff.role in
        scope.LEADING, "pdf": format == "pdf"}, fmt=format, name=f"cycle-{cycle.id}")


@router.post("/cycles/{cycle_id}/reflection")
def save_reflection(cycle_id: int, session: SessionDep, login: WritePage,
                    csrf: Annotated[str, Form(max_length=100)],
                    reflection: Annotated[str, Form(max_length=4000)] = "") -> Response:
    """The teacher's (or team's) notes on what next."""
    check_csrf(login, csrf)
    cycle = cycles.get(session, caller=Caller.of_staff(login.staff), cycle_id=cycle_id)
    cycles.reflect(session, caller=Caller.of_staff(login.staff), cycle=cycle, text=reflection)
    saved = ("Notes saved: your colleagues see them on this cycle." if cycle.reflection
             else "Notes cleared: this cycle has no notes now.")
    return flash.redirect(f"/cycles/{cycle_id}#reflection", saved)


def templates_response(request: Request, name: str, context: dict[str, Any],
                       status: int = 200) -> Response:
    return templates.TemplateResponse(request, name, context, status_code=status)


def _day(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def _int(text: str | None) -> int | None:
    """A drop-down's id, or None when none (or no valid id) was chosen."""
    value = int(text) if text and text.strip().isdigit() else 0
    return value if 1 <= value < 2**31 else None
