"""Every domain's models, imported in one place so Alembic and tests see the whole schema."""

from app.calibration.models import (
    Calibration,
    CalibrationRun,
    CutScore,
    ItemParameter,
    ReportingScale,
)
from app.db import Base
from app.delivery.models import ScoredResponse
from app.itembank.models import (
    CurriculumLevel,
    Item,
    ItemRevision,
    Objective,
    Passage,
    Strand,
    Subject,
)
from app.people.models import AuthSession, School, Staff

__all__ = [
    "AuthSession",
    "Base",
    "Calibration",
    "CalibrationRun",
    "CurriculumLevel",
    "CutScore",
    "Item",
    "ItemParameter",
    "ItemRevision",
    "Objective",
    "Passage",
    "ReportingScale",
    "School",
    "ScoredResponse",
    "Staff",
    "Strand",
    "Subject",
]
