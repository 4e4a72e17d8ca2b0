"""Assignments and sittings: give a test to a class, start or resume it, save answers, submit.

Saving is idempotent: each save carries the player's ``client_id`` and ``seq``. The answer row
of an item keeps the save with the highest ``seq``; a resend (same id) or an older save is
acknowledged and changes nothing, so a player may resend whatever it is unsure of. The
comparison is made by the database inside the one write of a save (``INSERT … ON CONFLICT
DO UPDATE … WHERE stored seq < new seq``), so of two saves in flight at once the newer wins
whichever arrives last, on SQLite and PostgreSQL alike.

Handing in only changes the sitting's state; scoring is queued to run once that commits
(:func:`app.delivery.jobs.score_sitting`). A save holds a share lock on its sitting row, a
hand-in an update lock, so a save either lands before the hand-in or is refused after it.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta
from functools import cache
from typing import Any, Literal

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, contains_eager

from app.assembly import service as assembly
from app.assembly.models import Form, FormItem
from app.db import utcnow
from app.delivery import adaptive, privacy_hooks
from app.delivery.models import Answer, Assignment, Route, Sitting
from app.delivery.schemas import AnswerAck, AnswerSave, AssignmentCreate, OpenAssignment
from app.errors import Conflict, InvalidInput, NotFound, NotPermitted, SendAgain
from app.itembank.models import Item
from app.jobs import after_commit
from app.people import audit, classes, policy
from app.people.dependencies import Caller
from app.people.models import Student, class_student

GRACE = timedelta(minutes=2)  # a save in flight when time runs out still counts
OPEN_STATES = ("not_started", "in_progress")


def items_given_to_class(session: Session, class_id: int, since: datetime) -> list[str]:
    """Codes of the items in tests given to a class that opened at or after ``since``: every
    item of a fixed test; of an adaptive test, the items its students were given."""
    codes = set(session.scalars(select(Item.code).join(
        FormItem, FormItem.item_id == Item.id).join(
        Assignment, Assignment.form_id == FormItem.form_id).join(
        Form, Form.id == Assignment.form_id).where(
        Assignment.class_id == class_id, Assignment.opens_at >= since,
        Form.kind == "linear").distinct()))
    routes = session.scalars(select(Route).join(Sitting, Sitting.id == Route.sitting_id).join(
        Assignment, Assignment.id == Sitting.assignment_id).where(
        Assignment.class_id == class_id, Assignment.opens_at >= since))
    given = {i for route in routes for i in adaptive.given_items(route)}
    if given:
        codes |= set(session.scalars(select(Item.code).where(Item.id.in_(given))))
    return sorted(codes)


def assign(session: Session, *, caller: Caller, data: AssignmentCreate) -> Assignment:
    """Give an accepted form of the caller's school to a class the caller teaches."""
    form = session.get(Form, data.form_id)
    if form is None or not assembly.visible(form, caller):
        raise NotFound(f"No form {data.form_id}.")
    if form.status != "accepted":
        raise Conflict("Only accepted tests can be assigned; accept it first.")
    if form.kind != "linear" and data.mode == "paper":
        raise Conflict("An adaptive test is given on screen only.")
    group = classes.get(session, caller=caller, class_id=data.class_id)
    if not policy.may_write_class(caller, group):
        raise NotPermitted("Only the class's teachers (or a leader) can assign it a test.")
    row = Assignment(form_id=form.id, class_id=group.id, school_id=group.school_id,
                     opens_at=data.opens_at, closes_at=data.closes_at,
                     time_limit_minutes=data.time_limit_minutes, mode=data.mode or form.mode,
                     created_by_id=caller.staff.id if caller.staff else None)
    session.add(row)
    session.flush()
    audit.record(session, actor=caller, action="assignment.create", target=f"assignment:{row.id}",
                 school_id=group.school_id, detail={
                     "form_id": form.id, "test": form.name, "class_id": group.id,
                     "class": group.name, "opens_at": _iso(row.opens_at),
                     "closes_at": _iso(row.closes_at), "mode": row.mode,
                     "time_limit_minutes": row.time_limit_minutes})
    return row


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="minutes")


def get_assignment(session: Session, *, caller: Caller, assignment_id: int) -> Assignment:
    """An assignment of a class the caller reaches (its teachers, the school's leaders)."""
    row = session.scalar(select(Assignment).where(
        Assignment.id == assignment_id, policy.class_clause(caller, Assignment.class_id)))
    if row is None:
        raise NotFound(f"No assignment {assignment_id}.")
    return row


def assignments_of_class(session: Session, *, caller: Caller, class_id: int
                         ) -> list[Assignment]:
    group = classes.get(session, caller=caller, class_id=class_id)
    return list(session.scalars(select(Assignment).where(Assignment.class_id == group.id)
                                .order_by(Assignment.opens_at.desc(), Assignment.id.desc())))


def status_counts(session: Session, assignment: Assignment) -> dict[str, int]:
    rows = session.execute(select(Sitting.status, func.count()).where(
        Sitting.assignment_id == assignment.id).group_by(Sitting.status)).all()
    return {status: int(n) for status, n in rows}


def sittings_of(session: Session, *, assignment: Assignment) -> list[Sitting]:
    return list(session.scalars(select(Sitting).where(Sitting.assignment_id == assignment.id)
                                .order_by(Sitting.id)))


def get_sitting(session: Session, *, caller: Caller, sitting_id: int,
                lock: Literal["share", "update"] | None = None) -> Sitting:
    """A sitting the caller may see: a student only their own; staff those of the classes
    they reach (:func:`app.people.policy.sitting_clause`).

    ``lock`` takes a row lock on PostgreSQL until the transaction ends (saves share it,
    a hand-in takes it exclusively); SQLite's write transactions are serial anyway."""
    query = select(Sitting).join(Assignment).options(
        contains_eager(Sitting.assignment).joinedload(Assignment.form)).where(
        Sitting.id == sitting_id, policy.sitting_clause(
            caller, student_column=Sitting.student_id, class_column=Assignment.class_id))
    if lock is not None:
        query = query.with_for_update(read=lock == "share", of=Sitting)
    sitting = session.scalar(query.execution_options(populate_existing=lock is not None))
    if sitting is None:
        raise NotFound(f"No sitting {sitting_id}.")
    return sitting


def open_assignments(session: Session, *, student: Student,
                     now: datetime | None = None) -> list[OpenAssignment]:
    """The student's assignments that are open now and not yet submitted."""
    now = now or utcnow()
    rows = session.execute(
        select(Assignment, Form.name, Sitting).join(Form, Form.id == Assignment.form_id)
        .join(class_student, class_student.c.class_id == Assignment.class_id)
        .outerjoin(Sitting, (Sitting.assignment_id == Assignment.id)
                   & (Sitting.student_id == student.id))
        .where(class_student.c.student_id == student.id, Assignment.mode == "screen",
               Assignment.opens_at <= now, Assignment.closes_at > now)
        .order_by(Assignment.closes_at)).all()
    return [OpenAssignment(assignment_id=a.id, name=name, closes_at=a.closes_at,
                           time_limit_minutes=a.time_limit_minutes,
                           sitting_id=s.id if s else None,
                           status=s.status if s else "not_started")
            for a, name, s in rows if s is None or s.status in OPEN_STATES]


def start(session: Session, *, student: Student, assignment_id: int,
          now: datetime | None = None) -> Sitting:
    """Start the student's sitting of an open assignment, or resume it."""
    now = now or utcnow()
    assignment = session.get(Assignment, assignment_id)
    in_class = assignment is not None and session.scalar(select(func.count()).where(
        class_student.c.class_id == assignment.class_id,
        class_student.c.student_id == student.id))
    if assignment is None or not in_class:
        raise NotFound(f"No test {assignment_id} for you.")
    if assignment.mode != "screen":
        raise Conflict("This test is sat on paper; your teacher enters your answers.")
    sitting = session.scalar(select(Sitting).where(Sitting.assignment_id == assignment.id,
                                                   Sitting.student_id == student.id))
    if sitting is None:
        if not assignment.opens_at <= now < assignment.closes_at:
            raise Conflict("This test is not open now.")
        sitting = Sitting(assignment_id=assignment.id, student_id=student.id,
                          year_level=student.year_level,
                          calibration_id=assignment.form.calibration_id, status="not_started")
        session.add(sitting)
    if sitting.status == "not_started":
        sitting.status, sitting.started_at = "in_progress", now
        sitting.attitude_item_ids = attitude_item_ids(session, assignment.form)
        if assignment.form.kind != "linear":
            session.flush()
            adaptive.begin(session, sitting=sitting)
    session.flush()
    return sitting


def attitude_item_ids(session: Session, form: Form) -> list[int]:
    """Operational attitude items of the form's attitude scale
    (:func:`app.assembly.service.attitude_item_ids`)."""
    return assembly.attitude_item_ids(session, subject_id=form.subject_id,
                                      scale=form.attitude_scale)


def deadline(sitting: Sitting) -> datetime:
    """When the sitting's time runs out: its time limit or the window's end."""
    assignment = sitting.assignment
    end = assignment.closes_at
    if assignment.time_limit_minutes and sitting.started_at is not None:
        end = min(end, sitting.started_at + timedelta(minutes=assignment.time_limit_minutes))
    return end


def save_answer(session: Session, *, sitting: Sitting, data: AnswerSave,
                now: datetime | None = None) -> AnswerAck:
    """Store one save unless an equal or later save of the item is already stored.

    One conditional write decides it; ``sitting`` should be share-locked
    (``get_sitting(…, lock="share")``) so a hand-in cannot pass it unseen."""
    now = now or utcnow()
    if not _is_open(sitting, now):
        return _ack_of_closed(session, sitting, data, now)
    revision_id, form_item_id = _target(session, sitting, data.item_id)
    upsert = _upsert(session.get_bind().dialect.name)
    values = dict(sitting_id=sitting.id, item_id=data.item_id, item_revision_id=revision_id,
                  form_item_id=form_item_id, response=data.response, flagged=data.flagged,
                  seq=data.seq, client_id=data.client_id, time_s=data.time_s,
                  answered_at=data.answered_at, saved_at=now)
    try:
        # Core, not the ORM: no Answer object is wanted, and this runs for every save
        stored = session.connection().execute(upsert, values).scalar_one_or_none()
    except IntegrityError as exc:
        raise _save_refused(exc, data) from None
    if stored is not None:
        return AnswerAck(client_id=data.client_id, item_id=data.item_id, stored=True,
                         seq=data.seq)
    return AnswerAck(client_id=data.client_id, item_id=data.item_id, stored=False,
                     seq=_stored_seq(session, sitting, data.item_id) or data.seq)


@cache
def _upsert(dialect: str) -> Any:
    """The one conditional write of a save, built once per SQL dialect: insert the answer,
    or replace the stored one only if this save's ``seq`` is higher."""
    from sqlalchemy.dialects import postgresql, sqlite

    insert = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(Answer)
    newer = insert.excluded
    return insert.on_conflict_do_update(
        index_elements=[Answer.sitting_id, Answer.item_id],
        set_={"response": newer.response, "flagged": newer.flagged, "seq": newer.seq,
              "client_id": newer.client_id, "time_s": newer.time_s,
              "answered_at": newer.answered_at, "saved_at": newer.saved_at},
        where=Answer.seq < newer.seq).returning(Answer.seq)


def _save_refused(exc: IntegrityError, data: AnswerSave) -> Exception:
    if "client" in str(exc.orig).lower():  # uq_answer_client: one save id, two answers
        return InvalidInput(f"Save {data.client_id} was already used for another answer.")
    return SendAgain("Another save of this answer arrived at the same moment; send it again.")


def _ack_of_closed(session: Session, sitting: Sitting, data: AnswerSave,
                   now: datetime) -> AnswerAck:
    """A resend of a save already stored is still acknowledged after hand-in; anything new
    is refused with the reason."""
    stored = _stored_seq(session, sitting, data.item_id)
    if stored is not None and stored >= data.seq:
        return AnswerAck(client_id=data.client_id, item_id=data.item_id, stored=False,
                         seq=stored)
    _require_open(sitting, now)
    raise AssertionError("unreachable: a closed sitting always raises")  # pragma: no cover


def _stored_seq(session: Session, sitting: Sitting, item_id: int) -> int | None:
    return session.scalar(select(Answer.seq).where(Answer.sitting_id == sitting.id,
                                                   Answer.item_id == item_id))


def _target(session: Session, sitting: Sitting, item_id: int) -> tuple[int, int | None]:
    """(revision id, form item id) of an item of this sitting, or InvalidInput."""
    row = session.execute(select(FormItem.item_revision_id, FormItem.id).where(
        FormItem.form_id == sitting.assignment.form_id, FormItem.item_id == item_id)).first()
    if row is not None:
        if sitting.assignment.form.kind != "linear" and not adaptive.may_answer(
                session, sitting, item_id):
            raise Conflict("That part of the test is finished (or not reached): its answers "
                           "can no longer change.")
        return row[0], row[1]
    if item_id in sitting.attitude_item_ids:
        revision = session.scalar(select(Item.current_revision_id).where(Item.id == item_id))
        if revision is not None:
            return revision, None
    raise InvalidInput(f"Item {item_id} is not part of this test.")


def _is_open(sitting: Sitting, now: datetime) -> bool:
    return sitting.status == "in_progress" and now <= deadline(sitting) + GRACE


def _require_open(sitting: Sitting, now: datetime) -> None:
    if sitting.status != "in_progress":
        raise Conflict("This test has been submitted; answers can no longer change.")
    if now > deadline(sitting) + GRACE:
        raise Conflict("Time is up for this test; your saved answers have been kept.")


def submit(session: Session, *, sitting: Sitting, now: datetime | None = None,
           scoring: Literal["now", "queued"] = "now") -> Sitting:
    """Hand the sitting in and score it in this transaction, or (``queued``: the request
    path) queue its scoring job for when this transaction commits, so the hand-in answers
    at once."""
    from app.delivery.jobs import score_sitting
    from app.delivery.scoring import finish

    now = now or utcnow()
    if sitting.status in ("submitted", "scored"):
        return sitting  # submitting twice (a double click, a resend) is harmless
    if sitting.status != "in_progress":
        raise Conflict("This test has not been started.")
    sitting.status, sitting.submitted_at = "submitted", now
    started = sitting.started_at or now
    sitting.time_used_s = max(0.0, (min(now, deadline(sitting)) - started).total_seconds())
    session.flush()
    if scoring == "now":
        finish(session, sitting=sitting)
    else:
        after_commit(session, score_sitting, sitting.id)
    return sitting


def answer_counts(session: Session, sittings: list[Sitting]) -> Counter[int]:
    rows = session.execute(select(Answer.sitting_id, func.count()).where(
        Answer.sitting_id.in_([s.id for s in sittings]), Answer.response.is_not(None))
        .group_by(Answer.sitting_id)).all()
    return Counter({sid: int(n) for sid, n in rows})


def student_name(session: Session, sitting: Sitting) -> str | None:
    student = session.get(Student, sitting.student_id) if sitting.student_id else None
    return None if student is None else f"{student.first_name} {student.last_name}"


privacy_hooks.register()
assembly.answer_seen_items_with(items_given_to_class)
