"""Calibrations and item parameters under ``/api/v1``."""

from __future__ import annotations

from fastapi import APIRouter

from app.calibration import service
from app.calibration.schemas import CalibrationCreate, CalibrationRead, ParameterOut
from app.db import SessionDep
from app.itembank.curricula import get_subject
from app.people.dependencies import CurrentStaff

router = APIRouter(prefix="/api/v1", tags=["calibrations"])


@router.get("/subjects/{code}/calibrations", response_model=list[CalibrationRead],
            summary="A subject's calibrations")
def list_calibrations(code: str, session: SessionDep,
                      _staff: CurrentStaff) -> list[CalibrationRead]:
    subject = get_subject(session, code=code)
    return [service.to_read(session, c) for c in service.get_all(session, subject=subject)]


@router.post("/calibrations", response_model=CalibrationRead, status_code=201,
             summary="Store a set of item parameters")
def create_calibration(body: CalibrationCreate, session: SessionDep,
                       _staff: CurrentStaff) -> CalibrationRead:
    """Parameters estimated elsewhere (or simulated), optionally made active at once."""
    return service.to_read(session, service.create(session, data=body))


@router.get("/calibrations/{calibration_id}", response_model=CalibrationRead,
            summary="One calibration")
def get_calibration(calibration_id: int, session: SessionDep,
                    _staff: CurrentStaff) -> CalibrationRead:
    return service.to_read(session, service.get(session, calibration_id=calibration_id))


@router.get("/calibrations/{calibration_id}/parameters", response_model=list[ParameterOut],
            summary="Item parameters of one calibration")
def get_parameters(calibration_id: int, session: SessionDep,
                   _staff: CurrentStaff) -> list[ParameterOut]:
    calibration = service.get(session, calibration_id=calibration_id)
    return service.parameters(session, calibration=calibration)


@router.post("/calibrations/{calibration_id}/activate", response_model=CalibrationRead,
             summary="Make a calibration its subject's active scale")
def activate_calibration(calibration_id: int, session: SessionDep,
                         _staff: CurrentStaff) -> CalibrationRead:
    calibration = service.get(session, calibration_id=calibration_id)
    return service.to_read(session, service.activate(session, calibration=calibration))
