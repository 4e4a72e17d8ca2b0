"""Every domain's models, imported in one place so Alembic and tests see the whole schema."""

from app.assembly.models import Form, FormItem
from app.calibration.models import (
    Calibration,
    CalibrationRun,
    CutScore,
    ItemParameter,
    ReportingScale,
)
from app.db import Base
from app.delivery.models import Answer, Assignment, Result, ScoredResponse, Sitting
from app.itembank.models import (
    CurriculumLevel,
    Item,
    ItemRevision,
    Objective,
    Passage,
    Strand,
    Subject,
)
from app.people.models import (
    AuditEvent,
    AuthSession,
    ClassGroup,
    LoginFailure,
    School,
    Staff,
    Student,
    StudentSession,
)
from app.periodic import PeriodicRun

__all__ = [
    "Answer",
    "Assignment",
    "AuditEvent",
    "AuthSession",
    "Base",
    "Calibration",
    "CalibrationRun",
    "ClassGroup",
    "CurriculumLevel",
    "CutScore",
    "Form",
    "FormItem",
    "Item",
    "ItemParameter",
    "ItemRevision",
    "LoginFailure",
    "Objective",
    "Passage",
    "PeriodicRun",
    "ReportingScale",
    "Result",
    "School",
    "ScoredResponse",
    "Sitting",
    "Staff",
    "Strand",
    "Student",
    "StudentSession",
    "Subject",
]
