"""Psychometricians' pages: start, follow, retry, discard, review and approve calibration runs."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, time
from typing import Annotated, Any

from fastapi import APIRouter, BackgroundTasks, Form, Query, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.calibration import field_trial, field_trial_router, jobs, review, runs
from app.calibration.field_trial_schemas import FieldTrialSettingUpdate
from app.calibration.models import CalibrationRun
from app.calibration.schemas import RunCreate
from app.db import SessionDep, StepRoute
from app.errors import AppError
from app.itembank.curricula import get_all_subjects, get_subject
from app.itembank.models import Item, Subject
from app.people import audit
from app.people.dependencies import Caller
from app.people.models import AuthSession
from app.people.policy import check_csrf, require_page
from app.ui import flash
from app.ui.templates import templates

router = APIRouter(include_in_schema=False, route_class=StepRoute)
ReaderPage = Annotated[AuthSession, require_page("calibrations:read")]
WriterPage = Annotated[AuthSession, require_page("calibrations:write")]
RulePage = Annotated[AuthSession, require_page("field_trial:write")]
Csrf = Annotated[str, Form(max_length=100)]
MODELS = {"auto": "3PL for choice items, 2PL for the rest (GPCM for partial credit)",
          "rasch": "Rasch (PCM for partial credit)", "2pl": "2PL (GPCM for partial credit)",
          "3pl": "3PL (GPCM for partial credit)", "grm": "2PL, graded response for partial credit"}


def _list(request: Request, session: Session, login: AuthSession, *, error: str = "",
          sent: dict[str, str] | None = None, status_code: int = 200,
          rule_error: tuple[str, str, dict[str, str]] | None = None) -> Response:
    all_runs = runs.get_all(session)
    subjects = {s.id: s for s in get_all_subjects(session)}
    drifted = [(r, [d["item_id"] for d in (r.report or {}).get("drift", []) if d["drifting"]])
               for r in all_runs if r.status in ("succeeded", "approved")]
    trials = {s.id: field_trial.progress(session, subject_id=s.id) for s in subjects.values()}
    return templates.TemplateResponse(request, "calibration_runs.html", {
        "login": login, "runs": all_runs, "subjects": subjects, "models": MODELS,
        "trials": {k: v for k, v in trials.items() if v},
        "drifted": [(r, codes) for r, codes in drifted if codes], "error": error,
        "sent": sent or {}, "rules": _rules(session, subjects.values(), rule_error)},
        status_code=status_code)


def _rules(session: Session, subjects: Iterable[Subject],
           error: tuple[str, str, dict[str, str]] | None) -> list[dict[str, Any]]:
    """Each subject's seeding rule for its form: the stored values, or what was sent with
    the error it met (``error``: subject code, message, the form's values)."""
    out = []
    for subject in subjects:
        row = field_trial.setting(session, subject_id=subject.id)
        values: dict[str, Any] = field_trial.as_dict(row)
        message = ""
        if error is not None and error[0] == subject.code:
            message, values = error[1], {**values, **error[2]}
        out.append({"subject": subject, "values": values, "is_default": row.id is None,
                    "error": message})
    return out


@router.get("/calibration/runs", response_class=HTMLResponse)
def run_list(request: Request, session: SessionDep, login: ReaderPage) -> Response:
    return _list(request, session, login)


@router.post("/calibration/runs")
def run_start(request: Request, session: SessionDep, login: WriterPage, csrf: Csrf,
              background: BackgroundTasks,
              subject: Annotated[str, Form(max_length=40)],
              label: Annotated[str, Form(max_length=120)],
              items: Annotated[str, Form(max_length=40)] = "trial",
              codes: Annotated[str, Form(max_length=20000)] = "",
              model: Annotated[str, Form(max_length=10)] = "auto",
              anchored: Annotated[str, Form(max_length=5)] = "",
              window_start: Annotated[str, Form(max_length=10)] = "",
              window_end: Annotated[str, Form(max_length=10)] = "",
              reason: Annotated[str, Form(max_length=500)] = "") -> Response:
    """Start a run from the form; a form that cannot be run is shown again with why."""
    check_csrf(login, csrf)
    sent = {"subject": subject, "label": label, "items": items, "codes": codes,
            "model": model, "anchored": anchored, "window_start": window_start,
            "window_end": window_end, "reason": reason}
    try:
        body = _run_create(session, sent)
        run = runs.request(session, data=body, requested_by=login.staff.email)
    except (AppError, ValidationError, ValueError) as exc:
        return _list(request, session, login, error=_sentence(exc), sent=sent,
                     status_code=422)
    audit.record(session, actor=Caller.of_staff(login.staff), action="calibration.run",
                 target=f"calibration-run:{run.id}",
                 detail={"dropped_anchors": run.dropped_anchors} if run.dropped_anchors else {})
    background.add_task(jobs.enqueue, run.id)  # after the response, so after the commit
    return flash.redirect(f"/calibration/runs/{run.id}", f"Run #{run.id} started: it loads the "
                          "responses, then estimates; this page updates when it is done.")


@router.post("/calibration/field-trial/{code}")
def rule_save(code: str, request: Request, session: SessionDep, login: RulePage, csrf: Csrf,
              per_test: Annotated[str, Form(max_length=10)] = "",
              min_test_items: Annotated[str, Form(max_length=10)] = "",
              target: Annotated[str, Form(max_length=10)] = "",
              on_paper: Annotated[str, Form(max_length=5)] = "") -> Response:
    """Save a subject's seeding rule; a rule that cannot be saved is shown again with why."""
    check_csrf(login, csrf)
    subject = get_subject(session, code=code)
    sent = {"per_test": per_test, "min_test_items": min_test_items, "target": target,
            "on_paper": on_paper == "on"}
    try:
        body = FieldTrialSettingUpdate.model_validate(
            {k: v.strip() if isinstance(v, str) else v for k, v in sent.items()})
    except ValidationError as exc:
        return _list(request, session, login, status_code=422,
                     rule_error=(code, _rule_sentence(exc), sent))  # type: ignore[arg-type]
    row, before = field_trial.update_setting(session, subject_id=subject.id, data=body)
    field_trial_router.record(session, Caller.of_staff(login.staff), code, before, row)
    return flash.redirect("/calibration/runs#seeding", f"{subject.name} rule saved. Tests accepted "
                          "from now on follow it; tests already accepted keep their trial items.")


RULE_FIELDS = {"per_test": "Trial items per test", "min_test_items": "Shortest test",
               "target": "Responses wanted", "on_paper": "On paper"}


_RULE_MESSAGES = {"int_parsing": "enter a whole number", "missing": "enter a whole number",
                  "int_from_float": "enter a whole number",
                  "greater_than_equal": "enter a whole number of at least {ge}",
                  "less_than_equal": "enter a whole number of at most {le}"}
"""The form's own words for pydantic's checks (the browser's are bypassed by some clients)."""


def _rule_sentence(exc: ValidationError) -> str:
    """The rule's validation errors as sentences naming the form's fields."""
    out = []
    for e in exc.errors():
        field = RULE_FIELDS.get(str(e["loc"][0])) if e["loc"] else None
        message = str(e["msg"]).removeprefix("Value error, ")
        if e["type"] in _RULE_MESSAGES:
            message = _RULE_MESSAGES[e["type"]].format(**e.get("ctx", {}))
        out.append(f"{field}: {message}." if field else f"{message[0].upper()}{message[1:]}.")
    return " ".join(out)


def _run_create(session: Session, sent: dict[str, str]) -> RunCreate:
    """The form as a run request: trial items, chosen codes, or anchors that drifted in an
    earlier run (dropped from the anchor set with the reason given, and estimated afresh)."""
    body: dict[str, object] = {
        "subject": sent["subject"], "label": sent["label"].strip(), "model": sent["model"],
        "anchored": sent["anchored"] == "on", "window_start": _day(sent["window_start"]),
        "window_end": _day(sent["window_end"], end=True)}
    choice = sent["items"]
    if choice == "ready":
        subject = get_subject(session, code=sent["subject"])
        body["item_codes"] = field_trial.ready_codes(session, subject_id=subject.id)
        if not body["item_codes"]:
            raise ValueError(f"No {subject.name.lower()} trial item has reached its target "
                             "number of responses yet.")
    elif choice == "changed":
        subject = get_subject(session, code=sent["subject"])
        body["item_codes"] = list(session.scalars(select(Item.code).where(
            Item.subject_id == subject.id, Item.needs_recalibration)))
        if not body["item_codes"]:
            raise ValueError(f"No {subject.name.lower()} item's content has changed since it "
                             "was calibrated.")
    elif choice == "codes":
        body["item_codes"] = [c for c in sent["codes"].replace(",", " ").split() if c]
        if not body["item_codes"]:
            raise ValueError("Enter the codes of the items to estimate, or choose trial items.")
    elif choice.startswith("drift:"):
        earlier = runs.get(session, run_id=int(choice.removeprefix("drift:")))
        codes = [d["item_id"] for d in earlier.report.get("drift", []) if d["drifting"]]
        if len(sent["reason"].strip()) < 3:
            raise ValueError("Say why the drifting anchors are dropped (it is kept in the "
                             "audit log).")
        body["item_codes"] = codes
        body["drop_anchors"] = [{"item": c, "reason": sent["reason"].strip()} for c in codes]
    return RunCreate.model_validate(body)


def _day(text: str, *, end: bool = False) -> datetime | None:
    if not text:
        return None
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"“{text}” is not a date (use YYYY-MM-DD).") from None
    return datetime.combine(day, time.max if end else time.min, tzinfo=UTC)


def _sentence(exc: Exception) -> str:
    if isinstance(exc, AppError):
        return exc.detail
    if isinstance(exc, ValidationError):
        return " ".join(f"{'.'.join(str(p) for p in e['loc']) or 'form'}: {e['msg']}."
                        for e in exc.errors())
    return str(exc)


@router.get("/calibration/runs/{run_id}", response_class=HTMLResponse)
def run_review(run_id: int, request: Request, session: SessionDep, login: ReaderPage,
               show: Annotated[str, Query(max_length=20)] = "all",
               sort: Annotated[str, Query(max_length=20)] = "fit",
               find: Annotated[str, Query(max_length=64)] = "",
               page: Annotated[int, Query(ge=1, le=100000)] = 1) -> Response:
    try:
        run = runs.get(session, run_id=run_id)
    except AppError:
        return templates.TemplateResponse(request, "not_found.html", {
            "login": login, "what": f"calibration run {run_id}",
            "back": ("/calibration/runs", "Back to the calibration runs")}, status_code=404)
    view = review.TableView(show if show in review.SHOWS else "all", sort, find.strip(), page)
    context = {"login": login, **review.review(session, run, view)}
    return templates.TemplateResponse(request, "calibration_review.html", context)


@router.post("/calibration/runs/{run_id}/approve")
def run_approve(run_id: int, request: Request, session: SessionDep, login: WriterPage,
                csrf: Csrf, reason: Annotated[str, Form(max_length=1000)] = "",
                leave_out: Annotated[str, Form(max_length=5)] = "") -> Response:
    """Approve the run; one that cannot be approved yet (failing items and no reason) is
    shown again with why, beside the reason field, keeping what was typed."""
    check_csrf(login, csrf)
    run = runs.get(session, run_id=run_id)
    try:
        calibration = runs.approve(session, run=run, reason=reason, leave_out=leave_out == "on")
    except AppError as exc:
        context = {"login": login, **review.review(session, run, review.TableView()),
                   "approve_error": exc.detail, "sent": {"reason": reason,
                                                          "leave_out": leave_out == "on"}}
        return templates.TemplateResponse(request, "calibration_review.html", context,
                                          status_code=409)
    runs.audit_approval(session, actor=Caller.of_staff(login.staff), run=run,
                        calibration=calibration)
    subject = session.get(Subject, calibration.subject_id)
    return flash.redirect(f"/calibration/runs/{run_id}", f"Approved: calibration "
                          f"#{calibration.id} is now the active one for "
                          f"{subject.name if subject else 'its subject'}.")


@router.post("/calibration/runs/{run_id}/retry")
def run_retry(run_id: int, session: SessionDep, login: WriterPage, csrf: Csrf,
              background: BackgroundTasks) -> Response:
    check_csrf(login, csrf)
    run = runs.retry(session, run=runs.get(session, run_id=run_id))
    _audit(session, login, "calibration.retry", run)
    background.add_task(jobs.enqueue, run.id)
    return flash.redirect(f"/calibration/runs/{run_id}", f"Run #{run.id} queued again, as it "
                          "was requested; this page updates when it is done.")


@router.post("/calibration/runs/{run_id}/discard")
def run_discard(run_id: int, session: SessionDep, login: WriterPage, csrf: Csrf) -> Response:
    check_csrf(login, csrf)
    run = runs.discard(session, run=runs.get(session, run_id=run_id))
    _audit(session, login, "calibration.discard", run)
    return flash.redirect(f"/calibration/runs/{run_id}", f"Run #{run.id} discarded: its "
                          "estimates were never made active and have been removed.")


def _audit(session: Session, login: AuthSession, action: str, run: CalibrationRun) -> None:
    audit.record(session, actor=Caller.of_staff(login.staff), action=action,
                 target=f"calibration-run:{run.id}", detail={})
