"""Psychometricians' pages: calibration runs, their review, and approval."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from app.calibration import review, runs
from app.db import SessionDep
from app.errors import AppError
from app.pages import PageLogin, templates
from app.people.security import same

router = APIRouter(include_in_schema=False)


@router.get("/calibration/runs", response_class=HTMLResponse)
def run_list(request: Request, session: SessionDep, login: PageLogin) -> Response:
    if login is None:
        return RedirectResponse("/login", status_code=303)
    return templates.TemplateResponse(request, "calibration_runs.html",
                                      {"login": login, "runs": runs.get_all(session)})


@router.get("/calibration/runs/{run_id}", response_class=HTMLResponse)
def run_review(run_id: int, request: Request, session: SessionDep, login: PageLogin) -> Response:
    if login is None:
        return RedirectResponse("/login", status_code=303)
    try:
        run = runs.get(session, run_id=run_id)
    except AppError:
        return templates.TemplateResponse(request, "not_found.html", {
            "login": login, "what": f"calibration run {run_id}"}, status_code=404)
    context = {"login": login, **review.review(session, run)}
    return templates.TemplateResponse(request, "calibration_review.html", context)


@router.post("/calibration/runs/{run_id}/approve")
def run_approve(run_id: int, session: SessionDep, login: PageLogin,
                csrf: Annotated[str, Form(max_length=100)]) -> Response:
    if login is None or not same(csrf, login.csrf_token):
        return RedirectResponse("/login", status_code=303)
    runs.approve(session, run=runs.get(session, run_id=run_id))
    return RedirectResponse(f"/calibration/runs/{run_id}", status_code=303)
