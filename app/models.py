"""Every domain's models, imported in one place so Alembic and tests see the whole schema."""

from app.assembly.models import Form, FormItem
from app.calibration.models import (
    Calibration,
    CalibrationRun,
    CutScore,
    FieldTrialSetting,
    ItemParameter,
    Norm,
    NormSet,
    ReportingScale,
)
from app.db import Base
from app.delivery.models import (
    Answer,
    Assignment,
    ItemExposure,
    Result,
    Route,
    ScoredResponse,
    Sitting,
)
from app.impact.models import ImpactCycle, StudentGroup, Target, Team
from app.itembank.models import (
    CurriculumLevel,
    Item,
    ItemFamily,
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
    LoginThrottle,
    School,
    Staff,
    Student,
    StudentSession,
)
from app.periodic import PeriodicRun
from app.reports.models import ReportPdf

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
    "FieldTrialSetting",
    "Form",
    "FormItem",
    "ImpactCycle",
    "Item",
    "ItemExposure",
    "ItemFamily",
    "ItemParameter",
    "ItemRevision",
    "LoginThrottle",
    "Norm",
    "NormSet",
    "Objective",
    "Passage",
    "PeriodicRun",
    "ReportPdf",
    "ReportingScale",
    "Result",
    "Route",
    "School",
    "ScoredResponse",
    "Sitting",
    "Staff",
    "Strand",
    "Student",
    "StudentGroup",
    "StudentSession",
    "Subject",
    "Target",
    "Team",
]
