"""A student's own pages after handing in: what went well, what to work on next, and their
own growth line over time. Only ever the student's own results."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import select

from app.db import SessionDep, StepRoute
from app.delivery import sittings
from app.delivery.models import Assignment
from app.delivery.results import Flag, ItemOutcome, Quadrant
from app.impact import record, results, views
from app.impact.results import ResultRow
from app.itembank.models import Objective
from app.people.dependencies import Caller
from app.people.models import Student, StudentSession
from app.people.policy import require_student_page
from app.ui.templates import templates

router = APIRouter(prefix="/student/results", include_in_schema=False, route_class=StepRoute)
StudentLogin = Annotated[StudentSession, require_student_page()]
SHOWN = 3


def own_rows(session: SessionDep, student: Student) -> list[ResultRow]:
    """The student's own scored results in their school, oldest first."""
    return results.rows(session, Student.id == student.id,
                        Assignment.school_id == student.school_id)


def went_well(row: ResultRow) -> list[ItemOutcome]:
    """Objectives of items right — harder ones (Strengths) first — that are not also among
    the things to work on next."""
    later = {q.objective for q in row.quadrants if not q.quadrant.correct}
    return _objectives(row, (Quadrant.STRENGTHS, Quadrant.ACHIEVED), leave_out=later)


def work_on(row: ResultRow) -> list[ItemOutcome]:
    """Objectives to learn next: those just beyond them (To be achieved, easiest first),
    then slips (Gaps)."""
    return _objectives(row, (Quadrant.TO_BE_ACHIEVED, Quadrant.GAPS))


def _objectives(row: ResultRow, order: tuple[Quadrant, ...],
                leave_out: set[str | None] | None = None) -> list[ItemOutcome]:
    seen: set[str | None] = set(leave_out or ())
    out = []
    for quadrant in order:
        items = sorted((q for q in row.quadrants if q.quadrant == quadrant and q.objective),
                       key=lambda q: (q.difficulty or 0.0) * (-1 if quadrant ==
                                                              Quadrant.STRENGTHS else 1))
        for q in items:
            if q.objective not in seen:
                seen.add(q.objective)
                out.append(q)
    return out[:SHOWN]


@router.get("", response_class=HTMLResponse)
def my_results(request: Request, session: SessionDep, login: StudentLogin) -> Response:
    """All the student's results and their growth line in each subject."""
    return _page(request, session, login, None)


@router.get("/{sitting_id}", response_class=HTMLResponse)
def after_hand_in(sitting_id: int, request: Request, session: SessionDep,
                  login: StudentLogin) -> Response:
    """The page a student sees after handing in a test."""
    sitting = sittings.get_sitting(session, caller=Caller.of_student(login.student),
                                   sitting_id=sitting_id)
    # handed in moments ago: the scoring job has not marked it yet (the page refreshes)
    scoring = sitting.status == "submitted" and sitting.automarked_at is None
    return _page(request, session, login, sitting.id, status=sitting.status, scoring=scoring)


def _page(request: Request, session: SessionDep, login: StudentSession, sitting_id: int | None,
          status: str | None = None, scoring: bool = False) -> Response:
    student = login.student
    rows = own_rows(session, student)
    this = next((r for r in rows if r.sitting_id == sitting_id), None)
    rec = record.build(session, student=student)
    lines = {s.subject: views.own_growth_chart(s, name=student.first_name)
             for s in rec.subjects}
    context: dict[str, Any] = {
        "student_login": login, "student": student, "this": this, "status": status,
        "well": went_well(this) if this else [], "next": work_on(this) if this else [],
        "texts": _texts(session, this), "rushed": bool(this and Flag.RAPID_GUESSING in
                                                       this.flags),
        "record": rec, "lines": lines, "waiting": sitting_id is not None and this is None,
        "scoring": scoring and this is None}
    return templates.TemplateResponse(request, "impact/student_results.html", context)


def _texts(session: SessionDep, row: ResultRow | None) -> dict[str, str]:
    if row is None:
        return {}
    codes = [q.objective for q in row.quadrants if q.objective]
    return dict(session.execute(select(Objective.code, Objective.text).where(
        Objective.subject_id == row.subject_id, Objective.code.in_(codes))).all())
