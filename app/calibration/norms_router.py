"""Norms: ``GET/POST /api/v1/norms`` and the ``/norms`` page."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from app.calibration import norm_sets
from app.calibration.norm_schemas import NormTableRead
from app.calibration.norms import TERM_WEEKS, NormPoint, NormTable
from app.db import SessionDep, StepRoute
from app.errors import AppError, InvalidInput
from app.people import audit
from app.people.dependencies import Caller
from app.people.models import AuthSession
from app.people.policy import check_csrf, require, require_page
from app.ui import flash
from app.ui.templates import templates

router = APIRouter(prefix="/api/v1", tags=["norms"], route_class=StepRoute)
pages = APIRouter(include_in_schema=False, route_class=StepRoute)
ReadNorms = Annotated[Caller, require("norms:read")]
WriteNorms = Annotated[Caller, require("norms:write")]
NormsPage = Annotated[AuthSession | None, require_page("norms:read")]
NormsWritePage = Annotated[AuthSession | None, require_page("norms:write")]
MAX_BYTES = 2_000_000


@router.get("/norms", response_model=list[NormTableRead], summary="The norms reports use")
def list_norms(session: SessionDep, _caller: ReadNorms) -> list[NormTableRead]:
    """Each subject's norms: imported ones with their source, or Kete's illustrative norms
    (derived from the calibration, not a national sample) with their assumptions."""
    return [NormTableRead.of(t) for _, _, t in norm_sets.get_all(session) if t is not None]


@router.post("/norms", response_model=list[NormTableRead], status_code=201,
             summary="Import norms from CSV (all or nothing)")
def import_norms(file: Annotated[UploadFile, File(description="subject,year_level,term,week,"
                                                  "mean,sd,n,source")],
                 session: SessionDep, caller: WriteNorms) -> list[NormTableRead]:
    """Each subject in the file gets these norms as its active norms. A file with any bad row
    is rejected (422) with every problem listed by row and field; nothing is written."""
    made = norm_sets.import_csv(session, _read(file), imported_by=caller.label)
    for norm_set in made:
        audit.record(session, actor=caller, action="norms.import",
                     target=f"norm-set:{norm_set.id}", detail={"source": norm_set.source})
    return [NormTableRead.of(t) for t in (norm_sets.table(session, subject_id=s.subject_id)
                                          for s in made) if t is not None]


@pages.get("/norms", response_class=HTMLResponse)
def norms_page(request: Request, session: SessionDep, login: NormsPage) -> Response:
    if login is None:
        return RedirectResponse("/login", status_code=303)
    subjects = [{"subject": s, "set": ns, "table": t, "grid": _grid(t) if t else None}
                for s, ns, t in norm_sets.get_all(session)]
    return templates.TemplateResponse(request, "calibration/norms.html", {
        "login": login, "subjects": subjects, "term_weeks": TERM_WEEKS,
        "may_import": login.staff.role in ("admin", "psychometrician")})


@pages.post("/norms/import")
def norms_import_page(request: Request, session: SessionDep, login: NormsWritePage,
                      csrf: Annotated[str, Form(max_length=100)],
                      file: Annotated[UploadFile | None, File()] = None) -> Response:
    if login is None:
        return RedirectResponse("/login", status_code=303)
    check_csrf(login, csrf)
    caller = Caller.of_staff(login.staff)
    try:
        if file is None:
            raise InvalidInput("Choose a norms CSV file to import.")
        made = norm_sets.import_csv(session, _read(file), imported_by=caller.label)
    except AppError as exc:
        return templates.TemplateResponse(request, "calibration/norms.html", {
            "login": login, "subjects": [], "error": exc.detail, "problems": exc.problems,
            "may_import": True, "term_weeks": TERM_WEEKS}, status_code=exc.status_code)
    for norm_set in made:
        audit.record(session, actor=caller, action="norms.import",
                     target=f"norm-set:{norm_set.id}", detail={"source": norm_set.source})
    return flash.redirect("/norms", "Imported.")


def _read(file: UploadFile) -> bytes:
    data = file.file.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise InvalidInput(f"A norms file may be at most {MAX_BYTES // 1_000_000} MB.")
    return data


def _grid(table: NormTable) -> dict:
    """Rows by year level, columns by week (terms first), for the page's table."""
    weeks = sorted({p.week for p in table.points})
    rows: dict[int, dict[int, NormPoint]] = {}
    for p in table.points:
        rows.setdefault(p.year_level, {})[p.week] = p
    return {"weeks": weeks, "rows": dict(sorted(rows.items())),
            "terms": {p.week: p.term for p in table.points if p.term}}
