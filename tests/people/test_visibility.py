"""Who sees what inside one school, as app/people/policy.py decides it, on pages and the API.

A teacher reaches the classes they teach, their students, those classes' results and
reports, and changes only their own tests (reading and copying colleagues'); a class's code,
cards and passwords reach only its teachers; leaders reach the whole school.
"""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.db import utcnow
from app.delivery import sittings
from app.delivery.schemas import AssignmentCreate
from app.people import student_logins
from app.people.dependencies import SESSION_COOKIE, Caller
from app.people.models import StudentSession
from tests.delivery import builders as delivery
from tests.people import builders
from tests.people.builders import STUDENT_PASSWORD, Tenant


@pytest.fixture
def a(session: Session) -> Tenant:
    return builders.tenant(session, "KURA-A")


def _student_login(client: TestClient, number: str, password: str) -> int:
    return client.post("/api/v1/auth/student", json={
        "school_code": "KURA-A", "student_number": number, "password": password}).status_code


def _page_as(client: TestClient, session: Session, member: object) -> str:
    token, csrf = builders.cookie_and_csrf(session, member)  # type: ignore[arg-type]
    client.cookies.clear()
    client.cookies.set(SESSION_COOKIE, token)
    return csrf


def test_a_teacher_cannot_read_another_class_code_or_cards_on_the_page_or_the_api(
        client: TestClient, session: Session, a: Tenant) -> None:
    theirs = a.other_room
    auth = builders.bearer(session, a.teacher)
    assert client.get(f"/api/v1/classes/{theirs.id}", headers=auth).status_code == 404
    assert client.get("/api/v1/classes", headers=auth).json()[0]["id"] == a.room.id
    assert len(client.get("/api/v1/classes", headers=auth).json()) == 1
    assert client.get(f"/api/v1/classes/{theirs.id}/logins.csv",
                      headers=auth).status_code == 404
    assert client.post(f"/api/v1/classes/{theirs.id}/login-cards",
                       headers=auth).status_code == 404
    csrf = _page_as(client, session, a.teacher)
    page = client.get(f"/classes/{theirs.id}")
    assert page.status_code == 404 and theirs.access_code not in page.text
    cards = client.post(f"/classes/{theirs.id}/login-cards", data={"csrf": csrf})
    assert cards.status_code in (403, 404) and b"%PDF" not in cards.content
    mine = client.get(f"/classes/{a.room.id}")
    assert a.room.access_code in mine.text and "Print log-in cards" in mine.text


def test_leaders_see_the_whole_school_but_not_class_codes_or_cards(
        client: TestClient, session: Session, a: Tenant) -> None:
    auth = builders.bearer(session, a.leader)
    listed = client.get("/api/v1/classes", headers=auth).json()
    assert {c["name"] for c in listed} == {"Room 1", "Room 2"}
    assert {c["access_code"] for c in listed} == {None}
    assert client.get(f"/api/v1/classes/{a.room.id}/logins.csv",
                      headers=auth).status_code == 403
    _page_as(client, session, a.leader)
    page = client.get(f"/classes/{a.room.id}")
    assert page.status_code == 200 and a.room.access_code not in page.text
    assert "Print log-in cards" not in page.text


def test_logins_csv_sets_fresh_passwords_that_work(client: TestClient, session: Session,
                                                   a: Tenant) -> None:
    auth = builders.bearer(session, a.teacher)
    pupil = a.students[0]
    old = client.post("/api/v1/auth/student", json={
        "school_code": "KURA-A", "student_number": pupil.student_number,
        "password": STUDENT_PASSWORD}).json()["access_token"]
    response = client.get(f"/api/v1/classes/{a.room.id}/logins.csv", headers=auth)
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    assert response.headers["cache-control"] == "no-store"
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert [r["student_number"] for r in rows] == [s.student_number for s in
                                                  sorted(a.students, key=lambda s: s.last_name)]
    assert len({r["password"] for r in rows}) == 2
    for row in rows:
        words = row["password"].split()
        assert len(words) == 3 and words[2].isdigit() and 10 <= int(words[2]) <= 99
        assert _student_login(client, row["student_number"], row["password"]) == 200
    assert _student_login(client, pupil.student_number, STUDENT_PASSWORD) == 401
    assert client.get("/api/v1/student/me",
                      headers={"Authorization": f"Bearer {old}"}).status_code == 401


def test_logins_csv_with_a_cookie_needs_the_csrf_header(client: TestClient, session: Session,
                                                         a: Tenant) -> None:
    csrf = _page_as(client, session, a.teacher)
    path = f"/api/v1/classes/{a.room.id}/logins.csv"
    assert client.get(path).status_code == 403  # a link from another site changes nothing
    assert _student_login(client, a.students[0].student_number, STUDENT_PASSWORD) == 200
    assert client.get(path, headers={"X-CSRF-Token": csrf}).status_code == 200


def test_cards_are_a_pdf_with_one_card_per_student(client: TestClient, session: Session,
                                                   a: Tenant) -> None:
    for n in range(3, 10):
        a.room.students.append(builders.student(session, a.school, f"KURA-A-{n}",
                                                first="Tama", last=f"Ngata{n}"))
    session.flush()
    csrf = _page_as(client, session, a.teacher)
    response = client.post(f"/classes/{a.room.id}/login-cards", data={"csrf": csrf})
    assert response.status_code == 200, response.text[:500]
    assert response.content.startswith(b"%PDF") and response.headers["cache-control"] == "no-store"
    rows = student_logins.set_class_passwords(
        session, caller=Caller.of_staff(a.teacher), group=a.room, purpose="test")
    html = student_logins.cards_html(a.room, rows, login_url="https://kete.example/student/login")
    assert html.count('class="card"') == 9 and "dashed" in html
    assert all(r.password in html for r in rows)
    from weasyprint import HTML
    assert len(HTML(string=html).render().pages) == 2  # eight cards to an A4 page


def test_a_teacher_gives_one_student_a_new_password(client: TestClient, session: Session,
                                                    a: Tenant) -> None:
    pupil = a.students[0]
    builders.student_bearer(session, pupil)
    other = builders.bearer(session, a.other_teacher)
    assert client.post(f"/api/v1/students/{pupil.id}/password",
                       headers=other).status_code == 404
    fresh = client.post(f"/api/v1/students/{pupil.id}/password",
                        headers=builders.bearer(session, a.teacher))
    assert fresh.status_code == 200
    assert session.query(StudentSession).filter_by(student_id=pupil.id).count() == 0
    assert _student_login(client, pupil.student_number, STUDENT_PASSWORD) == 401
    assert _student_login(client, pupil.student_number, fresh.json()["password"]) == 200
    csrf = _page_as(client, session, a.teacher)
    page = client.post(f"/classes/{a.room.id}/students/{pupil.id}/password", data={"csrf": csrf})
    assert page.status_code == 200 and "New password for Mere Tane" in page.text


def test_results_and_reports_of_a_class_reach_its_teachers_and_leaders_only(
        client: TestClient, session: Session, a: Tenant) -> None:
    delivery.bank(session)
    form = delivery.form(session, staff=a.teacher, codes=delivery.codes(5))
    now = utcnow()
    given = sittings.assign(session, caller=Caller.of_staff(a.teacher), data=AssignmentCreate(
        form_id=form.id, class_id=a.room.id, opens_at=now, closes_at=now + timedelta(days=1)))
    sitting = sittings.start(session, student=a.students[0], assignment_id=given.id)
    for who, expected in ((a.other_teacher, 404), (a.teacher, 200), (a.leader, 200)):
        auth = builders.bearer(session, who)
        assert client.get(f"/api/v1/assignments/{given.id}/sittings",
                          headers=auth).status_code == expected
        assert client.get("/api/v1/assignments", params={"class_id": a.room.id},
                          headers=auth).status_code == expected
        _page_as(client, session, who)
        report = client.get(f"/reports/assignments/{given.id}")
        assert (report.status_code == 404) == (expected == 404), report.status_code
        pathway = client.get(f"/reports/sittings/{sitting.id}")
        assert pathway.status_code == 404 if expected == 404 else pathway.status_code != 403


def test_a_colleagues_draft_test_is_read_and_copied_not_changed(
        client: TestClient, session: Session, a: Tenant) -> None:
    delivery.bank(session)
    draft = delivery.form(session, staff=a.other_teacher, codes=delivery.codes(5),
                          status="draft")
    draft.summary = {"total_time_s": 600, "by_depth": {}, "by_level": {}, "by_strand": {},
                     "expected_score": 3, "max_score": 5, "notes": [], "reported_strands": [],
                     "se_at_class_level": 0.5, "se_scale_points": 50}
    auth = builders.bearer(session, a.teacher)
    assert client.get(f"/api/v1/forms/{draft.id}", headers=auth).status_code == 200
    assert client.post(f"/api/v1/forms/{draft.id}/accept", headers=auth).status_code == 403
    assert client.post(f"/api/v1/forms/{draft.id}/swap", headers=auth,
                       json={"item": "Q01"}).status_code == 403
    copied = client.post(f"/api/v1/forms/{draft.id}/copy", headers=auth)
    assert copied.status_code == 201, copied.text
    mine = copied.json()
    assert mine["status"] == "draft" and mine["parent_id"] == draft.id
    accepted = client.post(f"/api/v1/forms/{mine['id']}/accept", headers=auth)
    assert accepted.status_code == 200 and accepted.json()["status"] == "accepted"
    _page_as(client, session, a.teacher)
    page = client.get(f"/tests/{draft.id}")
    assert page.status_code == 200, page.text
    assert "copy it to make changes" in page.text and "Accept this test" not in page.text
    leader = builders.bearer(session, a.leader)
    assert client.post(f"/api/v1/forms/{draft.id}/accept", headers=leader).status_code == 200
