"""Forms: assembled tests, their items in order, and how they were asked for."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import Base, utcnow
from app.itembank.models import Item

FORM_KINDS = ("linear", "mst", "cat")


class Form(Base):
    """A test built from a teacher's request: ``draft`` until accepted, then fixed.

    It pins the calibration and each item's revision it was built with, so scores of its
    sittings are always computed on the scale it was built on.

    ``kind`` is ``linear`` (everyone sits the items in order), ``mst`` (a multistage test:
    ``design`` holds its panels — modules of item codes per stage and routing cut points) or
    ``cat`` (item-by-item adaptive: ``design`` holds its length, stopping rule and exposure
    cap). An adaptive form's items are every item its sittings may be given (all panels' items,
    or the CAT's pool); each sitting's route says which it was given.
    """

    __tablename__ = "form"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    subject_id: Mapped[int] = mapped_column(ForeignKey("subject.id"), index=True)
    school_id: Mapped[int | None] = mapped_column(ForeignKey("school.id"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"))
    calibration_id: Mapped[int] = mapped_column(ForeignKey("calibration.id"))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("form.id"))
    status: Mapped[str] = mapped_column(String(12), default="draft")
    mode: Mapped[str] = mapped_column(String(10), default="screen")
    attitude_scale: Mapped[str | None] = mapped_column(String(40))
    request: Mapped[dict[str, Any]] = mapped_column(default=dict)
    summary: Mapped[dict[str, Any]] = mapped_column(default=dict)
    tif_svg: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    accepted_at: Mapped[datetime | None]
    kind: Mapped[str] = mapped_column(String(8), default="linear", server_default="linear")
    design: Mapped[dict[str, Any] | None] = mapped_column(default=None)

    items: Mapped[list[FormItem]] = relationship(
        back_populates="form", order_by="FormItem.position", cascade="all, delete-orphan")


class FormItem(Base):
    """One item of a form, at its position, pinned to the revision the form was built with.

    A ``trial`` item is a field-trial item seeded into the form when it was accepted
    (:mod:`app.assembly.seeding`): students answer it like the others, its responses go to
    calibration, and it counts in no score, report or time estimate.
    """

    __tablename__ = "form_item"
    __table_args__ = (UniqueConstraint("form_id", "position", name="uq_form_item_position"),
                      UniqueConstraint("form_id", "item_id", name="uq_form_item_item"))

    id: Mapped[int] = mapped_column(primary_key=True)
    form_id: Mapped[int] = mapped_column(ForeignKey("form.id", ondelete="CASCADE"))
    position: Mapped[int]
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id"), index=True)
    item_revision_id: Mapped[int] = mapped_column(ForeignKey("item_revision.id"))
    trial: Mapped[bool] = mapped_column(default=False, server_default=false())

    form: Mapped[Form] = relationship(back_populates="items")
    item: Mapped[Item] = relationship()
