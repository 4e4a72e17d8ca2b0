"""Delivery's answer to calibration's exposure summary: how many tests presented each item.

A sitting's scored responses carry ``sitting:<id>`` as their person key
(:mod:`app.delivery.scoring`), so the tests are found through the sittings they name.
Registered when :mod:`app.delivery.scoring` (which writes those responses) is imported.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import String, cast, distinct, func, literal, select
from sqlalchemy.orm import Session

from app.calibration import exposure
from app.delivery.models import Assignment, ScoredResponse, Sitting


def forms_presenting(session: Session, item_ids: Sequence[int], start: datetime | None,
                     end: datetime | None) -> dict[int, int]:
    """Item id → distinct tests (forms) of the scored sittings in the window that gave it."""
    key = literal("sitting:", String) + cast(Sitting.id, String)
    query = (select(ScoredResponse.item_id, func.count(distinct(Assignment.form_id)))
             .join(Sitting, ScoredResponse.person_key == key)
             .join(Assignment, Assignment.id == Sitting.assignment_id)
             .where(ScoredResponse.source == "sitting", ScoredResponse.item_id.in_(item_ids))
             .group_by(ScoredResponse.item_id))
    if start is not None:
        query = query.where(ScoredResponse.observed_at >= start)
    if end is not None:
        query = query.where(ScoredResponse.observed_at <= end)
    return {item_id: int(n) for item_id, n in session.execute(query)}


def register() -> None:
    exposure.answer_form_counts_with(forms_presenting)
