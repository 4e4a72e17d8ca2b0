"""Students of a school: create, read, update and list, within what the caller may see.

Leaders reach every student of their school, teachers the students in classes they teach
(:func:`app.people.policy.student_clause`). A student the caller may not reach is NotFound
with the same message as a student that does not exist. A teacher adds a new student
straight into a class they teach; moving an existing student is a leader's act.
"""

from __future__ import annotations

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, selectinload

from app.errors import Conflict, NotFound, NotPermitted
from app.people import classes, policy, service
from app.people.dependencies import Caller
from app.people.identifiers import normalise
from app.people.models import ClassGroup, School, Student, class_student
from app.people.student_schemas import ClassBrief, StudentCreate, StudentHome, StudentUpdate


def _load() -> list:
    return [selectinload(Student.school),
            selectinload(Student.classes).selectinload(ClassGroup.teachers)]


def get(session: Session, *, caller: Caller, student_id: int) -> Student:
    """A student the caller may see, or NotFound."""
    student = session.scalar(select(Student).options(*_load()).where(
        Student.id == student_id, policy.student_clause(caller)))
    if student is None:
        raise NotFound(f"No student {student_id}.")
    return student


def get_all(session: Session, *, caller: Caller, class_id: int | None = None,
            year_level: int | None = None, q: str | None = None) -> list[Student]:
    """The students the caller may see, filtered, by family then given name."""
    query = select(Student).options(*_load()).where(policy.student_clause(caller))
    if class_id is not None:
        query = query.where(Student.id.in_(select(class_student.c.student_id).where(
            class_student.c.class_id == class_id)))
    if year_level is not None:
        query = query.where(Student.year_level == year_level)
    if q:
        pattern = f"%{like_literal(q.lower())}%"
        query = query.where(or_(func.lower(Student.first_name).like(pattern, escape="\\"),
                                func.lower(Student.last_name).like(pattern, escape="\\"),
                                func.lower(Student.student_number).like(pattern,
                                                                        escape="\\")))
    return list(session.scalars(query.order_by(Student.last_name, Student.first_name,
                                               Student.id)))


def like_literal(text: str) -> str:
    """``text`` for a LIKE pattern with ``%``, ``_`` and ``\\`` matching only themselves."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def school_for(session: Session, *, caller: Caller, code: str | None) -> School:
    """The school a new row goes in: the caller's own, or (admins) the one named."""
    if code is None:
        if caller.school_id is None:
            raise NotFound("Name the school (by its code).")
        school = session.get(School, caller.school_id)
        assert school is not None
        return school
    school = service.get_school(session, code=code)
    if not policy.sees_school(caller, school.id):
        raise NotFound(f"No school with code {code!r}.")
    return school


def create(session: Session, *, caller: Caller, data: StudentCreate) -> Student:
    """A new student, in ``data.class_id`` if given (teachers must name a class they teach);
    student numbers are unique within a school (in their log-in normal form)."""
    school = school_for(session, caller=caller, code=data.school)
    group = classes.get(session, caller=caller, class_id=data.class_id) if data.class_id else None
    if group is not None:
        classes.ensure_may_write(caller, group)
        if group.school_id != school.id:
            raise NotFound(f"No class {data.class_id}.")
    elif caller.role not in policy.LEADERS:
        raise NotPermitted("Name the class you teach that the new student joins (class_id).")
    number = data.student_number.strip()
    if session.scalar(select(Student.id).where(Student.school_id == school.id,
                                               Student.number_key == normalise(number))):
        raise Conflict(f"{school.code} already has a student numbered {number}.")
    student = Student(school=school, student_number=number,
                      **data.model_dump(exclude={"school", "student_number", "class_id"}))
    session.add(student)
    if group is not None:
        group.students.append(student)
    session.flush()
    return get(session, caller=caller, student_id=student.id)


def update(session: Session, *, caller: Caller, student: Student, data: StudentUpdate
           ) -> Student:
    """Change a student's details (teachers: only students in their classes)."""
    ensure_may_write(caller, student)
    for name, value in data.model_dump(exclude_unset=True).items():
        if value is not None or name in ("gender", "ethnicity", "language"):
            setattr(student, name, value)
    session.flush()
    return student


def ensure_may_write(caller: Caller, student: Student) -> None:
    if not policy.may_write_student(caller, student):
        raise NotPermitted("Only a teacher of one of this student's classes or a school "
                           "leader may change this student.")


def home(student: Student) -> StudentHome:
    """What a logged-in student sees about themselves (tests arrive with delivery)."""
    return StudentHome(first_name=student.first_name, last_name=student.last_name,
                       year_level=student.year_level, school=student.school.name,
                       classes=[ClassBrief(id=g.id, name=g.name, period=g.period)
                                for g in student.classes], tests=[])
