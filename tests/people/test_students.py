"""Students and classes through the API, student log-in (API and pages) and what it reaches."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.people.models import StudentSession
from tests.people import builders
from tests.people.builders import STUDENT_PASSWORD


def _student_token(client: TestClient, school: str, number: str,
                   password: str = STUDENT_PASSWORD) -> dict[str, str]:
    response = client.post("/api/v1/auth/student", json={
        "school_code": school, "student_number": number, "password": password})
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
    # moving a student into a class is a leader's act
    path = f"/api/v1/classes/{class_id}/students/{created.json()['id']}"
    assert client.put(path, headers=teacher).status_code == 403
    joined = client.put(path, headers=leader).json()
    assert [s["name"] for s in joined["students"]] == ["Wiremu Parata"]
    co = client.put(f"/api/v1/classes/{class_id}/teachers/{a.other_teacher.id}", headers=leader)
    assert len(co.json()["teachers"]) == 2
    # a teacher adds a new student straight into a class they teach, never elsewhere
    new = {**body, "student_number": "2002", "first_name": "Hana"}
    assert client.post("/api/v1/students", json=new, headers=teacher).status_code == 403
    assert client.post("/api/v1/students", json={**new, "class_id": a.other_room.id},
                       headers=teacher).status_code == 404
    added = client.post("/api/v1/students", json={**new, "class_id": class_id}, headers=teacher)
    assert added.status_code == 201 and added.json()["classes"][0]["id"] == class_id
    mine = client.get("/api/v1/classes", params={"mine": True}, headers=teacher).json()
    assert {c["name"] for c in mine} == {"Room 1", "Kākano"}
    assert client.delete(f"/api/v1/classes/{class_id}", headers=teacher).status_code == 204
    found = client.get("/api/v1/students", params={"q": "parata"}, headers=leader).json()
    assert [s["classes"] for s in found] == [[], []]
    # once the class is gone, its students are no longer the teacher's
    assert client.get("/api/v1/students", params={"q": "parata"}, headers=teacher).json() == []


def test_search_treats_percent_and_underscore_literally(client: TestClient,
                                                        session: Session) -> None:
    a = builders.tenant(session, "KURA-A")
    leader = builders.bearer(session, a.leader)
    for q, expected in (("%", 0), ("_", 0), ("\\", 0), ("tan", 1), ("KURA-A-", 2)):
        found = client.get("/api/v1/students", params={"q": q}, headers=leader).json()
        assert len(found) == expected, q


def test_student_logs_in_with_their_own_password_and_reaches_only_their_own_things(
        client: TestClient, session: Session) -> None:
    a = builders.tenant(session, "KURA-A")
    b = builders.tenant(session, "KURA-B")
    me = a.students[0]
    auth = _student_token(client, " ＫＵＲＡ-a ", me.student_number, "Kiwi-Moon 42")
    home = client.get("/api/v1/student/me", headers=auth).json()
    assert (home["first_name"], home["tests"]) == ("Mere", [])
    assert [c["name"] for c in home["classes"]] == ["Room 1"]
    for path in ("/api/v1/auth/me", "/api/v1/items", f"/api/v1/students/{me.id}",
                 f"/api/v1/students/{a.students[1].id}", f"/api/v1/classes/{a.room.id}"):
        assert client.get(path, headers=auth).status_code == 403, path
    for school, number, password in [("KURA-A", me.student_number, "kiwi moon 43"),
                                     ("KURA-B", me.student_number, STUDENT_PASSWORD),
                                     ("KURA-A", b.students[0].student_number, STUDENT_PASSWORD),
                                     ("KURA-A", "nobody", STUDENT_PASSWORD)]:
        refused = client.post("/api/v1/auth/student", json={
            "school_code": school, "student_number": number, "password": password})
        assert refused.status_code == 401
        assert refused.json()["detail"] == "School code, student number or password is not right."


def test_a_classmates_number_with_the_class_code_does_not_log_in(
        client: TestClient, session: Session) -> None:
    a = builders.tenant(session, "KURA-A")
    classmate = a.students[1]
    old_style = {"school_code": "KURA-A", "student_number": classmate.student_number,
                 "class_code": a.room.access_code}
    assert client.post("/api/v1/auth/student", json=old_style).status_code == 422
    as_password = {"school_code": "KURA-A", "student_number": classmate.student_number,
                   "password": a.room.access_code}
    assert client.post("/api/v1/auth/student", json=as_password).status_code == 401
    client.get("/student/login")
    csrf = client.cookies.get("kete_student_login_csrf")
    page = client.post("/student/login", data={**as_password, "csrf": csrf},
                       follow_redirects=False)
    assert page.headers["location"] == "/student/login?error=credentials"


def test_a_student_without_a_password_cannot_log_in(client: TestClient,
                                                    session: Session) -> None:
    a = builders.tenant(session, "KURA-A")
    a.students[0].password_hash = None
    session.flush()
    assert client.post("/api/v1/auth/student", json={
        "school_code": "KURA-A", "student_number": a.students[0].student_number,
        "password": ""}).status_code == 401


def test_class_code_only_opens_the_class_log_in_page(client: TestClient,
                                                    session: Session) -> None:
    a = builders.tenant(session, "KURA-A")
    page = client.get("/student/login", params={"class": a.room.access_code.lower()}).text
    assert "Room 1" in page and 'value="KURA-A"' in page
    teacher, old = builders.bearer(session, a.teacher), a.room.access_code
    new = client.post(f"/api/v1/classes/{a.room.id}/access-code", headers=teacher).json()
    assert new["access_code"] != old
    assert "Room 1" not in client.get("/student/login", params={"class": old}).text
    other = builders.bearer(session, a.other_teacher)
    assert client.post(f"/api/v1/classes/{a.room.id}/access-code",
                       headers=other).status_code == 404


def _csrf(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found is not None
    return found.group(1)


def test_student_pages_log_in_show_tests_and_log_out(client: TestClient,
                                                     session: Session) -> None:
    a = builders.tenant(session, "KURA-A")
    form = {"school_code": "KURA-A", "student_number": a.students[0].student_number,
            "password": STUDENT_PASSWORD}
    assert client.get("/student", follow_redirects=False).headers["location"] == "/student/login"
    client.get("/student/login")
    forged = client.post("/student/login", data={**form, "csrf": "forged"},
                         follow_redirects=False)
    assert forged.headers["location"] == "/student/login?error=expired"
    csrf = _csrf(client.get("/student/login").text)
    wrong = client.post("/student/login", data={**form, "password": "ZZZZZZ", "csrf": csrf},
                        follow_redirects=False)
    assert wrong.headers["location"] == "/student/login?error=credentials"
    csrf = _csrf(client.get("/student/login").text)
    response = client.post("/student/login", data={**form, "csrf": csrf},
                           follow_redirects=False)
    assert response.headers["location"] == "/student"
    assert "HttpOnly" in response.headers["set-cookie"]
    page = client.get("/student").text
    assert "Kia ora, Mere" in page and "No tests assigned yet" in page
    # a hand-in lands on the results page; a link cannot make the home page say one happened
    assert "handed in" not in client.get("/student?done=1").text
    assert client.get("/", follow_redirects=False).headers["location"] == "/login"
    assert client.post("/student/logout", data={"csrf": "forged"}).status_code == 403
    assert client.get("/student", follow_redirects=False).status_code == 200
    client.post("/student/logout", data={"csrf": _csrf(page)})
    assert session.scalars(select(StudentSession)).all() == []
    assert client.get("/student", follow_redirects=False).status_code == 303


def test_staff_cookie_does_not_open_student_pages(client: TestClient, session: Session) -> None:
    a = builders.tenant(session, "KURA-A")
    client.cookies.set("kete_session", builders.cookie(session, a.teacher))
    assert client.get("/student", follow_redirects=False).headers["location"] == "/student/login"
    assert client.get("/", follow_redirects=False).status_code == 200
