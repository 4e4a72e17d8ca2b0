"""Every route declares a policy, and every role is let in or refused exactly as it says.

The route list comes from the app's own route table (included routers too), cross-checked
against the OpenAPI paths, so a new endpoint without a declared policy fails here.
"""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.main import create_app
from app.people import logins, policy
from app.people.dependencies import SESSION_COOKIE, STUDENT_COOKIE
from app.people.policy import PERMISSIONS, RoutePolicy
from tests.people import builders

APP = create_app()
ROUTES = policy.route_policies(APP)
LOGIN_PAGES = ("/login", "/student/login")
REVOKE = "/api/v1/auth/token"


def _name(route: RoutePolicy) -> str:
    return f"{route.method} {route.path}"


def test_every_route_declares_one_known_policy() -> None:
    undeclared = [_name(r) for r in ROUTES if len(r.permissions) != 1]
    assert undeclared == [], "declare a policy with app.people.policy.require(...)"
    unknown = {p for r in ROUTES for p in r.permissions} - set(PERMISSIONS)
    assert unknown == set()


def test_route_table_covers_every_openapi_operation() -> None:
    spec = APP.openapi()
    operations = {(m.upper(), p) for p, item in spec["paths"].items() for m in item}
    assert operations - {(r.method, r.path) for r in ROUTES} == set()
    assert len(ROUTES) > len(operations)  # the HTML pages are walked too


def test_policies_match_the_issue() -> None:
    """Spot checks of the rules in words: keys, calibrations, names, students."""
    assert policy.allowed("teacher", "items:read") and not policy.allowed("teacher", "items:write")
    assert policy.allowed("item_writer", "items:write")
    assert not policy.allowed("item_writer", "calibrations:write")
    assert policy.allowed("teacher", "calibrations:read")
    assert not policy.allowed("psychometrician", "students:read")
    assert [p for p, roles in PERMISSIONS.items() if "student" in roles] == [
        "public", "student:self", "session:self"]
    assert policy.allowed("teacher", "classes:logins") and not policy.allowed(
        "admin", "classes:logins")
    assert not policy.allowed("teacher", "classes:membership")
    assert {r for r in policy.ROLES if policy.allowed(r, "field_trial:write")} == {
        "admin", "psychometrician"}
    routes = {(r.method, r.path): r.permissions for r in ROUTES}
    assert routes[("PUT", "/api/v1/subjects/{code}/field-trial")] == ("field_trial:write",)
    assert routes[("GET", "/api/v1/subjects/{code}/field-trial")] == ("calibrations:read",)
    assert routes[("POST", "/calibration/field-trial/{code}")] == ("field_trial:write",)


Auth = tuple[dict[str, str], tuple[str, str] | None, str]


def _callers(session: Session) -> dict[str, Auth]:
    """Each role's (bearer header, page cookie, the page forms' CSRF token); anonymous has
    none of them. Forms carry the real token, so a refusal means the policy refused."""
    at = builders.school(session, "MATRIX")
    out: dict[str, Auth] = {"anonymous": ({}, None, "x")}
    for role in policy.STAFF_ROLES:
        member = builders.staff(session, role, at=at if role in ("leader", "teacher") else None)
        token, csrf = builders.cookie_and_csrf(session, member)
        out[role] = (builders.bearer(session, member), (SESSION_COOKIE, token), csrf)
    pupil = builders.student(session, at)
    room = builders.group(session, at, students=[pupil])
    token, login = logins.start_student_session(session, student=pupil, kind="cookie")
    out["student"] = (builders.student_bearer(session, pupil, room), (STUDENT_COOKIE, token),
                      login.csrf_token)
    return out


def _call(client: TestClient, route: RoutePolicy, auth: Auth) -> tuple[int, str]:
    path = re.sub(r"\{[^}]+\}", "999999", route.path)
    page = route.page or not route.in_schema
    client.cookies.clear()
    headers = {} if page else auth[0]
    if page and auth[1] is not None:
        client.cookies.set(*auth[1])
    body: dict = {}
    if route.method in ("POST", "PUT", "PATCH"):
        body = {"data": {"csrf": auth[2]}} if page else {"json": {}}
    response = client.request(route.method, path, headers=headers, follow_redirects=False,
                              **body)
    return response.status_code, response.headers.get("location", "")


def _verdict(route: RoutePolicy, role: str, status: int, location: str) -> str | None:
    """What is wrong with this answer, or None."""
    if status >= 500:
        return f"server error {status}"
    to_login = status == 303 and location.split("?")[0] in LOGIN_PAGES
    (permission,) = route.permissions
    if permission == policy.PUBLIC or policy.allowed(role, permission):
        return None if status not in (401, 403) and not (
            to_login and permission != policy.PUBLIC) else f"refused ({status})"
    if route.page or not route.in_schema:
        return None if to_login or status == 403 else f"let in ({status})"
    expected = 401 if role == "anonymous" else 403
    return None if status == expected else f"expected {expected}, got {status}"


def test_every_role_on_every_route(client: TestClient, session: Session) -> None:
    callers = _callers(session)
    wrong = []
    # logging out and revoking go last: they end the log-ins the other routes are called with
    for route in sorted(ROUTES, key=lambda r: r.path.endswith("/logout") or (
            r.method, r.path) == ("DELETE", REVOKE)):
        if len(route.permissions) != 1:
            continue  # reported by test_every_route_declares_one_known_policy
        for role, auth in callers.items():
            status, location = _call(client, route, auth)
            problem = _verdict(route, role, status, location)
            if problem:
                wrong.append(f"{_name(route)} as {role}: {problem}")
    assert wrong == []


@pytest.mark.parametrize("permission", sorted(PERMISSIONS))
def test_every_permission_names_real_roles(permission: str) -> None:
    assert PERMISSIONS[permission] <= set(policy.ROLES)
