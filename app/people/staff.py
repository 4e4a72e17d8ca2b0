"""Managing staff accounts: admins manage all, leaders their own school's; password resets."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from app.errors import InvalidInput, NotAuthenticated, NotFound, NotPermitted
from app.people import audit, policy, ratelimit, service
from app.people.dependencies import Caller
from app.people.models import SCHOOL_ROLES, AuthSession, School, Staff
from app.people.schemas import StaffCreate, StaffUpdate
from app.people.security import hash_password, temporary_password, verify_password


def get_all(session: Session, *, caller: Caller) -> list[Staff]:
    """The accounts the caller manages, by name."""
    query = select(Staff).options(selectinload(Staff.school)).order_by(Staff.name, Staff.id)
    if caller.role != "admin":
        query = query.where(policy.school_clause(caller, Staff.school_id))
    return list(session.scalars(query))


def get(session: Session, *, caller: Caller, staff_id: int) -> Staff:
    """One account the caller manages; any other is NotFound, as if it did not exist."""
    staff = session.get(Staff, staff_id)
    if staff is None or not policy.may_manage_staff(caller, staff):
        raise NotFound(f"No staff account {staff_id}.")
    return staff


def create(session: Session, *, caller: Caller, data: StaffCreate) -> Staff:
    """A new account; leaders create leader and teacher accounts in their own school."""
    _check_role(caller, data.role)
    school = _school_for(session, caller, data.role, data.school)
    return service.create_staff(session, email=data.email, name=data.name, role=data.role,
                                password=data.password, school=school)


def update(session: Session, *, caller: Caller, staff: Staff, data: StaffUpdate) -> Staff:
    """Rename, change role or (de)activate; deactivating ends the account's log-ins."""
    if data.role is not None and data.role != staff.role:
        _check_role(caller, data.role)
        if (data.role in SCHOOL_ROLES) != (staff.role in SCHOOL_ROLES):
            raise InvalidInput("A role change cannot move an account into or out of a school; "
                               "create a new account instead.")
        staff.role = data.role
    if data.name is not None:
        staff.name = data.name
    if data.is_active is not None:
        staff.is_active = data.is_active
        if not data.is_active:
            service.end_all_sessions(session, staff=staff)
    session.flush()
    return staff


def reset_password(session: Session, *, caller: Caller, staff: Staff) -> tuple[str, int]:
    """Give ``staff`` a random password, end their log-ins and lift any lock-out."""
    password = temporary_password()
    staff.password_hash = hash_password(password)
    ended = service.end_all_sessions(session, staff=staff)
    ratelimit.clear(session, key=ratelimit.account_key("staff", staff.email))
    audit.record(session, actor=caller, action="password.reset", target=f"staff:{staff.id}",
                 detail={"email": staff.email, "sessions_ended": ended},
                 school_id=staff.school_id)
    session.flush()
    return password, ended


def change_own_password(session: Session, *, caller: Caller, current: str, new: str) -> None:
    """Replace one's own password after checking the current one; every other log-in of
    the account ends (the caller's own stays)."""
    staff = caller.staff
    assert staff is not None
    if not verify_password(staff.password_hash, current):
        raise NotAuthenticated("The current password is not right.")
    staff.password_hash = hash_password(new)
    keep = caller.login if isinstance(caller.login, AuthSession) else None
    ended = service.end_all_sessions(session, staff=staff, keep=keep)
    audit.record(session, actor=caller, action="password.change", target=f"staff:{staff.id}",
                 detail={"sessions_ended": ended}, school_id=staff.school_id)
    session.flush()


def _check_role(caller: Caller, role: str) -> None:
    if role not in policy.assignable_roles(caller):
        raise NotPermitted(f"A {caller.role} may not give an account the {role} role.")


def _school_for(session: Session, caller: Caller, role: str, code: str | None) -> School | None:
    if role not in SCHOOL_ROLES:
        if code:
            raise InvalidInput(f"{role} accounts are bank-wide and belong to no school.")
        return None
    if code is None:
        if caller.staff is None or caller.staff.school is None:
            raise InvalidInput(f"Name the school of a {role} account.")
        return caller.staff.school
    school = service.get_school(session, code=code)
    if not policy.sees_school(caller, school.id):
        raise NotFound(f"No school with code {code!r}.")
    return school
