"""Students and classes through the API, student log-in (API and pages) and what it reaches."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.people.models import StudentSession
from tests.people import builders


def _student_token(client: TestClient, school: str, number: str, code: str) -> dict[str, str]:
    response = client.post("/api/v1/auth/student", json={
        "school_code": school, "student_number": number, "class_code": code})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def test_leader_and_teacher_manage_students_and_classes(client: TestClient,
                                                        session: Session) -> None:
    a = builders.tenant(session, "KURA-A")
    leader, teacher = builders.bearer(session, a.leader), builders.bearer(session, a.teacher)
    body = {"student_number": "2001", "first_name": "Wiremu", "last_name": "Parata",
            "year_level": 5, "ethnicity": "Māori"}
    created = client.post("/api/v1/students", json=body, headers=leader)
    assert created.status_code == 201 and created.json()["school"] == "KURA-A"
    assert client.post("/api/v1/students", json=body, headers=leader).status_code == 409
    group = client.post("/api/v1/classes", json={"name": "Kākano", "period": "2026"},
                        headers=teacher)
    assert group.status_code == 201, group.text
    class_id = group.json()["id"]
    assert [t["name"] for t in group.json()["teachers"]] == [a.teacher.name]
    joined = client.put(f"/api/v1/classes/{class_id}/students/{created.json()['id']}",
                        headers=teacher).json()
    assert [s["name"] for s in joined["students"]] == ["Wiremu Parata"]
    co = client.put(f"/api/v1/classes/{class_id}/teachers/{a.other_teacher.id}", headers=teacher)
    assert len(co.json()["teachers"]) == 2
    mine = client.get("/api/v1/classes", params={"mine": True}, headers=teacher).json()
    assert {c["name"] for c in mine} == {"Room 1", "Kākano"}
    assert client.delete(f"/api/v1/classes/{class_id}", headers=teacher).status_code == 204
    found = client.get("/api/v1/students", params={"q": "parata"}, headers=teacher).json()
    assert [s["classes"] for s in found] == [[]]


def test_student_logs_in_with_codes_and_reaches_only_their_own_things(
        client: TestClient, session: Session) -> None:
    a = builders.tenant(session, "KURA-A")
    b = builders.tenant(session, "KURA-B")
    me = a.students[0]
    auth = _student_token(client, "kura-a", me.student_number, a.room.access_code.lower())
    home = client.get("/api/v1/student/me", headers=auth).json()
    assert (home["first_name"], home["tests"]) == ("Mere", [])
    assert [c["name"] for c in home["classes"]] == ["Room 1"]
    for path in ("/api/v1/auth/me", "/api/v1/items", f"/api/v1/students/{me.id}",
                 f"/api/v1/students/{a.students[1].id}", f"/api/v1/classes/{a.room.id}"):
        assert client.get(path, headers=auth).status_code == 403, path
    for school, number, code in [("KURA-A", me.student_number, a.other_room.access_code),
                                 ("KURA-A", me.student_number, b.room.access_code),
                                 ("KURA-B", me.student_number, a.room.access_code),
                                 ("KURA-A", "nobody", a.room.access_code)]:
        refused = client.post("/api/v1/auth/student", json={
            "school_code": school, "student_number": number, "class_code": code})
        assert refused.status_code == 401
        assert refused.json()["detail"] == "School code, student number or class code is not right."


def test_new_access_code_ends_old_log_ins(client: TestClient, session: Session) -> None:
    a = builders.tenant(session, "KURA-A")
    pupil, old = a.students[0], a.room.access_code
    auth = _student_token(client, "KURA-A", pupil.student_number, old)
    teacher = builders.bearer(session, a.teacher)
    new = client.post(f"/api/v1/classes/{a.room.id}/access-code", headers=teacher).json()
    assert new["access_code"] != old
    assert client.get("/api/v1/student/me", headers=auth).status_code == 401
    assert client.post("/api/v1/auth/student", json={
        "school_code": "KURA-A", "student_number": pupil.student_number,
        "class_code": old}).status_code == 401
    again = _student_token(client, "KURA-A", pupil.student_number, new["access_code"])
    client.delete(f"/api/v1/classes/{a.room.id}/students/{pupil.id}", headers=teacher)
    assert client.get("/api/v1/student/me", headers=again).status_code == 401


def _csrf(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found is not None
    return found.group(1)


def test_student_pages_log_in_show_tests_and_log_out(client: TestClient,
                                                     session: Session) -> None:
    a = builders.tenant(session, "KURA-A")
    form = {"school_code": "KURA-A", "student_number": a.students[0].student_number,
            "class_code": a.room.access_code}
    assert client.get("/student", follow_redirects=False).headers["location"] == "/student/login"
    client.get("/student/login")
    forged = client.post("/student/login", data={**form, "csrf": "forged"},
                         follow_redirects=False)
    assert forged.headers["location"] == "/student/login?error=expired"
    csrf = _csrf(client.get("/student/login").text)
    wrong = client.post("/student/login", data={**form, "class_code": "ZZZZZZ", "csrf": csrf},
                        follow_redirects=False)
    assert wrong.headers["location"] == "/student/login?error=credentials"
    csrf = _csrf(client.get("/student/login").text)
    response = client.post("/student/login", data={**form, "csrf": csrf},
                           follow_redirects=False)
    assert response.headers["location"] == "/student"
    assert "HttpOnly" in response.headers["set-cookie"]
    page = client.get("/student").text
    assert "Kia ora, Mere" in page and "No tests assigned yet" in page
    assert client.get("/", follow_redirects=False).headers["location"] == "/login"
    client.post("/student/logout", data={"csrf": _csrf(page)})
    assert session.scalars(select(StudentSession)).all() == []
    assert client.get("/student", follow_redirects=False).status_code == 303


def test_staff_cookie_does_not_open_student_pages(client: TestClient, session: Session) -> None:
    a = builders.tenant(session, "KURA-A")
    client.cookies.set("kete_session", builders.cookie(session, a.teacher))
    assert client.get("/student", follow_redirects=False).headers["location"] == "/student/login"
    assert client.get("/", follow_redirects=False).status_code == 200
