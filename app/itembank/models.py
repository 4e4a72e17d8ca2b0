"""Curriculum frameworks, passages and items (with revisions) as SQLAlchemy 2 models."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import Base, utcnow

SURFACE_SOLO = ("unistructural", "multistructural")
DEEP_SOLO = ("relational", "extended_abstract")


class Subject(Base):
    """A subject has one reporting scale and one curriculum framework (e.g. mathematics)."""

    __tablename__ = "subject"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(120))

    levels: Mapped[list[CurriculumLevel]] = relationship(
        back_populates="subject", order_by="CurriculumLevel.rank"
    )
    strands: Mapped[list[Strand]] = relationship(back_populates="subject", order_by="Strand.code")


class CurriculumLevel(Base):
    """A curriculum sublevel such as 3P (level 3, Proficient); ``rank`` orders them."""

    __tablename__ = "curriculum_level"
    __table_args__ = (UniqueConstraint("subject_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    subject_id: Mapped[int] = mapped_column(ForeignKey("subject.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(8))
    level: Mapped[int]
    sublevel: Mapped[str] = mapped_column(String(2))
    rank: Mapped[int]

    subject: Mapped[Subject] = relationship(back_populates="levels")


class Strand(Base):
    """A part of a subject's curriculum (maths: Number and Algebra, …)."""

    __tablename__ = "strand"
    __table_args__ = (UniqueConstraint("subject_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    subject_id: Mapped[int] = mapped_column(ForeignKey("subject.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(120))

    subject: Mapped[Subject] = relationship(back_populates="strands")


class Objective(Base):
    """An achievement objective: a curriculum statement at a curriculum level."""

    __tablename__ = "objective"
    __table_args__ = (UniqueConstraint("subject_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    subject_id: Mapped[int] = mapped_column(ForeignKey("subject.id", ondelete="CASCADE"))
    strand_id: Mapped[int] = mapped_column(ForeignKey("strand.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(40))
    level: Mapped[int]
    text: Mapped[str] = mapped_column(Text)

    strand: Mapped[Strand] = relationship()


class Passage(Base):
    """Shared stimulus (a reading text, a diagram) for an item set."""

    __tablename__ = "passage"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    subject_id: Mapped[int] = mapped_column(ForeignKey("subject.id"))
    title: Mapped[str] = mapped_column(String(200))
    body_html: Mapped[str] = mapped_column(Text)
    level_id: Mapped[int | None] = mapped_column(ForeignKey("curriculum_level.id"))
    word_count: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    subject: Mapped[Subject] = relationship()
    level: Mapped[CurriculumLevel | None] = relationship()


class Item(Base):
    """One question. Its content lives in revisions; ``current_revision`` is what is served."""

    __tablename__ = "item"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    subject_id: Mapped[int] = mapped_column(ForeignKey("subject.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20), default="achievement")
    strand_id: Mapped[int | None] = mapped_column(ForeignKey("strand.id"), index=True)
    objective_id: Mapped[int | None] = mapped_column(ForeignKey("objective.id"), index=True)
    level_id: Mapped[int | None] = mapped_column(ForeignKey("curriculum_level.id"), index=True)
    solo: Mapped[str | None] = mapped_column(String(20))
    response_type: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20), default="draft", index=True)
    passage_id: Mapped[int | None] = mapped_column(ForeignKey("passage.id"), index=True)
    enemy_group: Mapped[str | None] = mapped_column(String(40))
    family: Mapped[str | None] = mapped_column(String(60), index=True)
    """The template (item model) the item was written from, or any name for a family of
    variants. Items of one family are enemies unless its :class:`ItemFamily` row says not."""
    attitude_scale: Mapped[str | None] = mapped_column(String(40))
    needs_recalibration: Mapped[bool] = mapped_column(default=False)
    current_revision_id: Mapped[int | None] = mapped_column(
        ForeignKey("item_revision.id", use_alter=True, ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    subject: Mapped[Subject] = relationship()
    strand: Mapped[Strand | None] = relationship()
    objective: Mapped[Objective | None] = relationship()
    level: Mapped[CurriculumLevel | None] = relationship()
    passage: Mapped[Passage | None] = relationship()
    current_revision: Mapped[ItemRevision | None] = relationship(
        foreign_keys=[current_revision_id], post_update=True
    )

    @property
    def depth(self) -> str | None:
        """``surface`` (uni-/multistructural) or ``deep`` (relational, extended abstract)."""
        if self.solo is None:
            return None
        return "surface" if self.solo in SURFACE_SOLO else "deep"


class ItemFamily(Base):
    """What is known about a family of items (those written from one template).

    Items of one family give each other away (the same question with new numbers), so they
    count as enemies: a test holds at most one of them. A family whose items are independent
    (``enemies=False``, e.g. separate number facts) says so here; a family with no row keeps
    the rule.
    """

    __tablename__ = "item_family"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(60), unique=True)
    enemies: Mapped[bool] = mapped_column(default=True)
    note: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ItemRevision(Base):
    """An immutable version of an item's content, key and timing."""

    __tablename__ = "item_revision"
    __table_args__ = (UniqueConstraint("item_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id", ondelete="CASCADE"), index=True)
    number: Mapped[int]
    stem_html: Mapped[str] = mapped_column(Text)
    options: Mapped[list[Any]]
    key: Mapped[dict[str, Any] | None]
    max_score: Mapped[int]
    expected_time_s: Mapped[int]
    item_metadata: Mapped[dict[str, Any]] = mapped_column("metadata", default=dict)
    note: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
