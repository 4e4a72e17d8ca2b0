"""Setting up the burst through the API, as a school would: a class list imported by a
leader, a test built, accepted and given to that class by its teacher."""

from __future__ import annotations

import csv
import io
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx


class SetupError(Exception):
    """The server refused a set-up step; the message says which and why."""


@dataclass(frozen=True)
class Staff:
    email: str
    password: str


@dataclass
class Cohort:
    """An imported class with a test given to it; ``logins`` are the students' log-in
    bodies for ``POST /api/v1/auth/student``."""

    class_id: int
    assignment_id: int
    form_items: int
    logins: list[dict[str, str]]
    teacher_headers: dict[str, str]


def _check(response: httpx.Response, step: str) -> Any:
    if response.status_code >= 400:
        raise SetupError(f"{step}: HTTP {response.status_code} {response.text[:500]}")
    return response.json() if response.content else None


def staff_token(http: httpx.Client, who: Staff) -> dict[str, str]:
    body = _check(http.post("/api/v1/auth/token", json={"email": who.email,
                                                          "password": who.password}),
                  f"log-in of {who.email}")
    return {"Authorization": f"Bearer {body['access_token']}"}


def class_list(size: int, tag: str, teacher_email: str) -> bytes:
    """A class list CSV of ``size`` made-up students in one class called ``Bench {tag}``."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["student_number", "first_name", "last_name", "year_level", "class",
                     "teacher_email"])
    for n in range(1, size + 1):
        writer.writerow([f"B{tag}-{n:04d}", f"Student{n}", f"Bench{tag}", 7 + n % 2,
                         f"Bench {tag}", teacher_email])
    return out.getvalue().encode()


def import_cohort(http: httpx.Client, *, leader: Staff, teacher: Staff, size: int,
                  tag: str) -> tuple[int, str, list[str]]:
    """Import the class list; returns (class id, school code, student numbers)."""
    headers = staff_token(http, leader)
    _check(http.post("/api/v1/classes/import", params={"period": f"bench-{tag}"},
                     headers=headers,
                     files={"file": ("classlist.csv", class_list(size, tag, teacher.email),
                                     "text/csv")}), "class-list import")
    found = _check(http.get("/api/v1/classes", params={"period": f"bench-{tag}"},
                            headers=headers), "finding the imported class")
    room = next((c for c in found if c["name"] == f"Bench {tag}"), None)
    if room is None:
        raise SetupError("the imported class is not in the leader's class list")
    numbers = [f"B{tag}-{n:04d}" for n in range(1, size + 1)]
    return int(room["id"]), str(room["school"]), numbers


def student_logins(http: httpx.Client, *, headers: dict[str, str], class_id: int,
                   school: str, numbers: list[str]) -> list[dict[str, str]]:
    """What each student types to log in (school code, student number, their password), from
    the class's ``logins.csv`` — which sets fresh passwords, as a teacher printing the
    class's log-in cards does."""
    response = http.get(f"/api/v1/classes/{class_id}/logins.csv", headers=headers)
    if response.status_code >= 400:
        raise SetupError(f"the class's log-ins: HTTP {response.status_code} "
                         f"{response.text[:500]}")
    passwords = {row["student_number"]: row["password"]
                 for row in csv.DictReader(io.StringIO(response.text))}
    missing = [n for n in numbers if n not in passwords]
    if missing:
        raise SetupError(f"logins.csv has no password for {len(missing)} student(s), "
                         f"e.g. {missing[0]}")
    return [{"school_code": school, "student_number": n, "password": passwords[n]}
            for n in numbers]


def give_test(http: httpx.Client, *, headers: dict[str, str], class_id: int, items: int,
              subject: str, tag: str) -> tuple[int, int]:
    """Build, accept and assign a test of ``items`` items; returns (assignment id, items)."""
    form = _check(http.post("/api/v1/forms", headers=headers, json={
        "name": f"Bench {tag}", "subject": subject, "item_count": items,
        "levels": {"3": "most", "4": "some"}, "strands": {"NA": "most", "GM": "some"},
        "expected_level": "mostly 3P", "mode": "screen", "class_id": class_id}),
        "building the test")
    _check(http.post(f"/api/v1/forms/{form['id']}/accept", headers=headers), "accepting it")
    now = datetime.now(UTC)
    given = _check(http.post("/api/v1/assignments", headers=headers, json={
        "form_id": form["id"], "class_id": class_id,
        "opens_at": (now - timedelta(minutes=5)).isoformat(),
        "closes_at": (now + timedelta(days=1)).isoformat(), "time_limit_minutes": 60}),
        "giving it to the class")
    return int(given["id"]), len(form["items"])


def prepare(base_url: str, *, leader: Staff, teacher: Staff, size: int, items: int,
            subject: str, timeout: float) -> Cohort:
    """Import a class of ``size`` students and give it a test of ``items`` items."""
    tag = time.strftime("%m%d%H%M%S")
    step = "importing the class list"
    try:
        with httpx.Client(base_url=base_url, timeout=timeout) as http:
            class_id, school, numbers = import_cohort(http, leader=leader, teacher=teacher,
                                                      size=size, tag=tag)
            step = "setting the students' passwords (logins.csv)"
            headers = staff_token(http, teacher)
            logins = student_logins(http, headers=headers, class_id=class_id, school=school,
                                    numbers=numbers)
            step = "building and giving the test"
            assignment_id, n_items = give_test(http, headers=headers, class_id=class_id,
                                               items=items, subject=subject, tag=tag)
    except httpx.TimeoutException:
        raise SetupError(f"{step}: no answer within {timeout:.0f} s") from None
    return Cohort(class_id, assignment_id, n_items, logins, headers)
