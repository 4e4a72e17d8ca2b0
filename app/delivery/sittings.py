"""Assignments and sittings: give a test to a class, start or resume it, save answers, submit.

Saving is idempotent: each save carries the player's ``client_id`` and ``seq``. The answer row
of an item keeps the save with the highest ``seq``; a resend (same id) or an older save is
acknowledged and changes nothing, so a player may resend whatever it is unsure of.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.assembly import service as assembly
from app.assembly.models import Form, FormItem
from app.db import utcnow
from app.delivery import adaptive, privacy_hooks
from app.delivery.models import Answer, Assignment, Route, Sitting
from app.delivery.schemas import AnswerAck, AnswerSave, AssignmentCreate, OpenAssignment
from app.errors import Conflict, InvalidInput, NotFound, NotPermitted
from app.itembank.models import Item
from app.people import classes, policy
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
    return row


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


def get_sitting(session: Session, *, caller: Caller, sitting_id: int) -> Sitting:
    """A sitting the caller may see: a student only their own; staff those of the classes
    they reach (:func:`app.people.policy.sitting_clause`)."""
    sitting = session.scalar(select(Sitting).join(Assignment).where(
        Sitting.id == sitting_id, policy.sitting_clause(
            caller, student_column=Sitting.student_id, class_column=Assignment.class_id)))
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
    """Operational attitude items of the form's attitude scale (``maths`` also takes in
    ``maths-enjoyment`` and ``maths-confidence``)."""
    if not form.attitude_scale:
        return []
    scale = form.attitude_scale
    return list(session.scalars(select(Item.id).where(
        Item.subject_id == form.subject_id, Item.kind == "attitude",
        Item.status == "operational",
        (Item.attitude_scale == scale) | Item.attitude_scale.startswith(f"{scale}-"))
        .order_by(Item.code)))


def deadline(sitting: Sitting) -> datetime:
    """When the sitting's time runs out: its time limit or the window's end."""
    assignment = sitting.assignment
    end = assignment.closes_at
    if assignment.time_limit_minutes and sitting.started_at is not None:
        end = min(end, sitting.started_at + timedelta(minutes=assignment.time_limit_minutes))
    return end


def save_answer(session: Session, *, sitting: Sitting, data: AnswerSave,
                now: datetime | None = None) -> AnswerAck:
    """Store one save unless an equal or later save of the item is already stored."""
    now = now or utcnow()
    target = _target(session, sitting, data.item_id)
    existing = _answer(session, sitting, data.item_id)
    if existing is not None and existing.seq >= data.seq:
        return AnswerAck(client_id=data.client_id, item_id=data.item_id, stored=False,
                         seq=existing.seq)
    duplicate = session.scalar(select(Answer.id).where(Answer.sitting_id == sitting.id,
                                                       Answer.client_id == data.client_id))
    if duplicate is not None:  # the same save id reused for another item: a player bug
        raise InvalidInput(f"Save {data.client_id} was already used for another answer.")
    _require_open(sitting, now)
    try:
        with session.begin_nested():
            answer = existing or Answer(sitting_id=sitting.id, item_id=data.item_id,
                                        item_revision_id=target[0], form_item_id=target[1])
            answer.response, answer.flagged, answer.seq = data.response, data.flagged, data.seq
            answer.client_id, answer.time_s, answer.saved_at = data.client_id, data.time_s, now
            answer.answered_at = data.answered_at
            session.add(answer)
    except IntegrityError:  # a concurrent save of the same item won; the player resends
        raise Conflict("Another save of this answer arrived at the same moment; "
                       "send it again.") from None
    return AnswerAck(client_id=data.client_id, item_id=data.item_id, stored=True, seq=data.seq)


def _answer(session: Session, sitting: Sitting, item_id: int) -> Answer | None:
    return session.scalar(select(Answer).where(Answer.sitting_id == sitting.id,
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


def _require_open(sitting: Sitting, now: datetime) -> None:
    if sitting.status != "in_progress":
        raise Conflict("This test has been submitted; answers can no longer change.")
    if now > deadline(sitting) + GRACE:
        raise Conflict("Time is up for this test; your saved answers have been kept.")


def submit(session: Session, *, sitting: Sitting, now: datetime | None = None) -> Sitting:
    """Hand the sitting in and score it (or queue its open answers for marking)."""
    from app.delivery import scoring

    now = now or utcnow()
    if sitting.status in ("submitted", "scored"):
        return sitting  # submitting twice (a double click, a resend) is harmless
    if sitting.status != "in_progress":
        raise Conflict("This test has not been started.")
    sitting.status, sitting.submitted_at = "submitted", now
    started = sitting.started_at or now
    sitting.time_used_s = max(0.0, (min(now, deadline(sitting)) - started).total_seconds())
    session.flush()
    scoring.finish(session, sitting=sitting)
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
