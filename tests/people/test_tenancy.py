"""Two schools: staff of one can neither see nor change the other's students, classes or staff,
and every refusal reads exactly like "does not exist"."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.people import builders
from tests.people.builders import Tenant

MISSING = 987654


@pytest.fixture
def schools(session: Session) -> tuple[Tenant, Tenant]:
    return builders.tenant(session, "KURA-A"), builders.tenant(session, "KURA-B")


def _same_as_missing(client: TestClient, method: str, path: str, real: int,
                     headers: dict[str, str], **body: object) -> None:
    """The answer for another school's row equals the answer for a row that does not exist."""
    theirs = client.request(method, path.format(id=real), headers=headers, **body)
    nobody = client.request(method, path.format(id=MISSING), headers=headers, **body)
    assert theirs.status_code == nobody.status_code == 404, (path, theirs.text)
    assert theirs.text.replace(str(real), "<id>") == nobody.text.replace(str(MISSING), "<id>")
    assert theirs.headers["content-type"] == nobody.headers["content-type"]


def test_teacher_cannot_reach_another_schools_students(
        client: TestClient, session: Session, schools: tuple[Tenant, Tenant]) -> None:
    a, b = schools
    auth = builders.bearer(session, a.teacher)
    theirs = b.students[0].id
    _same_as_missing(client, "GET", "/api/v1/students/{id}", theirs, auth)
    _same_as_missing(client, "PATCH", "/api/v1/students/{id}", theirs, auth,
                     json={"first_name": "Changed"})
    leader = builders.bearer(session, a.leader)
    _same_as_missing(client, "PUT", f"/api/v1/classes/{a.room.id}/students/{{id}}", theirs,
                     leader)
    listed = client.get("/api/v1/students", headers=auth).json()
    assert {s["student_number"] for s in listed} == {"KURA-A-1", "KURA-A-2"}
    assert client.get("/api/v1/students", params={"class_id": b.room.id},
                      headers=auth).json() == []


def test_teacher_cannot_reach_another_schools_classes(
        client: TestClient, session: Session, schools: tuple[Tenant, Tenant]) -> None:
    a, b = schools
    auth = builders.bearer(session, a.teacher)
    leader = builders.bearer(session, a.leader)
    for method, path, body, who in [
        ("GET", "/api/v1/classes/{id}", {}, auth),
        ("PATCH", "/api/v1/classes/{id}", {"json": {"name": "Mine now"}}, auth),
        ("DELETE", "/api/v1/classes/{id}", {}, auth),
        ("POST", "/api/v1/classes/{id}/access-code", {}, auth),
        ("GET", "/api/v1/classes/{id}/logins.csv", {}, auth),
        ("POST", "/api/v1/classes/{id}/login-cards", {}, auth),
        ("PUT", "/api/v1/classes/{id}/students/" + str(a.students[0].id), {}, leader),
        ("PUT", "/api/v1/classes/{id}/teachers/" + str(a.teacher.id), {}, leader),
    ]:
        _same_as_missing(client, method, path, b.room.id, who, **body)
    _same_as_missing(client, "PUT", f"/api/v1/classes/{a.room.id}/teachers/{{id}}",
                     b.teacher.id, leader)
    listed = client.get("/api/v1/classes", headers=auth).json()
    assert {c["school"] for c in listed} == {"KURA-A"}


def test_leader_cannot_reach_another_schools_people(
        client: TestClient, session: Session, schools: tuple[Tenant, Tenant]) -> None:
    a, b = schools
    auth = builders.bearer(session, a.leader)
    theirs = b.students[0].id
    _same_as_missing(client, "GET", "/api/v1/students/{id}/export", theirs, auth)
    _same_as_missing(client, "DELETE", "/api/v1/students/{id}", theirs, auth)
    for path in ("/api/v1/staff/{id}", "/api/v1/staff/{id}/password-reset"):
        method = "POST" if path.endswith("reset") else "GET"
        _same_as_missing(client, method, path, b.teacher.id, auth)
    emails = {s["email"] for s in client.get("/api/v1/staff", headers=auth).json()}
    assert emails == {a.leader.email, a.teacher.email, a.other_teacher.email}
    student = client.post("/api/v1/students", headers=auth, json={
        "student_number": "9", "first_name": "X", "last_name": "Y", "year_level": 5,
        "school": "KURA-B"})
    ghost = client.post("/api/v1/students", headers=auth, json={
        "student_number": "9", "first_name": "X", "last_name": "Y", "year_level": 5,
        "school": "NO-SUCH"})
    assert student.status_code == ghost.status_code == 404
    assert student.text.replace("KURA-B", "?") == ghost.text.replace("NO-SUCH", "?")


def test_admin_sees_every_school(client: TestClient, session: Session,
                                 schools: tuple[Tenant, Tenant]) -> None:
    auth = builders.bearer(session, builders.staff(session, "admin"))
    listed = client.get("/api/v1/students", headers=auth).json()
    assert {s["school"] for s in listed} == {"KURA-A", "KURA-B"}
    assert client.get(f"/api/v1/classes/{schools[1].room.id}", headers=auth).status_code == 200


def test_psychometrician_sees_no_names(client: TestClient, session: Session,
                                       schools: tuple[Tenant, Tenant]) -> None:
    auth = builders.bearer(session, builders.staff(session, "psychometrician"))
    for path in ("/api/v1/students", f"/api/v1/students/{schools[0].students[0].id}",
                 "/api/v1/classes"):
        assert client.get(path, headers=auth).status_code == 403


def test_teachers_write_only_their_own_classes(
        client: TestClient, session: Session, schools: tuple[Tenant, Tenant]) -> None:
    a, _ = schools
    auth = builders.bearer(session, a.teacher)
    mine = client.get(f"/api/v1/classes/{a.room.id}", headers=auth).json()
    assert mine["access_code"]
    for method in ("GET", "PATCH"):  # a colleague's class is not the teacher's to see
        assert client.request(method, f"/api/v1/classes/{a.other_room.id}", headers=auth,
                              json={"name": "Taken"}).status_code == 404
    renamed = client.patch(f"/api/v1/classes/{a.room.id}", headers=auth, json={"name": "Rm 9"})
    assert renamed.json()["name"] == "Rm 9"
    stranger = builders.student(session, a.school, "A-99")
    assert client.patch(f"/api/v1/students/{stranger.id}", headers=auth,
                        json={"year_level": 8}).status_code == 404
    own = client.patch(f"/api/v1/students/{a.students[0].id}", headers=auth,
                       json={"year_level": 8})
    assert own.status_code == 200 and own.json()["year_level"] == 8
    moved = client.put(f"/api/v1/classes/{a.room.id}/students/{stranger.id}", headers=auth)
    assert moved.status_code == 403  # a leader's act
    added = client.put(f"/api/v1/classes/{a.room.id}/students/{stranger.id}",
                       headers=builders.bearer(session, a.leader))
    assert added.status_code == 200 and len(added.json()["students"]) == 3
    assert added.json()["access_code"] is None  # the leader does not teach it
