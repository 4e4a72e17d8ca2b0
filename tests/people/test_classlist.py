"""Class lists from school management systems: all or nothing, row-level errors, re-import."""

from __future__ import annotations

from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.people.models import Student
from tests.people import builders
from tests.people.builders import Tenant

HEADER = "student_number,first_name,last_name,year_level,gender,ethnicity,class,teacher_email\n"


def _upload(client: TestClient, auth: dict[str, str], text: str, **params: str) -> Response:
    return client.post("/api/v1/classes/import", headers=auth,
                       params={"period": "2026", **params},
                       files={"file": ("classes.csv", text.encode(), "text/csv")})


def _good(a: Tenant) -> str:
    return HEADER + (
        f"3001,Ana,Lealaiauloto,6,F,Samoan,Room 8,{a.teacher.email}\n"
        f"3002,Hemi,Walker,6,M,Māori;NZ European,Room 8,{a.teacher.email}\n"
        "3002,Hemi,Walker,6,M,Māori;NZ European,Kapa haka,\n"
        f"3003,Jia,Chen,7,,Chinese,Room 9,{a.teacher.email};{a.other_teacher.email}\n")


def test_import_creates_students_classes_and_teachers(client: TestClient,
                                                      session: Session) -> None:
    a = builders.tenant(session, "KURA-A")
    leader = builders.bearer(session, a.leader)
    response = _upload(client, leader, _good(a))
    assert response.status_code == 200, response.text
    assert response.json()["counts"] == {
        "students_created": 3, "students_updated": 0, "students_unchanged": 0,
        "classes_created": 3, "memberships_added": 4, "teachers_added": 3}
    hemi = client.get("/api/v1/students", params={"q": "3002"}, headers=leader).json()[0]
    assert {c["name"] for c in hemi["classes"]} == {"Room 8", "Kapa haka"}
    assert hemi["ethnicity"] == "Māori;NZ European" and hemi["gender"] == "M"


def test_reimport_updates_and_never_duplicates(client: TestClient, session: Session) -> None:
    a = builders.tenant(session, "KURA-A")
    leader = builders.bearer(session, a.leader)
    _upload(client, leader, _good(a))
    again = _upload(client, leader, _good(a).replace("Jia,Chen,7", "Jia,Chen,8"))
    assert again.json()["counts"] == {
        "students_created": 0, "students_updated": 1, "students_unchanged": 2,
        "classes_created": 0, "memberships_added": 0, "teachers_added": 0}
    count = session.scalar(select(func.count()).select_from(Student).where(
        Student.school_id == a.school.id))
    assert count == 2 + 3


def test_bad_rows_are_all_listed_and_nothing_is_written(client: TestClient,
                                                        session: Session) -> None:
    a = builders.tenant(session, "KURA-A")
    b = builders.tenant(session, "KURA-B")
    text = HEADER + (
        "4001,Ana,Smith,six,,,Room 1,\n"
        "4002,,Brown,5,,,Room 1,\n"
        f"4003,Tui,Ngata,5,,,Room 1,{b.teacher.email}\n"
        "4004,Rawiri,Hohaia,5,,,Room 1,nobody@example.org\n"
        "4005,Mele,Taufa,5,,,Room 1,\n"
        "4005,Mele,Taufa,6,,,Room 2,\n"
        f"4006,Sam,Lee,5,,,,{a.teacher.email}\n")
    response = _upload(client, builders.bearer(session, a.leader), text)
    assert response.status_code == 422
    problems = {(p["row"], p["field"]) for p in response.json()["problems"]}
    assert problems == {("line 2", "year_level"), ("line 3", "first_name"),
                        ("line 4", "teacher_email"), ("line 5", "teacher_email"),
                        ("line 7", "student_number"), ("line 8", "class")}
    messages = {p["row"]: p["message"] for p in response.json()["problems"]}
    assert messages["line 4"].replace(b.teacher.email, "?") == messages["line 5"].replace(
        "nobody@example.org", "?")  # another school's teacher reads like no teacher
    assert session.scalar(select(func.count()).select_from(Student).where(
        Student.student_number.like("400%"))) == 0


def test_file_level_problems(client: TestClient, session: Session) -> None:
    a = builders.tenant(session, "KURA-A")
    leader = builders.bearer(session, a.leader)
    missing = _upload(client, leader, "student_number,first_name\n1,Ana\n")
    assert missing.json()["problems"] == [{"row": "line 1", "field": "last_name,year_level",
                                           "message": "required column(s) missing from the "
                                                      "header"}]
    binary = client.post("/api/v1/classes/import", headers=leader, params={"period": "2026"},
                         files={"file": ("x.csv", b"\xff\xfe\x00", "text/csv")})
    assert binary.json()["problems"][0]["message"] == "the file is not UTF-8 text"
    teacher = builders.bearer(session, a.teacher)
    assert _upload(client, teacher, _good(a)).status_code == 403
