"""Impact journeys in Chromium: a teacher chooses two tests (and is told plainly when they
cannot be compared), a leader drills down from the school to one student's record, and a
student hands in a test and lands on their own page."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

import pytest

from app import db
from app.db import utcnow
from app.delivery.models import Assignment
from app.people.security import hash_password
from tests.browser.conftest import navigate, screenshot, staff_login
from tests.delivery import builders as delivery
from tests.impact import builders
from tests.people import builders as people

pytestmark = pytest.mark.browser
PASSWORD = "pw-123456"


@dataclass
class Seed:
    url: str
    teacher: str
    leader: str
    student_number: str
    kid: str


@pytest.fixture(scope="module")
def seed(live_server: Callable[[], str]) -> Seed:
    with db.get_sessionmaker()() as session:
        world = builders.world(session, "JRN")
        builders.reading(session)
        t = world.tenant
        kids = builders.pupils(session, world, 7, year=6)
        first = builders.given(session, teacher=t.teacher, room=t.room,
                               on=builders.at(2026, 2, 16), name="Term 1 maths")
        second = builders.given(session, teacher=t.teacher, room=t.room,
                                on=builders.at(2026, 10, 12), name="Term 4 maths")
        story = builders.given(session, teacher=t.teacher, room=t.room,
                               on=builders.at(2026, 8, 3), name="Reading check",
                               subject="reading")
        kids += builders.pupils(session, world, 5, year=7, prefix="Y")
        for k, kid in enumerate([*t.students, *kids]):
            builders.scored(session, first, kid, 1420 + 9 * k)
            builders.scored(session, second, kid, 1455 + 10 * k)
            builders.scored(session, story, kid, 1400 + 4 * k)
        now = utcnow()
        live = delivery.form(session, staff=t.teacher, codes=delivery.codes(6))
        live.name = "Quick check"
        session.add(Assignment(form_id=live.id, class_id=t.room.id,
                                        school_id=t.school.id, opens_at=now - timedelta(hours=1),
                                        closes_at=now + timedelta(days=1), mode="screen"))
        for member in (t.teacher, t.leader):
            member.password_hash = hash_password(PASSWORD)
        session.commit()
        return Seed(live_server(), t.teacher.email, t.leader.email,
                    t.students[0].student_number, kids[0].first_name)


def test_a_teacher_chooses_two_tests(seed: Seed, browser) -> None:  # type: ignore[no-untyped-def]
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    staff_login(page, seed.url, seed.teacher, PASSWORD)
    navigate(page, page.get_by_role("link", name="Classes"))
    navigate(page, page.get_by_role("link", name="Room 1"))
    navigate(page, page.get_by_role("link", name="Progress: Term 1 maths → Term 4 maths"))
    assert page.locator(".d").first.inner_text().startswith("d = ")
    assert page.get_by_text("95% interval").first.is_visible()
    page.get_by_label("Later test").select_option(label="Reading check · 3 Aug 2026 · "
                                                        "14 scored")
    navigate(page, page.get_by_role("button", name="Show progress"))
    alert = page.get_by_role("alert")
    assert "cannot be compared" in alert.inner_text() and "reading" in alert.inner_text()
    screenshot(page, "impact-progress-refused")
    page.get_by_label("Earlier test").select_option(label="Term 4 maths · 12 Oct 2026 · "
                                                          "14 scored")
    page.get_by_label("Later test").select_option(label="Term 1 maths · 16 Feb 2026 · "
                                                        "14 scored")
    navigate(page, page.get_by_role("button", name="Show progress"))
    assert "choose the earlier test first" in page.get_by_role("alert").inner_text()
    page.close()


def test_a_leader_drills_down_to_a_student(seed: Seed, browser) -> None:  # type: ignore[no-untyped-def]
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    staff_login(page, seed.url, seed.leader, PASSWORD)
    navigate(page, page.get_by_role("link", name="Console"))
    page.get_by_label("Subject").select_option(label="Mathematics")
    navigate(page, page.get_by_role("button", name="Show"))
    assert "Leader's console" in page.content()
    screenshot(page, "impact-console")
    navigate(page, page.get_by_role("link", name="Year 6", exact=True))
    assert "Year 6" in page.locator(".kicker").text_content()
    navigate(page, page.get_by_role("link", name="Room 1", exact=True))
    assert "Students in Room 1" in page.content()
    navigate(page, page.get_by_role("link", name=f"{seed.kid} S"))
    assert page.get_by_text("Record over time").first.is_visible()
    assert page.locator("svg[role=img]").count() >= 2  # maths and reading growth lines
    screenshot(page, "impact-record")
    page.close()


def test_a_student_hands_in_and_sees_their_page(seed: Seed, browser) -> None:  # type: ignore[no-untyped-def]
    page = browser.new_page(viewport={"width": 1000, "height": 900})
    page.goto(f"{seed.url}/student/login")
    page.get_by_label("School code").fill("JRN")
    page.get_by_label("Student number").fill(seed.student_number)
    page.get_by_label("Password").fill(people.STUDENT_PASSWORD)
    navigate(page, page.get_by_role("button", name="Log in"))
    navigate(page, page.get_by_role("button", name="Start Quick check"))
    for radio in page.locator("#answers input[value=B]").all():
        radio.check()
    page.locator("#save-status", has_text="All answers saved").wait_for(timeout=15_000)
    navigate(page, page.get_by_role("button", name="Hand in my test"))
    assert "/student/results/" in page.url
    # scored by the job queue in a moment; the page refreshes itself until then
    page.get_by_role("heading", name="What went well").wait_for(timeout=60_000)
    assert page.get_by_role("heading", name="What to work on next").is_visible()
    assert page.locator("svg[role=img]").count() >= 1  # their own growth line
    screenshot(page, "impact-student-after-hand-in")
    page.close()
