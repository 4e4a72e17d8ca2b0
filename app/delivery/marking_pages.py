"""The teacher's marking queue page: open responses from their classes, marked one by one."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response

from app.db import SessionDep, StepRoute
from app.delivery import marking
from app.people.dependencies import Caller
from app.people.models import AuthSession
from app.people.policy import check_csrf, require_page
from app.ui import flash
from app.ui.templates import templates

router = APIRouter(include_in_schema=False, route_class=StepRoute)
MarkerPage = Annotated[AuthSession, require_page("classes:write")]


@router.get("/marking", response_class=HTMLResponse)
def queue_page(request: Request, session: SessionDep, login: MarkerPage) -> Response:
    entries = marking.queue(session, caller=Caller.of_staff(login.staff))
    return templates.TemplateResponse(request, "marking.html",
                                      {"login": login, "entries": entries})


@router.post("/marking/{answer_id}")
def mark(answer_id: int, session: SessionDep, login: MarkerPage,
         csrf: Annotated[str, Form(max_length=100)],
         score: Annotated[int, Form(ge=0, le=20)] = 0) -> Response:
    check_csrf(login, csrf)
    sitting = marking.mark(session, caller=Caller.of_staff(login.staff), answer_id=answer_id,
                           score=score)
    return flash.redirect("/marking", marking.marked_sentence(session, answer_id=answer_id,
                                                              sitting=sitting))
