"""Impact rules: progress between two chosen tests or two terms, teachers' groups.

Every reader is scoped by :mod:`app.impact.scope`: a teacher reads the classes they teach, a
leader the school. A refusal (two subjects, the wrong order) says why in plain words.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from app.assembly.models import Form
from app.calibration import norm_sets
from app.calibration.norms import term_window
from app.delivery.models import Assignment
from app.errors import InvalidInput, NotFound, NotPermitted
from app.impact import results, scope
from app.impact.models import StudentGroup
from app.impact.progress import Progress, ProgressRefused, compare
from app.itembank.models import Subject
from app.people.dependencies import Caller
from app.people.models import Student

Term = tuple[int, int]
"""(school year, term 1–4)."""


def get_assignment(session: Session, *, caller: Caller, assignment_id: int) -> Assignment:
    """An assignment whose results the caller may read, or NotFound."""
    row = session.scalar(select(Assignment).options(selectinload(Assignment.form)).where(
        Assignment.id == assignment_id, scope.results_clause(caller)))
    if row is None:
        raise NotFound(f"No test {assignment_id} for you (assignment ids are on the class "
                       "page).")
    return row


def check_pair(first: Assignment, second: Assignment, subjects: dict[int, str]) -> None:
    """Refuse, in plain words, two tests progress cannot run between."""
    if first.id == second.id:
        raise ProgressRefused("Choose two different tests: progress needs a test before "
                              "teaching and another after it.")
    a, b = first.form, second.form
    if a.subject_id != b.subject_id:
        raise ProgressRefused(
            f"“{a.name}” is a {subjects[a.subject_id]} test and “{b.name}” is a "
            f"{subjects[b.subject_id]} test. Progress compares two tests of the same subject: "
            "choose two tests of one subject.")
    when_a, when_b = first.opens_at.date(), second.opens_at.date()
    if when_a == when_b:
        raise ProgressRefused(f"“{a.name}” and “{b.name}” were both given on "
                              f"{when_a:%-d %B %Y}: there is no time between them for progress.")
    if when_a > when_b:
        raise ProgressRefused(
            f"“{a.name}” ({when_a:%-d %B %Y}) was given after “{b.name}” ({when_b:%-d %B %Y}). "
            "Progress runs from the earlier test to the later one: choose the earlier test "
            "first.")


def progress_between(session: Session, *, caller: Caller, from_assignment: int,
                     to_assignment: int, group_id: int | None = None) -> Progress:
    """Progress from one assignment to a later one of the same subject (optionally only the
    students of one of the caller's groups)."""
    first = get_assignment(session, caller=caller, assignment_id=from_assignment)
    second = get_assignment(session, caller=caller, assignment_id=to_assignment)
    group = get_group(session, caller=caller, group_id=group_id) if group_id else None
    return progress_of(session, first, second, group)


def progress_of(session: Session, first: Assignment, second: Assignment,
                group: StudentGroup | None = None) -> Progress:
    """Progress between two assignments the caller has already been allowed to read (e.g. a
    team's impact cycle): refused in words when they cannot be compared."""
    subjects = _subject_codes(session)
    check_pair(first, second, subjects)
    pre = results.rows(session, Assignment.id == first.id)
    post = results.rows(session, Assignment.id == second.id)
    title = f"{first.form.name} → {second.form.name}"
    if group is not None:
        members = {s.id for s in group.students}
        pre = [r for r in pre if r.student_id in members]
        post = [r for r in post if r.student_id in members]
        title = f"{group.name}: {title}"
    norms = norm_sets.table(session, subject_id=second.form.subject_id)
    return compare(pre, post, norms, title=title, subject=subjects[second.form.subject_id])


def cohort_progress(session: Session, *, caller: Caller, subject: Subject, year_level: int | None,
                    start: Term, end: Term, class_id: int | None = None) -> Progress:
    """Progress of a year level (its year level at the later term) from one term's results to
    a later term's: each student's latest result in each window."""
    if start >= end:
        raise ProgressRefused(f"Term {start[1]} {start[0]} is not before Term {end[1]} "
                              f"{end[0]}: progress runs from an earlier term to a later one.")
    pre, post = (term_rows(session, caller=caller, subject=subject, term=t) for t in (start, end))
    post = [r for r in post if year_level is None or r.year_level == year_level]
    if class_id is not None:
        post = [r for r in post if r.class_id == class_id]
    who = f"Year {year_level}" if year_level is not None else "All year levels"
    return compare(pre, post, norm_sets.table(session, subject_id=subject.id),
                   title=f"{who}: Term {start[1]} {start[0]} → Term {end[1]} {end[0]}",
                   subject=subject.code)


def term_rows(session: Session, *, caller: Caller, subject: Subject, term: Term
              ) -> list[results.ResultRow]:
    """The subject's results the caller may read, given within one term's window."""
    first, end = term_window(*term)
    return results.rows(session, scope.results_clause(caller), Form.subject_id == subject.id,
                        Assignment.opens_at >= _at(first), Assignment.opens_at < _at(end))


def _at(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=UTC)


def _subject_codes(session: Session) -> dict[int, str]:
    return {s.id: s.code for s in session.scalars(select(Subject))}


# --- teachers' groups ------------------------------------------------------------------------

def get_group(session: Session, *, caller: Caller, group_id: int) -> StudentGroup:
    """A group of the caller's (leaders: any group of their school), or NotFound."""
    group = session.scalar(select(StudentGroup).options(selectinload(StudentGroup.students))
                           .where(StudentGroup.id == group_id))
    if group is None or not _sees_group(caller, group):
        raise NotFound(f"No group {group_id}.")
    return group


def get_groups(session: Session, *, caller: Caller) -> list[StudentGroup]:
    """The caller's groups (leaders: every group of their school)."""
    query = select(StudentGroup).options(selectinload(StudentGroup.students)).where(
        StudentGroup.school_id == (caller.school_id or -1))
    if caller.role not in scope.LEADING:
        query = query.where(StudentGroup.owner_id == (caller.staff.id if caller.staff else -1))
    return list(session.scalars(query.order_by(StudentGroup.name)))


def create_group(session: Session, *, caller: Caller, name: str,
                 student_ids: list[int]) -> StudentGroup:
    """A group of students the caller may read (teachers: students of their classes)."""
    if caller.staff is None or caller.school_id is None:
        raise NotPermitted("Only staff of a school define groups.")
    name = name.strip()
    if not name:
        raise InvalidInput("Give the group a name.")
    if not student_ids:
        raise InvalidInput("Choose at least one student for the group.")
    students = list(session.scalars(select(Student).where(
        Student.id.in_(student_ids), scope.student_clause(caller))))
    if len(students) != len(set(student_ids)):
        raise NotFound("Some of those students are not in your classes.")
    group = StudentGroup(school_id=caller.school_id, owner_id=caller.staff.id, name=name,
                         students=students)
    session.add(group)
    session.flush()
    return group


def _sees_group(caller: Caller, group: StudentGroup) -> bool:
    if caller.role in scope.LEADING:
        return caller.role == "admin" or group.school_id == caller.school_id
    return caller.staff is not None and group.owner_id == caller.staff.id
