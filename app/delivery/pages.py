"""Student pages: their open tests, starting or resuming one, the player, and handing it in.

The player page is server-rendered from the sitting's state (items without keys, saved
answers); ``/static/player.js`` saves each answer as it is given through the JSON API.
"""

from __future__ import annotations

from itertools import groupby
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from app.db import SessionDep, StepRoute
from app.delivery import player, sittings
from app.delivery.schemas import PlayerItem, PlayerState
from app.errors import NotPermitted
from app.people import students
from app.people.dependencies import Caller
from app.people.models import StudentSession
from app.people.policy import require_student_page
from app.people.security import same
from app.ui.templates import templates

router = APIRouter(prefix="/student", include_in_schema=False, route_class=StepRoute)
StudentLogin = Annotated[StudentSession, require_student_page()]


def _to(path: str) -> RedirectResponse:
    return RedirectResponse(path, status_code=303)


def _check(login: StudentSession, csrf: str) -> None:
    if not same(csrf, login.csrf_token):
        raise NotPermitted("This page has expired; go back to your tests and try again.")


@router.get("", response_class=HTMLResponse)
def home(request: Request, session: SessionDep, login: StudentLogin) -> Response:
    """The student's home page: a greeting and the tests open to them."""
    home = students.home(login.student)
    home.tests = [t.model_dump() for t in sittings.open_assignments(session,
                                                                    student=login.student)]
    context = {"student_login": login, "home": home}
    return templates.TemplateResponse(request, "student_home.html", context)


@router.post("/tests/{assignment_id}/start")
def start(assignment_id: int, session: SessionDep, login: StudentLogin,
          csrf: Annotated[str, Form(max_length=100)]) -> Response:
    _check(login, csrf)
    sitting = sittings.start(session, student=login.student, assignment_id=assignment_id)
    return _to(f"/student/sittings/{sitting.id}")


@router.get("/sittings/{sitting_id}", response_class=HTMLResponse)
def sit(sitting_id: int, request: Request, session: SessionDep,
        login: StudentLogin) -> Response:
    sitting = sittings.get_sitting(session, caller=Caller.of_student(login.student),
                                   sitting_id=sitting_id)
    if sitting.status != "in_progress":
        return _to(f"/student/results/{sitting.id}")
    state = player.state(session, sitting=sitting)
    context = {"student_login": login, "state": state, "sections": sections(state),
               "saved": {a.item_id: a for a in state.answers},
               # "<" escaped so a typed answer can never close the <script> it sits in
               "state_json": state.model_dump_json(include={
                   "sitting_id", "answers", "last_seq", "remaining_s", "adaptive"}).replace(
                   "<", "\\u003c")}
    return templates.TemplateResponse(request, "player.html", context)


@router.post("/sittings/{sitting_id}/submit")
def submit(sitting_id: int, session: SessionDep, login: StudentLogin,
           csrf: Annotated[str, Form(max_length=100)]) -> Response:
    _check(login, csrf)
    sitting = sittings.get_sitting(session, caller=Caller.of_student(login.student),
                                   sitting_id=sitting_id, lock="update")
    sittings.submit(session, sitting=sitting, scoring="queued")
    return _to(f"/student/results/{sitting.id}")


def sections(state: PlayerState) -> list[dict[str, Any]]:
    """Attitude items, then the test; within each, runs of items sharing a passage."""
    passages = {p.id: p for p in state.passages}
    out = []
    for section, items in groupby(state.items, key=lambda i: i.section):
        groups: list[dict[str, Any]] = []
        for passage_id, run in groupby(items, key=lambda i: i.passage_id):
            run_items: list[PlayerItem] = list(run)
            groups.append({"passage": passages.get(passage_id) if passage_id else None,
                           "items": run_items})
        out.append({"name": section, "groups": groups})
    return out
