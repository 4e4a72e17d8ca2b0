"""Teacher-defined groups, teams, targets and impact cycles."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Column, Float, ForeignKey, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import Base, utcnow
from app.people.models import Staff, Student

group_member = Table(
    "student_group_member", Base.metadata,
    Column("group_id", ForeignKey("student_group.id", ondelete="CASCADE"), primary_key=True),
    Column("student_id", ForeignKey("student.id", ondelete="CASCADE"), primary_key=True,
           index=True),
)
team_member = Table(
    "team_member", Base.metadata,
    Column("team_id", ForeignKey("team.id", ondelete="CASCADE"), primary_key=True),
    Column("staff_id", ForeignKey("staff.id", ondelete="CASCADE"), primary_key=True,
           index=True),
)


class StudentGroup(Base):
    """A group a teacher defines for reporting (e.g. "Tuesday maths group"): some students of
    their classes. Unlike a class it has no log-in code and changes nobody's enrolment."""

    __tablename__ = "student_group"

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id"), index=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("staff.id", ondelete="CASCADE"),
                                          index=True)
    name: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    owner: Mapped[Staff] = relationship()
    students: Mapped[list[Student]] = relationship(
        secondary=group_member, order_by="[Student.last_name, Student.first_name]")


class Team(Base):
    """Colleagues who plan and read their impact cycles together."""

    __tablename__ = "team"
    __table_args__ = (UniqueConstraint("school_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    members: Mapped[list[Staff]] = relationship(secondary=team_member, order_by="Staff.name")


TARGET_KINDS = ("at_expected", "mean_d")


class Target(Base):
    """A leader's target for a year level (or the whole school) in one school year.

    ``at_expected``: the share of students at or above the expected curriculum level by the
    year's last results (``value`` 0–1). ``mean_d``: the effect size from the year's first to
    its last results (e.g. 0.40).
    """

    __tablename__ = "target"
    __table_args__ = (UniqueConstraint("school_id", "subject_id", "school_year", "year_level",
                                       "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id"), index=True)
    subject_id: Mapped[int] = mapped_column(ForeignKey("subject.id"))
    school_year: Mapped[int]
    year_level: Mapped[int | None]
    kind: Mapped[str] = mapped_column(String(20))
    value: Mapped[float] = mapped_column(Float)
    note: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ImpactCycle(Base):
    """A teacher's (or team's) cycle of teaching: objectives and success criteria chosen before
    teaching, a pre-test and a parallel post-test built together, and their dates."""

    __tablename__ = "impact_cycle"

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff.id", ondelete="SET NULL"))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("team.id", ondelete="SET NULL"),
                                                index=True)
    class_id: Mapped[int] = mapped_column(ForeignKey("class_group.id", ondelete="CASCADE"),
                                          index=True)
    group_id: Mapped[int | None] = mapped_column(
        ForeignKey("student_group.id", ondelete="SET NULL"))
    subject_id: Mapped[int] = mapped_column(ForeignKey("subject.id"))
    title: Mapped[str] = mapped_column(String(120))
    objectives: Mapped[list[Any]] = mapped_column(default=list)
    success_criteria: Mapped[list[Any]] = mapped_column(default=list)
    pre_form_id: Mapped[int | None] = mapped_column(ForeignKey("form.id"))
    post_form_id: Mapped[int | None] = mapped_column(ForeignKey("form.id"))
    pre_assignment_id: Mapped[int | None] = mapped_column(
        ForeignKey("assignment.id", ondelete="SET NULL"))
    post_assignment_id: Mapped[int | None] = mapped_column(
        ForeignKey("assignment.id", ondelete="SET NULL"))
    parallel: Mapped[dict[str, Any]] = mapped_column(default=dict)
    """How parallel the two tests are: shared items, information over the class's range."""
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    reflection: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    created_by: Mapped[Staff | None] = relationship()
    team: Mapped[Team | None] = relationship()
