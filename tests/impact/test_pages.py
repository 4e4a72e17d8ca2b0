"""Impact pages on scored results: record, progress (chosen, refused on the page, PDF), the
console (suppression, drill-down, targets) and groups."""

from __future__ import annotations

import html

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.people.dependencies import SESSION_COOKIE
from tests.impact import builders
from tests.people import builders as people
from tests.people.conftest import cheap_hashing

__all__ = ["cheap_hashing"]


@pytest.fixture
def w(session: Session) -> builders.World:
    world = builders.world(session)
    builders.reading(session)
    t = world.tenant
    kids = builders.pupils(session, world, 8, year=6)
    fives = builders.pupils(session, world, 3, year=5, prefix="F")  # too few to show
    first = builders.given(session, teacher=t.teacher, room=t.room, on=builders.at(2026, 2, 16),
                           name="Term 1 maths")
    second = builders.given(session, teacher=t.teacher, room=t.room,
                            on=builders.at(2026, 10, 12), name="Term 4 maths")
    story = builders.given(session, teacher=t.teacher, room=t.room, on=builders.at(2026, 8, 3),
                           name="Reading check", subject="reading")
    for k, kid in enumerate(kids + fives):
        builders.scored(session, first, kid, 1420 + 9 * k)
        builders.scored(session, second, kid, 1450 + 10 * k)
        builders.scored(session, story, kid, 1400 + 5 * k)
    world.ids = (first.id, second.id, story.id)  # type: ignore[attr-defined]
    world.kids = kids  # type: ignore[attr-defined]
    return world


def _login(client: TestClient, session: Session, staff: object) -> str:
    token, csrf = people.cookie_and_csrf(session, staff)  # type: ignore[arg-type]
    client.cookies.set(SESSION_COOKIE, token)
    return csrf


def test_progress_page_chooses_refuses_and_prints(client: TestClient, session: Session,
                                                  w: builders.World) -> None:
    first, second, story = w.ids  # type: ignore[attr-defined]
    _login(client, session, w.tenant.teacher)
    chooser = client.get("/progress", params={"class_id": w.tenant.room.id})
    assert chooser.status_code == 200 and "Earlier test" in chooser.text
    assert "Term 1 maths" in chooser.text and "Reading check" in chooser.text
    page = client.get("/progress", params={"from_assignment": first, "to_assignment": second})
    assert page.status_code == 200
    assert "d = " in page.text and "95% interval" in page.text and "Expected d" in page.text
    assert "Illustrative norms" in page.text and "not a national sample" in page.text
    assert "← Classes" in page.text and "PDF of this page" in page.text
    refused = client.get("/progress", params={"from_assignment": first, "to_assignment": story})
    assert refused.status_code == 422 and refused.headers["content-type"].startswith("text/html")
    assert "cannot be compared" in refused.text and "same subject" in refused.text
    backwards = client.get("/progress", params={"from_assignment": second,
                                                "to_assignment": first})
    assert backwards.status_code == 422 and "choose the earlier test first" in backwards.text
    pdf = client.get("/progress", params={"from_assignment": first, "to_assignment": second,
                                          "format": "pdf"})
    assert pdf.headers["content-type"] == "application/pdf" and pdf.content[:4] == b"%PDF"


def test_record_page_and_pdf(client: TestClient, session: Session, w: builders.World) -> None:
    _login(client, session, w.tenant.teacher)
    kid = w.kids[0]  # type: ignore[attr-defined]
    page = client.get(f"/students/{kid.id}")
    assert page.status_code == 200 and "Record over time" in page.text
    assert "Mathematics" in page.text and "Reading" in page.text and "<svg" in page.text
    assert f"/classes/{w.tenant.room.id}" in page.text  # back to the class
    assert client.get(f"/students/{kid.id}", params={"format": "pdf"}).content[:4] == b"%PDF"
    _login(client, session, w.tenant.other_teacher)
    missing = client.get(f"/students/{kid.id}")
    assert missing.status_code == 404 and "<html" in missing.text


def test_console_suppresses_small_groups_and_drills_down(client: TestClient, session: Session,
                                                         w: builders.World) -> None:
    _login(client, session, w.tenant.teacher)
    assert client.get("/console").status_code == 403
    csrf = _login(client, session, w.tenant.leader)
    page = client.get("/console", params={"subject": "maths", "year": 2026, "term": 4})
    assert page.status_code == 200 and "Term 4 2026" in page.text
    assert "Year 6" in page.text and "Fewer than 5 students" in page.text  # the three Year 5s
    assert "Illustrative norms" in page.text and "d = " in page.text
    year = client.get("/console", params={"subject": "maths", "year_level": 6})
    assert year.status_code == 200 and "By class" in year.text
    room = client.get("/console", params={"subject": "maths", "class_id": w.tenant.room.id})
    kid = w.kids[0]  # type: ignore[attr-defined]
    assert f"/students/{kid.id}" in room.text  # drill down to the student's record
    saved = client.post("/console/targets", data={
        "csrf": csrf, "subject": "maths", "year": 2026, "kind": "at_expected", "value": "80",
        "year_level": "6"}, follow_redirects=False)
    assert saved.headers["location"] == "/console?subject=maths#targets"
    assert "Target saved." in client.get(saved.headers["location"]).text
    page = client.get("/console", params={"subject": "maths"})
    assert "Year 6: 80% at or above the expected level" in page.text
    target_id = page.text.split('action="/console/targets/', 1)[1].split("/", 1)[0]
    removed = client.post(f"/console/targets/{target_id}/delete",
                          data={"csrf": csrf, "subject": "maths"}, follow_redirects=False)
    assert removed.status_code == 303, removed.text[:3000]
    assert removed.headers["location"] == "/console?subject=maths#targets"
    after = client.get(removed.headers["location"]).text
    assert ('<p role="status" class="notice">Target removed: Year 6: 80% at or above the '
            "expected level by the year&#39;s end (2026).</p>") in after
    assert "No targets for" in after
    assert client.get("/console", params={"format": "pdf"}).content[:4] == b"%PDF"


def test_a_teacher_makes_a_group_and_reads_its_progress(client: TestClient, session: Session,
                                                        w: builders.World) -> None:
    first, second, _ = w.ids  # type: ignore[attr-defined]
    csrf = _login(client, session, w.tenant.teacher)
    kids = w.kids[:5]  # type: ignore[attr-defined]
    made = client.post("/groups", data={"csrf": csrf, "name": "Tuesday group",
                                        "student_ids": [k.id for k in kids]})
    assert "Group 'Tuesday group' made with 5 students." in html.unescape(made.text)
    page = client.get("/groups")
    assert "Tuesday group" in page.text and "made with" not in page.text
    from app.impact.models import StudentGroup

    group = session.query(StudentGroup).one()
    report = client.get("/progress", params={"from_assignment": first, "to_assignment": second,
                                             "group_id": group.id})
    assert report.status_code == 200 and "Tuesday group: Term 1 maths" in report.text
    assert "5 students sat both" in report.text


def test_report_pages_have_navigation(client: TestClient, session: Session,
                                      w: builders.World) -> None:
    first, _, _ = w.ids  # type: ignore[attr-defined]
    _login(client, session, w.tenant.teacher)
    room = w.tenant.room.id
    report = client.get(f"/reports/assignments/{first}")
    assert report.status_code == 200
    assert f'href="/classes/{room}">← Class' in report.text
    assert f"/progress?class_id={room}" in report.text and "PDF of this page" in report.text
    from app.delivery.models import Sitting

    sitting = session.query(Sitting).filter(Sitting.assignment_id == first).first()
    assert sitting is not None
    pathway = client.get(f"/reports/sittings/{sitting.id}")
    assert pathway.status_code == 200 and "Record over time" in pathway.text
    assert f"/reports/assignments/{first}" in pathway.text and "PDF of this page" in pathway.text
