"""Scored responses: the evidence calibration runs estimate from.

Delivery records one per achievement item of each scored sitting; trial data and imports add
more. Calibration owns the table because it is calibration's input; delivery builds on
calibration and writes to it, so neither package imports the other's internals backwards.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, utcnow

RESPONSE_SOURCES = ("trial", "sitting", "import")


class ScoredResponse(Base):
    """One person's score on one item.

    ``person_key`` is pseudonymous (e.g. ``trial:00042`` or ``sitting:17``): calibration uses it
    to group a person's responses without knowing who they are, so deleting a student leaves
    their responses usable in de-identified form. ``groups`` holds the person's groups for
    DIF analysis (e.g. ``{"gender": "F", "language": "English"}``), never who they are.
    """

    __tablename__ = "scored_response"
    __table_args__ = (
        Index("ix_scored_response_item_observed", "item_id", "observed_at"),
        Index("uq_scored_response_person_item", "person_key", "item_id", unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_key: Mapped[str] = mapped_column(String(64))
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id", ondelete="CASCADE"))
    item_revision_id: Mapped[int | None] = mapped_column(
        ForeignKey("item_revision.id", ondelete="SET NULL"))
    score: Mapped[int]
    source: Mapped[str] = mapped_column(String(10))
    groups: Mapped[dict[str, Any] | None] = mapped_column(default=None)
    observed_at: Mapped[datetime] = mapped_column(default=utcnow)
