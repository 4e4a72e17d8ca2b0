"""Field-test seeding: how many unscored trial items a subject's tests carry, and how far each
trial item is towards the responses it needs before a run can put it on the scale."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from app.calibration.field_trial_schemas import FieldTrialSettingUpdate
from app.calibration.models import MIN_TEST_ITEMS, PER_TEST, TARGET, FieldTrialSetting
from app.calibration.responses import ScoredResponse
from app.itembank import families
from app.itembank.keys import auto_markable
from app.itembank.models import CurriculumLevel, Item


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


def to_seed(session: Session, *, subject_id: int, scored: Sequence[Item], paper: bool,
            seeded: Mapping[int, int] | None = None) -> list[Item]:
    """The trial items a fixed test of the ``scored`` items should carry under the subject's
    rule: none in a short test or (unless the rule asks) on paper; else up to ``per_test``
    items still short of their target, fewest responses first (then those seeded into the
    fewest tests, ``seeded``: item id → tests), at the test's curriculum levels, never an
    enemy or a family member of an item already in the test (or of each other).

    Only items without a passage (a passage belongs to its own set of items) whose key marks
    them (a trial item must never send a sitting to the teacher's marking queue) are seeded.
    """
    rule = setting(session, subject_id=subject_id)
    if len(scored) < rule.min_test_items or rule.per_test < 1 or (paper and not rule.on_paper):
        return []
    levels = {i.level.level for i in scored if i.level is not None}
    counts = select(ScoredResponse.item_id, func.count().label("n")).group_by(
        ScoredResponse.item_id).subquery()
    rows = session.execute(
        select(Item, func.coalesce(counts.c.n, 0)).outerjoin(counts, counts.c.item_id == Item.id)
        .join(CurriculumLevel, CurriculumLevel.id == Item.level_id)
        .options(selectinload(Item.current_revision))
        .where(Item.subject_id == subject_id, Item.status == "trial",
               Item.kind == "achievement", Item.passage_id.is_(None),
               CurriculumLevel.level.in_(sorted(levels)))).all()
    seeded = seeded or {}
    ranked = sorted(((item, int(n)) for item, n in rows if int(n) < rule.target
                     and item.current_revision is not None
                     and auto_markable(item.current_revision.key)),
                    key=lambda row: (row[1], seeded.get(row[0].id, 0), row[0].code))
    return _apart(session, [item for item, _ in ranked], scored, rule.per_test)


def _apart(session: Session, ranked: list[Item], scored: Sequence[Item], n: int) -> list[Item]:
    """The first ``n`` of ``ranked`` that give no item of the test (or each other) away."""
    independent = families.independent(session)
    groups = {i.enemy_group for i in scored if i.enemy_group}
    kin = {i.family for i in scored if i.family and i.family not in independent}
    taken = {i.id for i in scored}
    chosen: list[Item] = []
    for item in ranked:
        if len(chosen) == n:
            break
        family = item.family if item.family not in independent else None
        if item.id in taken or item.enemy_group in groups or family in kin:
            continue
        chosen.append(item)
        if item.enemy_group:
            groups.add(item.enemy_group)
        if family:
            kin.add(family)
    return chosen
