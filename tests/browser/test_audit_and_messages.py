"""A teacher gives a test and reads the one-time message; a school leader reads that in the
audit trail and filters it — in Chromium, each page checked by axe-core (0 violations)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest

from app import db
from tests.browser.axe import assert_accessible
from tests.browser.conftest import navigate, screenshot, staff_login
from tests.delivery import builders
from tests.people import builders as people

pytestmark = pytest.mark.browser


@dataclass
class School:
    url: str
    teacher: str
    leader: str
    class_id: int


@pytest.fixture(scope="module")
def seed(live_server: Callable[[], str]) -> School:
    with db.get_sessionmaker()() as session:
        builders.bank(session)
        world = people.tenant(session, "AUDIT")
        made = builders.form(session, staff=world.teacher, codes=builders.codes(12))
        made.name = "Week 3 number check"
        session.commit()
        return School(live_server(), world.teacher.email, world.leader.email, world.room.id)


def test_the_message_after_giving_a_test_and_the_audit_trail_are_accessible(  # type: ignore[no-untyped-def]
        seed: School, browser) -> None:
    context = browser.new_context(bypass_csp=True)  # lets axe's script run under the CSP
    page = context.new_page()
    staff_login(page, seed.url, seed.teacher, people.PASSWORD)
    page.goto(f"{seed.url}/classes/{seed.class_id}")
    chosen = page.locator("select#form_id option", has_text="Week 3 number check")
    page.get_by_label("Accepted test").select_option(chosen.get_attribute("value"))
    navigate(page, page.get_by_role("button", name="Give this test"))
    assert page.get_by_role("status").inner_text().startswith("Assigned: students see it")
    screenshot(page, "class-page-message")
    assert_accessible(page, "the class page with its one-time message")
    page.reload()
    assert page.get_by_role("status").count() == 0  # once: gone on reload
    page.goto(f"{seed.url}/classes/{seed.class_id}?message=Hacked")
    assert "Hacked" not in page.inner_text("main")
    context.close()

    context = browser.new_context(bypass_csp=True)
    page = context.new_page()
    staff_login(page, seed.url, seed.leader, people.PASSWORD)
    page.goto(f"{seed.url}/audit")
    table = page.get_by_role("table").inner_text()
    assert "Gave test ‘Week 3 number check’ to Room 1" in table
    assert "{" not in table and "/classes/" not in table
    screenshot(page, "audit")
    assert_accessible(page, "the audit trail")
    page.get_by_label("Show").select_option(label="Tests given")
    navigate(page, page.get_by_role("button", name="Show"))
    assert page.url.endswith("/audit?action=assignment.create")
    assert page.get_by_role("row").count() == 2  # the heading and the one test given
    assert_accessible(page, "the audit trail filtered by a kind of event")
    page.get_by_label("Show").select_option(label="Norms imported")
    navigate(page, page.get_by_role("button", name="Show"))
    assert "No events of this kind (Norms imported) yet." in page.inner_text("main")
    assert_accessible(page, "the audit trail with nothing of the kind chosen")
    context.close()
