"""A student's own pages: after hand-in, what went well and what next; their own growth line;
never another student's result."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.delivery.models import Result
from app.people import logins
from app.people.dependencies import STUDENT_COOKIE
from tests.impact import builders
from tests.people.conftest import cheap_hashing

__all__ = ["cheap_hashing"]
OUTCOMES = [("NA3-1", "Achieved", 1), ("NA3-1", "Achieved", 1), ("GM3-1", "To be achieved", 0)]


@pytest.fixture
def w(session: Session) -> builders.World:
    return builders.world(session)


def _results(session: Session, w: builders.World) -> tuple[Result, Result, Result]:
    t = w.tenant
    first = builders.given(session, teacher=t.teacher, room=t.room, on=builders.at(2026, 2, 16))
    second = builders.given(session, teacher=t.teacher, room=t.room,
                            on=builders.at(2026, 10, 12), name="Term 4 maths")
    mine = builders.scored(session, first, t.students[0], 1440)
    later = builders.scored(session, second, t.students[0], 1490)
    theirs = builders.scored(session, second, t.students[1], 1600)
    later.quadrants = [{"position": k, "item": f"Q{k:02d}", "objective": code,
                        "objective_text": f"Objective {code}", "strand": "NA",
                        "sublevel": "3P", "depth": "surface", "score": score, "max_score": 1,
                        "p_correct": 0.5, "difficulty": 1480.0 + k, "quadrant": quadrant}
                       for k, (code, quadrant, score) in enumerate(OUTCOMES, start=1)]
    session.flush()
    return mine, later, theirs


def _as_student(client: TestClient, session: Session, w: builders.World) -> None:
    token, _ = logins.start_student_session(session, student=w.tenant.students[0],
                                            kind="cookie")
    client.cookies.set(STUDENT_COOKIE, token)


def test_after_hand_in_a_student_sees_what_went_well_and_next(client: TestClient,
                                                              session: Session,
                                                              w: builders.World) -> None:
    _, later, theirs = _results(session, w)
    _as_student(client, session, w)
    page = client.get(f"/student/results/{later.sitting_id}")
    assert page.status_code == 200
    assert "What went well" in page.text and "Objective NA3-1" in page.text
    assert "What to work on next" in page.text and "Objective GM3-1" in page.text
    assert "<svg" in page.text and "1440" in page.text  # their own growth line and scores
    assert "Sione" not in page.text and "1600" not in page.text  # no one else's data
    assert 'action="/student/logout"' in page.text  # they can log out from here
    other = client.get(f"/student/results/{theirs.sitting_id}")
    assert other.status_code == 404 and "<html" in other.text
    mine = client.get("/student/results")
    assert mine.status_code == 200 and "Your mathematics over time" in mine.text


def test_staff_cannot_use_the_student_pages(client: TestClient, session: Session,
                                            w: builders.World) -> None:
    _, later, _ = _results(session, w)
    response = client.get(f"/student/results/{later.sitting_id}", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/student/login"


def test_one_result_draws_its_grey_band_and_its_date(client: TestClient, session: Session,
                                                     w: builders.World) -> None:
    t = w.tenant
    given = builders.given(session, teacher=t.teacher, room=t.room, on=builders.at(2026, 5, 4))
    builders.scored(session, given, t.students[0], 1460)
    _as_student(client, session, w)
    page = client.get("/student/results").text
    chart = page[page.index('id="mine-maths-t"'):].split("</svg>")[0]
    assert "the grey band" in page and 'fill="#555" fill-opacity="0.15"' in chart
    assert "May 2026" in chart  # the x axis names when
