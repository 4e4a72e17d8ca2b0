"""A teacher logs in, builds a test in the wizard, reads what differs from the request, sees the
questions as students will (and the answers), swaps one, accepts it and gives it to their class
— in Chromium."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from app import db
from app.itembank import curricula
from app.itembank import service as items
from app.itembank.schemas import ItemCreate
from app.people import service as people
from tests.assembly.test_service import _bank
from tests.browser.axe import assert_accessible
from tests.browser.conftest import navigate, screenshot, staff_login
from tests.factories import item_data
from tests.people import builders

pytestmark = pytest.mark.browser

READING = {"subject": {"code": "reading", "name": "Reading"},
           "levels": [{"code": "3P", "level": 3, "sublevel": "P", "rank": 4}],
           "strands": [{"code": "FI", "name": "Finding information"}],
           "objectives": [{"code": "FI3-1", "strand": "FI", "level": 3, "text": "Find it."}]}


@pytest.fixture(scope="module")
def seeded(live_server: Callable[[], str]) -> str:
    with db.get_sessionmaker()() as session:
        _bank(session)
        curricula.load_framework(session, curricula.Framework.model_validate(READING))
        for k in range(3):
            items.create(session, data=ItemCreate.model_validate(item_data(
                f"AT-{k}", kind="attitude", strand=None, objective=None, sublevel=None,
                solo=None, response_type="likert", attitude_scale="maths-enjoyment",
                stem_html=f"<p>I like maths ({k}).</p>", max_score=3,
                options=[{"id": i, "html": i} for i in "ABCD"],
                key={"scores": {"A": 0, "B": 1, "C": 2, "D": 3}}, expected_time_s=10)))
        school = people.get_or_create_school(session, code="S1", name="Test School")
        teacher = people.create_staff(session, email="t@school.nz", name="Tama Teacher",
                                      role="teacher", password="pw-123456", school=school)
        builders.group(session, school, "Room 12", teachers=[teacher])
        session.commit()
    return live_server()


def _choose(page, name: str, weight: str) -> None:  # type: ignore[no-untyped-def]
    page.get_by_role("radiogroup", name=name).get_by_label(weight, exact=True).check()


def test_teacher_builds_swaps_accepts_and_gives_a_test(seeded: str, browser) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(bypass_csp=True,  # lets axe's script run under the CSP
                                  viewport={"width": 1200, "height": 900})
    page = context.new_page()
    staff_login(page, seeded, "t@school.nz", "pw-123456")
    navigate(page, page.get_by_role("link", name="Tests"))
    navigate(page, page.get_by_role("link", name="Build a new test").first)
    page.get_by_label("Test name").fill("Week 5 number check")
    page.get_by_label("Subject").select_option("maths")
    # only the chosen subject's choices show: Reading's are hidden while Mathematics is chosen
    assert page.locator("fieldset.subject-maths").first.is_visible()
    assert not page.locator("fieldset.subject-reading").first.is_visible()
    _choose(page, "Level 3", "most")
    _choose(page, "Level 4", "some")
    page.locator("#expected-maths").select_option(label="3P (Level 3, proficient)")
    page.locator("#attitude-maths").select_option("maths")
    page.get_by_label("Time available (minutes)").fill("20")
    screenshot(page, "teacher-test-wizard")
    assert_accessible(page, "the wizard")
    navigate(page, page.get_by_role("button", name="Build the test"))
    screenshot(page, "teacher-test-preview")
    assert page.get_by_role("heading", name="Week 5 number check").is_visible()
    assert "Attitude: 3 statements" in page.inner_text("main")
    assert_accessible(page, "the test preview")
    # the questions as students see them, with the answer for the teacher
    first = page.locator("li.preview-item").first
    assert "What is 7 + 5?" in first.inner_text() and "Answer (for you): B (12)" in \
        first.inner_text()
    codes = [c.split(" · ")[1] for c in
             page.locator("li.preview-item .meta-line").all_inner_texts()]
    navigate(page, page.get_by_role("button", name=f"Swap question 3 ({codes[2]})"))
    status = page.get_by_role("status").inner_text()
    assert f"out of question 3, {codes[2]} (" in status and "in, as question 3, " in status
    after = [c.split(" · ")[1] for c in
             page.locator("li.preview-item .meta-line").all_inner_texts()]
    assert codes[2] not in after
    assert [c for c in after if c in codes] == [c for c in codes if c != codes[2]]  # order kept
    assert after[2] not in codes  # the new question takes the old one's place
    screenshot(page, "teacher-test-swapped")
    navigate(page, page.get_by_role("button", name="Accept this test"))
    assert page.locator("main p strong").first.inner_text() == "accepted"
    assert page.get_by_role("button", name="Swap").count() == 0  # fixed once accepted
    navigate(page, page.get_by_role("link", name="Give to Room 12"))
    assert page.get_by_label("Accepted test").input_value() == page.url.split("form_id=")[1] \
        .split("#")[0]
    assert page.get_by_label("Time limit once started (minutes; empty for none)") \
        .input_value() == "20"  # the time the test was built for
    screenshot(page, "teacher-give-test")
    assert_accessible(page, "the class page's Give a test")
    navigate(page, page.get_by_role("button", name="Give this test"))
    assert "Assigned" in page.get_by_role("status").inner_text()
    row = page.get_by_role("row").filter(has_text="Week 5 number check")
    assert "20 minutes" in row.inner_text()
    screenshot(page, "teacher-class-assigned")
    context.close()


def test_impossible_request_explains_itself_in_the_wizards_words(seeded: str, browser) -> None:  # type: ignore[no-untyped-def]
    page = browser.new_page()
    staff_login(page, seeded, "t@school.nz", "pw-123456")
    page.goto(f"{seeded}/tests/new")
    page.get_by_label("Test name").fill("All deep")
    page.get_by_label("Subject").select_option("maths")
    _choose(page, "Level 3", "most")
    page.get_by_label("Deep (relational / extended abstract) items").fill("100")
    navigate(page, page.get_by_role("button", name="Build the test"))
    alert = page.get_by_role("alert").inner_text()
    assert alert.startswith("No test could be built as asked")
    assert "deep questions" in alert.lower() and "%" in alert and "Try:" in alert
    for engineer in ("surface/deep", "minimum", "maximum", "seconds", "(got"):
        assert engineer not in alert
    # the wizard comes back as the teacher left it
    assert page.get_by_role("radiogroup", name="Level 3").get_by_label("most", exact=True) \
        .is_checked()
    screenshot(page, "teacher-test-impossible")


def test_levels_apart_are_said_plainly(seeded: str, browser) -> None:  # type: ignore[no-untyped-def]
    page = browser.new_page()
    staff_login(page, seeded, "t@school.nz", "pw-123456")
    page.goto(f"{seeded}/tests/new")
    page.get_by_label("Test name").fill("Apart")
    _choose(page, "Level 3", "none")
    _choose(page, "Level 2", "most")
    _choose(page, "Level 4", "some")
    navigate(page, page.get_by_role("button", name="Build the test"))
    alert = page.get_by_role("alert").inner_text()
    assert "next to each other (you chose Level 2 and Level 4)" in alert
    assert "[" not in alert
