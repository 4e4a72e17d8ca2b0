"""Psychometricians' pages: calibration runs, their review, and approval."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from app.calibration import review, runs
from app.db import SessionDep, StepRoute
from app.errors import AppError
from app.people import audit
from app.people.dependencies import Caller
from app.people.models import AuthSession
from app.people.policy import check_csrf, require_page
from app.ui.templates import templates

router = APIRouter(include_in_schema=False, route_class=StepRoute)
ReaderPage = Annotated[AuthSession, require_page("calibrations:read")]
WriterPage = Annotated[AuthSession, require_page("calibrations:write")]


@router.get("/calibration/runs", response_class=HTMLResponse)
def run_list(request: Request, session: SessionDep, login: ReaderPage) -> Response:
    return templates.TemplateResponse(request, "calibration_runs.html",
                                      {"login": login, "runs": runs.get_all(session)})


@router.get("/calibration/runs/{run_id}", response_class=HTMLResponse)
def run_review(run_id: int, request: Request, session: SessionDep, login: ReaderPage) -> Response:
    try:
        run = runs.get(session, run_id=run_id)
    except AppError:
        return templates.TemplateResponse(request, "not_found.html", {
            "login": login, "what": f"calibration run {run_id}"}, status_code=404)
    context = {"login": login, **review.review(session, run)}
    return templates.TemplateResponse(request, "calibration_review.html", context)


@router.post("/calibration/runs/{run_id}/approve")
def run_approve(run_id: int, session: SessionDep, login: WriterPage,
                csrf: Annotated[str, Form(max_length=100)]) -> Response:
    check_csrf(login, csrf)
    calibration = runs.approve(session, run=runs.get(session, run_id=run_id))
    audit.record(session, actor=Caller.of_staff(login.staff), action="calibration.approve",
                 target=f"calibration-run:{run_id}", detail={"calibration": calibration.id})
    return RedirectResponse(f"/calibration/runs/{run_id}", status_code=303)
