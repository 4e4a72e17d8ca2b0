"""Calibrations: versioned sets of item parameters on a subject's scale, one active per subject.

They belong to the bank (items and their parameters); calibration runs, linking, review and
approval (:mod:`app.calibration`) create and activate them. The readers here let the bank
show and filter items by their active parameters without importing calibration.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Float, ForeignKey, Index, String, Subquery, Text, UniqueConstraint, select
from sqlalchemy import text as sql_text
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from app.db import Base, utcnow

CALIBRATION_KINDS = ("simulated", "estimated", "imported")


class Calibration(Base):
    """One estimation of item parameters on a subject's scale. One is active per subject.

    ``kind`` is ``simulated`` for generating parameters of the demo bank, ``estimated`` for a
    run of Kete's calibration and ``imported`` for parameters loaded from a file.
    ``link_a``/``link_b`` put this calibration on its parent's scale: θ_parent = A·θ + B.
    """

    __tablename__ = "calibration"
    __table_args__ = (
        Index(
            "uq_calibration_active_subject", "subject_id", unique=True,
            sqlite_where=sql_text("is_active"), postgresql_where=sql_text("is_active"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    subject_id: Mapped[int] = mapped_column(ForeignKey("subject.id"), index=True)
    label: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(20))
    is_active: Mapped[bool] = mapped_column(default=False)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("calibration.id"))
    link_a: Mapped[float] = mapped_column(Float, default=1.0)
    link_b: Mapped[float] = mapped_column(Float, default=0.0)
    population_mean: Mapped[float] = mapped_column(Float, default=0.0)
    population_sd: Mapped[float] = mapped_column(Float, default=1.0)
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    activated_at: Mapped[datetime | None]

    parameters: Mapped[list[ItemParameter]] = relationship(
        back_populates="calibration", cascade="all, delete-orphan"
    )


class ItemParameter(Base):
    """One item's parameters in one calibration (logistic metric, D = 1).

    ``location`` is ``b`` for dichotomous items and the mean step for polytomous ones; it is
    stored so the bank can be filtered by difficulty.
    """

    __tablename__ = "item_parameter"
    __table_args__ = (UniqueConstraint("calibration_id", "item_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    calibration_id: Mapped[int] = mapped_column(ForeignKey("calibration.id", ondelete="CASCADE"))
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id", ondelete="CASCADE"), index=True)
    model: Mapped[str] = mapped_column(String(10))
    a: Mapped[float] = mapped_column(Float, default=1.0)
    b: Mapped[float | None] = mapped_column(Float)
    c: Mapped[float] = mapped_column(Float, default=0.0)
    steps: Mapped[list[Any]] = mapped_column(default=list)
    se_a: Mapped[float | None] = mapped_column(Float)
    se_b: Mapped[float | None] = mapped_column(Float)
    se_c: Mapped[float | None] = mapped_column(Float)
    se_steps: Mapped[list[Any]] = mapped_column(default=list)
    location: Mapped[float] = mapped_column(Float, index=True)

    calibration: Mapped[Calibration] = relationship(back_populates="parameters")


def active_location_subquery() -> Subquery:
    """``(item_id, location)`` for every item in its subject's active calibration."""
    return (select(ItemParameter.item_id, ItemParameter.location)
            .join(Calibration, Calibration.id == ItemParameter.calibration_id)
            .where(Calibration.is_active).subquery())


def active_parameters(session: Session, *, item_ids: list[int]) -> dict[int, ItemParameter]:
    """Each item's parameters in its subject's active calibration (items without are absent)."""
    if not item_ids:
        return {}
    rows = session.scalars(
        select(ItemParameter).join(Calibration, Calibration.id == ItemParameter.calibration_id)
        .where(Calibration.is_active, ItemParameter.item_id.in_(item_ids)))
    return {p.item_id: p for p in rows}
