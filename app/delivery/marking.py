"""The teacher marking queue: open responses no key can mark, for the caller's classes."""

from __future__ import annotations

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from app.db import utcnow
from app.delivery import scoring
from app.delivery.models import Answer, Assignment, Sitting
from app.delivery.schemas import MarkingEntry
from app.errors import InvalidInput, NotFound, NotPermitted
from app.itembank.models import Item, ItemRevision
from app.people import policy
from app.people.dependencies import Caller
from app.people.models import ClassGroup, Student


def _queue_query(caller: Caller
                 ) -> Select[Answer, Item, ItemRevision, Sitting, Student]:
    query = (select(Answer, Item, ItemRevision, Sitting, Student)
             .join(Sitting, Sitting.id == Answer.sitting_id)
             .join(Assignment, Assignment.id == Sitting.assignment_id)
             .join(Item, Item.id == Answer.item_id)
             .join(ItemRevision, ItemRevision.id == Answer.item_revision_id)
             .outerjoin(Student, Student.id == Sitting.student_id)
             .where(Sitting.status == "submitted", Sitting.automarked_at.is_not(None),
                    Answer.score.is_(None), policy.class_clause(caller, Assignment.class_id)))
    return query.order_by(Sitting.id, Answer.id)


def queue(session: Session, *, caller: Caller) -> list[MarkingEntry]:
    """Answers the keys could not mark, of handed-in sittings in the caller's classes."""
    return [MarkingEntry(answer_id=answer.id, sitting_id=sitting.id,
                         student_name=f"{student.first_name} {student.last_name}"
                         if student else None, item_code=item.code,
                         stem_html=revision.stem_html, response=answer.response,
                         max_score=revision.max_score, guidance=revision.key)
            for answer, item, revision, sitting, student in session.execute(
                _queue_query(caller))]


def mark(session: Session, *, caller: Caller, answer_id: int, score: int) -> Sitting:
    """Give one queued answer its mark; the sitting is scored once nothing else waits."""
    row = session.execute(_queue_query(caller).where(Answer.id == answer_id)).first()
    if row is None:
        raise NotFound(f"No answer {answer_id} waiting for your mark.")
    answer, _item, revision, sitting, _student = row
    group = session.get(ClassGroup, sitting.assignment.class_id)
    if group is None or not policy.may_write_class(caller, group):
        raise NotPermitted("Only the class's teachers (or a leader) mark its tests.")
    if not 0 <= score <= revision.max_score:
        raise InvalidInput(f"The mark must be between 0 and {revision.max_score}.")
    answer.score, answer.marked_at = score, utcnow()
    answer.marked_by_id = caller.staff.id if caller.staff else None
    session.flush()
    scoring.finish(session, sitting=sitting)
    return sitting


def marked_sentence(session: Session, *, answer_id: int, sitting: Sitting) -> str:
    """What the teacher just did, in words: whose answer, which item, the mark, and whether
    the test is now scored."""
    answer = session.get(Answer, answer_id)
    item = session.get(Item, answer.item_id) if answer else None
    revision = session.get(ItemRevision, answer.item_revision_id) if answer else None
    if answer is None or item is None or revision is None:
        return "Marked."
    student = session.get(Student, sitting.student_id) if sitting.student_id else None
    who = f"{student.first_name} {student.last_name}" if student else "a student"
    done = ("their test is now scored" if sitting.status == "scored"
            else "their test is scored once its other answers are marked")
    return f"Marked {who}'s answer to {item.code}: {answer.score} of {revision.max_score}; {done}."
