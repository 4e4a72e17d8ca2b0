"""Calibration runs: request, execute in the background, review, approve.

A run reads the scored responses of a subject in a time window for the chosen items (by
status, e.g. ``trial``, or by code) plus, when anchored, the operational items of the active
calibration, whose parameters stay fixed. Its result is a new, inactive calibration that
carries every other item's active parameters forward, so approving it changes only what the
run estimated.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from app.calibration import exposure, gates, rescoring, service
from app.calibration.analysis import RunData, RunResult, analyse
from app.calibration.convert import from_item_parameters, to_item_parameters
from app.calibration.models import Calibration, CalibrationRun
from app.calibration.run_data import load_data
from app.calibration.schemas import RunCreate
from app.db import READ_ONLY, utcnow
from app.errors import AppError, Conflict, InvalidInput, NotFound
from app.irt.linking import link
from app.itembank import service as bank
from app.itembank.curricula import get_subject
from app.itembank.models import Item, Subject
from app.people import audit

if TYPE_CHECKING:
    from app.people.dependencies import Caller

log = logging.getLogger(__name__)

STALE_AFTER = timedelta(minutes=10)


def request(session: Session, *, data: RunCreate, requested_by: str) -> CalibrationRun:
    """Record a queued run after checking the subject, items and anchors make sense."""
    subject = get_subject(session, code=data.subject)
    if data.anchored and service.get_active(session, subject=subject) is None:
        raise InvalidInput(f"{subject.code} has no active calibration to anchor to; "
                           "run an unanchored reference calibration first.")
    _check_codes(session, subject, [*data.item_codes, *(d.item for d in data.drop_anchors)])
    run = CalibrationRun(subject_id=subject.id, label=data.label, model=data.model,
                         anchored=data.anchored, tolerance=data.tolerance,
                         item_statuses=list(data.item_statuses),
                         item_codes=list(data.item_codes), window_start=data.window_start,
                         window_end=data.window_end, requested_by=requested_by,
                         dropped_anchors=[d.model_dump() for d in data.drop_anchors])
    session.add(run)
    session.flush()
    return run


def _check_codes(session: Session, subject: Subject, codes: list[str]) -> None:
    """Refuse, naming them, codes that are not items of the subject (a run would only fail)."""
    known = set(session.scalars(select(Item.code).where(Item.subject_id == subject.id,
                                                        Item.code.in_(codes))))
    unknown = list(dict.fromkeys(c for c in codes if c not in known))
    if unknown:
        raise InvalidInput(f"{len(unknown)} item code(s) are not {subject.name.lower()} items "
                           f"in the bank: {', '.join(unknown[:20])}"
                           f"{' …' if len(unknown) > 20 else ''}. Check the codes and try again.")


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
        # only reads: on SQLite a deferred BEGIN, so loading (a minute on a big bank) holds
        # no write lock and log-ins, saves and hand-ins go on meanwhile
        with make_session(execution_options=READ_ONLY) as session:
            run = get(session, run_id=run_id)
            data, tolerance = load_data(session, run), run.tolerance
        result = analyse(data, _progress_writer(make_session, run_id), tol=tolerance)
        with make_session() as session:
            _store(session, get(session, run_id=run_id), data, result)
            session.commit()
    except Exception as exc:  # any failure is the run's outcome, shown to the psychometrician
        if not isinstance(exc, AppError | ValueError):
            log.exception("calibration run %s failed", run_id)
        with make_session() as session:
            run = get(session, run_id=run_id)
            run.status, run.finished_at = "failed", utcnow()
            run.message = failure_sentence(exc)
            session.commit()


def failure_sentence(exc: Exception) -> str:
    """Why a run failed, as a sentence the psychometrician can act on (never a traceback)."""
    if isinstance(exc, AppError):
        return str(exc.detail)
    if isinstance(exc, ValueError):  # the estimator refusing its data names the items
        text = str(exc).rstrip(".")
        return (f"The estimation could not start: {text[0].lower()}{text[1:]}. Leave those "
                "items out (choose items by code) or widen the window, then retry.")
    return ("The run stopped on an unexpected error (logged on the server as calibration run "
            "failure). Retry it; if it fails again, tell the Kete administrators.")


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
    result.report["rescoring"] = rescoring.shift(session, active=active, new=calibration)
    result.report["exposure"] = exposure_of(session, run, result.report)
    run.result_id, run.report = calibration.id, result.report
    run.status, run.progress, run.finished_at = "succeeded", 1.0, utcnow()
    run.message = "Done: review the items, then approve to make it the active calibration."


def exposure_of(session: Session, run: CalibrationRun, report: dict[str, Any]
                ) -> dict[str, Any]:
    """The exposure summary of the run's items over its window (for the review page)."""
    rows = report.get("items", [])
    return exposure.summary(session, run=run, codes=[r["item_id"] for r in rows],
                            anchors={r["item_id"] for r in rows if r.get("anchor")})


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


def approve(session: Session, *, run: CalibrationRun, reason: str = "",
            leave_out: bool = False) -> Calibration:
    """Make the run's calibration its subject's active one.

    Items failing the quality gates need either an explicit ``reason`` (kept with the run and
    in the audit log) or ``leave_out``: their estimates are dropped from the new calibration,
    so they keep the parameters they had (trial items stay off the scale). The estimated trial
    items that stay in become operational: on the scale, out of the field-trial queue and open
    to new tests. Approving changes no stored result: every score keeps the calibration it was
    made with.
    """
    if run.status != "succeeded" or run.result_id is None:
        raise Conflict(f"Run {run.id} is {run.status}; only a succeeded run can be approved.")
    stale = superseded(session, run=run)
    if stale:
        raise Conflict(stale)
    failing = gates.item_failures(run.report)
    if gates.run_failures(run.report):
        failing["(run)"] = gates.run_failures(run.report)
    estimated = {r["item_id"] for r in run.report.get("items", []) if not r["anchor"]}
    left_out = sorted(set(failing) & estimated) if leave_out else []
    remaining = sorted(set(failing) - set(left_out))  # drifting anchors, the run itself
    if remaining and len(reason.strip()) < 3:
        named = f"{', '.join(remaining[:10])}{' …' if len(remaining) > 10 else ''}"
        if set(remaining) & estimated and not left_out:
            way_out = ", or leave them out"
        else:  # anchors (drift) and the run itself cannot be left out of it
            way_out = ("; anchors cannot be left out of this run: discard it and start one "
                       "that drops them, if they should not be held fixed")
        raise Conflict(f"{len(remaining)} item(s) fail the quality gates ({named}). "
                       f"Give a reason for approving them anyway{way_out}.")
    result = service.get(session, calibration_id=run.result_id)
    service.revert_items(session, calibration=result, codes=left_out)
    calibration = service.activate(session, calibration=result)
    placed = sorted(estimated - set(left_out))
    session.execute(update(Item).where(Item.subject_id == run.subject_id,
                                       Item.code.in_(placed))
                    .values(needs_recalibration=False))  # recalibrated: back in new tests
    operational = bank.put_on_scale(session, subject_id=run.subject_id, codes=placed)
    run.status = "approved"
    run.report = {**run.report, "approval": {"failing": sorted(failing), "reason": reason.strip(),
                                             "left_out": left_out, "operational": operational}}
    run.message = (f"Approved: calibration {calibration.id} is the active calibration"
                   f"{_made_operational(operational)}; earlier scores keep the calibration "
                   "they were made with.")
    session.flush()
    return calibration


def superseded(session: Session, *, run: CalibrationRun) -> str | None:
    """Why the run can no longer be approved, if the active calibration has changed since it
    ran: its calibration carries forward (and, anchored, was fixed to) the calibration active
    then, so approving it would put back that calibration's parameters for every item the run
    did not estimate and undo the approval made in between. None while it is still current."""
    if run.result_id is None:
        return None
    result = service.get(session, calibration_id=run.result_id)
    subject = session.get(Subject, run.subject_id)
    assert subject is not None
    active = service.get_active(session, subject=subject)
    if (active.id if active else None) == result.parent_id:
        return None
    then = (f"the calibration active when it ran (#{result.parent_id})"
            if result.parent_id else "no calibration (none was active when it ran)")
    now = f"calibration #{active.id} is active now" if active else "no calibration is active now"
    return (f"This run {'was anchored on' if run.anchored else 'carried forward'} {then}, but "
            f"{now}. Approving it would put back the older parameters of every item it did "
            "not estimate and undo the approval made since, so it cannot be approved: discard "
            "it and start a new run on the active calibration.")


def audit_approval(session: Session, *, actor: Caller, run: CalibrationRun,
                   calibration: Calibration) -> None:
    """The approval in the audit log, and each trial item it made operational (so an item's
    own history says which run put it on the scale)."""
    approval = run.report.get("approval", {})
    audit.record(session, actor=actor, action="calibration.approve",
                 target=f"calibration-run:{run.id}",
                 detail={"calibration": calibration.id, **approval})
    for code in approval.get("operational", []):
        audit.record(session, actor=actor, action="item.operational", target=f"item:{code}",
                     detail={"from": "trial", "calibration": calibration.id, "run": run.id})


def trial_estimated(session: Session, *, run: CalibrationRun) -> list[str]:
    """The run's estimated items that are trial items now: approving puts them on the scale
    (all but the failing ones, when those are left out)."""
    estimated = [r["item_id"] for r in run.report.get("items", []) if not r["anchor"]]
    return sorted(session.scalars(select(Item.code).where(
        Item.subject_id == run.subject_id, Item.code.in_(estimated), Item.status == "trial")))


def _made_operational(codes: list[str]) -> str:
    if not codes:
        return ""
    return f" and {len(codes)} trial item(s) became operational"


def retry(session: Session, *, run: CalibrationRun) -> CalibrationRun:
    """Queue a failed run again, as it was requested (the caller enqueues it)."""
    if run.status != "failed":
        raise Conflict(f"Run {run.id} is {run.status}; only a failed run can be retried.")
    run.status, run.progress, run.report = "queued", 0.0, {}
    run.started_at = run.finished_at = run.heartbeat_at = None
    run.message = "Queued again after a failure."
    session.flush()
    return run


def discard(session: Session, *, run: CalibrationRun) -> CalibrationRun:
    """Set a failed or unapproved run aside; the calibration it produced (never active) goes."""
    if run.status not in ("failed", "succeeded"):
        raise Conflict(f"Run {run.id} is {run.status}; only a failed run or a succeeded run "
                       "that was not approved can be discarded.")
    result_id, run.result_id = run.result_id, None
    run.status, run.finished_at = "discarded", utcnow()
    run.message = "Discarded: its estimates were never made active and have been removed."
    session.flush()
    if result_id is not None:
        service.delete_unused(session, calibration_id=result_id)
    return run


def interrupted(session: Session) -> list[CalibrationRun]:
    """Runs whose worker has gone: queued, or running without a recent heartbeat."""
    cutoff = utcnow() - STALE_AFTER
    runs = session.scalars(select(CalibrationRun).where(
        CalibrationRun.status.in_(("queued", "running"))))
    return [r for r in runs if r.status == "queued" or r.heartbeat_at is None
            or r.heartbeat_at < cutoff]

