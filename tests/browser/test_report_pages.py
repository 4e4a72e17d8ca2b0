"""The teacher's pages and reports in Chromium, checked by axe-core (0 violations), with a
screenshot of each: home, classes, the class page, the class report, a learning pathway and
the progress report."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

import pytest

from app import db
from app.delivery import sittings
from app.delivery.models import Assignment
from app.delivery.schemas import AnswerSave
from app.people.security import hash_password
from tests.browser.axe import assert_accessible, violations
from tests.browser.conftest import screenshot, staff_login
from tests.delivery import builders
from tests.people import builders as people

pytestmark = pytest.mark.browser


@dataclass
class Reports:
    url: str
    teacher_email: str
    class_id: int
    pre: int
    post: int
    sitting_id: int


def _sit_all(session, world, right: int) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    given = builders.assigned(session, teacher=world.teacher, room=world.room,
                              codes=builders.codes(20))
    first = 0
    for k, student in enumerate(world.students):
        sitting = sittings.start(session, student=student, assignment_id=given.assignment.id)
        for seq, fi in enumerate(given.form.items, start=1):
            sittings.save_answer(session, sitting=sitting, data=AnswerSave.model_validate({
                "client_id": f"{sitting.id}-{seq}", "seq": seq, "item_id": fi.item_id,
                "response": "B" if seq <= right + 3 * k else "A", "time_s": 25}))
        sittings.submit(session, sitting=sitting)
        first = first or sitting.id
    return given.assignment.id, first


@pytest.fixture(scope="module")
def seed(live_server: Callable[[], str]) -> Reports:
    with db.get_sessionmaker()() as session:
        builders.bank(session)
        world = people.tenant(session, "AXE")
        pre, _ = _sit_all(session, world, right=6)
        post, sitting_id = _sit_all(session, world, right=10)
        earlier = session.get(Assignment, pre)
        assert earlier is not None
        earlier.opens_at = earlier.opens_at - timedelta(days=90)  # progress needs time between
        earlier.form.name = ("Term 2 number knowledge and strategies, fractions, decimals and "
                             "percentages for the whole of Year 6 and Year 7 (long name)")
        world.teacher.password_hash = hash_password("pw-123456")
        session.commit()
        return Reports(live_server(), world.teacher.email, world.room.id, pre, post,
                       sitting_id)


def test_teacher_pages_and_reports_have_no_axe_violations(seed: Reports, browser) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(bypass_csp=True)  # lets axe's script run under the CSP
    page = context.new_page()
    page.set_content('<html lang="en"><title>t</title><main><img src="x.png"></main></html>')
    assert "image-alt" in {v["rule"] for v in violations(page)}  # the check can fail
    failed: list[str] = []  # no page asks for something missing (headless Chromium does not
    # show its own /favicon.ico request here; tests/test_errors.py checks that one)
    page.on("response", lambda r: failed.append(r.url) if r.status >= 400 else None)
    staff_login(page, seed.url, seed.teacher_email, "pw-123456")
    pages = {"home": "/", "classes": "/classes", "class page": f"/classes/{seed.class_id}",
             "class report": f"/reports/assignments/{seed.post}",
             "learning pathway": f"/reports/sittings/{seed.sitting_id}",
             "progress report": f"/progress?class_id={seed.class_id}&from_assignment="
                                f"{seed.pre}&to_assignment={seed.post}"}
    for name, path in pages.items():
        response = page.goto(seed.url + path)
        assert response is not None and response.status == 200, (name, response)
        screenshot(page, f"axe-{name.replace(' ', '-')}")
        assert_accessible(page, name)
    assert failed == []
    context.close()


def test_the_give_a_test_form_fits_its_card(seed: Reports, browser) -> None:  # type: ignore[no-untyped-def]
    """A long test name, the dates and the minutes stay inside the card, wide or narrow."""
    for width in (1200, 800):
        context = browser.new_context(viewport={"width": width, "height": 900})
        page = context.new_page()
        staff_login(page, seed.url, seed.teacher_email, "pw-123456")
        page.goto(f"{seed.url}/classes/{seed.class_id}")
        sticking_out = page.evaluate("""() => {
            const form = document.querySelector('form.wizard');
            const edge = form.getBoundingClientRect().right
                - parseFloat(getComputedStyle(form).paddingRight);
            return [...form.querySelectorAll('select, input, button, fieldset')]
                .filter(e => e.type !== 'hidden' && e.getBoundingClientRect().right > edge + 0.5)
                .map(e => e.id || e.tagName);
        }""")
        assert page.locator("select#form_id option", has_text="long name").count() == 1
        assert sticking_out == [], (width, sticking_out)
        screenshot(page, f"class-give-{width}")
        context.close()
