"""Scoring sittings: mark answers by their keys, estimate θ, and store the result.

A handed-in sitting is scored by a job (:func:`app.delivery.jobs.score_sitting` calls
:func:`score_handed_in`): answers are marked by their keys and, when nothing is left, the
sitting is scored; answers without a usable key (open responses) wait in the marking queue
(:mod:`app.delivery.marking`) and the sitting is scored when the last is marked. Unanswered
items score 0. One :class:`ScoredResponse` per achievement item (person ``sitting:<id>``)
feeds recalibration. The every-minute :func:`close_due` hands in sittings whose time is up
and re-queues hand-ins whose scoring job was lost (e.g. the queue was down).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

import numpy as np
from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session, selectinload

from app.assembly.models import FormItem
from app.calibration import service as calibration
from app.calibration.convert import to_item_parameters
from app.calibration.models import Calibration, ItemParameter
from app.calibration.scale import Scale
from app.db import utcnow
from app.delivery import adaptive, estimates, exposure_source, result_store, sittings
from app.delivery.estimates import Metric
from app.delivery.models import Answer, Assignment, Result, ScoredResponse, Sitting
from app.delivery.results import ItemOutcome, ScoredResult, SubScores
from app.itembank.keys import auto_markable, score_response
from app.itembank.models import Item, ItemRevision
from app.jobs import after_commit
from app.people.models import Student


def usable_key(item: Item, revision: ItemRevision) -> bool:
    """Whether the answer can be marked by its key (otherwise a teacher marks it)."""
    return auto_markable(revision.key)


def automark(session: Session, *, sitting: Sitting) -> int:
    """Score every unscored answer that has a usable key; return how many still wait."""
    waiting = 0
    rows = session.execute(select(Answer, Item, ItemRevision)
                           .join(Item, Item.id == Answer.item_id)
                           .join(ItemRevision, ItemRevision.id == Answer.item_revision_id)
                           .where(Answer.sitting_id == sitting.id, Answer.score.is_(None)))
    for answer, item, revision in rows:
        if answer.response is None:
            answer.score = 0
        elif usable_key(item, revision):
            assert revision.key is not None
            answer.score = score_response(item.response_type, revision.key,
                                          revision.max_score, answer.response)
        else:
            waiting += 1
    session.flush()
    return waiting


def finish(session: Session, *, sitting: Sitting) -> ScoredResult | None:
    """Mark what keys can mark; score the sitting when nothing waits for a teacher."""
    waiting = automark(session, sitting=sitting)
    sitting.automarked_at = sitting.automarked_at or utcnow()
    if waiting == 0:
        return score(session, sitting=sitting)
    session.flush()
    return None


def score_handed_in(session: Session, *, sitting_id: int) -> ScoredResult | None:
    """The scoring job's work: mark and score one handed-in sitting. Idempotent: the sitting
    row is locked first, and one already scored (or not handed in) is left alone."""
    sitting = session.scalar(select(Sitting).options(selectinload(Sitting.assignment))
                             .where(Sitting.id == sitting_id).with_for_update(of=Sitting))
    if sitting is None or sitting.status != "submitted":
        return None
    return finish(session, sitting=sitting)


LOST_AFTER = timedelta(seconds=30)
"""A hand-in with no marking done this long after it is taken to have lost its job."""


def close_due(session: Session, now: datetime | None = None, *,
              scoring: Literal["now", "queued"] = "now") -> int:
    """Hand in every in-progress sitting whose time or window has run out, and score the
    hand-ins whose scoring job was lost — in this transaction, or (``queued``, the periodic
    job) by jobs queued on commit. Returns how many sittings were handed in."""
    from app.delivery.jobs import score_sitting

    now = now or utcnow()
    handed_in = 0
    for sitting in session.scalars(select(Sitting).options(selectinload(Sitting.assignment))
                                   .join(Assignment).where(Sitting.status == "in_progress")):
        if now > sittings.deadline(sitting) + sittings.GRACE:
            sittings.submit(session, sitting=sitting, now=now, scoring=scoring)
            handed_in += 1
    for sitting_id in list(session.scalars(select(Sitting.id).where(
            Sitting.status == "submitted", Sitting.automarked_at.is_(None),
            Sitting.submitted_at < now - LOST_AFTER))):
        if scoring == "now":
            score_handed_in(session, sitting_id=sitting_id)
        else:
            after_commit(session, score_sitting, sitting_id)
    return handed_in


@dataclass
class _Row:
    """One achievement item of the form with the student's score on it."""

    position: int
    item: Item
    revision_id: int
    max_score: int
    score: int
    time_s: float


def score(session: Session, *, sitting: Sitting) -> ScoredResult:
    """Estimate and store the sitting's result (re-scoring replaces it)."""
    cal = calibration.get(session, calibration_id=sitting.calibration_id)
    rows, params, trial = _scored_items(session, sitting, cal)
    x = np.array([r.score for r in rows], dtype=float)
    metric = Metric(cal.population_mean, cal.population_sd, cal.link_a, cal.link_b)
    theta, se, own = (float(v[0]) for v in estimates.estimate(params, x[None, :], metric))
    scale = calibration.scale_of(session, subject_id=cal.subject_id)
    scale_score = round(scale.score(theta), 1) if scale else None
    sublevel = scale.sublevel(scale_score) if scale and scale_score is not None else ""
    now = utcnow()
    scored = ScoredResult(
        sitting_id=sitting.id, assignment_id=sitting.assignment_id,
        student_id=sitting.student_id, calibration_id=cal.id, theta=theta, se=se,
        scale_score=scale_score, scale_se=round(scale.score_se(se), 1) if scale else None,
        sublevel=sublevel or None,
        raw_score=int(x.sum()), max_score=int(sum(r.max_score for r in rows)),
        subscores=_subscores(params, x, rows, metric, scale),
        attitude_score=_attitude(session, sitting),
        flags=estimates.flags(x, np.array([r.max_score for r in rows]),
                              [r.time_s for r in rows if r.time_s]),
        quadrants=_quadrants(params, rows, own, metric, scale),
        sat_at=sitting.submitted_at or now, scored_at=now)
    row = session.scalar(select(Result).where(Result.sitting_id == sitting.id)) or Result(
        sitting_id=sitting.id)
    session.add(result_store.to_row(scored, row))
    sitting.status = "scored"
    _record_responses(session, sitting, rows + trial)
    session.flush()
    return scored


def _scored_items(session: Session, sitting: Sitting, cal: Calibration
                  ) -> tuple[list[_Row], Any, list[_Row]]:
    """The form's scored achievement items (with their parameters) and, apart, the trial items
    the student answered: those count in nothing but go to calibration like the others (one
    left unanswered is taken as not presented, so an abandoned sitting puts no zeros on a new
    item)."""
    answers = {a.item_id: a for a in session.scalars(
        select(Answer).where(Answer.sitting_id == sitting.id))}
    form_items = list(session.scalars(select(FormItem).options(
        selectinload(FormItem.item).selectinload(Item.objective),
        selectinload(FormItem.item).selectinload(Item.strand),
        selectinload(FormItem.item).selectinload(Item.level))
        .where(FormItem.form_id == sitting.assignment.form_id).order_by(FormItem.position)))
    params = {p.item_id: p for p in session.scalars(select(ItemParameter).where(
        ItemParameter.calibration_id == cal.id))}
    order = adaptive.given_order(session, sitting)
    if order is not None:  # an adaptive sitting is scored on the items it was given
        form_items = sorted((fi for fi in form_items if fi.item_id in order),
                            key=lambda fi: order[fi.item_id])
    rows, records, trial = [], [], []
    for fi in form_items:
        answer = answers.get(fi.item_id)
        if fi.trial:
            if answer is not None and answer.response is not None and answer.score is not None:
                trial.append(_row(session, fi, fi.position, answer))
            continue
        p = params.get(fi.item_id)
        if p is None or fi.item.kind != "achievement":
            continue
        rows.append(_row(session, fi, fi.position if order is None else order[fi.item_id],
                         answer))
        records.append(calibration.parameter_out(p, fi.item.code))
    return rows, to_item_parameters(records), trial


def _row(session: Session, fi: FormItem, position: int, answer: Answer | None) -> _Row:
    revision = session.get(ItemRevision, fi.item_revision_id)
    assert revision is not None
    return _Row(position, fi.item, revision.id, revision.max_score,
                int(answer.score or 0) if answer else 0, answer.time_s if answer else 0.0)


def _subscores(params: Any, x: np.ndarray, rows: list[_Row], metric: Metric,
               scale: Scale | None) -> SubScores:
    strands = {r.item.strand.code for r in rows if r.item.strand}
    by_strand = {s: [bool(r.item.strand and r.item.strand.code == s) for r in rows]
                 for s in strands}
    by_depth = {d: [r.item.depth == d for r in rows] for d in ("surface", "deep")}
    return SubScores(strand=estimates.subscores(params, x, by_strand, metric, scale),
                     depth=estimates.subscores(params, x, by_depth, metric, scale))


def _quadrants(params: Any, rows: list[_Row], theta_own: float, metric: Metric,
               scale: Scale | None) -> list[ItemOutcome]:
    shares = estimates.expected_shares(params, theta_own)
    places = metric.link_a * estimates.half_marks_theta(params) + metric.link_b
    return [ItemOutcome(
        position=r.position, item=r.item.code,
        objective=r.item.objective.code if r.item.objective else None,
        objective_text=r.item.objective.text if r.item.objective else None,
        strand=r.item.strand.code if r.item.strand else None,
        sublevel=r.item.level.code if r.item.level else None,
        depth=r.item.depth, score=r.score, max_score=r.max_score,
        p_correct=round(float(share), 3),
        difficulty=round(scale.score(float(place)), 1) if scale else None,
        quadrant=estimates.quadrant_of(float(share), r.score, r.max_score))
        for r, share, place in zip(rows, shares, places, strict=True)]


def _attitude(session: Session, sitting: Sitting) -> float | None:
    if not sitting.attitude_item_ids:
        return None
    marks = [a.score for a in session.scalars(select(Answer).where(
        Answer.sitting_id == sitting.id, Answer.item_id.in_(sitting.attitude_item_ids),
        Answer.response.is_not(None))) if a.score is not None]
    return round(sum(marks) / len(marks), 3) if marks else None


def _record_responses(session: Session, sitting: Sitting, rows: list[_Row]) -> None:
    key = f"sitting:{sitting.id}"
    session.execute(delete(ScoredResponse).where(ScoredResponse.person_key == key))
    student = session.get(Student, sitting.student_id) if sitting.student_id else None
    groups = None if student is None else {k: v for k, v in (
        ("gender", student.gender), ("ethnicity", student.ethnicity),
        ("language", student.language), ("year_level", student.year_level)) if v is not None}
    if rows:
        session.execute(insert(ScoredResponse), [
            {"person_key": key, "item_id": r.item.id, "item_revision_id": r.revision_id,
             "score": r.score, "source": "sitting", "groups": groups or None,
             "observed_at": sitting.submitted_at or utcnow()} for r in rows])


exposure_source.register()  # the tests that presented each item, for run reviews
