"""Calibrations and item parameters under ``/api/v1``."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter

from app.calibration import service
from app.calibration.schemas import CalibrationCreate, CalibrationRead, ParameterOut
from app.db import SessionDep, StepRoute
from app.itembank.curricula import get_subject
from app.people import audit
from app.people.dependencies import Caller
from app.people.policy import require

router = APIRouter(prefix="/api/v1", tags=["calibrations"], route_class=StepRoute)
ReadCalibrations = Annotated[Caller, require("calibrations:read")]
WriteCalibrations = Annotated[Caller, require("calibrations:write")]


@router.get("/subjects/{code}/calibrations", response_model=list[CalibrationRead],
            summary="A subject's calibrations")
def list_calibrations(code: str, session: SessionDep,
                      _caller: ReadCalibrations) -> list[CalibrationRead]:
    subject = get_subject(session, code=code)
    return [service.to_read(session, c) for c in service.get_all(session, subject=subject)]


@router.post("/calibrations", response_model=CalibrationRead, status_code=201,
             summary="Store a set of item parameters")
def create_calibration(body: CalibrationCreate, session: SessionDep,
                       caller: WriteCalibrations) -> CalibrationRead:
    """Parameters estimated elsewhere (or simulated), optionally made active at once."""
    calibration = service.create(session, data=body)
    if body.activate:
        audit.record(session, actor=caller, action="calibration.activate",
                     target=f"calibration:{calibration.id}", detail={"subject": body.subject})
    return service.to_read(session, calibration)


@router.get("/calibrations/{calibration_id}", response_model=CalibrationRead,
            summary="One calibration")
def get_calibration(calibration_id: int, session: SessionDep,
                    _caller: ReadCalibrations) -> CalibrationRead:
    return service.to_read(session, service.get(session, calibration_id=calibration_id))


@router.get("/calibrations/{calibration_id}/parameters", response_model=list[ParameterOut],
            summary="Item parameters of one calibration")
def get_parameters(calibration_id: int, session: SessionDep,
                   _caller: ReadCalibrations) -> list[ParameterOut]:
    calibration = service.get(session, calibration_id=calibration_id)
    return service.parameters(session, calibration=calibration)


@router.post("/calibrations/{calibration_id}/activate", response_model=CalibrationRead,
             summary="Make a calibration its subject's active scale")
def activate_calibration(calibration_id: int, session: SessionDep,
                         caller: WriteCalibrations) -> CalibrationRead:
    calibration = service.activate(
        session, calibration=service.get(session, calibration_id=calibration_id))
    audit.record(session, actor=caller, action="calibration.activate",
                 target=f"calibration:{calibration_id}", detail={"label": calibration.label})
    return service.to_read(session, calibration)
