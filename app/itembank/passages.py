"""Passages: shared stimuli whose items are selected together."""

from __future__ import annotations

import re

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from app.errors import Conflict, InvalidInput, NotFound
from app.itembank.curricula import get_subject
from app.itembank.models import CurriculumLevel, Item, Passage
from app.itembank.schemas import PassageCreate, PassageRead, PassageUpdate

_TAG = re.compile(r"<[^>]+>")


def word_count(html: str) -> int:
    """Words in the text of ``html`` (tags ignored)."""
    return len(_TAG.sub(" ", html).split())


def get_passage(session: Session, *, code: str) -> Passage:
    passage = session.scalar(select(Passage).options(
        selectinload(Passage.subject), selectinload(Passage.level)).where(Passage.code == code))
    if passage is None:
        raise NotFound(f"No passage with code {code!r}.")
    return passage


def create(session: Session, *, data: PassageCreate) -> Passage:
    if session.scalar(select(Passage.id).where(Passage.code == data.code)) is not None:
        raise Conflict(f"A passage with code {data.code!r} already exists.")
    subject = get_subject(session, code=data.subject)
    passage = Passage(code=data.code, subject=subject, subject_id=subject.id)
    _apply(session, passage, data.model_dump())
    session.add(passage)
    session.flush()
    return passage


def update(session: Session, *, passage: Passage, data: PassageUpdate) -> Passage:
    _apply(session, passage, data.model_dump(exclude_unset=True))
    session.flush()
    return passage


def upsert(session: Session, *, data: PassageCreate) -> tuple[Passage, str]:
    """Create or update a passage from an import row; says which."""
    existing = session.scalar(select(Passage).where(Passage.code == data.code))
    if existing is None:
        return create(session, data=data), "created"
    before = to_dict(existing)
    _apply(session, existing, data.model_dump())
    return existing, "unchanged" if to_dict(existing) == before else "updated"


def _apply(session: Session, passage: Passage, values: dict) -> None:
    if "title" in values and values["title"] is not None:
        passage.title = values["title"]
    if values.get("body_html") is not None:
        passage.body_html = values["body_html"]
        passage.word_count = values.get("word_count") or word_count(values["body_html"])
    if "sublevel" in values:
        passage.level = _level(session, passage.subject_id, values["sublevel"])


def _level(session: Session, subject_id: int, code: str | None) -> CurriculumLevel | None:
    if code is None:
        return None
    level = session.scalar(select(CurriculumLevel).where(
        CurriculumLevel.subject_id == subject_id, CurriculumLevel.code == code))
    if level is None:
        raise InvalidInput(f"Unknown curriculum sublevel {code!r} for this subject.")
    return level


def get_all(session: Session, *, subject: str | None = None) -> list[Passage]:
    query = select(Passage).options(selectinload(Passage.subject), selectinload(Passage.level))
    if subject:
        query = query.where(Passage.subject_id == get_subject(session, code=subject).id)
    return list(session.scalars(query.order_by(Passage.code)))


def item_counts(session: Session) -> dict[int, int]:
    rows = session.execute(select(Item.passage_id, func.count()).where(
        Item.passage_id.is_not(None)).group_by(Item.passage_id))
    return {pid: n for pid, n in rows if pid is not None}


def to_dict(passage: Passage) -> dict:
    """The passage in the import/export format."""
    return {"code": passage.code, "subject": passage.subject.code, "title": passage.title,
            "body_html": passage.body_html,
            "sublevel": passage.level.code if passage.level else None,
            "word_count": passage.word_count}


def to_read(passage: Passage, count: int = 0) -> PassageRead:
    return PassageRead(**to_dict(passage), item_count=count)
