"""Calibration runs: request, execute in the background, review, approve.

A run reads the scored responses of a subject in a time window for the chosen items (by
status, e.g. ``trial``, or by code) plus, when anchored, the operational items of the active
calibration, whose parameters stay fixed. Its result is a new, inactive calibration that
carries every other item's active parameters forward, so approving it changes only what the
run estimated.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import numpy as np
from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from app.calibration import service
from app.calibration.analysis import RunData, RunResult, analyse
from app.calibration.convert import from_item_parameters, to_item_parameters
from app.calibration.models import Calibration, CalibrationRun, ItemParameter
from app.calibration.responses import ScoredResponse
from app.calibration.schemas import RunCreate
from app.db import utcnow
from app.errors import Conflict, InvalidInput, NotFound
from app.irt.linking import link
from app.itembank.curricula import get_subject
from app.itembank.models import Item, ItemRevision, Subject

STALE_AFTER = timedelta(minutes=10)


def request(session: Session, *, data: RunCreate, requested_by: str) -> CalibrationRun:
    """Record a queued run after checking the subject, items and anchors make sense."""
    subject = get_subject(session, code=data.subject)
    if data.anchored and service.get_active(session, subject=subject) is None:
        raise InvalidInput(f"{subject.code} has no active calibration to anchor to; "
                           "run an unanchored reference calibration first.")
    run = CalibrationRun(subject_id=subject.id, label=data.label, model=data.model,
                         anchored=data.anchored, tolerance=data.tolerance,
                         item_statuses=list(data.item_statuses),
                         item_codes=list(data.item_codes), window_start=data.window_start,
                         window_end=data.window_end, requested_by=requested_by)
    session.add(run)
    session.flush()
    return run


def get(session: Session, *, run_id: int) -> CalibrationRun:
    run = session.get(CalibrationRun, run_id)
    if run is None:
        raise NotFound(f"No calibration run {run_id}.")
    return run


def get_all(session: Session, *, subject: Subject | None = None) -> list[CalibrationRun]:
    query = select(CalibrationRun).order_by(CalibrationRun.id.desc())
    if subject is not None:
        query = query.where(CalibrationRun.subject_id == subject.id)
    return list(session.scalars(query))


def execute(make_session: sessionmaker[Session], run_id: int) -> None:
    """Do the work of a run, committing progress as it goes; failures are recorded.

    The run is claimed with one conditional UPDATE, so a run enqueued twice (say, recovered
    after a restart while its first job was still waiting) is worked on once.
    """
    with make_session() as session:
        claimed = session.execute(
            update(CalibrationRun).where(
                CalibrationRun.id == run_id,
                or_(CalibrationRun.status == "queued",
                    and_(CalibrationRun.status == "running",
                         or_(CalibrationRun.heartbeat_at.is_(None),
                             CalibrationRun.heartbeat_at < utcnow() - STALE_AFTER))))
            .values(status="running", started_at=utcnow(), heartbeat_at=utcnow(), progress=0.0,
                    message="Loading responses"))
        session.commit()
        if claimed.rowcount != 1:  # type: ignore[attr-defined]
            return
    try:
        with make_session() as session:
            run = get(session, run_id=run_id)
            data, tolerance = load_data(session, run), run.tolerance
        result = analyse(data, _progress_writer(make_session, run_id), tol=tolerance)
        with make_session() as session:
            _store(session, get(session, run_id=run_id), data, result)
            session.commit()
    except Exception as exc:  # any failure is the run's outcome, shown to the psychometrician
        with make_session() as session:
            run = get(session, run_id=run_id)
            run.status, run.finished_at = "failed", utcnow()
            run.message = f"{type(exc).__name__}: {exc}"
            session.commit()


def _progress_writer(make_session: sessionmaker[Session], run_id: int
                     ) -> Callable[[float, str], None]:
    last = [0.0]

    def write(fraction: float, message: str) -> None:
        if fraction - last[0] < 0.02 and fraction < 1:
            return  # a write per 2% keeps the database quiet
        last[0] = fraction
        with make_session() as session:
            run = get(session, run_id=run_id)
            run.progress, run.message, run.heartbeat_at = fraction, message, utcnow()
            session.commit()
    return write


def load_data(session: Session, run: CalibrationRun) -> RunData:
    """The run's responses in long form, its items' models, and the fixed anchors."""
    targets = _target_items(session, run)
    if not targets:
        raise InvalidInput("No items match the run's item selection.")
    anchors = _anchor_parameters(session, run, exclude={i.id for i in targets})
    anchor_items = {p.item_id for p in anchors}
    items = targets + list(session.scalars(select(Item).where(Item.id.in_(anchor_items))))
    rows = _responses(session, run, [i.id for i in items])
    if not rows:
        raise InvalidInput("No scored responses in the window for these items.")
    return _run_data(session, run, items, rows, anchors)


def _target_items(session: Session, run: CalibrationRun) -> list[Item]:
    query = select(Item).where(Item.subject_id == run.subject_id, Item.kind == "achievement")
    if run.item_codes:
        query = query.where(Item.code.in_(run.item_codes))
    elif run.item_statuses:
        query = query.where(Item.status.in_(run.item_statuses))
    return list(session.scalars(query.order_by(Item.code)))


def _anchor_parameters(session: Session, run: CalibrationRun, exclude: set[int]
                       ) -> list[ItemParameter]:
    if not run.anchored:
        return []
    return list(session.scalars(
        select(ItemParameter).join(Calibration, Calibration.id == ItemParameter.calibration_id)
        .join(Item, Item.id == ItemParameter.item_id)
        .where(Calibration.subject_id == run.subject_id, Calibration.is_active,
               Item.status == "operational", Item.needs_recalibration.is_(False),
               ItemParameter.item_id.not_in(exclude))))


Row = tuple[str, int, int, dict | None]


def _responses(session: Session, run: CalibrationRun, item_ids: list[int]) -> list[Row]:
    query = select(ScoredResponse.person_key, ScoredResponse.item_id, ScoredResponse.score,
                   ScoredResponse.groups).where(ScoredResponse.item_id.in_(item_ids))
    if run.window_start is not None:
        query = query.where(ScoredResponse.observed_at >= run.window_start)
    if run.window_end is not None:
        query = query.where(ScoredResponse.observed_at <= run.window_end)
    return [(p, i, s, g) for p, i, s, g in session.execute(query)]


def _run_data(session: Session, run: CalibrationRun, items: list[Item],
              rows: list[Row], anchors: list[ItemParameter]) -> RunData:
    column = {item.id: j for j, item in enumerate(items)}
    persons: dict[str, int] = {}
    person = np.array([persons.setdefault(p, len(persons)) for p, _, _, _ in rows])
    max_scores = _max_scores(session, items)
    models = [_model(run.model, item, m) for item, m in zip(items, max_scores, strict=True)]
    codes = {item.id: item.code for item in items}
    anchor_params = to_item_parameters([service.parameter_out(p, codes[p.item_id])
                                        for p in anchors]) if anchors else None
    return RunData(item_ids=[i.code for i in items], person=person,
                   item=np.array([column[i] for _, i, _, _ in rows]),
                   score=np.array([s for _, _, s, _ in rows]), n_persons=len(persons),
                   models=models, anchors=anchor_params, max_scores=np.array(max_scores),
                   groups=_groups(rows, person, len(persons)))


def _groups(rows: list[Row], person: np.ndarray, n_persons: int) -> dict[str, np.ndarray]:
    """Each group variable's label per person (from any of their responses)."""
    out: dict[str, np.ndarray] = {}
    for (_, _, _, groups), p in zip(rows, person, strict=True):
        for variable, label in (groups or {}).items():
            column = out.setdefault(variable, np.full(n_persons, None, dtype=object))
            column[p] = str(label) if label not in (None, "") else None
    return out


def _model(requested: str, item: Item, max_score: int) -> str:
    """The IRT model of one item in a run (see ``RunCreate.model``)."""
    if max_score > 1:
        return "grm" if requested == "grm" else "gpcm"
    if requested == "auto":
        return "3pl" if item.response_type in ("single_choice", "multiple_choice") else "2pl"
    return "2pl" if requested == "grm" else requested


def _max_scores(session: Session, items: list[Item]) -> list[int]:
    revisions = {r.id: r.max_score for r in session.scalars(select(ItemRevision).where(
        ItemRevision.id.in_([i.current_revision_id for i in items])))}
    return [revisions.get(i.current_revision_id or 0, 1) for i in items]


def _store(session: Session, run: CalibrationRun, data: RunData, result: RunResult) -> None:
    """The result as a new inactive calibration: the run's estimates plus every other item's
    active parameters carried forward; the run's report alongside."""
    subject = session.get(Subject, run.subject_id)
    assert subject is not None
    active = service.get_active(session, subject=subject)
    estimated = {p.item: p for p in from_item_parameters(result.params)}
    carried = [] if active is None else [
        p for p in service.parameters(session, calibration=active) if p.item not in estimated]
    calibration = service.store(
        session, subject=subject, label=run.label, kind="estimated",
        parameters=[*estimated.values(), *carried], parent=active,
        population=(result.mean, result.sd),
        notes=f"Calibration run {run.id}: {run.model}, "
              f"{'anchored' if data.anchors is not None else 'reference (N(0, 1))'}.")
    if data.anchors is None and active is not None:
        result.report["link"] = _link_to(session, calibration, result, active)
    run.result_id, run.report = calibration.id, result.report
    run.status, run.progress, run.finished_at = "succeeded", 1.0, utcnow()
    run.message = "Done: review the items, then approve to make it the active calibration."


def _link_to(session: Session, calibration: Calibration, result: RunResult,
             active: Calibration) -> dict[str, float | int | str]:
    """Store how a free (unanchored) calibration maps onto the active scale, by
    Stocking–Lord through their common items: θ_active = A·θ_new + B."""
    target = to_item_parameters(service.parameters(session, calibration=active))
    try:
        linked = link(result.params, target, "stocking-lord")
    except ValueError as exc:  # fewer than two common items
        return {"method": "stocking-lord", "error": str(exc)}
    calibration.link_a, calibration.link_b = linked.A, linked.B
    return {"method": "stocking-lord", "A": linked.A, "B": linked.B,
            "common_items": len(linked.common_items), "parent": active.id}


def approve(session: Session, *, run: CalibrationRun) -> Calibration:
    """Make the run's calibration its subject's active one."""
    if run.status != "succeeded" or run.result_id is None:
        raise Conflict(f"Run {run.id} is {run.status}; only a succeeded run can be approved.")
    calibration = service.activate(session, calibration=service.get(
        session, calibration_id=run.result_id))
    run.status = "approved"
    run.message = (f"Approved: calibration {calibration.id} is the active calibration; earlier "
                   "scores keep the calibration they were made with.")
    session.flush()
    return calibration


def interrupted(session: Session) -> list[CalibrationRun]:
    """Runs whose worker has gone: queued, or running without a recent heartbeat."""
    cutoff = utcnow() - STALE_AFTER
    runs = session.scalars(select(CalibrationRun).where(
        CalibrationRun.status.in_(("queued", "running"))))
    return [r for r in runs if r.status == "queued" or r.heartbeat_at is None
            or r.heartbeat_at < cutoff]

