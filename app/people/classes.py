"""Classes and groups: create, read, update, delete, membership and access codes.

Leaders see and change the classes of their school; teachers the classes they teach (see
:mod:`app.people.policy`). Who is in a class and who teaches it is a leader's decision. The
access code is a convenience (it opens a log-in page naming the class) and is shown to the
class's teachers only; regenerating it logs nobody out, as it never logged anybody in.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from app.errors import Conflict, InvalidInput, NotFound, NotPermitted
from app.people import policy
from app.people.dependencies import Caller
from app.people.models import SCHOOL_ROLES, ClassGroup, School, Staff, Student
from app.people.security import access_code
from app.people.student_schemas import ClassCreate, ClassRead, ClassUpdate, PersonBrief


def _load() -> list:
    return [selectinload(ClassGroup.school), selectinload(ClassGroup.teachers),
            selectinload(ClassGroup.students)]


def get(session: Session, *, caller: Caller, class_id: int) -> ClassGroup:
    """A class the caller may see, or NotFound."""
    group = session.scalar(select(ClassGroup).options(*_load()).where(
        ClassGroup.id == class_id, policy.class_clause(caller)))
    if group is None:
        raise NotFound(f"No class {class_id}.")
    return group


def get_all(session: Session, *, caller: Caller, mine: bool = False,
            period: str | None = None) -> list[ClassGroup]:
    """The classes the caller may see (``mine``: only those they teach)."""
    query = select(ClassGroup).options(*_load()).where(policy.class_clause(caller))
    if mine and caller.staff is not None:
        query = query.where(ClassGroup.teachers.any(Staff.id == caller.staff.id))
    if period:
        query = query.where(ClassGroup.period == period)
    return list(session.scalars(query.order_by(ClassGroup.period, ClassGroup.name)))


def create(session: Session, *, caller: Caller, school: School, data: ClassCreate
           ) -> ClassGroup:
    """A new class with a fresh access code; a teacher who makes it teaches it."""
    find_or_fail_duplicate(session, school=school, name=data.name, period=data.period)
    group = ClassGroup(school=school, name=data.name.strip(), period=data.period.strip(),
                       access_code=new_access_code(session))
    if caller.role == "teacher" and caller.staff is not None:
        group.teachers.append(caller.staff)
    session.add(group)
    session.flush()
    return group


def find_or_fail_duplicate(session: Session, *, school: School, name: str, period: str) -> None:
    exists = session.scalar(select(ClassGroup.id).where(
        ClassGroup.school_id == school.id, ClassGroup.name == name.strip(),
        ClassGroup.period == period.strip()))
    if exists is not None:
        raise Conflict(f"{school.code} already has a class {name!r} for {period}.")


def update(session: Session, *, caller: Caller, group: ClassGroup, data: ClassUpdate
           ) -> ClassGroup:
    ensure_may_write(caller, group)
    name, period = data.name or group.name, data.period or group.period
    if (name, period) != (group.name, group.period):
        find_or_fail_duplicate(session, school=group.school, name=name, period=period)
    group.name, group.period = name.strip(), period.strip()
    session.flush()
    return group


def remove(session: Session, *, caller: Caller, group: ClassGroup) -> None:
    """Delete a class (its students stay; their log-ins through it end)."""
    ensure_may_write(caller, group)
    group.students.clear()  # also updates each student's loaded ``classes``
    group.teachers.clear()
    session.delete(group)
    session.flush()


def add_student(session: Session, *, caller: Caller, group: ClassGroup,
                student: Student) -> ClassGroup:
    """Put a student in a class (a leader's act: it moves a child between teachers)."""
    ensure_may_change_membership(caller, group)
    if student.school_id != group.school_id:
        raise NotFound(f"No student {student.id}.")
    if student not in group.students:
        group.students.append(student)
    session.flush()
    return group


def remove_student(session: Session, *, caller: Caller, group: ClassGroup,
                   student: Student) -> ClassGroup:
    """Take a student out of a class (a leader's act)."""
    ensure_may_change_membership(caller, group)
    if student in group.students:
        group.students.remove(student)
    session.flush()
    return group


def get_teacher(session: Session, *, caller: Caller, staff_id: int) -> Staff:
    """A staff member of a school the caller sees (to add to a class), or NotFound."""
    staff = session.scalar(select(Staff).where(
        Staff.id == staff_id, policy.school_clause(caller, Staff.school_id)))
    if staff is None:
        raise NotFound(f"No staff account {staff_id}.")
    return staff


def add_teacher(session: Session, *, caller: Caller, group: ClassGroup, staff: Staff
                ) -> ClassGroup:
    """Add a leader or teacher of the class's own school as a teacher of it (leaders)."""
    ensure_may_change_membership(caller, group)
    if staff.school_id != group.school_id or not staff.is_active:
        raise NotFound(f"No staff account {staff.id}.")
    if staff.role not in SCHOOL_ROLES:
        raise InvalidInput(f"A {staff.role} account cannot teach a class.")
    if staff not in group.teachers:
        group.teachers.append(staff)
    session.flush()
    return group


def remove_teacher(session: Session, *, caller: Caller, group: ClassGroup, staff: Staff
                   ) -> ClassGroup:
    ensure_may_change_membership(caller, group)
    if staff in group.teachers:
        group.teachers.remove(staff)
    session.flush()
    return group


def regenerate_code(session: Session, *, caller: Caller, group: ClassGroup) -> ClassGroup:
    """A new access code (the class's teachers only); the old one no longer opens its page."""
    ensure_may_see_logins(caller, group)
    group.access_code = new_access_code(session)
    session.flush()
    return group


def by_access_code(session: Session, *, code: str) -> ClassGroup | None:
    """The class with this access code (for the student log-in page), or None."""
    return session.scalar(select(ClassGroup).options(selectinload(ClassGroup.school)).where(
        ClassGroup.access_code == code.strip().upper()[:12]))


def new_access_code(session: Session) -> str:
    """An access code no class uses yet."""
    while True:
        code = access_code()
        if session.scalar(select(ClassGroup.id).where(ClassGroup.access_code == code)) is None:
            return code


def ensure_may_write(caller: Caller, group: ClassGroup) -> None:
    if not policy.may_write_class(caller, group):
        raise NotPermitted("Only a teacher of this class or a school leader may change it.")


def ensure_may_change_membership(caller: Caller, group: ClassGroup) -> None:
    if not policy.may_change_membership(caller, group):
        raise NotPermitted("Moving students between classes and choosing a class's teachers "
                           "are for school leaders.")


def ensure_may_see_logins(caller: Caller, group: ClassGroup) -> None:
    if not policy.may_see_logins(caller, group):
        raise NotPermitted("Only the class's teachers see its code, log-in cards and "
                           "students' passwords.")


def to_read(caller: Caller, group: ClassGroup) -> ClassRead:
    """The class as its reader may see it: the access code only for its teachers."""
    return ClassRead(
        id=group.id, name=group.name, period=group.period, school=group.school.code,
        access_code=group.access_code if policy.may_see_logins(caller, group) else None,
        teachers=[PersonBrief(id=t.id, name=t.name) for t in group.teachers],
        students=[PersonBrief(id=s.id, name=f"{s.first_name} {s.last_name}")
                  for s in group.students])
