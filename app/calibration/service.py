"""Calibration rules: store parameter sets, keep exactly one active per subject."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.calibration.models import Calibration, CutScore, ItemParameter, ReportingScale
from app.calibration.scale import Scale
from app.calibration.schemas import (
    CalibrationCreate,
    CalibrationRead,
    ParameterIn,
    ParameterOut,
)
from app.db import utcnow
from app.errors import InvalidInput, NotFound
from app.itembank.curricula import get_subject
from app.itembank.models import CurriculumLevel, Item, Subject
from app.itembank.parameters import active_location_subquery as active_location_subquery
from app.itembank.parameters import active_parameters as active_parameters


def get(session: Session, *, calibration_id: int) -> Calibration:
    calibration = session.get(Calibration, calibration_id)
    if calibration is None:
        raise NotFound(f"No calibration {calibration_id}.")
    return calibration


def delete_unused(session: Session, *, calibration_id: int) -> bool:
    """Remove an inactive calibration nothing was built on (no form, sitting or child
    calibration refers to it); return whether it went. A used one is kept for its users."""
    calibration = get(session, calibration_id=calibration_id)
    if calibration.is_active:
        return False
    try:
        with session.begin_nested():
            session.delete(calibration)
            session.flush()
    except IntegrityError:
        return False
    return True


def get_active(session: Session, *, subject: Subject) -> Calibration | None:
    return session.scalar(select(Calibration).where(
        Calibration.subject_id == subject.id, Calibration.is_active))


def scaled_item_count(session: Session, *, subject: Subject) -> int:
    """Operational achievement items with parameters in the subject's active calibration:
    the items on its scale (attitude, draft and trial items are not)."""
    return session.scalar(select(func.count(Item.id)).join(
        ItemParameter, ItemParameter.item_id == Item.id).join(
        Calibration, Calibration.id == ItemParameter.calibration_id).where(
        Item.subject_id == subject.id, Item.kind == "achievement",
        Item.status == "operational", Calibration.is_active)) or 0


def get_all(session: Session, *, subject: Subject) -> list[Calibration]:
    return list(session.scalars(select(Calibration).where(
        Calibration.subject_id == subject.id).order_by(Calibration.id)))


def create(session: Session, *, data: CalibrationCreate) -> Calibration:
    """Store a parameter set from outside; optionally activate it."""
    subject = get_subject(session, code=data.subject)
    calibration = store(session, subject=subject, label=data.label, kind=data.kind,
                        parameters=data.parameters, notes=data.notes,
                        population=(data.population_mean, data.population_sd))
    if data.activate:
        activate(session, calibration=calibration)
    return calibration


def store(session: Session, *, subject: Subject, label: str, kind: str,
          parameters: Sequence[ParameterIn], notes: str = "",
          population: tuple[float, float] = (0.0, 1.0),
          parent: Calibration | None = None) -> Calibration:
    """A new inactive calibration; every item must exist in the subject, once."""
    codes = [p.item for p in parameters]
    ids = {code: item_id for code, item_id in session.execute(select(Item.code, Item.id).where(
        Item.code.in_(codes), Item.subject_id == subject.id))}
    missing = [c for c in codes if c not in ids]
    if missing:
        raise InvalidInput(f"{len(missing)} item(s) are not in {subject.code}: "
                           f"{', '.join(missing[:10])}")
    if len(set(codes)) != len(codes):
        raise InvalidInput("An item appears twice in the parameters.")
    calibration = Calibration(
        subject_id=subject.id, label=label, kind=kind, notes=notes,
        population_mean=population[0], population_sd=population[1],
        parent_id=parent.id if parent else None)
    session.add(calibration)
    session.flush()
    session.add_all(_parameter_row(calibration.id, ids[p.item], p) for p in parameters)
    session.flush()
    return calibration


def _parameter_row(calibration_id: int, item_id: int, p: ParameterIn) -> ItemParameter:
    location = p.b if p.b is not None else float(np.mean(p.steps))
    return ItemParameter(
        calibration_id=calibration_id, item_id=item_id, model=p.model,
        a=1.0 if p.model in ("rasch", "pcm") else p.a, b=p.b, c=p.c, steps=list(p.steps),
        se_a=p.se_a, se_b=p.se_b, se_c=p.se_c, se_steps=list(p.se_steps), location=location)


def revert_items(session: Session, *, calibration: Calibration, codes: Sequence[str]) -> None:
    """Give ``codes`` in ``calibration`` the parameters its parent had for them (or none)."""
    ids = list(session.scalars(select(Item.id).where(Item.code.in_(codes),
                                                     Item.subject_id == calibration.subject_id)))
    for row in session.scalars(select(ItemParameter).where(
            ItemParameter.calibration_id == calibration.id, ItemParameter.item_id.in_(ids))):
        session.delete(row)
    session.flush()
    if calibration.parent_id is None:
        return
    for old in session.scalars(select(ItemParameter).where(
            ItemParameter.calibration_id == calibration.parent_id,
            ItemParameter.item_id.in_(ids))):
        session.add(ItemParameter(**{c.key: getattr(old, c.key) for c in
                                     ItemParameter.__table__.columns if c.key != "id"}
                                  | {"calibration_id": calibration.id}))
    session.flush()


def activate(session: Session, *, calibration: Calibration) -> Calibration:
    """Make ``calibration`` its subject's one active calibration."""
    session.execute(update(Calibration).where(
        Calibration.subject_id == calibration.subject_id, Calibration.id != calibration.id
    ).values(is_active=False))
    session.flush()
    calibration.is_active = True
    calibration.activated_at = utcnow()
    session.flush()
    return calibration


def parameters(session: Session, *, calibration: Calibration) -> list[ParameterOut]:
    """The calibration's parameters in the import/export shape, by item code."""
    rows = session.execute(select(ItemParameter, Item.code).join(
        Item, Item.id == ItemParameter.item_id).where(
        ItemParameter.calibration_id == calibration.id).order_by(Item.code))
    return [parameter_out(p, code) for p, code in rows]


def parameter_out(p: ItemParameter, code: str) -> ParameterOut:
    return ParameterOut(item=code, model=p.model, a=p.a, b=p.b, c=p.c, steps=p.steps,
                        se_a=p.se_a, se_b=p.se_b, se_c=p.se_c, se_steps=p.se_steps)


def to_read(session: Session, calibration: Calibration) -> CalibrationRead:
    count = session.scalar(select(func.count()).where(
        ItemParameter.calibration_id == calibration.id)) or 0
    subject = session.get(Subject, calibration.subject_id)
    assert subject is not None
    return CalibrationRead.model_validate(
        {**{c: getattr(calibration, c) for c in CalibrationRead.model_fields
            if hasattr(calibration, c) and c != "subject"},
         "subject": subject.code, "item_count": count})


def reporting_scale(session: Session, *, subject_id: int
                    ) -> tuple[ReportingScale | None, list[tuple[str, float]]]:
    """The subject's reporting scale (or None) and its cut scores as (sublevel, start score),
    lowest first: the one reader of scale and cuts for scoring, assembly and reports."""
    scale = session.scalar(select(ReportingScale).where(ReportingScale.subject_id == subject_id))
    cuts = session.execute(select(CurriculumLevel.code, CutScore.score).join(
        CutScore, CutScore.level_id == CurriculumLevel.id).where(
        CutScore.subject_id == subject_id).order_by(CutScore.score)).all()
    return scale, [(code, float(score)) for code, score in cuts]


def scale_of(session: Session, *, subject_id: int) -> Scale | None:
    """The subject's reporting scale with its cut scores, or None if it has none yet."""
    row, cuts = reporting_scale(session, subject_id=subject_id)
    return None if row is None else Scale.of(row.name, row.intercept, row.slope, cuts)


def set_scale(session: Session, *, subject: Subject, name: str, intercept: float, slope: float,
              cuts: dict[str, float]) -> ReportingScale:
    """Define the subject's reporting scale ``intercept + slope·θ`` and its cut scores."""
    scale = session.scalar(select(ReportingScale).where(ReportingScale.subject_id == subject.id))
    if scale is None:
        scale = ReportingScale(subject_id=subject.id, name=name, intercept=intercept, slope=slope)
        session.add(scale)
    scale.name, scale.intercept, scale.slope = name, intercept, slope
    levels = {lv.code: lv for lv in session.scalars(
        select(CurriculumLevel).where(CurriculumLevel.subject_id == subject.id))}
    unknown = sorted(set(cuts) - set(levels))
    if unknown:
        raise InvalidInput(f"Cut scores for unknown sublevels: {', '.join(unknown)}")
    existing = {c.level_id: c for c in session.scalars(
        select(CutScore).where(CutScore.subject_id == subject.id))}
    for code, score in cuts.items():
        row = existing.get(levels[code].id) or CutScore(subject_id=subject.id,
                                                        level_id=levels[code].id, score=score)
        row.score = score
        session.add(row)
    session.flush()
    return scale
