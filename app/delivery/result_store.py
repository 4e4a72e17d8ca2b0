"""Scored results in the database: the ``result`` row's JSON columns are written and read only
through :class:`~app.delivery.results.ScoredResult` (rows of any age read back typed)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.delivery.models import Result, Sitting
from app.delivery.results import ScoredResult, SubScores


def from_row(row: Result, sitting: Sitting) -> ScoredResult:
    """The typed result of a stored row (rows of any age)."""
    return ScoredResult(
        sitting_id=sitting.id, assignment_id=sitting.assignment_id,
        student_id=sitting.student_id, calibration_id=row.calibration_id, theta=row.theta,
        se=row.se, scale_score=row.scale_score, scale_se=row.scale_se, sublevel=row.sublevel,
        raw_score=row.raw_score, max_score=row.max_score,
        subscores=SubScores.model_validate(row.subscores or {}),
        attitude_score=row.attitude_score, flags=row.flags or (),
        quadrants=row.quadrants or (), sat_at=sitting.submitted_at or row.scored_at,
        scored_at=row.scored_at)


def to_row(scored: ScoredResult, row: Result) -> Result:
    """Write ``scored`` into ``row`` (new or re-scored)."""
    row.calibration_id, row.theta, row.se = scored.calibration_id, scored.theta, scored.se
    row.scale_score, row.scale_se, row.sublevel = (scored.scale_score, scored.scale_se,
                                                   scored.sublevel)
    row.raw_score, row.max_score = scored.raw_score, scored.max_score
    row.subscores = scored.subscores.model_dump(mode="json")
    row.quadrants = [q.model_dump(mode="json") for q in scored.quadrants]
    row.flags = [str(f) for f in scored.flags]
    row.attitude_score, row.scored_at = scored.attitude_score, scored.scored_at
    return row


def get(session: Session, *, sitting: Sitting) -> ScoredResult | None:
    """The sitting's result, or None if it is not scored."""
    row = session.scalar(select(Result).where(Result.sitting_id == sitting.id))
    return None if row is None else from_row(row, sitting)


def of_assignment(session: Session, *, assignment_id: int) -> list[ScoredResult]:
    """Every scored result of an assignment, in sitting order."""
    rows = session.execute(select(Result, Sitting).join(
        Sitting, Sitting.id == Result.sitting_id).where(
        Sitting.assignment_id == assignment_id).order_by(Sitting.id))
    return [from_row(row, sitting) for row, sitting in rows]
