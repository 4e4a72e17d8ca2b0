"""Staff log-in: bearer tokens, session cookies with CSRF protection, hashed passwords."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.calibration import service as calibration
from app.calibration.schemas import CalibrationCreate, ParameterIn
from app.people import service
from app.people.models import AuthSession, Staff
from tests.factories import framework, item_data, staff_token


def _staff(session: Session, role: str = "teacher") -> Staff:
    return service.create_staff(session, email="T@Example.org", name="T", role=role,
                                password="correct horse")


def test_passwords_are_stored_as_argon2_hashes(session: Session) -> None:
    staff = _staff(session)
    assert staff.password_hash.startswith("$argon2") and "correct horse" not in staff.password_hash
    assert staff.email == "t@example.org"


def test_token_login_and_wrong_password(client: TestClient, session: Session) -> None:
    _staff(session)
    bad = client.post("/api/v1/auth/token", json={"email": "t@example.org", "password": "no"})
    assert bad.status_code == 401 and bad.json()["error"] == "NotAuthenticated"
    good = client.post("/api/v1/auth/token",
                       json={"email": "t@example.org", "password": "correct horse"})
    token = good.json()["access_token"]
    me = client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"})
    assert me.json()["role"] == "teacher"
    stored = session.scalars(select(AuthSession.token_hash)).all()
    assert token not in stored  # only digests are kept


def test_unknown_bearer_token_is_refused(client: TestClient) -> None:
    response = client.get("/api/v1/auth/me", headers={"Authorization": "Bearer made-up"})
    assert response.status_code == 401


def _page_login(client: TestClient) -> str:
    form = client.get("/login")
    csrf = re.search(r'name="csrf" value="([^"]+)"', form.text)
    assert csrf is not None
    response = client.post("/login", data={"email": "t@example.org", "password": "correct horse",
                                           "csrf": csrf.group(1)}, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/"
    cookie = response.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie
    return cookie


def test_login_form_needs_its_csrf_token(client: TestClient, session: Session) -> None:
    _staff(session)
    client.get("/login")
    forged = client.post("/login", data={"email": "t@example.org", "password": "correct horse",
                                         "csrf": "forged"}, follow_redirects=False)
    assert forged.headers["location"] == "/login?error=expired"
    assert "kete_session" not in forged.headers.get("set-cookie", "")


def test_cookie_login_reaches_pages_and_needs_csrf_for_api_writes(
        client: TestClient, session: Session) -> None:
    framework(session)
    _staff(session, role="item_writer")
    _page_login(client)
    assert "Kia ora" in client.get("/").text
    assert client.get("/api/v1/items").status_code == 200  # safe method: no token needed
    no_csrf = client.post("/api/v1/items", json=item_data())
    assert no_csrf.status_code == 403 and "X-CSRF-Token" in no_csrf.json()["detail"]
    csrf = session.scalars(select(AuthSession.csrf_token)).one()
    with_csrf = client.post("/api/v1/items", json=item_data(), headers={"X-CSRF-Token": csrf})
    assert with_csrf.status_code == 201


def test_logout_ends_the_session(client: TestClient, session: Session) -> None:
    _staff(session)
    _page_login(client)
    csrf = session.scalars(select(AuthSession.csrf_token)).one()
    client.post("/logout", data={"csrf": csrf})
    assert session.scalars(select(AuthSession)).all() == []
    assert client.get("/", follow_redirects=False).headers["location"] == "/login"


def test_pages_need_a_login(client: TestClient) -> None:
    """The page policy raises LoginRequired once; the one handler sends each to its log-in."""
    for path in ("/", "/bank", "/bank/MA-1", "/classes", "/tests", "/reports/sittings/1"):
        response = client.get(path, follow_redirects=False)
        assert (response.status_code, response.headers["location"]) == (303, "/login"), path
    for path in ("/student", "/student/sittings/1"):
        response = client.get(path, follow_redirects=False)
        assert (response.status_code, response.headers["location"]) == (303, "/student/login")
    assert client.get("/api/v1/items").status_code == 401  # the API answers, never redirects


def test_page_errors_are_pages_and_api_errors_json(client: TestClient, session: Session) -> None:
    _staff(session)
    _page_login(client)
    page = client.get("/progress?from_assignment=1")  # a page route's own error
    assert page.status_code == 422 and page.headers["content-type"].startswith("text/html")
    assert "Choose both tests" in page.text
    invalid = client.get("/progress?from_assignment=x&to_assignment=2")  # validation error
    assert invalid.status_code == 422 and "from_assignment" in invalid.text
    assert "<html" in invalid.text
    api = client.get("/api/v1/items/NOPE", headers={"Authorization": "Bearer nope"})
    assert api.status_code == 401 and api.json()["error"] == "NotAuthenticated"


def test_bank_pages_render_items_and_empty_states(client: TestClient, session: Session) -> None:
    framework(session)
    auth = staff_token(client, session)
    _staff(session)
    _page_login(client)
    assert "No items match" in client.get("/bank").text
    client.post("/api/v1/items", json=item_data(), headers=auth)
    listing = client.get("/bank?subject=maths").text
    assert "MA-1" in listing and "1 item." in listing
    home = client.get("/").text  # the count, not the dict's items method
    assert "0 items on one calibrated scale" in home and "built-in method" not in home
    client.post("/api/v1/items", json=item_data("MA-2", status="draft"), headers=auth)
    calibration.create(session, data=CalibrationCreate(  # only operational items count
        subject="maths", label="bank", kind="simulated", activate=True, parameters=[
            ParameterIn(item=code, model="rasch", b=0.0) for code in ("MA-1", "MA-2")]))
    assert "1 item on one calibrated scale" in client.get("/").text
    detail = client.get("/bank/MA-1").text
    assert "What is 7 + 5?" in detail and "B (12)" in detail  # the key in words
    assert client.get("/bank/NOPE").status_code == 404
