"""Field-test seeding: how many unscored trial items a subject's tests carry, and how far each
trial item is towards the responses it needs before a run can put it on the scale. Which
trial items a given test carries: :mod:`app.calibration.trial_units`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.calibration.field_trial_schemas import FieldTrialSettingUpdate
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


def update_setting(session: Session, *, subject_id: int, data: FieldTrialSettingUpdate
                   ) -> tuple[FieldTrialSetting, dict[str, object]]:
    """Store the subject's rule (replacing any); returns it and the rule it replaced, for the
    audit trail. Tests already accepted keep the trial items they were given."""
    row = setting(session, subject_id=subject_id)
    before = as_dict(row)
    for name, value in data.model_dump().items():
        setattr(row, name, value)
    if row.id is None:
        session.add(row)
    session.flush()
    return row, before


def as_dict(row: FieldTrialSetting) -> dict[str, object]:
    """The rule's four values by name."""
    return {name: getattr(row, name) for name in ("per_test", "min_test_items", "target",
                                                  "on_paper")}


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


def progress_of(session: Session, *, codes: Sequence[str]) -> dict[str, TrialProgress]:
    """Progress of those of ``codes`` that are trial achievement items (others are absent),
    each against its own subject's target: for the bank's pages, one query for a page."""
    rows = session.execute(select(Item.id, Item.code, Item.subject_id).where(
        Item.code.in_(list(codes)), Item.status == "trial", Item.kind == "achievement")).all()
    if not rows:
        return {}
    counts = dict(session.execute(select(ScoredResponse.item_id, func.count()).where(
        ScoredResponse.item_id.in_([r.id for r in rows])).group_by(ScoredResponse.item_id)).all())
    targets = {s: setting(session, subject_id=s).target for s in {r.subject_id for r in rows}}
    return {r.code: TrialProgress(r.code, int(counts.get(r.id, 0)), targets[r.subject_id])
            for r in rows}


def ready_codes(session: Session, *, subject_id: int) -> list[str]:
    """Trial items that have reached their target: the next run's items."""
    return [p.code for p in progress(session, subject_id=subject_id) if p.ready]
