"""Calibration runs under ``/api/v1/calibration-runs``: request, follow, approve."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, BackgroundTasks

from app.calibration import jobs, runs, service
from app.calibration.schemas import CalibrationRead, RunApproval, RunCreate, RunRead
from app.db import SessionDep, StepRoute
from app.people import audit
from app.people.dependencies import Caller
from app.people.policy import require

router = APIRouter(prefix="/api/v1/calibration-runs", tags=["calibrations"], route_class=StepRoute)
Reader = Annotated[Caller, require("calibrations:read")]
Writer = Annotated[Caller, require("calibrations:write")]


@router.post("", response_model=RunRead, status_code=202, summary="Start a calibration run")
def start_run(body: RunCreate, session: SessionDep, caller: Writer,
              background: BackgroundTasks) -> RunRead:
    """Queue a run; it executes in the background. Follow it with `GET …/{id}`."""
    run = runs.request(session, data=body, requested_by=caller.label)
    if run.dropped_anchors:
        audit.record(session, actor=caller, action="calibration.run",
                     target=f"calibration-run:{run.id}",
                     detail={"dropped_anchors": run.dropped_anchors})
    background.add_task(jobs.enqueue, run.id)  # after the response, so after the commit
    return RunRead.model_validate(run)


@router.get("", response_model=list[RunRead], summary="List calibration runs")
def list_runs(session: SessionDep, _caller: Reader) -> list[RunRead]:
    return [RunRead.model_validate(r) for r in runs.get_all(session)]


@router.get("/{run_id}", response_model=RunRead, summary="One run's state and progress")
def get_run(run_id: int, session: SessionDep, _caller: Reader) -> RunRead:
    return RunRead.model_validate(runs.get(session, run_id=run_id))


@router.get("/{run_id}/report", summary="A finished run's diagnostics, item table and drift")
def get_report(run_id: int, session: SessionDep, _caller: Reader) -> dict[str, Any]:
    """Per item: parameters with SEs, n, p-value, point-biserial, fit (S-X², infit/outfit for
    Rasch); anchors' drift; EM diagnostics; the θ distribution of the persons."""
    return runs.get(session, run_id=run_id).report


@router.post("/{run_id}/approve", response_model=CalibrationRead,
             summary="Approve a run: its calibration becomes the active one")
def approve_run(run_id: int, session: SessionDep, caller: Writer,
                body: RunApproval | None = None) -> CalibrationRead:
    """Items failing the quality gates (see the report) need a `reason` or `leave_out`;
    otherwise 409 names them."""
    body = body or RunApproval()
    run = runs.get(session, run_id=run_id)
    calibration = runs.approve(session, run=run, reason=body.reason, leave_out=body.leave_out)
    runs.audit_approval(session, actor=caller, run=run, calibration=calibration)
    return service.to_read(session, calibration)


@router.post("/{run_id}/retry", response_model=RunRead, status_code=202,
             summary="Queue a failed run again")
def retry_run(run_id: int, session: SessionDep, caller: Writer,
              background: BackgroundTasks) -> RunRead:
    run = runs.retry(session, run=runs.get(session, run_id=run_id))
    audit.record(session, actor=caller, action="calibration.retry",
                 target=f"calibration-run:{run_id}", detail={})
    background.add_task(jobs.enqueue, run.id)
    return RunRead.model_validate(run)


@router.post("/{run_id}/discard", response_model=RunRead,
             summary="Set aside a failed or unapproved run (its calibration is removed)")
def discard_run(run_id: int, session: SessionDep, caller: Writer) -> RunRead:
    run = runs.discard(session, run=runs.get(session, run_id=run_id))
    audit.record(session, actor=caller, action="calibration.discard",
                 target=f"calibration-run:{run_id}", detail={})
    return RunRead.model_validate(run)
