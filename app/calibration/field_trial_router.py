"""A subject's field-trial seeding rule under ``/api/v1/subjects/{code}/field-trial``."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter

from app.calibration import field_trial
from app.calibration.field_trial_schemas import FieldTrialSettingRead, FieldTrialSettingUpdate
from app.calibration.models import FieldTrialSetting
from app.db import SessionDep, StepRoute
from app.itembank.curricula import get_subject
from app.people import audit
from app.people.dependencies import Caller
from app.people.policy import require

router = APIRouter(prefix="/api/v1", tags=["calibrations"], route_class=StepRoute)
Reader = Annotated[Caller, require("calibrations:read")]
Writer = Annotated[Caller, require("field_trial:write")]


@router.get("/subjects/{code}/field-trial", response_model=FieldTrialSettingRead,
            summary="A subject's field-trial seeding rule")
def get_setting(code: str, session: SessionDep, _caller: Reader) -> FieldTrialSettingRead:
    """How many unscored trial items the subject's tests carry, from which test length, on
    paper or not, and how many responses each trial item collects."""
    subject = get_subject(session, code=code)
    return to_read(code, field_trial.setting(session, subject_id=subject.id))


@router.put("/subjects/{code}/field-trial", response_model=FieldTrialSettingRead,
            summary="Change a subject's field-trial seeding rule")
def put_setting(code: str, body: FieldTrialSettingUpdate, session: SessionDep,
                caller: Writer) -> FieldTrialSettingRead:
    """Replace the rule (all four values). It applies to tests accepted from now on; tests
    already accepted keep the trial items they carry. Audited with the old and new values."""
    subject = get_subject(session, code=code)
    row, before = field_trial.update_setting(session, subject_id=subject.id, data=body)
    record(session, caller, code, before, row)
    return to_read(code, row)


def record(session: SessionDep, caller: Caller, code: str, before: dict[str, object],
           row: FieldTrialSetting) -> None:
    """The audit event of a change to a subject's rule (the page records the same)."""
    audit.record(session, actor=caller, action="field_trial.setting", target=f"subject:{code}",
                 detail={"before": before, "after": field_trial.as_dict(row)})


def to_read(code: str, row: FieldTrialSetting) -> FieldTrialSettingRead:
    return FieldTrialSettingRead(subject=code, is_default=row.id is None,
                                 **field_trial.as_dict(row))
