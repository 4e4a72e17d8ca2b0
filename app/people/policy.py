"""Who may do what: the one place that decides, for every route and every row.

**Declaring a route's policy.** Every route takes exactly one policy dependency, naming a
permission from :data:`PERMISSIONS`::

    from app.people.dependencies import Caller
    from app.people.policy import require

    @router.post("/calibrations/{calibration_id}/approve", summary="…")
    def approve(calibration_id: int, session: SessionDep,
                caller: Annotated[Caller, require("calibrations:write")]) -> …:

Use ``dependencies=[require("public")]`` for routes anyone may call. Staff HTML pages use
``require_page``, which gives the log-in; without one it raises
:class:`~app.errors.LoginRequired`, which the one error handler turns into a redirect to
``/login`` (a logged-in role without the permission gets 403). Student pages use
``require_student_page()`` (redirect to ``/student/login``)::

    @router.post("/calibration/runs/{run_id}/approve")
    def run_approve(run_id: int, session: SessionDep, csrf: Annotated[str, Form()],
                    login: Annotated[AuthSession, require_page("calibrations:write")]):
        check_csrf(login, csrf)
        …
        audit.record(session, actor=Caller.of_staff(login.staff), action="calibration.approve",
                     target=f"calibration-run:{run_id}")

A route without a policy fails ``tests/people/test_policy_matrix.py``, which walks the app's
route table; a new permission needs a row in :data:`PERMISSIONS` (the matrix test then checks
every role against it). Sensitive actions also call :func:`app.people.audit.record`.

**Rows.** A role allowed on an endpoint may still only reach some rows. Which rows is
written once, below, as WHERE clauses (:func:`class_clause`, :func:`student_clause`,
:func:`sitting_clause`, :func:`form_clause`, :func:`school_clause`) and predicates
(:func:`may_write_class`, :func:`may_see_logins`, :func:`may_change_membership`,
:func:`may_edit_form` …). Services put the clauses in their queries and answer NotFound for a
row the caller may not see, exactly as for a row that does not exist; changing a visible row
one may not change (a colleague's draft test) is a 403. Routers and pages never re-check:
they call the service. ``tests/people/test_visibility.py`` checks the rules in words.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any

from fastapi import Depends, FastAPI, Request
from fastapi.routing import APIRoute
from sqlalchemy import ColumnElement, Select, false, select, true
from sqlalchemy.orm import InstrumentedAttribute

from app.db import SessionDep, own_step
from app.errors import LoginRequired, NotPermitted
from app.people import audit_context, logins, service
from app.people.dependencies import (
    SESSION_COOKIE,
    STUDENT_COOKIE,
    Caller,
    current_caller,
    current_student,
)
from app.people.models import (
    SCHOOL_ROLES,
    STAFF_ROLES,
    AuthSession,
    ClassGroup,
    Staff,
    Student,
    StudentSession,
    class_student,
    class_teacher,
)
from app.people.security import same

PUBLIC = "public"
STAFF = frozenset(STAFF_ROLES)
SCHOOL_STAFF = frozenset({"admin", "leader", "teacher"})
BANK_EDITORS = frozenset({"admin", "psychometrician", "item_writer"})
PSYCHOMETRICS = frozenset({"admin", "psychometrician"})
LEADERS = frozenset({"admin", "leader"})
TEST_BUILDERS = frozenset({"admin", "leader", "teacher", "psychometrician"})
TEACHERS = frozenset({"leader", "teacher"})  # school roles that can teach a class
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
    "field_trial:write": PSYCHOMETRICS,       # each subject's seeding rule for trial items
    "responses:read": PSYCHOMETRICS,          # de-identified responses across schools
    "forms:read": TEST_BUILDERS,              # assembled tests (forms) and their previews
    "forms:write": TEST_BUILDERS,             # build, swap, accept, "create similar"
    "schools:manage": frozenset({"admin"}),
    "staff:read": LEADERS,                    # leaders: their own school's staff
    "staff:manage": LEADERS,
    "passwords:reset": LEADERS,
    "students:read": SCHOOL_STAFF,            # leaders: the school; teachers: their classes'
    "students:write": SCHOOL_STAFF,           # teachers: students in their own classes
    "students:export": LEADERS,
    "students:delete": LEADERS,
    "classes:read": SCHOOL_STAFF,             # leaders: the school; teachers: classes they teach
    "classes:write": SCHOOL_STAFF,            # teachers: their own classes
    "classes:membership": LEADERS,            # moving students, choosing a class's teachers
    "classes:logins": TEACHERS,               # codes, cards, passwords: the class's teachers
    "classlists:import": LEADERS,
    "audit:read": LEADERS,                    # leaders: their own school's events
    "session:self": frozenset(ROLES),         # ending one's own log-in or token
    "norms:read": STAFF,
    "norms:write": PSYCHOMETRICS,
    "results:read": SCHOOL_STAFF,             # teachers: their classes' results; leaders: all
    "results:school": LEADERS,                # the console, cohorts, targets' progress
    "targets:write": LEADERS,
    "groups:write": SCHOOL_STAFF,             # teachers' own groups of their students
    "cycles:read": SCHOOL_STAFF,              # own, team's and (leaders) the school's cycles
    "cycles:write": SCHOOL_STAFF,
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
        async def anyone() -> None:  # nothing to check: no thread needed
            return None

        return _mark(anyone, permission, page=False)

    async def check(request: Request, session: SessionDep,
                    caller: Caller = Depends(
                        current_student if roles == {"student"} else current_caller),
                    ) -> Caller:
        # async: a role check does no I/O, so it needs no thread (one hand-off less)
        if caller.role not in roles:
            raise _refuse(caller.role, permission)
        if caller.staff is not None:
            _watch(request, session, caller.staff)
        return caller

    return _mark(check, permission, page=False)


def _watch(request: Request, session: SessionDep, staff: Staff) -> None:
    """Every write this staff member's request makes is audited (see audit_context)."""
    from app.people.network import client_address

    route = getattr(request.scope.get("route"), "path", request.url.path)
    audit_context.watch(session, audit_context.AuditContext(
        actor_id=staff.id, actor=staff.email, actor_role=staff.role,
        school_id=staff.school_id, address=client_address(request),
        route=f"{request.method} {route}", params=dict(request.path_params)))


@cache
def require_page(permission: str) -> Any:
    """For staff pages: the log-in; nobody logged in raises LoginRequired (→ /login)."""
    roles = _roles(permission)

    def check(request: Request, session: SessionDep) -> AuthSession:
        with own_step(session):  # a short read of its own; the handler runs in another thread
            token = request.cookies.get(SESSION_COOKIE)
            login = service.resolve(session, token=token, kind="cookie") if token else None
        if login is None:
            raise LoginRequired("/login")
        if login.staff.role not in roles:
            raise _refuse(login.staff.role, permission)
        _watch(request, session, login.staff)
        return login

    return _mark(check, permission, page=True)


@cache
def require_student_page() -> Any:
    """For student pages: the student's log-in; none raises LoginRequired (→ /student/login)."""
    def check(request: Request, session: SessionDep) -> StudentSession:
        token = request.cookies.get(STUDENT_COOKIE)
        with own_step(session):  # a short read of its own; the handler runs in another thread
            login = logins.resolve_student(session, token=token, kind="cookie") if token else None
        if login is None:
            raise LoginRequired("/student/login")
        return login

    return _mark(check, "student:self", page=True)


def check_csrf(login: AuthSession, sent: str) -> None:
    """Refuse (403) a staff form whose CSRF token is not this log-in's."""
    if not same(sent, login.csrf_token):
        raise NotPermitted("This form has expired or did not come from Kete; reload the page "
                           "and try again.")


# --- rows: which rows a caller reaches ------------------------------------------------------
#
# Inside a school (decided here, once; services use these clauses, routers and pages never
# re-check): leaders and admins reach the whole school (admins: every school). A teacher
# reaches the classes they teach, the students in those classes, the assignments, sittings
# and reports of those classes, and changes only the tests they made (they may read and
# copy the school's other tests). A class's access code, log-in cards and student
# passwords reach only its teachers. Moving students between classes and deciding who
# teaches a class are a leader's acts. Rows the caller may not reach are NotFound, exactly
# as rows that do not exist; a visible row the caller may not change is 403.

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


def _taught_class_ids(caller: Caller) -> Select[tuple[int]]:
    staff_id = caller.staff.id if caller.staff is not None else -1
    return select(class_teacher.c.class_id).where(class_teacher.c.staff_id == staff_id)


def class_clause(caller: Caller, column: InstrumentedAttribute[int] | Any = None
                 ) -> ColumnElement[bool]:
    """WHERE ``column`` (a class id; default ``ClassGroup.id``) is a class the caller
    reaches: the school's for leaders, every class for admins, taught ones for teachers."""
    column = ClassGroup.id if column is None else column
    if caller.role == "admin":
        return true()
    if caller.role == "leader" and caller.school_id is not None:
        return column.in_(select(ClassGroup.id).where(ClassGroup.school_id == caller.school_id))
    if caller.role == "teacher" and caller.staff is not None:
        return column.in_(_taught_class_ids(caller))
    return false()


def student_clause(caller: Caller) -> ColumnElement[bool]:
    """WHERE the ``Student`` row is one the caller reaches: their school's (leaders), every
    school's (admins), or a student in a class they teach (teachers)."""
    if caller.role == "admin":
        return true()
    if caller.role == "leader" and caller.school_id is not None:
        return Student.school_id == caller.school_id
    if caller.role == "teacher" and caller.staff is not None:
        return Student.id.in_(select(class_student.c.student_id).where(
            class_student.c.class_id.in_(_taught_class_ids(caller))))
    return false()


def sitting_clause(caller: Caller, *, student_column: Any, class_column: Any
                   ) -> ColumnElement[bool]:
    """WHERE a sitting (its student and its assignment's class) is the caller's to see:
    a student's own; a class the caller reaches for staff."""
    if caller.student is not None:
        return student_column == caller.student.id
    return class_clause(caller, class_column)


def teaches(caller: Caller, group: ClassGroup) -> bool:
    """Whether the caller is one of the class's teachers."""
    return caller.staff is not None and any(t.id == caller.staff.id for t in group.teachers)


def may_write_class(caller: Caller, group: ClassGroup) -> bool:
    """Leaders change any class of their school; teachers only the classes they teach."""
    if not sees_school(caller, group.school_id) or caller.staff is None:
        return False
    return caller.role in LEADERS or (caller.role == "teacher" and teaches(caller, group))


def may_see_logins(caller: Caller, group: ClassGroup) -> bool:
    """A class's access code, log-in cards and students' passwords: its teachers only."""
    return sees_school(caller, group.school_id) and teaches(caller, group)


def may_change_membership(caller: Caller, group: ClassGroup) -> bool:
    """Who is in a class and who teaches it: a leader's act (admins too)."""
    return caller.role in LEADERS and sees_school(caller, group.school_id)


def may_write_student(caller: Caller, student: Student) -> bool:
    """Leaders change any student of their school; teachers students in their classes."""
    if not sees_school(caller, student.school_id) or caller.staff is None:
        return False
    if caller.role in LEADERS:
        return True
    return caller.role == "teacher" and any(teaches(caller, g) for g in student.classes)


def form_clause(caller: Caller, school_column: Any) -> ColumnElement[bool]:
    """WHERE a test (form) is readable: its school's staff read it (to give or copy it);
    bank-wide staff read the tests made outside any school; admins every test."""
    if caller.role == "admin":
        return true()
    if caller.school_id is None:
        return school_column.is_(None)
    return school_column == caller.school_id


def sees_form(caller: Caller, *, school_id: int | None) -> bool:
    """The row-by-row twin of :func:`form_clause`."""
    if caller.role == "admin":
        return True
    return school_id == caller.school_id if caller.staff is not None else False


def may_edit_form(caller: Caller, *, school_id: int | None, created_by_id: int | None
                  ) -> bool:
    """Swap items in or accept a test: its author; a leader of its school; admins."""
    if caller.staff is None:
        return False
    if caller.role == "admin":
        return True
    if caller.role == "leader" and school_id is not None:
        return sees_school(caller, school_id)
    return created_by_id == caller.staff.id


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
