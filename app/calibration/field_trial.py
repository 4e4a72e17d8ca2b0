"""Field-test seeding: how many unscored trial items a subject's tests carry, and how far each
trial item is towards the responses it needs before a run can put it on the scale."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.calibration.models import MIN_TEST_ITEMS, PER_TEST, TARGET, FieldTrialSetting
from app.calibration.responses import ScoredResponse
from app.itembank.models import Item


@dataclass(frozen=True)
class TrialProgress:
    """One trial item's responses against its target."""

    code: str
    responses: int
    target: int

    @property
    def ready(self) -> bool:
        return self.responses >= self.target


def setting(session: Session, *, subject_id: int) -> FieldTrialSetting:
    """The subject's rule, or the defaults (not stored)."""
    found = session.scalar(select(FieldTrialSetting).where(
        FieldTrialSetting.subject_id == subject_id))
    return found or FieldTrialSetting(subject_id=subject_id, per_test=PER_TEST,
                                      min_test_items=MIN_TEST_ITEMS, target=TARGET,
                                      on_paper=False)


def progress(session: Session, *, subject_id: int) -> list[TrialProgress]:
    """Every trial achievement item of the subject with its count of scored responses, the
    ready ones first (they are queued for the next run)."""
    target = setting(session, subject_id=subject_id).target
    counts = select(ScoredResponse.item_id, func.count().label("n")).group_by(
        ScoredResponse.item_id).subquery()
    rows = session.execute(select(Item.code, func.coalesce(counts.c.n, 0))
                           .outerjoin(counts, counts.c.item_id == Item.id)
                           .where(Item.subject_id == subject_id, Item.status == "trial",
                                  Item.kind == "achievement").order_by(Item.code))
    out = [TrialProgress(code, int(n), target) for code, n in rows]
    return sorted(out, key=lambda p: not p.ready)


def ready_codes(session: Session, *, subject_id: int) -> list[str]:
    """Trial items that have reached their target: the next run's items."""
    return [p.code for p in progress(session, subject_id=subject_id) if p.ready]
