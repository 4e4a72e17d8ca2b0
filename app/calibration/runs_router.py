"""Calibration runs under ``/api/v1/calibration-runs``: request, follow, approve."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, BackgroundTasks

from app.calibration import jobs, runs, service
from app.calibration.schemas import CalibrationRead, RunCreate, RunRead
from app.db import SessionDep
from app.people.dependencies import CurrentStaff

router = APIRouter(prefix="/api/v1/calibration-runs", tags=["calibrations"])


@router.post("", response_model=RunRead, status_code=202, summary="Start a calibration run")
def start_run(body: RunCreate, session: SessionDep, staff: CurrentStaff,
              background: BackgroundTasks) -> RunRead:
    """Queue a run; it executes in the background. Follow it with `GET …/{id}`."""
    run = runs.request(session, data=body, requested_by=staff.email)
    background.add_task(jobs.enqueue, run.id)  # after the response, so after the commit
    return RunRead.model_validate(run)


@router.get("", response_model=list[RunRead], summary="List calibration runs")
def list_runs(session: SessionDep, _staff: CurrentStaff) -> list[RunRead]:
    return [RunRead.model_validate(r) for r in runs.get_all(session)]


@router.get("/{run_id}", response_model=RunRead, summary="One run's state and progress")
def get_run(run_id: int, session: SessionDep, _staff: CurrentStaff) -> RunRead:
    return RunRead.model_validate(runs.get(session, run_id=run_id))


@router.get("/{run_id}/report", summary="A finished run's diagnostics, item table and drift")
def get_report(run_id: int, session: SessionDep, _staff: CurrentStaff) -> dict[str, Any]:
    """Per item: parameters with SEs, n, p-value, point-biserial, fit (S-X², infit/outfit for
    Rasch); anchors' drift; EM diagnostics; the θ distribution of the persons."""
    return runs.get(session, run_id=run_id).report


@router.post("/{run_id}/approve", response_model=CalibrationRead,
             summary="Approve a run: its calibration becomes the active one")
def approve_run(run_id: int, session: SessionDep, _staff: CurrentStaff) -> CalibrationRead:
    calibration = runs.approve(session, run=runs.get(session, run_id=run_id))
    return service.to_read(session, calibration)
