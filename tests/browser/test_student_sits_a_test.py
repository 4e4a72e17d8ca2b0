"""A student sits a test in Chromium: reloads mid-test and loses the network for a while,
and every answer arrives once; then the teacher opens the class report and the pathway."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app import db
from app.delivery.models import Answer, Result, Sitting
from app.people.security import hash_password
from tests.browser.conftest import navigate, screenshot, staff_login
from tests.delivery import builders
from tests.people import builders as people

pytestmark = pytest.mark.browser


@dataclass
class Seed:
    url: str
    student_number: str
    item_ids: list[int]
    teacher_email: str
    class_id: int


@pytest.fixture(scope="module")
def seed(live_server: Callable[[], str]) -> Seed:
    with db.get_sessionmaker()() as session:
        builders.bank(session)
        world = people.tenant(session, "BRW")
        given = builders.assigned(session, teacher=world.teacher, room=world.room,
                                  codes=builders.codes(8), minutes=30)
        world.teacher.password_hash = hash_password("pw-123456")
        session.commit()
        return Seed(live_server(), world.students[0].student_number,
                    [fi.item_id for fi in given.form.items], world.teacher.email,
                    world.room.id)


def _answer(page, item_id: int, option: str) -> None:  # type: ignore[no-untyped-def]
    page.locator(f"#item-{item_id} input[value={option}]").check()


def _wait_saved(page) -> None:  # type: ignore[no-untyped-def]
    # a selector, not a JavaScript string: the page's CSP allows no eval, for tests too
    page.locator("#save-status", has_text="All answers saved").wait_for(timeout=15_000)


def test_student_sits_then_the_teacher_reads_the_reports(seed: Seed, browser) -> None:  # type: ignore[no-untyped-def]
    """One story in one test (xdist may not split it): the sitting, then the reports."""
    _sit_the_test(seed, browser)
    _read_the_reports(seed, browser)


def _sit_the_test(seed: Seed, browser) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 1100, "height": 900})
    page = context.new_page()
    page.goto(f"{seed.url}/student/login")
    page.get_by_label("School code").fill("BRW")
    page.get_by_label("Student number").fill(seed.student_number)
    page.get_by_label("Password").fill(people.STUDENT_PASSWORD.upper())  # case does not count
    navigate(page, page.get_by_role("button", name="Log in"))
    navigate(page, page.get_by_role("button", name="Start Number check"))
    assert page.locator("#answers").count() == 1, f"no player: {page.url} {page.content()[:3000]}"
    items = seed.item_ids
    for item in items[:3]:
        _answer(page, item, "B")
    _wait_saved(page)
    page.reload()
    for item in items[:3]:  # saved answers come back from the server
        assert page.locator(f"#item-{item} input[value=B]").is_checked()
    context.set_offline(True)
    for item in items[3:6]:
        _answer(page, item, "B")
    _answer(page, items[3], "C")  # a change of mind while offline
    page.locator("#save-status", has_text="Not saved yet").wait_for(timeout=15_000)
    screenshot(page, "student-offline")
    context.set_offline(False)
    _wait_saved(page)
    for item in items[6:-1]:
        _answer(page, item, "A")
    # the last one by keyboard alone: focus its first option, arrow to the next, flag it
    page.locator(f"#item-{items[-1]} input[type=radio]").first.focus()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Tab")
    page.keyboard.press("Space")
    _wait_saved(page)
    asked: list[str] = []  # the flagged question makes the player ask before handing in
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    navigate(page, page.get_by_role("button", name="Hand in my test"))
    assert asked and "flagged" in asked[0]
    screenshot(page, "student-handed-in")
    with db.get_sessionmaker()() as session:
        sitting = wait_scored(session)
        answers = {a.item_id: a.response for a in session.scalars(
            select(Answer).where(Answer.sitting_id == sitting.id))}
        count = session.scalar(select(func.count()).select_from(Answer).where(
            Answer.sitting_id == sitting.id, Answer.item_id.in_(items)))
        assert sitting.status == "scored" and count == len(items)  # each exactly once
        assert answers[items[3]] == "C" and answers[items[0]] == "B" and answers[items[6]] == "A"
        last = session.scalar(select(Answer).where(Answer.sitting_id == sitting.id,
                                                   Answer.item_id == items[-1]))
        assert last is not None and last.response == "B" and last.flagged  # keyboard only
        assert session.scalar(select(Result).where(Result.sitting_id == sitting.id))
    context.close()


def wait_scored(session: Session, seconds: float = 60) -> Sitting:
    """The one sitting, once its scoring job (queued by the hand-in) has scored it."""
    deadline = time.monotonic() + seconds
    while True:
        sitting = session.scalars(select(Sitting).execution_options(
            populate_existing=True)).one()
        if sitting.status == "scored" or time.monotonic() > deadline:
            return sitting
        session.rollback()
        time.sleep(0.1)


def _read_the_reports(seed: Seed, browser) -> None:  # type: ignore[no-untyped-def]
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    staff_login(page, seed.url, seed.teacher_email, "pw-123456")
    navigate(page, page.get_by_role("link", name="Classes"))
    navigate(page, page.get_by_role("link", name="Room 1"))
    navigate(page, page.get_by_role("link", name="Class report").first)
    assert "Mere Tane" in page.content()
    screenshot(page, "teacher-class-report")
    page.go_back()
    navigate(page, page.get_by_role("link", name="Learning pathway").first)
    assert page.get_by_text("What next").first.is_visible()
    screenshot(page, "teacher-learning-pathway")
