"""A teacher logs in, builds a test in the wizard, swaps an item, accepts it and gives it to
their class — in Chromium."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from app import db
from app.people import service as people
from tests.assembly.test_service import _bank
from tests.browser.conftest import navigate, screenshot, staff_login
from tests.people import builders

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def seeded(live_server: Callable[[], str]) -> str:
    with db.get_sessionmaker()() as session:
        _bank(session)
        school = people.get_or_create_school(session, code="S1", name="Test School")
        teacher = people.create_staff(session, email="t@school.nz", name="Tama Teacher",
                                      role="teacher", password="pw-123456", school=school)
        builders.group(session, school, "Room 12", teachers=[teacher])
        session.commit()
    return live_server()


def test_teacher_builds_swaps_and_accepts_a_test(seeded: str, browser) -> None:  # type: ignore[no-untyped-def]
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    staff_login(page, seeded, "t@school.nz", "pw-123456")
    navigate(page, page.get_by_role("link", name="Tests"))
    navigate(page, page.get_by_role("link", name="Build a new test").first)
    page.get_by_label("Test name").fill("Week 5 number check")
    page.get_by_label("Subject").select_option("maths")
    page.locator("select[name=level_3]").select_option("most")
    page.locator("select[name=level_4]").select_option("some")
    page.get_by_label("Time available (minutes)").fill("20")
    navigate(page, page.get_by_role("button", name="Build the test"))
    screenshot(page, "teacher-test-preview")
    assert page.get_by_role("heading", name="Week 5 number check").is_visible()
    first = page.locator("table.list tbody tr").first.locator("td").nth(1).inner_text()
    navigate(page, page.get_by_role("button", name=f"Swap item {first.split()[0]}"))
    assert "Swapped" in page.locator("[role=status]").inner_text()
    codes = page.locator("table.list tbody tr td:nth-child(2)").all_inner_texts()
    assert first.split()[0] not in [c.split()[0] for c in codes]
    navigate(page, page.get_by_role("button", name="Accept this test"))
    assert page.locator("main p strong").first.inner_text() == "accepted"
    assert page.get_by_role("button", name="Swap item").count() == 0  # fixed once accepted
    screenshot(page, "teacher-test-accepted")
    navigate(page, page.get_by_role("link", name="Classes"))
    navigate(page, page.get_by_role("link", name="Room 12"))
    page.get_by_label("Accepted test").select_option(label=page.locator(
        "#form_id option").first.inner_text())
    page.get_by_label("Time limit once started (minutes; empty for none)").fill("30")
    navigate(page, page.get_by_role("button", name="Give this test"))
    assert "Assigned" in page.get_by_role("status").inner_text()
    assert page.get_by_role("cell", name="Week 5 number check").is_visible()
    screenshot(page, "teacher-class-assigned")


def test_impossible_request_explains_itself(seeded: str, browser) -> None:  # type: ignore[no-untyped-def]
    page = browser.new_page()
    staff_login(page, seeded, "t@school.nz", "pw-123456")
    page.goto(f"{seeded}/tests/new")
    page.get_by_label("Test name").fill("All deep")
    page.get_by_label("Subject").select_option("maths")
    page.locator("select[name=level_3]").select_option("most")
    page.get_by_label("Deep (relational / extended abstract) items, % of the test").fill("100")
    navigate(page, page.get_by_role("button", name="Build the test"))
    alert = page.get_by_role("alert")
    assert "No test could be built" in alert.inner_text()
    assert "deep" in alert.inner_text().lower()
    screenshot(page, "teacher-test-impossible")
