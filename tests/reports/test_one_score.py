"""One sitting shows one score on every page and in the API, whichever calibration scored it."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.people import logins
from app.people.dependencies import SESSION_COOKIE, STUDENT_COOKIE
from tests.impact import builders
from tests.people import builders as people
from tests.people.conftest import cheap_hashing

__all__ = ["cheap_hashing"]


@pytest.fixture
def w(session: Session) -> builders.World:
    return builders.world(session)


def test_a_sitting_shows_one_score_to_the_student_and_the_teacher(
        client: TestClient, session: Session, w: builders.World) -> None:
    t = w.tenant
    given = builders.given(session, teacher=t.teacher, room=t.room, on=builders.at(2026, 3, 2))
    # stored 1447.3 on the free metric (θ -0.527): 1500 + 100·(0.8·θ + 0.3) = 1487.8 on the
    # scale, as the student's own pages have it through the links
    result = builders.scored(session, given, t.students[0], 1447.3,
                             calibration_id=builders.recalibrated(session, w))
    expected = "1488"
    token, _ = logins.start_student_session(session, student=t.students[0], kind="cookie")
    client.cookies.set(STUDENT_COOKIE, token)
    student = client.get(f"/student/results/{result.sitting_id}")
    assert student.status_code == 200 and expected in student.text
    client.cookies.clear()
    client.cookies.set(SESSION_COOKIE, people.cookie(session, t.teacher))
    pathway = client.get(f"/reports/sittings/{result.sitting_id}")
    report = client.get(f"/reports/assignments/{given.id}")
    for page in (pathway, report):
        assert page.status_code == 200, page.text
        assert expected in page.text
        assert not re.search(r"\b1447\b", page.text)  # the free metric's number is not shown
    client.cookies.clear()
    api = client.get(f"/api/v1/sittings/{result.sitting_id}/result",
                     headers=people.bearer(session, t.teacher))
    assert api.status_code == 200, api.text
    assert api.json()["scale_score"] == pytest.approx(1487.8, abs=0.05)
    assert session.get(type(result), result.id).scale_score == 1447.3  # the row is unchanged
