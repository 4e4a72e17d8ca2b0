"""The demo school: loaded twice without duplicates, varied names, printed log-ins that work."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.people.demo import STAFF, load_demo_school
from app.people.models import ClassGroup, Staff, Student


def test_demo_school_is_idempotent_and_varied(session: Session) -> None:
    first = load_demo_school(session)
    counts = [session.scalar(select(func.count()).select_from(t)) for t in (Student, ClassGroup)]
    codes = sorted(session.scalars(select(ClassGroup.access_code)))
    assert load_demo_school(session) == first
    assert counts == [75, 3]
    assert [session.scalar(select(func.count()).select_from(t))
            for t in (Student, ClassGroup)] == counts
    assert sorted(session.scalars(select(ClassGroup.access_code))) == codes
    for room in session.scalars(select(ClassGroup)):
        assert len(room.students) == 25 and len(room.teachers) == 1
        assert len({s.ethnicity for s in room.students}) >= 3
        assert {s.year_level for s in room.students} <= set(range(5, 9))
    names = session.execute(select(Student.first_name, Student.last_name)).all()
    assert len(set(names)) == 75
    assert "Māori" in set(session.scalars(select(Student.ethnicity)))


def test_demo_lines_log_people_in(client: TestClient, session: Session) -> None:
    lines = "\n".join(load_demo_school(session))
    for email in ("leader@demo.kete.nz", "teacher@demo.kete.nz", "losa.teacher@demo.kete.nz"):
        assert email in lines
    shown = re.findall(r"(\d{5}) / ([a-z]+ [a-z]+ \d\d)", lines)
    assert len(shown) == 6 and "KETE-DEMO" in lines
    for number, password in shown[::2]:
        response = client.post("/api/v1/auth/student", json={
            "school_code": "KETE-DEMO", "student_number": number, "password": password})
        assert response.status_code == 200, response.text
    assert len({p for _, p in shown}) == 6  # every student has their own
    leader = next(a for a in STAFF if a[2] == "leader")
    login = client.post("/api/v1/auth/token", json={"email": leader[0], "password": leader[3]})
    assert login.status_code == 200
    assert session.scalar(select(Staff.school_id).where(Staff.email == leader[0])) is not None
