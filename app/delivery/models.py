"""Assignments, sittings, answers and results (the evidence reports are built from).

The scored responses delivery records for recalibration are calibration's evidence and live
there (:mod:`app.calibration.responses`); they are re-exported here for older imports.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Float, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.assembly.models import Form
from app.calibration.responses import RESPONSE_SOURCES as RESPONSE_SOURCES
from app.calibration.responses import ScoredResponse as ScoredResponse
from app.db import Base, utcnow

ASSIGNMENT_MODES = ("screen", "paper")
SITTING_STATES = ("not_started", "in_progress", "submitted", "scored")


class Assignment(Base):
    """A form given to a class: open from ``opens_at`` until ``closes_at``."""

    __tablename__ = "assignment"

    id: Mapped[int] = mapped_column(primary_key=True)
    form_id: Mapped[int] = mapped_column(ForeignKey("form.id"), index=True)
    class_id: Mapped[int] = mapped_column(
        ForeignKey("class_group.id", ondelete="CASCADE"), index=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id"), index=True)
    opens_at: Mapped[datetime]
    closes_at: Mapped[datetime]
    time_limit_minutes: Mapped[int | None]
    mode: Mapped[str] = mapped_column(String(10), default="screen")
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    form: Mapped[Form] = relationship()


class Sitting(Base):
    """One student's attempt at an assigned form.

    ``student_id`` is emptied when the student is deleted: the sitting, its answers and its
    result stay, de-identified. ``attitude_item_ids`` are fixed when the sitting starts, so a
    resumed sitting shows the same attitude statements. A handed-in sitting is ``submitted``
    until its scoring job has marked it by the keys (``automarked_at``) and, once nothing
    waits for a teacher's mark, scored it (``scored``).
    """

    __tablename__ = "sitting"
    __table_args__ = (UniqueConstraint("assignment_id", "student_id",
                                       name="uq_sitting_assignment_student"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(
        ForeignKey("assignment.id", ondelete="CASCADE"), index=True)
    student_id: Mapped[int | None] = mapped_column(
        ForeignKey("student.id", ondelete="SET NULL"), index=True)
    year_level: Mapped[int | None]
    """The student's year level when they sat (their record and norms need it years later)."""
    status: Mapped[str] = mapped_column(String(12), default="not_started", index=True)
    calibration_id: Mapped[int] = mapped_column(ForeignKey("calibration.id"))
    attitude_item_ids: Mapped[list[Any]] = mapped_column(default=list)
    started_at: Mapped[datetime | None]
    submitted_at: Mapped[datetime | None]
    automarked_at: Mapped[datetime | None]
    time_used_s: Mapped[float] = mapped_column(Float, default=0.0)

    assignment: Mapped[Assignment] = relationship()


class Answer(Base):
    """A student's latest answer to one item of a sitting.

    Saves are idempotent: the player numbers every save (``seq``) and names it
    (``client_id``); a save whose ``seq`` is not above the stored one is acknowledged and
    ignored, so a resent or out-of-order save never overwrites a later answer. Attitude items
    have no ``form_item_id`` (they are not part of the form).
    """

    __tablename__ = "answer"
    __table_args__ = (UniqueConstraint("sitting_id", "item_id", name="uq_answer_item"),
                      UniqueConstraint("sitting_id", "client_id", name="uq_answer_client"))

    id: Mapped[int] = mapped_column(primary_key=True)
    sitting_id: Mapped[int] = mapped_column(ForeignKey("sitting.id", ondelete="CASCADE"))
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id"))
    item_revision_id: Mapped[int] = mapped_column(ForeignKey("item_revision.id"))
    form_item_id: Mapped[int | None] = mapped_column(
        ForeignKey("form_item.id", ondelete="CASCADE"))
    response: Mapped[Any | None] = mapped_column(JSON(none_as_null=True))
    flagged: Mapped[bool] = mapped_column(default=False)
    seq: Mapped[int]
    client_id: Mapped[str] = mapped_column(String(64))
    time_s: Mapped[float] = mapped_column(Float, default=0.0)
    answered_at: Mapped[datetime | None]
    saved_at: Mapped[datetime] = mapped_column(default=utcnow)
    score: Mapped[int | None]
    marked_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"))
    marked_at: Mapped[datetime | None]


class Result(Base):
    """A scored sitting: θ and SE on the form's calibration, the scale score, sub-scores,
    attitude, flags and each item's Individual Learning Pathway quadrant.

    The JSON columns (``subscores``, ``flags``, ``quadrants``) hold the parts of a
    :class:`~app.delivery.results.ScoredResult` and are written and read only through it
    (:mod:`app.delivery.result_store`); nothing reads them by key.
    """

    __tablename__ = "result"

    id: Mapped[int] = mapped_column(primary_key=True)
    sitting_id: Mapped[int] = mapped_column(
        ForeignKey("sitting.id", ondelete="CASCADE"), unique=True)
    calibration_id: Mapped[int] = mapped_column(ForeignKey("calibration.id"))
    theta: Mapped[float] = mapped_column(Float)
    se: Mapped[float] = mapped_column(Float)
    scale_score: Mapped[float | None] = mapped_column(Float)
    scale_se: Mapped[float | None] = mapped_column(Float)
    sublevel: Mapped[str | None] = mapped_column(String(8))
    raw_score: Mapped[int]
    max_score: Mapped[int]
    subscores: Mapped[dict[str, Any]] = mapped_column(default=dict)
    attitude_score: Mapped[float | None] = mapped_column(Float)
    flags: Mapped[list[Any]] = mapped_column(default=list)
    quadrants: Mapped[list[Any]] = mapped_column(default=list)
    scored_at: Mapped[datetime] = mapped_column(default=utcnow)


class Route(Base):
    """Where an adaptive sitting has got to; only the server writes it.

    ``stages`` holds the item ids given in each stage so far, in order (MST: one module per
    stage; CAT: one item per stage). Only the last stage can still be answered: earlier ones
    are closed once the student moves on. ``stage`` counts the stages given and is what an
    advance is conditional on, so a double click (or a resend) moves the sitting on once.
    ``path`` is the MST module chosen in each stage; ``shadow`` the CAT's last shadow test
    (item ids), the warm start of the next; ``theta``/``se`` the interim EAP.
    """

    __tablename__ = "sitting_route"

    id: Mapped[int] = mapped_column(primary_key=True)
    sitting_id: Mapped[int] = mapped_column(
        ForeignKey("sitting.id", ondelete="CASCADE"), unique=True)
    kind: Mapped[str] = mapped_column(String(8))
    panel: Mapped[int | None]
    stage: Mapped[int] = mapped_column(default=0)
    stages: Mapped[list[Any]] = mapped_column(default=list)
    path: Mapped[list[Any]] = mapped_column(default=list)
    shadow: Mapped[list[Any]] = mapped_column(default=list)
    theta: Mapped[float | None] = mapped_column(Float)
    se: Mapped[float | None] = mapped_column(Float)
    finished: Mapped[bool] = mapped_column(default=False)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class ItemExposure(Base):
    """How many sittings of a CAT form were given each item of its pool (exposure control
    counts these, and the sittings started, at every step)."""

    __tablename__ = "item_exposure"
    __table_args__ = (UniqueConstraint("form_id", "item_id", name="uq_item_exposure_form_item"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    form_id: Mapped[int] = mapped_column(ForeignKey("form.id", ondelete="CASCADE"))
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id"))
    given: Mapped[int] = mapped_column(default=0)
