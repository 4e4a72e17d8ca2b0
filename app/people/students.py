"""Students of a school: create, read, update and list, within what the caller may see.

A student of another school is NotFound with the same message as a student that does not
exist, so nobody learns what another school holds.
"""

from __future__ import annotations

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, selectinload

from app.errors import Conflict, NotFound, NotPermitted
from app.people import policy, service
from app.people.dependencies import Caller
from app.people.models import ClassGroup, School, Student, class_student
from app.people.student_schemas import ClassBrief, StudentCreate, StudentHome, StudentUpdate


def _load() -> list:
    return [selectinload(Student.school),
            selectinload(Student.classes).selectinload(ClassGroup.teachers)]


def get(session: Session, *, caller: Caller, student_id: int) -> Student:
    """A student the caller may see, or NotFound."""
    student = session.scalar(select(Student).options(*_load()).where(
        Student.id == student_id, policy.school_clause(caller, Student.school_id)))
    if student is None:
        raise NotFound(f"No student {student_id}.")
    return student


def get_all(session: Session, *, caller: Caller, class_id: int | None = None,
            year_level: int | None = None, q: str | None = None) -> list[Student]:
    """The students the caller may see, filtered, by family then given name."""
    query = select(Student).options(*_load()).where(
        policy.school_clause(caller, Student.school_id))
    if class_id is not None:
        query = query.where(Student.id.in_(select(class_student.c.student_id).where(
            class_student.c.class_id == class_id)))
    if year_level is not None:
        query = query.where(Student.year_level == year_level)
    if q:
        pattern = f"%{q.lower()}%"
        query = query.where(or_(func.lower(Student.first_name).like(pattern),
                                func.lower(Student.last_name).like(pattern),
                                func.lower(Student.student_number).like(pattern)))
    return list(session.scalars(query.order_by(Student.last_name, Student.first_name,
                                               Student.id)))


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
    """A new student; student numbers are unique within a school."""
    school = school_for(session, caller=caller, code=data.school)
    number = data.student_number.strip()
    if session.scalar(select(Student.id).where(Student.school_id == school.id,
                                               Student.student_number == number)):
        raise Conflict(f"{school.code} already has a student numbered {number}.")
    student = Student(school=school, student_number=number,
                      **data.model_dump(exclude={"school", "student_number"}))
    session.add(student)
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
