"""Curriculum frameworks as data: subjects, sublevels, strands and achievement objectives."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TypeVar

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from app.errors import InvalidInput, NotFound
from app.itembank.models import CurriculumLevel, Objective, Strand, Subject

T = TypeVar("T", CurriculumLevel, Strand, Objective)


class SubjectIn(BaseModel):
    code: str = Field(min_length=1, max_length=40, description="Subject code, e.g. `reading`.")
    name: str = Field(min_length=1, max_length=120, description="Display name.")


class LevelIn(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    code: str = Field(min_length=2, max_length=8, description="Sublevel code, e.g. `3P`.")
    level: int = Field(ge=1, le=8, description="Curriculum level 1–8.")
    sublevel: str = Field(max_length=2, description="B(asic), P(roficient) or A(dvanced).")
    rank: int = Field(description="Order of sublevels, lowest first.")


class StrandIn(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    code: str = Field(min_length=1, max_length=20, description="Strand code, e.g. `NA`.")
    name: str = Field(min_length=1, max_length=120, description="Strand name.")


class ObjectiveIn(BaseModel):
    code: str = Field(min_length=1, max_length=40, description="Objective code.")
    strand: str = Field(description="Code of its strand.")
    level: int = Field(ge=1, le=8, description="Curriculum level of the objective.")
    text: str = Field(min_length=1, description="The curriculum statement.")


class Framework(BaseModel):
    """A subject's curriculum framework, loadable from JSON without code changes."""

    subject: SubjectIn = Field(description="The subject this framework describes.")
    levels: list[LevelIn] = Field(min_length=1, description="Curriculum sublevels, e.g. 2B–6A.")
    strands: list[StrandIn] = Field(min_length=1, description="Parts of the curriculum.")
    objectives: list[ObjectiveIn] = Field(
        default_factory=list, description="Achievement objectives by strand and level.")


def load_framework(session: Session, framework: Framework) -> Subject:
    """Create or update a subject's framework (idempotent: codes identify rows)."""
    strand_codes = {s.code for s in framework.strands}
    bad = [o.code for o in framework.objectives if o.strand not in strand_codes]
    if bad:
        raise InvalidInput(f"Objectives refer to unknown strands: {', '.join(bad[:10])}")
    subject = session.scalar(select(Subject).where(Subject.code == framework.subject.code))
    if subject is None:
        subject = Subject(code=framework.subject.code, name=framework.subject.name)
        session.add(subject)
        session.flush()
    subject.name = framework.subject.name
    for lv in framework.levels:
        _upsert(session, CurriculumLevel, subject.id, lv.code, lv.model_dump(exclude={"code"}))
    strands = {s.code: _upsert(session, Strand, subject.id, s.code, {"name": s.name})
               for s in framework.strands}
    for ob in framework.objectives:
        values = {"level": ob.level, "text": ob.text, "strand_id": strands[ob.strand].id}
        _upsert(session, Objective, subject.id, ob.code, values)
    session.flush()
    return subject


def _upsert(
    session: Session, model: type[T], subject_id: int, code: str, values: dict
) -> T:
    row = session.scalar(select(model).where(model.subject_id == subject_id, model.code == code))
    if row is None:
        row = model(subject_id=subject_id, code=code, **values)
        session.add(row)
        session.flush()
    else:
        for name, value in values.items():
            setattr(row, name, value)
    return row


def get_subject(session: Session, *, code: str) -> Subject:
    subject = session.scalar(
        select(Subject).options(selectinload(Subject.levels), selectinload(Subject.strands))
        .where(Subject.code == code)
    )
    if subject is None:
        raise NotFound(f"No subject with code {code!r}.")
    return subject


def get_all_subjects(session: Session) -> list[Subject]:
    return list(session.scalars(select(Subject).order_by(Subject.code)))


def get_objectives(session: Session, *, subject: Subject) -> list[Objective]:
    return list(session.scalars(
        select(Objective).options(selectinload(Objective.strand))
        .where(Objective.subject_id == subject.id).order_by(Objective.level, Objective.code)
    ))


@dataclass
class Codebook:
    """Code → row lookups for one subject, so imports resolve references without N queries."""

    subject: Subject
    levels: dict[str, CurriculumLevel] = field(default_factory=dict)
    strands: dict[str, Strand] = field(default_factory=dict)
    objectives: dict[str, Objective] = field(default_factory=dict)

    @classmethod
    def load(cls, session: Session, subject: Subject) -> Codebook:
        book = cls(subject)
        book.levels = {lv.code: lv for lv in session.scalars(
            select(CurriculumLevel).where(CurriculumLevel.subject_id == subject.id))}
        book.strands = {s.code: s for s in session.scalars(
            select(Strand).where(Strand.subject_id == subject.id))}
        book.objectives = {o.code: o for o in session.scalars(
            select(Objective).where(Objective.subject_id == subject.id))}
        return book


def framework_of(session: Session, *, code: str) -> Framework:
    """A subject's framework in the shape :func:`load_framework` reads."""
    subject = get_subject(session, code=code)
    objectives = [ObjectiveIn(code=o.code, strand=o.strand.code, level=o.level, text=o.text)
                  for o in get_objectives(session, subject=subject)]
    return Framework(subject=SubjectIn(code=subject.code, name=subject.name),
                     levels=[LevelIn.model_validate(lv) for lv in subject.levels],
                     strands=[StrandIn.model_validate(s) for s in subject.strands],
                     objectives=objectives)
