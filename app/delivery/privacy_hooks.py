"""Sittings under the privacy rules: a deleted student leaves no result, answer or label.

Deleting a student deletes their sittings, and with them their answers and results: nothing
of theirs stays attached to a class or readable by id. What calibration needs stays, cut
loose: their scored responses (item, score, day) under a fresh random pseudonym, and of the
group labels used for DIF only those that at least :data:`MIN_GROUP` people who sat the same
test share — the combination of the labels kept, too, so no label points to one child.
Registered when :mod:`app.delivery.sittings` is imported.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime, time
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from app.assembly.models import Form
from app.delivery.models import Answer, Assignment, Result, ScoredResponse, Sitting
from app.itembank.models import Item
from app.people import privacy
from app.people.models import Student

MIN_GROUP = 5
LABELS = ("gender", "ethnicity", "language", "year_level")


def forget(session: Session, student: Student, pseudonym: str) -> int:
    """Delete the student's sittings (answers and results go with them); keep their scored
    responses under ``pseudonym`` with only the labels a group of five shares."""
    mine = list(session.scalars(select(Sitting).where(Sitting.student_id == student.id)))
    for n, sitting in enumerate(mine):
        key = f"sitting:{sitting.id}"
        kept = _shared_labels(session, sitting, student)
        day = sitting.submitted_at or sitting.started_at
        # one pseudonym per sitting, as before (a sitting is one person to calibration)
        values: dict[str, Any] = {"person_key": f"{pseudonym}:{n}", "groups": kept or None}
        if day is not None:
            values["observed_at"] = datetime.combine(day.date(), time(), tzinfo=day.tzinfo)
        session.execute(update(ScoredResponse).where(ScoredResponse.person_key == key)
                        .values(**values).execution_options(synchronize_session=False))
    ids = [s.id for s in mine]
    if ids:
        session.execute(delete(Result).where(Result.sitting_id.in_(ids)))
        session.execute(delete(Answer).where(Answer.sitting_id.in_(ids)))
        session.execute(delete(Sitting).where(Sitting.id.in_(ids)))
    return len(ids)


def _shared_labels(session: Session, sitting: Sitting, student: Student) -> dict[str, Any]:
    """The student's labels that at least MIN_GROUP sitters of the same test share, dropping
    the rarest until their combination is shared by MIN_GROUP too."""
    cohort = [_labels(s) for s in session.scalars(
        select(Student).join(Sitting, Sitting.student_id == Student.id)
        .where(Sitting.assignment_id == sitting.assignment_id))]
    own = _labels(student)
    kept = {k: v for k, v in own.items()
            if v is not None and Counter(c.get(k) for c in cohort)[v] >= MIN_GROUP}
    while kept and sum(all(c.get(k) == v for k, v in kept.items()) for c in cohort) < MIN_GROUP:
        rarest = min(kept, key=lambda k: Counter(c.get(k) for c in cohort)[kept[k]])
        del kept[rarest]
    return kept


def _labels(student: Student) -> dict[str, Any]:
    return {k: getattr(student, k) for k in LABELS}


def export(session: Session, student: Student) -> list[dict[str, Any]]:
    """Everything held about the student's sittings: answers, result, sub-scores, attitude,
    flags, quadrants and the scored responses kept for calibration."""
    rows = session.execute(select(Sitting, Form.name, Result).join(
        Assignment, Assignment.id == Sitting.assignment_id).join(
        Form, Form.id == Assignment.form_id).outerjoin(Result, Result.sitting_id == Sitting.id)
        .where(Sitting.student_id == student.id).order_by(Sitting.id))
    return [{"test": name, "assignment_id": s.assignment_id, "status": s.status,
             "started_at": _iso(s.started_at), "submitted_at": _iso(s.submitted_at),
             "time_used_s": s.time_used_s, "answers": _answers(session, s),
             "result": _result(r), "scored_responses": _scored(session, s)}
            for s, name, r in rows]


def _answers(session: Session, sitting: Sitting) -> list[dict[str, Any]]:
    rows = session.execute(select(Answer, Item.code).join(Item, Item.id == Answer.item_id)
                           .where(Answer.sitting_id == sitting.id).order_by(Answer.id))
    return [{"item": code, "response": a.response, "score": a.score, "flagged": a.flagged,
             "time_s": a.time_s, "answered_at": _iso(a.answered_at),
             "saved_at": _iso(a.saved_at), "marked_at": _iso(a.marked_at)}
            for a, code in rows]


def _result(r: Result | None) -> dict[str, Any] | None:
    if r is None:
        return None
    return {"theta": r.theta, "se": r.se, "scale_score": r.scale_score, "scale_se": r.scale_se,
            "sublevel": r.sublevel, "raw_score": r.raw_score, "max_score": r.max_score,
            "subscores": r.subscores, "attitude_score": r.attitude_score, "flags": r.flags,
            "quadrants": r.quadrants, "scored_at": _iso(r.scored_at)}


def _scored(session: Session, sitting: Sitting) -> list[dict[str, Any]]:
    rows = session.execute(select(ScoredResponse, Item.code)
                           .join(Item, Item.id == ScoredResponse.item_id)
                           .where(ScoredResponse.person_key == f"sitting:{sitting.id}")
                           .order_by(ScoredResponse.id))
    return [{"item": code, "score": r.score, "groups": r.groups,
             "observed_at": _iso(r.observed_at)} for r, code in rows]


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def register() -> None:
    privacy.register("sittings", deidentify=forget, export=export)
