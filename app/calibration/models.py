"""Reporting scales, cut scores, calibration runs and norms.

The calibrations themselves (versioned item parameter sets) are the bank's: they live in
:mod:`app.itembank.parameters` and are re-exported here, because the bank reads its items'
active parameters and calibration builds on the bank, never the other way round.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Float, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import Base, utcnow
from app.itembank.parameters import CALIBRATION_KINDS as CALIBRATION_KINDS
from app.itembank.parameters import Calibration as Calibration
from app.itembank.parameters import ItemParameter as ItemParameter


class ReportingScale(Base):
    """``scale = intercept + slope·θ`` for one subject (data, not code constants)."""

    __tablename__ = "reporting_scale"

    id: Mapped[int] = mapped_column(primary_key=True)
    subject_id: Mapped[int] = mapped_column(ForeignKey("subject.id"), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    intercept: Mapped[float] = mapped_column(Float)
    slope: Mapped[float] = mapped_column(Float)


class CutScore(Base):
    """The scale score at which a curriculum sublevel begins."""

    __tablename__ = "cut_score"
    __table_args__ = (UniqueConstraint("subject_id", "level_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    subject_id: Mapped[int] = mapped_column(ForeignKey("subject.id"))
    level_id: Mapped[int] = mapped_column(ForeignKey("curriculum_level.id"))
    score: Mapped[float] = mapped_column(Float)


RUN_STATES = ("queued", "running", "succeeded", "failed", "approved", "discarded")


class CalibrationRun(Base):
    """A psychometrician's request to (re)calibrate items from a window of responses.

    Anchored runs hold the active calibration's operational items fixed and estimate the
    selected items onto that scale; the result is a new (inactive) calibration to review.
    """

    __tablename__ = "calibration_run"

    id: Mapped[int] = mapped_column(primary_key=True)
    subject_id: Mapped[int] = mapped_column(ForeignKey("subject.id"), index=True)
    label: Mapped[str] = mapped_column(String(120))
    model: Mapped[str] = mapped_column(String(10))
    anchored: Mapped[bool] = mapped_column(default=True)
    tolerance: Mapped[float] = mapped_column(Float, default=1e-3)
    item_statuses: Mapped[list[Any]] = mapped_column(default=list)
    item_codes: Mapped[list[Any]] = mapped_column(default=list)
    dropped_anchors: Mapped[list[Any]] = mapped_column(default=list)
    """Anchors left out of the anchor set and estimated afresh: ``[{"item", "reason"}]``."""
    window_start: Mapped[datetime | None]
    window_end: Mapped[datetime | None]
    status: Mapped[str] = mapped_column(String(12), default="queued", index=True)
    progress: Mapped[float] = mapped_column(Float, default=0.0)
    message: Mapped[str] = mapped_column(Text, default="")
    report: Mapped[dict[str, Any]] = mapped_column(default=dict)
    result_id: Mapped[int | None] = mapped_column(ForeignKey("calibration.id"))
    requested_by: Mapped[str] = mapped_column(String(254), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None]
    heartbeat_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]


PER_TEST, MIN_TEST_ITEMS, TARGET = 2, 20, 300
"""Field-test seeding defaults: trial items per test, shortest test that carries them,
responses a trial item needs before it is ready for a run."""


class FieldTrialSetting(Base):
    """A subject's seeding rule (without a row: the defaults above, never on paper)."""

    __tablename__ = "field_trial_setting"

    id: Mapped[int] = mapped_column(primary_key=True)
    subject_id: Mapped[int] = mapped_column(ForeignKey("subject.id"), unique=True)
    per_test: Mapped[int] = mapped_column(default=PER_TEST)
    """Trial items seeded into each test long enough to carry them."""
    min_test_items: Mapped[int] = mapped_column(default=MIN_TEST_ITEMS)
    """Tests with fewer scored items carry none (a short test is no place for extra items)."""
    target: Mapped[int] = mapped_column(default=TARGET)
    """Responses a trial item collects before it is ready for a calibration run."""
    on_paper: Mapped[bool] = mapped_column(default=False)
    """Paper tests carry trial items only when asked."""


class NormSet(Base):
    """A subject's norms from one source (e.g. a national sample), imported as data.

    One set is active per subject; without one, reports use illustrative norms derived from
    the calibration (:func:`app.calibration.norms.illustrative`), labelled as such.
    """

    __tablename__ = "norm_set"
    __table_args__ = (
        Index("uq_norm_set_active_subject", "subject_id", unique=True,
              sqlite_where=text("is_active"), postgresql_where=text("is_active")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    subject_id: Mapped[int] = mapped_column(ForeignKey("subject.id"), index=True)
    source: Mapped[str] = mapped_column(String(300))
    is_active: Mapped[bool] = mapped_column(default=True)
    imported_by: Mapped[str] = mapped_column(String(254), default="")
    imported_at: Mapped[datetime] = mapped_column(default=utcnow)

    norms: Mapped[list[Norm]] = relationship(
        back_populates="norm_set", cascade="all, delete-orphan",
        order_by="[Norm.year_level, Norm.week]")


class Norm(Base):
    """One year level's scale-score mean and SD at one week of the school year."""

    __tablename__ = "norm"
    __table_args__ = (UniqueConstraint("norm_set_id", "year_level", "week"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    norm_set_id: Mapped[int] = mapped_column(ForeignKey("norm_set.id", ondelete="CASCADE"))
    year_level: Mapped[int]
    week: Mapped[int]
    term: Mapped[int | None]
    mean: Mapped[float] = mapped_column(Float)
    sd: Mapped[float] = mapped_column(Float)
    n: Mapped[int]

    norm_set: Mapped[NormSet] = relationship(back_populates="norms")
