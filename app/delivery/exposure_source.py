"""Delivery's answer to calibration's exposure summary: which of the window's sittings were
Kete's own, which tests presented each item, and which sittings were of students since deleted.

A sitting's scored responses carry ``sitting:<id>`` as their person key
(:mod:`app.delivery.scoring`), so Kete's own sittings and their tests are found through the
sittings they name; a deleted student's carry their pseudonym
(:data:`app.people.privacy.PSEUDONYM_PREFIX`). The rest were imported from a file. Registered
when :mod:`app.delivery.scoring` (which writes those responses) is imported.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import String, cast, distinct, func, literal, select
from sqlalchemy.orm import Session

from app.calibration import exposure
from app.delivery.models import Assignment, ScoredResponse, Sitting
from app.people.privacy import PSEUDONYM_PREFIX


def forms_presenting(session: Session, item_ids: Sequence[int], start: datetime | None,
                     end: datetime | None) -> dict[int, int]:
    """Item id → distinct tests (forms) of the scored sittings in the window that gave it."""
    return provenance(session, item_ids, start, end).tests


def provenance(session: Session, item_ids: Sequence[int], start: datetime | None,
               end: datetime | None) -> exposure.Provenance:
    """For the window's scored sittings of ``item_ids``: the tests and Kete sittings that
    presented each item, and the sittings of students since deleted."""
    where = _where(item_ids, start, end)
    key = literal("sitting:", String) + cast(Sitting.id, String)
    sat = (select(ScoredResponse.item_id, func.count(distinct(Assignment.form_id)),
                  func.count(distinct(Sitting.id)))
           .join(Sitting, ScoredResponse.person_key == key)
           .join(Assignment, Assignment.id == Sitting.assignment_id).where(*where))
    per_item = session.execute(sat.group_by(ScoredResponse.item_id)).all()
    sat_total = session.scalar(select(func.count(distinct(Sitting.id)))
                               .select_from(ScoredResponse)
                               .join(Sitting, ScoredResponse.person_key == key).where(*where))
    gone = [*where, ScoredResponse.person_key.startswith(PSEUDONYM_PREFIX)]
    deleted = session.execute(select(ScoredResponse.item_id, func.count()).where(*gone)
                              .group_by(ScoredResponse.item_id)).all()
    deleted_total = session.scalar(select(func.count(distinct(ScoredResponse.person_key)))
                                   .where(*gone))
    return exposure.Provenance(
        tests={i: int(forms) for i, forms, _ in per_item},
        sat={i: int(n) for i, _, n in per_item},
        deleted={i: int(n) for i, n in deleted}, sat_total=int(sat_total or 0),
        deleted_total=int(deleted_total or 0))


def _where(item_ids: Sequence[int], start: datetime | None, end: datetime | None
           ) -> list[Any]:
    where: list[Any] = [ScoredResponse.source == "sitting",
                        ScoredResponse.item_id.in_(item_ids)]
    if start is not None:
        where.append(ScoredResponse.observed_at >= start)
    if end is not None:
        where.append(ScoredResponse.observed_at <= end)
    return where


def register() -> None:
    exposure.answer_provenance_with(provenance)
