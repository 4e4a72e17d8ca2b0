"""Who may do what: the one place that decides, for every route and every row.

**Declaring a route's policy.** Every route takes exactly one policy dependency, naming a
permission from :data:`PERMISSIONS`::

    from app.people.dependencies import Caller
    from app.people.policy import require

    @router.post("/calibrations/{calibration_id}/approve", summary="…")
    def approve(calibration_id: int, session: SessionDep,
                caller: Annotated[Caller, require("calibrations:write")]) -> …:

Use ``dependencies=[require("public")]`` for routes anyone may call. Staff HTML pages use
``require_page``, which gives the log-in, or None so the page can redirect to ``/login``
(a logged-in role without the permission gets 403); student pages ``require_student_page()``::

    @router.post("/calibration/runs/{run_id}/approve")
    def run_approve(run_id: int, session: SessionDep, csrf: Annotated[str, Form()],
                    login: Annotated[AuthSession | None, require_page("calibrations:write")]):
        if login is None or not same(csrf, login.csrf_token):
            return RedirectResponse("/login", status_code=303)
        …
        audit.record(session, actor=Caller.of_staff(login.staff), action="calibration.approve",
                     target=f"calibration-run:{run_id}")

A route without a policy fails ``tests/people/test_policy_matrix.py``, which walks the app's
route table; a new permission needs a row in :data:`PERMISSIONS` (the matrix test then checks
every role against it). Sensitive actions also call :func:`app.people.audit.record`.

**Rows.** A role allowed on an endpoint may still only reach some rows: staff of a school see
that school's students and classes (:func:`school_clause`, :func:`sees_school`); bank-wide
roles see no school's. Services call these helpers and answer NotFound for a row the caller
may not see, exactly as for a row that does not exist. Changing a visible row one may not
change (another teacher's class) is a 403 (:func:`may_write_class`, :func:`may_write_student`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any

from fastapi import Depends, FastAPI, Request
from fastapi.routing import APIRoute
from sqlalchemy import ColumnElement, false, true
from sqlalchemy.orm import InstrumentedAttribute

from app.db import SessionDep, end_step
from app.errors import NotPermitted
from app.people import logins, service
from app.people.dependencies import SESSION_COOKIE, STUDENT_COOKIE, Caller, current_caller
from app.people.models import (
    SCHOOL_ROLES,
    STAFF_ROLES,
    AuthSession,
    ClassGroup,
    Staff,
    Student,
    StudentSession,
)

PUBLIC = "public"
STAFF = frozenset(STAFF_ROLES)
SCHOOL_STAFF = frozenset({"admin", "leader", "teacher"})
BANK_EDITORS = frozenset({"admin", "psychometrician", "item_writer"})
PSYCHOMETRICS = frozenset({"admin", "psychometrician"})
LEADERS = frozenset({"admin", "leader"})
TEST_BUILDERS = frozenset({"admin", "leader", "teacher", "psychometrician"})
ROLES = (*STAFF_ROLES, "student")

PERMISSIONS: dict[str, frozenset[str]] = {
    PUBLIC: frozenset(ROLES),                 # log-in forms, health: no log-in needed
    "account:self": STAFF,                    # one's own staff account
    "student:self": frozenset({"student"}),   # a student's own page and tests
    "items:read": STAFF,                      # items with keys (teachers mark with them)
    "items:write": BANK_EDITORS,
    "curricula:write": PSYCHOMETRICS,
    "calibrations:read": STAFF,
    "calibrations:write": PSYCHOMETRICS,
    "responses:read": PSYCHOMETRICS,          # de-identified responses across schools
    "forms:read": TEST_BUILDERS,              # assembled tests (forms) and their previews
    "forms:write": TEST_BUILDERS,             # build, swap, accept, "create similar"
    "schools:manage": frozenset({"admin"}),
    "staff:read": LEADERS,                    # leaders: their own school's staff
    "staff:manage": LEADERS,
    "passwords:reset": LEADERS,
    "students:read": SCHOOL_STAFF,            # own school only (admins: all)
    "students:write": SCHOOL_STAFF,           # teachers: students in their own classes
    "students:export": LEADERS,
    "students:delete": LEADERS,
    "classes:read": SCHOOL_STAFF,
    "classes:write": SCHOOL_STAFF,            # teachers: their own classes
    "classlists:import": LEADERS,
    "audit:read": LEADERS,                    # leaders: their own school's events
}


def allowed(role: str, permission: str) -> bool:
    """Whether ``role`` holds ``permission`` (unknown permissions hold for nobody)."""
    return role in PERMISSIONS.get(permission, frozenset())


def _roles(permission: str) -> frozenset[str]:
    if permission not in PERMISSIONS:
        raise KeyError(f"Unknown permission {permission!r}: add it to policy.PERMISSIONS")
    return PERMISSIONS[permission]


def _mark(check: Callable[..., Any], permission: str, *, page: bool) -> Any:
    check.kete_permission = permission  # type: ignore[attr-defined]
    check.kete_page = page  # type: ignore[attr-defined]
    return Depends(check)


def _refuse(caller_role: str, permission: str) -> NotPermitted:
    return NotPermitted(f"A {caller_role.replace('_', ' ')} account may not do this "
                        f"(it needs {permission}).")


@cache
def require(permission: str) -> Any:
    """A dependency that lets only roles holding ``permission`` through; yields the Caller."""
    roles = _roles(permission)
    if permission == PUBLIC:
        def anyone() -> None:
            return None

        return _mark(anyone, permission, page=False)

    def check(caller: Caller = Depends(current_caller)) -> Caller:
        if caller.role not in roles:
            raise _refuse(caller.role, permission)
        return caller

    return _mark(check, permission, page=False)


@cache
def require_page(permission: str) -> Any:
    """For staff pages: the log-in, or None when nobody is logged in (redirect to /login)."""
    roles = _roles(permission)

    def check(request: Request, session: SessionDep) -> AuthSession | None:
        token = request.cookies.get(SESSION_COOKIE)
        login = service.resolve(session, token=token, kind="cookie") if token else None
        end_step(session)  # a short read of its own; the handler runs in another thread
        if login is not None and login.staff.role not in roles:
            raise _refuse(login.staff.role, permission)
        return login

    return _mark(check, permission, page=True)


@cache
def require_student_page() -> Any:
    """For student pages: the student's log-in, or None (redirect to /student/login)."""
    def check(request: Request, session: SessionDep) -> StudentSession | None:
        token = request.cookies.get(STUDENT_COOKIE)
        login = logins.resolve_student(session, token=token, kind="cookie") if token else None
        end_step(session)  # a short read of its own; the handler runs in another thread
        return login

    return _mark(check, "student:self", page=True)


# --- rows: which school's data a caller may reach -------------------------------------------

def sees_school(caller: Caller, school_id: int | None) -> bool:
    """Admins see every school; school staff and students only their own."""
    if caller.role == "admin":
        return True
    return caller.school_id is not None and caller.school_id == school_id


def school_clause(caller: Caller, column: InstrumentedAttribute[int] | Any
                  ) -> ColumnElement[bool]:
    """A WHERE clause limiting ``column`` (a ``school_id``) to the schools the caller sees."""
    if caller.role == "admin":
        return true()
    if caller.school_id is None or caller.role not in SCHOOL_STAFF:
        return false()
    return column == caller.school_id


def may_write_class(caller: Caller, group: ClassGroup) -> bool:
    """Leaders change any class of their school; teachers only the classes they teach."""
    if not sees_school(caller, group.school_id) or caller.staff is None:
        return False
    if caller.role in LEADERS:
        return True
    return caller.role == "teacher" and any(t.id == caller.staff.id for t in group.teachers)


def may_write_student(caller: Caller, student: Student) -> bool:
    """Leaders change any student of their school; teachers students in their classes."""
    if not sees_school(caller, student.school_id) or caller.staff is None:
        return False
    if caller.role in LEADERS:
        return True
    return caller.role == "teacher" and any(may_write_class(caller, g) for g in student.classes)


def may_manage_staff(caller: Caller, staff: Staff) -> bool:
    """Admins manage every account; leaders the accounts of their own school."""
    return caller.role == "admin" or (
        caller.role == "leader" and staff.school_id is not None
        and sees_school(caller, staff.school_id))


def assignable_roles(caller: Caller) -> tuple[str, ...]:
    """The roles a caller may give an account: leaders only school roles."""
    return STAFF_ROLES if caller.role == "admin" else SCHOOL_ROLES


# --- the route table: what each route declares (read by the policy matrix test) ------------

@dataclass(frozen=True)
class RoutePolicy:
    """One route and method with the permission its policy dependency declares."""

    method: str
    path: str
    permissions: tuple[str, ...]
    page: bool
    in_schema: bool


def route_policies(app: FastAPI) -> list[RoutePolicy]:
    """Every API route of ``app`` (included routers too) with its declared permissions."""
    out = []
    for route, prefix in _walk(app.routes, ""):
        calls = list(_policy_calls(route.dependant))
        permissions = tuple(sorted({c.kete_permission for c in calls}))
        page = any(c.kete_page for c in calls)
        for method in sorted((route.methods or set()) - {"HEAD"}):
            out.append(RoutePolicy(method, prefix + route.path, permissions, page,
                                   route.include_in_schema))
    return out


def _walk(routes: list[Any], prefix: str) -> Iterator[tuple[APIRoute, str]]:
    for route in routes:
        if isinstance(route, APIRoute):
            yield route, prefix
        elif hasattr(route, "original_router"):  # FastAPI ≥ 0.16x wraps included routers
            context = getattr(route, "include_context", None)
            yield from _walk(route.original_router.routes,
                             prefix + getattr(context, "prefix", ""))


def _policy_calls(dependant: Any) -> Iterator[Any]:
    for sub in getattr(dependant, "dependencies", []):
        if hasattr(sub.call, "kete_permission"):
            yield sub.call
        yield from _policy_calls(sub)
